// BeschikkingService: the gRPC adapter of the beschikking decider.
//
// Per call it identifies the caller, checks what the caller's kind of organisation may do at all,
// validates the wire shape (naming the field), looks up what intake and plan know of the household
// (the service's own projections of their topics), what the catalogue says of the products and what
// the register says of the providers named, allocates toewijzingnummers (retrying while one is in
// use, OP275), seals free text under the household's beschikking key, and lets the decider decide
// through the CommandHandler. Which decision officer, which provider and every other business rule
// live in decider.cc; reads filter what a care provider sees to its own toewijzingen.
#pragma once

#include <functional>
#include <string>

#include "common/config/register.h"
#include "common/crypto/key_store.h"
#include "common/es/aggregate_projection.h"
#include "common/es/clock.h"
#include "common/es/command_handler.h"
#include "common/service/command_call.h"
#include "hub/v1/beschikking.grpc.pb.h"
#include "services/beschikking/catalogue.h"
#include "services/beschikking/decider.h"
#include "services/beschikking/projection.h"
#include "services/intake/decider.h"
#include "services/plan/decider.h"

namespace hub::beschikking {

// What the service needs from its module; nothing is owned.
struct BeschikkingDependencies {
  const config::Register* organisations = nullptr;
  const ProductCatalogue* catalogue = nullptr;
  // Data keys for the free text: one per household (key id = household id).
  crypto::KeyStore* keys = nullptr;
  es::CommandHandler<BeschikkingDecider>* handler = nullptr;
  es::ProjectionRunner* runner = nullptr;
  // The intake topic folded with intake's own Evolve: members, birth dates, the latest triage.
  const es::AggregateProjection<intake::IntakeDecider>* households = nullptr;
  // The plan topic folded with plan's own Evolve: the open plan a beschikking references.
  const es::AggregateProjection<plan::PlanDecider>* plans = nullptr;
  const BeschikkingIndex* index = nullptr;
  const es::Clock* clock = nullptr;
  // A fresh 8-digit toewijzingnummer candidate per call (random in production; tests inject).
  std::function<std::string()> toewijzingnummers;
  // Called with the number of events a command appended (for hub_events_appended_total).
  std::function<void(size_t)> on_appended;
  // OK when this instance decides commands for the household; UNAVAILABLE naming the owner
  // otherwise. Absent: this instance owns every household (embedded log).
  std::function<absl::Status(const std::string& household_id)> check_owner;
};

class BeschikkingService final : public hub::v1::BeschikkingService::Service {
 public:
  explicit BeschikkingService(BeschikkingDependencies deps) : deps_(std::move(deps)) {}

  grpc::Status SubmitAanvraag(grpc::ServerContext* context, const hub::v1::SubmitAanvraagRequest* request,
                              hub::v1::SubmitAanvraagReply* reply) override;
  grpc::Status IssueBeschikking(grpc::ServerContext* context, const hub::v1::IssueBeschikkingRequest* request,
                                hub::v1::IssueBeschikkingReply* reply) override;
  grpc::Status CorrectToewijzing(grpc::ServerContext* context, const hub::v1::CorrectToewijzingRequest* request,
                                 hub::v1::CommandReply* reply) override;
  grpc::Status ReportStartZorg(grpc::ServerContext* context, const hub::v1::ReportStartZorgRequest* request,
                               hub::v1::CommandReply* reply) override;
  grpc::Status ReportStopZorg(grpc::ServerContext* context, const hub::v1::ReportStopZorgRequest* request,
                              hub::v1::CommandReply* reply) override;
  grpc::Status RequestToewijzing(grpc::ServerContext* context, const hub::v1::RequestToewijzingRequest* request,
                                 hub::v1::ProviderRequestReply* reply) override;
  grpc::Status RequestWijziging(grpc::ServerContext* context, const hub::v1::RequestWijzigingRequest* request,
                                hub::v1::ProviderRequestReply* reply) override;
  grpc::Status AnswerRequest(grpc::ServerContext* context, const hub::v1::AnswerRequestRequest* request,
                             hub::v1::AnswerRequestReply* reply) override;
  grpc::Status FileBezwaar(grpc::ServerContext* context, const hub::v1::FileBezwaarRequest* request,
                           hub::v1::FileBezwaarReply* reply) override;
  grpc::Status DecideBezwaar(grpc::ServerContext* context, const hub::v1::DecideBezwaarRequest* request,
                             hub::v1::DecideBezwaarReply* reply) override;
  grpc::Status ImportLegacyIndication(grpc::ServerContext* context,
                                      const hub::v1::ImportLegacyIndicationRequest* request,
                                      hub::v1::IssueBeschikkingReply* reply) override;
  grpc::Status GetBeschikkingen(grpc::ServerContext* context, const hub::v1::GetBeschikkingenRequest* request,
                                hub::v1::BeschikkingenView* reply) override;
  grpc::Status ListDeadlines(grpc::ServerContext* context, const hub::v1::ListDeadlinesRequest* request,
                             hub::v1::ListDeadlinesResponse* reply) override;

 private:
  // A prepared command about one household, with what intake and plan know of it, the day it
  // happens (valid time) and the day it is recorded (record time).
  struct Call {
    service::PreparedCommand prepared;
    HouseholdFacts household;
    domain::Date today;
    domain::Date recorded_on;
  };
  absl::StatusOr<Call> Prepare(grpc::ServerContext* context, const hub::v1::CommandHeader& header,
                               const std::string& household_id,
                               std::initializer_list<config::OrganisationKind> allowed, std::string_view action);
  absl::StatusOr<es::CommandOutcome> Run(Call& call, const BeschikkingDecider::Command& command,
                                         hub::v1::CommandReply* reply);
  // Runs a command whose ZIN lines need toewijzingnummers: allocates candidates, asks the index
  // whether each is in use for the tenant and `law`, and allocates again while the decider refuses
  // a number as in use (OP275).
  absl::StatusOr<es::CommandOutcome> RunAllocating(Call& call, hub::v1::Law law, DecisionDraft* decision,
                                                   const std::function<BeschikkingDecider::Command()>& command,
                                                   hub::v1::CommandReply* reply);
  // Seals free text under the household's key; empty text stays an empty value.
  absl::StatusOr<hub::v1::SealedValue> Seal(const Call& call, std::string_view text, std::string_view what);
  // A decision from the wire: lines with their catalogue entries and register facts, text sealed.
  absl::StatusOr<DecisionDraft> MakeDecision(const Call& call, const hub::v1::DecisionInput& input,
                                             std::string_view path);
  ProductDraft MakeLine(const Call& call, const hub::v1::ProductInput& input);
  RequestedProductDraft MakeRequested(const hub::v1::RequestedProduct& input) const;
  Actor ActorOf(const Call& call) const;

  BeschikkingDependencies deps_;
};

}  // namespace hub::beschikking
