// hubctl's plan commands against a real hubd: the binaries themselves, started as child processes,
// over gRPC on loopback, through one household's whole plan journey. Every `hubctl plan ...`
// subcommand runs at least once, with the identities the plan service expects (plan.proto: the
// social team drafts, the casusregisseur agrees and closes, the procesregisseur directs, the bound
// organisation reports its directive done, other organisations read only their own goals).
#include <iostream>
#include <memory>
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

constexpr char kHubd[] = HUBD_PATH;
constexpr char kHubctl[] = HUBCTL_PATH;
constexpr char kOrganisations[] = HUB_SOURCE_DIR "/deploy/config/organisations.json";

// An adult who can sign the plan and a child; BSNs that pass the elfproef.
constexpr char kParent[] = "111222333,1984-03-12,Anna de Vries,parent";
constexpr char kChild[] = "123456782,2012-09-01,Zoë de Vries,child";

// hubctl's exit codes (tools/hubctl/exit_codes.h): the contract under test, spelled out here.
constexpr int kExitOk = 0;
constexpr int kExitInvalidArgument = 3;
constexpr int kExitDenied = 7;

// The users of the journey. The casusregisseur is the one intake assigns; the procesregisseur the
// one the escalation attaches. Both work at woerdenwijzer, hubctl's default organisation.
constexpr char kRegisseurUser[] = "regisseur-7";
constexpr char kProcesregisseurUser[] = "pr-3";

// Global identity options, given before the subcommand.
const std::vector<std::string> kAsCasusregisseur = {"--role", "casusregisseur", "--user", kRegisseurUser};
const std::vector<std::string> kAsProcesregisseur = {"--role", "procesregisseur", "--user", kProcesregisseurUser};
const std::vector<std::string> kAsFermwerk = {"--organisation", "fermwerk"};
const std::vector<std::string> kAsSignalGiver = {"--organisation", "basisschool-de-regenboog", "--role",
                                                 "signaalgever"};

// Goal texts, so the assertions on `plan show` name what was written.
constexpr char kWorkResult[] = "Anna heeft betaald werk gevonden";
constexpr char kHomeResult[] = "De huurachterstand is ingelopen";
constexpr char kHomeResultChanged[] = "De huur wordt elke maand op tijd betaald";
constexpr char kDebtResult[] = "Schulden in beeld";
constexpr char kEvaluationNotes[] = "sollicitatietraining loopt";
constexpr char kDirectiveAction[] = "werkfit-traject binnen een week starten";

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

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

struct Registered {
  std::string household_id;
  std::string melding_id;
  std::vector<std::string> person_ids;
};

class HubctlPlanE2eTest : public ::testing::Test {
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

  // A melding about a parent and a child, as the intake journey registers it.
  Registered RegisterHousehold() {
    const RunResult r = Hubctl({"melding", "register", "--person", kParent, "--person", kChild, "--channel", "phone",
                                "--source", "school", "--question", "Zorgen over de huur en werk", "--life-domain",
                                "FINANCIEN", "--data-category", "CONTACT", "--json"});
    EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
    Registered registered;
    const auto reply = Json(r);
    EXPECT_TRUE(reply.is_object()) << Describe(r);
    if (!reply.is_object()) return registered;
    registered.household_id = reply["result"]["household_id"].get<std::string>();
    registered.melding_id = reply["melding_id"].get<std::string>();
    registered.person_ids = reply["person_ids"].get<std::vector<std::string>>();
    EXPECT_EQ(registered.person_ids.size(), 2u) << Describe(r);
    return registered;
  }

  testing::TempDir data_;
  std::unique_ptr<Hubd> hubd_;
};

TEST_F(HubctlPlanE2eTest, GivenAHouseholdWithACasusregisseur_WhenThePlanGoesItsWholeWay_ThenEveryPlanCommandWorks) {
  // ---- 1. intake: a melding, and woerdenwijzer's casusregisseur for the household
  const Registered h = RegisterHousehold();
  ASSERT_FALSE(h.household_id.empty());
  ASSERT_EQ(h.person_ids.size(), 2u);
  const std::string& H = h.household_id;
  const std::string& anna = h.person_ids[0];  // the adult: signs the plan, owns a goal

  RunResult r = Hubctl({"regisseur", "assign", "--household", H, "--organisation", "woerdenwijzer", "--user",
                        kRegisseurUser, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string intake_position = LastPosition(Json(r));
  ASSERT_THAT(intake_position, HasSubstr("hub.intake.events.v1:")) << Describe(r);

  // ---- 2. draft, three goals, one changed, one dropped
  // The request id is fixed so that step 8 can retry this very command.
  const std::vector<std::string> draft = {"--request-id", "plan-draft-once-1", "--min-position", intake_position,
                                          "plan", "draft", "--household", H, "--melding", h.melding_id,
                                          "--evaluation-weeks", "8", "--json"};
  r = Hubctl(draft);
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto drafted = Json(r);
  const std::string plan_id = StringAt(drafted, "/plan_id");
  ASSERT_FALSE(plan_id.empty()) << Describe(r);
  EXPECT_EQ(StringAt(drafted, "/result/household_id"), H);
  EXPECT_EQ(drafted["result"]["replayed"], false);
  EXPECT_THAT(LastPosition(drafted["result"]), HasSubstr("hub.plan.events.v1:")) << Describe(r);

  r = Hubctl({"plan", "goal", "add", "--household", H, "--plan", plan_id, "--domain", "WERK_OPLEIDING", "--result",
              kWorkResult, "--target", "2099-06-30", "--tier", "maatwerk", "--responsible-organisation", "fermwerk",
              "--agreements", "FermWerk zoekt passend werk, Anna solliciteert", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string work_goal = StringAt(Json(r), "/goal_id");
  ASSERT_FALSE(work_goal.empty()) << Describe(r);
  EXPECT_EQ(Json(r)["revision"], 1) << "goals of a draft belong to revision 1";

  r = Hubctl({"plan", "goal", "add", "--household", H, "--plan", plan_id, "--domain", "HUISVESTING", "--result",
              kHomeResult, "--target", "2099-03-31", "--tier", "own-effort", "--responsible-person", anna, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string home_goal = StringAt(Json(r), "/goal_id");
  ASSERT_FALSE(home_goal.empty()) << Describe(r);

  r = Hubctl({"plan", "goal", "add", "--household", H, "--plan", plan_id, "--domain", "FINANCIEN", "--result",
              kDebtResult, "--target", "2099-01-31", "--tier", "maatwerk", "--responsible-organisation",
              "schuldhulp-woerden", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string debt_goal = StringAt(Json(r), "/goal_id");
  ASSERT_FALSE(debt_goal.empty()) << Describe(r);
  EXPECT_NE(debt_goal, work_goal);
  EXPECT_NE(debt_goal, home_goal);

  // goal change replaces the goal as a whole (text output: the goal and its revision).
  r = Hubctl({"plan", "goal", "change", "--household", H, "--plan", plan_id, "--goal", home_goal, "--domain",
              "HUISVESTING", "--result", kHomeResultChanged, "--target", "2099-09-30", "--tier", "network",
              "--responsible-person", anna, "--agreements", "Anna's zus helpt met de post"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("goal +" + home_goal));
  EXPECT_THAT(r.out, ContainsRegex("revision +1\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("unchanged")));

  r = Hubctl({"plan", "goal", "drop", "--household", H, "--plan", plan_id, "--goal", debt_goal});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(ContainsRegex("household +" + H), HasSubstr("position   hub.plan.events.v1:")));

  r = Hubctl({"plan", "show", "--household", H, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  {
    const auto plan = Json(r);
    ASSERT_TRUE(plan.is_object()) << Describe(r);
    EXPECT_EQ(plan["status"], "PLAN_STATUS_DRAFT");
    ASSERT_EQ(plan["goals"].size(), 2u) << "the third goal was dropped\n" << Describe(r);
    EXPECT_EQ(plan["goals"][0]["goal_id"], work_goal);
    EXPECT_EQ(plan["goals"][1]["goal_id"], home_goal);
    EXPECT_EQ(plan["goals"][1]["result"], kHomeResultChanged);
    EXPECT_EQ(plan["goals"][1]["tier"], "SUPPORT_TIER_NETWORK");
    EXPECT_EQ(plan["goals"][1]["target_date"], "2099-09-30");
    EXPECT_EQ(plan["goals"][1]["responsible_person_id"], anna);
  }

  // ---- 3. agreement: refused to a consulent, recorded for the casusregisseur
  // The consulent goes first: on an agreed plan the hub answers PLAN_NOT_DRAFT (a precondition it
  // checks before who asks), so the refusal for the wrong person shows only on the draft.
  r = Hubctl({"plan", "agree", "--household", H, "--plan", plan_id, "--revision", "1", "--resident", anna});
  EXPECT_EQ(r.exit_code, kExitDenied) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: PERMISSION_DENIED: "));
  EXPECT_THAT(r.err, HasSubstr("casusregisseur")) << "the message says who may agree";
  EXPECT_THAT(r.err, HasSubstr("  reason: NOT_THE_REGISSEUR"));
  EXPECT_EQ(r.out, "");

  r = Hubctl(Concat(kAsCasusregisseur,
                    {"plan", "agree", "--household", H, "--plan", plan_id, "--revision", "1", "--resident", anna}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(ContainsRegex("household +" + H), HasSubstr("hub.plan.events.v1:")));

  // ---- 4. evaluation, and who reads what
  r = Hubctl({"plan", "evaluate", "--household", H, "--plan", plan_id, "--goal", work_goal, "--progress", "on-track",
              "--zrm", "3", "--notes", kEvaluationNotes});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("household +" + H));

  r = Hubctl({"plan", "show", "--household", H});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("plan +" + plan_id));
  EXPECT_THAT(r.out, ContainsRegex("status +active\n"));
  EXPECT_THAT(r.out, ContainsRegex("agreed revision +1\n"));
  EXPECT_THAT(r.out, ContainsRegex("regisseur +woerdenwijzer / regisseur-7"));
  EXPECT_THAT(r.out, ContainsRegex("evaluation +every 8 weeks"));
  EXPECT_THAT(r.out, AllOf(HasSubstr(kWorkResult), HasSubstr(kHomeResultChanged), Not(HasSubstr(kHomeResult)),
                           Not(HasSubstr(kDebtResult))));
  EXPECT_THAT(r.out, AllOf(HasSubstr("fermwerk"), HasSubstr("person " + anna)));
  EXPECT_THAT(r.out, AllOf(HasSubstr("on-track"), HasSubstr(kEvaluationNotes)))
      << "the latest evaluation of the goal";
  EXPECT_THAT(r.out, Not(HasSubstr("restricted"))) << "the social team sees the whole plan";

  // FermWerk reads only the goal it is responsible for, and is told so.
  r = Hubctl(Concat(kAsFermwerk, {"plan", "show", "--household", H, "--json"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  {
    const auto plan = Json(r);
    ASSERT_TRUE(plan.is_object()) << Describe(r);
    EXPECT_EQ(plan["restricted"], true);
    EXPECT_EQ(plan["plan_id"], plan_id);
    EXPECT_EQ(plan["status"], "PLAN_STATUS_ACTIVE");
    ASSERT_EQ(plan["goals"].size(), 1u) << Describe(r);
    EXPECT_EQ(plan["goals"][0]["goal_id"], work_goal);
    EXPECT_EQ(plan["goals"][0]["responsible_organisation_id"], "fermwerk");
    EXPECT_EQ(plan["goals"][0]["result"], kWorkResult);
    EXPECT_EQ(plan["goals"][0]["last_evaluation"]["progress"], "GOAL_PROGRESS_ON_TRACK");
    EXPECT_EQ(plan["goals"][0]["last_evaluation"]["zrm_score"], 3);
  }
  EXPECT_THAT(r.out, AllOf(Not(HasSubstr(home_goal)), Not(HasSubstr(kHomeResultChanged)), Not(HasSubstr(anna))))
      << "nothing of the goal FermWerk is not responsible for, nor who signed";

  // A signal giver reads no plan at all.
  r = Hubctl(Concat(kAsSignalGiver, {"plan", "show", "--household", H}));
  EXPECT_EQ(r.exit_code, kExitDenied) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: PERMISSION_DENIED: "));
  EXPECT_THAT(r.out, AllOf(Not(HasSubstr(kWorkResult)), Not(HasSubstr(plan_id))));

  // ---- 5. procesregie: escalate, a directive issued and reported done, released
  r = Hubctl({"plan", "escalate", "--household", H, "--reason", "stuck", "--explanation",
              "het werktraject komt niet op gang", "--procesregisseur-organisation", "woerdenwijzer",
              "--procesregisseur-user", kProcesregisseurUser, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string escalation_id = StringAt(Json(r), "/escalation_id");
  ASSERT_FALSE(escalation_id.empty()) << Describe(r);

  r = Hubctl(Concat(kAsProcesregisseur, {"plan", "directive", "issue", "--household", H, "--organisation", "fermwerk",
                                         "--action", kDirectiveAction, "--due", "2099-01-15", "--json"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string directive_id = StringAt(Json(r), "/directive_id");
  ASSERT_FALSE(directive_id.empty()) << Describe(r);

  r = Hubctl({"plan", "list", "--under-procesregie"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(HasSubstr(H), HasSubstr(plan_id), HasSubstr("1 open")));

  r = Hubctl({"plan", "show", "--household", H});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("procesregie +yes\n"));
  EXPECT_THAT(r.out, ContainsRegex("escalation +" + escalation_id));
  EXPECT_THAT(r.out, ContainsRegex("procesregisseur +woerdenwijzer / pr-3"));
  EXPECT_THAT(r.out, ContainsRegex("released +no: under procesregie"));
  EXPECT_THAT(r.out, ContainsRegex(directive_id + " +fermwerk +2099-01-15 +open +" + kDirectiveAction));

  r = Hubctl(Concat(kAsFermwerk, {"plan", "directive", "complete", "--household", H, "--directive", directive_id}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(ContainsRegex("household +" + H), HasSubstr("hub.plan.events.v1:")));

  r = Hubctl(Concat(kAsProcesregisseur, {"plan", "release", "--household", H, "--explanation",
                                         "het werktraject loopt, de casusregisseur gaat verder"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("household +" + H));

  r = Hubctl({"plan", "show", "--household", H});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("procesregie +no\n"));
  EXPECT_THAT(r.out, ContainsRegex(directive_id + " +fermwerk +2099-01-15 +done [0-9]{4}-[0-9]{2}-[0-9]{2}"));
  EXPECT_THAT(r.out, Not(HasSubstr("no: under procesregie")));

  // ---- 6. the tenant's plan lists
  r = Hubctl({"plan", "list"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(HasSubstr("HOUSEHOLD"), HasSubstr(H), HasSubstr(plan_id), HasSubstr("active")));

  r = Hubctl({"plan", "list", "--under-procesregie"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(HasSubstr("no plans"), Not(HasSubstr(H))));

  r = Hubctl({"plan", "list", "--status", "active", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  {
    const auto list = Json(r);
    ASSERT_TRUE(list.is_object()) << Describe(r);
    ASSERT_EQ(list["plans"].size(), 1u) << Describe(r);
    EXPECT_EQ(list["plans"][0]["household_id"], H);
    EXPECT_EQ(list["plans"][0]["plan_id"], plan_id);
    EXPECT_EQ(list["plans"][0]["status"], "PLAN_STATUS_ACTIVE");
    EXPECT_EQ(list["plans"][0]["revision"], 1);
    EXPECT_EQ(list["plans"][0]["under_procesregie"], false);
    EXPECT_EQ(list["plans"][0]["open_directives"], 0);
    EXPECT_EQ(list["next_page_token"], "");
  }

  // ---- 7. scale down and close, by the casusregisseur
  r = Hubctl(Concat(kAsCasusregisseur, {"plan", "scale-down", "--household", H, "--plan", plan_id, "--reason",
                                        "verder met de algemene voorziening"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("household +" + H));

  r = Hubctl({"plan", "show", "--household", H});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("status +scaled-down\n"));

  r = Hubctl(Concat(kAsCasusregisseur,
                    {"plan", "close", "--household", H, "--plan", plan_id, "--reason", "GOALS_ACHIEVED"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("household +" + H));

  r = Hubctl({"plan", "show", "--household", H});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("status +closed GOALS_ACHIEVED\n"));

  r = Hubctl({"plan", "list", "--status", "closed"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(HasSubstr(H), HasSubstr("closed")));

  // ---- 8. a refused goal, and a retried draft
  r = Hubctl({"plan", "goal", "add", "--household", H, "--plan", plan_id, "--domain", "NOPE", "--result",
              "Iets onbekends", "--target", "2099-06-30", "--tier", "network", "--responsible-person", anna});
  EXPECT_EQ(r.exit_code, kExitInvalidArgument) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: INVALID_ARGUMENT: "));
  EXPECT_THAT(r.err, HasSubstr("  field: goal.life_domain")) << "the hub-field trailer";
  EXPECT_EQ(r.out, "");

  r = Hubctl(draft);
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto again = Json(r);
  EXPECT_EQ(StringAt(again, "/plan_id"), plan_id) << Describe(r);
  EXPECT_EQ(again["result"]["replayed"], true) << Describe(r);
  EXPECT_EQ(again["result"]["version"], drafted["result"]["version"]);
  EXPECT_EQ(again["result"]["positions"], drafted["result"]["positions"]);
}

}  // namespace
}  // namespace hub::e2e
