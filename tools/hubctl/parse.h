// The few hubctl arguments that carry structure in one string: a person ("BSN,DATE,NAME,RELATION"),
// a ZRM score ("DOMAIN=SCORE"), a log position ("topic:partition:offset"), a civil date, a plan goal,
// and the words for the enums of a melding, a plan and a referral. Parsed here, apart from the CLI wiring, so the
// rules are unit-tested.
//
// Only the shape is checked. Whether a BSN passes the elfproef, a life domain exists or a score lies
// in 1-5 is the server's decision: it names the offending field, and one rule lives in one place.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "google/protobuf/timestamp.pb.h"
#include "hub/v1/common.pb.h"
#include "hub/v1/beschikking.pb.h"
#include "hub/v1/intake.pb.h"
#include "hub/v1/plan.pb.h"
#include "hub/v1/referral.pb.h"

namespace hub::hubctl {

// "BSN,YYYY-MM-DD,Name,relation". The name is everything between the second and the last comma, so
// it may hold spaces and commas ("Vries, Anna de"); surrounding spaces of each part are dropped.
absl::StatusOr<hub::v1::PersonInput> ParsePerson(const std::string& text);

// "DOMAIN=SCORE", e.g. "FINANCIEN=2". The score must be an integer.
absl::StatusOr<std::pair<std::string, int32_t>> ParseZrmScore(const std::string& text);

// "topic:partition:offset" as printed after every command, e.g. "hub.intake.events.v1:3:17".
// Split at the last two colons, so a topic may itself contain one.
absl::StatusOr<hub::v1::Position> ParsePosition(const std::string& text);

// Exactly "YYYY-MM-DD", a real calendar day; returned in the same canonical spelling.
absl::StatusOr<std::string> ParseDate(const std::string& text);

// The last second of `date` (YYYY-MM-DD) in UTC: a consent "valid until" a day covers all of it.
absl::StatusOr<google::protobuf::Timestamp> EndOfDayUtc(const std::string& date);

// A moment as hubctl accepts it: RFC 3339 ("2026-03-02T09:00:00Z", "2026-03-02T10:00:00+01:00").
// INVALID_ARGUMENT otherwise.
absl::StatusOr<google::protobuf::Timestamp> ParseMoment(const std::string& text);

// The words the command line accepts for the enums of a melding, e.g. "phone" -> CHANNEL_PHONE.
const std::map<std::string, hub::v1::Channel>& ChannelWords();
const std::map<std::string, hub::v1::SignalSource>& SourceWords();

// The words for the enums of a plan (proto/hub/v1/plan_events.proto), e.g. "maatwerk" ->
// SUPPORT_TIER_MAATWERK. Every value but UNSPECIFIED has one.
const std::map<std::string, hub::v1::SupportTier>& SupportTierWords();            // own-effort ... maatwerk
const std::map<std::string, hub::v1::GoalProgress>& GoalProgressWords();          // not-started ... achieved
const std::map<std::string, hub::v1::EscalationReason>& EscalationReasonWords();  // stuck, conflict, safety
const std::map<std::string, hub::v1::PlanStatus>& PlanStatusWords();              // draft ... closed

// The words for the enums of a referral (proto/hub/v1/referral.proto, referral_events.proto), e.g.
// "handover-meeting" -> REFERRAL_STATUS_HANDOVER_MEETING. Every value but UNSPECIFIED has one.
const std::map<std::string, hub::v1::ReferralStatus>& ReferralStatusWords();  // requested ... withdrawn
const std::map<std::string, hub::v1::ReferralRole>& ReferralRoleWords();      // sender, receiver
// Output only (no option takes it): how a referral list names the receiving side.
const std::map<std::string, hub::v1::ReceiverKind>& ReceiverKindWords();      // work-and-income ... consultation

// The words for the enums of the beschikking service (proto/hub/v1/beschikking.proto,
// beschikking_events.proto), e.g. "per-week" -> FREQUENCY_PER_WEEK. Every value but UNSPECIFIED has one.
const std::map<std::string, hub::v1::Law>& LawWords();                                // wmo, jeugdwet, participatiewet
const std::map<std::string, hub::v1::BeschikkingOutcome>& OutcomeWords();             // granted, partial, rejected
const std::map<std::string, hub::v1::Unit>& UnitWords();                              // minute ... piece-effort
const std::map<std::string, hub::v1::Frequency>& FrequencyWords();                    // per-day ... whole-period
const std::map<std::string, hub::v1::RedenWijziging>& RedenWijzigingWords();          // verkorting ... verwijderd
const std::map<std::string, hub::v1::RedenBeeindiging>& RedenBeeindigingWords();      // volgens-plan ...
const std::map<std::string, hub::v1::Verwijzer>& VerwijzerWords();                    // huisarts ...
const std::map<std::string, hub::v1::RequestAnswer>& RequestAnswerWords();            // rejected, in-onderzoek
const std::map<std::string, hub::v1::BezwaarDecision>& BezwaarDecisionWords();        // well-founded, unfounded
const std::map<std::string, hub::v1::DeadlineKind>& DeadlineKindWords();              // beschikking ...
const std::map<std::string, hub::v1::DeadlineState>& DeadlineStateWords();            // on-time, due-soon, overdue
// Output only: a toewijzing's status, what a beschikking answers, how a product is delivered.
const std::map<std::string, hub::v1::ToewijzingStatus>& ToewijzingStatusWords();      // active ... removed
const std::map<std::string, hub::v1::BeschikkingOrigin>& OriginWords();               // aanvraag ... legacy
const std::map<std::string, hub::v1::DeliveryForm>& DeliveryFormWords();              // zin, pgb

// An amount in euros as the command line takes it ("125", "125.5", "125.50"), in euro cents.
absl::StatusOr<int64_t> ParseEuroCents(const std::string& text);

// A product line of a beschikking (`beschikking issue --product`, `bezwaar decide --product`,
// `legacy import --product`):
//   "CODE,VOLUME,UNIT,FREQUENCY,START,END,zin:AGB" or "...,pgb:BUDGET_EUR", then optionally
//   ",EIGEN_BIJDRAGE_EUR" (per month) and any of ",replaces=TOEWIJZING_ID" and ",reden=WORD"
//   (RedenWijzigingWords), e.g. "02A01,3,hour,per-week,2026-01-05,2026-12-31,zin:98001234".
// Whether the code, unit and provider exist in the catalogue and the register is the hub's decision.
absl::StatusOr<hub::v1::ProductInput> ParseProduct(const std::string& text);

// A product as a provider asks for it (315, 317): "CODE,VOLUME,UNIT,FREQUENCY,START,END".
absl::StatusOr<hub::v1::RequestedProduct> ParseRequestedProduct(const std::string& text);

// A plan goal as `plan goal add` and `plan goal change` take it, before it becomes a GoalInput.
struct GoalOptions {
  std::string life_domain;  // ZRM code, e.g. FINANCIEN
  std::string result;
  std::string target_date;  // YYYY-MM-DD
  std::string tier;         // a word of SupportTierWords()
  std::string responsible_organisation;
  std::string responsible_person;
  std::string agreements;
};

// The goal as the hub takes it: a real date, a known tier word, and exactly one responsible party
// (an organisation or a person; an empty value counts as not given). Whether the domain exists, the
// date lies ahead and the organisation or person is known is the hub's decision.
absl::StatusOr<hub::v1::GoalInput> ParseGoal(const GoalOptions& options);

// The error message of a failed parse as a std::string (a CLI11 validator's return value).
std::string ErrorText(const absl::Status& status);

}  // namespace hub::hubctl
