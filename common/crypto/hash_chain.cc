#include "common/crypto/hash_chain.h"

#include <span>

#include <openssl/evp.h>

#include <exception>
#include <memory>

#include "absl/strings/escaping.h"
#include "fmt/format.h"

namespace hub::crypto {

const std::string& GenesisHash() {
  static const std::string* genesis = new std::string(kHashSize, '\0');
  return *genesis;
}

namespace {

// EVP digests only fail on allocation failure; the hub treats that like any out-of-memory.
// The algorithm is fetched once and each thread reuses one context: every event is hashed when it
// is sealed and again wherever its chain is verified, and a fetch or an allocation per hash costs
// about as much as hashing a small envelope.
std::string Digest(std::span<const std::string_view> parts) {
  static const EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> owned(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_MD_CTX* ctx = owned.get();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  bool ok = ctx != nullptr && sha256 != nullptr && EVP_DigestInit_ex(ctx, sha256, nullptr) == 1;
  for (std::string_view part : parts) ok = ok && EVP_DigestUpdate(ctx, part.data(), part.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx, out, &out_len) == 1;
  if (!ok) std::terminate();
  return std::string(reinterpret_cast<char*>(out), out_len);
}

}  // namespace

std::string Sha256(std::string_view data) { return Digest({&data, 1}); }

std::string Sha256(std::initializer_list<std::string_view> parts) { return Digest({parts.begin(), parts.size()}); }

std::string ChainHash(std::string_view prev_hash, std::string_view envelope) { return Sha256({prev_hash, envelope}); }

std::string ChainBreak::Describe() const {
  switch (kind) {
    case Kind::kWrongPrevHash:
      return fmt::format("event {} does not link to the event before it (missing, inserted or reordered event)", index);
    case Kind::kWrongHash:
      return fmt::format("event {} does not match its hash (its bytes were changed)", index);
  }
  return "unknown chain break";
}

std::optional<ChainBreak> VerifyChain(const std::vector<ChainLink>& links, std::string_view start_hash) {
  std::string_view expected_prev = start_hash;
  std::string computed;
  for (size_t i = 0; i < links.size(); ++i) {
    const ChainLink& link = links[i];
    if (link.prev_hash != expected_prev) return ChainBreak{i, ChainBreak::Kind::kWrongPrevHash};
    computed = ChainHash(link.prev_hash, link.envelope);
    if (computed != link.hash) return ChainBreak{i, ChainBreak::Kind::kWrongHash};
    expected_prev = link.hash;
  }
  return std::nullopt;
}

std::string ToHex(std::string_view bytes) { return absl::BytesToHexString(absl::string_view(bytes.data(), bytes.size())); }

}  // namespace hub::crypto
