// hubctl: the command-line client of the hub's intake and plan services, for people at a terminal
// and for scripts. This file only wires the command line (CLI11) to commands.h (intake) and
// plan_commands.h (plan); parsing of structured values is in parse.h, the wire in client.h, printing
// in output.h, exit codes in exit_codes.h.
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "common/domain/uuid.h"
#include "tools/hubctl/commands.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/parse.h"
#include "tools/hubctl/plan_commands.h"

namespace {

using namespace hub::hubctl;  // NOLINT: main is the only user

// A CLI11 check from a parse.h function, so a malformed value is a usage error (exit 2) that names
// the option, before anything is sent.
template <class Parse>
CLI::Validator Shape(Parse parse, const std::string& description) {
  return CLI::Validator(
      [parse](std::string& value) -> std::string {
        auto parsed = parse(value);
        return parsed.ok() ? std::string() : ErrorText(parsed.status());
      },
      description);
}

// A repeatable option: each occurrence takes exactly one value (`--person A --person B`), so a
// value is never mistaken for the next word of the command line.
CLI::Option* Repeatable(CLI::Option* option) { return option->allow_extra_args(false); }

template <class Enum>
std::vector<std::string> Keys(const std::map<std::string, Enum>& words) {
  std::vector<std::string> keys;
  for (const auto& [word, value] : words) keys.push_back(word);
  return keys;
}

int UsageError(const std::string& message) {
  std::cerr << "hubctl: " << message << "\nRun with --help for more information.\n";
  return kExitUsage;
}

constexpr char kFooter[] =
    "Environment: HUB_SERVER, HUB_TENANT, HUB_ORGANISATION, HUB_ROLE, HUB_USER, HUB_TIMEOUT, HUB_JSON\n"
    "set the options of the same name; an option on the command line wins.\n"
    "Options go anywhere after `hubctl`. After `regisseur assign`, --organisation and --user name the\n"
    "regisseur, and after `plan directive issue`, --organisation names the bound organisation; give the\n"
    "caller's before the subcommand (or through the environment).\n\n";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hubctl: command-line client of the hub's intake and plan services (development: plaintext, loopback)"};
  app.footer(std::string(kFooter) + ExitCodeHelp());
  app.require_subcommand(1);
  // CLI11's usage errors start like every other hubctl error.
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    return "hubctl: " + CLI::FailureMessage::simple(failed, e);
  });
  // Inherited by every subcommand added below: global options may follow the subcommand words.
  app.fallthrough();

  Globals globals;
  std::string server = "127.0.0.1:50051";
  Identity& identity = globals.client.identity;
  identity = {.tenant = "GM0632", .organisation = "woerdenwijzer", .role = "consulent", .user = "dev-user"};
  double timeout_seconds = 10;
  int64_t expected_version = 0;
  std::vector<std::string> min_positions;

  app.add_option("--server", server, "hub gRPC address host:port")->envname("HUB_SERVER")->capture_default_str();
  app.add_option("--tenant", identity.tenant, "municipality (CBS code) the caller acts for")
      ->envname("HUB_TENANT")
      ->capture_default_str();
  app.add_option("--organisation", identity.organisation, "calling organisation (deploy/config/organisations.json)")
      ->envname("HUB_ORGANISATION")
      ->capture_default_str();
  app.add_option("--role", identity.role, "role the caller acts in")->envname("HUB_ROLE")->capture_default_str();
  app.add_option("--user", identity.user, "the caller's user pseudonym")->envname("HUB_USER")->capture_default_str();
  app.add_flag("--json", globals.json, "print the reply message as JSON (proto field names) for scripts")
      ->envname("HUB_JSON");
  app.add_option("--timeout", timeout_seconds, "deadline of each call, in seconds")
      ->envname("HUB_TIMEOUT")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  // No environment variables for these three: they belong to one call, and a leftover value in the
  // environment would silently turn the next command into a replay or a conflict.
  auto* request_id_option = app.add_option(
      "--request-id", globals.request_id,
      "idempotency key of a command (default: a fresh UUID); repeat it to retry safely");
  auto* expected_version_option =
      app.add_option("--expected-version", expected_version,
                     "fail with ABORTED (exit 6) unless the household is at this version")
          ->check(CLI::NonNegativeNumber);
  auto* min_position_option = Repeatable(
      app.add_option("--min-position", min_positions,
                     "wait until the hub has seen this position (as printed after a command); repeatable")
          ->type_name("TOPIC:PARTITION:OFFSET")
          ->check(Shape(ParsePosition, "")));

  // ---- melding
  auto* melding = app.add_subcommand("melding", "register, list and close meldingen")->require_subcommand(1);

  RegisterArgs register_args;
  std::vector<std::string> persons;
  auto* register_cmd = melding->add_subcommand("register", "register a melding about a household");
  Repeatable(register_cmd
                 ->add_option("--person", persons,
                              "a person the melding names: BSN,YYYY-MM-DD,Name,relation (relation e.g. parent, "
                              "child, partner, resident); repeatable")
                 ->type_name("BSN,DATE,NAME,RELATION")
                 ->required()
                 ->check(Shape(ParsePerson, "")));
  std::string channel;
  std::string source;
  register_cmd->add_option("--channel", channel, "how the melding came in")
      ->required()
      ->check(CLI::IsMember(Keys(ChannelWords())));
  register_cmd->add_option("--source", source, "who gave the signal")
      ->required()
      ->check(CLI::IsMember(Keys(SourceWords())));
  register_cmd->add_option("--question", register_args.question, "the question in the caller's words");
  Repeatable(register_cmd->add_option("--life-domain", register_args.life_domains,
                                      "a concerned ZRM life domain, e.g. FINANCIEN; repeatable"));
  Repeatable(register_cmd->add_option("--data-category", register_args.data_categories,
                                      "a category of data the signal carries, e.g. CONTACT; repeatable"));

  ListMeldingenArgs list_args;
  auto* list_cmd = melding->add_subcommand("list", "list the tenant's meldingen");
  list_cmd->add_option("--state", list_args.state, "OPEN or CLOSED (default both)");
  list_cmd->add_option("--due-before", list_args.due_before, "only those whose onderzoek is due on or before")
      ->type_name("YYYY-MM-DD")
      ->check(Shape(ParseDate, ""));
  list_cmd->add_option("--page-size", list_args.page_size, "at most this many per page (server default 50)")
      ->check(CLI::Range(1, 500));
  list_cmd->add_option("--page-token", list_args.page_token, "continue after the page that printed this token");
  list_cmd->add_flag("--all", list_args.all, "follow the pages to the end and print one list");

  CloseMeldingArgs close_args;
  auto* close_cmd = melding->add_subcommand("close", "close a melding");
  close_cmd->add_option("--household", close_args.household_id, "household id")->required();
  close_cmd->add_option("--melding", close_args.melding_id, "melding id")->required();
  close_cmd->add_option("--reason", close_args.reason,
                        "SOLVED_IN_OWN_NETWORK, GENERAL_PROVISION, REFERRED or WITHDRAWN")
      ->required();

  // ---- consent
  auto* consent = app.add_subcommand("consent", "record and withdraw consent")->require_subcommand(1);

  RecordConsentArgs record_args;
  std::string valid_until;
  auto* record_cmd = consent->add_subcommand("record", "record a person's consent to share data");
  record_cmd->add_option("--household", record_args.household_id, "household id")->required();
  record_cmd->add_option("--person", record_args.person_id, "person id (as printed by melding register)")
      ->required();
  record_cmd->add_option("--recipient", record_args.recipient, "organisation that may receive the data")
      ->required();
  Repeatable(record_cmd->add_option("--category", record_args.categories,
                                    "CONTACT, HOUSEHOLD_COMPOSITION, TRIAGE, PLAN, FINANCIAL, MEDICAL or JUDICIAL; "
                                    "repeatable")
                 ->required());
  record_cmd->add_option("--purpose", record_args.purpose, "the purpose, e.g. \"warme overdracht\"")->required();
  record_cmd->add_option("--valid-until", valid_until, "last day of the consent (it ends 23:59:59 UTC)")
      ->type_name("YYYY-MM-DD")
      ->required()
      ->check(Shape(EndOfDayUtc, ""));

  WithdrawConsentArgs withdraw_args;
  auto* withdraw_cmd = consent->add_subcommand("withdraw", "withdraw a consent");
  withdraw_cmd->add_option("--household", withdraw_args.household_id, "household id")->required();
  withdraw_cmd->add_option("--consent", withdraw_args.consent_id, "consent id")->required();

  // ---- triage
  auto* triage = app.add_subcommand("triage", "complete the triage of a melding")->require_subcommand(1);
  CompleteTriageArgs triage_args;
  std::vector<std::string> zrm;
  auto* triage_cmd = triage->add_subcommand("complete", "record the triage class and ZRM scores");
  triage_cmd->add_option("--household", triage_args.household_id, "household id")->required();
  triage_cmd->add_option("--melding", triage_args.melding_id, "melding id")->required();
  triage_cmd->add_option("--class", triage_args.triage_class, "ENKELVOUDIG, MEERVOUDIG, MULTICOMPLEX or CRISIS")
      ->required();
  Repeatable(triage_cmd->add_option("--zrm", zrm, "a ZRM score 1-5 per life domain; repeatable")
                 ->type_name("DOMAIN=SCORE")
                 ->check(Shape(ParseZrmScore, "")));
  triage_cmd->add_option("--team", triage_args.team, "JEUGD or WMO to override the team derived from the ages");

  // ---- regisseur
  auto* regisseur = app.add_subcommand("regisseur", "assign the casusregisseur")->require_subcommand(1);
  AssignRegisseurArgs assign_args;
  auto* assign_cmd = regisseur->add_subcommand("assign", "make a user of a social team the casusregisseur");
  assign_cmd->add_option("--household", assign_args.household_id, "household id")->required();
  assign_cmd->add_option("--organisation", assign_args.organisation_id, "the regisseur's social team")->required();
  assign_cmd->add_option("--user", assign_args.user, "the regisseur's user pseudonym")->required();

  // ---- household
  auto* household = app.add_subcommand("household", "read a household")->require_subcommand(1);
  ShowHouseholdArgs show_args;
  auto* show_cmd = household->add_subcommand("show", "members, meldingen, consents, triage and regisseur");
  show_cmd->add_option("--household", show_args.household_id, "household id")->required();

  // ---- plan
  auto* plan = app.add_subcommand("plan", "the household's ondersteuningsplan: goals, agreement, evaluation, "
                                          "procesregie")
                   ->require_subcommand(1);

  DraftPlanArgs draft_args;
  auto* draft_cmd = plan->add_subcommand("draft", "start the household's plan (revision 1, draft)");
  draft_cmd->add_option("--household", draft_args.household_id, "household id")->required();
  draft_cmd->add_option("--melding", draft_args.melding_id, "the melding of the household the plan answers");
  draft_cmd->add_option("--evaluation-weeks", draft_args.evaluation_interval_weeks,
                        "weeks between evaluations once agreed (server default 13)")
      ->check(CLI::Range(1, 52));

  // `goal add` and `goal change` take the whole goal; ParseGoal (parse.h) makes it a GoalInput.
  auto add_goal_options = [](CLI::App* cmd, GoalOptions& goal) {
    cmd->add_option("--domain", goal.life_domain, "ZRM life domain of the goal, e.g. FINANCIEN")->required();
    cmd->add_option("--result", goal.result, "the result aimed at, in the resident's words")->required();
    cmd->add_option("--target", goal.target_date, "target date, not in the past")
        ->type_name("YYYY-MM-DD")
        ->required()
        ->check(Shape(ParseDate, ""));
    cmd->add_option("--tier", goal.tier, "the support that delivers it, cheapest first: own-effort, network, "
                                         "general-provision or maatwerk")
        ->required()
        ->check(CLI::IsMember(Keys(SupportTierWords())));
    auto* organisation = cmd->add_option("--responsible-organisation", goal.responsible_organisation,
                                         "the organisation responsible (or --responsible-person)");
    auto* person = cmd->add_option("--responsible-person", goal.responsible_person,
                                   "the person responsible: a member or network person, by person id "
                                   "(or --responsible-organisation)");
    organisation->excludes(person);
    cmd->add_option("--agreements", goal.agreements, "who does what");
  };
  auto* goal = plan->add_subcommand("goal", "add, change and drop the goals of a plan")->require_subcommand(1);

  AddGoalArgs add_goal_args;
  GoalOptions add_goal;
  auto* add_goal_cmd = goal->add_subcommand("add", "add a goal (to an agreed plan: opens a new revision)");
  add_goal_cmd->add_option("--household", add_goal_args.household_id, "household id")->required();
  add_goal_cmd->add_option("--plan", add_goal_args.plan_id, "plan id")->required();
  add_goal_options(add_goal_cmd, add_goal);

  ChangeGoalArgs change_goal_args;
  GoalOptions change_goal;
  auto* change_goal_cmd =
      goal->add_subcommand("change", "replace a goal as a whole (of an agreed plan: opens a new revision)");
  change_goal_cmd->add_option("--household", change_goal_args.household_id, "household id")->required();
  change_goal_cmd->add_option("--plan", change_goal_args.plan_id, "plan id")->required();
  change_goal_cmd->add_option("--goal", change_goal_args.goal_id, "goal id")->required();
  add_goal_options(change_goal_cmd, change_goal);

  DropGoalArgs drop_goal_args;
  auto* drop_goal_cmd = goal->add_subcommand("drop", "drop a goal (of an agreed plan: opens a new revision)");
  drop_goal_cmd->add_option("--household", drop_goal_args.household_id, "household id")->required();
  drop_goal_cmd->add_option("--plan", drop_goal_args.plan_id, "plan id")->required();
  drop_goal_cmd->add_option("--goal", drop_goal_args.goal_id, "goal id")->required();

  AgreePlanArgs agree_args;
  auto* agree_cmd = plan->add_subcommand("agree", "record the signatures of resident and regisseur on a revision");
  agree_cmd->add_option("--household", agree_args.household_id, "household id")->required();
  agree_cmd->add_option("--plan", agree_args.plan_id, "plan id")->required();
  agree_cmd->add_option("--revision", agree_args.revision, "the revision both signed (refused if the plan moved on)")
      ->required()
      ->check(CLI::Range(1, std::numeric_limits<int32_t>::max()));
  agree_cmd->add_option("--resident", agree_args.resident_person_id, "person id of the household member who signed")
      ->required();
  agree_cmd->add_flag("--as-representative", agree_args.as_representative,
                      "the resident signed as representative (for a child or a ward)");

  RecordEvaluationArgs evaluate_args;
  std::string progress;
  auto* evaluate_cmd = plan->add_subcommand("evaluate", "record the evaluation of a goal of the agreed plan");
  evaluate_cmd->add_option("--household", evaluate_args.household_id, "household id")->required();
  evaluate_cmd->add_option("--plan", evaluate_args.plan_id, "plan id")->required();
  evaluate_cmd->add_option("--goal", evaluate_args.goal_id, "goal id")->required();
  evaluate_cmd->add_option("--progress", progress, "not-started, on-track, behind or achieved")
      ->required()
      ->check(CLI::IsMember(Keys(GoalProgressWords())));
  evaluate_cmd->add_option("--zrm", evaluate_args.zrm_score, "ZRM re-score 1-5 of the goal's life domain")
      ->type_name("SCORE")
      ->required();
  evaluate_cmd->add_option("--notes", evaluate_args.notes, "notes of the evaluation");
  evaluate_cmd->add_option("--next", evaluate_args.next_evaluation_on,
                           "next evaluation, after today (default: today plus the plan's interval)")
      ->type_name("YYYY-MM-DD")
      ->check(Shape(ParseDate, ""));

  ScaleDownArgs scale_down_args;
  auto* scale_down_cmd = plan->add_subcommand("scale-down", "scale down the support of an active plan");
  scale_down_cmd->add_option("--household", scale_down_args.household_id, "household id")->required();
  scale_down_cmd->add_option("--plan", scale_down_args.plan_id, "plan id")->required();
  scale_down_cmd->add_option("--reason", scale_down_args.reason, "the steps to scale support down, in words")
      ->required();

  ClosePlanArgs close_plan_args;
  auto* close_plan_cmd = plan->add_subcommand("close", "close a plan");
  close_plan_cmd->add_option("--household", close_plan_args.household_id, "household id")->required();
  close_plan_cmd->add_option("--plan", close_plan_args.plan_id, "plan id")->required();
  close_plan_cmd->add_option("--reason", close_plan_args.reason,
                             "GOALS_ACHIEVED, MOVED, RESIDENT_DECLINED, TRANSFERRED or OTHER")
      ->required();

  EscalateArgs escalate_args;
  std::string escalation_reason;
  auto* escalate_cmd = plan->add_subcommand("escalate", "attach a procesregisseur with doorzettingsmacht");
  escalate_cmd->add_option("--household", escalate_args.household_id, "household id")->required();
  escalate_cmd->add_option("--reason", escalation_reason, "stuck, conflict (between parties) or safety")
      ->required()
      ->check(CLI::IsMember(Keys(EscalationReasonWords())));
  escalate_cmd->add_option("--explanation", escalate_args.explanation, "why, in words")->required();
  escalate_cmd->add_option("--procesregisseur-organisation", escalate_args.procesregisseur_organisation_id,
                           "the procesregisseur's social team")
      ->required();
  escalate_cmd->add_option("--procesregisseur-user", escalate_args.procesregisseur_user,
                           "the procesregisseur's user pseudonym")
      ->required();

  auto* directive = plan->add_subcommand("directive", "directives of the procesregisseur")->require_subcommand(1);
  IssueDirectiveArgs issue_args;
  auto* issue_cmd = directive->add_subcommand("issue", "bind an organisation to an action with a due date");
  issue_cmd->add_option("--household", issue_args.household_id, "household id")->required();
  issue_cmd->add_option("--organisation", issue_args.organisation_id, "the organisation bound to the action")
      ->required();
  issue_cmd->add_option("--action", issue_args.action, "what it must do")->required();
  issue_cmd->add_option("--due", issue_args.due_on, "due date, after today")
      ->type_name("YYYY-MM-DD")
      ->required()
      ->check(Shape(ParseDate, ""));

  CompleteDirectiveArgs complete_args;
  auto* complete_cmd = directive->add_subcommand("complete", "report a directive done (the bound organisation)");
  complete_cmd->add_option("--household", complete_args.household_id, "household id")->required();
  complete_cmd->add_option("--directive", complete_args.directive_id, "directive id")->required();

  ReleaseProcesregieArgs release_args;
  auto* release_cmd = plan->add_subcommand("release", "end the procesregie of a household");
  release_cmd->add_option("--household", release_args.household_id, "household id")->required();
  release_cmd->add_option("--explanation", release_args.explanation, "why the case moves again")->required();

  ShowPlanArgs show_plan_args;
  auto* show_plan_cmd =
      plan->add_subcommand("show", "status, goals, agreed revisions, evaluations, procesregie and directives");
  show_plan_cmd->add_option("--household", show_plan_args.household_id, "household id")->required();

  ListPlansArgs list_plans_args;
  std::string plan_status;
  auto* list_plans_cmd = plan->add_subcommand("list", "list the tenant's plans");
  list_plans_cmd->add_option("--status", plan_status, "draft, active, scaled-down or closed (default any)")
      ->check(CLI::IsMember(Keys(PlanStatusWords())));
  list_plans_cmd->add_flag("--evaluation-overdue", list_plans_args.evaluation_overdue,
                           "only plans whose evaluation is overdue");
  list_plans_cmd->add_flag("--under-procesregie", list_plans_args.under_procesregie,
                           "only households under procesregie");
  list_plans_cmd->add_option("--page-size", list_plans_args.page_size, "at most this many per page (server default 50)")
      ->check(CLI::Range(1, 500));
  list_plans_cmd->add_option("--page-token", list_plans_args.page_token,
                             "continue after the page that printed this token");
  list_plans_cmd->add_flag("--all", list_plans_args.all, "follow the pages to the end and print one list");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a "parse error" with exit code 0; every real one is exit 2 whatever CLI11's number.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }

  // What the options mean once parsed. Validators accepted every value, so the parses succeed.
  globals.client.server = server;
  globals.client.timeout = std::chrono::milliseconds(std::llround(timeout_seconds * 1000));
  if (request_id_option->count() > 0 && globals.request_id.empty()) {
    return UsageError("--request-id: empty; leave the option out for a fresh one");
  }
  if (globals.request_id.empty()) globals.request_id = hub::domain::NewUuidV7();
  if (expected_version_option->count() > 0) globals.expected_version = expected_version;
  for (const auto& text : min_positions) globals.min_positions.push_back(*ParsePosition(text));

  const bool is_read =
      list_cmd->parsed() || show_cmd->parsed() || list_plans_cmd->parsed() || show_plan_cmd->parsed();
  if (is_read && globals.expected_version) {
    return UsageError("--expected-version applies to commands that change a household, not to reads");
  }
  if (is_read && request_id_option->count() > 0) {
    return UsageError("--request-id applies to commands that change a household, not to reads");
  }
  if (list_cmd->parsed() && min_position_option->count() > 0) {
    return UsageError("--min-position: melding list always reads everything the hub has appended");
  }
  if (list_plans_cmd->parsed() && min_position_option->count() > 0) {
    return UsageError("--min-position: plan list does not wait for positions; plan show does");
  }

  if (register_cmd->parsed()) {
    for (const auto& text : persons) register_args.persons.push_back(*ParsePerson(text));
    register_args.channel = ChannelWords().at(channel);
    register_args.source = SourceWords().at(source);
    return RegisterMelding(globals, register_args);
  }
  if (list_cmd->parsed()) return ListMeldingen(globals, list_args);
  if (close_cmd->parsed()) return CloseMelding(globals, close_args);
  if (record_cmd->parsed()) {
    record_args.valid_until = *EndOfDayUtc(valid_until);
    return RecordConsent(globals, record_args);
  }
  if (withdraw_cmd->parsed()) return WithdrawConsent(globals, withdraw_args);
  if (triage_cmd->parsed()) {
    for (const auto& text : zrm) {
      auto [domain, score] = *ParseZrmScore(text);
      if (!triage_args.zrm_scores.emplace(domain, score).second) {
        return UsageError("--zrm: " + domain + " is given twice");
      }
    }
    return CompleteTriage(globals, triage_args);
  }
  if (assign_cmd->parsed()) return AssignRegisseur(globals, assign_args);
  if (show_cmd->parsed()) return ShowHousehold(globals, show_args);

  if (draft_cmd->parsed()) return DraftPlan(globals, draft_args);
  if (add_goal_cmd->parsed() || change_goal_cmd->parsed()) {
    const bool add = add_goal_cmd->parsed();
    auto parsed = ParseGoal(add ? add_goal : change_goal);
    if (!parsed.ok()) return UsageError(ErrorText(parsed.status()));
    if (add) {
      add_goal_args.goal = *std::move(parsed);
      return AddGoal(globals, add_goal_args);
    }
    change_goal_args.goal = *std::move(parsed);
    return ChangeGoal(globals, change_goal_args);
  }
  if (drop_goal_cmd->parsed()) return DropGoal(globals, drop_goal_args);
  if (agree_cmd->parsed()) return AgreePlan(globals, agree_args);
  if (evaluate_cmd->parsed()) {
    evaluate_args.progress = GoalProgressWords().at(progress);
    return RecordEvaluation(globals, evaluate_args);
  }
  if (scale_down_cmd->parsed()) return ScaleDownPlan(globals, scale_down_args);
  if (close_plan_cmd->parsed()) return ClosePlan(globals, close_plan_args);
  if (escalate_cmd->parsed()) {
    escalate_args.reason = EscalationReasonWords().at(escalation_reason);
    return EscalateToProcesregie(globals, escalate_args);
  }
  if (issue_cmd->parsed()) return IssueDirective(globals, issue_args);
  if (complete_cmd->parsed()) return CompleteDirective(globals, complete_args);
  if (release_cmd->parsed()) return ReleaseProcesregie(globals, release_args);
  if (show_plan_cmd->parsed()) return ShowPlan(globals, show_plan_args);
  if (list_plans_cmd->parsed()) {
    if (!plan_status.empty()) list_plans_args.status = PlanStatusWords().at(plan_status);
    return ListPlans(globals, list_plans_args);
  }
  return UsageError("no command given");  // unreachable: require_subcommand(1) on every level
}
