// BeschikkingIndex: the beschikking service's query-side projection, beside the household state.
//
// Two families:
//   - one summary per household and tenant (open aanvragen, beschikkingen by law and outcome,
//     toewijzingen with every version and both its times, open provider requests, open bezwaren),
//     ordered by tenant, for ListDeadlines, the metrics and the history GetBeschikkingen shows;
//   - the toewijzingnummers in use, by tenant and law (OP275), which the service consults before a
//     toewijzing is decided.
// Deterministic like every projection: rebuilt from the beschikking topic it yields the same bytes.
// The record time of a toewijzing version is the envelope's recorded_at, its valid time the
// envelope's occurred_at; both come from the log, so a rebuild keeps them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/domain/date.h"
#include "common/domain/deadline.h"
#include "common/es/projection.h"
#include "services/beschikking/beschikking_state.pb.h"

namespace hub::beschikking {

enum class DeadlineKind {
  kBeschikking,      // aanvraag -> beschikking (Wmo 2.3.5: 2 weeks; Awb 4:13: 8 weeks)
  kStartMessage,     // 305 within 5 working days of the start (OP271)
  kRequestAnswer,    // 315/317 answered within 5 working days (OP274)
  kBezwaarDecision,  // decision on a bezwaar within 6 weeks (Awb 7:10)
};
inline constexpr DeadlineKind kDeadlineKinds[] = {DeadlineKind::kBeschikking, DeadlineKind::kStartMessage,
                                                  DeadlineKind::kRequestAnswer, DeadlineKind::kBezwaarDecision};
// BESCHIKKING, START_MESSAGE, REQUEST_ANSWER, BEZWAAR_DECISION; ON_TIME, DUE_SOON, OVERDUE.
std::string_view DeadlineKindName(DeadlineKind kind);
std::string_view DeadlineStateName(domain::DeadlineState state);

// One open deadline.
struct DeadlineEntry {
  DeadlineKind kind = DeadlineKind::kBeschikking;
  std::string household_id;
  std::string subject_id;  // the aanvraag, toewijzing, request or bezwaar
  hub::v1::Law law = hub::v1::LAW_UNSPECIFIED;
  domain::Date due;
  domain::DeadlineState state = domain::DeadlineState::kOnTime;
  std::string provider_agb_code;  // START_MESSAGE, REQUEST_ANSWER
};

// The open deadlines of one household as of `today`, by due date. A start message is open once the
// toewijzing's ingangsdatum has passed without a 305 (and none is expected for delivery running
// under the former system); it is due 5 working days after the ingangsdatum.
std::vector<DeadlineEntry> DeadlinesOf(const std::string& household_id, const BeschikkingSummaryRecord& summary,
                                       domain::Date today, int due_soon_working_days);

// A deadline is due soon this many working days ahead unless asked otherwise (ListDeadlines, the
// gauges); a page holds kDefaultPageSize deadlines unless asked for up to kMaxPageSize.
inline constexpr int kDefaultDueSoonWorkingDays = 2;
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

struct DeadlineQuery {
  std::string tenant;
  std::string household_id;  // empty: every household
  std::optional<DeadlineKind> kind;
  std::optional<domain::DeadlineState> state;
  // Only the deadlines of this provider (START_MESSAGE and REQUEST_ANSWER); empty: all.
  std::string provider_agb_code;
  domain::Date today;
  int due_soon_working_days = kDefaultDueSoonWorkingDays;
  int page_size = kDefaultPageSize;
  std::string page_token;  // opaque; from the previous page
};

struct DeadlinePage {
  std::vector<DeadlineEntry> deadlines;
  std::string next_page_token;  // empty on the last page
};

struct BeschikkingCounts {
  std::map<hub::v1::Law, int64_t> aanvragen_open;
  // Beschikkingen the municipality issued in the hub (legacy imports are not counted).
  std::map<std::pair<hub::v1::Law, hub::v1::BeschikkingOutcome>, int64_t> beschikkingen;
  std::map<std::pair<DeadlineKind, domain::DeadlineState>, int64_t> deadlines;
  // Not removed, ingangsdatum <= today <= einddatum.
  std::map<hub::v1::Law, int64_t> toewijzingen_active;
  // Toewijzingen whose first 305 arrived after its due date.
  int64_t start_messages_late = 0;
};

class BeschikkingIndex : public es::Projection {
 public:
  std::vector<std::string> Families() const override {
    return {"beschikking_summaries", "beschikking_toewijzingnummers"};
  }
  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override;
  absl::Status Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) override;
  absl::Status Flush(es::ProjectionWriter& writer) override;

  // The household's summary, or nullopt when the service has nothing for it in this tenant.
  absl::StatusOr<std::optional<BeschikkingSummaryRecord>> Summary(std::string_view tenant,
                                                                  std::string_view household_id) const;
  // True when a toewijzing of the tenant under `law` carries `number` (OP275).
  absl::StatusOr<bool> NumberInUse(std::string_view tenant, hub::v1::Law law, std::string_view number) const;
  // INVALID_ARGUMENT for a page token that this index did not hand out.
  absl::StatusOr<DeadlinePage> ListDeadlines(const DeadlineQuery& query) const;
  absl::StatusOr<BeschikkingCounts> Count(std::string_view tenant, domain::Date today, int due_soon_working_days) const;

 private:
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* summaries_ = nullptr;  // tenant|household -> BeschikkingSummaryRecord
  rocksdb::ColumnFamilyHandle* numbers_ = nullptr;    // tenant|law|toewijzingnummer -> household id
  std::unordered_map<std::string, BeschikkingSummaryRecord> batch_;  // by row key, for the current batch
};

}  // namespace hub::beschikking
