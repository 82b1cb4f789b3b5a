// The rules of hubctl's structured arguments (tools/hubctl/parse.h), without a server: intake's
// person, ZRM score, position and dates; the plan's goal and enum words; the referral's enum words.
#include "tools/hubctl/parse.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::hubctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Every value of a proto enum but UNSPECIFIED (0) has exactly one command-line word.
template <class Enum>
void ExpectEveryValueHasOneWord(const std::map<std::string, Enum>& words,
                                const google::protobuf::EnumDescriptor* descriptor) {
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const int number = descriptor->value(i)->number();
    int count = 0;
    for (const auto& [word, value] : words) count += static_cast<int>(value) == number ? 1 : 0;
    EXPECT_EQ(count, number == 0 ? 0 : 1) << descriptor->value(i)->name();
  }
}

GoalOptions AGoal() {
  GoalOptions goal;
  goal.life_domain = "FINANCIEN";
  goal.result = "Schulden onder controle";
  goal.target_date = "2027-06-30";
  goal.tier = "maatwerk";
  goal.responsible_organisation = "kredietbank-woerden";
  goal.agreements = "Anna levert de post aan";
  return goal;
}

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

TEST(PlanWordsTest, GivenTheCommandLineWords_ThenEachMapsToItsEnum) {
  EXPECT_EQ(SupportTierWords().at("own-effort"), hub::v1::SUPPORT_TIER_OWN_EFFORT);
  EXPECT_EQ(SupportTierWords().at("network"), hub::v1::SUPPORT_TIER_NETWORK);
  EXPECT_EQ(SupportTierWords().at("general-provision"), hub::v1::SUPPORT_TIER_GENERAL_PROVISION);
  EXPECT_EQ(SupportTierWords().at("maatwerk"), hub::v1::SUPPORT_TIER_MAATWERK);
  EXPECT_EQ(GoalProgressWords().at("not-started"), hub::v1::GOAL_PROGRESS_NOT_STARTED);
  EXPECT_EQ(GoalProgressWords().at("on-track"), hub::v1::GOAL_PROGRESS_ON_TRACK);
  EXPECT_EQ(GoalProgressWords().at("behind"), hub::v1::GOAL_PROGRESS_BEHIND);
  EXPECT_EQ(GoalProgressWords().at("achieved"), hub::v1::GOAL_PROGRESS_ACHIEVED);
  EXPECT_EQ(EscalationReasonWords().at("stuck"), hub::v1::ESCALATION_REASON_STUCK);
  EXPECT_EQ(EscalationReasonWords().at("conflict"), hub::v1::ESCALATION_REASON_CONFLICT_BETWEEN_PARTIES);
  EXPECT_EQ(EscalationReasonWords().at("safety"), hub::v1::ESCALATION_REASON_SAFETY);
  EXPECT_EQ(PlanStatusWords().at("draft"), hub::v1::PLAN_STATUS_DRAFT);
  EXPECT_EQ(PlanStatusWords().at("active"), hub::v1::PLAN_STATUS_ACTIVE);
  EXPECT_EQ(PlanStatusWords().at("scaled-down"), hub::v1::PLAN_STATUS_SCALED_DOWN);
  EXPECT_EQ(PlanStatusWords().at("closed"), hub::v1::PLAN_STATUS_CLOSED);
}

TEST(PlanWordsTest, GivenTheProtoEnums_ThenEveryValueButUnspecifiedHasExactlyOneWord) {
  ExpectEveryValueHasOneWord(SupportTierWords(), hub::v1::SupportTier_descriptor());
  ExpectEveryValueHasOneWord(GoalProgressWords(), hub::v1::GoalProgress_descriptor());
  ExpectEveryValueHasOneWord(EscalationReasonWords(), hub::v1::EscalationReason_descriptor());
  ExpectEveryValueHasOneWord(PlanStatusWords(), hub::v1::PlanStatus_descriptor());
}

TEST(ReferralWordsTest, GivenTheCommandLineWords_ThenEachMapsToItsEnum) {
  EXPECT_EQ(ReferralStatusWords().at("requested"), hub::v1::REFERRAL_STATUS_REQUESTED);
  EXPECT_EQ(ReferralStatusWords().at("accepted"), hub::v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_EQ(ReferralStatusWords().at("declined"), hub::v1::REFERRAL_STATUS_DECLINED);
  EXPECT_EQ(ReferralStatusWords().at("expired"), hub::v1::REFERRAL_STATUS_EXPIRED);
  EXPECT_EQ(ReferralStatusWords().at("handover-meeting"), hub::v1::REFERRAL_STATUS_HANDOVER_MEETING);
  EXPECT_EQ(ReferralStatusWords().at("completed"), hub::v1::REFERRAL_STATUS_COMPLETED);
  EXPECT_EQ(ReferralStatusWords().at("withdrawn"), hub::v1::REFERRAL_STATUS_WITHDRAWN);
  EXPECT_EQ(ReferralRoleWords().at("sender"), hub::v1::REFERRAL_ROLE_SENDER);
  EXPECT_EQ(ReferralRoleWords().at("receiver"), hub::v1::REFERRAL_ROLE_RECEIVER);
  EXPECT_EQ(ReceiverKindWords().at("work-and-income"), hub::v1::RECEIVER_KIND_WORK_AND_INCOME);
  EXPECT_EQ(ReceiverKindWords().at("care-provider"), hub::v1::RECEIVER_KIND_CARE_PROVIDER);
  EXPECT_EQ(ReceiverKindWords().at("debt-services"), hub::v1::RECEIVER_KIND_DEBT_SERVICES);
  EXPECT_EQ(ReceiverKindWords().at("consultation"), hub::v1::RECEIVER_KIND_CONSULTATION);
}

TEST(ReferralWordsTest, GivenTheProtoEnums_ThenEveryValueButUnspecifiedHasExactlyOneWord) {
  ExpectEveryValueHasOneWord(ReferralStatusWords(), hub::v1::ReferralStatus_descriptor());
  ExpectEveryValueHasOneWord(ReferralRoleWords(), hub::v1::ReferralRole_descriptor());
  ExpectEveryValueHasOneWord(ReceiverKindWords(), hub::v1::ReceiverKind_descriptor());
}

TEST(ParseGoalTest, GivenAnOrganisationResponsible_ThenEveryFieldIsCarried) {
  auto goal = ParseGoal(AGoal());
  ASSERT_TRUE(goal.ok()) << goal.status();
  EXPECT_EQ(goal->life_domain(), "FINANCIEN");
  EXPECT_EQ(goal->result(), "Schulden onder controle");
  EXPECT_EQ(goal->target_date(), "2027-06-30");
  EXPECT_EQ(goal->tier(), hub::v1::SUPPORT_TIER_MAATWERK);
  EXPECT_EQ(goal->responsible_organisation_id(), "kredietbank-woerden");
  EXPECT_EQ(goal->responsible_person_id(), "");
  EXPECT_EQ(goal->agreements(), "Anna levert de post aan");
}

TEST(ParseGoalTest, GivenAPersonResponsible_ThenOnlyThePersonIsSet) {
  GoalOptions options = AGoal();
  options.responsible_organisation.clear();
  options.responsible_person = "01a20641-da33-71a4-adbb-405d40fd0d21";
  options.tier = "network";
  auto goal = ParseGoal(options);
  ASSERT_TRUE(goal.ok()) << goal.status();
  EXPECT_EQ(goal->responsible_organisation_id(), "");
  EXPECT_EQ(goal->responsible_person_id(), "01a20641-da33-71a4-adbb-405d40fd0d21");
  EXPECT_EQ(goal->tier(), hub::v1::SUPPORT_TIER_NETWORK);
}

TEST(ParseGoalTest, GivenBothOrNeitherResponsible_ThenItAsksForExactlyOne) {
  GoalOptions both = AGoal();
  both.responsible_person = "p";
  auto goal = ParseGoal(both);
  ASSERT_FALSE(goal.ok());
  EXPECT_THAT(ErrorText(goal.status()), HasSubstr("exactly one"));
  EXPECT_THAT(ErrorText(goal.status()), HasSubstr("--responsible-person"));

  GoalOptions neither = AGoal();
  neither.responsible_organisation.clear();
  goal = ParseGoal(neither);
  ASSERT_FALSE(goal.ok());
  EXPECT_THAT(ErrorText(goal.status()), HasSubstr("exactly one"));
  EXPECT_THAT(ErrorText(goal.status()), HasSubstr("--responsible-organisation"));
}

TEST(ParseGoalTest, GivenAnUnknownTier_ThenTheAcceptedWordsAreListedCheapestFirst) {
  GoalOptions options = AGoal();
  options.tier = "SUPPORT_TIER_MAATWERK";
  auto goal = ParseGoal(options);
  ASSERT_FALSE(goal.ok());
  EXPECT_THAT(ErrorText(goal.status()), HasSubstr("\"SUPPORT_TIER_MAATWERK\""));
  EXPECT_THAT(ErrorText(goal.status()), HasSubstr("own-effort, network, general-provision or maatwerk"));
  options.tier = "";
  EXPECT_FALSE(ParseGoal(options).ok());
}

TEST(ParseGoalTest, GivenATargetThatIsNoCalendarDay_ThenItIsRejected) {
  GoalOptions options = AGoal();
  for (const char* bad : {"2027-02-30", "30-06-2027", "", "2027-6-30"}) {
    options.target_date = bad;
    auto goal = ParseGoal(options);
    ASSERT_FALSE(goal.ok()) << bad;
    EXPECT_THAT(ErrorText(goal.status()), HasSubstr("target")) << bad;
  }
}

TEST(ParseGoalTest, GivenATargetInThePastOrAnUnknownDomain_ThenItIsLeftToTheServer) {
  GoalOptions options = AGoal();
  options.target_date = "2001-01-01";
  options.life_domain = "NOT_A_DOMAIN";
  EXPECT_TRUE(ParseGoal(options).ok());
}

}  // namespace
}  // namespace hub::hubctl
