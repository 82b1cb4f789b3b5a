#include "common/domain/calendar.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/domain/test_dates.h"

namespace hub::domain {
namespace {

using ::hub::domain::testing::D;
using ::testing::Contains;
using ::testing::Optional;
using ::testing::Pair;

using HolidayList = std::vector<std::pair<std::string, std::string>>;

HolidayList AsStrings(
    const std::vector<std::pair<Date, std::string_view>>& holidays) {
  HolidayList out;
  for (const auto& [date, name] : holidays) out.emplace_back(date.ToString(), std::string(name));
  return out;
}

// Derived by hand from the Easter dates below (Goede Vrijdag -2, Tweede Paasdag +1, Hemelvaartsdag
// +39, Pinksteren +49/+50) and cross-checked against a separate script. Koningsdag is 26 April only
// in 2025 in this range: 27 April is a Saturday in 2024 and 2030, a weekday otherwise, and a Sunday
// only in 2025 (next: 2031).
const std::map<int, HolidayList>& ExpectedHolidays() {
  static const auto* table = new std::map<int, HolidayList>{
      {2024,
       {{"2024-01-01", "Nieuwjaarsdag"}, {"2024-03-29", "Goede Vrijdag"},
        {"2024-03-31", "Eerste Paasdag"}, {"2024-04-01", "Tweede Paasdag"},
        {"2024-04-27", "Koningsdag"}, {"2024-05-05", "Bevrijdingsdag"},
        {"2024-05-09", "Hemelvaartsdag"}, {"2024-05-19", "Eerste Pinksterdag"},
        {"2024-05-20", "Tweede Pinksterdag"}, {"2024-12-25", "Eerste Kerstdag"},
        {"2024-12-26", "Tweede Kerstdag"}}},
      {2025,
       {{"2025-01-01", "Nieuwjaarsdag"}, {"2025-04-18", "Goede Vrijdag"},
        {"2025-04-20", "Eerste Paasdag"}, {"2025-04-21", "Tweede Paasdag"},
        {"2025-04-26", "Koningsdag"}, {"2025-05-05", "Bevrijdingsdag"},
        {"2025-05-29", "Hemelvaartsdag"}, {"2025-06-08", "Eerste Pinksterdag"},
        {"2025-06-09", "Tweede Pinksterdag"}, {"2025-12-25", "Eerste Kerstdag"},
        {"2025-12-26", "Tweede Kerstdag"}}},
      {2026,
       {{"2026-01-01", "Nieuwjaarsdag"}, {"2026-04-03", "Goede Vrijdag"},
        {"2026-04-05", "Eerste Paasdag"}, {"2026-04-06", "Tweede Paasdag"},
        {"2026-04-27", "Koningsdag"}, {"2026-05-05", "Bevrijdingsdag"},
        {"2026-05-14", "Hemelvaartsdag"}, {"2026-05-24", "Eerste Pinksterdag"},
        {"2026-05-25", "Tweede Pinksterdag"}, {"2026-12-25", "Eerste Kerstdag"},
        {"2026-12-26", "Tweede Kerstdag"}}},
      {2027,
       {{"2027-01-01", "Nieuwjaarsdag"}, {"2027-03-26", "Goede Vrijdag"},
        {"2027-03-28", "Eerste Paasdag"}, {"2027-03-29", "Tweede Paasdag"},
        {"2027-04-27", "Koningsdag"}, {"2027-05-05", "Bevrijdingsdag"},
        {"2027-05-06", "Hemelvaartsdag"}, {"2027-05-16", "Eerste Pinksterdag"},
        {"2027-05-17", "Tweede Pinksterdag"}, {"2027-12-25", "Eerste Kerstdag"},
        {"2027-12-26", "Tweede Kerstdag"}}},
      {2028,
       {{"2028-01-01", "Nieuwjaarsdag"}, {"2028-04-14", "Goede Vrijdag"},
        {"2028-04-16", "Eerste Paasdag"}, {"2028-04-17", "Tweede Paasdag"},
        {"2028-04-27", "Koningsdag"}, {"2028-05-05", "Bevrijdingsdag"},
        {"2028-05-25", "Hemelvaartsdag"}, {"2028-06-04", "Eerste Pinksterdag"},
        {"2028-06-05", "Tweede Pinksterdag"}, {"2028-12-25", "Eerste Kerstdag"},
        {"2028-12-26", "Tweede Kerstdag"}}},
      {2029,
       {{"2029-01-01", "Nieuwjaarsdag"}, {"2029-03-30", "Goede Vrijdag"},
        {"2029-04-01", "Eerste Paasdag"}, {"2029-04-02", "Tweede Paasdag"},
        {"2029-04-27", "Koningsdag"}, {"2029-05-05", "Bevrijdingsdag"},
        {"2029-05-10", "Hemelvaartsdag"}, {"2029-05-20", "Eerste Pinksterdag"},
        {"2029-05-21", "Tweede Pinksterdag"}, {"2029-12-25", "Eerste Kerstdag"},
        {"2029-12-26", "Tweede Kerstdag"}}},
      {2030,
       {{"2030-01-01", "Nieuwjaarsdag"}, {"2030-04-19", "Goede Vrijdag"},
        {"2030-04-21", "Eerste Paasdag"}, {"2030-04-22", "Tweede Paasdag"},
        {"2030-04-27", "Koningsdag"}, {"2030-05-05", "Bevrijdingsdag"},
        {"2030-05-30", "Hemelvaartsdag"}, {"2030-06-09", "Eerste Pinksterdag"},
        {"2030-06-10", "Tweede Pinksterdag"}, {"2030-12-25", "Eerste Kerstdag"},
        {"2030-12-26", "Tweede Kerstdag"}}},
  };
  return *table;
}

TEST(EasterTest, GivenYears2024To2030_WhenComputingEaster_ThenMatchesPublishedDates) {
  EXPECT_EQ(EasterSunday(2024), D("2024-03-31"));
  EXPECT_EQ(EasterSunday(2025), D("2025-04-20"));
  EXPECT_EQ(EasterSunday(2026), D("2026-04-05"));
  EXPECT_EQ(EasterSunday(2027), D("2027-03-28"));
  EXPECT_EQ(EasterSunday(2028), D("2028-04-16"));
  EXPECT_EQ(EasterSunday(2029), D("2029-04-01"));
  EXPECT_EQ(EasterSunday(2030), D("2030-04-21"));
}

TEST(EasterTest, GivenExtremeYears_WhenComputingEaster_ThenEarliestAndLatestPossibleDates) {
  EXPECT_EQ(EasterSunday(1818), D("1818-03-22"));  // earliest possible date
  EXPECT_EQ(EasterSunday(2285), D("2285-03-22"));
  EXPECT_EQ(EasterSunday(2038), D("2038-04-25"));  // latest possible date
  EXPECT_EQ(EasterSunday(2000), D("2000-04-23"));
  for (int year = 1583; year <= 4099; ++year) {
    EXPECT_EQ(EasterSunday(year).DayOfWeek(), std::chrono::Sunday) << year;
  }
}

TEST(CalendarTest, GivenYears2024To2030_WhenListingHolidays_ThenMatchesHandDerivedTable) {
  const WorkingDayCalendar cal;
  for (const auto& [year, expected] : ExpectedHolidays()) {
    EXPECT_EQ(AsStrings(cal.Holidays(year)), expected) << year;
    for (const auto& [iso, name] : expected) {
      EXPECT_TRUE(cal.IsHoliday(D(iso))) << iso;
      EXPECT_THAT(cal.HolidayName(D(iso)), Optional(std::string_view(name))) << iso;
      EXPECT_FALSE(cal.IsWorkingDay(D(iso))) << iso;
    }
  }
}

TEST(CalendarTest, GivenYears2024To2030_WhenCountingHolidays_ThenNoOtherDayIsAHoliday) {
  const WorkingDayCalendar cal;
  for (Date d = D("2024-01-01"); d <= D("2030-12-31"); d = d.AddDays(1)) {
    const HolidayList& expected = ExpectedHolidays().at(d.year());
    bool listed = false;
    for (const auto& entry : expected) listed = listed || entry.first == d.ToString();
    EXPECT_EQ(cal.IsHoliday(d), listed) << d;
    EXPECT_EQ(cal.IsWorkingDay(d), !listed && !d.IsWeekend()) << d;
  }
}

TEST(CalendarTest, GivenTwentySeventhAprilOnSunday_WhenAskingKingsDay_ThenCelebratedOnSaturday) {
  const WorkingDayCalendar cal;
  EXPECT_THAT(cal.HolidayName(D("2025-04-26")), Optional(std::string_view("Koningsdag")));
  EXPECT_FALSE(cal.IsHoliday(D("2025-04-27")));
  EXPECT_THAT(cal.HolidayName(D("2031-04-26")), Optional(std::string_view("Koningsdag")));
  EXPECT_THAT(cal.HolidayName(D("2014-04-26")), Optional(std::string_view("Koningsdag")));
  EXPECT_FALSE(cal.IsHoliday(D("2014-04-27")));
}

TEST(CalendarTest, GivenYearBefore2014_WhenAskingKingsDay_ThenKoninginnedag) {
  const WorkingDayCalendar cal;
  EXPECT_THAT(cal.HolidayName(D("2013-04-30")), Optional(std::string_view("Koninginnedag")));
  EXPECT_FALSE(cal.IsHoliday(D("2013-04-27")));
  // 30 April 2006 was a Sunday.
  EXPECT_THAT(cal.HolidayName(D("2006-04-29")), Optional(std::string_view("Koninginnedag")));
}

TEST(CalendarTest, GivenGoodFriday_WhenChecked_ThenHolidayPerAtwArticle3Lid2) {
  const WorkingDayCalendar cal;
  EXPECT_TRUE(cal.IsHoliday(D("2026-04-03")));
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-04-03")));
}

TEST(CalendarTest, GivenFifthOfMayInNonLustrumYear_WhenChecked_ThenStillAHoliday) {
  const WorkingDayCalendar cal;
  EXPECT_TRUE(cal.IsHoliday(D("2026-05-05")));   // Tuesday, not a lustrum year
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-05-05")));
}

TEST(CalendarTest, GivenAscensionOnFifthOfMay_WhenListing_ThenBothHolidaysShareTheDate) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(EasterSunday(2016), D("2016-03-27"));  // + 39 = 5 May
  EXPECT_THAT(cal.HolidayName(D("2016-05-05")), Optional(std::string_view("Bevrijdingsdag")));
  const auto holidays = AsStrings(cal.Holidays(2016));
  EXPECT_THAT(holidays, Contains(Pair("2016-05-05", "Bevrijdingsdag")));
  EXPECT_THAT(holidays, Contains(Pair("2016-05-05", "Hemelvaartsdag")));
  EXPECT_EQ(holidays.size(), 11u);
}

TEST(CalendarTest, GivenOrdinaryDays_WhenChecked_ThenWeekdaysWorkAndWeekendsDoNot) {
  const WorkingDayCalendar cal;
  EXPECT_TRUE(cal.IsWorkingDay(D("2026-04-02")));   // Thursday
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-04-04")));  // Saturday
  EXPECT_FALSE(cal.IsHoliday(D("2026-04-04")));
  EXPECT_EQ(cal.HolidayName(D("2026-04-02")), std::nullopt);
}

TEST(CalendarTest, GivenTenantClosingDays_WhenChecked_ThenNotWorkingButNotHolidays) {
  const WorkingDayCalendar cal({D("2026-12-28"), D("2026-12-29")});
  EXPECT_TRUE(cal.IsClosingDay(D("2026-12-28")));
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-12-28")));
  EXPECT_FALSE(cal.IsHoliday(D("2026-12-28")));
  EXPECT_EQ(cal.HolidayName(D("2026-12-28")), std::nullopt);
  EXPECT_TRUE(cal.IsWorkingDay(D("2026-12-30")));
  EXPECT_EQ(cal.Holidays(2026).size(), 11u);
}

TEST(CalendarTest, GivenDaysEquatedByDecree_WhenChecked_ThenHolidaysListedInOrder) {
  // The Friday after Hemelvaartsdag 2026, plus a day that is already Tweede Kerstdag.
  const WorkingDayCalendar cal({}, {D("2026-05-15"), D("2026-12-26"), D("2027-05-07")});
  EXPECT_TRUE(cal.IsHoliday(D("2026-05-15")));
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-05-15")));
  EXPECT_THAT(cal.HolidayName(D("2026-05-15")), Optional(std::string_view("Gelijkgestelde dag")));
  EXPECT_THAT(cal.HolidayName(D("2026-12-26")), Optional(std::string_view("Tweede Kerstdag")));

  const auto holidays = AsStrings(cal.Holidays(2026));
  ASSERT_EQ(holidays.size(), 12u);
  EXPECT_THAT(holidays[6], Pair("2026-05-14", "Hemelvaartsdag"));
  EXPECT_THAT(holidays[7], Pair("2026-05-15", "Gelijkgestelde dag"));
  EXPECT_EQ(cal.Holidays(2027).size(), 12u);
}

TEST(CalendarTest, GivenYearOutsideDateRange_WhenListing_ThenEmpty) {
  const WorkingDayCalendar cal;
  EXPECT_TRUE(cal.Holidays(0).empty());
  EXPECT_TRUE(cal.Holidays(10000).empty());
  EXPECT_EQ(cal.Holidays(9999).size(), 11u);
}

}  // namespace
}  // namespace hub::domain
