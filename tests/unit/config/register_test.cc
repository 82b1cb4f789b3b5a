#include "common/config/register.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace hub::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;

const std::string kShippedRegister = std::string(HUB_SOURCE_DIR) + "/deploy/config/organisations.json";

// A small valid register; each test breaks one thing in it.
Json Valid() {
  return Json::parse(R"({
    "tenants": [
      {"code": "GM0632", "name": "Woerden"},
      {"code": "GM0589", "name": "Oudewater", "referral_answer_working_days": 10}
    ],
    "organisations": [
      {"id": "woerdenwijzer", "name": "WoerdenWijzer", "kind": "SOCIAL_TEAM",
       "tenants": ["GM0632"], "roles": ["consulent", "casusregisseur"]},
      {"id": "fermwerk", "name": "FermWerk", "kind": "WORK_AND_INCOME",
       "tenants": ["GM0632", "GM0589"], "roles": ["consulent"]},
      {"id": "de-linde", "name": "De Linde", "kind": "CARE_PROVIDER", "agb_code": "98001234",
       "tenants": ["GM0632"], "roles": ["zorgverlener"]}
    ]
  })");
}

// The message of loading `json`, which must fail with INVALID_ARGUMENT.
std::string LoadError(const Json& json) {
  absl::StatusOr<Register> reg = Register::FromJson(json.dump());
  EXPECT_FALSE(reg.ok()) << json.dump(2);
  if (reg.ok()) return "";
  EXPECT_EQ(reg.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(reg.status().message());
}

TEST(RegisterTest, GivenTheShippedRegister_WhenLoaded_ThenTheWoerdenRegionIsThere) {
  absl::StatusOr<Register> reg = Register::LoadFile(kShippedRegister);
  ASSERT_TRUE(reg.ok()) << reg.status();

  ASSERT_EQ(reg->tenants().size(), 3u);
  ASSERT_NE(reg->FindTenant("GM0632"), nullptr);
  EXPECT_EQ(reg->FindTenant("GM0632")->name, "Woerden");
  EXPECT_EQ(reg->FindTenant("GM0589")->name, "Oudewater");
  EXPECT_EQ(reg->FindTenant("GM0335")->name, "Montfoort");
  EXPECT_EQ(reg->FindTenant("GM0335")->referral_answer_working_days, 5);

  const Organisation* fermwerk = reg->FindOrganisation("fermwerk");
  ASSERT_NE(fermwerk, nullptr);
  EXPECT_EQ(fermwerk->kind, OrganisationKind::kWorkAndIncome);
  for (const char* tenant : {"GM0632", "GM0589", "GM0335"}) {
    EXPECT_TRUE(reg->Serves(*fermwerk, tenant)) << tenant;
  }

  const Organisation* woerdenwijzer = reg->FindOrganisation("woerdenwijzer");
  ASSERT_NE(woerdenwijzer, nullptr);
  EXPECT_EQ(woerdenwijzer->kind, OrganisationKind::kSocialTeam);
  EXPECT_THAT(woerdenwijzer->roles, ElementsAre("consulent", "casusregisseur", "procesregisseur"));
  EXPECT_FALSE(reg->Serves(*woerdenwijzer, "GM0589"));

  const Organisation* linde = reg->FindOrganisation("zorgaanbieder-de-linde");
  ASSERT_NE(linde, nullptr);
  EXPECT_EQ(linde->kind, OrganisationKind::kCareProvider);
  EXPECT_EQ(linde->agb_code.size(), 8u);

  for (const char* id : {"woerden-beschikkingen", "schuldhulp-woerden", "basisschool-de-regenboog",
                         "huisarts-woerden-west", "accountant-gm0632", "it-beheer-woerden",
                         "sociaal-team-oudewater"}) {
    EXPECT_NE(reg->FindOrganisation(id), nullptr) << id;
  }
  EXPECT_EQ(reg->FindOrganisation("woerden-beschikkingen")->kind,
            OrganisationKind::kDecisionOffice);
  EXPECT_EQ(reg->FindOrganisation("basisschool-de-regenboog")->roles,
            std::vector<std::string>{"signaalgever"});
  EXPECT_EQ(reg->FindOrganisation("sociaal-team-oudewater")->tenants,
            std::vector<std::string>{"GM0589"});
}

TEST(RegisterTest, GivenATenant_WhenOrganisationsOfAsked_ThenThoseServingItInRegisterOrder) {
  absl::StatusOr<Register> reg = Register::LoadFile(kShippedRegister);
  ASSERT_TRUE(reg.ok()) << reg.status();
  std::vector<std::string> oudewater;
  for (const Organisation* org : reg->OrganisationsOf("GM0589")) oudewater.push_back(org->id);
  EXPECT_THAT(oudewater, ElementsAre("sociaal-team-oudewater", "fermwerk"));
  EXPECT_TRUE(reg->OrganisationsOf("GM9999").empty());
}

TEST(RegisterTest, GivenAValidRegister_WhenCopied_ThenLookupsStillWork) {
  absl::StatusOr<Register> loaded = Register::FromJson(Valid().dump());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Register copy = *loaded;
  const Register moved = *std::move(loaded);
  for (const Register* reg : {&copy, &moved}) {
    ASSERT_NE(reg->FindOrganisation("fermwerk"), nullptr);
    EXPECT_EQ(reg->FindOrganisation("fermwerk")->name, "FermWerk");
    EXPECT_EQ(reg->FindTenant("GM0589")->referral_answer_working_days, 10);
    EXPECT_EQ(reg->FindTenant("GM0632")->referral_answer_working_days, 5);
  }
}

TEST(RegisterTest, GivenUnknownIds_WhenLookedUp_ThenNull) {
  absl::StatusOr<Register> reg = Register::FromJson(Valid().dump());
  ASSERT_TRUE(reg.ok()) << reg.status();
  EXPECT_EQ(reg->FindOrganisation("nobody"), nullptr);
  EXPECT_EQ(reg->FindTenant("GM0335"), nullptr);
}

TEST(RegisterTest, GivenEveryKind_WhenNamedAndParsed_ThenRoundTrips) {
  for (OrganisationKind kind :
       {OrganisationKind::kSocialTeam, OrganisationKind::kWorkAndIncome,
        OrganisationKind::kCareProvider, OrganisationKind::kDebtServices,
        OrganisationKind::kDecisionOffice, OrganisationKind::kSignalGiver,
        OrganisationKind::kAuditor, OrganisationKind::kOperator}) {
    EXPECT_EQ(ParseOrganisationKind(KindName(kind)), kind) << KindName(kind);
  }
  EXPECT_EQ(KindName(OrganisationKind::kWorkAndIncome), "WORK_AND_INCOME");
  EXPECT_EQ(ParseOrganisationKind("social_team"), std::nullopt);
}

TEST(RegisterTest, GivenACareProviderWithoutAgbCode_WhenLoaded_ThenRejectedAtItsPath) {
  Json json = Valid();
  json["organisations"][2].erase("agb_code");
  EXPECT_EQ(LoadError(json), "organisations[2].agb_code: a care provider needs an 8-digit AGB code");
}

TEST(RegisterTest, GivenAMalformedAgbCode_WhenLoaded_ThenRejectedAtItsPath) {
  for (Json bad : {Json("1234567"), Json("123456789"), Json("1234567a"), Json(12345678)}) {
    Json json = Valid();
    json["organisations"][2]["agb_code"] = bad;
    EXPECT_THAT(LoadError(json), HasSubstr("organisations[2].agb_code: an AGB code is 8 digits"));
  }
}

TEST(RegisterTest, GivenAnAgbCodeOnAnotherKind_WhenLoaded_ThenAcceptedBecauseGpsHaveOne) {
  Json json = Valid();
  json["organisations"][0]["agb_code"] = "01001234";
  absl::StatusOr<Register> reg = Register::FromJson(json.dump());
  ASSERT_TRUE(reg.ok()) << reg.status();
  EXPECT_EQ(reg->FindOrganisation("woerdenwijzer")->agb_code, "01001234");
}

TEST(RegisterTest, GivenAnOrganisationServingAnUnknownTenant_WhenLoaded_ThenRejectedAtItsPath) {
  Json json = Valid();
  json["organisations"][1]["tenants"][0] = "GM9999";
  EXPECT_EQ(LoadError(json), "organisations[1].tenants[0]: unknown tenant GM9999");
}

TEST(RegisterTest, GivenAMalformedTenantReference_WhenLoaded_ThenTheTenantRuleIsNamed) {
  Json json = Valid();
  json["organisations"][1]["tenants"][1] = "gm0589";
  EXPECT_THAT(LoadError(json), HasSubstr("organisations[1].tenants[1]: tenant must start with"));
}

TEST(RegisterTest, GivenATenantListedTwice_WhenLoaded_ThenRejected) {
  Json json = Valid();
  json["organisations"][1]["tenants"] = {"GM0632", "GM0632"};
  EXPECT_EQ(LoadError(json), "organisations[1].tenants[1]: GM0632 is listed twice");
}

TEST(RegisterTest, GivenDuplicateOrganisationIds_WhenLoaded_ThenTheSecondIsNamedWithItsTwin) {
  Json json = Valid();
  json["organisations"][2]["id"] = "woerdenwijzer";
  EXPECT_EQ(LoadError(json),
            "organisations[2].id: duplicate organisation id woerdenwijzer (also organisations[0])");
}

TEST(RegisterTest, GivenABadOrganisationId_WhenLoaded_ThenRejected) {
  for (const char* id : {"WoerdenWijzer", "woerden wijzer", "-woerden", "woerden_wijzer"}) {
    Json json = Valid();
    json["organisations"][0]["id"] = id;
    EXPECT_THAT(LoadError(json), HasSubstr("organisations[0].id: must be lower-case letters"))
        << id;
  }
}

TEST(RegisterTest, GivenMalformedTenantCodes_WhenLoaded_ThenTheTenantRuleIsNamed) {
  struct Case {
    const char* code;
    const char* reason;
  };
  for (const Case& c : {Case{"GM0000", "tenants[1].code: tenant GM0000 is not a municipality"},
                        Case{"GM589", "tenants[1].code: tenant must be a CBS municipality code"},
                        Case{"PV0589", "tenants[1].code: tenant must start with upper-case"}}) {
    Json json = Valid();
    json["tenants"][1]["code"] = c.code;
    // fermwerk also names GM0589, which no longer exists: reported too, after the tenant itself.
    EXPECT_THAT(LoadError(json), HasSubstr(c.reason)) << c.code;
  }
}

TEST(RegisterTest, GivenDuplicateTenants_WhenLoaded_ThenRejected) {
  Json json = Valid();
  json["tenants"][1]["code"] = "GM0632";
  EXPECT_THAT(LoadError(json), HasSubstr("tenants[1].code: duplicate tenant GM0632"));
}

TEST(RegisterTest, GivenABadReferralServiceLevel_WhenLoaded_ThenRejected) {
  for (Json bad : {Json(0), Json(61), Json(2.5), Json("5"), Json(-1)}) {
    Json json = Valid();
    json["tenants"][0]["referral_answer_working_days"] = bad;
    EXPECT_THAT(LoadError(json),
                HasSubstr("tenants[0].referral_answer_working_days: must be a whole number"))
        << bad.dump();
  }
}

TEST(RegisterTest, GivenAnUnknownKind_WhenLoaded_ThenRejectedListingTheKinds) {
  Json json = Valid();
  json["organisations"][0]["kind"] = "SOCIAL_WORKER";
  EXPECT_THAT(LoadError(json),
              HasSubstr("organisations[0].kind: unknown organisation kind SOCIAL_WORKER (one of "
                        "SOCIAL_TEAM, WORK_AND_INCOME, CARE_PROVIDER"));
}

TEST(RegisterTest, GivenEmptyOrMissingRoles_WhenLoaded_ThenRejected) {
  Json empty = Valid();
  empty["organisations"][1]["roles"] = Json::array();
  EXPECT_EQ(LoadError(empty), "organisations[1].roles: must be a non-empty array of strings");

  Json missing = Valid();
  missing["organisations"][1].erase("roles");
  EXPECT_EQ(LoadError(missing), "organisations[1].roles: required");

  Json bad = Valid();
  bad["organisations"][1]["roles"][0] = "Consulent";
  EXPECT_THAT(LoadError(bad), HasSubstr("organisations[1].roles[0]: a role is lower-case"));
}

TEST(RegisterTest, GivenMissingRequiredFields_WhenLoaded_ThenEachIsNamed) {
  for (const char* key : {"id", "name", "kind", "tenants"}) {
    Json json = Valid();
    json["organisations"][0].erase(key);
    EXPECT_EQ(LoadError(json), std::string("organisations[0].") + key + ": required");
  }
  Json json = Valid();
  json["tenants"][0].erase("name");
  EXPECT_EQ(LoadError(json), "tenants[0].name: required");
}

TEST(RegisterTest, GivenAMisspeltKey_WhenLoaded_ThenRejectedInsteadOfIgnored) {
  Json top = Valid();
  top["organisation"] = Json::array();
  EXPECT_THAT(LoadError(top), HasSubstr("organisation: unknown key (allowed: tenants, organisations)"));

  Json org = Valid();
  org["organisations"][2]["agbcode"] = "98001234";
  EXPECT_THAT(LoadError(org), HasSubstr("organisations[2].agbcode: unknown key"));

  Json tenant = Valid();
  tenant["tenants"][0]["referral_days"] = 5;
  EXPECT_THAT(LoadError(tenant), HasSubstr("tenants[0].referral_days: unknown key"));
}

TEST(RegisterTest, GivenAKeyGivenTwice_WhenLoaded_ThenRejectedAtItsPath) {
  const std::string text = R"({
    "tenants": [{"code": "GM0632", "name": "Woerden"}],
    "organisations": [
      {"id": "a", "name": "A", "kind": "AUDITOR", "tenants": ["GM0632"], "roles": ["auditor"]},
      {"id": "b", "name": "B", "kind": "AUDITOR", "tenants": ["GM0632"], "roles": ["auditor"],
       "roles": ["auditor", "operator"]}
    ]
  })";
  absl::StatusOr<Register> reg = Register::FromJson(text);
  ASSERT_FALSE(reg.ok());
  EXPECT_EQ(reg.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reg.status().message(), "organisations[1].roles: key given more than once");
}

TEST(RegisterTest, GivenSeveralProblems_WhenLoaded_ThenAllAreReported) {
  Json json = Valid();
  json["organisations"][2].erase("agb_code");
  json["organisations"][1]["tenants"][0] = "GM9999";
  const std::string message = LoadError(json);
  EXPECT_THAT(message, HasSubstr("2 problems: "));
  EXPECT_THAT(message, HasSubstr("organisations[1].tenants[0]: unknown tenant GM9999"));
  EXPECT_THAT(message, HasSubstr("organisations[2].agb_code: a care provider needs"));
}

TEST(RegisterTest, GivenNotJsonOrTheWrongShape_WhenLoaded_ThenRejected) {
  for (const char* text : {"", "{", "{\"tenants\": [],}", "// comment\n{}"}) {
    absl::StatusOr<Register> reg = Register::FromJson(text);
    ASSERT_FALSE(reg.ok()) << text;
    EXPECT_EQ(reg.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(reg.status().message()), HasSubstr("not valid JSON")) << text;
  }
  EXPECT_THAT(LoadError(Json::array()), HasSubstr("must be a JSON object"));
  EXPECT_THAT(LoadError(Json::object()), HasSubstr("tenants: required"));
  EXPECT_THAT(LoadError(Json::object()), HasSubstr("organisations: required"));
}

TEST(RegisterTest, GivenAMissingFile_WhenLoaded_ThenNotFound) {
  absl::StatusOr<Register> reg = Register::LoadFile("/nonexistent/organisations.json");
  EXPECT_EQ(reg.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hub::config
