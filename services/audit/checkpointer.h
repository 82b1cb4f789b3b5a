// Checkpointer: signs Merkle roots of the MerkleLedger and publishes them as CheckpointSigned events
// on hub.audit.events.v1, and computes inclusion proofs against them.
//
// Checkpoints come from three places: the ledger's due entries (every N leaves of a partition),
// the interval (the current root of every partition that moved since its last checkpoint) and on
// demand (a proof or an export needs a checkpoint covering an event no checkpoint covers yet).
// Each is appended to the partition's checkpoint stream "<topic>/<partition>" with the stream's
// expected version, and the call returns once the ledger has filed it, so a publish is never
// repeated by this instance; a second audit instance that raced it gets a version conflict and
// uses the winner's checkpoint.
//
// Thread-safe: publishing is serialised by one mutex; proofs read the log without it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/crypto/signing.h"
#include "common/es/clock.h"
#include "common/es/projection_runner.h"
#include "common/log/event_log.h"
#include "hub/v1/audit.pb.h"
#include "services/audit/chain_verifier.h"
#include "services/audit/merkle_ledger.h"

namespace hub::audit {

struct CheckpointerOptions {
  // None is owned; all must outlive the checkpointer.
  log::EventLog* log = nullptr;
  es::ProjectionRunner* runner = nullptr;  // applies `ledger` and `chains` over the audit topic too
  const MerkleLedger* ledger = nullptr;
  const ChainVerifier* chains = nullptr;
  const crypto::Ed25519Signer* signer = nullptr;
  const es::Clock* clock = nullptr;
  // How often the current roots of moved partitions are signed.
  std::chrono::milliseconds interval{60'000};
  // Called after each checkpoint this instance published (metrics).
  std::function<void(const hub::v1::CheckpointSigned&)> on_published;
};

// One event of a partition with its proof.
struct ProvenEvent {
  int64_t offset = 0;
  std::string log_record;  // the stored LogRecord bytes
  hub::v1::InclusionProof proof;
};

// The proofs of some events of one partition and the checkpoints they lead to.
struct PartitionProofs {
  std::vector<hub::v1::Checkpoint> checkpoints;  // oldest first, each used by at least one proof
  std::vector<ProvenEvent> events;               // in offset order
};

class Checkpointer {
 public:
  explicit Checkpointer(CheckpointerOptions options) : options_(std::move(options)) {}

  // Signs and publishes every due checkpoint. Returns how many it published.
  absl::StatusOr<int> PublishDue(std::chrono::steady_clock::time_point deadline);
  // Signs the current root of every partition that moved since its last checkpoint.
  absl::StatusOr<int> PublishMoved(std::chrono::steady_clock::time_point deadline);
  // PublishDue, and PublishMoved when the interval has passed on the clock; for a Periodic.
  void Tick();

  // The first checkpoint of the partition covering `offset`; when none does yet, the runner is
  // caught up and the partition's current root is signed. NOT_FOUND when the partition has no
  // record at `offset`.
  absl::StatusOr<hub::v1::Checkpoint> Covering(const std::string& topic, int32_t partition, int64_t offset,
                                               std::chrono::steady_clock::time_point deadline);

  // For `offsets` of one partition (ascending, distinct): each event's record and its RFC 6962
  // audit path to the first checkpoint covering it (signed on the spot where none does). Reads
  // the partition from offset 0 up to the last checkpoint needed. DATA_LOSS when the log no longer
  // yields a checkpoint's root (the log was changed after it was signed).
  absl::StatusOr<PartitionProofs> Prove(const std::string& topic, int32_t partition, const std::vector<int64_t>& offsets,
                                        std::chrono::steady_clock::time_point deadline);

 private:
  // Signs and appends one checkpoint and waits until the ledger has filed it. Requires mu_.
  absl::StatusOr<hub::v1::Checkpoint> Publish(const std::string& topic, int32_t partition, int64_t up_to_offset,
                                              int64_t leaf_count, const std::string& root,
                                              std::chrono::steady_clock::time_point deadline);
  // Publish for the root of a stored partition tree, up to its next offset. Requires mu_.
  absl::StatusOr<hub::v1::Checkpoint> PublishTree(const std::string& topic, int32_t partition,
                                                  const PartitionTree& tree,
                                                  std::chrono::steady_clock::time_point deadline);

  CheckpointerOptions options_;
  std::mutex mu_;
  std::chrono::system_clock::time_point last_interval_{};  // guarded by mu_; the epoch: not yet
};

}  // namespace hub::audit
