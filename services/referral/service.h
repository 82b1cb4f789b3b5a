// ReferralService: the gRPC adapter of the referral decider.
//
// Per call it identifies the caller, checks what the caller's organisation may do, validates the
// wire shape (naming the field), looks up what intake (members, consents, triage), the plan (open
// plan and goals) and the register (the receiver) say, seals free text under the referred person's
// data key, and lets the decider decide through the CommandHandler. The handover dossier is put
// together per read from the same facts, scoped by the decider's consent rule and decrypted only
// for that reply. It holds no business rule of its own: those live in decider.cc.
#pragma once

#include <functional>
#include <string>

#include "common/config/register.h"
#include "common/crypto/key_store.h"
#include "common/es/aggregate_projection.h"
#include "common/es/clock.h"
#include "common/es/command_handler.h"
#include "common/service/command_call.h"
#include "hub/v1/referral.grpc.pb.h"
#include "services/intake/decider.h"
#include "services/plan/decider.h"
#include "services/referral/decider.h"
#include "services/referral/projection.h"

namespace hub::referral {

// What the service needs from its module; nothing is owned.
struct ReferralDependencies {
  const config::Register* organisations = nullptr;
  // Every service's data keys, through the key topic: persons' keys (intake) and households' plan
  // keys (plan).
  crypto::KeyStore* keys = nullptr;
  es::CommandHandler<ReferralDecider>* handler = nullptr;
  es::ProjectionRunner* runner = nullptr;
  const es::AggregateProjection<intake::IntakeDecider>* households = nullptr;
  const es::AggregateProjection<plan::PlanDecider>* plans = nullptr;
  const ReferralIndex* index = nullptr;
  const es::Clock* clock = nullptr;
  // Called with the number of events a command appended (for hub_events_appended_total).
  std::function<void(size_t)> on_appended;
  // Called once per new answer (accept or decline) with the seconds since the request was recorded.
  std::function<void(double)> on_answered;
  // Called once per completed handover.
  std::function<void()> on_handover_completed;
  // OK when this instance decides commands for the household; UNAVAILABLE naming the owner
  // otherwise. Absent: this instance owns every household (embedded log).
  std::function<absl::Status(const std::string& household_id)> check_owner;
};

class ReferralService final : public hub::v1::ReferralService::Service {
 public:
  explicit ReferralService(ReferralDependencies deps) : deps_(std::move(deps)) {}

  grpc::Status RequestReferral(grpc::ServerContext* context, const hub::v1::RequestReferralRequest* request,
                               hub::v1::RequestReferralReply* reply) override;
  grpc::Status AcceptReferral(grpc::ServerContext* context, const hub::v1::AcceptReferralRequest* request,
                              hub::v1::CommandReply* reply) override;
  grpc::Status DeclineReferral(grpc::ServerContext* context, const hub::v1::DeclineReferralRequest* request,
                               hub::v1::CommandReply* reply) override;
  grpc::Status ScheduleHandoverMeeting(grpc::ServerContext* context,
                                       const hub::v1::ScheduleHandoverMeetingRequest* request,
                                       hub::v1::CommandReply* reply) override;
  grpc::Status CompleteHandover(grpc::ServerContext* context, const hub::v1::CompleteHandoverRequest* request,
                                hub::v1::CommandReply* reply) override;
  grpc::Status WithdrawReferral(grpc::ServerContext* context, const hub::v1::WithdrawReferralRequest* request,
                                hub::v1::CommandReply* reply) override;
  grpc::Status GetHandoverDossier(grpc::ServerContext* context, const hub::v1::GetHandoverDossierRequest* request,
                                  hub::v1::HandoverDossier* reply) override;
  grpc::Status GetReferrals(grpc::ServerContext* context, const hub::v1::GetReferralsRequest* request,
                            hub::v1::HouseholdReferrals* reply) override;
  grpc::Status ListReferrals(grpc::ServerContext* context, const hub::v1::ListReferralsRequest* request,
                             hub::v1::ListReferralsResponse* reply) override;

  // Records ReferralExpired for every unanswered referral past its answer_due that this instance
  // owns, as the service itself (actor "hub", causation: the request event). Idempotent. Returns
  // how many referrals it expired.
  absl::StatusOr<int> ExpireDue();

 private:
  struct Call {
    service::PreparedCommand prepared;
    domain::Date today;
  };
  absl::StatusOr<Call> Prepare(grpc::ServerContext* context, const hub::v1::CommandHeader& header,
                               const std::string& household_id,
                               std::initializer_list<config::OrganisationKind> allowed, std::string_view action);
  absl::StatusOr<es::CommandOutcome> Run(Call& call, const ReferralDecider::Command& command,
                                         hub::v1::CommandReply* reply);
  // Seals a reason under the referred person's data key.
  absl::StatusOr<hub::v1::SealedValue> SealReason(const Call& call, const std::string& person_id,
                                                  std::string_view text, std::string_view what);
  // The person a referral of the household is about; NOT_FOUND (REFERRAL_NOT_FOUND) when unknown.
  absl::StatusOr<std::string> PersonOf(const Call& call, const std::string& referral_id);
  absl::StatusOr<HouseholdFacts> FactsOf(const std::string& household_id, const std::string& tenant) const;

  ReferralDependencies deps_;
};

}  // namespace hub::referral
