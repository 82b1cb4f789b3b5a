#include "common/crypto/merkle.h"

#include <bit>

#include "common/crypto/hash_chain.h"

namespace hub::crypto {
namespace {

// The largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// MTH of leaves[lo, hi) with no audit path to collect: iteratively, through a frontier.
std::string RangeRoot(std::span<const std::string> leaves, uint64_t lo, uint64_t hi) {
  MerkleFrontier frontier;
  for (uint64_t i = lo; i < hi; ++i) frontier.Append(leaves[i]);
  return frontier.Root();
}

// MTH of leaves[lo, hi); appends this level's sibling to the path of every target in the range.
// `targets` are positions into `indices` [first, last) of the indices inside [lo, hi).
std::string Collect(std::span<const std::string> leaves, uint64_t lo, uint64_t hi, std::span<const uint64_t> indices,
                    size_t first, size_t last, std::vector<std::vector<std::string>>& paths) {
  if (first == last) return RangeRoot(leaves, lo, hi);
  if (hi - lo == 1) return leaves[lo];
  const uint64_t mid = lo + SplitPoint(hi - lo);
  size_t split = first;
  while (split < last && indices[split] < mid) ++split;
  std::string left = Collect(leaves, lo, mid, indices, first, split, paths);
  std::string right = Collect(leaves, mid, hi, indices, split, last, paths);
  for (size_t i = first; i < split; ++i) paths[i].push_back(right);
  for (size_t i = split; i < last; ++i) paths[i].push_back(left);
  return MerkleNodeHash(left, right);
}

}  // namespace

// RFC 6962 domain separation: 0x00 before a leaf, 0x01 before two children.
std::string MerkleLeafHash(std::string_view data) { return Sha256({std::string_view("\x00", 1), data}); }

std::string MerkleNodeHash(std::string_view left, std::string_view right) { return Sha256({"\x01", left, right}); }

const std::string& MerkleEmptyRoot() {
  static const std::string* empty = new std::string(Sha256(std::string_view()));
  return *empty;
}

std::string MerkleRoot(std::span<const std::string> leaf_hashes) {
  return RangeRoot(leaf_hashes, 0, leaf_hashes.size());
}

std::vector<std::vector<std::string>> MerkleAuditPaths(std::span<const std::string> leaf_hashes,
                                                       std::span<const uint64_t> indices, std::string* root) {
  std::vector<std::vector<std::string>> paths(indices.size());
  std::string r = leaf_hashes.empty() ? MerkleEmptyRoot()
                                      : Collect(leaf_hashes, 0, leaf_hashes.size(), indices, 0, indices.size(), paths);
  if (root != nullptr) *root = std::move(r);
  return paths;
}

std::vector<std::string> MerkleAuditPath(std::span<const std::string> leaf_hashes, uint64_t index) {
  const uint64_t one[1] = {index};
  return std::move(MerkleAuditPaths(leaf_hashes, one).front());
}

bool VerifyMerkleInclusion(std::string_view leaf_hash, uint64_t index, uint64_t tree_size,
                           std::span<const std::string> path, std::string_view root) {
  if (index >= tree_size || leaf_hash.size() != kHashSize || root.size() != kHashSize) return false;
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  std::string r(leaf_hash);
  for (const std::string& p : path) {
    if (sn == 0 || p.size() != kHashSize) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = MerkleNodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool MerkleFrontier::Restore(uint64_t size, std::vector<std::string> nodes, MerkleFrontier* out) {
  if (static_cast<size_t>(std::popcount(size)) != nodes.size()) return false;
  for (const auto& node : nodes) {
    if (node.size() != kHashSize) return false;
  }
  out->size_ = size;
  out->nodes_ = std::move(nodes);
  return true;
}

void MerkleFrontier::Append(std::string_view leaf_hash) {
  std::string node(leaf_hash);
  // Each trailing set bit of the old size is a perfect subtree of the new leaf's size: merge.
  for (uint64_t s = size_; (s & 1) != 0; s >>= 1) {
    node = MerkleNodeHash(nodes_.back(), node);
    nodes_.pop_back();
  }
  nodes_.push_back(std::move(node));
  ++size_;
}

std::string MerkleFrontier::Root() const {
  if (nodes_.empty()) return MerkleEmptyRoot();
  // MTH splits at the largest power of two, which is the largest subtree: fold from the right.
  std::string root = nodes_.back();
  for (size_t i = nodes_.size() - 1; i-- > 0;) root = MerkleNodeHash(nodes_[i], root);
  return root;
}

}  // namespace hub::crypto
