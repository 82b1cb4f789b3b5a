// PartitionOwnership: which partitions of a service's topic this instance owns.
//
// Kafka's consumer-group protocol decides: every instance of a service joins the group
// "hub.<service>" and Kafka assigns each partition of the service's topic to exactly one live
// member. The owner of a partition is that partition's single writer (see kafka_log.h): only it
// decides commands for the households in it. Members advertise their gRPC address as their client
// id, so an instance can tell a caller where a household is served (OwnerOf).
//
// The group is used for assignment only: assigned partitions are paused at once, so this consumer
// never fetches records, and no offsets are committed (projections keep their own positions).
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "common/log/kafka_log.h"

namespace hub::log {

struct PartitionOwnershipOptions {
  std::string brokers;
  KafkaSecurity security;  // the same TLS and SASL settings as the log
  std::string group_id;  // "hub.<service>"
  std::string topic;     // the service's own topic
  // Where this instance serves gRPC, as callers should reach it ("10.0.0.7:50051").
  std::string advertised_address;
  // How long the group waits for a silent member before giving its partitions to others.
  std::chrono::milliseconds session_timeout{10000};
  std::chrono::milliseconds request_timeout{5000};
};

class PartitionOwnership {
 public:
  // Joins the group and starts the thread that keeps membership alive.
  static absl::StatusOr<std::unique_ptr<PartitionOwnership>> Start(const PartitionOwnershipOptions& options);
  ~PartitionOwnership();  // leaves the group, so others take over at once

  // Blocks until the group has given this member its first assignment, or the deadline passes
  // (UNAVAILABLE).
  absl::Status AwaitAssignment(std::chrono::steady_clock::time_point deadline);

  std::set<int32_t> Owned() const;
  bool Owns(int32_t partition) const;
  // Increases with every assignment change; lets callers notice that ownership moved.
  uint64_t generation() const;
  // Blocks until generation() exceeds `seen` or the deadline passes; returns the generation.
  uint64_t AwaitChange(uint64_t seen, std::chrono::steady_clock::time_point deadline) const;

  // The advertised address of the member that owns `partition`, asked of the group coordinator.
  // nullopt when no member owns it (a rebalance is in progress) or the coordinator cannot tell.
  std::optional<std::string> OwnerOf(int32_t partition) const;

  class Impl;

 private:
  explicit PartitionOwnership(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::log
