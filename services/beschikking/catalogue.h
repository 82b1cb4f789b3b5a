// ProductCatalogue: the maatwerk products a municipality grants, with the national codes they carry
// (productcategorie and productcode per iWmo/iJw 3.2), the units they may be granted in and whether
// they may be granted as PGB. A beschikking line names a product by code; its category, law, units
// and PGB permission come from here.
//
// Configuration, not data: loaded once at start-up from deploy/config/products.json (format in
// deploy/config/README.md) and immutable afterwards, so every accessor is const and safe to call
// from many threads. Loading is strict like the organisations register (common/config/register.h):
// unknown keys, keys given twice, unknown laws, units or categories, a code that does not start
// with its category, duplicate codes are INVALID_ARGUMENT naming the JSON path, every problem at
// once, e.g.
//   products[4].category: 19 is not a Wmo productcategorie (WMO020: 01-18)
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hub/v1/beschikking_events.pb.h"

namespace hub::beschikking {

// One product of the catalogue.
struct CatalogueProduct {
  std::string code;      // productcode, 5 characters, starting with the category
  std::string category;  // WMO020 (01-18), JZ020 (40-55), or PW for the Participatiewet
  hub::v1::Law law = hub::v1::LAW_UNSPECIFIED;
  std::string name;
  std::vector<hub::v1::Unit> units;  // the units it may be granted in, at least one
  bool pgb_allowed = false;

  bool AllowsUnit(hub::v1::Unit unit) const;
  bool operator==(const CatalogueProduct&) const = default;
};

class ProductCatalogue {
 public:
  // Parses and validates a catalogue. INVALID_ARGUMENT naming every problem with its JSON path.
  static absl::StatusOr<ProductCatalogue> FromJson(std::string_view text);
  // Reads `path` and parses it with FromJson; problems are prefixed with the path. NOT_FOUND when
  // the file cannot be opened.
  static absl::StatusOr<ProductCatalogue> LoadFile(const std::string& path);

  // The product with `code`, or nullptr. Points into this catalogue object (a copy has its own).
  const CatalogueProduct* Find(std::string_view code) const;
  const std::vector<CatalogueProduct>& products() const { return products_; }

 private:
  ProductCatalogue() = default;
  std::vector<CatalogueProduct> products_;
  std::map<std::string, size_t, std::less<>> index_;  // code -> position, survives copies
};

// The configuration spellings: WMO, JEUGDWET, PARTICIPATIEWET; MINUTE, HOUR, ETMAAL, DAGDEEL,
// PIECE, EURO, PIECE_EFFORT.
std::optional<hub::v1::Law> ParseLaw(std::string_view name);
std::string_view LawName(hub::v1::Law law);
std::optional<hub::v1::Unit> ParseUnit(std::string_view name);

// True when `category` is a productcategorie of `law` (WMO020, JZ020; "PW" for the Participatiewet,
// which has no national code list).
bool IsCategoryOf(hub::v1::Law law, std::string_view category);

}  // namespace hub::beschikking
