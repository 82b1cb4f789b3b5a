// One function per `hubctl plan ...` subcommand, for the PlanService (proto/hub/v1/plan.proto); the
// same shape as the intake commands in commands.h: the parsed arguments become a request, the
// request goes to the hub, the reply is printed (output.h), the outcome becomes an exit code
// (exit_codes.h). main.cc wires the command line to these.
#pragma once

#include <cstdint>
#include <string>

#include "hub/v1/plan.pb.h"
#include "tools/hubctl/commands.h"

namespace hub::hubctl {

struct DraftPlanArgs {
  std::string household_id;
  std::string melding_id;                 // empty: the plan answers no particular melding
  int32_t evaluation_interval_weeks = 0;  // 0: the hub's default (13)
};

struct AddGoalArgs {
  std::string household_id;
  std::string plan_id;
  hub::v1::GoalInput goal;
};

struct ChangeGoalArgs {
  std::string household_id;
  std::string plan_id;
  std::string goal_id;
  hub::v1::GoalInput goal;  // the goal as a whole after the change
};

struct DropGoalArgs {
  std::string household_id;
  std::string plan_id;
  std::string goal_id;
};

struct AgreePlanArgs {
  std::string household_id;
  std::string plan_id;
  int32_t revision = 0;
  std::string resident_person_id;
  bool as_representative = false;
};

struct RecordEvaluationArgs {
  std::string household_id;
  std::string plan_id;
  std::string goal_id;
  hub::v1::GoalProgress progress = hub::v1::GOAL_PROGRESS_UNSPECIFIED;
  int32_t zrm_score = 0;
  std::string notes;
  std::string next_evaluation_on;  // empty: today plus the plan's evaluation interval
};

struct ScaleDownArgs {
  std::string household_id;
  std::string plan_id;
  std::string reason;
};

struct ClosePlanArgs {
  std::string household_id;
  std::string plan_id;
  std::string reason;  // GOALS_ACHIEVED, MOVED, RESIDENT_DECLINED, TRANSFERRED or OTHER: the hub checks
};

struct EscalateArgs {
  std::string household_id;
  hub::v1::EscalationReason reason = hub::v1::ESCALATION_REASON_UNSPECIFIED;
  std::string explanation;
  std::string procesregisseur_organisation_id;
  std::string procesregisseur_user;
};

struct IssueDirectiveArgs {
  std::string household_id;
  std::string organisation_id;
  std::string action;
  std::string due_on;
};

struct CompleteDirectiveArgs {
  std::string household_id;
  std::string directive_id;
};

struct ReleaseProcesregieArgs {
  std::string household_id;
  std::string explanation;
};

struct ShowPlanArgs {
  std::string household_id;
};

struct ListPlansArgs {
  hub::v1::PlanStatus status = hub::v1::PLAN_STATUS_UNSPECIFIED;  // UNSPECIFIED: any
  bool evaluation_overdue = false;
  bool under_procesregie = false;
  int32_t page_size = 0;  // 0: the server's default
  std::string page_token;
  bool all = false;  // follow next_page_token to the end and print one merged list
};

// Each returns the process exit code.
int DraftPlan(const Globals& globals, const DraftPlanArgs& args);
int AddGoal(const Globals& globals, const AddGoalArgs& args);
int ChangeGoal(const Globals& globals, const ChangeGoalArgs& args);
int DropGoal(const Globals& globals, const DropGoalArgs& args);
int AgreePlan(const Globals& globals, const AgreePlanArgs& args);
int RecordEvaluation(const Globals& globals, const RecordEvaluationArgs& args);
int ScaleDownPlan(const Globals& globals, const ScaleDownArgs& args);
int ClosePlan(const Globals& globals, const ClosePlanArgs& args);
int EscalateToProcesregie(const Globals& globals, const EscalateArgs& args);
int IssueDirective(const Globals& globals, const IssueDirectiveArgs& args);
int CompleteDirective(const Globals& globals, const CompleteDirectiveArgs& args);
int ReleaseProcesregie(const Globals& globals, const ReleaseProcesregieArgs& args);
int ShowPlan(const Globals& globals, const ShowPlanArgs& args);
int ListPlans(const Globals& globals, const ListPlansArgs& args);

}  // namespace hub::hubctl
