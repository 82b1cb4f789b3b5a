#include "common/es/decider.h"

#include "absl/strings/cord.h"
#include "common/es/rejection_payload.h"

namespace hub::es {

Rejection Rejection::InvalidArgument(std::string field, std::string message) {
  return {Kind::kInvalidArgument, "INVALID_ARGUMENT", std::move(field), std::move(message)};
}
Rejection Rejection::FailedPrecondition(std::string reason, std::string message) {
  return {Kind::kFailedPrecondition, std::move(reason), "", std::move(message)};
}
Rejection Rejection::NotFound(std::string reason, std::string message) {
  return {Kind::kNotFound, std::move(reason), "", std::move(message)};
}
Rejection Rejection::AlreadyExists(std::string reason, std::string message) {
  return {Kind::kAlreadyExists, std::move(reason), "", std::move(message)};
}
Rejection Rejection::PermissionDenied(std::string reason, std::string message) {
  return {Kind::kPermissionDenied, std::move(reason), "", std::move(message)};
}

absl::Status ToStatus(const Rejection& rejection) {
  absl::StatusCode code = absl::StatusCode::kFailedPrecondition;
  switch (rejection.kind) {
    case Rejection::Kind::kInvalidArgument: code = absl::StatusCode::kInvalidArgument; break;
    case Rejection::Kind::kFailedPrecondition: code = absl::StatusCode::kFailedPrecondition; break;
    case Rejection::Kind::kNotFound: code = absl::StatusCode::kNotFound; break;
    case Rejection::Kind::kAlreadyExists: code = absl::StatusCode::kAlreadyExists; break;
    case Rejection::Kind::kPermissionDenied: code = absl::StatusCode::kPermissionDenied; break;
  }
  std::string message = rejection.field.empty() ? rejection.message : rejection.field + ": " + rejection.message;
  absl::Status status(code, message);
  status.SetPayload(kReasonPayloadUrl, absl::Cord(rejection.reason));
  if (!rejection.field.empty()) status.SetPayload(kFieldPayloadUrl, absl::Cord(rejection.field));
  return status;
}

}  // namespace hub::es
