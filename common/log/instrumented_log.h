// The event log's Prometheus metrics (docs/operations.md, metrics catalogue):
//
// - MeteredEventLog: an EventLog decorator that times every Append until it returns, which by the
//   EventLog contract is once the batch is durable (embedded: the group-commit fsync; Kafka: the
//   delivery report of every record, acks=all): hub_log_append_seconds{topic}. Every Append is
//   observed, whatever its outcome (a caller waited that long either way); an Append that failed
//   other than by a version conflict is also counted in hub_log_append_failures_total{topic,code}.
//   Everything else is forwarded untouched. Safe for concurrent use, like every EventLog. Every hub
//   process (common/app Boot) wraps its log in one.
//
// - ConsumerLagGauge: hub_kafka_consumer_lag_records{service,topic}, the records between what a
//   service has applied and the end of each topic it follows. The numbers come from the service's
//   projection runner (ProjectionRunner::Lags); this only names and sets the series.
//
// Labels are topic names, service names and status code names: bounded, never a household id or
// anything else from a record.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/log/event_log.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace hub::log {

// Buckets of hub_log_append_seconds: 0.5 ms (an fsync on a fast SSD) to 10 s (KafkaLog's default
// request timeout, where a delivery gives up); 0.25 s, the HubLogAppendSlow threshold, is a bound.
const prometheus::Histogram::BucketBoundaries& AppendSecondsBuckets();

class MeteredEventLog final : public EventLog {
 public:
  // Wraps `inner`; the metrics are registered on `registry`, which the log keeps alive.
  MeteredEventLog(std::unique_ptr<EventLog> inner, std::shared_ptr<prometheus::Registry> registry);

  // The wrapped log.
  EventLog& inner() { return *inner_; }

  absl::Status CreateTopic(std::string_view topic, int32_t partitions) override;
  absl::StatusOr<int32_t> PartitionCount(std::string_view topic) override;
  absl::StatusOr<AppendResult> Append(const AppendBatch& batch) override;
  absl::StatusOr<int64_t> StreamVersion(std::string_view topic, std::string_view key) override;
  absl::StatusOr<int64_t> EndOffset(const TopicPartition& tp) override;
  absl::Status Read(const TopicPartition& tp, int64_t from, size_t max_records,
                    std::vector<Record>* out) override;
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(const std::vector<Position>& starts) override;

 private:
  prometheus::Histogram& AppendSeconds(std::string_view topic);

  std::unique_ptr<EventLog> inner_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Histogram>& append_seconds_;
  prometheus::Family<prometheus::Counter>& append_failures_;
  std::mutex mu_;
  // One histogram per topic, so an append costs a map lookup and no label set; guarded by mu_.
  std::map<std::string, prometheus::Histogram*, std::less<>> by_topic_;
};

// The backend under `log`: the log a MeteredEventLog wraps, or `log` itself. For what only a
// backend offers, e.g. dynamic_cast<KafkaLog*>(BackendOf(log)) for the Kafka ownership gate.
EventLog* BackendOf(EventLog* log);

class ConsumerLagGauge {
 public:
  // Registers (or joins, in hubd where every module has one) the family on `registry`, which must
  // outlive the gauge. `service` is the service's name ("intake", ...).
  ConsumerLagGauge(prometheus::Registry& registry, std::string service);

  // Sets the series of each topic in `records_behind` (topic -> records behind its end, summed over
  // partitions). A topic left out keeps its last value. Safe from any thread.
  void Set(const std::map<std::string, int64_t>& records_behind);

 private:
  prometheus::Family<prometheus::Gauge>& family_;
  const std::string service_;
};

}  // namespace hub::log
