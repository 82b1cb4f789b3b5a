#include "services/audit/chain_verifier.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "common/crypto/hash_chain.h"
#include "common/store/store.h"
#include "rocksdb/db.h"
#include "services/audit/keys.h"

namespace hub::audit {
namespace {
// About 150 bytes each: some 30 MB for the heads of the busiest streams.
constexpr size_t kMaxCachedHeads = 200'000;

// Stream first: keys then differ in their first bytes, which keeps RocksDB's comparisons short
// (with the topic first every key shares some twenty bytes).
std::string HeadKey(std::string_view topic, std::string_view stream) { return Join({stream, topic}); }
}  // namespace

std::string BreakKindName(hub::v1::ChainBreakKind kind) {
  switch (kind) {
    case hub::v1::CHAIN_BREAK_KIND_GAP: return "GAP";
    case hub::v1::CHAIN_BREAK_KIND_FORK: return "FORK";
    case hub::v1::CHAIN_BREAK_KIND_BAD_HASH: return "BAD_HASH";
    case hub::v1::CHAIN_BREAK_KIND_REPLAYED: return "REPLAYED";
    default: return "UNSPECIFIED";
  }
}

void ChainVerifier::Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  db_ = db;
  heads_ = families.at(0);
  breaks_ = families.at(1);
  heads_cache_.clear();
  dirty_.clear();
  verified_.clear();
}

absl::Status ChainVerifier::Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) {
  const auto& record = event.record;
  const auto& log_record = event.log_record;
  const std::string key = HeadKey(record.topic, record.key);
  auto [it, inserted] = heads_cache_.try_emplace(key);
  if (!it->second.dirty) {
    it->second.dirty = true;
    dirty_.push_back(&*it);
  }
  StreamChainHead& head = it->second.head;
  if (inserted) {
    auto stored = writer.Get(heads_, key);
    if (stored.ok()) {
      if (!head.ParseFromString(*stored)) return absl::DataLossError("undecodable stream chain head");
    } else if (stored.status().code() != absl::StatusCode::kNotFound) {
      return stored.status();
    }
  }
  verified_[record.topic]++;

  const int64_t version = static_cast<int64_t>(event.envelope.stream_version());
  const std::string& expected_prev = head.version() == 0 ? crypto::GenesisHash() : head.last_hash();
  hub::v1::ChainBreak found;
  const std::string computed = crypto::ChainHash(log_record.prev_hash(), log_record.envelope());
  bool adopt = true;  // continue the stream from this record
  if (computed != log_record.hash()) {
    found.set_kind(hub::v1::CHAIN_BREAK_KIND_BAD_HASH);
    found.set_expected_hash(computed);
    found.set_found_hash(log_record.hash());
    adopt = version > head.version();
  } else if (version <= head.version()) {
    found.set_kind(hub::v1::CHAIN_BREAK_KIND_REPLAYED);
    found.set_expected_hash(head.last_hash());
    found.set_found_hash(log_record.hash());
    adopt = false;
  } else if (version > head.version() + 1) {
    if (!options_.gaps_allowed.contains(record.topic)) {
      found.set_kind(hub::v1::CHAIN_BREAK_KIND_GAP);
      found.set_expected_hash(expected_prev);
      found.set_found_hash(log_record.prev_hash());
    }
  } else if (log_record.prev_hash() != expected_prev) {
    found.set_kind(hub::v1::CHAIN_BREAK_KIND_FORK);
    found.set_expected_hash(expected_prev);
    found.set_found_hash(log_record.prev_hash());
  }
  if (found.kind() != hub::v1::CHAIN_BREAK_KIND_UNSPECIFIED) {
    found.set_topic(record.topic);
    found.set_partition(record.partition);
    found.set_offset(record.offset);
    found.set_household_id(record.key);
    found.set_expected_version(head.version() + 1);
    found.set_found_version(version);
    writer.Put(breaks_, Join({record.topic, PartitionOffset(record.partition, record.offset)}),
               es::SerializeDeterministic(found));
    if (options_.on_break) options_.on_break(found);
  }
  if (adopt) {
    head.set_version(version);
    head.set_last_hash(log_record.hash());
    head.set_partition(record.partition);
  }
  return absl::OkStatus();
}

absl::Status ChainVerifier::Flush(es::ProjectionWriter& writer) {
  for (auto* entry : dirty_) {
    writer.Put(heads_, entry->first, es::SerializeDeterministic(entry->second.head));
    entry->second.dirty = false;
  }
  dirty_.clear();
  // Bounded: past the bound the cache starts over (a stream not in it is read from RocksDB).
  if (heads_cache_.size() > kMaxCachedHeads) heads_cache_.clear();
  if (options_.on_verified && !verified_.empty()) options_.on_verified(verified_);
  verified_.clear();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<StreamChainHead>> ChainVerifier::Head(const std::string& topic,
                                                                   const std::string& stream) const {
  std::string value;
  auto s = db_->Get({}, heads_, HeadKey(topic, stream), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return store::ToStatus(s, "stream chain head");
  StreamChainHead head;
  if (!head.ParseFromString(value)) return absl::DataLossError("undecodable stream chain head");
  return head;
}

absl::StatusOr<ChainBreakPage> ChainVerifier::Breaks(const std::string& topic, int page_size,
                                                     const std::string& page_token) const {
  ChainBreakPage page;
  const int limit = page_size <= 0 ? 50 : std::min(page_size, 500);
  const std::string prefix = topic.empty() ? std::string() : Join({topic, ""});
  std::string resume;
  if (!page_token.empty() && (!absl::WebSafeBase64Unescape(page_token, &resume) || !resume.starts_with(prefix))) {
    return absl::InvalidArgumentError("page.page_token: not a token from this list");
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, breaks_));
  std::string last_key;
  for (it->Seek(resume.empty() ? prefix : resume); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string key = it->key().ToString();
    if (key == resume) continue;
    if (static_cast<int>(page.breaks.size()) == limit) {
      page.next_page_token = absl::WebSafeBase64Escape(last_key);
      return page;
    }
    auto& b = page.breaks.emplace_back();
    if (!b.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable chain break");
    }
    last_key = key;
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "list chain breaks");
  return page;
}

absl::StatusOr<std::map<std::pair<std::string, hub::v1::ChainBreakKind>, int64_t>> ChainVerifier::CountBreaks() const {
  std::map<std::pair<std::string, hub::v1::ChainBreakKind>, int64_t> counts;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, breaks_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    hub::v1::ChainBreak b;
    if (!b.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable chain break");
    }
    counts[{b.topic(), b.kind()}]++;
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "count chain breaks");
  return counts;
}

}  // namespace hub::audit
