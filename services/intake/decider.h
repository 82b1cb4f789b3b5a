// The intake decider: which intake events a command causes for one household, and how those
// events change the household. Pure: everything a rule needs (today's date, ids, pseudonyms, sealed
// names, facts from the organisations register) arrives inside the command.
//
// Rules (reason codes in parentheses):
//   - a melding needs at least one person; birth dates may not lie after the day of the melding;
//     a signal giver may not send medical data; the onderzoek is due 6 weeks after the melding
//     (Wmo 2015 art. 2.3.2), extended past weekends and holidays (Algemene termijnenwet);
//   - every other command needs an existing household (HOUSEHOLD_NOT_FOUND);
//   - consent: for a member (PERSON_NOT_IN_HOUSEHOLD), known categories, valid until a future
//     moment, an id used once (CONSENT_EXISTS); withdrawal of an active consent only
//     (CONSENT_NOT_ACTIVE);
//   - triage: of an open melding (MELDING_NOT_FOUND, MELDING_CLOSED), ZRM scores 1-5 on known
//     domains; team JEUGD when a member is under 18 on the day, else WMO, unless overridden;
//     members within six months of their 18th birthday are flagged;
//   - exactly one casusregisseur, from a social team of the tenant (NOT_A_SOCIAL_TEAM);
//     assigning the current one again changes nothing;
//   - closing an open melding with a known reason (MELDING_CLOSED).
#pragma once

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "common/domain/date.h"
#include "common/es/decider.h"
#include "hub/v1/envelope.pb.h"
#include "services/intake/intake_state.pb.h"

namespace hub::intake {

struct NewPerson {
  std::string person_id;
  std::string bsn_pseudonym;
  domain::Date birth_date;
  hub::v1::SealedValue name;
  std::string relation;
};

struct RegisterMelding {
  std::string melding_id;
  hub::v1::Channel channel = hub::v1::CHANNEL_UNSPECIFIED;
  hub::v1::SignalSource source = hub::v1::SIGNAL_SOURCE_UNSPECIFIED;
  std::vector<NewPerson> new_persons;           // not yet members of this household
  std::vector<std::string> known_person_ids;    // already members
  std::vector<std::string> named_person_ids;    // all of them, in the caller's order
  hub::v1::SealedValue question;
  std::vector<std::string> life_domains;
  std::vector<std::string> data_categories;
  bool from_signal_giver = false;               // the caller is a signal giver (register fact)
  domain::Date registered_on;
};

struct RecordConsent {
  hub::v1::ConsentRecorded consent;  // all fields; valid_until must lie after `now`
  google::protobuf::Timestamp now;
};

struct WithdrawConsent {
  std::string consent_id;
};

struct CompleteTriage {
  std::string melding_id;
  std::string triage_class;
  std::map<std::string, int32_t> zrm_scores;
  std::string team_override;  // empty: accept the derived team
  domain::Date today;
};

struct AssignRegisseur {
  std::string organisation_id;
  std::string user_pseudonym;
  bool organisation_is_social_team = false;  // of this household's tenant (register fact)
};

struct CloseMelding {
  std::string melding_id;
  std::string reason;
};

struct IntakeDecider {
  using State = IntakeState;
  using Event = hub::v1::IntakeEvent;
  using Command = std::variant<RegisterMelding, RecordConsent, WithdrawConsent, CompleteTriage,
                               AssignRegisseur, CloseMelding>;
  static constexpr std::string_view kProducer = "intake";
  static constexpr uint32_t kSchemaVersion = 1;

  static State Initial() { return {}; }
  static es::Decision<Event> Decide(const Command& command, const State& state);
  static State Evolve(State state, const Event& event);

  static const Event* EventOf(const hub::v1::EventEnvelope& envelope) {
    return envelope.has_intake() ? &envelope.intake() : nullptr;
  }
  static void PutEvent(const Event& event, hub::v1::EventEnvelope* envelope) { *envelope->mutable_intake() = event; }
};

// Valid close reasons.
bool IsCloseReason(std::string_view reason);

// Weeks the Wmo gives for the onderzoek after a melding.
inline constexpr int kOnderzoekWeeks = 6;

}  // namespace hub::intake
