#include "common/domain/date.h"

#include <ostream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace hub::domain {
namespace {

// absl in this build has its own string_view type, so std::string_view needs an explicit bridge.
absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

}  // namespace

absl::StatusOr<Date> Date::Parse(std::string_view iso) {
  // The shape check is ours because SimpleAtoi (and absl::ParseCivilTime) tolerate signs,
  // whitespace and single-digit fields, which a wire format must not.
  constexpr char kExpected[] = "date must be formatted as YYYY-MM-DD";
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') {
    return absl::InvalidArgumentError(kExpected);
  }
  const std::string_view y = iso.substr(0, 4);
  const std::string_view m = iso.substr(5, 2);
  const std::string_view d = iso.substr(8, 2);
  int year = 0;
  int month = 0;
  int day = 0;
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d) || !absl::SimpleAtoi(ToAbsl(y), &year) ||
      !absl::SimpleAtoi(ToAbsl(m), &month) || !absl::SimpleAtoi(ToAbsl(d), &day)) {
    return absl::InvalidArgumentError(kExpected);
  }
  return FromCivil(year, month, day);
}

absl::StatusOr<Date> Date::FromCivil(int year, int month, int day) {
  if (year < 1 || year > 9999) {
    return absl::InvalidArgumentError("date year must be between 0001 and 9999");
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    return absl::InvalidArgumentError("date month or day out of range");
  }
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  // year_month_day::ok() knows month lengths and leap years; that is the whole calendar check.
  if (!ymd.ok()) {
    return absl::InvalidArgumentError("date does not exist in the calendar");
  }
  return Date(std::chrono::sys_days(ymd));
}

int Date::year() const { return static_cast<int>(ymd().year()); }
int Date::month() const { return static_cast<int>(static_cast<unsigned>(ymd().month())); }
int Date::day() const { return static_cast<int>(static_cast<unsigned>(ymd().day())); }

std::string Date::ToString() const {
  const std::chrono::year_month_day ymd = this->ymd();
  return absl::StrFormat("%04d-%02u-%02u", static_cast<int>(ymd.year()),
                         static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

bool Date::IsWeekend() const {
  const std::chrono::weekday wd = DayOfWeek();
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

int AgeOn(Date birth, Date day) {
  int age = day.year() - birth.year();
  if (day.month() < birth.month() || (day.month() == birth.month() && day.day() < birth.day())) --age;
  return age;
}

std::ostream& operator<<(std::ostream& os, Date date) { return os << date.ToString(); }

}  // namespace hub::domain
