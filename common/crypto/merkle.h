// RFC 6962 (Certificate Transparency) Merkle trees over a log partition's records.
//
// The audit service commits to every record of a partition up to a position with one 32-byte root
// and proves that one record is under that root with O(log n) hashes. Definitions (RFC 6962 2.1):
//   leaf hash  = SHA-256(0x00 || leaf data)          (the hub's leaf data is a LogRecord.hash)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")
//   MTH(D[n])  = node hash(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two below n
// The domain-separation bytes keep a leaf from posing as an inner node (second-preimage attacks).
//
// Everything here is a pure function or a value type: deterministic, no I/O, and safe to use from
// many threads as long as each MerkleFrontier is used by one thread at a time.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hub::crypto {

// SHA-256(0x00 || data).
std::string MerkleLeafHash(std::string_view data);
// SHA-256(0x01 || left || right).
std::string MerkleNodeHash(std::string_view left, std::string_view right);
// MTH of the empty tree: SHA-256 of the empty string.
const std::string& MerkleEmptyRoot();

// MTH over leaves given as their leaf hashes.
std::string MerkleRoot(std::span<const std::string> leaf_hashes);

// RFC 6962 audit path (PATH(m, D[n]), sibling hashes from the leaf up) for leaf `index` of the tree
// over `leaf_hashes`. `index` must be below leaf_hashes.size().
std::vector<std::string> MerkleAuditPath(std::span<const std::string> leaf_hashes, uint64_t index);

// The audit paths of several leaves of one tree in one pass (O(n) hashing in all, not per leaf).
// `indices` must be sorted ascending, without duplicates, each below leaf_hashes.size(); the paths
// come back in the same order. Also returns the root through `root` when not null.
std::vector<std::vector<std::string>> MerkleAuditPaths(std::span<const std::string> leaf_hashes,
                                                       std::span<const uint64_t> indices, std::string* root = nullptr);

// True iff `path` proves that `leaf_hash` is leaf `index` of a tree of `tree_size` leaves with
// `root` (RFC 9162 2.1.3.2, the verification of RFC 6962 audit paths).
bool VerifyMerkleInclusion(std::string_view leaf_hash, uint64_t index, uint64_t tree_size,
                           std::span<const std::string> path, std::string_view root);

// The right edge of a growing Merkle tree: the roots of the perfect subtrees that make up the tree
// so far (one per set bit of the size, largest first). Appending is amortised O(1) hashing, the
// root O(log n), the state O(log n) hashes: what a projection keeps per partition to know the root
// at any size without keeping the leaves. A value type; not thread-safe.
class MerkleFrontier {
 public:
  MerkleFrontier() = default;
  // A frontier from its parts, as nodes() and size() returned them. False (and `out` untouched)
  // when they do not fit together: one 32-byte node per set bit of `size`.
  static bool Restore(uint64_t size, std::vector<std::string> nodes, MerkleFrontier* out);

  void Append(std::string_view leaf_hash);
  uint64_t size() const { return size_; }
  // MTH of the leaves appended so far.
  std::string Root() const;
  const std::vector<std::string>& nodes() const { return nodes_; }

 private:
  uint64_t size_ = 0;
  std::vector<std::string> nodes_;
};

}  // namespace hub::crypto
