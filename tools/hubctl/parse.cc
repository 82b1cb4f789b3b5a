#include "tools/hubctl/parse.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string_view>
#include <vector>

#include "common/domain/date.h"
#include "fmt/format.h"
#include "google/protobuf/util/time_util.h"

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

absl::StatusOr<google::protobuf::Timestamp> ParseMoment(const std::string& text) {
  google::protobuf::Timestamp t;
  if (!google::protobuf::util::TimeUtil::FromString(text, &t)) {
    return Bad(fmt::format("not an RFC 3339 moment (2026-03-02T09:00:00Z): {}", text));
  }
  return t;
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

const std::map<std::string, hub::v1::ReferralStatus>& ReferralStatusWords() {
  static const auto* words = new std::map<std::string, hub::v1::ReferralStatus>{
      {"requested", hub::v1::REFERRAL_STATUS_REQUESTED},
      {"accepted", hub::v1::REFERRAL_STATUS_ACCEPTED},
      {"declined", hub::v1::REFERRAL_STATUS_DECLINED},
      {"expired", hub::v1::REFERRAL_STATUS_EXPIRED},
      {"handover-meeting", hub::v1::REFERRAL_STATUS_HANDOVER_MEETING},
      {"completed", hub::v1::REFERRAL_STATUS_COMPLETED},
      {"withdrawn", hub::v1::REFERRAL_STATUS_WITHDRAWN},
  };
  return *words;
}

const std::map<std::string, hub::v1::ReferralRole>& ReferralRoleWords() {
  static const auto* words = new std::map<std::string, hub::v1::ReferralRole>{
      {"sender", hub::v1::REFERRAL_ROLE_SENDER},
      {"receiver", hub::v1::REFERRAL_ROLE_RECEIVER},
  };
  return *words;
}

const std::map<std::string, hub::v1::ReceiverKind>& ReceiverKindWords() {
  static const auto* words = new std::map<std::string, hub::v1::ReceiverKind>{
      {"work-and-income", hub::v1::RECEIVER_KIND_WORK_AND_INCOME},
      {"care-provider", hub::v1::RECEIVER_KIND_CARE_PROVIDER},
      {"debt-services", hub::v1::RECEIVER_KIND_DEBT_SERVICES},
      {"consultation", hub::v1::RECEIVER_KIND_CONSULTATION},
  };
  return *words;
}

const std::map<std::string, hub::v1::Law>& LawWords() {
  static const auto* words = new std::map<std::string, hub::v1::Law>{
      {"wmo", hub::v1::LAW_WMO},
      {"jeugdwet", hub::v1::LAW_JEUGDWET},
      {"participatiewet", hub::v1::LAW_PARTICIPATIEWET},
  };
  return *words;
}

const std::map<std::string, hub::v1::BeschikkingOutcome>& OutcomeWords() {
  static const auto* words = new std::map<std::string, hub::v1::BeschikkingOutcome>{
      {"granted", hub::v1::BESCHIKKING_OUTCOME_GRANTED},
      {"partial", hub::v1::BESCHIKKING_OUTCOME_PARTIAL},
      {"rejected", hub::v1::BESCHIKKING_OUTCOME_REJECTED},
  };
  return *words;
}

const std::map<std::string, hub::v1::Unit>& UnitWords() {
  static const auto* words = new std::map<std::string, hub::v1::Unit>{
      {"minute", hub::v1::UNIT_MINUTE},   {"hour", hub::v1::UNIT_HOUR},   {"etmaal", hub::v1::UNIT_ETMAAL},
      {"dagdeel", hub::v1::UNIT_DAGDEEL}, {"piece", hub::v1::UNIT_PIECE}, {"euro", hub::v1::UNIT_EURO},
      {"piece-effort", hub::v1::UNIT_PIECE_EFFORT},
  };
  return *words;
}

const std::map<std::string, hub::v1::Frequency>& FrequencyWords() {
  static const auto* words = new std::map<std::string, hub::v1::Frequency>{
      {"per-day", hub::v1::FREQUENCY_PER_DAY},
      {"per-week", hub::v1::FREQUENCY_PER_WEEK},
      {"per-month", hub::v1::FREQUENCY_PER_MONTH},
      {"whole-period", hub::v1::FREQUENCY_WHOLE_PERIOD},
  };
  return *words;
}

const std::map<std::string, hub::v1::RedenWijziging>& RedenWijzigingWords() {
  static const auto* words = new std::map<std::string, hub::v1::RedenWijziging>{
      {"client-overleden", hub::v1::REDEN_WIJZIGING_CLIENT_OVERLEDEN},
      {"contractwijziging", hub::v1::REDEN_WIJZIGING_CONTRACTWIJZIGING},
      {"verlenging", hub::v1::REDEN_WIJZIGING_VERLENGING},
      {"verkorting", hub::v1::REDEN_WIJZIGING_VERKORTING},
      {"uitstroom-ander-domein", hub::v1::REDEN_WIJZIGING_UITSTROOM_ANDER_DOMEIN},
      {"verhuizing", hub::v1::REDEN_WIJZIGING_VERHUIZING},
      {"wijziging-leveringsvorm", hub::v1::REDEN_WIJZIGING_WIJZIGING_LEVERINGSVORM},
      {"overstap-aanbieder", hub::v1::REDEN_WIJZIGING_OVERSTAP_AANBIEDER},
      {"nieuwe-bekostiging", hub::v1::REDEN_WIJZIGING_NIEUWE_BEKOSTIGING},
      {"gemeentelijke-herindeling", hub::v1::REDEN_WIJZIGING_GEMEENTELIJKE_HERINDELING},
      {"door-aanbieder", hub::v1::REDEN_WIJZIGING_DOOR_AANBIEDER},
      {"verwijderd", hub::v1::REDEN_WIJZIGING_VERWIJDERD},
      {"administratieve-correctie", hub::v1::REDEN_WIJZIGING_ADMINISTRATIEVE_CORRECTIE},
  };
  return *words;
}

const std::map<std::string, hub::v1::RedenBeeindiging>& RedenBeeindigingWords() {
  static const auto* words = new std::map<std::string, hub::v1::RedenBeeindiging>{
      {"overlijden", hub::v1::REDEN_BEEINDIGING_OVERLIJDEN},
      {"volgens-plan", hub::v1::REDEN_BEEINDIGING_VOLGENS_PLAN},
      {"tijdelijk", hub::v1::REDEN_BEEINDIGING_TIJDELIJK},
      {"door-client", hub::v1::REDEN_BEEINDIGING_DOOR_CLIENT},
      {"door-aanbieder", hub::v1::REDEN_BEEINDIGING_DOOR_AANBIEDER},
      {"in-overleg-voortijdig", hub::v1::REDEN_BEEINDIGING_IN_OVERLEG_VOORTIJDIG},
      {"verhuizing", hub::v1::REDEN_BEEINDIGING_VERHUIZING},
      {"door-gemeente", hub::v1::REDEN_BEEINDIGING_DOOR_GEMEENTE},
      {"wijzigingsverzoek", hub::v1::REDEN_BEEINDIGING_WIJZIGINGSVERZOEK},
      {"overstap-aanbieder", hub::v1::REDEN_BEEINDIGING_OVERSTAP_AANBIEDER},
      {"uitstroom-ander-domein", hub::v1::REDEN_BEEINDIGING_UITSTROOM_ANDER_DOMEIN},
  };
  return *words;
}

const std::map<std::string, hub::v1::Verwijzer>& VerwijzerWords() {
  static const auto* words = new std::map<std::string, hub::v1::Verwijzer>{
      {"gemeente", hub::v1::VERWIJZER_GEMEENTE},
      {"huisarts", hub::v1::VERWIJZER_HUISARTS},
      {"jeugdarts", hub::v1::VERWIJZER_JEUGDARTS},
      {"gecertificeerde-instelling", hub::v1::VERWIJZER_GECERTIFICEERDE_INSTELLING},
      {"medisch-specialist", hub::v1::VERWIJZER_MEDISCH_SPECIALIST},
      {"zelfverwijzer", hub::v1::VERWIJZER_ZELFVERWIJZER},
      {"rechter", hub::v1::VERWIJZER_RECHTER},
  };
  return *words;
}

const std::map<std::string, hub::v1::RequestAnswer>& RequestAnswerWords() {
  static const auto* words = new std::map<std::string, hub::v1::RequestAnswer>{
      {"rejected", hub::v1::REQUEST_ANSWER_REJECTED},
      {"in-onderzoek", hub::v1::REQUEST_ANSWER_IN_ONDERZOEK},
  };
  return *words;
}

const std::map<std::string, hub::v1::BezwaarDecision>& BezwaarDecisionWords() {
  static const auto* words = new std::map<std::string, hub::v1::BezwaarDecision>{
      {"well-founded", hub::v1::BEZWAAR_DECISION_WELL_FOUNDED},
      {"unfounded", hub::v1::BEZWAAR_DECISION_UNFOUNDED},
  };
  return *words;
}

const std::map<std::string, hub::v1::DeadlineKind>& DeadlineKindWords() {
  static const auto* words = new std::map<std::string, hub::v1::DeadlineKind>{
      {"beschikking", hub::v1::DEADLINE_KIND_BESCHIKKING},
      {"start-message", hub::v1::DEADLINE_KIND_START_MESSAGE},
      {"request-answer", hub::v1::DEADLINE_KIND_REQUEST_ANSWER},
      {"bezwaar-decision", hub::v1::DEADLINE_KIND_BEZWAAR_DECISION},
  };
  return *words;
}

const std::map<std::string, hub::v1::DeadlineState>& DeadlineStateWords() {
  static const auto* words = new std::map<std::string, hub::v1::DeadlineState>{
      {"on-time", hub::v1::DEADLINE_STATE_ON_TIME},
      {"due-soon", hub::v1::DEADLINE_STATE_DUE_SOON},
      {"overdue", hub::v1::DEADLINE_STATE_OVERDUE},
  };
  return *words;
}

const std::map<std::string, hub::v1::ToewijzingStatus>& ToewijzingStatusWords() {
  static const auto* words = new std::map<std::string, hub::v1::ToewijzingStatus>{
      {"active", hub::v1::TOEWIJZING_STATUS_ACTIVE},
      {"future", hub::v1::TOEWIJZING_STATUS_FUTURE},
      {"expired", hub::v1::TOEWIJZING_STATUS_EXPIRED},
      {"removed", hub::v1::TOEWIJZING_STATUS_REMOVED},
  };
  return *words;
}

const std::map<std::string, hub::v1::BeschikkingOrigin>& OriginWords() {
  static const auto* words = new std::map<std::string, hub::v1::BeschikkingOrigin>{
      {"aanvraag", hub::v1::BESCHIKKING_ORIGIN_AANVRAAG},
      {"provider-request", hub::v1::BESCHIKKING_ORIGIN_PROVIDER_REQUEST},
      {"bezwaar", hub::v1::BESCHIKKING_ORIGIN_BEZWAAR},
      {"legacy", hub::v1::BESCHIKKING_ORIGIN_LEGACY},
  };
  return *words;
}

const std::map<std::string, hub::v1::DeliveryForm>& DeliveryFormWords() {
  static const auto* words = new std::map<std::string, hub::v1::DeliveryForm>{
      {"zin", hub::v1::DELIVERY_FORM_ZIN},
      {"pgb", hub::v1::DELIVERY_FORM_PGB},
  };
  return *words;
}

absl::StatusOr<int64_t> ParseEuroCents(const std::string& text) {
  const std::string s = Trim(text);
  const auto dot = s.find('.');
  int64_t euros = 0;
  int64_t cents = 0;
  const std::string whole = s.substr(0, dot);
  if (!ParseInteger(std::string_view(whole), &euros) || euros > 1'000'000'000) {
    return Bad(fmt::format("amount \"{}\": expected euros, e.g. 125 or 125.50", text));
  }
  if (dot != std::string::npos) {
    std::string fraction = s.substr(dot + 1);
    if (fraction.empty() || fraction.size() > 2 || !ParseInteger(std::string_view(fraction), &cents)) {
      return Bad(fmt::format("amount \"{}\": at most two digits after the point, e.g. 125.50", text));
    }
    if (fraction.size() == 1) cents *= 10;
  }
  return euros * 100 + cents;
}

namespace {

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    parts.push_back(Trim(std::string_view(text).substr(start, comma == std::string::npos ? std::string::npos
                                                                                          : comma - start)));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

template <class Enum>
absl::StatusOr<Enum> WordOf(const std::map<std::string, Enum>& words, const std::string& what,
                            const std::string& word) {
  const auto it = words.find(word);
  if (it == words.end()) return Bad(fmt::format("{} \"{}\" is not one of {}", what, word, AcceptedWords(words)));
  return it->second;
}

// The six parts every product shares: code, volume, unit, frequency, start and end.
template <class Product>
absl::Status ParseProductHead(const std::vector<std::string>& parts, const char* shape, Product* product) {
  if (parts[0].empty()) return Bad(fmt::format("product: the code is empty; {}", shape));
  product->set_product_code(parts[0]);
  int32_t volume = 0;
  if (!ParseInteger(std::string_view(parts[1]), &volume)) {
    return Bad(fmt::format("product: volume \"{}\" is not a whole number; {}", parts[1], shape));
  }
  product->set_volume(volume);
  auto unit = WordOf(UnitWords(), "product: unit", parts[2]);
  if (!unit.ok()) return unit.status();
  product->set_unit(*unit);
  auto frequency = WordOf(FrequencyWords(), "product: frequency", parts[3]);
  if (!frequency.ok()) return frequency.status();
  product->set_frequency(*frequency);
  auto start = ParseDate(parts[4]);
  if (!start.ok()) return Bad(fmt::format("product: start {}", ErrorText(start.status())));
  auto end = ParseDate(parts[5]);
  if (!end.ok()) return Bad(fmt::format("product: end {}", ErrorText(end.status())));
  product->set_start_date(*start);
  product->set_end_date(*end);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<hub::v1::ProductInput> ParseProduct(const std::string& text) {
  constexpr char kShape[] =
      "expected CODE,VOLUME,UNIT,FREQUENCY,START,END,zin:AGB|pgb:BUDGET[,EIGEN_BIJDRAGE][,replaces=ID][,reden=WORD]";
  const auto parts = SplitComma(text);
  if (parts.size() < 7) {
    return Bad(fmt::format("product \"{}\": {} comma-separated parts; {}", text, parts.size(), kShape));
  }
  hub::v1::ProductInput product;
  if (auto head = ParseProductHead(parts, kShape, &product); !head.ok()) return head;
  const auto colon = parts[6].find(':');
  const std::string form = parts[6].substr(0, colon);
  const std::string value = colon == std::string::npos ? std::string() : Trim(parts[6].substr(colon + 1));
  if (form == "zin" && !value.empty()) {
    product.set_form(hub::v1::DELIVERY_FORM_ZIN);
    product.set_provider_agb_code(value);
  } else if (form == "pgb" && !value.empty()) {
    product.set_form(hub::v1::DELIVERY_FORM_PGB);
    auto budget = ParseEuroCents(value);
    if (!budget.ok()) return Bad(fmt::format("product: pgb budget: {}", ErrorText(budget.status())));
    product.set_pgb_budget_cents(*budget);
  } else {
    return Bad(fmt::format("product: delivery \"{}\" is neither zin:AGB_CODE nor pgb:BUDGET_EUR; {}", parts[6],
                           kShape));
  }
  for (size_t i = 7; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const auto eq = part.find('=');
    const std::string key = eq == std::string::npos ? std::string() : part.substr(0, eq);
    const std::string val = eq == std::string::npos ? part : part.substr(eq + 1);
    if (key.empty() || key == "eigen-bijdrage") {
      auto amount = ParseEuroCents(val);
      if (!amount.ok()) return Bad(fmt::format("product: eigen bijdrage: {}", ErrorText(amount.status())));
      product.set_eigen_bijdrage_cents(*amount);
    } else if (key == "replaces") {
      if (val.empty()) return Bad("product: replaces= names no toewijzing");
      product.set_replaces_toewijzing_id(val);
    } else if (key == "reden") {
      auto reden = WordOf(RedenWijzigingWords(), "product: reden", val);
      if (!reden.ok()) return reden.status();
      product.set_reden_wijziging(*reden);
    } else {
      return Bad(fmt::format("product: unknown part \"{}\"; {}", part, kShape));
    }
  }
  return product;
}

absl::StatusOr<hub::v1::RequestedProduct> ParseRequestedProduct(const std::string& text) {
  constexpr char kShape[] = "expected CODE,VOLUME,UNIT,FREQUENCY,START,END";
  const auto parts = SplitComma(text);
  if (parts.size() != 6) {
    return Bad(fmt::format("product \"{}\": {} comma-separated parts; {}", text, parts.size(), kShape));
  }
  hub::v1::RequestedProduct product;
  if (auto head = ParseProductHead(parts, kShape, &product); !head.ok()) return head;
  return product;
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
