#include "common/crypto/pseudonym.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cassert>
#include <cstdlib>
#include <initializer_list>

#include "common/crypto/hash_chain.h"
#include "fmt/format.h"

namespace hub::crypto {
namespace {

// The HMAC implementation, fetched once. EVP_MAC objects are reference counted and may be shared
// between threads; only the per-call EVP_MAC_CTX is mutable state. Deliberately never freed.
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = [] {
    EVP_MAC* fetched = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
    if (fetched == nullptr) std::abort();  // OpenSSL without HMAC: nothing in the hub can work.
    return fetched;
  }();
  return mac;
}

// HMAC-SHA-256 over the concatenation of `parts`, without building the concatenation. A fresh context
// per call keeps callers independent of each other (thread safety without a lock). EVP only fails
// here on allocation failure, which the hub treats like any out-of-memory.
std::string Hmac(std::string_view key, std::initializer_list<std::string_view> parts) {
  // EVP_MAC_init treats a null key as "keep the previous key"; an empty key must still be a key.
  static const unsigned char kNoKey = 0;
  const auto* key_bytes =
      key.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(key.data());
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(HmacAlgorithm());
  bool ok = ctx != nullptr && EVP_MAC_init(ctx, key_bytes, key.size(), params) == 1;
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    ok = ok && EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size()) == 1;
  }
  ok = ok && EVP_MAC_final(ctx, out, &out_len, sizeof(out)) == 1;
  EVP_MAC_CTX_free(ctx);
  if (!ok) std::abort();
  return std::string(reinterpret_cast<char*>(out), out_len);
}

constexpr char kSeparator = '\x1f';

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view data) { return Hmac(key, {data}); }

absl::StatusOr<Pseudonymizer> Pseudonymizer::Create(std::string_view key) {
  if (key.size() < kMinPseudonymKeySize) {
    return absl::InvalidArgumentError(fmt::format(
        "pseudonym key has {} bytes, needs at least {}", key.size(), kMinPseudonymKeySize));
  }
  return Pseudonymizer(std::string(key));
}

Pseudonymizer::~Pseudonymizer() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string Pseudonymizer::Pseudonymize(std::string_view domain, std::string_view value) const {
  assert(domain.find(kSeparator) == std::string_view::npos);
  return ToHex(Hmac(key_, {domain, std::string_view(&kSeparator, 1), value}));
}

}  // namespace hub::crypto
