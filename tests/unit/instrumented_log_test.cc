// The event log's metrics (common/log/instrumented_log.h) on the embedded log: MeteredEventLog
// observes every Append in hub_log_append_seconds{topic}, whatever its outcome, times the inner
// log's whole call, counts failures other than version conflicts in
// hub_log_append_failures_total{topic,code}, and forwards everything else; ConsumerLagGauge sets
// hub_kafka_consumer_lag_records{service,topic}.
#include "common/log/instrumented_log.h"

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "common/log/rocks_log.h"
#include "common/status/status.h"
#include "gtest/gtest.h"
#include "prometheus/metric_family.h"
#include "tests/testing/temp_dir.h"

namespace hub::log {
namespace {

using Labels = std::map<std::string, std::string>;

// The series of `name` with exactly `labels`, as a scrape would show it.
std::optional<prometheus::ClientMetric> Series(prometheus::Registry& registry, const std::string& name,
                                               const Labels& labels) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      Labels have;
      for (const auto& label : metric.label) have[label.name] = label.value;
      if (have == labels) return metric;
    }
  }
  return std::nullopt;
}

uint64_t AppendCount(prometheus::Registry& registry, const std::string& topic) {
  auto series = Series(registry, "hub_log_append_seconds", {{"topic", topic}});
  return series ? series->histogram.sample_count : 0;
}

double Failures(prometheus::Registry& registry, const std::string& topic, const std::string& code) {
  auto series = Series(registry, "hub_log_append_failures_total", {{"topic", topic}, {"code", code}});
  return series ? series->counter.value : 0;
}

// An inner log whose Append takes at least `delay` before it forwards, to show what is timed.
class SlowAppendLog final : public EventLog {
 public:
  SlowAppendLog(std::unique_ptr<EventLog> inner, std::chrono::milliseconds delay)
      : inner_(std::move(inner)), delay_(delay) {}
  absl::Status CreateTopic(std::string_view topic, int32_t partitions) override {
    return inner_->CreateTopic(topic, partitions);
  }
  absl::StatusOr<int32_t> PartitionCount(std::string_view topic) override { return inner_->PartitionCount(topic); }
  absl::StatusOr<AppendResult> Append(const AppendBatch& batch) override {
    std::this_thread::sleep_until(std::chrono::steady_clock::now() + delay_);  // at least delay_, never less
    return inner_->Append(batch);
  }
  absl::StatusOr<int64_t> StreamVersion(std::string_view topic, std::string_view key) override {
    return inner_->StreamVersion(topic, key);
  }
  absl::StatusOr<int64_t> EndOffset(const TopicPartition& tp) override { return inner_->EndOffset(tp); }
  absl::Status Read(const TopicPartition& tp, int64_t from, size_t max_records, std::vector<Record>* out) override {
    return inner_->Read(tp, from, max_records, out);
  }
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(const std::vector<Position>& starts) override {
    return inner_->Subscribe(starts);
  }

 private:
  std::unique_ptr<EventLog> inner_;
  std::chrono::milliseconds delay_;
};

class MeteredEventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rocks = RocksLog::Open({.path = dir_.Sub("log")});
    ASSERT_TRUE(rocks.ok()) << rocks.status();
    rocks_ = rocks->get();
    log_ = std::make_unique<MeteredEventLog>(std::move(*rocks), registry_);
    ASSERT_TRUE(log_->CreateTopic("hub.a.events.v1", 3).ok());
    ASSERT_TRUE(log_->CreateTopic("hub.b.events.v1", 2).ok());
  }

  hub::testing::TempDir dir_;
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  RocksLog* rocks_ = nullptr;
  std::unique_ptr<MeteredEventLog> log_;
};

TEST_F(MeteredEventLogTest, ObservesEveryAppendPerTopic) {
  constexpr int kA = 7;
  constexpr int kB = 3;
  for (int i = 0; i < kA; ++i) {
    auto r = log_->Append({"hub.a.events.v1", "household-" + std::to_string(i), 0, {"e1", "e2"}});
    ASSERT_TRUE(r.ok()) << r.status();
  }
  for (int i = 0; i < kB; ++i) {
    ASSERT_TRUE(log_->Append({"hub.b.events.v1", "household-x", kAnyVersion, {"e"}}).ok());
  }
  // One observation per Append, not per record.
  EXPECT_EQ(AppendCount(*registry_, "hub.a.events.v1"), static_cast<uint64_t>(kA));
  EXPECT_EQ(AppendCount(*registry_, "hub.b.events.v1"), static_cast<uint64_t>(kB));
  auto a = Series(*registry_, "hub_log_append_seconds", {{"topic", "hub.a.events.v1"}});
  ASSERT_TRUE(a.has_value());
  EXPECT_GT(a->histogram.sample_sum, 0.0);
  // Buckets are cumulative and end with +Inf holding every observation.
  ASSERT_EQ(a->histogram.bucket.size(), AppendSecondsBuckets().size() + 1);
  EXPECT_EQ(a->histogram.bucket.back().cumulative_count, static_cast<uint64_t>(kA));
  for (const auto& family : registry_->Collect()) {
    if (family.name == "hub_log_append_failures_total") {
      EXPECT_TRUE(family.metric.empty());
    }
  }
}

TEST_F(MeteredEventLogTest, AFailedAppendIsObservedAndCountedByCode) {
  // Unknown topic: the inner log says NOT_FOUND, and the caller waited for that answer.
  auto missing = log_->Append({"hub.missing.events.v1", "household-1", kAnyVersion, {"e"}});
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kNotFound) << missing.status();
  EXPECT_EQ(AppendCount(*registry_, "hub.missing.events.v1"), 1u);
  EXPECT_EQ(Failures(*registry_, "hub.missing.events.v1", "NOT_FOUND"), 1.0);

  // Empty batch: INVALID_ARGUMENT.
  auto empty = log_->Append({"hub.a.events.v1", "household-1", kAnyVersion, {}});
  ASSERT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument) << empty.status();
  EXPECT_EQ(AppendCount(*registry_, "hub.a.events.v1"), 1u);
  EXPECT_EQ(Failures(*registry_, "hub.a.events.v1", "INVALID_ARGUMENT"), 1.0);
}

TEST_F(MeteredEventLogTest, AVersionConflictIsObservedButIsNoFailure) {
  ASSERT_TRUE(log_->Append({"hub.a.events.v1", "household-1", 0, {"e"}}).ok());
  auto conflict = log_->Append({"hub.a.events.v1", "household-1", 0, {"e"}});
  ASSERT_TRUE(IsVersionConflict(conflict.status())) << conflict.status();
  EXPECT_EQ(AppendCount(*registry_, "hub.a.events.v1"), 2u);
  EXPECT_EQ(Failures(*registry_, "hub.a.events.v1", "ABORTED"), 0.0);
}

TEST_F(MeteredEventLogTest, AnInvalidTopicNameIsNoSeriesOfItsOwn) {
  for (const std::string topic : {"bad topic/1", "bad topic/2"}) {
    auto r = log_->Append({topic, "household-1", kAnyVersion, {"e"}});
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  }
  EXPECT_EQ(AppendCount(*registry_, "invalid"), 2u);
  EXPECT_EQ(Failures(*registry_, "invalid", "INVALID_ARGUMENT"), 2.0);
  EXPECT_EQ(AppendCount(*registry_, "bad topic/1"), 0u);
}

TEST_F(MeteredEventLogTest, ForwardsEverythingElse) {
  auto r = log_->Append({"hub.a.events.v1", "household-1", 0, {"e1", "e2"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*log_->PartitionCount("hub.a.events.v1"), 3);
  EXPECT_EQ(*log_->StreamVersion("hub.a.events.v1", "household-1"), 2);
  EXPECT_EQ(*log_->EndOffset({"hub.a.events.v1", r->partition}), *rocks_->EndOffset({"hub.a.events.v1", r->partition}));
  std::vector<Record> records;
  ASSERT_TRUE(log_->Read({"hub.a.events.v1", r->partition}, 0, 10, &records).ok());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].value, "e2");
  auto subscription = log_->Subscribe({{"hub.a.events.v1", r->partition, 1}});
  ASSERT_TRUE(subscription.ok()) << subscription.status();
  records.clear();
  ASSERT_TRUE((*subscription)->Next(std::chrono::seconds(10), 10, &records).ok());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].value, "e2");
  EXPECT_EQ(log_->CreateTopic("hub.a.events.v1", 4).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(MeteredEventLogTest, BackendOfSeesThroughTheDecorator) {
  EXPECT_EQ(BackendOf(log_.get()), rocks_);
  EXPECT_EQ(BackendOf(rocks_), rocks_);
}

TEST(MeteredEventLogTiming, TimesTheInnerAppendUntilItReturns) {
  hub::testing::TempDir dir;
  auto rocks = RocksLog::Open({.path = dir.Sub("log")});
  ASSERT_TRUE(rocks.ok()) << rocks.status();
  auto registry = std::make_shared<prometheus::Registry>();
  constexpr auto kDelay = std::chrono::milliseconds(20);
  MeteredEventLog log(std::make_unique<SlowAppendLog>(std::move(*rocks), kDelay), registry);
  ASSERT_TRUE(log.CreateTopic("hub.a.events.v1", 1).ok());
  ASSERT_TRUE(log.Append({"hub.a.events.v1", "household-1", 0, {"e"}}).ok());
  ASSERT_TRUE(log.Append({"hub.a.events.v1", "household-1", 5, {"e"}}).status().code() == absl::StatusCode::kAborted);

  auto series = Series(*registry, "hub_log_append_seconds", {{"topic", "hub.a.events.v1"}});
  ASSERT_TRUE(series.has_value());
  ASSERT_EQ(series->histogram.sample_count, 2u);
  // Each append took at least the inner log's 20 ms (a lower bound: it cannot be less however
  // loaded the machine is); so nothing is in the buckets up to 10 ms.
  EXPECT_GE(series->histogram.sample_sum, 2 * 0.020);
  for (const auto& bucket : series->histogram.bucket) {
    if (bucket.upper_bound <= 0.01) {
      EXPECT_EQ(bucket.cumulative_count, 0u) << "le=" << bucket.upper_bound;
    }
  }
}

TEST(ConsumerLagGauge, SetsOneSeriesPerServiceAndTopic) {
  prometheus::Registry registry;
  ConsumerLagGauge plan(registry, "plan");
  ConsumerLagGauge referral(registry, "referral");  // hubd: every module on one registry
  plan.Set({{"hub.intake.events.v1", 5}, {"hub.plan.events.v1", 0}});
  referral.Set({{"hub.intake.events.v1", 2}});
  auto value = [&](const std::string& service, const std::string& topic) -> std::optional<double> {
    auto series = Series(registry, "hub_kafka_consumer_lag_records", {{"service", service}, {"topic", topic}});
    if (!series) return std::nullopt;
    return series->gauge.value;
  };
  EXPECT_EQ(value("plan", "hub.intake.events.v1"), 5.0);
  EXPECT_EQ(value("plan", "hub.plan.events.v1"), 0.0);
  EXPECT_EQ(value("referral", "hub.intake.events.v1"), 2.0);
  EXPECT_EQ(value("referral", "hub.plan.events.v1"), std::nullopt);
  // A topic left out (its end could not be read) keeps its last value.
  plan.Set({{"hub.plan.events.v1", 3}});
  EXPECT_EQ(value("plan", "hub.intake.events.v1"), 5.0);
  EXPECT_EQ(value("plan", "hub.plan.events.v1"), 3.0);
}

}  // namespace
}  // namespace hub::log
