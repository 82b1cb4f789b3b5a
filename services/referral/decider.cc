#include "services/referral/decider.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "common/domain/deadline.h"
#include "common/domain/vocabulary.h"
#include "fmt/format.h"

namespace hub::referral {
namespace {

using es::Rejection;
using Event = hub::v1::ReferralEvent;
using domain::Date;
using hub::v1::ReferralStatus;

using Check = std::optional<Rejection>;

// Persons intake registered as the household's network: known to it, but not members of it.
constexpr std::string_view kNetworkRelation = "network";

// ---- helpers -------------------------------------------------------------------------------

bool IsEmpty(const hub::v1::SealedValue& value) { return value.ciphertext().empty(); }

bool After(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() > b.seconds() || (a.seconds() == b.seconds() && a.nanos() > b.nanos());
}

template <class Range>
bool ContainsString(const Range& range, std::string_view value) {
  return std::find(std::begin(range), std::end(range), value) != std::end(range);
}

// A date the decider itself wrote into an event; an unparsable one (never written) counts as the
// earliest day, which makes nothing late and nothing held.
Date DateOf(const std::string& iso) {
  auto parsed = Date::Parse(iso);
  return parsed.ok() ? *parsed : Date();
}

bool IsFinal(ReferralStatus status) {
  return status == hub::v1::REFERRAL_STATUS_DECLINED || status == hub::v1::REFERRAL_STATUS_EXPIRED ||
         status == hub::v1::REFERRAL_STATUS_COMPLETED || status == hub::v1::REFERRAL_STATUS_WITHDRAWN;
}

std::string_view StatusWord(ReferralStatus status) {
  switch (status) {
    case hub::v1::REFERRAL_STATUS_REQUESTED: return "requested";
    case hub::v1::REFERRAL_STATUS_ACCEPTED: return "accepted";
    case hub::v1::REFERRAL_STATUS_DECLINED: return "declined";
    case hub::v1::REFERRAL_STATUS_EXPIRED: return "expired";
    case hub::v1::REFERRAL_STATUS_HANDOVER_MEETING: return "in handover";
    case hub::v1::REFERRAL_STATUS_COMPLETED: return "completed";
    case hub::v1::REFERRAL_STATUS_WITHDRAWN: return "withdrawn";
    default: return "unknown";
  }
}

// A consent of `person_id` for `recipient` and exactly `purpose`, live at `now`.
bool Grants(const Consent& consent, std::string_view person_id, std::string_view recipient, std::string_view purpose,
            const google::protobuf::Timestamp& now) {
  return consent.person_id == person_id && consent.recipient_organisation_id == recipient &&
         consent.purpose == purpose && IsLive(consent, now);
}

Check CheckReferralId(const std::string& referral_id) {
  if (referral_id.empty()) return Rejection::InvalidArgument("referral_id", "must not be empty");
  return std::nullopt;
}

Check CheckFound(const Referral* referral, const std::string& referral_id) {
  if (referral == nullptr) {
    return Rejection::NotFound("REFERRAL_NOT_FOUND", fmt::format("no referral {} in the household", referral_id));
  }
  return std::nullopt;
}

bool IsReceiver(const Actor& actor, const Referral& referral) {
  return actor.organisation_id == referral.requested().receiver_organisation_id();
}

bool IsSender(const Actor& actor, const Referral& referral) {
  return actor.organisation_id == referral.requested().sender_organisation_id();
}

Check CheckReceiver(const Actor& actor, const Referral& referral) {
  if (!IsReceiver(actor, referral)) {
    return Rejection::PermissionDenied(
        "NOT_THE_RECEIVER",
        fmt::format("only {}, the receiver of referral {}, may do this", referral.requested().receiver_organisation_id(),
                    referral.requested().referral_id()));
  }
  return std::nullopt;
}

Check CheckParty(const Actor& actor, const Referral& referral) {
  if (!IsSender(actor, referral) && !IsReceiver(actor, referral)) {
    return Rejection::PermissionDenied(
        "NOT_A_PARTY", fmt::format("only the sender or the receiver of referral {} may do this",
                                   referral.requested().referral_id()));
  }
  return std::nullopt;
}

Check CheckNotClosed(const Referral& referral, Date today) {
  const ReferralStatus status = StatusOn(referral, today);
  if (IsFinal(status)) {
    return Rejection::FailedPrecondition(
        "REFERRAL_CLOSED", fmt::format("referral {} is {}", referral.requested().referral_id(), StatusWord(status)));
  }
  return std::nullopt;
}

// Accept and decline: an answer to a REQUESTED referral, on or before answer_due.
Check CheckAnswerable(const Referral& referral, Date today) {
  const std::string& id = referral.requested().referral_id();
  const ReferralStatus status = StatusOn(referral, today);
  if (status == hub::v1::REFERRAL_STATUS_EXPIRED) {
    return Rejection::FailedPrecondition(
        "REFERRAL_EXPIRED",
        fmt::format("referral {} was to be answered by {}", id, referral.requested().answer_due()));
  }
  if (auto r = CheckNotClosed(referral, today)) return r;
  if (status != hub::v1::REFERRAL_STATUS_REQUESTED) {
    return Rejection::FailedPrecondition("REFERRAL_NOT_REQUESTED",
                                         fmt::format("referral {} was answered already ({})", id, StatusWord(status)));
  }
  return std::nullopt;
}

Check CheckAccepted(const Referral& referral, Date today) {
  if (auto r = CheckNotClosed(referral, today)) return r;
  if (StatusOn(referral, today) == hub::v1::REFERRAL_STATUS_REQUESTED) {
    return Rejection::FailedPrecondition(
        "REFERRAL_NOT_ACCEPTED", fmt::format("referral {} has not been accepted", referral.requested().referral_id()));
  }
  return std::nullopt;
}

std::string JoinCategories(const std::vector<std::string>& categories) {
  std::string joined;
  for (const auto& c : categories) {
    if (!joined.empty()) joined += ", ";
    joined += c;
  }
  return joined;
}

// ---- decide --------------------------------------------------------------------------------

Check ValidateRequest(const RequestReferral& c) {
  if (auto r = CheckReferralId(c.referral_id)) return r;
  if (c.person_id.empty()) return Rejection::InvalidArgument("person_id", "must not be empty");
  if (c.receiver_organisation_id.empty()) {
    return Rejection::InvalidArgument("receiver_organisation_id", "must not be empty");
  }
  if (c.actor.organisation_id.empty()) {
    return Rejection::InvalidArgument("actor.organisation_id", "the sending organisation must be known");
  }
  if (c.purpose.empty()) return Rejection::InvalidArgument("purpose", "a referral needs a purpose");
  if (IsEmpty(c.reason)) return Rejection::InvalidArgument("reason", "say why the person is referred");
  for (size_t i = 0; i < c.data_categories.size(); ++i) {
    const auto& category = c.data_categories[i];
    if (!domain::IsDataCategory(category)) {
      return Rejection::InvalidArgument(fmt::format("data_categories[{}]", i), "unknown data category");
    }
    if (std::find(c.data_categories.begin(), c.data_categories.begin() + static_cast<std::ptrdiff_t>(i), category) !=
        c.data_categories.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Rejection::InvalidArgument(fmt::format("data_categories[{}]", i), "category listed twice");
    }
  }
  if (c.data_categories.empty() && !c.consultation) {
    return Rejection::InvalidArgument("data_categories",
                                      "a referral shares at least one category; only a consultation may share none");
  }
  for (size_t i = 0; i < c.goal_ids.size(); ++i) {
    const auto& goal = c.goal_ids[i];
    if (goal.empty()) return Rejection::InvalidArgument(fmt::format("goal_ids[{}]", i), "must not be empty");
    if (std::find(c.goal_ids.begin(), c.goal_ids.begin() + static_cast<std::ptrdiff_t>(i), goal) !=
        c.goal_ids.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Rejection::InvalidArgument(fmt::format("goal_ids[{}]", i), "goal listed twice");
    }
  }
  if (c.answer_working_days < 1) {
    return Rejection::InvalidArgument("answer_working_days", "the service level is at least one working day");
  }
  return std::nullopt;
}

es::Decision<Event> Decide(const RequestReferral& c, const ReferralState& state) {
  if (auto r = ValidateRequest(c)) return *r;
  const HouseholdFacts& household = c.household;
  if (!household.known) return Rejection::FailedPrecondition("HOUSEHOLD_NOT_FOUND", "intake does not know the household");
  const bool member = std::any_of(household.members.begin(), household.members.end(), [&](const auto& m) {
    return m.person_id == c.person_id && m.relation != kNetworkRelation;
  });
  if (!member) {
    return Rejection::FailedPrecondition("PERSON_NOT_IN_HOUSEHOLD",
                                         fmt::format("person {} is not a member of the household", c.person_id));
  }
  if (FindReferral(state, c.referral_id) != nullptr) {
    return Rejection::AlreadyExists("REFERRAL_EXISTS", fmt::format("referral {} exists already", c.referral_id));
  }
  if (!c.receiver.known) {
    return Rejection::FailedPrecondition(
        "RECEIVER_UNKNOWN",
        fmt::format("organisation {} does not serve the household's municipality", c.receiver_organisation_id));
  }
  const auto receiver_kind = ReceiverKindOf(c.receiver.kind, c.consultation);
  if (!receiver_kind) {
    return Rejection::FailedPrecondition(
        "RECEIVER_NOT_RECEIVING",
        fmt::format("organisation {} is a {} and does not receive referrals", c.receiver_organisation_id,
                    config::KindName(c.receiver.kind)));
  }
  for (const auto& goal : c.goal_ids) {
    if (!ContainsString(household.open_plan_goal_ids, goal)) {
      return Rejection::FailedPrecondition("GOAL_NOT_IN_PLAN",
                                           fmt::format("goal {} is not a goal of the household's open plan", goal));
    }
  }
  for (const auto& existing : state.referrals()) {
    if (existing.requested().person_id() == c.person_id &&
        existing.requested().receiver_organisation_id() == c.receiver_organisation_id &&
        IsOpen(StatusOn(existing, c.today))) {
      return Rejection::FailedPrecondition(
          "REFERRAL_OPEN", fmt::format("referral {} of person {} to {} is still open", existing.requested().referral_id(),
                                       c.person_id, c.receiver_organisation_id));
    }
  }
  const CategorySet covered =
      CoveredCategories(household.consents, c.person_id, c.receiver_organisation_id, c.purpose, c.now);
  std::vector<std::string> missing;
  for (const auto& category : c.data_categories) {
    if (!covered.contains(category)) missing.push_back(category);
  }
  if (!missing.empty()) {
    return Rejection::FailedPrecondition(
        "CONSENT_MISSING", fmt::format("no live consent of person {} for {}, purpose '{}', covers {}", c.person_id,
                                       c.receiver_organisation_id, c.purpose, JoinCategories(missing)));
  }

  Event event;
  auto* e = event.mutable_referral_requested();
  e->set_referral_id(c.referral_id);
  e->set_person_id(c.person_id);
  e->set_sender_organisation_id(c.actor.organisation_id);
  e->set_receiver_organisation_id(c.receiver_organisation_id);
  e->set_receiver_kind(*receiver_kind);
  if (c.receiver.kind == config::OrganisationKind::kCareProvider) e->set_receiver_agb_code(c.receiver.agb_code);
  e->set_purpose(c.purpose);
  for (const auto& category : c.data_categories) e->add_data_categories(category);
  if (!c.goal_ids.empty()) e->set_plan_id(household.open_plan_id);
  for (const auto& goal : c.goal_ids) e->add_goal_ids(goal);
  *e->mutable_reason() = c.reason;
  e->set_requested_on(c.today.ToString());
  e->set_answer_due(domain::AddWorkingDays(c.calendar, c.today, c.answer_working_days).ToString());
  e->set_answer_working_days(c.answer_working_days);
  // The dossier's scope rule names the consents that cover the request; `e` has every field it reads.
  DossierScope scope = ScopeOfDossier(*e, household.consents, c.now);
  for (auto& id : scope.consent_ids) e->add_consent_ids(std::move(id));
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const AcceptReferral& c, const ReferralState& state) {
  if (auto r = CheckReferralId(c.referral_id)) return *r;
  const Referral* referral = FindReferral(state, c.referral_id);
  if (auto r = CheckFound(referral, c.referral_id)) return *r;
  if (auto r = CheckReceiver(c.actor, *referral)) return *r;
  if (auto r = CheckAnswerable(*referral, c.today)) return *r;
  Event event;
  event.mutable_referral_accepted()->set_referral_id(c.referral_id);
  event.mutable_referral_accepted()->set_accepted_on(c.today.ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const DeclineReferral& c, const ReferralState& state) {
  if (auto r = CheckReferralId(c.referral_id)) return *r;
  if (IsEmpty(c.reason)) return Rejection::InvalidArgument("reason", "say why the referral is declined");
  const Referral* referral = FindReferral(state, c.referral_id);
  if (auto r = CheckFound(referral, c.referral_id)) return *r;
  if (auto r = CheckReceiver(c.actor, *referral)) return *r;
  if (auto r = CheckAnswerable(*referral, c.today)) return *r;
  Event event;
  auto* e = event.mutable_referral_declined();
  e->set_referral_id(c.referral_id);
  *e->mutable_reason() = c.reason;
  e->set_declined_on(c.today.ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const ExpireReferral& c, const ReferralState& state) {
  if (auto r = CheckReferralId(c.referral_id)) return *r;
  const Referral* referral = FindReferral(state, c.referral_id);
  if (auto r = CheckFound(referral, c.referral_id)) return *r;
  if (referral->status() != hub::v1::REFERRAL_STATUS_REQUESTED ||
      StatusOn(*referral, c.today) != hub::v1::REFERRAL_STATUS_EXPIRED) {
    return std::vector<Event>{};
  }
  Event event;
  auto* e = event.mutable_referral_expired();
  e->set_referral_id(c.referral_id);
  e->set_expired_on(c.today.ToString());
  e->set_answer_due(referral->requested().answer_due());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const ScheduleHandoverMeeting& c, const ReferralState& state) {
  if (auto r = CheckReferralId(c.referral_id)) return *r;
  if (c.meeting_on < c.today) return Rejection::InvalidArgument("meeting_on", "must not lie in the past");
  const Referral* referral = FindReferral(state, c.referral_id);
  if (auto r = CheckFound(referral, c.referral_id)) return *r;
  if (auto r = CheckParty(c.actor, *referral)) return *r;
  if (auto r = CheckAccepted(*referral, c.today)) return *r;
  Event event;
  auto* e = event.mutable_handover_meeting_scheduled();
  e->set_referral_id(c.referral_id);
  e->set_meeting_on(c.meeting_on.ToString());
  e->set_scheduled_on(c.today.ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const CompleteHandover& c, const ReferralState& state) {
  if (auto r = CheckReferralId(c.referral_id)) return *r;
  const Referral* referral = FindReferral(state, c.referral_id);
  if (auto r = CheckFound(referral, c.referral_id)) return *r;
  if (auto r = CheckParty(c.actor, *referral)) return *r;
  if (auto r = CheckAccepted(*referral, c.today)) return *r;
  if (referral->status() != hub::v1::REFERRAL_STATUS_HANDOVER_MEETING) {
    return Rejection::FailedPrecondition(
        "HANDOVER_NOT_SCHEDULED", fmt::format("referral {} has no handover meeting scheduled", c.referral_id));
  }
  if (c.today < DateOf(referral->meeting_on())) {
    return Rejection::FailedPrecondition(
        "HANDOVER_NOT_HELD_YET",
        fmt::format("the handover meeting of referral {} is on {}", c.referral_id, referral->meeting_on()));
  }
  Event event;
  event.mutable_handover_completed()->set_referral_id(c.referral_id);
  event.mutable_handover_completed()->set_completed_on(c.today.ToString());
  return std::vector<Event>{event};
}

es::Decision<Event> Decide(const WithdrawReferral& c, const ReferralState& state) {
  if (auto r = CheckReferralId(c.referral_id)) return *r;
  if (IsEmpty(c.reason)) return Rejection::InvalidArgument("reason", "say why the referral is withdrawn");
  const Referral* referral = FindReferral(state, c.referral_id);
  if (auto r = CheckFound(referral, c.referral_id)) return *r;
  if (!IsSender(c.actor, *referral)) {
    return Rejection::PermissionDenied(
        "NOT_THE_SENDER", fmt::format("only {}, the sender of referral {}, may withdraw it",
                                      referral->requested().sender_organisation_id(), c.referral_id));
  }
  if (auto r = CheckNotClosed(*referral, c.today)) return *r;
  Event event;
  auto* e = event.mutable_referral_withdrawn();
  e->set_referral_id(c.referral_id);
  *e->mutable_reason() = c.reason;
  e->set_withdrawn_on(c.today.ToString());
  return std::vector<Event>{event};
}

// ---- evolve --------------------------------------------------------------------------------

Referral* FindMutable(ReferralState& state, std::string_view referral_id) {
  for (auto& r : *state.mutable_referrals()) {
    if (r.requested().referral_id() == referral_id) return &r;
  }
  return nullptr;
}

void Close(Referral& referral, ReferralStatus status, const std::string& on) {
  referral.set_status(status);
  referral.set_closed_on(on);
}

}  // namespace

// ---- public functions ----------------------------------------------------------------------

Consent ConsentOf(const hub::v1::ConsentRecorded& recorded, bool withdrawn) {
  Consent consent;
  consent.consent_id = recorded.consent_id();
  consent.person_id = recorded.person_id();
  consent.recipient_organisation_id = recorded.recipient_organisation_id();
  consent.data_categories.assign(recorded.data_categories().begin(), recorded.data_categories().end());
  consent.purpose = recorded.purpose();
  consent.valid_until = recorded.valid_until();
  consent.withdrawn = withdrawn;
  return consent;
}

const Referral* FindReferral(const ReferralState& state, std::string_view referral_id) {
  for (const auto& r : state.referrals()) {
    if (r.requested().referral_id() == referral_id) return &r;
  }
  return nullptr;
}

ReferralStatus StatusOn(const Referral& referral, Date today) {
  if (referral.status() == hub::v1::REFERRAL_STATUS_REQUESTED && DateOf(referral.requested().answer_due()) < today) {
    return hub::v1::REFERRAL_STATUS_EXPIRED;
  }
  return referral.status();
}

bool IsOpen(ReferralStatus status) {
  return status == hub::v1::REFERRAL_STATUS_REQUESTED || status == hub::v1::REFERRAL_STATUS_ACCEPTED ||
         status == hub::v1::REFERRAL_STATUS_HANDOVER_MEETING;
}

bool IsOverdue(const Referral& referral, Date today) {
  return referral.status() == hub::v1::REFERRAL_STATUS_HANDOVER_MEETING && DateOf(referral.meeting_on()) < today;
}

std::vector<std::string> DueForExpiry(const ReferralState& state, Date today) {
  std::vector<std::string> due;
  for (const auto& r : state.referrals()) {
    if (r.status() == hub::v1::REFERRAL_STATUS_REQUESTED && StatusOn(r, today) == hub::v1::REFERRAL_STATUS_EXPIRED) {
      due.push_back(r.requested().referral_id());
    }
  }
  return due;
}

std::optional<hub::v1::ReceiverKind> ReceiverKindOf(config::OrganisationKind kind, bool consultation) {
  std::optional<hub::v1::ReceiverKind> receiving;
  switch (kind) {
    case config::OrganisationKind::kWorkAndIncome: receiving = hub::v1::RECEIVER_KIND_WORK_AND_INCOME; break;
    case config::OrganisationKind::kCareProvider: receiving = hub::v1::RECEIVER_KIND_CARE_PROVIDER; break;
    case config::OrganisationKind::kDebtServices: receiving = hub::v1::RECEIVER_KIND_DEBT_SERVICES; break;
    case config::OrganisationKind::kSocialTeam:
    case config::OrganisationKind::kDecisionOffice:
    case config::OrganisationKind::kSignalGiver:
    case config::OrganisationKind::kAuditor:
    case config::OrganisationKind::kOperator: break;
  }
  if (receiving && consultation) return hub::v1::RECEIVER_KIND_CONSULTATION;
  return receiving;
}

bool IsLive(const Consent& consent, const google::protobuf::Timestamp& now) {
  return !consent.withdrawn && After(consent.valid_until, now);
}

CategorySet CoveredCategories(std::span<const Consent> consents, std::string_view person_id,
                              std::string_view recipient_organisation_id, std::string_view purpose,
                              const google::protobuf::Timestamp& now) {
  CategorySet covered;
  for (const auto& consent : consents) {
    if (!Grants(consent, person_id, recipient_organisation_id, purpose, now)) continue;
    covered.insert(consent.data_categories.begin(), consent.data_categories.end());
  }
  return covered;
}

bool Covers(std::span<const Consent> consents, std::string_view person_id, std::string_view recipient_organisation_id,
            std::string_view purpose, std::span<const std::string> categories, const google::protobuf::Timestamp& now) {
  const CategorySet covered = CoveredCategories(consents, person_id, recipient_organisation_id, purpose, now);
  return std::all_of(categories.begin(), categories.end(), [&](const std::string& c) { return covered.contains(c); });
}

DossierScope ScopeOfDossier(const hub::v1::ReferralRequested& requested, std::span<const Consent> consents,
                            const google::protobuf::Timestamp& now) {
  DossierScope scope;
  const CategorySet covered = CoveredCategories(consents, requested.person_id(), requested.receiver_organisation_id(),
                                                requested.purpose(), now);
  for (const auto& category : requested.data_categories()) {
    (covered.contains(category) ? scope.shown : scope.withheld).insert(category);
  }
  for (const auto& consent : consents) {
    if (!Grants(consent, requested.person_id(), requested.receiver_organisation_id(), requested.purpose(), now)) {
      continue;
    }
    const bool grants_requested =
        std::any_of(consent.data_categories.begin(), consent.data_categories.end(),
                    [&](const std::string& c) { return ContainsString(requested.data_categories(), c); });
    if (grants_requested && !ContainsString(scope.consent_ids, consent.consent_id)) {
      scope.consent_ids.push_back(consent.consent_id);
    }
  }
  return scope;
}

std::optional<es::Rejection> CheckDossierReader(const Referral& referral, std::string_view organisation_id) {
  const std::string& id = referral.requested().referral_id();
  if (organisation_id != referral.requested().receiver_organisation_id()) {
    return Rejection::PermissionDenied("NOT_THE_RECEIVER",
                                       fmt::format("only the receiver of referral {} reads its handover dossier", id));
  }
  switch (referral.status()) {
    case hub::v1::REFERRAL_STATUS_ACCEPTED:
    case hub::v1::REFERRAL_STATUS_HANDOVER_MEETING:
    case hub::v1::REFERRAL_STATUS_COMPLETED: return std::nullopt;
    case hub::v1::REFERRAL_STATUS_REQUESTED:
      return Rejection::FailedPrecondition("REFERRAL_NOT_ACCEPTED",
                                           fmt::format("referral {} has not been accepted", id));
    default:
      return Rejection::FailedPrecondition("REFERRAL_CLOSED",
                                           fmt::format("referral {} is {}", id, StatusWord(referral.status())));
  }
}

std::optional<std::string_view> SensitiveCategoryOf(std::string_view life_domain) {
  if (life_domain == "FINANCIEN") return kFinancial;
  if (life_domain == "JUSTITIE") return kJudicial;
  if (domain::IsMedicalLifeDomain(life_domain)) return kMedical;
  return std::nullopt;
}

bool MayShowLifeDomain(const CategorySet& shown, std::string_view life_domain) {
  const auto sensitive = SensitiveCategoryOf(life_domain);
  return !sensitive || shown.contains(*sensitive);
}

bool MayShowEarlierReferral(const CategorySet& shown, const hub::v1::ReferralRequested& earlier) {
  return shown.contains(kPlan) && std::all_of(earlier.data_categories().begin(), earlier.data_categories().end(),
                                              [&](const std::string& c) { return shown.contains(c); });
}

es::Decision<Event> ReferralDecider::Decide(const Command& command, const State& state) {
  return std::visit([&](const auto& c) { return referral::Decide(c, state); }, command);
}

ReferralState ReferralDecider::Evolve(State state, const Event& event) {
  switch (event.event_case()) {
    case Event::kReferralRequested: {
      Referral* referral = state.add_referrals();
      *referral->mutable_requested() = event.referral_requested();
      referral->set_status(hub::v1::REFERRAL_STATUS_REQUESTED);
      break;
    }
    case Event::kReferralAccepted:
      if (Referral* r = FindMutable(state, event.referral_accepted().referral_id())) {
        r->set_status(hub::v1::REFERRAL_STATUS_ACCEPTED);
        r->set_accepted_on(event.referral_accepted().accepted_on());
      }
      break;
    case Event::kReferralDeclined:
      if (Referral* r = FindMutable(state, event.referral_declined().referral_id())) {
        Close(*r, hub::v1::REFERRAL_STATUS_DECLINED, event.referral_declined().declined_on());
        *r->mutable_closing_reason() = event.referral_declined().reason();
      }
      break;
    case Event::kReferralExpired:
      if (Referral* r = FindMutable(state, event.referral_expired().referral_id())) {
        Close(*r, hub::v1::REFERRAL_STATUS_EXPIRED, event.referral_expired().expired_on());
      }
      break;
    case Event::kHandoverMeetingScheduled:
      if (Referral* r = FindMutable(state, event.handover_meeting_scheduled().referral_id())) {
        r->set_status(hub::v1::REFERRAL_STATUS_HANDOVER_MEETING);
        r->set_meeting_on(event.handover_meeting_scheduled().meeting_on());
      }
      break;
    case Event::kHandoverCompleted:
      if (Referral* r = FindMutable(state, event.handover_completed().referral_id())) {
        Close(*r, hub::v1::REFERRAL_STATUS_COMPLETED, event.handover_completed().completed_on());
      }
      break;
    case Event::kReferralWithdrawn:
      if (Referral* r = FindMutable(state, event.referral_withdrawn().referral_id())) {
        Close(*r, hub::v1::REFERRAL_STATUS_WITHDRAWN, event.referral_withdrawn().withdrawn_on());
        *r->mutable_closing_reason() = event.referral_withdrawn().reason();
      }
      break;
    case Event::EVENT_NOT_SET:
      break;  // an event from a newer schema this build does not know: nothing to fold
  }
  return state;
}

}  // namespace hub::referral
