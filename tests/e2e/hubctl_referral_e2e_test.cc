// hubctl's referral commands against a real hubd: the binaries themselves, started as child
// processes, over gRPC on loopback, through one warm handover (warme overdracht) from the social team
// to FermWerk. Every `hubctl referral ...` subcommand runs at least once, with the identities the
// referral service expects (referral.proto: the social team requests, withdraws and reads the
// household's referrals; the receiver accepts or declines, reads its inbox and, once accepted, its
// handover dossier; sender or receiver schedule and complete the handover).
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/process.h"
#include "tests/testing/temp_dir.h"

namespace hub::e2e {
namespace {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr char kHubd[] = HUBD_PATH;
constexpr char kHubctl[] = HUBCTL_PATH;
constexpr char kOrganisations[] = HUB_SOURCE_DIR "/deploy/config/organisations.json";

// The resident referred and her child; BSNs that pass the elfproef.
constexpr char kParent[] = "111222333,1986-03-14,Anouk de Vries,parent";
constexpr char kChild[] = "123456782,2013-06-02,Daan de Vries,child";
constexpr char kParentName[] = "Anouk de Vries";
constexpr char kChildName[] = "Daan de Vries";

// hubctl's exit codes (tools/hubctl/exit_codes.h): the contract under test, spelled out here.
constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitPrecondition = 5;
constexpr int kExitDenied = 7;

// The purpose the consent names; a referral must name exactly this one.
constexpr char kPurpose[] = "warme overdracht naar werk en inkomen";
constexpr char kWorkResult[] = "Anouk werkt weer, minstens 16 uur per week";
constexpr char kReason[] = "Anouk wil weer aan het werk; WoerdenWijzer regelt opvang voor Daan";
constexpr char kDeclineReason[] = "geen medische vraag, geen consult nodig";
constexpr char kWithdrawReason[] = "de schuldhulp loopt al via het plan";

// Global identity options, given before the subcommand. The social team is hubctl's default
// (woerdenwijzer, consulent).
const std::vector<std::string> kAsFermwerk = {"--organisation", "fermwerk", "--role", "consulent", "--user",
                                              "fermwerk-consulent-1"};
const std::vector<std::string> kAsDeLinde = {"--organisation", "zorgaanbieder-de-linde", "--role", "zorgverlener",
                                             "--user", "linde-1"};

std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

// The reply of a --json call; a discarded value (is_discarded()) if stdout is not JSON.
nlohmann::json Json(const RunResult& r) { return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false); }

// A string field of a JSON reply, or "" when the reply lacks it (the assertion then says why).
std::string StringAt(const nlohmann::json& j, const std::string& pointer) {
  const nlohmann::json::json_pointer at(pointer);
  return j.is_object() && j.contains(at) && j.at(at).is_string() ? j.at(at).get<std::string>() : std::string();
}

// The last position of a CommandReply in JSON, as --min-position takes it: topic:partition:offset.
std::string LastPosition(const nlohmann::json& reply) {
  if (!reply.is_object() || !reply.contains("positions") || reply["positions"].empty()) return {};
  const auto& p = reply["positions"].back();
  return p["topic"].get<std::string>() + ":" + std::to_string(p["partition"].get<int>()) + ":" +
         p["offset"].get<std::string>();  // int64 is a string in protobuf's JSON mapping
}

// The referral ids of a JSON list of referrals, in the order the hub gave them.
std::vector<std::string> ReferralIds(const nlohmann::json& referrals) {
  std::vector<std::string> ids;
  if (!referrals.is_array()) return ids;
  for (const auto& r : referrals) ids.push_back(r.value("referral_id", ""));
  return ids;
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class HubctlReferralE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    hubd_ = Hubd::Start(kHubd, data_.path(), kOrganisations, &error);
    ASSERT_NE(hubd_, nullptr) << error;
  }

  void TearDown() override {
    if (hubd_ != nullptr && HasFailure()) std::cerr << "--- hubd stderr\n" << hubd_->log();
    hubd_.reset();  // kills hubd if a test left it running
  }

  // hubctl against this test's hubd, with the default identity (woerdenwijzer, consulent) unless
  // `args` names another before the subcommand.
  RunResult Hubctl(std::vector<std::string> args) {
    args.insert(args.begin(), {kHubctl, "--server", hubd_->address()});
    return RunProcess(args);
  }

  testing::TempDir data_;
  std::unique_ptr<Hubd> hubd_;
};

TEST_F(HubctlReferralE2eTest, GivenConsentAndAPlanGoal_WhenFermwerkTakesOverTheResident_ThenEveryReferralCommandWorks) {
  // ---- 1. intake: a household, its triage, Anouk's consent for FermWerk
  RunResult r = Hubctl({"melding", "register", "--person", kParent, "--person", kChild, "--channel", "vindplaats",
                        "--source", "school", "--question", "Moeder zegt dat het geld op is", "--life-domain",
                        "FINANCIEN", "--data-category", "CONTACT", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto registered = Json(r);
  const std::string H = StringAt(registered, "/result/household_id");
  const std::string melding = StringAt(registered, "/melding_id");
  const std::string anouk = StringAt(registered, "/person_ids/0");
  const std::string daan = StringAt(registered, "/person_ids/1");
  ASSERT_FALSE(H.empty() || melding.empty() || anouk.empty() || daan.empty()) << Describe(r);

  // LICHAMELIJKE_GEZONDHEID is a medical life domain: the dossier must leave its score out, since
  // the resident gave no consent for MEDICAL.
  r = Hubctl({"triage", "complete", "--household", H, "--melding", melding, "--class", "MEERVOUDIG", "--zrm",
              "FINANCIEN=2", "--zrm", "WERK_OPLEIDING=2", "--zrm", "LICHAMELIJKE_GEZONDHEID=3"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);

  r = Hubctl({"consent", "record", "--household", H, "--person", anouk, "--recipient", "fermwerk", "--category",
              "CONTACT", "--category", "HOUSEHOLD_COMPOSITION", "--category", "TRIAGE", "--category", "PLAN",
              "--category", "FINANCIAL", "--purpose", kPurpose, "--valid-until", "2099-12-31", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string consent_id = StringAt(Json(r), "/consent_id");
  const std::string intake_position = LastPosition(Json(r)["result"]);
  ASSERT_FALSE(consent_id.empty()) << Describe(r);
  ASSERT_THAT(intake_position, HasSubstr("hub.intake.events.v1:")) << Describe(r);

  // ---- 2. the plan, with the goal FermWerk is responsible for
  r = Hubctl({"--min-position", intake_position, "plan", "draft", "--household", H, "--melding", melding, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string plan_id = StringAt(Json(r), "/plan_id");
  ASSERT_FALSE(plan_id.empty()) << Describe(r);

  r = Hubctl({"plan", "goal", "add", "--household", H, "--plan", plan_id, "--domain", "WERK_OPLEIDING", "--result",
              kWorkResult, "--target", "2099-06-30", "--tier", "maatwerk", "--responsible-organisation", "fermwerk",
              "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string work_goal = StringAt(Json(r), "/goal_id");
  const std::string plan_position = LastPosition(Json(r)["result"]);
  ASSERT_FALSE(work_goal.empty()) << Describe(r);
  ASSERT_THAT(plan_position, HasSubstr("hub.plan.events.v1:")) << Describe(r);

  // ---- 3. a referral asking for more than the consent covers is refused, and names what is missing
  // It goes first: while Anouk's referral to FermWerk is open, another one to FermWerk is refused
  // with REFERRAL_OPEN before consent is looked at.
  r = Hubctl({"--min-position", plan_position, "referral", "request", "--household", H, "--person", anouk,
              "--receiver", "fermwerk", "--purpose", kPurpose, "--category", "CONTACT", "--category", "MEDICAL",
              "--reason", kReason});
  EXPECT_EQ(r.exit_code, kExitPrecondition) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: FAILED_PRECONDITION: "));
  EXPECT_THAT(r.err, HasSubstr("  reason: CONSENT_MISSING"));
  EXPECT_THAT(r.err, HasSubstr("MEDICAL")) << "the message names the category not covered";
  EXPECT_EQ(r.out, "");

  // ---- 4. the referral
  r = Hubctl({"--min-position", plan_position, "referral", "request", "--household", H, "--person", anouk,
              "--receiver", "fermwerk", "--purpose", kPurpose, "--category", "CONTACT", "--category",
              "HOUSEHOLD_COMPOSITION", "--category", "TRIAGE", "--category", "PLAN", "--category", "FINANCIAL",
              "--goal", work_goal, "--reason", kReason, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto requested = Json(r);
  const std::string R = StringAt(requested, "/referral_id");
  ASSERT_FALSE(R.empty()) << Describe(r);
  EXPECT_EQ(StringAt(requested, "/result/household_id"), H);
  EXPECT_THAT(StringAt(requested, "/answer_due"), ContainsRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")) << Describe(r);
  EXPECT_EQ(requested["consent_ids"], nlohmann::json::array({consent_id})) << Describe(r);
  EXPECT_THAT(LastPosition(requested["result"]), HasSubstr("hub.referral.events.v1:")) << Describe(r);

  // ---- 5. FermWerk's inbox lists it; another receiver's inbox does not
  r = Hubctl(Concat(kAsFermwerk, {"referral", "list", "--role", "receiver"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(HasSubstr("HOUSEHOLD"), HasSubstr("ANSWER DUE")));
  EXPECT_THAT(r.out,
              ContainsRegex(H + " +" + R + " +" + anouk + " +woerdenwijzer +fermwerk +work-and-income +requested"));

  r = Hubctl(Concat(kAsFermwerk, {"referral", "list", "--role", "receiver", "--status", "requested", "--json"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  std::string today;  // the hub's today (Europe/Amsterdam): the day it recorded the request
  {
    const auto inbox = Json(r);
    ASSERT_TRUE(inbox.is_object()) << Describe(r);
    ASSERT_EQ(inbox["referrals"].size(), 1u) << Describe(r);
    const auto& item = inbox["referrals"][0];
    EXPECT_EQ(item["household_id"], H);
    EXPECT_EQ(item["referral_id"], R);
    EXPECT_EQ(item["status"], "REFERRAL_STATUS_REQUESTED");
    EXPECT_EQ(item["receiver_kind"], "RECEIVER_KIND_WORK_AND_INCOME");
    EXPECT_EQ(item["answer_due"], requested["answer_due"]);
    EXPECT_EQ(inbox["next_page_token"], "");
    today = item.value("requested_on", "");
  }
  ASSERT_THAT(today, ContainsRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"));

  r = Hubctl(Concat(kAsDeLinde, {"referral", "list", "--role", "receiver"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(r.out, "no referrals\n");

  // ---- 6. no dossier before FermWerk accepts; then accepted
  r = Hubctl(Concat(kAsFermwerk, {"referral", "dossier", "--household", H, "--referral", R}));
  EXPECT_EQ(r.exit_code, kExitPrecondition) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("  reason: REFERRAL_NOT_ACCEPTED"));
  EXPECT_THAT(r.out, Not(HasSubstr(kParentName)));

  r = Hubctl(Concat(kAsFermwerk, {"referral", "accept", "--household", H, "--referral", R}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(ContainsRegex("household +" + H), HasSubstr("hub.referral.events.v1:")));
  EXPECT_THAT(r.out, Not(HasSubstr("unchanged")));

  // ---- 7. the handover dossier as FermWerk reads it
  r = Hubctl(Concat(kAsFermwerk, {"referral", "dossier", "--household", H, "--referral", R}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("referral +" + R));
  EXPECT_THAT(r.out, ContainsRegex("status +accepted\n"));
  EXPECT_THAT(r.out, ContainsRegex("purpose +" + std::string(kPurpose)));
  EXPECT_THAT(r.out, ContainsRegex("withheld +none\n"));
  EXPECT_THAT(r.out, ContainsRegex("name +" + std::string(kParentName)));
  EXPECT_THAT(r.out, ContainsRegex(daan + " +child +2013-06-02 +" + kChildName)) << "the household members";
  EXPECT_THAT(r.out, ContainsRegex("zrm +FINANCIEN=2 WERK_OPLEIDING=2\n"))
      << "the medical life domain stays out without MEDICAL consent";
  EXPECT_THAT(r.out, Not(HasSubstr("LICHAMELIJKE_GEZONDHEID")));
  EXPECT_THAT(r.out, ContainsRegex(work_goal + " +WERK_OPLEIDING +maatwerk +2099-06-30 +" + kWorkResult));
  EXPECT_THAT(r.out, Not(HasSubstr(kReason))) << "the reason travels with the referral, not in the dossier";

  r = Hubctl(Concat(kAsFermwerk, {"referral", "dossier", "--household", H, "--referral", R, "--json"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  {
    const auto dossier = Json(r);
    ASSERT_TRUE(dossier.is_object()) << Describe(r);
    EXPECT_EQ(dossier["status"], "REFERRAL_STATUS_ACCEPTED");
    EXPECT_EQ(dossier["withheld_categories"], nlohmann::json::array());
    EXPECT_EQ(StringAt(dossier, "/contact/person/name"), kParentName);
    EXPECT_EQ(StringAt(dossier, "/contact/person/person_id"), anouk);
    EXPECT_EQ(StringAt(dossier, "/plan/plan_id"), plan_id);
    ASSERT_EQ(dossier["plan"]["goals"].size(), 1u) << Describe(r);
    EXPECT_EQ(dossier["plan"]["goals"][0]["goal_id"], work_goal);
    EXPECT_EQ(dossier["plan"]["goals"][0]["result"], kWorkResult);
    EXPECT_EQ(dossier["household"]["members"].size(), 2u);
  }

  // Another receiver reads nothing of it.
  r = Hubctl(Concat(kAsDeLinde, {"referral", "dossier", "--household", H, "--referral", R}));
  EXPECT_EQ(r.exit_code, kExitDenied) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: PERMISSION_DENIED: "));
  EXPECT_THAT(r.err, HasSubstr("  reason: NOT_THE_RECEIVER"));
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, AllOf(Not(HasSubstr(kParentName)), Not(HasSubstr(kWorkResult))));

  // ---- 8. the handover meeting today, then the handover completed (by the sender)
  r = Hubctl(Concat(kAsFermwerk, {"referral", "meeting", "--household", H, "--referral", R, "--on", today}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(ContainsRegex("household +" + H), HasSubstr("hub.referral.events.v1:")));

  r = Hubctl({"referral", "complete", "--household", H, "--referral", R});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(ContainsRegex("household +" + H), HasSubstr("hub.referral.events.v1:")));

  // ---- 9. the social team reads the household's referrals: completed
  r = Hubctl({"referral", "show", "--household", H});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("household +" + H));
  EXPECT_THAT(r.out, ContainsRegex(R + " +" + anouk + " +woerdenwijzer +fermwerk +work-and-income +completed +" +
                                   today + " +[0-9-]{10} +" + today + " +" + today +
                                   " +CONTACT,HOUSEHOLD_COMPOSITION,TRIAGE,PLAN,FINANCIAL +" + kPurpose));
  EXPECT_THAT(r.out, ContainsRegex(R + " +request +" + kReason));
  EXPECT_THAT(r.out, ContainsRegex(R + " +" + plan_id + " +" + work_goal)) << "the plan goals served";
  EXPECT_THAT(r.out, Not(HasSubstr("restricted"))) << "the social team sees every referral";

  r = Hubctl({"referral", "show", "--household", H, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  {
    const auto shown = Json(r);
    ASSERT_TRUE(shown.is_object()) << Describe(r);
    ASSERT_EQ(shown["referrals"].size(), 1u) << Describe(r);
    const auto& view = shown["referrals"][0];
    EXPECT_EQ(view["referral_id"], R);
    EXPECT_EQ(view["status"], "REFERRAL_STATUS_COMPLETED");
    EXPECT_EQ(view["meeting_on"], today);
    EXPECT_EQ(view["closed_on"], today);
    EXPECT_EQ(view["accepted_on"], today);
    EXPECT_EQ(view["reason"], kReason);
    EXPECT_EQ(view["goal_ids"], nlohmann::json::array({work_goal}));
    EXPECT_EQ(shown["restricted"], false);
  }

  // ---- 10. a consultation declined by its receiver, another withdrawn by the social team
  // A consultation names no data categories, so it needs no consent.
  r = Hubctl({"referral", "request", "--household", H, "--person", anouk, "--receiver", "zorgaanbieder-de-linde",
              "--consultation", "--purpose", "consult", "--reason", "Vraag over vermoeidheid", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string declined = StringAt(Json(r), "/referral_id");
  ASSERT_FALSE(declined.empty()) << Describe(r);

  r = Hubctl({"referral", "request", "--household", H, "--person", anouk, "--receiver", "schuldhulp-woerden",
              "--consultation", "--purpose", "consult", "--reason", "Vraag over de schulden"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(ContainsRegex("referral +[0-9a-f-]{36}\n"), ContainsRegex("answer due +[0-9-]{10}\n")));
  EXPECT_THAT(r.out, Not(HasSubstr("consent"))) << "no consent covers a consultation without categories";
  std::smatch match;
  ASSERT_TRUE(std::regex_search(r.out, match, std::regex("referral +([0-9a-f-]{36})"))) << Describe(r);
  const std::string withdrawn = match[1].str();

  r = Hubctl(Concat(kAsDeLinde,
                    {"referral", "decline", "--household", H, "--referral", declined, "--reason", kDeclineReason}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("household +" + H));

  r = Hubctl({"referral", "withdraw", "--household", H, "--referral", withdrawn, "--reason", kWithdrawReason});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("household +" + H));

  r = Hubctl({"referral", "show", "--household", H});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex(declined + " +" + anouk + " +woerdenwijzer +zorgaanbieder-de-linde +consultation "
                                   "+declined "));
  EXPECT_THAT(r.out, ContainsRegex(withdrawn + " +" + anouk + " +woerdenwijzer +schuldhulp-woerden +consultation "
                                   "+withdrawn "));
  EXPECT_THAT(r.out, ContainsRegex(declined + " +decline +" + kDeclineReason));
  EXPECT_THAT(r.out, ContainsRegex(withdrawn + " +withdrawal +" + kWithdrawReason));

  r = Hubctl({"referral", "show", "--household", H, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(ReferralIds(Json(r)["referrals"]), UnorderedElementsAre(R, declined, withdrawn)) << Describe(r);

  // FermWerk sees only what is addressed to it, and is told so.
  r = Hubctl(Concat(kAsFermwerk, {"referral", "show", "--household", H}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("restricted +yes"));
  EXPECT_THAT(r.out, HasSubstr(R));
  EXPECT_THAT(r.out, AllOf(Not(HasSubstr(declined)), Not(HasSubstr(withdrawn)), Not(HasSubstr(kDeclineReason))));

  // ---- 11. what the social team sent
  r = Hubctl({"referral", "list", "--role", "sender", "--status", "completed"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex(H + " +" + R + " +" + anouk + " +woerdenwijzer +fermwerk +work-and-income "
                                   "+completed +" + today));
  EXPECT_THAT(r.out, AllOf(Not(HasSubstr(declined)), Not(HasSubstr(withdrawn))));

  r = Hubctl({"referral", "list", "--role", "sender", "--page-size", "1", "--all", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  {
    const auto sent = Json(r);
    ASSERT_TRUE(sent.is_object()) << Describe(r);
    EXPECT_EQ(sent["next_page_token"], "") << "--all follows the pages to the end";
    EXPECT_THAT(ReferralIds(sent["referrals"]), UnorderedElementsAre(R, declined, withdrawn)) << Describe(r);
  }

  // A receiving organisation sends nothing.
  r = Hubctl(Concat(kAsFermwerk, {"referral", "list", "--role", "sender"}));
  EXPECT_EQ(r.exit_code, kExitDenied) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: PERMISSION_DENIED: "));

  // ---- 12. usage errors: nothing is sent
  r = Hubctl({"referral", "request", "--household", H, "--person", anouk, "--receiver", "fermwerk", "--purpose",
              kPurpose, "--reason", kReason});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--category"));
  r = Hubctl({"referral", "list", "--role", "receiver", "--status", "REFERRAL_STATUS_COMPLETED"});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  r = Hubctl({"referral", "meeting", "--household", H, "--referral", R, "--on", "morgen"});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  r = Hubctl({"--min-position", plan_position, "referral", "list", "--role", "sender"});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
}

// The order referral.proto promises: a household's referrals newest first (GetReferrals), and
// what a social team sent newest request first (ListReferrals, SENDER). hubctl prints them in the
// order the hub gives, so the order is the hub's; three consultations (no consent needed), one
// after the other, make the order of the requests plain.
TEST_F(HubctlReferralE2eTest, GivenThreeReferralsOneAfterTheOther_WhenTheSocialTeamReadsThem_ThenTheNewestComesFirst) {
  RunResult r = Hubctl({"melding", "register", "--person", kParent, "--channel", "desk", "--source", "self", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string H = StringAt(Json(r), "/result/household_id");
  const std::string anouk = StringAt(Json(r), "/person_ids/0");
  ASSERT_FALSE(H.empty() || anouk.empty()) << Describe(r);

  std::vector<std::string> requested;  // oldest first
  for (const char* receiver : {"fermwerk", "zorgaanbieder-de-linde", "schuldhulp-woerden"}) {
    r = Hubctl({"referral", "request", "--household", H, "--person", anouk, "--receiver", receiver, "--consultation",
                "--purpose", "consult", "--reason", "Een vraag om advies", "--json"});
    ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
    requested.push_back(StringAt(Json(r), "/referral_id"));
    ASSERT_FALSE(requested.back().empty()) << Describe(r);
  }
  const std::vector<std::string> newest_first(requested.rbegin(), requested.rend());

  r = Hubctl({"referral", "show", "--household", H, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(ReferralIds(Json(r)["referrals"]), newest_first)
      << "HouseholdReferrals.referrals: \"Newest first.\" (referral.proto)\n"
      << Describe(r);

  r = Hubctl({"referral", "list", "--role", "sender", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(ReferralIds(Json(r)["referrals"]), newest_first)
      << "ListReferralsResponse.referrals: \"newest request first for the sender\" (referral.proto)\n"
      << Describe(r);
}

}  // namespace
}  // namespace hub::e2e
