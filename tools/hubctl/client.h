// The hubctl side of the wire: one channel to the hub (every service hubctl calls shares it), the
// caller identity as request metadata, a deadline per call, and each failure with the
// machine-readable trailers the server adds (common/rpc/status.h). No printing here: output.h decides
// what a person or a script sees.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"
#include "hub/v1/audit.grpc.pb.h"
#include "hub/v1/report.grpc.pb.h"
#include "hub/v1/beschikking.grpc.pb.h"
#include "hub/v1/intake.grpc.pb.h"
#include "hub/v1/plan.grpc.pb.h"
#include "hub/v1/referral.grpc.pb.h"

namespace hub::hubctl {

// Who calls, sent as x-hub-tenant, x-hub-organisation, x-hub-role and x-hub-user
// (common/rpc/caller.h). Development only: the hub trusts these on loopback alone.
struct Identity {
  std::string tenant;
  std::string organisation;
  std::string role;
  std::string user;
};

struct ClientOptions {
  std::string server;  // host:port
  Identity identity;
  std::chrono::milliseconds timeout{10'000};  // per call
};

// How a call ended. On failure `reason` and `field` are the "hub-reason" and "hub-field" trailers,
// empty when the server sent none.
struct CallResult {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  std::string reason;
  std::string field;

  bool ok() const { return code == grpc::StatusCode::OK; }
};

class Client {
 public:
  explicit Client(ClientOptions options);

  CallResult RegisterMelding(const hub::v1::RegisterMeldingRequest& request, hub::v1::RegisterMeldingReply* reply);
  CallResult RecordConsent(const hub::v1::RecordConsentRequest& request, hub::v1::RecordConsentReply* reply);
  CallResult WithdrawConsent(const hub::v1::WithdrawConsentRequest& request, hub::v1::CommandReply* reply);
  CallResult CompleteTriage(const hub::v1::CompleteTriageRequest& request, hub::v1::CommandReply* reply);
  CallResult AssignRegisseur(const hub::v1::AssignRegisseurRequest& request, hub::v1::CommandReply* reply);
  CallResult CloseMelding(const hub::v1::CloseMeldingRequest& request, hub::v1::CommandReply* reply);
  CallResult GetHousehold(const hub::v1::GetHouseholdRequest& request, hub::v1::Household* reply);
  CallResult ListMeldingen(const hub::v1::ListMeldingenRequest& request, hub::v1::ListMeldingenResponse* reply);

  // PlanService (proto/hub/v1/plan.proto).
  CallResult DraftPlan(const hub::v1::DraftPlanRequest& request, hub::v1::DraftPlanReply* reply);
  CallResult AddGoal(const hub::v1::AddGoalRequest& request, hub::v1::GoalReply* reply);
  CallResult ChangeGoal(const hub::v1::ChangeGoalRequest& request, hub::v1::GoalReply* reply);
  CallResult DropGoal(const hub::v1::DropGoalRequest& request, hub::v1::CommandReply* reply);
  CallResult AgreePlan(const hub::v1::AgreePlanRequest& request, hub::v1::CommandReply* reply);
  CallResult RecordEvaluation(const hub::v1::RecordEvaluationRequest& request, hub::v1::CommandReply* reply);
  CallResult ScaleDown(const hub::v1::ScaleDownRequest& request, hub::v1::CommandReply* reply);
  CallResult ClosePlan(const hub::v1::ClosePlanRequest& request, hub::v1::CommandReply* reply);
  CallResult EscalateToProcesregie(const hub::v1::EscalateToProcesregieRequest& request,
                                   hub::v1::EscalateToProcesregieReply* reply);
  CallResult IssueDirective(const hub::v1::IssueDirectiveRequest& request, hub::v1::IssueDirectiveReply* reply);
  CallResult CompleteDirective(const hub::v1::CompleteDirectiveRequest& request, hub::v1::CommandReply* reply);
  CallResult ReleaseProcesregie(const hub::v1::ReleaseProcesregieRequest& request, hub::v1::CommandReply* reply);
  CallResult GetPlan(const hub::v1::GetPlanRequest& request, hub::v1::PlanView* reply);
  CallResult ListPlans(const hub::v1::ListPlansRequest& request, hub::v1::ListPlansResponse* reply);

  // ReferralService (proto/hub/v1/referral.proto).
  CallResult RequestReferral(const hub::v1::RequestReferralRequest& request, hub::v1::RequestReferralReply* reply);
  CallResult AcceptReferral(const hub::v1::AcceptReferralRequest& request, hub::v1::CommandReply* reply);
  CallResult DeclineReferral(const hub::v1::DeclineReferralRequest& request, hub::v1::CommandReply* reply);
  CallResult ScheduleHandoverMeeting(const hub::v1::ScheduleHandoverMeetingRequest& request,
                                     hub::v1::CommandReply* reply);
  CallResult CompleteHandover(const hub::v1::CompleteHandoverRequest& request, hub::v1::CommandReply* reply);
  CallResult WithdrawReferral(const hub::v1::WithdrawReferralRequest& request, hub::v1::CommandReply* reply);
  CallResult GetHandoverDossier(const hub::v1::GetHandoverDossierRequest& request, hub::v1::HandoverDossier* reply);
  CallResult GetReferrals(const hub::v1::GetReferralsRequest& request, hub::v1::HouseholdReferrals* reply);
  CallResult ListReferrals(const hub::v1::ListReferralsRequest& request, hub::v1::ListReferralsResponse* reply);

  // BeschikkingService (proto/hub/v1/beschikking.proto).
  CallResult SubmitAanvraag(const hub::v1::SubmitAanvraagRequest& request, hub::v1::SubmitAanvraagReply* reply);
  CallResult IssueBeschikking(const hub::v1::IssueBeschikkingRequest& request, hub::v1::IssueBeschikkingReply* reply);
  CallResult CorrectToewijzing(const hub::v1::CorrectToewijzingRequest& request, hub::v1::CommandReply* reply);
  CallResult ReportStartZorg(const hub::v1::ReportStartZorgRequest& request, hub::v1::CommandReply* reply);
  CallResult ReportStopZorg(const hub::v1::ReportStopZorgRequest& request, hub::v1::CommandReply* reply);
  CallResult RequestToewijzing(const hub::v1::RequestToewijzingRequest& request,
                               hub::v1::ProviderRequestReply* reply);
  CallResult RequestWijziging(const hub::v1::RequestWijzigingRequest& request, hub::v1::ProviderRequestReply* reply);
  CallResult AnswerRequest(const hub::v1::AnswerRequestRequest& request, hub::v1::AnswerRequestReply* reply);
  CallResult FileBezwaar(const hub::v1::FileBezwaarRequest& request, hub::v1::FileBezwaarReply* reply);
  CallResult DecideBezwaar(const hub::v1::DecideBezwaarRequest& request, hub::v1::DecideBezwaarReply* reply);
  CallResult ImportLegacyIndication(const hub::v1::ImportLegacyIndicationRequest& request,
                                    hub::v1::IssueBeschikkingReply* reply);
  CallResult GetBeschikkingen(const hub::v1::GetBeschikkingenRequest& request, hub::v1::BeschikkingenView* reply);
  CallResult ListDeadlines(const hub::v1::ListDeadlinesRequest& request, hub::v1::ListDeadlinesResponse* reply);

  // AuditService (proto/hub/v1/audit.proto). The streaming calls hand each message to `on_item`
  // as it arrives, until it returns false (the call is then cancelled).
  CallResult GetChainStatus(const hub::v1::GetChainStatusRequest& request, hub::v1::ChainStatus* reply);
  CallResult GetCheckpointKey(const hub::v1::GetCheckpointKeyRequest& request, hub::v1::CheckpointKey* reply);
  CallResult GetHouseholdAsOf(const hub::v1::GetHouseholdAsOfRequest& request, hub::v1::HouseholdAsOf* reply);
  CallResult GetAccessLog(const hub::v1::GetAccessLogRequest& request, hub::v1::AccessLogPage* reply);
  CallResult ReplayHousehold(const hub::v1::ReplayHouseholdRequest& request,
                             const std::function<bool(const hub::v1::ReplayedEvent&)>& on_item);
  CallResult ExportHistory(const hub::v1::ExportHistoryRequest& request,
                           const std::function<bool(const hub::v1::ExportItem&)>& on_item);

  // ReportService (proto/hub/v1/report.proto).
  CallResult GetStapeling(const hub::v1::StapelingRequest& request, hub::v1::StapelingReport* reply);
  CallResult GetDeadlines(const hub::v1::DeadlinesRequest& request, hub::v1::DeadlinesReport* reply);
  CallResult GetProcesregie(const hub::v1::ProcesregieRequest& request, hub::v1::ProcesregieReport* reply);
  CallResult GetReferralAnswerTimes(const hub::v1::ReferralAnswerTimesRequest& request,
                                    hub::v1::ReferralAnswerTimesReport* reply);
  CallResult GetBezwaren(const hub::v1::BezwarenRequest& request, hub::v1::BezwarenReport* reply);

  const ClientOptions& options() const { return options_; }

 private:
  using Stub = hub::v1::IntakeService::Stub;
  using PlanStub = hub::v1::PlanService::Stub;
  using ReferralStub = hub::v1::ReferralService::Stub;
  using BeschikkingStub = hub::v1::BeschikkingService::Stub;
  using AuditStub = hub::v1::AuditService::Stub;
  using ReportStub = hub::v1::ReportService::Stub;

  template <class AnyStub, class Request, class Reply>
  CallResult Call(AnyStub* stub, grpc::Status (AnyStub::*method)(grpc::ClientContext*, const Request&, Reply*),
                  const Request& request, Reply* reply);

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<PlanStub> plan_stub_;
  std::unique_ptr<ReferralStub> referral_stub_;
  std::unique_ptr<BeschikkingStub> beschikking_stub_;
  std::unique_ptr<AuditStub> audit_stub_;
  std::unique_ptr<ReportStub> report_stub_;
};

}  // namespace hub::hubctl
