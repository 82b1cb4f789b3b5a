// The product catalogue: the shipped Woerden catalogue loads, and every mistake in a catalogue file
// is refused at start-up naming its JSON path (all of them at once).
#include "services/beschikking/catalogue.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace hub::beschikking {
namespace {

using ::testing::HasSubstr;

// A catalogue of one product, with `entry` as its only product.
std::string One(const std::string& entry) { return R"({"products": [)" + entry + "]}"; }

const std::string kBegeleiding =
    R"({"code": "02A01", "category": "02", "law": "WMO", "name": "Individuele begeleiding", "units": ["HOUR", "MINUTE"], "pgb": true})";

std::string Problem(std::string_view text) {
  auto catalogue = ProductCatalogue::FromJson(text);
  EXPECT_FALSE(catalogue.ok());
  if (catalogue.ok()) return {};
  EXPECT_EQ(catalogue.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(catalogue.status().message());
}

TEST(ProductCatalogue, TheShippedWoerdenCatalogueLoads) {
  auto catalogue = ProductCatalogue::LoadFile(std::string(HUB_SOURCE_DIR) + "/deploy/config/products.json");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  const CatalogueProduct* begeleiding = catalogue->Find("02A01");
  ASSERT_NE(begeleiding, nullptr);
  EXPECT_EQ(begeleiding->category, "02");
  EXPECT_EQ(begeleiding->law, hub::v1::LAW_WMO);
  EXPECT_TRUE(begeleiding->AllowsUnit(hub::v1::UNIT_HOUR));
  const CatalogueProduct* dagbesteding = catalogue->Find("07A01");
  ASSERT_NE(dagbesteding, nullptr);
  EXPECT_TRUE(dagbesteding->AllowsUnit(hub::v1::UNIT_DAGDEEL));
  const CatalogueProduct* ambulant = catalogue->Find("45A01");
  ASSERT_NE(ambulant, nullptr);
  EXPECT_EQ(ambulant->law, hub::v1::LAW_JEUGDWET);
  // Every law has products, and every product is consistent with its law's code list.
  int per_law[4] = {0, 0, 0, 0};
  for (const auto& p : catalogue->products()) {
    per_law[p.law]++;
    EXPECT_TRUE(IsCategoryOf(p.law, p.category)) << p.code;
    EXPECT_TRUE(p.code.starts_with(p.category)) << p.code;
  }
  EXPECT_GT(per_law[hub::v1::LAW_WMO], 0);
  EXPECT_GT(per_law[hub::v1::LAW_JEUGDWET], 0);
  EXPECT_GT(per_law[hub::v1::LAW_PARTICIPATIEWET], 0);
}

TEST(ProductCatalogue, AProductIsFoundByItsCodeAndAnUnknownCodeIsNot) {
  auto catalogue = ProductCatalogue::FromJson(One(kBegeleiding));
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  ASSERT_NE(catalogue->Find("02A01"), nullptr);
  EXPECT_EQ(catalogue->Find("02A01")->name, "Individuele begeleiding");
  EXPECT_TRUE(catalogue->Find("02A01")->pgb_allowed);
  EXPECT_EQ(catalogue->Find("02A02"), nullptr);
  const ProductCatalogue copy = *catalogue;  // the index survives a copy
  EXPECT_EQ(copy.Find("02A01"), &copy.products()[0]);
}

TEST(ProductCatalogue, PgbDefaultsToNotAllowed) {
  auto catalogue = ProductCatalogue::FromJson(
      One(R"({"code": "08A01", "category": "08", "law": "WMO", "name": "Vervoer", "units": ["PIECE"]})"));
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  EXPECT_FALSE(catalogue->Find("08A01")->pgb_allowed);
}

TEST(ProductCatalogue, AnUnknownKeyIsRefusedWithItsPath) {
  EXPECT_THAT(Problem(One(R"({"code": "02A01", "category": "02", "law": "WMO", "name": "x", "units": ["HOUR"], "pbg": true})")),
              HasSubstr("products[0].pbg: unknown key"));
  EXPECT_THAT(Problem(R"({"products": [)" + kBegeleiding + R"(], "version": 2})"), HasSubstr("version: unknown key"));
}

TEST(ProductCatalogue, AKeyGivenTwiceIsRefusedWithItsPath) {
  EXPECT_THAT(
      Problem(One(R"({"code": "02A01", "category": "02", "law": "WMO", "name": "x", "units": ["HOUR"], "units": ["MINUTE"]})")),
      HasSubstr("products[0].units: key given more than once"));
}

TEST(ProductCatalogue, AnUnknownLawIsRefused) {
  EXPECT_THAT(Problem(One(R"({"code": "02A01", "category": "02", "law": "WLZ", "name": "x", "units": ["HOUR"]})")),
              HasSubstr("products[0].law: unknown law WLZ"));
}

TEST(ProductCatalogue, ACategoryOutsideTheLawsCodeListIsRefused) {
  EXPECT_THAT(Problem(One(R"({"code": "19A01", "category": "19", "law": "WMO", "name": "x", "units": ["HOUR"]})")),
              HasSubstr("products[0].category: 19 is not a productcategorie of the WMO (WMO020: 01-18)"));
  EXPECT_THAT(Problem(One(R"({"code": "02A01", "category": "02", "law": "JEUGDWET", "name": "x", "units": ["HOUR"]})")),
              HasSubstr("products[0].category: 02 is not a productcategorie of the JEUGDWET (JZ020: 40-55)"));
  EXPECT_THAT(Problem(One(R"({"code": "45A01", "category": "45", "law": "PARTICIPATIEWET", "name": "x", "units": ["HOUR"]})")),
              HasSubstr("products[0].category"));
}

TEST(ProductCatalogue, TheEdgesOfTheCodeListsAreAccepted) {
  for (const auto& [category, law] : {std::pair{"01", "WMO"}, {"18", "WMO"}, {"40", "JEUGDWET"}, {"55", "JEUGDWET"}}) {
    const std::string entry =
        std::string(R"({"code": ")") + category + R"(A01", "category": ")" + category + R"(", "law": ")" + law +
        R"(", "name": "x", "units": ["HOUR"]})";
    auto catalogue = ProductCatalogue::FromJson(One(entry));
    EXPECT_TRUE(catalogue.ok()) << category << " " << catalogue.status();
  }
}

TEST(ProductCatalogue, ACodeThatDoesNotStartWithItsCategoryIsRefused) {
  EXPECT_THAT(Problem(One(R"({"code": "07A01", "category": "02", "law": "WMO", "name": "x", "units": ["HOUR"]})")),
              HasSubstr("products[0].code: 07A01 does not start with its category 02"));
}

TEST(ProductCatalogue, ACodeOfAnotherShapeIsRefused) {
  EXPECT_THAT(Problem(One(R"({"code": "02A1", "category": "02", "law": "WMO", "name": "x", "units": ["HOUR"]})")),
              HasSubstr("products[0].code: a productcode is 5 characters"));
  EXPECT_THAT(Problem(One(R"({"code": "02a01", "category": "02", "law": "WMO", "name": "x", "units": ["HOUR"]})")),
              HasSubstr("products[0].code"));
}

TEST(ProductCatalogue, UnitsMustBeKnownListedOnceAndPresent) {
  EXPECT_THAT(Problem(One(R"({"code": "02A01", "category": "02", "law": "WMO", "name": "x", "units": ["HOUR", "WEEK"]})")),
              HasSubstr("products[0].units[1]: must be one of"));
  EXPECT_THAT(Problem(One(R"({"code": "02A01", "category": "02", "law": "WMO", "name": "x", "units": ["HOUR", "HOUR"]})")),
              HasSubstr("products[0].units[1]: unit listed twice"));
  EXPECT_THAT(Problem(One(R"({"code": "02A01", "category": "02", "law": "WMO", "name": "x", "units": []})")),
              HasSubstr("products[0].units: must be a non-empty array"));
  EXPECT_THAT(Problem(One(R"({"code": "02A01", "category": "02", "law": "WMO", "name": "x"})")),
              HasSubstr("products[0].units: required"));
}

TEST(ProductCatalogue, PgbMustBeABoolean) {
  EXPECT_THAT(Problem(One(R"({"code": "02A01", "category": "02", "law": "WMO", "name": "x", "units": ["HOUR"], "pgb": "yes"})")),
              HasSubstr("products[0].pgb: must be true or false"));
}

TEST(ProductCatalogue, ADuplicateCodeNamesItsTwin) {
  EXPECT_THAT(Problem(R"({"products": [)" + kBegeleiding + "," + kBegeleiding + "]}"),
              HasSubstr("products[1].code: duplicate productcode 02A01 (also products[0])"));
}

TEST(ProductCatalogue, RequiredFieldsAreNamed) {
  EXPECT_THAT(Problem(One(R"({"code": "02A01", "category": "02", "law": "WMO", "units": ["HOUR"]})")),
              HasSubstr("products[0].name: required"));
  EXPECT_THAT(Problem(R"({"products": []})"), HasSubstr("products: must be a non-empty array"));
  EXPECT_THAT(Problem(R"({})"), HasSubstr("products: required"));
  EXPECT_THAT(Problem(R"([1, 2])"), HasSubstr("JSON object"));
  EXPECT_THAT(Problem(R"({"products": [)"), HasSubstr("not valid JSON"));
}

TEST(ProductCatalogue, EveryProblemIsReportedAtOnce) {
  const std::string text = R"({"products": [
      {"code": "19A01", "category": "19", "law": "WMO", "name": "x", "units": ["HOUR"]},
      {"code": "02A01", "category": "02", "law": "WMO", "name": "x", "units": ["FORTNIGHT"]}]})";
  const std::string problem = Problem(text);
  EXPECT_THAT(problem, HasSubstr("products[0].category"));
  EXPECT_THAT(problem, HasSubstr("products[1].units[0]"));
}

TEST(ProductCatalogue, AMissingFileIsNotFoundNamingThePath) {
  auto catalogue = ProductCatalogue::LoadFile("/nonexistent/products.json");
  ASSERT_FALSE(catalogue.ok());
  EXPECT_EQ(catalogue.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(catalogue.status().message()), HasSubstr("/nonexistent/products.json"));
}

TEST(ProductCatalogue, AProblemInAFileIsPrefixedWithThePath) {
  testing::TempDir dir;
  const std::string path = dir.Sub("products.json");
  std::ofstream(path) << One(R"({"code": "02A01", "category": "02", "law": "WMO", "name": "x", "units": ["DAY"]})");
  auto catalogue = ProductCatalogue::LoadFile(path);
  ASSERT_FALSE(catalogue.ok());
  EXPECT_THAT(std::string(catalogue.status().message()), HasSubstr(path + ": products[0].units[0]"));
}

TEST(ProductCatalogue, LawsAndUnitsAreSpelledAsTheConfigurationSpellsThem) {
  EXPECT_EQ(ParseLaw("JEUGDWET"), hub::v1::LAW_JEUGDWET);
  EXPECT_EQ(ParseLaw("jeugdwet"), std::nullopt);
  EXPECT_EQ(LawName(hub::v1::LAW_PARTICIPATIEWET), "PARTICIPATIEWET");
  EXPECT_EQ(ParseUnit("DAGDEEL"), hub::v1::UNIT_DAGDEEL);
  EXPECT_EQ(ParseUnit("PIECE"), hub::v1::UNIT_PIECE);
  EXPECT_EQ(ParseUnit("DAY"), std::nullopt);
}

}  // namespace
}  // namespace hub::beschikking
