// The intake service as its own process on the Kafka event log, driven with hubctl as a user would:
// its state survives losing the service's local store, because it is rebuilt from the topic.
//
// Needs a broker: HUB_KAFKA_BROKERS (scripts/kafka.sh start; eval "$(scripts/kafka.sh env)"); without
// it the test is skipped. The broker and the topic hub.intake.events.v1 are shared by every test and
// every run against that broker, so the test never assumes the topic is empty: it registers a fresh
// household (new BSNs each run) and looks only at that household.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/process.h"
#include "tests/testing/bsn.h"
#include "tests/testing/temp_dir.h"

extern char** environ;

namespace hub::e2e {
namespace {

using Clock = std::chrono::steady_clock;
using ::testing::HasSubstr;
using hub::testing::ValidBsn;

constexpr char kIntake[] = INTAKE_PATH;
constexpr char kHubctl[] = HUBCTL_PATH;
constexpr char kOrganisations[] = HUB_SOURCE_DIR "/deploy/config/organisations.json";

std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

class KafkaProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* brokers = std::getenv("HUB_KAFKA_BROKERS");
    if (brokers == nullptr || *brokers == '\0') {
      GTEST_SKIP() << "HUB_KAFKA_BROKERS is not set: no Kafka broker to test against "
                      "(scripts/kafka.sh start && eval \"$(scripts/kafka.sh env)\")";
    }
    brokers_ = brokers;
  }

  void TearDown() override {
    if (intake_ != nullptr && HasFailure()) std::cerr << "--- intake stderr\n" << intake_->log();
    intake_.reset();  // kills it if a test left it running
  }

  void StartIntake() {
    std::string error;
    // The limit covers the catch-up with the whole shared topic before the service serves.
    intake_ = ServerProcess::Start({kIntake, "--log=kafka", "--brokers=" + brokers_, "--listen", "127.0.0.1:0",
                                    "--metrics-listen", "", "--data-dir", data_.path(), "--organisations",
                                    kOrganisations, "--partitions", "3"},
                                   &error, std::chrono::seconds(120));
    ASSERT_NE(intake_, nullptr) << error;
  }

  RunResult Hubctl(std::vector<std::string> args) {
    args.insert(args.begin(), {kHubctl, "--server", intake_->address()});
    return RunProcess(args);
  }

  std::string brokers_;
  testing::TempDir data_;
  std::unique_ptr<ServerProcess> intake_;
};

TEST_F(KafkaProcessTest, GivenAHousehold_WhenIntakeLosesItsLocalStoreAndRestarts_ThenItIsRebuiltFromTheTopic) {
  // New persons each run: the topic keeps every earlier run's households.
  const uint64_t seed = static_cast<uint64_t>(getpid()) * 1000003u +
                        static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  const std::string parent_bsn = ValidBsn(seed);
  std::string child_bsn = ValidBsn(seed + 7919);
  if (child_bsn == parent_bsn) child_bsn = ValidBsn(seed + 7920);
  const std::string parent = parent_bsn + ",1984-03-12,Anna de Vries,parent";
  const std::string child = child_bsn + ",2012-09-01,Zoë de Vries,child";

  ASSERT_NO_FATAL_FAILURE(StartIntake());
  EXPECT_THAT(intake_->log(), HasSubstr("brokers        = " + brokers_));
  // The Kafka backend keeps no embedded log in the data directory.
  EXPECT_FALSE(std::filesystem::exists(data_.Sub("log")));

  RunResult r = Hubctl({"melding", "register", "--person", parent, "--person", child, "--channel", "phone", "--source",
                        "school", "--question", "Zorgen over de huur en school", "--life-domain", "FINANCIEN",
                        "--data-category", "CONTACT", "--json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const auto registered = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(registered.is_object()) << Describe(r);
  ASSERT_EQ(registered["joined_existing_household"], false) << "fresh BSNs must make a new household: " << r.out;
  const std::string household_id = registered["result"]["household_id"].get<std::string>();
  const std::string melding_id = registered["melding_id"].get<std::string>();
  const auto person_ids = registered["person_ids"].get<std::vector<std::string>>();
  ASSERT_EQ(person_ids.size(), 2u) << r.out;
  EXPECT_THAT(r.out, HasSubstr("hub.intake.events.v1"));

  r = Hubctl({"triage", "complete", "--household", household_id, "--melding", melding_id, "--class", "MEERVOUDIG",
              "--zrm", "FINANCIEN=2", "--zrm", "HUISVESTING=3"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  r = Hubctl({"consent", "record", "--household", household_id, "--person", person_ids[0], "--recipient", "fermwerk",
              "--category", "CONTACT", "--category", "FINANCIAL", "--purpose", "warme overdracht", "--valid-until",
              "2099-12-31"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);

  const RunResult before = Hubctl({"household", "show", "--household", household_id, "--json"});
  ASSERT_EQ(before.exit_code, 0) << Describe(before);
  const auto shown = nlohmann::json::parse(before.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(shown.is_object()) << Describe(before);
  EXPECT_EQ(shown["household_id"], household_id);
  EXPECT_EQ(shown["version"], "3");
  ASSERT_EQ(shown["members"].size(), 2u);
  EXPECT_EQ(shown["members"][0]["name"], "Anna de Vries");
  ASSERT_EQ(shown["meldingen"].size(), 1u);
  ASSERT_EQ(shown["consents"].size(), 1u);
  EXPECT_EQ(shown["latest_triage"]["melding_id"], melding_id);

  // Stop it and delete its local store; keep the master key, from which the BSN pseudonyms derive.
  ASSERT_EQ(intake_->Stop(), 0) << intake_->log();
  intake_.reset();
  ASSERT_TRUE(std::filesystem::exists(data_.Sub("intake")));
  ASSERT_TRUE(std::filesystem::exists(data_.Sub("master.key")));
  std::filesystem::remove_all(data_.Sub("intake"));
  ASSERT_FALSE(std::filesystem::exists(data_.Sub("intake")));

  ASSERT_NO_FATAL_FAILURE(StartIntake());

  const RunResult after = Hubctl({"household", "show", "--household", household_id, "--json"});
  ASSERT_EQ(after.exit_code, 0) << Describe(after);
  const auto rebuilt = nlohmann::json::parse(after.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(rebuilt.is_object()) << Describe(after);
  EXPECT_EQ(rebuilt["household_id"], household_id);
  EXPECT_EQ(rebuilt["version"], "3");
  ASSERT_EQ(rebuilt["members"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(rebuilt["members"][i]["person_id"], shown["members"][i]["person_id"]);
    EXPECT_EQ(rebuilt["members"][i]["birth_date"], shown["members"][i]["birth_date"]);
  }
  EXPECT_EQ(rebuilt["meldingen"].size(), 1u);
  EXPECT_EQ(rebuilt["consents"], shown["consents"]);
  EXPECT_EQ(rebuilt["latest_triage"], shown["latest_triage"]);
  // Everything, sealed names and question included: the persons' data keys come back from the key
  // topic (hub.keys.events.v1), not from the lost store.
  EXPECT_EQ(rebuilt, shown);

  // The rebuilt BSN index still finds the household: registering the parent again joins it.
  r = Hubctl({"melding", "register", "--person", parent, "--channel", "desk", "--source", "self", "--json"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const auto again = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(again.is_object()) << Describe(r);
  EXPECT_EQ(again["result"]["household_id"], household_id);
  EXPECT_EQ(again["joined_existing_household"], true);
  EXPECT_EQ(again["result"]["version"], "4");

  EXPECT_EQ(intake_->Stop(), 0) << intake_->log();
}

// A free loopback port: bound and released. Another process could take it in between, which the
// start-up of the server would then report.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

TEST_F(KafkaProcessTest, GivenTwoIntakeReplicasInOneGroup_ThenEachHouseholdsCommandsLandOnExactlyOneOfThem) {
  // Both replicas derive the same pseudonyms and tenant keys: one master key, as in a deployment.
  testing::TempDir shared;
  const std::string key_path = shared.Sub("master.key");
  {
    const int fd = open(key_path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    ASSERT_GE(fd, 0);
    std::string bytes(32, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((getpid() * 31 + i * 17) & 0xff);
    ASSERT_EQ(write(fd, bytes.data(), bytes.size()), 32);
    close(fd);
  }
  std::vector<std::unique_ptr<ServerProcess>> replicas;
  std::vector<std::string> addresses;
  for (int i = 0; i < 2; ++i) {
    const std::string address = "127.0.0.1:" + std::to_string(FreePort());
    std::string error;
    replicas.push_back(ServerProcess::Start(
        {kIntake, "--log=kafka", "--brokers=" + brokers_, "--listen", address, "--advertise", address,
         "--metrics-listen", "", "--data-dir", shared.Sub("replica" + std::to_string(i)), "--master-key", key_path,
         "--organisations", kOrganisations, "--partitions", "3"},
        &error, std::chrono::seconds(120)));
    ASSERT_NE(replicas.back(), nullptr) << error;
    addresses.push_back(address);
  }
  auto hubctl = [&](size_t replica, std::vector<std::string> args) {
    args.insert(args.begin(), {kHubctl, "--server", addresses[replica]});
    return RunProcess(args);
  };

  // Each replica creates households in partitions it owns. While the group settles right after the
  // second replica joined, a replica may answer UNAVAILABLE; a client retries (bounded).
  const uint64_t seed = static_cast<uint64_t>(getpid()) * 7777u +
                        static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  std::vector<std::pair<std::string, std::string>> households;  // household, melding
  for (int n = 0; n < 8; ++n) {
    const std::string person = ValidBsn(seed + static_cast<uint64_t>(n) * 104729u) + ",1980-01-01,Test Persoon,resident";
    RunResult r;
    for (int attempt = 0; attempt < 50; ++attempt) {
      r = hubctl(static_cast<size_t>(n % 2), {"--json", "melding", "register", "--person", person, "--channel",
                                                "desk", "--source", "self"});
      if (r.exit_code != 8) break;
    }
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
    const auto reply = nlohmann::json::parse(r.out, nullptr, false);
    households.emplace_back(reply["result"]["household_id"], reply["melding_id"]);
  }

  // Every household: one replica decides its commands, the other refuses naming it.
  int decided_by[2] = {0, 0};
  for (size_t h = 0; h < households.size(); ++h) {
    const auto& [household, melding] = households[h];
    RunResult results[2];
    for (int attempt = 0; attempt < 50; ++attempt) {
      for (size_t i = 0; i < 2; ++i) {
        results[i] = hubctl(i, {"triage", "complete", "--household", household, "--melding", melding, "--class",
                                "ENKELVOUDIG", "--zrm", "FINANCIEN=3"});
      }
      // Both refusing only happens while partitions move; both deciding must never happen.
      if (results[0].exit_code == 0 || results[1].exit_code == 0) break;
    }
    ASSERT_FALSE(results[0].exit_code == 0 && results[1].exit_code == 0) << "two replicas decided " << household;
    const size_t owner = results[0].exit_code == 0 ? 0 : 1;
    const size_t other = 1 - owner;
    ASSERT_EQ(results[owner].exit_code, 0) << Describe(results[owner]);
    EXPECT_EQ(results[other].exit_code, 8) << Describe(results[other]);
    EXPECT_THAT(results[other].err, HasSubstr(addresses[owner])) << "the refusal names the owner";
    decided_by[owner]++;
  }
  EXPECT_GT(decided_by[0], 0);
  EXPECT_GT(decided_by[1], 0);
  for (auto& replica : replicas) EXPECT_EQ(replica->Stop(), 0) << replica->log();
}

}  // namespace
}  // namespace hub::e2e
