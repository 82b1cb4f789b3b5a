// Status values used at every module boundary of the hub.
//
// The hub uses absl::Status / absl::StatusOr (the same codes gRPC uses), so a status can travel from
// the log through a service to the caller without translation tables. This header adds the few
// hub-specific distinctions a caller must be able to test for without parsing messages.
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace hub {

// An append whose expected stream version did not match. Distinct from every other failure: nothing
// was written, and the caller may reload state and decide again. Becomes ABORTED at the API.
absl::Status VersionConflictError(std::string_view message);
bool IsVersionConflict(const absl::Status& status);

// Appends `context` to a status message ("context: message"), keeping code and payloads.
absl::Status Annotate(const absl::Status& status, std::string_view context);

}  // namespace hub
