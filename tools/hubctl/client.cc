#include "tools/hubctl/client.h"

#include <utility>

#include "common/rpc/caller.h"
#include "common/rpc/status.h"

namespace hub::hubctl {
namespace {

std::string Trailer(const grpc::ClientContext& context, const char* key) {
  const auto& trailers = context.GetServerTrailingMetadata();
  const auto it = trailers.find(grpc::string_ref(key));
  if (it == trailers.end()) return {};
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

Client::Client(ClientOptions options)
    // Plaintext: the hub accepts identity from metadata only on loopback without TLS
    // (common/rpc/server_host.h), which is the one setup hubctl is for.
    : options_(std::move(options)),
      channel_(grpc::CreateChannel(options_.server, grpc::InsecureChannelCredentials())),
      stub_(hub::v1::IntakeService::NewStub(channel_)),
      plan_stub_(hub::v1::PlanService::NewStub(channel_)) {}

template <class AnyStub, class Request, class Reply>
CallResult Client::Call(AnyStub* stub, grpc::Status (AnyStub::*method)(grpc::ClientContext*, const Request&, Reply*),
                        const Request& request, Reply* reply) {
  grpc::ClientContext context;
  // Fail fast (no wait_for_ready): a hub that is down is exit code 8 now, not after the timeout.
  context.set_deadline(std::chrono::system_clock::now() + options_.timeout);
  context.AddMetadata(rpc::kTenantKey, options_.identity.tenant);
  context.AddMetadata(rpc::kOrganisationKey, options_.identity.organisation);
  context.AddMetadata(rpc::kRoleKey, options_.identity.role);
  context.AddMetadata(rpc::kUserKey, options_.identity.user);
  const grpc::Status status = (stub->*method)(&context, request, reply);
  CallResult result;
  result.code = status.error_code();
  result.message = status.error_message();
  if (!status.ok()) {
    result.reason = Trailer(context, rpc::kReasonTrailer);
    result.field = Trailer(context, rpc::kFieldTrailer);
  }
  return result;
}

CallResult Client::RegisterMelding(const hub::v1::RegisterMeldingRequest& request,
                                   hub::v1::RegisterMeldingReply* reply) {
  return Call(stub_.get(), &Stub::RegisterMelding, request, reply);
}

CallResult Client::RecordConsent(const hub::v1::RecordConsentRequest& request, hub::v1::RecordConsentReply* reply) {
  return Call(stub_.get(), &Stub::RecordConsent, request, reply);
}

CallResult Client::WithdrawConsent(const hub::v1::WithdrawConsentRequest& request, hub::v1::CommandReply* reply) {
  return Call(stub_.get(), &Stub::WithdrawConsent, request, reply);
}

CallResult Client::CompleteTriage(const hub::v1::CompleteTriageRequest& request, hub::v1::CommandReply* reply) {
  return Call(stub_.get(), &Stub::CompleteTriage, request, reply);
}

CallResult Client::AssignRegisseur(const hub::v1::AssignRegisseurRequest& request, hub::v1::CommandReply* reply) {
  return Call(stub_.get(), &Stub::AssignRegisseur, request, reply);
}

CallResult Client::CloseMelding(const hub::v1::CloseMeldingRequest& request, hub::v1::CommandReply* reply) {
  return Call(stub_.get(), &Stub::CloseMelding, request, reply);
}

CallResult Client::GetHousehold(const hub::v1::GetHouseholdRequest& request, hub::v1::Household* reply) {
  return Call(stub_.get(), &Stub::GetHousehold, request, reply);
}

CallResult Client::ListMeldingen(const hub::v1::ListMeldingenRequest& request,
                                 hub::v1::ListMeldingenResponse* reply) {
  return Call(stub_.get(), &Stub::ListMeldingen, request, reply);
}

CallResult Client::DraftPlan(const hub::v1::DraftPlanRequest& request, hub::v1::DraftPlanReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::DraftPlan, request, reply);
}

CallResult Client::AddGoal(const hub::v1::AddGoalRequest& request, hub::v1::GoalReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::AddGoal, request, reply);
}

CallResult Client::ChangeGoal(const hub::v1::ChangeGoalRequest& request, hub::v1::GoalReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::ChangeGoal, request, reply);
}

CallResult Client::DropGoal(const hub::v1::DropGoalRequest& request, hub::v1::CommandReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::DropGoal, request, reply);
}

CallResult Client::AgreePlan(const hub::v1::AgreePlanRequest& request, hub::v1::CommandReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::AgreePlan, request, reply);
}

CallResult Client::RecordEvaluation(const hub::v1::RecordEvaluationRequest& request, hub::v1::CommandReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::RecordEvaluation, request, reply);
}

CallResult Client::ScaleDown(const hub::v1::ScaleDownRequest& request, hub::v1::CommandReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::ScaleDown, request, reply);
}

CallResult Client::ClosePlan(const hub::v1::ClosePlanRequest& request, hub::v1::CommandReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::ClosePlan, request, reply);
}

CallResult Client::EscalateToProcesregie(const hub::v1::EscalateToProcesregieRequest& request,
                                         hub::v1::EscalateToProcesregieReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::EscalateToProcesregie, request, reply);
}

CallResult Client::IssueDirective(const hub::v1::IssueDirectiveRequest& request, hub::v1::IssueDirectiveReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::IssueDirective, request, reply);
}

CallResult Client::CompleteDirective(const hub::v1::CompleteDirectiveRequest& request, hub::v1::CommandReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::CompleteDirective, request, reply);
}

CallResult Client::ReleaseProcesregie(const hub::v1::ReleaseProcesregieRequest& request, hub::v1::CommandReply* reply) {
  return Call(plan_stub_.get(), &PlanStub::ReleaseProcesregie, request, reply);
}

CallResult Client::GetPlan(const hub::v1::GetPlanRequest& request, hub::v1::PlanView* reply) {
  return Call(plan_stub_.get(), &PlanStub::GetPlan, request, reply);
}

CallResult Client::ListPlans(const hub::v1::ListPlansRequest& request, hub::v1::ListPlansResponse* reply) {
  return Call(plan_stub_.get(), &PlanStub::ListPlans, request, reply);
}

}  // namespace hub::hubctl
