#include "common/domain/tenant.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::domain {
namespace {

using ::testing::HasSubstr;

TEST(TenantTest, GivenCbsMunicipalityCodes_WhenValidated_ThenAccepted) {
  for (const char* tenant : {"GM0632" /* Woerden */, "GM0222" /* Doetinchem */,
                             "GM0150" /* Deventer */, "GM0363" /* Amsterdam */, "GM1992"}) {
    EXPECT_TRUE(IsValidTenant(tenant)) << tenant;
    EXPECT_TRUE(ValidateTenant(tenant).ok()) << tenant;
  }
}

TEST(TenantTest, GivenWrongLength_WhenValidated_ThenRejectedWithFormatReason) {
  for (const char* tenant : {"", "GM", "GM632", "GM06320", " GM0632", "GM0632 "}) {
    const absl::Status status = ValidateTenant(tenant);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << tenant;
    EXPECT_THAT(std::string(status.message()), HasSubstr("\"GM\" followed by 4 digits"));
  }
}

TEST(TenantTest, GivenWrongOrLowerCasePrefix_WhenValidated_ThenRejected) {
  for (const char* tenant : {"gm0632", "Gm0632", "PV0632", "WS0632", "000632"}) {
    const absl::Status status = ValidateTenant(tenant);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << tenant;
    EXPECT_THAT(std::string(status.message()), HasSubstr("upper-case \"GM\""));
  }
}

TEST(TenantTest, GivenNonDigitsAfterPrefix_WhenValidated_ThenRejected) {
  for (const char* tenant : {"GM06a2", "GM-632", "GM063 ", "GMGM06"}) {
    const absl::Status status = ValidateTenant(tenant);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << tenant;
    EXPECT_THAT(std::string(status.message()), HasSubstr("4 digits"));
  }
}

TEST(TenantTest, GivenGm0000_WhenValidated_ThenRejectedAsNoMunicipality) {
  EXPECT_FALSE(IsValidTenant("GM0000"));
  EXPECT_THAT(std::string(ValidateTenant("GM0000").message()), HasSubstr("not a municipality"));
}

}  // namespace
}  // namespace hub::domain
