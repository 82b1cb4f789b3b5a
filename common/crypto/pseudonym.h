// Keyed pseudonyms for identifiers the hub must match on but must not store: BSNs, user ids.
//
// A pseudonym is the lowercase hex HMAC-SHA-256 of (domain || 0x1f || value) under a secret key:
//   Pseudonymize("bsn", "123456782") -> 64 hex characters.
// Guarantees:
//  - Deterministic: the same key, domain and value always give the same pseudonym, across processes
//    and restarts, so two services holding the same key can match records without ever exchanging
//    the identifier itself.
//  - Not reversible and not guessable without the key. A plain hash of a BSN is not enough: there are
//    only ~10^9 BSNs, so anyone could hash them all. The HMAC key is what makes the pseudonym safe.
//  - Domain-separated: the same value in two domains ("bsn", "user") gives unrelated pseudonyms, so a
//    pseudonym from one register can never be joined against another by accident.
//
// The key is per tenant (per municipality). Pseudonyms of the same person therefore differ between
// municipalities and cannot be linked across them, which is the point: each municipality is its own
// controller under the AVG. The flip side: the key is the only way to recompute a pseudonym. Losing
// it makes matching new data to existing records impossible (existing pseudonyms stay valid but
// nothing new will ever equal them), so the key must be backed up like any other root secret.
//
// Callers normalise the value before pseudonymising (a BSN as its 9 digits, leading zeros kept):
// "012345678" and "12345678" are different inputs and give different pseudonyms.
//
// A Pseudonymizer is immutable after Create and safe to use from any number of threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"

namespace hub::crypto {

// The shortest key a Pseudonymizer accepts: 256 bits, the HMAC-SHA-256 output size. Shorter keys
// would make the key, not the hash, the weakest link.
inline constexpr size_t kMinPseudonymKeySize = 32;

// HMAC-SHA-256(key, data), 32 raw bytes. Any key length is accepted (RFC 2104), which is why this is
// the primitive for tests and interop and Pseudonymizer is what services use.
std::string HmacSha256(std::string_view key, std::string_view data);

class Pseudonymizer {
 public:
  // INVALID_ARGUMENT when `key` is shorter than kMinPseudonymKeySize bytes. The key is raw bytes, not
  // a passphrase: derive it from a real secret, never from a word someone typed.
  static absl::StatusOr<Pseudonymizer> Create(std::string_view key);

  Pseudonymizer(const Pseudonymizer&) = default;
  Pseudonymizer& operator=(const Pseudonymizer&) = default;
  Pseudonymizer(Pseudonymizer&&) = default;
  Pseudonymizer& operator=(Pseudonymizer&&) = default;
  // Wipes the key from memory.
  ~Pseudonymizer();

  // Lowercase hex HMAC-SHA-256(key, domain || 0x1f || value), 64 characters. `domain` names what
  // the value is ("bsn", "user") and must not contain 0x1f, the separator that keeps
  // ("a", "bc") and ("ab", "c") apart; `value` may contain any bytes.
  std::string Pseudonymize(std::string_view domain, std::string_view value) const;

 private:
  explicit Pseudonymizer(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace hub::crypto
