// What every service's gRPC adapter does before and after its decider decides: identify and
// authorise the caller, check and fill the command header, wait for the caller's min_positions,
// and turn a CommandOutcome into the CommandReply every command returns.
//
// Order matters and is the same in every service: who is calling, then whether that kind of
// organisation may do this at all, then what they sent. A caller without the right learns nothing
// about a household, not even whether its id is well formed.
#pragma once

#include <chrono>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/register.h"
#include "common/crypto/key_store.h"
#include "common/es/clock.h"
#include "common/es/command_handler.h"
#include "common/es/projection_runner.h"
#include "common/rpc/caller.h"
#include "grpcpp/server_context.h"
#include "hub/v1/common.pb.h"

namespace hub::service {

// INVALID_ARGUMENT naming `field`, shaped like a decider's rejection so that the field also reaches
// the caller in the "hub-field" trailer.
absl::Status Invalid(std::string_view field, std::string_view reason);

// OK when the caller's organisation is of one of `kinds`; PERMISSION_DENIED naming the kind and the
// `action` ("draft a plan") otherwise.
absl::Status Allow(const rpc::Caller& caller, std::initializer_list<config::OrganisationKind> kinds,
                   std::string_view action);

// A non-empty id of at most 128 characters.
absl::Status CheckId(std::string_view field, const std::string& value);

// Free text of at most 20,000 characters; empty only when not `required`.
absl::Status CheckText(std::string_view field, const std::string& value, bool required);

// A sealed value opened for one reply: empty when nothing was sealed or the key was erased
// (crypto-shredding shows as an empty field, not as an error).
std::string OpenOrEmpty(crypto::KeyStore& keys, std::string_view tenant, const hub::v1::SealedValue& sealed,
                        std::string_view associated_data);

// The call's deadline on the steady clock; a missing ("infinite") deadline becomes 30 seconds.
std::chrono::steady_clock::time_point DeadlineOf(const grpc::ServerContext* context);

// The value of a metadata key, or empty.
std::string Metadata(const grpc::ServerContext* context, std::string_view key);

// The trace id of a W3C traceparent header, or a fresh random one.
std::string TraceId(const grpc::ServerContext* context);

std::vector<log::Position> Positions(const google::protobuf::RepeatedPtrField<hub::v1::Position>& positions);

// Fills a CommandReply from what a command appended (or, on a retry, had appended).
void FillReply(const es::CommandOutcome& outcome, hub::v1::CommandReply* reply);

// Runs a command through its handler and fills the CommandReply; `on_appended` (may be empty) hears
// how many events a first run appended (not a retry).
template <class Handler, class Command>
absl::StatusOr<es::CommandOutcome> RunCommand(Handler& handler, const es::CommandContext& context,
                                              const Command& command,
                                              const std::function<void(size_t)>& on_appended,
                                              hub::v1::CommandReply* reply) {
  auto outcome = handler.Execute(context, command);
  if (!outcome.ok()) return outcome.status();
  if (!outcome->replayed && on_appended) on_appended(outcome->events.size());
  FillReply(*outcome, reply);
  return outcome;
}

// Who is calling, and the context its command runs in.
struct PreparedCommand {
  rpc::Caller caller;
  es::CommandContext context;
};

// Identifies and authorises the caller, validates the header, waits (bounded by the call's
// deadline) until `runner` has applied header.min_positions, and fills the command context:
// tenant, actor, request and correlation ids, trace id, valid time. The household id is left empty.
absl::StatusOr<PreparedCommand> PrepareCommand(grpc::ServerContext* context, const hub::v1::CommandHeader& header,
                                               const config::Register& organisations, const es::Clock& clock,
                                               es::ProjectionRunner& runner,
                                               std::initializer_list<config::OrganisationKind> allowed,
                                               std::string_view action);

}  // namespace hub::service
