#include "common/rpc/caller.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::rpc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kShippedRegister = std::string(HUB_SOURCE_DIR) + "/deploy/config/organisations.json";

class CallerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<config::Register> loaded = config::Register::LoadFile(kShippedRegister);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    register_.emplace(*std::move(loaded));
  }

  // Metadata as a server sees it. The strings must outlive the map: string_ref does not own.
  std::multimap<grpc::string_ref, grpc::string_ref> Metadata() const {
    std::multimap<grpc::string_ref, grpc::string_ref> metadata;
    for (const auto& [key, value] : values_) metadata.emplace(key, value);
    return metadata;
  }

  absl::StatusOr<Caller> Call() const { return CallerFromMetadata(Metadata(), *register_); }

  std::optional<config::Register> register_;
  std::multimap<std::string, std::string> values_{
      {"x-hub-tenant", "GM0632"},
      {"x-hub-organisation", "woerdenwijzer"},
      {"x-hub-role", "casusregisseur"},
      {"x-hub-user", "5f2b9c0e41d8a7c3"},
      {"user-agent", "grpc-c++/1.51.1"},
  };
};

TEST_F(CallerTest, GivenAGoodCaller_WhenRead_ThenEverythingIsKeptAsGiven) {
  absl::StatusOr<Caller> caller = Call();
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->tenant, "GM0632");
  EXPECT_EQ(caller->organisation_id, "woerdenwijzer");
  EXPECT_EQ(caller->role, "casusregisseur");
  EXPECT_EQ(caller->user_pseudonym, "5f2b9c0e41d8a7c3");
  ASSERT_NE(caller->organisation, nullptr);
  EXPECT_EQ(caller->organisation, register_->FindOrganisation("woerdenwijzer"));
  EXPECT_EQ(caller->organisation->kind, config::OrganisationKind::kSocialTeam);
}

TEST_F(CallerTest, GivenFermWerkForEachOfItsThreeMunicipalities_WhenRead_ThenAccepted) {
  values_.erase("x-hub-organisation");
  values_.emplace("x-hub-organisation", "fermwerk");
  values_.erase("x-hub-role");
  values_.emplace("x-hub-role", "consulent");
  for (const char* tenant : {"GM0632", "GM0589", "GM0335"}) {
    values_.erase("x-hub-tenant");
    values_.emplace("x-hub-tenant", tenant);
    EXPECT_TRUE(Call().ok()) << tenant << ": " << Call().status();
  }
}

TEST_F(CallerTest, GivenAMissingKey_WhenRead_ThenUnauthenticatedNamingTheKey) {
  for (const char* key : {kTenantKey, kOrganisationKey, kRoleKey, kUserKey}) {
    auto saved = values_;
    values_.erase(key);
    const absl::Status status = Call().status();
    EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << key;
    EXPECT_THAT(std::string(status.message()), HasSubstr(key));
    values_ = saved;
  }
}

TEST_F(CallerTest, GivenAnEmptyValue_WhenRead_ThenUnauthenticated) {
  values_.erase("x-hub-user");
  values_.emplace("x-hub-user", "");
  EXPECT_EQ(Call().status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(CallerTest, GivenAKeyTwice_WhenRead_ThenUnauthenticatedRatherThanGuessing) {
  values_.emplace("x-hub-organisation", "fermwerk");
  const absl::Status status = Call().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(status.message()), HasSubstr("more than once"));
}

TEST_F(CallerTest, GivenAnUnprintableOrOverlongPseudonym_WhenRead_ThenUnauthenticated) {
  for (const std::string& user : {std::string("jan jansen"), std::string("abc\x01"),
                                  std::string(kMaxUserPseudonymLength + 1, 'a')}) {
    values_.erase("x-hub-user");
    values_.emplace("x-hub-user", user);
    EXPECT_EQ(Call().status().code(), absl::StatusCode::kUnauthenticated) << user;
  }
}

TEST_F(CallerTest, GivenAnUnknownOrganisation_WhenRead_ThenPermissionDeniedWithoutEchoingIt) {
  values_.erase("x-hub-organisation");
  values_.emplace("x-hub-organisation", "evil-corp");
  const absl::Status status = Call().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("evil-corp")));
}

TEST_F(CallerTest, GivenATenantTheOrganisationDoesNotServe_WhenRead_ThenPermissionDenied) {
  values_.erase("x-hub-tenant");
  values_.emplace("x-hub-tenant", "GM0589");  // Oudewater: not WoerdenWijzer's
  const absl::Status status = Call().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("organisation woerdenwijzer does not act for tenant GM0589"));
}

TEST_F(CallerTest, GivenATenantNotInTheRegister_WhenRead_ThenPermissionDeniedWithoutEchoingIt) {
  for (const char* tenant : {"GM0222", "not-a-tenant"}) {
    values_.erase("x-hub-tenant");
    values_.emplace("x-hub-tenant", tenant);
    const absl::Status status = Call().status();
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << tenant;
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr(tenant)));
  }
}

TEST_F(CallerTest, GivenARoleTheOrganisationDoesNotHave_WhenRead_ThenPermissionDenied) {
  values_.erase("x-hub-role");
  values_.emplace("x-hub-role", "decision_officer");
  const absl::Status status = Call().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(status.message()), HasSubstr("may not act in the requested role"));
}

}  // namespace
}  // namespace hub::rpc
