// RocksLog: the embedded EventLog, one RocksDB in one process.
//
// Same topics, partitions, offsets and murmur2 partitioning as Kafka, so the hub can run embedded
// (the default for hubd and for tests without a broker) and move to Kafka without changing a
// Position. It is not a broker: exactly one process opens a given directory.
//
// Durability: Append returns only after the batch's WAL record is synced. Concurrent appenders are
// grouped (group commit): one leader validates the waiting batches, writes them as one atomic
// WriteBatch with one fsync, and wakes the others, so throughput grows with concurrency instead of
// costing one fsync per event. Readers see a record only once it is durable.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/log/event_log.h"

namespace hub::log {

struct RocksLogOptions {
  // Directory of the database; created if missing.
  std::string path;
  // false only for benchmarks that want to see the cost of the sync itself. Never in production.
  bool sync = true;
  // Most batches one group commit takes.
  size_t max_group_batches = 1024;
};

class RocksLog : public EventLog {
 public:
  static absl::StatusOr<std::unique_ptr<RocksLog>> Open(const RocksLogOptions& options);
  ~RocksLog() override;
  absl::Status CreateTopic(std::string_view topic, int32_t partitions) override;
  absl::StatusOr<int32_t> PartitionCount(std::string_view topic) override;
  absl::StatusOr<AppendResult> Append(const AppendBatch& batch) override;
  absl::StatusOr<int64_t> StreamVersion(std::string_view topic, std::string_view key) override;
  absl::StatusOr<int64_t> EndOffset(const TopicPartition& tp) override;
  absl::Status Read(const TopicPartition& tp, int64_t from, size_t max_records,
                    std::vector<Record>* out) override;
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      const std::vector<Position>& starts) override;

  class Impl;

 private:
  explicit RocksLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::log
