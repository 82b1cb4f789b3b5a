// hubctl's beschikking commands against a real hubd: the binaries themselves, started as child
// processes, over gRPC on loopback. One Wmo aanvraag for begeleiding from the social team, granted
// by the decision office (woerden-beschikkingen, decision_officer) as individuele begeleiding in
// natura at Zorgaanbieder De Linde; the toewijzing appears with its number; De Linde reports the
// start of care (305), another organisation may not; no deadline is overdue. A bezwaar too late
// needs a shifted clock and is left to the service's own tests.
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

constexpr char kParent[] = "111222333,1986-03-14,Anouk de Vries,parent";
// Individuele begeleiding (deploy/config/products.json) and De Linde's AGB code
// (deploy/config/organisations.json).
constexpr char kBegeleiding[] = "02A01";
constexpr char kDeLindeAgb[] = "98001234";
constexpr char kProvision[] = "begeleiding bij dagstructuur en administratie";
constexpr char kMotivation[] = "Anouk heeft structurele begeleiding nodig; het netwerk kan dit niet dragen";

// hubctl's exit codes (tools/hubctl/exit_codes.h): the contract under test, spelled out here.
constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitDenied = 7;

// Global identity options, given before the subcommand. The social team is hubctl's default
// (woerdenwijzer, consulent).
const std::vector<std::string> kAsDecisionOfficer = {"--organisation", "woerden-beschikkingen", "--role",
                                                     "decision_officer", "--user", "beschikker-1"};
const std::vector<std::string> kAsDeLinde = {"--organisation", "zorgaanbieder-de-linde", "--role", "zorgverlener",
                                             "--user", "linde-1"};
const std::vector<std::string> kAsFermwerk = {"--organisation", "fermwerk", "--role", "consulent", "--user",
                                              "fermwerk-consulent-1"};

std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

nlohmann::json Json(const RunResult& r) { return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false); }

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

class HubctlBeschikkingE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    hubd_ = Hubd::Start(kHubd, data_.path(), kOrganisations, &error);
    ASSERT_NE(hubd_, nullptr) << error;
  }

  void TearDown() override {
    if (hubd_ != nullptr && HasFailure()) std::cerr << "--- hubd stderr\n" << hubd_->log();
    hubd_.reset();
  }

  RunResult Hubctl(std::vector<std::string> args) {
    args.insert(args.begin(), {kHubctl, "--server", hubd_->address()});
    return RunProcess(args);
  }

  testing::TempDir data_;
  std::unique_ptr<Hubd> hubd_;
};

TEST_F(HubctlBeschikkingE2eTest, GivenATriagedHousehold_WhenBegeleidingIsGrantedInNatura_ThenDeLindeStartsCare) {
  // ---- 1. intake: the household and its triage (a beschikking on an aanvraag needs it)
  RunResult r = Hubctl({"melding", "register", "--person", kParent, "--channel", "desk", "--source", "self",
                        "--question", "Anouk redt het niet meer alleen", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto registered = Json(r);
  const std::string H = StringAt(registered, "/result/household_id");
  const std::string melding = StringAt(registered, "/melding_id");
  const std::string anouk = StringAt(registered, "/person_ids/0");
  ASSERT_FALSE(H.empty() || melding.empty() || anouk.empty()) << Describe(r);

  r = Hubctl({"triage", "complete", "--household", H, "--melding", melding, "--class", "ENKELVOUDIG", "--zrm",
              "FINANCIEN=2", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string triage_position = LastPosition(Json(r));
  ASSERT_THAT(triage_position, HasSubstr("hub.intake.events.v1:")) << Describe(r);

  // ---- 2. the aanvraag (Wmo: due in two weeks)
  r = Hubctl({"--min-position", triage_position, "aanvraag", "submit", "--household", H, "--person", anouk, "--law",
              "wmo", "--provision", kProvision, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto submitted = Json(r);
  const std::string aanvraag = StringAt(submitted, "/aanvraag_id");
  ASSERT_FALSE(aanvraag.empty()) << Describe(r);
  EXPECT_THAT(StringAt(submitted, "/decision_due"), ContainsRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")) << Describe(r);
  EXPECT_THAT(LastPosition(submitted["result"]), HasSubstr("hub.beschikking.events.v1:")) << Describe(r);

  // The hub's today (Europe/Amsterdam): the day the aanvraag was submitted.
  r = Hubctl({"beschikking", "show", "--household", H, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const std::string today = StringAt(Json(r), "/aanvragen/0/submitted_on");
  ASSERT_THAT(today, ContainsRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")) << Describe(r);
  // A year on (28 February after a leap day): the toewijzing's last day.
  const std::string end = std::to_string(std::stoi(today.substr(0, 4)) + 1) +
                          (today.substr(4) == "-02-29" ? std::string("-02-28") : today.substr(4));
  EXPECT_EQ(StringAt(Json(r), "/aanvragen/0/beschikking_id"), "") << "open until decided";

  // The open aanvraag is a deadline of the tenant: the beschikking is due by decision_due.
  r = Hubctl({"deadlines", "list", "--household", H});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(HasSubstr("HOUSEHOLD"), HasSubstr("PROVIDER AGB")));
  EXPECT_THAT(r.out, ContainsRegex(H + " +beschikking +" + aanvraag + " +wmo +" +
                                   StringAt(submitted, "/decision_due") + " +(on-time|due-soon) +-\n"));

  // ---- 3. the social team may not decide; a product line of the wrong shape is never sent
  const std::string product = std::string(kBegeleiding) + ",3,hour,per-week," + today + "," + end + ",zin:" +
                              kDeLindeAgb;
  r = Hubctl({"beschikking", "issue", "--household", H, "--aanvraag", aanvraag, "--outcome", "granted",
              "--motivation", kMotivation, "--product", product});
  EXPECT_EQ(r.exit_code, kExitDenied) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: PERMISSION_DENIED: "));
  EXPECT_EQ(r.out, "");

  r = Hubctl(Concat(kAsDecisionOfficer, {"beschikking", "issue", "--household", H, "--aanvraag", aanvraag,
                                         "--outcome", "granted", "--motivation", kMotivation, "--product",
                                         std::string(kBegeleiding) + ",3,hour,per-week," + today}));
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--product"));

  // ---- 4. the beschikking: granted, individuele begeleiding in natura at De Linde
  r = Hubctl(Concat(kAsDecisionOfficer, {"beschikking", "issue", "--household", H, "--aanvraag", aanvraag,
                                         "--outcome", "granted", "--motivation", kMotivation, "--product", product,
                                         "--json"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto issued = Json(r);
  const std::string beschikking = StringAt(issued, "/beschikking_id");
  ASSERT_FALSE(beschikking.empty()) << Describe(r);
  ASSERT_EQ(issued["toewijzingen"].size(), 1u) << Describe(r);
  const std::string toewijzing = StringAt(issued, "/toewijzingen/0/toewijzing_id");
  const std::string nummer = StringAt(issued, "/toewijzingen/0/toewijzingnummer");
  ASSERT_FALSE(toewijzing.empty()) << Describe(r);
  EXPECT_THAT(nummer, ContainsRegex("^[0-9]{8}$")) << "OP275: an 8-digit toewijzingnummer\n" << Describe(r);
  EXPECT_EQ(StringAt(issued, "/toewijzingen/0/product_code"), kBegeleiding);
  EXPECT_EQ(StringAt(issued, "/toewijzingen/0/provider_agb_code"), kDeLindeAgb);
  EXPECT_THAT(StringAt(issued, "/bezwaar_due"), ContainsRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")) << Describe(r);
  const std::string beschikking_position = LastPosition(issued["result"]);
  ASSERT_THAT(beschikking_position, HasSubstr("hub.beschikking.events.v1:")) << Describe(r);

  // ---- 5. the toewijzing appears with its number, as the social team reads the household
  r = Hubctl({"--min-position", beschikking_position, "beschikking", "show", "--household", H});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("household +" + H));
  EXPECT_THAT(r.out, ContainsRegex(aanvraag + " +" + anouk + " +wmo +aanvraag +" + today + " +[0-9-]{10} +" +
                                   beschikking + " +" + kProvision));
  EXPECT_THAT(r.out, ContainsRegex(beschikking + " +" + anouk + " +wmo +aanvraag +granted +" + today +
                                   " +[0-9-]{10} +yes +[0-9-]{10} +ENKELVOUDIG " + today));
  EXPECT_THAT(r.out, ContainsRegex(beschikking + " +" + kBegeleiding + " +02 +3 hour per-week +" + today + " +" + end +
                                   " +zin +AGB " + kDeLindeAgb + " +- +" + toewijzing));
  EXPECT_THAT(r.out, ContainsRegex(beschikking + " +" + kMotivation));
  EXPECT_THAT(r.out, ContainsRegex(toewijzing + " +" + nummer + " +" + anouk + " +wmo +" + kBegeleiding +
                                   " +3 hour per-week +" + today + " +" + end + " +" + kDeLindeAgb +
                                   " +active +not started +" + beschikking));
  EXPECT_THAT(r.out, ContainsRegex(toewijzing + " +1 +ISSUED +" + today + " +" + end + " +" + kBegeleiding +
                                   " +3 +- +[0-9T:.Z-]+ +[0-9T:.Z-]+\n"))
      << "the first version, with valid from and recorded at";
  EXPECT_THAT(r.out, AllOf(HasSubstr("\nrequests\n  none\n"), HasSubstr("\nbezwaren\n  none\n")));

  // The beschikking closed the aanvraag's deadline; the start message (305) is a deadline only once
  // the ingangsdatum (today) has passed without one (projection: ingangsdatum < today).
  r = Hubctl({"deadlines", "list", "--household", H});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(r.out, "no deadlines\n");

  // ---- 6. De Linde reports the start of care; another organisation may not
  r = Hubctl(Concat(kAsDeLinde, {"zorg", "start", "--household", H, "--toewijzing", toewijzing, "--on", today}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, AllOf(ContainsRegex("household +" + H), HasSubstr("hub.beschikking.events.v1:")));
  EXPECT_THAT(r.out, Not(HasSubstr("unchanged")));

  r = Hubctl(Concat(kAsFermwerk, {"zorg", "start", "--household", H, "--toewijzing", toewijzing, "--on", today}));
  EXPECT_EQ(r.exit_code, kExitDenied) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: PERMISSION_DENIED: "));
  EXPECT_EQ(r.out, "");

  // De Linde reads its own toewijzing, delivering since today, and is told the view is partial.
  r = Hubctl(Concat(kAsDeLinde, {"beschikking", "show", "--household", H}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, ContainsRegex("restricted +yes"));
  EXPECT_THAT(r.out, ContainsRegex(toewijzing + " +" + nummer + " .* +active +delivering since " + today));

  r = Hubctl({"beschikking", "show", "--household", H, "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  {
    const auto view = Json(r);
    ASSERT_TRUE(view.is_object()) << Describe(r);
    EXPECT_EQ(view["restricted"], false);
    ASSERT_EQ(view["toewijzingen"].size(), 1u) << Describe(r);
    const auto& t = view["toewijzingen"][0];
    EXPECT_EQ(t["toewijzingnummer"], nummer);
    EXPECT_EQ(t["status"], "TOEWIJZING_STATUS_ACTIVE");
    EXPECT_EQ(t["started_on"], today);
    EXPECT_EQ(t["delivering"], true);
    EXPECT_EQ(t["start_reported_late"], false);
    ASSERT_EQ(view["beschikkingen"].size(), 1u) << Describe(r);
    EXPECT_EQ(view["beschikkingen"][0]["outcome"], "BESCHIKKING_OUTCOME_GRANTED");
    EXPECT_EQ(view["beschikkingen"][0]["on_time"], true);
    EXPECT_EQ(view["aanvragen"][0]["beschikking_id"], beschikking);
  }

  // ---- 7. nothing is overdue: the beschikking came on time and the start message too
  r = Hubctl({"deadlines", "list", "--state", "overdue"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(r.out, "no deadlines\n");
  r = Hubctl({"deadlines", "list", "--household", H, "--all", "--json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(Json(r)["deadlines"], nlohmann::json::array()) << "no open deadline is left for the household\n"
                                                           << Describe(r);

  // ---- 8. usage errors: nothing is sent
  r = Hubctl({"deadlines", "list", "--state", "DEADLINE_STATE_OVERDUE"});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  r = Hubctl({"--min-position", beschikking_position, "deadlines", "list"});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  r = Hubctl(Concat(kAsDecisionOfficer, {"beschikking", "issue", "--household", H, "--outcome", "rejected",
                                         "--motivation", kMotivation}));
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--aanvraag or --request"));
}

}  // namespace
}  // namespace hub::e2e
