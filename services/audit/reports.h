// The policy reports, computed from report facts (report_facts.h): stapeling van zorg, deadlines,
// procesregie, referral answer times and bezwaren, anonymised by suppression. Pure: the facts, the
// tenant's policy and the dates come in, the report messages of proto/hub/v1/report.proto go out.
//
// Suppression (SuppressCells): a count of 1 up to threshold - 1 is suppressed (primary). The counts
// a report publishes are bound by sums (a column and its total, a scheme and the combinations that
// hold it); in any such sum exactly one unknown could be worked out by subtraction, so the smallest
// other count of that sum is suppressed too (secondary), until no sum has exactly one unknown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/domain/calendar.h"
#include "common/domain/date.h"
#include "hub/v1/report.pb.h"
#include "services/audit/audit_state.pb.h"
#include "services/audit/report_config.h"

namespace hub::audit {

// A count and whether it is suppressed.
struct Count {
  int64_t value = 0;
  bool suppressed = false;
};

// Suppresses `counts` in place: primary suppression under `threshold`, then secondary suppression
// over `sums` (each a set of indexes into `counts` bound by one linear equation, e.g. the parts and
// their total) until no sum has exactly one suppressed member.
void SuppressCells(std::vector<Count>& counts, const std::vector<std::vector<size_t>>& sums, int threshold);

// What every report is made from.
struct ReportInput {
  std::string tenant;
  ReportPolicy policy;
  domain::Date as_of;
  domain::Date period_start;
  domain::Date period_end;
  std::optional<int64_t> known_at_nanos;
  // One entry per household of the tenant: its items as known at known_at (ItemsKnownAt).
  std::vector<std::vector<const ReportItem*>> households;
  const domain::WorkingDayCalendar* calendar = nullptr;
};

hub::v1::StapelingReport MakeStapeling(const ReportInput& input);
// `at_risk_days` > 0: open deadlines due within that many days after as_of are at risk.
hub::v1::DeadlinesReport MakeDeadlines(const ReportInput& input, int at_risk_days);
hub::v1::ProcesregieReport MakeProcesregie(const ReportInput& input);
hub::v1::ReferralAnswerTimesReport MakeReferralAnswerTimes(const ReportInput& input);
hub::v1::BezwarenReport MakeBezwaren(const ReportInput& input);

}  // namespace hub::audit
