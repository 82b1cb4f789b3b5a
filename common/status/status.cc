#include "common/status/status.h"

#include <string>

#include "absl/strings/cord.h"
#include "fmt/format.h"

namespace hub {
namespace {
// Debian's abseil has its own string_view type, so literals and std::string cross the boundary.
constexpr char kVersionConflictUrl[] = "type.hub/VersionConflict";
}  // namespace

absl::Status VersionConflictError(std::string_view message) {
  absl::Status status = absl::AbortedError(std::string(message));
  status.SetPayload(kVersionConflictUrl, absl::Cord("1"));
  return status;
}

bool IsVersionConflict(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted &&
         status.GetPayload(kVersionConflictUrl).has_value();
}

absl::Status Annotate(const absl::Status& status, std::string_view context) {
  if (status.ok()) return status;
  absl::Status annotated(status.code(), fmt::format("{}: {}", context, std::string(status.message())));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    annotated.SetPayload(url, payload);
  });
  return annotated;
}

}  // namespace hub
