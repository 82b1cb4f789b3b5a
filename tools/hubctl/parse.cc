#include "tools/hubctl/parse.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string_view>
#include <vector>

#include "common/domain/date.h"
#include "fmt/format.h"

namespace hub::hubctl {
namespace {

// Debian's abseil has its own string_view: messages cross into absl as std::string only.
absl::Status Bad(const std::string& message) { return absl::InvalidArgumentError(message); }

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

// A whole string as a non-negative integer of type T; no sign, no spaces, no trailing characters.
template <class T>
bool ParseInteger(std::string_view s, T* out, bool allow_sign = false) {
  if (s.empty()) return false;
  if (!allow_sign && (s.front() == '-' || s.front() == '+')) return false;
  if (s.front() == '+') s.remove_prefix(1);
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return error == std::errc() && end == s.data() + s.size();
}

// "a, b or c": the accepted words in the order of their enum values (cheapest tier first).
template <class Enum>
std::string AcceptedWords(const std::map<std::string, Enum>& words) {
  std::vector<std::pair<Enum, std::string>> sorted;
  for (const auto& [word, value] : words) sorted.emplace_back(value, word);
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) out += i + 1 == sorted.size() ? " or " : ", ";
    out += sorted[i].second;
  }
  return out;
}

}  // namespace

absl::StatusOr<hub::v1::PersonInput> ParsePerson(const std::string& text) {
  constexpr char kShape[] = "expected BSN,YYYY-MM-DD,Name,relation";
  const auto first = text.find(',');
  const auto second = first == std::string::npos ? std::string::npos : text.find(',', first + 1);
  const auto last = text.rfind(',');
  // No message repeats the value: it holds a BSN, and error output ends up in logs.
  if (second == std::string::npos || last == second) {
    const auto parts = std::count(text.begin(), text.end(), ',') + 1;
    return Bad(fmt::format("person: {} comma-separated part{}; {}", parts, parts == 1 ? "" : "s", kShape));
  }
  hub::v1::PersonInput person;
  person.set_bsn(Trim(std::string_view(text).substr(0, first)));
  person.set_birth_date(Trim(std::string_view(text).substr(first + 1, second - first - 1)));
  person.set_name(Trim(std::string_view(text).substr(second + 1, last - second - 1)));
  person.set_relation(Trim(std::string_view(text).substr(last + 1)));
  if (person.bsn().empty()) return Bad(fmt::format("person: the BSN is empty; {}", kShape));
  if (auto date = ParseDate(person.birth_date()); !date.ok()) {
    return Bad(fmt::format("person: birth date \"{}\" is not a date YYYY-MM-DD; {}", person.birth_date(), kShape));
  }
  if (person.name().empty()) return Bad(fmt::format("person: the name is empty; {}", kShape));
  if (person.relation().empty()) return Bad(fmt::format("person: the relation is empty; {}", kShape));
  return person;
}

absl::StatusOr<std::pair<std::string, int32_t>> ParseZrmScore(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) return Bad(fmt::format("zrm \"{}\": expected DOMAIN=SCORE, e.g. FINANCIEN=2", text));
  std::string domain = Trim(std::string_view(text).substr(0, eq));
  const std::string score_text = Trim(std::string_view(text).substr(eq + 1));
  if (domain.empty()) return Bad(fmt::format("zrm \"{}\": the life domain is empty", text));
  int32_t score = 0;
  if (!ParseInteger(score_text, &score, /*allow_sign=*/true)) {
    return Bad(fmt::format("zrm \"{}\": the score \"{}\" is not a whole number", text, score_text));
  }
  return std::pair{std::move(domain), score};
}

absl::StatusOr<hub::v1::Position> ParsePosition(const std::string& text) {
  const auto offset_colon = text.rfind(':');
  const auto partition_colon =
      offset_colon == std::string::npos || offset_colon == 0 ? std::string::npos : text.rfind(':', offset_colon - 1);
  if (partition_colon == std::string::npos || partition_colon == 0) {
    return Bad(fmt::format("position \"{}\": expected topic:partition:offset, e.g. hub.intake.events.v1:3:17", text));
  }
  hub::v1::Position position;
  position.set_topic(text.substr(0, partition_colon));
  int32_t partition = 0;
  int64_t offset = 0;
  if (!ParseInteger(std::string_view(text).substr(partition_colon + 1, offset_colon - partition_colon - 1),
                    &partition)) {
    return Bad(fmt::format("position \"{}\": the partition is not a non-negative whole number", text));
  }
  if (!ParseInteger(std::string_view(text).substr(offset_colon + 1), &offset)) {
    return Bad(fmt::format("position \"{}\": the offset is not a non-negative whole number", text));
  }
  position.set_partition(partition);
  position.set_offset(offset);
  return position;
}

absl::StatusOr<std::string> ParseDate(const std::string& text) {
  auto date = domain::Date::Parse(text);
  if (!date.ok()) return Bad(fmt::format("\"{}\" is not a date YYYY-MM-DD", text));
  return date->ToString();
}

absl::StatusOr<google::protobuf::Timestamp> EndOfDayUtc(const std::string& text) {
  auto date = domain::Date::Parse(text);
  if (!date.ok()) return Bad(fmt::format("\"{}\" is not a date YYYY-MM-DD", text));
  const auto end = date->AddDays(1).sys_days() - std::chrono::seconds(1);
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(std::chrono::duration_cast<std::chrono::seconds>(end.time_since_epoch()).count());
  return timestamp;
}

const std::map<std::string, hub::v1::Channel>& ChannelWords() {
  static const auto* words = new std::map<std::string, hub::v1::Channel>{
      {"web", hub::v1::CHANNEL_WEB},
      {"phone", hub::v1::CHANNEL_PHONE},
      {"desk", hub::v1::CHANNEL_DESK},
      {"vindplaats", hub::v1::CHANNEL_VINDPLAATS},
  };
  return *words;
}

const std::map<std::string, hub::v1::SignalSource>& SourceWords() {
  static const auto* words = new std::map<std::string, hub::v1::SignalSource>{
      {"self", hub::v1::SIGNAL_SOURCE_SELF},
      {"school", hub::v1::SIGNAL_SOURCE_SCHOOL},
      {"huisarts", hub::v1::SIGNAL_SOURCE_HUISARTS},
      {"neighbour", hub::v1::SIGNAL_SOURCE_NEIGHBOUR},
      {"police", hub::v1::SIGNAL_SOURCE_POLICE},
      {"network", hub::v1::SIGNAL_SOURCE_NETWORK},
      {"other-organisation", hub::v1::SIGNAL_SOURCE_OTHER_ORGANISATION},
  };
  return *words;
}

const std::map<std::string, hub::v1::SupportTier>& SupportTierWords() {
  static const auto* words = new std::map<std::string, hub::v1::SupportTier>{
      {"own-effort", hub::v1::SUPPORT_TIER_OWN_EFFORT},
      {"network", hub::v1::SUPPORT_TIER_NETWORK},
      {"general-provision", hub::v1::SUPPORT_TIER_GENERAL_PROVISION},
      {"maatwerk", hub::v1::SUPPORT_TIER_MAATWERK},
  };
  return *words;
}

const std::map<std::string, hub::v1::GoalProgress>& GoalProgressWords() {
  static const auto* words = new std::map<std::string, hub::v1::GoalProgress>{
      {"not-started", hub::v1::GOAL_PROGRESS_NOT_STARTED},
      {"on-track", hub::v1::GOAL_PROGRESS_ON_TRACK},
      {"behind", hub::v1::GOAL_PROGRESS_BEHIND},
      {"achieved", hub::v1::GOAL_PROGRESS_ACHIEVED},
  };
  return *words;
}

const std::map<std::string, hub::v1::EscalationReason>& EscalationReasonWords() {
  static const auto* words = new std::map<std::string, hub::v1::EscalationReason>{
      {"stuck", hub::v1::ESCALATION_REASON_STUCK},
      {"conflict", hub::v1::ESCALATION_REASON_CONFLICT_BETWEEN_PARTIES},
      {"safety", hub::v1::ESCALATION_REASON_SAFETY},
  };
  return *words;
}

const std::map<std::string, hub::v1::PlanStatus>& PlanStatusWords() {
  static const auto* words = new std::map<std::string, hub::v1::PlanStatus>{
      {"draft", hub::v1::PLAN_STATUS_DRAFT},
      {"active", hub::v1::PLAN_STATUS_ACTIVE},
      {"scaled-down", hub::v1::PLAN_STATUS_SCALED_DOWN},
      {"closed", hub::v1::PLAN_STATUS_CLOSED},
  };
  return *words;
}

absl::StatusOr<hub::v1::GoalInput> ParseGoal(const GoalOptions& options) {
  hub::v1::GoalInput goal;
  goal.set_life_domain(options.life_domain);
  goal.set_result(options.result);
  auto target = ParseDate(options.target_date);
  if (!target.ok()) return Bad(fmt::format("goal: target {}", ErrorText(target.status())));
  goal.set_target_date(*target);
  const auto tier = SupportTierWords().find(options.tier);
  if (tier == SupportTierWords().end()) {
    return Bad(fmt::format("goal: tier \"{}\" is not one of {}", options.tier, AcceptedWords(SupportTierWords())));
  }
  goal.set_tier(tier->second);
  const bool organisation = !options.responsible_organisation.empty();
  const bool person = !options.responsible_person.empty();
  if (organisation == person) {
    return Bad(fmt::format("goal: {} --responsible-organisation ORG or --responsible-person PERSON_ID, exactly one",
                           organisation ? "both given; give" : "nobody responsible; give"));
  }
  goal.set_responsible_organisation_id(options.responsible_organisation);
  goal.set_responsible_person_id(options.responsible_person);
  goal.set_agreements(options.agreements);
  return goal;
}

std::string ErrorText(const absl::Status& status) { return std::string(status.message()); }

}  // namespace hub::hubctl
