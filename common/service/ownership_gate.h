// OwnershipGate: on Kafka, which households this service instance decides commands for.
//
// Every instance of a service joins the service's consumer group on its own topic; the group hands
// each instance a set of partitions, and an instance decides commands only for households whose
// partition it owns, so two instances never race on one household's stream. For any other
// household it answers UNAVAILABLE naming the owner's address, so a client (or a proxy) can go
// there. On the embedded log there is no gate: one instance owns everything.
//
// When ownership moves, the gate makes the log forget what it learned about the partitions now
// owned (stream versions, hashes): a former owner may have written meanwhile.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "common/log/kafka_log.h"
#include "common/log/partition_ownership.h"

namespace hub::service {

struct OwnershipGateOptions {
  log::KafkaLog* kafka = nullptr;  // not owned
  std::string brokers;
  std::string service;  // "intake", "plan", ...: group "hub.<service>", topic es::TopicFor(service)
  int32_t partitions = 0;
  std::string advertised_address;
};

class OwnershipGate {
 public:
  // Joins the group and waits (up to `deadline`) for the first assignment.
  static absl::StatusOr<std::unique_ptr<OwnershipGate>> Start(const OwnershipGateOptions& options,
                                                              std::chrono::steady_clock::time_point deadline);

  // OK when this instance owns the household's partition; UNAVAILABLE naming the owner otherwise.
  absl::Status CheckOwner(const std::string& household_id);
  // A fresh household id (UUIDv7) in a partition this instance owns.
  absl::StatusOr<std::string> NewOwnedHouseholdId();

 private:
  OwnershipGate(OwnershipGateOptions options, std::unique_ptr<log::PartitionOwnership> ownership);

  OwnershipGateOptions options_;
  std::string topic_;
  std::unique_ptr<log::PartitionOwnership> ownership_;
  std::mutex mu_;
  uint64_t seen_generation_ = 0;  // guarded by mu_
};

}  // namespace hub::service
