// Crash safety: a child process appends commands in a burst from several threads and reports every
// acknowledged command through a pipe; the test kills it with SIGKILL mid-burst. After reopening:
// every acknowledged command is in the log, no command is half there, and the projection the child
// left behind equals a rebuild from scratch.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "common/es/envelope.h"
#include "gtest/gtest.h"
#include "tests/testing/ledger_harness.h"
#include "tests/testing/temp_dir.h"

namespace hub::testing {
namespace {

using std::chrono::steady_clock;

constexpr int kEventsPerCommand = 3;
constexpr int kAcksBeforeKill = 400;

ConsentLedgerCommand ThreeConsents(const std::string& prefix) {
  ConsentLedgerCommand command;
  for (int i = 0; i < kEventsPerCommand; ++i) {
    *command.mutable_record_many()->add_consents() = RecordConsent(prefix + "-" + std::to_string(i)).record();
  }
  return command;
}

// Runs in the child: appends until killed. Never returns.
[[noreturn]] void AppendUntilKilled(const std::string& dir, int ack_fd) {
  auto log = log::RocksLog::Open({.path = dir + "/log"});
  if (!log.ok()) _exit(2);
  es::SystemClock clock;
  auto harness = LedgerHarness::Open(log->get(), dir + "/store", &clock);
  if (!harness.ok()) _exit(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1'000'000; ++i) {
        const std::string request = "r-" + std::to_string(t) + "-" + std::to_string(i);
        auto outcome = (*harness)->handler().Execute(
            Context("hh-" + std::to_string(t) + "-" + std::to_string(i % 7), request), ThreeConsents(request));
        if (!outcome.ok()) _exit(4);
        const std::string line = request + "\n";  // shorter than PIPE_BUF: written atomically
        if (write(ack_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(5);
      }
    });
  }
  for (auto& t : threads) t.join();
  _exit(0);
}

TEST(CrashTest, SigkillMidBurstLosesNoAcknowledgedAppendAndLeavesNoHalfBatch) {
  TempDir dir;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    AppendUntilKilled(dir.path(), fds[1]);
  }
  close(fds[1]);

  // Read acknowledgements until enough have arrived, kill, then drain what was acknowledged before
  // death: the pipe's end-of-file tells us when the child is gone.
  std::set<std::string> acknowledged;
  FILE* acks = fdopen(fds[0], "r");
  ASSERT_NE(acks, nullptr);
  char line[128];
  bool killed = false;
  while (fgets(line, sizeof line, acks) != nullptr) {
    std::string request(line);
    request.pop_back();
    acknowledged.insert(request);
    if (!killed && acknowledged.size() >= kAcksBeforeKill) {
      ASSERT_EQ(kill(child, SIGKILL), 0);
      killed = true;
    }
  }
  fclose(acks);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(killed) << "child ended before the kill, status " << status;
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child failed with status " << status;

  auto log = log::RocksLog::Open({.path = dir.Sub("log")});
  ASSERT_TRUE(log.ok()) << log.status();
  const std::string topic = es::TopicFor(ConsentLedger::kProducer);
  std::map<std::string, int> events_per_request;
  for (int32_t p = 0; p < 4; ++p) {
    std::vector<log::Record> records;
    ASSERT_TRUE((*log)->Read({topic, p}, 0, 10'000'000, &records).ok());
    for (const auto& r : records) {
      hub::v1::LogRecord record;
      hub::v1::EventEnvelope envelope;
      ASSERT_TRUE(es::Unseal(r.value, &record, &envelope).ok());
      events_per_request[envelope.request_id()]++;
    }
  }
  for (const auto& request : acknowledged) {
    EXPECT_EQ(events_per_request[request], kEventsPerCommand) << "acknowledged " << request << " lost";
  }
  for (const auto& [request, count] : events_per_request) {
    EXPECT_EQ(count, kEventsPerCommand) << request << " is half there";
  }
  EXPECT_GE(events_per_request.size(), acknowledged.size());

  // The projection the child left behind resumes from its checkpoint and equals a fresh rebuild.
  es::SystemClock clock;
  auto resumed = LedgerHarness::Open(log->get(), dir.Sub("store"), &clock);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  ASSERT_TRUE((*resumed)->runner().CatchUp(steady_clock::now() + std::chrono::seconds(30)).ok());
  auto rebuilt = LedgerHarness::Open(log->get(), dir.Sub("rebuilt"), &clock);
  ASSERT_TRUE(rebuilt.ok());
  ASSERT_TRUE((*rebuilt)->runner().CatchUp(steady_clock::now() + std::chrono::seconds(30)).ok());
  const auto families = (*resumed)->ProjectionFamilies();
  EXPECT_EQ(DumpFamilies((*resumed)->store(), families), DumpFamilies((*rebuilt)->store(), families));
}

}  // namespace
}  // namespace hub::testing
