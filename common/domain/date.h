// Date is a civil (calendar) date with no time of day and no time zone: "the day a letter was
// sent", "the last day of a term". It is a small value type, cheap to copy and totally ordered.
// Dates parse from and format to ISO 8601 "YYYY-MM-DD"; only real calendar days can be constructed
// through the checked factories, so 2025-02-30 is rejected rather than rolled over into March.

#ifndef HUB_COMMON_DOMAIN_DATE_H_
#define HUB_COMMON_DOMAIN_DATE_H_

#include <chrono>
#include <compare>
#include <iosfwd>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hub::domain {

class Date {
 public:
  // 1970-01-01. A default exists so Date can live in containers and StatusOr; prefer the factories.
  constexpr Date() = default;

  // Parses exactly "YYYY-MM-DD" (4-digit year 0001-9999, 2-digit month and day). No surrounding
  // whitespace, no signs, no time part. InvalidArgument for anything else, including days that do
  // not exist in that month or year (2025-02-30, 2023-02-29).
  static absl::StatusOr<Date> Parse(std::string_view iso);

  // A checked constructor from numeric fields; the same rules as Parse.
  static absl::StatusOr<Date> FromCivil(int year, int month, int day);

  // Interop with <chrono>. Every sys_days value is a valid day, so this cannot fail.
  static constexpr Date FromSysDays(std::chrono::sys_days days) { return Date(days); }

  int year() const;
  int month() const;  // 1-12
  int day() const;    // 1-31

  constexpr std::chrono::sys_days sys_days() const { return days_; }
  std::chrono::year_month_day ymd() const { return std::chrono::year_month_day(days_); }

  // "YYYY-MM-DD"; Parse(d.ToString()) == d for every year in 0001-9999.
  std::string ToString() const;

  // The day `n` days later (earlier when n < 0).
  constexpr Date AddDays(int n) const { return Date(days_ + std::chrono::days(n)); }

  std::chrono::weekday DayOfWeek() const { return std::chrono::weekday(days_); }
  bool IsWeekend() const;  // Saturday or Sunday

  friend constexpr bool operator==(const Date&, const Date&) = default;
  friend constexpr auto operator<=>(const Date&, const Date&) = default;

 private:
  constexpr explicit Date(std::chrono::sys_days days) : days_(days) {}

  std::chrono::sys_days days_{};
};

// Signed number of days from `from` to `to`: DaysBetween(d, d.AddDays(n)) == n.
constexpr int DaysBetween(Date from, Date to) {
  return static_cast<int>((to.sys_days() - from.sys_days()).count());
}

// Completed years on `day` of someone born on `birth`: a year more from the birthday itself on.
int AgeOn(Date birth, Date day);

// Prints ToString(); lets GoogleTest and logs show dates readably.
std::ostream& operator<<(std::ostream& os, Date date);

}  // namespace hub::domain

#endif  // HUB_COMMON_DOMAIN_DATE_H_
