#include "common/crypto/signing.h"

#include <openssl/evp.h>

#include <exception>

#include "common/crypto/hash_chain.h"
#include "fmt/format.h"

namespace hub::crypto {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

}  // namespace

Ed25519Signer::Ed25519Signer(std::shared_ptr<EVP_PKEY> key, std::string public_key)
    : key_(std::move(key)), public_key_(std::move(public_key)), key_id_(Ed25519KeyId(public_key_)) {}

absl::StatusOr<Ed25519Signer> Ed25519Signer::FromSeed(std::string_view seed) {
  if (seed.size() != 32) {
    return absl::InvalidArgumentError(fmt::format("an Ed25519 seed has 32 bytes, not {}", seed.size()));
  }
  std::shared_ptr<EVP_PKEY> key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()),
                                   seed.size()),
      EVP_PKEY_free);
  if (!key) return absl::InternalError("OpenSSL refused the Ed25519 seed");
  std::string public_key(kEd25519PublicKeySize, '\0');
  size_t length = public_key.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(public_key.data()), &length) != 1 ||
      length != kEd25519PublicKeySize) {
    return absl::InternalError("OpenSSL could not derive the Ed25519 public key");
  }
  return Ed25519Signer(std::move(key), std::move(public_key));
}

std::string Ed25519Signer::Sign(std::string_view message) const {
  MdCtx ctx(EVP_MD_CTX_new());
  std::string signature(kEd25519SignatureSize, '\0');
  size_t length = signature.size();
  // Ed25519 is one-shot: no digest is named, the whole message goes to EVP_DigestSign.
  const bool ok = ctx && EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
                  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                                 reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1 &&
                  length == kEd25519SignatureSize;
  // With a valid key, signing fails only on allocation failure, which the hub treats like any
  // out-of-memory.
  if (!ok) std::terminate();
  return signature;
}

bool VerifyEd25519(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (public_key.size() != kEd25519PublicKeySize || signature.size() != kEd25519SignatureSize) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key.data()),
                                  public_key.size()),
      EVP_PKEY_free);
  if (!key) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

std::string Ed25519KeyId(std::string_view public_key) { return ToHex(Sha256(public_key).substr(0, 16)); }

}  // namespace hub::crypto
