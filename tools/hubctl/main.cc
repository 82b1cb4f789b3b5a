// hubctl: the command-line client of the hub's intake, plan, referral and beschikking services, for
// people at a terminal and for scripts. This file only wires the command line (CLI11) to commands.h
// (intake), plan_commands.h (plan), referral_commands.h (referral) and beschikking_commands.h
// (beschikking); parsing of structured values is in
// parse.h, the wire in client.h, printing in output.h, exit codes in exit_codes.h.
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "common/domain/uuid.h"
#include "tools/hubctl/beschikking_commands.h"
#include "tools/hubctl/commands.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/parse.h"
#include "tools/hubctl/plan_commands.h"
#include "tools/hubctl/audit_commands.h"
#include "tools/hubctl/referral_commands.h"
#include "tools/hubctl/report_commands.h"

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
    "regisseur, after `plan directive issue`, --organisation names the bound organisation, and after\n"
    "`referral list`, --role is sender or receiver (the side of the referrals); give the caller's before\n"
    "the subcommand (or through the environment).\n\n";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "hubctl: command-line client of the hub's intake, plan, referral and beschikking services (development: "
      "plaintext, loopback)"};
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

  // ---- referral
  auto* referral = app.add_subcommand("referral", "warm handovers (warme overdracht) to another organisation: "
                                                  "request, answer, meeting, handover dossier")
                       ->require_subcommand(1);

  RequestReferralArgs request_referral_args;
  auto* request_referral_cmd =
      referral->add_subcommand("request", "refer a person of the household to an organisation (social team)");
  request_referral_cmd->add_option("--household", request_referral_args.household_id, "household id")->required();
  request_referral_cmd->add_option("--person", request_referral_args.person_id,
                                   "person id of the household member referred (as printed by melding register)")
      ->required();
  request_referral_cmd->add_option("--receiver", request_referral_args.receiver_organisation_id,
                                   "the receiving organisation: work & income, a care provider or debt services")
      ->required();
  request_referral_cmd->add_flag("--consultation", request_referral_args.consultation,
                                 "a consultation without transfer: the social team keeps the case (may name no "
                                 "--category: an anonymous consultation)");
  request_referral_cmd->add_option("--purpose", request_referral_args.purpose,
                                   "exactly the purpose the resident consented to, e.g. \"warme overdracht\"")
      ->required();
  Repeatable(request_referral_cmd->add_option(
      "--category", request_referral_args.data_categories,
      "a category of data the receiver needs: CONTACT, HOUSEHOLD_COMPOSITION, TRIAGE, PLAN, FINANCIAL, MEDICAL or "
      "JUDICIAL; repeatable; at least one unless --consultation"));
  Repeatable(request_referral_cmd->add_option("--goal", request_referral_args.goal_ids,
                                              "a goal of the household's open plan the referral serves; repeatable"));
  request_referral_cmd->add_option("--reason", request_referral_args.reason,
                                   "why the person is referred, in words (the receiver reads it)")
      ->required();

  ReferralArgs accept_referral_args;
  auto* accept_referral_cmd = referral->add_subcommand("accept", "accept a referral addressed to you (the receiver)");
  accept_referral_cmd->add_option("--household", accept_referral_args.household_id, "household id")->required();
  accept_referral_cmd->add_option("--referral", accept_referral_args.referral_id, "referral id")->required();

  CloseReferralArgs decline_referral_args;
  auto* decline_referral_cmd =
      referral->add_subcommand("decline", "decline a referral addressed to you (the receiver)");
  decline_referral_cmd->add_option("--household", decline_referral_args.household_id, "household id")->required();
  decline_referral_cmd->add_option("--referral", decline_referral_args.referral_id, "referral id")->required();
  decline_referral_cmd->add_option("--reason", decline_referral_args.reason, "why, in words")->required();

  ScheduleMeetingArgs meeting_args;
  auto* meeting_cmd = referral->add_subcommand(
      "meeting", "schedule (or move) the handover meeting of an accepted referral (sender or receiver)");
  meeting_cmd->add_option("--household", meeting_args.household_id, "household id")->required();
  meeting_cmd->add_option("--referral", meeting_args.referral_id, "referral id")->required();
  meeting_cmd->add_option("--on", meeting_args.meeting_on,
                          "the day sender, receiver and resident meet: today or later")
      ->type_name("YYYY-MM-DD")
      ->required()
      ->check(Shape(ParseDate, ""));

  ReferralArgs complete_handover_args;
  auto* complete_handover_cmd = referral->add_subcommand(
      "complete", "record the handover done, on or after the meeting day (sender or receiver)");
  complete_handover_cmd->add_option("--household", complete_handover_args.household_id, "household id")->required();
  complete_handover_cmd->add_option("--referral", complete_handover_args.referral_id, "referral id")->required();

  CloseReferralArgs withdraw_referral_args;
  auto* withdraw_referral_cmd =
      referral->add_subcommand("withdraw", "withdraw a referral you sent (the social team)");
  withdraw_referral_cmd->add_option("--household", withdraw_referral_args.household_id, "household id")->required();
  withdraw_referral_cmd->add_option("--referral", withdraw_referral_args.referral_id, "referral id")->required();
  withdraw_referral_cmd->add_option("--reason", withdraw_referral_args.reason, "why, in words")->required();

  ShowDossierArgs dossier_args;
  auto* dossier_cmd = referral->add_subcommand(
      "dossier", "the handover dossier of an accepted referral: what the resident consented to share (the receiver)");
  dossier_cmd->add_option("--household", dossier_args.household_id, "household id")->required();
  dossier_cmd->add_option("--referral", dossier_args.referral_id, "referral id")->required();

  ShowReferralsArgs show_referrals_args;
  auto* show_referrals_cmd = referral->add_subcommand(
      "show", "the referrals of a household (a receiver sees only those addressed to it)");
  show_referrals_cmd->add_option("--household", show_referrals_args.household_id, "household id")->required();

  ListReferralsArgs list_referrals_args;
  std::string referral_role;
  std::string referral_status;
  auto* list_referrals_cmd = referral->add_subcommand(
      "list", "the referrals your organisation sent (--role sender) or its inbox (--role receiver)");
  list_referrals_cmd->add_option("--role", referral_role,
                                 "sender (a social team: the referrals it sent) or receiver (the inbox); the "
                                 "caller's own role goes before the subcommand")
      ->required()
      ->check(CLI::IsMember(Keys(ReferralRoleWords())));
  list_referrals_cmd->add_option("--status", referral_status,
                                 "requested, accepted, declined, expired, handover-meeting, completed or withdrawn "
                                 "(default any)")
      ->check(CLI::IsMember(Keys(ReferralStatusWords())));
  list_referrals_cmd->add_flag("--overdue", list_referrals_args.overdue,
                               "only referrals whose handover meeting day passed without the handover completed");
  list_referrals_cmd->add_option("--page-size", list_referrals_args.page_size,
                                 "at most this many per page (server default 50)")
      ->check(CLI::Range(1, 500));
  list_referrals_cmd->add_option("--page-token", list_referrals_args.page_token,
                                 "continue after the page that printed this token");
  list_referrals_cmd->add_flag("--all", list_referrals_args.all, "follow the pages to the end and print one list");

  // ---- beschikking service: aanvraag, beschikking, toewijzing, zorg, wijziging, request, bezwaar,
  // legacy, deadlines
  const std::string law_help = "wmo, jeugdwet or participatiewet";
  const std::string product_help =
      "a product line: CODE,VOLUME,UNIT,FREQUENCY,START,END,zin:AGB_CODE or ...,pgb:BUDGET_EUR, then optionally "
      ",EIGEN_BIJDRAGE_EUR (per month), ,replaces=TOEWIJZING_ID, ,reden=WORD; UNIT minute, hour, etmaal, dagdeel, "
      "piece, euro or piece-effort; FREQUENCY per-day, per-week, per-month or whole-period; repeatable";
  const std::string requested_product_help =
      "the product asked for: CODE,VOLUME,UNIT,FREQUENCY,START,END (units and frequencies as for --product)";

  auto* aanvraag = app.add_subcommand("aanvraag", "submit an aanvraag for a maatwerkvoorziening")
                       ->require_subcommand(1);
  SubmitAanvraagArgs submit_aanvraag_args;
  std::string aanvraag_law;
  auto* submit_aanvraag_cmd = aanvraag->add_subcommand(
      "submit", "record an aanvraag and its legal deadline (Wmo 2 weeks, Jeugdwet/Participatiewet 8 weeks)");
  submit_aanvraag_cmd->add_option("--household", submit_aanvraag_args.household_id, "household id")->required();
  submit_aanvraag_cmd->add_option("--person", submit_aanvraag_args.person_id, "the member who applies (person id)")
      ->required();
  submit_aanvraag_cmd->add_option("--law", aanvraag_law, law_help)->required()->check(CLI::IsMember(Keys(LawWords())));
  submit_aanvraag_cmd->add_option("--provision", submit_aanvraag_args.requested_provision,
                                  "what the resident asks for, in words")
      ->required();

  // A decision as `beschikking issue` and `bezwaar decide` take it: outcome, motivation, products.
  auto* beschikking = app.add_subcommand("beschikking", "issue and read beschikkingen (decision office)")
                          ->require_subcommand(1);
  IssueBeschikkingArgs issue_beschikking_args;
  std::string issue_outcome;
  std::string issue_motivation;
  std::vector<std::string> issue_products;
  auto* issue_beschikking_cmd = beschikking->add_subcommand(
      "issue", "decide an open aanvraag or a provider's 315/317; every granted ZIN line becomes a toewijzing "
               "(decision officer)");
  issue_beschikking_cmd->add_option("--household", issue_beschikking_args.household_id, "household id")->required();
  auto* issue_aanvraag =
      issue_beschikking_cmd->add_option("--aanvraag", issue_beschikking_args.aanvraag_id, "the aanvraag decided");
  auto* issue_request = issue_beschikking_cmd->add_option("--request", issue_beschikking_args.request_id,
                                                          "the provider's 315/317 granted by this beschikking");
  issue_aanvraag->excludes(issue_request);
  issue_beschikking_cmd->add_option("--outcome", issue_outcome, "granted, partial or rejected")
      ->required()
      ->check(CLI::IsMember(Keys(OutcomeWords())));
  issue_beschikking_cmd->add_option("--motivation", issue_motivation, "why, in words")->required();
  Repeatable(issue_beschikking_cmd->add_option("--product", issue_products, product_help)
                 ->type_name("CODE,VOLUME,UNIT,FREQUENCY,START,END,zin:AGB|pgb:EUR")
                 ->check(Shape(ParseProduct, "")));

  ShowBeschikkingenArgs show_beschikkingen_args;
  auto* show_beschikkingen_cmd = beschikking->add_subcommand(
      "show", "a household's aanvragen, beschikkingen, toewijzingen with their versions, requests and bezwaren "
              "(a care provider sees only its own)");
  show_beschikkingen_cmd->add_option("--household", show_beschikkingen_args.household_id, "household id")->required();

  auto* toewijzing = app.add_subcommand("toewijzing", "correct a toewijzing; ask for one (315)")
                         ->require_subcommand(1);
  CorrectToewijzingArgs correct_args;
  std::string correct_reden;
  std::string correct_effective;
  auto* correct_cmd = toewijzing->add_subcommand(
      "correct", "administrative correction (administratieve-correctie, 14) or removal (verwijderd, 13) of a "
                 "toewijzing, possibly retroactive (decision officer)");
  correct_cmd->add_option("--household", correct_args.household_id, "household id")->required();
  correct_cmd->add_option("--toewijzing", correct_args.toewijzing_id, "toewijzing id")->required();
  correct_cmd->add_option("--ingangsdatum", correct_args.ingangsdatum, "the corrected first day")
      ->type_name("YYYY-MM-DD")
      ->required()
      ->check(Shape(ParseDate, ""));
  correct_cmd->add_option("--einddatum", correct_args.einddatum,
                          "the corrected last day (verwijderd: equal to --ingangsdatum)")
      ->type_name("YYYY-MM-DD")
      ->required()
      ->check(Shape(ParseDate, ""));
  correct_cmd->add_option("--reden", correct_reden, "administratieve-correctie or verwijderd")
      ->required()
      ->check(CLI::IsMember(std::vector<std::string>{"administratieve-correctie", "verwijderd"}));
  correct_cmd->add_option("--explanation", correct_args.explanation, "why, in words")->required();
  correct_cmd->add_option("--effective", correct_effective,
                          "when the correction takes effect, if not now (may lie in the past)")
      ->type_name("RFC3339")
      ->check(Shape(ParseMoment, ""));

  RequestToewijzingArgs request_toewijzing_args;
  std::string request_toewijzing_law;
  std::string request_toewijzing_product;
  std::string request_toewijzing_verwijzer;
  auto* request_toewijzing_cmd = toewijzing->add_subcommand(
      "request", "ask the municipality for a toewijzing (315; a care provider)");
  request_toewijzing_cmd->add_option("--household", request_toewijzing_args.household_id, "household id")->required();
  request_toewijzing_cmd->add_option("--person", request_toewijzing_args.person_id, "the member (person id)")
      ->required();
  request_toewijzing_cmd->add_option("--law", request_toewijzing_law, law_help)
      ->required()
      ->check(CLI::IsMember(Keys(LawWords())));
  request_toewijzing_cmd->add_option("--product", request_toewijzing_product, requested_product_help)
      ->type_name("CODE,VOLUME,UNIT,FREQUENCY,START,END")
      ->required()
      ->check(Shape(ParseRequestedProduct, ""));
  request_toewijzing_cmd->add_option("--verwijzer", request_toewijzing_verwijzer,
                                     "who referred the youth (required under the Jeugdwet): gemeente, huisarts, "
                                     "jeugdarts, gecertificeerde-instelling, medisch-specialist, zelfverwijzer or "
                                     "rechter")
      ->check(CLI::IsMember(Keys(VerwijzerWords())));
  request_toewijzing_cmd->add_option("--motivation", request_toewijzing_args.motivation, "why, in words");

  auto* wijziging = app.add_subcommand("wijziging", "ask for a change of a toewijzing (317)")->require_subcommand(1);
  RequestWijzigingArgs request_wijziging_args;
  std::string request_wijziging_product;
  auto* request_wijziging_cmd = wijziging->add_subcommand(
      "request", "ask for a change of your own toewijzing in force (317; its care provider)");
  request_wijziging_cmd->add_option("--household", request_wijziging_args.household_id, "household id")->required();
  request_wijziging_cmd->add_option("--toewijzing", request_wijziging_args.toewijzing_id, "toewijzing id")
      ->required();
  request_wijziging_cmd->add_option("--product", request_wijziging_product, requested_product_help)
      ->type_name("CODE,VOLUME,UNIT,FREQUENCY,START,END")
      ->required()
      ->check(Shape(ParseRequestedProduct, ""));
  request_wijziging_cmd->add_option("--motivation", request_wijziging_args.motivation, "why, in words");

  auto* provider_request = app.add_subcommand("request", "answer a provider's 315/317 (319)")->require_subcommand(1);
  AnswerRequestArgs answer_request_args;
  std::string request_answer;
  auto* answer_request_cmd = provider_request->add_subcommand(
      "answer", "answer a 315/317 with a 319: rejected, or in-onderzoek (opens an aanvraag due in 8 weeks); "
                "grant one with `beschikking issue --request` (decision officer)");
  answer_request_cmd->add_option("--household", answer_request_args.household_id, "household id")->required();
  answer_request_cmd->add_option("--request", answer_request_args.request_id, "request id")->required();
  answer_request_cmd->add_option("--answer", request_answer, "rejected or in-onderzoek")
      ->required()
      ->check(CLI::IsMember(Keys(RequestAnswerWords())));
  answer_request_cmd->add_option("--motivation", answer_request_args.motivation, "why, in words")->required();

  auto* zorg = app.add_subcommand("zorg", "report the start (305) and stop (307) of care (the care provider)")
                   ->require_subcommand(1);
  ReportStartZorgArgs start_zorg_args;
  auto* start_zorg_cmd = zorg->add_subcommand("start", "report the start of delivery of your toewijzing (305)");
  start_zorg_cmd->add_option("--household", start_zorg_args.household_id, "household id")->required();
  start_zorg_cmd->add_option("--toewijzing", start_zorg_args.toewijzing_id, "toewijzing id")->required();
  start_zorg_cmd->add_option("--on", start_zorg_args.start_date,
                             "the actual first day of delivery: within the toewijzing, not in the future")
      ->type_name("YYYY-MM-DD")
      ->required()
      ->check(Shape(ParseDate, ""));
  ReportStopZorgArgs stop_zorg_args;
  std::string stop_reason;
  auto* stop_zorg_cmd = zorg->add_subcommand("stop", "report the stop of delivery of your toewijzing (307)");
  stop_zorg_cmd->add_option("--household", stop_zorg_args.household_id, "household id")->required();
  stop_zorg_cmd->add_option("--toewijzing", stop_zorg_args.toewijzing_id, "toewijzing id")->required();
  stop_zorg_cmd->add_option("--on", stop_zorg_args.stop_date, "the last day of delivery")
      ->type_name("YYYY-MM-DD")
      ->required()
      ->check(Shape(ParseDate, ""));
  stop_zorg_cmd->add_option("--reason", stop_reason,
                            "reden beeindiging (WMO588): overlijden, volgens-plan, tijdelijk, door-client, "
                            "door-aanbieder, in-overleg-voortijdig, verhuizing, door-gemeente, wijzigingsverzoek, "
                            "overstap-aanbieder or uitstroom-ander-domein")
      ->required()
      ->check(CLI::IsMember(Keys(RedenBeeindigingWords())));

  auto* bezwaar = app.add_subcommand("bezwaar", "file and decide a bezwaar against a beschikking")
                      ->require_subcommand(1);
  FileBezwaarArgs file_bezwaar_args;
  std::string bezwaar_received;
  auto* file_bezwaar_cmd = bezwaar->add_subcommand(
      "file", "file a bezwaar within the bezwaartermijn (social team for the resident, or the decision office)");
  file_bezwaar_cmd->add_option("--household", file_bezwaar_args.household_id, "household id")->required();
  file_bezwaar_cmd->add_option("--beschikking", file_bezwaar_args.beschikking_id, "the contested beschikking")
      ->required();
  file_bezwaar_cmd->add_option("--grounds", file_bezwaar_args.grounds, "the grounds, in words")->required();
  file_bezwaar_cmd->add_option("--received", bezwaar_received,
                               "when the bezwaar was received, if not now (a paper bezwaar registered later)")
      ->type_name("RFC3339")
      ->check(Shape(ParseMoment, ""));

  DecideBezwaarArgs decide_bezwaar_args;
  std::string bezwaar_decision;
  std::string new_outcome;
  std::string new_motivation;
  std::vector<std::string> new_products;
  auto* decide_bezwaar_cmd = bezwaar->add_subcommand(
      "decide", "decide a bezwaar: well-founded with a new beschikking (--new-outcome ...), or unfounded "
                "(decision officer)");
  decide_bezwaar_cmd->add_option("--household", decide_bezwaar_args.household_id, "household id")->required();
  decide_bezwaar_cmd->add_option("--bezwaar", decide_bezwaar_args.bezwaar_id, "bezwaar id")->required();
  decide_bezwaar_cmd->add_option("--decision", bezwaar_decision, "well-founded or unfounded")
      ->required()
      ->check(CLI::IsMember(Keys(BezwaarDecisionWords())));
  decide_bezwaar_cmd->add_option("--motivation", decide_bezwaar_args.motivation, "why, in words")->required();
  auto* new_outcome_option = decide_bezwaar_cmd->add_option(
      "--new-outcome", new_outcome, "well-founded: the outcome of the new beschikking (granted, partial, rejected)")
      ->check(CLI::IsMember(Keys(OutcomeWords())));
  decide_bezwaar_cmd->add_option("--new-motivation", new_motivation, "well-founded: the new beschikking's motivation");
  Repeatable(decide_bezwaar_cmd->add_option("--product", new_products, "well-founded: " + product_help)
                 ->type_name("CODE,VOLUME,UNIT,FREQUENCY,START,END,zin:AGB|pgb:EUR")
                 ->check(Shape(ParseProduct, "")));

  auto* legacy = app.add_subcommand("legacy", "import an indication of the former system (overgangsrecht)")
                     ->require_subcommand(1);
  ImportLegacyArgs legacy_args;
  std::string legacy_law;
  std::vector<std::string> legacy_products;
  auto* legacy_import_cmd = legacy->add_subcommand(
      "import", "import a legacy indication, valid until its own end date (decision officer)");
  legacy_import_cmd->add_option("--household", legacy_args.household_id, "household id")->required();
  legacy_import_cmd->add_option("--person", legacy_args.person_id, "the member (person id)")->required();
  legacy_import_cmd->add_option("--law", legacy_law, law_help)->required()->check(CLI::IsMember(Keys(LawWords())));
  legacy_import_cmd->add_option("--reference", legacy_args.legacy_reference,
                                "the former system's reference (once per household)")
      ->required();
  legacy_import_cmd->add_option("--decided-on", legacy_args.decided_on, "the day the former system decided")
      ->type_name("YYYY-MM-DD")
      ->required()
      ->check(Shape(ParseDate, ""));
  legacy_import_cmd->add_option("--valid-until", legacy_args.valid_until, "the indication's own end date")
      ->type_name("YYYY-MM-DD")
      ->required()
      ->check(Shape(ParseDate, ""));
  Repeatable(legacy_import_cmd->add_option("--product", legacy_products, product_help + " (at least one)")
                 ->type_name("CODE,VOLUME,UNIT,FREQUENCY,START,END,zin:AGB|pgb:EUR")
                 ->required()
                 ->check(Shape(ParseProduct, "")));
  legacy_import_cmd->add_option("--motivation", legacy_args.motivation, "why, in words");

  auto* deadlines = app.add_subcommand("deadlines", "the tenant's open legal and standard deadlines")
                        ->require_subcommand(1);
  ListDeadlinesArgs list_deadlines_args;
  std::string deadline_kind;
  std::string deadline_state;
  int32_t due_soon_days = 0;
  auto* list_deadlines_cmd = deadlines->add_subcommand(
      "list", "every open deadline with its state, by household then due date (a care provider sees its own)");
  list_deadlines_cmd->add_option("--kind", deadline_kind,
                                 "beschikking, start-message, request-answer or bezwaar-decision (default any)")
      ->check(CLI::IsMember(Keys(DeadlineKindWords())));
  list_deadlines_cmd->add_option("--state", deadline_state, "on-time, due-soon or overdue (default any)")
      ->check(CLI::IsMember(Keys(DeadlineStateWords())));
  auto* due_soon_option = list_deadlines_cmd->add_option(
      "--due-soon-days", due_soon_days, "working days before the due date from which it is due-soon (server default 2)")
      ->check(CLI::Range(0, 20));
  list_deadlines_cmd->add_option("--household", list_deadlines_args.household_id, "only this household");
  list_deadlines_cmd->add_option("--page-size", list_deadlines_args.page_size,
                                 "at most this many per page (server default 50)")
      ->check(CLI::Range(1, 500));
  list_deadlines_cmd->add_option("--page-token", list_deadlines_args.page_token,
                                 "continue after the page that printed this token");
  list_deadlines_cmd->add_flag("--all", list_deadlines_args.all, "follow the pages to the end and print one list");

  // ---- audit
  auto* audit = app.add_subcommand("audit", "history and integrity for auditors: verify an export offline, export, "
                                            "replay, time travel, the access log, the hash chains")
                     ->require_subcommand(1);
  AuditVerifyArgs verify_args;
  auto* verify_cmd = audit->add_subcommand(
      "verify", "verify an export file offline: hash chains, inclusion proofs, checkpoint signatures (no hub needed)");
  verify_cmd->add_option("file", verify_args.file, "the export, as `audit export` wrote it")->required();
  verify_cmd->add_option("--public-key", verify_args.public_key_hex,
                         "the hub's Ed25519 public key in hex, as `audit key` or the audit service's start-up "
                         "prints it (without it the export's own key is used, with a warning)");
  AuditExportArgs export_args;
  auto* export_cmd = audit->add_subcommand("export", "write a household's or the tenant's history with its checkpoints "
                                                     "and proofs to a file");
  auto* export_household = export_cmd->add_option("--household", export_args.household_id, "household id");
  // Here --tenant names what to export, and the caller acts for that tenant (an auditor exports
  // its own tenant only).
  auto* export_tenant =
      export_cmd->add_option("--tenant", export_args.tenant, "every household of this tenant (the caller's own)");
  export_household->excludes(export_tenant);
  export_cmd->add_option("-o,--output", export_args.output, "the file to write")->required();
  AuditReplayArgs replay_args;
  auto* replay_cmd = audit->add_subcommand("replay", "every event of a household across services, in causal order");
  replay_cmd->add_option("--household", replay_args.household_id, "household id")->required();
  replay_cmd->add_option("--until", replay_args.until, "only events recorded at or before this moment")
      ->type_name("RFC3339")
      ->check(Shape(ParseMoment, ""));
  AuditAsOfArgs as_of_args;
  auto* as_of_cmd = audit->add_subcommand(
      "as-of", "a household's state per service as the hub knew it at --record-time, and as valid at --valid-time");
  as_of_cmd->add_option("--household", as_of_args.household_id, "household id")->required();
  as_of_cmd->add_option("--record-time", as_of_args.record_time, "as the hub knew it then (default now)")
      ->type_name("RFC3339")
      ->check(Shape(ParseMoment, ""));
  as_of_cmd->add_option("--valid-time", as_of_args.valid_time, "as it was valid then (default the record time)")
      ->type_name("RFC3339")
      ->check(Shape(ParseMoment, ""));
  AuditAccessLogArgs access_log_args;
  auto* access_log_cmd = audit->add_subcommand("access-log", "who processed a data subject's data (newest first)");
  access_log_cmd->add_option("--subject", access_log_args.subject, "household or person id")->required();
  access_log_cmd->add_flag("--resident-view", access_log_args.resident_view,
                           "what the resident sees: oldest first, organisation, role and purpose, no users (the "
                           "social team may ask only this)");
  access_log_cmd->add_flag("--chronological", access_log_args.chronological, "oldest first");
  access_log_cmd->add_option("--page-size", access_log_args.page_size, "at most this many per page (server default 50)")
      ->check(CLI::Range(1, 500));
  access_log_cmd->add_option("--page-token", access_log_args.page_token, "continue after the page that printed this");
  access_log_cmd->add_flag("--all", access_log_args.all, "follow the pages to the end and print one list");
  AuditChainStatusArgs chain_status_args;
  auto* chain_status_cmd =
      audit->add_subcommand("chain-status", "breaks found in any hash chain, and how far verification got");
  chain_status_cmd->add_option("--topic", chain_status_args.topic, "only this topic's breaks");
  auto* key_cmd = audit->add_subcommand("key", "the Ed25519 public key checkpoints are signed with");

  auto* report = app.add_subcommand("report", "the anonymised policy reports of your tenant: stapeling van zorg, "
                                              "deadlines, procesregie, referral answers, bezwaren")
                     ->require_subcommand(1);
  ReportArgs report_args;
  auto add_scope = [&report_args](CLI::App* cmd, bool period) {
    cmd->add_option("--as-of", report_args.as_of, "the date the report is as of (YYYY-MM-DD; default today)");
    cmd->add_option("--known-at", report_args.known_at,
                    "only what the hub had recorded by then (RFC 3339), to reproduce an earlier report");
    if (period) {
      cmd->add_option("--from", report_args.period_start, "first day of the period (default 1 January)");
      cmd->add_option("--to", report_args.period_end, "last day of the period (default --as-of)");
    }
    return cmd;
  };
  auto* stapeling_cmd =
      add_scope(report->add_subcommand("stapeling", "households per scheme and per combination of schemes"), false);
  auto* deadlines_report_cmd =
      add_scope(report->add_subcommand("deadlines", "legal deadlines by kind: open, overdue, at risk, met, missed"),
                true);
  deadlines_report_cmd->add_option("--at-risk-days", report_args.at_risk_days,
                                   "open and due within this many days counts as at risk (default 7)");
  auto* procesregie_cmd =
      add_scope(report->add_subcommand("procesregie", "households with a plan, and how many under procesregie"), true);
  auto* referrals_report_cmd =
      add_scope(report->add_subcommand("referrals", "referral answers and answer times by receiver kind"), true);
  auto* bezwaren_cmd = add_scope(report->add_subcommand("bezwaren", "bezwaren filed and decided, by law"), true);

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

  const bool is_read = list_cmd->parsed() || show_cmd->parsed() || list_plans_cmd->parsed() ||
                       show_plan_cmd->parsed() || dossier_cmd->parsed() || show_referrals_cmd->parsed() ||
                       list_referrals_cmd->parsed() || show_beschikkingen_cmd->parsed() ||
                       list_deadlines_cmd->parsed();
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
  if (list_referrals_cmd->parsed() && min_position_option->count() > 0) {
    return UsageError("--min-position: referral list always reads everything the hub has appended");
  }

  if (list_deadlines_cmd->parsed() && min_position_option->count() > 0) {
    return UsageError("--min-position: deadlines list always reads everything the hub has appended");
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

  if (request_referral_cmd->parsed()) {
    // referral.proto: only a consultation may name no data categories.
    if (request_referral_args.data_categories.empty() && !request_referral_args.consultation) {
      return UsageError("--category: give at least one (only a --consultation may name none)");
    }
    return RequestReferral(globals, request_referral_args);
  }
  if (accept_referral_cmd->parsed()) return AcceptReferral(globals, accept_referral_args);
  if (decline_referral_cmd->parsed()) return DeclineReferral(globals, decline_referral_args);
  if (meeting_cmd->parsed()) return ScheduleHandoverMeeting(globals, meeting_args);
  if (complete_handover_cmd->parsed()) return CompleteHandover(globals, complete_handover_args);
  if (withdraw_referral_cmd->parsed()) return WithdrawReferral(globals, withdraw_referral_args);
  if (dossier_cmd->parsed()) return ShowDossier(globals, dossier_args);
  if (show_referrals_cmd->parsed()) return ShowReferrals(globals, show_referrals_args);
  if (list_referrals_cmd->parsed()) {
    list_referrals_args.role = ReferralRoleWords().at(referral_role);
    if (!referral_status.empty()) list_referrals_args.status = ReferralStatusWords().at(referral_status);
    return ListReferrals(globals, list_referrals_args);
  }
  // What a decision takes: an outcome word, a motivation and product lines, all validated above.
  auto decision_of = [](const std::string& outcome, const std::string& motivation,
                        const std::vector<std::string>& products) {
    hub::v1::DecisionInput decision;
    decision.set_outcome(OutcomeWords().at(outcome));
    decision.set_motivation(motivation);
    for (const auto& text : products) *decision.add_products() = *ParseProduct(text);
    return decision;
  };
  if (submit_aanvraag_cmd->parsed()) {
    submit_aanvraag_args.law = LawWords().at(aanvraag_law);
    return SubmitAanvraag(globals, submit_aanvraag_args);
  }
  if (issue_beschikking_cmd->parsed()) {
    if (issue_beschikking_args.aanvraag_id.empty() == issue_beschikking_args.request_id.empty()) {
      return UsageError("beschikking issue: give --aanvraag or --request, exactly one");
    }
    // beschikking.proto: GRANTED and PARTIAL grant at least one product, REJECTED none.
    if (issue_outcome == "rejected" && !issue_products.empty()) {
      return UsageError("--product: a rejected beschikking grants no products");
    }
    if (issue_outcome != "rejected" && issue_products.empty()) {
      return UsageError("--product: a " + issue_outcome + " beschikking grants at least one product");
    }
    issue_beschikking_args.decision = decision_of(issue_outcome, issue_motivation, issue_products);
    return IssueBeschikking(globals, issue_beschikking_args);
  }
  if (show_beschikkingen_cmd->parsed()) return ShowBeschikkingen(globals, show_beschikkingen_args);
  if (correct_cmd->parsed()) {
    correct_args.reden = RedenWijzigingWords().at(correct_reden);
    if (!correct_effective.empty()) correct_args.occurred_at = *ParseMoment(correct_effective);
    return CorrectToewijzing(globals, correct_args);
  }
  if (request_toewijzing_cmd->parsed()) {
    request_toewijzing_args.law = LawWords().at(request_toewijzing_law);
    request_toewijzing_args.product = *ParseRequestedProduct(request_toewijzing_product);
    if (!request_toewijzing_verwijzer.empty()) {
      request_toewijzing_args.verwijzer = VerwijzerWords().at(request_toewijzing_verwijzer);
    }
    return RequestToewijzing(globals, request_toewijzing_args);
  }
  if (request_wijziging_cmd->parsed()) {
    request_wijziging_args.product = *ParseRequestedProduct(request_wijziging_product);
    return RequestWijziging(globals, request_wijziging_args);
  }
  if (answer_request_cmd->parsed()) {
    answer_request_args.answer = RequestAnswerWords().at(request_answer);
    return AnswerRequest(globals, answer_request_args);
  }
  if (start_zorg_cmd->parsed()) return ReportStartZorg(globals, start_zorg_args);
  if (stop_zorg_cmd->parsed()) {
    stop_zorg_args.reason = RedenBeeindigingWords().at(stop_reason);
    return ReportStopZorg(globals, stop_zorg_args);
  }
  if (file_bezwaar_cmd->parsed()) {
    if (!bezwaar_received.empty()) file_bezwaar_args.occurred_at = *ParseMoment(bezwaar_received);
    return FileBezwaar(globals, file_bezwaar_args);
  }
  if (decide_bezwaar_cmd->parsed()) {
    decide_bezwaar_args.decision = BezwaarDecisionWords().at(bezwaar_decision);
    const bool well_founded = decide_bezwaar_args.decision == hub::v1::BEZWAAR_DECISION_WELL_FOUNDED;
    const bool new_given = new_outcome_option->count() > 0 || !new_motivation.empty() || !new_products.empty();
    // beschikking.proto: WELL_FOUNDED needs the new beschikking, UNFOUNDED must not have one.
    if (well_founded && (new_outcome.empty() || new_motivation.empty())) {
      return UsageError("bezwaar decide: well-founded needs the new beschikking: --new-outcome and --new-motivation");
    }
    if (!well_founded && new_given) {
      return UsageError("bezwaar decide: unfounded takes no --new-outcome, --new-motivation or --product");
    }
    if (well_founded) decide_bezwaar_args.new_decision = decision_of(new_outcome, new_motivation, new_products);
    return DecideBezwaar(globals, decide_bezwaar_args);
  }
  if (legacy_import_cmd->parsed()) {
    legacy_args.law = LawWords().at(legacy_law);
    for (const auto& text : legacy_products) legacy_args.products.push_back(*ParseProduct(text));
    return ImportLegacyIndication(globals, legacy_args);
  }
  if (list_deadlines_cmd->parsed()) {
    if (!deadline_kind.empty()) list_deadlines_args.kind = DeadlineKindWords().at(deadline_kind);
    if (!deadline_state.empty()) list_deadlines_args.state = DeadlineStateWords().at(deadline_state);
    if (due_soon_option->count() > 0) list_deadlines_args.due_soon_working_days = due_soon_days;
    return ListDeadlines(globals, list_deadlines_args);
  }

  if (audit->parsed()) {
    if (globals.expected_version || request_id_option->count() > 0 || min_position_option->count() > 0) {
      return UsageError("--expected-version, --request-id and --min-position do not apply to audit commands");
    }
    if (verify_cmd->parsed()) return AuditVerify(globals, verify_args);
    if (export_cmd->parsed()) {
      if (export_args.household_id.empty() == export_args.tenant.empty()) {
        return UsageError("audit export: give --household or --tenant");
      }
      if (!export_args.tenant.empty()) {
        if (app.get_option("--tenant")->count() > 0 && identity.tenant != export_args.tenant) {
          return UsageError("audit export: --tenant names the tenant you act for; give it once");
        }
        identity.tenant = export_args.tenant;
      }
      return AuditExport(globals, export_args);
    }
    if (replay_cmd->parsed()) return AuditReplay(globals, replay_args);
    if (as_of_cmd->parsed()) return AuditAsOf(globals, as_of_args);
    if (access_log_cmd->parsed()) return AuditAccessLog(globals, access_log_args);
    if (chain_status_cmd->parsed()) return AuditChainStatus(globals, chain_status_args);
    if (key_cmd->parsed()) return AuditKey(globals);
  }
  if (report->parsed()) {
    if (stapeling_cmd->parsed()) return ReportStapeling(globals, report_args);
    if (deadlines_report_cmd->parsed()) return ReportDeadlines(globals, report_args);
    if (procesregie_cmd->parsed()) return ReportProcesregie(globals, report_args);
    if (referrals_report_cmd->parsed()) return ReportReferrals(globals, report_args);
    if (bezwaren_cmd->parsed()) return ReportBezwaren(globals, report_args);
  }
  return UsageError("no command given");  // unreachable: require_subcommand(1) on every level
}
