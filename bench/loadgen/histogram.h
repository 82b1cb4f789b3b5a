// A latency histogram in the manner of HdrHistogram, kept simple: log-linear buckets over
// nanoseconds with 128 sub-buckets per power of two, so any recorded value is reported within 1/128
// (0.8 %) of itself, from 1 ns up to 2^42 ns (73 minutes). Constant memory (about 37 KB) whatever the
// number of samples; histograms of different threads merge by adding counts. Max and min are exact.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace hub::loadgen {

class Histogram {
 public:
  static constexpr int kSubBits = 7;                       // 128 sub-buckets per power of two
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;  // values below 2*kSub have a bucket each
  static constexpr int kMaxBits = 42;
  static constexpr size_t kBuckets = 2 * kSub + (kMaxBits - kSubBits) * kSub;

  void Record(uint64_t ns) {
    ns = std::min(ns, (uint64_t{1} << kMaxBits) - 1);
    ++counts_[Index(ns)];
    ++count_;
    max_ = std::max(max_, ns);
    min_ = std::min(min_, ns);
    sum_ += static_cast<double>(ns);
  }

  void Merge(const Histogram& other) {
    for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
    min_ = std::min(min_, other.min_);
    sum_ += other.sum_;
  }

  uint64_t count() const { return count_; }
  uint64_t max() const { return count_ == 0 ? 0 : max_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  double mean() const { return count_ == 0 ? 0 : sum_ / static_cast<double>(count_); }

  // The value at quantile q (0..1]: the smallest recorded value v such that at least q of all
  // samples are <= v, reported as the middle of v's bucket (and never above the exact max).
  uint64_t Quantile(double q) const {
    if (count_ == 0) return 0;
    const auto rank = static_cast<uint64_t>(std::max(1.0, std::ceil(q * static_cast<double>(count_))));
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::clamp(Middle(i), min(), max());
    }
    return max_;
  }

  // Exposed for the self-check in main.cc.
  static size_t Index(uint64_t v) {
    if (v < 2 * kSub) return static_cast<size_t>(v);
    const int shift = std::bit_width(v) - 1 - kSubBits;  // >= 1; v >> shift is in [kSub, 2*kSub)
    return static_cast<size_t>(2 * kSub + static_cast<uint64_t>(shift - 1) * kSub + ((v >> shift) - kSub));
  }
  static uint64_t Lowest(size_t i) {
    if (i < 2 * kSub) return i;
    const uint64_t shift = (i - 2 * kSub) / kSub + 1;
    const uint64_t sub = (i - 2 * kSub) % kSub + kSub;
    return sub << shift;
  }
  static uint64_t Middle(size_t i) {
    if (i < 2 * kSub) return i;
    const uint64_t shift = (i - 2 * kSub) / kSub + 1;
    return Lowest(i) + ((uint64_t{1} << shift) >> 1);
  }

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = std::numeric_limits<uint64_t>::max();
  double sum_ = 0;
};

}  // namespace hub::loadgen
