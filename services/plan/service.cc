#include "services/plan/service.h"

#include <algorithm>

#include "common/domain/local_date.h"
#include "common/domain/uuid.h"
#include "common/domain/vocabulary.h"
#include "common/es/envelope.h"
#include "common/rpc/caller.h"
#include "common/rpc/status.h"
#include "fmt/format.h"

namespace hub::plan {
namespace {

using config::OrganisationKind;
using service::Allow;
using service::CheckId;
using service::CheckText;
using service::DeadlineOf;
using service::FillReply;
using service::Invalid;
using service::Positions;


// Associated data of each sealed text: a text moved to another field or goal does not open.
std::string GoalResultAad(std::string_view goal_id) { return fmt::format("goal-result:{}", goal_id); }
std::string GoalAgreementsAad(std::string_view goal_id) { return fmt::format("goal-agreements:{}", goal_id); }
std::string EvaluationAad(std::string_view goal_id) { return fmt::format("evaluation-notes:{}", goal_id); }
std::string ScaleDownAad(std::string_view plan_id) { return fmt::format("scale-down:{}", plan_id); }
std::string EscalationAad(std::string_view escalation_id) { return fmt::format("procesregie:{}", escalation_id); }
std::string ReleaseAad(std::string_view escalation_id) { return fmt::format("release:{}", escalation_id); }
std::string DirectiveAad(std::string_view directive_id) { return fmt::format("directive:{}", directive_id); }

absl::StatusOr<domain::Date> ParseDate(std::string_view field, const std::string& value) {
  auto date = domain::Date::Parse(value);
  if (!date.ok()) return Invalid(field, "not a date YYYY-MM-DD");
  return *date;
}


// The organisation serves the tenant.
bool KnownToTenant(const config::Register& organisations, std::string_view organisation_id, std::string_view tenant) {
  const auto* organisation = organisations.FindOrganisation(organisation_id);
  return organisation != nullptr && organisations.Serves(*organisation, tenant);
}

// What intake knows of the household, or known = false when intake does not have it for `tenant`.
absl::StatusOr<HouseholdFacts> FactsOf(const es::AggregateProjection<intake::IntakeDecider>& households,
                                       const std::string& household_id, const std::string& tenant) {
  HouseholdFacts facts;
  auto loaded = households.Load(household_id);
  if (!loaded.ok()) return loaded.status();
  if (loaded->version == 0 || loaded->tenant != tenant) return facts;
  facts.known = true;
  for (const auto& m : loaded->state.members()) {
    auto birth = domain::Date::Parse(m.birth_date());
    if (!birth.ok()) return absl::DataLossError("intake member with an undecodable birth date");
    facts.members.push_back({m.person_id(), *birth, m.relation()});
  }
  for (const auto& m : loaded->state.meldingen()) facts.melding_ids.push_back(m.melding_id());
  facts.regisseur_organisation_id = loaded->state.regisseur().organisation_id();
  facts.regisseur_user_pseudonym = loaded->state.regisseur().user_pseudonym();
  return facts;
}

}  // namespace

absl::StatusOr<PlanService::Call> PlanService::Prepare(grpc::ServerContext* context,
                                                       const hub::v1::CommandHeader& header,
                                                       const std::string& household_id,
                                                       std::initializer_list<OrganisationKind> allowed,
                                                       std::string_view action) {
  auto prepared =
      service::PrepareCommand(context, header, *deps_.organisations, *deps_.clock, *deps_.runner, allowed, action);
  if (!prepared.ok()) return prepared.status();
  if (auto s = CheckId("household_id", household_id); !s.ok()) return s;
  if (deps_.check_owner) {
    if (auto s = deps_.check_owner(household_id); !s.ok()) return s;
  }
  prepared->context.metadata.household_id = household_id;
  // Intake's facts as of everything durable now (the caller's min_positions were awaited above).
  if (auto s = deps_.runner->CatchUp(prepared->context.deadline); !s.ok()) return s;
  auto facts = FactsOf(*deps_.households, household_id, prepared->caller.tenant);
  if (!facts.ok()) return facts.status();
  const auto& meta = prepared->context.metadata;
  const domain::Date today = domain::DutchDate(meta.occurred_at ? *meta.occurred_at : deps_.clock->Now());
  return Call{std::move(*prepared), std::move(*facts), today};
}

absl::StatusOr<es::CommandOutcome> PlanService::Run(Call& call, const PlanDecider::Command& command,
                                                    hub::v1::CommandReply* reply) {
  return service::RunCommand(*deps_.handler, call.prepared.context, command, deps_.on_appended, reply);
}

absl::StatusOr<hub::v1::SealedValue> PlanService::Seal(const Call& call, std::string_view text,
                                                       std::string_view what) {
  if (text.empty()) return hub::v1::SealedValue();
  const std::string& tenant = call.prepared.caller.tenant;
  const std::string& household_id = call.prepared.context.metadata.household_id;
  if (auto key = deps_.keys->CreateKey(tenant, household_id); !key.ok()) return key.status();
  return deps_.keys->SealFor(tenant, household_id, text, what);
}

Actor PlanService::ActorOf(const Call& call) const {
  const auto& caller = call.prepared.caller;
  return {caller.organisation_id, caller.role, caller.user_pseudonym};
}

absl::StatusOr<GoalDraft> PlanService::MakeGoal(const Call& call, const hub::v1::GoalInput& input,
                                                std::string goal_id) {
  if (!domain::IsLifeDomain(input.life_domain())) return Invalid("goal.life_domain", "not a ZRM life domain");
  if (auto s = CheckText("goal.result", input.result(), true); !s.ok()) return s;
  if (auto s = CheckText("goal.agreements", input.agreements(), false); !s.ok()) return s;
  auto target = ParseDate("goal.target_date", input.target_date());
  if (!target.ok()) return target.status();
  if (!hub::v1::SupportTier_IsValid(input.tier()) || input.tier() == hub::v1::SUPPORT_TIER_UNSPECIFIED) {
    return Invalid("goal.tier", "must be OWN_EFFORT, NETWORK, GENERAL_PROVISION or MAATWERK");
  }
  GoalDraft draft;
  auto& goal = draft.goal;
  goal.set_goal_id(std::move(goal_id));
  goal.set_life_domain(input.life_domain());
  goal.set_target_date(target->ToString());
  goal.set_tier(input.tier());
  goal.set_responsible_organisation_id(input.responsible_organisation_id());
  goal.set_responsible_person_id(input.responsible_person_id());
  draft.organisation_known = KnownToTenant(*deps_.organisations, input.responsible_organisation_id(),
                                           call.prepared.caller.tenant);
  auto result = Seal(call, input.result(), GoalResultAad(goal.goal_id()));
  if (!result.ok()) return result.status();
  *goal.mutable_result() = std::move(*result);
  auto agreements = Seal(call, input.agreements(), GoalAgreementsAad(goal.goal_id()));
  if (!agreements.ok()) return agreements.status();
  *goal.mutable_agreements() = std::move(*agreements);
  return draft;
}

namespace {

// The id a command's event carries, so that a retry answers with the id of the first call.
template <class Pick>
std::string IdFrom(const es::CommandOutcome& outcome, Pick pick) {
  for (const auto& e : outcome.events) {
    std::string id = pick(e.plan());
    if (!id.empty()) return id;
  }
  return {};
}

void FillGoal(const es::CommandOutcome& outcome, hub::v1::GoalReply* reply) {
  for (const auto& e : outcome.events) {
    if (e.plan().has_goal_added()) {
      reply->set_goal_id(e.plan().goal_added().goal().goal_id());
      reply->set_revision(e.plan().goal_added().revision());
    } else if (e.plan().has_goal_changed()) {
      reply->set_goal_id(e.plan().goal_changed().goal().goal_id());
      reply->set_revision(e.plan().goal_changed().revision());
    }
  }
}

constexpr std::initializer_list<OrganisationKind> kTeam = {OrganisationKind::kSocialTeam};

}  // namespace

grpc::Status PlanService::DraftPlan(grpc::ServerContext* context, const hub::v1::DraftPlanRequest* request,
                                    hub::v1::DraftPlanReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "draft a plan");
    if (!call.ok()) return call.status();
    plan::DraftPlan command;
    command.plan_id = domain::NewUuidV7();
    command.melding_id = request->melding_id();
    command.evaluation_interval_weeks = request->evaluation_interval_weeks() == 0
                                            ? kDefaultEvaluationIntervalWeeks
                                            : request->evaluation_interval_weeks();
    command.household = call->household;
    auto outcome = Run(*call, PlanDecider::Command(std::move(command)), reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    reply->set_plan_id(IdFrom(*outcome, [](const hub::v1::PlanEvent& e) { return e.plan_drafted().plan_id(); }));
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::AddGoal(grpc::ServerContext* context, const hub::v1::AddGoalRequest* request,
                                  hub::v1::GoalReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "change a plan");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("plan_id", request->plan_id()); !s.ok()) return s;
    auto draft = MakeGoal(*call, request->goal(), domain::NewUuidV7());
    if (!draft.ok()) return draft.status();
    auto outcome = Run(*call, PlanDecider::Command(plan::AddGoal{request->plan_id(), std::move(*draft),
                                                                 call->household, call->today}),
                       reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    FillGoal(*outcome, reply);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::ChangeGoal(grpc::ServerContext* context, const hub::v1::ChangeGoalRequest* request,
                                     hub::v1::GoalReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "change a plan");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("plan_id", request->plan_id()); !s.ok()) return s;
    if (auto s = CheckId("goal_id", request->goal_id()); !s.ok()) return s;
    auto draft = MakeGoal(*call, request->goal(), request->goal_id());
    if (!draft.ok()) return draft.status();
    auto outcome = Run(*call, PlanDecider::Command(plan::ChangeGoal{request->plan_id(), std::move(*draft),
                                                                    call->household, call->today}),
                       reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    FillGoal(*outcome, reply);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::DropGoal(grpc::ServerContext* context, const hub::v1::DropGoalRequest* request,
                                   hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "change a plan");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("plan_id", request->plan_id()); !s.ok()) return s;
    if (auto s = CheckId("goal_id", request->goal_id()); !s.ok()) return s;
    return Run(*call, PlanDecider::Command(plan::DropGoal{request->plan_id(), request->goal_id()}), reply).status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::AgreePlan(grpc::ServerContext* context, const hub::v1::AgreePlanRequest* request,
                                    hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "agree a plan");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("plan_id", request->plan_id()); !s.ok()) return s;
    if (request->revision() <= 0) return Invalid("revision", "must be the revision that was signed (1 or more)");
    if (auto s = CheckId("resident_person_id", request->resident_person_id()); !s.ok()) return s;
    plan::AgreePlan command;
    command.plan_id = request->plan_id();
    command.revision = request->revision();
    command.resident_person_id = request->resident_person_id();
    command.as_representative = request->as_representative();
    command.actor = ActorOf(*call);
    command.household = call->household;
    command.today = call->today;
    return Run(*call, PlanDecider::Command(std::move(command)), reply).status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::RecordEvaluation(grpc::ServerContext* context,
                                           const hub::v1::RecordEvaluationRequest* request,
                                           hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "evaluate a plan");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("plan_id", request->plan_id()); !s.ok()) return s;
    if (auto s = CheckId("goal_id", request->goal_id()); !s.ok()) return s;
    if (!hub::v1::GoalProgress_IsValid(request->progress()) ||
        request->progress() == hub::v1::GOAL_PROGRESS_UNSPECIFIED) {
      return Invalid("progress", "must be NOT_STARTED, ON_TRACK, BEHIND or ACHIEVED");
    }
    if (auto s = CheckText("notes", request->notes(), false); !s.ok()) return s;
    plan::RecordEvaluation command;
    command.plan_id = request->plan_id();
    command.goal_id = request->goal_id();
    command.progress = request->progress();
    command.zrm_score = request->zrm_score();
    command.today = call->today;
    if (!request->next_evaluation_on().empty()) {
      auto next = ParseDate("next_evaluation_on", request->next_evaluation_on());
      if (!next.ok()) return next.status();
      command.next_evaluation_on = *next;
    }
    auto notes = Seal(*call, request->notes(), EvaluationAad(request->goal_id()));
    if (!notes.ok()) return notes.status();
    command.notes = std::move(*notes);
    return Run(*call, PlanDecider::Command(std::move(command)), reply).status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::ScaleDown(grpc::ServerContext* context, const hub::v1::ScaleDownRequest* request,
                                    hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "scale a plan down");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("plan_id", request->plan_id()); !s.ok()) return s;
    if (auto s = CheckText("reason", request->reason(), true); !s.ok()) return s;
    auto reason = Seal(*call, request->reason(), ScaleDownAad(request->plan_id()));
    if (!reason.ok()) return reason.status();
    return Run(*call,
               PlanDecider::Command(plan::ScaleDown{request->plan_id(), std::move(*reason), ActorOf(*call),
                                                    call->household, call->today}),
               reply)
        .status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::ClosePlan(grpc::ServerContext* context, const hub::v1::ClosePlanRequest* request,
                                    hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "close a plan");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("plan_id", request->plan_id()); !s.ok()) return s;
    return Run(*call,
               PlanDecider::Command(plan::ClosePlan{request->plan_id(), request->reason(), ActorOf(*call),
                                                    call->household, call->today}),
               reply)
        .status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::EscalateToProcesregie(grpc::ServerContext* context,
                                                const hub::v1::EscalateToProcesregieRequest* request,
                                                hub::v1::EscalateToProcesregieReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "escalate to procesregie");
    if (!call.ok()) return call.status();
    if (auto s = CheckText("explanation", request->explanation(), true); !s.ok()) return s;
    if (auto s = CheckId("procesregisseur_organisation_id", request->procesregisseur_organisation_id()); !s.ok()) {
      return s;
    }
    if (auto s = CheckId("procesregisseur_user_pseudonym", request->procesregisseur_user_pseudonym()); !s.ok()) {
      return s;
    }
    plan::EscalateToProcesregie command;
    command.escalation_id = domain::NewUuidV7();
    command.reason = request->reason();
    command.procesregisseur_organisation_id = request->procesregisseur_organisation_id();
    command.procesregisseur_user_pseudonym = request->procesregisseur_user_pseudonym();
    const auto* organisation = deps_.organisations->FindOrganisation(request->procesregisseur_organisation_id());
    command.organisation_may_be_procesregisseur =
        organisation != nullptr && organisation->kind == OrganisationKind::kSocialTeam &&
        deps_.organisations->Serves(*organisation, call->prepared.caller.tenant) &&
        std::find(organisation->roles.begin(), organisation->roles.end(), "procesregisseur") !=
            organisation->roles.end();
    command.today = call->today;
    auto explanation = Seal(*call, request->explanation(), EscalationAad(command.escalation_id));
    if (!explanation.ok()) return explanation.status();
    command.explanation = std::move(*explanation);
    auto outcome = Run(*call, PlanDecider::Command(std::move(command)), reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    reply->set_escalation_id(
        IdFrom(*outcome, [](const hub::v1::PlanEvent& e) { return e.procesregie_started().escalation_id(); }));
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::IssueDirective(grpc::ServerContext* context, const hub::v1::IssueDirectiveRequest* request,
                                         hub::v1::IssueDirectiveReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "issue a directive");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("organisation_id", request->organisation_id()); !s.ok()) return s;
    if (auto s = CheckText("action", request->action(), true); !s.ok()) return s;
    auto due = ParseDate("due_on", request->due_on());
    if (!due.ok()) return due.status();
    plan::IssueDirective command;
    command.directive_id = domain::NewUuidV7();
    command.organisation_id = request->organisation_id();
    command.organisation_known =
        KnownToTenant(*deps_.organisations, request->organisation_id(), call->prepared.caller.tenant);
    command.due_on = *due;
    command.actor = ActorOf(*call);
    command.today = call->today;
    auto action = Seal(*call, request->action(), DirectiveAad(command.directive_id));
    if (!action.ok()) return action.status();
    command.action = std::move(*action);
    auto outcome = Run(*call, PlanDecider::Command(std::move(command)), reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    reply->set_directive_id(
        IdFrom(*outcome, [](const hub::v1::PlanEvent& e) { return e.directive_issued().directive_id(); }));
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::CompleteDirective(grpc::ServerContext* context,
                                            const hub::v1::CompleteDirectiveRequest* request,
                                            hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(),
                        {OrganisationKind::kSocialTeam, OrganisationKind::kWorkAndIncome,
                         OrganisationKind::kCareProvider, OrganisationKind::kDebtServices,
                         OrganisationKind::kDecisionOffice},
                        "report a directive done");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("directive_id", request->directive_id()); !s.ok()) return s;
    return Run(*call, PlanDecider::Command(plan::CompleteDirective{request->directive_id(), ActorOf(*call),
                                                                   call->today}),
               reply)
        .status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::ReleaseProcesregie(grpc::ServerContext* context,
                                             const hub::v1::ReleaseProcesregieRequest* request,
                                             hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "release procesregie");
    if (!call.ok()) return call.status();
    if (auto s = CheckText("explanation", request->explanation(), true); !s.ok()) return s;
    // The episode's id names the sealed explanation; without an episode the decider refuses anyway.
    auto loaded = deps_.handler->Load(request->household_id(), call->prepared.context.deadline);
    if (!loaded.ok()) return loaded.status();
    const Procesregie* active = ActiveProcesregie(loaded->state);
    const std::string escalation_id = active != nullptr ? active->started().escalation_id() : std::string();
    auto explanation = Seal(*call, request->explanation(), ReleaseAad(escalation_id));
    if (!explanation.ok()) return explanation.status();
    return Run(*call, PlanDecider::Command(plan::ReleaseProcesregie{std::move(*explanation), ActorOf(*call),
                                                                    call->today}),
               reply)
        .status();
  };
  return rpc::Fail(context, handle());
}

namespace {

// What a reader may see of the plan.
struct Visibility {
  bool full = false;             // the social team: everything
  std::string organisation_id;   // otherwise: goals and directives of this organisation only
  bool Sees(const hub::v1::PlanGoal& goal) const {
    return full || goal.responsible_organisation_id() == organisation_id;
  }
};

}  // namespace

grpc::Status PlanService::GetPlan(grpc::ServerContext* context, const hub::v1::GetPlanRequest* request,
                                  hub::v1::PlanView* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    if (auto s = Allow(*caller,
                       {OrganisationKind::kSocialTeam, OrganisationKind::kWorkAndIncome,
                        OrganisationKind::kCareProvider, OrganisationKind::kDebtServices,
                        OrganisationKind::kDecisionOffice},
                       "read a plan");
        !s.ok()) {
      return s;
    }
    if (auto s = CheckId("household_id", request->household_id()); !s.ok()) return s;
    const auto deadline = DeadlineOf(context);
    if (!request->min_positions().empty()) {
      if (auto s = deps_.runner->WaitFor(Positions(request->min_positions()), deadline); !s.ok()) return s;
    }
    auto loaded = deps_.handler->Load(request->household_id(), deadline);
    if (!loaded.ok()) return loaded.status();
    if (loaded->version == 0 || loaded->tenant != caller->tenant || loaded->state.plans().empty()) {
      return absl::NotFoundError("household_id: no plan for this household in this tenant");
    }
    const PlanState& state = loaded->state;
    const Plan& plan = *state.plans().rbegin();
    const std::string& tenant = caller->tenant;
    const std::string& household_id = request->household_id();
    const Visibility visibility{caller->organisation->kind == OrganisationKind::kSocialTeam, caller->organisation_id};
    if (!visibility.full) {
      const bool has_goal = std::any_of(plan.goals().begin(), plan.goals().end(),
                                        [&](const auto& g) { return visibility.Sees(g); }) ||
                            std::any_of(plan.history().begin(), plan.history().end(), [&](const auto& r) {
                              return std::any_of(r.goals().begin(), r.goals().end(),
                                                 [&](const auto& g) { return visibility.Sees(g); });
                            });
      bool has_directive = false;
      for (const auto& episode : state.procesregie()) {
        for (const auto& d : episode.directives()) has_directive |= d.issued().organisation_id() == caller->organisation_id;
      }
      if (!has_goal && !has_directive) {
        return absl::PermissionDeniedError(fmt::format(
            "{} is responsible for no goal of this household's plan and bound by no directive",
            caller->organisation_id));
      }
    }
    // Decrypted only for this reply; an erased plan key leaves the texts empty.
    auto open = [&](const hub::v1::SealedValue& sealed, std::string_view aad) {
      return service::OpenOrEmpty(*deps_.keys, tenant, sealed, aad);
    };
    auto fill_goal = [&](const hub::v1::PlanGoal& g, hub::v1::GoalView* view) {
      view->set_goal_id(g.goal_id());
      view->set_life_domain(g.life_domain());
      view->set_result(open(g.result(), GoalResultAad(g.goal_id())));
      view->set_target_date(g.target_date());
      view->set_tier(g.tier());
      view->set_responsible_organisation_id(g.responsible_organisation_id());
      view->set_responsible_person_id(g.responsible_person_id());
      view->set_agreements(open(g.agreements(), GoalAgreementsAad(g.goal_id())));
      auto evaluation = plan.last_evaluations().find(g.goal_id());
      if (evaluation != plan.last_evaluations().end()) {
        const auto& e = evaluation->second;
        auto* ev = view->mutable_last_evaluation();
        ev->set_goal_id(e.goal_id());
        ev->set_progress(e.progress());
        ev->set_zrm_score(e.zrm_score());
        ev->set_notes(open(e.notes(), EvaluationAad(e.goal_id())));
        ev->set_evaluated_on(e.evaluated_on());
        ev->set_next_evaluation_on(e.next_evaluation_on());
      }
    };
    const domain::Date today = domain::DutchDate(deps_.clock->Now());
    reply->set_household_id(household_id);
    reply->set_tenant(tenant);
    reply->set_version(loaded->version);
    reply->set_plan_id(plan.plan_id());
    reply->set_status(plan.status());
    reply->set_melding_id(plan.melding_id());
    reply->set_evaluation_interval_weeks(plan.evaluation_interval_weeks());
    reply->set_revision(plan.revision());
    reply->set_agreed_revision(plan.agreed_revision());
    reply->set_next_evaluation_on(plan.next_evaluation_on());
    reply->set_evaluation_overdue(plan.status() != hub::v1::PLAN_STATUS_CLOSED && plan.agreed_revision() > 0 &&
                                  !plan.next_evaluation_on().empty() &&
                                  plan.next_evaluation_on() < today.ToString());
    reply->set_closed_reason(plan.closed_reason());
    reply->set_restricted(!visibility.full);
    for (const auto& g : plan.goals()) {
      if (visibility.Sees(g)) fill_goal(g, reply->add_goals());
    }
    for (const auto& r : plan.history()) {
      auto* revision = reply->add_history();
      revision->set_revision(r.revision());
      for (const auto& g : r.goals()) {
        if (visibility.Sees(g)) fill_goal(g, revision->add_goals());
      }
      revision->set_agreed_on(r.agreement().agreed_on());
      if (visibility.full) {
        revision->set_resident_person_id(r.agreement().resident_person_id());
        revision->set_as_representative(r.agreement().as_representative());
        revision->set_regisseur_organisation_id(r.agreement().regisseur_organisation_id());
        revision->set_regisseur_user_pseudonym(r.agreement().regisseur_user_pseudonym());
      }
    }
    auto facts = FactsOf(*deps_.households, household_id, tenant);
    if (!facts.ok()) return facts.status();
    reply->set_regisseur_organisation_id(facts->regisseur_organisation_id);
    reply->set_regisseur_user_pseudonym(facts->regisseur_user_pseudonym);
    const Procesregie* active = ActiveProcesregie(state);
    reply->set_under_procesregie(active != nullptr);
    // The current episode first, then earlier ones, newest first.
    for (auto it = state.procesregie().rbegin(); it != state.procesregie().rend(); ++it) {
      const auto& started = it->started();
      auto* view = reply->add_procesregie();
      view->set_escalation_id(started.escalation_id());
      view->set_reason(started.reason());
      view->set_procesregisseur_organisation_id(started.procesregisseur_organisation_id());
      view->set_procesregisseur_user_pseudonym(started.procesregisseur_user_pseudonym());
      view->set_started_on(started.started_on());
      view->set_released_on(it->released_on());
      if (visibility.full) view->set_explanation(open(started.explanation(), EscalationAad(started.escalation_id())));
      for (const auto& d : it->directives()) {
        if (!visibility.full && d.issued().organisation_id() != caller->organisation_id) continue;
        auto* directive = view->add_directives();
        directive->set_directive_id(d.issued().directive_id());
        directive->set_organisation_id(d.issued().organisation_id());
        directive->set_action(open(d.issued().action(), DirectiveAad(d.issued().directive_id())));
        directive->set_due_on(d.issued().due_on());
        directive->set_completed_on(d.completed_on());
        directive->set_overdue(d.completed_on().empty() && it->released_on().empty() &&
                               d.issued().due_on() < today.ToString());
      }
    }
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status PlanService::ListPlans(grpc::ServerContext* context, const hub::v1::ListPlansRequest* request,
                                    hub::v1::ListPlansResponse* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    if (auto s = Allow(*caller, kTeam, "list plans"); !s.ok()) return s;
    if (!request->tenant().empty() && request->tenant() != caller->tenant) {
      return absl::PermissionDeniedError(
          fmt::format("tenant: the caller acts for {}, not {}", caller->tenant, request->tenant()));
    }
    if (!hub::v1::PlanStatus_IsValid(request->status())) return Invalid("status", "not a plan status");
    if (request->page().page_size() < 0 || request->page().page_size() > 500) {
      return Invalid("page.page_size", "must be between 0 and 500");
    }
    PlanQuery query;
    query.tenant = caller->tenant;
    if (request->status() != hub::v1::PLAN_STATUS_UNSPECIFIED) query.status = request->status();
    query.evaluation_overdue = request->evaluation_overdue();
    query.under_procesregie = request->under_procesregie();
    query.today = domain::DutchDate(deps_.clock->Now());
    query.page_size = request->page().page_size();
    query.page_token = request->page().page_token();
    if (auto s = deps_.runner->CatchUp(DeadlineOf(context)); !s.ok()) return s;
    auto page = deps_.index->List(query);
    if (!page.ok()) return page.status();
    for (const auto& entry : page->plans) {
      const auto& s = entry.summary;
      auto* summary = reply->add_plans();
      summary->set_household_id(entry.household_id);
      summary->set_plan_id(s.plan_id());
      summary->set_status(s.status());
      summary->set_revision(s.revision());
      summary->set_next_evaluation_on(s.next_evaluation_on());
      summary->set_evaluation_overdue(EvaluationOverdue(s, query.today));
      summary->set_under_procesregie(s.under_procesregie());
      summary->set_open_directives(static_cast<int32_t>(s.open_directives_size()));
      summary->set_overdue_directives(DirectivesOverdue(s, query.today));
    }
    reply->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

}  // namespace hub::plan
