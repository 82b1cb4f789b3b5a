#include "common/rpc/status.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/cord.h"
#include "common/es/rejection_payload.h"

namespace hub::rpc {
namespace {

static_assert(static_cast<int>(absl::StatusCode::kUnauthenticated) ==
                  static_cast<int>(grpc::StatusCode::UNAUTHENTICATED),
              "absl and gRPC status codes share one numbering");
static_assert(static_cast<int>(absl::StatusCode::kDataLoss) ==
              static_cast<int>(grpc::StatusCode::DATA_LOSS));

bool PrintableAscii(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

std::optional<std::string> Payload(const absl::Status& status, const char* url) {
  const auto payload = status.GetPayload(url);  // absl::optional, not std::optional, on Debian
  if (!payload.has_value()) return std::nullopt;
  std::string value(*payload);
  if (value.empty() || !PrintableAscii(value)) return std::nullopt;
  return value;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // Codes 1..16 are the same numbers in both; anything else (absl allows any int) is UNKNOWN.
  const int code = static_cast<int>(status.code());
  const grpc::StatusCode grpc_code =
      code >= 1 && code <= 16 ? static_cast<grpc::StatusCode>(code) : grpc::StatusCode::UNKNOWN;
  return grpc::Status(grpc_code, std::string(status.message()));
}

void AddErrorTrailers(grpc::ServerContext* context, const absl::Status& status) {
  if (status.ok()) return;
  if (auto reason = Payload(status, es::kReasonPayloadUrl)) {
    context->AddTrailingMetadata(kReasonTrailer, *reason);
  }
  if (auto field = Payload(status, es::kFieldPayloadUrl)) {
    context->AddTrailingMetadata(kFieldTrailer, *field);
  }
}

grpc::Status Fail(grpc::ServerContext* context, const absl::Status& status) {
  AddErrorTrailers(context, status);
  return ToGrpcStatus(status);
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const int code = static_cast<int>(status.error_code());
  const absl::StatusCode absl_code =
      code >= 1 && code <= 16 ? static_cast<absl::StatusCode>(code) : absl::StatusCode::kUnknown;
  return absl::Status(absl_code, status.error_message());
}

absl::Status FromGrpcStatus(const grpc::Status& status, const grpc::ClientContext& context) {
  absl::Status result = FromGrpcStatus(status);
  if (result.ok()) return result;
  const auto& trailers = context.GetServerTrailingMetadata();
  for (const auto& [trailer, url] : {std::pair{kReasonTrailer, es::kReasonPayloadUrl},
                                     std::pair{kFieldTrailer, es::kFieldPayloadUrl}}) {
    const auto it = trailers.find(grpc::string_ref(trailer));
    if (it == trailers.end()) continue;
    result.SetPayload(url, absl::Cord(std::string(it->second.data(), it->second.size())));
  }
  return result;
}

}  // namespace hub::rpc
