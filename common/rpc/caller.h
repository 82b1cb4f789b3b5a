// Who is calling: the organisation, the tenant it acts for, the role and the (pseudonymous) user,
// taken from request metadata and checked against the organisations register.
//
// Development mode only: identity from metadata can be trusted solely because ServerHost refuses to
// listen beyond loopback without TLS (server_host.h). In production the organisation will come from
// the mTLS client certificate instead and these keys will only narrow it down (tenant, role, user).
//
// A Caller that comes back OK guarantees: the organisation is in the register, serves the tenant,
// and may act in the role. What the caller may do with a particular household (relationship,
// consent) is the service's decision, not this one's.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/config/register.h"
#include "grpcpp/support/string_ref.h"

namespace hub::rpc {

// Metadata keys (gRPC lower-cases keys on the wire). See proto/hub/v1/intake.proto.
inline constexpr char kTenantKey[] = "x-hub-tenant";
inline constexpr char kOrganisationKey[] = "x-hub-organisation";
inline constexpr char kRoleKey[] = "x-hub-role";
inline constexpr char kUserKey[] = "x-hub-user";

// Longest x-hub-user value accepted; a pseudonym (an HMAC in hex or base64) is far shorter.
inline constexpr size_t kMaxUserPseudonymLength = 256;

struct Caller {
  std::string tenant;           // CBS code, e.g. GM0632; a tenant of the register
  std::string organisation_id;  // e.g. "woerdenwijzer"
  std::string role;             // one of organisation->roles
  // The user as the calling organisation pseudonymised them (HMAC); the hub never sees who the
  // person is and keeps the value exactly as given.
  std::string user_pseudonym;
  // Points into the register passed to CallerFromMetadata; valid as long as that register object.
  const config::Organisation* organisation = nullptr;
};

// Reads x-hub-tenant, x-hub-organisation, x-hub-role and x-hub-user (typically
// ServerContext::client_metadata()) and checks them against `reg`.
//   UNAUTHENTICATED    a key is missing, empty or given twice, or x-hub-user is longer than
//                      kMaxUserPseudonymLength or contains a character outside printable ASCII
//   PERMISSION_DENIED  the organisation is not in the register, does not serve the tenant (also
//                      when the tenant is unknown or malformed), or may not act in the role
// Messages name the organisation and tenant only once they are known to the register: other values
// are untrusted input and are never echoed.
absl::StatusOr<Caller> CallerFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    const config::Register& reg);

}  // namespace hub::rpc
