// Given/when/then tests of FoldReportFacts and ItemsKnownAt: which facts the events leave, and how
// retroactive corrections stay visible in record time.
#include "services/audit/report_facts.h"

#include <gtest/gtest.h>

#include <deque>

#include "tests/unit/audit/report_testing.h"

namespace hub::audit {
namespace {

using testing::At;
using testing::Household;

// The household's newest items; the facts they point into live until the test ends.
std::vector<const ReportItem*> Newest(const Household& household) {
  static std::deque<HouseholdReportFacts> kept;
  kept.push_back(household.Facts());
  return ItemsKnownAt(kept.back(), std::nullopt);
}

const ReportItem* Only(const std::vector<const ReportItem*>& items, ReportItem::FactCase kind) {
  const ReportItem* found = nullptr;
  for (const auto* item : items) {
    if (item->fact_case() != kind) continue;
    EXPECT_EQ(found, nullptr) << "more than one item of this kind";
    found = item;
  }
  return found;
}

TEST(ReportFacts, MeldingOpensTheOnderzoekDeadlineAndClosingEndsIt) {
  Household household;
  auto* m = household.Next("2026-03-02").mutable_intake()->mutable_melding_registered();
  m->set_melding_id("m-1");
  m->set_registered_on("2026-03-02");
  m->set_onderzoek_due("2026-04-13");
  const auto opened = Newest(household);
  ASSERT_NE(Only(opened, ReportItem::kDeadline), nullptr);
  EXPECT_EQ(Only(opened, ReportItem::kDeadline)->deadline().kind(), DEADLINE_KIND_MELDING_ONDERZOEK);
  EXPECT_EQ(Only(opened, ReportItem::kDeadline)->deadline().due(), "2026-04-13");
  EXPECT_TRUE(Only(opened, ReportItem::kDeadline)->deadline().closed_on().empty());

  auto* c = household.Next("2026-03-20").mutable_intake()->mutable_melding_closed();
  c->set_melding_id("m-1");
  c->set_reason("REFERRED");
  const auto closed = Newest(household);
  EXPECT_EQ(Only(closed, ReportItem::kDeadline)->deadline().closed_on(), "2026-03-20");
  EXPECT_FALSE(Only(closed, ReportItem::kDeadline)->deadline().cancelled());
}

TEST(ReportFacts, WithdrawnMeldingIsCancelledNotMet) {
  Household household;
  auto* m = household.Next("2026-03-02").mutable_intake()->mutable_melding_registered();
  m->set_melding_id("m-1");
  m->set_registered_on("2026-03-02");
  m->set_onderzoek_due("2026-04-13");
  auto* c = household.Next("2026-03-05").mutable_intake()->mutable_melding_closed();
  c->set_melding_id("m-1");
  c->set_reason("WITHDRAWN");
  EXPECT_TRUE(Only(Newest(household), ReportItem::kDeadline)->deadline().cancelled());
}

TEST(ReportFacts, ToewijzingIsAProvisionWithAStartMessageDueFiveWorkingDaysLater) {
  Household household;
  auto* t = household.Next("2026-03-02").mutable_beschikking()->mutable_toewijzing_issued();
  t->set_toewijzing_id("t-1");
  t->set_law(hub::v1::LAW_WMO);
  t->set_category("02");
  t->set_ingangsdatum("2026-03-06");  // a Friday
  t->set_einddatum("2026-12-31");
  const auto items = Newest(household);
  const ReportItem* provision = Only(items, ReportItem::kProvision);
  ASSERT_NE(provision, nullptr);
  EXPECT_EQ(provision->provision().category(), "02");
  EXPECT_EQ(provision->provision().start(), "2026-03-06");
  EXPECT_EQ(Only(items, ReportItem::kDeadline)->deadline().due(), "2026-03-13");
}

TEST(ReportFacts, RunningDeliveryExpectsNoStartMessage) {
  Household household;
  auto* t = household.Next("2026-03-02").mutable_beschikking()->mutable_toewijzing_issued();
  t->set_toewijzing_id("t-1");
  t->set_law(hub::v1::LAW_WMO);
  t->set_category("02");
  t->set_ingangsdatum("2026-03-06");
  t->set_delivery_running(true);
  EXPECT_EQ(Only(Newest(household), ReportItem::kDeadline), nullptr);
}

TEST(ReportFacts, PgbLinesAreProvisionsAndZinLinesWaitForTheirToewijzing) {
  Household household;
  auto* b = household.Next("2026-03-02").mutable_beschikking()->mutable_beschikking_issued();
  b->set_beschikking_id("b-1");
  b->set_law(hub::v1::LAW_WMO);
  b->set_outcome(hub::v1::BESCHIKKING_OUTCOME_GRANTED);
  b->set_issued_on("2026-03-02");
  auto* pgb = b->add_products();
  pgb->set_category("13");
  pgb->set_start_date("2026-03-02");
  pgb->set_form(hub::v1::DELIVERY_FORM_PGB);
  auto* zin = b->add_products();
  zin->set_category("02");
  zin->set_start_date("2026-03-02");
  zin->set_toewijzing_id("t-1");
  const auto items = Newest(household);
  const ReportItem* provision = Only(items, ReportItem::kProvision);
  ASSERT_NE(provision, nullptr);
  EXPECT_EQ(provision->provision().category(), "13");
  ASSERT_NE(Only(items, ReportItem::kBeschikking), nullptr);
}

TEST(ReportFacts, RejectedBeschikkingGrantsNothing) {
  Household household;
  auto* b = household.Next("2026-03-02").mutable_beschikking()->mutable_beschikking_issued();
  b->set_beschikking_id("b-1");
  b->set_law(hub::v1::LAW_WMO);
  b->set_outcome(hub::v1::BESCHIKKING_OUTCOME_REJECTED);
  b->add_products()->set_category("13");
  EXPECT_EQ(Only(Newest(household), ReportItem::kProvision), nullptr);
}

TEST(ReportFacts, RetroactiveCorrectionIsSeenOnlyFromItsRecordTime) {
  Household household;
  auto* t = household.Next("2026-03-02").mutable_beschikking()->mutable_toewijzing_issued();
  t->set_toewijzing_id("t-1");
  t->set_law(hub::v1::LAW_WMO);
  t->set_category("02");
  t->set_ingangsdatum("2026-03-02");
  t->set_einddatum("2026-12-31");
  // Recorded on 1 June: the toewijzing really ended on 30 April.
  auto* c = household.Next("2026-04-30", "2026-06-01").mutable_beschikking()->mutable_toewijzing_corrected();
  c->set_toewijzing_id("t-1");
  c->set_ingangsdatum("2026-03-02");
  c->set_einddatum("2026-04-30");
  c->set_reden_wijziging(hub::v1::REDEN_WIJZIGING_ADMINISTRATIEVE_CORRECTIE);
  const auto facts = household.Facts();
  EXPECT_EQ(Only(ItemsKnownAt(facts, At("2026-05-15")), ReportItem::kProvision)->provision().end(), "2026-12-31");
  EXPECT_EQ(Only(ItemsKnownAt(facts, At("2026-06-01")), ReportItem::kProvision)->provision().end(), "2026-04-30");
  EXPECT_EQ(Only(ItemsKnownAt(facts, std::nullopt), ReportItem::kProvision)->provision().end(), "2026-04-30");
  EXPECT_TRUE(ItemsKnownAt(facts, At("2026-03-01")).empty());
}

TEST(ReportFacts, ToewijzingRemovedAsSentInErrorCancelsItsStartMessage) {
  Household household;
  auto* t = household.Next("2026-03-02").mutable_beschikking()->mutable_toewijzing_issued();
  t->set_toewijzing_id("t-1");
  t->set_law(hub::v1::LAW_WMO);
  t->set_category("02");
  t->set_ingangsdatum("2026-03-02");
  auto* c = household.Next("2026-03-03").mutable_beschikking()->mutable_toewijzing_corrected();
  c->set_toewijzing_id("t-1");
  c->set_ingangsdatum("2026-03-02");
  c->set_einddatum("2026-03-02");
  c->set_reden_wijziging(hub::v1::REDEN_WIJZIGING_VERWIJDERD);
  const auto items = Newest(household);
  EXPECT_TRUE(Only(items, ReportItem::kProvision)->provision().removed());
  EXPECT_TRUE(Only(items, ReportItem::kDeadline)->deadline().cancelled());
}

TEST(ReportFacts, ReferralAnswerAndAcceptance) {
  Household household;
  auto* r = household.Next("2026-03-02").mutable_referral()->mutable_referral_requested();
  r->set_referral_id("r-1");
  r->set_receiver_kind(hub::v1::RECEIVER_KIND_DEBT_SERVICES);
  r->set_requested_on("2026-03-02");
  r->set_answer_due("2026-03-09");
  auto* a = household.Next("2026-03-04").mutable_referral()->mutable_referral_accepted();
  a->set_referral_id("r-1");
  a->set_accepted_on("2026-03-04");
  const auto items = Newest(household);
  const auto& referral = Only(items, ReportItem::kReferral)->referral();
  EXPECT_EQ(referral.answer(), "ACCEPTED");
  EXPECT_EQ(referral.accepted_on(), "2026-03-04");
  EXPECT_EQ(Only(items, ReportItem::kDeadline)->deadline().closed_on(), "2026-03-04");
}

TEST(ReportFacts, BezwaarTakesTheLawOfTheContestedBeschikking) {
  Household household;
  auto* b = household.Next("2026-03-02").mutable_beschikking()->mutable_beschikking_issued();
  b->set_beschikking_id("b-1");
  b->set_law(hub::v1::LAW_JEUGDWET);
  b->set_outcome(hub::v1::BESCHIKKING_OUTCOME_REJECTED);
  auto* f = household.Next("2026-03-10").mutable_beschikking()->mutable_bezwaar_filed();
  f->set_bezwaar_id("z-1");
  f->set_beschikking_id("b-1");
  f->set_filed_on("2026-03-10");
  f->set_decision_due("2026-04-21");
  EXPECT_EQ(Only(Newest(household), ReportItem::kBezwaar)->bezwaar().law(),
            hub::v1::LAW_JEUGDWET);
}

TEST(ReportFacts, EventsOfUnknownItemsAndOtherPayloadsChangeNothing) {
  Household household;
  household.Next("2026-03-02").mutable_beschikking()->mutable_toewijzing_ended()->set_toewijzing_id("t-unknown");
  household.Next("2026-03-02").mutable_referral()->mutable_referral_accepted()->set_referral_id("r-unknown");
  household.Next("2026-03-02").mutable_intake()->mutable_consent_recorded()->set_consent_id("c-1");
  EXPECT_EQ(household.Facts().items_size(), 0);
}

TEST(ReportFacts, RepeatingAnEventAddsNoRevision) {
  Household household;
  for (int i = 0; i < 2; ++i) {
    auto* m = household.Next("2026-03-02").mutable_intake()->mutable_melding_registered();
    m->set_melding_id("m-1");
    m->set_registered_on("2026-03-02");
    m->set_onderzoek_due("2026-04-13");
  }
  const auto facts = household.Facts();
  ASSERT_EQ(facts.items_size(), 1);
  EXPECT_EQ(facts.items(0).revisions_size(), 1);
}

}  // namespace
}  // namespace hub::audit
