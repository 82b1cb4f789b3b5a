// The hubctl side of the wire: one channel to the hub, the caller identity as request metadata, a
// deadline per call, and each failure with the machine-readable trailers the server adds
// (common/rpc/status.h). No printing here: output.h decides what a person or a script sees.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"
#include "hub/v1/intake.grpc.pb.h"

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

  const ClientOptions& options() const { return options_; }

 private:
  using Stub = hub::v1::IntakeService::Stub;

  template <class Request, class Reply>
  CallResult Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Reply*), const Request& request,
                  Reply* reply);

  ClientOptions options_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace hub::hubctl
