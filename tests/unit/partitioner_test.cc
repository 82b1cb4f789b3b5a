// murmur2 must agree bit for bit with Kafka's Java client, or positions would differ between the
// embedded log and Kafka. The vectors are the ones Kafka's own UtilsTest checks.
#include "common/log/partitioner.h"

#include "gtest/gtest.h"

namespace hub::log {
namespace {

TEST(Murmur2, MatchesKafkaJavaClientVectors) {
  EXPECT_EQ(Murmur2("21"), -973932308);
  EXPECT_EQ(Murmur2("foobar"), -790332482);
  EXPECT_EQ(Murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(Murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(Murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(Murmur2(std::string_view("abc")), 479470107);
}

TEST(PartitionForKey, ClearsTheSignBitLikeUtilsToPositive) {
  // -973932308 & 0x7fffffff = 1173551340.
  EXPECT_EQ(PartitionForKey("21", 1000), 1173551340 % 1000);
  for (int32_t partitions : {1, 3, 12, 64}) {
    const int32_t p = PartitionForKey("foobar", partitions);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, partitions);
  }
}

TEST(PartitionForKey, SpreadsHouseholdsOverEveryPartition) {
  std::vector<int> hits(12, 0);
  for (int i = 0; i < 1200; ++i) hits[PartitionForKey("household-" + std::to_string(i), 12)]++;
  for (int h : hits) EXPECT_GT(h, 50);
}

}  // namespace
}  // namespace hub::log
