// The log's metrics in a running service, on both backends (the Kafka cases need HUB_KAFKA_BROKERS
// and are skipped without it):
//   - hub_kafka_consumer_lag_records{service,topic} as the services compute it (ProjectionRunner::
//     Lags into a ConsumerLagGauge): exactly the records appended to a followed topic that the
//     runner has not applied yet, per topic, and 0 once it has caught up. A projection that blocks
//     until the test lets it go holds the runner still, so every number is exact, not a race.
//   - a process as the binaries boot it (app::Boot, then a module's OpenIn): its appends are timed
//     in hub_log_append_seconds (the access log's too), and the service exports the consumer lag
//     of each topic it follows on Kafka only.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>

#include "common/app/app.h"
#include "common/es/projection_runner.h"
#include "common/log/instrumented_log.h"
#include "common/log/kafka_log.h"
#include "common/log/rocks_log.h"
#include "common/store/store.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "hub/v1/envelope.pb.h"
#include "prometheus/metric_family.h"
#include "services/intake/module.h"
#include "tests/testing/temp_dir.h"

namespace hub {
namespace {

using std::chrono::steady_clock;

enum class Backend { kEmbedded, kKafka };

std::string Brokers() {
  const char* brokers = std::getenv("HUB_KAFKA_BROKERS");
  return brokers == nullptr ? std::string() : std::string(brokers);
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kKafka ? "Kafka" : "Embedded";
}

// The value of the series `name` with exactly `labels`; nullopt when there is none.
std::optional<prometheus::ClientMetric> Series(prometheus::Registry& registry, const std::string& name,
                                               const std::map<std::string, std::string>& labels) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& label : metric.label) have[label.name] = label.value;
      if (have == labels) return metric;
    }
  }
  return std::nullopt;
}

// A projection that applies nothing until the test opens it: the runner then holds every record
// it has read and advances no checkpoint.
class GatedProjection : public es::Projection {
 public:
  std::vector<std::string> Families() const override { return {"consumer_lag_test"}; }
  void Bind(rocksdb::DB*, const std::vector<rocksdb::ColumnFamilyHandle*>&) override {}
  absl::Status Apply(const es::LoggedEvent&, es::ProjectionWriter&) override {
    std::unique_lock lock(mu_);
    ++reached_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    return absl::OkStatus();
  }

  void SetOpen(bool open) {
    std::lock_guard lock(mu_);
    open_ = open;
    cv_.notify_all();
  }
  // Waits until an event was handed to Apply (the runner has read it) or the deadline passes.
  bool WaitReached(steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return reached_ > 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int reached_ = 0;
};

std::string Event(const std::string& household) {
  hub::v1::EventEnvelope envelope;
  envelope.set_household_id(household);
  hub::v1::LogRecord record;
  record.set_envelope(envelope.SerializeAsString());
  return record.SerializeAsString();
}

class ConsumerLagTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kKafka) {
      if (Brokers().empty()) GTEST_SKIP() << "HUB_KAFKA_BROKERS is not set (scripts/kafka.sh start)";
      auto kafka = log::KafkaLog::Open({.brokers = Brokers(), .client_id = "consumer-lag-test"});
      ASSERT_TRUE(kafka.ok()) << kafka.status();
      log_ = std::move(*kafka);
    } else {
      auto rocks = log::RocksLog::Open({.path = dir_.Sub("log")});
      ASSERT_TRUE(rocks.ok()) << rocks.status();
      log_ = std::move(*rocks);
    }
    // Unique topics: the broker is shared and keeps everything.
    static std::atomic<int> counter{0};
    const int n = counter++;
    topic_a_ = fmt::format("consumer-lag-test.{}.{}.a", getpid(), n);
    topic_b_ = fmt::format("consumer-lag-test.{}.{}.b", getpid(), n);
    ASSERT_TRUE(log_->CreateTopic(topic_a_, 3).ok());
    ASSERT_TRUE(log_->CreateTopic(topic_b_, 2).ok());
    auto store = store::Store::Open(dir_.Sub("store"), es::ProjectionRunner::FamiliesFor({&gate_}));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    runner_ = std::make_unique<es::ProjectionRunner>(
        log_.get(), store_.get(), std::vector<es::Projection*>{&gate_},
        es::ProjectionRunnerOptions{.name = "consumer-lag-test", .topics = {topic_a_, topic_b_}});
    ASSERT_TRUE(runner_->Start().ok());
  }

  void TearDown() override {
    gate_.SetOpen(true);  // a runner stops only between events
    runner_.reset();
    store_.reset();
    log_.reset();
  }

  void Append(const std::string& topic, int records) {
    for (int i = 0; i < records; ++i) {
      const std::string household = fmt::format("household-{}", appended_++);
      auto r = log_->Append({topic, household, log::kAnyVersion, {Event(household)}});
      ASSERT_TRUE(r.ok()) << r.status();
    }
  }

  // What a service's RefreshMetrics does, then the series of `topic`.
  std::optional<double> Lag(const std::string& topic) {
    gauge_.Set(runner_->Lags().by_topic);
    auto series = Series(registry_, "hub_kafka_consumer_lag_records", {{"service", "lag-test"}, {"topic", topic}});
    if (!series) return std::nullopt;
    return series->gauge.value;
  }

  testing::TempDir dir_;
  std::unique_ptr<log::EventLog> log_;
  std::string topic_a_;
  std::string topic_b_;
  GatedProjection gate_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<es::ProjectionRunner> runner_;
  prometheus::Registry registry_;
  log::ConsumerLagGauge gauge_{registry_, "lag-test"};
  int appended_ = 0;
};

TEST_P(ConsumerLagTest, CountsWhatIsAppendedButNotAppliedPerTopicAndDropsToZeroAfterCatchUp) {
  EXPECT_EQ(Lag(topic_a_), 0.0);
  EXPECT_EQ(Lag(topic_b_), 0.0);

  ASSERT_NO_FATAL_FAILURE(Append(topic_a_, 5));
  ASSERT_NO_FATAL_FAILURE(Append(topic_b_, 3));
  // Read by the runner but not applied: still behind.
  ASSERT_TRUE(gate_.WaitReached(steady_clock::now() + std::chrono::seconds(30)));
  EXPECT_EQ(Lag(topic_a_), 5.0);
  EXPECT_EQ(Lag(topic_b_), 3.0);
  const auto lags = runner_->Lags();
  EXPECT_EQ(lags.total, 8);  // hub_projection_lag_records: the sum over the topics

  gate_.SetOpen(true);
  ASSERT_TRUE(runner_->CatchUp(steady_clock::now() + std::chrono::seconds(60)).ok());
  EXPECT_EQ(Lag(topic_a_), 0.0);
  EXPECT_EQ(Lag(topic_b_), 0.0);

  // Behind again from a checkpoint past 0: only the new records count.
  gate_.SetOpen(false);
  ASSERT_NO_FATAL_FAILURE(Append(topic_a_, 4));
  EXPECT_EQ(Lag(topic_a_), 4.0);
  EXPECT_EQ(Lag(topic_b_), 0.0);
  gate_.SetOpen(true);
  ASSERT_TRUE(runner_->CatchUp(steady_clock::now() + std::chrono::seconds(60)).ok());
  EXPECT_EQ(Lag(topic_a_), 0.0);
  EXPECT_EQ(runner_->Lags().total, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsumerLagTest, ::testing::Values(Backend::kEmbedded, Backend::kKafka),
                         BackendName);

// A process booted as every binary boots, with the intake module in it.
class BootedProcessTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    app::Settings settings;
    settings.listen = "127.0.0.1:0";
    settings.metrics_listen = "";
    settings.data_dir = dir_.Sub("hub");
    settings.organisations = std::string(HUB_SOURCE_DIR) + "/deploy/config/organisations.json";
    settings.partitions = 3;  // as every Kafka test that uses the services' topics
    if (GetParam() == Backend::kKafka) {
      if (Brokers().empty()) GTEST_SKIP() << "HUB_KAFKA_BROKERS is not set (scripts/kafka.sh start)";
      settings.log = "kafka";
      settings.brokers = Brokers();
    }
    auto process = app::Boot("consumer-lag-test", settings);
    ASSERT_TRUE(process.ok()) << process.status();
    process_ = std::move(*process);
    auto intake = intake::IntakeModule::OpenIn(*process_);
    ASSERT_TRUE(intake.ok()) << intake.status();
    intake_ = std::move(*intake);
  }

  void TearDown() override {
    intake_.reset();  // before the host whose registry its metrics use
    process_.reset();
  }

  prometheus::Registry& registry() { return *process_->host->registry(); }

  testing::TempDir dir_;
  std::unique_ptr<app::Process> process_;
  std::unique_ptr<intake::IntakeModule> intake_;
};

TEST_P(BootedProcessTest, TimesEveryAppendOfTheProcess) {
  // The access log writes through the process's log, like every module.
  hub::v1::AccessRecorded record;
  record.set_tenant("GM0632");
  record.set_operation("hub.v1.IntakeService/GetHousehold");
  record.set_outcome("OK");
  record.set_resource("consumer-lag-test");
  auto count = [&]() -> uint64_t {
    auto series = Series(registry(), "hub_log_append_seconds", {{"topic", "hub.access.events.v1"}});
    return series ? series->histogram.sample_count : 0;
  };
  const uint64_t before = count();
  ASSERT_TRUE(process_->access_log->Write(record).ok());
  ASSERT_TRUE(process_->access_log->Write(record).ok());
  EXPECT_EQ(count(), before + 2);
  auto series = Series(registry(), "hub_log_append_seconds", {{"topic", "hub.access.events.v1"}});
  ASSERT_TRUE(series.has_value());
  EXPECT_GT(series->histogram.sample_sum, 0.0);
}

TEST_P(BootedProcessTest, ExportsTheConsumerLagOfEachFollowedTopicOnKafkaOnly) {
  const std::vector<std::string> followed = {"hub.intake.events.v1", "hub.keys.events.v1"};
  intake_->RefreshMetrics();
  if (GetParam() == Backend::kEmbedded) {
    for (const auto& topic : followed) {
      EXPECT_FALSE(
          Series(registry(), "hub_kafka_consumer_lag_records", {{"service", "intake"}, {"topic", topic}}).has_value())
          << topic;
    }
    return;
  }
  for (const auto& topic : followed) {
    EXPECT_TRUE(
        Series(registry(), "hub_kafka_consumer_lag_records", {{"service", "intake"}, {"topic", topic}}).has_value())
        << topic;
  }
  // Open caught the module up; it reaches 0 (another writer of these topics could only delay it).
  const auto deadline = steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    intake_->RefreshMetrics();
    double behind = 0;
    for (const auto& topic : followed) {
      auto series = Series(registry(), "hub_kafka_consumer_lag_records", {{"service", "intake"}, {"topic", topic}});
      ASSERT_TRUE(series.has_value()) << topic;
      behind += series->gauge.value;
    }
    if (behind == 0) break;
    ASSERT_LT(steady_clock::now(), deadline) << behind << " records still behind";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, BootedProcessTest, ::testing::Values(Backend::kEmbedded, Backend::kKafka),
                         BackendName);

}  // namespace
}  // namespace hub
