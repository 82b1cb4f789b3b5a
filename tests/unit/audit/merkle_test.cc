// RFC 6962 Merkle trees (common/crypto/merkle.h) against vectors computed independently: the
// expected values below come from a separate Python implementation with hashlib only (RFC 6962
// section 2.1 written out recursively), and the 8-leaf root equals the Certificate Transparency
// reference vector (5dc9da79...).
#include "common/crypto/merkle.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "common/crypto/hash_chain.h"
#include "gtest/gtest.h"

namespace hub::crypto {
namespace {

std::string Unhex(const std::string& hex) { return absl::HexStringToBytes(hex); }

// The leaf data of the Certificate Transparency test suite.
std::vector<std::string> CtLeafHashes(size_t n) {
  const std::vector<std::string> data = {"",
                                         Unhex("00"),
                                         Unhex("10"),
                                         Unhex("2021"),
                                         Unhex("3031"),
                                         Unhex("40414243"),
                                         Unhex("5051525354555657"),
                                         Unhex("606162636465666768696a6b6c6d6e6f")};
  std::vector<std::string> leaves;
  for (size_t i = 0; i < n; ++i) leaves.push_back(MerkleLeafHash(data[i]));
  return leaves;
}

// Leaf data = the index as 8 bytes big-endian.
std::vector<std::string> CountingLeafHashes(size_t n) {
  std::vector<std::string> leaves;
  for (uint64_t i = 0; i < n; ++i) {
    std::string data(8, '\0');
    for (int b = 0; b < 8; ++b) data[static_cast<size_t>(b)] = static_cast<char>((i >> (56 - 8 * b)) & 0xff);
    leaves.push_back(MerkleLeafHash(data));
  }
  return leaves;
}

std::vector<std::string> Hexes(const std::vector<std::string>& hashes) {
  std::vector<std::string> out;
  for (const auto& h : hashes) out.push_back(ToHex(h));
  return out;
}

const char* const kCtRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

TEST(MerkleTest, RootsOfTheCertificateTransparencyVectors) {
  for (size_t n = 0; n <= 8; ++n) EXPECT_EQ(ToHex(MerkleRoot(CtLeafHashes(n))), kCtRoots[n]) << n << " leaves";
}

TEST(MerkleTest, FrontierRootEqualsTheTreeRootAtEverySize) {
  MerkleFrontier frontier;
  EXPECT_EQ(ToHex(frontier.Root()), kCtRoots[0]);
  const auto leaves = CtLeafHashes(8);
  for (size_t n = 1; n <= 8; ++n) {
    frontier.Append(leaves[n - 1]);
    EXPECT_EQ(frontier.size(), n);
    EXPECT_EQ(ToHex(frontier.Root()), kCtRoots[n]) << n << " leaves";
  }
}

TEST(MerkleTest, FrontierKeepsOneNodePerSetBit) {
  MerkleFrontier frontier;
  for (const auto& leaf : CountingLeafHashes(1000)) frontier.Append(leaf);
  EXPECT_EQ(frontier.nodes().size(), 6u);  // 1000 = 0b1111101000
  EXPECT_EQ(ToHex(frontier.Root()), "c89faf3395d034a77c12c76d636db96358d6d2839c3c68f6329a07231e82fce2");
}

TEST(MerkleTest, FrontierRestoresAndContinues) {
  const auto leaves = CountingLeafHashes(1024);
  MerkleFrontier first;
  for (size_t i = 0; i < 1000; ++i) first.Append(leaves[i]);
  MerkleFrontier restored;
  ASSERT_TRUE(MerkleFrontier::Restore(first.size(), first.nodes(), &restored));
  for (size_t i = 1000; i < 1024; ++i) restored.Append(leaves[i]);
  EXPECT_EQ(ToHex(restored.Root()), "0456833d28c7c5dd77fb16ad71e43fd0f9766da8c8064608fc1a89b3d7068818");
  EXPECT_EQ(restored.nodes().size(), 1u);
}

TEST(MerkleTest, RestoreRefusesPartsThatDoNotFit) {
  MerkleFrontier out;
  EXPECT_FALSE(MerkleFrontier::Restore(3, {std::string(32, 'a')}, &out));             // 3 has two set bits
  EXPECT_FALSE(MerkleFrontier::Restore(1, {std::string(31, 'a')}, &out));             // not a hash
  EXPECT_TRUE(MerkleFrontier::Restore(0, {}, &out));
}

TEST(MerkleTest, AuditPathsOfTheCertificateTransparencyVectors) {
  struct Case {
    uint64_t index;
    size_t size;
    std::vector<std::string> path;
  };
  const std::vector<Case> cases = {
      {0, 1, {}},
      {0,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1,
       5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {4, 5, {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {6,
       7,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
  };
  for (const auto& c : cases) {
    const auto leaves = CtLeafHashes(c.size);
    const auto path = MerkleAuditPath(leaves, c.index);
    EXPECT_EQ(Hexes(path), c.path) << "leaf " << c.index << " of " << c.size;
    EXPECT_TRUE(VerifyMerkleInclusion(leaves[c.index], c.index, c.size, path, Unhex(kCtRoots[c.size])));
  }
}

TEST(MerkleTest, AuditPathsOfALargerTree) {
  const auto leaves = CountingLeafHashes(1000);
  const std::vector<std::string> path0 = {
      "2ae1c19c0cbd378e46c927a9f3611923ec07cc1ae357502a09536d455275cf21",
      "4aaa4b10743592b41b5af6908cbe076eba5959b9d0617428bc5667cf5a97d55d",
      "518e91c3405a9a13d1c16b08167518c945483d5a838db26e8b1eafae08da07be",
      "98434f931a6f85ec1046b5df815354c5baba6b7357255b190eb69acf0f43bacc",
      "779a46d1d79ed1cf5ab645eb78e758cafbf5283fa26e75ebb7f08ded097885d2",
      "526da40ba99e39e0d841c77f9bfdc74c579978db1a5c812b56e30aa52ca3fc27",
      "9b3b9c004367cd7fed99b4396a642916197ad9f5aeaefe314211e85819da154a",
      "d9a519b1862668611cca9d05315222f9db9c597e3d5106a689633f9a8f8d43ba",
      "c42c6bf62f30402d4a6061aff79ef074a73d27404d78790ad1e75a5a0950c3a7",
      "608260c1a5b9a2307b9bec235fb422f2e6894fefd04bfe9c93ad9c6ab7c3e9a8"};
  const std::vector<std::string> path511 = {
      "190168fcabd7279066b477cde24d4a33d20937ed94a738feb207c6353433627d",
      "baf0be06900570e08531fd149b0e857232728aa88fd49078c65a02572d406ee8",
      "9828bc20c75f7a8bb14663156f9b097cd13b1f9d9b8f0ffc76e5168f14e1d46a",
      "969c74014cecda72b1d127445c785940c4a87f1787e8315e84180397ff08e1d5",
      "8d6a1eede7bd3d38ce17016762d0f9f1651946b3f88a625403a4d967e55786bb",
      "d2c189a2d31860c7b6168101f3ac512f6b7e12fdac14b41ade048f35c051a88b",
      "20e2db96d4b6feaf704de20f12428ef74972f7a39b073006bd5ea4f3eb9e5062",
      "f508f378835fdfa382469240533f287090a673b6695ff3444b822231f51c4652",
      "15e2dd4973ae44de8c8cf3048fd98d17adaaea6287f4e0606a55a643617408c0",
      "608260c1a5b9a2307b9bec235fb422f2e6894fefd04bfe9c93ad9c6ab7c3e9a8"};
  const std::vector<std::string> path999 = {
      "92f56c2f6603c834e96f8114e4c192c384536c5664f073a7eda3d695b081995a",
      "2234a5cc25b76dbb5df7a50d7a882189c2b67115630423aeb69485c065375166",
      "f2a112ba3a66614d8819ff851810b9f808bbe1db8a8d4f16a3984e1a5f08e3cd",
      "604bad0648e0d5dc06cb735cc2b134bc207148d4bf9c78629c28b0772e10f47f",
      "a47ca85a4cff566ce24366cf65ae570e07870da3b729e46384136be866a7712a",
      "d9d4379ad20c69fda554bd569a1ef7aba4e479007d6b6bb711a1c79702fce284",
      "1a3061ea07a9f047e30e01a348f69f72af93f9a9cc02a5683d4a29a4f92554c5",
      "3adf8fb25fc5a1fef35934e788cdacf7d39d6b613f801fe624c97fde2d159fae"};
  const uint64_t indices[] = {0, 511, 999};
  std::string root;
  const auto paths = MerkleAuditPaths(leaves, indices, &root);
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(Hexes(paths[0]), path0);
  EXPECT_EQ(Hexes(paths[1]), path511);
  EXPECT_EQ(Hexes(paths[2]), path999);
  EXPECT_EQ(ToHex(root), "c89faf3395d034a77c12c76d636db96358d6d2839c3c68f6329a07231e82fce2");
}

// Every leaf of every tree up to 40 leaves: the batch paths equal the single paths and verify;
// any other leaf, index or root, or a damaged path, does not.
TEST(MerkleTest, EveryPathVerifiesAndNothingElseDoes) {
  const auto all = CountingLeafHashes(40);
  for (size_t n = 1; n <= all.size(); ++n) {
    std::span<const std::string> leaves(all.data(), n);
    const std::string root = MerkleRoot(leaves);
    std::vector<uint64_t> indices;
    for (uint64_t i = 0; i < n; ++i) indices.push_back(i);
    const auto paths = MerkleAuditPaths(leaves, indices);
    for (uint64_t i = 0; i < n; ++i) {
      EXPECT_EQ(paths[i], MerkleAuditPath(leaves, i));
      EXPECT_TRUE(VerifyMerkleInclusion(leaves[i], i, n, paths[i], root)) << i << " of " << n;
      // (The tree size is bound by the root, not by the path: a path of a leaf in the left part is
      // the same for sizes n and n + 1 when only the right part differs. Verifiers take the size
      // from the signed checkpoint.)
      EXPECT_FALSE(VerifyMerkleInclusion(leaves[i], i + n, n, paths[i], root));
      if (n > 1) {
        EXPECT_FALSE(VerifyMerkleInclusion(leaves[(i + 1) % n], i, n, paths[i], root));
        EXPECT_FALSE(VerifyMerkleInclusion(leaves[i], (i + 1) % n, n, paths[i], root));
      }
      EXPECT_FALSE(VerifyMerkleInclusion(leaves[i], i, n, paths[i], MerkleLeafHash("other")));
      if (!paths[i].empty()) {
        auto damaged = paths[i];
        damaged.back()[0] = static_cast<char>(damaged.back()[0] ^ 1);
        EXPECT_FALSE(VerifyMerkleInclusion(leaves[i], i, n, damaged, root));
        damaged.pop_back();
        EXPECT_FALSE(VerifyMerkleInclusion(leaves[i], i, n, damaged, root));
      }
    }
  }
}

TEST(MerkleTest, LeavesAndNodesAreDomainSeparated) {
  const std::string a = MerkleLeafHash("a");
  const std::string b = MerkleLeafHash("b");
  // An inner node's preimage posing as leaf data hashes differently from the node.
  EXPECT_NE(MerkleLeafHash(a + b), MerkleNodeHash(a, b));
  EXPECT_EQ(ToHex(MerkleLeafHash("")), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

}  // namespace
}  // namespace hub::crypto
