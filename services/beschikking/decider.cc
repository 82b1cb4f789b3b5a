#include "services/beschikking/decider.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "common/domain/deadline.h"
#include "fmt/format.h"

namespace hub::beschikking {
namespace {

using es::Rejection;
using Event = hub::v1::BeschikkingEvent;
using domain::Date;

using Check = std::optional<Rejection>;

// Persons intake registered as the household's network: known to it, but not members of it.
constexpr std::string_view kNetworkRelation = "network";

// ---- helpers -------------------------------------------------------------------------------

using domain::AgeOn;

bool IsEmpty(const hub::v1::SealedValue& value) { return value.ciphertext().empty(); }

bool IsEightDigits(std::string_view s) {
  return s.size() == 8 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A date the decider wrote into its own events: always valid.
Date DateOf(const std::string& iso) {
  auto date = Date::Parse(iso);
  return date.ok() ? *date : Date();
}

const HouseholdFacts::Member* FindMember(const HouseholdFacts& household, std::string_view person_id) {
  for (const auto& m : household.members) {
    if (m.person_id == person_id && m.relation != kNetworkRelation) return &m;
  }
  return nullptr;
}

bool IsLaw(hub::v1::Law law) { return law != hub::v1::LAW_UNSPECIFIED && hub::v1::Law_IsValid(law); }

Check CheckDecisionOfficer(const Actor& actor) {
  if (actor.role != kDecisionOfficerRole) {
    return Rejection::PermissionDenied("NOT_A_DECISION_OFFICER",
                                       "only a decision officer of the municipality decides on maatwerk");
  }
  return std::nullopt;
}

// The household and the person the command is about: known to intake, a member.
Check CheckPerson(const HouseholdFacts& household, const std::string& person_id) {
  if (!household.known) return Rejection::FailedPrecondition("HOUSEHOLD_NOT_FOUND", "intake does not know the household");
  if (FindMember(household, person_id) == nullptr) {
    return Rejection::FailedPrecondition("PERSON_NOT_IN_HOUSEHOLD",
                                         fmt::format("person {} is not a member of the household", person_id));
  }
  return std::nullopt;
}

// 305/307/317 come from the provider the toewijzing names.
Check CheckProvider(const Actor& actor, const Toewijzing& toewijzing) {
  if (actor.agb_code.empty() || actor.agb_code != toewijzing.issued().provider_agb_code()) {
    return Rejection::PermissionDenied(
        "NOT_THE_PROVIDER",
        fmt::format("toewijzing {} is assigned to AGB code {}; only that provider reports on it or asks to change it",
                    toewijzing.issued().toewijzingnummer(), toewijzing.issued().provider_agb_code()));
  }
  return std::nullopt;
}

// A product's own fields, the fields a caller could get wrong before any rule applies.
Check CheckProductShape(const std::string& path, const std::string& product_code, int32_t volume, hub::v1::Unit unit,
                        hub::v1::Frequency frequency, const std::string& start, const std::string& end) {
  if (product_code.empty()) return Rejection::InvalidArgument(path + ".product_code", "must not be empty");
  if (volume <= 0) return Rejection::InvalidArgument(path + ".volume", "must be greater than 0");
  if (unit == hub::v1::UNIT_UNSPECIFIED || !hub::v1::Unit_IsValid(unit)) {
    return Rejection::InvalidArgument(path + ".unit", "must be MINUTE, HOUR, ETMAAL, DAGDEEL, PIECE, EURO or PIECE_EFFORT");
  }
  if (frequency == hub::v1::FREQUENCY_UNSPECIFIED || !hub::v1::Frequency_IsValid(frequency)) {
    return Rejection::InvalidArgument(path + ".frequency", "must be PER_DAY, PER_WEEK, PER_MONTH or WHOLE_PERIOD");
  }
  auto start_date = Date::Parse(start);
  if (!start_date.ok()) return Rejection::InvalidArgument(path + ".start_date", "must be a date YYYY-MM-DD");
  auto end_date = Date::Parse(end);
  if (!end_date.ok()) return Rejection::InvalidArgument(path + ".end_date", "must be a date YYYY-MM-DD");
  if (*end_date < *start_date) return Rejection::InvalidArgument(path + ".end_date", "must not lie before start_date");
  return std::nullopt;
}

// The catalogue's word on a product: known, of the law, in an allowed unit.
Check CheckCatalogue(const std::optional<CatalogueProduct>& catalogue, const std::string& product_code,
                     hub::v1::Law law, hub::v1::Unit unit) {
  if (!catalogue) {
    return Rejection::FailedPrecondition("PRODUCT_UNKNOWN",
                                         fmt::format("product {} is not in the municipality's catalogue", product_code));
  }
  if (catalogue->law != law) {
    return Rejection::FailedPrecondition("PRODUCT_WRONG_LAW",
                                         fmt::format("product {} ({}) falls under the {}, not the {}", product_code,
                                                     catalogue->name, LawName(catalogue->law), LawName(law)));
  }
  if (!catalogue->AllowsUnit(unit)) {
    return Rejection::FailedPrecondition(
        "UNIT_NOT_ALLOWED", fmt::format("product {} is not granted in unit {}", product_code, hub::v1::Unit_Name(unit)));
  }
  return std::nullopt;
}

Check CheckRequestedProduct(const RequestedProductDraft& draft, hub::v1::Law law) {
  const auto& p = draft.product;
  if (auto r = CheckProductShape("product", p.product_code(), p.volume(), p.unit(), p.frequency(), p.start_date(),
                                 p.end_date())) {
    return r;
  }
  return CheckCatalogue(draft.catalogue, p.product_code(), law, p.unit());
}

bool Overlaps(const std::string& start_a, const std::string& end_a, const std::string& start_b,
              const std::string& end_b) {
  return start_a <= end_b && start_b <= end_a;  // ISO dates order as strings
}

bool IsReplacementReason(hub::v1::RedenWijziging reden) {
  return hub::v1::RedenWijziging_IsValid(reden) && ImpliedStopReason(reden) != hub::v1::REDEN_BEEINDIGING_UNSPECIFIED;
}

// Why a beschikking is issued and what it rests on, beside its content.
struct DecisionBasis {
  hub::v1::BeschikkingOrigin origin = hub::v1::BESCHIKKING_ORIGIN_UNSPECIFIED;
  std::string aanvraag_id;
  std::string request_id;
  std::string bezwaar_id;
  std::string replaces_beschikking_id;
  std::string legacy_reference;
  std::string valid_until;
  std::string person_id;
  hub::v1::Law law = hub::v1::LAW_UNSPECIFIED;
  std::string decision_due;
  bool on_time = false;
  Date issued_on;
  Date toewijzingsdatum;
  // The reden wijziging of a replacing line that names none.
  hub::v1::RedenWijziging default_reden = hub::v1::REDEN_WIJZIGING_VERKORTING;
  bool motivation_required = true;
  bool legacy = false;
  // The path the caller's decision sits at ("decision.", "new_decision.", "").
  std::string path;
};

// The beschikking and, per ZIN line, the toewijzing it becomes (after ending the one it replaces).
es::Decision<Event> DecisionEvents(const DecisionDraft& d, const DecisionBasis& basis, const HouseholdFacts& household,
                                   const BeschikkingState& state) {
  const std::string& path = basis.path;
  if (d.beschikking_id.empty()) return Rejection::InvalidArgument("beschikking_id", "must not be empty");
  if (d.outcome == hub::v1::BESCHIKKING_OUTCOME_UNSPECIFIED || !hub::v1::BeschikkingOutcome_IsValid(d.outcome)) {
    return Rejection::InvalidArgument(path + "outcome", "must be GRANTED, PARTIAL or REJECTED");
  }
  if (basis.motivation_required && IsEmpty(d.motivation)) {
    return Rejection::InvalidArgument(path + "motivation", "every beschikking is motivated");
  }
  if (d.outcome == hub::v1::BESCHIKKING_OUTCOME_REJECTED && !d.products.empty()) {
    return Rejection::InvalidArgument(path + "products", "a rejection grants no products");
  }
  if (d.outcome != hub::v1::BESCHIKKING_OUTCOME_REJECTED && d.products.empty()) {
    return Rejection::InvalidArgument(path + "products", "a grant names at least one product");
  }
  if (FindBeschikking(state, d.beschikking_id) != nullptr) {
    return Rejection::AlreadyExists("BESCHIKKING_EXISTS", fmt::format("beschikking {} exists", d.beschikking_id));
  }

  // First pass: every line on its own, and what it replaces.
  std::map<std::string, std::string> replaced_from;  // toewijzing id -> the replacing line's start
  std::vector<hub::v1::RedenWijziging> redenen(d.products.size(), hub::v1::REDEN_WIJZIGING_UNSPECIFIED);
  for (size_t i = 0; i < d.products.size(); ++i) {
    const std::string line = fmt::format("{}products[{}]", path, i);
    const ProductDraft& draft = d.products[i];
    const auto& p = draft.product;
    if (auto r = CheckProductShape(line, p.product_code(), p.volume(), p.unit(), p.frequency(), p.start_date(),
                                   p.end_date())) {
      return *r;
    }
    if (p.eigen_bijdrage_cents() < 0) {
      return Rejection::InvalidArgument(line + ".eigen_bijdrage_cents", "must not be negative");
    }
    switch (p.form()) {
      case hub::v1::DELIVERY_FORM_ZIN:
        if (!IsEightDigits(p.provider_agb_code())) {
          return Rejection::InvalidArgument(line + ".provider_agb_code", "ZIN names the provider's 8-digit AGB code");
        }
        if (p.pgb_budget_cents() != 0) {
          return Rejection::InvalidArgument(line + ".pgb_budget_cents", "a budget belongs to a PGB line only");
        }
        if (p.toewijzing_id().empty()) return Rejection::InvalidArgument(line + ".toewijzing_id", "must not be empty");
        if (!IsToewijzingnummer(draft.toewijzingnummer)) {
          return Rejection::InvalidArgument(line + ".toewijzingnummer", "must be 8 digits");
        }
        break;
      case hub::v1::DELIVERY_FORM_PGB:
        if (!p.provider_agb_code().empty()) {
          return Rejection::InvalidArgument(line + ".provider_agb_code", "a PGB line names no provider");
        }
        if (p.pgb_budget_cents() <= 0) {
          return Rejection::InvalidArgument(line + ".pgb_budget_cents", "a PGB line needs a budget greater than 0");
        }
        if (!p.replaces_toewijzing_id().empty()) {
          return Rejection::InvalidArgument(line + ".replaces_toewijzing_id", "only a ZIN line replaces a toewijzing");
        }
        break;
      default:
        return Rejection::InvalidArgument(line + ".form", "must be ZIN or PGB");
    }
    if (auto r = CheckCatalogue(draft.catalogue, p.product_code(), basis.law, p.unit())) return *r;
    if (p.form() == hub::v1::DELIVERY_FORM_ZIN && !draft.provider_known) {
      return Rejection::FailedPrecondition(
          "PROVIDER_UNKNOWN",
          fmt::format("no care provider with AGB code {} serves the municipality", p.provider_agb_code()));
    }
    if (p.form() == hub::v1::DELIVERY_FORM_PGB && !draft.catalogue->pgb_allowed) {
      return Rejection::FailedPrecondition("PGB_NOT_ALLOWED",
                                           fmt::format("product {} is not granted as PGB", p.product_code()));
    }
    if (p.eigen_bijdrage_cents() > 0 && basis.law == hub::v1::LAW_JEUGDWET) {
      return Rejection::FailedPrecondition("EIGEN_BIJDRAGE_NOT_ALLOWED", "the Jeugdwet knows no eigen bijdrage");
    }
    if (p.replaces_toewijzing_id().empty()) {
      if (p.reden_wijziging() != hub::v1::REDEN_WIJZIGING_UNSPECIFIED &&
          p.reden_wijziging() != hub::v1::REDEN_WIJZIGING_VERLENGING) {
        return Rejection::InvalidArgument(line + ".reden_wijziging",
                                          "a line that replaces no toewijzing is new, or a verlenging (04)");
      }
      redenen[i] = p.reden_wijziging();
      continue;
    }
    // OP257: a change of volume or product is a new toewijzing that ends the old one.
    const hub::v1::RedenWijziging reden = p.reden_wijziging() == hub::v1::REDEN_WIJZIGING_UNSPECIFIED
                                              ? basis.default_reden
                                              : p.reden_wijziging();
    if (!IsReplacementReason(reden)) {
      return Rejection::InvalidArgument(line + ".reden_wijziging",
                                        "a replacement needs a reden wijziging that ends a toewijzing (not 04, 13, 14)");
    }
    redenen[i] = reden;
    const Toewijzing* old = FindToewijzing(state, p.replaces_toewijzing_id());
    if (old == nullptr) {
      return Rejection::NotFound("TOEWIJZING_NOT_FOUND",
                                 fmt::format("no toewijzing {} in the household", p.replaces_toewijzing_id()));
    }
    if (old->removed() || !old->replaced_by().empty() || replaced_from.contains(p.replaces_toewijzing_id())) {
      return Rejection::FailedPrecondition(
          "TOEWIJZING_ENDED", fmt::format("toewijzing {} was replaced or removed already", old->issued().toewijzingnummer()));
    }
    if (old->issued().person_id() != basis.person_id || old->issued().law() != basis.law) {
      return Rejection::FailedPrecondition("REPLACEMENT_MISMATCH",
                                           "a toewijzing is replaced for the same person under the same law");
    }
    if (!(old->ingangsdatum() < p.start_date() && p.start_date() <= old->einddatum())) {
      return Rejection::FailedPrecondition(
          "REPLACEMENT_OUTSIDE_PERIOD",
          fmt::format("the replacing line must start after {} and on or before {}, while toewijzing {} runs",
                      old->ingangsdatum(), old->einddatum(), old->issued().toewijzingnummer()));
    }
    replaced_from.emplace(p.replaces_toewijzing_id(), p.start_date());
  }

  // Second pass: OP275 (numbers) and OP259 (no overlap), with the replaced toewijzingen ending.
  std::set<std::string> numbers;
  for (const auto& t : state.toewijzingen()) {
    if (t.issued().law() == basis.law) numbers.insert(t.issued().toewijzingnummer());
  }
  struct Period {
    std::string product_code, start, end, label;
  };
  std::vector<Period> assigned;
  for (const auto& t : state.toewijzingen()) {
    if (t.removed() || t.issued().person_id() != basis.person_id) continue;
    std::string end = t.einddatum();
    if (auto it = replaced_from.find(t.issued().toewijzing_id()); it != replaced_from.end()) {
      end = DateOf(it->second).AddDays(-1).ToString();
    }
    assigned.push_back({t.issued().product_code(), t.ingangsdatum(), end,
                        fmt::format("toewijzing {}", t.issued().toewijzingnummer())});
  }
  for (size_t i = 0; i < d.products.size(); ++i) {
    const ProductDraft& draft = d.products[i];
    const auto& p = draft.product;
    if (p.form() != hub::v1::DELIVERY_FORM_ZIN) continue;
    if (draft.number_in_use || numbers.contains(draft.toewijzingnummer)) {
      return Rejection::FailedPrecondition(
          "OP275_NUMBER_IN_USE",
          fmt::format("toewijzingnummer {} is in use for the {} in this municipality (OP275)", draft.toewijzingnummer,
                      LawName(basis.law)));
    }
    numbers.insert(draft.toewijzingnummer);
    for (const Period& other : assigned) {
      if (other.product_code == p.product_code() && Overlaps(p.start_date(), p.end_date(), other.start, other.end)) {
        return Rejection::FailedPrecondition(
            "OP259_OVERLAP",
            fmt::format("product {} is assigned to this person from {} to {} by {}; toewijzingen of one product "
                        "do not overlap (OP259)",
                        p.product_code(), other.start, other.end, other.label));
      }
    }
    assigned.push_back({p.product_code(), p.start_date(), p.end_date(), fmt::format("products[{}]", i)});
  }

  std::vector<Event> events;
  Event decided;
  auto* e = decided.mutable_beschikking_issued();
  e->set_beschikking_id(d.beschikking_id);
  e->set_origin(basis.origin);
  e->set_aanvraag_id(basis.aanvraag_id);
  e->set_request_id(basis.request_id);
  e->set_bezwaar_id(basis.bezwaar_id);
  e->set_replaces_beschikking_id(basis.replaces_beschikking_id);
  e->set_person_id(basis.person_id);
  e->set_law(basis.law);
  e->set_outcome(d.outcome);
  if (!IsEmpty(d.motivation)) *e->mutable_motivation() = d.motivation;
  for (size_t i = 0; i < d.products.size(); ++i) {
    hub::v1::GrantedProduct* line = e->add_products();
    *line = d.products[i].product;
    line->set_category(d.products[i].catalogue->category);
    line->set_reden_wijziging(redenen[i]);
    if (line->form() != hub::v1::DELIVERY_FORM_ZIN) line->clear_toewijzing_id();
  }
  e->set_issued_on(basis.issued_on.ToString());
  e->set_bezwaar_due(domain::LegalDeadlineWeeks(Calendar(), basis.issued_on, kBezwaarTermWeeks).ToString());
  if (!basis.legacy) {
    e->set_triage_melding_id(household.triage_melding_id);
    e->set_triage_class(household.triage_class);
    e->set_triage_completed_on(household.triage_completed_on);
    e->set_plan_id(household.plan_id);
  }
  e->set_decision_due(basis.decision_due);
  e->set_on_time(basis.on_time);
  e->set_legacy_reference(basis.legacy_reference);
  e->set_valid_until(basis.valid_until);
  events.push_back(decided);

  for (size_t i = 0; i < d.products.size(); ++i) {
    const ProductDraft& draft = d.products[i];
    const hub::v1::GrantedProduct& p = e->products(static_cast<int>(i));
    if (p.form() != hub::v1::DELIVERY_FORM_ZIN) continue;
    if (!p.replaces_toewijzing_id().empty()) {
      Event ended;
      auto* end = ended.mutable_toewijzing_ended();
      end->set_toewijzing_id(p.replaces_toewijzing_id());
      end->set_einddatum(DateOf(p.start_date()).AddDays(-1).ToString());
      end->set_reden_wijziging(p.reden_wijziging());
      end->set_reden_beeindiging(ImpliedStopReason(p.reden_wijziging()));
      end->set_ended_on(basis.issued_on.ToString());
      end->set_replaced_by_toewijzing_id(p.toewijzing_id());
      events.push_back(std::move(ended));
    }
    Event issued;
    auto* t = issued.mutable_toewijzing_issued();
    t->set_toewijzing_id(p.toewijzing_id());
    t->set_toewijzingnummer(draft.toewijzingnummer);
    t->set_beschikking_id(d.beschikking_id);
    t->set_person_id(basis.person_id);
    t->set_law(basis.law);
    t->set_category(p.category());
    t->set_product_code(p.product_code());
    t->set_volume(p.volume());
    t->set_unit(p.unit());
    t->set_frequency(p.frequency());
    t->set_ingangsdatum(p.start_date());
    t->set_einddatum(p.end_date());
    t->set_provider_agb_code(p.provider_agb_code());
    t->set_toewijzingsdatum(basis.toewijzingsdatum.ToString());
    t->set_replaces_toewijzing_id(p.replaces_toewijzing_id());
    t->set_reden_wijziging(p.reden_wijziging());
    t->set_delivery_running(basis.legacy && p.start_date() < basis.toewijzingsdatum.ToString());
    events.push_back(std::move(issued));
  }
  return events;
}

// ---- decide --------------------------------------------------------------------------------

es::Decision<Event> Decide(const SubmitAanvraag& c, const BeschikkingState& state) {
  if (c.aanvraag_id.empty()) return Rejection::InvalidArgument("aanvraag_id", "must not be empty");
  if (c.person_id.empty()) return Rejection::InvalidArgument("person_id", "must not be empty");
  if (!IsLaw(c.law)) return Rejection::InvalidArgument("law", "must be WMO, JEUGDWET or PARTICIPATIEWET");
  if (IsEmpty(c.requested_provision)) {
    return Rejection::InvalidArgument("requested_provision", "say what the resident asks for");
  }
  if (auto r = CheckPerson(c.household, c.person_id)) return *r;
  const int age = AgeOn(FindMember(c.household, c.person_id)->birth_date, c.today);
  if (c.law == hub::v1::LAW_JEUGDWET && age >= kJeugdigeMaxAge) {
    return Rejection::FailedPrecondition("NOT_A_JEUGDIGE",
                                         fmt::format("the Jeugdwet serves persons under {}", kJeugdigeMaxAge));
  }
  if (c.law == hub::v1::LAW_PARTICIPATIEWET && age < kAdultAge) {
    return Rejection::FailedPrecondition("UNDER_18", "the Participatiewet serves persons of 18 and older");
  }
  if (FindAanvraag(state, c.aanvraag_id) != nullptr) {
    return Rejection::AlreadyExists("AANVRAAG_EXISTS", fmt::format("aanvraag {} exists", c.aanvraag_id));
  }
  Event event;
  auto* e = event.mutable_aanvraag_submitted();
  e->set_aanvraag_id(c.aanvraag_id);
  e->set_person_id(c.person_id);
  e->set_law(c.law);
  *e->mutable_requested_provision() = c.requested_provision;
  e->set_submitted_on(c.today.ToString());
  e->set_decision_due(domain::LegalDeadlineWeeks(Calendar(), c.today, DecisionTermWeeks(c.law)).ToString());
  e->set_origin(hub::v1::BESCHIKKING_ORIGIN_AANVRAAG);
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const IssueBeschikking& c, const BeschikkingState& state) {
  if (c.aanvraag_id.empty() == c.request_id.empty()) {
    return Rejection::InvalidArgument("aanvraag_id", "name exactly one of aanvraag_id and request_id");
  }
  if (auto r = CheckDecisionOfficer(c.actor)) return *r;
  if (!c.household.known) return Rejection::FailedPrecondition("HOUSEHOLD_NOT_FOUND", "intake does not know the household");
  DecisionBasis basis;
  basis.path = "decision.";
  basis.issued_on = c.today;
  basis.toewijzingsdatum = c.recorded_on;
  if (!c.aanvraag_id.empty()) {
    const Aanvraag* aanvraag = FindAanvraag(state, c.aanvraag_id);
    if (aanvraag == nullptr) {
      return Rejection::NotFound("AANVRAAG_NOT_FOUND", fmt::format("no aanvraag {} for the household", c.aanvraag_id));
    }
    if (!aanvraag->beschikking_id().empty()) {
      return Rejection::FailedPrecondition(
          "AANVRAAG_DECIDED", fmt::format("aanvraag {} was decided by beschikking {}", c.aanvraag_id, aanvraag->beschikking_id()));
    }
    const auto& submitted = aanvraag->submitted();
    if (submitted.origin() == hub::v1::BESCHIKKING_ORIGIN_AANVRAAG && c.household.triage_melding_id.empty()) {
      return Rejection::FailedPrecondition(
          "NO_TRIAGE", "the beschikking rests on the social team's triage, and intake has none for the household");
    }
    basis.origin = hub::v1::BESCHIKKING_ORIGIN_AANVRAAG;
    basis.aanvraag_id = c.aanvraag_id;
    basis.person_id = submitted.person_id();
    basis.law = submitted.law();
    basis.decision_due = submitted.decision_due();
  } else {
    const ProviderRequest* request = FindRequest(state, c.request_id);
    if (request == nullptr) {
      return Rejection::NotFound("REQUEST_NOT_FOUND", fmt::format("no provider request {} for the household", c.request_id));
    }
    if (request->answered()) {
      return Rejection::FailedPrecondition("REQUEST_ANSWERED", fmt::format("request {} was answered", c.request_id));
    }
    basis.origin = hub::v1::BESCHIKKING_ORIGIN_PROVIDER_REQUEST;
    basis.request_id = c.request_id;
    basis.person_id = RequestPerson(state, *request);
    basis.law = RequestLaw(state, *request);
    basis.decision_due = request->kind() == hub::v1::PROVIDER_REQUEST_KIND_TOEWIJZING
                             ? request->toewijzing().answer_due()
                             : request->wijziging().answer_due();
    if (request->kind() == hub::v1::PROVIDER_REQUEST_KIND_WIJZIGING) {
      basis.default_reden = hub::v1::REDEN_WIJZIGING_DOOR_AANBIEDER;
    }
  }
  basis.on_time = c.recorded_on.ToString() <= basis.decision_due;
  auto events = DecisionEvents(c.decision, basis, c.household, state);
  if (!events.accepted() || c.request_id.empty()) return events;
  Event answered;
  auto* a = answered.mutable_request_answered();
  a->set_request_id(c.request_id);
  a->set_beschikking_id(c.decision.beschikking_id);
  a->set_answered_on(c.recorded_on.ToString());
  a->set_on_time(basis.on_time);
  events.events().push_back(std::move(answered));
  return events;
}

es::Decision<Event> Decide(const CorrectToewijzing& c, const BeschikkingState& state) {
  if (c.toewijzing_id.empty()) return Rejection::InvalidArgument("toewijzing_id", "must not be empty");
  if (auto r = CheckDecisionOfficer(c.actor)) return *r;
  const bool remove = c.reden == hub::v1::REDEN_WIJZIGING_VERWIJDERD;
  if (!remove && c.reden != hub::v1::REDEN_WIJZIGING_ADMINISTRATIEVE_CORRECTIE) {
    return Rejection::InvalidArgument("reden_wijziging", "a correction is ADMINISTRATIEVE_CORRECTIE (14) or VERWIJDERD (13)");
  }
  if (IsEmpty(c.explanation)) return Rejection::InvalidArgument("explanation", "say what is corrected and why");
  if (!remove && c.einddatum < c.ingangsdatum) {
    return Rejection::InvalidArgument("einddatum", "must not lie before ingangsdatum");
  }
  const Toewijzing* t = FindToewijzing(state, c.toewijzing_id);
  if (t == nullptr) {
    return Rejection::NotFound("TOEWIJZING_NOT_FOUND", fmt::format("no toewijzing {} in the household", c.toewijzing_id));
  }
  if (t->removed()) {
    return Rejection::FailedPrecondition("TOEWIJZING_REMOVED",
                                         fmt::format("toewijzing {} was removed", t->issued().toewijzingnummer()));
  }
  std::string ingangsdatum = c.ingangsdatum.ToString();
  std::string einddatum = c.einddatum.ToString();
  if (remove) {
    if (!t->started_on().empty()) {
      return Rejection::FailedPrecondition(
          "DELIVERY_STARTED",
          fmt::format("the provider reported delivery from {}: toewijzing {} was not sent in error", t->started_on(),
                      t->issued().toewijzingnummer()));
    }
    // iWmo: a removed toewijzing ends on the day it starts, and is treated as never sent.
    ingangsdatum = t->ingangsdatum();
    einddatum = t->ingangsdatum();
  } else {
    if (ingangsdatum == t->ingangsdatum() && einddatum == t->einddatum()) {
      return Rejection::FailedPrecondition("NO_CHANGE", "the toewijzing has these dates already");
    }
    const std::string last_reported = std::max(t->last_start_on(), t->stopped_on());
    if (!t->started_on().empty() && (t->started_on() < ingangsdatum || last_reported > einddatum)) {
      return Rejection::FailedPrecondition(
          "DELIVERY_OUTSIDE_PERIOD",
          fmt::format("the provider reported delivery from {} to {}, outside {} - {}", t->started_on(), last_reported,
                      ingangsdatum, einddatum));
    }
    for (const auto& other : state.toewijzingen()) {
      if (other.removed() || other.issued().toewijzing_id() == c.toewijzing_id ||
          other.issued().person_id() != t->issued().person_id() ||
          other.issued().product_code() != t->issued().product_code()) {
        continue;
      }
      if (Overlaps(ingangsdatum, einddatum, other.ingangsdatum(), other.einddatum())) {
        return Rejection::FailedPrecondition(
            "OP259_OVERLAP",
            fmt::format("product {} is assigned to this person from {} to {} by toewijzing {} (OP259)",
                        other.issued().product_code(), other.ingangsdatum(), other.einddatum(),
                        other.issued().toewijzingnummer()));
      }
    }
  }
  Event event;
  auto* e = event.mutable_toewijzing_corrected();
  e->set_toewijzing_id(c.toewijzing_id);
  e->set_ingangsdatum(ingangsdatum);
  e->set_einddatum(einddatum);
  e->set_reden_wijziging(c.reden);
  e->set_effective_on(c.today.ToString());
  *e->mutable_explanation() = c.explanation;
  return std::vector<Event>{event};
}

// The toewijzing a provider message names, sent by its provider and not removed.
Check ProviderToewijzing(const std::string& toewijzing_id, const Actor& actor, const BeschikkingState& state,
                         const Toewijzing** out) {
  if (toewijzing_id.empty()) return Rejection::InvalidArgument("toewijzing_id", "must not be empty");
  const Toewijzing* t = FindToewijzing(state, toewijzing_id);
  if (t == nullptr) {
    return Rejection::NotFound("TOEWIJZING_NOT_FOUND", fmt::format("no toewijzing {} in the household", toewijzing_id));
  }
  if (auto r = CheckProvider(actor, *t)) return *r;
  if (t->removed()) {
    return Rejection::FailedPrecondition("TOEWIJZING_REMOVED",
                                         fmt::format("toewijzing {} was removed", t->issued().toewijzingnummer()));
  }
  *out = t;
  return std::nullopt;
}

es::Decision<Event> Decide(const ReportStartZorg& c, const BeschikkingState& state) {
  const Toewijzing* t = nullptr;
  if (auto r = ProviderToewijzing(c.toewijzing_id, c.actor, state, &t)) return *r;
  const std::string start = c.start_date.ToString();
  if (c.start_date > c.recorded_on) return Rejection::InvalidArgument("start_date", "must not lie in the future");
  if (start < t->ingangsdatum() || start > t->einddatum()) {
    return Rejection::FailedPrecondition(
        "START_OUTSIDE_TOEWIJZING",
        fmt::format("toewijzing {} runs from {} to {}", t->issued().toewijzingnummer(), t->ingangsdatum(), t->einddatum()));
  }
  if (t->delivering()) {
    return Rejection::FailedPrecondition("ALREADY_STARTED",
                                         fmt::format("delivery runs since {}", t->last_start_on()));
  }
  if (!t->stopped_on().empty()) {
    if (t->stop_reason() != hub::v1::REDEN_BEEINDIGING_TIJDELIJK) {
      return Rejection::FailedPrecondition("DELIVERY_STOPPED",
                                           fmt::format("delivery stopped for good on {}", t->stopped_on()));
    }
    if (start < t->stopped_on()) {
      return Rejection::FailedPrecondition("START_BEFORE_STOP",
                                           fmt::format("delivery stopped temporarily on {}", t->stopped_on()));
    }
  }
  const Date due = domain::AddWorkingDays(Calendar(), c.start_date, kMessageWorkingDays);
  Event event;
  auto* e = event.mutable_start_zorg_reported();
  e->set_toewijzing_id(c.toewijzing_id);
  e->set_start_date(start);
  e->set_reported_on(c.recorded_on.ToString());
  e->set_due_on(due.ToString());
  e->set_on_time(c.recorded_on <= due);
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const ReportStopZorg& c, const BeschikkingState& state) {
  const Toewijzing* t = nullptr;
  if (auto r = ProviderToewijzing(c.toewijzing_id, c.actor, state, &t)) return *r;
  if (c.reason == hub::v1::REDEN_BEEINDIGING_UNSPECIFIED || !hub::v1::RedenBeeindiging_IsValid(c.reason)) {
    return Rejection::InvalidArgument("reden_beeindiging", "must be a reden beëindiging (WMO588)");
  }
  const std::string stop = c.stop_date.ToString();
  if (c.stop_date > c.recorded_on) return Rejection::InvalidArgument("stop_date", "must not lie in the future");
  if (!t->delivering()) {
    return Rejection::FailedPrecondition("NOT_DELIVERING",
                                         fmt::format("no delivery runs on toewijzing {}", t->issued().toewijzingnummer()));
  }
  if (stop < t->last_start_on()) {
    return Rejection::FailedPrecondition("STOP_BEFORE_START", fmt::format("delivery started on {}", t->last_start_on()));
  }
  if (stop > t->einddatum()) {
    return Rejection::FailedPrecondition(
        "STOP_OUTSIDE_TOEWIJZING", fmt::format("toewijzing {} ends on {}", t->issued().toewijzingnummer(), t->einddatum()));
  }
  const Date due = domain::AddWorkingDays(Calendar(), c.stop_date, kMessageWorkingDays);
  Event event;
  auto* e = event.mutable_stop_zorg_reported();
  e->set_toewijzing_id(c.toewijzing_id);
  e->set_stop_date(stop);
  e->set_reden_beeindiging(c.reason);
  e->set_reported_on(c.recorded_on.ToString());
  e->set_due_on(due.ToString());
  e->set_on_time(c.recorded_on <= due);
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const RequestToewijzing& c, const BeschikkingState& state) {
  if (c.request_id.empty()) return Rejection::InvalidArgument("request_id", "must not be empty");
  if (c.person_id.empty()) return Rejection::InvalidArgument("person_id", "must not be empty");
  if (!IsLaw(c.law)) return Rejection::InvalidArgument("law", "must be WMO, JEUGDWET or PARTICIPATIEWET");
  if (c.actor.agb_code.empty()) {
    return Rejection::PermissionDenied("NOT_A_PROVIDER", "only a care provider with an AGB code asks for a toewijzing");
  }
  if (c.law == hub::v1::LAW_JEUGDWET &&
      (c.verwijzer == hub::v1::VERWIJZER_UNSPECIFIED || !hub::v1::Verwijzer_IsValid(c.verwijzer))) {
    return Rejection::InvalidArgument("verwijzer", "a Jeugdwet request names who referred the youth (COD327)");
  }
  if (auto r = CheckRequestedProduct(c.product, c.law)) return *r;
  if (auto r = CheckPerson(c.household, c.person_id)) return *r;
  if (FindRequest(state, c.request_id) != nullptr) {
    return Rejection::AlreadyExists("REQUEST_EXISTS", fmt::format("request {} exists", c.request_id));
  }
  Event event;
  auto* e = event.mutable_toewijzing_requested();
  e->set_request_id(c.request_id);
  e->set_person_id(c.person_id);
  e->set_law(c.law);
  *e->mutable_product() = c.product.product;
  e->mutable_product()->set_category(c.product.catalogue->category);
  e->set_provider_agb_code(c.actor.agb_code);
  e->set_verwijzer(c.verwijzer);
  *e->mutable_motivation() = c.motivation;
  e->set_requested_on(c.recorded_on.ToString());
  e->set_answer_due(domain::AddWorkingDays(Calendar(), c.recorded_on, kMessageWorkingDays).ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const RequestWijziging& c, const BeschikkingState& state) {
  if (c.request_id.empty()) return Rejection::InvalidArgument("request_id", "must not be empty");
  const Toewijzing* t = nullptr;
  if (auto r = ProviderToewijzing(c.toewijzing_id, c.actor, state, &t)) return *r;
  if (!t->replaced_by().empty() || t->einddatum() < c.recorded_on.ToString()) {
    return Rejection::FailedPrecondition("TOEWIJZING_ENDED",
                                         fmt::format("toewijzing {} is no longer in force", t->issued().toewijzingnummer()));
  }
  if (auto r = CheckRequestedProduct(c.product, t->issued().law())) return *r;
  for (const auto& r : state.requests()) {
    if (!r.answered() && r.kind() == hub::v1::PROVIDER_REQUEST_KIND_WIJZIGING &&
        r.wijziging().toewijzing_id() == c.toewijzing_id) {
      return Rejection::FailedPrecondition(
          "REQUEST_PENDING", fmt::format("request {} to change this toewijzing awaits an answer", r.wijziging().request_id()));
    }
  }
  if (FindRequest(state, c.request_id) != nullptr) {
    return Rejection::AlreadyExists("REQUEST_EXISTS", fmt::format("request {} exists", c.request_id));
  }
  Event event;
  auto* e = event.mutable_wijziging_requested();
  e->set_request_id(c.request_id);
  e->set_toewijzing_id(c.toewijzing_id);
  *e->mutable_product() = c.product.product;
  e->mutable_product()->set_category(c.product.catalogue->category);
  e->set_provider_agb_code(c.actor.agb_code);
  *e->mutable_motivation() = c.motivation;
  e->set_requested_on(c.recorded_on.ToString());
  e->set_answer_due(domain::AddWorkingDays(Calendar(), c.recorded_on, kMessageWorkingDays).ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const AnswerRequest& c, const BeschikkingState& state) {
  if (c.request_id.empty()) return Rejection::InvalidArgument("request_id", "must not be empty");
  if (auto r = CheckDecisionOfficer(c.actor)) return *r;
  if (c.answer != hub::v1::REQUEST_ANSWER_REJECTED && c.answer != hub::v1::REQUEST_ANSWER_IN_ONDERZOEK) {
    return Rejection::InvalidArgument("answer", "must be REJECTED or IN_ONDERZOEK; a grant is a beschikking");
  }
  if (IsEmpty(c.motivation)) return Rejection::InvalidArgument("motivation", "every answer is motivated");
  const ProviderRequest* request = FindRequest(state, c.request_id);
  if (request == nullptr) {
    return Rejection::NotFound("REQUEST_NOT_FOUND", fmt::format("no provider request {} for the household", c.request_id));
  }
  if (request->answered()) {
    return Rejection::FailedPrecondition("REQUEST_ANSWERED", fmt::format("request {} was answered", c.request_id));
  }
  const bool onderzoek = c.answer == hub::v1::REQUEST_ANSWER_IN_ONDERZOEK;
  if (onderzoek && c.aanvraag_id.empty()) return Rejection::InvalidArgument("aanvraag_id", "must not be empty");
  const std::string& due = request->kind() == hub::v1::PROVIDER_REQUEST_KIND_TOEWIJZING
                               ? request->toewijzing().answer_due()
                               : request->wijziging().answer_due();
  std::vector<Event> events;
  Event answered;
  auto* a = answered.mutable_request_answered();
  a->set_request_id(c.request_id);
  a->set_answer(c.answer);
  if (onderzoek) a->set_aanvraag_id(c.aanvraag_id);
  *a->mutable_motivation() = c.motivation;
  a->set_answered_on(c.recorded_on.ToString());
  a->set_on_time(c.recorded_on.ToString() <= due);
  events.push_back(std::move(answered));
  if (onderzoek) {
    Event opened;
    auto* e = opened.mutable_aanvraag_submitted();
    e->set_aanvraag_id(c.aanvraag_id);
    e->set_person_id(RequestPerson(state, *request));
    e->set_law(RequestLaw(state, *request));
    e->set_submitted_on(c.recorded_on.ToString());
    e->set_decision_due(domain::LegalDeadlineWeeks(Calendar(), c.recorded_on, kAwbDecisionWeeks).ToString());
    e->set_origin(hub::v1::BESCHIKKING_ORIGIN_PROVIDER_REQUEST);
    e->set_request_id(c.request_id);
    events.push_back(std::move(opened));
  }
  return events;
}

es::Decision<Event> Decide(const FileBezwaar& c, const BeschikkingState& state) {
  if (c.bezwaar_id.empty()) return Rejection::InvalidArgument("bezwaar_id", "must not be empty");
  if (c.beschikking_id.empty()) return Rejection::InvalidArgument("beschikking_id", "must not be empty");
  if (IsEmpty(c.grounds)) return Rejection::InvalidArgument("grounds", "a bezwaar states its grounds");
  const Beschikking* contested = FindBeschikking(state, c.beschikking_id);
  if (contested == nullptr) {
    return Rejection::NotFound("BESCHIKKING_NOT_FOUND",
                               fmt::format("no beschikking {} for the household", c.beschikking_id));
  }
  if (!contested->replaced_by().empty()) {
    return Rejection::FailedPrecondition(
        "BESCHIKKING_REPLACED",
        fmt::format("beschikking {} was replaced by {} after a bezwaar", c.beschikking_id, contested->replaced_by()));
  }
  const std::string& last_day = contested->issued().bezwaar_due();
  if (c.today.ToString() > last_day) {
    return Rejection::FailedPrecondition(
        "BEZWAAR_TOO_LATE", fmt::format("the bezwaartermijn of beschikking {} ended on {} (6 weeks, Awb 6:7)",
                                        c.beschikking_id, last_day));
  }
  for (const auto& b : state.bezwaren()) {
    if (b.filed().beschikking_id() == c.beschikking_id) {
      return Rejection::FailedPrecondition(
          "BEZWAAR_EXISTS",
          fmt::format("bezwaar {} contests beschikking {} already{}", b.filed().bezwaar_id(), c.beschikking_id,
                      b.decided() ? "; after its decision the next step is beroep" : ""));
    }
  }
  if (FindBezwaar(state, c.bezwaar_id) != nullptr) {
    return Rejection::AlreadyExists("BEZWAAR_EXISTS", fmt::format("bezwaar {} exists", c.bezwaar_id));
  }
  Event event;
  auto* e = event.mutable_bezwaar_filed();
  e->set_bezwaar_id(c.bezwaar_id);
  e->set_beschikking_id(c.beschikking_id);
  *e->mutable_grounds() = c.grounds;
  e->set_filed_on(c.today.ToString());
  e->set_bezwaar_due(last_day);
  e->set_decision_due(domain::LegalDeadlineWeeks(Calendar(), c.today, kBezwaarDecisionWeeks).ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const DecideBezwaar& c, const BeschikkingState& state) {
  if (c.bezwaar_id.empty()) return Rejection::InvalidArgument("bezwaar_id", "must not be empty");
  if (auto r = CheckDecisionOfficer(c.actor)) return *r;
  if (c.decision == hub::v1::BEZWAAR_DECISION_UNSPECIFIED || !hub::v1::BezwaarDecision_IsValid(c.decision)) {
    return Rejection::InvalidArgument("decision", "must be WELL_FOUNDED or UNFOUNDED");
  }
  if (IsEmpty(c.motivation)) return Rejection::InvalidArgument("motivation", "every decision on a bezwaar is motivated");
  const bool well_founded = c.decision == hub::v1::BEZWAAR_DECISION_WELL_FOUNDED;
  if (well_founded && !c.new_decision) {
    return Rejection::InvalidArgument("new_decision", "a well-founded bezwaar needs the new beschikking");
  }
  if (!well_founded && c.new_decision) {
    return Rejection::InvalidArgument("new_decision", "an unfounded bezwaar leaves the beschikking as it is");
  }
  const Bezwaar* bezwaar = FindBezwaar(state, c.bezwaar_id);
  if (bezwaar == nullptr) {
    return Rejection::NotFound("BEZWAAR_NOT_FOUND", fmt::format("no bezwaar {} for the household", c.bezwaar_id));
  }
  if (bezwaar->decided()) {
    return Rejection::FailedPrecondition("BEZWAAR_DECIDED", fmt::format("bezwaar {} was decided", c.bezwaar_id));
  }
  const bool on_time = c.recorded_on.ToString() <= bezwaar->filed().decision_due();
  Event decided;
  auto* e = decided.mutable_bezwaar_decided();
  e->set_bezwaar_id(c.bezwaar_id);
  e->set_decision(c.decision);
  *e->mutable_motivation() = c.motivation;
  e->set_decided_on(c.today.ToString());
  e->set_on_time(on_time);
  if (!well_founded) return std::vector<Event>{decided};

  const Beschikking* contested = FindBeschikking(state, bezwaar->filed().beschikking_id());
  DecisionBasis basis;
  basis.path = "new_decision.";
  basis.origin = hub::v1::BESCHIKKING_ORIGIN_BEZWAAR;
  basis.bezwaar_id = c.bezwaar_id;
  basis.replaces_beschikking_id = contested->issued().beschikking_id();
  basis.person_id = contested->issued().person_id();
  basis.law = contested->issued().law();
  basis.decision_due = bezwaar->filed().decision_due();
  basis.on_time = on_time;
  basis.issued_on = c.today;
  basis.toewijzingsdatum = c.recorded_on;
  auto events = DecisionEvents(*c.new_decision, basis, c.household, state);
  if (!events.accepted()) return events;
  e->set_new_beschikking_id(c.new_decision->beschikking_id);
  events.events().insert(events.events().begin(), std::move(decided));
  return events;
}

es::Decision<Event> Decide(const ImportLegacyIndication& c, const BeschikkingState& state) {
  if (c.legacy_reference.empty()) return Rejection::InvalidArgument("legacy_reference", "must not be empty");
  if (c.person_id.empty()) return Rejection::InvalidArgument("person_id", "must not be empty");
  if (!IsLaw(c.law)) return Rejection::InvalidArgument("law", "must be WMO, JEUGDWET or PARTICIPATIEWET");
  if (auto r = CheckDecisionOfficer(c.actor)) return *r;
  if (c.decided_on > c.today) return Rejection::InvalidArgument("decided_on", "must not lie in the future");
  if (c.valid_until < c.decided_on) return Rejection::InvalidArgument("valid_until", "must not lie before decided_on");
  if (c.decision.outcome != hub::v1::BESCHIKKING_OUTCOME_GRANTED) {
    return Rejection::InvalidArgument("outcome", "an indication carried over grants its products");
  }
  if (auto r = CheckPerson(c.household, c.person_id)) return *r;
  for (const auto& b : state.beschikkingen()) {
    if (b.issued().legacy_reference() == c.legacy_reference) {
      return Rejection::AlreadyExists(
          "LEGACY_EXISTS", fmt::format("indication {} was imported as beschikking {}", c.legacy_reference,
                                       b.issued().beschikking_id()));
    }
  }
  if (c.valid_until < c.today) {
    return Rejection::FailedPrecondition(
        "INDICATION_EXPIRED",
        fmt::format("indication {} ended on {}: overgangsrecht carries over only indications still valid",
                    c.legacy_reference, c.valid_until.ToString()));
  }
  for (size_t i = 0; i < c.decision.products.size(); ++i) {
    if (c.decision.products[i].product.end_date() > c.valid_until.ToString()) {
      return Rejection::FailedPrecondition(
          "PRODUCT_BEYOND_INDICATION",
          fmt::format("products[{}] ends after the indication's own end date {}", i, c.valid_until.ToString()));
    }
  }
  DecisionBasis basis;
  basis.path = "";
  basis.origin = hub::v1::BESCHIKKING_ORIGIN_LEGACY;
  basis.legacy_reference = c.legacy_reference;
  basis.valid_until = c.valid_until.ToString();
  basis.person_id = c.person_id;
  basis.law = c.law;
  basis.issued_on = c.decided_on;
  basis.toewijzingsdatum = c.today;
  basis.motivation_required = false;
  basis.legacy = true;
  return DecisionEvents(c.decision, basis, c.household, state);
}

// ---- evolve --------------------------------------------------------------------------------

template <class T, class Pred>
T* FindMutable(google::protobuf::RepeatedPtrField<T>* items, Pred pred) {
  for (auto& item : *items) {
    if (pred(item)) return &item;
  }
  return nullptr;
}

Toewijzing* MutableToewijzing(BeschikkingState& state, std::string_view id) {
  return FindMutable(state.mutable_toewijzingen(), [&](const Toewijzing& t) { return t.issued().toewijzing_id() == id; });
}

ProviderRequest* MutableRequest(BeschikkingState& state, std::string_view id) {
  return FindMutable(state.mutable_requests(), [&](const ProviderRequest& r) {
    return r.toewijzing().request_id() == id || r.wijziging().request_id() == id;
  });
}

}  // namespace

const Aanvraag* FindAanvraag(const BeschikkingState& state, std::string_view aanvraag_id) {
  for (const auto& a : state.aanvragen()) {
    if (a.submitted().aanvraag_id() == aanvraag_id) return &a;
  }
  return nullptr;
}

const Beschikking* FindBeschikking(const BeschikkingState& state, std::string_view beschikking_id) {
  for (const auto& b : state.beschikkingen()) {
    if (b.issued().beschikking_id() == beschikking_id) return &b;
  }
  return nullptr;
}

const Toewijzing* FindToewijzing(const BeschikkingState& state, std::string_view toewijzing_id) {
  for (const auto& t : state.toewijzingen()) {
    if (t.issued().toewijzing_id() == toewijzing_id) return &t;
  }
  return nullptr;
}

const ProviderRequest* FindRequest(const BeschikkingState& state, std::string_view request_id) {
  for (const auto& r : state.requests()) {
    if (r.toewijzing().request_id() == request_id || r.wijziging().request_id() == request_id) return &r;
  }
  return nullptr;
}

const Bezwaar* FindBezwaar(const BeschikkingState& state, std::string_view bezwaar_id) {
  for (const auto& b : state.bezwaren()) {
    if (b.filed().bezwaar_id() == bezwaar_id) return &b;
  }
  return nullptr;
}

std::string RequestPerson(const BeschikkingState& state, const ProviderRequest& request) {
  if (request.kind() == hub::v1::PROVIDER_REQUEST_KIND_TOEWIJZING) return request.toewijzing().person_id();
  const Toewijzing* t = FindToewijzing(state, request.wijziging().toewijzing_id());
  return t == nullptr ? std::string() : t->issued().person_id();
}

hub::v1::Law RequestLaw(const BeschikkingState& state, const ProviderRequest& request) {
  if (request.kind() == hub::v1::PROVIDER_REQUEST_KIND_TOEWIJZING) return request.toewijzing().law();
  const Toewijzing* t = FindToewijzing(state, request.wijziging().toewijzing_id());
  return t == nullptr ? hub::v1::LAW_UNSPECIFIED : t->issued().law();
}

std::string RequestProvider(const ProviderRequest& request) {
  return request.kind() == hub::v1::PROVIDER_REQUEST_KIND_TOEWIJZING ? request.toewijzing().provider_agb_code()
                                                                      : request.wijziging().provider_agb_code();
}

int DecisionTermWeeks(hub::v1::Law law) { return law == hub::v1::LAW_WMO ? kWmoDecisionWeeks : kAwbDecisionWeeks; }

const domain::WorkingDayCalendar& Calendar() {
  static const domain::WorkingDayCalendar calendar;
  return calendar;
}

bool IsToewijzingnummer(std::string_view number) { return IsEightDigits(number); }

hub::v1::RedenBeeindiging ImpliedStopReason(hub::v1::RedenWijziging reden) {
  switch (reden) {
    case hub::v1::REDEN_WIJZIGING_CLIENT_OVERLEDEN: return hub::v1::REDEN_BEEINDIGING_OVERLIJDEN;
    case hub::v1::REDEN_WIJZIGING_CONTRACTWIJZIGING:
    case hub::v1::REDEN_WIJZIGING_VERKORTING:
    case hub::v1::REDEN_WIJZIGING_WIJZIGING_LEVERINGSVORM:
    case hub::v1::REDEN_WIJZIGING_NIEUWE_BEKOSTIGING:
    case hub::v1::REDEN_WIJZIGING_GEMEENTELIJKE_HERINDELING: return hub::v1::REDEN_BEEINDIGING_DOOR_GEMEENTE;
    case hub::v1::REDEN_WIJZIGING_UITSTROOM_ANDER_DOMEIN: return hub::v1::REDEN_BEEINDIGING_UITSTROOM_ANDER_DOMEIN;
    case hub::v1::REDEN_WIJZIGING_VERHUIZING: return hub::v1::REDEN_BEEINDIGING_VERHUIZING;
    case hub::v1::REDEN_WIJZIGING_OVERSTAP_AANBIEDER: return hub::v1::REDEN_BEEINDIGING_OVERSTAP_AANBIEDER;
    case hub::v1::REDEN_WIJZIGING_DOOR_AANBIEDER: return hub::v1::REDEN_BEEINDIGING_WIJZIGINGSVERZOEK;
    default: return hub::v1::REDEN_BEEINDIGING_UNSPECIFIED;
  }
}

es::Decision<BeschikkingDecider::Event> BeschikkingDecider::Decide(const Command& command, const State& state) {
  return std::visit([&](const auto& c) { return beschikking::Decide(c, state); }, command);
}

BeschikkingState BeschikkingDecider::Evolve(State state, const Event& event) {
  switch (event.event_case()) {
    case Event::kAanvraagSubmitted:
      *state.add_aanvragen()->mutable_submitted() = event.aanvraag_submitted();
      break;
    case Event::kBeschikkingIssued: {
      const auto& e = event.beschikking_issued();
      *state.add_beschikkingen()->mutable_issued() = e;
      for (auto& a : *state.mutable_aanvragen()) {
        if (!e.aanvraag_id().empty() && a.submitted().aanvraag_id() == e.aanvraag_id()) a.set_beschikking_id(e.beschikking_id());
      }
      for (auto& b : *state.mutable_beschikkingen()) {
        if (!e.replaces_beschikking_id().empty() && b.issued().beschikking_id() == e.replaces_beschikking_id()) {
          b.set_replaced_by(e.beschikking_id());
        }
      }
      break;
    }
    case Event::kToewijzingIssued: {
      const auto& e = event.toewijzing_issued();
      Toewijzing* t = state.add_toewijzingen();
      *t->mutable_issued() = e;
      t->set_ingangsdatum(e.ingangsdatum());
      t->set_einddatum(e.einddatum());
      t->set_version(1);
      if (e.delivery_running()) {
        t->set_started_on(e.ingangsdatum());
        t->set_last_start_on(e.ingangsdatum());
        t->set_delivering(true);
      }
      break;
    }
    case Event::kToewijzingEnded:
      if (Toewijzing* t = MutableToewijzing(state, event.toewijzing_ended().toewijzing_id())) {
        t->set_einddatum(event.toewijzing_ended().einddatum());
        t->set_replaced_by(event.toewijzing_ended().replaced_by_toewijzing_id());
        t->set_version(t->version() + 1);
      }
      break;
    case Event::kToewijzingCorrected:
      if (Toewijzing* t = MutableToewijzing(state, event.toewijzing_corrected().toewijzing_id())) {
        const auto& e = event.toewijzing_corrected();
        t->set_ingangsdatum(e.ingangsdatum());
        t->set_einddatum(e.einddatum());
        t->set_removed(e.reden_wijziging() == hub::v1::REDEN_WIJZIGING_VERWIJDERD);
        t->set_version(t->version() + 1);
      }
      break;
    case Event::kStartZorgReported:
      if (Toewijzing* t = MutableToewijzing(state, event.start_zorg_reported().toewijzing_id())) {
        const auto& e = event.start_zorg_reported();
        if (t->started_on().empty()) {
          t->set_started_on(e.start_date());
          t->set_start_late(!e.on_time());
        }
        t->set_last_start_on(e.start_date());
        t->set_delivering(true);
      }
      break;
    case Event::kStopZorgReported:
      if (Toewijzing* t = MutableToewijzing(state, event.stop_zorg_reported().toewijzing_id())) {
        t->set_delivering(false);
        t->set_stopped_on(event.stop_zorg_reported().stop_date());
        t->set_stop_reason(event.stop_zorg_reported().reden_beeindiging());
      }
      break;
    case Event::kToewijzingRequested: {
      ProviderRequest* r = state.add_requests();
      r->set_kind(hub::v1::PROVIDER_REQUEST_KIND_TOEWIJZING);
      *r->mutable_toewijzing() = event.toewijzing_requested();
      break;
    }
    case Event::kWijzigingRequested: {
      ProviderRequest* r = state.add_requests();
      r->set_kind(hub::v1::PROVIDER_REQUEST_KIND_WIJZIGING);
      *r->mutable_wijziging() = event.wijziging_requested();
      break;
    }
    case Event::kRequestAnswered:
      if (ProviderRequest* r = MutableRequest(state, event.request_answered().request_id())) {
        r->set_answered(true);
        *r->mutable_answer() = event.request_answered();
      }
      break;
    case Event::kBezwaarFiled:
      *state.add_bezwaren()->mutable_filed() = event.bezwaar_filed();
      break;
    case Event::kBezwaarDecided:
      for (auto& b : *state.mutable_bezwaren()) {
        if (b.filed().bezwaar_id() == event.bezwaar_decided().bezwaar_id()) {
          b.set_decided(true);
          *b.mutable_decision() = event.bezwaar_decided();
        }
      }
      break;
    case Event::EVENT_NOT_SET:
      break;  // an event from a newer schema this build does not know: nothing to fold
  }
  return state;
}

}  // namespace hub::beschikking
