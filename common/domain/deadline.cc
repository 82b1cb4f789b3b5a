#include "common/domain/deadline.h"

#include <cstdint>

namespace hub::domain {
namespace {

// A day that the Atw skips: weekend or holiday. Deliberately not IsWorkingDay, which also skips the
// tenant's closing days; those have no legal effect on statutory terms.
bool IsAtwDayOff(const WorkingDayCalendar& cal, Date date) {
  return date.IsWeekend() || cal.IsHoliday(date);
}

// Working days d with a < d <= b (b >= a), stopping early once `limit` is exceeded so that
// classifying a far-away due date does not walk every day to it.
int64_t CountWorkingDaysUpTo(const WorkingDayCalendar& cal, Date a, Date b, int64_t limit) {
  int64_t count = 0;
  for (Date d = a.AddDays(1); d <= b && count <= limit; d = d.AddDays(1)) {
    if (cal.IsWorkingDay(d)) ++count;
  }
  return count;
}

}  // namespace

Date AddWorkingDays(const WorkingDayCalendar& cal, Date from, int n) {
  Date d = from;
  if (n == 0) {
    while (!cal.IsWorkingDay(d)) d = d.AddDays(1);
    return d;
  }
  const int step = n > 0 ? 1 : -1;
  // 64-bit so that -INT_MIN does not overflow.
  int64_t remaining = n > 0 ? int64_t{n} : -int64_t{n};
  while (remaining > 0) {
    d = d.AddDays(step);
    if (cal.IsWorkingDay(d)) --remaining;
  }
  return d;
}

int WorkingDaysBetween(const WorkingDayCalendar& cal, Date a, Date b) {
  constexpr int64_t kNoLimit = INT64_MAX;
  if (b >= a) return static_cast<int>(CountWorkingDaysUpTo(cal, a, b, kNoLimit));
  return -static_cast<int>(CountWorkingDaysUpTo(cal, b, a, kNoLimit));
}

Date AddWeeks(Date from, int weeks) { return from.AddDays(7 * weeks); }

Date LegalDeadlineWeeks(const WorkingDayCalendar& cal, Date from, int weeks) {
  Date end = AddWeeks(from, weeks);
  if (weeks <= 0) return end;

  // Atw art. 1 lid 1.
  while (IsAtwDayOff(cal, end)) end = end.AddDays(1);

  // Atw art. 2: at least two days in (from, end] that are not weekend or holiday. After art. 1 the
  // end day itself is one; extend to the next such day until there are two.
  int usable = 0;
  for (Date d = from.AddDays(1); d <= end && usable < 2; d = d.AddDays(1)) {
    if (!IsAtwDayOff(cal, d)) ++usable;
  }
  while (usable < 2) {
    end = end.AddDays(1);
    if (!IsAtwDayOff(cal, end)) ++usable;
  }
  return end;
}

DeadlineState Classify(const WorkingDayCalendar& cal, Date due, Date today,
                       int due_soon_working_days) {
  if (today > due) return DeadlineState::kOverdue;
  if (due_soon_working_days < 0) return DeadlineState::kOnTime;
  const int64_t left = CountWorkingDaysUpTo(cal, today, due, due_soon_working_days);
  return left <= due_soon_working_days ? DeadlineState::kDueSoon : DeadlineState::kOnTime;
}

}  // namespace hub::domain
