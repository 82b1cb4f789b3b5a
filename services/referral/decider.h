// The referral decider: which referral events a command causes for one household, and how those
// events change the household's referrals; plus the consent rule that scopes both a referral and
// the handover dossier a receiver reads. Pure: today's date, the moment consent is judged at, fresh
// ids, sealed texts, the tenant's service level and calendar, and the facts intake, plan and the
// organisations register know all arrive inside the command.
//
// States (hub.v1.ReferralStatus):
//   REQUESTED -> ACCEPTED | DECLINED | EXPIRED;  ACCEPTED -> HANDOVER_MEETING (-> HANDOVER_MEETING,
//   a reschedule) -> COMPLETED;  REQUESTED | ACCEPTED | HANDOVER_MEETING -> WITHDRAWN.
//   DECLINED, EXPIRED, COMPLETED and WITHDRAWN are final.
//
// Expiry is a fact of time: a REQUESTED referral is expired from the day after answer_due, whether
// or not ReferralExpired has been recorded yet (StatusOn). The service records it by issuing
// ExpireReferral itself (DueForExpiry says for which referrals).
//
// Rules (reason codes in parentheses; every rejection is FAILED_PRECONDITION unless marked):
//   - request: for a household intake knows (HOUSEHOLD_NOT_FOUND), about one of its members, not a
//     network person (PERSON_NOT_IN_HOUSEHOLD), with a fresh referral id (REFERRAL_EXISTS,
//     ALREADY_EXISTS); to an organisation of the tenant's register (RECEIVER_UNKNOWN) of a
//     receiving kind: work & income, care provider or debt services (RECEIVER_NOT_RECEIVING: a
//     social team, decision office, signal giver, auditor or operator cannot receive); serving
//     only goals of the household's open plan (GOAL_NOT_IN_PLAN); at most one open referral per
//     person per receiver (REFERRAL_OPEN); every requested data category covered by a live consent
//     of the person for that receiver and exactly that purpose (CONSENT_MISSING, naming the
//     categories not covered). Only a consultation may request no categories, and then needs no
//     consent. answer_due = today + the tenant's service level in working days (AddWorkingDays).
//     Who may request at all (a social team) is the service's gate on the caller's kind.
//   - accept and decline: by the receiver organisation only (NOT_THE_RECEIVER, PERMISSION_DENIED);
//     only while REQUESTED (REFERRAL_NOT_REQUESTED) and not after answer_due (REFERRAL_EXPIRED,
//     also for a recorded expiry); declined, completed or withdrawn ones are REFERRAL_CLOSED.
//     Accepting does not re-check consent: a consent withdrawn meanwhile shrinks the dossier.
//   - expire: issued by the service; records ReferralExpired for a REQUESTED referral after its
//     answer_due and decides no events in every other case (an idempotent sweep). Unknown
//     referral: REFERRAL_NOT_FOUND.
//   - schedule the handover meeting: by the sender or the receiver organisation (NOT_A_PARTY,
//     PERMISSION_DENIED); once accepted (REFERRAL_NOT_ACCEPTED), again to reschedule; the meeting
//     day not before today (INVALID_ARGUMENT meeting_on).
//   - complete the handover: by the sender or the receiver (NOT_A_PARTY, PERMISSION_DENIED); a
//     scheduled meeting (REFERRAL_NOT_ACCEPTED, HANDOVER_NOT_SCHEDULED) whose day has come
//     (HANDOVER_NOT_HELD_YET).
//   - withdraw: by the sender organisation only (NOT_THE_SENDER, PERMISSION_DENIED), with a
//     reason, while open.
//   - every command on a referral in a final state, expired included, is REFERRAL_CLOSED (accept
//     and decline say REFERRAL_EXPIRED for an expired one); an unknown referral is
//     REFERRAL_NOT_FOUND (NOT_FOUND).
// Checks run in this order: the command's own fields (INVALID_ARGUMENT, naming the field), the
// referral exists, the actor is the right party, the state, the dates. So a party that is not
// involved learns nothing about the referral's state.
//
// Consent and the handover dossier: a consent grants a category for a referral when it is of the
// referral's person, for the receiver organisation, for exactly the referral's purpose (string
// equality), not withdrawn, and valid_until lies after `now`. The dossier shows a category when
// the referral requested it AND a consent grants it now (ScopeOfDossier); it is re-evaluated at
// every read, so a withdrawal or lapse shrinks the dossier at once. Category -> dossier section
// (hub.v1.HandoverDossier):
//   CONTACT                -> contact (the referred person's name and birth date), and the names
//                             of the household members
//   HOUSEHOLD_COMPOSITION  -> household (members and network persons: relation, birth date)
//   TRIAGE                 -> triage (class, team, date, ZRM scores)
//   PLAN                   -> plan (the served goals) and history (earlier support and referrals;
//                             no vocabulary category fits better: the hub records support and
//                             referrals as part of the plan of support)
//   FINANCIAL, MEDICAL,    -> no section: the hub holds no such records. They gate items on their
//   JUDICIAL                  life domains (MayShowLifeDomain): FINANCIEN needs FINANCIAL,
//                             GEESTELIJKE_GEZONDHEID, LICHAMELIJKE_GEZONDHEID and MIDDELENGEBRUIK
//                             need MEDICAL, JUSTITIE needs JUDICIAL.
// An earlier referral appears in history only when every category it shared is shown as well
// (MayShowEarlierReferral), so the dossier never reveals that data outside consent went elsewhere.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/config/register.h"
#include "common/domain/calendar.h"
#include "common/domain/date.h"
#include "common/es/decider.h"
#include "google/protobuf/timestamp.pb.h"
#include "hub/v1/envelope.pb.h"
#include "services/referral/referral_state.pb.h"

namespace hub::referral {

// Data category codes (common/domain/vocabulary.h) as the dossier uses them.
inline constexpr std::string_view kContact = "CONTACT";
inline constexpr std::string_view kHouseholdComposition = "HOUSEHOLD_COMPOSITION";
inline constexpr std::string_view kTriage = "TRIAGE";
inline constexpr std::string_view kPlan = "PLAN";
inline constexpr std::string_view kFinancial = "FINANCIAL";
inline constexpr std::string_view kMedical = "MEDICAL";
inline constexpr std::string_view kJudicial = "JUDICIAL";

// The default service level for answering a referral, in working days (iWmo OP274).
inline constexpr int32_t kDefaultAnswerWorkingDays = 5;

// A set of data category codes, searchable by string_view.
using CategorySet = std::set<std::string, std::less<>>;

// A consent as intake recorded it (ConsentRecorded), with whether it was withdrawn since.
struct Consent {
  std::string consent_id;
  std::string person_id;
  std::string recipient_organisation_id;
  std::vector<std::string> data_categories;
  std::string purpose;
  google::protobuf::Timestamp valid_until;
  bool withdrawn = false;
};

// The Consent of an intake ConsentRecorded event, withdrawn or not.
Consent ConsentOf(const hub::v1::ConsentRecorded& recorded, bool withdrawn);

// What intake and plan know of the household, as the referral service's projections of their
// topics have it.
struct HouseholdFacts {
  struct Member {
    std::string person_id;
    std::string relation;  // "network" for a network person: known, but not a member
  };
  bool known = false;  // intake has the household (of the caller's tenant)
  std::vector<Member> members;
  // The household's open plan and the ids of its current goals; empty when there is no open plan.
  std::string open_plan_id;
  std::vector<std::string> open_plan_goal_ids;
  // Every consent recorded for the household, withdrawn and lapsed ones included: the decider
  // judges which are live.
  std::vector<Consent> consents;
};

// What the organisations register says of the receiver.
struct ReceiverFacts {
  bool known = false;  // in the register and serving the household's tenant
  config::OrganisationKind kind = config::OrganisationKind::kSignalGiver;
  std::string agb_code;  // the register's AGB code; copied into the event for a care provider
};

// Who sends the command, as far as the rules care: the organisation is the party.
struct Actor {
  std::string organisation_id;
  std::string role;
  std::string user_pseudonym;
};

// The social team refers a person. The service assigns referral_id, seals the reason with the
// person's data key and looks up the facts.
struct RequestReferral {
  std::string referral_id;
  std::string person_id;
  std::string receiver_organisation_id;
  bool consultation = false;  // a consultation without transfer (RECEIVER_KIND_CONSULTATION)
  std::string purpose;
  std::vector<std::string> data_categories;  // known codes, each once
  std::vector<std::string> goal_ids;         // each once; may be empty
  hub::v1::SealedValue reason;               // required (non-empty ciphertext)
  Actor actor;                               // the sender (a social team: the service checks the kind)
  HouseholdFacts household;
  ReceiverFacts receiver;
  // The tenant's service level (config::Tenant::referral_answer_working_days), at least 1, and the
  // tenant's working-day calendar (statutory holidays plus its closing days).
  int32_t answer_working_days = kDefaultAnswerWorkingDays;
  domain::WorkingDayCalendar calendar;
  // The moment consent is judged at, and its Dutch date (domain::DutchDate(now)).
  google::protobuf::Timestamp now;
  domain::Date today;
};

struct AcceptReferral {
  std::string referral_id;
  Actor actor;
  domain::Date today;
};

struct DeclineReferral {
  std::string referral_id;
  hub::v1::SealedValue reason;  // required
  Actor actor;
  domain::Date today;
};

// Issued by the service itself (no caller): the envelope of the event it causes carries the
// ReferralRequested event's id as causation_id.
struct ExpireReferral {
  std::string referral_id;
  domain::Date today;
};

struct ScheduleHandoverMeeting {
  std::string referral_id;
  domain::Date meeting_on;  // not before today
  Actor actor;
  domain::Date today;
};

struct CompleteHandover {
  std::string referral_id;
  Actor actor;
  domain::Date today;
};

struct WithdrawReferral {
  std::string referral_id;
  hub::v1::SealedValue reason;  // required
  Actor actor;
  domain::Date today;
};

// Decide returns the events a command causes, in order, or a rejection. An accepted decision may
// be empty: ExpireReferral decides nothing for a referral that is not (or no longer) due for
// expiry; the service then appends nothing.
struct ReferralDecider {
  using State = ReferralState;
  using Event = hub::v1::ReferralEvent;
  using Command = std::variant<RequestReferral, AcceptReferral, DeclineReferral, ExpireReferral,
                               ScheduleHandoverMeeting, CompleteHandover, WithdrawReferral>;
  static constexpr std::string_view kProducer = "referral";
  static constexpr uint32_t kSchemaVersion = 1;

  static State Initial() { return {}; }
  static es::Decision<Event> Decide(const Command& command, const State& state);
  static State Evolve(State state, const Event& event);

  static const Event* EventOf(const hub::v1::EventEnvelope& envelope) {
    return envelope.has_referral() ? &envelope.referral() : nullptr;
  }
  static void PutEvent(const Event& event, hub::v1::EventEnvelope* envelope) {
    *envelope->mutable_referral() = event;
  }
};

// ---- referrals -----------------------------------------------------------------------------

// The referral with `referral_id`, or nullptr. Points into `state`.
const Referral* FindReferral(const ReferralState& state, std::string_view referral_id);

// The status on `today`: the recorded one, except that a REQUESTED referral whose answer_due lies
// before today is EXPIRED.
hub::v1::ReferralStatus StatusOn(const Referral& referral, domain::Date today);

// REQUESTED, ACCEPTED or HANDOVER_MEETING.
bool IsOpen(hub::v1::ReferralStatus status);

// The handover is late: HANDOVER_MEETING and the meeting day lies before today. (A referral not
// answered in time is not overdue but expired.)
bool IsOverdue(const Referral& referral, domain::Date today);

// Ids of the referrals for which ExpireReferral{id, today} decides ReferralExpired: recorded
// REQUESTED with answer_due before today. In the order requested.
std::vector<std::string> DueForExpiry(const ReferralState& state, domain::Date today);

// The receiver kind a referral to an organisation of `kind` gets: CONSULTATION when
// `consultation`, else WORK_AND_INCOME, CARE_PROVIDER or DEBT_SERVICES; nullopt when that kind
// cannot receive referrals (social team, decision office, signal giver, auditor, operator), a
// consultation included.
std::optional<hub::v1::ReceiverKind> ReceiverKindOf(config::OrganisationKind kind, bool consultation);

// ---- consent -------------------------------------------------------------------------------

// Not withdrawn, and valid_until lies after `now` (a consent valid until exactly now has lapsed).
bool IsLive(const Consent& consent, const google::protobuf::Timestamp& now);

// The categories that live consents of `person_id` grant to `recipient_organisation_id` for
// exactly `purpose` at `now`: the union over every such consent. Empty when none.
CategorySet CoveredCategories(std::span<const Consent> consents, std::string_view person_id,
                              std::string_view recipient_organisation_id, std::string_view purpose,
                              const google::protobuf::Timestamp& now);

// True iff CoveredCategories(...) contains every one of `categories` (so true for none).
bool Covers(std::span<const Consent> consents, std::string_view person_id, std::string_view recipient_organisation_id,
            std::string_view purpose, std::span<const std::string> categories, const google::protobuf::Timestamp& now);

// ---- the handover dossier ------------------------------------------------------------------

// Which categories a dossier read may show, and on what basis.
struct DossierScope {
  CategorySet shown;     // requested by the referral and granted by a live consent now
  CategorySet withheld;  // requested, but not granted now (never given, withdrawn or lapsed)
  // The live consents granting at least one requested category, in the order given.
  std::vector<std::string> consent_ids;
};

// The scope of a dossier read at `now` for the referral `requested` (its person, receiver,
// purpose and categories). The same rule RequestReferral applies: at request time `withheld` is
// empty. Categories the referral did not request are never shown, whatever consent says.
DossierScope ScopeOfDossier(const hub::v1::ReferralRequested& requested, std::span<const Consent> consents,
                            const google::protobuf::Timestamp& now);

// Whether `organisation_id` may read the dossier of `referral` at all: only the receiver
// (NOT_THE_RECEIVER, PERMISSION_DENIED) of an ACCEPTED, HANDOVER_MEETING or COMPLETED referral
// (REFERRAL_NOT_ACCEPTED while REQUESTED; REFERRAL_CLOSED when declined, expired or withdrawn).
// nullopt when it may; the scope then decides what it reads.
std::optional<es::Rejection> CheckDossierReader(const Referral& referral, std::string_view organisation_id);

// The sensitive category an item on ZRM life domain `life_domain` needs besides its section's:
// FINANCIAL for FINANCIEN; MEDICAL for GEESTELIJKE_GEZONDHEID, LICHAMELIJKE_GEZONDHEID and
// MIDDELENGEBRUIK; JUDICIAL for JUSTITIE; nullopt for the other domains.
std::optional<std::string_view> SensitiveCategoryOf(std::string_view life_domain);

// An item on `life_domain` (a ZRM score, a goal, earlier support) may be shown under `shown`:
// its sensitive category, if any, is shown. The section's own category is checked separately.
bool MayShowLifeDomain(const CategorySet& shown, std::string_view life_domain);

// An earlier referral of the person may be listed in the history section under `shown`: PLAN is
// shown and so is every category `earlier` shared.
bool MayShowEarlierReferral(const CategorySet& shown, const hub::v1::ReferralRequested& earlier);

}  // namespace hub::referral

// Possible extensions: a reason code on decline (NO_CAPACITY, NOT_OUR_TARGET_GROUP, ...) for the
// "referrals by state and response time" report; a due-soon flag for the inbox (domain::Classify).
