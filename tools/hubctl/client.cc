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
      plan_stub_(hub::v1::PlanService::NewStub(channel_)),
      referral_stub_(hub::v1::ReferralService::NewStub(channel_)),
      beschikking_stub_(hub::v1::BeschikkingService::NewStub(channel_)),
      audit_stub_(hub::v1::AuditService::NewStub(channel_)),
      report_stub_(hub::v1::ReportService::NewStub(channel_)) {}

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

CallResult Client::RequestReferral(const hub::v1::RequestReferralRequest& request,
                                   hub::v1::RequestReferralReply* reply) {
  return Call(referral_stub_.get(), &ReferralStub::RequestReferral, request, reply);
}

CallResult Client::AcceptReferral(const hub::v1::AcceptReferralRequest& request, hub::v1::CommandReply* reply) {
  return Call(referral_stub_.get(), &ReferralStub::AcceptReferral, request, reply);
}

CallResult Client::DeclineReferral(const hub::v1::DeclineReferralRequest& request, hub::v1::CommandReply* reply) {
  return Call(referral_stub_.get(), &ReferralStub::DeclineReferral, request, reply);
}

CallResult Client::ScheduleHandoverMeeting(const hub::v1::ScheduleHandoverMeetingRequest& request,
                                           hub::v1::CommandReply* reply) {
  return Call(referral_stub_.get(), &ReferralStub::ScheduleHandoverMeeting, request, reply);
}

CallResult Client::CompleteHandover(const hub::v1::CompleteHandoverRequest& request, hub::v1::CommandReply* reply) {
  return Call(referral_stub_.get(), &ReferralStub::CompleteHandover, request, reply);
}

CallResult Client::WithdrawReferral(const hub::v1::WithdrawReferralRequest& request, hub::v1::CommandReply* reply) {
  return Call(referral_stub_.get(), &ReferralStub::WithdrawReferral, request, reply);
}

CallResult Client::GetHandoverDossier(const hub::v1::GetHandoverDossierRequest& request,
                                      hub::v1::HandoverDossier* reply) {
  return Call(referral_stub_.get(), &ReferralStub::GetHandoverDossier, request, reply);
}

CallResult Client::GetReferrals(const hub::v1::GetReferralsRequest& request, hub::v1::HouseholdReferrals* reply) {
  return Call(referral_stub_.get(), &ReferralStub::GetReferrals, request, reply);
}

CallResult Client::ListReferrals(const hub::v1::ListReferralsRequest& request,
                                 hub::v1::ListReferralsResponse* reply) {
  return Call(referral_stub_.get(), &ReferralStub::ListReferrals, request, reply);
}

CallResult Client::SubmitAanvraag(const hub::v1::SubmitAanvraagRequest& request, hub::v1::SubmitAanvraagReply* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::SubmitAanvraag, request, reply);
}

CallResult Client::IssueBeschikking(const hub::v1::IssueBeschikkingRequest& request, hub::v1::IssueBeschikkingReply* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::IssueBeschikking, request, reply);
}

CallResult Client::CorrectToewijzing(const hub::v1::CorrectToewijzingRequest& request, hub::v1::CommandReply* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::CorrectToewijzing, request, reply);
}

CallResult Client::ReportStartZorg(const hub::v1::ReportStartZorgRequest& request, hub::v1::CommandReply* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::ReportStartZorg, request, reply);
}

CallResult Client::ReportStopZorg(const hub::v1::ReportStopZorgRequest& request, hub::v1::CommandReply* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::ReportStopZorg, request, reply);
}

CallResult Client::RequestToewijzing(const hub::v1::RequestToewijzingRequest& request, hub::v1::ProviderRequestReply* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::RequestToewijzing, request, reply);
}

CallResult Client::RequestWijziging(const hub::v1::RequestWijzigingRequest& request, hub::v1::ProviderRequestReply* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::RequestWijziging, request, reply);
}

CallResult Client::AnswerRequest(const hub::v1::AnswerRequestRequest& request, hub::v1::AnswerRequestReply* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::AnswerRequest, request, reply);
}

CallResult Client::FileBezwaar(const hub::v1::FileBezwaarRequest& request, hub::v1::FileBezwaarReply* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::FileBezwaar, request, reply);
}

CallResult Client::DecideBezwaar(const hub::v1::DecideBezwaarRequest& request, hub::v1::DecideBezwaarReply* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::DecideBezwaar, request, reply);
}

CallResult Client::ImportLegacyIndication(const hub::v1::ImportLegacyIndicationRequest& request, hub::v1::IssueBeschikkingReply* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::ImportLegacyIndication, request, reply);
}

CallResult Client::GetBeschikkingen(const hub::v1::GetBeschikkingenRequest& request, hub::v1::BeschikkingenView* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::GetBeschikkingen, request, reply);
}

CallResult Client::ListDeadlines(const hub::v1::ListDeadlinesRequest& request, hub::v1::ListDeadlinesResponse* reply) {
  return Call(beschikking_stub_.get(), &BeschikkingStub::ListDeadlines, request, reply);
}

CallResult Client::GetChainStatus(const hub::v1::GetChainStatusRequest& request, hub::v1::ChainStatus* reply) {
  return Call(audit_stub_.get(), &AuditStub::GetChainStatus, request, reply);
}

CallResult Client::GetCheckpointKey(const hub::v1::GetCheckpointKeyRequest& request, hub::v1::CheckpointKey* reply) {
  return Call(audit_stub_.get(), &AuditStub::GetCheckpointKey, request, reply);
}

CallResult Client::GetHouseholdAsOf(const hub::v1::GetHouseholdAsOfRequest& request, hub::v1::HouseholdAsOf* reply) {
  return Call(audit_stub_.get(), &AuditStub::GetHouseholdAsOf, request, reply);
}

CallResult Client::GetStapeling(const hub::v1::StapelingRequest& request, hub::v1::StapelingReport* reply) {
  return Call(report_stub_.get(), &ReportStub::GetStapeling, request, reply);
}

CallResult Client::GetDeadlines(const hub::v1::DeadlinesRequest& request, hub::v1::DeadlinesReport* reply) {
  return Call(report_stub_.get(), &ReportStub::GetDeadlines, request, reply);
}

CallResult Client::GetProcesregie(const hub::v1::ProcesregieRequest& request, hub::v1::ProcesregieReport* reply) {
  return Call(report_stub_.get(), &ReportStub::GetProcesregie, request, reply);
}

CallResult Client::GetReferralAnswerTimes(const hub::v1::ReferralAnswerTimesRequest& request,
                                          hub::v1::ReferralAnswerTimesReport* reply) {
  return Call(report_stub_.get(), &ReportStub::GetReferralAnswerTimes, request, reply);
}

CallResult Client::GetBezwaren(const hub::v1::BezwarenRequest& request, hub::v1::BezwarenReport* reply) {
  return Call(report_stub_.get(), &ReportStub::GetBezwaren, request, reply);
}

CallResult Client::GetAccessLog(const hub::v1::GetAccessLogRequest& request, hub::v1::AccessLogPage* reply) {
  return Call(audit_stub_.get(), &AuditStub::GetAccessLog, request, reply);
}

namespace {

// A server-streaming call with the same identity metadata, deadline and trailers as Call.
template <class Request, class Item, class Method>
CallResult ReadStream(const ClientOptions& options, Method method, const Request& request,
                      const std::function<bool(const Item&)>& on_item) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options.timeout);
  context.AddMetadata(rpc::kTenantKey, options.identity.tenant);
  context.AddMetadata(rpc::kOrganisationKey, options.identity.organisation);
  context.AddMetadata(rpc::kRoleKey, options.identity.role);
  context.AddMetadata(rpc::kUserKey, options.identity.user);
  auto reader = method(&context, request);
  Item item;
  bool stopped = false;
  while (reader->Read(&item)) {
    if (!on_item(item)) {
      stopped = true;
      context.TryCancel();
      break;
    }
  }
  const grpc::Status status = reader->Finish();
  CallResult result;
  if (stopped) return result;  // the caller stopped reading; what it read was fine
  result.code = status.error_code();
  result.message = status.error_message();
  if (!status.ok()) {
    result.reason = Trailer(context, rpc::kReasonTrailer);
    result.field = Trailer(context, rpc::kFieldTrailer);
  }
  return result;
}

}  // namespace

CallResult Client::ReplayHousehold(const hub::v1::ReplayHouseholdRequest& request,
                                   const std::function<bool(const hub::v1::ReplayedEvent&)>& on_item) {
  auto method = [this](grpc::ClientContext* context, const hub::v1::ReplayHouseholdRequest& r) {
    return audit_stub_->ReplayHousehold(context, r);
  };
  return ReadStream(options_, method, request, on_item);
}

CallResult Client::ExportHistory(const hub::v1::ExportHistoryRequest& request,
                                 const std::function<bool(const hub::v1::ExportItem&)>& on_item) {
  auto method = [this](grpc::ClientContext* context, const hub::v1::ExportHistoryRequest& r) {
    return audit_stub_->ExportHistory(context, r);
  };
  return ReadStream(options_, method, request, on_item);
}

}  // namespace hub::hubctl
