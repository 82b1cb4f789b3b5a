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

// Sealed free text that must be there (a goal's result): empty means the plan key was erased.
std::string OrErased(const std::string& s) { return s.empty() ? "(erased)" : OneLine(s); }

// Who delivers a goal: an organisation by its id, or a person of the household.
std::string Responsible(const hub::v1::GoalView& goal) {
  if (!goal.responsible_organisation_id().empty()) return goal.responsible_organisation_id();
  if (!goal.responsible_person_id().empty()) return "person " + goal.responsible_person_id();
  return "-";
}

std::string OrganisationAndUser(const std::string& organisation, const std::string& user) {
  return organisation.empty() && user.empty() ? "none" : fmt::format("{} / {}", organisation, user);
}

void PrintGoals(const google::protobuf::RepeatedPtrField<hub::v1::GoalView>& goals, std::ostream& out) {
  if (goals.empty()) {
    out << "  none\n";
    return;
  }
  Table table({"GOAL", "DOMAIN", "TIER", "TARGET", "RESPONSIBLE", "RESULT"});
  bool any_agreements = false;
  for (const auto& g : goals) {
    table.AddRow({g.goal_id(), g.life_domain(), Word(SupportTierWords(), g.tier()), g.target_date(), Responsible(g),
                  OrErased(g.result())});
    any_agreements = any_agreements || !g.agreements().empty();
  }
  table.Print(out, "  ");
  if (!any_agreements) return;
  out << "\n  agreements\n";
  Table agreements({"GOAL", "AGREEMENTS"});
  for (const auto& g : goals) {
    if (!g.agreements().empty()) agreements.AddRow({g.goal_id(), OneLine(g.agreements())});
  }
  agreements.Print(out, "    ");
}

void PrintDirectives(const hub::v1::ProcesregieView& p, std::ostream& out) {
  out << "\n    directives\n";
  if (p.directives().empty()) {
    out << "      none\n";
    return;
  }
  Table table({"DIRECTIVE", "ORGANISATION", "DUE", "STATE", "ACTION"});
  for (const auto& d : p.directives()) {
    const std::string state =
        !d.completed_on().empty() ? fmt::format("done {}", d.completed_on()) : d.overdue() ? "OVERDUE" : "open";
    table.AddRow({d.directive_id(), d.organisation_id(), d.due_on(), state, OrDash(OneLine(d.action()))});
  }
  table.Print(out, "      ");
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

void PrintText(const hub::v1::DraftPlanReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  lines.Add("plan", reply.plan_id());
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::GoalReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  lines.Add("goal", reply.goal_id());
  lines.Add("revision", std::to_string(reply.revision()));
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::EscalateToProcesregieReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  lines.Add("escalation", reply.escalation_id());
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::IssueDirectiveReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  lines.Add("directive", reply.directive_id());
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::PlanView& plan, std::ostream& out) {
  KeyValues head;
  head.Add("household", plan.household_id());
  head.Add("tenant", plan.tenant());
  head.Add("version", std::to_string(plan.version()));
  head.Add("plan", plan.plan_id());
  std::string status = Word(PlanStatusWords(), plan.status());
  if (!plan.closed_reason().empty()) status += " " + plan.closed_reason();
  head.Add("status", status);
  head.Add("melding", OrDash(plan.melding_id()));
  head.Add("revision", plan.revision() == plan.agreed_revision()
                           ? std::to_string(plan.revision())
                           : fmt::format("{} (awaits agreement)", plan.revision()));
  head.Add("agreed revision", plan.agreed_revision() == 0 ? "none" : std::to_string(plan.agreed_revision()));
  head.Add("evaluation", fmt::format("every {} weeks", plan.evaluation_interval_weeks()));
  head.Add("next evaluation", plan.next_evaluation_on().empty() ? "-"
                              : plan.evaluation_overdue()       ? fmt::format("{} OVERDUE", plan.next_evaluation_on())
                                                                : plan.next_evaluation_on());
  head.Add("regisseur", OrganisationAndUser(plan.regisseur_organisation_id(), plan.regisseur_user_pseudonym()));
  head.Add("procesregie", plan.under_procesregie() ? "yes" : "no");
  // A partial view must not pass for the whole plan.
  if (plan.restricted()) head.Add("restricted", "yes: only the goals your organisation is responsible for");
  head.Print(out);

  out << fmt::format("\ngoals (revision {})\n", plan.revision());
  PrintGoals(plan.goals(), out);

  out << "\nevaluations (latest per goal)\n";
  Table evaluations({"GOAL", "DOMAIN", "EVALUATED", "PROGRESS", "ZRM", "NEXT", "NOTES"});
  for (const auto& g : plan.goals()) {
    if (!g.has_last_evaluation()) continue;
    const auto& e = g.last_evaluation();
    evaluations.AddRow({g.goal_id(), g.life_domain(), e.evaluated_on(), Word(GoalProgressWords(), e.progress()),
                        std::to_string(e.zrm_score()), OrDash(e.next_evaluation_on()), OrDash(OneLine(e.notes()))});
  }
  if (evaluations.empty()) {
    out << "  none\n";
  } else {
    evaluations.Print(out, "  ");
  }

  out << "\nhistory (agreed revisions)\n";
  if (plan.history().empty()) {
    out << "  none\n";
  } else {
    Table history({"REVISION", "AGREED", "RESIDENT", "REGISSEUR", "GOALS"});
    for (const auto& r : plan.history()) {
      history.AddRow({std::to_string(r.revision()), r.agreed_on(),
                      r.as_representative() ? fmt::format("{} (representative)", r.resident_person_id())
                                            : OrDash(r.resident_person_id()),
                      OrganisationAndUser(r.regisseur_organisation_id(), r.regisseur_user_pseudonym()),
                      std::to_string(r.goals_size())});
    }
    history.Print(out, "  ");
  }

  out << "\nprocesregie\n";
  if (plan.procesregie().empty()) out << "  none\n";
  for (int i = 0; i < plan.procesregie_size(); ++i) {
    const auto& p = plan.procesregie(i);
    if (i > 0) out << '\n';
    KeyValues lines;
    lines.Add("escalation", p.escalation_id());
    lines.Add("reason", Word(EscalationReasonWords(), p.reason()));
    lines.Add("explanation", OrDash(OneLine(p.explanation())));
    lines.Add("procesregisseur",
              OrganisationAndUser(p.procesregisseur_organisation_id(), p.procesregisseur_user_pseudonym()));
    lines.Add("started", p.started_on());
    lines.Add("released", p.released_on().empty() ? "no: under procesregie" : p.released_on());
    lines.Print(out, "  ");
    PrintDirectives(p, out);
  }
}

void PrintText(const hub::v1::ListPlansResponse& page, std::ostream& out) {
  if (page.plans().empty()) {
    out << "no plans\n";
  } else {
    Table table({"HOUSEHOLD", "PLAN", "STATUS", "REVISION", "NEXT EVALUATION", "PROCESREGIE", "DIRECTIVES"});
    for (const auto& p : page.plans()) {
      std::string next = OrDash(p.next_evaluation_on());
      if (p.evaluation_overdue()) next += " OVERDUE";
      std::string directives = std::to_string(p.open_directives()) + " open";
      if (p.overdue_directives() > 0) directives += fmt::format(", {} overdue", p.overdue_directives());
      table.AddRow({p.household_id(), p.plan_id(), Word(PlanStatusWords(), p.status()), std::to_string(p.revision()),
                    next, p.under_procesregie() ? "yes" : "no", directives});
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
