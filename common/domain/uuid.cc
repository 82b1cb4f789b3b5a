#include "common/domain/uuid.h"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hub::domain {
namespace {

constexpr int64_t kMaxMillis = (int64_t{1} << 48) - 1;
constexpr uint32_t kCounterMax = 0xFFF;  // rand_a is 12 bits

// Random bits for one id: 2 bytes to reseed the counter, 8 bytes for rand_b (62 bits are used).
using RandomBits = std::array<unsigned char, 10>;

RandomBits DrawRandom() {
  RandomBits bits;
  if (RAND_bytes(bits.data(), static_cast<int>(bits.size())) != 1) {
    // Identifiers without entropy could collide across processes; stopping is the safe outcome.
    std::fputs("hub::domain: RAND_bytes failed; cannot generate UUIDv7\n", stderr);
    std::abort();
  }
  return bits;
}

int64_t SystemClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Lays out the 16 bytes per RFC 9562 section 5.7 and renders the canonical string.
std::string Format(int64_t unix_ms, uint32_t rand_a, const RandomBits& random) {
  std::array<unsigned char, 16> b;
  const auto ms = static_cast<uint64_t>(unix_ms);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  b[6] = static_cast<unsigned char>(0x70 | ((rand_a >> 8) & 0x0F));  // version 7
  b[7] = static_cast<unsigned char>(rand_a & 0xFF);
  for (int i = 0; i < 8; ++i) b[8 + i] = random[2 + i];
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3F));  // variant 10
  const std::string hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20, 12));
}

// A fresh counter start below 0x800 leaves at least 2048 increments before overflow, as RFC 9562
// suggests, while still randomising the low bits.
uint32_t CounterSeed(const RandomBits& random) {
  return ((uint32_t{random[0]} << 8) | random[1]) & 0x7FF;
}

}  // namespace

UuidV7Generator::UuidV7Generator() : UuidV7Generator(&SystemClockMillis) {}

UuidV7Generator::UuidV7Generator(std::function<int64_t()> unix_ms_clock)
    : clock_(std::move(unix_ms_clock)) {}

std::string UuidV7Generator::Next() {
  // Entropy is drawn outside the lock so threads only serialise on the few lines below.
  const RandomBits random = DrawRandom();
  int64_t now = clock_();
  if (now < 0) now = 0;
  if (now > kMaxMillis) now = kMaxMillis;

  int64_t ms;
  uint32_t counter;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now > last_ms_) {
      last_ms_ = now;
      counter_ = CounterSeed(random);
    } else if (counter_ < kCounterMax) {
      // Same millisecond, or the clock went back: stay on last_ms_ and count up.
      ++counter_;
    } else {
      // Counter exhausted: borrow the next millisecond. The timestamp runs ahead of the clock
      // until the clock catches up, which keeps ordering strict.
      ++last_ms_;
      counter_ = CounterSeed(random);
    }
    ms = last_ms_;
    counter = counter_;
  }
  return Format(ms, counter, random);
}

std::string NewUuidV7() {
  // Leaked on purpose: ids may still be requested while static destructors run at exit.
  static UuidV7Generator* const generator = new UuidV7Generator();
  return generator->Next();
}

absl::StatusOr<std::string> UuidV7At(int64_t unix_ms) {
  if (unix_ms < 0 || unix_ms > kMaxMillis) {
    return absl::InvalidArgumentError("UUIDv7 timestamp must be in [0, 2^48) milliseconds");
  }
  const RandomBits random = DrawRandom();
  return Format(unix_ms, ((uint32_t{random[0]} << 8) | random[1]) & kCounterMax, random);
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!(absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<int64_t> UuidV7Millis(std::string_view s) {
  if (!IsUuid(s)) return absl::InvalidArgumentError("not a canonical lower-case UUID");
  // Version is the first hex digit of the third group; the variant is the top two bits of the
  // fourth group (hex digit 8, 9, a or b).
  if (s[14] != '7') return absl::InvalidArgumentError("not a version 7 UUID");
  if (s[19] != '8' && s[19] != '9' && s[19] != 'a' && s[19] != 'b') {
    return absl::InvalidArgumentError("not an RFC 9562 variant UUID");
  }
  const std::string ts_hex = absl::StrCat(absl::string_view(s.data(), 8),
                                          absl::string_view(s.data() + 9, 4));
  int64_t ms = 0;
  if (!absl::SimpleHexAtoi(ts_hex, &ms)) {
    return absl::InternalError("UUID timestamp did not parse after validation");
  }
  return ms;
}

}  // namespace hub::domain
