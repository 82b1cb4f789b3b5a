#include "common/log/instrumented_log.h"

#include <chrono>

#include "common/status/status.h"

namespace hub::log {
namespace {

// The label of a batch whose topic is not a valid name (the inner log refuses it): such names come
// from a bug, and must not each become a series.
constexpr char kInvalidTopic[] = "invalid";

}  // namespace

const prometheus::Histogram::BucketBoundaries& AppendSecondsBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                               0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

MeteredEventLog::MeteredEventLog(std::unique_ptr<EventLog> inner, std::shared_ptr<prometheus::Registry> registry)
    : inner_(std::move(inner)),
      registry_(std::move(registry)),
      append_seconds_(prometheus::BuildHistogram()
                          .Name("hub_log_append_seconds")
                          .Help("Time of one append to the event log until it is durable (embedded: the group-commit "
                                "fsync; Kafka: every delivery report, acks=all), whatever its outcome, per topic.")
                          .Register(*registry_)),
      append_failures_(prometheus::BuildCounter()
                           .Name("hub_log_append_failures_total")
                           .Help("Appends to the event log that failed, per topic and status code; version "
                                 "conflicts (a stale expected version, nothing written) are not counted.")
                           .Register(*registry_)) {}

prometheus::Histogram& MeteredEventLog::AppendSeconds(std::string_view topic) {
  std::lock_guard lock(mu_);
  auto it = by_topic_.find(topic);
  if (it != by_topic_.end()) return *it->second;
  const std::string label = ValidateTopicName(topic).ok() ? std::string(topic) : kInvalidTopic;
  auto& histogram = append_seconds_.Add({{"topic", label}}, AppendSecondsBuckets());
  if (label != kInvalidTopic) by_topic_.emplace(label, &histogram);
  return histogram;
}

absl::StatusOr<AppendResult> MeteredEventLog::Append(const AppendBatch& batch) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<AppendResult> result = inner_->Append(batch);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  AppendSeconds(batch.topic).Observe(elapsed.count());
  if (!result.ok() && !IsVersionConflict(result.status())) {
    const bool valid = ValidateTopicName(batch.topic).ok();
    append_failures_
        .Add({{"topic", valid ? batch.topic : std::string(kInvalidTopic)},
              {"code", absl::StatusCodeToString(result.status().code())}})
        .Increment();
  }
  return result;
}

absl::Status MeteredEventLog::CreateTopic(std::string_view topic, int32_t partitions) {
  return inner_->CreateTopic(topic, partitions);
}

absl::StatusOr<int32_t> MeteredEventLog::PartitionCount(std::string_view topic) {
  return inner_->PartitionCount(topic);
}

absl::StatusOr<int64_t> MeteredEventLog::StreamVersion(std::string_view topic, std::string_view key) {
  return inner_->StreamVersion(topic, key);
}

absl::StatusOr<int64_t> MeteredEventLog::EndOffset(const TopicPartition& tp) { return inner_->EndOffset(tp); }

absl::Status MeteredEventLog::Read(const TopicPartition& tp, int64_t from, size_t max_records,
                                   std::vector<Record>* out) {
  return inner_->Read(tp, from, max_records, out);
}

absl::StatusOr<std::unique_ptr<Subscription>> MeteredEventLog::Subscribe(const std::vector<Position>& starts) {
  return inner_->Subscribe(starts);
}

EventLog* BackendOf(EventLog* log) {
  auto* metered = dynamic_cast<MeteredEventLog*>(log);
  return metered == nullptr ? log : &metered->inner();
}

ConsumerLagGauge::ConsumerLagGauge(prometheus::Registry& registry, std::string service)
    : family_(prometheus::BuildGauge()
                  .Name("hub_kafka_consumer_lag_records")
                  .Help("Records between what a service has applied and the end (high watermark) of a topic it "
                        "follows, summed over partitions; on Kafka.")
                  .Register(registry)),
      service_(std::move(service)) {}

void ConsumerLagGauge::Set(const std::map<std::string, int64_t>& records_behind) {
  for (const auto& [topic, records] : records_behind) {
    family_.Add({{"service", service_}, {"topic", topic}}).Set(static_cast<double>(records));
  }
}

}  // namespace hub::log
