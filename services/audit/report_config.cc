#include "services/audit/report_config.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/config/strict_json.h"
#include "common/domain/tenant.h"
#include "fmt/format.h"
#include "hub/v1/beschikking_events.pb.h"
#include "hub/v1/referral_events.pb.h"

namespace hub::audit {
namespace {

using config::Index;
using config::Json;
using config::Member;
using config::Problems;

constexpr int kMinThreshold = 2;  // 1 would publish every count: suppression cannot be switched off
constexpr int kMaxThreshold = 100;
constexpr size_t kMaxSchemeIdLength = 32;

bool IsSchemeId(std::string_view id) {
  if (id.empty() || id.size() > kMaxSchemeIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
}

// "WMO" -> LAW_WMO; the spelling of products.json.
std::optional<int> ParseLaw(const std::string& name) {
  hub::v1::Law law;
  if (!hub::v1::Law_Parse("LAW_" + name, &law) || law == hub::v1::LAW_UNSPECIFIED) return std::nullopt;
  return law;
}

std::optional<int> ParseReceiverKind(const std::string& name) {
  hub::v1::ReceiverKind kind;
  if (!hub::v1::ReceiverKind_Parse("RECEIVER_KIND_" + name, &kind) || kind == hub::v1::RECEIVER_KIND_UNSPECIFIED) {
    return std::nullopt;
  }
  return kind;
}

bool IsCategory(const std::string& c) {
  return c == "PW" || (c.size() == 2 && std::isdigit(static_cast<unsigned char>(c[0])) &&
                       std::isdigit(static_cast<unsigned char>(c[1])));
}

std::vector<std::string> Strings(const Json& parent, std::string_view path, const char* key, Problems* problems) {
  std::vector<std::string> out;
  const auto it = parent.find(key);
  if (it == parent.end()) return out;
  if (!it->is_array()) {
    problems->Add(Member(path, key), "must be an array of strings");
    return out;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& v = (*it)[i];
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
      problems->Add(Index(Member(path, key), i), "must be a non-empty string");
      continue;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<Scheme> ParseSchemes(const Json& array, std::string_view path, Problems* problems) {
  std::vector<Scheme> schemes;
  if (!array.is_array() || array.empty()) {
    problems->Add(std::string(path), "must be a non-empty array of schemes");
    return schemes;
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string at = Index(path, i);
    const Json& s = array[i];
    if (!s.is_object()) {
      problems->Add(at, "must be an object");
      continue;
    }
    config::RejectUnknownKeys(s, at, {"id", "name", "products", "referrals"}, problems);
    Scheme scheme;
    if (auto id = config::RequiredString(s, at, "id", problems)) {
      if (!IsSchemeId(*id)) {
        problems->Add(Member(at, "id"), "must be 1-32 characters A-Z, 0-9 or _");
      } else if (!ids.insert(*id).second) {
        problems->Add(Member(at, "id"), fmt::format("{} is given more than once", *id));
      }
      scheme.id = *id;
    }
    if (auto name = config::RequiredString(s, at, "name", problems)) scheme.name = *name;
    if (const auto products = s.find("products"); products != s.end()) {
      if (!products->is_array()) problems->Add(Member(at, "products"), "must be an array");
      for (size_t j = 0; products->is_array() && j < products->size(); ++j) {
        const std::string pat = Index(Member(at, "products"), j);
        const Json& p = (*products)[j];
        if (!p.is_object()) {
          problems->Add(pat, "must be an object");
          continue;
        }
        config::RejectUnknownKeys(p, pat, {"law", "categories"}, problems);
        ProductRule rule;
        if (auto law = config::RequiredString(p, pat, "law", problems)) {
          if (auto parsed = ParseLaw(*law)) {
            rule.law = *parsed;
          } else {
            problems->Add(Member(pat, "law"), fmt::format("{} is not WMO, JEUGDWET or PARTICIPATIEWET", *law));
          }
        }
        const auto categories = Strings(p, pat, "categories", problems);
        for (size_t k = 0; k < categories.size(); ++k) {
          if (!IsCategory(categories[k])) {
            problems->Add(Index(Member(pat, "categories"), k),
                          fmt::format("{} is not a productcategorie (two digits, or PW)", categories[k]));
          }
          rule.categories.insert(categories[k]);
        }
        scheme.products.push_back(std::move(rule));
      }
    }
    const auto referrals = Strings(s, at, "referrals", problems);
    for (size_t k = 0; k < referrals.size(); ++k) {
      if (auto kind = ParseReceiverKind(referrals[k])) {
        scheme.referral_kinds.insert(*kind);
      } else {
        problems->Add(Index(Member(at, "referrals"), k),
                      fmt::format("{} is not a receiver kind (WORK_AND_INCOME, CARE_PROVIDER, DEBT_SERVICES, "
                                  "CONSULTATION)",
                                  referrals[k]));
      }
    }
    if (scheme.products.empty() && scheme.referral_kinds.empty() && s.find("products") == s.end() &&
        s.find("referrals") == s.end()) {
      problems->Add(at, "needs products or referrals: a scheme nothing falls under");
    }
    schemes.push_back(std::move(scheme));
  }
  return schemes;
}

int ParseThreshold(const Json& object, std::string_view path, int fallback, Problems* problems) {
  const auto it = object.find("suppression_threshold");
  if (it == object.end()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < kMinThreshold || it->get<int64_t>() > kMaxThreshold) {
    problems->Add(Member(path, "suppression_threshold"),
                  fmt::format("must be a whole number from {} to {}", kMinThreshold, kMaxThreshold));
    return fallback;
  }
  return it->get<int>();
}

}  // namespace

bool ProductRule::Matches(int product_law, const std::string& category) const {
  return product_law == law && (categories.empty() || categories.contains(category));
}

ReportConfig ReportConfig::Default() {
  ReportConfig config;
  auto wmo = [](std::set<std::string> categories) {
    return ProductRule{.law = hub::v1::LAW_WMO, .categories = std::move(categories)};
  };
  config.defaults_.schemes = {
      {.id = "JEUGD", .name = "Jeugd", .products = {{.law = hub::v1::LAW_JEUGDWET}}},
      {.id = "SCHULDHULP", .name = "Schuldhelpverlening", .referral_kinds = {hub::v1::RECEIVER_KIND_DEBT_SERVICES}},
      {.id = "WERK_EN_INKOMEN",
       .name = "Werk en inkomen",
       .products = {{.law = hub::v1::LAW_PARTICIPATIEWET}},
       .referral_kinds = {hub::v1::RECEIVER_KIND_WORK_AND_INCOME}},
      {.id = "WMO_BEGELEIDING", .name = "WMO Begeleiding", .products = {wmo({"02", "03", "04", "07"})}},
      {.id = "WMO_VOORZIENINGEN", .name = "WMO Voorzieningen", .products = {wmo({"01", "08", "11", "12", "13", "14"})}},
  };
  return config;
}

absl::StatusOr<ReportConfig> ReportConfig::FromJson(std::string_view text) {
  Problems problems;
  std::string error;
  auto parsed = config::ParseStrict(text, &problems, &error);
  if (!parsed) return absl::InvalidArgumentError(fmt::format("not valid JSON: {}", error));
  if (!problems.empty()) return problems.ToStatus();
  const Json& root = *parsed;
  if (!root.is_object()) {
    return absl::InvalidArgumentError("the report configuration must be a JSON object with \"schemes\"");
  }
  config::RejectUnknownKeys(root, "", {"suppression_threshold", "schemes", "tenants"}, &problems);
  ReportConfig out;
  out.defaults_.suppression_threshold = ParseThreshold(root, "", 5, &problems);
  if (const auto schemes = root.find("schemes"); schemes == root.end()) {
    problems.Add("schemes", "required");
  } else {
    out.defaults_.schemes = ParseSchemes(*schemes, "schemes", &problems);
  }
  if (const auto tenants = root.find("tenants"); tenants != root.end()) {
    if (!tenants->is_array()) problems.Add("tenants", "must be an array");
    for (size_t i = 0; tenants->is_array() && i < tenants->size(); ++i) {
      const std::string at = Index("tenants", i);
      const Json& t = (*tenants)[i];
      if (!t.is_object()) {
        problems.Add(at, "must be an object");
        continue;
      }
      config::RejectUnknownKeys(t, at, {"code", "suppression_threshold", "schemes"}, &problems);
      auto code = config::RequiredString(t, at, "code", &problems);
      if (!code) continue;
      if (!domain::IsValidTenant(*code)) {
        problems.Add(Member(at, "code"), fmt::format("{} is not a CBS municipality code (GM and 4 digits)", *code));
        continue;
      }
      ReportPolicy policy = out.defaults_;
      policy.suppression_threshold = ParseThreshold(t, at, out.defaults_.suppression_threshold, &problems);
      if (const auto schemes = t.find("schemes"); schemes != t.end()) {
        policy.schemes = ParseSchemes(*schemes, Member(at, "schemes"), &problems);
      }
      if (!out.tenants_.emplace(*code, std::move(policy)).second) {
        problems.Add(Member(at, "code"), fmt::format("{} is given more than once", *code));
      }
    }
  }
  if (!problems.empty()) return problems.ToStatus();
  return out;
}

absl::StatusOr<ReportConfig> ReportConfig::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot read the report configuration {}", path));
  std::stringstream text;
  text << in.rdbuf();
  auto config = FromJson(text.str());
  if (!config.ok()) {
    return absl::InvalidArgumentError(fmt::format("{}: {}", path, std::string(config.status().message())));
  }
  return config;
}

const ReportPolicy& ReportConfig::For(const std::string& tenant) const {
  const auto it = tenants_.find(tenant);
  return it == tenants_.end() ? defaults_ : it->second;
}

}  // namespace hub::audit
