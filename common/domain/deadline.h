// Deadline arithmetic for case handling: working-day offsets, calendar weeks, and statutory terms
// in weeks extended as the Algemene termijnenwet (Atw) requires. Every function is pure and total
// for dates in 0001-9999; holidays and closing days come from the WorkingDayCalendar passed in. A
// due date is inclusive: something due on day D is on time when done on D.

#ifndef HUB_COMMON_DOMAIN_DEADLINE_H_
#define HUB_COMMON_DOMAIN_DEADLINE_H_

#include "common/domain/calendar.h"
#include "common/domain/date.h"

namespace hub::domain {

// n > 0: the n-th working day after `from` (`from` itself never counts, so one working day after a
//        Friday is the following Monday).
// n < 0: the |n|-th working day before `from`.
// n = 0: `from` if it is a working day, otherwise the next working day. We roll forward rather than
//        return `from` so that the result is always a day on which work can be done.
// For every n > 0: WorkingDaysBetween(cal, from, AddWorkingDays(cal, from, n)) == n.
Date AddWorkingDays(const WorkingDayCalendar& cal, Date from, int n);

// The number of working days d with a < d <= b; when b < a, minus the number with b < d <= a.
// So the count is antisymmetric and 0 when a == b.
int WorkingDaysBetween(const WorkingDayCalendar& cal, Date a, Date b);

// `from` plus `weeks` calendar weeks (7 days each), ignoring holidays.
Date AddWeeks(Date from, int weeks);

// The last day of a statutory term of `weeks` weeks that starts running the day after `from` (e.g.
// the six-week bezwaartermijn of Awb art. 6:7 after the decision is sent, Awb art. 6:8):
// from + weeks, then
//   - Atw art. 1 lid 1: if that ends on a Saturday, Sunday or holiday (statutory or equated), the
//     term is extended to the next day that is none of those;
//   - Atw art. 2: the term is extended, if needed, until it contains at least two such days. For
//     whole weeks this only bites when decrees equate most of a week with holidays.
// Tenant closing days do not extend the term: the Atw knows only weekends and holidays.
// weeks <= 0 returns from + weeks unchanged: Atw art. 1 lid 2 excludes terms counted back from an
// event, and a zero-week term is degenerate.
Date LegalDeadlineWeeks(const WorkingDayCalendar& cal, Date from, int weeks);

enum class DeadlineState {
  kOnTime,   // more than the due-soon margin of working days left
  kDueSoon,  // due today, or at most the margin of working days left
  kOverdue,  // today is after the due date
};

// kOverdue when today > due. Otherwise kDueSoon when WorkingDaysBetween(cal, today, due) <=
// due_soon_working_days, else kOnTime. So with a margin of 2, a Wednesday due date is due soon from
// the Monday before (Tuesday and Wednesday left) and on time on the Friday before. A due date on a
// weekend counts no working days, so it is due soon from the last working day before it. A negative
// margin never yields kDueSoon.
DeadlineState Classify(const WorkingDayCalendar& cal, Date due, Date today,
                       int due_soon_working_days);

}  // namespace hub::domain

#endif  // HUB_COMMON_DOMAIN_DEADLINE_H_
