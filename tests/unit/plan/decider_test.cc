// The plan decider, rule by rule: given the household's plan events, when a command arrives, then
// these events (or this rejection, or this state).
//
// The household used throughout, as intake knows it: Anna (parent, born 1985-03-02), Bram (child,
// born 2012-06-15) and Henk (a network person, born 1958-05-05), melding m1, casusregisseur
// u-regisseur of woerdenwijzer. The procesregisseur, when one is attached, is u-proces of
// woerdenwijzer. Today is Monday 2026-03-02; the default interval of 13 weeks puts the first
// evaluation on Monday 2026-06-01.
#include "services/plan/decider.h"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/es/decider_testing.h"
#include "gtest/gtest.h"

namespace hub::plan {
namespace {

using es::Rejection;
using es::testing::DeciderSpec;
using Event = hub::v1::PlanEvent;
using Kind = Rejection::Kind;
using domain::Date;
using hub::v1::PlanGoal;

constexpr std::string_view kToday = "2026-03-02";            // Monday
constexpr std::string_view kFirstEvaluation = "2026-06-01";  // 13 weeks later
constexpr std::string_view kLater = "2026-04-13";            // the day a second revision is agreed
constexpr std::string_view kLaterEvaluation = "2026-07-13";  // 13 weeks after kLater
constexpr char kPlan[] = "plan-1";
constexpr char kTeam[] = "woerdenwijzer";

DeciderSpec<PlanDecider> Spec() { return {}; }

Date D(std::string_view iso) { return Date::Parse(iso).value(); }

hub::v1::SealedValue Sealed(const std::string& what) {
  hub::v1::SealedValue v;
  v.set_key_id("key-plan");
  v.set_nonce("nonce-" + what);
  v.set_ciphertext("ciphertext-" + what);
  return v;
}

std::vector<Event> With(std::vector<Event> history, std::initializer_list<Event> more) {
  history.insert(history.end(), more.begin(), more.end());
  return history;
}

// ---- the household and the people acting -----------------------------------------------------

HouseholdFacts Household() {
  HouseholdFacts h;
  h.known = true;
  h.members = {{"person-anna", D("1985-03-02"), "parent"},
               {"person-bram", D("2012-06-15"), "child"},
               {"person-henk", D("1958-05-05"), "network"}};
  h.melding_ids = {"m1"};
  h.regisseur_organisation_id = kTeam;
  h.regisseur_user_pseudonym = "u-regisseur";
  return h;
}

HouseholdFacts HouseholdWithoutRegisseur() {
  HouseholdFacts h = Household();
  h.regisseur_organisation_id.clear();
  h.regisseur_user_pseudonym.clear();
  return h;
}

HouseholdFacts HouseholdWithMemberBornOn(std::string_view birth) {
  HouseholdFacts h = Household();
  h.members.push_back({"person-dewi", D(birth), "child"});
  return h;
}

Actor Regisseur() { return {kTeam, "casusregisseur", "u-regisseur"}; }
Actor Procesregisseur() { return {kTeam, "procesregisseur", "u-proces"}; }

// ---- goals ---------------------------------------------------------------------------------

// A goal with an organisation of the tenant responsible.
PlanGoal Goal(const std::string& goal_id, const std::string& life_domain = "FINANCIEN",
              std::string_view target_date = "2026-12-31") {
  PlanGoal g;
  g.set_goal_id(goal_id);
  g.set_life_domain(life_domain);
  *g.mutable_result() = Sealed("result-" + goal_id);
  g.set_target_date(std::string(target_date));
  g.set_tier(hub::v1::SUPPORT_TIER_GENERAL_PROVISION);
  g.set_responsible_organisation_id("org-schuldhulp");
  *g.mutable_agreements() = Sealed("agreements-" + goal_id);
  return g;
}

// A goal with a person known to the household responsible.
PlanGoal PersonGoal(const std::string& goal_id, const std::string& person_id) {
  PlanGoal g = Goal(goal_id, "SOCIAAL_NETWERK");
  g.clear_responsible_organisation_id();
  g.set_responsible_person_id(person_id);
  g.set_tier(hub::v1::SUPPORT_TIER_NETWORK);
  return g;
}

// ---- commands ------------------------------------------------------------------------------

DraftPlan Draft(const std::string& plan_id = kPlan, const std::string& melding_id = "m1", int32_t weeks = 13) {
  return DraftPlan{plan_id, melding_id, weeks, Household()};
}

AddGoal Add(PlanGoal goal, bool organisation_known = true, const std::string& plan_id = kPlan) {
  return AddGoal{plan_id, GoalDraft{std::move(goal), organisation_known}, Household(), D(kToday)};
}

ChangeGoal Change(PlanGoal goal, bool organisation_known = true, const std::string& plan_id = kPlan) {
  return ChangeGoal{plan_id, GoalDraft{std::move(goal), organisation_known}, Household(), D(kToday)};
}

DropGoal Drop(const std::string& goal_id, const std::string& plan_id = kPlan) { return DropGoal{plan_id, goal_id}; }

AgreePlan Agree(int32_t revision = 1, Actor actor = Regisseur(), const std::string& signer = "person-anna",
                std::string_view today = kToday) {
  AgreePlan c;
  c.plan_id = kPlan;
  c.revision = revision;
  c.resident_person_id = signer;
  c.actor = std::move(actor);
  c.household = Household();
  c.today = D(today);
  return c;
}

RecordEvaluation Evaluate(const std::string& goal_id = "g1", std::optional<Date> next = std::nullopt,
                          std::string_view today = kToday) {
  RecordEvaluation c;
  c.plan_id = kPlan;
  c.goal_id = goal_id;
  c.progress = hub::v1::GOAL_PROGRESS_ON_TRACK;
  c.zrm_score = 3;
  c.notes = Sealed("notes-" + goal_id);
  c.next_evaluation_on = next;
  c.today = D(today);
  return c;
}

RecordEvaluation EvaluateWithScore(int32_t zrm_score) {
  RecordEvaluation c = Evaluate();
  c.zrm_score = zrm_score;
  return c;
}

ScaleDown ScaleDownBy(Actor actor = Regisseur(), HouseholdFacts household = Household()) {
  return ScaleDown{kPlan, Sealed("scale-down"), std::move(actor), std::move(household), D(kToday)};
}

ClosePlan Close(const std::string& reason = "GOALS_ACHIEVED", Actor actor = Regisseur(),
                HouseholdFacts household = Household()) {
  return ClosePlan{kPlan, reason, std::move(actor), std::move(household), D(kToday)};
}

EscalateToProcesregie Escalate(const std::string& escalation_id = "esc-1", const std::string& user = "u-proces") {
  EscalateToProcesregie c;
  c.escalation_id = escalation_id;
  c.reason = hub::v1::ESCALATION_REASON_STUCK;
  c.explanation = Sealed("why-" + escalation_id);
  c.procesregisseur_organisation_id = kTeam;
  c.procesregisseur_user_pseudonym = user;
  c.organisation_may_be_procesregisseur = true;
  c.today = D(kToday);
  return c;
}

IssueDirective Issue(const std::string& directive_id = "dir-1", Actor actor = Procesregisseur(),
                     std::string_view due_on = "2026-03-16") {
  IssueDirective c;
  c.directive_id = directive_id;
  c.organisation_id = "org-fermwerk";
  c.organisation_known = true;
  c.action = Sealed("action-" + directive_id);
  c.due_on = D(due_on);
  c.actor = std::move(actor);
  c.today = D(kToday);
  return c;
}

CompleteDirective Complete(const std::string& directive_id = "dir-1", const std::string& organisation_id = "org-fermwerk") {
  return CompleteDirective{directive_id, Actor{organisation_id, "consulent", "u-fermwerk"}, D(kToday)};
}

ReleaseProcesregie Release(Actor actor = Procesregisseur()) {
  return ReleaseProcesregie{Sealed("moving-again"), std::move(actor), D(kToday)};
}

// ---- events --------------------------------------------------------------------------------

Event Drafted(const std::string& plan_id = kPlan, const std::string& melding_id = "m1", int32_t weeks = 13) {
  Event e;
  e.mutable_plan_drafted()->set_plan_id(plan_id);
  e.mutable_plan_drafted()->set_melding_id(melding_id);
  e.mutable_plan_drafted()->set_evaluation_interval_weeks(weeks);
  return e;
}

Event Added(const PlanGoal& goal, int32_t revision = 1, const std::string& plan_id = kPlan) {
  Event e;
  e.mutable_goal_added()->set_plan_id(plan_id);
  e.mutable_goal_added()->set_revision(revision);
  *e.mutable_goal_added()->mutable_goal() = goal;
  return e;
}

Event Changed(const PlanGoal& goal, int32_t revision = 1, const std::string& plan_id = kPlan) {
  Event e;
  e.mutable_goal_changed()->set_plan_id(plan_id);
  e.mutable_goal_changed()->set_revision(revision);
  *e.mutable_goal_changed()->mutable_goal() = goal;
  return e;
}

Event Dropped(const std::string& goal_id, int32_t revision = 1, const std::string& plan_id = kPlan) {
  Event e;
  e.mutable_goal_dropped()->set_plan_id(plan_id);
  e.mutable_goal_dropped()->set_revision(revision);
  e.mutable_goal_dropped()->set_goal_id(goal_id);
  return e;
}

Event RevisionOpened(int32_t revision, const std::string& plan_id = kPlan) {
  Event e;
  e.mutable_revision_opened()->set_plan_id(plan_id);
  e.mutable_revision_opened()->set_revision(revision);
  return e;
}

Event Agreed(int32_t revision = 1, const Actor& actor = Regisseur(), std::string_view on = kToday,
             std::string_view next = kFirstEvaluation, const std::string& signer = "person-anna") {
  Event e;
  auto* a = e.mutable_plan_agreed();
  a->set_plan_id(kPlan);
  a->set_revision(revision);
  a->set_resident_person_id(signer);
  a->set_as_representative(false);
  a->set_regisseur_organisation_id(actor.organisation_id);
  a->set_regisseur_user_pseudonym(actor.user_pseudonym);
  a->set_regisseur_role(actor.role);
  a->set_agreed_on(std::string(on));
  a->set_next_evaluation_on(std::string(next));
  return e;
}

Event Evaluated(const std::string& goal_id = "g1", std::string_view next = kFirstEvaluation,
                std::string_view on = kToday, int32_t zrm_score = 3) {
  Event e;
  auto* r = e.mutable_evaluation_recorded();
  r->set_plan_id(kPlan);
  r->set_goal_id(goal_id);
  r->set_progress(hub::v1::GOAL_PROGRESS_ON_TRACK);
  r->set_zrm_score(zrm_score);
  *r->mutable_notes() = Sealed("notes-" + goal_id);
  r->set_evaluated_on(std::string(on));
  r->set_next_evaluation_on(std::string(next));
  return e;
}

Event ScaledDown() {
  Event e;
  e.mutable_plan_scaled_down()->set_plan_id(kPlan);
  *e.mutable_plan_scaled_down()->mutable_reason() = Sealed("scale-down");
  e.mutable_plan_scaled_down()->set_scaled_down_on(std::string(kToday));
  return e;
}

Event Closed(const std::string& reason = "GOALS_ACHIEVED", const std::string& plan_id = kPlan) {
  Event e;
  e.mutable_plan_closed()->set_plan_id(plan_id);
  e.mutable_plan_closed()->set_reason(reason);
  e.mutable_plan_closed()->set_closed_on(std::string(kToday));
  return e;
}

Event Started(const std::string& escalation_id = "esc-1", const std::string& user = "u-proces") {
  Event e;
  auto* s = e.mutable_procesregie_started();
  s->set_escalation_id(escalation_id);
  s->set_reason(hub::v1::ESCALATION_REASON_STUCK);
  *s->mutable_explanation() = Sealed("why-" + escalation_id);
  s->set_procesregisseur_organisation_id(kTeam);
  s->set_procesregisseur_user_pseudonym(user);
  s->set_started_on(std::string(kToday));
  return e;
}

Event Issued(const std::string& directive_id = "dir-1", const std::string& escalation_id = "esc-1",
             std::string_view due_on = "2026-03-16") {
  Event e;
  auto* d = e.mutable_directive_issued();
  d->set_directive_id(directive_id);
  d->set_escalation_id(escalation_id);
  d->set_organisation_id("org-fermwerk");
  *d->mutable_action() = Sealed("action-" + directive_id);
  d->set_due_on(std::string(due_on));
  return e;
}

Event Completed(const std::string& directive_id = "dir-1") {
  Event e;
  e.mutable_directive_completed()->set_directive_id(directive_id);
  e.mutable_directive_completed()->set_completed_on(std::string(kToday));
  return e;
}

Event Released(const std::string& escalation_id = "esc-1") {
  Event e;
  e.mutable_procesregie_released()->set_escalation_id(escalation_id);
  *e.mutable_procesregie_released()->mutable_explanation() = Sealed("moving-again");
  e.mutable_procesregie_released()->set_released_on(std::string(kToday));
  return e;
}

// ---- histories -----------------------------------------------------------------------------

std::vector<Event> DraftWithGoal() { return {Drafted(), Added(Goal("g1"))}; }
std::vector<Event> ActivePlan() { return With(DraftWithGoal(), {Agreed()}); }
std::vector<Event> ScaledDownPlan() { return With(ActivePlan(), {ScaledDown()}); }
std::vector<Event> ClosedPlan() { return With(ActivePlan(), {Closed()}); }
std::vector<Event> UnderProcesregie() { return With(ActivePlan(), {Started()}); }
// Revision 2 open: g2 added to the agreed revision 1.
std::vector<Event> OpenRevision() { return With(ActivePlan(), {RevisionOpened(2), Added(Goal("g2"), 2)}); }

// ---- states --------------------------------------------------------------------------------

// The plan just drafted: revision 1, DRAFT, no goals.
Plan DraftState() {
  Plan p;
  p.set_plan_id(kPlan);
  p.set_melding_id("m1");
  p.set_status(hub::v1::PLAN_STATUS_DRAFT);
  p.set_evaluation_interval_weeks(13);
  p.set_revision(1);
  p.set_agreed_revision(0);
  return p;
}

AgreedRevision AgreedRevisionOf(int32_t revision, std::vector<PlanGoal> goals, const Event& agreed) {
  AgreedRevision r;
  r.set_revision(revision);
  for (auto& g : goals) *r.add_goals() = std::move(g);
  *r.mutable_agreement() = agreed.plan_agreed();
  return r;
}

// The state after ActivePlan().
Plan ActiveState() {
  Plan p = DraftState();
  *p.add_goals() = Goal("g1");
  p.set_status(hub::v1::PLAN_STATUS_ACTIVE);
  p.set_agreed_revision(1);
  *p.add_history() = AgreedRevisionOf(1, {Goal("g1")}, Agreed());
  p.set_next_evaluation_on(std::string(kFirstEvaluation));
  return p;
}

PlanState StateOf(std::vector<Plan> plans) {
  PlanState s;
  for (auto& p : plans) *s.add_plans() = std::move(p);
  return s;
}

// =============================================================================================
// DraftPlan
// =============================================================================================

TEST(DraftingAPlan, DraftPlan_ForAHouseholdIntakeKnows_DraftsThePlanForItsMelding) {
  Spec().Given({}).When(Draft()).ThenEvents({Drafted()});
}

TEST(DraftingAPlan, DraftPlan_WithoutAMelding_DraftsThePlan) {
  Spec().Given({}).When(Draft(kPlan, "")).ThenEvents({Drafted(kPlan, "")});
}

TEST(DraftingAPlan, DraftPlan_WithAnotherInterval_KeepsThatInterval) {
  Spec().Given({}).When(Draft(kPlan, "m1", 4)).ThenEvents({Drafted(kPlan, "m1", 4)});
}

TEST(DraftingAPlan, DraftPlan_Drafted_IsADraftAtRevision1WithNothingAgreed) {
  Spec().Given({}).When(Draft()).ThenState(StateOf({DraftState()}));
}

TEST(DraftingAPlan, DraftPlan_ForAHouseholdIntakeDoesNotKnow_HouseholdNotFound) {
  DraftPlan c = Draft();
  c.household.known = false;
  Spec().Given({}).When(c).ThenRejected(Kind::kFailedPrecondition, "HOUSEHOLD_NOT_FOUND");
}

TEST(DraftingAPlan, DraftPlan_WhileAPlanIsOpen_PlanExists) {
  for (const auto& history : {DraftWithGoal(), ActivePlan(), ScaledDownPlan(), OpenRevision()}) {
    SCOPED_TRACE(history.size());
    Spec().Given(history).When(Draft("plan-2")).ThenRejected(Kind::kFailedPrecondition, "PLAN_EXISTS");
  }
}

TEST(DraftingAPlan, DraftPlan_AfterThePlanWasClosed_DraftsANewPlan) {
  Spec().Given(ClosedPlan()).When(Draft("plan-2")).ThenEvents({Drafted("plan-2")});
}

TEST(DraftingAPlan, DraftPlan_AfterThePlanWasClosed_KeepsTheClosedPlanAndAddsTheNewOne) {
  Plan closed = ActiveState();
  closed.set_status(hub::v1::PLAN_STATUS_CLOSED);
  closed.set_closed_reason("GOALS_ACHIEVED");
  closed.set_closed_on(std::string(kToday));
  Plan second = DraftState();
  second.set_plan_id("plan-2");
  Spec().Given(ClosedPlan()).When(Draft("plan-2")).ThenState(StateOf({closed, second}));
}

TEST(DraftingAPlan, DraftPlan_ForAMeldingOfAnotherHousehold_MeldingNotFound) {
  Spec().Given({}).When(Draft(kPlan, "m-elsewhere")).ThenRejected(Kind::kNotFound, "MELDING_NOT_FOUND");
}

TEST(DraftingAPlan, DraftPlan_WithAnIntervalOutside1To52Weeks_IsInvalid) {
  for (int32_t weeks : {-1, 0, 53, 104}) {
    SCOPED_TRACE(weeks);
    Spec().Given({}).When(Draft(kPlan, "m1", weeks)).ThenRejected(Kind::kInvalidArgument, "evaluation_interval_weeks");
  }
}

TEST(DraftingAPlan, DraftPlan_WithAnIntervalOf1Or52Weeks_IsAccepted) {
  for (int32_t weeks : {1, 52}) {
    SCOPED_TRACE(weeks);
    Spec().Given({}).When(Draft(kPlan, "m1", weeks)).ThenEvents({Drafted(kPlan, "m1", weeks)});
  }
}

TEST(DraftingAPlan, DraftPlan_WithoutAPlanId_IsInvalid) {
  Spec().Given({}).When(Draft("")).ThenRejected(Kind::kInvalidArgument, "plan_id");
}

// =============================================================================================
// AddGoal
// =============================================================================================

TEST(AddingAGoal, AddGoal_ToADraft_AddsTheGoalToRevision1) {
  Spec().Given({Drafted()}).When(Add(Goal("g1"))).ThenEvents({Added(Goal("g1"))});
}

TEST(AddingAGoal, AddGoal_ToADraft_AppendsTheGoalAfterTheOthers) {
  Plan expected = DraftState();
  *expected.add_goals() = Goal("g1");
  *expected.add_goals() = Goal("g2", "HUISVESTING");
  Spec().Given(DraftWithGoal()).When(Add(Goal("g2", "HUISVESTING"))).ThenState(StateOf({expected}));
}

TEST(AddingAGoal, AddGoal_WithoutAPlan_PlanNotFound) {
  Spec().Given({}).When(Add(Goal("g1"))).ThenRejected(Kind::kNotFound, "PLAN_NOT_FOUND");
}

TEST(AddingAGoal, AddGoal_ToAPlanThatIsNotTheCurrentOne_PlanNotFound) {
  Spec().Given({Drafted()}).When(Add(Goal("g1"), true, "plan-9")).ThenRejected(Kind::kNotFound, "PLAN_NOT_FOUND");
}

TEST(AddingAGoal, AddGoal_ToAnEarlierClosedPlan_PlanNotFound) {
  Spec()
      .Given(With(ClosedPlan(), {Drafted("plan-2")}))
      .When(Add(Goal("g2")))
      .ThenRejected(Kind::kNotFound, "PLAN_NOT_FOUND");
}

TEST(AddingAGoal, AddGoal_ToAClosedPlan_PlanClosed) {
  Spec().Given(ClosedPlan()).When(Add(Goal("g2"))).ThenRejected(Kind::kFailedPrecondition, "PLAN_CLOSED");
}

TEST(AddingAGoal, AddGoal_ToAScaledDownPlan_PlanScaledDown) {
  Spec().Given(ScaledDownPlan()).When(Add(Goal("g2"))).ThenRejected(Kind::kFailedPrecondition, "PLAN_SCALED_DOWN");
}

TEST(AddingAGoal, AddGoal_ToAnAgreedPlan_OpensRevision2FirstAndAddsTheGoalToIt) {
  Spec().Given(ActivePlan()).When(Add(Goal("g2"))).ThenEvents({RevisionOpened(2), Added(Goal("g2"), 2)});
}

TEST(AddingAGoal, AddGoal_ToAnOpenRevision_AddsToThatRevisionWithoutOpeningAnother) {
  Spec().Given(OpenRevision()).When(Add(Goal("g3"))).ThenEvents({Added(Goal("g3"), 2)});
}

TEST(AddingAGoal, AddGoal_WithAGoalIdAlreadyInThePlan_GoalExists) {
  Spec().Given(DraftWithGoal()).When(Add(Goal("g1"))).ThenRejected(Kind::kAlreadyExists, "GOAL_EXISTS");
}

TEST(AddingAGoal, AddGoal_WithoutAGoalId_IsInvalid) {
  Spec().Given({Drafted()}).When(Add(Goal(""))).ThenRejected(Kind::kInvalidArgument, "goal_id");
}

TEST(AddingAGoal, AddGoal_OnAnUnknownLifeDomain_IsInvalid) {
  for (const char* life_domain : {"", "GELUK", "financien"}) {
    SCOPED_TRACE(life_domain);
    Spec().Given({Drafted()}).When(Add(Goal("g1", life_domain))).ThenRejected(Kind::kInvalidArgument, "goal.life_domain");
  }
}

TEST(AddingAGoal, AddGoal_OnEveryZrmLifeDomain_IsAccepted) {
  for (const char* life_domain : {"FINANCIEN", "HUISVESTING", "GEESTELIJKE_GEZONDHEID", "JUSTITIE"}) {
    SCOPED_TRACE(life_domain);
    Spec().Given({Drafted()}).When(Add(Goal("g1", life_domain))).ThenEvents({Added(Goal("g1", life_domain))});
  }
}

TEST(AddingAGoal, AddGoal_WithoutTheResultAimedAt_IsInvalid) {
  PlanGoal goal = Goal("g1");
  goal.mutable_result()->clear_ciphertext();
  Spec().Given({Drafted()}).When(Add(goal)).ThenRejected(Kind::kInvalidArgument, "goal.result");
}

TEST(AddingAGoal, AddGoal_WithATargetDateInThePast_IsInvalid) {
  Spec()
      .Given({Drafted()})
      .When(Add(Goal("g1", "FINANCIEN", "2026-03-01")))
      .ThenRejected(Kind::kInvalidArgument, "goal.target_date");
}

TEST(AddingAGoal, AddGoal_WithTodayAsTargetDate_IsAccepted) {
  const PlanGoal goal = Goal("g1", "FINANCIEN", kToday);
  Spec().Given({Drafted()}).When(Add(goal)).ThenEvents({Added(goal)});
}

TEST(AddingAGoal, AddGoal_WithATargetDateThatIsNoDate_IsInvalid) {
  for (const char* target : {"", "2026-02-30", "31-12-2026", "2026-12-31T00:00"}) {
    SCOPED_TRACE(target);
    Spec()
        .Given({Drafted()})
        .When(Add(Goal("g1", "FINANCIEN", target)))
        .ThenRejected(Kind::kInvalidArgument, "goal.target_date");
  }
}

TEST(AddingAGoal, AddGoal_WithoutATier_IsInvalid) {
  PlanGoal goal = Goal("g1");
  goal.set_tier(hub::v1::SUPPORT_TIER_UNSPECIFIED);
  Spec().Given({Drafted()}).When(Add(goal)).ThenRejected(Kind::kInvalidArgument, "goal.tier");
}

TEST(AddingAGoal, AddGoal_WithAnUnknownTierNumber_IsInvalid) {
  PlanGoal goal = Goal("g1");
  goal.set_tier(static_cast<hub::v1::SupportTier>(99));
  Spec().Given({Drafted()}).When(Add(goal)).ThenRejected(Kind::kInvalidArgument, "goal.tier");
}

TEST(AddingAGoal, AddGoal_WithBothAnOrganisationAndAPersonResponsible_IsInvalid) {
  PlanGoal goal = Goal("g1");
  goal.set_responsible_person_id("person-anna");
  Spec().Given({Drafted()}).When(Add(goal)).ThenRejected(Kind::kInvalidArgument, "goal.responsible_organisation_id");
}

TEST(AddingAGoal, AddGoal_WithNobodyResponsible_IsInvalid) {
  PlanGoal goal = Goal("g1");
  goal.clear_responsible_organisation_id();
  Spec().Given({Drafted()}).When(Add(goal)).ThenRejected(Kind::kInvalidArgument, "goal.responsible_organisation_id");
}

TEST(AddingAGoal, AddGoal_WithAnOrganisationNotServingTheMunicipality_ResponsibleUnknown) {
  Spec()
      .Given({Drafted()})
      .When(Add(Goal("g1"), /*organisation_known=*/false))
      .ThenRejected(Kind::kFailedPrecondition, "RESPONSIBLE_UNKNOWN");
}

TEST(AddingAGoal, AddGoal_WithAMemberResponsible_IsAcceptedWhateverTheOrganisationFact) {
  const PlanGoal goal = PersonGoal("g1", "person-anna");
  Spec().Given({Drafted()}).When(Add(goal, /*organisation_known=*/false)).ThenEvents({Added(goal)});
}

TEST(AddingAGoal, AddGoal_WithANetworkPersonResponsible_IsAccepted) {
  const PlanGoal goal = PersonGoal("g1", "person-henk");
  Spec().Given({Drafted()}).When(Add(goal)).ThenEvents({Added(goal)});
}

TEST(AddingAGoal, AddGoal_WithAPersonUnknownToTheHousehold_PersonNotInHousehold) {
  Spec()
      .Given({Drafted()})
      .When(Add(PersonGoal("g1", "person-elsewhere")))
      .ThenRejected(Kind::kFailedPrecondition, "PERSON_NOT_IN_HOUSEHOLD");
}

// =============================================================================================
// ChangeGoal
// =============================================================================================

PlanGoal ChangedGoal() {
  PlanGoal goal = Goal("g1", "FINANCIEN", "2027-06-30");
  goal.set_tier(hub::v1::SUPPORT_TIER_MAATWERK);
  *goal.mutable_agreements() = Sealed("new-agreements");
  return goal;
}

TEST(ChangingAGoal, ChangeGoal_InADraft_ChangesTheGoalInRevision1) {
  Spec().Given(DraftWithGoal()).When(Change(ChangedGoal())).ThenEvents({Changed(ChangedGoal())});
}

TEST(ChangingAGoal, ChangeGoal_InADraft_ReplacesTheGoalInPlace) {
  Plan expected = DraftState();
  *expected.add_goals() = ChangedGoal();
  *expected.add_goals() = Goal("g2");
  Spec().Given(With(DraftWithGoal(), {Added(Goal("g2"))})).When(Change(ChangedGoal())).ThenState(StateOf({expected}));
}

TEST(ChangingAGoal, ChangeGoal_ThatIsNotInThePlan_GoalNotFound) {
  Spec().Given(DraftWithGoal()).When(Change(Goal("g9"))).ThenRejected(Kind::kNotFound, "GOAL_NOT_FOUND");
}

TEST(ChangingAGoal, ChangeGoal_InAnAgreedPlan_OpensRevision2First) {
  Spec().Given(ActivePlan()).When(Change(ChangedGoal())).ThenEvents({RevisionOpened(2), Changed(ChangedGoal(), 2)});
}

TEST(ChangingAGoal, ChangeGoal_InAnOpenRevision_ChangesThatRevision) {
  Spec().Given(OpenRevision()).When(Change(ChangedGoal())).ThenEvents({Changed(ChangedGoal(), 2)});
}

TEST(ChangingAGoal, ChangeGoal_InAScaledDownPlan_PlanScaledDown) {
  Spec().Given(ScaledDownPlan()).When(Change(ChangedGoal())).ThenRejected(Kind::kFailedPrecondition, "PLAN_SCALED_DOWN");
}

TEST(ChangingAGoal, ChangeGoal_InAClosedPlan_PlanClosed) {
  Spec().Given(ClosedPlan()).When(Change(ChangedGoal())).ThenRejected(Kind::kFailedPrecondition, "PLAN_CLOSED");
}

TEST(ChangingAGoal, ChangeGoal_WithoutAPlan_PlanNotFound) {
  Spec().Given({}).When(Change(ChangedGoal())).ThenRejected(Kind::kNotFound, "PLAN_NOT_FOUND");
}

TEST(ChangingAGoal, ChangeGoal_ToATargetDateInThePast_IsInvalid) {
  Spec()
      .Given(DraftWithGoal())
      .When(Change(Goal("g1", "FINANCIEN", "2025-12-31")))
      .ThenRejected(Kind::kInvalidArgument, "goal.target_date");
}

TEST(ChangingAGoal, ChangeGoal_ToAnOrganisationNotServingTheMunicipality_ResponsibleUnknown) {
  Spec()
      .Given(DraftWithGoal())
      .When(Change(ChangedGoal(), /*organisation_known=*/false))
      .ThenRejected(Kind::kFailedPrecondition, "RESPONSIBLE_UNKNOWN");
}

TEST(ChangingAGoal, ChangeGoal_ToAPersonUnknownToTheHousehold_PersonNotInHousehold) {
  Spec()
      .Given(DraftWithGoal())
      .When(Change(PersonGoal("g1", "person-elsewhere")))
      .ThenRejected(Kind::kFailedPrecondition, "PERSON_NOT_IN_HOUSEHOLD");
}

// =============================================================================================
// DropGoal
// =============================================================================================

TEST(DroppingAGoal, DropGoal_InADraft_DropsTheGoal) {
  Spec().Given(DraftWithGoal()).When(Drop("g1")).ThenEvents({Dropped("g1")});
}

TEST(DroppingAGoal, DropGoal_InADraft_RemovesOnlyThatGoal) {
  Plan expected = DraftState();
  *expected.add_goals() = Goal("g1");
  *expected.add_goals() = Goal("g3");
  Spec()
      .Given(With(DraftWithGoal(), {Added(Goal("g2")), Added(Goal("g3"))}))
      .When(Drop("g2"))
      .ThenState(StateOf({expected}));
}

TEST(DroppingAGoal, DropGoal_ThatIsNotInThePlan_GoalNotFound) {
  Spec().Given(DraftWithGoal()).When(Drop("g9")).ThenRejected(Kind::kNotFound, "GOAL_NOT_FOUND");
}

TEST(DroppingAGoal, DropGoal_ThatWasDroppedAlready_GoalNotFound) {
  Spec().Given(With(DraftWithGoal(), {Dropped("g1")})).When(Drop("g1")).ThenRejected(Kind::kNotFound, "GOAL_NOT_FOUND");
}

TEST(DroppingAGoal, DropGoal_InAnAgreedPlan_OpensRevision2First) {
  Spec().Given(ActivePlan()).When(Drop("g1")).ThenEvents({RevisionOpened(2), Dropped("g1", 2)});
}

TEST(DroppingAGoal, DropGoal_InAScaledDownPlan_PlanScaledDown) {
  Spec().Given(ScaledDownPlan()).When(Drop("g1")).ThenRejected(Kind::kFailedPrecondition, "PLAN_SCALED_DOWN");
}

TEST(DroppingAGoal, DropGoal_InAClosedPlan_PlanClosed) {
  Spec().Given(ClosedPlan()).When(Drop("g1")).ThenRejected(Kind::kFailedPrecondition, "PLAN_CLOSED");
}

TEST(DroppingAGoal, DropGoal_InAnotherPlan_PlanNotFound) {
  Spec().Given(DraftWithGoal()).When(Drop("g1", "plan-9")).ThenRejected(Kind::kNotFound, "PLAN_NOT_FOUND");
}

TEST(DroppingAGoal, DropGoal_WithoutAGoalId_IsInvalid) {
  Spec().Given(DraftWithGoal()).When(Drop("")).ThenRejected(Kind::kInvalidArgument, "goal_id");
}

// =============================================================================================
// AgreePlan
// =============================================================================================

TEST(AgreeingAPlan, AgreePlan_ByAnAdultMemberAndTheCasusregisseur_AgreesWithTheFirstEvaluationAfterTheInterval) {
  Spec().Given(DraftWithGoal()).When(Agree()).ThenEvents({Agreed()});
}

TEST(AgreeingAPlan, AgreePlan_ByTheAttachedProcesregisseur_AgreesSignedByTheProcesregisseur) {
  Spec()
      .Given(With(DraftWithGoal(), {Started()}))
      .When(Agree(1, Procesregisseur()))
      .ThenEvents({Agreed(1, Procesregisseur())});
}

TEST(AgreeingAPlan, AgreePlan_AsRepresentative_RecordsThatTheSignerRepresentsTheHousehold) {
  AgreePlan c = Agree();
  c.as_representative = true;
  Event expected = Agreed();
  expected.mutable_plan_agreed()->set_as_representative(true);
  Spec().Given(DraftWithGoal()).When(c).ThenEvents({expected});
}

TEST(AgreeingAPlan, AgreePlan_WithAnotherInterval_PutsTheFirstEvaluationThatManyWeeksLater) {
  Spec()
      .Given({Drafted(kPlan, "m1", 2), Added(Goal("g1"))})
      .When(Agree())
      .ThenEvents({Agreed(1, Regisseur(), kToday, "2026-03-16")});
}

TEST(AgreeingAPlan, AgreePlan_Agreed_MakesThePlanActiveAndKeepsTheRevisionAsAgreed) {
  Spec().Given(DraftWithGoal()).When(Agree()).ThenState(StateOf({ActiveState()}));
}

TEST(AgreeingAPlan, AgreePlan_OfAnActivePlan_PlanNotDraft) {
  Spec().Given(ActivePlan()).When(Agree()).ThenRejected(Kind::kFailedPrecondition, "PLAN_NOT_DRAFT");
}

TEST(AgreeingAPlan, AgreePlan_OfAScaledDownPlan_PlanNotDraft) {
  Spec().Given(ScaledDownPlan()).When(Agree()).ThenRejected(Kind::kFailedPrecondition, "PLAN_NOT_DRAFT");
}

TEST(AgreeingAPlan, AgreePlan_OfAClosedPlan_PlanClosed) {
  Spec()
      .Given(With(DraftWithGoal(), {Closed("RESIDENT_DECLINED")}))
      .When(Agree())
      .ThenRejected(Kind::kFailedPrecondition, "PLAN_CLOSED");
}

TEST(AgreeingAPlan, AgreePlan_WithoutAPlan_PlanNotFound) {
  Spec().Given({}).When(Agree()).ThenRejected(Kind::kNotFound, "PLAN_NOT_FOUND");
}

TEST(AgreeingAPlan, AgreePlan_OfARevisionTheSignersDidNotRead_RevisionMismatch) {
  Spec().Given(OpenRevision()).When(Agree(1)).ThenRejected(Kind::kFailedPrecondition, "REVISION_MISMATCH");
  Spec().Given(DraftWithGoal()).When(Agree(2)).ThenRejected(Kind::kFailedPrecondition, "REVISION_MISMATCH");
}

TEST(AgreeingAPlan, AgreePlan_WithoutGoals_PlanHasNoGoals) {
  Spec().Given({Drafted()}).When(Agree()).ThenRejected(Kind::kFailedPrecondition, "PLAN_HAS_NO_GOALS");
  Spec()
      .Given(With(DraftWithGoal(), {Dropped("g1")}))
      .When(Agree())
      .ThenRejected(Kind::kFailedPrecondition, "PLAN_HAS_NO_GOALS");
}

TEST(AgreeingAPlan, AgreePlan_BySomeoneElseThanTheRegisseur_IsDenied) {
  const Actor others[] = {
      {kTeam, "casusregisseur", "u-collega"},         // another casusregisseur of the team
      {"jeugdteam", "casusregisseur", "u-regisseur"},  // the same pseudonym in another organisation
      {kTeam, "consulent", "u-regisseur"},             // the regisseur's user in another role
      {kTeam, "procesregisseur", "u-proces"},          // a procesregisseur while none is attached
  };
  for (const Actor& actor : others) {
    SCOPED_TRACE(actor.organisation_id + "/" + actor.role + "/" + actor.user_pseudonym);
    Spec().Given(DraftWithGoal()).When(Agree(1, actor)).ThenRejected(Kind::kPermissionDenied, "NOT_THE_REGISSEUR");
  }
}

TEST(AgreeingAPlan, AgreePlan_ByAProcesregisseurWhoIsNotTheAttachedOne_IsDenied) {
  Spec()
      .Given(With(DraftWithGoal(), {Started()}))
      .When(Agree(1, {kTeam, "procesregisseur", "u-ander"}))
      .ThenRejected(Kind::kPermissionDenied, "NOT_THE_REGISSEUR");
}

TEST(AgreeingAPlan, AgreePlan_ByTheProcesregisseurAfterRelease_IsDenied) {
  Spec()
      .Given(With(DraftWithGoal(), {Started(), Released()}))
      .When(Agree(1, Procesregisseur()))
      .ThenRejected(Kind::kPermissionDenied, "NOT_THE_REGISSEUR");
}

TEST(AgreeingAPlan, AgreePlan_WhileTheCasusregisseurIsUnderProcesregie_CasusregisseurStillAgrees) {
  Spec().Given(With(DraftWithGoal(), {Started()})).When(Agree()).ThenEvents({Agreed()});
}

TEST(AgreeingAPlan, AgreePlan_WithoutACasusregisseurOrProcesregisseur_NoRegisseur) {
  AgreePlan c = Agree();
  c.household = HouseholdWithoutRegisseur();
  Spec().Given(DraftWithGoal()).When(c).ThenRejected(Kind::kFailedPrecondition, "NO_REGISSEUR");
}

TEST(AgreeingAPlan, AgreePlan_WithoutACasusregisseurButUnderProcesregie_TheProcesregisseurAgrees) {
  AgreePlan c = Agree(1, Procesregisseur());
  c.household = HouseholdWithoutRegisseur();
  Spec().Given(With(DraftWithGoal(), {Started()})).When(c).ThenEvents({Agreed(1, Procesregisseur())});
}

TEST(AgreeingAPlan, AgreePlan_WithoutACasusregisseurButUnderProcesregie_AnyoneElseIsDenied) {
  AgreePlan c = Agree();
  c.household = HouseholdWithoutRegisseur();
  Spec().Given(With(DraftWithGoal(), {Started()})).When(c).ThenRejected(Kind::kPermissionDenied, "NOT_THE_REGISSEUR");
}

TEST(AgreeingAPlan, AgreePlan_SignedBySomeoneOutsideTheHousehold_PersonNotInHousehold) {
  Spec()
      .Given(DraftWithGoal())
      .When(Agree(1, Regisseur(), "person-elsewhere"))
      .ThenRejected(Kind::kFailedPrecondition, "PERSON_NOT_IN_HOUSEHOLD");
}

TEST(AgreeingAPlan, AgreePlan_SignedByANetworkPerson_PersonNotInHousehold) {
  Spec()
      .Given(DraftWithGoal())
      .When(Agree(1, Regisseur(), "person-henk"))
      .ThenRejected(Kind::kFailedPrecondition, "PERSON_NOT_IN_HOUSEHOLD");
}

TEST(AgreeingAPlan, AgreePlan_SignedByAChild_SignerUnder18) {
  Spec()
      .Given(DraftWithGoal())
      .When(Agree(1, Regisseur(), "person-bram"))
      .ThenRejected(Kind::kFailedPrecondition, "SIGNER_UNDER_18");
}

TEST(AgreeingAPlan, AgreePlan_SignedTheDayBeforeTheSigners18thBirthday_SignerUnder18) {
  AgreePlan c = Agree(1, Regisseur(), "person-dewi");
  c.household = HouseholdWithMemberBornOn("2008-03-03");
  Spec().Given(DraftWithGoal()).When(c).ThenRejected(Kind::kFailedPrecondition, "SIGNER_UNDER_18");
}

TEST(AgreeingAPlan, AgreePlan_SignedOnTheSigners18thBirthday_Agrees) {
  AgreePlan c = Agree(1, Regisseur(), "person-dewi");
  c.household = HouseholdWithMemberBornOn("2008-03-02");
  Spec()
      .Given(DraftWithGoal())
      .When(c)
      .ThenEvents({Agreed(1, Regisseur(), kToday, kFirstEvaluation, "person-dewi")});
}

TEST(AgreeingAPlan, AgreePlan_WithoutASigner_IsInvalid) {
  Spec().Given(DraftWithGoal()).When(Agree(1, Regisseur(), "")).ThenRejected(Kind::kInvalidArgument, "resident_person_id");
}

// =============================================================================================
// Revisions
// =============================================================================================

TEST(RevisingAnAgreedPlan, RevisionOpened_MakesTheWorkingRevisionADraftWhileRevision1StaysInForce) {
  Plan expected = ActiveState();
  expected.set_status(hub::v1::PLAN_STATUS_DRAFT);
  expected.set_status_in_force(hub::v1::PLAN_STATUS_ACTIVE);
  expected.set_revision(2);
  *expected.add_goals() = Goal("g2");
  Spec().Given(ActivePlan()).When(Add(Goal("g2"))).ThenState(StateOf({expected}));
}

TEST(RevisingAnAgreedPlan, AgreePlan_OfTheOpenRevision_AgreesRevision2) {
  Spec()
      .Given(OpenRevision())
      .When(Agree(2, Regisseur(), "person-anna", kLater))
      .ThenEvents({Agreed(2, Regisseur(), kLater, kLaterEvaluation)});
}

TEST(RevisingAnAgreedPlan, AgreePlan_OfRevision2_KeepsRevision1ReadableInTheHistoryAndMakesThePlanActive) {
  Plan expected = ActiveState();
  *expected.add_goals() = Goal("g2");
  expected.set_revision(2);
  expected.set_agreed_revision(2);
  *expected.add_history() = AgreedRevisionOf(2, {Goal("g1"), Goal("g2")}, Agreed(2, Regisseur(), kLater, kLaterEvaluation));
  expected.set_next_evaluation_on(std::string(kLaterEvaluation));
  Spec().Given(OpenRevision()).When(Agree(2, Regisseur(), "person-anna", kLater)).ThenState(StateOf({expected}));
}

TEST(RevisingAnAgreedPlan, AgreePlan_OfRevision2WhereAGoalWasChanged_KeepsTheOldGoalInRevision1) {
  Plan expected = ActiveState();
  *expected.mutable_goals(0) = ChangedGoal();
  expected.set_revision(2);
  expected.set_agreed_revision(2);
  *expected.add_history() = AgreedRevisionOf(2, {ChangedGoal()}, Agreed(2, Regisseur(), kLater, kLaterEvaluation));
  expected.set_next_evaluation_on(std::string(kLaterEvaluation));
  Spec()
      .Given(With(ActivePlan(), {RevisionOpened(2), Changed(ChangedGoal(), 2)}))
      .When(Agree(2, Regisseur(), "person-anna", kLater))
      .ThenState(StateOf({expected}));
}

TEST(RevisingAnAgreedPlan, AgreedRevision2_ThenAChange_OpensRevision3) {
  Spec()
      .Given(With(OpenRevision(), {Agreed(2, Regisseur(), kLater, kLaterEvaluation)}))
      .When(Drop("g1"))
      .ThenEvents({RevisionOpened(3), Dropped("g1", 3)});
}

TEST(RevisingAnAgreedPlan, WhileARevisionIsOpen_AGoalOnlyInTheNewRevisionIsNotEvaluated_GoalNotFound) {
  Spec().Given(OpenRevision()).When(Evaluate("g2")).ThenRejected(Kind::kNotFound, "GOAL_NOT_FOUND");
}

TEST(RevisingAnAgreedPlan, WhileARevisionIsOpen_AGoalOfTheRevisionInForceIsEvaluated) {
  Spec().Given(OpenRevision()).When(Evaluate("g1")).ThenEvents({Evaluated("g1")});
}

TEST(RevisingAnAgreedPlan, WhileARevisionDroppingAGoalIsOpen_TheDroppedGoalIsStillEvaluated) {
  Spec()
      .Given(With(ActivePlan(), {RevisionOpened(2), Dropped("g1", 2)}))
      .When(Evaluate("g1"))
      .ThenEvents({Evaluated("g1")});
}

TEST(RevisingAnAgreedPlan, WhileARevisionIsOpen_ThePlanIsNotScaledDown_PlanNotActive) {
  Spec().Given(OpenRevision()).When(ScaleDownBy()).ThenRejected(Kind::kFailedPrecondition, "PLAN_NOT_ACTIVE");
}

// =============================================================================================
// RecordEvaluation
// =============================================================================================

TEST(EvaluatingAPlan, RecordEvaluation_WithoutANextDate_PlansTheNextEvaluationAfterTheInterval) {
  Spec().Given(ActivePlan()).When(Evaluate()).ThenEvents({Evaluated()});
}

TEST(EvaluatingAPlan, RecordEvaluation_WithANextDate_PlansTheNextEvaluationThen) {
  Spec().Given(ActivePlan()).When(Evaluate("g1", D("2026-03-03"))).ThenEvents({Evaluated("g1", "2026-03-03")});
}

TEST(EvaluatingAPlan, RecordEvaluation_Recorded_KeepsTheLatestEvaluationPerGoalAndTheNextDate) {
  Plan expected = ActiveState();
  *expected.add_goals() = Goal("g2");
  expected.set_revision(2);
  expected.set_agreed_revision(2);
  *expected.add_history() = AgreedRevisionOf(2, {Goal("g1"), Goal("g2")}, Agreed(2));
  (*expected.mutable_last_evaluations())["g1"] = Evaluated("g1", "2026-04-01", kToday, 4).evaluation_recorded();
  (*expected.mutable_last_evaluations())["g2"] = Evaluated("g2", "2026-05-01").evaluation_recorded();
  expected.set_next_evaluation_on("2026-05-01");
  Spec()
      .Given(With(OpenRevision(), {Agreed(2), Evaluated("g1", "2026-03-20", kToday, 2),
                                   Evaluated("g1", "2026-04-01", kToday, 4)}))
      .When(Evaluate("g2", D("2026-05-01")))
      .ThenState(StateOf({expected}));
}

TEST(EvaluatingAPlan, RecordEvaluation_OfADraft_PlanNotAgreed) {
  Spec().Given(DraftWithGoal()).When(Evaluate()).ThenRejected(Kind::kFailedPrecondition, "PLAN_NOT_AGREED");
}

TEST(EvaluatingAPlan, RecordEvaluation_OfAScaledDownPlan_IsRecorded) {
  Spec().Given(ScaledDownPlan()).When(Evaluate()).ThenEvents({Evaluated()});
}

TEST(EvaluatingAPlan, RecordEvaluation_OfAClosedPlan_PlanClosed) {
  Spec().Given(ClosedPlan()).When(Evaluate()).ThenRejected(Kind::kFailedPrecondition, "PLAN_CLOSED");
}

TEST(EvaluatingAPlan, RecordEvaluation_WithoutAPlan_PlanNotFound) {
  Spec().Given({}).When(Evaluate()).ThenRejected(Kind::kNotFound, "PLAN_NOT_FOUND");
}

TEST(EvaluatingAPlan, RecordEvaluation_OfAGoalNotInThePlan_GoalNotFound) {
  Spec().Given(ActivePlan()).When(Evaluate("g9")).ThenRejected(Kind::kNotFound, "GOAL_NOT_FOUND");
}

TEST(EvaluatingAPlan, RecordEvaluation_WithAZrmScoreOutside1To5_IsInvalid) {
  for (int32_t score : {-1, 0, 6}) {
    SCOPED_TRACE(score);
    Spec().Given(ActivePlan()).When(EvaluateWithScore(score)).ThenRejected(Kind::kInvalidArgument, "zrm_score");
  }
}

TEST(EvaluatingAPlan, RecordEvaluation_WithAZrmScoreOf1Or5_IsRecorded) {
  for (int32_t score : {1, 5}) {
    SCOPED_TRACE(score);
    Spec()
        .Given(ActivePlan())
        .When(EvaluateWithScore(score))
        .ThenEvents({Evaluated("g1", kFirstEvaluation, kToday, score)});
  }
}

TEST(EvaluatingAPlan, RecordEvaluation_WithoutProgress_IsInvalid) {
  RecordEvaluation c = Evaluate();
  c.progress = hub::v1::GOAL_PROGRESS_UNSPECIFIED;
  Spec().Given(ActivePlan()).When(c).ThenRejected(Kind::kInvalidArgument, "progress");
  c.progress = static_cast<hub::v1::GoalProgress>(42);
  Spec().Given(ActivePlan()).When(c).ThenRejected(Kind::kInvalidArgument, "progress");
}

TEST(EvaluatingAPlan, RecordEvaluation_WithTheNextEvaluationTodayOrEarlier_IsInvalid) {
  for (std::string_view next : {kToday, std::string_view("2026-03-01")}) {
    SCOPED_TRACE(next);
    Spec().Given(ActivePlan()).When(Evaluate("g1", D(next))).ThenRejected(Kind::kInvalidArgument, "next_evaluation_on");
  }
}

TEST(EvaluatingAPlan, RecordEvaluation_WithoutAGoalId_IsInvalid) {
  Spec().Given(ActivePlan()).When(Evaluate("")).ThenRejected(Kind::kInvalidArgument, "goal_id");
}

// =============================================================================================
// ScaleDown
// =============================================================================================

TEST(ScalingDownAPlan, ScaleDown_ByTheCasusregisseur_ScalesDownTheActivePlan) {
  Spec().Given(ActivePlan()).When(ScaleDownBy()).ThenEvents({ScaledDown()});
}

TEST(ScalingDownAPlan, ScaleDown_ByTheAttachedProcesregisseur_ScalesDown) {
  Spec().Given(UnderProcesregie()).When(ScaleDownBy(Procesregisseur())).ThenEvents({ScaledDown()});
}

TEST(ScalingDownAPlan, ScaleDown_ScaledDown_KeepsTheReasonAndTheAgreedRevision) {
  Plan expected = ActiveState();
  expected.set_status(hub::v1::PLAN_STATUS_SCALED_DOWN);
  *expected.mutable_scale_down_reason() = Sealed("scale-down");
  Spec().Given(ActivePlan()).When(ScaleDownBy()).ThenState(StateOf({expected}));
}

TEST(ScalingDownAPlan, ScaleDown_OfADraft_PlanNotActive) {
  Spec().Given(DraftWithGoal()).When(ScaleDownBy()).ThenRejected(Kind::kFailedPrecondition, "PLAN_NOT_ACTIVE");
}

TEST(ScalingDownAPlan, ScaleDown_OfAScaledDownPlan_PlanNotActive) {
  Spec().Given(ScaledDownPlan()).When(ScaleDownBy()).ThenRejected(Kind::kFailedPrecondition, "PLAN_NOT_ACTIVE");
}

TEST(ScalingDownAPlan, ScaleDown_OfAClosedPlan_PlanClosed) {
  Spec().Given(ClosedPlan()).When(ScaleDownBy()).ThenRejected(Kind::kFailedPrecondition, "PLAN_CLOSED");
}

TEST(ScalingDownAPlan, ScaleDown_BySomeoneElseThanTheRegisseur_IsDenied) {
  Spec()
      .Given(ActivePlan())
      .When(ScaleDownBy({kTeam, "casusregisseur", "u-collega"}))
      .ThenRejected(Kind::kPermissionDenied, "NOT_THE_REGISSEUR");
}

TEST(ScalingDownAPlan, ScaleDown_WithoutAnyRegisseur_NoRegisseur) {
  Spec()
      .Given(ActivePlan())
      .When(ScaleDownBy(Regisseur(), HouseholdWithoutRegisseur()))
      .ThenRejected(Kind::kFailedPrecondition, "NO_REGISSEUR");
}

TEST(ScalingDownAPlan, ScaleDown_WithoutSayingHow_IsInvalid) {
  ScaleDown c = ScaleDownBy();
  c.reason = hub::v1::SealedValue();
  Spec().Given(ActivePlan()).When(c).ThenRejected(Kind::kInvalidArgument, "reason");
}

// =============================================================================================
// ClosePlan
// =============================================================================================

TEST(ClosingAPlan, ClosePlan_WithEachKnownReason_ClosesThePlan) {
  for (const char* reason : {"GOALS_ACHIEVED", "MOVED", "RESIDENT_DECLINED", "TRANSFERRED", "OTHER"}) {
    SCOPED_TRACE(reason);
    Spec().Given(ActivePlan()).When(Close(reason)).ThenEvents({Closed(reason)});
  }
}

TEST(ClosingAPlan, ClosePlan_OfADraft_ClosesIt) {
  Spec().Given(DraftWithGoal()).When(Close("RESIDENT_DECLINED")).ThenEvents({Closed("RESIDENT_DECLINED")});
}

TEST(ClosingAPlan, ClosePlan_OfAScaledDownPlan_ClosesIt) {
  Spec().Given(ScaledDownPlan()).When(Close()).ThenEvents({Closed()});
}

TEST(ClosingAPlan, ClosePlan_ByTheAttachedProcesregisseur_ClosesIt) {
  Spec().Given(UnderProcesregie()).When(Close("TRANSFERRED", Procesregisseur())).ThenEvents({Closed("TRANSFERRED")});
}

TEST(ClosingAPlan, ClosePlan_Closed_KeepsThePlanWithItsReasonAndDay) {
  Plan expected = ActiveState();
  expected.set_status(hub::v1::PLAN_STATUS_CLOSED);
  expected.set_closed_reason("MOVED");
  expected.set_closed_on(std::string(kToday));
  Spec().Given(ActivePlan()).When(Close("MOVED")).ThenState(StateOf({expected}));
}

TEST(ClosingAPlan, ClosePlan_WithAnUnknownReason_IsInvalid) {
  for (const char* reason : {"", "BORED", "goals_achieved", "SOLVED_IN_OWN_NETWORK"}) {
    SCOPED_TRACE(reason);
    Spec().Given(ActivePlan()).When(Close(reason)).ThenRejected(Kind::kInvalidArgument, "reason");
  }
}

TEST(ClosingAPlan, ClosePlan_ThatIsClosedAlready_PlanClosed) {
  Spec().Given(ClosedPlan()).When(Close()).ThenRejected(Kind::kFailedPrecondition, "PLAN_CLOSED");
}

TEST(ClosingAPlan, ClosePlan_WithoutAPlan_PlanNotFound) {
  Spec().Given({}).When(Close()).ThenRejected(Kind::kNotFound, "PLAN_NOT_FOUND");
}

TEST(ClosingAPlan, ClosePlan_BySomeoneElseThanTheRegisseur_IsDenied) {
  Spec()
      .Given(ActivePlan())
      .When(Close("GOALS_ACHIEVED", {"org-fermwerk", "consulent", "u-fermwerk"}))
      .ThenRejected(Kind::kPermissionDenied, "NOT_THE_REGISSEUR");
}

TEST(ClosingAPlan, ClosePlan_WithoutAnyRegisseur_NoRegisseur) {
  Spec()
      .Given(ActivePlan())
      .When(Close("GOALS_ACHIEVED", Regisseur(), HouseholdWithoutRegisseur()))
      .ThenRejected(Kind::kFailedPrecondition, "NO_REGISSEUR");
}

// =============================================================================================
// EscalateToProcesregie
// =============================================================================================

TEST(EscalatingToProcesregie, Escalate_AHouseholdWithAnOpenPlan_StartsProcesregie) {
  Spec().Given(ActivePlan()).When(Escalate()).ThenEvents({Started()});
}

TEST(EscalatingToProcesregie, Escalate_AHouseholdWithADraftPlan_StartsProcesregie) {
  Spec().Given(DraftWithGoal()).When(Escalate()).ThenEvents({Started()});
}

TEST(EscalatingToProcesregie, Escalate_Started_AttachesAnActiveEpisode) {
  PlanState expected = StateOf({ActiveState()});
  *expected.add_procesregie()->mutable_started() = Started().procesregie_started();
  Spec().Given(ActivePlan()).When(Escalate()).ThenState(expected);
}

TEST(EscalatingToProcesregie, Escalate_WhileUnderProcesregie_ProcesregieActive) {
  Spec().Given(UnderProcesregie()).When(Escalate("esc-2")).ThenRejected(Kind::kFailedPrecondition, "PROCESREGIE_ACTIVE");
}

TEST(EscalatingToProcesregie, Escalate_AfterTheEarlierProcesregieWasReleased_StartsANewEpisode) {
  Spec()
      .Given(With(UnderProcesregie(), {Released()}))
      .When(Escalate("esc-2", "u-proces-2"))
      .ThenEvents({Started("esc-2", "u-proces-2")});
}

TEST(EscalatingToProcesregie, Escalate_WithoutAPlan_NoOpenPlan) {
  Spec().Given({}).When(Escalate()).ThenRejected(Kind::kFailedPrecondition, "NO_OPEN_PLAN");
}

TEST(EscalatingToProcesregie, Escalate_WhenThePlanIsClosed_NoOpenPlan) {
  Spec().Given(ClosedPlan()).When(Escalate()).ThenRejected(Kind::kFailedPrecondition, "NO_OPEN_PLAN");
}

TEST(EscalatingToProcesregie, Escalate_WithoutAReason_IsInvalid) {
  EscalateToProcesregie c = Escalate();
  c.reason = hub::v1::ESCALATION_REASON_UNSPECIFIED;
  Spec().Given(ActivePlan()).When(c).ThenRejected(Kind::kInvalidArgument, "reason");
}

TEST(EscalatingToProcesregie, Escalate_WithoutAnExplanation_IsInvalid) {
  EscalateToProcesregie c = Escalate();
  c.explanation.clear_ciphertext();
  Spec().Given(ActivePlan()).When(c).ThenRejected(Kind::kInvalidArgument, "explanation");
}

TEST(EscalatingToProcesregie, Escalate_WithoutAProcesregisseurOrganisation_IsInvalid) {
  EscalateToProcesregie c = Escalate();
  c.procesregisseur_organisation_id.clear();
  Spec().Given(ActivePlan()).When(c).ThenRejected(Kind::kInvalidArgument, "procesregisseur_organisation_id");
}

TEST(EscalatingToProcesregie, Escalate_WithoutAProcesregisseurUser_IsInvalid) {
  Spec().Given(ActivePlan()).When(Escalate("esc-1", "")).ThenRejected(Kind::kInvalidArgument, "procesregisseur_user_pseudonym");
}

TEST(EscalatingToProcesregie, Escalate_WithoutAnEscalationId_IsInvalid) {
  Spec().Given(ActivePlan()).When(Escalate("")).ThenRejected(Kind::kInvalidArgument, "escalation_id");
}

TEST(EscalatingToProcesregie, Escalate_ToAnOrganisationWithoutProcesregisseurs_NotAProcesregisseur) {
  EscalateToProcesregie c = Escalate();
  c.procesregisseur_organisation_id = "org-fermwerk";
  c.organisation_may_be_procesregisseur = false;
  Spec().Given(ActivePlan()).When(c).ThenRejected(Kind::kFailedPrecondition, "NOT_A_PROCESREGISSEUR");
}

// =============================================================================================
// IssueDirective
// =============================================================================================

TEST(IssuingADirective, IssueDirective_ByTheAttachedProcesregisseur_BindsTheOrganisation) {
  Spec().Given(UnderProcesregie()).When(Issue()).ThenEvents({Issued()});
}

TEST(IssuingADirective, IssueDirective_Issued_IsAnOpenDirectiveOfTheActiveEpisode) {
  PlanState expected = StateOf({ActiveState()});
  auto* episode = expected.add_procesregie();
  *episode->mutable_started() = Started().procesregie_started();
  *episode->add_directives()->mutable_issued() = Issued().directive_issued();
  Spec().Given(UnderProcesregie()).When(Issue()).ThenState(expected);
}

TEST(IssuingADirective, IssueDirective_InASecondEpisode_BelongsToThatEpisode) {
  Spec()
      .Given(With(UnderProcesregie(), {Released(), Started("esc-2")}))
      .When(Issue("dir-2"))
      .ThenEvents({Issued("dir-2", "esc-2")});
}

TEST(IssuingADirective, IssueDirective_WithoutProcesregie_NotUnderProcesregie) {
  Spec().Given(ActivePlan()).When(Issue()).ThenRejected(Kind::kFailedPrecondition, "NOT_UNDER_PROCESREGIE");
}

TEST(IssuingADirective, IssueDirective_AfterRelease_NotUnderProcesregie) {
  Spec()
      .Given(With(UnderProcesregie(), {Released()}))
      .When(Issue())
      .ThenRejected(Kind::kFailedPrecondition, "NOT_UNDER_PROCESREGIE");
}

TEST(IssuingADirective, IssueDirective_ByTheCasusregisseur_NotTheProcesregisseur) {
  Spec().Given(UnderProcesregie()).When(Issue("dir-1", Regisseur())).ThenRejected(Kind::kPermissionDenied, "NOT_THE_PROCESREGISSEUR");
}

TEST(IssuingADirective, IssueDirective_ByAnotherProcesregisseur_NotTheProcesregisseur) {
  Spec()
      .Given(UnderProcesregie())
      .When(Issue("dir-1", {kTeam, "procesregisseur", "u-ander"}))
      .ThenRejected(Kind::kPermissionDenied, "NOT_THE_PROCESREGISSEUR");
}

TEST(IssuingADirective, IssueDirective_ToAnOrganisationNotServingTheMunicipality_ResponsibleUnknown) {
  IssueDirective c = Issue();
  c.organisation_known = false;
  Spec().Given(UnderProcesregie()).When(c).ThenRejected(Kind::kFailedPrecondition, "RESPONSIBLE_UNKNOWN");
}

TEST(IssuingADirective, IssueDirective_DueTodayOrEarlier_IsInvalid) {
  for (std::string_view due : {kToday, std::string_view("2026-02-27")}) {
    SCOPED_TRACE(due);
    Spec().Given(UnderProcesregie()).When(Issue("dir-1", Procesregisseur(), due)).ThenRejected(Kind::kInvalidArgument, "due_on");
  }
}

TEST(IssuingADirective, IssueDirective_DueTomorrow_IsIssued) {
  Spec()
      .Given(UnderProcesregie())
      .When(Issue("dir-1", Procesregisseur(), "2026-03-03"))
      .ThenEvents({Issued("dir-1", "esc-1", "2026-03-03")});
}

TEST(IssuingADirective, IssueDirective_WithoutAnAction_IsInvalid) {
  IssueDirective c = Issue();
  c.action.clear_ciphertext();
  Spec().Given(UnderProcesregie()).When(c).ThenRejected(Kind::kInvalidArgument, "action");
}

TEST(IssuingADirective, IssueDirective_WithoutAnOrganisation_IsInvalid) {
  IssueDirective c = Issue();
  c.organisation_id.clear();
  Spec().Given(UnderProcesregie()).When(c).ThenRejected(Kind::kInvalidArgument, "organisation_id");
}

TEST(IssuingADirective, IssueDirective_WithAnIdIssuedBefore_DirectiveExists) {
  Spec().Given(With(UnderProcesregie(), {Issued()})).When(Issue()).ThenRejected(Kind::kAlreadyExists, "DIRECTIVE_EXISTS");
}

// =============================================================================================
// CompleteDirective
// =============================================================================================

TEST(CompletingADirective, CompleteDirective_ByTheBoundOrganisation_CompletesIt) {
  Spec().Given(With(UnderProcesregie(), {Issued()})).When(Complete()).ThenEvents({Completed()});
}

TEST(CompletingADirective, CompleteDirective_Completed_RecordsTheDayOnTheDirective) {
  PlanState expected = StateOf({ActiveState()});
  auto* episode = expected.add_procesregie();
  *episode->mutable_started() = Started().procesregie_started();
  auto* open = episode->add_directives();
  *open->mutable_issued() = Issued().directive_issued();
  auto* done = episode->add_directives();
  *done->mutable_issued() = Issued("dir-2").directive_issued();
  done->set_completed_on(std::string(kToday));
  Spec().Given(With(UnderProcesregie(), {Issued(), Issued("dir-2")})).When(Complete("dir-2")).ThenState(expected);
}

TEST(CompletingADirective, CompleteDirective_OfAnEarlierEpisode_CompletesIt) {
  Spec()
      .Given(With(UnderProcesregie(), {Issued(), Released(), Started("esc-2")}))
      .When(Complete())
      .ThenEvents({Completed()});
}

TEST(CompletingADirective, CompleteDirective_ThatWasNeverIssued_DirectiveNotFound) {
  Spec().Given(With(UnderProcesregie(), {Issued()})).When(Complete("dir-9")).ThenRejected(Kind::kNotFound, "DIRECTIVE_NOT_FOUND");
  Spec().Given({}).When(Complete()).ThenRejected(Kind::kNotFound, "DIRECTIVE_NOT_FOUND");
}

TEST(CompletingADirective, CompleteDirective_ThatIsDoneAlready_DirectiveCompleted) {
  Spec()
      .Given(With(UnderProcesregie(), {Issued(), Completed()}))
      .When(Complete())
      .ThenRejected(Kind::kFailedPrecondition, "DIRECTIVE_COMPLETED");
}

TEST(CompletingADirective, CompleteDirective_ByAnotherOrganisation_NotTheBoundOrganisation) {
  Spec()
      .Given(With(UnderProcesregie(), {Issued()}))
      .When(Complete("dir-1", kTeam))
      .ThenRejected(Kind::kPermissionDenied, "NOT_THE_BOUND_ORGANISATION");
}

TEST(CompletingADirective, CompleteDirective_WithoutADirectiveId_IsInvalid) {
  Spec().Given(With(UnderProcesregie(), {Issued()})).When(Complete("")).ThenRejected(Kind::kInvalidArgument, "directive_id");
}

// =============================================================================================
// ReleaseProcesregie
// =============================================================================================

TEST(ReleasingProcesregie, ReleaseProcesregie_ByTheAttachedProcesregisseur_ReleasesTheEpisode) {
  Spec().Given(UnderProcesregie()).When(Release()).ThenEvents({Released()});
}

TEST(ReleasingProcesregie, ReleaseProcesregie_Released_KeepsTheEpisodeWithItsDirectivesInTheHistory) {
  PlanState expected = StateOf({ActiveState()});
  auto* episode = expected.add_procesregie();
  *episode->mutable_started() = Started().procesregie_started();
  *episode->add_directives()->mutable_issued() = Issued().directive_issued();
  episode->set_released_on(std::string(kToday));
  *episode->mutable_release_explanation() = Sealed("moving-again");
  Spec().Given(With(UnderProcesregie(), {Issued()})).When(Release()).ThenState(expected);
}

TEST(ReleasingProcesregie, ReleaseProcesregie_WithoutProcesregie_NotUnderProcesregie) {
  Spec().Given(ActivePlan()).When(Release()).ThenRejected(Kind::kFailedPrecondition, "NOT_UNDER_PROCESREGIE");
  Spec()
      .Given(With(UnderProcesregie(), {Released()}))
      .When(Release())
      .ThenRejected(Kind::kFailedPrecondition, "NOT_UNDER_PROCESREGIE");
}

TEST(ReleasingProcesregie, ReleaseProcesregie_ByTheCasusregisseur_NotTheProcesregisseur) {
  Spec().Given(UnderProcesregie()).When(Release(Regisseur())).ThenRejected(Kind::kPermissionDenied, "NOT_THE_PROCESREGISSEUR");
}

TEST(ReleasingProcesregie, ReleaseProcesregie_WithoutAnExplanation_IsInvalid) {
  ReleaseProcesregie c = Release();
  c.explanation = hub::v1::SealedValue();
  Spec().Given(UnderProcesregie()).When(c).ThenRejected(Kind::kInvalidArgument, "explanation");
}

// =============================================================================================
// Evolve
// =============================================================================================

TEST(EvolvingPlanState, TwoProcesregieEpisodes_AreKeptOldestFirstWithOnlyTheLastActive) {
  PlanState expected = StateOf({ActiveState()});
  auto* first = expected.add_procesregie();
  *first->mutable_started() = Started().procesregie_started();
  auto* directive = first->add_directives();
  *directive->mutable_issued() = Issued().directive_issued();
  directive->set_completed_on(std::string(kToday));
  first->set_released_on(std::string(kToday));
  *first->mutable_release_explanation() = Sealed("moving-again");
  auto* second = expected.add_procesregie();
  *second->mutable_started() = Started("esc-2", "u-proces-2").procesregie_started();
  *second->add_directives()->mutable_issued() = Issued("dir-2", "esc-2").directive_issued();

  const std::vector<Event> history = With(
      UnderProcesregie(), {Issued(), Completed(), Released(), Started("esc-2", "u-proces-2"), Issued("dir-2", "esc-2")});
  Spec().Given(history).ThenState(expected);

  const PlanState state = es::Fold<PlanDecider>(history);
  ASSERT_NE(ActiveProcesregie(state), nullptr);
  EXPECT_EQ(ActiveProcesregie(state)->started().escalation_id(), "esc-2");
}

TEST(EvolvingPlanState, EventsForAnUnknownPlanGoalOrEpisode_AreIgnored) {
  const std::vector<Event> strays = {
      Added(Goal("g9"), 1, "plan-9"),  Changed(Goal("g1"), 1, "plan-9"), Dropped("g1", 1, "plan-9"),
      RevisionOpened(5, "plan-9"),     Changed(Goal("g9")),               Dropped("g9"),
      Closed("MOVED", "plan-9"),       Issued("dir-9", "esc-9"),          Completed("dir-9"),
      Released("esc-9"),
  };
  for (const Event& stray : strays) {
    SCOPED_TRACE(stray.ShortDebugString());
    Spec().Given(With(ActivePlan(), {stray})).ThenState(StateOf({ActiveState()}));
  }
}

TEST(EvolvingPlanState, PlanEventsWithoutAnyPlan_AreIgnored) {
  const std::vector<Event> strays = {Added(Goal("g1")), Agreed(), Evaluated(), ScaledDown(), Closed(), Completed(),
                                     Released()};
  for (const Event& stray : strays) {
    SCOPED_TRACE(stray.ShortDebugString());
    Spec().Given({stray}).ThenState(PlanState());
  }
}

TEST(EvolvingPlanState, AnEventWithNoCaseSet_LeavesTheStateUnchanged) {
  Spec().Given(With(ActivePlan(), {Event{}})).ThenState(StateOf({ActiveState()}));
}

TEST(EvolvingPlanState, AWholePlanDecidedCommandByCommand_FoldsToTheSameStateAsItsEvents) {
  const std::vector<PlanDecider::Command> commands = {
      Draft(),          Add(Goal("g1")),
      Agree(),          Evaluate("g1", D("2026-03-20")),
      Escalate(),       Issue(),
      Complete(),       Release(),
      Add(Goal("g2")),  Agree(2, Regisseur(), "person-anna", kLater),
      ScaleDownBy(),    Close("GOALS_ACHIEVED"),
  };
  PlanState state = PlanDecider::Initial();
  for (const auto& command : commands) {
    auto decision = PlanDecider::Decide(command, state);
    ASSERT_TRUE(decision.accepted()) << decision.rejection().reason << " " << decision.rejection().field;
    for (const auto& e : decision.events()) state = PlanDecider::Evolve(std::move(state), e);
  }
  const PlanState expected = es::Fold<PlanDecider>(
      {Drafted(), Added(Goal("g1")), Agreed(), Evaluated("g1", "2026-03-20"), Started(), Issued(), Completed(),
       Released(), RevisionOpened(2), Added(Goal("g2"), 2), Agreed(2, Regisseur(), kLater, kLaterEvaluation),
       ScaledDown(), Closed()});
  EXPECT_TRUE(es::testing::SameValue(expected, state));
  ASSERT_EQ(state.plans_size(), 1);
  EXPECT_EQ(state.plans(0).status(), hub::v1::PLAN_STATUS_CLOSED);
  ASSERT_EQ(state.plans(0).history_size(), 2);
  EXPECT_EQ(state.plans(0).history(0).goals_size(), 1);
  EXPECT_EQ(state.plans(0).history(1).goals_size(), 2);
}

// =============================================================================================
// OpenPlan, ActiveProcesregie, IsClosePlanReason
// =============================================================================================

TEST(PlanQueries, OpenPlan_IsTheLastPlanUnlessItIsClosed) {
  EXPECT_EQ(OpenPlan(PlanState()), nullptr);
  EXPECT_EQ(OpenPlan(es::Fold<PlanDecider>(ClosedPlan())), nullptr);
  const PlanState scaled_down = es::Fold<PlanDecider>(ScaledDownPlan());
  ASSERT_NE(OpenPlan(scaled_down), nullptr);
  EXPECT_EQ(OpenPlan(scaled_down)->plan_id(), kPlan);
  const PlanState second = es::Fold<PlanDecider>(With(ClosedPlan(), {Drafted("plan-2")}));
  ASSERT_NE(OpenPlan(second), nullptr);
  EXPECT_EQ(OpenPlan(second)->plan_id(), "plan-2");
}

TEST(PlanQueries, ActiveProcesregie_IsTheLastEpisodeUntilItIsReleased) {
  EXPECT_EQ(ActiveProcesregie(PlanState()), nullptr);
  const PlanState active = es::Fold<PlanDecider>(UnderProcesregie());
  ASSERT_NE(ActiveProcesregie(active), nullptr);
  EXPECT_EQ(ActiveProcesregie(active)->started().escalation_id(), "esc-1");
  EXPECT_EQ(ActiveProcesregie(es::Fold<PlanDecider>(With(UnderProcesregie(), {Released()}))), nullptr);
}

TEST(PlanQueries, IsClosePlanReason_KnowsExactlyTheFiveReasons) {
  for (const char* reason : {"GOALS_ACHIEVED", "MOVED", "RESIDENT_DECLINED", "TRANSFERRED", "OTHER"}) {
    EXPECT_TRUE(IsClosePlanReason(reason)) << reason;
  }
  for (const char* reason : {"", "moved", "WITHDRAWN", "GOALS_ACHIEVED "}) {
    EXPECT_FALSE(IsClosePlanReason(reason)) << reason;
  }
}

}  // namespace
}  // namespace hub::plan
