// ChainVerifier: the audit projection that checks every stream's hash chain on every followed topic,
// continuously, as records arrive.
//
// Per stream (topic, key) it keeps the version and hash of the last record, and for each record it
// recomputes hash = SHA-256(prev_hash || envelope bytes) and checks that the version continues and
// that prev_hash is the hash before. Unlike a service's own AggregateProjection, a break does not
// stop it: the break is recorded (GAP, FORK, BAD_HASH or REPLAYED, with the expected and found
// values), reported through on_break, and verification goes on from the record as found, so one
// damaged record is one break and not a cascade. Gaps are allowed on topics named in
// gaps_allowed (the compacted key topic).
//
// Deterministic like every projection: the breaks it records depend only on the log. Applied by
// the runner's thread; the queries are safe from any thread (they read committed RocksDB state).
//
// Limitation: a record whose LogRecord or envelope no longer decodes at all stops the projection
// runner (it decodes before projections see a record), so the audit service turns unhealthy and
// names the position instead of recording a break.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "common/es/projection.h"
#include "hub/v1/audit.pb.h"
#include "services/audit/audit_state.pb.h"

namespace hub::audit {

struct ChainVerifierOptions {
  // Topics on which a stream may skip versions (records removed by compaction).
  std::set<std::string> gaps_allowed;
  // Called once per break found, on the runner's thread (metrics, the log line).
  std::function<void(const hub::v1::ChainBreak&)> on_break;
  // Called per batch with the records verified per topic.
  std::function<void(const std::map<std::string, int64_t>&)> on_verified;
};

struct ChainBreakPage {
  std::vector<hub::v1::ChainBreak> breaks;
  std::string next_page_token;  // empty on the last page
};

class ChainVerifier final : public es::Projection {
 public:
  explicit ChainVerifier(ChainVerifierOptions options) : options_(std::move(options)) {}

  std::vector<std::string> Families() const override { return {"audit_chain_heads", "audit_breaks"}; }
  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override;
  absl::Status Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) override;
  absl::Status Flush(es::ProjectionWriter& writer) override;

  // Where the stream (topic, key) stands, or nullopt when it has no record yet.
  absl::StatusOr<std::optional<StreamChainHead>> Head(const std::string& topic, const std::string& stream) const;

  // Breaks by topic, partition and offset; only `topic`'s when not empty. INVALID_ARGUMENT for a
  // page token this index did not hand out.
  absl::StatusOr<ChainBreakPage> Breaks(const std::string& topic, int page_size, const std::string& page_token) const;
  // Breaks per (topic, kind), for the counters at start-up.
  absl::StatusOr<std::map<std::pair<std::string, hub::v1::ChainBreakKind>, int64_t>> CountBreaks() const;

 private:
  ChainVerifierOptions options_;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* heads_ = nullptr;   // stream \x1f topic -> StreamChainHead
  rocksdb::ColumnFamilyHandle* breaks_ = nullptr;  // topic \x1f partition(4) offset(8) -> hub.v1.ChainBreak
  struct CachedHead {
    StreamChainHead head;
    bool dirty = false;  // changed in the current batch
  };
  using HeadCache = std::unordered_map<std::string, CachedHead>;
  // Heads by key: those the current batch changed, and (up to a bound) those committed before, so a
  // busy stream is not read back from RocksDB at every batch. Dropped by Bind (a restart or rebuild).
  HeadCache heads_cache_;
  std::vector<HeadCache::value_type*> dirty_;  // element pointers survive rehashing
  std::map<std::string, int64_t> verified_;                 // per topic, for the current batch
};

// The name of a break kind as the metric label and the log line spell it ("GAP", "FORK", ...).
std::string BreakKindName(hub::v1::ChainBreakKind kind);

}  // namespace hub::audit
