// IntakeService: the gRPC adapter of the intake decider.
//
// Per call it identifies the caller, checks what the caller's organisation may do, validates the
// wire shape (naming the field), turns personal data into pseudonyms and sealed values, lets the
// decider decide through the CommandHandler, and maps the outcome or the refusal to gRPC. It holds
// no business rule of its own: those live in decider.cc.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/config/register.h"
#include "common/crypto/key_store.h"
#include "common/crypto/pseudonym.h"
#include "common/es/clock.h"
#include "common/es/command_handler.h"
#include "common/service/command_call.h"
#include "hub/v1/intake.grpc.pb.h"
#include "services/intake/decider.h"
#include "services/intake/projection.h"

namespace hub::intake {

// What the service needs from its module; nothing is owned.
struct IntakeDependencies {
  const config::Register* organisations = nullptr;
  crypto::KeyStore* keys = nullptr;
  const std::map<std::string, crypto::Pseudonymizer, std::less<>>* pseudonymizers = nullptr;  // per tenant
  es::CommandHandler<IntakeDecider>* handler = nullptr;
  es::ProjectionRunner* runner = nullptr;
  const IntakeIndex* index = nullptr;
  const es::Clock* clock = nullptr;
  // Called with the number of events a command appended (for hub_events_appended_total).
  std::function<void(size_t)> on_appended;
  // OK when this instance decides commands for the household (it owns the household's partition);
  // UNAVAILABLE naming the owner otherwise. Absent: this instance owns every household (embedded).
  std::function<absl::Status(const std::string& household_id)> check_owner;
  // A fresh household id that this instance owns. Absent: any UUIDv7.
  std::function<absl::StatusOr<std::string>()> new_household_id;
};

class IntakeService final : public hub::v1::IntakeService::Service {
 public:
  explicit IntakeService(IntakeDependencies deps) : deps_(std::move(deps)) {}

  grpc::Status RegisterMelding(grpc::ServerContext* context, const hub::v1::RegisterMeldingRequest* request,
                               hub::v1::RegisterMeldingReply* reply) override;
  grpc::Status RecordConsent(grpc::ServerContext* context, const hub::v1::RecordConsentRequest* request,
                             hub::v1::RecordConsentReply* reply) override;
  grpc::Status WithdrawConsent(grpc::ServerContext* context, const hub::v1::WithdrawConsentRequest* request,
                               hub::v1::CommandReply* reply) override;
  grpc::Status CompleteTriage(grpc::ServerContext* context, const hub::v1::CompleteTriageRequest* request,
                              hub::v1::CommandReply* reply) override;
  grpc::Status AssignRegisseur(grpc::ServerContext* context, const hub::v1::AssignRegisseurRequest* request,
                               hub::v1::CommandReply* reply) override;
  grpc::Status CloseMelding(grpc::ServerContext* context, const hub::v1::CloseMeldingRequest* request,
                            hub::v1::CommandReply* reply) override;
  grpc::Status GetHousehold(grpc::ServerContext* context, const hub::v1::GetHouseholdRequest* request,
                            hub::v1::Household* reply) override;
  grpc::Status ListMeldingen(grpc::ServerContext* context, const hub::v1::ListMeldingenRequest* request,
                             hub::v1::ListMeldingenResponse* reply) override;

 private:
  using Prepared = service::PreparedCommand;
  // Identifies and authorises the caller, then checks and fills the command header.
  absl::StatusOr<Prepared> Prepare(grpc::ServerContext* context, const hub::v1::CommandHeader& header,
                                   std::initializer_list<config::OrganisationKind> allowed, std::string_view action);
  // Prepare, plus the household the command is about, which this instance must own.
  absl::StatusOr<Prepared> PrepareForHousehold(grpc::ServerContext* context, const hub::v1::CommandHeader& header,
                                               const std::string& household_id,
                                               std::initializer_list<config::OrganisationKind> allowed,
                                               std::string_view action);
  absl::StatusOr<es::CommandOutcome> Run(Prepared& prepared, const IntakeDecider::Command& command,
                                         hub::v1::CommandReply* reply);

  IntakeDependencies deps_;
  std::array<std::mutex, 64> person_locks_;  // serialise household lookup per BSN pseudonym
};

}  // namespace hub::intake
