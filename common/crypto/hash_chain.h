// The per-stream SHA-256 hash chain that makes the history tamper-evident.
//
// Every event of a stream (producing service topic, household) links to the one before it:
//   hash = SHA-256(prev_hash || envelope bytes), prev_hash of the first event = 32 zero bytes.
// The hash covers the envelope bytes exactly as the log stores them, so verification never
// re-serialises. Changing, dropping, inserting or reordering any event breaks the chain at a point
// that VerifyChain names.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <initializer_list>
#include <vector>

namespace hub::crypto {

inline constexpr size_t kHashSize = 32;

// 32 zero bytes: the prev_hash of a stream's first event.
const std::string& GenesisHash();

// SHA-256 of `data` (32 raw bytes).
std::string Sha256(std::string_view data);
// SHA-256 of the parts one after another, without joining them first.
std::string Sha256(std::initializer_list<std::string_view> parts);

// SHA-256(prev_hash || envelope).
std::string ChainHash(std::string_view prev_hash, std::string_view envelope);

// One link as read from the log.
struct ChainLink {
  std::string_view envelope;
  std::string_view prev_hash;
  std::string_view hash;
};

// Where a chain broke, and why.
struct ChainBreak {
  size_t index = 0;  // position in the sequence given to VerifyChain (0 = first)
  enum class Kind {
    kWrongPrevHash,  // the link does not point at the hash of the link before it
    kWrongHash,      // the link's own hash does not match its bytes (content changed)
  } kind = Kind::kWrongHash;
  std::string Describe() const;
};

// Verifies a whole stream from its first event. `start_hash` is the hash the first link must point
// to: GenesisHash() for a complete stream, or the last verified hash when resuming. Returns the
// first broken link, or nullopt when the chain is intact.
std::optional<ChainBreak> VerifyChain(const std::vector<ChainLink>& links,
                                      std::string_view start_hash = GenesisHash());

// Lowercase hex of raw bytes, for messages and logs.
std::string ToHex(std::string_view bytes);

}  // namespace hub::crypto
