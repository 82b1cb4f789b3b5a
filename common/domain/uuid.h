// UUID version 7 (RFC 9562 section 5.7): a 48-bit Unix millisecond timestamp plus 74 counter and
// CSPRNG bits, so ids sort by creation time. Ids from one generator strictly increase, as bytes and
// as strings, even within one millisecond or when the clock steps back. Text is always the
// canonical 36-character lower-case 8-4-4-4-12 form, the only form these functions emit or accept.

#ifndef HUB_COMMON_DOMAIN_UUID_H_
#define HUB_COMMON_DOMAIN_UUID_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hub::domain {

// A UUIDv7 source with its own monotonic state. Thread-safe. Most code wants NewUuidV7(); construct
// one of these only to inject a clock (tests, replay).
//
// Monotonicity follows RFC 9562 section 6.2, method 1: the 12-bit rand_a field is a counter, seeded
// randomly (below 0x800, leaving at least 2048 steps) whenever the timestamp advances and
// incremented otherwise. If the clock goes backwards the last timestamp is kept; if the counter
// overflows the timestamp moves one millisecond ahead of the clock. Values never repeat or reorder.
class UuidV7Generator {
 public:
  // Uses the system clock.
  UuidV7Generator();
  // `unix_ms_clock` returns milliseconds since 1970-01-01T00:00:00Z; it must be safe to call from
  // several threads. Values outside [0, 2^48) are clamped into that range.
  explicit UuidV7Generator(std::function<int64_t()> unix_ms_clock);

  UuidV7Generator(const UuidV7Generator&) = delete;
  UuidV7Generator& operator=(const UuidV7Generator&) = delete;

  // A new canonical UUIDv7, greater than every one this generator returned before. Aborts the
  // process if the CSPRNG fails: there is no safe way to continue making identifiers then.
  std::string Next();

 private:
  std::function<int64_t()> clock_;
  std::mutex mu_;
  int64_t last_ms_ = -1;    // guarded by mu_
  uint32_t counter_ = 0;    // guarded by mu_; 12 bits
};

// A new UUIDv7 from the process-wide generator (system clock). Thread-safe; strictly increasing
// within the process.
std::string NewUuidV7();

// A UUIDv7 carrying `unix_ms` as its timestamp and random remaining bits. Stateless: no ordering
// promise between two calls with the same millisecond. InvalidArgument unless 0 <= unix_ms < 2^48.
absl::StatusOr<std::string> UuidV7At(int64_t unix_ms);

// True iff `s` is a canonical UUID string (any version): 36 characters, hyphens at positions 8, 13,
// 18 and 23, lower-case hex digits elsewhere. Upper case is rejected so one id has one spelling.
bool IsUuid(std::string_view s);

// The timestamp of a UUIDv7, in Unix milliseconds. InvalidArgument if `s` is not canonical (IsUuid)
// or is not version 7 with the RFC 9562 variant.
absl::StatusOr<int64_t> UuidV7Millis(std::string_view s);

}  // namespace hub::domain

#endif  // HUB_COMMON_DOMAIN_UUID_H_
