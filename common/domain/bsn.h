// Burgerservicenummer (BSN) validation: exactly 9 ASCII digits, passing the elfproef (11-test),
// not all zeros. A BSN is personal data, so no error message ever contains the number and a Status
// can be logged or returned safely. Passing means well-formed, not issued to a person; only the BRP
// knows that.

#ifndef HUB_COMMON_DOMAIN_BSN_H_
#define HUB_COMMON_DOMAIN_BSN_H_

#include <string_view>

#include "absl/status/status.h"

namespace hub::domain {

// True iff `bsn` is a well-formed BSN. Eight-digit legacy numbers are NOT padded: callers that hold
// them must add the leading zero themselves, so that two spellings of one person never both pass.
bool IsValidBsn(std::string_view bsn);

// OK, or InvalidArgument whose message says why ("must be exactly 9 digits", "fails the elfproef
// (11-test)", "must not be all zeros") and never repeats the input.
absl::Status ValidateBsn(std::string_view bsn);

}  // namespace hub::domain

#endif  // HUB_COMMON_DOMAIN_BSN_H_
