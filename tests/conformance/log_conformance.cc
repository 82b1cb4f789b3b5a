#include "tests/conformance/log_conformance.h"

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "common/log/partitioner.h"
#include "common/status/status.h"
#include "fmt/format.h"
#include "gmock/gmock.h"

namespace hub::log::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

constexpr auto kLongWait = std::chrono::seconds(30);  // upper bound only; tests never wait it out

std::vector<std::string> Values(std::initializer_list<const char*> values) {
  return {values.begin(), values.end()};
}

// Reads a whole partition from offset 0.
std::vector<Record> ReadAll(EventLog& log, const TopicPartition& tp) {
  std::vector<Record> out;
  EXPECT_TRUE(log.Read(tp, 0, 1 << 20, &out).ok());
  return out;
}

std::vector<std::string> ValuesOf(const std::vector<Record>& records) {
  std::vector<std::string> values;
  for (const auto& r : records) values.push_back(r.value);
  return values;
}

}  // namespace

void EventLogConformance::SetUp() {
  GetParam()->SetUp();
  log_ = GetParam()->Open();
  ASSERT_NE(log_, nullptr);
}

void EventLogConformance::TearDown() {
  log_.reset();
  GetParam()->TearDown();
}

std::string EventLogConformance::NewTopic(int32_t partitions) {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = fmt::format("conformance.{}.{}.{}", getpid(), counter++, info->name());
  for (char& c : name) {
    if (c == '/') c = '-';
  }
  EXPECT_TRUE(log_->CreateTopic(name, partitions).ok());
  return name;
}

void EventLogConformance::Reopen() {
  log_.reset();
  log_ = GetParam()->Open();
  ASSERT_NE(log_, nullptr);
}

TEST_P(EventLogConformance, CreateTopicIsIdempotentButRefusesAnotherPartitionCount) {
  const std::string topic = NewTopic(3);
  EXPECT_TRUE(log_->CreateTopic(topic, 3).ok());
  EXPECT_EQ(log_->CreateTopic(topic, 4).code(), absl::StatusCode::kFailedPrecondition);
  auto count = log_->PartitionCount(topic);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 3);
}

TEST_P(EventLogConformance, RejectsBadTopicNamesAndUnknownTopics) {
  EXPECT_EQ(log_->CreateTopic("has space", 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->CreateTopic("", 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->CreateTopic("fine.name", 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->PartitionCount("conformance.never.created").status().code(), absl::StatusCode::kNotFound);
  auto appended = log_->Append({"conformance.never.created", "h1", kAnyVersion, Values({"x"})});
  EXPECT_EQ(appended.status().code(), absl::StatusCode::kNotFound);
}

TEST_P(EventLogConformance, AppendPlacesAHouseholdOnItsMurmur2PartitionWithConsecutiveOffsets) {
  const std::string topic = NewTopic(6);
  auto first = log_->Append({topic, "household-a", 0, Values({"a1", "a2"})});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->partition, PartitionForKey("household-a", 6));
  EXPECT_EQ(first->first_offset, 0);
  EXPECT_EQ(first->stream_version, 2);
  EXPECT_EQ(first->last_position(), (Position{topic, first->partition, 1}));

  auto second = log_->Append({topic, "household-a", 2, Values({"a3"})});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->first_offset, 2);
  EXPECT_EQ(second->stream_version, 3);

  const auto records = ReadAll(*log_, {topic, first->partition});
  ASSERT_THAT(records, SizeIs(3));
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(records[i].offset, i);
    EXPECT_EQ(records[i].key, "household-a");
    EXPECT_EQ(records[i].topic, topic);
    EXPECT_EQ(records[i].partition, first->partition);
  }
  EXPECT_THAT(ValuesOf(records), ElementsAre("a1", "a2", "a3"));
  auto end = log_->EndOffset({topic, first->partition});
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 3);
}

TEST_P(EventLogConformance, AWrongExpectedVersionIsAConflictAndWritesNothing) {
  const std::string topic = NewTopic(2);
  ASSERT_TRUE(log_->Append({topic, "h", 0, Values({"one"})}).ok());
  const int32_t partition = PartitionForKey("h", 2);

  auto stale = log_->Append({topic, "h", 0, Values({"two", "three"})});
  EXPECT_TRUE(IsVersionConflict(stale.status())) << stale.status();
  auto ahead = log_->Append({topic, "h", 5, Values({"two"})});
  EXPECT_TRUE(IsVersionConflict(ahead.status())) << ahead.status();

  EXPECT_EQ(*log_->StreamVersion(topic, "h"), 1);
  EXPECT_EQ(*log_->EndOffset({topic, partition}), 1);
  EXPECT_THAT(ValuesOf(ReadAll(*log_, {topic, partition})), ElementsAre("one"));
}

TEST_P(EventLogConformance, AnyVersionAppendsWhateverTheStreamHolds) {
  const std::string topic = NewTopic(1);
  ASSERT_TRUE(log_->Append({topic, "h", kAnyVersion, Values({"1"})}).ok());
  auto r = log_->Append({topic, "h", kAnyVersion, Values({"2"})});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stream_version, 2);
}

TEST_P(EventLogConformance, StreamsSharingAPartitionKeepTheirOwnVersions) {
  const std::string topic = NewTopic(1);
  ASSERT_TRUE(log_->Append({topic, "h1", 0, Values({"x"})}).ok());
  ASSERT_TRUE(log_->Append({topic, "h2", 0, Values({"y"})}).ok());
  auto r = log_->Append({topic, "h1", 1, Values({"z"})});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->first_offset, 2);
  EXPECT_EQ(*log_->StreamVersion(topic, "h1"), 2);
  EXPECT_EQ(*log_->StreamVersion(topic, "h2"), 1);
  EXPECT_EQ(*log_->StreamVersion(topic, "h3"), 0);
}

TEST_P(EventLogConformance, RejectsEmptyAndOversizedBatchesAndEmptyKeys) {
  const std::string topic = NewTopic(1);
  EXPECT_EQ(log_->Append({topic, "h", kAnyVersion, {}}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Append({topic, "", kAnyVersion, Values({"x"})}).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<std::string> big{std::string(kMaxBatchBytes / 2 + 1, 'a'), std::string(kMaxBatchBytes / 2 + 1, 'b')};
  EXPECT_EQ(log_->Append({topic, "h", kAnyVersion, big}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*log_->EndOffset({topic, 0}), 0);
}

TEST_P(EventLogConformance, ReadHonoursStartAndLimitAndStopsAtTheEnd) {
  const std::string topic = NewTopic(1);
  ASSERT_TRUE(log_->Append({topic, "h", 0, Values({"0", "1", "2", "3", "4"})}).ok());
  std::vector<Record> out;
  ASSERT_TRUE(log_->Read({topic, 0}, 2, 2, &out).ok());
  EXPECT_THAT(ValuesOf(out), ElementsAre("2", "3"));
  out.clear();
  ASSERT_TRUE(log_->Read({topic, 0}, 5, 10, &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(log_->Read({topic, 0}, -1, 10, &out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(log_->Read({topic, 7}, 0, 10, &out).ok());
}

TEST_P(EventLogConformance, SubscriptionDeliversHistoryThenWakesOnNewAppends) {
  const std::string topic = NewTopic(1);
  ASSERT_TRUE(log_->Append({topic, "h", 0, Values({"old"})}).ok());
  auto sub = log_->Subscribe({{topic, 0, 0}});
  ASSERT_TRUE(sub.ok()) << sub.status();

  std::vector<Record> got;
  while (got.empty()) ASSERT_TRUE((*sub)->Next(kLongWait, 100, &got).ok());
  EXPECT_THAT(ValuesOf(got), ElementsAre("old"));

  // The appender starts only after the subscriber is blocked or about to block; either way the
  // new record must arrive through the wake-up, long before the bound.
  std::thread appender([&] { ASSERT_TRUE(log_->Append({topic, "h", 1, Values({"new"})}).ok()); });
  got.clear();
  while (got.empty()) ASSERT_TRUE((*sub)->Next(kLongWait, 100, &got).ok());
  appender.join();
  EXPECT_THAT(ValuesOf(got), ElementsAre("new"));
  EXPECT_EQ(got[0].offset, 1);
}

TEST_P(EventLogConformance, SubscriptionStartsAtTheGivenOffsetsAcrossPartitions) {
  const std::string topic = NewTopic(4);
  std::map<int32_t, int64_t> per_partition;
  for (int i = 0; i < 40; ++i) {
    auto r = log_->Append({topic, fmt::format("h{}", i), 0, {fmt::format("v{}", i)}});
    ASSERT_TRUE(r.ok());
    per_partition[r->partition]++;
  }
  std::vector<Position> starts;
  int64_t expected = 0;
  for (int32_t p = 0; p < 4; ++p) {
    const int64_t skip = std::min<int64_t>(per_partition[p], 2);
    starts.push_back({topic, p, skip});
    expected += per_partition[p] - skip;
  }
  auto sub = log_->Subscribe(starts);
  ASSERT_TRUE(sub.ok());
  std::vector<Record> got;
  while (static_cast<int64_t>(got.size()) < expected) ASSERT_TRUE((*sub)->Next(kLongWait, 7, &got).ok());
  EXPECT_EQ(static_cast<int64_t>(got.size()), expected);
  std::map<int32_t, int64_t> next;
  for (const auto& s : starts) next[s.partition] = s.offset;
  for (const auto& r : got) EXPECT_EQ(r.offset, next[r.partition]++) << "partition " << r.partition;
}

TEST_P(EventLogConformance, SubscriptionTimesOutEmptyAndCloseCancelsAWaitingNext) {
  const std::string topic = NewTopic(1);
  auto sub = log_->Subscribe({{topic, 0, 0}});
  ASSERT_TRUE(sub.ok());
  std::vector<Record> got;
  ASSERT_TRUE((*sub)->Next(std::chrono::milliseconds(20), 10, &got).ok());
  EXPECT_TRUE(got.empty());

  std::thread closer([&] { (*sub)->Close(); });
  absl::Status status;
  do {
    status = (*sub)->Next(kLongWait, 10, &got);
  } while (status.ok());
  closer.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
}

TEST_P(EventLogConformance, ConcurrentWritersToOneStreamNeverBothWinAVersion) {
  const std::string topic = NewTopic(2);
  constexpr int kThreads = 8;
  constexpr int kAppendsPerThread = 25;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kAppendsPerThread;) {
        auto version = log_->StreamVersion(topic, "shared");
        ASSERT_TRUE(version.ok());
        auto r = log_->Append({topic, "shared", *version, Values({"x", "y"})});
        if (IsVersionConflict(r.status())) {
          conflicts++;
          continue;
        }
        ASSERT_TRUE(r.ok()) << r.status();
        ASSERT_EQ(r->stream_version, *version + 2);
        ++i;
      }
    });
  }
  for (auto& t : threads) t.join();
  const int64_t total = 2 * kThreads * kAppendsPerThread;
  EXPECT_EQ(*log_->StreamVersion(topic, "shared"), total);
  const auto records = ReadAll(*log_, {topic, PartitionForKey("shared", 2)});
  ASSERT_EQ(static_cast<int64_t>(records.size()), total);
  // Batches are never interleaved: each "x" is followed by its own "y".
  for (int64_t i = 0; i < total; i += 2) {
    EXPECT_EQ(records[i].value, "x");
    EXPECT_EQ(records[i + 1].value, "y");
  }
}

TEST_P(EventLogConformance, ConcurrentWritersToManyStreamsAllLandGaplessly) {
  const std::string topic = NewTopic(3);
  constexpr int kThreads = 8;
  constexpr int kAppends = 50;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<Position> acknowledged;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        auto r = log_->Append({topic, fmt::format("h-{}-{}", t, i % 5), kAnyVersion,
                               Values({"payload"})});
        ASSERT_TRUE(r.ok()) << r.status();
        std::lock_guard lock(mu);
        ASSERT_TRUE(acknowledged.insert(r->last_position()).second) << "position handed out twice";
      }
    });
  }
  for (auto& t : threads) t.join();
  size_t total = 0;
  for (int32_t p = 0; p < 3; ++p) {
    const auto records = ReadAll(*log_, {topic, p});
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].offset, static_cast<int64_t>(i));
      EXPECT_TRUE(acknowledged.count({topic, p, records[i].offset}));
    }
    total += records.size();
  }
  EXPECT_EQ(total, acknowledged.size());
  EXPECT_EQ(total, static_cast<size_t>(kThreads * kAppends));
}

TEST_P(EventLogConformance, EverythingAcknowledgedSurvivesARestart) {
  const std::string topic = NewTopic(2);
  auto r = log_->Append({topic, "h", 0, Values({"a", "b"})});
  ASSERT_TRUE(r.ok());
  Reopen();
  EXPECT_EQ(*log_->PartitionCount(topic), 2);
  EXPECT_EQ(*log_->StreamVersion(topic, "h"), 2);
  EXPECT_EQ(*log_->EndOffset({topic, r->partition}), 2);
  EXPECT_THAT(ValuesOf(ReadAll(*log_, {topic, r->partition})), ElementsAre("a", "b"));
  auto next = log_->Append({topic, "h", 2, Values({"c"})});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->first_offset, 2);
  EXPECT_TRUE(IsVersionConflict(log_->Append({topic, "h", 2, Values({"d"})}).status()));
}

}  // namespace hub::log::testing
