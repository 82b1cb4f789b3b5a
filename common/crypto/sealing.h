// Authenticated encryption of small values (a name, a question, a data key) with AES-256-GCM.
//
// Seal encrypts a plaintext under a 32-byte key with a fresh random 12-byte nonce and authenticates
// it together with `associated_data`: bytes that are not encrypted but must be the same at Open (the
// field a value belongs to, the aggregate it belongs to). Binding the context this way means a sealed
// value cannot be cut from one record and pasted into another without Open noticing.
//
// Guarantees of Open: it returns the exact plaintext, or fails. Any change to the nonce, the
// ciphertext, the tag or the associated data, and any other key, gives DATA_LOSS with a message
// ending in "authentication failed"; never a wrong plaintext. (GCM cannot tell a wrong key from
// tampering, so neither can the status.) A key of the wrong size is INVALID_ARGUMENT: that is a bug
// in the caller, not damaged data.
//
// Nonces are random, so a key must not seal more than about 2^32 values (the GCM limit for random
// 96-bit nonces). The hub's keys are per person and per tenant KEK, far below that.
//
// All functions are thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hub::crypto {

inline constexpr size_t kSealKeySize = 32;    // AES-256
inline constexpr size_t kSealNonceSize = 12;  // the GCM standard nonce size
inline constexpr size_t kSealTagSize = 16;    // full-length GCM tag

struct Sealed {
  std::string nonce;       // kSealNonceSize bytes
  std::string ciphertext;  // ciphertext followed by the kSealTagSize-byte tag
};

// Encrypts and authenticates `plaintext`, authenticates `associated_data`. INVALID_ARGUMENT when the
// key is not kSealKeySize bytes or an input is larger than 2 GiB.
absl::StatusOr<Sealed> Seal(std::string_view key32, std::string_view plaintext,
                            std::string_view associated_data);

// The plaintext `sealed` was made from, if `key32` and `associated_data` are the ones used at Seal
// and nothing was changed; DATA_LOSS otherwise (see the header comment).
absl::StatusOr<std::string> Open(std::string_view key32, const Sealed& sealed,
                                 std::string_view associated_data);

// `n` bytes from OpenSSL's CSPRNG. Aborts the process if the generator fails: a hub that cannot get
// randomness must not go on making keys and nonces.
std::string RandomBytes(size_t n);

}  // namespace hub::crypto
