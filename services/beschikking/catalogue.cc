#include "services/beschikking/catalogue.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "common/config/strict_json.h"
#include "fmt/format.h"

namespace hub::beschikking {
namespace {

using config::Index;
using config::Json;
using config::Member;
using config::Problems;
using config::RejectUnknownKeys;
using config::RequiredString;

constexpr std::array<std::pair<hub::v1::Law, std::string_view>, 3> kLawNames{{
    {hub::v1::LAW_WMO, "WMO"},
    {hub::v1::LAW_JEUGDWET, "JEUGDWET"},
    {hub::v1::LAW_PARTICIPATIEWET, "PARTICIPATIEWET"},
}};

constexpr std::array<std::pair<hub::v1::Unit, std::string_view>, 7> kUnitNames{{
    {hub::v1::UNIT_MINUTE, "MINUTE"},
    {hub::v1::UNIT_HOUR, "HOUR"},
    {hub::v1::UNIT_ETMAAL, "ETMAAL"},
    {hub::v1::UNIT_DAGDEEL, "DAGDEEL"},
    {hub::v1::UNIT_PIECE, "PIECE"},
    {hub::v1::UNIT_EURO, "EURO"},
    {hub::v1::UNIT_PIECE_EFFORT, "PIECE_EFFORT"},
}};

// Participatiewet products have no national code list; the hub files them under this category.
constexpr std::string_view kParticipatiewetCategory = "PW";
constexpr size_t kProductCodeLength = 5;

std::string CategoryListOf(hub::v1::Law law) {
  switch (law) {
    case hub::v1::LAW_WMO: return "WMO020: 01-18";
    case hub::v1::LAW_JEUGDWET: return "JZ020: 40-55";
    case hub::v1::LAW_PARTICIPATIEWET: return "PW";
    default: return "none";
  }
}

bool IsCodeCharacter(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

// One product entry at `path`; nullopt after recording every problem.
std::optional<CatalogueProduct> ParseProduct(const Json& entry, const std::string& path, Problems* problems) {
  if (!entry.is_object()) {
    problems->Add(path, "must be an object");
    return std::nullopt;
  }
  RejectUnknownKeys(entry, path, {"code", "category", "law", "name", "units", "pgb"}, problems);
  CatalogueProduct product;
  bool ok = true;
  if (auto law = RequiredString(entry, path, "law", problems)) {
    if (auto parsed = ParseLaw(*law)) {
      product.law = *parsed;
    } else {
      problems->Add(Member(path, "law"), fmt::format("unknown law {} (one of WMO, JEUGDWET, PARTICIPATIEWET)", *law));
      ok = false;
    }
  } else {
    ok = false;
  }
  if (auto category = RequiredString(entry, path, "category", problems)) {
    product.category = std::move(*category);
    if (product.law != hub::v1::LAW_UNSPECIFIED && !IsCategoryOf(product.law, product.category)) {
      problems->Add(Member(path, "category"),
                    fmt::format("{} is not a productcategorie of the {} ({})", product.category,
                                LawName(product.law), CategoryListOf(product.law)));
      ok = false;
    }
  } else {
    ok = false;
  }
  if (auto code = RequiredString(entry, path, "code", problems)) {
    product.code = std::move(*code);
    if (product.code.size() != kProductCodeLength ||
        !std::all_of(product.code.begin(), product.code.end(), IsCodeCharacter)) {
      problems->Add(Member(path, "code"), "a productcode is 5 characters, digits and capitals");
      ok = false;
    } else if (!product.category.empty() && !product.code.starts_with(product.category)) {
      problems->Add(Member(path, "code"),
                    fmt::format("{} does not start with its category {}", product.code, product.category));
      ok = false;
    }
  } else {
    ok = false;
  }
  if (auto name = RequiredString(entry, path, "name", problems)) {
    product.name = std::move(*name);
  } else {
    ok = false;
  }
  const std::string units_path = Member(path, "units");
  if (const auto units = entry.find("units"); units == entry.end()) {
    problems->Add(units_path, "required");
    ok = false;
  } else if (!units->is_array() || units->empty()) {
    problems->Add(units_path, "must be a non-empty array of units");
    ok = false;
  } else {
    for (size_t i = 0; i < units->size(); ++i) {
      const Json& unit = (*units)[i];
      std::optional<hub::v1::Unit> parsed;
      if (unit.is_string()) parsed = ParseUnit(unit.get_ref<const std::string&>());
      if (!parsed) {
        problems->Add(Index(units_path, i),
                      "must be one of MINUTE, HOUR, ETMAAL, DAGDEEL, PIECE, EURO, PIECE_EFFORT");
        ok = false;
      } else if (product.AllowsUnit(*parsed)) {
        problems->Add(Index(units_path, i), "unit listed twice");
        ok = false;
      } else {
        product.units.push_back(*parsed);
      }
    }
  }
  if (const auto pgb = entry.find("pgb"); pgb != entry.end()) {
    if (!pgb->is_boolean()) {
      problems->Add(Member(path, "pgb"), "must be true or false");
      ok = false;
    } else {
      product.pgb_allowed = pgb->get<bool>();
    }
  }
  if (!ok) return std::nullopt;
  return product;
}

}  // namespace

bool CatalogueProduct::AllowsUnit(hub::v1::Unit unit) const {
  return std::find(units.begin(), units.end(), unit) != units.end();
}

std::optional<hub::v1::Law> ParseLaw(std::string_view name) {
  for (const auto& [law, law_name] : kLawNames) {
    if (law_name == name) return law;
  }
  return std::nullopt;
}

std::string_view LawName(hub::v1::Law law) {
  for (const auto& [l, name] : kLawNames) {
    if (l == law) return name;
  }
  return "UNSPECIFIED";
}

std::optional<hub::v1::Unit> ParseUnit(std::string_view name) {
  for (const auto& [unit, unit_name] : kUnitNames) {
    if (unit_name == name) return unit;
  }
  return std::nullopt;
}

bool IsCategoryOf(hub::v1::Law law, std::string_view category) {
  auto two_digits_in = [&](int low, int high) {
    if (category.size() != 2 || category[0] < '0' || category[0] > '9' || category[1] < '0' || category[1] > '9') {
      return false;
    }
    const int n = (category[0] - '0') * 10 + (category[1] - '0');
    return n >= low && n <= high;
  };
  switch (law) {
    case hub::v1::LAW_WMO: return two_digits_in(1, 18);
    case hub::v1::LAW_JEUGDWET: return two_digits_in(40, 55);
    case hub::v1::LAW_PARTICIPATIEWET: return category == kParticipatiewetCategory;
    default: return false;
  }
}

absl::StatusOr<ProductCatalogue> ProductCatalogue::FromJson(std::string_view text) {
  config::Problems problems;
  std::string error;
  auto parsed = config::ParseStrict(text, &problems, &error);
  if (!parsed) return absl::InvalidArgumentError(fmt::format("not valid JSON: {}", error));
  if (!problems.empty()) return problems.ToStatus();
  const Json& root = *parsed;
  if (!root.is_object()) return absl::InvalidArgumentError("the catalogue must be a JSON object with \"products\"");
  RejectUnknownKeys(root, "", {"products"}, &problems);
  ProductCatalogue catalogue;
  const auto products = root.find("products");
  if (products == root.end()) {
    problems.Add("products", "required");
  } else if (!products->is_array() || products->empty()) {
    problems.Add("products", "must be a non-empty array");
  } else {
    std::map<std::string, size_t, std::less<>> first_seen;
    for (size_t i = 0; i < products->size(); ++i) {
      const std::string path = Index("products", i);
      auto product = ParseProduct((*products)[i], path, &problems);
      if (!product) continue;
      if (const auto twin = first_seen.find(product->code); twin != first_seen.end()) {
        problems.Add(Member(path, "code"),
                     fmt::format("duplicate productcode {} (also products[{}])", product->code, twin->second));
        continue;
      }
      first_seen.emplace(product->code, i);
      catalogue.index_.emplace(product->code, catalogue.products_.size());
      catalogue.products_.push_back(std::move(*product));
    }
  }
  if (!problems.empty()) return problems.ToStatus();
  return catalogue;
}

absl::StatusOr<ProductCatalogue> ProductCatalogue::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("{}: cannot open the product catalogue", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(fmt::format("{}: read failed", path));
  absl::StatusOr<ProductCatalogue> catalogue = FromJson(text.str());
  if (!catalogue.ok()) {
    return absl::Status(catalogue.status().code(), fmt::format("{}: {}", path, std::string(catalogue.status().message())));
  }
  return catalogue;
}

const CatalogueProduct* ProductCatalogue::Find(std::string_view code) const {
  const auto it = index_.find(code);
  return it == index_.end() ? nullptr : &products_[it->second];
}

}  // namespace hub::beschikking
