// Ed25519 (common/crypto/signing.h) against RFC 8032 section 7.1 test vectors 1 and 2, and a
// vector computed independently with Python's `cryptography` package for the audit's own label.
#include "common/crypto/signing.h"

#include <string>

#include "absl/strings/escaping.h"
#include "common/crypto/hash_chain.h"
#include "common/keys/master_key.h"
#include "gtest/gtest.h"

namespace hub::crypto {
namespace {

std::string Unhex(const std::string& hex) { return absl::HexStringToBytes(hex); }

struct Vector {
  const char* seed;
  const char* public_key;
  const char* message;
  const char* signature;
  const char* key_id;
};

const Vector kVectors[] = {
    // RFC 8032 7.1, TEST 1 (empty message).
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24"
     "655141438e7a100b",
     "21fe31dfa154a261626bf854046fd227"},
    // RFC 8032 7.1, TEST 2 (one byte).
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aee"
     "b00d291612bb0c00",
     "39f713d0a644253f04529421b9f51b9b"},
    // Seed of zeros, message "hub.audit.checkpoint.v1" (Python cryptography 48).
    {"0000000000000000000000000000000000000000000000000000000000000000",
     "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
     "6875622e61756469742e636865636b706f696e742e7631",
     "4828fb29b4cad7b9e5eb066c8e28a5cf59b498b8fbfc27e20d88dea6f09ad495d572017517ea3f256695a8aa7a94d10677b89d2930984c04"
     "f127a8c27cdeab0e",
     "139e3940e64b5491722088d9a0d74162"},
};

TEST(SigningTest, SignsLikeTheReferenceVectors) {
  for (const auto& v : kVectors) {
    auto signer = Ed25519Signer::FromSeed(Unhex(v.seed));
    ASSERT_TRUE(signer.ok()) << signer.status();
    EXPECT_EQ(ToHex(signer->public_key()), v.public_key);
    EXPECT_EQ(ToHex(signer->Sign(Unhex(v.message))), v.signature);
    EXPECT_EQ(signer->key_id(), v.key_id);
    EXPECT_EQ(Ed25519KeyId(signer->public_key()), v.key_id);
    EXPECT_TRUE(VerifyEd25519(Unhex(v.public_key), Unhex(v.message), Unhex(v.signature)));
  }
}

TEST(SigningTest, RefusesChangedMessagesSignaturesAndKeys) {
  const auto& v = kVectors[1];
  const std::string key = Unhex(v.public_key);
  const std::string message = Unhex(v.message);
  const std::string signature = Unhex(v.signature);
  for (size_t i = 0; i < signature.size(); ++i) {
    std::string damaged = signature;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    EXPECT_FALSE(VerifyEd25519(key, message, damaged)) << "byte " << i;
  }
  EXPECT_FALSE(VerifyEd25519(key, "s", signature));
  EXPECT_FALSE(VerifyEd25519(Unhex(kVectors[0].public_key), message, signature));
  EXPECT_FALSE(VerifyEd25519(key.substr(1), message, signature));
  EXPECT_FALSE(VerifyEd25519(key, message, signature.substr(1)));
  EXPECT_FALSE(VerifyEd25519("", message, ""));
}

TEST(SigningTest, RefusesSeedsOfTheWrongLength) {
  EXPECT_EQ(Ed25519Signer::FromSeed(std::string(31, 'x')).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519Signer::FromSeed("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SigningTest, TheAuditKeyIsDerivedFromTheMasterKey) {
  auto master = keys::MasterKey::FromBytes(std::string(32, 'k'));
  ASSERT_TRUE(master.ok());
  auto a = Ed25519Signer::FromSeed(master->Derive("audit-checkpoint-ed25519", ""));
  auto b = Ed25519Signer::FromSeed(master->Derive("audit-checkpoint-ed25519", ""));
  auto other = Ed25519Signer::FromSeed(master->Derive("audit-checkpoint-ed25519", "GM0632"));
  ASSERT_TRUE(a.ok() && b.ok() && other.ok());
  EXPECT_EQ(a->public_key(), b->public_key());
  EXPECT_EQ(a->Sign("m"), b->Sign("m"));  // deterministic signatures
  EXPECT_NE(a->public_key(), other->public_key());
  EXPECT_TRUE(VerifyEd25519(a->public_key(), "m", b->Sign("m")));
}

}  // namespace
}  // namespace hub::crypto
