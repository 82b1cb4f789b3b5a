// Payload type URLs under which a rejected command's reason code and field travel inside an
// absl::Status, so the gRPC layer can turn them into ErrorInfo / BadRequest details.
#pragma once

namespace hub::es {

inline constexpr char kReasonPayloadUrl[] = "type.hub/RejectionReason";
inline constexpr char kFieldPayloadUrl[] = "type.hub/RejectionField";

}  // namespace hub::es
