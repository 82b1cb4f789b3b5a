// Report facts: what the policy reports (services/audit/reports.h) need of one household, folded from
// its events on every service topic. A fact is a small item of codes and civil dates in valid time
// (a product line in force, a referral and its answer, a deadline, a plan, a procesregie, a
// beschikking, a bezwaar); every change to an item is kept as a revision stamped with the event's
// record time, so a report can be made as of any date, as the hub knew it at any moment (a report
// made years later over the same record time gives the same numbers, retroactive corrections or not).
//
// Pure and total: no I/O, no clock; an event the reports need nothing of leaves the facts unchanged,
// and an event naming an item the facts do not hold (a gap in the history) changes nothing either.
// No person id, name or sealed value ever enters the facts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/domain/calendar.h"
#include "hub/v1/envelope.pb.h"
#include "services/audit/audit_state.pb.h"

namespace hub::audit {

// Folds one event of the household (any service's) into `facts`. `calendar` gives the working days
// for deadlines the events do not state themselves (a start message due 5 working days after the
// toewijzing's ingangsdatum). Returns whether the facts changed.
bool FoldReportFacts(const hub::v1::EventEnvelope& event, const domain::WorkingDayCalendar& calendar,
                     HouseholdReportFacts& facts);

// The household's items as the hub knew them at `known_at_nanos` (the newest revisions when absent):
// per item its last revision recorded at or before that moment; items not yet known are left out.
std::vector<const ReportItem*> ItemsKnownAt(const HouseholdReportFacts& facts, std::optional<int64_t> known_at_nanos);

}  // namespace hub::audit
