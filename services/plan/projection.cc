#include "services/plan/projection.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "common/es/enveloped_decider.h"
#include "common/store/store.h"
#include "rocksdb/db.h"
#include "services/plan/decider.h"

namespace hub::plan {
namespace {

constexpr char kSep = '\x1f';  // unit separator: never part of a tenant code or an id

std::string RowKey(std::string_view tenant, std::string_view household_id) {
  std::string key(tenant);
  key.push_back(kSep);
  key.append(household_id);
  return key;
}

bool IsOpen(hub::v1::PlanStatus status) {
  return status != hub::v1::PLAN_STATUS_CLOSED && status != hub::v1::PLAN_STATUS_UNSPECIFIED;
}

// Folds one plan event into the household's summary.
void Fold(const hub::v1::PlanEvent& event, PlanSummaryRecord& s) {
  switch (event.event_case()) {
    case hub::v1::PlanEvent::kPlanDrafted:
      s.set_plan_id(event.plan_drafted().plan_id());
      s.set_status(hub::v1::PLAN_STATUS_DRAFT);
      s.set_revision(1);
      s.set_agreed_revision(0);
      s.clear_next_evaluation_on();
      break;
    case hub::v1::PlanEvent::kRevisionOpened:
      s.set_status(hub::v1::PLAN_STATUS_DRAFT);
      s.set_revision(event.revision_opened().revision());
      break;
    case hub::v1::PlanEvent::kPlanAgreed:
      s.set_status(hub::v1::PLAN_STATUS_ACTIVE);
      s.set_agreed_revision(event.plan_agreed().revision());
      s.set_next_evaluation_on(event.plan_agreed().next_evaluation_on());
      break;
    case hub::v1::PlanEvent::kEvaluationRecorded:
      s.set_next_evaluation_on(event.evaluation_recorded().next_evaluation_on());
      break;
    case hub::v1::PlanEvent::kPlanScaledDown:
      s.set_status(hub::v1::PLAN_STATUS_SCALED_DOWN);
      break;
    case hub::v1::PlanEvent::kPlanClosed:
      s.set_status(hub::v1::PLAN_STATUS_CLOSED);
      s.clear_next_evaluation_on();
      break;
    case hub::v1::PlanEvent::kProcesregieStarted:
      s.set_under_procesregie(true);
      break;
    case hub::v1::PlanEvent::kDirectiveIssued:
      (*s.mutable_open_directives())[event.directive_issued().directive_id()] = event.directive_issued().due_on();
      break;
    case hub::v1::PlanEvent::kDirectiveCompleted:
      s.mutable_open_directives()->erase(event.directive_completed().directive_id());
      break;
    case hub::v1::PlanEvent::kProcesregieReleased:
      s.set_under_procesregie(false);
      s.clear_open_directives();  // released: nobody is bound any more
      break;
    default:
      break;  // goal changes do not change the summary
  }
}

}  // namespace

bool EvaluationOverdue(const PlanSummaryRecord& summary, domain::Date today) {
  return IsOpen(summary.status()) && summary.agreed_revision() > 0 && !summary.next_evaluation_on().empty() &&
         summary.next_evaluation_on() < today.ToString();
}

int32_t DirectivesOverdue(const PlanSummaryRecord& summary, domain::Date today) {
  const std::string today_s = today.ToString();
  int32_t n = 0;
  for (const auto& [id, due] : summary.open_directives()) n += due < today_s ? 1 : 0;
  return n;
}

void PlanIndex::Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  db_ = db;
  summaries_ = families.at(0);
  batch_.clear();
}

absl::Status PlanIndex::Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) {
  const auto& envelope = event.envelope;
  if (event.record.topic != es::TopicFor(PlanDecider::kProducer) || !envelope.has_plan()) return absl::OkStatus();
  const std::string key = RowKey(envelope.tenant(), envelope.household_id());
  auto [it, inserted] = batch_.try_emplace(key);
  if (inserted) {
    auto stored = writer.Get(summaries_, key);
    if (stored.ok()) {
      if (!it->second.ParseFromString(*stored)) return absl::DataLossError("undecodable plan summary");
    } else if (stored.status().code() != absl::StatusCode::kNotFound) {
      return stored.status();
    }
  }
  Fold(envelope.plan(), it->second);
  return absl::OkStatus();
}

absl::Status PlanIndex::Flush(es::ProjectionWriter& writer) {
  for (const auto& [key, summary] : batch_) writer.Put(summaries_, key, es::SerializeDeterministic(summary));
  batch_.clear();
  return absl::OkStatus();
}

absl::StatusOr<PlanPage> PlanIndex::List(const PlanQuery& query) const {
  PlanPage page;
  const int limit = query.page_size <= 0 ? 50 : std::min(query.page_size, 500);
  const std::string prefix = query.tenant + kSep;
  std::string resume;
  if (!query.page_token.empty()) {
    if (!absl::WebSafeBase64Unescape(query.page_token, &resume) || !resume.starts_with(prefix)) {
      return absl::InvalidArgumentError("page.page_token: not a token from this list");
    }
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, summaries_));
  std::string last_key;
  for (it->Seek(resume.empty() ? prefix : resume); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string key = it->key().ToString();
    if (key == resume) continue;
    PlanSummaryRecord summary;
    if (!summary.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable plan summary");
    }
    if (query.status && summary.status() != *query.status) continue;
    if (query.evaluation_overdue && !EvaluationOverdue(summary, query.today)) continue;
    if (query.under_procesregie && !summary.under_procesregie()) continue;
    if (static_cast<int>(page.plans.size()) == limit) {
      page.next_page_token = absl::WebSafeBase64Escape(last_key);
      return page;
    }
    page.plans.push_back({key.substr(prefix.size()), std::move(summary)});
    last_key = key;
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "list plans");
  return page;
}

absl::StatusOr<PlanCounts> PlanIndex::Count(std::string_view tenant, domain::Date today) const {
  PlanCounts counts;
  const std::string prefix = std::string(tenant) + kSep;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, summaries_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    PlanSummaryRecord summary;
    if (!summary.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable plan summary");
    }
    counts.households++;
    counts.by_status[summary.status()]++;
    if (IsOpen(summary.status())) counts.open_plans++;
    if (EvaluationOverdue(summary, today)) counts.evaluations_overdue++;
    if (summary.under_procesregie()) counts.under_procesregie++;
    counts.directives_overdue += DirectivesOverdue(summary, today);
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "count plans");
  return counts;
}

}  // namespace hub::plan
