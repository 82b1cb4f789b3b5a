// The organisations register: which municipalities (tenants) the hub serves and which organisations
// may call it, as what kind of organisation, for which tenants and in which roles.
//
// Authorization starts here: a caller is an organisation of this register, acting for one of its
// tenants in one of its roles (rpc/caller.h). The register is configuration, not data: it is loaded
// once at start-up from a JSON file (deploy/config/organisations.json, format in
// deploy/config/README.md) and never changes while the process runs, so every accessor is const and
// safe to call from many threads without locking.
//
// Loading is strict because a mistake here grants or withholds access: unknown keys, unknown
// kinds, malformed or unknown tenant codes, duplicate ids and missing AGB codes are all rejected
// with INVALID_ARGUMENT naming the JSON path of the offending value, e.g.
//   organisations[3].agb_code: a care provider needs an 8-digit AGB code
// and every problem in the file is reported at once, so one edit-load cycle fixes them all.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace hub::config {

// What kind of organisation a caller is (DOMAIN.md, actors). The kind decides what an organisation
// may do in principle; its roles decide as whom its users act.
enum class OrganisationKind {
  kSocialTeam,      // access: intake, triage, plan, referral (WoerdenWijzer)
  kWorkAndIncome,   // receives referrals, reports participation (FermWerk)
  kCareProvider,    // identified by AGB code; receives toewijzingen
  kDebtServices,    // schuldhulpverlening
  kDecisionOffice,  // the municipality's back office: issues beschikkingen
  kSignalGiver,     // school, GP, neighbourhood: gives signals only
  kAuditor,         // reads history, verifies integrity, reads access logs
  kOperator,        // municipal IT: metrics and health, never personal data
};

// The configuration spelling: SOCIAL_TEAM, WORK_AND_INCOME, CARE_PROVIDER, DEBT_SERVICES,
// DECISION_OFFICE, SIGNAL_GIVER, AUDITOR, OPERATOR.
std::string_view KindName(OrganisationKind kind);

// The kind spelled `name` exactly as KindName spells it (upper case), or nullopt.
std::optional<OrganisationKind> ParseOrganisationKind(std::string_view name);

// A municipality the hub serves.
struct Tenant {
  std::string code;  // CBS municipality code, e.g. GM0632
  std::string name;  // e.g. Woerden
  // The service level for answering a referral (iWmo OP274 uses 5 working days).
  int referral_answer_working_days = 5;
};

struct Organisation {
  // Stable identifier used in metadata (x-hub-organisation) and in events: lower-case letters,
  // digits and '-', at most 64 characters, e.g. "woerdenwijzer".
  std::string id;
  std::string name;
  OrganisationKind kind = OrganisationKind::kSignalGiver;
  // AGB code (Vektis), 8 digits: required for care providers, optional for others (a GP has one
  // too), empty when not given.
  std::string agb_code;
  std::vector<std::string> tenants;  // tenant codes it serves, at least one
  std::vector<std::string> roles;    // roles its users may act in, at least one
};

class Register {
 public:
  // Parses and validates a register. INVALID_ARGUMENT naming every problem with its JSON path.
  static absl::StatusOr<Register> FromJson(std::string_view text);

  // Reads `path` and parses it with FromJson; problems are prefixed with the path. NOT_FOUND when
  // the file cannot be opened.
  static absl::StatusOr<Register> LoadFile(const std::string& path);

  // The tenant with `code`, or nullptr. Points into this register object (a copy has its own).
  const Tenant* FindTenant(std::string_view code) const;

  // The organisation with `id`, or nullptr. Points into this register object (a copy has its own).
  const Organisation* FindOrganisation(std::string_view id) const;

  // True iff `organisation` acts for `tenant`.
  bool Serves(const Organisation& organisation, std::string_view tenant) const;

  // The organisations serving `tenant`, in register order; empty for an unknown tenant.
  std::vector<const Organisation*> OrganisationsOf(std::string_view tenant) const;

  const std::vector<Tenant>& tenants() const { return tenants_; }
  const std::vector<Organisation>& organisations() const { return organisations_; }

 private:
  Register() = default;

  // Indexes hold positions, not pointers, so a Register stays valid when copied or moved (it is
  // returned inside a StatusOr).
  std::vector<Tenant> tenants_;
  std::vector<Organisation> organisations_;
  std::map<std::string, size_t, std::less<>> tenant_index_;
  std::map<std::string, size_t, std::less<>> organisation_index_;
};

}  // namespace hub::config
