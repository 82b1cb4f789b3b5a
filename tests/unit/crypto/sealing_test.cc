#include "common/crypto/sealing.h"

#include <string>

#include "gtest/gtest.h"

namespace hub::crypto {
namespace {

const std::string kKey(32, '\x42');
const std::string kOtherKey(32, '\x43');
constexpr char kAad[] = "melding/7f3c/question";

Sealed MustSeal(std::string_view plaintext, std::string_view aad = kAad) {
  absl::StatusOr<Sealed> sealed = Seal(kKey, plaintext, aad);
  EXPECT_TRUE(sealed.ok()) << sealed.status();
  return *std::move(sealed);
}

void ExpectAuthFailure(const absl::StatusOr<std::string>& opened) {
  ASSERT_FALSE(opened.ok()) << "opened to: " << *opened;
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(opened.status().message()).find("authentication failed"), std::string::npos)
      << opened.status();
}

TEST(Sealing, RoundTrips) {
  Sealed sealed = MustSeal("Jan Jansen");
  EXPECT_EQ(sealed.nonce.size(), kSealNonceSize);
  EXPECT_EQ(sealed.ciphertext.size(), std::string("Jan Jansen").size() + kSealTagSize);
  absl::StatusOr<std::string> opened = Open(kKey, sealed, kAad);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "Jan Jansen");
}

TEST(Sealing, RoundTripsEmptyAndBinaryValues) {
  Sealed empty = MustSeal("", "");
  EXPECT_EQ(empty.ciphertext.size(), kSealTagSize);
  absl::StatusOr<std::string> opened = Open(kKey, empty, "");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "");

  std::string binary("\0\x01\xff zero\0inside", 16);
  opened = Open(kKey, MustSeal(binary), kAad);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, binary);
}

TEST(Sealing, SamePlaintextSealsDifferently) {
  Sealed a = MustSeal("same");
  Sealed b = MustSeal("same");
  EXPECT_NE(a.nonce, b.nonce);
  EXPECT_NE(a.ciphertext, b.ciphertext);
}

TEST(Sealing, FlippedCiphertextBitFails) {
  Sealed sealed = MustSeal("Jan Jansen");
  sealed.ciphertext[0] ^= 0x01;
  ExpectAuthFailure(Open(kKey, sealed, kAad));
}

TEST(Sealing, FlippedTagBitFails) {
  Sealed sealed = MustSeal("Jan Jansen");
  sealed.ciphertext.back() ^= 0x80;
  ExpectAuthFailure(Open(kKey, sealed, kAad));
}

TEST(Sealing, FlippedNonceBitFails) {
  Sealed sealed = MustSeal("Jan Jansen");
  sealed.nonce[5] ^= 0x10;
  ExpectAuthFailure(Open(kKey, sealed, kAad));
}

TEST(Sealing, WrongAssociatedDataFails) {
  Sealed sealed = MustSeal("Jan Jansen");
  ExpectAuthFailure(Open(kKey, sealed, "melding/7f3c/name"));
  ExpectAuthFailure(Open(kKey, sealed, ""));
}

TEST(Sealing, WrongKeyFails) {
  ExpectAuthFailure(Open(kOtherKey, MustSeal("Jan Jansen"), kAad));
}

TEST(Sealing, MalformedValuesFail) {
  Sealed sealed = MustSeal("Jan Jansen");
  Sealed short_nonce = sealed;
  short_nonce.nonce.pop_back();
  ExpectAuthFailure(Open(kKey, short_nonce, kAad));
  Sealed truncated = sealed;
  truncated.ciphertext.resize(kSealTagSize - 1);
  ExpectAuthFailure(Open(kKey, truncated, kAad));
  Sealed dropped_byte = sealed;
  dropped_byte.ciphertext.erase(0, 1);
  ExpectAuthFailure(Open(kKey, dropped_byte, kAad));
}

TEST(Sealing, WrongKeySizeIsInvalidArgument) {
  EXPECT_EQ(Seal(std::string(16, 'k'), "x", "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Open(std::string(31, 'k'), MustSeal("x"), kAad).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RandomBytes, HasRequestedSizeAndVaries) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(32).size(), 32u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

}  // namespace
}  // namespace hub::crypto
