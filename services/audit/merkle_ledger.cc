#include "services/audit/merkle_ledger.h"

#include "common/audit/signed_messages.h"
#include "common/store/store.h"
#include "rocksdb/db.h"
#include "services/audit/keys.h"

namespace hub::audit {
namespace {

std::string PartitionKey(const std::string& topic, int32_t partition) {
  std::string key = Join({topic, ""});
  PutBigEndian(key, static_cast<uint32_t>(partition), 4);
  return key;
}

std::string CheckpointKey(const std::string& topic, int32_t partition, int64_t up_to) {
  return Join({topic, PartitionOffset(partition, up_to)});
}

}  // namespace

absl::StatusOr<crypto::MerkleFrontier> FrontierOf(const PartitionTree& tree) {
  crypto::MerkleFrontier frontier;
  if (!crypto::MerkleFrontier::Restore(static_cast<uint64_t>(tree.leaf_count()),
                                       {tree.frontier().begin(), tree.frontier().end()}, &frontier)) {
    return absl::DataLossError("undecodable partition tree");
  }
  return frontier;
}

void MerkleLedger::Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  db_ = db;
  trees_ = families.at(0);
  due_ = families.at(1);
  checkpoints_ = families.at(2);
  batch_.clear();
}

absl::Status MerkleLedger::Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) {
  const auto& record = event.record;
  if (record.topic == kAuditTopic) {
    if (!event.envelope.has_audit() || !event.envelope.audit().has_checkpoint_signed()) return absl::OkStatus();
    const auto& signed_checkpoint = event.envelope.audit().checkpoint_signed();
    hub::v1::Checkpoint checkpoint;
    *checkpoint.mutable_checkpoint() = signed_checkpoint;
    checkpoint.mutable_position()->set_topic(record.topic);
    checkpoint.mutable_position()->set_partition(record.partition);
    checkpoint.mutable_position()->set_offset(record.offset);
    checkpoint.set_log_record(record.value);
    const std::string key =
        CheckpointKey(signed_checkpoint.topic(), signed_checkpoint.partition(), signed_checkpoint.up_to_offset());
    // A second checkpoint of the same size (two instances racing) changes nothing: the first stays.
    if (auto existing = writer.Get(checkpoints_, key); existing.status().code() == absl::StatusCode::kNotFound) {
      writer.Put(checkpoints_, key, es::SerializeDeterministic(checkpoint));
    } else if (!existing.ok()) {
      return existing.status();
    }
    writer.Delete(due_, key);
    return absl::OkStatus();
  }
  if (!options_.topics.contains(record.topic)) return absl::OkStatus();

  auto [it, inserted] = batch_.try_emplace({record.topic, record.partition});
  Pending& pending = it->second;
  if (inserted) {
    auto stored = writer.Get(trees_, PartitionKey(record.topic, record.partition));
    if (stored.ok()) {
      if (!pending.tree.ParseFromString(*stored)) return absl::DataLossError("undecodable partition tree");
      auto frontier = FrontierOf(pending.tree);
      if (!frontier.ok()) return frontier.status();
      pending.frontier = std::move(*frontier);
    } else if (stored.status().code() != absl::StatusCode::kNotFound) {
      return stored.status();
    }
  }
  pending.frontier.Append(crypto::MerkleLeafHash(event.log_record.hash()));
  pending.tree.set_leaf_count(static_cast<int64_t>(pending.frontier.size()));
  pending.tree.set_next_offset(record.offset + 1);
  if (options_.checkpoint_every > 0 && pending.tree.leaf_count() % options_.checkpoint_every == 0) {
    DueCheckpoint due;
    due.set_up_to_offset(pending.tree.next_offset());
    due.set_leaf_count(pending.tree.leaf_count());
    due.set_root(pending.frontier.Root());
    writer.Put(due_, CheckpointKey(record.topic, record.partition, due.up_to_offset()), es::SerializeDeterministic(due));
  }
  return absl::OkStatus();
}

absl::Status MerkleLedger::Flush(es::ProjectionWriter& writer) {
  for (auto& [tp, pending] : batch_) {
    pending.tree.clear_frontier();
    for (const auto& node : pending.frontier.nodes()) pending.tree.add_frontier(node);
    writer.Put(trees_, PartitionKey(tp.first, tp.second), es::SerializeDeterministic(pending.tree));
  }
  batch_.clear();
  return absl::OkStatus();
}

absl::StatusOr<PartitionTree> MerkleLedger::Tree(const std::string& topic, int32_t partition) const {
  PartitionTree tree;
  std::string value;
  auto s = db_->Get({}, trees_, PartitionKey(topic, partition), &value);
  if (s.IsNotFound()) return tree;
  if (!s.ok()) return store::ToStatus(s, "partition tree");
  if (!tree.ParseFromString(value)) return absl::DataLossError("undecodable partition tree");
  return tree;
}

absl::StatusOr<std::vector<PartitionState>> MerkleLedger::Partitions() const {
  std::vector<PartitionState> out;
  // One snapshot for both families, so a tree and its checkpoints are from the same batch.
  rocksdb::ReadOptions read;
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  read.snapshot = snapshot;
  absl::Status status;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, trees_));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key = it->key().ToString();
      const size_t sep = key.find(kSep);
      auto& state = out.emplace_back();
      state.topic = key.substr(0, sep);
      state.partition = static_cast<int32_t>(GetBigEndian(std::string_view(key).substr(sep + 1), 4));
      if (!state.tree.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        status = absl::DataLossError("undecodable partition tree");
        break;
      }
    }
    if (status.ok() && !it->status().ok()) status = store::ToStatus(it->status(), "list partition trees");
    std::unique_ptr<rocksdb::Iterator> checkpoints(db_->NewIterator(read, checkpoints_));
    for (auto& state : out) {
      if (!status.ok()) break;
      // The last checkpoint of the partition: seek past its last possible key and step back.
      const std::string prefix = PartitionKey(state.topic, state.partition);
      checkpoints->SeekForPrev(prefix + std::string(8, '\xff'));
      if (checkpoints->Valid() && checkpoints->key().starts_with(prefix)) {
        state.last_checkpoint_up_to =
            static_cast<int64_t>(GetBigEndian(checkpoints->key().ToStringView().substr(prefix.size()), 8));
      }
    }
  }
  db_->ReleaseSnapshot(snapshot);
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<DueEntry>> MerkleLedger::Due() const {
  std::vector<DueEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, due_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string key = it->key().ToString();
    const size_t sep = key.find(kSep);
    auto& entry = out.emplace_back();
    entry.topic = key.substr(0, sep);
    entry.partition = static_cast<int32_t>(GetBigEndian(std::string_view(key).substr(sep + 1), 4));
    if (!entry.due.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable due checkpoint");
    }
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "list due checkpoints");
  return out;
}

absl::StatusOr<std::vector<hub::v1::Checkpoint>> MerkleLedger::Checkpoints(const std::string& topic,
                                                                          int32_t partition) const {
  std::vector<hub::v1::Checkpoint> out;
  const std::string prefix = PartitionKey(topic, partition);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, checkpoints_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!out.emplace_back().ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable checkpoint");
    }
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "list checkpoints");
  return out;
}

absl::StatusOr<std::optional<hub::v1::Checkpoint>> MerkleLedger::FirstCovering(const std::string& topic,
                                                                               int32_t partition,
                                                                               int64_t offset) const {
  const std::string prefix = PartitionKey(topic, partition);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, checkpoints_));
  it->Seek(CheckpointKey(topic, partition, offset + 1));
  if (!it->status().ok()) return store::ToStatus(it->status(), "find checkpoint");
  if (!it->Valid() || !it->key().starts_with(prefix)) return std::nullopt;
  hub::v1::Checkpoint checkpoint;
  if (!checkpoint.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
    return absl::DataLossError("undecodable checkpoint");
  }
  return checkpoint;
}

}  // namespace hub::audit
