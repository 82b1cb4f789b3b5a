#include "common/domain/uuid.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace hub::domain {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t MillisOf(const std::string& id) {
  const absl::StatusOr<int64_t> ms = UuidV7Millis(id);
  EXPECT_TRUE(ms.ok()) << id << ": " << ms.status();
  return ms.ok() ? *ms : -1;
}

TEST(UuidTest, GivenNewUuid_WhenFormatted_ThenCanonicalLowerCase36Chars) {
  const std::string id = NewUuidV7();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_TRUE(IsUuid(id)) << id;
  for (size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(id[i], '-') << id;
  for (char c : id) EXPECT_TRUE(c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
}

TEST(UuidTest, GivenManyNewUuids_WhenInspected_ThenVersion7AndVariant10) {
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewUuidV7();
    EXPECT_EQ(id[14], '7') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
  }
}

TEST(UuidTest, GivenOneThread_WhenGenerating100k_ThenStrictlyIncreasing) {
  std::string previous = NewUuidV7();
  for (int i = 0; i < 100000; ++i) {
    std::string next = NewUuidV7();
    ASSERT_LT(previous, next) << "at " << i;
    previous = std::move(next);
  }
}

TEST(UuidTest, GivenFourThreads_WhenGeneratingConcurrently_ThenAllUniqueAndEachThreadIncreasing) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      ids[t].reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) ids[t].push_back(NewUuidV7());
    });
  }
  go = true;
  for (std::thread& thread : threads) thread.join();

  std::set<std::string> all;
  for (const auto& per_thread : ids) {
    for (size_t i = 1; i < per_thread.size(); ++i) ASSERT_LT(per_thread[i - 1], per_thread[i]);
    all.insert(per_thread.begin(), per_thread.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(UuidTest, GivenFreshGenerator_WhenGenerating_ThenTimestampIsTheClock) {
  UuidV7Generator generator;
  const int64_t before = NowMillis();
  const std::string id = generator.Next();
  const int64_t after = NowMillis();
  const int64_t ms = MillisOf(id);
  EXPECT_GE(ms, before);
  EXPECT_LE(ms, after);
}

TEST(UuidTest, GivenTimestamp_WhenUuidV7At_ThenMillisRoundTrip) {
  for (int64_t ms : {int64_t{0}, int64_t{1}, int64_t{1700000000123}, (int64_t{1} << 48) - 1}) {
    const absl::StatusOr<std::string> id = UuidV7At(ms);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_TRUE(IsUuid(*id)) << *id;
    EXPECT_EQ(MillisOf(*id), ms);
  }
}

TEST(UuidTest, GivenTimestampOutside48Bits_WhenUuidV7At_ThenInvalidArgument) {
  EXPECT_EQ(UuidV7At(-1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(UuidV7At(int64_t{1} << 48).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(UuidTest, GivenRfc9562ExampleUuid_WhenReadingMillis_ThenExampleTimestamp) {
  // RFC 9562 appendix A.6 (lower-cased): 2022-02-22T19:22:22Z = 0x017F22E279B0 ms.
  EXPECT_EQ(MillisOf("017f22e2-79b0-7cc3-98c4-dc0c0c07398f"), int64_t{1645557742000});
}

TEST(UuidTest, GivenFrozenClock_WhenCounterOverflows_ThenTimestampBorrowsNextMillisecond) {
  constexpr int64_t kT = 1700000000000;
  UuidV7Generator generator([] { return kT; });
  std::string previous = generator.Next();
  EXPECT_EQ(MillisOf(previous), kT);
  for (int i = 1; i < 5000; ++i) {
    std::string next = generator.Next();
    ASSERT_LT(previous, next) << "at " << i;
    previous = std::move(next);
  }
  // Each millisecond holds between 2049 and 4096 ids (counter seeded below 0x800), so 5000 ids
  // need two or three milliseconds.
  const int64_t last = MillisOf(previous);
  EXPECT_GE(last, kT + 1);
  EXPECT_LE(last, kT + 2);
}

TEST(UuidTest, GivenClockThatStepsBack_WhenGenerating_ThenStillIncreasingOnLastTimestamp) {
  std::atomic<int64_t> now{1700000000000};
  UuidV7Generator generator([&now] { return now.load(); });
  const std::string first = generator.Next();
  now = 1700000000000 - 10000;
  const std::string second = generator.Next();
  EXPECT_LT(first, second);
  EXPECT_EQ(MillisOf(second), 1700000000000);
  now = 1700000000500;
  EXPECT_EQ(MillisOf(generator.Next()), 1700000000500);
}

TEST(UuidTest, GivenClockBeforeEpoch_WhenGenerating_ThenClampedToZero) {
  UuidV7Generator generator([] { return int64_t{-5}; });
  EXPECT_EQ(MillisOf(generator.Next()), 0);
}

TEST(UuidTest, GivenNonCanonicalText_WhenCheckingIsUuid_ThenRejected) {
  EXPECT_TRUE(IsUuid("017f22e2-79b0-7cc3-98c4-dc0c0c07398f"));
  EXPECT_TRUE(IsUuid("00000000-0000-0000-0000-000000000000"));
  for (const char* s : {
           "",
           "017F22E2-79B0-7CC3-98C4-DC0C0C07398F",    // upper case
           "017f22e279b07cc398c4dc0c0c07398f",        // no hyphens
           "{017f22e2-79b0-7cc3-98c4-dc0c0c07398f}",  // braces
           "017f22e2-79b0-7cc3-98c4-dc0c0c07398",     // too short
           "017f22e2-79b0-7cc3-98c4-dc0c0c07398f0",   // too long
           "017f22e2_79b0-7cc3-98c4-dc0c0c07398f",    // wrong separator
           "017f22g2-79b0-7cc3-98c4-dc0c0c07398f",    // not hex
           "017f22e2-79b0-7cc3-98c4dc0c0c07398f-",    // hyphen moved
       }) {
    EXPECT_FALSE(IsUuid(s)) << s;
  }
}

TEST(UuidTest, GivenValidUuidOfOtherVersionOrVariant_WhenReadingMillis_ThenInvalidArgument) {
  // Version 4.
  EXPECT_EQ(UuidV7Millis("9b2e4a34-3c1d-4f6a-8b7e-2d5c6f7a8b9c").status().code(),
            absl::StatusCode::kInvalidArgument);
  // Version 7 nibble but Microsoft variant (110x).
  EXPECT_EQ(UuidV7Millis("017f22e2-79b0-7cc3-c8c4-dc0c0c07398f").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(UuidV7Millis("not-a-uuid").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hub::domain
