#include "common/domain/calendar.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace hub::domain {
namespace {

constexpr std::string_view kEquatedName = "Gelijkgestelde dag";

struct Holiday {
  Date date;
  std::string_view name;
};

Date Civil(int year, unsigned month, unsigned day) {
  return Date::FromSysDays(std::chrono::sys_days(
      std::chrono::year(year) / std::chrono::month(month) / std::chrono::day(day)));
}

Date CelebratedKingsDay(int year) {
  // Moved back a day, never forward, when the birthday falls on a Sunday.
  const unsigned birthday = year >= 2014 ? 27 : 30;
  const Date day = Civil(year, 4, birthday);
  return day.DayOfWeek() == std::chrono::Sunday ? day.AddDays(-1) : day;
}

// The statutory holidays of one year in date order. A fixed-size array so that day-by-day loops in
// deadline arithmetic do not allocate.
std::array<Holiday, 11> StatutoryHolidays(int year) {
  const Date easter = EasterSunday(year);
  std::array<Holiday, 11> days = {{
      {Civil(year, 1, 1), "Nieuwjaarsdag"},
      {easter.AddDays(-2), "Goede Vrijdag"},
      {easter, "Eerste Paasdag"},
      {easter.AddDays(1), "Tweede Paasdag"},
      {CelebratedKingsDay(year), year >= 2014 ? "Koningsdag" : "Koninginnedag"},
      {Civil(year, 5, 5), "Bevrijdingsdag"},
      {easter.AddDays(39), "Hemelvaartsdag"},
      {easter.AddDays(49), "Eerste Pinksterdag"},
      {easter.AddDays(50), "Tweede Pinksterdag"},
      {Civil(year, 12, 25), "Eerste Kerstdag"},
      {Civil(year, 12, 26), "Tweede Kerstdag"},
  }};
  // Already in order unless Hemelvaartsdag falls before 5 May. Stable, so that on a shared date the
  // fixed-date holiday keeps its place first.
  std::stable_sort(days.begin(), days.end(),
                   [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return days;
}

std::optional<std::string_view> StatutoryHolidayName(Date date) {
  for (const Holiday& h : StatutoryHolidays(date.year())) {
    if (h.date == date) return h.name;
  }
  return std::nullopt;
}

}  // namespace

Date EasterSunday(int year) {
  // Anonymous Gregorian algorithm (Meeus, Astronomical Algorithms, ch. 8). All operands are
  // non-negative for year >= 1, so C++ integer division and % behave as in the published form.
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return Civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

WorkingDayCalendar::WorkingDayCalendar(std::set<Date> closing_days, std::set<Date> equated_holidays)
    : closing_days_(std::move(closing_days)), equated_holidays_(std::move(equated_holidays)) {}

bool WorkingDayCalendar::IsHoliday(Date date) const { return HolidayName(date).has_value(); }

std::optional<std::string_view> WorkingDayCalendar::HolidayName(Date date) const {
  if (std::optional<std::string_view> name = StatutoryHolidayName(date)) return name;
  if (equated_holidays_.contains(date)) return kEquatedName;
  return std::nullopt;
}

bool WorkingDayCalendar::IsClosingDay(Date date) const { return closing_days_.contains(date); }

bool WorkingDayCalendar::IsWorkingDay(Date date) const {
  return !date.IsWeekend() && !IsHoliday(date) && !IsClosingDay(date);
}

std::vector<std::pair<Date, std::string_view>> WorkingDayCalendar::Holidays(int year) const {
  std::vector<std::pair<Date, std::string_view>> out;
  if (year < 1 || year > 9999) return out;
  for (const Holiday& h : StatutoryHolidays(year)) out.emplace_back(h.date, h.name);
  const auto first = equated_holidays_.lower_bound(Civil(year, 1, 1));
  const auto last = equated_holidays_.upper_bound(Civil(year, 12, 31));
  for (auto it = first; it != last; ++it) {
    // An equated day that is already a statutory holiday adds nothing; listing it would only
    // duplicate the date under a vaguer name.
    if (!StatutoryHolidayName(*it)) out.emplace_back(*it, kEquatedName);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace hub::domain
