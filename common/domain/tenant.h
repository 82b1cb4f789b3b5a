// Tenant identifiers. Every tenant of the hub is a Dutch municipality, identified by its CBS
// municipality code: "GM" followed by exactly four digits, e.g. GM0632 (Woerden), GM0222
// (Doetinchem), GM0150 (Deventer). Validation checks the form only; the list of municipalities
// changes every year through mergers (herindelingen), so existence is a matter for configuration.

#ifndef HUB_COMMON_DOMAIN_TENANT_H_
#define HUB_COMMON_DOMAIN_TENANT_H_

#include <string_view>

#include "absl/status/status.h"

namespace hub::domain {

// True iff `tenant` is "GM" (upper case) + 4 ASCII digits, other than GM0000.
bool IsValidTenant(std::string_view tenant);

// OK, or InvalidArgument saying what is wrong. The input is not echoed: it is untrusted and may be
// arbitrarily long or contain something that should not be logged.
absl::Status ValidateTenant(std::string_view tenant);

}  // namespace hub::domain

#endif  // HUB_COMMON_DOMAIN_TENANT_H_
