#include "common/domain/tenant.h"

#include "absl/strings/ascii.h"

namespace hub::domain {
namespace {

enum class TenantProblem { kNone, kWrongLength, kWrongPrefix, kNotDigits, kZero };

TenantProblem Check(std::string_view tenant) {
  if (tenant.size() != 6) return TenantProblem::kWrongLength;
  // Upper case only: the code is used as a key (storage prefixes, topic names), so "gm0632" and
  // "GM0632" must not both be accepted as different spellings of one tenant.
  if (tenant.substr(0, 2) != "GM") return TenantProblem::kWrongPrefix;
  for (char c : tenant.substr(2)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return TenantProblem::kNotDigits;
  }
  if (tenant.substr(2) == "0000") return TenantProblem::kZero;
  return TenantProblem::kNone;
}

}  // namespace

bool IsValidTenant(std::string_view tenant) { return Check(tenant) == TenantProblem::kNone; }

absl::Status ValidateTenant(std::string_view tenant) {
  switch (Check(tenant)) {
    case TenantProblem::kNone:
      return absl::OkStatus();
    case TenantProblem::kWrongLength:
      return absl::InvalidArgumentError(
          "tenant must be a CBS municipality code: \"GM\" followed by 4 digits (6 characters)");
    case TenantProblem::kWrongPrefix:
      return absl::InvalidArgumentError(
          "tenant must start with upper-case \"GM\" (CBS municipality code)");
    case TenantProblem::kNotDigits:
      return absl::InvalidArgumentError("tenant must end in 4 digits after \"GM\"");
    case TenantProblem::kZero:
      return absl::InvalidArgumentError("tenant GM0000 is not a municipality code");
  }
  return absl::InternalError("unreachable tenant check result");
}

}  // namespace hub::domain
