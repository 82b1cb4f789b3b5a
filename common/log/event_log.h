// EventLog: the hub's append-only log of events, with Kafka's shape.
//
// A log holds topics; a topic has a fixed number of partitions; a partition is a gapless sequence of
// records numbered by offset from 0. A record's key is its household id and decides its partition
// with murmur2 exactly as Kafka's Java client does (see partitioner.h), so a Position means the same
// thing on the embedded backend (rocks_log) and on Kafka (kafka_log).
//
// On top of partitions the log keeps streams: the records of one (topic, key). Append adds a batch
// to one stream atomically, guarded by the stream version the caller expects. Implementations are
// safe for concurrent use from many threads without external synchronisation.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hub::log {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// A place in the log: the record at `offset`, or, used as a start, the first record to read.
struct Position {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  auto operator<=>(const Position&) const = default;
};

// One record as read back from the log.
struct Record {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;         // the household id
  std::string value;       // opaque to the log: for the hub, a serialised hub.v1.LogRecord
  int64_t timestamp_ms = 0;  // when the log accepted the record (Kafka's LogAppendTime)
};

// Expected version meaning "append whatever the stream's current version is".
inline constexpr int64_t kAnyVersion = -1;

struct AppendBatch {
  std::string topic;
  std::string key;
  // Number of records the stream must hold before this batch, or kAnyVersion. 0 means "the stream
  // must not exist yet".
  int64_t expected_version = kAnyVersion;
  std::vector<std::string> values;  // at least one
};

struct AppendResult {
  int32_t partition = 0;
  int64_t first_offset = 0;    // offset of values[0]; the batch occupies consecutive offsets
  int64_t stream_version = 0;  // the stream's version after the batch (its record count)
  // Position of the last record of the batch: what a caller passes on as min_positions.
  Position last_position() const;
  std::string topic;
  int64_t count = 0;
};

// A tail over a set of partitions, each from its own start offset. Not thread-safe, except Close().
class Subscription {
 public:
  virtual ~Subscription() = default;

  // Blocks until at least one record is available or `timeout` passes, then appends up to
  // `max_records` records to `out`, in offset order within each partition. Returns OK with nothing
  // appended on timeout, CANCELLED once Close() was called, another error if the log failed.
  // The waiting is a wake-up on append, never a sleep loop.
  virtual absl::Status Next(std::chrono::milliseconds timeout, size_t max_records,
                            std::vector<Record>* out) = 0;

  // Makes a blocked or later Next() return CANCELLED. Safe to call from any thread.
  virtual void Close() = 0;
};

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Creates `topic` with `partitions` partitions. Idempotent: succeeds if the topic exists with the
  // same count; FAILED_PRECONDITION if it exists with another count (changing the count would move
  // households between partitions). Topic names follow Kafka's rule: [A-Za-z0-9._-]{1,249}.
  virtual absl::Status CreateTopic(std::string_view topic, int32_t partitions) = 0;

  // NOT_FOUND if the topic does not exist.
  virtual absl::StatusOr<int32_t> PartitionCount(std::string_view topic) = 0;

  // Appends `batch.values` to the stream (topic, key) as one unit: either every record is durable
  // and readable, or none is. The result is returned only once the records are durable (synced to
  // disk, or acknowledged by all in-sync Kafka replicas). If `expected_version` is not kAnyVersion
  // and differs from the stream's version, nothing is written and the status satisfies
  // IsVersionConflict(). INVALID_ARGUMENT for an empty batch, a bad topic or key, or a batch over
  // the size limit; NOT_FOUND for an unknown topic; UNAVAILABLE when the log cannot be reached.
  virtual absl::StatusOr<AppendResult> Append(const AppendBatch& batch) = 0;

  // The number of records in stream (topic, key); 0 for a stream that does not exist.
  virtual absl::StatusOr<int64_t> StreamVersion(std::string_view topic, std::string_view key) = 0;

  // The offset the next record appended to `tp` will get (Kafka's high watermark).
  virtual absl::StatusOr<int64_t> EndOffset(const TopicPartition& tp) = 0;

  // Appends to `out` up to `max_records` records of `tp` starting at offset `from`. Reading at or
  // past the end returns OK with nothing appended.
  virtual absl::Status Read(const TopicPartition& tp, int64_t from, size_t max_records,
                            std::vector<Record>* out) = 0;

  // Starts a tail at each of `starts` (topic, partition, first offset to deliver). The subscription
  // must be destroyed before the log.
  virtual absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      const std::vector<Position>& starts) = 0;
};

// Checks a topic name against Kafka's rule, naming the reason.
absl::Status ValidateTopicName(std::string_view topic);

// Largest batch, in bytes of values, one Append accepts (Kafka's default message.max.bytes is
// about 1 MiB; a household's command never comes near it).
inline constexpr size_t kMaxBatchBytes = 900 * 1024;

}  // namespace hub::log
