// KafkaLog: the EventLog on an Apache Kafka cluster, through librdkafka.
//
// Same topics, partitions, offsets and murmur2 partitioning as RocksLog (see event_log.h): every
// record is produced to the partition PartitionForKey(key, partitions) computed here, explicitly,
// never by librdkafka's partitioner, so a Position means the same on both backends.
//
// How the EventLog contract maps onto Kafka:
//
// - Topics are created with the Admin API (CreateTopics) with retention.ms=-1 (nothing is ever
//   deleted), message.timestamp.type=LogAppendTime (Record::timestamp_ms is the broker's time) and
//   the configured replication factor. Partition counts come from broker metadata and are cached:
//   a topic's count never changes (the hub never adds partitions).
//
// - Append produces with one idempotent producer (enable.idempotence=true, acks=all), to one
//   partition, in order, and returns only after the delivery report of every record of the batch
//   (acknowledged by all in-sync replicas). A delivery error is returned to the caller (mostly
//   UNAVAILABLE), never swallowed; the partition's cached state is then dropped and relearned from
//   the broker on next use.
//
// - Stream versions (records per (topic, key)) are not stored in Kafka: this process learns them by
//   reading a partition from offset 0 to its high watermark the first time the partition is
//   touched, and then keeps them up to date on each successful Append. The expected-version check,
//   the produce and the wait for its delivery happen under one per-partition mutex, so concurrent
//   Appends from this process serialise and a stale expected version fails with
//   VersionConflictError before anything is produced.
//
//   THIS IS CORRECT ONLY FOR A SINGLE WRITER PER PARTITION: the service instance that owns the
//   partition. Another process appending to the same partition is not seen (its records would make
//   this process's versions stale, and its records could interleave with a batch). The hub assigns
//   each partition to one owner; the conformance suite runs in one process.
//
// - Batch atomicity is only partial. Without Kafka transactions a multi-record batch is not atomic
//   across a broker failure: if delivery of a batch fails part-way (timeout, leader loss), some of
//   its records may be durable and others not, and the caller gets an error although a prefix of
//   the batch may be readable. The common case is correct: all records of one Append go to one
//   partition, produced back to back under the partition mutex by one idempotent producer (no
//   duplicates, no reordering), so they get consecutive offsets and are never interleaved with
//   another batch from this process.
//
// - EndOffset is the partition's high watermark, asked of the broker each time. Read and Subscribe
//   use consumers with explicit assign() and offsets (no group membership, no committed offsets).
//
// Possible extensions (not done here):
// - Kafka transactions (transactional.id per owner) to make multi-record batches atomic and to
//   fence a zombie owner of a partition.
// - A local snapshot of stream versions (a directory for local state) so that opening does not
//   read whole partitions; and pipelining produces of different streams of one partition.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log/event_log.h"

namespace hub::log {

// How the hub's Kafka clients authenticate and encrypt: librdkafka's security settings. Empty
// fields are left at librdkafka's defaults (PLAINTEXT, no SASL). Secrets are values here, read from
// files by the caller; they are never printed.
struct KafkaSecurity {
  std::string security_protocol;  // PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
  std::string ssl_ca_file;        // CA bundle (PEM) to verify the brokers
  std::string ssl_cert_file;      // client certificate (PEM), for mutual TLS
  std::string ssl_key_file;       // client private key (PEM)
  std::string sasl_mechanism;     // PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
  std::string sasl_username;
  std::string sasl_password;

  // The librdkafka properties these settings amount to (only the ones given).
  std::vector<std::pair<std::string, std::string>> Properties() const;
};

struct KafkaLogOptions {
  // bootstrap.servers, e.g. "127.0.0.1:9092" or "k1:9092,k2:9092". Required.
  std::string brokers;
  // TLS and SASL for every client this log creates (producer, readers, admin).
  KafkaSecurity security;
  // Topics created with cleanup.policy=compact instead of unlimited retention: the key topic, so
  // that an erased key's wrapped record leaves the brokers (proto/hub/v1/key_events.proto).
  std::vector<std::string> compacted_topics = {"hub.keys.events.v1"};
  // client.id for the broker's logs and quotas.
  std::string client_id = "hub-event-log";
  // Upper bound for one request to the cluster: metadata, admin, watermark and read requests, and
  // the delivery of an appended batch (librdkafka's message.timeout.ms). Past it: UNAVAILABLE.
  std::chrono::milliseconds request_timeout{10000};
  // Replication factor of topics this log creates. 1 for a single test broker; 3 in production.
  int16_t replication_factor = 1;
  // librdkafka's linger.ms: how long the producer waits to fill a request. 0, because an append
  // holds its partition until delivery, so nothing else could join the request while it lingers
  // (measured: linger 2 ms cut single-event appends from 1,322 to 273 per second).
  int linger_ms = 0;
};

class KafkaLog : public EventLog {
 public:
  // Creates the producer and its delivery thread. Does not contact the brokers: an unreachable
  // cluster shows up as UNAVAILABLE from the first call that needs it.
  static absl::StatusOr<std::unique_ptr<KafkaLog>> Open(const KafkaLogOptions& options);
  // The options it was opened with (the ownership gate's consumer uses the same brokers and security).
  const KafkaLogOptions& options() const;
  ~KafkaLog() override;

  absl::Status CreateTopic(std::string_view topic, int32_t partitions) override;
  absl::StatusOr<int32_t> PartitionCount(std::string_view topic) override;
  absl::StatusOr<AppendResult> Append(const AppendBatch& batch) override;
  absl::StatusOr<int64_t> StreamVersion(std::string_view topic, std::string_view key) override;
  absl::StatusOr<int64_t> EndOffset(const TopicPartition& tp) override;
  absl::Status Read(const TopicPartition& tp, int64_t from, size_t max_records,
                    std::vector<Record>* out) override;
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      const std::vector<Position>& starts) override;

  // Drops what this process learned about `tp` (stream versions); the next Append relearns it from
  // the broker. Called when ownership of the partition moved away and back: another owner may
  // have written in between.
  void Forget(const TopicPartition& tp);

  class Impl;

 private:
  explicit KafkaLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::log
