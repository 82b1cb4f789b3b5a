#include "common/config/register.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "common/config/strict_json.h"
#include "common/domain/tenant.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace hub::config {
namespace {

constexpr std::array<std::pair<OrganisationKind, std::string_view>, 8> kKindNames{{
    {OrganisationKind::kSocialTeam, "SOCIAL_TEAM"},
    {OrganisationKind::kWorkAndIncome, "WORK_AND_INCOME"},
    {OrganisationKind::kCareProvider, "CARE_PROVIDER"},
    {OrganisationKind::kDebtServices, "DEBT_SERVICES"},
    {OrganisationKind::kDecisionOffice, "DECISION_OFFICE"},
    {OrganisationKind::kSignalGiver, "SIGNAL_GIVER"},
    {OrganisationKind::kAuditor, "AUDITOR"},
    {OrganisationKind::kOperator, "OPERATOR"},
}};

// Upper bound on the working days a tenant may give receivers to answer a referral: a quarter of
// a year. Anything longer is a typo, not a service level.
constexpr int kMaxReferralAnswerWorkingDays = 60;
constexpr size_t kMaxIdLength = 64;

bool IsId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength || id.front() == '-' || id.back() == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsRole(std::string_view role) {
  if (role.empty() || role.size() > kMaxIdLength || !(role.front() >= 'a' && role.front() <= 'z')) {
    return false;
  }
  return std::all_of(role.begin(), role.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool IsAgbCode(std::string_view code) {
  return code.size() == 8 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string KindList() {
  std::vector<std::string_view> names;
  for (const auto& [kind, name] : kKindNames) names.push_back(name);
  return fmt::format("{}", fmt::join(names, ", "));
}

// A non-empty array of distinct strings, each checked by `check` (which returns an error text or
// empty); nullopt after recording why not.
template <class Check>
std::optional<std::vector<std::string>> StringList(const Json& object, std::string_view path,
                                                   const char* key, Check check,
                                                   Problems* problems) {
  const std::string list_path = Member(path, key);
  const auto it = object.find(key);
  if (it == object.end()) {
    problems->Add(list_path, "required");
    return std::nullopt;
  }
  if (!it->is_array() || it->empty()) {
    problems->Add(list_path, "must be a non-empty array of strings");
    return std::nullopt;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& item = (*it)[i];
    if (!item.is_string()) {
      problems->Add(Index(list_path, i), "must be a string");
      ok = false;
      continue;
    }
    const std::string value = item.get<std::string>();
    if (std::string problem = check(value); !problem.empty()) {
      problems->Add(Index(list_path, i), std::move(problem));
      ok = false;
      continue;
    }
    if (std::find(values.begin(), values.end(), value) != values.end()) {
      problems->Add(Index(list_path, i), fmt::format("{} is listed twice", value));
      ok = false;
      continue;
    }
    values.push_back(value);
  }
  if (!ok) return std::nullopt;
  return values;
}

}  // namespace

std::string_view KindName(OrganisationKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "UNKNOWN";
}

std::optional<OrganisationKind> ParseOrganisationKind(std::string_view name) {
  for (const auto& [kind, kind_name] : kKindNames) {
    if (kind_name == name) return kind;
  }
  return std::nullopt;
}

absl::StatusOr<Register> Register::FromJson(std::string_view text) {
  Problems problems;
  std::string error;
  auto parsed = ParseStrict(text, &problems, &error);
  if (!parsed) return absl::InvalidArgumentError(fmt::format("not valid JSON: {}", error));
  if (!problems.empty()) return problems.ToStatus();
  const Json& root = *parsed;
  if (!root.is_object()) {
    return absl::InvalidArgumentError(
        "the register must be a JSON object with \"tenants\" and \"organisations\"");
  }
  RejectUnknownKeys(root, "", {"tenants", "organisations"}, &problems);

  Register reg;

  // Tenants first: organisations refer to them.
  const auto tenants = root.find("tenants");
  if (tenants == root.end()) {
    problems.Add("tenants", "required");
  } else if (!tenants->is_array() || tenants->empty()) {
    problems.Add("tenants", "must be a non-empty array");
  } else {
    for (size_t i = 0; i < tenants->size(); ++i) {
      const Json& entry = (*tenants)[i];
      const std::string path = Index("tenants", i);
      if (!entry.is_object()) {
        problems.Add(path, "must be an object");
        continue;
      }
      RejectUnknownKeys(entry, path, {"code", "name", "referral_answer_working_days"}, &problems);
      Tenant tenant;
      bool code_ok = false;
      if (auto code = RequiredString(entry, path, "code", &problems)) {
        if (absl::Status valid = domain::ValidateTenant(*code); !valid.ok()) {
          problems.Add(Member(path, "code"), std::string(valid.message()));
        } else if (reg.tenant_index_.contains(*code)) {
          problems.Add(Member(path, "code"), fmt::format("duplicate tenant {}", *code));
        } else {
          code_ok = true;
        }
        tenant.code = std::move(*code);
      }
      // A tenant with a good code is indexed even when another of its fields is wrong (the load
      // fails anyway), so organisations serving it are not also reported as "unknown tenant".
      if (auto name = RequiredString(entry, path, "name", &problems)) {
        tenant.name = std::move(*name);
      }
      if (const auto days = entry.find("referral_answer_working_days"); days != entry.end()) {
        if (!days->is_number_integer() || days->get<int64_t>() < 1 ||
            days->get<int64_t>() > kMaxReferralAnswerWorkingDays) {
          problems.Add(Member(path, "referral_answer_working_days"),
                       fmt::format("must be a whole number of working days from 1 to {}",
                                   kMaxReferralAnswerWorkingDays));
        } else {
          tenant.referral_answer_working_days = days->get<int>();
        }
      }
      if (!code_ok) continue;
      reg.tenant_index_.emplace(tenant.code, reg.tenants_.size());
      reg.tenants_.push_back(std::move(tenant));
    }
  }

  const auto organisations = root.find("organisations");
  if (organisations == root.end()) {
    problems.Add("organisations", "required");
  } else if (!organisations->is_array() || organisations->empty()) {
    problems.Add("organisations", "must be a non-empty array");
  } else {
    // Where each id was first seen, so a duplicate can point at its twin.
    std::map<std::string, size_t, std::less<>> first_seen;
    for (size_t i = 0; i < organisations->size(); ++i) {
      const Json& entry = (*organisations)[i];
      const std::string path = Index("organisations", i);
      if (!entry.is_object()) {
        problems.Add(path, "must be an object");
        continue;
      }
      RejectUnknownKeys(entry, path, {"id", "name", "kind", "agb_code", "tenants", "roles"},
                        &problems);
      Organisation org;
      bool ok = true;
      if (auto id = RequiredString(entry, path, "id", &problems)) {
        if (!IsId(*id)) {
          problems.Add(Member(path, "id"),
                       fmt::format("must be lower-case letters, digits and '-', at most {} "
                                   "characters, not starting or ending with '-'",
                                   kMaxIdLength));
          ok = false;
        } else if (const auto twin = first_seen.find(*id); twin != first_seen.end()) {
          problems.Add(Member(path, "id"),
                       fmt::format("duplicate organisation id {} (also organisations[{}])", *id,
                                   twin->second));
          ok = false;
        } else {
          first_seen.emplace(*id, i);
        }
        org.id = std::move(*id);
      } else {
        ok = false;
      }
      if (auto name = RequiredString(entry, path, "name", &problems)) {
        org.name = std::move(*name);
      } else {
        ok = false;
      }
      bool kind_known = false;
      if (auto kind_name = RequiredString(entry, path, "kind", &problems)) {
        if (auto kind = ParseOrganisationKind(*kind_name)) {
          org.kind = *kind;
          kind_known = true;
        } else {
          problems.Add(Member(path, "kind"),
                       fmt::format("unknown organisation kind {} (one of {})", *kind_name,
                                   KindList()));
          ok = false;
        }
      } else {
        ok = false;
      }
      if (const auto agb = entry.find("agb_code"); agb != entry.end()) {
        if (!agb->is_string() || !IsAgbCode(agb->get_ref<const std::string&>())) {
          problems.Add(Member(path, "agb_code"), "an AGB code is 8 digits");
          ok = false;
        } else {
          org.agb_code = agb->get<std::string>();
        }
      } else if (kind_known && org.kind == OrganisationKind::kCareProvider) {
        problems.Add(Member(path, "agb_code"), "a care provider needs an 8-digit AGB code");
        ok = false;
      }
      auto served = StringList(
          entry, path, "tenants",
          [&reg](const std::string& code) -> std::string {
            if (absl::Status valid = domain::ValidateTenant(code); !valid.ok()) {
              return std::string(valid.message());
            }
            if (!reg.tenant_index_.contains(code)) return fmt::format("unknown tenant {}", code);
            return "";
          },
          &problems);
      if (served) {
        org.tenants = std::move(*served);
      } else {
        ok = false;
      }
      auto roles = StringList(
          entry, path, "roles",
          [](const std::string& role) -> std::string {
            if (IsRole(role)) return "";
            return fmt::format(
                "a role is lower-case letters, digits and '_', starting with a letter, at most {} "
                "characters",
                kMaxIdLength);
          },
          &problems);
      if (roles) {
        org.roles = std::move(*roles);
      } else {
        ok = false;
      }
      if (!ok) continue;
      reg.organisation_index_.emplace(org.id, reg.organisations_.size());
      reg.organisations_.push_back(std::move(org));
    }
  }

  if (!problems.empty()) return problems.ToStatus();
  return reg;
}

absl::StatusOr<Register> Register::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("{}: cannot open the organisations register", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(fmt::format("{}: read failed", path));
  absl::StatusOr<Register> reg = FromJson(text.str());
  if (!reg.ok()) {
    return absl::Status(reg.status().code(),
                        fmt::format("{}: {}", path, std::string(reg.status().message())));
  }
  return reg;
}

const Tenant* Register::FindTenant(std::string_view code) const {
  const auto it = tenant_index_.find(code);
  return it == tenant_index_.end() ? nullptr : &tenants_[it->second];
}

const Organisation* Register::FindOrganisation(std::string_view id) const {
  const auto it = organisation_index_.find(id);
  return it == organisation_index_.end() ? nullptr : &organisations_[it->second];
}

bool Register::Serves(const Organisation& organisation, std::string_view tenant) const {
  return std::find(organisation.tenants.begin(), organisation.tenants.end(), tenant) !=
         organisation.tenants.end();
}

std::vector<const Organisation*> Register::OrganisationsOf(std::string_view tenant) const {
  std::vector<const Organisation*> result;
  for (const Organisation& org : organisations_) {
    if (Serves(org, tenant)) result.push_back(&org);
  }
  return result;
}

}  // namespace hub::config
