// Dutch public holidays as the Algemene termijnenwet (Atw) counts them for legal deadlines, and the
// working days that follow. Statutory holidays are computed for any year, so there is no table to
// maintain; days equated with holidays by Royal Decree and tenant closing days are configuration.
// A calendar is immutable after construction and safe to share between threads.

#ifndef HUB_COMMON_DOMAIN_CALENDAR_H_
#define HUB_COMMON_DOMAIN_CALENDAR_H_

#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "common/domain/date.h"

namespace hub::domain {

// Easter Sunday of `year` in the Gregorian calendar (anonymous Gregorian algorithm, Meeus). Years
// 1-9999, matching Date.
Date EasterSunday(int year);

// The "algemeen erkende feestdagen" of Atw art. 3:
//   lid 1: Nieuwjaarsdag (1 Jan), Tweede Paasdag (Easter + 1), Hemelvaartsdag (Easter + 39),
//          Tweede Pinksterdag (Easter + 50), Koningsdag, 5 mei (Bevrijdingsdag: every year, not
//          only in the lustrum years many collective agreements use), Eerste en Tweede Kerstdag.
//   lid 2: Goede Vrijdag (Easter - 2) is equated with those days "voor de toepassing van deze wet",
//          so it is a holiday here, even though it is not a day off for most employees.
//   lid 3: further days can be equated by Royal Decree, published in the Staatscourant for a few
//          years at a time (typically the Friday after Hemelvaartsdag). They are not computable and
//          are passed to the constructor as `equated_holidays`.
// Eerste Paasdag and Eerste Pinksterdag are always Sundays; the Atw does not list them, but they
// are reported so HolidayName covers the days people call holidays.
// Koningsdag is 27 April, or 26 April when the 27th is a Sunday (the celebrated day, which is what
// art. 3 names). Before 2014 the calendar uses Koninginnedag: 30 April, or 29 April when the 30th
// is a Sunday, the rule from 1980 to 2013. Years before 1980 are not modelled exactly.
//
// A working day is Monday to Friday that is neither a holiday (statutory or equated) nor one of
// the tenant's closing days. Closing days only affect working-day arithmetic: they are not holidays
// under the Atw, so they do not extend legal deadlines (see deadline.h).
class WorkingDayCalendar {
 public:
  // Statutory holidays only.
  WorkingDayCalendar() = default;

  // `closing_days`: days this tenant's offices are closed (e.g. between Christmas and New Year).
  // `equated_holidays`: days equated with a holiday under Atw art. 3 lid 3.
  explicit WorkingDayCalendar(std::set<Date> closing_days, std::set<Date> equated_holidays = {});

  // True on a statutory or equated holiday, whatever the day of the week.
  bool IsHoliday(Date date) const;

  // The Dutch name of the holiday on `date`, or nullopt. Equated days are named "Gelijkgestelde
  // dag". Two holidays can share a date (5 May 2016 was also Hemelvaartsdag); the first listed by
  // Holidays() wins.
  std::optional<std::string_view> HolidayName(Date date) const;

  bool IsClosingDay(Date date) const;

  // Monday-Friday, not a holiday and not a closing day.
  bool IsWorkingDay(Date date) const;

  // Every holiday of `year`, statutory and equated, sorted by date; a date carrying two holidays
  // appears twice. Empty for years outside 1-9999. The names point to static storage.
  std::vector<std::pair<Date, std::string_view>> Holidays(int year) const;

 private:
  std::set<Date> closing_days_;
  std::set<Date> equated_holidays_;
};

}  // namespace hub::domain

#endif  // HUB_COMMON_DOMAIN_CALENDAR_H_
