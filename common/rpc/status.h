// The one place where absl::Status becomes grpc::Status and back.
//
// absl and gRPC share their code numbering, so codes map one to one and messages travel unchanged.
// What a grpc::Status cannot carry is the machine-readable part of a rejection: the reason code and
// the offending field that es::ToStatus stores as payloads (es/rejection_payload.h). Those go to the
// client as trailing metadata instead, "hub-reason" (e.g. REFERRAL_ALREADY_ANSWERED) and
// "hub-field" (e.g. persons[1].bsn), which is why a handler returns Fail(context, status) rather
// than ToGrpcStatus(status).
#pragma once

#include "absl/status/status.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"

namespace hub::rpc {

inline constexpr char kReasonTrailer[] = "hub-reason";
inline constexpr char kFieldTrailer[] = "hub-field";

// Same code, same message. Payloads are dropped: see AddErrorTrailers.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Adds the "hub-reason" and "hub-field" trailers for the rejection payloads `status` carries;
// nothing for OK or for a status without them. A payload that is not printable ASCII (which a
// rejection's reason and field always are) is left out rather than sent: metadata values without a
// -bin suffix must be printable. Call before the handler returns.
void AddErrorTrailers(grpc::ServerContext* context, const absl::Status& status);

// AddErrorTrailers then ToGrpcStatus: what a handler returns on failure.
//   if (!result.ok()) return rpc::Fail(context, result.status());
grpc::Status Fail(grpc::ServerContext* context, const absl::Status& status);

// Same code, same message, for clients.
absl::Status FromGrpcStatus(const grpc::Status& status);

// As above, and puts the server's "hub-reason" / "hub-field" trailers back as the rejection
// payloads, so a client sees the status the server's decider produced. Call after the RPC finished.
absl::Status FromGrpcStatus(const grpc::Status& status, const grpc::ClientContext& context);

}  // namespace hub::rpc
