// The EventLog conformance suite, and Kafka-specific tests, against a real Kafka broker.
//
// The broker comes from HUB_KAFKA_BROKERS:
//   scripts/kafka.sh start && eval "$(scripts/kafka.sh env)" && ./build/tests/integration/kafka/kafka_log_test
// Without it every test is skipped (GTEST_SKIP in SetUp), so ctest shows them as skipped.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "common/log/kafka_log.h"
#include "common/log/partitioner.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "tests/conformance/log_conformance.h"

namespace hub::log::testing {
namespace {

std::string Brokers() {
  const char* brokers = std::getenv("HUB_KAFKA_BROKERS");
  return brokers == nullptr ? std::string() : std::string(brokers);
}

constexpr char kNoBroker[] =
    "HUB_KAFKA_BROKERS is not set: skipping the Kafka tests. Start a broker with "
    "scripts/kafka.sh start && eval \"$(scripts/kafka.sh env)\"";

class KafkaLogFactory : public EventLogFactory {
 public:
  std::string Name() const override { return "kafka_log"; }
  // Topics are unique per test (NewTopic), so a shared broker needs no clean-up.
  // Without a broker the test is skipped here (GoogleTest then runs no test body); Open() still
  // returns a log, on an address that is never contacted, so the suite's SetUp does not fail.
  void SetUp() override {
    if (Brokers().empty()) GTEST_SKIP() << kNoBroker;
  }
  void TearDown() override {}
  std::unique_ptr<EventLog> Open() override {
    const std::string brokers = Brokers().empty() ? "127.0.0.1:1" : Brokers();
    auto log = KafkaLog::Open({.brokers = brokers, .client_id = "hub-kafka-log-test"});
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }
};

INSTANTIATE_TEST_SUITE_P(KafkaLog, EventLogConformance, ::testing::Values(std::make_shared<KafkaLogFactory>()),
                         [](const auto& info) { return info.param->Name(); });

std::string UniqueTopic(std::string_view what) {
  static std::atomic<int> counter{0};
  return fmt::format("kafka-test.{}.{}.{}", getpid(), counter++, what);
}

class KafkaLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Brokers().empty()) GTEST_SKIP() << kNoBroker;
  }
};

TEST_F(KafkaLogTest, RecordsLandInTheJavaMurmur2PartitionWithBrokerTimestamps) {
  auto log = KafkaLog::Open({.brokers = Brokers()});
  ASSERT_TRUE(log.ok()) << log.status();
  constexpr int32_t kPartitions = 5;
  const std::string topic = UniqueTopic("murmur2");
  ASSERT_TRUE((*log)->CreateTopic(topic, kPartitions).ok());

  const auto before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  // Known values of Kafka's Java client: Utils.toPositive(Utils.murmur2("household-1")) % 5 etc.
  // come from partitioner.h; here we check the log puts each record exactly there and nowhere else.
  std::map<int32_t, std::vector<std::string>> expected;
  for (int i = 0; i < 20; ++i) {
    const std::string key = fmt::format("household-{}", i);
    auto r = (*log)->Append({topic, key, 0, {fmt::format("v{}", i)}});
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->partition, PartitionForKey(key, kPartitions)) << key;
    expected[r->partition].push_back(key);
  }
  for (int32_t p = 0; p < kPartitions; ++p) {
    std::vector<Record> records;
    ASSERT_TRUE((*log)->Read({topic, p}, 0, 1000, &records).ok());
    ASSERT_EQ(records.size(), expected[p].size()) << "partition " << p;
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].key, expected[p][i]);
      EXPECT_EQ(PartitionForKey(records[i].key, kPartitions), p);
      EXPECT_GE(records[i].timestamp_ms, before_ms - 5000);  // LogAppendTime, set by the broker
      EXPECT_LE(records[i].timestamp_ms, before_ms + 60000);
    }
  }
}

TEST_F(KafkaLogTest, AnUnreachableBrokerIsUnavailableWithinTheTimeout) {
  // Port 1 on loopback: connection refused, nothing listens there.
  constexpr auto kTimeout = std::chrono::milliseconds(1500);
  auto log = KafkaLog::Open({.brokers = "127.0.0.1:1", .request_timeout = kTimeout});
  ASSERT_TRUE(log.ok()) << log.status();
  const auto start = std::chrono::steady_clock::now();
  auto r = (*log)->Append({"some.topic", "h", kAnyVersion, {"x"}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_LT(elapsed, kTimeout + std::chrono::seconds(3));
  EXPECT_EQ((*log)->CreateTopic("some.topic", 1).code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace hub::log::testing
