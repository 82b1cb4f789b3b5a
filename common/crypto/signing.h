// Ed25519 signatures (RFC 8032) with OpenSSL: what the audit service signs its checkpoints with,
// and what an offline verifier checks them with.
//
// The audit key is not stored anywhere: its 32-byte private seed is derived from the master key
// (MasterKey::Derive("audit-checkpoint-ed25519", "")), so every audit instance of an installation
// signs with the same key and the key survives a lost store. Ed25519 signatures are deterministic:
// one key and one message give one signature.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace hub::crypto {

inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

// An Ed25519 private key. Immutable once made; Sign is safe to call from many threads at once.
class Ed25519Signer {
 public:
  // The key whose RFC 8032 private seed is `seed` (32 bytes). INVALID_ARGUMENT for another length.
  static absl::StatusOr<Ed25519Signer> FromSeed(std::string_view seed);

  // The 64-byte signature of `message`.
  std::string Sign(std::string_view message) const;
  // The 32-byte public key.
  const std::string& public_key() const { return public_key_; }
  // Ed25519KeyId(public_key()).
  const std::string& key_id() const { return key_id_; }

 private:
  Ed25519Signer(std::shared_ptr<EVP_PKEY> key, std::string public_key);
  std::shared_ptr<EVP_PKEY> key_;
  std::string public_key_;
  std::string key_id_;
};

// True iff `signature` is a valid Ed25519 signature of `message` under the 32-byte `public_key`.
// False for keys or signatures of the wrong length.
bool VerifyEd25519(std::string_view public_key, std::string_view message, std::string_view signature);

// How checkpoints name their key: lowercase hex of the first 16 bytes of SHA-256(public key).
std::string Ed25519KeyId(std::string_view public_key);

}  // namespace hub::crypto
