// PlanIndex: the plan service's query-side projection, beside the household plan state.
//
// One summary per household and tenant (plan id, status, revision, next evaluation date,
// procesregie and the due dates of open directives), ordered by tenant, for ListPlans and for the
// metrics: plans by status, evaluations overdue, households under procesregie, directives overdue.
// Deterministic like every projection: rebuilt from the plan topic it yields the same bytes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "common/domain/date.h"
#include "common/es/projection.h"
#include "services/plan/plan_state.pb.h"

namespace hub::plan {

struct PlanEntry {
  std::string household_id;
  PlanSummaryRecord summary;
};

struct PlanQuery {
  std::string tenant;
  std::optional<hub::v1::PlanStatus> status;
  bool evaluation_overdue = false;
  bool under_procesregie = false;
  domain::Date today;
  int page_size = 50;
  std::string page_token;  // opaque; from the previous page
};

struct PlanPage {
  std::vector<PlanEntry> plans;
  std::string next_page_token;  // empty on the last page
};

struct PlanCounts {
  std::map<hub::v1::PlanStatus, int64_t> by_status;
  int64_t households = 0;           // with any plan, open or closed
  int64_t open_plans = 0;           // not CLOSED
  int64_t evaluations_overdue = 0;  // agreed, open, next evaluation before today
  int64_t under_procesregie = 0;
  int64_t directives_overdue = 0;   // open directives due before today
};

// True when the plan is agreed, open and its next evaluation lies before `today`.
bool EvaluationOverdue(const PlanSummaryRecord& summary, domain::Date today);
// Open directives due before `today`.
int32_t DirectivesOverdue(const PlanSummaryRecord& summary, domain::Date today);

class PlanIndex : public es::Projection {
 public:
  std::vector<std::string> Families() const override { return {"plan_summaries"}; }
  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override;
  absl::Status Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) override;
  absl::Status Flush(es::ProjectionWriter& writer) override;

  // INVALID_ARGUMENT for a page token that this index did not hand out.
  absl::StatusOr<PlanPage> List(const PlanQuery& query) const;
  absl::StatusOr<PlanCounts> Count(std::string_view tenant, domain::Date today) const;

 private:
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* summaries_ = nullptr;  // tenant|household -> PlanSummaryRecord
  std::unordered_map<std::string, PlanSummaryRecord> batch_;  // by row key, for the current batch
};

}  // namespace hub::plan
