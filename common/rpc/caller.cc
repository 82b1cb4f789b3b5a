#include "common/rpc/caller.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "fmt/format.h"

namespace hub::rpc {
namespace {

// The single non-empty value of `key`, or UNAUTHENTICATED. A key given twice is refused rather than
// resolved: which of two identities a proxy or client meant is not ours to guess.
absl::StatusOr<std::string> Single(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                                   const char* key) {
  const auto [first, last] = metadata.equal_range(grpc::string_ref(key));
  if (first == last || first->second.empty()) {
    return absl::UnauthenticatedError(fmt::format("missing caller metadata {}", key));
  }
  if (std::next(first) != last) {
    return absl::UnauthenticatedError(fmt::format("caller metadata {} given more than once", key));
  }
  return std::string(first->second.data(), first->second.size());
}

bool PrintableAscii(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

}  // namespace

absl::StatusOr<Caller> CallerFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    const config::Register& reg) {
  Caller caller;
  // Everything is read before anything is judged, so a missing key is always UNAUTHENTICATED
  // whatever else is wrong.
  for (auto [key, out] : {std::pair{kTenantKey, &caller.tenant},
                          std::pair{kOrganisationKey, &caller.organisation_id},
                          std::pair{kRoleKey, &caller.role},
                          std::pair{kUserKey, &caller.user_pseudonym}}) {
    absl::StatusOr<std::string> value = Single(metadata, key);
    if (!value.ok()) return value.status();
    *out = *std::move(value);
  }
  // The pseudonym lands in events and access logs; bound it and keep control characters and
  // spaces out of them.
  if (caller.user_pseudonym.size() > kMaxUserPseudonymLength ||
      !PrintableAscii(caller.user_pseudonym)) {
    return absl::UnauthenticatedError(fmt::format(
        "{} must be a pseudonym of at most {} printable ASCII characters without spaces", kUserKey,
        kMaxUserPseudonymLength));
  }

  caller.organisation = reg.FindOrganisation(caller.organisation_id);
  if (caller.organisation == nullptr) {
    return absl::PermissionDeniedError("the calling organisation is not in the register");
  }
  if (reg.FindTenant(caller.tenant) == nullptr) {
    return absl::PermissionDeniedError(
        fmt::format("the requested tenant is not served by the hub, so not by organisation {}",
                    caller.organisation_id));
  }
  if (!reg.Serves(*caller.organisation, caller.tenant)) {
    return absl::PermissionDeniedError(fmt::format("organisation {} does not act for tenant {}",
                                                   caller.organisation_id, caller.tenant));
  }
  const auto& roles = caller.organisation->roles;
  if (std::find(roles.begin(), roles.end(), caller.role) == roles.end()) {
    return absl::PermissionDeniedError(fmt::format(
        "organisation {} may not act in the requested role (its roles: {})",
        caller.organisation_id, fmt::join(roles, ", ")));
  }
  return caller;
}

}  // namespace hub::rpc
