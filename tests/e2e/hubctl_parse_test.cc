// The rules of hubctl's structured arguments (tools/hubctl/parse.h), without a server.
#include "tools/hubctl/parse.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::hubctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ParsePersonTest, GivenFourParts_ThenEachFieldIsTrimmed) {
  auto p = ParsePerson(" 111222333 , 1984-03-12 , Anna de Vries , parent ");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->bsn(), "111222333");
  EXPECT_EQ(p->birth_date(), "1984-03-12");
  EXPECT_EQ(p->name(), "Anna de Vries");
  EXPECT_EQ(p->relation(), "parent");
}

TEST(ParsePersonTest, GivenANameWithACommaAndNonAscii_ThenTheNameIsEverythingBetween) {
  auto p = ParsePerson("111222333,1984-03-12,Vries, Zoë de,child");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->name(), "Vries, Zoë de");
  EXPECT_EQ(p->relation(), "child");
}

TEST(ParsePersonTest, GivenTooFewParts_ThenTheShapeIsExplainedWithoutTheBsn) {
  auto p = ParsePerson("111222333,Anna,parent");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(ErrorText(p.status()), HasSubstr("BSN,YYYY-MM-DD,Name,relation"));
  EXPECT_THAT(ErrorText(p.status()), Not(HasSubstr("111222333")));
  EXPECT_FALSE(ParsePerson("111222333").ok());
  EXPECT_FALSE(ParsePerson("").ok());
}

TEST(ParsePersonTest, GivenAnEmptyPartOrABadDate_ThenItIsRejected) {
  EXPECT_FALSE(ParsePerson(",1984-03-12,Anna,parent").ok());
  EXPECT_FALSE(ParsePerson("111222333,1984-03-12, ,parent").ok());
  EXPECT_FALSE(ParsePerson("111222333,1984-03-12,Anna,").ok());
  EXPECT_FALSE(ParsePerson("111222333,12-03-1984,Anna,parent").ok());
  EXPECT_FALSE(ParsePerson("111222333,2023-02-29,Anna,parent").ok());
}

TEST(ParsePersonTest, GivenABsnFailingTheElfproef_ThenItIsLeftToTheServer) {
  EXPECT_TRUE(ParsePerson("123456789,1984-03-12,Anna,parent").ok());
}

TEST(ParseZrmScoreTest, GivenDomainEqualsScore_ThenBothAreReturned) {
  auto z = ParseZrmScore("FINANCIEN=2");
  ASSERT_TRUE(z.ok()) << z.status();
  EXPECT_EQ(z->first, "FINANCIEN");
  EXPECT_EQ(z->second, 2);
}

TEST(ParseZrmScoreTest, GivenNoEqualsOrNoWholeNumber_ThenItIsRejected) {
  EXPECT_FALSE(ParseZrmScore("FINANCIEN").ok());
  EXPECT_FALSE(ParseZrmScore("=2").ok());
  EXPECT_FALSE(ParseZrmScore("FINANCIEN=").ok());
  EXPECT_FALSE(ParseZrmScore("FINANCIEN=2.5").ok());
  EXPECT_FALSE(ParseZrmScore("FINANCIEN=two").ok());
}

TEST(ParseZrmScoreTest, GivenAScoreOutOfRange_ThenItIsLeftToTheServer) {
  EXPECT_TRUE(ParseZrmScore("FINANCIEN=9").ok());
}

TEST(ParsePositionTest, GivenTopicPartitionOffset_ThenAllThreeAreReturned) {
  auto p = ParsePosition("hub.intake.events.v1:3:17");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->topic(), "hub.intake.events.v1");
  EXPECT_EQ(p->partition(), 3);
  EXPECT_EQ(p->offset(), 17);
}

TEST(ParsePositionTest, GivenATopicWithAColon_ThenTheLastTwoColonsSplit) {
  auto p = ParsePosition("a:b:1:2");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->topic(), "a:b");
}

TEST(ParsePositionTest, GivenAMissingOrNegativePart_ThenItIsRejected) {
  EXPECT_FALSE(ParsePosition("hub.intake.events.v1:3").ok());
  EXPECT_FALSE(ParsePosition(":3:17").ok());
  EXPECT_FALSE(ParsePosition("t::17").ok());
  EXPECT_FALSE(ParsePosition("t:3:").ok());
  EXPECT_FALSE(ParsePosition("t:-1:17").ok());
  EXPECT_FALSE(ParsePosition("t:3:x").ok());
  EXPECT_FALSE(ParsePosition("t:99999999999:1").ok());
}

TEST(EndOfDayUtcTest, GivenADate_ThenItIsTheLastSecondOfThatDayInUtc) {
  auto t = EndOfDayUtc("1970-01-01");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->seconds(), 86399);
  EXPECT_EQ(t->nanos(), 0);
  auto later = EndOfDayUtc("2026-12-31");
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->seconds(), 1798761599);  // 2026-12-31T23:59:59Z
  EXPECT_FALSE(EndOfDayUtc("2026-13-01").ok());
  EXPECT_FALSE(EndOfDayUtc("tomorrow").ok());
}

TEST(WordsTest, GivenTheCommandLineWords_ThenEachMapsToItsEnum) {
  EXPECT_EQ(ChannelWords().at("vindplaats"), hub::v1::CHANNEL_VINDPLAATS);
  EXPECT_EQ(SourceWords().at("other-organisation"), hub::v1::SIGNAL_SOURCE_OTHER_ORGANISATION);
  EXPECT_EQ(ChannelWords().size(), 4u);
  EXPECT_EQ(SourceWords().size(), 7u);
}

}  // namespace
}  // namespace hub::hubctl
