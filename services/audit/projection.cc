#include "services/audit/projection.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "common/store/store.h"
#include "rocksdb/db.h"
#include "services/audit/keys.h"
#include "services/audit/report_facts.h"

namespace hub::audit {
namespace {

// About 1 KiB each: a bound of some hundreds of MiB for the busiest households.
constexpr size_t kMaxCachedFacts = 100'000;
// Household ids whose tenant is recorded: some tens of MiB at most.
constexpr size_t kMaxKnownHouseholds = 500'000;

// time(8) topic \x1f partition(4) offset(8), the part of an event key after "household \x1f".
std::string EventSuffix(int64_t nanos, const std::string& topic, int32_t partition, int64_t offset) {
  return SortableNanos(nanos) + Join({topic, PartitionOffset(partition, offset)});
}

}  // namespace

void HouseholdIndex::Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  db_ = db;
  events_ = families.at(0);
  households_ = families.at(1);
  known_households_.clear();
  tenants_ = families.at(2);
}

absl::Status HouseholdIndex::Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) {
  const auto& record = event.record;
  if (!topics_.contains(record.topic)) return absl::OkStatus();
  const auto& envelope = event.envelope;
  const std::string& household = envelope.household_id();
  if (household.empty()) return absl::OkStatus();
  writer.Put(events_,
             Join({household, EventSuffix(Nanos(envelope.recorded_at()), record.topic, record.partition, record.offset)}),
             "");
  writer.Put(tenants_, Join({envelope.tenant(), record.topic, PartitionOffset(record.partition, record.offset)}),
             household);
  // A household's tenant is that of its first event (every service keeps a household in its tenant).
  if (known_households_.contains(household)) return absl::OkStatus();
  if (auto known = writer.Get(households_, household); known.status().code() == absl::StatusCode::kNotFound) {
    writer.Put(households_, household, envelope.tenant());
  } else if (!known.ok()) {
    return known.status();
  }
  if (known_households_.size() >= kMaxKnownHouseholds) known_households_.clear();
  known_households_.insert(household);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> HouseholdIndex::TenantOf(const std::string& household_id) const {
  std::string tenant;
  auto s = db_->Get({}, households_, household_id, &tenant);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return store::ToStatus(s, "household tenant");
  return tenant;
}

absl::StatusOr<std::vector<IndexedEvent>> HouseholdIndex::Events(const std::string& household_id,
                                                                 std::optional<int64_t> up_to_nanos) const {
  std::vector<IndexedEvent> out;
  const std::string prefix = Join({household_id, ""});
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, events_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view rest = it->key().ToStringView().substr(prefix.size());
    IndexedEvent e;
    e.recorded_at_nanos = FromSortableNanos(rest.substr(0, 8));
    if (up_to_nanos && e.recorded_at_nanos > *up_to_nanos) break;
    const std::string_view tail = rest.substr(8);
    if (tail.size() < 13 || tail[tail.size() - 13] != kSep) return absl::DataLossError("malformed event key");
    const size_t sep = tail.size() - 13;
    e.topic = std::string(tail.substr(0, sep));
    e.partition = static_cast<int32_t>(GetBigEndian(tail.substr(sep + 1), 4));
    e.offset = static_cast<int64_t>(GetBigEndian(tail.substr(sep + 5), 8));
    out.push_back(std::move(e));
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "household events");
  return out;
}

absl::Status HouseholdIndex::ForEachTenantEvent(
    const std::string& tenant, const std::function<bool(const IndexedEvent&, const std::string&)>& visit) const {
  const std::string prefix = Join({tenant, ""});
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, tenants_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view rest = it->key().ToStringView().substr(prefix.size());
    if (rest.size() < 13) return absl::DataLossError("malformed tenant event key");
    IndexedEvent e;
    e.topic = std::string(rest.substr(0, rest.size() - 13));
    e.partition = static_cast<int32_t>(GetBigEndian(rest.substr(rest.size() - 12), 4));
    e.offset = static_cast<int64_t>(GetBigEndian(rest.substr(rest.size() - 8), 8));
    if (!visit(e, it->value().ToString())) return absl::OkStatus();
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "tenant events");
  return absl::OkStatus();
}

void AccessIndex::Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  db_ = db;
  access_ = families.at(0);
}

absl::Status AccessIndex::Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) {
  const auto& record = event.record;
  if (record.topic != topic_ || !event.envelope.has_access() || !event.envelope.access().has_recorded()) {
    return absl::OkStatus();
  }
  const auto& recorded = event.envelope.access().recorded();
  if (recorded.data_subject_id().empty()) return absl::OkStatus();  // a search over many subjects
  AccessIndexEntry entry;
  *entry.mutable_record() = recorded;
  entry.set_partition(record.partition);
  entry.set_offset(record.offset);
  writer.Put(access_,
             Join({recorded.data_subject_id(),
                   SortableNanos(Nanos(recorded.start_time())) + PartitionOffset(record.partition, record.offset)}),
             es::SerializeDeterministic(entry));
  return absl::OkStatus();
}

absl::StatusOr<AccessPage> AccessIndex::Page(const AccessQuery& query) const {
  AccessPage page;
  const int limit = query.page_size <= 0 ? 50 : std::min(query.page_size, 500);
  const std::string prefix = Join({query.data_subject_id, ""});
  std::string resume;
  if (!query.page_token.empty()) {
    if (!absl::WebSafeBase64Unescape(query.page_token, &resume) || resume.size() < 1 ||
        resume[0] != (query.chronological ? 'c' : 'n') || !resume.substr(1).starts_with(prefix)) {
      return absl::InvalidArgumentError("page.page_token: not a token from this list");
    }
    resume = resume.substr(1);
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, access_));
  if (query.chronological) {
    it->Seek(resume.empty() ? prefix : resume);
  } else {
    // Newest first: from the subject's last key backwards.
    it->SeekForPrev(resume.empty() ? prefix + std::string(20, '\xff') : resume);
  }
  std::string last_key;
  for (; it->Valid() && it->key().starts_with(prefix); query.chronological ? it->Next() : it->Prev()) {
    const std::string key = it->key().ToString();
    if (key == resume) continue;
    AccessIndexEntry entry;
    if (!entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable access entry");
    }
    if (entry.record().tenant() != query.tenant) continue;
    if (static_cast<int>(page.entries.size()) == limit) {
      page.next_page_token = absl::WebSafeBase64Escape((query.chronological ? "c" : "n") + last_key);
      return page;
    }
    page.entries.push_back(std::move(entry));
    last_key = key;
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "access log");
  return page;
}

void ReportFactsIndex::Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  db_ = db;
  facts_ = families.at(0);
  cache_.clear();
  dirty_.clear();
}

absl::Status ReportFactsIndex::Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) {
  if (!topics_.contains(event.record.topic)) return absl::OkStatus();
  const auto& envelope = event.envelope;
  if (envelope.household_id().empty()) return absl::OkStatus();
  std::string key = Join({envelope.tenant(), envelope.household_id()});
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    CachedFacts cached;
    if (auto stored = writer.Get(facts_, key); stored.ok()) {
      if (!cached.facts.ParseFromString(*stored)) return absl::DataLossError("report facts do not parse");
    } else if (stored.status().code() != absl::StatusCode::kNotFound) {
      return stored.status();
    }
    it = cache_.emplace(std::move(key), std::move(cached)).first;
  }
  if (FoldReportFacts(envelope, *calendar_, it->second.facts) && !it->second.dirty) {
    it->second.dirty = true;
    dirty_.push_back(&*it);
  }
  return absl::OkStatus();
}

absl::Status ReportFactsIndex::Flush(es::ProjectionWriter& writer) {
  for (auto* entry : dirty_) {
    writer.Put(facts_, entry->first, entry->second.facts.SerializeAsString());
    entry->second.dirty = false;
  }
  dirty_.clear();
  if (cache_.size() > kMaxCachedFacts) cache_.clear();
  return absl::OkStatus();
}

absl::Status ReportFactsIndex::ForEachHousehold(const std::string& tenant, google::protobuf::Arena* arena,
                                                const std::function<void(const HouseholdReportFacts&)>& visit) const {
  const std::string prefix = Join({tenant, ""});
  rocksdb::ReadOptions options;
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  options.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, facts_));
  absl::Status status;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto* facts = google::protobuf::Arena::CreateMessage<HouseholdReportFacts>(arena);
    if (!facts->ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      status = absl::DataLossError("report facts do not parse");
      break;
    }
    visit(*facts);
  }
  if (status.ok() && !it->status().ok()) status = store::ToStatus(it->status(), "report facts");
  it.reset();
  db_->ReleaseSnapshot(snapshot);
  return status;
}

}  // namespace hub::audit
