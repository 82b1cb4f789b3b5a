#include "tools/hubctl/plan_commands.h"

#include <iostream>
#include <utility>

#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/run.h"

namespace hub::hubctl {

int DraftPlan(const Globals& globals, const DraftPlanArgs& args) {
  hub::v1::DraftPlanRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_melding_id(args.melding_id);
  request.set_evaluation_interval_weeks(args.evaluation_interval_weeks);
  return RunCommand(globals, request, &Client::DraftPlan);
}

int AddGoal(const Globals& globals, const AddGoalArgs& args) {
  hub::v1::AddGoalRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_plan_id(args.plan_id);
  *request.mutable_goal() = args.goal;
  return RunCommand(globals, request, &Client::AddGoal);
}

int ChangeGoal(const Globals& globals, const ChangeGoalArgs& args) {
  hub::v1::ChangeGoalRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_plan_id(args.plan_id);
  request.set_goal_id(args.goal_id);
  *request.mutable_goal() = args.goal;
  return RunCommand(globals, request, &Client::ChangeGoal);
}

int DropGoal(const Globals& globals, const DropGoalArgs& args) {
  hub::v1::DropGoalRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_plan_id(args.plan_id);
  request.set_goal_id(args.goal_id);
  return RunCommand(globals, request, &Client::DropGoal);
}

int AgreePlan(const Globals& globals, const AgreePlanArgs& args) {
  hub::v1::AgreePlanRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_plan_id(args.plan_id);
  request.set_revision(args.revision);
  request.set_resident_person_id(args.resident_person_id);
  request.set_as_representative(args.as_representative);
  return RunCommand(globals, request, &Client::AgreePlan);
}

int RecordEvaluation(const Globals& globals, const RecordEvaluationArgs& args) {
  hub::v1::RecordEvaluationRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_plan_id(args.plan_id);
  request.set_goal_id(args.goal_id);
  request.set_progress(args.progress);
  request.set_zrm_score(args.zrm_score);
  request.set_notes(args.notes);
  request.set_next_evaluation_on(args.next_evaluation_on);
  return RunCommand(globals, request, &Client::RecordEvaluation);
}

int ScaleDownPlan(const Globals& globals, const ScaleDownArgs& args) {
  hub::v1::ScaleDownRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_plan_id(args.plan_id);
  request.set_reason(args.reason);
  return RunCommand(globals, request, &Client::ScaleDown);
}

int ClosePlan(const Globals& globals, const ClosePlanArgs& args) {
  hub::v1::ClosePlanRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_plan_id(args.plan_id);
  request.set_reason(args.reason);
  return RunCommand(globals, request, &Client::ClosePlan);
}

int EscalateToProcesregie(const Globals& globals, const EscalateArgs& args) {
  hub::v1::EscalateToProcesregieRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_reason(args.reason);
  request.set_explanation(args.explanation);
  request.set_procesregisseur_organisation_id(args.procesregisseur_organisation_id);
  request.set_procesregisseur_user_pseudonym(args.procesregisseur_user);
  return RunCommand(globals, request, &Client::EscalateToProcesregie);
}

int IssueDirective(const Globals& globals, const IssueDirectiveArgs& args) {
  hub::v1::IssueDirectiveRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_organisation_id(args.organisation_id);
  request.set_action(args.action);
  request.set_due_on(args.due_on);
  return RunCommand(globals, request, &Client::IssueDirective);
}

int CompleteDirective(const Globals& globals, const CompleteDirectiveArgs& args) {
  hub::v1::CompleteDirectiveRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_directive_id(args.directive_id);
  return RunCommand(globals, request, &Client::CompleteDirective);
}

int ReleaseProcesregie(const Globals& globals, const ReleaseProcesregieArgs& args) {
  hub::v1::ReleaseProcesregieRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_explanation(args.explanation);
  return RunCommand(globals, request, &Client::ReleaseProcesregie);
}

int ShowPlan(const Globals& globals, const ShowPlanArgs& args) {
  Client client(globals.client);
  hub::v1::GetPlanRequest request;
  request.set_household_id(args.household_id);
  for (const auto& position : globals.min_positions) *request.add_min_positions() = position;
  hub::v1::PlanView plan;
  const CallResult result = client.GetPlan(request, &plan);
  if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
  return Print(globals, plan);
}

int ListPlans(const Globals& globals, const ListPlansArgs& args) {
  Client client(globals.client);
  hub::v1::ListPlansRequest request;
  request.set_tenant(globals.client.identity.tenant);
  request.set_status(args.status);
  request.set_evaluation_overdue(args.evaluation_overdue);
  request.set_under_procesregie(args.under_procesregie);
  request.mutable_page()->set_page_size(args.page_size);
  request.mutable_page()->set_page_token(args.page_token);
  hub::v1::ListPlansResponse all;
  while (true) {
    hub::v1::ListPlansResponse page;
    const CallResult result = client.ListPlans(request, &page);
    if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
    if (!args.all) return Print(globals, page);
    // One merged list with no next_page_token: what a single page of unlimited size would be.
    for (auto& plan : *page.mutable_plans()) *all.add_plans() = std::move(plan);
    if (page.next_page_token().empty()) return Print(globals, all);
    if (page.next_page_token() == request.page().page_token()) {
      std::cerr << "hubctl: the hub returned the same page token twice; stopping\n";
      return kExitOther;
    }
    request.mutable_page()->set_page_token(page.next_page_token());
  }
}

}  // namespace hub::hubctl
