#include "common/domain/date.h"

#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/domain/test_dates.h"

namespace hub::domain {
namespace {

using ::hub::domain::testing::D;

TEST(DateTest, GivenIsoDate_WhenParsed_ThenFieldsMatchAndFormatRoundTrips) {
  absl::StatusOr<Date> date = Date::Parse("2026-04-02");
  ASSERT_TRUE(date.ok()) << date.status();
  EXPECT_EQ(date->year(), 2026);
  EXPECT_EQ(date->month(), 4);
  EXPECT_EQ(date->day(), 2);
  EXPECT_EQ(date->ToString(), "2026-04-02");
  for (const char* iso : {"0001-01-01", "1999-12-31", "2024-02-29", "9999-12-31"}) {
    EXPECT_EQ(D(iso).ToString(), iso);
  }
}

TEST(DateTest, GivenDayThatDoesNotExist_WhenParsed_ThenInvalidArgument) {
  for (const char* iso : {"2025-02-30", "2025-02-29", "2023-02-29", "1900-02-29", "2026-04-31",
                          "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "0000-01-01"}) {
    const absl::StatusOr<Date> date = Date::Parse(iso);
    EXPECT_EQ(date.status().code(), absl::StatusCode::kInvalidArgument) << iso;
  }
  EXPECT_TRUE(Date::Parse("2000-02-29").ok());  // divisible by 400: leap year
}

TEST(DateTest, GivenTextNotInStrictIsoForm_WhenParsed_ThenInvalidArgument) {
  for (const char* iso : {"", "2026-4-2", "2026-04-2", " 2026-04-02", "2026-04-02 ", "2026/04/02",
                          "02-04-2026", "2026-04-02T00:00:00Z", "+026-04-02", "2026-+4-02",
                          "20260402", "２026-04-02"}) {
    EXPECT_FALSE(Date::Parse(iso).ok()) << iso;
  }
}

TEST(DateTest, GivenNumericFields_WhenFromCivil_ThenSameRulesAsParse) {
  EXPECT_EQ(*Date::FromCivil(2026, 4, 2), D("2026-04-02"));
  EXPECT_FALSE(Date::FromCivil(2025, 2, 30).ok());
  EXPECT_FALSE(Date::FromCivil(0, 1, 1).ok());
  EXPECT_FALSE(Date::FromCivil(10000, 1, 1).ok());
  EXPECT_FALSE(Date::FromCivil(2026, -1, 1).ok());
}

TEST(DateTest, GivenTwoDates_WhenCompared_ThenChronologicalOrder) {
  EXPECT_LT(D("2025-12-31"), D("2026-01-01"));
  EXPECT_LT(D("2026-01-31"), D("2026-02-01"));
  EXPECT_EQ(D("2026-04-02"), D("2026-04-02"));
  EXPECT_NE(D("2026-04-02"), D("2026-04-03"));
  EXPECT_GE(D("2026-04-03"), D("2026-04-02"));
}

TEST(DateTest, GivenDate_WhenAddingDays_ThenCrossesMonthYearAndLeapDay) {
  EXPECT_EQ(D("2024-02-28").AddDays(1), D("2024-02-29"));
  EXPECT_EQ(D("2025-02-28").AddDays(1), D("2025-03-01"));
  EXPECT_EQ(D("2025-12-31").AddDays(1), D("2026-01-01"));
  EXPECT_EQ(D("2026-01-01").AddDays(-1), D("2025-12-31"));
  EXPECT_EQ(D("2026-04-02").AddDays(0), D("2026-04-02"));
}

TEST(DateTest, GivenTwoDates_WhenDaysBetween_ThenSignedCalendarDays) {
  EXPECT_EQ(DaysBetween(D("2024-01-01"), D("2025-01-01")), 366);
  EXPECT_EQ(DaysBetween(D("2025-01-01"), D("2026-01-01")), 365);
  EXPECT_EQ(DaysBetween(D("2026-04-13"), D("2026-04-02")), -11);
  EXPECT_EQ(DaysBetween(D("2026-04-02"), D("2026-04-02")), 0);
}

TEST(DateTest, GivenKnownDates_WhenAskingDayOfWeek_ThenMatchesCalendar) {
  EXPECT_EQ(D("2026-04-02").DayOfWeek(), std::chrono::Thursday);
  EXPECT_EQ(D("2025-04-27").DayOfWeek(), std::chrono::Sunday);
  EXPECT_EQ(D("1970-01-01").DayOfWeek(), std::chrono::Thursday);
  EXPECT_TRUE(D("2026-04-04").IsWeekend());   // Saturday
  EXPECT_TRUE(D("2026-04-05").IsWeekend());   // Sunday
  EXPECT_FALSE(D("2026-04-06").IsWeekend());  // Monday
}

TEST(DateTest, GivenDefaultAndChronoInterop_WhenConverted_ThenEpochAndSameDay) {
  EXPECT_EQ(Date().ToString(), "1970-01-01");
  const Date d = D("2026-04-02");
  EXPECT_EQ(Date::FromSysDays(d.sys_days()), d);
  EXPECT_EQ(d.ymd(), std::chrono::year(2026) / std::chrono::April / std::chrono::day(2));
}

TEST(DateTest, GivenDate_WhenStreamed_ThenIsoText) {
  std::ostringstream os;
  os << D("2026-12-25");
  EXPECT_EQ(os.str(), "2026-12-25");
}

}  // namespace
}  // namespace hub::domain
