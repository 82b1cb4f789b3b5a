// The plan decider: which plan events a command causes for one household, and how those events
// change the household's plan. Pure: today's date, fresh ids, sealed texts and the facts intake
// knows about the household (members, casusregisseur) all arrive inside the command.
//
// Rules (reason codes in parentheses):
//   - a plan needs a household known to intake (HOUSEHOLD_NOT_FOUND) and at most one open plan per
//     household (PLAN_EXISTS); the melding it answers must be the household's (MELDING_NOT_FOUND);
//   - every other plan command names the household's current plan (PLAN_NOT_FOUND), which must be
//     open (PLAN_CLOSED);
//   - goals: a known ZRM life domain, a tier, a target date not in the past, exactly one
//     responsible party: an organisation of the tenant (RESPONSIBLE_UNKNOWN) or a person of the
//     household (PERSON_NOT_IN_HOUSEHOLD); change and drop need the goal (GOAL_NOT_FOUND);
//     goals change while DRAFT; a change to an agreed plan opens a new revision first, which
//     needs agreement again while the agreed revision stays in force; a scaled-down plan is not
//     changed any more (PLAN_SCALED_DOWN);
//   - agreement: of a DRAFT (PLAN_NOT_DRAFT) with at least one goal (PLAN_HAS_NO_GOALS), of the
//     revision the signers read (REVISION_MISMATCH); signed by a household member of 18 or older
//     (PERSON_NOT_IN_HOUSEHOLD, SIGNER_UNDER_18) and, for the team, by the casusregisseur intake
//     assigned or the attached procesregisseur (NO_REGISSEUR; NOT_THE_REGISSEUR is
//     PERMISSION_DENIED);
//   - evaluation: of an agreed plan (PLAN_NOT_AGREED), per goal of the revision in force, ZRM 1-5,
//     next evaluation after today;
//   - scale down: of an ACTIVE plan (PLAN_NOT_ACTIVE); close: with a known reason; both by the
//     regisseur or procesregisseur (NOT_THE_REGISSEUR);
//   - procesregie: one at a time (PROCESREGIE_ACTIVE), for a household with an open plan
//     (NO_OPEN_PLAN), with a reason and a procesregisseur of a social team of the tenant that has
//     that role (NOT_A_PROCESREGISSEUR); only the attached procesregisseur issues directives and
//     releases (NOT_THE_PROCESREGISSEUR, PERMISSION_DENIED; NOT_UNDER_PROCESREGIE otherwise);
//     a directive binds an organisation of the tenant (RESPONSIBLE_UNKNOWN) with a due date after
//     today; only the bound organisation reports it done (NOT_THE_BOUND_ORGANISATION,
//     DIRECTIVE_NOT_FOUND, DIRECTIVE_COMPLETED).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/domain/date.h"
#include "common/es/decider.h"
#include "hub/v1/envelope.pb.h"
#include "services/plan/plan_state.pb.h"

namespace hub::plan {

// What intake knows of the household, as the plan service's projection of the intake topic has it.
struct HouseholdFacts {
  struct Member {
    std::string person_id;
    domain::Date birth_date;
    std::string relation;
  };
  bool known = false;  // intake has the household (of the caller's tenant)
  std::vector<Member> members;
  std::vector<std::string> melding_ids;
  // The casusregisseur; empty when none is assigned.
  std::string regisseur_organisation_id;
  std::string regisseur_user_pseudonym;
};

// Who sends the command, as far as the rules care.
struct Actor {
  std::string organisation_id;
  std::string role;
  std::string user_pseudonym;
};

struct DraftPlan {
  std::string plan_id;
  std::string melding_id;  // may be empty
  int32_t evaluation_interval_weeks = 13;
  HouseholdFacts household;
};

// A goal as the service prepared it: ids assigned, texts sealed, register facts looked up.
struct GoalDraft {
  hub::v1::PlanGoal goal;
  // The responsible organisation serves the household's tenant (register fact); ignored when a
  // person is responsible.
  bool organisation_known = false;
};

struct AddGoal {
  std::string plan_id;
  GoalDraft draft;  // draft.goal.goal_id is new
  HouseholdFacts household;
  domain::Date today;
};

struct ChangeGoal {
  std::string plan_id;
  GoalDraft draft;  // draft.goal.goal_id names the goal
  HouseholdFacts household;
  domain::Date today;
};

struct DropGoal {
  std::string plan_id;
  std::string goal_id;
};

struct AgreePlan {
  std::string plan_id;
  int32_t revision = 0;
  std::string resident_person_id;
  bool as_representative = false;
  Actor actor;
  HouseholdFacts household;
  domain::Date today;
};

struct RecordEvaluation {
  std::string plan_id;
  std::string goal_id;
  hub::v1::GoalProgress progress = hub::v1::GOAL_PROGRESS_UNSPECIFIED;
  int32_t zrm_score = 0;
  hub::v1::SealedValue notes;
  std::optional<domain::Date> next_evaluation_on;  // absent: today + the plan's interval
  domain::Date today;
};

struct ScaleDown {
  std::string plan_id;
  hub::v1::SealedValue reason;
  Actor actor;
  HouseholdFacts household;
  domain::Date today;
};

struct ClosePlan {
  std::string plan_id;
  std::string reason;
  Actor actor;
  HouseholdFacts household;
  domain::Date today;
};

struct EscalateToProcesregie {
  std::string escalation_id;
  hub::v1::EscalationReason reason = hub::v1::ESCALATION_REASON_UNSPECIFIED;
  hub::v1::SealedValue explanation;
  std::string procesregisseur_organisation_id;
  std::string procesregisseur_user_pseudonym;
  // The organisation is a social team of the tenant whose users may act as procesregisseur
  // (register fact).
  bool organisation_may_be_procesregisseur = false;
  domain::Date today;
};

struct IssueDirective {
  std::string directive_id;
  std::string organisation_id;
  bool organisation_known = false;  // serves the tenant (register fact)
  hub::v1::SealedValue action;
  domain::Date due_on;
  Actor actor;
  domain::Date today;
};

struct CompleteDirective {
  std::string directive_id;
  Actor actor;
  domain::Date today;
};

struct ReleaseProcesregie {
  hub::v1::SealedValue explanation;
  Actor actor;
  domain::Date today;
};

struct PlanDecider {
  using State = PlanState;
  using Event = hub::v1::PlanEvent;
  using Command = std::variant<DraftPlan, AddGoal, ChangeGoal, DropGoal, AgreePlan, RecordEvaluation, ScaleDown,
                               ClosePlan, EscalateToProcesregie, IssueDirective, CompleteDirective,
                               ReleaseProcesregie>;
  static constexpr std::string_view kProducer = "plan";
  static constexpr uint32_t kSchemaVersion = 1;

  static State Initial() { return {}; }
  static es::Decision<Event> Decide(const Command& command, const State& state);
  static State Evolve(State state, const Event& event);

  static const Event* EventOf(const hub::v1::EventEnvelope& envelope) {
    return envelope.has_plan() ? &envelope.plan() : nullptr;
  }
  static void PutEvent(const Event& event, hub::v1::EventEnvelope* envelope) { *envelope->mutable_plan() = event; }
};

// The household's open plan (not CLOSED), or nullptr.
const Plan* OpenPlan(const PlanState& state);
// The active procesregie episode, or nullptr.
const Procesregie* ActiveProcesregie(const PlanState& state);
// Valid close reasons: GOALS_ACHIEVED, MOVED, RESIDENT_DECLINED, TRANSFERRED, OTHER.
bool IsClosePlanReason(std::string_view reason);

inline constexpr int32_t kDefaultEvaluationIntervalWeeks = 13;
inline constexpr int32_t kMaxEvaluationIntervalWeeks = 52;
inline constexpr int kAdultAge = 18;

}  // namespace hub::plan
