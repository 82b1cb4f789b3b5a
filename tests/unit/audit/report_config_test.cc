// ReportConfig: the shipped file, the defaults, tenant overrides and strict loading.
#include "services/audit/report_config.h"

#include <gtest/gtest.h>

#include "hub/v1/beschikking_events.pb.h"
#include "hub/v1/referral_events.pb.h"

namespace hub::audit {
namespace {

TEST(ReportConfig, TheShippedFileIsTheDefaultWithOudewatersThreshold) {
  auto config = ReportConfig::LoadFile(std::string(HUB_SOURCE_DIR) + "/deploy/config/reports.json");
  ASSERT_TRUE(config.ok()) << config.status();
  const auto defaults = ReportConfig::Default().For("GM0632");
  const auto& woerden = config->For("GM0632");
  ASSERT_EQ(woerden.schemes.size(), defaults.schemes.size());
  for (size_t i = 0; i < defaults.schemes.size(); ++i) {
    EXPECT_EQ(woerden.schemes[i].id, defaults.schemes[i].id);
    EXPECT_EQ(woerden.schemes[i].name, defaults.schemes[i].name);
    EXPECT_EQ(woerden.schemes[i].referral_kinds, defaults.schemes[i].referral_kinds);
    ASSERT_EQ(woerden.schemes[i].products.size(), defaults.schemes[i].products.size());
    for (size_t j = 0; j < defaults.schemes[i].products.size(); ++j) {
      EXPECT_EQ(woerden.schemes[i].products[j].law, defaults.schemes[i].products[j].law);
      EXPECT_EQ(woerden.schemes[i].products[j].categories, defaults.schemes[i].products[j].categories);
    }
  }
  EXPECT_EQ(woerden.suppression_threshold, 5);
  EXPECT_EQ(config->For("GM0589").suppression_threshold, 10);
  EXPECT_EQ(config->For("GM0589").schemes.size(), 5u);
}

TEST(ReportConfig, SchemesMatchProductsByLawAndCategory) {
  const ReportConfig config = ReportConfig::Default();
  const auto& schemes = config.For("GM0632").schemes;
  EXPECT_TRUE(schemes[3].products[0].Matches(hub::v1::LAW_WMO, "02"));
  EXPECT_FALSE(schemes[3].products[0].Matches(hub::v1::LAW_WMO, "12"));
  EXPECT_TRUE(schemes[0].products[0].Matches(hub::v1::LAW_JEUGDWET, "54"));
  EXPECT_TRUE(schemes[1].referral_kinds.contains(hub::v1::RECEIVER_KIND_DEBT_SERVICES));
}

TEST(ReportConfig, ATenantMayHaveItsOwnSchemes) {
  auto config = ReportConfig::FromJson(R"({
    "schemes": [{"id": "WMO", "name": "Wmo", "products": [{"law": "WMO"}]}],
    "tenants": [{"code": "GM0335", "schemes": [{"id": "JEUGD", "name": "Jeugd", "products": [{"law": "JEUGDWET"}]}]}]
  })");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->For("GM0632").schemes.at(0).id, "WMO");
  EXPECT_EQ(config->For("GM0632").suppression_threshold, 5);
  EXPECT_EQ(config->For("GM0335").schemes.at(0).id, "JEUGD");
}

TEST(ReportConfig, EveryProblemIsNamedByItsPath) {
  auto config = ReportConfig::FromJson(R"({
    "suppression_threshold": 1,
    "schemes": [
      {"id": "wmo", "name": "Wmo", "products": [{"law": "AOW", "categories": ["2"]}]},
      {"id": "X", "name": "X", "referrals": ["BANK"]},
      {"id": "Y", "name": "Y"}
    ],
    "tenants": [{"code": "Woerden"}],
    "colour": "blue"
  })");
  ASSERT_FALSE(config.ok());
  const std::string message(config.status().message());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  for (const char* path : {"suppression_threshold: must be", "schemes[0].id:", "schemes[0].products[0].law: AOW",
                           "schemes[0].products[0].categories[0]: 2", "schemes[1].referrals[0]: BANK",
                           "schemes[2]: needs products or referrals", "tenants[0].code: Woerden",
                           "colour: unknown key"}) {
    EXPECT_NE(message.find(path), std::string::npos) << "missing \"" << path << "\" in: " << message;
  }
}

TEST(ReportConfig, AKeyGivenTwiceIsRefused) {
  auto config = ReportConfig::FromJson(R"({"schemes": [], "schemes": []})");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(std::string(config.status().message()).find("schemes: key given more than once"), std::string::npos);
}

TEST(ReportConfig, AMissingFileIsNotFound) {
  EXPECT_EQ(ReportConfig::LoadFile("/nonexistent/reports.json").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hub::audit
