// The audit service's query-side projections: which events belong to which household (for replay,
// time travel and export) and which access records concern which data subject (the access log).
//
// HouseholdIndex keys every event of a household topic by household, record time, topic,
// partition and offset, so a household's history across services reads back in record-time order
// with one scan, and by tenant, topic, partition and offset for a tenant export. It stores
// positions only: the events themselves are read back from the log.
//
// ReportFactsIndex keeps, per tenant and household, the facts the policy reports are made of
// (report_facts.h), folded as the events arrive, so a report reads one value per household.
//
// AccessIndex keys every AccessRecorded of hub.access.events.v1 by data subject and start time.
//
// Both are deterministic; applied by the runner's thread; queries read committed state and are safe
// from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/arena.h"
#include "common/domain/calendar.h"
#include "common/es/projection.h"
#include "services/audit/audit_state.pb.h"

namespace hub::audit {

// The access log's topic (access_events.proto).
inline constexpr char kAccessTopic[] = "hub.access.events.v1";

// Where one event of a household is.
struct IndexedEvent {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t recorded_at_nanos = 0;
};

class HouseholdIndex final : public es::Projection {
 public:
  // `topics`: the household topics (the services' own; not the key, access or audit topic, whose
  // stream keys are no households).
  explicit HouseholdIndex(std::set<std::string> topics) : topics_(std::move(topics)) {}

  std::vector<std::string> Families() const override {
    return {"audit_household_events", "audit_households", "audit_tenant_events"};
  }
  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override;
  absl::Status Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) override;

  // The tenant of a household, or nullopt for a household the index has no event of.
  absl::StatusOr<std::optional<std::string>> TenantOf(const std::string& household_id) const;
  // The household's events recorded at or before `up_to_nanos` (all when absent), in record-time
  // order, ties by topic, partition and offset.
  absl::StatusOr<std::vector<IndexedEvent>> Events(const std::string& household_id,
                                                   std::optional<int64_t> up_to_nanos) const;
  // Calls `visit` for every event of the tenant's households, by topic, partition and offset, until
  // it returns false.
  absl::Status ForEachTenantEvent(const std::string& tenant,
                                  const std::function<bool(const IndexedEvent&, const std::string& household)>& visit) const;

 private:
  std::set<std::string> topics_;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_ = nullptr;      // household \x1f time(8) topic \x1f partition(4) offset(8)
  rocksdb::ColumnFamilyHandle* households_ = nullptr;  // household -> tenant
  rocksdb::ColumnFamilyHandle* tenants_ = nullptr;     // tenant \x1f topic \x1f partition(4) offset(8) -> household
  // Households whose tenant is already recorded (bounded; dropped by Bind), so their next event
  // does not read it back.
  std::unordered_set<std::string> known_households_;
};

class ReportFactsIndex final : public es::Projection {
 public:
  // `topics`: the household topics, as for HouseholdIndex. `calendar` must outlive the index.
  ReportFactsIndex(std::set<std::string> topics, const domain::WorkingDayCalendar* calendar)
      : topics_(std::move(topics)), calendar_(calendar) {}

  std::vector<std::string> Families() const override { return {"audit_report_facts"}; }
  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override;
  absl::Status Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) override;
  absl::Status Flush(es::ProjectionWriter& writer) override;

  // Calls `visit` with the facts of every household of the tenant, from one consistent snapshot.
  // The facts are allocated on `arena` and live as long as it does (a report over a tenant parses
  // many small messages: an arena makes that a few large allocations).
  absl::Status ForEachHousehold(const std::string& tenant, google::protobuf::Arena* arena,
                                const std::function<void(const HouseholdReportFacts&)>& visit) const;

 private:
  std::set<std::string> topics_;
  const domain::WorkingDayCalendar* calendar_;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* facts_ = nullptr;  // tenant \x1f household -> HouseholdReportFacts
  struct CachedFacts {
    HouseholdReportFacts facts;
    bool dirty = false;  // changed in the current batch
  };
  using FactsCache = std::unordered_map<std::string, CachedFacts>;
  // Facts by key, decoded once: those the current batch changed (written by Flush), and (up to a
  // bound) those committed before, so a household's next event is not read and parsed again.
  // Dropped by Bind (a restart or rebuild).
  FactsCache cache_;
  std::vector<FactsCache::value_type*> dirty_;  // element pointers survive rehashing
};

struct AccessQuery {
  std::string data_subject_id;
  // Only records of calls made for this tenant.
  std::string tenant;
  bool chronological = false;  // oldest first; newest first otherwise
  int page_size = 50;
  std::string page_token;
};

struct AccessPage {
  std::vector<AccessIndexEntry> entries;
  std::string next_page_token;
};

class AccessIndex final : public es::Projection {
 public:
  // `topic`: the access topic (hub.access.events.v1).
  explicit AccessIndex(std::string topic) : topic_(std::move(topic)) {}

  std::vector<std::string> Families() const override { return {"audit_access"}; }
  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override;
  absl::Status Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) override;

  // INVALID_ARGUMENT for a page token this index did not hand out for this subject and order.
  absl::StatusOr<AccessPage> Page(const AccessQuery& query) const;

 private:
  std::string topic_;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* access_ = nullptr;  // subject \x1f start(8) partition(4) offset(8)
};

}  // namespace hub::audit
