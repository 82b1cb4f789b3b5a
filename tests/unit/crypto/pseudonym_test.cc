#include "common/crypto/pseudonym.h"

#include <string>
#include <thread>
#include <vector>

#include "common/crypto/hash_chain.h"
#include "gtest/gtest.h"

namespace hub::crypto {
namespace {

const std::string kKeyA(32, 'a');
const std::string kKeyB(32, 'b');

Pseudonymizer Make(const std::string& key) {
  absl::StatusOr<Pseudonymizer> p = Pseudonymizer::Create(key);
  EXPECT_TRUE(p.ok()) << p.status();
  return *std::move(p);
}

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  EXPECT_EQ(ToHex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, MatchesRfc4231TestCase1) {
  EXPECT_EQ(ToHex(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Pseudonymizer, RejectsShortKeys) {
  absl::StatusOr<Pseudonymizer> p = Pseudonymizer::Create(std::string(31, 'k'));
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Pseudonymizer::Create(std::string(32, 'k')).ok());
  EXPECT_TRUE(Pseudonymizer::Create(std::string(64, 'k')).ok());
}

TEST(Pseudonymizer, IsHmacOfDomainSeparatorValue) {
  std::string expected = ToHex(HmacSha256(kKeyA, std::string("bsn\x1f") + "123456782"));
  EXPECT_EQ(Make(kKeyA).Pseudonymize("bsn", "123456782"), expected);
}

TEST(Pseudonymizer, IsStableLowercaseHex) {
  std::string first = Make(kKeyA).Pseudonymize("bsn", "123456782");
  EXPECT_EQ(Make(kKeyA).Pseudonymize("bsn", "123456782"), first);  // another instance, same key
  ASSERT_EQ(first.size(), 64u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(Pseudonymizer, DiffersPerKeyDomainAndValue) {
  Pseudonymizer a = Make(kKeyA);
  std::string base = a.Pseudonymize("bsn", "123456782");
  EXPECT_NE(Make(kKeyB).Pseudonymize("bsn", "123456782"), base);
  EXPECT_NE(a.Pseudonymize("user", "123456782"), base);
  EXPECT_NE(a.Pseudonymize("bsn", "123456783"), base);
  // The separator keeps the domain/value boundary: ("bs", "n1...") is not ("bsn", "1...").
  EXPECT_NE(a.Pseudonymize("bs", "n123456782"), base);
}

TEST(Pseudonymizer, SurvivesCopyAndMove) {
  Pseudonymizer a = Make(kKeyA);
  std::string base = a.Pseudonymize("bsn", "1");
  Pseudonymizer copy = a;
  Pseudonymizer moved = std::move(copy);
  EXPECT_EQ(moved.Pseudonymize("bsn", "1"), base);
  EXPECT_EQ(a.Pseudonymize("bsn", "1"), base);
}

TEST(Pseudonymizer, IsThreadSafe) {
  const Pseudonymizer p = Make(kKeyA);
  std::string expected = p.Pseudonymize("user", "u-42");
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        if (p.Pseudonymize("user", "u-42") != expected) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace hub::crypto
