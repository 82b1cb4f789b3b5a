#include "common/crypto/sealing.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <cstdlib>
#include <memory>

#include "fmt/format.h"

namespace hub::crypto {
namespace {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// EVP takes int lengths; the hub seals field values, so anything near INT_MAX is a bug upstream.
bool FitsInt(std::string_view s) { return s.size() <= static_cast<size_t>(INT_MAX); }

absl::Status CheckKey(std::string_view key) {
  if (key.size() == kSealKeySize) return absl::OkStatus();
  return absl::InvalidArgumentError(
      fmt::format("sealing key has {} bytes, AES-256-GCM needs {}", key.size(), kSealKeySize));
}

// Feeds associated data to an initialised GCM context (encrypt or decrypt: same call for both).
// Empty AAD is skipped rather than passed as a possibly-null pointer.
bool AddAad(EVP_CIPHER_CTX* ctx, std::string_view aad) {
  if (aad.empty()) return true;
  int unused = 0;
  return EVP_CipherUpdate(ctx, nullptr, &unused, Bytes(aad), static_cast<int>(aad.size())) == 1;
}

absl::Status AuthenticationFailed() {
  return absl::DataLossError("sealed value cannot be opened: authentication failed");
}

}  // namespace

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > static_cast<size_t>(INT_MAX) || (n > 0 && RAND_bytes(Bytes(out), static_cast<int>(n)) != 1)) {
    std::abort();
  }
  return out;
}

absl::StatusOr<Sealed> Seal(std::string_view key32, std::string_view plaintext,
                            std::string_view associated_data) {
  if (absl::Status s = CheckKey(key32); !s.ok()) return s;
  if (!FitsInt(plaintext) || !FitsInt(associated_data)) {
    return absl::InvalidArgumentError("value too large to seal");
  }
  Sealed sealed;
  sealed.nonce = RandomBytes(kSealNonceSize);
  sealed.ciphertext.resize(plaintext.size() + kSealTagSize);

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  bool ok = ctx != nullptr &&
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kSealNonceSize, nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key32), Bytes(sealed.nonce)) == 1 &&
            AddAad(ctx.get(), associated_data);
  if (ok && !plaintext.empty()) {
    ok = EVP_EncryptUpdate(ctx.get(), Bytes(sealed.ciphertext), &len, Bytes(plaintext),
                           static_cast<int>(plaintext.size())) == 1;
  }
  // GCM is a stream mode: Final emits nothing, but it completes the tag computation.
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), Bytes(sealed.ciphertext) + len, &final_len) == 1 &&
       static_cast<size_t>(len + final_len) == plaintext.size() &&
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kSealTagSize,
                           Bytes(sealed.ciphertext) + plaintext.size()) == 1;
  if (!ok) return absl::InternalError("AES-256-GCM encryption failed");
  return sealed;
}

absl::StatusOr<std::string> Open(std::string_view key32, const Sealed& sealed,
                                 std::string_view associated_data) {
  if (absl::Status s = CheckKey(key32); !s.ok()) return s;
  // A malformed value is as untrustworthy as a tampered one; report it the same way.
  if (sealed.nonce.size() != kSealNonceSize || sealed.ciphertext.size() < kSealTagSize ||
      !FitsInt(sealed.ciphertext) || !FitsInt(associated_data)) {
    return AuthenticationFailed();
  }
  const size_t body_size = sealed.ciphertext.size() - kSealTagSize;
  std::string_view body(sealed.ciphertext.data(), body_size);
  // EVP wants a mutable tag buffer even though it only reads it.
  std::string tag = sealed.ciphertext.substr(body_size);
  std::string plaintext(body_size, '\0');

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  bool ok = ctx != nullptr &&
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kSealNonceSize, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key32), Bytes(sealed.nonce)) == 1 &&
            AddAad(ctx.get(), associated_data);
  if (ok && !body.empty()) {
    ok = EVP_DecryptUpdate(ctx.get(), Bytes(plaintext), &len, Bytes(body),
                           static_cast<int>(body.size())) == 1;
  }
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kSealTagSize, tag.data()) == 1;
  if (!ok) return absl::InternalError("AES-256-GCM decryption failed");
  // The tag is checked here, after all bytes went through. Until it passes, the decrypted bytes are
  // unauthenticated and must not leave this function.
  if (EVP_DecryptFinal_ex(ctx.get(), Bytes(plaintext) + len, &final_len) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return AuthenticationFailed();
  }
  return plaintext;
}

}  // namespace hub::crypto
