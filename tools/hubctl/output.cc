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

namespace {

// A referral's state as `referral list --status` spells it, with OVERDUE when the handover is late.
std::string ReferralState(hub::v1::ReferralStatus status, bool overdue) {
  std::string state = Word(ReferralStatusWords(), status);
  if (overdue) state += " OVERDUE";
  return state;
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// Why a section of the dossier is absent: the referral did not ask for its category, or no live
// consent covers it now. Said outright, so an empty section never passes for "nothing to tell".
std::string NotShown(const hub::v1::HandoverDossier& dossier, const std::string& category) {
  if (Contains(dossier.withheld_categories(), category)) {
    return fmt::format("  not shown: no live consent for {} now\n", category);
  }
  return fmt::format("  not shown: the referral did not ask for {}\n", category);
}

// A name the dossier shows: empty means the person's key was erased.
std::string DossierName(const hub::v1::DossierPerson& person) {
  return person.name().empty() ? "(erased)" : OneLine(person.name());
}

std::string Sorted(const google::protobuf::Map<std::string, int32_t>& scores) {
  // A protobuf map has no order; sorted, two runs print the same line.
  const std::map<std::string, int32_t> sorted(scores.begin(), scores.end());
  std::string zrm;
  for (const auto& [domain, score] : sorted) zrm += fmt::format("{}{}={}", zrm.empty() ? "" : " ", domain, score);
  return zrm;
}

}  // namespace

void PrintText(const hub::v1::RequestReferralReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  lines.Add("referral", reply.referral_id());
  lines.Add("answer due", reply.answer_due());
  for (const auto& consent : reply.consent_ids()) lines.Add("consent", consent);
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::HandoverDossier& dossier, std::ostream& out) {
  auto shown = [&](const std::string& category) { return Contains(dossier.shown_categories(), category); };
  KeyValues head;
  head.Add("household", dossier.household_id());
  head.Add("tenant", dossier.tenant());
  head.Add("version", std::to_string(dossier.version()));
  head.Add("referral", dossier.referral_id());
  head.Add("person", dossier.person_id());
  head.Add("from", dossier.sender_organisation_id());
  head.Add("to", dossier.receiver_organisation_id());
  head.Add("status", Word(ReferralStatusWords(), dossier.status()));
  head.Add("purpose", OneLine(dossier.purpose()));
  head.Add("requested", OrDash(Join(dossier.requested_categories())));
  head.Add("shown", OrDash(Join(dossier.shown_categories())));
  // Withheld is the news a reader must not miss: consent was never given, withdrawn or lapsed.
  head.Add("withheld", dossier.withheld_categories().empty() ? "none" : Join(dossier.withheld_categories()));
  head.Add("consents", OrDash(Join(dossier.consent_ids())));
  head.Add("read at", google::protobuf::util::TimeUtil::ToString(dossier.read_at()));
  head.Print(out);

  out << "\ncontact\n";
  if (dossier.has_contact()) {
    const auto& p = dossier.contact().person();
    KeyValues contact;
    contact.Add("person", p.person_id());
    contact.Add("name", DossierName(p));
    contact.Add("born", OrDash(p.birth_date()));
    contact.Print(out, "  ");
  } else {
    out << NotShown(dossier, "CONTACT");
  }

  out << "\nhousehold members\n";
  if (dossier.has_household()) {
    // Names only when CONTACT is shown too (referral.proto, HouseholdSection).
    const bool names = shown("CONTACT");
    Table members(names ? std::vector<std::string>{"PERSON", "RELATION", "BORN", "NAME"}
                        : std::vector<std::string>{"PERSON", "RELATION", "BORN"});
    for (const auto& m : dossier.household().members()) {
      std::vector<std::string> row = {m.person_id(), OrDash(m.relation()), OrDash(m.birth_date())};
      if (names) row.push_back(DossierName(m));
      members.AddRow(std::move(row));
    }
    if (members.empty()) {
      out << "  none\n";
    } else {
      members.Print(out, "  ");
    }
  } else {
    out << NotShown(dossier, "HOUSEHOLD_COMPOSITION");
  }

  out << "\ntriage\n";
  if (dossier.has_triage()) {
    const auto& t = dossier.triage();
    KeyValues triage;
    triage.Add("class", t.triage_class());
    triage.Add("team", t.team());
    triage.Add("completed", t.completed_on());
    // Life domains of a category not shown (FINANCIEN without FINANCIAL, ...) are left out by the hub.
    triage.Add("zrm", OrDash(Sorted(t.zrm_scores())));
    triage.Print(out, "  ");
  } else if (shown("TRIAGE")) {
    out << "  none\n";
  } else {
    out << NotShown(dossier, "TRIAGE");
  }

  out << "\nplan goals served\n";
  if (!shown("PLAN")) {
    out << NotShown(dossier, "PLAN");
  } else {
    if (!dossier.plan().plan_id().empty()) out << fmt::format("  plan  {}\n", dossier.plan().plan_id());
    if (dossier.plan().goals().empty()) {
      out << "  none\n";
    } else {
      Table goals({"GOAL", "DOMAIN", "TIER", "TARGET", "RESULT"});
      for (const auto& g : dossier.plan().goals()) {
        goals.AddRow({g.goal_id(), g.life_domain(), Word(SupportTierWords(), g.tier()), OrDash(g.target_date()),
                      OrErased(g.result())});
      }
      goals.Print(out, "  ");
    }
  }

  out << "\nhistory\n";
  if (!shown("PLAN")) {
    out << NotShown(dossier, "PLAN");
    return;
  }
  out << "  support\n";
  if (dossier.history().support().empty()) {
    out << "    none\n";
  } else {
    Table support({"PLAN", "GOAL", "DOMAIN", "TIER", "RESPONSIBLE", "TARGET", "PLAN STATUS"});
    for (const auto& s : dossier.history().support()) {
      support.AddRow({s.plan_id(), s.goal_id(), s.life_domain(), Word(SupportTierWords(), s.tier()),
                      s.responsible_organisation_id().empty() ? "a person" : s.responsible_organisation_id(),
                      OrDash(s.target_date()), Word(PlanStatusWords(), s.plan_status())});
    }
    support.Print(out, "    ");
  }
  out << "  referrals\n";
  if (dossier.history().referrals().empty()) {
    out << "    none\n";
  } else {
    Table referrals({"REFERRAL", "TO", "KIND", "STATUS", "REQUESTED", "CLOSED"});
    for (const auto& r : dossier.history().referrals()) {
      referrals.AddRow({r.referral_id(), r.receiver_organisation_id(), Word(ReceiverKindWords(), r.receiver_kind()),
                        Word(ReferralStatusWords(), r.status()), r.requested_on(), OrDash(r.closed_on())});
    }
    referrals.Print(out, "    ");
  }
}

void PrintText(const hub::v1::HouseholdReferrals& referrals, std::ostream& out) {
  KeyValues head;
  head.Add("household", referrals.household_id());
  head.Add("tenant", referrals.tenant());
  head.Add("version", std::to_string(referrals.version()));
  // A partial view must not pass for the whole household.
  if (referrals.restricted()) head.Add("restricted", "yes: only the referrals addressed to your organisation");
  head.Print(out);

  out << "\nreferrals\n";
  if (referrals.referrals().empty()) {
    out << "  none\n";
    return;
  }
  Table table({"REFERRAL", "PERSON", "FROM", "TO", "KIND", "STATUS", "REQUESTED", "ANSWER DUE", "MEETING", "CLOSED",
               "CATEGORIES", "PURPOSE"});
  for (const auto& r : referrals.referrals()) {
    table.AddRow({r.referral_id(), r.person_id(), r.sender_organisation_id(), r.receiver_organisation_id(),
                  Word(ReceiverKindWords(), r.receiver_kind()), ReferralState(r.status(), r.overdue()),
                  r.requested_on(), OrDash(r.answer_due()), OrDash(r.meeting_on()), OrDash(r.closed_on()),
                  OrDash(Join(r.data_categories())), OrDash(OneLine(r.purpose()))});
  }
  table.Print(out, "  ");

  // The free text apart, so the table stays readable: why each was referred, and why it was
  // declined or withdrawn. Empty text of a referral that has one means the person's key was erased.
  out << "\nreasons\n";
  Table reasons({"REFERRAL", "FOR", "REASON"});
  for (const auto& r : referrals.referrals()) {
    reasons.AddRow({r.referral_id(), "request", OrErased(r.reason())});
    const bool closed_with_reason =
        r.status() == hub::v1::REFERRAL_STATUS_DECLINED || r.status() == hub::v1::REFERRAL_STATUS_WITHDRAWN;
    if (closed_with_reason) {
      reasons.AddRow({r.referral_id(), r.status() == hub::v1::REFERRAL_STATUS_DECLINED ? "decline" : "withdrawal",
                      OrErased(r.closing_reason())});
    }
  }
  reasons.Print(out, "  ");

  bool any_goals = false;
  for (const auto& r : referrals.referrals()) any_goals = any_goals || !r.goal_ids().empty();
  if (!any_goals) return;
  out << "\nplan goals served\n";
  Table goals({"REFERRAL", "PLAN", "GOALS"});
  for (const auto& r : referrals.referrals()) {
    if (!r.goal_ids().empty()) goals.AddRow({r.referral_id(), r.plan_id(), Join(r.goal_ids())});
  }
  goals.Print(out, "  ");
}

void PrintText(const hub::v1::ListReferralsResponse& page, std::ostream& out) {
  if (page.referrals().empty()) {
    out << "no referrals\n";
  } else {
    Table table({"HOUSEHOLD", "REFERRAL", "PERSON", "FROM", "TO", "KIND", "STATUS", "REQUESTED", "ANSWER DUE",
                 "MEETING", "CLOSED"});
    for (const auto& r : page.referrals()) {
      table.AddRow({r.household_id(), r.referral_id(), r.person_id(), r.sender_organisation_id(),
                    r.receiver_organisation_id(), Word(ReceiverKindWords(), r.receiver_kind()),
                    ReferralState(r.status(), r.overdue()), r.requested_on(), OrDash(r.answer_due()),
                    OrDash(r.meeting_on()), OrDash(r.closed_on())});
    }
    table.Print(out);
  }
  if (!page.next_page_token().empty()) {
    out << fmt::format("\nmore: --page-token {} (or --all)\n", page.next_page_token());
  }
}

namespace {

// A toewijzing as a reply names it: "ID  nummer N, product P at AGB A".
void AddToewijzingLines(const google::protobuf::RepeatedPtrField<hub::v1::ToewijzingRef>& refs, KeyValues& lines) {
  for (const auto& t : refs) {
    lines.Add("toewijzing", fmt::format("{}  nummer {}, product {}, provider AGB {}", t.toewijzing_id(),
                                        t.toewijzingnummer(), t.product_code(), t.provider_agb_code()));
  }
}

std::string Euros(int64_t cents) { return fmt::format("{}.{:02d}", cents / 100, static_cast<int>(cents % 100)); }

// "3 hour per-week": volume, unit and frequency as `--product` takes them.
std::string Amount(int32_t volume, hub::v1::Unit unit, hub::v1::Frequency frequency) {
  return fmt::format("{} {} {}", volume, Word(UnitWords(), unit), Word(FrequencyWords(), frequency));
}

std::string Moment(const google::protobuf::Timestamp& t) {
  return t.seconds() == 0 && t.nanos() == 0 ? "-" : google::protobuf::util::TimeUtil::ToString(t);
}

std::string Reden(hub::v1::RedenWijziging reden) {
  return reden == hub::v1::REDEN_WIJZIGING_UNSPECIFIED
             ? "-"
             : fmt::format("{:02d} {}", static_cast<int>(reden), Word(RedenWijzigingWords(), reden));
}

// Delivery as the provider reported it: "delivering since D", "stopped D (reason)" or "-".
std::string Delivery(const hub::v1::ToewijzingView& t) {
  std::string text;
  if (!t.stopped_on().empty()) {
    text = fmt::format("stopped {} ({})", t.stopped_on(), Word(RedenBeeindigingWords(), t.stop_reason()));
    if (t.delivering()) text = fmt::format("restarted {} after stop {}", t.started_on(), t.stopped_on());
  } else if (!t.started_on().empty()) {
    text = fmt::format("{} since {}", t.delivering() ? "delivering" : "started", t.started_on());
  } else {
    text = "not started";
  }
  if (t.start_reported_late()) text += ", start reported LATE";
  return text;
}

}  // namespace

void PrintText(const hub::v1::SubmitAanvraagReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  lines.Add("aanvraag", reply.aanvraag_id());
  lines.Add("decision due", reply.decision_due());
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::IssueBeschikkingReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  lines.Add("beschikking", reply.beschikking_id());
  AddToewijzingLines(reply.toewijzingen(), lines);
  lines.Add("bezwaar due", OrDash(reply.bezwaar_due()));
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::ProviderRequestReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  lines.Add("request", reply.request_id());
  lines.Add("answer due", reply.answer_due());
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::AnswerRequestReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  if (!reply.aanvraag_id().empty()) {
    lines.Add("aanvraag", reply.aanvraag_id());
    lines.Add("decision due", reply.decision_due());
  }
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::FileBezwaarReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  lines.Add("bezwaar", reply.bezwaar_id());
  lines.Add("decision due", reply.decision_due());
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::DecideBezwaarReply& reply, std::ostream& out) {
  KeyValues lines;
  lines.Add("household", reply.result().household_id());
  if (!reply.new_beschikking_id().empty()) lines.Add("new beschikking", reply.new_beschikking_id());
  AddToewijzingLines(reply.toewijzingen(), lines);
  AddCommandLines(reply.result(), lines);
  lines.Print(out);
}

void PrintText(const hub::v1::BeschikkingenView& view, std::ostream& out) {
  KeyValues head;
  head.Add("household", view.household_id());
  head.Add("tenant", view.tenant());
  head.Add("version", std::to_string(view.version()));
  // A partial view must not pass for the whole household.
  if (view.restricted()) head.Add("restricted", "yes: only your organisation's toewijzingen and requests");
  head.Print(out);

  out << "\naanvragen\n";
  if (view.aanvragen().empty()) {
    out << "  none\n";
  } else {
    Table table({"AANVRAAG", "PERSON", "LAW", "ORIGIN", "SUBMITTED", "DECISION DUE", "BESCHIKKING", "REQUESTED"});
    for (const auto& a : view.aanvragen()) {
      table.AddRow({a.aanvraag_id(), a.person_id(), Word(LawWords(), a.law()), Word(OriginWords(), a.origin()),
                    a.submitted_on(), a.decision_due(), a.beschikking_id().empty() ? "open" : a.beschikking_id(),
                    OrErased(a.requested_provision())});
    }
    table.Print(out, "  ");
  }

  out << "\nbeschikkingen\n";
  if (view.beschikkingen().empty()) {
    out << "  none\n";
  } else {
    Table table({"BESCHIKKING", "PERSON", "LAW", "ORIGIN", "OUTCOME", "ISSUED", "DUE", "ON TIME", "BEZWAAR DUE",
                 "TRIAGE", "PLAN", "STATE"});
    for (const auto& b : view.beschikkingen()) {
      std::string state = b.replaced_by_beschikking_id().empty()
                              ? "in force"
                              : fmt::format("replaced by {}", b.replaced_by_beschikking_id());
      if (!b.valid_until().empty()) state += fmt::format(", legacy {} until {}", b.legacy_reference(), b.valid_until());
      const std::string triage =
          b.triage_class().empty() ? "-" : fmt::format("{} {}", b.triage_class(), b.triage_completed_on());
      table.AddRow({b.beschikking_id(), b.person_id(), Word(LawWords(), b.law()), Word(OriginWords(), b.origin()),
                    Word(OutcomeWords(), b.outcome()), b.issued_on(), OrDash(b.decision_due()),
                    b.on_time() ? "yes" : "NO", OrDash(b.bezwaar_due()), triage, OrDash(b.plan_id()), state});
    }
    table.Print(out, "  ");

    out << "\n  products\n";
    Table products({"BESCHIKKING", "PRODUCT", "CATEGORY", "AMOUNT", "FROM", "UNTIL", "FORM", "PROVIDER / BUDGET",
                    "EIGEN BIJDRAGE", "TOEWIJZING"});
    for (const auto& b : view.beschikkingen()) {
      for (const auto& p : b.products()) {
        const std::string delivery = p.form() == hub::v1::DELIVERY_FORM_PGB ? "EUR " + Euros(p.pgb_budget_cents())
                                                                             : "AGB " + p.provider_agb_code();
        products.AddRow({b.beschikking_id(), p.product_code(), p.category(),
                         Amount(p.volume(), p.unit(), p.frequency()), p.start_date(), p.end_date(),
                         Word(DeliveryFormWords(), p.form()), delivery,
                         p.eigen_bijdrage_cents() == 0 ? "-" : "EUR " + Euros(p.eigen_bijdrage_cents()) + "/month",
                         OrDash(p.toewijzing_id())});
      }
    }
    if (products.empty()) {
      out << "    none\n";
    } else {
      products.Print(out, "    ");
    }

    out << "\n  motivations\n";
    Table motivations({"BESCHIKKING", "MOTIVATION"});
    for (const auto& b : view.beschikkingen()) motivations.AddRow({b.beschikking_id(), OrErased(b.motivation())});
    motivations.Print(out, "    ");
  }

  out << "\ntoewijzingen\n";
  if (view.toewijzingen().empty()) {
    out << "  none\n";
  } else {
    Table table({"TOEWIJZING", "NUMMER", "PERSON", "LAW", "PRODUCT", "AMOUNT", "INGANG", "EINDE", "PROVIDER AGB",
                 "STATUS", "DELIVERY", "BESCHIKKING"});
    for (const auto& t : view.toewijzingen()) {
      table.AddRow({t.toewijzing_id(), t.toewijzingnummer(), t.person_id(), Word(LawWords(), t.law()),
                    t.product_code(), Amount(t.volume(), t.unit(), t.frequency()), t.ingangsdatum(), t.einddatum(),
                    t.provider_agb_code(), Word(ToewijzingStatusWords(), t.status()), Delivery(t),
                    t.beschikking_id()});
    }
    table.Print(out, "  ");

    // Valid time (the dates, and from when the version holds) beside record time (when the hub
    // recorded it): a retroactive correction shows valid from before recorded at.
    out << "\n  versions (valid from: when it took effect; recorded at: when the hub recorded it)\n";
    Table versions({"TOEWIJZING", "VERSION", "CHANGE", "INGANG", "EINDE", "PRODUCT", "VOLUME", "REDEN", "VALID FROM",
                    "RECORDED AT"});
    for (const auto& t : view.toewijzingen()) {
      for (const auto& v : t.history()) {
        versions.AddRow({t.toewijzing_id(), std::to_string(v.version()), v.change(), v.ingangsdatum(), v.einddatum(),
                         v.product_code(), std::to_string(v.volume()), Reden(v.reden_wijziging()),
                         Moment(v.valid_from()), Moment(v.recorded_at())});
      }
    }
    versions.Print(out, "    ");

    bool any_link = false;
    for (const auto& t : view.toewijzingen()) {
      any_link = any_link || !t.replaces_toewijzing_id().empty() || !t.replaced_by_toewijzing_id().empty();
    }
    if (any_link) {
      out << "\n  replacements\n";
      Table links({"TOEWIJZING", "REPLACES", "REPLACED BY", "REDEN"});
      for (const auto& t : view.toewijzingen()) {
        if (t.replaces_toewijzing_id().empty() && t.replaced_by_toewijzing_id().empty()) continue;
        links.AddRow({t.toewijzing_id(), OrDash(t.replaces_toewijzing_id()), OrDash(t.replaced_by_toewijzing_id()),
                      Reden(t.reden_wijziging())});
      }
      links.Print(out, "    ");
    }
  }

  out << "\nrequests\n";
  if (view.requests().empty()) {
    out << "  none\n";
  } else {
    Table table({"REQUEST", "KIND", "PERSON", "LAW", "TOEWIJZING", "PRODUCT", "PROVIDER AGB", "REQUESTED",
                 "ANSWER DUE", "ANSWER", "MOTIVATION"});
    for (const auto& r : view.requests()) {
      std::string answer = "open";
      if (!r.beschikking_id().empty()) {
        answer = "beschikking " + r.beschikking_id();
      } else if (r.answer() != hub::v1::REQUEST_ANSWER_UNSPECIFIED) {
        answer = Word(RequestAnswerWords(), r.answer());
        if (!r.aanvraag_id().empty()) answer += " (aanvraag " + r.aanvraag_id() + ")";
      }
      if (!r.answered_on().empty()) answer += " " + r.answered_on();
      const auto& p = r.product();
      table.AddRow({r.request_id(), std::to_string(static_cast<int>(r.kind())), r.person_id(),
                    Word(LawWords(), r.law()), OrDash(r.toewijzing_id()),
                    fmt::format("{} {} {}..{}", p.product_code(), Amount(p.volume(), p.unit(), p.frequency()),
                                p.start_date(), p.end_date()),
                    r.provider_agb_code(), r.requested_on(), r.answer_due(), answer, OrErased(r.motivation())});
    }
    table.Print(out, "  ");
  }

  out << "\nbezwaren\n";
  if (view.bezwaren().empty()) {
    out << "  none\n";
  } else {
    Table table({"BEZWAAR", "BESCHIKKING", "FILED", "DECISION DUE", "DECISION", "NEW BESCHIKKING", "GROUNDS"});
    for (const auto& b : view.bezwaren()) {
      const std::string decision = b.decision() == hub::v1::BEZWAAR_DECISION_UNSPECIFIED
                                       ? "open"
                                       : fmt::format("{} {}", Word(BezwaarDecisionWords(), b.decision()),
                                                     b.decided_on());
      table.AddRow({b.bezwaar_id(), b.beschikking_id(), b.filed_on(), b.decision_due(), decision,
                    OrDash(b.new_beschikking_id()), OrErased(b.grounds())});
    }
    table.Print(out, "  ");
  }
}

void PrintText(const hub::v1::ListDeadlinesResponse& page, std::ostream& out) {
  if (page.deadlines().empty()) {
    out << "no deadlines\n";
  } else {
    Table table({"HOUSEHOLD", "KIND", "SUBJECT", "LAW", "DUE", "STATE", "PROVIDER AGB"});
    for (const auto& d : page.deadlines()) {
      std::string state = Word(DeadlineStateWords(), d.state());
      if (d.state() == hub::v1::DEADLINE_STATE_OVERDUE) state = "OVERDUE";
      table.AddRow({d.household_id(), Word(DeadlineKindWords(), d.kind()), d.subject_id(), Word(LawWords(), d.law()),
                    d.due_on(), state, OrDash(d.provider_agb_code())});
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
