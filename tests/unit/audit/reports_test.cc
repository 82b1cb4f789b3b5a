// Given/when/then tests of the policy reports (services/audit/reports.h): households as the
// services' events leave them, the report as of a date, and suppression of small counts.
#include "services/audit/reports.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "tests/unit/audit/report_testing.h"

namespace hub::audit {
namespace {

using testing::At;
using testing::Household;

domain::Date D(const std::string& s) { return *domain::Date::Parse(s); }

// Households built with `Household`, made into a report input as of `as_of` (period: the year).
class Reports : public ::testing::Test {
 protected:
  Household& NewHousehold() {
    households_.emplace_back("hh-" + std::to_string(households_.size()));
    return households_.back();
  }

  // `times` households, each given the events `build` adds.
  void Add(int times, const std::function<void(Household&)>& build) {
    for (int i = 0; i < times; ++i) build(NewHousehold());
  }

  ReportInput Input(const std::string& as_of, int threshold, std::optional<int64_t> known_at = std::nullopt) {
    facts_.clear();
    for (const auto& h : households_) facts_.push_back(h.Facts());
    ReportInput input;
    input.tenant = "GM0632";
    input.policy = ReportConfig::Default().For("GM0632");
    input.policy.suppression_threshold = threshold;
    input.as_of = D(as_of);
    input.period_start = D(as_of.substr(0, 4) + "-01-01");
    input.period_end = D(as_of);
    input.known_at_nanos = known_at;
    input.calendar = &calendar_;
    for (const auto& f : facts_) {
      auto items = ItemsKnownAt(f, known_at);
      if (!items.empty()) input.households.push_back(std::move(items));
    }
    return input;
  }

  static void Toewijzing(Household& h, const std::string& id, hub::v1::Law law, const std::string& category,
                         const std::string& start = "2026-01-05", const std::string& end = "2026-12-31") {
    auto* t = h.Next("2026-01-05").mutable_beschikking()->mutable_toewijzing_issued();
    t->set_toewijzing_id(id);
    t->set_law(law);
    t->set_category(category);
    t->set_ingangsdatum(start);
    t->set_einddatum(end);
    t->set_delivery_running(true);
  }

  static void AcceptedReferral(Household& h, const std::string& id, hub::v1::ReceiverKind kind,
                               const std::string& requested_on = "2026-01-05",
                               const std::string& answered_on = "2026-01-07") {
    auto* r = h.Next(requested_on).mutable_referral()->mutable_referral_requested();
    r->set_referral_id(id);
    r->set_receiver_kind(kind);
    r->set_plan_id("p-" + id);
    r->set_requested_on(requested_on);
    r->set_answer_due("2026-01-12");
    auto* a = h.Next(answered_on).mutable_referral()->mutable_referral_accepted();
    a->set_referral_id(id);
    a->set_accepted_on(answered_on);
  }

  std::deque<Household> households_;
  std::vector<HouseholdReportFacts> facts_;
  domain::WorkingDayCalendar calendar_;
};

// ---- suppression --------------------------------------------------------------------------------

TEST(SuppressCells, CountsFromOneToBelowTheThresholdAreSuppressedZeroIsNot) {
  std::vector<Count> counts{{0}, {1}, {4}, {5}, {120}};
  SuppressCells(counts, {}, 5);
  EXPECT_FALSE(counts[0].suppressed);
  EXPECT_TRUE(counts[1].suppressed);
  EXPECT_TRUE(counts[2].suppressed);
  EXPECT_FALSE(counts[3].suppressed);
  EXPECT_FALSE(counts[4].suppressed);
}

TEST(SuppressCells, ALoneSuppressedPartOfASumTakesTheSmallestOtherPartWithIt) {
  // parts 3, 10, 12 and their total 25: 3 could be read as 25 - 10 - 12.
  std::vector<Count> counts{{3}, {10}, {12}, {25}};
  SuppressCells(counts, {{0, 1, 2, 3}}, 5);
  EXPECT_TRUE(counts[0].suppressed);
  EXPECT_TRUE(counts[1].suppressed);
  EXPECT_FALSE(counts[2].suppressed);
  EXPECT_FALSE(counts[3].suppressed);
}

TEST(SuppressCells, SecondarySuppressionFollowsSumsThatShareCounts) {
  // Two sums share count 1: suppressing it for the first leaves it alone in the second.
  std::vector<Count> counts{{2}, {8}, {10}, {30}, {40}};
  SuppressCells(counts, {{0, 1, 2}, {1, 3, 4}}, 5);
  EXPECT_TRUE(counts[0].suppressed);
  EXPECT_TRUE(counts[1].suppressed);
  EXPECT_TRUE(counts[3].suppressed);
  EXPECT_FALSE(counts[2].suppressed);
  EXPECT_FALSE(counts[4].suppressed);
}

TEST(SuppressCells, PrefersANonZeroPartToAZero) {
  std::vector<Count> counts{{2}, {0}, {9}, {11}};
  SuppressCells(counts, {{0, 1, 2, 3}}, 5);
  EXPECT_FALSE(counts[1].suppressed);
  EXPECT_TRUE(counts[2].suppressed);
}

// ---- stapeling van zorg ---------------------------------------------------------------------------

TEST_F(Reports, StapelingCountsHouseholdsPerSchemeAndCombinationInTheBackOfficeLayout) {
  // Given: voorzieningen only (3), begeleiding + voorzieningen (2), schuldhulp + werk en inkomen (2),
  // Jeugd (2), and one household whose begeleiding ended before the date.
  Add(3, [](Household& h) { Toewijzing(h, "t-v", hub::v1::LAW_WMO, "12"); });
  Add(2, [](Household& h) {
    Toewijzing(h, "t-b", hub::v1::LAW_WMO, "02");
    Toewijzing(h, "t-v", hub::v1::LAW_WMO, "13");
  });
  Add(2, [](Household& h) {
    AcceptedReferral(h, "r-s", hub::v1::RECEIVER_KIND_DEBT_SERVICES);
    Toewijzing(h, "t-w", hub::v1::LAW_PARTICIPATIEWET, "PW");
  });
  Add(2, [](Household& h) { Toewijzing(h, "t-j", hub::v1::LAW_JEUGDWET, "45"); });
  Add(1, [](Household& h) { Toewijzing(h, "t-b", hub::v1::LAW_WMO, "07", "2026-01-05", "2026-02-28"); });

  // When: the report as of 1 April, nothing suppressed.
  const auto report = MakeStapeling(Input("2026-04-01", 1));

  // Then: table 1, the schemes in the configured order.
  ASSERT_EQ(report.schemes_size(), 5);
  const auto row = [&](int i) { return report.schemes(i); };
  EXPECT_EQ(row(0).scheme_id(), "JEUGD");
  EXPECT_EQ(row(0).households().count(), 2);
  EXPECT_EQ(row(0).households_only().count(), 2);
  EXPECT_DOUBLE_EQ(row(0).share_only_percent(), 100.0);
  EXPECT_EQ(row(1).scheme_id(), "SCHULDHULP");
  EXPECT_EQ(row(1).households().count(), 2);
  EXPECT_EQ(row(1).households_only().count(), 0);
  EXPECT_EQ(row(2).households().count(), 2);   // werk en inkomen
  EXPECT_EQ(row(3).households().count(), 2);   // begeleiding: the ended one is out
  EXPECT_EQ(row(4).households().count(), 5);   // voorzieningen
  EXPECT_EQ(row(4).households_only().count(), 3);
  EXPECT_DOUBLE_EQ(row(4).share_only_percent(), 60.0);
  EXPECT_EQ(report.total_scheme_households().count(), 13);
  EXPECT_EQ(report.total_households_only().count(), 5);
  EXPECT_EQ(report.households_with_any_scheme().count(), 9);
  EXPECT_EQ(report.header().households().count(), 10);

  // Table 2: the combinations that occur, ordered as the back-office table orders them.
  ASSERT_EQ(report.combinations_size(), 4);
  EXPECT_EQ(report.combinations(0).label(), "Jeugd");
  EXPECT_EQ(report.combinations(1).label(), "Schuldhelpverlening - Werk en inkomen");
  EXPECT_EQ(report.combinations(2).label(), "WMO Begeleiding - WMO Voorzieningen");
  EXPECT_EQ(report.combinations(2).households().count(), 2);
  EXPECT_EQ(report.combinations(3).label(), "WMO Voorzieningen");
  EXPECT_EQ(report.combinations(3).households().count(), 3);
}

TEST_F(Reports, StapelingSuppressesSmallCellsAndEveryCellThatWouldGiveThemAway) {
  // Given: Jeugd only for 2 households, everything else at least 5.
  Add(6, [](Household& h) { Toewijzing(h, "t-v", hub::v1::LAW_WMO, "12"); });
  Add(7, [](Household& h) {
    Toewijzing(h, "t-b", hub::v1::LAW_WMO, "02");
    Toewijzing(h, "t-v", hub::v1::LAW_WMO, "13");
  });
  Add(5, [](Household& h) {
    AcceptedReferral(h, "r-s", hub::v1::RECEIVER_KIND_DEBT_SERVICES);
    Toewijzing(h, "t-w", hub::v1::LAW_PARTICIPATIEWET, "PW");
  });
  Add(2, [](Household& h) { Toewijzing(h, "t-j", hub::v1::LAW_JEUGDWET, "45"); });

  // When: the report with the default threshold 5.
  const auto report = MakeStapeling(Input("2026-04-01", 5));

  // Then: Jeugd (2) is suppressed and reads 0, with no share.
  EXPECT_TRUE(report.schemes(0).households().suppressed());
  EXPECT_EQ(report.schemes(0).households().count(), 0);
  EXPECT_TRUE(report.schemes(0).households_only().suppressed());
  EXPECT_FALSE(report.schemes(0).has_share_only());
  EXPECT_TRUE(report.combinations(0).households().suppressed());
  // Households with any scheme (20) is published, so the smallest other combination (5) goes too,
  // and with it the scheme counts it alone would give away.
  EXPECT_EQ(report.households_with_any_scheme().count(), 20);
  EXPECT_TRUE(report.combinations(1).households().suppressed());
  EXPECT_TRUE(report.schemes(1).households().suppressed());
  EXPECT_TRUE(report.schemes(2).households().suppressed());
  // No published sum can be solved for a suppressed cell: the Jeugd cell stays hidden in the
  // column of "only" counts too.
  int hidden_only = 0;
  for (const auto& s : report.schemes()) hidden_only += s.households_only().suppressed() ? 1 : 0;
  EXPECT_TRUE(report.total_households_only().suppressed() || hidden_only != 1);
  EXPECT_NE(hidden_only, 1);
  EXPECT_EQ(report.schemes(4).households().count(), 13);
}

TEST_F(Reports, StapelingAsOfADateAsTheHubKnewItThen) {
  // Given: begeleiding from January, ended retroactively per 28 February by a correction recorded
  // on 15 April.
  Add(1, [](Household& h) {
    Toewijzing(h, "t-b", hub::v1::LAW_WMO, "02");
    auto* c = h.Next("2026-02-28", "2026-04-15").mutable_beschikking()->mutable_toewijzing_corrected();
    c->set_toewijzing_id("t-b");
    c->set_ingangsdatum("2026-01-05");
    c->set_einddatum("2026-02-28");
    c->set_reden_wijziging(hub::v1::REDEN_WIJZIGING_ADMINISTRATIEVE_CORRECTIE);
  });
  // Then: as of 1 April, the report made on 10 April counts it; made now, it does not.
  EXPECT_EQ(MakeStapeling(Input("2026-04-01", 1, At("2026-04-10"))).schemes(3).households().count(), 1);
  EXPECT_EQ(MakeStapeling(Input("2026-04-01", 1)).schemes(3).households().count(), 0);
  // As of 1 February it was in force either way.
  EXPECT_EQ(MakeStapeling(Input("2026-02-01", 1)).schemes(3).households().count(), 1);
}

TEST_F(Reports, AReferralIsASchemeFromAcceptanceUntilItsPlanCloses) {
  Add(1, [](Household& h) {
    AcceptedReferral(h, "r-1", hub::v1::RECEIVER_KIND_WORK_AND_INCOME, "2026-01-05", "2026-01-07");
    auto* d = h.Next("2026-01-02").mutable_plan()->mutable_plan_drafted();
    d->set_plan_id("p-r-1");
    auto* c = h.Next("2026-03-01").mutable_plan()->mutable_plan_closed();
    c->set_plan_id("p-r-1");
    c->set_closed_on("2026-03-01");
  });
  EXPECT_EQ(MakeStapeling(Input("2026-01-06", 1)).schemes(2).households().count(), 0);
  EXPECT_EQ(MakeStapeling(Input("2026-01-07", 1)).schemes(2).households().count(), 1);
  EXPECT_EQ(MakeStapeling(Input("2026-02-28", 1)).schemes(2).households().count(), 1);
  EXPECT_EQ(MakeStapeling(Input("2026-03-01", 1)).schemes(2).households().count(), 0);
}

// ---- deadlines ------------------------------------------------------------------------------------

TEST_F(Reports, DeadlinesOpenOverdueAtRiskAndMetOrMissedInThePeriod) {
  auto melding = [](Household& h, const std::string& id, const std::string& due, const std::string& closed) {
    auto* m = h.Next("2026-02-01").mutable_intake()->mutable_melding_registered();
    m->set_melding_id(id);
    m->set_registered_on("2026-02-01");
    m->set_onderzoek_due(due);
    if (!closed.empty()) {
      auto* c = h.Next(closed).mutable_intake()->mutable_melding_closed();
      c->set_melding_id(id);
      c->set_reason("REFERRED");
    }
  };
  Add(1, [&](Household& h) {
    melding(h, "m-overdue", "2026-03-15", "");
    melding(h, "m-at-risk", "2026-04-03", "");
    melding(h, "m-on-track", "2026-05-01", "");
    melding(h, "m-met", "2026-03-15", "2026-03-10");
    melding(h, "m-missed", "2026-03-15", "2026-03-20");
    melding(h, "m-late-but-later", "2026-03-15", "2026-04-10");  // still open on 1 April: overdue
  });
  const auto report = MakeDeadlines(Input("2026-04-01", 1), 7);
  const auto& row = report.rows(0);
  ASSERT_EQ(row.kind(), hub::v1::REPORT_DEADLINE_KIND_MELDING_ONDERZOEK);
  EXPECT_EQ(row.open().count(), 4);
  EXPECT_EQ(row.overdue().count(), 2);
  EXPECT_EQ(row.at_risk().count(), 1);
  EXPECT_EQ(row.on_track().count(), 1);
  EXPECT_EQ(row.met().count(), 1);
  EXPECT_EQ(row.missed().count(), 1);
  EXPECT_EQ(report.rows_size(), 9);
}

TEST_F(Reports, AnAanvraagCountsUnderItsLawAndClosesWithItsBeschikking) {
  Add(1, [](Household& h) {
    auto* a = h.Next("2026-03-02").mutable_beschikking()->mutable_aanvraag_submitted();
    a->set_aanvraag_id("a-1");
    a->set_law(hub::v1::LAW_JEUGDWET);
    a->set_submitted_on("2026-03-02");
    a->set_decision_due("2026-04-27");
    auto* b = h.Next("2026-04-20").mutable_beschikking()->mutable_beschikking_issued();
    b->set_beschikking_id("b-1");
    b->set_aanvraag_id("a-1");
    b->set_law(hub::v1::LAW_JEUGDWET);
    b->set_outcome(hub::v1::BESCHIKKING_OUTCOME_REJECTED);
    b->set_issued_on("2026-04-20");
  });
  const auto before = MakeDeadlines(Input("2026-04-01", 1), 7);
  EXPECT_EQ(before.rows(2).kind(), hub::v1::REPORT_DEADLINE_KIND_AANVRAAG_JEUGDWET);
  EXPECT_EQ(before.rows(2).open().count(), 1);
  EXPECT_EQ(before.rows(1).open().count(), 0);  // Wmo
  const auto after = MakeDeadlines(Input("2026-05-01", 1), 7);
  EXPECT_EQ(after.rows(2).open().count(), 0);
  EXPECT_EQ(after.rows(2).met().count(), 1);
}

TEST_F(Reports, DeadlineCountsAreSuppressedWithTheOpenTotal) {
  Add(1, [](Household& h) {
    for (int i = 0; i < 7; ++i) {
      auto* m = h.Next("2026-02-01").mutable_intake()->mutable_melding_registered();
      m->set_melding_id("m-" + std::to_string(i));
      m->set_registered_on("2026-02-01");
      m->set_onderzoek_due(i < 2 ? "2026-03-01" : "2026-06-01");
    }
  });
  const auto row = MakeDeadlines(Input("2026-04-01", 5), 7).rows(0);
  EXPECT_EQ(row.open().count(), 7);
  EXPECT_TRUE(row.overdue().suppressed());
  // 7 open - 0 at risk - on track would give the 2 overdue away.
  EXPECT_TRUE(row.on_track().suppressed());
}

// ---- procesregie ----------------------------------------------------------------------------------

TEST_F(Reports, ShareOfHouseholdsWithAPlanUnderProcesregie) {
  auto plan = [](Household& h) { h.Next("2026-01-10").mutable_plan()->mutable_plan_drafted()->set_plan_id("p"); };
  Add(3, plan);
  Add(1, [&](Household& h) {
    plan(h);
    auto* p = h.Next("2026-02-01").mutable_plan()->mutable_procesregie_started();
    p->set_escalation_id("e-1");
    p->set_started_on("2026-02-01");
  });
  Add(1, [&](Household& h) {
    plan(h);
    auto* p = h.Next("2026-02-01").mutable_plan()->mutable_procesregie_started();
    p->set_escalation_id("e-2");
    p->set_started_on("2026-02-01");
    auto* r = h.Next("2026-03-01").mutable_plan()->mutable_procesregie_released();
    r->set_escalation_id("e-2");
    r->set_released_on("2026-03-01");
  });
  const auto report = MakeProcesregie(Input("2026-04-01", 1));
  EXPECT_EQ(report.households_with_plan().count(), 5);
  EXPECT_EQ(report.under_procesregie().count(), 1);
  EXPECT_TRUE(report.has_share());
  EXPECT_DOUBLE_EQ(report.share_percent(), 20.0);
  EXPECT_EQ(report.procesregie_started().count(), 2);

  const auto suppressed = MakeProcesregie(Input("2026-04-01", 5));
  EXPECT_TRUE(suppressed.under_procesregie().suppressed());
  EXPECT_FALSE(suppressed.has_share());
}

// ---- referral answer times ------------------------------------------------------------------------

TEST_F(Reports, ReferralAnswerTimesInWorkingDays) {
  // Requested Monday 2 March 2026; answered after 1, 2, 3, 4 and 10 working days.
  const std::vector<std::string> answered{"2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-16"};
  for (size_t i = 0; i < answered.size(); ++i) {
    Add(1, [&](Household& h) {
      AcceptedReferral(h, "r", hub::v1::RECEIVER_KIND_WORK_AND_INCOME, "2026-03-02", answered[i]);
    });
  }
  Add(1, [](Household& h) {
    auto* r = h.Next("2026-03-02").mutable_referral()->mutable_referral_requested();
    r->set_referral_id("r-x");
    r->set_receiver_kind(hub::v1::RECEIVER_KIND_WORK_AND_INCOME);
    r->set_requested_on("2026-03-02");
    r->set_answer_due("2026-03-09");
    auto* e = h.Next("2026-03-10").mutable_referral()->mutable_referral_expired();
    e->set_referral_id("r-x");
    e->set_expired_on("2026-03-10");
  });
  const auto report = MakeReferralAnswerTimes(Input("2026-04-01", 1));
  const auto& row = report.rows(0);
  ASSERT_EQ(row.receiver_kind(), "WORK_AND_INCOME");
  EXPECT_EQ(row.requested().count(), 6);
  EXPECT_EQ(row.accepted().count(), 5);
  EXPECT_EQ(row.expired().count(), 1);
  // The answer due in AcceptedReferral is 12 January: every answer in March is late.
  EXPECT_EQ(row.answered_on_time().count(), 0);
  ASSERT_TRUE(row.has_answer_days());
  EXPECT_DOUBLE_EQ(row.median_answer_working_days(), 3.0);
  EXPECT_DOUBLE_EQ(row.p90_answer_working_days(), 7.6);

  // Five answers: below a threshold of 6 the times are not published.
  EXPECT_FALSE(MakeReferralAnswerTimes(Input("2026-04-01", 6)).rows(0).has_answer_days());
}

// ---- bezwaren -------------------------------------------------------------------------------------

TEST_F(Reports, BezwarenPerLawWithATotalRow) {
  auto beschikking = [](Household& h, const std::string& id, hub::v1::Law law) {
    auto* b = h.Next("2026-02-02").mutable_beschikking()->mutable_beschikking_issued();
    b->set_beschikking_id(id);
    b->set_law(law);
    b->set_outcome(hub::v1::BESCHIKKING_OUTCOME_REJECTED);
    b->set_issued_on("2026-02-02");
  };
  auto bezwaar = [](Household& h, const std::string& id, const std::string& beschikking_id) {
    auto* f = h.Next("2026-02-20").mutable_beschikking()->mutable_bezwaar_filed();
    f->set_bezwaar_id(id);
    f->set_beschikking_id(beschikking_id);
    f->set_filed_on("2026-02-20");
    f->set_decision_due("2026-04-03");
  };
  Add(1, [&](Household& h) {
    beschikking(h, "b-1", hub::v1::LAW_WMO);
    bezwaar(h, "z-1", "b-1");
    auto* d = h.Next("2026-03-20").mutable_beschikking()->mutable_bezwaar_decided();
    d->set_bezwaar_id("z-1");
    d->set_decision(hub::v1::BEZWAAR_DECISION_WELL_FOUNDED);
    d->set_decided_on("2026-03-20");
  });
  Add(1, [&](Household& h) {
    beschikking(h, "b-2", hub::v1::LAW_WMO);
    bezwaar(h, "z-2", "b-2");
  });
  Add(1, [&](Household& h) { beschikking(h, "b-3", hub::v1::LAW_JEUGDWET); });
  const auto report = MakeBezwaren(Input("2026-04-01", 1));
  ASSERT_EQ(report.rows_size(), 4);
  const auto& wmo = report.rows(0);
  EXPECT_EQ(wmo.law(), "WMO");
  EXPECT_EQ(wmo.beschikkingen_issued().count(), 2);
  EXPECT_EQ(wmo.filed().count(), 2);
  EXPECT_EQ(wmo.decided_well_founded().count(), 1);
  EXPECT_EQ(wmo.decided_on_time().count(), 1);
  EXPECT_EQ(wmo.pending().count(), 1);
  EXPECT_EQ(report.rows(1).law(), "JEUGDWET");
  EXPECT_EQ(report.rows(1).beschikkingen_issued().count(), 1);
  EXPECT_EQ(report.rows(3).law(), "TOTAL");
  EXPECT_EQ(report.rows(3).beschikkingen_issued().count(), 3);
  EXPECT_EQ(report.rows(3).filed().count(), 2);
}

}  // namespace
}  // namespace hub::audit
