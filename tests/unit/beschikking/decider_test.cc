// The beschikking decider, rule by rule: given the household's beschikking events, when a command
// arrives, then these events (or this rejection, or this state). Standard rule codes (OP259, OP275,
// OP257, OP271, OP272, OP274) are in the names of the tests that prove them.
//
// The household used throughout, as intake knows it: Anna (parent, born 1985-03-02), Bram (child,
// born 2012-06-15), Sara (child, born 2004-01-20: 22), Tom (child, born 2002-11-11: 23) and Henk (a
// network person). Intake triaged melding m1 as MEERVOUDIG on 2026-02-23; the open plan is plan-1.
// Today is Monday 2026-03-02. Calendar facts the tests lean on (2026): Goede Vrijdag 3 April,
// Tweede Paasdag 6 April, Koningsdag Monday 27 April.
#include "services/beschikking/decider.h"

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/es/decider_testing.h"
#include "gtest/gtest.h"

namespace hub::beschikking {
namespace {

using es::Rejection;
using es::testing::DeciderSpec;
using Event = hub::v1::BeschikkingEvent;
using Kind = Rejection::Kind;
using domain::Date;
using hub::v1::BeschikkingOutcome;
using hub::v1::Law;

constexpr std::string_view kToday = "2026-03-02";  // Monday
constexpr char kDeLinde[] = "98001234";
constexpr char kHetAnker[] = "98005678";

DeciderSpec<BeschikkingDecider> Spec() { return {}; }

Date D(std::string_view iso) { return Date::Parse(iso).value(); }

hub::v1::SealedValue Sealed(const std::string& what) {
  hub::v1::SealedValue v;
  v.set_key_id("key-household");
  v.set_nonce("nonce-" + what);
  v.set_ciphertext("ciphertext-" + what);
  return v;
}

// ---- the household and the people acting -----------------------------------------------------

HouseholdFacts Household() {
  HouseholdFacts h;
  h.known = true;
  h.members = {{"person-anna", D("1985-03-02"), "parent"},
               {"person-bram", D("2012-06-15"), "child"},
               {"person-sara", D("2004-01-20"), "child"},
               {"person-tom", D("2002-11-11"), "child"},
               {"person-henk", D("1958-05-05"), "network"}};
  h.triage_melding_id = "m1";
  h.triage_class = "MEERVOUDIG";
  h.triage_completed_on = "2026-02-23";
  h.plan_id = "plan-1";
  return h;
}

HouseholdFacts Untriaged() {
  HouseholdFacts h = Household();
  h.triage_melding_id.clear();
  h.triage_class.clear();
  h.triage_completed_on.clear();
  h.plan_id.clear();
  return h;
}

Actor Officer() { return {"woerden-beschikkingen", "decision_officer", ""}; }
Actor Clerk() { return {"woerden-beschikkingen", "administratief_medewerker", ""}; }
Actor DeLinde() { return {"zorgaanbieder-de-linde", "zorgverlener", kDeLinde}; }
Actor HetAnker() { return {"zorgaanbieder-het-anker", "zorgverlener", kHetAnker}; }
Actor SocialTeam() { return {"woerdenwijzer", "consulent", ""}; }

// ---- the catalogue and product lines -------------------------------------------------------

CatalogueProduct Catalogue(const std::string& code) {
  if (code == "02A01") return {"02A01", "02", hub::v1::LAW_WMO, "Individuele begeleiding", {hub::v1::UNIT_HOUR, hub::v1::UNIT_MINUTE}, true};
  if (code == "07A01") return {"07A01", "07", hub::v1::LAW_WMO, "Dagbesteding", {hub::v1::UNIT_DAGDEEL}, true};
  if (code == "08A01") return {"08A01", "08", hub::v1::LAW_WMO, "Vervoer naar dagbesteding", {hub::v1::UNIT_PIECE}, false};
  if (code == "45A01") return {"45A01", "45", hub::v1::LAW_JEUGDWET, "Jeugdhulp ambulant", {hub::v1::UNIT_HOUR}, true};
  return {"PW001", "PW", hub::v1::LAW_PARTICIPATIEWET, "Jobcoaching", {hub::v1::UNIT_HOUR}, false};
}

// A ZIN line for De Linde: `volume` hours a week from `start` to `end`, toewijzing `toewijzing_id`
// with number `number`.
ProductDraft Zin(const std::string& toewijzing_id, const std::string& number, const std::string& code = "02A01",
                 const std::string& start = "2026-03-09", const std::string& end = "2026-12-31", int32_t volume = 3) {
  ProductDraft draft;
  draft.catalogue = Catalogue(code);
  auto& p = draft.product;
  p.set_category(draft.catalogue->category);
  p.set_product_code(code);
  p.set_volume(volume);
  p.set_unit(draft.catalogue->units.front());
  p.set_frequency(hub::v1::FREQUENCY_PER_WEEK);
  p.set_start_date(start);
  p.set_end_date(end);
  p.set_form(hub::v1::DELIVERY_FORM_ZIN);
  p.set_provider_agb_code(kDeLinde);
  p.set_toewijzing_id(toewijzing_id);
  draft.provider_known = true;
  draft.toewijzingnummer = number;
  return draft;
}

ProductDraft Replacing(ProductDraft line, const std::string& replaces,
                       hub::v1::RedenWijziging reden = hub::v1::REDEN_WIJZIGING_UNSPECIFIED) {
  line.product.set_replaces_toewijzing_id(replaces);
  line.product.set_reden_wijziging(reden);
  return line;
}

ProductDraft Pgb(const std::string& code = "02A01", int64_t budget_cents = 250'000) {
  ProductDraft draft = Zin("", "", code);
  draft.product.clear_provider_agb_code();
  draft.product.clear_toewijzing_id();
  draft.product.set_form(hub::v1::DELIVERY_FORM_PGB);
  draft.product.set_pgb_budget_cents(budget_cents);
  draft.toewijzingnummer.clear();
  draft.provider_known = false;
  return draft;
}

DecisionDraft Decision(std::vector<ProductDraft> lines, const std::string& beschikking_id = "b1",
                       BeschikkingOutcome outcome = hub::v1::BESCHIKKING_OUTCOME_GRANTED) {
  return DecisionDraft{beschikking_id, outcome, Sealed("motivation-" + beschikking_id), std::move(lines)};
}

DecisionDraft Rejected(const std::string& beschikking_id = "b1") {
  return Decision({}, beschikking_id, hub::v1::BESCHIKKING_OUTCOME_REJECTED);
}

// ---- commands ------------------------------------------------------------------------------

SubmitAanvraag Submit(const std::string& aanvraag_id = "a1", Law law = hub::v1::LAW_WMO,
                      const std::string& person = "person-anna", std::string_view today = kToday,
                      HouseholdFacts household = Household()) {
  return SubmitAanvraag{aanvraag_id, person, law, Sealed("provision-" + aanvraag_id), std::move(household), D(today)};
}

IssueBeschikking Issue(DecisionDraft decision, const std::string& aanvraag_id = "a1", Actor actor = Officer(),
                       std::string_view today = kToday, std::string_view recorded_on = kToday,
                       HouseholdFacts household = Household()) {
  IssueBeschikking c;
  c.aanvraag_id = aanvraag_id;
  c.decision = std::move(decision);
  c.household = std::move(household);
  c.actor = std::move(actor);
  c.today = D(today);
  c.recorded_on = D(recorded_on);
  return c;
}

IssueBeschikking Answering(const std::string& request_id, DecisionDraft decision, std::string_view day = kToday) {
  IssueBeschikking c = Issue(std::move(decision), "", Officer(), day, day);
  c.request_id = request_id;
  return c;
}

ReportStartZorg Start(const std::string& toewijzing_id, std::string_view start, std::string_view recorded_on,
                      Actor actor = DeLinde()) {
  return ReportStartZorg{toewijzing_id, D(start), std::move(actor), D(recorded_on)};
}

ReportStopZorg Stop(const std::string& toewijzing_id, std::string_view stop, std::string_view recorded_on,
                    hub::v1::RedenBeeindiging reason = hub::v1::REDEN_BEEINDIGING_VOLGENS_PLAN, Actor actor = DeLinde()) {
  return ReportStopZorg{toewijzing_id, D(stop), reason, std::move(actor), D(recorded_on)};
}

CorrectToewijzing Correct(const std::string& toewijzing_id, std::string_view ingang, std::string_view eind,
                          hub::v1::RedenWijziging reden = hub::v1::REDEN_WIJZIGING_ADMINISTRATIEVE_CORRECTIE,
                          std::string_view today = kToday, Actor actor = Officer()) {
  return CorrectToewijzing{toewijzing_id, D(ingang), D(eind), reden, Sealed("correction"), std::move(actor), D(today)};
}

RequestedProductDraft Requested(const std::string& code = "02A01", const std::string& start = "2026-03-09",
                                const std::string& end = "2026-12-31", int32_t volume = 4) {
  RequestedProductDraft draft;
  draft.catalogue = Catalogue(code);
  draft.product.set_product_code(code);
  draft.product.set_volume(volume);
  draft.product.set_unit(draft.catalogue->units.front());
  draft.product.set_frequency(hub::v1::FREQUENCY_PER_WEEK);
  draft.product.set_start_date(start);
  draft.product.set_end_date(end);
  return draft;
}

RequestToewijzing Request315(const std::string& request_id = "r1", std::string_view day = kToday,
                             Law law = hub::v1::LAW_WMO, RequestedProductDraft product = Requested(),
                             const std::string& person = "person-anna", Actor actor = DeLinde()) {
  RequestToewijzing c;
  c.request_id = request_id;
  c.person_id = person;
  c.law = law;
  c.product = std::move(product);
  c.verwijzer = law == hub::v1::LAW_JEUGDWET ? hub::v1::VERWIJZER_HUISARTS : hub::v1::VERWIJZER_UNSPECIFIED;
  c.motivation = Sealed("request-" + request_id);
  c.actor = std::move(actor);
  c.household = Household();
  c.recorded_on = D(day);
  return c;
}

RequestWijziging Request317(const std::string& toewijzing_id = "t1", const std::string& request_id = "r2",
                            std::string_view day = kToday, Actor actor = DeLinde()) {
  return RequestWijziging{request_id, toewijzing_id, Requested("02A01", "2026-04-01", "2026-12-31", 6),
                          Sealed("request-" + request_id), std::move(actor), D(day)};
}

AnswerRequest Answer(const std::string& request_id, hub::v1::RequestAnswer answer, std::string_view day = kToday,
                     const std::string& aanvraag_id = "a-onderzoek", Actor actor = Officer()) {
  return AnswerRequest{request_id, answer, Sealed("answer-" + request_id), aanvraag_id, std::move(actor), D(day)};
}

FileBezwaar Bezwaar(const std::string& beschikking_id = "b1", std::string_view day = kToday,
                    const std::string& bezwaar_id = "bz1") {
  return FileBezwaar{bezwaar_id, beschikking_id, Sealed("grounds-" + bezwaar_id), D(day)};
}

DecideBezwaar DecideOn(const std::string& bezwaar_id, hub::v1::BezwaarDecision decision,
                       std::optional<DecisionDraft> new_decision = std::nullopt, std::string_view day = "2026-03-20",
                       Actor actor = Officer()) {
  return DecideBezwaar{bezwaar_id, decision, Sealed("bezwaar-motivation"), std::move(new_decision), Household(),
                       std::move(actor), D(day), D(day)};
}

ImportLegacyIndication Legacy(std::vector<ProductDraft> lines, const std::string& reference = "CIZ-2014-0042",
                              std::string_view decided_on = "2014-11-03", std::string_view valid_until = "2026-12-31",
                              std::string_view today = kToday) {
  ImportLegacyIndication c;
  c.legacy_reference = reference;
  c.person_id = "person-anna";
  c.law = hub::v1::LAW_WMO;
  c.decided_on = D(decided_on);
  c.valid_until = D(valid_until);
  c.decision = DecisionDraft{"b-legacy", hub::v1::BESCHIKKING_OUTCOME_GRANTED, {}, std::move(lines)};
  c.household = Household();
  c.actor = Officer();
  c.today = D(today);
  return c;
}

// ---- events --------------------------------------------------------------------------------

Event AanvraagEvent(const std::string& aanvraag_id = "a1", Law law = hub::v1::LAW_WMO,
                    const std::string& person = "person-anna", std::string_view submitted_on = kToday,
                    std::string_view due = "2026-03-16") {
  Event event;
  auto* e = event.mutable_aanvraag_submitted();
  e->set_aanvraag_id(aanvraag_id);
  e->set_person_id(person);
  e->set_law(law);
  *e->mutable_requested_provision() = Sealed("provision-" + aanvraag_id);
  e->set_submitted_on(std::string(submitted_on));
  e->set_decision_due(std::string(due));
  e->set_origin(hub::v1::BESCHIKKING_ORIGIN_AANVRAAG);
  return event;
}

// The BeschikkingIssued of `d` deciding aanvraag a1 (Anna, Wmo) on kToday.
Event BeschikkingEvent(const DecisionDraft& d, const std::string& aanvraag_id = "a1", bool on_time = true,
                       std::string_view issued_on = kToday, std::string_view bezwaar_due = "2026-04-13") {
  Event event;
  auto* e = event.mutable_beschikking_issued();
  e->set_beschikking_id(d.beschikking_id);
  e->set_origin(hub::v1::BESCHIKKING_ORIGIN_AANVRAAG);
  e->set_aanvraag_id(aanvraag_id);
  e->set_person_id("person-anna");
  e->set_law(hub::v1::LAW_WMO);
  e->set_outcome(d.outcome);
  *e->mutable_motivation() = d.motivation;
  for (const auto& line : d.products) *e->add_products() = line.product;
  e->set_issued_on(std::string(issued_on));
  e->set_bezwaar_due(std::string(bezwaar_due));
  e->set_triage_melding_id("m1");
  e->set_triage_class("MEERVOUDIG");
  e->set_triage_completed_on("2026-02-23");
  e->set_plan_id("plan-1");
  e->set_decision_due("2026-03-16");
  e->set_on_time(on_time);
  return event;
}

Event ToewijzingEvent(const ProductDraft& line, const std::string& beschikking_id = "b1",
                      std::string_view toewijzingsdatum = kToday) {
  const auto& p = line.product;
  Event event;
  auto* t = event.mutable_toewijzing_issued();
  t->set_toewijzing_id(p.toewijzing_id());
  t->set_toewijzingnummer(line.toewijzingnummer);
  t->set_beschikking_id(beschikking_id);
  t->set_person_id("person-anna");
  t->set_law(hub::v1::LAW_WMO);
  t->set_category(p.category());
  t->set_product_code(p.product_code());
  t->set_volume(p.volume());
  t->set_unit(p.unit());
  t->set_frequency(p.frequency());
  t->set_ingangsdatum(p.start_date());
  t->set_einddatum(p.end_date());
  t->set_provider_agb_code(p.provider_agb_code());
  t->set_toewijzingsdatum(std::string(toewijzingsdatum));
  t->set_replaces_toewijzing_id(p.replaces_toewijzing_id());
  t->set_reden_wijziging(p.reden_wijziging());
  return event;
}

// ---- histories -----------------------------------------------------------------------------

// The history plus what `command` decides on it; the test fails if it is rejected.
std::vector<Event> After(std::vector<Event> history, BeschikkingDecider::Command command) {
  auto decision = BeschikkingDecider::Decide(command, es::Fold<BeschikkingDecider>(history));
  if (!decision.accepted()) {
    ADD_FAILURE() << "the history could not be built: " << decision.rejection().reason << " "
                  << decision.rejection().field << " " << decision.rejection().message;
    return history;
  }
  for (const auto& e : decision.events()) history.push_back(e);
  return history;
}

BeschikkingState StateAfter(const std::vector<Event>& history) { return es::Fold<BeschikkingDecider>(history); }

// Aanvraag a1 (Wmo, Anna) decided by b1, granting toewijzing t1 (number 10000001): 3 hours a week of
// 02A01 with De Linde from 2026-03-09 to 2026-12-31.
std::vector<Event> Granted() { return After({AanvraagEvent()}, Issue(Decision({Zin("t1", "10000001")}))); }

// ... and De Linde reported the start on 2026-03-09.
std::vector<Event> Delivering() { return After(Granted(), Start("t1", "2026-03-09", "2026-03-10")); }

// ---- SubmitAanvraag ------------------------------------------------------------------------

TEST(SubmittingAnAanvraag, SubmitAanvraag_Wmo_IsDueTwoCalendarWeeksLater) {
  Spec().Given({}).When(Submit()).ThenEvents({AanvraagEvent("a1", hub::v1::LAW_WMO, "person-anna", kToday, "2026-03-16")});
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_Jeugdwet_IsDueEightWeeksLaterExtendedPastKoningsdag) {
  // 2026-03-02 + 8 weeks = Monday 2026-04-27, Koningsdag: the Atw extends the term by a day.
  Spec().Given({}).When(Submit("a1", hub::v1::LAW_JEUGDWET, "person-bram")).ThenEvents({AanvraagEvent(
      "a1", hub::v1::LAW_JEUGDWET, "person-bram", kToday, "2026-04-28")});
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_Participatiewet_IsDueEightWeeksLater) {
  Spec().Given({}).When(Submit("a1", hub::v1::LAW_PARTICIPATIEWET, "person-anna", "2026-03-03")).ThenEvents({AanvraagEvent(
      "a1", hub::v1::LAW_PARTICIPATIEWET, "person-anna", "2026-03-03", "2026-04-28")});
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_WmoTermEndingOnTweedePaasdag_IsExtendedToTheNextDay) {
  // 2026-03-23 + 2 weeks = Monday 2026-04-06, Tweede Paasdag.
  Spec().Given({}).When(Submit("a1", hub::v1::LAW_WMO, "person-anna", "2026-03-23")).ThenEvents({AanvraagEvent(
      "a1", hub::v1::LAW_WMO, "person-anna", "2026-03-23", "2026-04-07")});
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_WmoTermEndingOnASaturday_IsExtendedToMonday) {
  Spec().Given({}).When(Submit("a1", hub::v1::LAW_WMO, "person-anna", "2026-03-07")).ThenEvents({AanvraagEvent(
      "a1", hub::v1::LAW_WMO, "person-anna", "2026-03-07", "2026-03-23")});
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_ForAHouseholdIntakeDoesNotKnow_HouseholdNotFound) {
  HouseholdFacts unknown;
  Spec().Given({}).When(Submit("a1", hub::v1::LAW_WMO, "person-anna", kToday, unknown))
      .ThenRejected(Kind::kFailedPrecondition, "HOUSEHOLD_NOT_FOUND");
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_ForSomeoneOutsideTheHousehold_PersonNotInHousehold) {
  Spec().Given({}).When(Submit("a1", hub::v1::LAW_WMO, "person-elsewhere"))
      .ThenRejected(Kind::kFailedPrecondition, "PERSON_NOT_IN_HOUSEHOLD");
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_ForANetworkPerson_PersonNotInHousehold) {
  Spec().Given({}).When(Submit("a1", hub::v1::LAW_WMO, "person-henk"))
      .ThenRejected(Kind::kFailedPrecondition, "PERSON_NOT_IN_HOUSEHOLD");
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_JeugdwetForA23YearOld_NotAJeugdige) {
  Spec().Given({}).When(Submit("a1", hub::v1::LAW_JEUGDWET, "person-tom"))
      .ThenRejected(Kind::kFailedPrecondition, "NOT_A_JEUGDIGE");
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_JeugdwetForA22YearOld_IsAcceptedAsContinuedCare) {
  Spec().Given({}).When(Submit("a1", hub::v1::LAW_JEUGDWET, "person-sara")).ThenEvents({AanvraagEvent(
      "a1", hub::v1::LAW_JEUGDWET, "person-sara", kToday, "2026-04-28")});
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_ParticipatiewetForAChild_Under18) {
  Spec().Given({}).When(Submit("a1", hub::v1::LAW_PARTICIPATIEWET, "person-bram"))
      .ThenRejected(Kind::kFailedPrecondition, "UNDER_18");
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_WithoutALaw_IsInvalid) {
  Spec().Given({}).When(Submit("a1", hub::v1::LAW_UNSPECIFIED)).ThenRejected(Kind::kInvalidArgument, "law");
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_WithoutTheRequestedProvision_IsInvalid) {
  SubmitAanvraag c = Submit();
  c.requested_provision.Clear();
  Spec().Given({}).When(c).ThenRejected(Kind::kInvalidArgument, "requested_provision");
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_WithoutAnId_IsInvalid) {
  Spec().Given({}).When(Submit("")).ThenRejected(Kind::kInvalidArgument, "aanvraag_id");
}

TEST(SubmittingAnAanvraag, SubmitAanvraag_WithAnIdInUse_AanvraagExists) {
  Spec().Given({AanvraagEvent()}).When(Submit()).ThenRejected(Kind::kAlreadyExists, "AANVRAAG_EXISTS");
}

// ---- IssueBeschikking ----------------------------------------------------------------------

TEST(IssuingABeschikking, IssueBeschikking_Granted_ReferencesTriageAndPlanAndAssignsTheZinLine) {
  const DecisionDraft d = Decision({Zin("t1", "10000001")});
  Spec().Given({AanvraagEvent()}).When(Issue(d)).ThenEvents({BeschikkingEvent(d), ToewijzingEvent(d.products[0])});
}

TEST(IssuingABeschikking, IssueBeschikking_Granted_DecidesTheAanvraag) {
  const auto history = Granted();
  const BeschikkingState state = StateAfter(history);
  ASSERT_EQ(state.aanvragen_size(), 1);
  EXPECT_EQ(state.aanvragen(0).beschikking_id(), "b1");
  ASSERT_EQ(state.toewijzingen_size(), 1);
  EXPECT_EQ(state.toewijzingen(0).ingangsdatum(), "2026-03-09");
  EXPECT_EQ(state.toewijzingen(0).version(), 1);
  EXPECT_FALSE(state.toewijzingen(0).delivering());
}

TEST(IssuingABeschikking, IssueBeschikking_Pgb_GrantsABudgetAndIssuesNoToewijzing) {
  const DecisionDraft d = Decision({Pgb()});
  Spec().Given({AanvraagEvent()}).When(Issue(d)).ThenEvents({BeschikkingEvent(d)});
}

TEST(IssuingABeschikking, IssueBeschikking_Rejected_IsMotivatedAndGrantsNothing) {
  const DecisionDraft d = Rejected();
  Spec().Given({AanvraagEvent()}).When(Issue(d)).ThenEvents({BeschikkingEvent(d)});
}

TEST(IssuingABeschikking, IssueBeschikking_Partial_GrantsItsLines) {
  const DecisionDraft d = Decision({Zin("t1", "10000001", "07A01")}, "b1", hub::v1::BESCHIKKING_OUTCOME_PARTIAL);
  Spec().Given({AanvraagEvent()}).When(Issue(d)).ThenEvents({BeschikkingEvent(d), ToewijzingEvent(d.products[0])});
}

TEST(IssuingABeschikking, IssueBeschikking_RecordedOnTheDueDate_IsOnTime) {
  const DecisionDraft d = Rejected();
  Spec().Given({AanvraagEvent()}).When(Issue(d, "a1", Officer(), "2026-03-16", "2026-03-16")).ThenEvents({
      BeschikkingEvent(d, "a1", true, "2026-03-16", "2026-04-28")});  // Koningsdag extends the term
}

TEST(IssuingABeschikking, IssueBeschikking_RecordedAfterTheDueDate_IsLate) {
  const DecisionDraft d = Rejected();
  Spec().Given({AanvraagEvent()}).When(Issue(d, "a1", Officer(), "2026-03-17", "2026-03-17")).ThenEvents({
      BeschikkingEvent(d, "a1", false, "2026-03-17", "2026-04-28")});
}

TEST(IssuingABeschikking, IssueBeschikking_DatedBeforeTheDueDateButRecordedAfterIt_IsLate) {
  // Record time decides timeliness: a decision dated back does not become on time.
  const DecisionDraft d = Rejected();
  Spec().Given({AanvraagEvent()}).When(Issue(d, "a1", Officer(), "2026-03-13", "2026-03-18")).ThenEvents({
      BeschikkingEvent(d, "a1", false, "2026-03-13", "2026-04-24")});
}

TEST(IssuingABeschikking, IssueBeschikking_ByAnotherRoleOfTheDecisionOffice_NotADecisionOfficer) {
  Spec().Given({AanvraagEvent()}).When(Issue(Rejected(), "a1", Clerk()))
      .ThenRejected(Kind::kPermissionDenied, "NOT_A_DECISION_OFFICER");
}

TEST(IssuingABeschikking, IssueBeschikking_ByTheSocialTeam_NotADecisionOfficer) {
  Spec().Given({AanvraagEvent()}).When(Issue(Rejected(), "a1", SocialTeam()))
      .ThenRejected(Kind::kPermissionDenied, "NOT_A_DECISION_OFFICER");
}

TEST(IssuingABeschikking, IssueBeschikking_OfAnUnknownAanvraag_AanvraagNotFound) {
  Spec().Given({AanvraagEvent()}).When(Issue(Rejected(), "a-other")).ThenRejected(Kind::kNotFound, "AANVRAAG_NOT_FOUND");
}

TEST(IssuingABeschikking, IssueBeschikking_OfADecidedAanvraag_AanvraagDecided) {
  Spec().Given(Granted()).When(Issue(Rejected("b2"))).ThenRejected(Kind::kFailedPrecondition, "AANVRAAG_DECIDED");
}

TEST(IssuingABeschikking, IssueBeschikking_WithoutATriage_NoTriage) {
  Spec().Given({AanvraagEvent()}).When(Issue(Rejected(), "a1", Officer(), kToday, kToday, Untriaged()))
      .ThenRejected(Kind::kFailedPrecondition, "NO_TRIAGE");
}

TEST(IssuingABeschikking, IssueBeschikking_ForAHouseholdIntakeDoesNotKnow_HouseholdNotFound) {
  Spec().Given({AanvraagEvent()}).When(Issue(Rejected(), "a1", Officer(), kToday, kToday, HouseholdFacts{}))
      .ThenRejected(Kind::kFailedPrecondition, "HOUSEHOLD_NOT_FOUND");
}

TEST(IssuingABeschikking, IssueBeschikking_NamingBothAnAanvraagAndARequest_IsInvalid) {
  IssueBeschikking c = Issue(Rejected());
  c.request_id = "r1";
  Spec().Given({AanvraagEvent()}).When(c).ThenRejected(Kind::kInvalidArgument, "aanvraag_id");
}

TEST(IssuingABeschikking, IssueBeschikking_NamingNeither_IsInvalid) {
  Spec().Given({AanvraagEvent()}).When(Issue(Rejected(), "")).ThenRejected(Kind::kInvalidArgument, "aanvraag_id");
}

TEST(IssuingABeschikking, IssueBeschikking_GrantedWithoutProducts_IsInvalid) {
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({}))).ThenRejected(Kind::kInvalidArgument, "decision.products");
}

TEST(IssuingABeschikking, IssueBeschikking_RejectedWithProducts_IsInvalid) {
  Spec().Given({AanvraagEvent()})
      .When(Issue(Decision({Zin("t1", "10000001")}, "b1", hub::v1::BESCHIKKING_OUTCOME_REJECTED)))
      .ThenRejected(Kind::kInvalidArgument, "decision.products");
}

TEST(IssuingABeschikking, IssueBeschikking_WithoutMotivation_IsInvalid) {
  DecisionDraft d = Rejected();
  d.motivation.Clear();
  Spec().Given({AanvraagEvent()}).When(Issue(d)).ThenRejected(Kind::kInvalidArgument, "decision.motivation");
}

TEST(IssuingABeschikking, IssueBeschikking_WithoutAnOutcome_IsInvalid) {
  Spec().Given({AanvraagEvent()})
      .When(Issue(Decision({}, "b1", hub::v1::BESCHIKKING_OUTCOME_UNSPECIFIED)))
      .ThenRejected(Kind::kInvalidArgument, "decision.outcome");
}

// ---- product lines -------------------------------------------------------------------------

TEST(ProductLines, IssueBeschikking_ProductNotInTheCatalogue_ProductUnknown) {
  ProductDraft line = Zin("t1", "10000001");
  line.catalogue.reset();
  line.product.set_product_code("99Z99");
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line}))).ThenRejected(Kind::kFailedPrecondition, "PRODUCT_UNKNOWN");
}

TEST(ProductLines, IssueBeschikking_AJeugdwetProductOnAWmoAanvraag_ProductWrongLaw) {
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({Zin("t1", "10000001", "45A01")})))
      .ThenRejected(Kind::kFailedPrecondition, "PRODUCT_WRONG_LAW");
}

TEST(ProductLines, IssueBeschikking_InAUnitTheCatalogueDoesNotAllow_UnitNotAllowed) {
  ProductDraft line = Zin("t1", "10000001");
  line.product.set_unit(hub::v1::UNIT_ETMAAL);
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line}))).ThenRejected(Kind::kFailedPrecondition, "UNIT_NOT_ALLOWED");
}

TEST(ProductLines, IssueBeschikking_InMinutesWhereTheCatalogueAllowsThem_IsAccepted) {
  ProductDraft line = Zin("t1", "10000001", "02A01", "2026-03-09", "2026-12-31", 90);
  line.product.set_unit(hub::v1::UNIT_MINUTE);
  const DecisionDraft d = Decision({line});
  Spec().Given({AanvraagEvent()}).When(Issue(d)).ThenEvents({BeschikkingEvent(d), ToewijzingEvent(d.products[0])});
}

TEST(ProductLines, IssueBeschikking_WithoutAUnit_IsInvalid) {
  ProductDraft line = Zin("t1", "10000001");
  line.product.set_unit(hub::v1::UNIT_UNSPECIFIED);
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line}))).ThenRejected(Kind::kInvalidArgument, "decision.products[0].unit");
}

TEST(ProductLines, IssueBeschikking_WithVolumeZero_IsInvalid) {
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({Zin("t1", "10000001", "02A01", "2026-03-09", "2026-12-31", 0)})))
      .ThenRejected(Kind::kInvalidArgument, "decision.products[0].volume");
}

TEST(ProductLines, IssueBeschikking_WithoutAFrequency_IsInvalid) {
  ProductDraft line = Zin("t1", "10000001");
  line.product.set_frequency(hub::v1::FREQUENCY_UNSPECIFIED);
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line})))
      .ThenRejected(Kind::kInvalidArgument, "decision.products[0].frequency");
}

TEST(ProductLines, IssueBeschikking_EveryFrequencyOfTheStandard_IsAccepted) {
  for (auto f : {hub::v1::FREQUENCY_PER_DAY, hub::v1::FREQUENCY_PER_WEEK, hub::v1::FREQUENCY_PER_MONTH,
                 hub::v1::FREQUENCY_WHOLE_PERIOD}) {
    ProductDraft line = Zin("t1", "10000001");
    line.product.set_frequency(f);
    const DecisionDraft d = Decision({line});
    Spec().Given({AanvraagEvent()}).When(Issue(d)).ThenEvents({BeschikkingEvent(d), ToewijzingEvent(d.products[0])});
  }
}

TEST(ProductLines, IssueBeschikking_EndingBeforeItStarts_IsInvalid) {
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({Zin("t1", "10000001", "02A01", "2026-03-09", "2026-03-08")})))
      .ThenRejected(Kind::kInvalidArgument, "decision.products[0].end_date");
}

TEST(ProductLines, IssueBeschikking_ZinWithoutAnAgbCode_IsInvalid) {
  ProductDraft line = Zin("t1", "10000001");
  line.product.set_provider_agb_code("De Linde");
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line})))
      .ThenRejected(Kind::kInvalidArgument, "decision.products[0].provider_agb_code");
}

TEST(ProductLines, IssueBeschikking_ZinWithAProviderNotServingTheMunicipality_ProviderUnknown) {
  ProductDraft line = Zin("t1", "10000001");
  line.provider_known = false;
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line}))).ThenRejected(Kind::kFailedPrecondition, "PROVIDER_UNKNOWN");
}

TEST(ProductLines, IssueBeschikking_ZinWithABudget_IsInvalid) {
  ProductDraft line = Zin("t1", "10000001");
  line.product.set_pgb_budget_cents(100);
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line})))
      .ThenRejected(Kind::kInvalidArgument, "decision.products[0].pgb_budget_cents");
}

TEST(ProductLines, IssueBeschikking_PgbForAProductWithoutPgb_PgbNotAllowed) {
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({Pgb("08A01")}))).ThenRejected(Kind::kFailedPrecondition, "PGB_NOT_ALLOWED");
}

TEST(ProductLines, IssueBeschikking_PgbWithoutABudget_IsInvalid) {
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({Pgb("02A01", 0)})))
      .ThenRejected(Kind::kInvalidArgument, "decision.products[0].pgb_budget_cents");
}

TEST(ProductLines, IssueBeschikking_PgbNamingAProvider_IsInvalid) {
  ProductDraft line = Pgb();
  line.product.set_provider_agb_code(kDeLinde);
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line})))
      .ThenRejected(Kind::kInvalidArgument, "decision.products[0].provider_agb_code");
}

TEST(ProductLines, IssueBeschikking_WithoutAForm_IsInvalid) {
  ProductDraft line = Zin("t1", "10000001");
  line.product.set_form(hub::v1::DELIVERY_FORM_UNSPECIFIED);
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line}))).ThenRejected(Kind::kInvalidArgument, "decision.products[0].form");
}

TEST(ProductLines, IssueBeschikking_WithAnEigenBijdrageUnderTheWmo_RecordsIt) {
  ProductDraft line = Zin("t1", "10000001");
  line.product.set_eigen_bijdrage_cents(2180);  // the abonnementstarief
  const DecisionDraft d = Decision({line});
  Spec().Given({AanvraagEvent()}).When(Issue(d)).ThenEvents({BeschikkingEvent(d), ToewijzingEvent(d.products[0])});
}

TEST(ProductLines, IssueBeschikking_WithAnEigenBijdrageUnderTheJeugdwet_EigenBijdrageNotAllowed) {
  ProductDraft line = Zin("t1", "10000001", "45A01");
  line.product.set_eigen_bijdrage_cents(2180);
  Spec().Given({AanvraagEvent("a1", hub::v1::LAW_JEUGDWET, "person-bram", kToday, "2026-04-28")})
      .When(Issue(Decision({line})))
      .ThenRejected(Kind::kFailedPrecondition, "EIGEN_BIJDRAGE_NOT_ALLOWED");
}

TEST(ProductLines, IssueBeschikking_WithANegativeEigenBijdrage_IsInvalid) {
  ProductDraft line = Zin("t1", "10000001");
  line.product.set_eigen_bijdrage_cents(-1);
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line})))
      .ThenRejected(Kind::kInvalidArgument, "decision.products[0].eigen_bijdrage_cents");
}

// ---- OP275: toewijzingnummer unique per municipality per law -----------------------------------

TEST(Op275, OP275_ANumberTheIndexHasInUseForTheLaw_Op275NumberInUse) {
  ProductDraft line = Zin("t1", "10000001");
  line.number_in_use = true;  // another household of the municipality has it under the Wmo
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line}))).ThenRejected(Kind::kFailedPrecondition, "OP275_NUMBER_IN_USE");
}

TEST(Op275, OP275_ANumberOfTheHouseholdsOwnToewijzing_Op275NumberInUse) {
  const auto history = After(Granted(), Submit("a2"));
  Spec().Given(history).When(Issue(Decision({Zin("t2", "10000001", "07A01")}, "b2"), "a2"))
      .ThenRejected(Kind::kFailedPrecondition, "OP275_NUMBER_IN_USE");
}

TEST(Op275, OP275_OneNumberForTwoLines_Op275NumberInUse) {
  Spec().Given({AanvraagEvent()})
      .When(Issue(Decision({Zin("t1", "10000001", "02A01"), Zin("t2", "10000001", "07A01")})))
      .ThenRejected(Kind::kFailedPrecondition, "OP275_NUMBER_IN_USE");
}

TEST(Op275, OP275_TheSameNumberUnderAnotherLaw_IsAccepted) {
  // Bram has a Jeugdwet toewijzing numbered 10000001; Anna's Wmo toewijzing may carry it too.
  auto history = After({AanvraagEvent("aj", hub::v1::LAW_JEUGDWET, "person-bram", kToday, "2026-04-28")},
                       Issue(Decision({Zin("tj", "10000001", "45A01")}, "bj"), "aj"));
  history.push_back(AanvraagEvent());
  const DecisionDraft d = Decision({Zin("t1", "10000001")});
  Spec().Given(history).When(Issue(d)).ThenEvents({BeschikkingEvent(d), ToewijzingEvent(d.products[0])});
}

TEST(Op275, OP275_ANumberThatIsNotEightDigits_IsInvalid) {
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({Zin("t1", "1234567")})))
      .ThenRejected(Kind::kInvalidArgument, "decision.products[0].toewijzingnummer");
}

// ---- OP259: no overlapping toewijzing of one product for one client --------------------------

TEST(Op259, OP259_TheSameProductForTheSamePersonInAnOverlappingPeriod_Op259Overlap) {
  const auto history = After(Granted(), Submit("a2"));
  Spec().Given(history).When(Issue(Decision({Zin("t2", "10000002", "02A01", "2026-12-31", "2027-06-30")}, "b2"), "a2"))
      .ThenRejected(Kind::kFailedPrecondition, "OP259_OVERLAP");
}

TEST(Op259, OP259_TheSameProductFromTheDayAfterTheOtherEnds_IsAccepted) {
  const auto history = After(Granted(), Submit("a2"));
  const DecisionDraft d = Decision({Zin("t2", "10000002", "02A01", "2027-01-01", "2027-06-30")}, "b2");
  Spec().Given(history).When(Issue(d, "a2")).ThenEvents({BeschikkingEvent(d, "a2"), ToewijzingEvent(d.products[0], "b2")});
}

TEST(Op259, OP259_AnotherProductInTheSamePeriod_IsAccepted) {
  const auto history = After(Granted(), Submit("a2"));
  const DecisionDraft d = Decision({Zin("t2", "10000002", "07A01")}, "b2");
  auto decision = BeschikkingDecider::Decide(Issue(d, "a2"), StateAfter(history));
  ASSERT_TRUE(decision.accepted()) << decision.rejection().reason;
  EXPECT_TRUE(decision.events().back().has_toewijzing_issued());
}

TEST(Op259, OP259_TheSameProductForAnotherPerson_IsAccepted) {
  auto history = Granted();
  history.push_back(AanvraagEvent("a2", hub::v1::LAW_WMO, "person-sara"));
  auto decision = BeschikkingDecider::Decide(Issue(Decision({Zin("t2", "10000002")}, "b2"), "a2"), StateAfter(history));
  ASSERT_TRUE(decision.accepted()) << decision.rejection().reason;
  EXPECT_EQ(decision.events().back().toewijzing_issued().person_id(), "person-sara");
}

TEST(Op259, OP259_TwoOverlappingLinesOfOneProductInOneBeschikking_Op259Overlap) {
  Spec().Given({AanvraagEvent()})
      .When(Issue(Decision({Zin("t1", "10000001", "02A01", "2026-03-09", "2026-06-30"),
                            Zin("t2", "10000002", "02A01", "2026-06-30", "2026-12-31")})))
      .ThenRejected(Kind::kFailedPrecondition, "OP259_OVERLAP");
}

TEST(Op259, OP259_AfterTheOtherToewijzingWasRemoved_IsAccepted) {
  auto history = After(Granted(), Correct("t1", kToday, kToday, hub::v1::REDEN_WIJZIGING_VERWIJDERD));
  history = After(history, Submit("a2"));
  auto decision = BeschikkingDecider::Decide(Issue(Decision({Zin("t2", "10000002")}, "b2"), "a2"), StateAfter(history));
  EXPECT_TRUE(decision.accepted()) << decision.rejection().reason;
}

TEST(Op259, OP259_PgbLinesAreNoToewijzingenAndAreNotChecked) {
  const auto history = After(Granted(), Submit("a2"));
  auto decision = BeschikkingDecider::Decide(Issue(Decision({Pgb()}, "b2"), "a2"), StateAfter(history));
  EXPECT_TRUE(decision.accepted()) << decision.rejection().reason;
}

// ---- OP257: a change of volume or product is a new toewijzing ----------------------------------

TEST(Op257, OP257_AChangeOfVolume_EndsTheOldToewijzingTheDayBeforeAndIssuesANewOneWithANewNumber) {
  const auto history = After(Delivering(), Submit("a2", hub::v1::LAW_WMO, "person-anna", "2026-03-20"));
  const DecisionDraft d =
      Decision({Replacing(Zin("t2", "10000002", "02A01", "2026-04-01", "2026-12-31", 5), "t1")}, "b2");
  Event ended;
  auto* e = ended.mutable_toewijzing_ended();
  e->set_toewijzing_id("t1");
  e->set_einddatum("2026-03-31");
  e->set_reden_wijziging(hub::v1::REDEN_WIJZIGING_VERKORTING);
  e->set_reden_beeindiging(hub::v1::REDEN_BEEINDIGING_DOOR_GEMEENTE);
  e->set_ended_on("2026-03-20");
  e->set_replaced_by_toewijzing_id("t2");
  DecisionDraft expected_lines = d;
  expected_lines.products[0].product.set_reden_wijziging(hub::v1::REDEN_WIJZIGING_VERKORTING);
  Event issued = ToewijzingEvent(expected_lines.products[0], "b2", "2026-03-20");
  Event decided = BeschikkingEvent(expected_lines, "a2", true, "2026-03-20", "2026-05-01");
  // Submitted 2026-03-20: two weeks end on Goede Vrijdag, so the term runs to Tuesday after Easter.
  decided.mutable_beschikking_issued()->set_decision_due("2026-04-07");
  Spec().Given(history).When(Issue(d, "a2", Officer(), "2026-03-20", "2026-03-20")).ThenEvents({decided, ended, issued});
}

TEST(Op257, OP257_AfterAReplacement_TheOldToewijzingEndsAndTheNewOneRuns) {
  auto history = After(Delivering(), Submit("a2"));
  history = After(history, Issue(Decision({Replacing(Zin("t2", "10000002", "02A01", "2026-04-01", "2026-12-31", 5), "t1")},
                                          "b2"),
                                 "a2"));
  const BeschikkingState state = StateAfter(history);
  const Toewijzing* old = FindToewijzing(state, "t1");
  const Toewijzing* replacement = FindToewijzing(state, "t2");
  ASSERT_NE(old, nullptr);
  ASSERT_NE(replacement, nullptr);
  EXPECT_EQ(old->einddatum(), "2026-03-31");
  EXPECT_EQ(old->replaced_by(), "t2");
  EXPECT_EQ(old->version(), 2);
  EXPECT_EQ(old->issued().einddatum(), "2026-12-31");  // what was first assigned stays readable
  EXPECT_EQ(replacement->issued().volume(), 5);
  EXPECT_EQ(replacement->issued().replaces_toewijzing_id(), "t1");
}

TEST(Op257, OP257_AChangeOfProduct_IsANewToewijzingToo) {
  auto history = After(Granted(), Submit("a2"));
  auto decision = BeschikkingDecider::Decide(
      Issue(Decision({Replacing(Zin("t2", "10000002", "07A01", "2026-04-01"), "t1")}, "b2"),
            "a2"),
      StateAfter(history));
  ASSERT_TRUE(decision.accepted()) << decision.rejection().message;
  ASSERT_EQ(decision.events().size(), 3u);
  EXPECT_EQ(decision.events()[1].toewijzing_ended().toewijzing_id(), "t1");
  EXPECT_EQ(decision.events()[2].toewijzing_issued().product_code(), "07A01");
  EXPECT_NE(decision.events()[2].toewijzing_issued().toewijzingnummer(), "10000001");
}

TEST(Op257, OP257_ReplacingAnUnknownToewijzing_ToewijzingNotFound) {
  Spec().Given(After(Granted(), Submit("a2")))
      .When(Issue(Decision({Replacing(Zin("t2", "10000002", "02A01", "2026-04-01"), "t-none")}, "b2"), "a2"))
      .ThenRejected(Kind::kNotFound, "TOEWIJZING_NOT_FOUND");
}

TEST(Op257, OP257_ReplacingAToewijzingReplacedBefore_ToewijzingEnded) {
  auto history = After(Granted(), Submit("a2"));
  history = After(history, Issue(Decision({Replacing(Zin("t2", "10000002", "02A01", "2026-04-01"), "t1")}, "b2"), "a2"));
  history = After(history, Submit("a3"));
  Spec().Given(history)
      .When(Issue(Decision({Replacing(Zin("t3", "10000003", "02A01", "2026-03-20"), "t1")}, "b3"), "a3"))
      .ThenRejected(Kind::kFailedPrecondition, "TOEWIJZING_ENDED");
}

TEST(Op257, OP257_ReplacingAnotherPersonsToewijzing_ReplacementMismatch) {
  auto history = Granted();
  history.push_back(AanvraagEvent("a2", hub::v1::LAW_WMO, "person-sara"));
  Spec().Given(history)
      .When(Issue(Decision({Replacing(Zin("t2", "10000002", "02A01", "2026-04-01"), "t1")}, "b2"), "a2"))
      .ThenRejected(Kind::kFailedPrecondition, "REPLACEMENT_MISMATCH");
}

TEST(Op257, OP257_AReplacementStartingOnTheOldStart_ReplacementOutsidePeriod) {
  Spec().Given(After(Granted(), Submit("a2")))
      .When(Issue(Decision({Replacing(Zin("t2", "10000002", "02A01", "2026-03-09"), "t1")}, "b2"), "a2"))
      .ThenRejected(Kind::kFailedPrecondition, "REPLACEMENT_OUTSIDE_PERIOD");
}

TEST(Op257, OP257_AReplacementStartingAfterTheOldEnd_ReplacementOutsidePeriod) {
  Spec().Given(After(Granted(), Submit("a2")))
      .When(Issue(Decision({Replacing(Zin("t2", "10000002", "02A01", "2027-01-01", "2027-06-30"), "t1")}, "b2"), "a2"))
      .ThenRejected(Kind::kFailedPrecondition, "REPLACEMENT_OUTSIDE_PERIOD");
}

TEST(Op257, OP257_AReplacementWithReden13_IsInvalid) {
  Spec().Given(After(Granted(), Submit("a2")))
      .When(Issue(Decision({Replacing(Zin("t2", "10000002", "02A01", "2026-04-01"), "t1",
                                      hub::v1::REDEN_WIJZIGING_VERWIJDERD)},
                           "b2"),
                  "a2"))
      .ThenRejected(Kind::kInvalidArgument, "decision.products[0].reden_wijziging");
}

TEST(Op257, OP257_AReplacementForAMove_ImpliesStopReason31) {
  auto history = After(Granted(), Submit("a2"));
  auto decision = BeschikkingDecider::Decide(
      Issue(Decision({Replacing(Zin("t2", "10000002", "02A01", "2026-04-01"), "t1", hub::v1::REDEN_WIJZIGING_OVERSTAP_AANBIEDER)},
                     "b2"),
            "a2"),
      StateAfter(history));
  ASSERT_TRUE(decision.accepted());
  EXPECT_EQ(decision.events()[1].toewijzing_ended().reden_beeindiging(), hub::v1::REDEN_BEEINDIGING_OVERSTAP_AANBIEDER);
}

TEST(Op257, OP257_ANewLineWithAnEndingRedenButNothingReplaced_IsInvalid) {
  ProductDraft line = Zin("t1", "10000001");
  line.product.set_reden_wijziging(hub::v1::REDEN_WIJZIGING_VERKORTING);
  Spec().Given({AanvraagEvent()}).When(Issue(Decision({line})))
      .ThenRejected(Kind::kInvalidArgument, "decision.products[0].reden_wijziging");
}

TEST(Op257, OP257_AVerlengingIsANewToewijzingAfterTheOldOne) {
  ProductDraft line = Zin("t2", "10000002", "02A01", "2027-01-01", "2027-12-31");
  line.product.set_reden_wijziging(hub::v1::REDEN_WIJZIGING_VERLENGING);
  auto decision = BeschikkingDecider::Decide(Issue(Decision({line}, "b2"), "a2"), StateAfter(After(Granted(), Submit("a2"))));
  ASSERT_TRUE(decision.accepted()) << decision.rejection().message;
  EXPECT_EQ(decision.events().back().toewijzing_issued().reden_wijziging(), hub::v1::REDEN_WIJZIGING_VERLENGING);
}

TEST(Op257, RedenWijziging_ImpliesTheRedenBeeindigingOfTheStandard) {
  using R = hub::v1::RedenWijziging;
  using B = hub::v1::RedenBeeindiging;
  const std::vector<std::pair<R, B>> table = {
      {hub::v1::REDEN_WIJZIGING_CLIENT_OVERLEDEN, hub::v1::REDEN_BEEINDIGING_OVERLIJDEN},
      {hub::v1::REDEN_WIJZIGING_CONTRACTWIJZIGING, hub::v1::REDEN_BEEINDIGING_DOOR_GEMEENTE},
      {hub::v1::REDEN_WIJZIGING_VERLENGING, hub::v1::REDEN_BEEINDIGING_UNSPECIFIED},
      {hub::v1::REDEN_WIJZIGING_VERKORTING, hub::v1::REDEN_BEEINDIGING_DOOR_GEMEENTE},
      {hub::v1::REDEN_WIJZIGING_UITSTROOM_ANDER_DOMEIN, hub::v1::REDEN_BEEINDIGING_UITSTROOM_ANDER_DOMEIN},
      {hub::v1::REDEN_WIJZIGING_VERHUIZING, hub::v1::REDEN_BEEINDIGING_VERHUIZING},
      {hub::v1::REDEN_WIJZIGING_WIJZIGING_LEVERINGSVORM, hub::v1::REDEN_BEEINDIGING_DOOR_GEMEENTE},
      {hub::v1::REDEN_WIJZIGING_OVERSTAP_AANBIEDER, hub::v1::REDEN_BEEINDIGING_OVERSTAP_AANBIEDER},
      {hub::v1::REDEN_WIJZIGING_NIEUWE_BEKOSTIGING, hub::v1::REDEN_BEEINDIGING_DOOR_GEMEENTE},
      {hub::v1::REDEN_WIJZIGING_GEMEENTELIJKE_HERINDELING, hub::v1::REDEN_BEEINDIGING_DOOR_GEMEENTE},
      {hub::v1::REDEN_WIJZIGING_DOOR_AANBIEDER, hub::v1::REDEN_BEEINDIGING_WIJZIGINGSVERZOEK},
      {hub::v1::REDEN_WIJZIGING_VERWIJDERD, hub::v1::REDEN_BEEINDIGING_UNSPECIFIED},
      {hub::v1::REDEN_WIJZIGING_ADMINISTRATIEVE_CORRECTIE, hub::v1::REDEN_BEEINDIGING_UNSPECIFIED},
  };
  for (const auto& [reden, stop] : table) EXPECT_EQ(ImpliedStopReason(reden), stop) << hub::v1::RedenWijziging_Name(reden);
}

// ---- 315, 317 and their answers (OP274) --------------------------------------------------------

Event Requested315Event(const std::string& request_id = "r1", std::string_view day = kToday,
                        std::string_view due = "2026-03-09") {
  Event event;
  auto* e = event.mutable_toewijzing_requested();
  e->set_request_id(request_id);
  e->set_person_id("person-anna");
  e->set_law(hub::v1::LAW_WMO);
  *e->mutable_product() = Requested().product;
  e->mutable_product()->set_category("02");
  e->set_provider_agb_code(kDeLinde);
  *e->mutable_motivation() = Sealed("request-" + request_id);
  e->set_requested_on(std::string(day));
  e->set_answer_due(std::string(due));
  return event;
}

TEST(ProviderRequests, RequestToewijzing_315_ByAProvider_IsAnsweredWithinFiveWorkingDays_OP274) {
  Spec().Given({}).When(Request315()).ThenEvents({Requested315Event("r1", kToday, "2026-03-09")});
}

TEST(ProviderRequests, RequestToewijzing_315_BeforeEaster_CountsWorkingDaysAcrossTheHolidays_OP274) {
  // Thursday 2026-04-02; Goede Vrijdag and Tweede Paasdag do not count: due Monday 2026-04-13.
  Spec().Given({}).When(Request315("r1", "2026-04-02")).ThenEvents({Requested315Event("r1", "2026-04-02", "2026-04-13")});
}

TEST(ProviderRequests, RequestToewijzing_JeugdwetWithoutAVerwijzer_IsInvalid) {
  RequestToewijzing c = Request315("r1", kToday, hub::v1::LAW_JEUGDWET, Requested("45A01"), "person-bram");
  c.verwijzer = hub::v1::VERWIJZER_UNSPECIFIED;
  Spec().Given({}).When(c).ThenRejected(Kind::kInvalidArgument, "verwijzer");
}

TEST(ProviderRequests, RequestToewijzing_JeugdwetReferredByTheHuisarts_IsRecorded) {
  auto decision = BeschikkingDecider::Decide(
      Request315("r1", kToday, hub::v1::LAW_JEUGDWET, Requested("45A01"), "person-bram"), {});
  ASSERT_TRUE(decision.accepted()) << decision.rejection().message;
  EXPECT_EQ(decision.events()[0].toewijzing_requested().verwijzer(), hub::v1::VERWIJZER_HUISARTS);
}

TEST(ProviderRequests, RequestToewijzing_ForSomeoneOutsideTheHousehold_PersonNotInHousehold) {
  Spec().Given({}).When(Request315("r1", kToday, hub::v1::LAW_WMO, Requested(), "person-elsewhere"))
      .ThenRejected(Kind::kFailedPrecondition, "PERSON_NOT_IN_HOUSEHOLD");
}

TEST(ProviderRequests, RequestToewijzing_OfAProductNotInTheCatalogue_ProductUnknown) {
  RequestedProductDraft product = Requested();
  product.catalogue.reset();
  Spec().Given({}).When(Request315("r1", kToday, hub::v1::LAW_WMO, product))
      .ThenRejected(Kind::kFailedPrecondition, "PRODUCT_UNKNOWN");
}

TEST(ProviderRequests, RequestToewijzing_WithoutVolume_IsInvalid) {
  Spec().Given({}).When(Request315("r1", kToday, hub::v1::LAW_WMO, Requested("02A01", "2026-03-09", "2026-12-31", 0)))
      .ThenRejected(Kind::kInvalidArgument, "product.volume");
}

TEST(ProviderRequests, RequestToewijzing_ByACallerWithoutAnAgbCode_NotAProvider) {
  Spec().Given({}).When(Request315("r1", kToday, hub::v1::LAW_WMO, Requested(), "person-anna", SocialTeam()))
      .ThenRejected(Kind::kPermissionDenied, "NOT_A_PROVIDER");
}

TEST(ProviderRequests, RequestToewijzing_WithAnIdInUse_RequestExists) {
  Spec().Given({Requested315Event()}).When(Request315()).ThenRejected(Kind::kAlreadyExists, "REQUEST_EXISTS");
}

TEST(ProviderRequests, RequestWijziging_317_ByTheToewijzingsProvider_IsAnsweredWithinFiveWorkingDays_OP274) {
  Event expected;
  auto* e = expected.mutable_wijziging_requested();
  e->set_request_id("r2");
  e->set_toewijzing_id("t1");
  *e->mutable_product() = Requested("02A01", "2026-04-01", "2026-12-31", 6).product;
  e->mutable_product()->set_category("02");
  e->set_provider_agb_code(kDeLinde);
  *e->mutable_motivation() = Sealed("request-r2");
  e->set_requested_on("2026-03-10");
  e->set_answer_due("2026-03-17");
  Spec().Given(Delivering()).When(Request317("t1", "r2", "2026-03-10")).ThenEvents({expected});
}

TEST(ProviderRequests, RequestWijziging_ByAnotherProvider_NotTheProvider) {
  Spec().Given(Granted()).When(Request317("t1", "r2", kToday, HetAnker())).ThenRejected(Kind::kPermissionDenied, "NOT_THE_PROVIDER");
}

TEST(ProviderRequests, RequestWijziging_WhileOneIsOpen_RequestPending) {
  Spec().Given(After(Granted(), Request317("t1", "r2"))).When(Request317("t1", "r3"))
      .ThenRejected(Kind::kFailedPrecondition, "REQUEST_PENDING");
}

TEST(ProviderRequests, RequestWijziging_OfAToewijzingPastItsEinddatum_ToewijzingEnded) {
  Spec().Given(Granted()).When(Request317("t1", "r2", "2027-01-04")).ThenRejected(Kind::kFailedPrecondition, "TOEWIJZING_ENDED");
}

TEST(ProviderRequests, RequestWijziging_OfAnUnknownToewijzing_ToewijzingNotFound) {
  Spec().Given(Granted()).When(Request317("t-none")).ThenRejected(Kind::kNotFound, "TOEWIJZING_NOT_FOUND");
}

TEST(ProviderRequests, AnswerRequest_319_Rejected_IsOnTimeWithinFiveWorkingDays_OP274) {
  Event expected;
  auto* a = expected.mutable_request_answered();
  a->set_request_id("r1");
  a->set_answer(hub::v1::REQUEST_ANSWER_REJECTED);
  *a->mutable_motivation() = Sealed("answer-r1");
  a->set_answered_on("2026-03-09");
  a->set_on_time(true);
  Spec().Given({Requested315Event()}).When(Answer("r1", hub::v1::REQUEST_ANSWER_REJECTED, "2026-03-09")).ThenEvents({expected});
}

TEST(ProviderRequests, AnswerRequest_319_AfterFiveWorkingDays_IsRecordedLate_OP274) {
  auto decision = BeschikkingDecider::Decide(Answer("r1", hub::v1::REQUEST_ANSWER_REJECTED, "2026-03-10"),
                                             StateAfter({Requested315Event()}));
  ASSERT_TRUE(decision.accepted());
  EXPECT_FALSE(decision.events()[0].request_answered().on_time());
}

TEST(ProviderRequests, AnswerRequest_319_InOnderzoek_OpensAnAanvraagDueEightWeeksLater) {
  Event answered;
  auto* a = answered.mutable_request_answered();
  a->set_request_id("r1");
  a->set_answer(hub::v1::REQUEST_ANSWER_IN_ONDERZOEK);
  a->set_aanvraag_id("a-onderzoek");
  *a->mutable_motivation() = Sealed("answer-r1");
  a->set_answered_on("2026-03-04");
  a->set_on_time(true);
  Event opened;
  auto* e = opened.mutable_aanvraag_submitted();
  e->set_aanvraag_id("a-onderzoek");
  e->set_person_id("person-anna");
  e->set_law(hub::v1::LAW_WMO);
  e->set_submitted_on("2026-03-04");
  e->set_decision_due("2026-04-29");
  e->set_origin(hub::v1::BESCHIKKING_ORIGIN_PROVIDER_REQUEST);
  e->set_request_id("r1");
  Spec().Given({Requested315Event()}).When(Answer("r1", hub::v1::REQUEST_ANSWER_IN_ONDERZOEK, "2026-03-04"))
      .ThenEvents({answered, opened});
}

TEST(ProviderRequests, IssueBeschikking_OnTheAanvraagOfAnOnderzoek_NeedsNoTriage) {
  auto history = After({Requested315Event()}, Answer("r1", hub::v1::REQUEST_ANSWER_IN_ONDERZOEK, "2026-03-04"));
  auto decision = BeschikkingDecider::Decide(Issue(Decision({Zin("t1", "10000001")}), "a-onderzoek", Officer(), "2026-03-20",
                                                   "2026-03-20", Untriaged()),
                                             StateAfter(history));
  ASSERT_TRUE(decision.accepted()) << decision.rejection().message;
  EXPECT_TRUE(decision.events()[0].beschikking_issued().on_time());
  EXPECT_EQ(decision.events()[0].beschikking_issued().decision_due(), "2026-04-29");
}

TEST(ProviderRequests, AnswerRequest_Twice_RequestAnswered) {
  Spec().Given(After({Requested315Event()}, Answer("r1", hub::v1::REQUEST_ANSWER_REJECTED)))
      .When(Answer("r1", hub::v1::REQUEST_ANSWER_IN_ONDERZOEK))
      .ThenRejected(Kind::kFailedPrecondition, "REQUEST_ANSWERED");
}

TEST(ProviderRequests, AnswerRequest_OfAnUnknownRequest_RequestNotFound) {
  Spec().Given({}).When(Answer("r1", hub::v1::REQUEST_ANSWER_REJECTED)).ThenRejected(Kind::kNotFound, "REQUEST_NOT_FOUND");
}

TEST(ProviderRequests, AnswerRequest_ByAnotherRole_NotADecisionOfficer) {
  Spec().Given({Requested315Event()}).When(Answer("r1", hub::v1::REQUEST_ANSWER_REJECTED, kToday, "", Clerk()))
      .ThenRejected(Kind::kPermissionDenied, "NOT_A_DECISION_OFFICER");
}

TEST(ProviderRequests, AnswerRequest_WithoutAnAnswerCode_IsInvalid) {
  Spec().Given({Requested315Event()}).When(Answer("r1", hub::v1::REQUEST_ANSWER_UNSPECIFIED))
      .ThenRejected(Kind::kInvalidArgument, "answer");
}

TEST(ProviderRequests, AnswerRequest_WithoutMotivation_IsInvalid) {
  AnswerRequest c = Answer("r1", hub::v1::REQUEST_ANSWER_REJECTED);
  c.motivation.Clear();
  Spec().Given({Requested315Event()}).When(c).ThenRejected(Kind::kInvalidArgument, "motivation");
}

TEST(ProviderRequests, IssueBeschikking_Answering315_AssignsTheRequestAndAnswersIt) {
  DecisionDraft d = Decision({Zin("t1", "10000001", "02A01", "2026-03-09", "2026-12-31", 4)});
  auto decision = BeschikkingDecider::Decide(Answering("r1", d, "2026-03-05"), StateAfter({Requested315Event()}));
  ASSERT_TRUE(decision.accepted()) << decision.rejection().message;
  ASSERT_EQ(decision.events().size(), 3u);
  const auto& issued = decision.events()[0].beschikking_issued();
  EXPECT_EQ(issued.origin(), hub::v1::BESCHIKKING_ORIGIN_PROVIDER_REQUEST);
  EXPECT_EQ(issued.request_id(), "r1");
  EXPECT_EQ(issued.person_id(), "person-anna");
  EXPECT_EQ(issued.decision_due(), "2026-03-09");
  EXPECT_TRUE(issued.on_time());
  EXPECT_EQ(decision.events()[1].toewijzing_issued().volume(), 4);
  const auto& answered = decision.events()[2].request_answered();
  EXPECT_EQ(answered.beschikking_id(), "b1");
  EXPECT_EQ(answered.answer(), hub::v1::REQUEST_ANSWER_UNSPECIFIED);
  EXPECT_TRUE(answered.on_time());
}

TEST(ProviderRequests, IssueBeschikking_Answering317_ReplacesTheToewijzingWithReden12AndStopReason37) {
  auto history = After(Delivering(), Request317("t1", "r2", "2026-03-10"));
  DecisionDraft d = Decision({Replacing(Zin("t2", "10000002", "02A01", "2026-04-01", "2026-12-31", 6), "t1")}, "b2");
  auto decision = BeschikkingDecider::Decide(Answering("r2", d, "2026-03-12"), StateAfter(history));
  ASSERT_TRUE(decision.accepted()) << decision.rejection().message;
  ASSERT_EQ(decision.events().size(), 4u);
  EXPECT_EQ(decision.events()[1].toewijzing_ended().reden_wijziging(), hub::v1::REDEN_WIJZIGING_DOOR_AANBIEDER);
  EXPECT_EQ(decision.events()[1].toewijzing_ended().reden_beeindiging(), hub::v1::REDEN_BEEINDIGING_WIJZIGINGSVERZOEK);
  EXPECT_EQ(decision.events()[2].toewijzing_issued().volume(), 6);
  EXPECT_EQ(decision.events()[3].request_answered().request_id(), "r2");
}

TEST(ProviderRequests, IssueBeschikking_AnsweringAnAnsweredRequest_RequestAnswered) {
  auto history = After({Requested315Event()}, Answer("r1", hub::v1::REQUEST_ANSWER_REJECTED));
  Spec().Given(history).When(Answering("r1", Decision({Zin("t1", "10000001")})))
      .ThenRejected(Kind::kFailedPrecondition, "REQUEST_ANSWERED");
}

// ---- 305 and 307 (OP271, OP272) ---------------------------------------------------------------

Event StartEvent(std::string_view start, std::string_view reported, std::string_view due, bool on_time) {
  Event event;
  auto* e = event.mutable_start_zorg_reported();
  e->set_toewijzing_id("t1");
  e->set_start_date(std::string(start));
  e->set_reported_on(std::string(reported));
  e->set_due_on(std::string(due));
  e->set_on_time(on_time);
  return event;
}

TEST(Delivery, ReportStartZorg_305_WithinFiveWorkingDays_IsOnTime_OP271) {
  Spec().Given(Granted()).When(Start("t1", "2026-03-09", "2026-03-16"))
      .ThenEvents({StartEvent("2026-03-09", "2026-03-16", "2026-03-16", true)});
}

TEST(Delivery, ReportStartZorg_305_ADayAfterTheFifthWorkingDay_IsRecordedLate_OP271) {
  Spec().Given(Granted()).When(Start("t1", "2026-03-09", "2026-03-17"))
      .ThenEvents({StartEvent("2026-03-09", "2026-03-17", "2026-03-16", false)});
}

TEST(Delivery, ReportStartZorg_305_BeforeEaster_IsDueOnTheFifthWorkingDayAfterTheHolidays_OP271) {
  // Start Thursday 2026-04-02: Goede Vrijdag and Tweede Paasdag do not count; due Monday 2026-04-13.
  Spec().Given(Granted()).When(Start("t1", "2026-04-02", "2026-04-13"))
      .ThenEvents({StartEvent("2026-04-02", "2026-04-13", "2026-04-13", true)});
  Spec().Given(Granted()).When(Start("t1", "2026-04-02", "2026-04-14"))
      .ThenEvents({StartEvent("2026-04-02", "2026-04-14", "2026-04-13", false)});
}

TEST(Delivery, ReportStartZorg_Late_MarksTheToewijzingsStartLate) {
  const BeschikkingState state = StateAfter(After(Granted(), Start("t1", "2026-03-09", "2026-03-20")));
  EXPECT_TRUE(state.toewijzingen(0).start_late());
  EXPECT_TRUE(state.toewijzingen(0).delivering());
  EXPECT_EQ(state.toewijzingen(0).started_on(), "2026-03-09");
}

TEST(Delivery, ReportStartZorg_ByAnotherProvider_NotTheProvider) {
  Spec().Given(Granted()).When(Start("t1", "2026-03-09", "2026-03-10", HetAnker()))
      .ThenRejected(Kind::kPermissionDenied, "NOT_THE_PROVIDER");
}

TEST(Delivery, ReportStartZorg_ByACallerWithoutAnAgbCode_NotTheProvider) {
  Spec().Given(Granted()).When(Start("t1", "2026-03-09", "2026-03-10", SocialTeam()))
      .ThenRejected(Kind::kPermissionDenied, "NOT_THE_PROVIDER");
}

TEST(Delivery, ReportStartZorg_BeforeTheIngangsdatum_StartOutsideToewijzing) {
  Spec().Given(Granted()).When(Start("t1", "2026-03-06", "2026-03-10"))
      .ThenRejected(Kind::kFailedPrecondition, "START_OUTSIDE_TOEWIJZING");
}

TEST(Delivery, ReportStartZorg_InTheFuture_IsInvalid) {
  Spec().Given(Granted()).When(Start("t1", "2026-03-11", "2026-03-10")).ThenRejected(Kind::kInvalidArgument, "start_date");
}

TEST(Delivery, ReportStartZorg_Twice_AlreadyStarted) {
  Spec().Given(Delivering()).When(Start("t1", "2026-03-10", "2026-03-11")).ThenRejected(Kind::kFailedPrecondition, "ALREADY_STARTED");
}

TEST(Delivery, ReportStartZorg_OfAnUnknownToewijzing_ToewijzingNotFound) {
  Spec().Given(Granted()).When(Start("t-none", "2026-03-09", "2026-03-10")).ThenRejected(Kind::kNotFound, "TOEWIJZING_NOT_FOUND");
}

TEST(Delivery, ReportStartZorg_OfARemovedToewijzing_ToewijzingRemoved) {
  Spec().Given(After(Granted(), Correct("t1", kToday, kToday, hub::v1::REDEN_WIJZIGING_VERWIJDERD)))
      .When(Start("t1", "2026-03-09", "2026-03-10"))
      .ThenRejected(Kind::kFailedPrecondition, "TOEWIJZING_REMOVED");
}

TEST(Delivery, ReportStopZorg_307_WithAReason_StopsDelivery_OP272) {
  Event expected;
  auto* e = expected.mutable_stop_zorg_reported();
  e->set_toewijzing_id("t1");
  e->set_stop_date("2026-06-30");
  e->set_reden_beeindiging(hub::v1::REDEN_BEEINDIGING_VOLGENS_PLAN);
  e->set_reported_on("2026-07-01");
  e->set_due_on("2026-07-07");
  e->set_on_time(true);
  Spec().Given(Delivering()).When(Stop("t1", "2026-06-30", "2026-07-01")).ThenEvents({expected});
}

TEST(Delivery, ReportStopZorg_307_AfterFiveWorkingDays_IsRecordedLate_OP272) {
  auto decision = BeschikkingDecider::Decide(Stop("t1", "2026-06-30", "2026-07-08"), StateAfter(Delivering()));
  ASSERT_TRUE(decision.accepted());
  EXPECT_FALSE(decision.events()[0].stop_zorg_reported().on_time());
}

TEST(Delivery, ReportStopZorg_307_ATemporaryStopIsAReason_AndDeliveryStartsAgainLater) {
  auto history = After(Delivering(), Stop("t1", "2026-04-10", "2026-04-10", hub::v1::REDEN_BEEINDIGING_TIJDELIJK));
  const BeschikkingState stopped = StateAfter(history);
  EXPECT_FALSE(stopped.toewijzingen(0).delivering());
  EXPECT_EQ(stopped.toewijzingen(0).stop_reason(), hub::v1::REDEN_BEEINDIGING_TIJDELIJK);
  Spec().Given(history).When(Start("t1", "2026-05-04", "2026-05-04"))
      .ThenEvents({StartEvent("2026-05-04", "2026-05-04", "2026-05-12", true)});  // 5 May does not count
}

TEST(Delivery, ReportStartZorg_BeforeTheTemporaryStop_StartBeforeStop) {
  Spec().Given(After(Delivering(), Stop("t1", "2026-04-10", "2026-04-10", hub::v1::REDEN_BEEINDIGING_TIJDELIJK)))
      .When(Start("t1", "2026-04-09", "2026-04-13"))
      .ThenRejected(Kind::kFailedPrecondition, "START_BEFORE_STOP");
}

TEST(Delivery, ReportStartZorg_AfterAStopForGood_DeliveryStopped) {
  Spec().Given(After(Delivering(), Stop("t1", "2026-04-10", "2026-04-10", hub::v1::REDEN_BEEINDIGING_DOOR_CLIENT)))
      .When(Start("t1", "2026-05-04", "2026-05-04"))
      .ThenRejected(Kind::kFailedPrecondition, "DELIVERY_STOPPED");
}

TEST(Delivery, ReportStopZorg_WithoutAStart_NotDelivering) {
  Spec().Given(Granted()).When(Stop("t1", "2026-03-20", "2026-03-20")).ThenRejected(Kind::kFailedPrecondition, "NOT_DELIVERING");
}

TEST(Delivery, ReportStopZorg_BeforeTheStart_StopBeforeStart) {
  Spec().Given(Delivering()).When(Stop("t1", "2026-03-08", "2026-03-10")).ThenRejected(Kind::kFailedPrecondition, "STOP_BEFORE_START");
}

TEST(Delivery, ReportStopZorg_AfterTheEinddatum_StopOutsideToewijzing) {
  Spec().Given(Delivering()).When(Stop("t1", "2027-01-04", "2027-01-05"))
      .ThenRejected(Kind::kFailedPrecondition, "STOP_OUTSIDE_TOEWIJZING");
}

TEST(Delivery, ReportStopZorg_WithoutAReason_IsInvalid) {
  Spec().Given(Delivering()).When(Stop("t1", "2026-04-10", "2026-04-10", hub::v1::REDEN_BEEINDIGING_UNSPECIFIED))
      .ThenRejected(Kind::kInvalidArgument, "reden_beeindiging");
}

TEST(Delivery, ReportStopZorg_InTheFuture_IsInvalid) {
  Spec().Given(Delivering()).When(Stop("t1", "2026-04-11", "2026-04-10")).ThenRejected(Kind::kInvalidArgument, "stop_date");
}

TEST(Delivery, ReportStopZorg_ByAnotherProvider_NotTheProvider) {
  Spec().Given(Delivering())
      .When(Stop("t1", "2026-04-10", "2026-04-10", hub::v1::REDEN_BEEINDIGING_VOLGENS_PLAN, HetAnker()))
      .ThenRejected(Kind::kPermissionDenied, "NOT_THE_PROVIDER");
}

// ---- corrections (OP080: retroactive messages happen) ------------------------------------------

TEST(Corrections, CorrectToewijzing_14_Retroactive_KeepsTheNumberAndRecordsWhenItTakesEffect_OP080) {
  Event expected;
  auto* e = expected.mutable_toewijzing_corrected();
  e->set_toewijzing_id("t1");
  e->set_ingangsdatum("2026-03-02");
  e->set_einddatum("2026-12-31");
  e->set_reden_wijziging(hub::v1::REDEN_WIJZIGING_ADMINISTRATIEVE_CORRECTIE);
  e->set_effective_on("2026-03-02");
  *e->mutable_explanation() = Sealed("correction");
  // The toewijzing ran from 2026-03-09; the correction moves its start back a week.
  Spec().Given(Granted()).When(Correct("t1", "2026-03-02", "2026-12-31")).ThenEvents({expected});
}

TEST(Corrections, CorrectToewijzing_14_ChangesTheValidDatesAndCountsAVersion) {
  const BeschikkingState state = StateAfter(After(Granted(), Correct("t1", "2026-03-02", "2026-12-31")));
  const Toewijzing& t = state.toewijzingen(0);
  EXPECT_EQ(t.ingangsdatum(), "2026-03-02");
  EXPECT_EQ(t.issued().ingangsdatum(), "2026-03-09");
  EXPECT_EQ(t.issued().toewijzingnummer(), "10000001");
  EXPECT_EQ(t.version(), 2);
  EXPECT_FALSE(t.removed());
}

TEST(Corrections, CorrectToewijzing_13_Verwijderd_EndsOnItsStartAndIsTreatedAsNeverSent) {
  const auto history = After(Granted(), Correct("t1", "2000-01-01", "2000-01-01", hub::v1::REDEN_WIJZIGING_VERWIJDERD));
  const BeschikkingState state = StateAfter(history);
  const Toewijzing& t = state.toewijzingen(0);
  EXPECT_TRUE(t.removed());
  EXPECT_EQ(t.ingangsdatum(), "2026-03-09");
  EXPECT_EQ(t.einddatum(), "2026-03-09");
}

TEST(Corrections, CorrectToewijzing_13_AfterDeliveryStarted_DeliveryStarted) {
  Spec().Given(Delivering()).When(Correct("t1", kToday, kToday, hub::v1::REDEN_WIJZIGING_VERWIJDERD))
      .ThenRejected(Kind::kFailedPrecondition, "DELIVERY_STARTED");
}

TEST(Corrections, CorrectToewijzing_14_LeavingReportedDeliveryOutside_DeliveryOutsidePeriod) {
  Spec().Given(Delivering()).When(Correct("t1", "2026-03-16", "2026-12-31"))
      .ThenRejected(Kind::kFailedPrecondition, "DELIVERY_OUTSIDE_PERIOD");
}

TEST(Corrections, CorrectToewijzing_14_IntoAnotherToewijzingOfTheProduct_Op259Overlap) {
  auto history = After(Granted(), Submit("a2"));
  history = After(history, Issue(Decision({Zin("t2", "10000002", "02A01", "2027-01-01", "2027-06-30")}, "b2"), "a2"));
  Spec().Given(history).When(Correct("t1", "2026-03-09", "2027-01-31")).ThenRejected(Kind::kFailedPrecondition, "OP259_OVERLAP");
}

TEST(Corrections, CorrectToewijzing_14_WithTheDatesItHas_NoChange) {
  Spec().Given(Granted()).When(Correct("t1", "2026-03-09", "2026-12-31")).ThenRejected(Kind::kFailedPrecondition, "NO_CHANGE");
}

TEST(Corrections, CorrectToewijzing_WithAnotherReden_IsInvalid) {
  Spec().Given(Granted()).When(Correct("t1", "2026-03-02", "2026-12-31", hub::v1::REDEN_WIJZIGING_VERKORTING))
      .ThenRejected(Kind::kInvalidArgument, "reden_wijziging");
}

TEST(Corrections, CorrectToewijzing_EndingBeforeItStarts_IsInvalid) {
  Spec().Given(Granted()).When(Correct("t1", "2026-03-09", "2026-03-01")).ThenRejected(Kind::kInvalidArgument, "einddatum");
}

TEST(Corrections, CorrectToewijzing_WithoutExplanation_IsInvalid) {
  CorrectToewijzing c = Correct("t1", "2026-03-02", "2026-12-31");
  c.explanation.Clear();
  Spec().Given(Granted()).When(c).ThenRejected(Kind::kInvalidArgument, "explanation");
}

TEST(Corrections, CorrectToewijzing_ByAnotherRole_NotADecisionOfficer) {
  Spec().Given(Granted()).When(Correct("t1", "2026-03-02", "2026-12-31", hub::v1::REDEN_WIJZIGING_ADMINISTRATIEVE_CORRECTIE,
                                       kToday, Clerk()))
      .ThenRejected(Kind::kPermissionDenied, "NOT_A_DECISION_OFFICER");
}

TEST(Corrections, CorrectToewijzing_OfARemovedToewijzing_ToewijzingRemoved) {
  Spec().Given(After(Granted(), Correct("t1", kToday, kToday, hub::v1::REDEN_WIJZIGING_VERWIJDERD)))
      .When(Correct("t1", "2026-03-02", "2026-12-31"))
      .ThenRejected(Kind::kFailedPrecondition, "TOEWIJZING_REMOVED");
}

TEST(Corrections, CorrectToewijzing_OfAnUnknownToewijzing_ToewijzingNotFound) {
  Spec().Given(Granted()).When(Correct("t-none", "2026-03-02", "2026-12-31")).ThenRejected(Kind::kNotFound, "TOEWIJZING_NOT_FOUND");
}

// ---- bezwaar (Awb 6:7, 7:10) -------------------------------------------------------------------

Event BezwaarEvent(std::string_view filed_on, std::string_view term_end, std::string_view decision_due,
                   const std::string& beschikking_id = "b1") {
  Event event;
  auto* e = event.mutable_bezwaar_filed();
  e->set_bezwaar_id("bz1");
  e->set_beschikking_id(beschikking_id);
  *e->mutable_grounds() = Sealed("grounds-bz1");
  e->set_filed_on(std::string(filed_on));
  e->set_bezwaar_due(std::string(term_end));
  e->set_decision_due(std::string(decision_due));
  return event;
}

TEST(Bezwaar, FileBezwaar_OnTheLastDayOfTheSixWeeks_IsFiledAndDecidedWithinSixWeeks) {
  // Beschikking of 2026-03-02: the term ends on 2026-04-13; the decision is due 2026-05-25, Tweede
  // Pinksterdag, so the next day.
  Spec().Given(Granted()).When(Bezwaar("b1", "2026-04-13"))
      .ThenEvents({BezwaarEvent("2026-04-13", "2026-04-13", "2026-05-26")});
}

TEST(Bezwaar, FileBezwaar_TheDayAfterTheSixWeeks_BezwaarTooLateNamingTheLastDay) {
  Spec().Given(Granted()).When(Bezwaar("b1", "2026-04-14")).ThenRejected(Kind::kFailedPrecondition, "BEZWAAR_TOO_LATE");
  auto decision = BeschikkingDecider::Decide(Bezwaar("b1", "2026-04-14"), StateAfter(Granted()));
  ASSERT_FALSE(decision.accepted());
  EXPECT_NE(decision.rejection().message.find("2026-04-13"), std::string::npos) << decision.rejection().message;
}

TEST(Bezwaar, FileBezwaar_TermEndingOnKoningsdag_RunsToTheNextDay) {
  // Issued 2026-03-16: six weeks end on Monday 2026-04-27, Koningsdag.
  auto history = After({AanvraagEvent()}, Issue(Rejected(), "a1", Officer(), "2026-03-16", "2026-03-16"));
  Spec().Given(history).When(Bezwaar("b1", "2026-04-28"))
      .ThenEvents({BezwaarEvent("2026-04-28", "2026-04-28", "2026-06-09")});
  Spec().Given(history).When(Bezwaar("b1", "2026-04-29")).ThenRejected(Kind::kFailedPrecondition, "BEZWAAR_TOO_LATE");
}

TEST(Bezwaar, FileBezwaar_Twice_BezwaarExists) {
  Spec().Given(After(Granted(), Bezwaar())).When(Bezwaar("b1", kToday, "bz2")).ThenRejected(Kind::kFailedPrecondition, "BEZWAAR_EXISTS");
}

TEST(Bezwaar, FileBezwaar_AfterItsDecision_BezwaarExists) {
  auto history = After(After(Granted(), Bezwaar()), DecideOn("bz1", hub::v1::BEZWAAR_DECISION_UNFOUNDED));
  Spec().Given(history).When(Bezwaar("b1", "2026-03-25", "bz2")).ThenRejected(Kind::kFailedPrecondition, "BEZWAAR_EXISTS");
}

TEST(Bezwaar, FileBezwaar_AgainstAnUnknownBeschikking_BeschikkingNotFound) {
  Spec().Given(Granted()).When(Bezwaar("b-none")).ThenRejected(Kind::kNotFound, "BESCHIKKING_NOT_FOUND");
}

TEST(Bezwaar, FileBezwaar_WithoutGrounds_IsInvalid) {
  FileBezwaar c = Bezwaar();
  c.grounds.Clear();
  Spec().Given(Granted()).When(c).ThenRejected(Kind::kInvalidArgument, "grounds");
}

TEST(Bezwaar, DecideBezwaar_Unfounded_LeavesTheBeschikkingAsItIs) {
  Event expected;
  auto* e = expected.mutable_bezwaar_decided();
  e->set_bezwaar_id("bz1");
  e->set_decision(hub::v1::BEZWAAR_DECISION_UNFOUNDED);
  *e->mutable_motivation() = Sealed("bezwaar-motivation");
  e->set_decided_on("2026-03-20");
  e->set_on_time(true);
  Spec().Given(After(Granted(), Bezwaar())).When(DecideOn("bz1", hub::v1::BEZWAAR_DECISION_UNFOUNDED)).ThenEvents({expected});
}

TEST(Bezwaar, DecideBezwaar_WellFounded_IssuesANewBeschikkingThatReplacesTheContestedOne) {
  auto history = After(Delivering(), Bezwaar());
  DecisionDraft better = Decision({Replacing(Zin("t2", "10000002", "02A01", "2026-04-01", "2026-12-31", 6), "t1")}, "b2");
  auto decision = BeschikkingDecider::Decide(DecideOn("bz1", hub::v1::BEZWAAR_DECISION_WELL_FOUNDED, better),
                                             StateAfter(history));
  ASSERT_TRUE(decision.accepted()) << decision.rejection().message;
  ASSERT_EQ(decision.events().size(), 4u);
  EXPECT_EQ(decision.events()[0].bezwaar_decided().new_beschikking_id(), "b2");
  const auto& issued = decision.events()[1].beschikking_issued();
  EXPECT_EQ(issued.origin(), hub::v1::BESCHIKKING_ORIGIN_BEZWAAR);
  EXPECT_EQ(issued.bezwaar_id(), "bz1");
  EXPECT_EQ(issued.replaces_beschikking_id(), "b1");
  EXPECT_EQ(issued.decision_due(), "2026-04-13");  // six weeks after the bezwaar of 2026-03-02
  EXPECT_EQ(decision.events()[2].toewijzing_ended().einddatum(), "2026-03-31");
  EXPECT_EQ(decision.events()[3].toewijzing_issued().volume(), 6);

  BeschikkingState state = StateAfter(history);
  for (const auto& e : decision.events()) state = BeschikkingDecider::Evolve(std::move(state), e);
  EXPECT_EQ(FindBeschikking(state, "b1")->replaced_by(), "b2");
  EXPECT_TRUE(state.bezwaren(0).decided());
}

TEST(Bezwaar, FileBezwaar_AgainstAReplacedBeschikking_BeschikkingReplaced) {
  auto history = After(Granted(), Bezwaar());
  history = After(history, DecideOn("bz1", hub::v1::BEZWAAR_DECISION_WELL_FOUNDED, Rejected("b2")));
  Spec().Given(history).When(Bezwaar("b1", "2026-03-25", "bz2")).ThenRejected(Kind::kFailedPrecondition, "BESCHIKKING_REPLACED");
}

TEST(Bezwaar, DecideBezwaar_WellFoundedWithoutANewBeschikking_IsInvalid) {
  Spec().Given(After(Granted(), Bezwaar())).When(DecideOn("bz1", hub::v1::BEZWAAR_DECISION_WELL_FOUNDED))
      .ThenRejected(Kind::kInvalidArgument, "new_decision");
}

TEST(Bezwaar, DecideBezwaar_UnfoundedWithANewBeschikking_IsInvalid) {
  Spec().Given(After(Granted(), Bezwaar())).When(DecideOn("bz1", hub::v1::BEZWAAR_DECISION_UNFOUNDED, Rejected("b2")))
      .ThenRejected(Kind::kInvalidArgument, "new_decision");
}

TEST(Bezwaar, DecideBezwaar_WellFoundedWithAnInvalidNewBeschikking_NamesItsField) {
  DecisionDraft d = Rejected("b2");
  d.motivation.Clear();
  Spec().Given(After(Granted(), Bezwaar())).When(DecideOn("bz1", hub::v1::BEZWAAR_DECISION_WELL_FOUNDED, d))
      .ThenRejected(Kind::kInvalidArgument, "new_decision.motivation");
}

TEST(Bezwaar, DecideBezwaar_Twice_BezwaarDecided) {
  Spec().Given(After(After(Granted(), Bezwaar()), DecideOn("bz1", hub::v1::BEZWAAR_DECISION_UNFOUNDED)))
      .When(DecideOn("bz1", hub::v1::BEZWAAR_DECISION_UNFOUNDED))
      .ThenRejected(Kind::kFailedPrecondition, "BEZWAAR_DECIDED");
}

TEST(Bezwaar, DecideBezwaar_OfAnUnknownBezwaar_BezwaarNotFound) {
  Spec().Given(Granted()).When(DecideOn("bz1", hub::v1::BEZWAAR_DECISION_UNFOUNDED)).ThenRejected(Kind::kNotFound, "BEZWAAR_NOT_FOUND");
}

TEST(Bezwaar, DecideBezwaar_ByAnotherRole_NotADecisionOfficer) {
  Spec().Given(After(Granted(), Bezwaar()))
      .When(DecideOn("bz1", hub::v1::BEZWAAR_DECISION_UNFOUNDED, std::nullopt, "2026-03-20", Clerk()))
      .ThenRejected(Kind::kPermissionDenied, "NOT_A_DECISION_OFFICER");
}

TEST(Bezwaar, DecideBezwaar_AfterSixWeeks_IsRecordedLate) {
  // Filed 2026-03-02: the decision is due 2026-04-13.
  auto on_time = BeschikkingDecider::Decide(DecideOn("bz1", hub::v1::BEZWAAR_DECISION_UNFOUNDED, std::nullopt, "2026-04-13"),
                                            StateAfter(After(Granted(), Bezwaar())));
  auto late = BeschikkingDecider::Decide(DecideOn("bz1", hub::v1::BEZWAAR_DECISION_UNFOUNDED, std::nullopt, "2026-04-14"),
                                         StateAfter(After(Granted(), Bezwaar())));
  ASSERT_TRUE(on_time.accepted());
  ASSERT_TRUE(late.accepted());
  EXPECT_TRUE(on_time.events()[0].bezwaar_decided().on_time());
  EXPECT_FALSE(late.events()[0].bezwaar_decided().on_time());
}

// ---- overgangsrecht: legacy indications -----------------------------------------------------

TEST(LegacyIndications, ImportLegacyIndication_StillValid_IsCarriedOverUntilItsOwnEndDate) {
  const ProductDraft line = Zin("t-legacy", "10000009", "07A01", "2015-01-01", "2026-12-31", 4);
  Event decided;
  auto* e = decided.mutable_beschikking_issued();
  e->set_beschikking_id("b-legacy");
  e->set_origin(hub::v1::BESCHIKKING_ORIGIN_LEGACY);
  e->set_person_id("person-anna");
  e->set_law(hub::v1::LAW_WMO);
  e->set_outcome(hub::v1::BESCHIKKING_OUTCOME_GRANTED);
  *e->add_products() = line.product;
  e->set_issued_on("2014-11-03");
  e->set_bezwaar_due("2014-12-15");
  e->set_legacy_reference("CIZ-2014-0042");
  e->set_valid_until("2026-12-31");
  Event assigned = ToewijzingEvent(line, "b-legacy");
  assigned.mutable_toewijzing_issued()->set_delivery_running(true);
  Spec().Given({}).When(Legacy({line})).ThenEvents({decided, assigned});
}

TEST(LegacyIndications, ImportLegacyIndication_WithDeliveryRunning_ExpectsNoStartMessage) {
  const auto history = After({}, Legacy({Zin("t-legacy", "10000009", "07A01", "2015-01-01", "2026-12-31")}));
  const BeschikkingState state = StateAfter(history);
  const Toewijzing& t = state.toewijzingen(0);
  EXPECT_TRUE(t.delivering());
  EXPECT_EQ(t.started_on(), "2015-01-01");
  EXPECT_FALSE(t.start_late());
}

TEST(LegacyIndications, ImportLegacyIndication_Expired_IndicationExpired) {
  Spec().Given({}).When(Legacy({Zin("t-legacy", "10000009", "07A01", "2015-01-01", "2026-02-27")}, "CIZ-2014-0042",
                               "2014-11-03", "2026-02-27"))
      .ThenRejected(Kind::kFailedPrecondition, "INDICATION_EXPIRED");
}

TEST(LegacyIndications, ImportLegacyIndication_EndingToday_IsCarriedOver) {
  auto decision = BeschikkingDecider::Decide(
      Legacy({Zin("t-legacy", "10000009", "07A01", "2015-01-01", "2026-03-02")}, "CIZ-2014-0042", "2014-11-03", "2026-03-02"),
      {});
  EXPECT_TRUE(decision.accepted()) << decision.rejection().message;
}

TEST(LegacyIndications, ImportLegacyIndication_AProductBeyondItsEndDate_ProductBeyondIndication) {
  Spec().Given({}).When(Legacy({Zin("t-legacy", "10000009", "07A01", "2015-01-01", "2027-01-31")}))
      .ThenRejected(Kind::kFailedPrecondition, "PRODUCT_BEYOND_INDICATION");
}

TEST(LegacyIndications, ImportLegacyIndication_Twice_LegacyExists) {
  const auto history = After({}, Legacy({Zin("t-legacy", "10000009", "07A01", "2015-01-01", "2026-12-31")}));
  ImportLegacyIndication again = Legacy({Pgb("07A01")});
  again.decision.beschikking_id = "b-legacy-2";
  Spec().Given(history).When(again).ThenRejected(Kind::kAlreadyExists, "LEGACY_EXISTS");
}

TEST(LegacyIndications, ImportLegacyIndication_DecidedInTheFuture_IsInvalid) {
  Spec().Given({}).When(Legacy({Pgb("07A01")}, "CIZ-2014-0042", "2026-03-03")).ThenRejected(Kind::kInvalidArgument, "decided_on");
}

TEST(LegacyIndications, ImportLegacyIndication_NotGranted_IsInvalid) {
  ImportLegacyIndication c = Legacy({Pgb("07A01")});
  c.decision.outcome = hub::v1::BESCHIKKING_OUTCOME_PARTIAL;
  Spec().Given({}).When(c).ThenRejected(Kind::kInvalidArgument, "outcome");
}

TEST(LegacyIndications, ImportLegacyIndication_OverlappingAToewijzingOfTheProduct_Op259Overlap) {
  Spec().Given(Granted()).When(Legacy({Zin("t-legacy", "10000009", "02A01", "2015-01-01", "2026-12-31")}))
      .ThenRejected(Kind::kFailedPrecondition, "OP259_OVERLAP");
}

TEST(LegacyIndications, FileBezwaar_AgainstALegacyIndication_IsLongTooLate) {
  const auto history = After({}, Legacy({Zin("t-legacy", "10000009", "07A01", "2015-01-01", "2026-12-31")}));
  Spec().Given(history).When(Bezwaar("b-legacy")).ThenRejected(Kind::kFailedPrecondition, "BEZWAAR_TOO_LATE");
}

TEST(LegacyIndications, ImportLegacyIndication_ByAnotherRole_NotADecisionOfficer) {
  ImportLegacyIndication c = Legacy({Pgb("07A01")});
  c.actor = Clerk();
  Spec().Given({}).When(c).ThenRejected(Kind::kPermissionDenied, "NOT_A_DECISION_OFFICER");
}

// ---- evolve ----------------------------------------------------------------------------------

TEST(Evolving, AnEventOfANewerSchema_ChangesNothing) {
  const BeschikkingState before = StateAfter(Granted());
  EXPECT_TRUE(es::testing::SameValue(before, BeschikkingDecider::Evolve(before, Event())));
}

TEST(Evolving, TheLegalTerms_AreTwoWeeksForTheWmoAndEightForTheOthers) {
  EXPECT_EQ(DecisionTermWeeks(hub::v1::LAW_WMO), 2);
  EXPECT_EQ(DecisionTermWeeks(hub::v1::LAW_JEUGDWET), 8);
  EXPECT_EQ(DecisionTermWeeks(hub::v1::LAW_PARTICIPATIEWET), 8);
}

}  // namespace
}  // namespace hub::beschikking
