#include "services/plan/decider.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "common/domain/vocabulary.h"
#include "fmt/format.h"

namespace hub::plan {
namespace {

using es::Rejection;
using Event = hub::v1::PlanEvent;
using domain::Date;

constexpr std::string_view kClosePlanReasons[] = {"GOALS_ACHIEVED", "MOVED", "RESIDENT_DECLINED", "TRANSFERRED",
                                                  "OTHER"};
constexpr std::string_view kCasusregisseurRole = "casusregisseur";
constexpr std::string_view kProcesregisseurRole = "procesregisseur";
// Persons intake registered as the household's network: known to it, but not members of it.
constexpr std::string_view kNetworkRelation = "network";

using Check = std::optional<Rejection>;

// ---- helpers -------------------------------------------------------------------------------

using domain::AgeOn;

bool IsEmpty(const hub::v1::SealedValue& value) { return value.ciphertext().empty(); }

const Plan* CurrentPlan(const PlanState& state) {
  return state.plans().empty() ? nullptr : &state.plans(state.plans_size() - 1);
}

const HouseholdFacts::Member* FindMember(const HouseholdFacts& household, std::string_view person_id) {
  for (const auto& m : household.members) {
    if (m.person_id == person_id) return &m;
  }
  return nullptr;
}

const hub::v1::PlanGoal* FindGoal(const google::protobuf::RepeatedPtrField<hub::v1::PlanGoal>& goals,
                                  std::string_view goal_id) {
  for (const auto& g : goals) {
    if (g.goal_id() == goal_id) return &g;
  }
  return nullptr;
}

// The plan a command names: the household's current plan, still open.
Check CheckNamedOpenPlan(const PlanState& state, const std::string& plan_id) {
  if (plan_id.empty()) return Rejection::InvalidArgument("plan_id", "must not be empty");
  const Plan* plan = CurrentPlan(state);
  if (plan == nullptr || plan->plan_id() != plan_id) {
    return Rejection::NotFound("PLAN_NOT_FOUND", fmt::format("plan {} is not the household's current plan", plan_id));
  }
  if (plan->status() == hub::v1::PLAN_STATUS_CLOSED) {
    return Rejection::FailedPrecondition("PLAN_CLOSED", fmt::format("plan {} is closed", plan_id));
  }
  return std::nullopt;
}

// Goals are not changed any more once support is being scaled down.
Check CheckGoalsMayChange(const Plan& plan) {
  if (plan.status() == hub::v1::PLAN_STATUS_SCALED_DOWN) {
    return Rejection::FailedPrecondition("PLAN_SCALED_DOWN", "the goals of a scaled-down plan are not changed any more");
  }
  return std::nullopt;
}

bool IsAttachedProcesregisseur(const Actor& actor, const PlanState& state) {
  const Procesregie* active = ActiveProcesregie(state);
  return active != nullptr && actor.role == kProcesregisseurRole &&
         actor.organisation_id == active->started().procesregisseur_organisation_id() &&
         actor.user_pseudonym == active->started().procesregisseur_user_pseudonym();
}

// The casusregisseur intake assigned, or the attached procesregisseur, acting for the team.
Check CheckRegisseur(const Actor& actor, const HouseholdFacts& household, const PlanState& state) {
  const bool has_casusregisseur =
      !household.regisseur_organisation_id.empty() && !household.regisseur_user_pseudonym.empty();
  if (has_casusregisseur && actor.role == kCasusregisseurRole &&
      actor.organisation_id == household.regisseur_organisation_id &&
      actor.user_pseudonym == household.regisseur_user_pseudonym) {
    return std::nullopt;
  }
  if (IsAttachedProcesregisseur(actor, state)) return std::nullopt;
  if (!has_casusregisseur && ActiveProcesregie(state) == nullptr) {
    return Rejection::FailedPrecondition("NO_REGISSEUR", "the household has no casusregisseur and no procesregisseur");
  }
  return Rejection::PermissionDenied("NOT_THE_REGISSEUR",
                                     "only the household's casusregisseur or the attached procesregisseur may do this");
}

Check CheckProcesregisseur(const Actor& actor, const PlanState& state) {
  if (ActiveProcesregie(state) == nullptr) {
    return Rejection::FailedPrecondition("NOT_UNDER_PROCESREGIE", "the household is not under procesregie");
  }
  if (!IsAttachedProcesregisseur(actor, state)) {
    return Rejection::PermissionDenied("NOT_THE_PROCESREGISSEUR", "only the attached procesregisseur may do this");
  }
  return std::nullopt;
}

// The goal's own fields, without the facts of the household.
Check ValidateGoalFields(const hub::v1::PlanGoal& goal, Date today) {
  if (goal.goal_id().empty()) return Rejection::InvalidArgument("goal_id", "must not be empty");
  if (!domain::IsLifeDomain(goal.life_domain())) {
    return Rejection::InvalidArgument("goal.life_domain", "unknown ZRM life domain");
  }
  if (IsEmpty(goal.result())) return Rejection::InvalidArgument("goal.result", "a goal needs the result aimed at");
  auto target = Date::Parse(goal.target_date());
  if (!target.ok()) return Rejection::InvalidArgument("goal.target_date", "must be a date YYYY-MM-DD");
  if (*target < today) return Rejection::InvalidArgument("goal.target_date", "must not lie in the past");
  if (goal.tier() == hub::v1::SUPPORT_TIER_UNSPECIFIED || !hub::v1::SupportTier_IsValid(goal.tier())) {
    return Rejection::InvalidArgument("goal.tier", "must be OWN_EFFORT, NETWORK, GENERAL_PROVISION or MAATWERK");
  }
  if (goal.responsible_organisation_id().empty() == goal.responsible_person_id().empty()) {
    return Rejection::InvalidArgument("goal.responsible_organisation_id",
                                      "exactly one of responsible_organisation_id and responsible_person_id");
  }
  return std::nullopt;
}

// The responsible party exists: a person known to the household, or an organisation of the tenant.
Check CheckResponsible(const GoalDraft& draft, const HouseholdFacts& household) {
  const auto& goal = draft.goal;
  if (!goal.responsible_person_id().empty()) {
    if (FindMember(household, goal.responsible_person_id()) == nullptr) {
      return Rejection::FailedPrecondition("PERSON_NOT_IN_HOUSEHOLD",
                                           "the responsible person is not known to the household");
    }
    return std::nullopt;
  }
  if (!draft.organisation_known) {
    return Rejection::FailedPrecondition(
        "RESPONSIBLE_UNKNOWN",
        fmt::format("organisation {} does not serve the household's municipality", goal.responsible_organisation_id()));
  }
  return std::nullopt;
}

// A change to the goals of `plan`: on an agreed plan in force, a new revision opens first and the
// change belongs to it.
std::vector<Event> GoalChange(const Plan& plan, Event change, int32_t* revision) {
  std::vector<Event> events;
  *revision = plan.revision();
  if (plan.status() == hub::v1::PLAN_STATUS_ACTIVE) {
    *revision = plan.revision() + 1;
    Event opened;
    opened.mutable_revision_opened()->set_plan_id(plan.plan_id());
    opened.mutable_revision_opened()->set_revision(*revision);
    events.push_back(std::move(opened));
  }
  events.push_back(std::move(change));
  return events;
}

// ---- decide --------------------------------------------------------------------------------

es::Decision<Event> Decide(const DraftPlan& c, const PlanState& state) {
  if (c.plan_id.empty()) return Rejection::InvalidArgument("plan_id", "must not be empty");
  if (c.evaluation_interval_weeks < 1 || c.evaluation_interval_weeks > kMaxEvaluationIntervalWeeks) {
    return Rejection::InvalidArgument("evaluation_interval_weeks",
                                      fmt::format("{} is outside 1-{}", c.evaluation_interval_weeks,
                                                  kMaxEvaluationIntervalWeeks));
  }
  if (!c.household.known) return Rejection::FailedPrecondition("HOUSEHOLD_NOT_FOUND", "intake does not know the household");
  if (const Plan* open = OpenPlan(state)) {
    return Rejection::FailedPrecondition("PLAN_EXISTS", fmt::format("the household already has open plan {}", open->plan_id()));
  }
  if (!c.melding_id.empty() &&
      std::find(c.household.melding_ids.begin(), c.household.melding_ids.end(), c.melding_id) ==
          c.household.melding_ids.end()) {
    return Rejection::NotFound("MELDING_NOT_FOUND", fmt::format("melding {} is not a melding of the household", c.melding_id));
  }
  Event event;
  auto* e = event.mutable_plan_drafted();
  e->set_plan_id(c.plan_id);
  e->set_melding_id(c.melding_id);
  e->set_evaluation_interval_weeks(c.evaluation_interval_weeks);
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const AddGoal& c, const PlanState& state) {
  if (auto r = ValidateGoalFields(c.draft.goal, c.today)) return *r;
  if (auto r = CheckNamedOpenPlan(state, c.plan_id)) return *r;
  const Plan& plan = *CurrentPlan(state);
  if (auto r = CheckGoalsMayChange(plan)) return *r;
  if (FindGoal(plan.goals(), c.draft.goal.goal_id()) != nullptr) {
    return Rejection::AlreadyExists("GOAL_EXISTS", fmt::format("goal {} is already in the plan", c.draft.goal.goal_id()));
  }
  if (auto r = CheckResponsible(c.draft, c.household)) return *r;
  Event added;
  int32_t revision = 0;
  auto events = GoalChange(plan, added, &revision);
  auto* e = events.back().mutable_goal_added();
  e->set_plan_id(plan.plan_id());
  e->set_revision(revision);
  *e->mutable_goal() = c.draft.goal;
  return events;
}

es::Decision<Event> Decide(const ChangeGoal& c, const PlanState& state) {
  if (auto r = ValidateGoalFields(c.draft.goal, c.today)) return *r;
  if (auto r = CheckNamedOpenPlan(state, c.plan_id)) return *r;
  const Plan& plan = *CurrentPlan(state);
  if (auto r = CheckGoalsMayChange(plan)) return *r;
  if (FindGoal(plan.goals(), c.draft.goal.goal_id()) == nullptr) {
    return Rejection::NotFound("GOAL_NOT_FOUND", fmt::format("goal {} is not in the plan", c.draft.goal.goal_id()));
  }
  if (auto r = CheckResponsible(c.draft, c.household)) return *r;
  Event changed;
  int32_t revision = 0;
  auto events = GoalChange(plan, changed, &revision);
  auto* e = events.back().mutable_goal_changed();
  e->set_plan_id(plan.plan_id());
  e->set_revision(revision);
  *e->mutable_goal() = c.draft.goal;
  return events;
}

es::Decision<Event> Decide(const DropGoal& c, const PlanState& state) {
  if (c.goal_id.empty()) return Rejection::InvalidArgument("goal_id", "must not be empty");
  if (auto r = CheckNamedOpenPlan(state, c.plan_id)) return *r;
  const Plan& plan = *CurrentPlan(state);
  if (auto r = CheckGoalsMayChange(plan)) return *r;
  if (FindGoal(plan.goals(), c.goal_id) == nullptr) {
    return Rejection::NotFound("GOAL_NOT_FOUND", fmt::format("goal {} is not in the plan", c.goal_id));
  }
  Event dropped;
  int32_t revision = 0;
  auto events = GoalChange(plan, dropped, &revision);
  auto* e = events.back().mutable_goal_dropped();
  e->set_plan_id(plan.plan_id());
  e->set_revision(revision);
  e->set_goal_id(c.goal_id);
  return events;
}

es::Decision<Event> Decide(const AgreePlan& c, const PlanState& state) {
  if (c.resident_person_id.empty()) return Rejection::InvalidArgument("resident_person_id", "must not be empty");
  if (auto r = CheckNamedOpenPlan(state, c.plan_id)) return *r;
  const Plan& plan = *CurrentPlan(state);
  if (plan.status() != hub::v1::PLAN_STATUS_DRAFT) {
    return Rejection::FailedPrecondition("PLAN_NOT_DRAFT", "only a draft or an open revision is agreed");
  }
  if (c.revision != plan.revision()) {
    return Rejection::FailedPrecondition(
        "REVISION_MISMATCH", fmt::format("revision {} was signed, but the plan is at revision {}", c.revision, plan.revision()));
  }
  if (plan.goals().empty()) return Rejection::FailedPrecondition("PLAN_HAS_NO_GOALS", "a plan needs at least one goal");
  if (auto r = CheckRegisseur(c.actor, c.household, state)) return *r;
  const HouseholdFacts::Member* signer = FindMember(c.household, c.resident_person_id);
  if (signer == nullptr || signer->relation == kNetworkRelation) {
    return Rejection::FailedPrecondition("PERSON_NOT_IN_HOUSEHOLD", "the signer is not a member of the household");
  }
  if (AgeOn(signer->birth_date, c.today) < kAdultAge) {
    return Rejection::FailedPrecondition("SIGNER_UNDER_18", "the signer must be 18 or older");
  }
  Event event;
  auto* e = event.mutable_plan_agreed();
  e->set_plan_id(plan.plan_id());
  e->set_revision(plan.revision());
  e->set_resident_person_id(c.resident_person_id);
  e->set_as_representative(c.as_representative);
  e->set_regisseur_organisation_id(c.actor.organisation_id);
  e->set_regisseur_user_pseudonym(c.actor.user_pseudonym);
  e->set_regisseur_role(c.actor.role);
  e->set_agreed_on(c.today.ToString());
  e->set_next_evaluation_on(c.today.AddDays(plan.evaluation_interval_weeks() * 7).ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const RecordEvaluation& c, const PlanState& state) {
  if (c.goal_id.empty()) return Rejection::InvalidArgument("goal_id", "must not be empty");
  if (c.progress == hub::v1::GOAL_PROGRESS_UNSPECIFIED || !hub::v1::GoalProgress_IsValid(c.progress)) {
    return Rejection::InvalidArgument("progress", "must be NOT_STARTED, ON_TRACK, BEHIND or ACHIEVED");
  }
  if (c.zrm_score < domain::kZrmMin || c.zrm_score > domain::kZrmMax) {
    return Rejection::InvalidArgument("zrm_score", fmt::format("score {} is outside 1-5", c.zrm_score));
  }
  if (c.next_evaluation_on && *c.next_evaluation_on <= c.today) {
    return Rejection::InvalidArgument("next_evaluation_on", "must lie after today");
  }
  if (auto r = CheckNamedOpenPlan(state, c.plan_id)) return *r;
  const Plan& plan = *CurrentPlan(state);
  if (plan.agreed_revision() == 0 || plan.history().empty()) {
    return Rejection::FailedPrecondition("PLAN_NOT_AGREED", "only an agreed plan is evaluated");
  }
  const AgreedRevision& in_force = plan.history(plan.history_size() - 1);
  if (FindGoal(in_force.goals(), c.goal_id) == nullptr) {
    return Rejection::NotFound("GOAL_NOT_FOUND",
                               fmt::format("goal {} is not in revision {} in force", c.goal_id, in_force.revision()));
  }
  const Date next =
      c.next_evaluation_on ? *c.next_evaluation_on : c.today.AddDays(plan.evaluation_interval_weeks() * 7);
  Event event;
  auto* e = event.mutable_evaluation_recorded();
  e->set_plan_id(plan.plan_id());
  e->set_goal_id(c.goal_id);
  e->set_progress(c.progress);
  e->set_zrm_score(c.zrm_score);
  *e->mutable_notes() = c.notes;
  e->set_evaluated_on(c.today.ToString());
  e->set_next_evaluation_on(next.ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const ScaleDown& c, const PlanState& state) {
  if (IsEmpty(c.reason)) return Rejection::InvalidArgument("reason", "say how support is scaled down");
  if (auto r = CheckNamedOpenPlan(state, c.plan_id)) return *r;
  const Plan& plan = *CurrentPlan(state);
  if (plan.status() != hub::v1::PLAN_STATUS_ACTIVE) {
    return Rejection::FailedPrecondition("PLAN_NOT_ACTIVE", "only an active plan is scaled down");
  }
  if (auto r = CheckRegisseur(c.actor, c.household, state)) return *r;
  Event event;
  auto* e = event.mutable_plan_scaled_down();
  e->set_plan_id(plan.plan_id());
  *e->mutable_reason() = c.reason;
  e->set_scaled_down_on(c.today.ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const ClosePlan& c, const PlanState& state) {
  if (!IsClosePlanReason(c.reason)) {
    return Rejection::InvalidArgument("reason", "must be GOALS_ACHIEVED, MOVED, RESIDENT_DECLINED, TRANSFERRED or OTHER");
  }
  if (auto r = CheckNamedOpenPlan(state, c.plan_id)) return *r;
  const Plan& plan = *CurrentPlan(state);
  if (auto r = CheckRegisseur(c.actor, c.household, state)) return *r;
  Event event;
  auto* e = event.mutable_plan_closed();
  e->set_plan_id(plan.plan_id());
  e->set_reason(c.reason);
  e->set_closed_on(c.today.ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const EscalateToProcesregie& c, const PlanState& state) {
  if (c.escalation_id.empty()) return Rejection::InvalidArgument("escalation_id", "must not be empty");
  if (c.reason == hub::v1::ESCALATION_REASON_UNSPECIFIED || !hub::v1::EscalationReason_IsValid(c.reason)) {
    return Rejection::InvalidArgument("reason", "must be STUCK, CONFLICT_BETWEEN_PARTIES or SAFETY");
  }
  if (IsEmpty(c.explanation)) return Rejection::InvalidArgument("explanation", "say why procesregie is needed");
  if (c.procesregisseur_organisation_id.empty()) {
    return Rejection::InvalidArgument("procesregisseur_organisation_id", "must not be empty");
  }
  if (c.procesregisseur_user_pseudonym.empty()) {
    return Rejection::InvalidArgument("procesregisseur_user_pseudonym", "must not be empty");
  }
  if (const Procesregie* active = ActiveProcesregie(state)) {
    return Rejection::FailedPrecondition(
        "PROCESREGIE_ACTIVE", fmt::format("the household is under procesregie {} already", active->started().escalation_id()));
  }
  if (OpenPlan(state) == nullptr) {
    return Rejection::FailedPrecondition("NO_OPEN_PLAN", "procesregie needs an open plan");
  }
  if (!c.organisation_may_be_procesregisseur) {
    return Rejection::FailedPrecondition(
        "NOT_A_PROCESREGISSEUR",
        fmt::format("organisation {} is not a social team of the municipality with procesregisseurs",
                    c.procesregisseur_organisation_id));
  }
  Event event;
  auto* e = event.mutable_procesregie_started();
  e->set_escalation_id(c.escalation_id);
  e->set_reason(c.reason);
  *e->mutable_explanation() = c.explanation;
  e->set_procesregisseur_organisation_id(c.procesregisseur_organisation_id);
  e->set_procesregisseur_user_pseudonym(c.procesregisseur_user_pseudonym);
  e->set_started_on(c.today.ToString());
  return std::vector<Event>{event};
}

const Directive* FindDirective(const PlanState& state, std::string_view directive_id) {
  for (auto episode = state.procesregie().rbegin(); episode != state.procesregie().rend(); ++episode) {
    for (const auto& d : episode->directives()) {
      if (d.issued().directive_id() == directive_id) return &d;
    }
  }
  return nullptr;
}

es::Decision<Event> Decide(const IssueDirective& c, const PlanState& state) {
  if (c.directive_id.empty()) return Rejection::InvalidArgument("directive_id", "must not be empty");
  if (c.organisation_id.empty()) return Rejection::InvalidArgument("organisation_id", "must not be empty");
  if (IsEmpty(c.action)) return Rejection::InvalidArgument("action", "say what the organisation must do");
  if (c.due_on <= c.today) return Rejection::InvalidArgument("due_on", "must lie after today");
  if (auto r = CheckProcesregisseur(c.actor, state)) return *r;
  if (!c.organisation_known) {
    return Rejection::FailedPrecondition(
        "RESPONSIBLE_UNKNOWN",
        fmt::format("organisation {} does not serve the household's municipality", c.organisation_id));
  }
  if (FindDirective(state, c.directive_id) != nullptr) {
    return Rejection::AlreadyExists("DIRECTIVE_EXISTS", fmt::format("directive {} was issued already", c.directive_id));
  }
  Event event;
  auto* e = event.mutable_directive_issued();
  e->set_directive_id(c.directive_id);
  e->set_escalation_id(ActiveProcesregie(state)->started().escalation_id());
  e->set_organisation_id(c.organisation_id);
  *e->mutable_action() = c.action;
  e->set_due_on(c.due_on.ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const CompleteDirective& c, const PlanState& state) {
  if (c.directive_id.empty()) return Rejection::InvalidArgument("directive_id", "must not be empty");
  const Directive* directive = FindDirective(state, c.directive_id);
  if (directive == nullptr) {
    return Rejection::NotFound("DIRECTIVE_NOT_FOUND", fmt::format("no directive {} for the household", c.directive_id));
  }
  if (!directive->completed_on().empty()) {
    return Rejection::FailedPrecondition("DIRECTIVE_COMPLETED",
                                         fmt::format("directive {} was reported done already", c.directive_id));
  }
  if (c.actor.organisation_id != directive->issued().organisation_id()) {
    return Rejection::PermissionDenied("NOT_THE_BOUND_ORGANISATION",
                                       "only the organisation the directive binds reports it done");
  }
  Event event;
  auto* e = event.mutable_directive_completed();
  e->set_directive_id(c.directive_id);
  e->set_completed_on(c.today.ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const ReleaseProcesregie& c, const PlanState& state) {
  if (IsEmpty(c.explanation)) return Rejection::InvalidArgument("explanation", "say why the case moves again");
  if (auto r = CheckProcesregisseur(c.actor, state)) return *r;
  Event event;
  auto* e = event.mutable_procesregie_released();
  e->set_escalation_id(ActiveProcesregie(state)->started().escalation_id());
  *e->mutable_explanation() = c.explanation;
  e->set_released_on(c.today.ToString());
  return std::vector<Event>{event};
}

// ---- evolve --------------------------------------------------------------------------------

Plan* FindPlan(PlanState& state, std::string_view plan_id) {
  for (int i = state.plans_size() - 1; i >= 0; --i) {
    if (state.plans(i).plan_id() == plan_id) return state.mutable_plans(i);
  }
  return nullptr;
}

void ReplaceOrAppend(Plan& plan, const hub::v1::PlanGoal& goal) {
  for (auto& g : *plan.mutable_goals()) {
    if (g.goal_id() == goal.goal_id()) {
      g = goal;
      return;
    }
  }
  *plan.add_goals() = goal;
}

}  // namespace

const Plan* OpenPlan(const PlanState& state) {
  const Plan* plan = CurrentPlan(state);
  return plan != nullptr && plan->status() != hub::v1::PLAN_STATUS_CLOSED ? plan : nullptr;
}

const Procesregie* ActiveProcesregie(const PlanState& state) {
  if (state.procesregie().empty()) return nullptr;
  const Procesregie& last = state.procesregie(state.procesregie_size() - 1);
  return last.released_on().empty() ? &last : nullptr;
}

bool IsClosePlanReason(std::string_view reason) {
  return std::find(std::begin(kClosePlanReasons), std::end(kClosePlanReasons), reason) != std::end(kClosePlanReasons);
}

es::Decision<Event> PlanDecider::Decide(const Command& command, const State& state) {
  return std::visit([&](const auto& c) { return plan::Decide(c, state); }, command);
}

PlanState PlanDecider::Evolve(State state, const Event& event) {
  switch (event.event_case()) {
    case Event::kPlanDrafted: {
      const auto& e = event.plan_drafted();
      Plan* plan = state.add_plans();
      plan->set_plan_id(e.plan_id());
      plan->set_melding_id(e.melding_id());
      plan->set_status(hub::v1::PLAN_STATUS_DRAFT);
      plan->set_evaluation_interval_weeks(e.evaluation_interval_weeks());
      plan->set_revision(1);
      plan->set_agreed_revision(0);
      break;
    }
    case Event::kGoalAdded:
      if (Plan* plan = FindPlan(state, event.goal_added().plan_id())) ReplaceOrAppend(*plan, event.goal_added().goal());
      break;
    case Event::kGoalChanged:
      if (Plan* plan = FindPlan(state, event.goal_changed().plan_id())) {
        for (auto& g : *plan->mutable_goals()) {
          if (g.goal_id() == event.goal_changed().goal().goal_id()) g = event.goal_changed().goal();
        }
      }
      break;
    case Event::kGoalDropped:
      if (Plan* plan = FindPlan(state, event.goal_dropped().plan_id())) {
        auto* goals = plan->mutable_goals();
        for (int i = goals->size() - 1; i >= 0; --i) {
          if (goals->Get(i).goal_id() == event.goal_dropped().goal_id()) goals->DeleteSubrange(i, 1);
        }
      }
      break;
    case Event::kRevisionOpened:
      if (Plan* plan = FindPlan(state, event.revision_opened().plan_id())) {
        plan->set_status_in_force(plan->status());
        plan->set_status(hub::v1::PLAN_STATUS_DRAFT);
        plan->set_revision(event.revision_opened().revision());
      }
      break;
    case Event::kPlanAgreed:
      if (Plan* plan = FindPlan(state, event.plan_agreed().plan_id())) {
        const auto& e = event.plan_agreed();
        plan->set_status(hub::v1::PLAN_STATUS_ACTIVE);
        plan->set_status_in_force(hub::v1::PLAN_STATUS_UNSPECIFIED);
        plan->set_agreed_revision(e.revision());
        AgreedRevision* agreed = plan->add_history();
        agreed->set_revision(e.revision());
        *agreed->mutable_goals() = plan->goals();
        *agreed->mutable_agreement() = e;
        plan->set_next_evaluation_on(e.next_evaluation_on());
      }
      break;
    case Event::kEvaluationRecorded:
      if (Plan* plan = FindPlan(state, event.evaluation_recorded().plan_id())) {
        const auto& e = event.evaluation_recorded();
        (*plan->mutable_last_evaluations())[e.goal_id()] = e;
        plan->set_next_evaluation_on(e.next_evaluation_on());
      }
      break;
    case Event::kPlanScaledDown:
      if (Plan* plan = FindPlan(state, event.plan_scaled_down().plan_id())) {
        plan->set_status(hub::v1::PLAN_STATUS_SCALED_DOWN);
        *plan->mutable_scale_down_reason() = event.plan_scaled_down().reason();
      }
      break;
    case Event::kPlanClosed:
      if (Plan* plan = FindPlan(state, event.plan_closed().plan_id())) {
        plan->set_status(hub::v1::PLAN_STATUS_CLOSED);
        plan->set_closed_reason(event.plan_closed().reason());
        plan->set_closed_on(event.plan_closed().closed_on());
      }
      break;
    case Event::kProcesregieStarted:
      *state.add_procesregie()->mutable_started() = event.procesregie_started();
      break;
    case Event::kDirectiveIssued:
      for (auto& episode : *state.mutable_procesregie()) {
        if (episode.started().escalation_id() == event.directive_issued().escalation_id()) {
          *episode.add_directives()->mutable_issued() = event.directive_issued();
          break;
        }
      }
      break;
    case Event::kDirectiveCompleted:
      for (auto& episode : *state.mutable_procesregie()) {
        for (auto& d : *episode.mutable_directives()) {
          if (d.issued().directive_id() == event.directive_completed().directive_id()) {
            d.set_completed_on(event.directive_completed().completed_on());
          }
        }
      }
      break;
    case Event::kProcesregieReleased:
      for (auto& episode : *state.mutable_procesregie()) {
        if (episode.started().escalation_id() == event.procesregie_released().escalation_id()) {
          episode.set_released_on(event.procesregie_released().released_on());
          *episode.mutable_release_explanation() = event.procesregie_released().explanation();
        }
      }
      break;
    case Event::EVENT_NOT_SET:
      break;  // an event from a newer schema this build does not know: nothing to fold
  }
  return state;
}

}  // namespace hub::plan
