// The beschikking decider: which beschikking events a command causes for one household, and how
// those events change the household's aanvragen, beschikkingen, toewijzingen, provider requests and
// bezwaren. Pure: today's date, fresh ids, toewijzingnummers, sealed texts, the catalogue entries
// of the products named, register facts and what intake and plan know of the household all arrive
// inside the command. Working days count Dutch statutory holidays (domain::WorkingDayCalendar);
// legal terms in weeks are extended by the Algemene termijnenwet (domain::LegalDeadlineWeeks).
//
// Rules (reason codes in parentheses; iWmo/iJw rule codes where the standard has one):
//   - an aanvraag needs a household known to intake (HOUSEHOLD_NOT_FOUND) and a member of it
//     (PERSON_NOT_IN_HOUSEHOLD); the Jeugdwet serves persons under 23 (NOT_A_JEUGDIGE), the
//     Participatiewet persons of 18 and older (UNDER_18); the beschikking is due 2 weeks after a
//     Wmo aanvraag (Wmo 2015 art. 2.3.5) and 8 weeks after a Jeugdwet or Participatiewet one
//     (Awb 4:13), extended past weekends and holidays;
//   - decisions (beschikking, correction, 319 answer, bezwaar decision, legacy import) are taken by
//     a decision officer only (NOT_A_DECISION_OFFICER, PERMISSION_DENIED);
//   - a beschikking decides one open aanvraag (AANVRAAG_NOT_FOUND, AANVRAAG_DECIDED) or one open
//     provider request (REQUEST_NOT_FOUND, REQUEST_ANSWERED), for the person and law of it; it
//     references intake's latest triage and the household's open plan instead of redoing the
//     intake, and one on an aanvraag of the social team needs that triage (NO_TRIAGE); GRANTED and
//     PARTIAL grant at least one product, REJECTED none, every outcome is motivated; it is on time
//     when recorded by its due date; the bezwaartermijn ends 6 weeks after it (Awb 6:7, 6:8);
//   - a product line: a product of the catalogue (PRODUCT_UNKNOWN) of the decision's law
//     (PRODUCT_WRONG_LAW) in a unit the catalogue allows (UNIT_NOT_ALLOWED), volume > 0, a known
//     frequency, start <= end; ZIN names a care provider of the tenant by AGB code
//     (PROVIDER_UNKNOWN), PGB a budget for a product that allows it (PGB_NOT_ALLOWED); no eigen
//     bijdrage under the Jeugdwet (EIGEN_BIJDRAGE_NOT_ALLOWED);
//   - every ZIN line becomes a toewijzing (301) with an 8-digit toewijzingnummer not in use for the
//     tenant and law (OP275: OP275_NUMBER_IN_USE; the service allocates another and retries); no
//     two toewijzingen of the same product for the same person overlap in time (OP259:
//     OP259_OVERLAP); a change of volume or product is a new toewijzing that ends the one it
//     replaces the day before it starts (OP257: TOEWIJZING_NOT_FOUND, TOEWIJZING_ENDED,
//     REPLACEMENT_MISMATCH for another person or law, REPLACEMENT_OUTSIDE_PERIOD), with a reden
//     wijziging that ends a toewijzing (not 04, 13, 14) and the reden beëindiging it implies;
//   - a correction (reden 14, administratieve correctie) changes a toewijzing's dates under the same
//     number, retroactively if need be (OP080), keeping OP259 and the delivery reported inside the
//     period (DELIVERY_OUTSIDE_PERIOD); reden 13 (verwijderd) sets einddatum = ingangsdatum and is
//     refused once delivery started (DELIVERY_STARTED); nothing to correct is NO_CHANGE; a removed
//     toewijzing is not touched again (TOEWIJZING_REMOVED);
//   - provider messages come from the provider whose AGB code the toewijzing names
//     (NOT_THE_PROVIDER, PERMISSION_DENIED); 305: a start inside the toewijzing
//     (START_OUTSIDE_TOEWIJZING), not in the future, of delivery not running (ALREADY_STARTED) nor
//     stopped for good (DELIVERY_STOPPED), after a temporary stop not before it (START_BEFORE_STOP);
//     due 5 working days after the start (OP271), a late one is recorded as late; 307: of running
//     delivery (NOT_DELIVERING), not before its start (STOP_BEFORE_START) nor after the einddatum
//     (STOP_OUTSIDE_TOEWIJZING), with a WMO588 reason (20 is a temporary stop), due 5 working days
//     after the stop (OP272);
//   - 315: by a care provider (NOT_A_PROVIDER) for a member of the household, a catalogue product
//     of the law, a verwijzer under the Jeugdwet; 317: by the toewijzing's provider, of a toewijzing in force
//     (TOEWIJZING_ENDED), one open at a time (REQUEST_PENDING); both answered within 5 working days
//     (OP274) by a beschikking or a 319: REJECTED, or IN_ONDERZOEK which opens an aanvraag due
//     8 weeks later;
//   - a bezwaar contests a beschikking of the household (BESCHIKKING_NOT_FOUND) within its
//     bezwaartermijn (BEZWAAR_TOO_LATE, naming the last day), once (BEZWAAR_EXISTS), not one that a
//     bezwaar decision replaced (BESCHIKKING_REPLACED); the decision on it is due 6 weeks after
//     filing (Awb 7:10); it is decided once (BEZWAAR_NOT_FOUND, BEZWAAR_DECIDED): WELL_FOUNDED with
//     a new beschikking that replaces the contested one, UNFOUNDED without;
//   - a legacy indication (overgangsrecht) is imported once per reference (LEGACY_EXISTS) while its
//     own end date has not passed (INDICATION_EXPIRED), every line ending by then
//     (PRODUCT_BEYOND_INDICATION); delivery already running under the former system needs no 305;
//   - the ids the service hands out are used once (AANVRAAG_EXISTS, BESCHIKKING_EXISTS,
//     REQUEST_EXISTS, BEZWAAR_EXISTS).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/domain/calendar.h"
#include "common/domain/date.h"
#include "common/es/decider.h"
#include "hub/v1/envelope.pb.h"
#include "services/beschikking/beschikking_state.pb.h"
#include "services/beschikking/catalogue.h"

namespace hub::beschikking {

// What intake and plan know of the household, as the beschikking service's projections have it.
struct HouseholdFacts {
  struct Member {
    std::string person_id;
    domain::Date birth_date;
    std::string relation;
  };
  bool known = false;  // intake has the household (of the caller's tenant)
  std::vector<Member> members;
  // Intake's latest triage; melding id empty when there was none.
  std::string triage_melding_id;
  std::string triage_class;
  std::string triage_completed_on;
  // The household's open plan; empty when it has none.
  std::string plan_id;
};

// Who sends the command, as far as the rules care.
struct Actor {
  std::string organisation_id;
  std::string role;
  // The organisation's AGB code (register fact); empty for organisations without one.
  std::string agb_code;
};

// A product line as the service prepared it: the wire fields, the catalogue entry of its code and
// the register and index facts it needs.
struct ProductDraft {
  // category is filled from the catalogue; toewijzing_id is new for a ZIN line.
  hub::v1::GrantedProduct product;
  std::optional<CatalogueProduct> catalogue;  // nullopt: not in the catalogue
  bool provider_known = false;  // ZIN: a care provider with this AGB code serves the tenant
  // ZIN: the allocated toewijzingnummer and whether the index has it in use for tenant and law.
  std::string toewijzingnummer;
  bool number_in_use = false;
};

// The content of a beschikking, shared by IssueBeschikking, DecideBezwaar and the legacy import.
struct DecisionDraft {
  std::string beschikking_id;
  hub::v1::BeschikkingOutcome outcome = hub::v1::BESCHIKKING_OUTCOME_UNSPECIFIED;
  hub::v1::SealedValue motivation;
  std::vector<ProductDraft> products;
};

struct SubmitAanvraag {
  std::string aanvraag_id;
  std::string person_id;
  hub::v1::Law law = hub::v1::LAW_UNSPECIFIED;
  hub::v1::SealedValue requested_provision;
  HouseholdFacts household;
  domain::Date today;
};

struct IssueBeschikking {
  // Exactly one basis.
  std::string aanvraag_id;
  std::string request_id;
  DecisionDraft decision;
  HouseholdFacts household;
  Actor actor;
  domain::Date today;        // valid time: the day of the decision
  domain::Date recorded_on;  // record time: what timeliness is judged by
};

struct CorrectToewijzing {
  std::string toewijzing_id;
  domain::Date ingangsdatum;
  domain::Date einddatum;
  hub::v1::RedenWijziging reden = hub::v1::REDEN_WIJZIGING_UNSPECIFIED;
  hub::v1::SealedValue explanation;
  Actor actor;
  domain::Date today;  // valid time: when the correction takes effect (may lie in the past)
};

struct ReportStartZorg {
  std::string toewijzing_id;
  domain::Date start_date;
  Actor actor;
  domain::Date recorded_on;
};

struct ReportStopZorg {
  std::string toewijzing_id;
  domain::Date stop_date;
  hub::v1::RedenBeeindiging reason = hub::v1::REDEN_BEEINDIGING_UNSPECIFIED;
  Actor actor;
  domain::Date recorded_on;
};

// A product as a provider asks for it, with its catalogue entry.
struct RequestedProductDraft {
  hub::v1::RequestedProduct product;  // category filled from the catalogue
  std::optional<CatalogueProduct> catalogue;
};

struct RequestToewijzing {
  std::string request_id;
  std::string person_id;
  hub::v1::Law law = hub::v1::LAW_UNSPECIFIED;
  RequestedProductDraft product;
  hub::v1::Verwijzer verwijzer = hub::v1::VERWIJZER_UNSPECIFIED;
  hub::v1::SealedValue motivation;
  Actor actor;
  HouseholdFacts household;
  domain::Date recorded_on;
};

struct RequestWijziging {
  std::string request_id;
  std::string toewijzing_id;
  RequestedProductDraft product;
  hub::v1::SealedValue motivation;
  Actor actor;
  domain::Date recorded_on;
};

struct AnswerRequest {
  std::string request_id;
  hub::v1::RequestAnswer answer = hub::v1::REQUEST_ANSWER_UNSPECIFIED;
  hub::v1::SealedValue motivation;
  std::string aanvraag_id;  // new; used when the answer is IN_ONDERZOEK
  Actor actor;
  domain::Date recorded_on;
};

struct FileBezwaar {
  std::string bezwaar_id;
  std::string beschikking_id;
  hub::v1::SealedValue grounds;
  domain::Date today;  // valid time: the day the bezwaar was received
};

struct DecideBezwaar {
  std::string bezwaar_id;
  hub::v1::BezwaarDecision decision = hub::v1::BEZWAAR_DECISION_UNSPECIFIED;
  hub::v1::SealedValue motivation;
  std::optional<DecisionDraft> new_decision;  // WELL_FOUNDED only
  HouseholdFacts household;
  Actor actor;
  domain::Date today;
  domain::Date recorded_on;
};

struct ImportLegacyIndication {
  std::string legacy_reference;
  std::string person_id;
  hub::v1::Law law = hub::v1::LAW_UNSPECIFIED;
  domain::Date decided_on;
  domain::Date valid_until;
  DecisionDraft decision;  // outcome GRANTED
  HouseholdFacts household;
  Actor actor;
  domain::Date today;
};

struct BeschikkingDecider {
  using State = BeschikkingState;
  using Event = hub::v1::BeschikkingEvent;
  using Command = std::variant<SubmitAanvraag, IssueBeschikking, CorrectToewijzing, ReportStartZorg, ReportStopZorg,
                               RequestToewijzing, RequestWijziging, AnswerRequest, FileBezwaar, DecideBezwaar,
                               ImportLegacyIndication>;
  static constexpr std::string_view kProducer = "beschikking";
  static constexpr uint32_t kSchemaVersion = 1;

  static State Initial() { return {}; }
  static es::Decision<Event> Decide(const Command& command, const State& state);
  static State Evolve(State state, const Event& event);

  static const Event* EventOf(const hub::v1::EventEnvelope& envelope) {
    return envelope.has_beschikking() ? &envelope.beschikking() : nullptr;
  }
  static void PutEvent(const Event& event, hub::v1::EventEnvelope* envelope) {
    *envelope->mutable_beschikking() = event;
  }
};

// Lookups in a household's state; nullptr when absent.
const Aanvraag* FindAanvraag(const BeschikkingState& state, std::string_view aanvraag_id);
const Beschikking* FindBeschikking(const BeschikkingState& state, std::string_view beschikking_id);
const Toewijzing* FindToewijzing(const BeschikkingState& state, std::string_view toewijzing_id);
const ProviderRequest* FindRequest(const BeschikkingState& state, std::string_view request_id);
const Bezwaar* FindBezwaar(const BeschikkingState& state, std::string_view bezwaar_id);
// The person and law a provider request concerns (a 317: those of its toewijzing).
std::string RequestPerson(const BeschikkingState& state, const ProviderRequest& request);
hub::v1::Law RequestLaw(const BeschikkingState& state, const ProviderRequest& request);
std::string RequestProvider(const ProviderRequest& request);

// The legal term for a beschikking after an aanvraag under `law`, in weeks.
int DecisionTermWeeks(hub::v1::Law law);
// The calendar every deadline of this service is counted on: weekends and statutory holidays.
const domain::WorkingDayCalendar& Calendar();
// True for an 8-digit toewijzingnummer.
bool IsToewijzingnummer(std::string_view number);
// The reden beëindiging (WMO588) a reden wijziging (WMO002) implies; UNSPECIFIED when it ends
// nothing (04 verlenging, 13, 14).
hub::v1::RedenBeeindiging ImpliedStopReason(hub::v1::RedenWijziging reden);

inline constexpr int kWmoDecisionWeeks = 2;        // Wmo 2015 art. 2.3.5
inline constexpr int kAwbDecisionWeeks = 8;        // Awb 4:13 (Jeugdwet, Participatiewet, onderzoek)
inline constexpr int kBezwaarTermWeeks = 6;        // Awb 6:7
inline constexpr int kBezwaarDecisionWeeks = 6;   // Awb 7:10
inline constexpr int kMessageWorkingDays = 5;      // OP271, OP272, OP274
inline constexpr int kJeugdigeMaxAge = 23;         // Jeugdwet art. 1.1 (continued care up to 23)
inline constexpr int kAdultAge = 18;
inline constexpr char kDecisionOfficerRole[] = "decision_officer";

}  // namespace hub::beschikking
