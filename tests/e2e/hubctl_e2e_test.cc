// hubctl against a real hubd, as a user at a terminal or a script would drive it: the binaries
// themselves, started as child processes, over gRPC on loopback. Each test has its own hubd on a
// free port and its own data directory.
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
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHubd[] = HUBD_PATH;
constexpr char kHubctl[] = HUBCTL_PATH;
constexpr char kOrganisations[] = HUB_SOURCE_DIR "/deploy/config/organisations.json";

// Two persons with BSNs that pass the elfproef; the name holds spaces (and a diaeresis).
constexpr char kParent[] = "111222333,1984-03-12,Anna de Vries,parent";
constexpr char kChild[] = "123456782,2012-09-01,Zoë de Vries,child";

std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

struct Registered {
  std::string household_id;
  std::string melding_id;
  std::vector<std::string> person_ids;
};

class HubctlE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { StartHubd(); }

  void TearDown() override {
    if (hubd_ != nullptr && HasFailure()) std::cerr << "--- hubd stderr\n" << hubd_->log();
    hubd_.reset();  // kills hubd if a test left it running
  }

  void StartHubd() {
    std::string error;
    hubd_ = Hubd::Start(kHubd, data_.path(), kOrganisations, &error);
    ASSERT_NE(hubd_, nullptr) << error;
  }

  // Stops hubd gracefully and starts it again over the same data directory.
  void RestartHubd() {
    ASSERT_EQ(hubd_->Stop(), 0) << hubd_->log();
    hubd_.reset();
    StartHubd();
  }

  // hubctl against this test's hubd, with the default identity (woerdenwijzer, consulent).
  RunResult Hubctl(std::vector<std::string> args) {
    args.insert(args.begin(), {kHubctl, "--server", hubd_->address()});
    return RunProcess(args);
  }

  Registered RegisterHousehold() {
    const RunResult r = Hubctl({"melding", "register", "--person", kParent, "--person", kChild, "--channel", "phone",
                                "--source", "school", "--question", "Zorgen over de huur en school",
                                "--life-domain", "FINANCIEN", "--data-category", "CONTACT", "--json"});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    Registered registered;
    const auto reply = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
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

TEST_F(HubctlE2eTest, GivenANewMelding_WhenConsentTriageAndRegisseurAreRecorded_ThenHouseholdShowShowsThemAll) {
  const Registered h = RegisterHousehold();
  ASSERT_FALSE(h.household_id.empty());

  RunResult r = Hubctl({"consent", "record", "--household", h.household_id, "--person", h.person_ids[0],
                        "--recipient", "fermwerk", "--category", "CONTACT", "--category", "FINANCIAL", "--purpose",
                        "warme overdracht", "--valid-until", "2099-12-31"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, AllOf(HasSubstr("consent "), HasSubstr("version    2")));

  r = Hubctl({"triage", "complete", "--household", h.household_id, "--melding", h.melding_id, "--class",
              "MEERVOUDIG", "--zrm", "FINANCIEN=2", "--zrm", "HUISVESTING=3"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, AllOf(HasSubstr("household  " + h.household_id), HasSubstr("position   hub.intake.events.v1:")));

  r = Hubctl({"regisseur", "assign", "--household", h.household_id, "--organisation", "woerdenwijzer", "--user",
              "regisseur-7"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);

  r = Hubctl({"household", "show", "--household", h.household_id});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("household  " + h.household_id));
  EXPECT_THAT(r.out, HasSubstr("version    4"));
  EXPECT_THAT(r.out, HasSubstr("Anna de Vries"));
  EXPECT_THAT(r.out, HasSubstr("Zoë de Vries"));
  EXPECT_THAT(r.out, HasSubstr("fermwerk"));
  EXPECT_THAT(r.out, HasSubstr("CONTACT,FINANCIAL"));
  EXPECT_THAT(r.out, HasSubstr("warme overdracht"));
  EXPECT_THAT(r.out, HasSubstr("MEERVOUDIG"));
  EXPECT_THAT(r.out, HasSubstr("FINANCIEN=2 HUISVESTING=3"));
  EXPECT_THAT(r.out, HasSubstr("woerdenwijzer / regisseur-7"));
  // BSNs never come back.
  EXPECT_THAT(r.out, AllOf(Not(HasSubstr("111222333")), Not(HasSubstr("123456782"))));

  // --json is exactly the Household message.
  r = Hubctl({"household", "show", "--household", h.household_id, "--json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const auto household = nlohmann::json::parse(r.out);
  EXPECT_EQ(household["household_id"], h.household_id);
  EXPECT_EQ(household["version"], "4");  // int64 is a string in protobuf's JSON mapping
  ASSERT_EQ(household["members"].size(), 2u);
  EXPECT_EQ(household["members"][0]["name"], "Anna de Vries");
  EXPECT_EQ(household["consents"][0]["recipient_organisation_id"], "fermwerk");
  EXPECT_EQ(household["consents"][0]["active"], true);
  EXPECT_EQ(household["latest_triage"]["triage_class"], "MEERVOUDIG");
  EXPECT_EQ(household["latest_triage"]["zrm_scores"]["HUISVESTING"], 3);
}

TEST_F(HubctlE2eTest, GivenABsnFailingTheElfproef_WhenRegistering_ThenExit3NamesTheField) {
  const RunResult r = Hubctl({"melding", "register", "--person", "123456789,1984-03-12,Anna de Vries,parent",
                              "--channel", "web", "--source", "self"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: INVALID_ARGUMENT: "));
  EXPECT_THAT(r.err, HasSubstr("  field: persons[0].bsn")) << "the hub-field trailer";
  EXPECT_EQ(r.out, "");
}

TEST_F(HubctlE2eTest, GivenAStaleExpectedVersion_WhenClosingTheMelding_ThenExit6AndNothingChanges) {
  const Registered h = RegisterHousehold();
  ASSERT_FALSE(h.household_id.empty());
  RunResult r = Hubctl({"--expected-version", "0", "melding", "close", "--household", h.household_id, "--melding",
                        h.melding_id, "--reason", "REFERRED"});
  EXPECT_EQ(r.exit_code, 6) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: ABORTED: "));

  r = Hubctl({"melding", "list", "--state", "OPEN"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr(h.melding_id));

  // The current version is accepted.
  r = Hubctl({"--expected-version", "1", "melding", "close", "--household", h.household_id, "--melding",
              h.melding_id, "--reason", "REFERRED"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
}

TEST_F(HubctlE2eTest, GivenASignalGiver_WhenShowingAHousehold_ThenExit7) {
  const Registered h = RegisterHousehold();
  ASSERT_FALSE(h.household_id.empty());
  const RunResult r = Hubctl({"--organisation", "basisschool-de-regenboog", "--role", "signaalgever", "household",
                              "show", "--household", h.household_id});
  EXPECT_EQ(r.exit_code, 7) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: PERMISSION_DENIED: "));
  EXPECT_THAT(r.out, Not(HasSubstr("Anna")));
}

TEST_F(HubctlE2eTest, GivenAnOpenMelding_WhenListingOpenMeldingen_ThenItIsListed) {
  const Registered h = RegisterHousehold();
  ASSERT_FALSE(h.household_id.empty());
  RunResult r = Hubctl({"melding", "list", "--state", "OPEN"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, AllOf(HasSubstr("HOUSEHOLD"), HasSubstr(h.household_id), HasSubstr(h.melding_id),
                           HasSubstr("OPEN")));

  r = Hubctl({"melding", "list", "--state", "OPEN", "--all", "--page-size", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const auto list = nlohmann::json::parse(r.out);
  ASSERT_EQ(list["meldingen"].size(), 1u);
  EXPECT_EQ(list["meldingen"][0]["melding_id"], h.melding_id);

  r = Hubctl({"melding", "list", "--state", "CLOSED"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_THAT(r.out, Not(HasSubstr(h.melding_id)));
}

TEST_F(HubctlE2eTest, GivenAHousehold_WhenHubdRestarts_ThenHouseholdShowIsTheSame) {
  const Registered h = RegisterHousehold();
  ASSERT_FALSE(h.household_id.empty());
  RunResult r = Hubctl({"triage", "complete", "--household", h.household_id, "--melding", h.melding_id, "--class",
                        "ENKELVOUDIG", "--zrm", "FINANCIEN=4"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const RunResult before = Hubctl({"household", "show", "--household", h.household_id, "--json"});
  ASSERT_EQ(before.exit_code, 0) << Describe(before);

  RestartHubd();

  const RunResult after = Hubctl({"household", "show", "--household", h.household_id, "--json"});
  ASSERT_EQ(after.exit_code, 0) << Describe(after);
  const auto household = nlohmann::json::parse(after.out);
  EXPECT_EQ(household["household_id"], h.household_id);
  EXPECT_EQ(household["version"], "2");
  EXPECT_EQ(nlohmann::json::parse(after.out), nlohmann::json::parse(before.out));
  const RunResult text = Hubctl({"household", "show", "--household", h.household_id});
  EXPECT_THAT(text.out, AllOf(HasSubstr("Anna de Vries"), HasSubstr("version    2")));
}

TEST_F(HubctlE2eTest, GivenTheSameRequestId_WhenACommandIsRetried_ThenTheFirstResultComesBack) {
  const Registered h = RegisterHousehold();
  ASSERT_FALSE(h.household_id.empty());
  const std::vector<std::string> close = {"--request-id", "retry-me-1", "melding", "close", "--household",
                                          h.household_id, "--melding", h.melding_id, "--reason", "REFERRED"};
  const RunResult first = Hubctl(close);
  ASSERT_EQ(first.exit_code, 0) << Describe(first);
  const RunResult again = Hubctl(close);
  ASSERT_EQ(again.exit_code, 0) << Describe(again);
  EXPECT_THAT(again.out, AllOf(HasSubstr("version    2"), HasSubstr("replayed")));
  // A new request id is a new command: the melding is closed already.
  const RunResult fresh = Hubctl({"melding", "close", "--household", h.household_id, "--melding", h.melding_id,
                                  "--reason", "REFERRED"});
  EXPECT_EQ(fresh.exit_code, 5) << Describe(fresh);
  EXPECT_THAT(fresh.err, HasSubstr("  reason: MELDING_CLOSED"));
}

TEST_F(HubctlE2eTest, GivenTheSameRequestId_WhenRegisteringAgain_ThenTheSameHouseholdAndMeldingComeBack) {
  const std::vector<std::string> args = {"--request-id", "register-once-1", "melding", "register", "--person",
                                         kParent, "--channel", "desk", "--source", "self", "--json"};
  const RunResult first = Hubctl(args);
  ASSERT_EQ(first.exit_code, 0) << Describe(first);
  const RunResult again = Hubctl(args);
  ASSERT_EQ(again.exit_code, 0) << Describe(again);
  const auto a = nlohmann::json::parse(first.out);
  const auto b = nlohmann::json::parse(again.out);
  EXPECT_EQ(b["result"]["household_id"], a["result"]["household_id"]);
  EXPECT_EQ(b["melding_id"], a["melding_id"]);
  EXPECT_EQ(b["person_ids"], a["person_ids"]);
  EXPECT_EQ(b["result"]["version"], "1");
  EXPECT_EQ(b["result"]["positions"], a["result"]["positions"]);
  EXPECT_EQ(a["result"]["replayed"], false);
  EXPECT_EQ(b["result"]["replayed"], true);
}

TEST_F(HubctlE2eTest, GivenAnUnknownHousehold_WhenShowing_ThenExit4) {
  const RunResult r = Hubctl({"household", "show", "--household", "01900000-0000-7000-8000-000000000000"});
  EXPECT_EQ(r.exit_code, 4) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("hubctl: NOT_FOUND: "));
}

TEST_F(HubctlE2eTest, GivenAMalformedPerson_WhenRegistering_ThenExit2AndNothingIsSent) {
  const RunResult r =
      Hubctl({"melding", "register", "--person", "111222333,Anna de Vries,parent", "--channel", "web", "--source",
              "self"});
  EXPECT_EQ(r.exit_code, 2) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("--person"));
  EXPECT_THAT(r.err, Not(HasSubstr("111222333"))) << "a usage error does not repeat the BSN";
  const RunResult list = Hubctl({"melding", "list"});
  EXPECT_THAT(list.out, HasSubstr("no meldingen"));
}

TEST_F(HubctlE2eTest, GivenHubdIsStopped_WhenCalling_ThenExit8WithTheRequestIdToRetry) {
  const std::string address = hubd_->address();
  ASSERT_EQ(hubd_->Stop(), 0);
  const RunResult r = RunProcess({kHubctl, "--server", address, "--timeout", "5", "--request-id", "after-stop-1", "melding",
                           "register", "--person", kParent, "--channel", "web", "--source", "self"});
  EXPECT_EQ(r.exit_code, 8) << Describe(r);
  EXPECT_THAT(r.err, AllOf(HasSubstr("hubctl: UNAVAILABLE: "), HasSubstr("--request-id after-stop-1")));
}

}  // namespace
}  // namespace hub::e2e
