// PlanService: the gRPC adapter of the plan decider.
//
// Per call it identifies the caller, checks what the caller's organisation may do, validates the
// wire shape (naming the field), looks up what intake knows of the household (the plan service's
// own projection of the intake topic) and what the register says of the organisations named, seals
// free text under the household's plan key, and lets the decider decide through the
// CommandHandler. It holds no business rule of its own: those live in decider.cc.
#pragma once

#include <functional>
#include <string>

#include "common/config/register.h"
#include "common/crypto/key_store.h"
#include "common/es/aggregate_projection.h"
#include "common/es/clock.h"
#include "common/es/command_handler.h"
#include "common/service/command_call.h"
#include "hub/v1/plan.grpc.pb.h"
#include "services/intake/decider.h"
#include "services/plan/decider.h"
#include "services/plan/projection.h"

namespace hub::plan {

// What the service needs from its module; nothing is owned.
struct PlanDependencies {
  const config::Register* organisations = nullptr;
  // Data keys for the plans' free text: one per household (key id = household id).
  crypto::KeyStore* keys = nullptr;
  es::CommandHandler<PlanDecider>* handler = nullptr;
  es::ProjectionRunner* runner = nullptr;
  // The intake topic folded with intake's own Evolve: members, meldingen, casusregisseur.
  const es::AggregateProjection<intake::IntakeDecider>* households = nullptr;
  const PlanIndex* index = nullptr;
  const es::Clock* clock = nullptr;
  // Called with the number of events a command appended (for hub_events_appended_total).
  std::function<void(size_t)> on_appended;
  // OK when this instance decides commands for the household; UNAVAILABLE naming the owner
  // otherwise. Absent: this instance owns every household (embedded log).
  std::function<absl::Status(const std::string& household_id)> check_owner;
};

class PlanService final : public hub::v1::PlanService::Service {
 public:
  explicit PlanService(PlanDependencies deps) : deps_(std::move(deps)) {}

  grpc::Status DraftPlan(grpc::ServerContext* context, const hub::v1::DraftPlanRequest* request,
                         hub::v1::DraftPlanReply* reply) override;
  grpc::Status AddGoal(grpc::ServerContext* context, const hub::v1::AddGoalRequest* request,
                       hub::v1::GoalReply* reply) override;
  grpc::Status ChangeGoal(grpc::ServerContext* context, const hub::v1::ChangeGoalRequest* request,
                          hub::v1::GoalReply* reply) override;
  grpc::Status DropGoal(grpc::ServerContext* context, const hub::v1::DropGoalRequest* request,
                        hub::v1::CommandReply* reply) override;
  grpc::Status AgreePlan(grpc::ServerContext* context, const hub::v1::AgreePlanRequest* request,
                         hub::v1::CommandReply* reply) override;
  grpc::Status RecordEvaluation(grpc::ServerContext* context, const hub::v1::RecordEvaluationRequest* request,
                                hub::v1::CommandReply* reply) override;
  grpc::Status ScaleDown(grpc::ServerContext* context, const hub::v1::ScaleDownRequest* request,
                         hub::v1::CommandReply* reply) override;
  grpc::Status ClosePlan(grpc::ServerContext* context, const hub::v1::ClosePlanRequest* request,
                         hub::v1::CommandReply* reply) override;
  grpc::Status EscalateToProcesregie(grpc::ServerContext* context,
                                     const hub::v1::EscalateToProcesregieRequest* request,
                                     hub::v1::EscalateToProcesregieReply* reply) override;
  grpc::Status IssueDirective(grpc::ServerContext* context, const hub::v1::IssueDirectiveRequest* request,
                              hub::v1::IssueDirectiveReply* reply) override;
  grpc::Status CompleteDirective(grpc::ServerContext* context, const hub::v1::CompleteDirectiveRequest* request,
                                 hub::v1::CommandReply* reply) override;
  grpc::Status ReleaseProcesregie(grpc::ServerContext* context, const hub::v1::ReleaseProcesregieRequest* request,
                                  hub::v1::CommandReply* reply) override;
  grpc::Status GetPlan(grpc::ServerContext* context, const hub::v1::GetPlanRequest* request,
                       hub::v1::PlanView* reply) override;
  grpc::Status ListPlans(grpc::ServerContext* context, const hub::v1::ListPlansRequest* request,
                         hub::v1::ListPlansResponse* reply) override;

 private:
  // A prepared command about one household, with what intake knows of it and the day it happens.
  struct Call {
    service::PreparedCommand prepared;
    HouseholdFacts household;
    domain::Date today;
  };
  absl::StatusOr<Call> Prepare(grpc::ServerContext* context, const hub::v1::CommandHeader& header,
                               const std::string& household_id,
                               std::initializer_list<config::OrganisationKind> allowed, std::string_view action);
  absl::StatusOr<es::CommandOutcome> Run(Call& call, const PlanDecider::Command& command,
                                         hub::v1::CommandReply* reply);
  // Seals free text under the household's plan key; empty text stays an empty value.
  absl::StatusOr<hub::v1::SealedValue> Seal(const Call& call, std::string_view text, std::string_view what);
  // A goal from the wire, validated field by field, with its texts sealed.
  absl::StatusOr<GoalDraft> MakeGoal(const Call& call, const hub::v1::GoalInput& input, std::string goal_id);
  Actor ActorOf(const Call& call) const;

  PlanDependencies deps_;
};

}  // namespace hub::plan
