#include "services/intake/decider.h"

#include <algorithm>
#include <set>

#include "common/domain/calendar.h"
#include "common/domain/deadline.h"
#include "common/domain/vocabulary.h"
#include "fmt/format.h"

namespace hub::intake {
namespace {

using es::Rejection;
using Event = hub::v1::IntakeEvent;

constexpr std::string_view kCloseReasons[] = {"SOLVED_IN_OWN_NETWORK", "GENERAL_PROVISION", "REFERRED",
                                              "WITHDRAWN"};

// The date `months` months from `date`, clamped to the end of a shorter month.
domain::Date AddMonths(domain::Date date, int months) {
  std::chrono::year_month_day ymd = date.ymd();
  std::chrono::year_month_day shifted = ymd + std::chrono::months(months);
  if (!shifted.ok()) {
    shifted = std::chrono::year_month_day_last(shifted.year(), std::chrono::month_day_last(shifted.month()));
  }
  return domain::Date::FromSysDays(std::chrono::sys_days(shifted));
}

using domain::AgeOn;

const Member* FindMember(const IntakeState& state, std::string_view person_id) {
  for (const auto& m : state.members()) {
    if (m.person_id() == person_id) return &m;
  }
  return nullptr;
}

const Melding* FindMelding(const IntakeState& state, std::string_view melding_id) {
  for (const auto& m : state.meldingen()) {
    if (m.melding_id() == melding_id) return &m;
  }
  return nullptr;
}

bool Exists(const IntakeState& state) { return !state.members().empty(); }

Rejection HouseholdNotFound() {
  return Rejection::NotFound("HOUSEHOLD_NOT_FOUND", "no such household");
}

es::Decision<Event> Decide(const RegisterMelding& c, const IntakeState& state) {
  if (c.new_persons.empty() && c.known_person_ids.empty()) {
    return Rejection::InvalidArgument("persons", "a melding names at least one person");
  }
  if (c.melding_id.empty()) return Rejection::InvalidArgument("melding_id", "must not be empty");
  if (FindMelding(state, c.melding_id) != nullptr) {
    return Rejection::AlreadyExists("MELDING_EXISTS", "this melding is already registered");
  }
  for (size_t i = 0; i < c.life_domains.size(); ++i) {
    if (!domain::IsLifeDomain(c.life_domains[i])) {
      return Rejection::InvalidArgument(fmt::format("life_domains[{}]", i), "unknown ZRM life domain");
    }
    if (c.from_signal_giver && domain::IsMedicalLifeDomain(c.life_domains[i])) {
      return Rejection::InvalidArgument(fmt::format("life_domains[{}]", i),
                                        "a signal giver may not pass on medical information");
    }
  }
  for (size_t i = 0; i < c.data_categories.size(); ++i) {
    if (!domain::IsDataCategory(c.data_categories[i])) {
      return Rejection::InvalidArgument(fmt::format("data_categories[{}]", i), "unknown data category");
    }
    if (c.from_signal_giver && c.data_categories[i] == domain::kMedicalCategory) {
      return Rejection::InvalidArgument(fmt::format("data_categories[{}]", i),
                                        "a signal giver may not pass on medical information");
    }
  }
  std::set<std::string> pseudonyms;
  for (size_t i = 0; i < c.new_persons.size(); ++i) {
    const NewPerson& p = c.new_persons[i];
    if (p.birth_date > c.registered_on) {
      return Rejection::InvalidArgument(fmt::format("persons[{}].birth_date", i), "lies in the future");
    }
    if (!pseudonyms.insert(p.bsn_pseudonym).second) {
      return Rejection::InvalidArgument(fmt::format("persons[{}].bsn", i), "the same person is named twice");
    }
    for (const auto& m : state.members()) {
      if (m.bsn_pseudonym() == p.bsn_pseudonym) {
        return Rejection::FailedPrecondition("PERSON_ALREADY_MEMBER", "the person already belongs to this household");
      }
    }
  }
  for (const auto& id : c.known_person_ids) {
    if (FindMember(state, id) == nullptr) {
      return Rejection::FailedPrecondition("PERSON_NOT_IN_HOUSEHOLD", "a known person is not in this household");
    }
  }

  static const domain::WorkingDayCalendar calendar;
  Event event;
  auto* e = event.mutable_melding_registered();
  e->set_melding_id(c.melding_id);
  e->set_channel(c.channel);
  e->set_source(c.source);
  for (const auto& p : c.new_persons) {
    auto* r = e->add_persons();
    r->set_person_id(p.person_id);
    r->set_bsn_pseudonym(p.bsn_pseudonym);
    r->set_birth_date(p.birth_date.ToString());
    *r->mutable_name() = p.name;
    r->set_relation(p.relation);
  }
  for (const auto& id : c.known_person_ids) e->add_known_person_ids(id);
  for (const auto& id : c.named_person_ids) e->add_named_person_ids(id);
  *e->mutable_question() = c.question;
  for (const auto& d : c.life_domains) e->add_life_domains(d);
  for (const auto& d : c.data_categories) e->add_data_categories(d);
  e->set_registered_on(c.registered_on.ToString());
  e->set_onderzoek_due(domain::LegalDeadlineWeeks(calendar, c.registered_on, kOnderzoekWeeks).ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const RecordConsent& c, const IntakeState& state) {
  if (!Exists(state)) return HouseholdNotFound();
  const auto& consent = c.consent;
  if (consent.consent_id().empty()) return Rejection::InvalidArgument("consent_id", "must not be empty");
  if (consent.recipient_organisation_id().empty()) {
    return Rejection::InvalidArgument("recipient_organisation_id", "must not be empty");
  }
  if (consent.data_categories().empty()) {
    return Rejection::InvalidArgument("data_categories", "a consent covers at least one category");
  }
  for (int i = 0; i < consent.data_categories_size(); ++i) {
    if (!domain::IsDataCategory(consent.data_categories(i))) {
      return Rejection::InvalidArgument(fmt::format("data_categories[{}]", i), "unknown data category");
    }
  }
  if (consent.purpose().empty()) return Rejection::InvalidArgument("purpose", "a consent needs a purpose");
  const auto& until = consent.valid_until();
  if (until.seconds() < c.now.seconds() || (until.seconds() == c.now.seconds() && until.nanos() <= c.now.nanos())) {
    return Rejection::InvalidArgument("valid_until", "must lie in the future");
  }
  if (FindMember(state, consent.person_id()) == nullptr) {
    return Rejection::FailedPrecondition("PERSON_NOT_IN_HOUSEHOLD", "the person is not a member of this household");
  }
  for (const auto& existing : state.consents()) {
    if (existing.recorded().consent_id() == consent.consent_id()) {
      return Rejection::AlreadyExists("CONSENT_EXISTS", "this consent is already recorded");
    }
  }
  Event event;
  *event.mutable_consent_recorded() = consent;
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const WithdrawConsent& c, const IntakeState& state) {
  if (!Exists(state)) return HouseholdNotFound();
  for (const auto& existing : state.consents()) {
    if (existing.recorded().consent_id() != c.consent_id) continue;
    if (existing.withdrawn()) return Rejection::FailedPrecondition("CONSENT_NOT_ACTIVE", "the consent was withdrawn already");
    Event event;
    event.mutable_consent_withdrawn()->set_consent_id(c.consent_id);
    event.mutable_consent_withdrawn()->set_person_id(existing.recorded().person_id());
    return std::vector<Event>{event};
  }
  return Rejection::NotFound("CONSENT_NOT_FOUND", "no consent with this id in the household");
}

es::Decision<Event> Decide(const CompleteTriage& c, const IntakeState& state) {
  if (!Exists(state)) return HouseholdNotFound();
  if (!domain::IsTriageClass(c.triage_class)) {
    return Rejection::InvalidArgument("triage_class", "must be ENKELVOUDIG, MEERVOUDIG, MULTICOMPLEX or CRISIS");
  }
  for (const auto& [domain_code, score] : c.zrm_scores) {
    const std::string field = fmt::format("zrm_scores[{}]", domain_code);
    if (!domain::IsLifeDomain(domain_code)) return Rejection::InvalidArgument(field, "unknown ZRM life domain");
    if (score < domain::kZrmMin || score > domain::kZrmMax) {
      return Rejection::InvalidArgument(field, fmt::format("score {} is outside 1-5", score));
    }
  }
  if (!c.team_override.empty() && !domain::IsTeam(c.team_override)) {
    return Rejection::InvalidArgument("team_override", "must be JEUGD, WMO or empty");
  }
  const Melding* melding = FindMelding(state, c.melding_id);
  if (melding == nullptr) return Rejection::NotFound("MELDING_NOT_FOUND", "no such melding in the household");
  if (!melding->open()) return Rejection::FailedPrecondition("MELDING_CLOSED", "the melding is closed");

  std::string derived = "WMO";
  std::vector<std::string> near_eighteen;
  for (const auto& m : state.members()) {
    auto birth = domain::Date::Parse(m.birth_date());
    if (!birth.ok()) continue;  // stored dates were validated when the member joined
    if (AgeOn(*birth, c.today) < 18) derived = "JEUGD";
    const domain::Date eighteenth = AddMonths(*birth, 18 * 12);
    if (c.today >= AddMonths(eighteenth, -6) && c.today <= AddMonths(eighteenth, 6)) {
      near_eighteen.push_back(m.person_id());
    }
  }
  Event event;
  auto* e = event.mutable_triage_completed();
  e->set_melding_id(c.melding_id);
  e->set_triage_class(c.triage_class);
  for (const auto& [d, s] : c.zrm_scores) (*e->mutable_zrm_scores())[d] = s;
  e->set_derived_team(derived);
  e->set_team(c.team_override.empty() ? derived : c.team_override);
  for (const auto& id : near_eighteen) e->add_near_eighteen_person_ids(id);
  e->set_completed_on(c.today.ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const AssignRegisseur& c, const IntakeState& state) {
  if (!Exists(state)) return HouseholdNotFound();
  if (c.organisation_id.empty()) return Rejection::InvalidArgument("organisation_id", "must not be empty");
  if (c.user_pseudonym.empty()) return Rejection::InvalidArgument("user_pseudonym", "must not be empty");
  if (!c.organisation_is_social_team) {
    return Rejection::FailedPrecondition("NOT_A_SOCIAL_TEAM",
                                         "a casusregisseur comes from a social team of the household's municipality");
  }
  if (state.regisseur().organisation_id() == c.organisation_id &&
      state.regisseur().user_pseudonym() == c.user_pseudonym) {
    return std::vector<Event>{};  // already the regisseur: nothing happens
  }
  Event event;
  event.mutable_regisseur_assigned()->set_organisation_id(c.organisation_id);
  event.mutable_regisseur_assigned()->set_user_pseudonym(c.user_pseudonym);
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const CloseMelding& c, const IntakeState& state) {
  if (!Exists(state)) return HouseholdNotFound();
  if (!IsCloseReason(c.reason)) {
    return Rejection::InvalidArgument("reason",
                                      "must be SOLVED_IN_OWN_NETWORK, GENERAL_PROVISION, REFERRED or WITHDRAWN");
  }
  const Melding* melding = FindMelding(state, c.melding_id);
  if (melding == nullptr) return Rejection::NotFound("MELDING_NOT_FOUND", "no such melding in the household");
  if (!melding->open()) return Rejection::FailedPrecondition("MELDING_CLOSED", "the melding is closed already");
  Event event;
  event.mutable_melding_closed()->set_melding_id(c.melding_id);
  event.mutable_melding_closed()->set_reason(c.reason);
  return std::vector<Event>{event};
}

}  // namespace

bool IsCloseReason(std::string_view reason) {
  return std::find(std::begin(kCloseReasons), std::end(kCloseReasons), reason) != std::end(kCloseReasons);
}

es::Decision<Event> IntakeDecider::Decide(const Command& command, const State& state) {
  return std::visit([&](const auto& c) { return intake::Decide(c, state); }, command);
}

IntakeState IntakeDecider::Evolve(State state, const Event& event) {
  switch (event.event_case()) {
    case Event::kMeldingRegistered: {
      const auto& e = event.melding_registered();
      for (const auto& p : e.persons()) {
        auto* m = state.add_members();
        m->set_person_id(p.person_id());
        m->set_bsn_pseudonym(p.bsn_pseudonym());
        m->set_birth_date(p.birth_date());
        *m->mutable_name() = p.name();
        m->set_relation(p.relation());
      }
      auto* melding = state.add_meldingen();
      melding->set_melding_id(e.melding_id());
      melding->set_open(true);
      melding->set_channel(e.channel());
      melding->set_source(e.source());
      melding->set_registered_on(e.registered_on());
      melding->set_onderzoek_due(e.onderzoek_due());
      *melding->mutable_life_domains() = e.life_domains();
      *melding->mutable_question() = e.question();
      break;
    }
    case Event::kMeldingClosed:
      for (auto& m : *state.mutable_meldingen()) {
        if (m.melding_id() == event.melding_closed().melding_id()) {
          m.set_open(false);
          m.set_close_reason(event.melding_closed().reason());
        }
      }
      break;
    case Event::kConsentRecorded:
      *state.add_consents()->mutable_recorded() = event.consent_recorded();
      break;
    case Event::kConsentWithdrawn:
      for (auto& c : *state.mutable_consents()) {
        if (c.recorded().consent_id() == event.consent_withdrawn().consent_id()) c.set_withdrawn(true);
      }
      break;
    case Event::kTriageCompleted:
      *state.mutable_latest_triage() = event.triage_completed();
      break;
    case Event::kRegisseurAssigned:
      *state.mutable_regisseur() = event.regisseur_assigned();
      break;
    case Event::EVENT_NOT_SET:
      break;  // an event from a newer schema this build does not know: nothing to fold
  }
  return state;
}

}  // namespace hub::intake
