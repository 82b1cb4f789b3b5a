// MerkleLedger: the audit projection that keeps an RFC 6962 Merkle tree per partition of every
// checkpointed topic, and the signed checkpoints found on the audit topic.
//
// Per partition it keeps only the tree's frontier (O(log n) hashes, common/crypto/merkle.h), with
// leaf i = SHA-256(0x00 || LogRecord.hash) of the partition's i-th record, so the root at the
// partition's current end is always at hand. Every `checkpoint_every` leaves it records a due
// checkpoint (the root at exactly that size); the Checkpointer signs and publishes due checkpoints
// on hub.audit.events.v1, and when a CheckpointSigned comes back through the log this projection
// files it (with its position and log record) and drops the due entry.
//
// The audit topic itself is not checkpointed (its checkpoints would checkpoint themselves without
// end); its streams are hash-chained and verified like any other. Deterministic: every family's
// bytes depend only on the log. Applied by the runner's thread; queries read committed state and
// are safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "common/crypto/merkle.h"
#include "common/es/projection.h"
#include "hub/v1/audit.pb.h"
#include "services/audit/audit_state.pb.h"

namespace hub::audit {

// The frontier a stored partition tree holds; DATA_LOSS when it does not decode.
absl::StatusOr<crypto::MerkleFrontier> FrontierOf(const PartitionTree& tree);

struct MerkleLedgerOptions {
  // Topics whose partitions get trees.
  std::set<std::string> topics;
  // A checkpoint is due every this many leaves of a partition.
  int64_t checkpoint_every = 1000;
};

// A partition and what is due or known for it.
struct PartitionState {
  std::string topic;
  int32_t partition = 0;
  PartitionTree tree;
  int64_t last_checkpoint_up_to = 0;  // 0: no checkpoint yet
};

struct DueEntry {
  std::string topic;
  int32_t partition = 0;
  DueCheckpoint due;
};

class MerkleLedger final : public es::Projection {
 public:
  explicit MerkleLedger(MerkleLedgerOptions options) : options_(std::move(options)) {}

  std::vector<std::string> Families() const override { return {"audit_trees", "audit_due", "audit_checkpoints"}; }
  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override;
  absl::Status Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) override;
  absl::Status Flush(es::ProjectionWriter& writer) override;

  // The tree of a partition as applied (empty tree when nothing was applied yet).
  absl::StatusOr<PartitionTree> Tree(const std::string& topic, int32_t partition) const;
  // Every partition with at least one leaf, and its last checkpoint.
  absl::StatusOr<std::vector<PartitionState>> Partitions() const;
  // Due checkpoints not yet on the audit topic, by topic, partition and size.
  absl::StatusOr<std::vector<DueEntry>> Due() const;
  // A partition's checkpoints, oldest (smallest up_to_offset) first.
  absl::StatusOr<std::vector<hub::v1::Checkpoint>> Checkpoints(const std::string& topic, int32_t partition) const;
  // The first checkpoint of the partition covering `offset` (up_to_offset > offset), or nullopt.
  absl::StatusOr<std::optional<hub::v1::Checkpoint>> FirstCovering(const std::string& topic, int32_t partition,
                                                                   int64_t offset) const;

  const MerkleLedgerOptions& options() const { return options_; }

 private:
  struct Pending {
    PartitionTree tree;
    crypto::MerkleFrontier frontier;
  };
  MerkleLedgerOptions options_;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* trees_ = nullptr;        // topic \x1f partition(4) -> PartitionTree
  rocksdb::ColumnFamilyHandle* due_ = nullptr;          // topic \x1f partition(4) up_to(8) -> DueCheckpoint
  rocksdb::ColumnFamilyHandle* checkpoints_ = nullptr;  // topic \x1f partition(4) up_to(8) -> hub.v1.Checkpoint
  std::map<std::pair<std::string, int32_t>, Pending> batch_;
};

}  // namespace hub::audit
