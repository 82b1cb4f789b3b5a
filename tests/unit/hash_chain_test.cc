#include "common/crypto/hash_chain.h"

#include "gtest/gtest.h"

namespace hub::crypto {
namespace {

struct StoredLink {
  std::string envelope, prev_hash, hash;
};

std::vector<StoredLink> BuildChain(int n) {
  std::vector<StoredLink> chain;
  std::string prev = GenesisHash();
  for (int i = 0; i < n; ++i) {
    StoredLink link{"envelope bytes of event " + std::to_string(i), prev, {}};
    link.hash = ChainHash(link.prev_hash, link.envelope);
    prev = link.hash;
    chain.push_back(link);
  }
  return chain;
}

std::vector<ChainLink> View(const std::vector<StoredLink>& chain) {
  std::vector<ChainLink> links;
  for (const auto& l : chain) links.push_back({l.envelope, l.prev_hash, l.hash});
  return links;
}

TEST(Sha256, MatchesTheStandardTestVector) {
  EXPECT_EQ(ToHex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashChain, AnIntactChainVerifies) {
  EXPECT_EQ(VerifyChain(View(BuildChain(10))), std::nullopt);
  EXPECT_EQ(VerifyChain({}), std::nullopt);
}

TEST(HashChain, FlippingAnyByteOfAnyEventIsDetectedAtThatEvent) {
  const auto original = BuildChain(6);
  for (size_t event = 0; event < original.size(); ++event) {
    for (size_t byte = 0; byte < original[event].envelope.size(); ++byte) {
      auto chain = original;
      chain[event].envelope[byte] ^= 0x01;
      auto broken = VerifyChain(View(chain));
      ASSERT_TRUE(broken.has_value()) << "event " << event << " byte " << byte;
      EXPECT_EQ(broken->index, event);
      EXPECT_EQ(broken->kind, ChainBreak::Kind::kWrongHash);
    }
    for (size_t byte = 0; byte < kHashSize; ++byte) {
      auto chain = original;
      chain[event].hash[byte] ^= 0x80;
      auto broken = VerifyChain(View(chain));
      ASSERT_TRUE(broken.has_value());
      EXPECT_EQ(broken->index, event);
    }
  }
}

TEST(HashChain, DroppingInsertingOrReorderingIsDetected) {
  auto dropped = BuildChain(5);
  dropped.erase(dropped.begin() + 2);
  auto b = VerifyChain(View(dropped));
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->index, 2u);
  EXPECT_EQ(b->kind, ChainBreak::Kind::kWrongPrevHash);

  auto reordered = BuildChain(5);
  std::swap(reordered[1], reordered[3]);
  b = VerifyChain(View(reordered));
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->index, 1u);

  auto inserted = BuildChain(4);
  StoredLink forged{"forged", inserted[1].hash, {}};
  forged.hash = ChainHash(forged.prev_hash, forged.envelope);
  inserted.insert(inserted.begin() + 2, forged);
  b = VerifyChain(View(inserted));
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->index, 3u);  // the event after the forgery no longer links
  EXPECT_NE(b->Describe().find("event 3"), std::string::npos);

  auto first_dropped = BuildChain(3);
  first_dropped.erase(first_dropped.begin());
  b = VerifyChain(View(first_dropped));
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->index, 0u);
}

TEST(HashChain, VerificationCanResumeFromAKnownHash) {
  const auto chain = BuildChain(6);
  const auto all = View(chain);
  std::vector<ChainLink> tail(all.begin() + 3, all.end());
  EXPECT_EQ(VerifyChain(tail, chain[2].hash), std::nullopt);
  EXPECT_TRUE(VerifyChain(tail).has_value());
}

}  // namespace
}  // namespace hub::crypto
