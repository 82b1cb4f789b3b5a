// Test BSNs: valid (elfproef) and different per seed, so tests against a shared Kafka topic can
// register fresh persons on every run.
#pragma once

#include <cstdint>
#include <string>

namespace hub::testing {

// Eight digits from the seed (the first one non-zero), then the check digit; seeds whose check digit
// would be 10 move on to the next.
inline std::string ValidBsn(uint64_t seed) {
  static constexpr int kWeights[8] = {9, 8, 7, 6, 5, 4, 3, 2};
  for (;; ++seed) {
    std::string digits = std::to_string(10000000 + seed % 90000000);
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (digits[static_cast<size_t>(i)] - '0') * kWeights[i];
    const int check = sum % 11;
    if (check == 10) continue;
    return digits + static_cast<char>('0' + check);
  }
}

}  // namespace hub::testing
