#include "tools/hubctl/output.h"

#include <algorithm>
#include <map>
#include <vector>

#include "fmt/format.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/parse.h"
#include "tools/hubctl/table.h"

namespace hub::hubctl {
namespace {

// The command-line word for an enum value ("phone"), so output reads like the input it came from.
template <class Enum>
std::string Word(const std::map<std::string, Enum>& words, Enum value) {
  for (const auto& [word, v] : words) {
    if (v == value) return word;
  }
  return "-";
}

std::string Join(const google::protobuf::RepeatedPtrField<std::string>& items, const char* separator = ",") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// Free text in one table cell: a line break would tear the table apart.
std::string OneLine(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return text;
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

// The lines every command result shares: household, version, where its events are, replay.
void AddCommandLines(const hub::v1::CommandReply& reply, KeyValues& lines) {
  lines.Add("version", std::to_string(reply.version()));
  // Each place once: the same position twice says nothing more.
  std::vector<std::string> positions;
  for (const auto& position : reply.positions()) {
    std::string text = FormatPosition(position);
    if (std::find(positions.begin(), positions.end(), text) != positions.end()) continue;
    lines.Add("position", text);
    positions.push_back(std::move(text));
  }
  if (reply.replayed()) {
    lines.Add("replayed", "yes: a retry of an earlier --request-id, nothing new happened");
  } else if (reply.event_ids().empty()) {
    lines.Add("unchanged", "yes: the household was already so");
  }
}

}  // namespace

bool PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return false;
  out << json << '\n';
  return true;
}

void PrintText(const hub::v1::RegisterMeldingReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  lines.Add("melding", reply.melding_id());
  for (int i = 0; i < reply.person_ids_size(); ++i) {
    lines.Add(fmt::format("person {}", i + 1), reply.person_ids(i));
  }
  lines.Add("onderzoek due", reply.onderzoek_due());
  if (reply.joined_existing_household()) lines.Add("joined", "an existing household");
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::RecordConsentReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  lines.Add("consent", reply.consent_id());
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::CommandReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.household_id());
  AddCommandLines(reply, lines);
  lines.Print(out);
}

void PrintText(const hub::v1::Household& household, std::ostream& out) {
  KeyValues head;
  head.Add("household", household.household_id());
  head.Add("tenant", household.tenant());
  head.Add("version", std::to_string(household.version()));
  head.Add("regisseur", household.has_regisseur() ? fmt::format("{} / {}", household.regisseur().organisation_id(),
                                                                household.regisseur().user_pseudonym())
                                                  : "none");
  head.Print(out);

  out << "\nmembers\n";
  Table members({"PERSON", "BORN", "RELATION", "NAME", "NOTE"});
  for (const auto& m : household.members()) {
    members.AddRow({m.person_id(), m.birth_date(), m.relation(),
                    // An empty name means the person's key was erased: say so rather than print nothing.
                    m.name().empty() ? "(erased)" : OneLine(m.name()), m.near_eighteen() ? "near 18" : ""});
  }
  members.Print(out, "  ");

  out << "\nmeldingen\n";
  Table meldingen({"MELDING", "STATE", "CHANNEL", "SOURCE", "REGISTERED", "DUE", "DOMAINS", "QUESTION"});
  for (const auto& m : household.meldingen()) {
    std::string state = m.state();
    if (!m.close_reason().empty()) state += " " + m.close_reason();
    meldingen.AddRow({m.melding_id(), state, Word(ChannelWords(), m.channel()), Word(SourceWords(), m.source()),
                      m.registered_on(), m.onderzoek_due(), OrDash(Join(m.life_domains())),
                      OrDash(OneLine(m.question()))});
  }
  meldingen.Print(out, "  ");

  out << "\nconsents\n";
  if (household.consents().empty()) {
    out << "  none\n";
  } else {
    Table consents({"CONSENT", "PERSON", "RECIPIENT", "CATEGORIES", "VALID UNTIL", "ACTIVE", "PURPOSE"});
    for (const auto& c : household.consents()) {
      consents.AddRow({c.consent_id(), c.person_id(), c.recipient_organisation_id(), Join(c.data_categories()),
                       google::protobuf::util::TimeUtil::ToString(c.valid_until()), c.active() ? "yes" : "no",
                       OneLine(c.purpose())});
    }
    consents.Print(out, "  ");
  }

  out << "\ntriage\n";
  if (!household.has_latest_triage()) {
    out << "  none\n";
  } else {
    const auto& t = household.latest_triage();
    // A protobuf map has no order; sorted, two runs print the same lines.
    const std::map<std::string, int32_t> sorted(t.zrm_scores().begin(), t.zrm_scores().end());
    std::string zrm;
    for (const auto& [domain, score] : sorted) zrm += fmt::format("{}{}={}", zrm.empty() ? "" : " ", domain, score);
    KeyValues triage;
    triage.Add("melding", t.melding_id());
    triage.Add("class", t.triage_class());
    triage.Add("team", t.team() == t.derived_team() ? t.team() : fmt::format("{} (derived {})", t.team(), t.derived_team()));
    triage.Add("zrm", OrDash(zrm));
    triage.Add("completed", t.completed_on());
    triage.Print(out, "  ");
  }
}

void PrintText(const hub::v1::ListMeldingenResponse& page, std::ostream& out) {
  if (page.meldingen().empty()) {
    out << "no meldingen\n";
  } else {
    Table table({"HOUSEHOLD", "MELDING", "STATE", "REGISTERED", "DUE"});
    for (const auto& m : page.meldingen()) {
      table.AddRow({m.household_id(), m.melding_id(), m.state(), m.registered_on(), m.onderzoek_due()});
    }
    table.Print(out);
  }
  if (!page.next_page_token().empty()) {
    out << fmt::format("\nmore: --page-token {} (or --all)\n", page.next_page_token());
  }
}

void PrintError(const CallResult& result, std::ostream& err) {
  err << fmt::format("hubctl: {}: {}\n", CodeName(result.code), result.message);
  if (!result.field.empty()) err << fmt::format("  field: {}\n", result.field);
  if (!result.reason.empty()) err << fmt::format("  reason: {}\n", result.reason);
}

std::string FormatPosition(const hub::v1::Position& position) {
  return fmt::format("{}:{}:{}", position.topic(), position.partition(), position.offset());
}

}  // namespace hub::hubctl
