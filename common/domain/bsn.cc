#include "common/domain/bsn.h"

#include "absl/strings/ascii.h"

namespace hub::domain {
namespace {

enum class BsnProblem { kNone, kNotNineDigits, kAllZeros, kFailsElfproef };

BsnProblem Check(std::string_view bsn) {
  if (bsn.size() != 9) return BsnProblem::kNotNineDigits;
  // Elfproef weights: 9..2 for the first eight digits, -1 for the check digit.
  static constexpr int kWeights[9] = {9, 8, 7, 6, 5, 4, 3, 2, -1};
  int sum = 0;
  bool all_zeros = true;
  for (size_t i = 0; i < bsn.size(); ++i) {
    const char c = bsn[i];
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return BsnProblem::kNotNineDigits;
    all_zeros = all_zeros && c == '0';
    sum += (c - '0') * kWeights[i];
  }
  // 000000000 passes the arithmetic (0 % 11 == 0) but is never issued.
  if (all_zeros) return BsnProblem::kAllZeros;
  return sum % 11 == 0 ? BsnProblem::kNone : BsnProblem::kFailsElfproef;
}

}  // namespace

bool IsValidBsn(std::string_view bsn) { return Check(bsn) == BsnProblem::kNone; }

absl::Status ValidateBsn(std::string_view bsn) {
  // The messages are fixed strings on purpose: the value is personal data and must not reach logs.
  switch (Check(bsn)) {
    case BsnProblem::kNone:
      return absl::OkStatus();
    case BsnProblem::kNotNineDigits:
      return absl::InvalidArgumentError("BSN must be exactly 9 digits");
    case BsnProblem::kAllZeros:
      return absl::InvalidArgumentError("BSN must not be all zeros");
    case BsnProblem::kFailsElfproef:
      return absl::InvalidArgumentError("BSN fails the elfproef (11-test)");
  }
  return absl::InternalError("unreachable BSN check result");
}

}  // namespace hub::domain
