// The event-sourcing core end to end on the embedded log: commands through the CommandHandler,
// projections through the ProjectionRunner, idempotency, optimistic concurrency, read-your-writes
// and rebuilds.
#include <thread>

#include "common/crypto/hash_chain.h"
#include "common/es/envelope.h"
#include "common/log/partitioner.h"
#include "common/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/ledger_harness.h"
#include "tests/testing/temp_dir.h"

namespace hub::testing {
namespace {

using std::chrono::steady_clock;

const std::string kTopic = es::TopicFor(ConsentLedger::kProducer);

class EventSourcingTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    auto log = log::RocksLog::Open({.path = dir_.Sub("log")});
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    auto harness = LedgerHarness::Open(log_.get(), dir_.Sub("store"), &clock_);
    ASSERT_TRUE(harness.ok()) << harness.status();
    harness_ = std::move(*harness);
  }

  void Restart() {
    harness_.reset();
    log_.reset();
    Open();
  }

  absl::StatusOr<es::CommandOutcome> Run(const std::string& household, const std::string& request_id,
                                         const ConsentLedgerCommand& command) {
    return harness_->handler().Execute(Context(household, request_id), command);
  }

  std::vector<log::Record> StreamRecords(const std::string& household) {
    std::vector<log::Record> all, mine;
    const int32_t partition = log::PartitionForKey(household, 4);
    EXPECT_TRUE(log_->Read({kTopic, partition}, 0, 100000, &all).ok());
    for (auto& r : all) {
      if (r.key == household) mine.push_back(std::move(r));
    }
    return mine;
  }

  TempDir dir_;
  es::ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000))};
  std::unique_ptr<log::RocksLog> log_;
  std::unique_ptr<LedgerHarness> harness_;
};

TEST_F(EventSourcingTest, ACommandAppendsChainedEnvelopesWithItsMetadata) {
  auto first = Run("hh-1", "req-1", RecordConsent("c1"));
  ASSERT_TRUE(first.ok()) << first.status();
  ConsentLedgerCommand many;
  *many.mutable_record_many()->add_consents() = RecordConsent("c2").record();
  *many.mutable_record_many()->add_consents() = RecordConsent("c3").record();
  auto second = Run("hh-1", "req-2", many);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->stream_version, 3);
  ASSERT_EQ(second->events.size(), 2u);

  const auto records = StreamRecords("hh-1");
  ASSERT_EQ(records.size(), 3u);
  std::vector<hub::v1::LogRecord> stored(3);
  std::vector<crypto::ChainLink> links;
  for (size_t i = 0; i < 3; ++i) {
    hub::v1::EventEnvelope envelope;
    ASSERT_TRUE(es::Unseal(records[i].value, &stored[i], &envelope).ok());
    EXPECT_EQ(envelope.stream_version(), i + 1);
    EXPECT_EQ(envelope.tenant(), "GM0632");
    EXPECT_EQ(envelope.household_id(), "hh-1");
    EXPECT_EQ(envelope.producer(), "ledger");
    EXPECT_EQ(envelope.request_id(), i == 0 ? "req-1" : "req-2");
    EXPECT_EQ(envelope.actor().organisation_id(), "woerdenwijzer");
    EXPECT_EQ(envelope.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(envelope.recorded_at().seconds(), 1'795'000'000);
    EXPECT_EQ(envelope.event_id().size(), 36u);
  }
  for (const auto& s : stored) links.push_back({s.envelope(), s.prev_hash(), s.hash()});
  EXPECT_EQ(crypto::VerifyChain(links), std::nullopt);
  EXPECT_EQ(second->last_position, (log::Position{kTopic, records[2].partition, records[2].offset}));
}

TEST_F(EventSourcingTest, ARejectedCommandBecomesItsStatusAndWritesNothing) {
  ASSERT_TRUE(Run("hh-1", "req-1", RecordConsent("c1")).ok());
  auto again = Run("hh-1", "req-2", RecordConsent("c1"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  auto invalid = Run("hh-1", "req-3", RecordConsent(""));
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(invalid.status().message()), ::testing::HasSubstr("consent_id"));
  EXPECT_EQ(StreamRecords("hh-1").size(), 1u);
}

TEST_F(EventSourcingTest, ARepeatedRequestIdReturnsTheFirstResultAndAppendsNothing) {
  auto first = Run("hh-1", "req-1", RecordConsent("c1"));
  ASSERT_TRUE(first.ok());
  auto retry = Run("hh-1", "req-1", RecordConsent("c1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed);
  EXPECT_FALSE(first->replayed);
  EXPECT_EQ(retry->stream_version, first->stream_version);
  EXPECT_EQ(retry->last_position, first->last_position);
  ASSERT_EQ(retry->events.size(), 1u);
  EXPECT_EQ(retry->events[0].event_id(), first->events[0].event_id());
  EXPECT_EQ(StreamRecords("hh-1").size(), 1u);
}

TEST_F(EventSourcingTest, IdempotencySurvivesARestartBecauseItIsDerivedFromTheEvents) {
  auto first = Run("hh-1", "req-1", RecordConsent("c1"));
  ASSERT_TRUE(first.ok());
  Restart();
  auto retry = Run("hh-1", "req-1", RecordConsent("c1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->events[0].event_id(), first->events[0].event_id());
  EXPECT_EQ(StreamRecords("hh-1").size(), 1u);
}

TEST_F(EventSourcingTest, RequestIdsAreScopedToTheCallingOrganisation) {
  ASSERT_TRUE(Run("hh-1", "req-1", RecordConsent("c1")).ok());
  auto context = Context("hh-1", "req-1");
  context.metadata.actor.set_organisation_id("fermwerk");
  auto other = harness_->handler().Execute(context, RecordConsent("c2"));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_FALSE(other->replayed);
  EXPECT_EQ(StreamRecords("hh-1").size(), 2u);
}

TEST_F(EventSourcingTest, AStaleExpectedVersionIsAConflictAndWritesNothing) {
  ASSERT_TRUE(Run("hh-1", "req-1", RecordConsent("c1")).ok());
  auto context = Context("hh-1", "req-2");
  context.expected_version = 0;
  auto stale = harness_->handler().Execute(context, RecordConsent("c2"));
  EXPECT_TRUE(IsVersionConflict(stale.status())) << stale.status();
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  context.expected_version = 1;
  EXPECT_TRUE(harness_->handler().Execute(context, RecordConsent("c2")).ok());
  EXPECT_EQ(StreamRecords("hh-1").size(), 2u);
}

TEST_F(EventSourcingTest, AnotherTenantCannotSeeOrChangeAHousehold) {
  ASSERT_TRUE(Run("hh-1", "req-1", RecordConsent("c1")).ok());
  auto foreign = harness_->handler().Execute(Context("hh-1", "req-2", "GM0222"), RecordConsent("c2"));
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(StreamRecords("hh-1").size(), 1u);
}

TEST_F(EventSourcingTest, ConcurrentCommandsOnOneHouseholdAllLandInOneGaplessStream) {
  constexpr int kThreads = 6, kEach = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "c-" + std::to_string(t) + "-" + std::to_string(i);
        auto r = Run("hh-busy", "req-" + id, RecordConsent(id));
        ASSERT_TRUE(r.ok()) << r.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  auto loaded = harness_->handler().Load("hh-busy", steady_clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->version, kThreads * kEach);
  EXPECT_EQ(loaded->state.active_size(), kThreads * kEach);
}

TEST_F(EventSourcingTest, ReadYourWritesWaitsForAPositionBoundedByTheDeadline) {
  auto r = Run("hh-1", "req-1", RecordConsent("c1"));
  ASSERT_TRUE(r.ok());
  const auto deadline = steady_clock::now() + std::chrono::seconds(5);
  EXPECT_TRUE(harness_->runner().WaitFor({*r->last_position}, deadline).ok());

  // A position nobody has written yet cannot be reached: the wait ends at the deadline.
  log::Position future = *r->last_position;
  future.offset += 1000;
  auto waited = harness_->runner().WaitFor({future}, steady_clock::now() + std::chrono::milliseconds(30));
  EXPECT_EQ(waited.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(waited.message()), ::testing::HasSubstr("still waiting for offset"));

  EXPECT_EQ(harness_->runner().WaitFor({{"hub.other.events.v1", 0, 0}}, deadline).code(),
            absl::StatusCode::kInvalidArgument);

  // A position written while someone waits for it is reached through the wake-up.
  log::Position next = *r->last_position;
  next.offset += 1;
  const int32_t partition = next.partition;
  std::string household;
  for (int i = 0; household.empty(); ++i) {
    if (log::PartitionForKey("hh-" + std::to_string(i), 4) == partition && i != 1) household = "hh-" + std::to_string(i);
  }
  std::thread writer([&] { ASSERT_TRUE(Run(household, "req-2", RecordConsent("c9")).ok()); });
  EXPECT_TRUE(harness_->runner().WaitFor({next}, steady_clock::now() + std::chrono::seconds(10)).ok());
  writer.join();
}

TEST_F(EventSourcingTest, ARebuildFromOffsetZeroYieldsExactlyTheLiveBytes) {
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(Run("hh-" + std::to_string(i % 17), "req-" + std::to_string(i), RecordConsent("c" + std::to_string(i))).ok());
  }
  ConsentLedgerCommand withdraw;
  withdraw.set_withdraw_consent_id("c3");
  ASSERT_TRUE(Run("hh-3", "req-w", withdraw).ok());
  ASSERT_TRUE(harness_->runner().CatchUp(steady_clock::now() + std::chrono::seconds(10)).ok());
  const auto families = harness_->ProjectionFamilies();
  const auto live = DumpFamilies(harness_->store(), families);
  ASSERT_GT(live.size(), 30u);

  ASSERT_TRUE(harness_->runner().Rebuild().ok());
  ASSERT_TRUE(harness_->runner().CatchUp(steady_clock::now() + std::chrono::seconds(10)).ok());
  EXPECT_EQ(DumpFamilies(harness_->store(), families), live);

  // And a brand-new store fed from the same log agrees byte for byte too.
  auto fresh = LedgerHarness::Open(log_.get(), dir_.Sub("fresh"), &clock_);
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE((*fresh)->runner().CatchUp(steady_clock::now() + std::chrono::seconds(10)).ok());
  EXPECT_EQ(DumpFamilies((*fresh)->store(), families), live);
}

TEST_F(EventSourcingTest, AProjectionStopsAtACorruptEventInsteadOfSkippingIt) {
  ASSERT_TRUE(Run("hh-1", "req-1", RecordConsent("c1")).ok());
  // Append garbage straight to the log, bypassing the handler.
  ASSERT_TRUE(log_->Append({kTopic, "hh-1", log::kAnyVersion, {"not a log record"}}).ok());
  auto waited = harness_->runner().CatchUp(steady_clock::now() + std::chrono::seconds(10));
  EXPECT_EQ(waited.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(harness_->runner().health().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(Run("hh-1", "req-2", RecordConsent("c2")).ok());
}

}  // namespace
}  // namespace hub::testing
