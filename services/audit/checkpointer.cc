#include "services/audit/checkpointer.h"

#include <algorithm>
#include <iostream>
#include <map>

#include "common/audit/signed_messages.h"
#include "common/crypto/merkle.h"
#include "common/es/envelope.h"
#include "common/status/status.h"
#include "fmt/format.h"

namespace hub::audit {
namespace {

constexpr size_t kReadChunk = 4096;

}  // namespace

absl::StatusOr<hub::v1::Checkpoint> Checkpointer::Publish(const std::string& topic, int32_t partition,
                                                          int64_t up_to_offset, int64_t leaf_count,
                                                          const std::string& root,
                                                          std::chrono::steady_clock::time_point deadline) {
  hub::v1::CheckpointSigned checkpoint;
  checkpoint.set_topic(topic);
  checkpoint.set_partition(partition);
  checkpoint.set_up_to_offset(up_to_offset);
  checkpoint.set_leaf_count(leaf_count);
  checkpoint.set_root(root);
  checkpoint.set_key_id(options_.signer->key_id());
  checkpoint.set_signature(options_.signer->Sign(CheckpointMessage(checkpoint)));

  const std::string stream = CheckpointStream(topic, partition);
  auto head = options_.chains->Head(kAuditTopic, stream);
  if (!head.ok()) return head.status();
  const int64_t version = *head ? (*head)->version() : 0;
  es::CommandMetadata meta;
  meta.household_id = stream;
  meta.actor.set_organisation_id("hub");
  meta.actor.set_role(kAuditProducer);
  // The same checkpoint always gets the same request id, so a reader sees a retry for what it is.
  meta.request_id = fmt::format("checkpoint:{}@{}", stream, up_to_offset);
  meta.correlation_id = meta.request_id;
  hub::v1::EventEnvelope envelope;
  *envelope.mutable_audit()->mutable_checkpoint_signed() = checkpoint;
  auto sealed = es::Seal(meta, kAuditProducer, 1, version, *head ? (*head)->last_hash() : std::string(),
                         options_.clock->Now(), {std::move(envelope)});
  auto appended = options_.log->Append({kAuditTopic, stream, version, std::move(sealed.log_values)});
  if (!appended.ok()) {
    if (!IsVersionConflict(appended.status())) return appended.status();
    // Another instance published on this stream meanwhile: learn what it wrote and use that.
    if (auto s = options_.runner->CatchUp(deadline); !s.ok()) return s;
    auto covering = options_.ledger->FirstCovering(topic, partition, up_to_offset - 1);
    if (!covering.ok()) return covering.status();
    if (*covering) return **covering;
    return absl::AbortedError(fmt::format("checkpoint stream {} moved while publishing; try again", stream));
  }
  if (auto s = options_.runner->WaitFor({appended->last_position()}, deadline); !s.ok()) return s;
  if (options_.on_published) options_.on_published(checkpoint);
  auto filed = options_.ledger->FirstCovering(topic, partition, up_to_offset - 1);
  if (!filed.ok()) return filed.status();
  if (!*filed) return absl::InternalError("a published checkpoint was not filed");
  return **filed;
}

absl::StatusOr<int> Checkpointer::PublishDue(std::chrono::steady_clock::time_point deadline) {
  std::lock_guard lock(mu_);
  auto due = options_.ledger->Due();
  if (!due.ok()) return due.status();
  int published = 0;
  for (const auto& entry : *due) {
    auto c = Publish(entry.topic, entry.partition, entry.due.up_to_offset(), entry.due.leaf_count(), entry.due.root(),
                     deadline);
    if (!c.ok()) return c.status();
    ++published;
  }
  return published;
}

absl::StatusOr<int> Checkpointer::PublishMoved(std::chrono::steady_clock::time_point deadline) {
  std::lock_guard lock(mu_);
  auto partitions = options_.ledger->Partitions();
  if (!partitions.ok()) return partitions.status();
  int published = 0;
  for (const auto& p : *partitions) {
    if (p.tree.next_offset() <= p.last_checkpoint_up_to || p.tree.leaf_count() == 0) continue;
    auto c = PublishTree(p.topic, p.partition, p.tree, deadline);
    if (!c.ok()) return c.status();
    ++published;
  }
  return published;
}

void Checkpointer::Tick() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  if (auto s = PublishDue(deadline); !s.ok()) {
    std::cerr << "audit: publishing due checkpoints failed: " << s.status().message() << std::endl;
    return;
  }
  const auto now = options_.clock->Now();
  {
    std::lock_guard lock(mu_);
    if (last_interval_ == std::chrono::system_clock::time_point{}) last_interval_ = now;
    if (now - last_interval_ < options_.interval) return;
    last_interval_ = now;
  }
  if (auto s = PublishMoved(deadline); !s.ok()) {
    std::cerr << "audit: publishing interval checkpoints failed: " << s.status().message() << std::endl;
  }
}

absl::StatusOr<hub::v1::Checkpoint> Checkpointer::Covering(const std::string& topic, int32_t partition, int64_t offset,
                                                           std::chrono::steady_clock::time_point deadline) {
  std::lock_guard lock(mu_);
  auto covering = options_.ledger->FirstCovering(topic, partition, offset);
  if (!covering.ok()) return covering.status();
  if (*covering) return **covering;
  if (auto s = options_.runner->CatchUp(deadline); !s.ok()) return s;
  covering = options_.ledger->FirstCovering(topic, partition, offset);
  if (!covering.ok()) return covering.status();
  if (*covering) return **covering;
  auto tree = options_.ledger->Tree(topic, partition);
  if (!tree.ok()) return tree.status();
  if (tree->next_offset() <= offset) {
    return absl::NotFoundError(fmt::format("{} partition {} has no record at offset {}", topic, partition, offset));
  }
  return PublishTree(topic, partition, *tree, deadline);
}

absl::StatusOr<hub::v1::Checkpoint> Checkpointer::PublishTree(const std::string& topic, int32_t partition,
                                                              const PartitionTree& tree,
                                                              std::chrono::steady_clock::time_point deadline) {
  auto frontier = FrontierOf(tree);
  if (!frontier.ok()) return frontier.status();
  return Publish(topic, partition, tree.next_offset(), tree.leaf_count(), frontier->Root(), deadline);
}

absl::StatusOr<PartitionProofs> Checkpointer::Prove(const std::string& topic, int32_t partition,
                                                    const std::vector<int64_t>& offsets,
                                                    std::chrono::steady_clock::time_point deadline) {
  PartitionProofs out;
  if (offsets.empty()) return out;
  if (auto c = Covering(topic, partition, offsets.back(), deadline); !c.ok()) return c.status();
  auto checkpoints = options_.ledger->Checkpoints(topic, partition);
  if (!checkpoints.ok()) return checkpoints.status();

  // The first checkpoint covering each offset (checkpoints are sorted by up_to_offset).
  std::vector<size_t> assigned;
  for (int64_t offset : offsets) {
    auto it = std::upper_bound(checkpoints->begin(), checkpoints->end(), offset,
                               [](int64_t o, const hub::v1::Checkpoint& c) { return o < c.checkpoint().up_to_offset(); });
    if (it == checkpoints->end()) {
      return absl::InternalError(fmt::format("no checkpoint covers {}/{}@{}", topic, partition, offset));
    }
    assigned.push_back(static_cast<size_t>(it - checkpoints->begin()));
  }
  const int64_t read_to = (*checkpoints)[*std::max_element(assigned.begin(), assigned.end())].checkpoint().up_to_offset();

  // Every leaf of the partition up to the last checkpoint needed, and the wanted records.
  std::vector<std::string> leaves;
  std::map<int64_t, std::pair<uint64_t, std::string>> wanted;  // offset -> (leaf index, record)
  for (int64_t offset : offsets) wanted[offset];
  std::vector<log::Record> chunk;
  for (int64_t next = 0; next < read_to;) {
    chunk.clear();
    if (auto s = options_.log->Read({topic, partition}, next, kReadChunk, &chunk); !s.ok()) return s;
    if (chunk.empty()) break;
    for (auto& record : chunk) {
      if (record.offset >= read_to) break;
      hub::v1::LogRecord log_record;
      if (!log_record.ParseFromString(record.value)) {
        return absl::DataLossError(fmt::format("undecodable record at {}/{}@{}", topic, partition, record.offset));
      }
      if (auto it = wanted.find(record.offset); it != wanted.end()) {
        it->second = {leaves.size(), std::move(record.value)};
      }
      leaves.push_back(crypto::MerkleLeafHash(log_record.hash()));
      next = record.offset + 1;
    }
    if (chunk.back().offset >= read_to) break;
  }

  std::vector<bool> used(checkpoints->size(), false);
  for (size_t c : assigned) used[c] = true;
  out.events.resize(offsets.size());
  for (size_t c = 0; c < checkpoints->size(); ++c) {
    if (!used[c]) continue;
    const auto& checkpoint = (*checkpoints)[c].checkpoint();
    const auto leaf_count = static_cast<size_t>(checkpoint.leaf_count());
    if (leaves.size() < leaf_count) {
      return absl::DataLossError(fmt::format("{} partition {} holds fewer records than its checkpoint up to offset {}",
                                             topic, partition, checkpoint.up_to_offset()));
    }
    std::vector<size_t> mine;
    std::vector<uint64_t> indices;
    for (size_t k = 0; k < offsets.size(); ++k) {
      if (assigned[k] != c) continue;
      mine.push_back(k);
      indices.push_back(wanted[offsets[k]].first);
    }
    std::string root;
    auto paths = crypto::MerkleAuditPaths(std::span<const std::string>(leaves.data(), leaf_count), indices, &root);
    if (root != checkpoint.root()) {
      return absl::DataLossError(fmt::format("{} partition {} no longer yields the signed root of its checkpoint up to "
                                             "offset {}: the log was changed after it was signed",
                                             topic, partition, checkpoint.up_to_offset()));
    }
    for (size_t j = 0; j < mine.size(); ++j) {
      const int64_t offset = offsets[mine[j]];
      ProvenEvent& event = out.events[mine[j]];
      event.offset = offset;
      event.log_record = std::move(wanted[offset].second);
      auto& proof = event.proof;
      proof.set_topic(topic);
      proof.set_partition(partition);
      proof.set_offset(offset);
      proof.set_checkpoint_up_to_offset(checkpoint.up_to_offset());
      proof.set_leaf_index(static_cast<int64_t>(indices[j]));
      proof.set_tree_size(checkpoint.leaf_count());
      for (auto& p : paths[j]) proof.add_audit_path(std::move(p));
    }
    out.checkpoints.push_back((*checkpoints)[c]);
  }
  for (const auto& event : out.events) {
    if (event.log_record.empty()) {
      return absl::DataLossError(fmt::format("{} partition {} has no record at offset {}", topic, partition, event.offset));
    }
  }
  return out;
}

}  // namespace hub::audit
