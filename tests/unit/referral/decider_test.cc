// The referral decider, rule by rule: given the household's referral events, when a command
// arrives, then these events (or this rejection, or this state); and the consent rule that scopes
// the handover dossier, category by category.
//
// The household used throughout, as intake and plan know it: Anna (parent) and Bram (child) are
// members, Henk is a network person; the open plan plan-1 has goals g1 and g2. The social team
// woerdenwijzer refers Anna to fermwerk (work & income) for "warme overdracht"; Anna consented
// (consent-fermwerk) to share CONTACT, HOUSEHOLD_COMPOSITION, TRIAGE and PLAN with fermwerk for that
// purpose until 2027-01-01. Today is Monday 2026-03-02, 09:00 UTC; with the default service level
// of 5 working days the answer is due Monday 2026-03-09.
#include "services/referral/decider.h"

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/domain/vocabulary.h"
#include "common/es/decider_testing.h"
#include "gtest/gtest.h"

namespace hub::referral {
namespace {

using es::Rejection;
using es::testing::DeciderSpec;
using Event = hub::v1::ReferralEvent;
using Kind = Rejection::Kind;
using config::OrganisationKind;
using domain::Date;
using google::protobuf::Timestamp;
using hub::v1::ReferralRequested;

constexpr std::string_view kToday = "2026-03-02";      // Monday
constexpr std::string_view kAnswerDue = "2026-03-09";  // 5 working days later
constexpr std::string_view kDayAfterDue = "2026-03-10";
constexpr std::string_view kMeetingDay = "2026-03-12";
constexpr char kReferral[] = "ref-1";
constexpr char kTeam[] = "woerdenwijzer";
constexpr char kFermwerk[] = "fermwerk";
constexpr char kCareProvider[] = "zorg-de-linde";
constexpr char kAgb[] = "12345678";
constexpr char kDebtServices[] = "schuldhulp";
constexpr char kPurpose[] = "warme overdracht";
constexpr char kAnna[] = "person-anna";

DeciderSpec<ReferralDecider> Spec() { return {}; }

Date D(std::string_view iso) { return Date::Parse(iso).value(); }

// The moment `hour`:00 UTC on `day`, plus `nanos`.
Timestamp At(std::string_view day, int hour = 9, int nanos = 0) {
  Timestamp t;
  t.set_seconds(static_cast<int64_t>(D(day).sys_days().time_since_epoch().count()) * 86400 + hour * 3600);
  t.set_nanos(nanos);
  return t;
}

hub::v1::SealedValue Sealed(const std::string& what) {
  hub::v1::SealedValue v;
  v.set_key_id("key-person-anna");
  v.set_nonce("nonce-" + what);
  v.set_ciphertext("ciphertext-" + what);
  return v;
}

std::vector<Event> With(std::vector<Event> history, std::initializer_list<Event> more) {
  history.insert(history.end(), more.begin(), more.end());
  return history;
}

std::vector<std::string> Strings(std::initializer_list<std::string_view> items) {
  return std::vector<std::string>(items.begin(), items.end());
}

CategorySet Set(std::initializer_list<std::string_view> items) { return CategorySet(items.begin(), items.end()); }

// ---- facts ---------------------------------------------------------------------------------

const std::vector<std::string> kConsented = Strings({"CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN"});

Consent FermwerkConsent(const std::string& consent_id = "consent-fermwerk",
                        std::vector<std::string> categories = kConsented) {
  Consent c;
  c.consent_id = consent_id;
  c.person_id = kAnna;
  c.recipient_organisation_id = kFermwerk;
  c.data_categories = std::move(categories);
  c.purpose = kPurpose;
  c.valid_until = At("2027-01-01", 0);
  return c;
}

HouseholdFacts Household(std::vector<Consent> consents = {FermwerkConsent()}) {
  HouseholdFacts h;
  h.known = true;
  h.members = {{kAnna, "parent"}, {"person-bram", "child"}, {"person-henk", "network"}};
  h.open_plan_id = "plan-1";
  h.open_plan_goal_ids = {"g1", "g2"};
  h.consents = std::move(consents);
  return h;
}

ReceiverFacts Receiver(OrganisationKind kind = OrganisationKind::kWorkAndIncome, std::string agb = "") {
  return ReceiverFacts{true, kind, std::move(agb)};
}

Actor Team() { return {kTeam, "consulent", "u-team"}; }
Actor Fermwerk() { return {kFermwerk, "consulent", "u-fermwerk"}; }
Actor Outsider() { return {kDebtServices, "consulent", "u-schuldhulp"}; }

// ---- commands ------------------------------------------------------------------------------

RequestReferral Request(std::string_view today = kToday) {
  RequestReferral c;
  c.referral_id = kReferral;
  c.person_id = kAnna;
  c.receiver_organisation_id = kFermwerk;
  c.purpose = kPurpose;
  c.data_categories = kConsented;
  c.goal_ids = {"g1"};
  c.reason = Sealed("reason-ref-1");
  c.actor = Team();
  c.household = Household();
  c.receiver = Receiver();
  c.answer_working_days = 5;
  c.now = At(today);
  c.today = D(today);
  return c;
}

RequestReferral RequestWithConsents(std::vector<Consent> consents) {
  RequestReferral c = Request();
  c.household.consents = std::move(consents);
  return c;
}

RequestReferral RequestOfCategories(std::vector<std::string> categories) {
  RequestReferral c = Request();
  c.data_categories = std::move(categories);
  return c;
}

AcceptReferral Accept(std::string_view today = kToday, Actor actor = Fermwerk()) {
  return AcceptReferral{kReferral, std::move(actor), D(today)};
}

DeclineReferral Decline(std::string_view today = kToday, Actor actor = Fermwerk()) {
  return DeclineReferral{kReferral, Sealed("decline"), std::move(actor), D(today)};
}

ExpireReferral Expire(std::string_view today) { return ExpireReferral{kReferral, D(today)}; }

ScheduleHandoverMeeting Schedule(std::string_view meeting_on = kMeetingDay, Actor actor = Fermwerk(),
                                 std::string_view today = kToday) {
  return ScheduleHandoverMeeting{kReferral, D(meeting_on), std::move(actor), D(today)};
}

CompleteHandover Complete(std::string_view today = kMeetingDay, Actor actor = Team()) {
  return CompleteHandover{kReferral, std::move(actor), D(today)};
}

WithdrawReferral Withdraw(std::string_view today = kToday, Actor actor = Team()) {
  return WithdrawReferral{kReferral, Sealed("withdraw"), std::move(actor), D(today)};
}

// ---- events --------------------------------------------------------------------------------

// The request Request() decides.
ReferralRequested RequestedFields() {
  ReferralRequested r;
  r.set_referral_id(kReferral);
  r.set_person_id(kAnna);
  r.set_sender_organisation_id(kTeam);
  r.set_receiver_organisation_id(kFermwerk);
  r.set_receiver_kind(hub::v1::RECEIVER_KIND_WORK_AND_INCOME);
  r.set_purpose(kPurpose);
  for (const auto& c : kConsented) r.add_data_categories(c);
  r.set_plan_id("plan-1");
  r.add_goal_ids("g1");
  *r.mutable_reason() = Sealed("reason-ref-1");
  r.set_requested_on(std::string(kToday));
  r.set_answer_due(std::string(kAnswerDue));
  r.set_answer_working_days(5);
  r.add_consent_ids("consent-fermwerk");
  return r;
}

Event Requested(const ReferralRequested& fields = RequestedFields()) {
  Event e;
  *e.mutable_referral_requested() = fields;
  return e;
}

// The same referral, requested on `on` and due on `due`.
Event RequestedOn(std::string_view on, std::string_view due) {
  ReferralRequested r = RequestedFields();
  r.set_requested_on(std::string(on));
  r.set_answer_due(std::string(due));
  return Requested(r);
}

Event Accepted(std::string_view on = kToday) {
  Event e;
  e.mutable_referral_accepted()->set_referral_id(kReferral);
  e.mutable_referral_accepted()->set_accepted_on(std::string(on));
  return e;
}

Event Declined(std::string_view on = kToday) {
  Event e;
  e.mutable_referral_declined()->set_referral_id(kReferral);
  *e.mutable_referral_declined()->mutable_reason() = Sealed("decline");
  e.mutable_referral_declined()->set_declined_on(std::string(on));
  return e;
}

Event Expired(std::string_view on = kDayAfterDue, std::string_view due = kAnswerDue) {
  Event e;
  e.mutable_referral_expired()->set_referral_id(kReferral);
  e.mutable_referral_expired()->set_expired_on(std::string(on));
  e.mutable_referral_expired()->set_answer_due(std::string(due));
  return e;
}

Event Scheduled(std::string_view meeting_on = kMeetingDay, std::string_view on = kToday) {
  Event e;
  e.mutable_handover_meeting_scheduled()->set_referral_id(kReferral);
  e.mutable_handover_meeting_scheduled()->set_meeting_on(std::string(meeting_on));
  e.mutable_handover_meeting_scheduled()->set_scheduled_on(std::string(on));
  return e;
}

Event Completed(std::string_view on = kMeetingDay) {
  Event e;
  e.mutable_handover_completed()->set_referral_id(kReferral);
  e.mutable_handover_completed()->set_completed_on(std::string(on));
  return e;
}

Event Withdrawn(std::string_view on = kToday) {
  Event e;
  e.mutable_referral_withdrawn()->set_referral_id(kReferral);
  *e.mutable_referral_withdrawn()->mutable_reason() = Sealed("withdraw");
  e.mutable_referral_withdrawn()->set_withdrawn_on(std::string(on));
  return e;
}

// ---- histories -----------------------------------------------------------------------------

std::vector<Event> RequestedReferral() { return {Requested()}; }
std::vector<Event> AcceptedReferral() { return {Requested(), Accepted()}; }
std::vector<Event> InHandover() { return {Requested(), Accepted(), Scheduled()}; }
std::vector<Event> DeclinedReferral() { return {Requested(), Declined()}; }
std::vector<Event> ExpiredReferral() { return {Requested(), Expired()}; }
std::vector<Event> CompletedReferral() { return With(InHandover(), {Completed()}); }
std::vector<Event> WithdrawnReferral() { return {Requested(), Withdrawn()}; }

// ---- states --------------------------------------------------------------------------------

Referral RequestedState() {
  Referral r;
  *r.mutable_requested() = RequestedFields();
  r.set_status(hub::v1::REFERRAL_STATUS_REQUESTED);
  return r;
}

ReferralState StateOf(std::vector<Referral> referrals) {
  ReferralState s;
  for (auto& r : referrals) *s.add_referrals() = std::move(r);
  return s;
}

ReferralState Folded(const std::vector<Event>& history) { return es::Fold<ReferralDecider>(history); }

const Referral& OnlyReferral(const ReferralState& state) { return state.referrals(0); }

// The rejection a command meets after `history`; fails the test if it is accepted.
Rejection RejectionOf(const ReferralDecider::Command& command, const std::vector<Event>& history = {}) {
  auto decision = ReferralDecider::Decide(command, Folded(history));
  if (decision.accepted()) {
    ADD_FAILURE() << "expected a rejection";
    return {};
  }
  return decision.rejection();
}

// =============================================================================================
// RequestReferral
// =============================================================================================

TEST(RequestingAReferral, RequestReferral_CoveredByConsent_IsRequestedWithAnswerDueIn5WorkingDays) {
  Spec().Given({}).When(Request()).ThenEvents({Requested()});
}

TEST(RequestingAReferral, RequestReferral_Requested_IsRequestedAndNothingElse) {
  Spec().Given({}).When(Request()).ThenState(StateOf({RequestedState()}));
}

TEST(RequestingAReferral, RequestReferral_ToACareProvider_CarriesItsAgbCode) {
  RequestReferral c = Request();
  c.receiver_organisation_id = kCareProvider;
  c.receiver = Receiver(OrganisationKind::kCareProvider, kAgb);
  c.household.consents = {FermwerkConsent()};
  c.household.consents[0].recipient_organisation_id = kCareProvider;
  ReferralRequested expected = RequestedFields();
  expected.set_receiver_organisation_id(kCareProvider);
  expected.set_receiver_kind(hub::v1::RECEIVER_KIND_CARE_PROVIDER);
  expected.set_receiver_agb_code(kAgb);
  Spec().Given({}).When(c).ThenEvents({Requested(expected)});
}

TEST(RequestingAReferral, RequestReferral_ToWorkAndIncomeWithAnAgbCodeInTheRegister_CarriesNoAgbCode) {
  RequestReferral c = Request();
  c.receiver = Receiver(OrganisationKind::kWorkAndIncome, kAgb);
  Spec().Given({}).When(c).ThenEvents({Requested()});
}

TEST(RequestingAReferral, RequestReferral_ToDebtServices_IsOfKindDebtServices) {
  RequestReferral c = Request();
  c.receiver_organisation_id = kDebtServices;
  c.receiver = Receiver(OrganisationKind::kDebtServices);
  c.household.consents[0].recipient_organisation_id = kDebtServices;
  ReferralRequested expected = RequestedFields();
  expected.set_receiver_organisation_id(kDebtServices);
  expected.set_receiver_kind(hub::v1::RECEIVER_KIND_DEBT_SERVICES);
  Spec().Given({}).When(c).ThenEvents({Requested(expected)});
}

TEST(RequestingAReferral, RequestReferral_ConsultationWithoutCategories_NeedsNoConsent) {
  RequestReferral c = RequestWithConsents({});
  c.consultation = true;
  c.data_categories.clear();
  c.goal_ids.clear();
  ReferralRequested expected = RequestedFields();
  expected.set_receiver_kind(hub::v1::RECEIVER_KIND_CONSULTATION);
  expected.clear_data_categories();
  expected.clear_plan_id();
  expected.clear_goal_ids();
  expected.clear_consent_ids();
  Spec().Given({}).When(c).ThenEvents({Requested(expected)});
}

TEST(RequestingAReferral, RequestReferral_ConsultationWithCategoriesButNoConsent_ConsentMissing) {
  RequestReferral c = RequestWithConsents({});
  c.consultation = true;
  Spec().Given({}).When(c).ThenRejected(Kind::kFailedPrecondition, "CONSENT_MISSING");
}

TEST(RequestingAReferral, RequestReferral_ConsultationWithCategoriesCoveredByConsent_IsAConsultation) {
  RequestReferral c = Request();
  c.consultation = true;
  ReferralRequested expected = RequestedFields();
  expected.set_receiver_kind(hub::v1::RECEIVER_KIND_CONSULTATION);
  Spec().Given({}).When(c).ThenEvents({Requested(expected)});
}

TEST(RequestingAReferral, RequestReferral_TransferWithoutCategories_IsInvalid) {
  Spec().Given({}).When(RequestOfCategories({})).ThenRejected(Kind::kInvalidArgument, "data_categories");
}

TEST(RequestingAReferral, RequestReferral_WithoutGoals_IsRequestedWithoutAPlan) {
  RequestReferral c = Request();
  c.goal_ids.clear();
  ReferralRequested expected = RequestedFields();
  expected.clear_plan_id();
  expected.clear_goal_ids();
  Spec().Given({}).When(c).ThenEvents({Requested(expected)});
}

TEST(RequestingAReferral, RequestReferral_ServingTwoGoals_ListsBothInTheOrderGiven) {
  RequestReferral c = Request();
  c.goal_ids = {"g2", "g1"};
  ReferralRequested expected = RequestedFields();
  expected.clear_goal_ids();
  expected.add_goal_ids("g2");
  expected.add_goal_ids("g1");
  Spec().Given({}).When(c).ThenEvents({Requested(expected)});
}

TEST(RequestingAReferral, RequestReferral_ForFewerCategoriesThanConsented_SharesOnlyThoseRequested) {
  ReferralRequested expected = RequestedFields();
  expected.clear_data_categories();
  expected.add_data_categories("TRIAGE");
  expected.add_data_categories("CONTACT");
  Spec().Given({}).When(RequestOfCategories(Strings({"TRIAGE", "CONTACT"}))).ThenEvents({Requested(expected)});
}

// ---- consent -------------------------------------------------------------------------------

TEST(RequestingAReferral, RequestReferral_CategoriesBeyondConsent_ConsentMissingNamingThem) {
  RequestReferral c = RequestOfCategories(Strings({"CONTACT", "FINANCIAL", "TRIAGE", "MEDICAL"}));
  Spec().Given({}).When(c).ThenRejected(Kind::kFailedPrecondition, "CONSENT_MISSING");
  EXPECT_EQ(RejectionOf(c).message,
            "no live consent of person person-anna for fermwerk, purpose 'warme overdracht', covers FINANCIAL, MEDICAL");
}

TEST(RequestingAReferral, RequestReferral_WithoutAnyConsent_ConsentMissingNamingEveryCategory) {
  EXPECT_EQ(RejectionOf(RequestWithConsents({})).message,
            "no live consent of person person-anna for fermwerk, purpose 'warme overdracht', covers CONTACT, "
            "HOUSEHOLD_COMPOSITION, TRIAGE, PLAN");
}

TEST(RequestingAReferral, RequestReferral_ConsentWithdrawn_ConsentMissing) {
  Consent withdrawn = FermwerkConsent();
  withdrawn.withdrawn = true;
  Spec().Given({}).When(RequestWithConsents({withdrawn})).ThenRejected(Kind::kFailedPrecondition, "CONSENT_MISSING");
}

TEST(RequestingAReferral, RequestReferral_ConsentLapsedBeforeNow_ConsentMissing) {
  Consent lapsed = FermwerkConsent();
  lapsed.valid_until = At("2026-03-01");
  Spec().Given({}).When(RequestWithConsents({lapsed})).ThenRejected(Kind::kFailedPrecondition, "CONSENT_MISSING");
}

TEST(RequestingAReferral, RequestReferral_ConsentValidUntilExactlyNow_ConsentMissing) {
  Consent lapsing = FermwerkConsent();
  lapsing.valid_until = At(kToday);
  Spec().Given({}).When(RequestWithConsents({lapsing})).ThenRejected(Kind::kFailedPrecondition, "CONSENT_MISSING");
}

TEST(RequestingAReferral, RequestReferral_ConsentValidUntilANanosecondAfterNow_IsRequested) {
  Consent lapsing = FermwerkConsent();
  lapsing.valid_until = At(kToday, 9, 1);
  Spec().Given({}).When(RequestWithConsents({lapsing})).ThenEvents({Requested()});
}

TEST(RequestingAReferral, RequestReferral_ConsentForAnotherPurpose_ConsentMissing) {
  Consent other = FermwerkConsent();
  other.purpose = "re-integratie";
  Spec().Given({}).When(RequestWithConsents({other})).ThenRejected(Kind::kFailedPrecondition, "CONSENT_MISSING");
}

TEST(RequestingAReferral, RequestReferral_ConsentForAnotherRecipient_ConsentMissing) {
  Consent other = FermwerkConsent();
  other.recipient_organisation_id = kDebtServices;
  Spec().Given({}).When(RequestWithConsents({other})).ThenRejected(Kind::kFailedPrecondition, "CONSENT_MISSING");
}

TEST(RequestingAReferral, RequestReferral_ConsentOfAnotherPerson_ConsentMissing) {
  Consent bram = FermwerkConsent();
  bram.person_id = "person-bram";
  Spec().Given({}).When(RequestWithConsents({bram})).ThenRejected(Kind::kFailedPrecondition, "CONSENT_MISSING");
}

TEST(RequestingAReferral, RequestReferral_TwoConsentsTogether_CoverTheRequestAndBothAreNamed) {
  RequestReferral c = RequestWithConsents({FermwerkConsent("consent-a", Strings({"CONTACT", "TRIAGE"})),
                                           FermwerkConsent("consent-b", Strings({"HOUSEHOLD_COMPOSITION", "PLAN"}))});
  ReferralRequested expected = RequestedFields();
  expected.clear_consent_ids();
  expected.add_consent_ids("consent-a");
  expected.add_consent_ids("consent-b");
  Spec().Given({}).When(c).ThenEvents({Requested(expected)});
}

TEST(RequestingAReferral, RequestReferral_ConsentsThatCoverNothingRequested_AreNotNamed) {
  Consent other_purpose = FermwerkConsent("consent-other-purpose");
  other_purpose.purpose = "re-integratie";
  Consent withdrawn = FermwerkConsent("consent-withdrawn");
  withdrawn.withdrawn = true;
  RequestReferral c = RequestWithConsents({FermwerkConsent("consent-medical", Strings({"MEDICAL"})), other_purpose,
                                           FermwerkConsent(), withdrawn});
  Spec().Given({}).When(c).ThenEvents({Requested()});
}

TEST(RequestingAReferral, RequestReferral_ConsentCoveringOneCategoryLess_ConsentMissingNamingIt) {
  for (const auto& left_out : kConsented) {
    SCOPED_TRACE(left_out);
    std::vector<std::string> partial;
    for (const auto& c : kConsented) {
      if (c != left_out) partial.push_back(c);
    }
    const Rejection r = RejectionOf(RequestWithConsents({FermwerkConsent("consent-fermwerk", partial)}));
    EXPECT_EQ(r.reason, "CONSENT_MISSING");
    EXPECT_EQ(r.message, "no live consent of person person-anna for fermwerk, purpose 'warme overdracht', covers " +
                             left_out);
  }
}

// ---- the household, the receiver, the plan ---------------------------------------------------

TEST(RequestingAReferral, RequestReferral_ForAHouseholdIntakeDoesNotKnow_HouseholdNotFound) {
  RequestReferral c = Request();
  c.household.known = false;
  Spec().Given({}).When(c).ThenRejected(Kind::kFailedPrecondition, "HOUSEHOLD_NOT_FOUND");
}

TEST(RequestingAReferral, RequestReferral_AboutSomeoneNotAMember_PersonNotInHousehold) {
  for (const char* person : {"person-unknown", "person-henk"}) {
    SCOPED_TRACE(person);
    RequestReferral c = Request();
    c.person_id = person;
    Spec().Given({}).When(c).ThenRejected(Kind::kFailedPrecondition, "PERSON_NOT_IN_HOUSEHOLD");
  }
}

TEST(RequestingAReferral, RequestReferral_ToAnOrganisationTheTenantDoesNotKnow_ReceiverUnknown) {
  RequestReferral c = Request();
  c.receiver.known = false;
  Spec().Given({}).When(c).ThenRejected(Kind::kFailedPrecondition, "RECEIVER_UNKNOWN");
}

TEST(RequestingAReferral, RequestReferral_ToAnOrganisationThatDoesNotReceive_ReceiverNotReceiving) {
  for (auto kind : {OrganisationKind::kSocialTeam, OrganisationKind::kDecisionOffice, OrganisationKind::kSignalGiver,
                    OrganisationKind::kAuditor, OrganisationKind::kOperator}) {
    for (bool consultation : {false, true}) {
      SCOPED_TRACE(std::string(config::KindName(kind)) + (consultation ? " consultation" : ""));
      RequestReferral c = Request();
      c.receiver = Receiver(kind);
      c.consultation = consultation;
      Spec().Given({}).When(c).ThenRejected(Kind::kFailedPrecondition, "RECEIVER_NOT_RECEIVING");
    }
  }
}

TEST(RequestingAReferral, RequestReferral_ServingAGoalNotInTheOpenPlan_GoalNotInPlan) {
  RequestReferral c = Request();
  c.goal_ids = {"g1", "g9"};
  Spec().Given({}).When(c).ThenRejected(Kind::kFailedPrecondition, "GOAL_NOT_IN_PLAN");
}

TEST(RequestingAReferral, RequestReferral_ServingAGoalWithoutAnOpenPlan_GoalNotInPlan) {
  RequestReferral c = Request();
  c.household.open_plan_id.clear();
  c.household.open_plan_goal_ids.clear();
  Spec().Given({}).When(c).ThenRejected(Kind::kFailedPrecondition, "GOAL_NOT_IN_PLAN");
}

TEST(RequestingAReferral, RequestReferral_WithAnIdInUse_ReferralExists) {
  Spec().Given(DeclinedReferral()).When(Request()).ThenRejected(Kind::kAlreadyExists, "REFERRAL_EXISTS");
}

// ---- one open referral per person per receiver ------------------------------------------------

TEST(RequestingAReferral, RequestReferral_WhileOneToTheSameReceiverIsOpen_ReferralOpen) {
  for (const auto& history : {RequestedReferral(), AcceptedReferral(), InHandover()}) {
    SCOPED_TRACE(history.size());
    RequestReferral c = Request();
    c.referral_id = "ref-2";
    Spec().Given(history).When(c).ThenRejected(Kind::kFailedPrecondition, "REFERRAL_OPEN");
  }
}

TEST(RequestingAReferral, RequestReferral_AfterTheEarlierOneWasClosed_IsRequested) {
  for (const auto& history : {DeclinedReferral(), ExpiredReferral(), CompletedReferral(), WithdrawnReferral()}) {
    SCOPED_TRACE(history.size());
    RequestReferral c = Request(kMeetingDay);
    c.referral_id = "ref-2";
    ReferralRequested expected = RequestedFields();
    expected.set_referral_id("ref-2");
    expected.set_requested_on(std::string(kMeetingDay));
    expected.set_answer_due("2026-03-19");
    Spec().Given(history).When(c).ThenEvents({Requested(expected)});
  }
}

TEST(RequestingAReferral, RequestReferral_AfterTheEarlierOneExpiredUnrecorded_IsRequested) {
  RequestReferral c = Request(kDayAfterDue);
  c.referral_id = "ref-2";
  ReferralRequested expected = RequestedFields();
  expected.set_referral_id("ref-2");
  expected.set_requested_on(std::string(kDayAfterDue));
  expected.set_answer_due("2026-03-17");
  Spec().Given(RequestedReferral()).When(c).ThenEvents({Requested(expected)});
}

TEST(RequestingAReferral, RequestReferral_OfAnotherPersonToTheSameReceiver_IsRequested) {
  RequestReferral c = Request();
  c.referral_id = "ref-2";
  c.person_id = "person-bram";
  Consent bram = FermwerkConsent("consent-bram");
  bram.person_id = "person-bram";
  c.household.consents.push_back(bram);
  ReferralRequested expected = RequestedFields();
  expected.set_referral_id("ref-2");
  expected.set_person_id("person-bram");
  expected.clear_consent_ids();
  expected.add_consent_ids("consent-bram");
  Spec().Given(RequestedReferral()).When(c).ThenEvents({Requested(expected)});
}

TEST(RequestingAReferral, RequestReferral_OfTheSamePersonToAnotherReceiver_IsRequested) {
  RequestReferral c = Request();
  c.referral_id = "ref-2";
  c.receiver_organisation_id = kDebtServices;
  c.receiver = Receiver(OrganisationKind::kDebtServices);
  Consent debt = FermwerkConsent("consent-schuldhulp");
  debt.recipient_organisation_id = kDebtServices;
  c.household.consents.push_back(debt);
  ReferralRequested expected = RequestedFields();
  expected.set_referral_id("ref-2");
  expected.set_receiver_organisation_id(kDebtServices);
  expected.set_receiver_kind(hub::v1::RECEIVER_KIND_DEBT_SERVICES);
  expected.clear_consent_ids();
  expected.add_consent_ids("consent-schuldhulp");
  Spec().Given(RequestedReferral()).When(c).ThenEvents({Requested(expected)});
}

// ---- the command's own fields --------------------------------------------------------------

TEST(RequestingAReferral, RequestReferral_WithAnEmptyRequiredField_IsInvalidNamingIt) {
  struct Case {
    const char* field;
    void (*clear)(RequestReferral&);
  };
  const Case cases[] = {
      {"referral_id", [](RequestReferral& c) { c.referral_id.clear(); }},
      {"person_id", [](RequestReferral& c) { c.person_id.clear(); }},
      {"receiver_organisation_id", [](RequestReferral& c) { c.receiver_organisation_id.clear(); }},
      {"actor.organisation_id", [](RequestReferral& c) { c.actor.organisation_id.clear(); }},
      {"purpose", [](RequestReferral& c) { c.purpose.clear(); }},
      {"reason", [](RequestReferral& c) { c.reason.clear_ciphertext(); }},
  };
  for (const auto& test : cases) {
    SCOPED_TRACE(test.field);
    RequestReferral c = Request();
    test.clear(c);
    Spec().Given({}).When(c).ThenRejected(Kind::kInvalidArgument, test.field);
  }
}

TEST(RequestingAReferral, RequestReferral_WithAnUnknownCategory_IsInvalidNamingIt) {
  Spec()
      .Given({})
      .When(RequestOfCategories(Strings({"CONTACT", "contact"})))
      .ThenRejected(Kind::kInvalidArgument, "data_categories[1]");
}

TEST(RequestingAReferral, RequestReferral_WithACategoryTwice_IsInvalidNamingTheSecond) {
  Spec()
      .Given({})
      .When(RequestOfCategories(Strings({"CONTACT", "TRIAGE", "CONTACT"})))
      .ThenRejected(Kind::kInvalidArgument, "data_categories[2]");
}

TEST(RequestingAReferral, RequestReferral_WithAnEmptyOrRepeatedGoal_IsInvalidNamingIt) {
  RequestReferral empty = Request();
  empty.goal_ids = {"g1", ""};
  Spec().Given({}).When(empty).ThenRejected(Kind::kInvalidArgument, "goal_ids[1]");
  RequestReferral twice = Request();
  twice.goal_ids = {"g1", "g2", "g1"};
  Spec().Given({}).When(twice).ThenRejected(Kind::kInvalidArgument, "goal_ids[2]");
}

TEST(RequestingAReferral, RequestReferral_WithAServiceLevelBelowOneWorkingDay_IsInvalid) {
  for (int32_t days : {0, -5}) {
    SCOPED_TRACE(days);
    RequestReferral c = Request();
    c.answer_working_days = days;
    Spec().Given({}).When(c).ThenRejected(Kind::kInvalidArgument, "answer_working_days");
  }
}

// ---- answer_due in working days ---------------------------------------------------------------

TEST(AnswerDue, RequestReferral_WithTheTenantsServiceLevelOf10WorkingDays_IsDueTwoWeeksLater) {
  RequestReferral c = Request();
  c.answer_working_days = 10;
  ReferralRequested expected = RequestedFields();
  expected.set_answer_due("2026-03-16");
  expected.set_answer_working_days(10);
  Spec().Given({}).When(c).ThenEvents({Requested(expected)});
}

TEST(AnswerDue, RequestReferral_WithATenantClosingDayInBetween_IsDueADayLater) {
  RequestReferral c = Request();
  c.calendar = domain::WorkingDayCalendar({D("2026-03-04")});
  ReferralRequested expected = RequestedFields();
  expected.set_answer_due("2026-03-10");
  Spec().Given({}).When(c).ThenEvents({Requested(expected)});
}

// The days the next tests skip are Atw holidays in calendar.h (Easter Sunday 2026 is 5 April).
TEST(AnswerDue, TheHolidaysTheseTestsCount_AreHolidaysOfTheCalendar) {
  const domain::WorkingDayCalendar calendar;
  for (const char* holiday : {"2026-04-03", "2026-04-06", "2026-04-27", "2026-05-05"}) {
    SCOPED_TRACE(holiday);
    EXPECT_TRUE(calendar.IsHoliday(D(holiday)));
  }
}

// Thursday 2 April; Goede Vrijdag 3 April (a holiday under Atw art. 3 lid 2), the weekend and
// Tweede Paasdag 6 April do not count: 7, 8, 9, 10, 13 April.
TEST(AnswerDue, RequestReferral_OnTheThursdayBeforeEaster_IsDueMonday13April) {
  ReferralRequested expected = RequestedFields();
  expected.set_requested_on("2026-04-02");
  expected.set_answer_due("2026-04-13");
  Spec().Given({}).When(Request("2026-04-02")).ThenEvents({Requested(expected)});
}

// Wednesday 22 April; Koningsdag Monday 27 April does not count: 23, 24, 28, 29, 30 April.
TEST(AnswerDue, RequestReferral_OverKoningsdag_IsDueThursday30April) {
  ReferralRequested expected = RequestedFields();
  expected.set_requested_on("2026-04-22");
  expected.set_answer_due("2026-04-30");
  Spec().Given({}).When(Request("2026-04-22")).ThenEvents({Requested(expected)});
}

// Thursday 30 April; Bevrijdingsdag Tuesday 5 May counts as a holiday every year under the Atw:
// 1, 4, 6, 7, 8 May.
TEST(AnswerDue, RequestReferral_OverBevrijdingsdag_IsDueFriday8May) {
  ReferralRequested expected = RequestedFields();
  expected.set_requested_on("2026-04-30");
  expected.set_answer_due("2026-05-08");
  Spec().Given({}).When(Request("2026-04-30")).ThenEvents({Requested(expected)});
}

// =============================================================================================
// AcceptReferral
// =============================================================================================

TEST(AcceptingAReferral, AcceptReferral_ByTheReceiver_IsAccepted) {
  Spec().Given(RequestedReferral()).When(Accept()).ThenEvents({Accepted()});
}

TEST(AcceptingAReferral, AcceptReferral_Accepted_IsAcceptedOnThatDay) {
  Referral expected = RequestedState();
  expected.set_status(hub::v1::REFERRAL_STATUS_ACCEPTED);
  expected.set_accepted_on(std::string(kToday));
  Spec().Given(RequestedReferral()).When(Accept()).ThenState(StateOf({expected}));
}

TEST(AcceptingAReferral, AcceptReferral_OnTheDayTheAnswerIsDue_IsAccepted) {
  Spec().Given(RequestedReferral()).When(Accept(kAnswerDue)).ThenEvents({Accepted(kAnswerDue)});
}

TEST(AcceptingAReferral, AcceptReferral_TheDayAfterTheAnswerWasDue_ReferralExpired) {
  Spec().Given(RequestedReferral()).When(Accept(kDayAfterDue)).ThenRejected(Kind::kFailedPrecondition,
                                                                            "REFERRAL_EXPIRED");
}

TEST(AcceptingAReferral, AcceptReferral_AfterTheExpiryWasRecorded_ReferralExpired) {
  Spec().Given(ExpiredReferral()).When(Accept(kDayAfterDue)).ThenRejected(Kind::kFailedPrecondition,
                                                                          "REFERRAL_EXPIRED");
}

TEST(AcceptingAReferral, AcceptReferral_ByAnotherOrganisation_NotTheReceiver) {
  for (const Actor& actor : {Team(), Outsider()}) {
    SCOPED_TRACE(actor.organisation_id);
    Spec().Given(RequestedReferral()).When(Accept(kToday, actor)).ThenRejected(Kind::kPermissionDenied,
                                                                              "NOT_THE_RECEIVER");
  }
}

TEST(AcceptingAReferral, AcceptReferral_ByAnotherOrganisationOfAClosedReferral_NotTheReceiverRevealsNoState) {
  Spec().Given(DeclinedReferral()).When(Accept(kToday, Outsider())).ThenRejected(Kind::kPermissionDenied,
                                                                                "NOT_THE_RECEIVER");
}

TEST(AcceptingAReferral, AcceptReferral_AnsweredAlready_ReferralNotRequested) {
  for (const auto& history : {AcceptedReferral(), InHandover()}) {
    SCOPED_TRACE(history.size());
    Spec().Given(history).When(Accept()).ThenRejected(Kind::kFailedPrecondition, "REFERRAL_NOT_REQUESTED");
  }
}

TEST(AcceptingAReferral, AcceptReferral_DeclinedCompletedOrWithdrawn_ReferralClosed) {
  for (const auto& history : {DeclinedReferral(), CompletedReferral(), WithdrawnReferral()}) {
    SCOPED_TRACE(history.size());
    Spec().Given(history).When(Accept()).ThenRejected(Kind::kFailedPrecondition, "REFERRAL_CLOSED");
  }
}

TEST(AcceptingAReferral, AcceptReferral_OfAnUnknownReferral_ReferralNotFound) {
  Spec().Given({}).When(Accept()).ThenRejected(Kind::kNotFound, "REFERRAL_NOT_FOUND");
}

TEST(AcceptingAReferral, AcceptReferral_WithoutAReferralId_IsInvalid) {
  AcceptReferral c = Accept();
  c.referral_id.clear();
  Spec().Given(RequestedReferral()).When(c).ThenRejected(Kind::kInvalidArgument, "referral_id");
}

// =============================================================================================
// DeclineReferral
// =============================================================================================

TEST(DecliningAReferral, DeclineReferral_ByTheReceiver_IsDeclinedWithItsReason) {
  Spec().Given(RequestedReferral()).When(Decline()).ThenEvents({Declined()});
}

TEST(DecliningAReferral, DeclineReferral_Declined_IsClosedThatDayWithTheReason) {
  Referral expected = RequestedState();
  expected.set_status(hub::v1::REFERRAL_STATUS_DECLINED);
  expected.set_closed_on(std::string(kToday));
  *expected.mutable_closing_reason() = Sealed("decline");
  Spec().Given(RequestedReferral()).When(Decline()).ThenState(StateOf({expected}));
}

TEST(DecliningAReferral, DeclineReferral_OnTheDayTheAnswerIsDue_IsDeclined) {
  Spec().Given(RequestedReferral()).When(Decline(kAnswerDue)).ThenEvents({Declined(kAnswerDue)});
}

TEST(DecliningAReferral, DeclineReferral_WithoutAReason_IsInvalid) {
  DeclineReferral c = Decline();
  c.reason.clear_ciphertext();
  Spec().Given(RequestedReferral()).When(c).ThenRejected(Kind::kInvalidArgument, "reason");
}

TEST(DecliningAReferral, DeclineReferral_ByAnotherOrganisation_NotTheReceiver) {
  for (const Actor& actor : {Team(), Outsider()}) {
    SCOPED_TRACE(actor.organisation_id);
    Spec().Given(RequestedReferral()).When(Decline(kToday, actor)).ThenRejected(Kind::kPermissionDenied,
                                                                               "NOT_THE_RECEIVER");
  }
}

TEST(DecliningAReferral, DeclineReferral_AfterTheAnswerWasDue_ReferralExpired) {
  for (const auto& history : {RequestedReferral(), ExpiredReferral()}) {
    SCOPED_TRACE(history.size());
    Spec().Given(history).When(Decline(kDayAfterDue)).ThenRejected(Kind::kFailedPrecondition, "REFERRAL_EXPIRED");
  }
}

TEST(DecliningAReferral, DeclineReferral_AnsweredAlready_ReferralNotRequested) {
  for (const auto& history : {AcceptedReferral(), InHandover()}) {
    SCOPED_TRACE(history.size());
    Spec().Given(history).When(Decline()).ThenRejected(Kind::kFailedPrecondition, "REFERRAL_NOT_REQUESTED");
  }
}

TEST(DecliningAReferral, DeclineReferral_DeclinedCompletedOrWithdrawn_ReferralClosed) {
  for (const auto& history : {DeclinedReferral(), CompletedReferral(), WithdrawnReferral()}) {
    SCOPED_TRACE(history.size());
    Spec().Given(history).When(Decline()).ThenRejected(Kind::kFailedPrecondition, "REFERRAL_CLOSED");
  }
}

TEST(DecliningAReferral, DeclineReferral_OfAnUnknownReferral_ReferralNotFound) {
  Spec().Given({}).When(Decline()).ThenRejected(Kind::kNotFound, "REFERRAL_NOT_FOUND");
}

// =============================================================================================
// ExpireReferral (issued by the service)
// =============================================================================================

TEST(ExpiringAReferral, ExpireReferral_OnTheDayTheAnswerIsDue_DecidesNothing) {
  Spec().Given(RequestedReferral()).When(Expire(kAnswerDue)).ThenEvents({});
}

TEST(ExpiringAReferral, ExpireReferral_TheDayAfterTheAnswerWasDue_IsExpired) {
  Spec().Given(RequestedReferral()).When(Expire(kDayAfterDue)).ThenEvents({Expired()});
}

TEST(ExpiringAReferral, ExpireReferral_Expired_IsClosedThatDay) {
  Referral expected = RequestedState();
  expected.set_status(hub::v1::REFERRAL_STATUS_EXPIRED);
  expected.set_closed_on(std::string(kDayAfterDue));
  Spec().Given(RequestedReferral()).When(Expire(kDayAfterDue)).ThenState(StateOf({expected}));
}

TEST(ExpiringAReferral, ExpireReferral_RequestedBeforeEaster_DecidesNothingOn13AprilAndExpiresOn14April) {
  const std::vector<Event> history = {RequestedOn("2026-04-02", "2026-04-13")};
  // Five calendar days would end on 7 April, five working days without the holidays on 9 April.
  for (const char* too_early : {"2026-04-07", "2026-04-09", "2026-04-10", "2026-04-13"}) {
    SCOPED_TRACE(too_early);
    Spec().Given(history).When(Expire(too_early)).ThenEvents({});
  }
  Spec().Given(history).When(Expire("2026-04-14")).ThenEvents({Expired("2026-04-14", "2026-04-13")});
}

TEST(ExpiringAReferral, ExpireReferral_RequestedBeforeKoningsdag_ExpiresOn1May) {
  const std::vector<Event> history = {RequestedOn("2026-04-22", "2026-04-30")};
  Spec().Given(history).When(Expire("2026-04-30")).ThenEvents({});
  Spec().Given(history).When(Expire("2026-05-01")).ThenEvents({Expired("2026-05-01", "2026-04-30")});
}

TEST(ExpiringAReferral, ExpireReferral_RequestedBeforeEaster_MayStillBeAcceptedOn13April) {
  const std::vector<Event> history = {RequestedOn("2026-04-02", "2026-04-13")};
  Spec().Given(history).When(Accept("2026-04-13")).ThenEvents({Accepted("2026-04-13")});
  Spec().Given(history).When(Accept("2026-04-14")).ThenRejected(Kind::kFailedPrecondition, "REFERRAL_EXPIRED");
}

TEST(ExpiringAReferral, ExpireReferral_OfAnAnsweredOrClosedReferral_DecidesNothing) {
  for (const auto& history : {AcceptedReferral(), InHandover(), DeclinedReferral(), ExpiredReferral(),
                              CompletedReferral(), WithdrawnReferral()}) {
    SCOPED_TRACE(history.size());
    Spec().Given(history).When(Expire("2026-06-01")).ThenEvents({});
  }
}

TEST(ExpiringAReferral, ExpireReferral_OfAnUnknownReferral_ReferralNotFound) {
  Spec().Given({}).When(Expire(kDayAfterDue)).ThenRejected(Kind::kNotFound, "REFERRAL_NOT_FOUND");
}

TEST(ExpiringAReferral, DueForExpiry_ListsTheRequestedReferralsPastTheirAnswerDue) {
  ReferralRequested second = RequestedFields();
  second.set_referral_id("ref-2");
  second.set_answer_due("2026-03-11");
  ReferralRequested third = RequestedFields();
  third.set_referral_id("ref-3");
  Event third_accepted = Accepted();
  third_accepted.mutable_referral_accepted()->set_referral_id("ref-3");
  const ReferralState state = Folded({Requested(), Requested(second), Requested(third), third_accepted});
  EXPECT_EQ(DueForExpiry(state, D(kAnswerDue)), std::vector<std::string>{});
  EXPECT_EQ(DueForExpiry(state, D(kDayAfterDue)), Strings({"ref-1"}));
  EXPECT_EQ(DueForExpiry(state, D("2026-03-12")), Strings({"ref-1", "ref-2"}));
  EXPECT_EQ(DueForExpiry(Folded(ExpiredReferral()), D("2026-03-12")), std::vector<std::string>{});
}

// =============================================================================================
// ScheduleHandoverMeeting
// =============================================================================================

TEST(SchedulingTheHandover, ScheduleHandoverMeeting_ByTheReceiverOnceAccepted_IsScheduled) {
  Spec().Given(AcceptedReferral()).When(Schedule()).ThenEvents({Scheduled()});
}

TEST(SchedulingTheHandover, ScheduleHandoverMeeting_ByTheSender_IsScheduled) {
  Spec().Given(AcceptedReferral()).When(Schedule(kMeetingDay, Team())).ThenEvents({Scheduled()});
}

TEST(SchedulingTheHandover, ScheduleHandoverMeeting_ForToday_IsScheduled) {
  Spec().Given(AcceptedReferral()).When(Schedule(kToday)).ThenEvents({Scheduled(kToday)});
}

TEST(SchedulingTheHandover, ScheduleHandoverMeeting_Scheduled_IsInHandoverOnThatDay) {
  Referral expected = RequestedState();
  expected.set_status(hub::v1::REFERRAL_STATUS_HANDOVER_MEETING);
  expected.set_accepted_on(std::string(kToday));
  expected.set_meeting_on(std::string(kMeetingDay));
  Spec().Given(AcceptedReferral()).When(Schedule()).ThenState(StateOf({expected}));
}

TEST(SchedulingTheHandover, ScheduleHandoverMeeting_Again_ReschedulesToTheNewDay) {
  Spec().Given(InHandover()).When(Schedule("2026-03-19", Team(), "2026-03-11")).ThenEvents({Scheduled("2026-03-19", "2026-03-11")});
  Referral expected = RequestedState();
  expected.set_status(hub::v1::REFERRAL_STATUS_HANDOVER_MEETING);
  expected.set_accepted_on(std::string(kToday));
  expected.set_meeting_on("2026-03-19");
  Spec().Given(InHandover()).When(Schedule("2026-03-19", Team(), "2026-03-11")).ThenState(StateOf({expected}));
}

TEST(SchedulingTheHandover, ScheduleHandoverMeeting_InThePast_IsInvalid) {
  Spec().Given(AcceptedReferral()).When(Schedule("2026-03-01")).ThenRejected(Kind::kInvalidArgument, "meeting_on");
}

TEST(SchedulingTheHandover, ScheduleHandoverMeeting_ByAnOrganisationNotInvolved_NotAParty) {
  Spec().Given(AcceptedReferral()).When(Schedule(kMeetingDay, Outsider())).ThenRejected(Kind::kPermissionDenied,
                                                                                       "NOT_A_PARTY");
}

TEST(SchedulingTheHandover, ScheduleHandoverMeeting_BeforeAcceptance_ReferralNotAccepted) {
  Spec().Given(RequestedReferral()).When(Schedule()).ThenRejected(Kind::kFailedPrecondition, "REFERRAL_NOT_ACCEPTED");
}

TEST(SchedulingTheHandover, ScheduleHandoverMeeting_OfAClosedReferral_ReferralClosed) {
  for (const auto& history : {DeclinedReferral(), ExpiredReferral(), CompletedReferral(), WithdrawnReferral()}) {
    SCOPED_TRACE(history.size());
    Spec().Given(history).When(Schedule()).ThenRejected(Kind::kFailedPrecondition, "REFERRAL_CLOSED");
  }
}

TEST(SchedulingTheHandover, ScheduleHandoverMeeting_OfARequestPastItsAnswerDue_ReferralClosed) {
  Spec()
      .Given(RequestedReferral())
      .When(Schedule("2026-03-12", Team(), kDayAfterDue))
      .ThenRejected(Kind::kFailedPrecondition, "REFERRAL_CLOSED");
}

TEST(SchedulingTheHandover, ScheduleHandoverMeeting_OfAnUnknownReferral_ReferralNotFound) {
  Spec().Given({}).When(Schedule()).ThenRejected(Kind::kNotFound, "REFERRAL_NOT_FOUND");
}

// =============================================================================================
// CompleteHandover
// =============================================================================================

TEST(CompletingTheHandover, CompleteHandover_OnTheMeetingDay_IsCompleted) {
  Spec().Given(InHandover()).When(Complete()).ThenEvents({Completed()});
}

TEST(CompletingTheHandover, CompleteHandover_AfterTheMeetingDayByTheReceiver_IsCompleted) {
  Spec().Given(InHandover()).When(Complete("2026-03-20", Fermwerk())).ThenEvents({Completed("2026-03-20")});
}

TEST(CompletingTheHandover, CompleteHandover_Completed_IsClosedThatDay) {
  Referral expected = RequestedState();
  expected.set_status(hub::v1::REFERRAL_STATUS_COMPLETED);
  expected.set_accepted_on(std::string(kToday));
  expected.set_meeting_on(std::string(kMeetingDay));
  expected.set_closed_on(std::string(kMeetingDay));
  Spec().Given(InHandover()).When(Complete()).ThenState(StateOf({expected}));
}

TEST(CompletingTheHandover, CompleteHandover_BeforeTheMeetingDay_HandoverNotHeldYet) {
  Spec().Given(InHandover()).When(Complete("2026-03-11")).ThenRejected(Kind::kFailedPrecondition,
                                                                      "HANDOVER_NOT_HELD_YET");
}

TEST(CompletingTheHandover, CompleteHandover_WithoutAMeeting_HandoverNotScheduled) {
  Spec().Given(AcceptedReferral()).When(Complete()).ThenRejected(Kind::kFailedPrecondition, "HANDOVER_NOT_SCHEDULED");
}

TEST(CompletingTheHandover, CompleteHandover_BeforeAcceptance_ReferralNotAccepted) {
  Spec().Given(RequestedReferral()).When(Complete(kToday)).ThenRejected(Kind::kFailedPrecondition,
                                                                       "REFERRAL_NOT_ACCEPTED");
}

TEST(CompletingTheHandover, CompleteHandover_ByAnOrganisationNotInvolved_NotAParty) {
  Spec().Given(InHandover()).When(Complete(kMeetingDay, Outsider())).ThenRejected(Kind::kPermissionDenied,
                                                                                 "NOT_A_PARTY");
}

TEST(CompletingTheHandover, CompleteHandover_OfAClosedReferral_ReferralClosed) {
  for (const auto& history : {DeclinedReferral(), ExpiredReferral(), CompletedReferral(), WithdrawnReferral()}) {
    SCOPED_TRACE(history.size());
    Spec().Given(history).When(Complete()).ThenRejected(Kind::kFailedPrecondition, "REFERRAL_CLOSED");
  }
}

TEST(CompletingTheHandover, CompleteHandover_OfAnUnknownReferral_ReferralNotFound) {
  Spec().Given({}).When(Complete()).ThenRejected(Kind::kNotFound, "REFERRAL_NOT_FOUND");
}

// =============================================================================================
// WithdrawReferral
// =============================================================================================

TEST(WithdrawingAReferral, WithdrawReferral_BySenderWhileOpen_IsWithdrawn) {
  for (const auto& history : {RequestedReferral(), AcceptedReferral(), InHandover()}) {
    SCOPED_TRACE(history.size());
    Spec().Given(history).When(Withdraw()).ThenEvents({Withdrawn()});
  }
}

TEST(WithdrawingAReferral, WithdrawReferral_Withdrawn_IsClosedThatDayWithTheReason) {
  Referral expected = RequestedState();
  expected.set_status(hub::v1::REFERRAL_STATUS_WITHDRAWN);
  expected.set_accepted_on(std::string(kToday));
  expected.set_closed_on(std::string(kToday));
  *expected.mutable_closing_reason() = Sealed("withdraw");
  Spec().Given(AcceptedReferral()).When(Withdraw()).ThenState(StateOf({expected}));
}

TEST(WithdrawingAReferral, WithdrawReferral_ByTheReceiverOrAnOutsider_NotTheSender) {
  for (const Actor& actor : {Fermwerk(), Outsider()}) {
    SCOPED_TRACE(actor.organisation_id);
    Spec().Given(RequestedReferral()).When(Withdraw(kToday, actor)).ThenRejected(Kind::kPermissionDenied,
                                                                                "NOT_THE_SENDER");
  }
}

TEST(WithdrawingAReferral, WithdrawReferral_WithoutAReason_IsInvalid) {
  WithdrawReferral c = Withdraw();
  c.reason.clear_ciphertext();
  Spec().Given(RequestedReferral()).When(c).ThenRejected(Kind::kInvalidArgument, "reason");
}

TEST(WithdrawingAReferral, WithdrawReferral_OfAClosedReferral_ReferralClosed) {
  for (const auto& history : {DeclinedReferral(), ExpiredReferral(), CompletedReferral(), WithdrawnReferral()}) {
    SCOPED_TRACE(history.size());
    Spec().Given(history).When(Withdraw()).ThenRejected(Kind::kFailedPrecondition, "REFERRAL_CLOSED");
  }
}

TEST(WithdrawingAReferral, WithdrawReferral_OfARequestPastItsAnswerDue_ReferralClosed) {
  Spec().Given(RequestedReferral()).When(Withdraw(kDayAfterDue)).ThenRejected(Kind::kFailedPrecondition,
                                                                             "REFERRAL_CLOSED");
}

TEST(WithdrawingAReferral, WithdrawReferral_OfAnUnknownReferral_ReferralNotFound) {
  Spec().Given({}).When(Withdraw()).ThenRejected(Kind::kNotFound, "REFERRAL_NOT_FOUND");
}

// =============================================================================================
// Final states, status and overdue
// =============================================================================================

TEST(FinalStates, EveryPartyCommandOnAFinalReferral_IsRefused) {
  for (const auto& history : {DeclinedReferral(), ExpiredReferral(), CompletedReferral(), WithdrawnReferral()}) {
    SCOPED_TRACE(history.size());
    const bool expired = history.back().has_referral_expired();
    const char* answer_reason = expired ? "REFERRAL_EXPIRED" : "REFERRAL_CLOSED";
    EXPECT_EQ(RejectionOf(Accept(), history).reason, answer_reason);
    EXPECT_EQ(RejectionOf(Decline(), history).reason, answer_reason);
    EXPECT_EQ(RejectionOf(Schedule(), history).reason, "REFERRAL_CLOSED");
    EXPECT_EQ(RejectionOf(Complete(), history).reason, "REFERRAL_CLOSED");
    EXPECT_EQ(RejectionOf(Withdraw(), history).reason, "REFERRAL_CLOSED");
  }
}

TEST(FinalStates, Evolve_AnEventOfANewerSchema_ChangesNothing) {
  const ReferralState before = Folded(AcceptedReferral());
  const ReferralState after = ReferralDecider::Evolve(before, Event());
  EXPECT_TRUE(es::testing::SameValue(before, after));
}

TEST(FinalStates, Evolve_AnEventForAnUnknownReferral_ChangesNothing) {
  Event accepted = Accepted();
  accepted.mutable_referral_accepted()->set_referral_id("ref-9");
  const ReferralState before = Folded(RequestedReferral());
  EXPECT_TRUE(es::testing::SameValue(before, ReferralDecider::Evolve(before, accepted)));
}

TEST(Status, StatusOn_ARequestedReferral_IsExpiredFromTheDayAfterItsAnswerDue) {
  const Referral requested = RequestedState();
  EXPECT_EQ(StatusOn(requested, D(kToday)), hub::v1::REFERRAL_STATUS_REQUESTED);
  EXPECT_EQ(StatusOn(requested, D(kAnswerDue)), hub::v1::REFERRAL_STATUS_REQUESTED);
  EXPECT_EQ(StatusOn(requested, D(kDayAfterDue)), hub::v1::REFERRAL_STATUS_EXPIRED);
}

TEST(Status, StatusOn_AnAnsweredReferral_IsTheRecordedStatusWhateverTheDay) {
  EXPECT_EQ(StatusOn(OnlyReferral(Folded(AcceptedReferral())), D("2027-01-01")), hub::v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_EQ(StatusOn(OnlyReferral(Folded(DeclinedReferral())), D("2027-01-01")), hub::v1::REFERRAL_STATUS_DECLINED);
}

TEST(Status, IsOpen_RequestedAcceptedAndHandoverMeeting_AndNothingElse) {
  EXPECT_TRUE(IsOpen(hub::v1::REFERRAL_STATUS_REQUESTED));
  EXPECT_TRUE(IsOpen(hub::v1::REFERRAL_STATUS_ACCEPTED));
  EXPECT_TRUE(IsOpen(hub::v1::REFERRAL_STATUS_HANDOVER_MEETING));
  for (auto status : {hub::v1::REFERRAL_STATUS_UNSPECIFIED, hub::v1::REFERRAL_STATUS_DECLINED,
                      hub::v1::REFERRAL_STATUS_EXPIRED, hub::v1::REFERRAL_STATUS_COMPLETED,
                      hub::v1::REFERRAL_STATUS_WITHDRAWN}) {
    EXPECT_FALSE(IsOpen(status)) << status;
  }
}

TEST(Status, IsOverdue_AHandoverWhoseMeetingDayHasPassed_AndNothingElse) {
  const Referral in_handover = OnlyReferral(Folded(InHandover()));
  EXPECT_FALSE(IsOverdue(in_handover, D(kMeetingDay)));
  EXPECT_TRUE(IsOverdue(in_handover, D("2026-03-13")));
  EXPECT_FALSE(IsOverdue(OnlyReferral(Folded(CompletedReferral())), D("2026-03-13")));
  EXPECT_FALSE(IsOverdue(OnlyReferral(Folded(AcceptedReferral())), D("2026-03-13")));
  EXPECT_FALSE(IsOverdue(RequestedState(), D("2026-03-13")));
}

TEST(Status, ReceiverKindOf_EveryOrganisationKind) {
  EXPECT_EQ(ReceiverKindOf(OrganisationKind::kWorkAndIncome, false), hub::v1::RECEIVER_KIND_WORK_AND_INCOME);
  EXPECT_EQ(ReceiverKindOf(OrganisationKind::kCareProvider, false), hub::v1::RECEIVER_KIND_CARE_PROVIDER);
  EXPECT_EQ(ReceiverKindOf(OrganisationKind::kDebtServices, false), hub::v1::RECEIVER_KIND_DEBT_SERVICES);
  for (auto kind : {OrganisationKind::kWorkAndIncome, OrganisationKind::kCareProvider, OrganisationKind::kDebtServices}) {
    EXPECT_EQ(ReceiverKindOf(kind, true), hub::v1::RECEIVER_KIND_CONSULTATION);
  }
  for (auto kind : {OrganisationKind::kSocialTeam, OrganisationKind::kDecisionOffice, OrganisationKind::kSignalGiver,
                    OrganisationKind::kAuditor, OrganisationKind::kOperator}) {
    EXPECT_EQ(ReceiverKindOf(kind, false), std::nullopt);
    EXPECT_EQ(ReceiverKindOf(kind, true), std::nullopt);
  }
}

// =============================================================================================
// Consent: the rule that scopes requests and dossiers
// =============================================================================================

TEST(Consent, ConsentOf_CopiesEveryFieldOfTheIntakeEvent) {
  hub::v1::ConsentRecorded recorded;
  recorded.set_consent_id("consent-x");
  recorded.set_person_id(kAnna);
  recorded.set_recipient_organisation_id(kFermwerk);
  recorded.add_data_categories("CONTACT");
  recorded.add_data_categories("PLAN");
  recorded.set_purpose(kPurpose);
  *recorded.mutable_valid_until() = At("2027-01-01", 0);
  const Consent consent = ConsentOf(recorded, true);
  EXPECT_EQ(consent.consent_id, "consent-x");
  EXPECT_EQ(consent.person_id, kAnna);
  EXPECT_EQ(consent.recipient_organisation_id, kFermwerk);
  EXPECT_EQ(consent.data_categories, Strings({"CONTACT", "PLAN"}));
  EXPECT_EQ(consent.purpose, kPurpose);
  EXPECT_TRUE(es::testing::SameValue(consent.valid_until, At("2027-01-01", 0)));
  EXPECT_TRUE(consent.withdrawn);
  EXPECT_FALSE(ConsentOf(recorded, false).withdrawn);
}

TEST(Consent, IsLive_UntilItsValidUntilAndWhileNotWithdrawn) {
  Consent consent = FermwerkConsent();
  consent.valid_until = At(kToday, 9, 1);
  EXPECT_TRUE(IsLive(consent, At(kToday)));
  EXPECT_FALSE(IsLive(consent, At(kToday, 9, 1)));
  EXPECT_FALSE(IsLive(consent, At(kToday, 10)));
  consent.withdrawn = true;
  EXPECT_FALSE(IsLive(consent, At(kToday)));
}

// Each field of a consent, varied alone, decides whether its categories count.
TEST(Consent, CoveredCategories_CountsAConsentOnlyWhenEveryFieldMatches) {
  const Timestamp now = At(kToday);
  const CategorySet all = Set({"CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN"});
  const std::vector<Consent> matching = {FermwerkConsent()};
  EXPECT_EQ(CoveredCategories(matching, kAnna, kFermwerk, kPurpose, now), all);

  struct Case {
    const char* what;
    void (*vary)(Consent&);
  };
  const Case cases[] = {
      {"another person", [](Consent& c) { c.person_id = "person-bram"; }},
      {"another recipient", [](Consent& c) { c.recipient_organisation_id = kDebtServices; }},
      {"another purpose", [](Consent& c) { c.purpose = "re-integratie"; }},
      {"purpose differing in case", [](Consent& c) { c.purpose = "Warme overdracht"; }},
      {"withdrawn", [](Consent& c) { c.withdrawn = true; }},
      {"lapsed", [](Consent& c) { c.valid_until = At(kToday, 8); }},
  };
  for (const auto& test : cases) {
    SCOPED_TRACE(test.what);
    Consent varied = FermwerkConsent();
    test.vary(varied);
    const std::vector<Consent> consents = {varied};
    EXPECT_EQ(CoveredCategories(consents, kAnna, kFermwerk, kPurpose, now), CategorySet{});
  }
}

TEST(Consent, CoveredCategories_IsTheUnionOfTheMatchingConsents) {
  Consent withdrawn = FermwerkConsent("consent-c", Strings({"JUDICIAL"}));
  withdrawn.withdrawn = true;
  const std::vector<Consent> consents = {FermwerkConsent("consent-a", Strings({"CONTACT"})),
                                         FermwerkConsent("consent-b", Strings({"FINANCIAL", "CONTACT"})), withdrawn};
  EXPECT_EQ(CoveredCategories(consents, kAnna, kFermwerk, kPurpose, At(kToday)), Set({"CONTACT", "FINANCIAL"}));
}

TEST(Consent, Covers_EveryCategoryAsked_AndNothingForAnEmptyAsk) {
  const std::vector<Consent> consents = {FermwerkConsent()};
  const Timestamp now = At(kToday);
  EXPECT_TRUE(Covers(consents, kAnna, kFermwerk, kPurpose, Strings({"CONTACT", "PLAN"}), now));
  EXPECT_FALSE(Covers(consents, kAnna, kFermwerk, kPurpose, Strings({"CONTACT", "MEDICAL"}), now));
  EXPECT_TRUE(Covers({}, kAnna, kFermwerk, kPurpose, {}, now));
  EXPECT_FALSE(Covers({}, kAnna, kFermwerk, kPurpose, Strings({"CONTACT"}), now));
}

// =============================================================================================
// The handover dossier's scope
// =============================================================================================

TEST(DossierScope, ScopeOfDossier_AtTheRequest_ShowsEveryRequestedCategory) {
  const DossierScope scope = ScopeOfDossier(RequestedFields(), std::vector<Consent>{FermwerkConsent()}, At(kToday));
  EXPECT_EQ(scope.shown, Set({"CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN"}));
  EXPECT_EQ(scope.withheld, CategorySet{});
  EXPECT_EQ(scope.consent_ids, Strings({"consent-fermwerk"}));
}

TEST(DossierScope, ScopeOfDossier_AConsentedCategoryTheReferralDidNotRequest_IsNeverShown) {
  ReferralRequested requested = RequestedFields();
  requested.clear_data_categories();
  requested.add_data_categories("CONTACT");
  const std::vector<Consent> consents = {FermwerkConsent("consent-all", Strings({"CONTACT", "MEDICAL", "FINANCIAL"}))};
  const DossierScope scope = ScopeOfDossier(requested, consents, At(kToday));
  EXPECT_EQ(scope.shown, Set({"CONTACT"}));
  EXPECT_EQ(scope.withheld, CategorySet{});
}

TEST(DossierScope, ScopeOfDossier_ConsentWithdrawnAfterAcceptance_WithholdsEverything) {
  const ReferralState accepted = Folded(AcceptedReferral());
  Consent withdrawn = FermwerkConsent();
  withdrawn.withdrawn = true;
  const Referral& referral = OnlyReferral(accepted);
  EXPECT_EQ(CheckDossierReader(referral, kFermwerk), std::nullopt);
  const DossierScope scope = ScopeOfDossier(referral.requested(), std::vector<Consent>{withdrawn}, At("2026-03-03"));
  EXPECT_EQ(scope.shown, CategorySet{});
  EXPECT_EQ(scope.withheld, Set({"CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN"}));
  EXPECT_EQ(scope.consent_ids, std::vector<std::string>{});
}

TEST(DossierScope, ScopeOfDossier_OneOfTwoConsentsWithdrawnAfterAcceptance_ShrinksToTheOther) {
  Consent a = FermwerkConsent("consent-a", Strings({"CONTACT", "TRIAGE"}));
  Consent b = FermwerkConsent("consent-b", Strings({"HOUSEHOLD_COMPOSITION", "PLAN"}));
  const ReferralRequested requested = OnlyReferral(Folded(AcceptedReferral())).requested();
  b.withdrawn = true;
  const DossierScope scope = ScopeOfDossier(requested, std::vector<Consent>{a, b}, At("2026-03-03"));
  EXPECT_EQ(scope.shown, Set({"CONTACT", "TRIAGE"}));
  EXPECT_EQ(scope.withheld, Set({"HOUSEHOLD_COMPOSITION", "PLAN"}));
  EXPECT_EQ(scope.consent_ids, Strings({"consent-a"}));
}

TEST(DossierScope, ScopeOfDossier_ConsentLapsedAfterAcceptance_WithholdsEverythingFromThatMoment) {
  Consent consent = FermwerkConsent();
  consent.valid_until = At("2026-03-05", 12);
  const std::vector<Consent> consents = {consent};
  EXPECT_EQ(ScopeOfDossier(RequestedFields(), consents, At("2026-03-05", 11)).shown,
            Set({"CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN"}));
  EXPECT_EQ(ScopeOfDossier(RequestedFields(), consents, At("2026-03-05", 12)).shown, CategorySet{});
}

TEST(DossierScope, ScopeOfDossier_AConsentlessConsultation_ShowsAndWithholdsNothing) {
  ReferralRequested consultation = RequestedFields();
  consultation.clear_data_categories();
  consultation.clear_consent_ids();
  const DossierScope scope = ScopeOfDossier(consultation, std::vector<Consent>{FermwerkConsent()}, At(kToday));
  EXPECT_EQ(scope.shown, CategorySet{});
  EXPECT_EQ(scope.withheld, CategorySet{});
  EXPECT_EQ(scope.consent_ids, std::vector<std::string>{});
}

// For every combination of requested and consented categories (2^7 x 2^7), category by category:
// shown exactly when requested and consented, withheld exactly when requested and not consented.
TEST(DossierScope, ScopeOfDossier_NeverShowsACategoryOutsideLiveConsent_CheckedCategoryByCategory) {
  const auto categories = domain::DataCategories();
  ASSERT_EQ(categories.size(), 7u);
  const unsigned combinations = 1u << categories.size();
  const Timestamp now = At(kToday);
  for (unsigned requested_bits = 0; requested_bits < combinations; ++requested_bits) {
    ReferralRequested requested = RequestedFields();
    requested.clear_data_categories();
    for (size_t i = 0; i < categories.size(); ++i) {
      if (requested_bits & (1u << i)) requested.add_data_categories(std::string(categories[i]));
    }
    for (unsigned consented_bits = 0; consented_bits < combinations; ++consented_bits) {
      std::vector<std::string> consented;
      for (size_t i = 0; i < categories.size(); ++i) {
        if (consented_bits & (1u << i)) consented.emplace_back(categories[i]);
      }
      // The same categories once more in a consent that must not count: withdrawn, the complement
      // in a consent for another purpose.
      Consent withdrawn = FermwerkConsent("consent-withdrawn", Strings({"CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE",
                                                                        "PLAN", "FINANCIAL", "MEDICAL", "JUDICIAL"}));
      withdrawn.withdrawn = true;
      Consent other_purpose = withdrawn;
      other_purpose.withdrawn = false;
      other_purpose.purpose = "re-integratie";
      const std::vector<Consent> consents = {FermwerkConsent("consent-live", consented), withdrawn, other_purpose};
      const DossierScope scope = ScopeOfDossier(requested, consents, now);
      for (size_t i = 0; i < categories.size(); ++i) {
        const bool is_requested = requested_bits & (1u << i);
        const bool is_consented = consented_bits & (1u << i);
        const std::string category(categories[i]);
        if (scope.shown.contains(category) != (is_requested && is_consented) ||
            scope.withheld.contains(category) != (is_requested && !is_consented)) {
          ADD_FAILURE() << category << " requested=" << is_requested << " consented=" << is_consented
                        << " shown=" << scope.shown.contains(category)
                        << " withheld=" << scope.withheld.contains(category);
          return;
        }
      }
      const bool any_shared = (requested_bits & consented_bits) != 0;
      if (scope.consent_ids != (any_shared ? Strings({"consent-live"}) : std::vector<std::string>{})) {
        ADD_FAILURE() << "consent_ids for requested=" << requested_bits << " consented=" << consented_bits;
        return;
      }
    }
  }
}

TEST(DossierScope, CheckDossierReader_TheReceiverOfAnAcceptedReferral_MayRead) {
  for (const auto& history : {AcceptedReferral(), InHandover(), CompletedReferral()}) {
    SCOPED_TRACE(history.size());
    EXPECT_EQ(CheckDossierReader(OnlyReferral(Folded(history)), kFermwerk), std::nullopt);
  }
}

TEST(DossierScope, CheckDossierReader_AnyoneButTheReceiver_NotTheReceiver) {
  for (const char* organisation : {kTeam, kDebtServices, ""}) {
    SCOPED_TRACE(organisation);
    const auto r = CheckDossierReader(OnlyReferral(Folded(AcceptedReferral())), organisation);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->kind, Kind::kPermissionDenied);
    EXPECT_EQ(r->reason, "NOT_THE_RECEIVER");
  }
}

TEST(DossierScope, CheckDossierReader_BeforeAcceptance_ReferralNotAccepted) {
  const auto r = CheckDossierReader(RequestedState(), kFermwerk);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, Kind::kFailedPrecondition);
  EXPECT_EQ(r->reason, "REFERRAL_NOT_ACCEPTED");
}

TEST(DossierScope, CheckDossierReader_DeclinedExpiredOrWithdrawn_ReferralClosed) {
  for (const auto& history : {DeclinedReferral(), ExpiredReferral(), WithdrawnReferral()}) {
    SCOPED_TRACE(history.size());
    const auto r = CheckDossierReader(OnlyReferral(Folded(history)), kFermwerk);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->reason, "REFERRAL_CLOSED");
  }
}

TEST(DossierScope, SensitiveCategoryOf_EveryLifeDomain) {
  for (std::string_view domain : domain::LifeDomains()) {
    SCOPED_TRACE(domain);
    std::optional<std::string_view> expected;
    if (domain == "FINANCIEN") expected = kFinancial;
    if (domain == "JUSTITIE") expected = kJudicial;
    if (domain == "GEESTELIJKE_GEZONDHEID" || domain == "LICHAMELIJKE_GEZONDHEID" || domain == "MIDDELENGEBRUIK") {
      expected = kMedical;
    }
    EXPECT_EQ(SensitiveCategoryOf(domain), expected);
  }
}

TEST(DossierScope, MayShowLifeDomain_ASensitiveDomainOnlyWithItsCategory) {
  const CategorySet plan_only = Set({"PLAN", "TRIAGE"});
  EXPECT_TRUE(MayShowLifeDomain(plan_only, "HUISVESTING"));
  EXPECT_TRUE(MayShowLifeDomain(plan_only, "WERK_OPLEIDING"));
  EXPECT_FALSE(MayShowLifeDomain(plan_only, "FINANCIEN"));
  EXPECT_FALSE(MayShowLifeDomain(plan_only, "GEESTELIJKE_GEZONDHEID"));
  EXPECT_FALSE(MayShowLifeDomain(plan_only, "JUSTITIE"));
  EXPECT_TRUE(MayShowLifeDomain(Set({"PLAN", "FINANCIAL"}), "FINANCIEN"));
  EXPECT_FALSE(MayShowLifeDomain(Set({"PLAN", "FINANCIAL"}), "MIDDELENGEBRUIK"));
  EXPECT_TRUE(MayShowLifeDomain(Set({"MEDICAL"}), "MIDDELENGEBRUIK"));
  EXPECT_TRUE(MayShowLifeDomain(Set({"JUDICIAL"}), "JUSTITIE"));
}

TEST(DossierScope, MayShowEarlierReferral_OnlyWhenPlanAndEveryCategoryItSharedAreShown) {
  ReferralRequested earlier = RequestedFields();
  earlier.clear_data_categories();
  earlier.add_data_categories("CONTACT");
  earlier.add_data_categories("MEDICAL");
  EXPECT_TRUE(MayShowEarlierReferral(Set({"PLAN", "CONTACT", "MEDICAL"}), earlier));
  EXPECT_FALSE(MayShowEarlierReferral(Set({"PLAN", "CONTACT"}), earlier));
  EXPECT_FALSE(MayShowEarlierReferral(Set({"CONTACT", "MEDICAL"}), earlier));
  earlier.clear_data_categories();
  EXPECT_TRUE(MayShowEarlierReferral(Set({"PLAN"}), earlier));
  EXPECT_FALSE(MayShowEarlierReferral(CategorySet{}, earlier));
}

}  // namespace
}  // namespace hub::referral
