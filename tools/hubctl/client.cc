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
      stub_(hub::v1::IntakeService::NewStub(grpc::CreateChannel(options_.server, grpc::InsecureChannelCredentials()))) {}

template <class Request, class Reply>
CallResult Client::Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Reply*),
                        const Request& request, Reply* reply) {
  grpc::ClientContext context;
  // Fail fast (no wait_for_ready): a hub that is down is exit code 8 now, not after the timeout.
  context.set_deadline(std::chrono::system_clock::now() + options_.timeout);
  context.AddMetadata(rpc::kTenantKey, options_.identity.tenant);
  context.AddMetadata(rpc::kOrganisationKey, options_.identity.organisation);
  context.AddMetadata(rpc::kRoleKey, options_.identity.role);
  context.AddMetadata(rpc::kUserKey, options_.identity.user);
  const grpc::Status status = (stub_.get()->*method)(&context, request, reply);
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
  return Call(&Stub::RegisterMelding, request, reply);
}

CallResult Client::RecordConsent(const hub::v1::RecordConsentRequest& request, hub::v1::RecordConsentReply* reply) {
  return Call(&Stub::RecordConsent, request, reply);
}

CallResult Client::WithdrawConsent(const hub::v1::WithdrawConsentRequest& request, hub::v1::CommandReply* reply) {
  return Call(&Stub::WithdrawConsent, request, reply);
}

CallResult Client::CompleteTriage(const hub::v1::CompleteTriageRequest& request, hub::v1::CommandReply* reply) {
  return Call(&Stub::CompleteTriage, request, reply);
}

CallResult Client::AssignRegisseur(const hub::v1::AssignRegisseurRequest& request, hub::v1::CommandReply* reply) {
  return Call(&Stub::AssignRegisseur, request, reply);
}

CallResult Client::CloseMelding(const hub::v1::CloseMeldingRequest& request, hub::v1::CommandReply* reply) {
  return Call(&Stub::CloseMelding, request, reply);
}

CallResult Client::GetHousehold(const hub::v1::GetHouseholdRequest& request, hub::v1::Household* reply) {
  return Call(&Stub::GetHousehold, request, reply);
}

CallResult Client::ListMeldingen(const hub::v1::ListMeldingenRequest& request,
                                 hub::v1::ListMeldingenResponse* reply) {
  return Call(&Stub::ListMeldingen, request, reply);
}

}  // namespace hub::hubctl
