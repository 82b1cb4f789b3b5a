#include "common/domain/bsn.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Each valid number was checked by hand: sum of digit * (9,8,7,6,5,4,3,2,-1) is a multiple of 11.
//   111222333: 9+8+7+12+10+8+9+6-3   = 66  = 6 * 11
//   123456782: 9+16+21+24+25+24+21+16-2 = 154 = 14 * 11
//   999999990: 9*(9+8+7+6+5+4+3+2)-0 = 396 = 36 * 11
TEST(BsnTest, GivenNumbersThatPassTheElfproef_WhenValidated_ThenAccepted) {
  for (const char* bsn : {"111222333", "123456782", "999999990"}) {
    EXPECT_TRUE(IsValidBsn(bsn)) << bsn;
    EXPECT_TRUE(ValidateBsn(bsn).ok()) << bsn;
  }
}

TEST(BsnTest, GivenNineDigitsFailingTheElfproef_WhenValidated_ThenRejectedWithReason) {
  // 123456789: 9+16+21+24+25+24+21+16-9 = 147 = 13 * 11 + 4.
  for (const char* bsn : {"123456789", "111222334", "000000009"}) {
    EXPECT_FALSE(IsValidBsn(bsn)) << bsn;
    const absl::Status status = ValidateBsn(bsn);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()), HasSubstr("elfproef (11-test)"));
  }
}

TEST(BsnTest, GivenWrongLengthOrNonDigits_WhenValidated_ThenRejectedAsNotNineDigits) {
  for (const char* bsn : {"", "12345678", "1234567820", "12345678a", " 11122233", "11122233 ",
                          "-11222333", "111-22-333"}) {
    EXPECT_FALSE(IsValidBsn(bsn)) << bsn;
    const absl::Status status = ValidateBsn(bsn);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()), HasSubstr("must be exactly 9 digits"));
  }
}

TEST(BsnTest, GivenEightDigitLegacyNumber_WhenValidated_ThenRejectedUntilPaddedByCaller) {
  // 010000008: 1*8 - 8 = 0, valid once written with its leading zero.
  EXPECT_TRUE(IsValidBsn("010000008"));
  EXPECT_FALSE(IsValidBsn("10000008"));
}

TEST(BsnTest, GivenAllZeros_WhenValidated_ThenRejectedDespitePassingTheArithmetic) {
  EXPECT_FALSE(IsValidBsn("000000000"));
  EXPECT_THAT(std::string(ValidateBsn("000000000").message()), HasSubstr("all zeros"));
}

TEST(BsnTest, GivenAnyInvalidInput_WhenValidated_ThenMessageNeverContainsTheNumber) {
  for (const char* bsn : {"123456789", "12345678", "000000000", "98765432x"}) {
    const std::string message(ValidateBsn(bsn).message());
    EXPECT_THAT(message, Not(HasSubstr(bsn))) << message;
    EXPECT_THAT(message, Not(HasSubstr("1234"))) << message;
  }
}

}  // namespace
}  // namespace hub::domain
