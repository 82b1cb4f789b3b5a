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
#include "tests/testing/temp_dir.h"

extern char** environ;

namespace hub::e2e {
namespace {

using Clock = std::chrono::steady_clock;
using ::testing::HasSubstr;

constexpr char kIntake[] = INTAKE_PATH;
constexpr char kHubctl[] = HUBCTL_PATH;
constexpr char kOrganisations[] = HUB_SOURCE_DIR "/deploy/config/organisations.json";
constexpr char kServingMarker[] = "intake serving gRPC on 127.0.0.1:";

std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

int MillisLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

int StatusToExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Waits at most `limit` for `pid` to exit (a pidfd makes the wait pollable); nullopt if it still runs.
std::optional<int> WaitFor(pid_t pid, std::chrono::milliseconds limit) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    int ready;
    do {
      ready = poll(&p, 1, static_cast<int>(limit.count()));
    } while (ready < 0 && errno == EINTR);
    close(pidfd);
    if (ready == 0) return std::nullopt;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return StatusToExitCode(status);
}

// A server binary as a child process: stdin and stdout /dev/null, stderr to a pipe, default signal
// handling, this process's environment minus HUB_* (everything it needs is on its command line).
// Ready when it prints its "serving gRPC on 127.0.0.1:<port>" line; after that a thread drains
// stderr so the child never blocks on a full pipe.
class ServerProcess {
 public:
  static std::unique_ptr<ServerProcess> Start(const std::vector<std::string>& argv, std::string* error,
                                              std::chrono::seconds limit) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      *error = "pipe failed";
      return nullptr;
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> env;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::strncmp(*e, "HUB_", 4) != 0) env.push_back(*e);
    }
    env.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(fds[1]);
    if (rc != 0) {
      close(fds[0]);
      *error = "spawn failed: " + argv[0];
      return nullptr;
    }
    std::unique_ptr<ServerProcess> server(new ServerProcess(pid, fds[0]));

    // Block on the pipe until the serving line is complete; poll() bounds the whole wait.
    const auto deadline = Clock::now() + limit;
    std::string seen;
    while (true) {
      const auto marker = seen.find(kServingMarker);
      if (marker != std::string::npos && seen.find('\n', marker) != std::string::npos) {
        server->port_ = std::atoi(seen.c_str() + marker + std::strlen(kServingMarker));
        break;
      }
      pollfd p{server->stderr_fd_, POLLIN, 0};
      const int ready = poll(&p, 1, MillisLeft(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        *error = argv[0] + " did not report serving within " + std::to_string(limit.count()) + " s:\n" + seen;
        return nullptr;  // the destructor kills it
      }
      char buffer[4096];
      const ssize_t n = read(server->stderr_fd_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        *error = argv[0] + " exited before serving:\n" + seen;
        return nullptr;
      }
      seen.append(buffer, static_cast<size_t>(n));
    }
    if (server->port_ <= 0) {
      *error = "no port in the serving line:\n" + seen;
      return nullptr;
    }
    server->log_ = std::move(seen);
    ServerProcess* self = server.get();
    server->drain_ = std::thread([self] {
      char buffer[4096];
      while (true) {
        const ssize_t n = read(self->stderr_fd_, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // EOF: the child exited
        std::lock_guard lock(self->mu_);
        self->log_.append(buffer, static_cast<size_t>(n));
      }
    });
    return server;
  }

  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      WaitFor(pid_, std::chrono::seconds(30));
    }
    if (drain_.joinable()) drain_.join();
    if (stderr_fd_ >= 0) close(stderr_fd_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // SIGTERM, then waits for the exit; its exit status (128 + signal if killed by one, -1 if it
  // ignored SIGTERM for 30 s and had to be killed).
  int Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    auto code = WaitFor(pid_, std::chrono::seconds(30));
    if (!code) {
      kill(pid_, SIGKILL);
      WaitFor(pid_, std::chrono::seconds(30));
      code = -1;
    }
    pid_ = -1;
    if (drain_.joinable()) drain_.join();
    return *code;
  }

  std::string log() const {
    std::lock_guard lock(mu_);
    return log_;
  }

 private:
  ServerProcess(pid_t pid, int stderr_fd) : pid_(pid), stderr_fd_(stderr_fd) {}

  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  int port_ = 0;
  std::thread drain_;
  mutable std::mutex mu_;
  std::string log_;  // guarded by mu_
};

// A BSN that passes the elfproef, different for each `seed`: eight digits from the seed (the first
// one non-zero), then the check digit; seeds whose check digit would be 10 move on to the next.
std::string ValidBsn(uint64_t seed) {
  static constexpr int kWeights[8] = {9, 8, 7, 6, 5, 4, 3, 2};
  for (;; ++seed) {
    std::string digits = std::to_string(10000000 + seed % 90000000);  // 8 digits, 1xxxxxxx..99999999
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (digits[static_cast<size_t>(i)] - '0') * kWeights[i];
    const int check = sum % 11;
    if (check == 10) continue;
    return digits + static_cast<char>('0' + check);
  }
}

// Member names and the melding's question are sealed with the persons' keys, and those keys live in
// the intake service's own store (crypto::KeyStore), not in the log. After that store is deleted the
// rebuilt household has the sealed values but no keys to open them, so `household show` gives them
// empty: they are left out of the comparison. Everything else must come back from the topic.
nlohmann::json WithoutSealedValues(nlohmann::json household) {
  for (auto& member : household["members"]) member.erase("name");
  for (auto& melding : household["meldingen"]) melding.erase("question");
  return household;
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
  // Everything except the sealed values (names, question; see WithoutSealedValues).
  EXPECT_EQ(WithoutSealedValues(rebuilt), WithoutSealedValues(shown));

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
