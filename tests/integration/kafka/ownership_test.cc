// Partition ownership through Kafka's consumer group, against a real broker: every partition has
// exactly one owner, owners can be named, and partitions move when a member leaves.
#include <cstdlib>
#include <set>

#include "common/log/kafka_log.h"
#include "common/log/partition_ownership.h"
#include "fmt/format.h"
#include "gtest/gtest.h"

namespace hub::log {
namespace {

using std::chrono::steady_clock;

class OwnershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* brokers = std::getenv("HUB_KAFKA_BROKERS");
    if (brokers == nullptr || *brokers == '\0') GTEST_SKIP() << "HUB_KAFKA_BROKERS is not set (scripts/kafka.sh start)";
    brokers_ = brokers;
    const std::string unique = fmt::format("{}.{}", getpid(), steady_clock::now().time_since_epoch().count());
    topic_ = "hub.ownership-test-" + unique + ".events.v1";
    group_ = "hub.ownership-test-" + unique;
    auto log = KafkaLog::Open({.brokers = brokers_});
    ASSERT_TRUE(log.ok()) << log.status();
    ASSERT_TRUE((*log)->CreateTopic(topic_, kPartitions).ok());
  }

  std::unique_ptr<PartitionOwnership> Member(const std::string& address) {
    auto member = PartitionOwnership::Start({.brokers = brokers_,
                                             .group_id = group_,
                                             .topic = topic_,
                                             .advertised_address = address,
                                             .session_timeout = std::chrono::milliseconds(6000)});
    EXPECT_TRUE(member.ok()) << member.status();
    return member.ok() ? std::move(*member) : nullptr;
  }

  // Waits (on assignment changes, bounded) until the members own disjoint sets covering the topic.
  static bool AwaitSplit(const std::vector<PartitionOwnership*>& members) {
    const auto deadline = steady_clock::now() + std::chrono::seconds(60);
    while (steady_clock::now() < deadline) {
      std::set<int32_t> all;
      size_t total = 0;
      bool everyone_has_some = true;
      for (auto* m : members) {
        auto owned = m->Owned();
        everyone_has_some = everyone_has_some && !owned.empty();
        total += owned.size();
        all.insert(owned.begin(), owned.end());
      }
      if (everyone_has_some && total == kPartitions && all.size() == kPartitions) return true;
      for (auto* m : members) m->AwaitChange(m->generation(), steady_clock::now() + std::chrono::milliseconds(200));
    }
    return false;
  }

  static constexpr int32_t kPartitions = 4;
  std::string brokers_, topic_, group_;
};

TEST_F(OwnershipTest, EveryPartitionHasExactlyOneOwnerThatCanBeNamed) {
  auto a = Member("127.0.0.1:50101");
  auto b = Member("127.0.0.1:50102");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->AwaitAssignment(steady_clock::now() + std::chrono::seconds(60)).ok());
  ASSERT_TRUE(b->AwaitAssignment(steady_clock::now() + std::chrono::seconds(60)).ok());
  ASSERT_TRUE(AwaitSplit({a.get(), b.get()}));
  for (int32_t p = 0; p < kPartitions; ++p) {
    EXPECT_NE(a->Owns(p), b->Owns(p)) << "partition " << p;
    const std::string expected = a->Owns(p) ? "127.0.0.1:50101" : "127.0.0.1:50102";
    EXPECT_EQ(a->OwnerOf(p).value_or("?"), expected) << "partition " << p;
    EXPECT_EQ(b->OwnerOf(p).value_or("?"), expected) << "partition " << p;
  }
}

TEST_F(OwnershipTest, WhenAMemberLeavesTheOtherTakesOverItsPartitions) {
  auto a = Member("127.0.0.1:50201");
  auto b = Member("127.0.0.1:50202");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(AwaitSplit({a.get(), b.get()}));
  b.reset();  // leaves the group
  ASSERT_TRUE(AwaitSplit({a.get()}));
  EXPECT_EQ(a->Owned().size(), static_cast<size_t>(kPartitions));
}

}  // namespace
}  // namespace hub::log
