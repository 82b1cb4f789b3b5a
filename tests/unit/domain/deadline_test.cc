#include "common/domain/deadline.h"

#include "gtest/gtest.h"
#include "tests/unit/domain/test_dates.h"

namespace hub::domain {
namespace {

using ::hub::domain::testing::D;

// --- AddWorkingDays / WorkingDaysBetween ---------------------------------------------------------

TEST(AddWorkingDaysTest, GivenThursdayBeforeEaster2026_WhenAddingFive_ThenSkipsEasterHolidays) {
  const WorkingDayCalendar cal;
  // Fri 3 Apr Goede Vrijdag, Sat, Sun, Mon 6 Apr Tweede Paasdag; then Tue 7 .. Fri 10, Mon 13.
  EXPECT_EQ(AddWorkingDays(cal, D("2026-04-02"), 1), D("2026-04-07"));
  EXPECT_EQ(AddWorkingDays(cal, D("2026-04-02"), 5), D("2026-04-13"));
}

TEST(AddWorkingDaysTest, GivenMondayBeforeChristmas2025_WhenAdding_ThenSkipsChristmasAndNewYear) {
  const WorkingDayCalendar cal;
  // Tue 23, Wed 24, [Thu 25, Fri 26 Kerstdagen], Mon 29, Tue 30, Wed 31, [Thu 1 Jan], Fri 2 Jan.
  EXPECT_EQ(AddWorkingDays(cal, D("2025-12-22"), 2), D("2025-12-24"));
  EXPECT_EQ(AddWorkingDays(cal, D("2025-12-22"), 3), D("2025-12-29"));
  EXPECT_EQ(AddWorkingDays(cal, D("2025-12-22"), 5), D("2025-12-31"));
  EXPECT_EQ(AddWorkingDays(cal, D("2025-12-22"), 6), D("2026-01-02"));
}

TEST(AddWorkingDaysTest, GivenFriday_WhenAddingOne_ThenFollowingMonday) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(AddWorkingDays(cal, D("2026-03-06"), 1), D("2026-03-09"));
}

TEST(AddWorkingDaysTest, GivenZero_WhenFromIsWorkingDay_ThenFromItselfElseNextWorkingDay) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(AddWorkingDays(cal, D("2026-04-02"), 0), D("2026-04-02"));  // Thursday
  EXPECT_EQ(AddWorkingDays(cal, D("2026-03-07"), 0), D("2026-03-09"));  // Saturday -> Monday
  EXPECT_EQ(AddWorkingDays(cal, D("2026-04-03"), 0), D("2026-04-07"));  // Goede Vrijdag -> Tuesday
}

TEST(AddWorkingDaysTest, GivenNegativeCount_WhenAdding_ThenCountsBackOverHolidays) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(AddWorkingDays(cal, D("2026-04-07"), -1), D("2026-04-02"));
  EXPECT_EQ(AddWorkingDays(cal, D("2026-01-02"), -2), D("2025-12-30"));
  EXPECT_EQ(AddWorkingDays(cal, D("2026-03-09"), -1), D("2026-03-06"));
}

TEST(AddWorkingDaysTest, GivenTenantClosingDays_WhenAdding_ThenClosingDaysAreSkipped) {
  const WorkingDayCalendar cal(
      {D("2026-12-28"), D("2026-12-29"), D("2026-12-30"), D("2026-12-31")});
  // Thu 24, [Fri 25 Kerst, weekend, Mon 28 - Thu 31 closed, Fri 1 Jan Nieuwjaarsdag], Mon 4 Jan.
  EXPECT_EQ(AddWorkingDays(cal, D("2026-12-23"), 2), D("2027-01-04"));
}

TEST(WorkingDaysBetweenTest, GivenEasterWeek2026_WhenCounting_ThenHolidaysAndWeekendNotCounted) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(WorkingDaysBetween(cal, D("2026-04-02"), D("2026-04-13")), 5);
  EXPECT_EQ(WorkingDaysBetween(cal, D("2026-04-13"), D("2026-04-02")), -5);
  EXPECT_EQ(WorkingDaysBetween(cal, D("2026-04-02"), D("2026-04-06")), 0);
  EXPECT_EQ(WorkingDaysBetween(cal, D("2026-04-02"), D("2026-04-02")), 0);
}

TEST(WorkingDaysBetweenTest, GivenWholeYear2026_WhenCounting_ThenWeekdaysMinusWeekdayHolidays) {
  const WorkingDayCalendar cal;
  // 2026 has 261 weekdays; the holidays on weekdays are 1 Jan, Goede Vrijdag, Tweede Paasdag,
  // Koningsdag (Mon), 5 May (Tue), Hemelvaartsdag, Tweede Pinksterdag, 25 Dec (Fri) = 8.
  EXPECT_EQ(WorkingDaysBetween(cal, D("2025-12-31"), D("2026-12-31")), 261 - 8);
}

TEST(WorkingDaysBetweenTest, GivenAnyPositiveCount_WhenRoundTripping_ThenCountIsRecovered) {
  const WorkingDayCalendar cal;
  for (const Date from : {D("2026-04-02"), D("2026-04-04"), D("2025-12-24")}) {
    for (int n = 1; n <= 300; ++n) {
      ASSERT_EQ(WorkingDaysBetween(cal, from, AddWorkingDays(cal, from, n)), n) << from << " " << n;
    }
  }
}

// --- AddWeeks / LegalDeadlineWeeks ---------------------------------------------------------------

TEST(AddWeeksTest, GivenDate_WhenAddingWeeks_ThenCalendarWeeksIgnoringHolidays) {
  EXPECT_EQ(AddWeeks(D("2026-04-13"), 6), D("2026-05-25"));
  EXPECT_EQ(AddWeeks(D("2025-12-25"), 1), D("2026-01-01"));
  EXPECT_EQ(AddWeeks(D("2026-01-15"), -2), D("2026-01-01"));
}

TEST(LegalDeadlineTest, GivenSixWeekTermEndingOnWeekday_WhenComputed_ThenNotExtended) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2026-01-15"), 6), D("2026-02-26"));  // Thursday
}

TEST(LegalDeadlineTest, GivenSixWeekTermEndingOnWhitMonday_WhenComputed_ThenExtendedToTuesday) {
  const WorkingDayCalendar cal;
  // 13 Apr + 6 weeks = Mon 25 May 2026, Tweede Pinksterdag.
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2026-04-13"), 6), D("2026-05-26"));
}

TEST(LegalDeadlineTest, GivenSixWeekTermEndingOnFifthOfMay_WhenComputed_ThenExtendedInAnyYear) {
  const WorkingDayCalendar cal;
  // 24 Mar + 6 weeks = Tue 5 May 2026 (not a lustrum year; the Atw counts it every year).
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2026-03-24"), 6), D("2026-05-06"));
}

TEST(LegalDeadlineTest, GivenTwoWeekTermEndingOnGoodFriday_WhenComputed_ThenExtendedPastEaster) {
  const WorkingDayCalendar cal;
  // 20 Mar + 2 weeks = Fri 3 Apr 2026 Goede Vrijdag; Sat, Sun, Mon 6 Apr Tweede Paasdag -> Tue 7.
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2026-03-20"), 2), D("2026-04-07"));
}

TEST(LegalDeadlineTest, GivenTwoWeekTermEndingOnSaturday_WhenComputed_ThenExtendedToMonday) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2026-03-14"), 2), D("2026-03-30"));
}

TEST(LegalDeadlineTest, GivenEightWeekTermEndingOnKingsDay_WhenComputed_ThenExtendedToTuesday) {
  const WorkingDayCalendar cal;
  // 2 Mar + 8 weeks = Mon 27 Apr 2026, Koningsdag.
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2026-03-02"), 8), D("2026-04-28"));
}

TEST(LegalDeadlineTest, GivenEightWeekTermEndingOnChristmas_WhenComputed_ThenExtendedOverWeekend) {
  const WorkingDayCalendar cal;
  // 30 Oct + 8 weeks = Fri 25 Dec 2026; Sat 26 (Tweede Kerstdag), Sun 27 -> Mon 28.
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2026-10-30"), 8), D("2026-12-28"));
}

TEST(LegalDeadlineTest, GivenEightWeekTermEndingOnKingsDayOnSaturday_WhenComputed_ThenMonday) {
  const WorkingDayCalendar cal;
  // 1 Mar + 8 weeks = Sat 26 Apr 2025 (Koningsdag, moved from Sunday 27) -> Mon 28 Apr.
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2025-03-01"), 8), D("2025-04-28"));
}

TEST(LegalDeadlineTest, GivenDayEquatedByDecree_WhenTermEndsOnAscension_ThenExtendedPastIt) {
  const WorkingDayCalendar statutory;
  const WorkingDayCalendar with_decree({}, {D("2026-05-15")});
  // 30 Apr + 2 weeks = Thu 14 May 2026, Hemelvaartsdag.
  EXPECT_EQ(LegalDeadlineWeeks(statutory, D("2026-04-30"), 2), D("2026-05-15"));
  EXPECT_EQ(LegalDeadlineWeeks(with_decree, D("2026-04-30"), 2), D("2026-05-18"));
}

TEST(LegalDeadlineTest, GivenTenantClosingDay_WhenTermEndsOnIt_ThenNotExtended) {
  const WorkingDayCalendar cal({D("2026-12-28")});
  // 2 Nov + 8 weeks = Mon 28 Dec 2026: the office is closed, but the Atw does not care.
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2026-11-02"), 8), D("2026-12-28"));
}

TEST(LegalDeadlineTest, GivenWeekWithOnlyOneUsableDay_WhenComputed_ThenArticle2AddsASecond) {
  // Hypothetical decree equating Tue, Wed and Fri around Hemelvaartsdag (Thu 14 May 2026). A
  // one-week term from Mon 11 May ends on Mon 18 May, a working day, but (11 May, 18 May] then
  // holds only one day that is not a weekend or holiday, so Atw art. 2 extends it to Tue 19 May.
  const WorkingDayCalendar cal({}, {D("2026-05-12"), D("2026-05-13"), D("2026-05-15")});
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2026-05-11"), 1), D("2026-05-19"));
  EXPECT_EQ(LegalDeadlineWeeks(WorkingDayCalendar(), D("2026-05-11"), 1), D("2026-05-18"));
}

TEST(LegalDeadlineTest, GivenBackwardTerm_WhenComputed_ThenNotExtendedPerArticle1Lid2) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2026-06-08"), -2), D("2026-05-25"));  // Tweede Pinksterdag
  EXPECT_EQ(LegalDeadlineWeeks(cal, D("2026-04-04"), 0), D("2026-04-04"));
}

// --- Classify ------------------------------------------------------------------------------------

TEST(ClassifyTest, GivenMarginOfTwo_WhenTodayApproachesWednesdayDue_ThenStatesFlipAtBoundaries) {
  const WorkingDayCalendar cal;
  const Date due = D("2026-03-11");  // Wednesday
  EXPECT_EQ(Classify(cal, due, D("2026-03-05"), 2), DeadlineState::kOnTime);   // Thu: 4 left
  EXPECT_EQ(Classify(cal, due, D("2026-03-06"), 2), DeadlineState::kOnTime);   // Fri: 3 left
  EXPECT_EQ(Classify(cal, due, D("2026-03-08"), 2), DeadlineState::kOnTime);   // Sun: 3 left
  EXPECT_EQ(Classify(cal, due, D("2026-03-09"), 2), DeadlineState::kDueSoon);  // Mon: 2 left
  EXPECT_EQ(Classify(cal, due, D("2026-03-10"), 2), DeadlineState::kDueSoon);  // Tue: 1 left
  EXPECT_EQ(Classify(cal, due, D("2026-03-11"), 2), DeadlineState::kDueSoon);  // due today
  EXPECT_EQ(Classify(cal, due, D("2026-03-12"), 2), DeadlineState::kOverdue);  // day after
}

TEST(ClassifyTest, GivenMarginOfZero_WhenDueToday_ThenDueSoonAndDayBeforeOnTime) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(Classify(cal, D("2026-03-11"), D("2026-03-11"), 0), DeadlineState::kDueSoon);
  EXPECT_EQ(Classify(cal, D("2026-03-11"), D("2026-03-10"), 0), DeadlineState::kOnTime);
}

TEST(ClassifyTest, GivenHolidaysBeforeDueDate_WhenClassifying_ThenOnlyWorkingDaysCount) {
  const WorkingDayCalendar cal;
  const Date due = D("2026-04-07");  // Tuesday after Easter
  EXPECT_EQ(Classify(cal, due, D("2026-03-31"), 2), DeadlineState::kOnTime);   // Wed, Thu, Tue
  EXPECT_EQ(Classify(cal, due, D("2026-04-01"), 2), DeadlineState::kDueSoon);  // Thu, Tue
  EXPECT_EQ(Classify(cal, due, D("2026-04-02"), 2), DeadlineState::kDueSoon);  // Tue only
}

TEST(ClassifyTest, GivenDueDateOnSaturday_WhenTodayIsFriday_ThenDueSoonEvenWithMarginZero) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(Classify(cal, D("2026-03-14"), D("2026-03-13"), 0), DeadlineState::kDueSoon);
  EXPECT_EQ(Classify(cal, D("2026-03-14"), D("2026-03-16"), 0), DeadlineState::kOverdue);
}

TEST(ClassifyTest, GivenNegativeMargin_WhenClassifying_ThenNeverDueSoon) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(Classify(cal, D("2026-03-11"), D("2026-03-11"), -1), DeadlineState::kOnTime);
  EXPECT_EQ(Classify(cal, D("2026-03-11"), D("2026-03-12"), -1), DeadlineState::kOverdue);
}

TEST(ClassifyTest, GivenFarAwayDueDate_WhenClassifying_ThenOnTime) {
  const WorkingDayCalendar cal;
  EXPECT_EQ(Classify(cal, D("9999-12-31"), D("2026-03-11"), 5), DeadlineState::kOnTime);
}

}  // namespace
}  // namespace hub::domain
