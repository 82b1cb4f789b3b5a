#include "common/service/ownership_gate.h"

#include "common/domain/uuid.h"
#include "common/es/enveloped_decider.h"
#include "common/log/partitioner.h"
#include "fmt/format.h"

namespace hub::service {

OwnershipGate::OwnershipGate(OwnershipGateOptions options, std::unique_ptr<log::PartitionOwnership> ownership)
    : options_(std::move(options)), topic_(es::TopicFor(options_.service)), ownership_(std::move(ownership)) {}

absl::StatusOr<std::unique_ptr<OwnershipGate>> OwnershipGate::Start(const OwnershipGateOptions& options,
                                                                    std::chrono::steady_clock::time_point deadline) {
  auto ownership = log::PartitionOwnership::Start({.brokers = options.brokers,
                                                   .security = options.kafka->options().security,
                                                   .group_id = fmt::format("hub.{}", options.service),
                                                   .topic = es::TopicFor(options.service),
                                                   .advertised_address = options.advertised_address});
  if (!ownership.ok()) return ownership.status();
  if (auto s = (*ownership)->AwaitAssignment(deadline); !s.ok()) return s;
  return std::unique_ptr<OwnershipGate>(new OwnershipGate(options, std::move(*ownership)));
}

absl::Status OwnershipGate::CheckOwner(const std::string& household_id) {
  const int32_t partition = log::PartitionForKey(household_id, options_.partitions);
  {
    std::lock_guard lock(mu_);
    const uint64_t generation = ownership_->generation();
    if (generation != seen_generation_) {
      for (int32_t p : ownership_->Owned()) options_.kafka->Forget({topic_, p});
      seen_generation_ = generation;
    }
  }
  if (ownership_->Owns(partition)) return absl::OkStatus();
  if (auto owner = ownership_->OwnerOf(partition)) {
    return absl::UnavailableError(
        fmt::format("household_id: served by the {} instance at {}", options_.service, *owner));
  }
  return absl::UnavailableError("household_id: its partition is being reassigned; retry shortly");
}

absl::StatusOr<std::string> OwnershipGate::NewOwnedHouseholdId() {
  if (ownership_->Owned().empty()) return absl::UnavailableError("this instance owns no partition right now");
  for (int attempt = 0; attempt < 10'000; ++attempt) {
    std::string id = domain::NewUuidV7();
    if (ownership_->Owns(log::PartitionForKey(id, options_.partitions))) return id;
  }
  return absl::UnavailableError("could not find a household id in an owned partition");
}

}  // namespace hub::service
