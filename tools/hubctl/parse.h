// The few hubctl arguments that carry structure in one string: a person ("BSN,DATE,NAME,RELATION"),
// a ZRM score ("DOMAIN=SCORE"), a log position ("topic:partition:offset"), a civil date, a plan goal,
// and the words for the enums of a melding and a plan. Parsed here, apart from the CLI wiring, so the
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
#include "hub/v1/intake.pb.h"
#include "hub/v1/plan.pb.h"

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

// The words the command line accepts for the enums of a melding, e.g. "phone" -> CHANNEL_PHONE.
const std::map<std::string, hub::v1::Channel>& ChannelWords();
const std::map<std::string, hub::v1::SignalSource>& SourceWords();

// The words for the enums of a plan (proto/hub/v1/plan_events.proto), e.g. "maatwerk" ->
// SUPPORT_TIER_MAATWERK. Every value but UNSPECIFIED has one.
const std::map<std::string, hub::v1::SupportTier>& SupportTierWords();            // own-effort ... maatwerk
const std::map<std::string, hub::v1::GoalProgress>& GoalProgressWords();          // not-started ... achieved
const std::map<std::string, hub::v1::EscalationReason>& EscalationReasonWords();  // stuck, conflict, safety
const std::map<std::string, hub::v1::PlanStatus>& PlanStatusWords();              // draft ... closed

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
