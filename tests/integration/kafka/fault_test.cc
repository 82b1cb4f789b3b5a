// Fault test: the Kafka broker goes down in the middle of a burst of commands and comes back on the
// same storage and port, while the KafkaLog and the event-sourcing core over it keep running.
//
// The test starts ITS OWN broker (scripts/kafka.sh with a private KAFKA_STATE_DIR), because it stops
// it mid-test and other Kafka tests may use the shared broker at the same time. It runs only where
// the Kafka tests run (HUB_KAFKA_BROKERS set, as scripts/test.sh does) and where scripts/kafka.sh is
// found (HUB_SOURCE_DIR, a compile definition).
//
// Checked:
// - while the broker is down, commands fail with UNAVAILABLE (the EventLog contract: a request past
//   request_timeout is UNAVAILABLE; the command handler maps a projection DEADLINE_EXCEEDED to
//   UNAVAILABLE too), each within a bound of its deadline;
// - after the broker is back, commands succeed again without reopening the log or the harness;
// - every acknowledged command's events are in the log exactly once, and a retry of every failed
//   command with its request_id leaves that command's events in the log exactly once (a timeout
//   does not mean "not written", so some failed commands may have landed; they are counted).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/es/clock.h"
#include "common/es/envelope.h"
#include "common/log/kafka_log.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "tests/testing/ledger_harness.h"
#include "tests/testing/temp_dir.h"

#ifndef HUB_SOURCE_DIR
#error "HUB_SOURCE_DIR must be defined (the repository root, for scripts/kafka.sh)"
#endif

namespace hub::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kThreads = 4;
constexpr int kEventsPerCommand = 3;
constexpr milliseconds kRequestTimeout{3000};
// Each command's deadline (CommandContext::deadline). The handler issues its log requests one after
// another, each bounded by kRequestTimeout, and stops at the first failure; the deadline bounds the
// wait for the projections.
constexpr milliseconds kCommandDeadline{3000};
// A failed call may be one request timeout past its deadline: a request started just before the
// deadline runs to its own timeout. Plus scheduling on a loaded machine.
constexpr milliseconds kFailureSlack{kRequestTimeout + milliseconds(2000)};
constexpr int kAcksBeforeStop = 60;
constexpr int kFailuresWhileDown = kThreads;  // commands started and failed while the broker is down
constexpr int kMaxRecoveryAttempts = 60;      // commands after the restart until one must succeed
constexpr int kAcksAfterRecovery = 20;
constexpr int kMaxRetryAttempts = 5;

std::string SharedBrokers() {
  const char* brokers = std::getenv("HUB_KAFKA_BROKERS");
  return brokers == nullptr ? std::string() : std::string(brokers);
}

std::string Script() { return std::string(HUB_SOURCE_DIR) + "/scripts/kafka.sh"; }

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct ScriptResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
  Clock::duration elapsed{};
};

// Runs scripts/kafka.sh with KAFKA_STATE_DIR=state_dir and waits for it to exit.
ScriptResult RunScript(const std::string& state_dir, const std::string& args) {
  ScriptResult result;
  const std::string command =
      fmt::format("KAFKA_STATE_DIR={} {} {} 2>&1", ShellQuote(state_dir), ShellQuote(Script()), args);
  const auto start = Clock::now();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.elapsed = Clock::now() - start;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

ConsentLedgerCommand ThreeConsents(const std::string& prefix) {
  ConsentLedgerCommand command;
  for (int i = 0; i < kEventsPerCommand; ++i) {
    *command.mutable_record_many()->add_consents() = RecordConsent(prefix + "-" + std::to_string(i)).record();
  }
  return command;
}

// One Execute call of the burst.
struct Call {
  std::string request_id;
  std::string household;
  Clock::time_point start;
  Clock::time_point end;
  absl::Status status;
  std::vector<std::string> event_ids;  // when OK
};

class KafkaFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (SharedBrokers().empty()) {
      GTEST_SKIP() << "HUB_KAFKA_BROKERS is not set: skipping the Kafka fault test (scripts/test.sh sets it)";
    }
    if (access(Script().c_str(), X_OK) != 0) GTEST_SKIP() << Script() << " is not executable: skipping";
    state_dir_ = dir_.Sub("kafka");
    auto started = RunScript(state_dir_, "start");
    ASSERT_EQ(started.exit_code, 0) << "scripts/kafka.sh start failed:\n" << started.output;
    const std::string marker = "kafka running at ";
    const auto at = started.output.rfind(marker);
    ASSERT_NE(at, std::string::npos) << started.output;
    brokers_ = started.output.substr(at + marker.size());
    brokers_.erase(brokers_.find_last_not_of(" \n\r\t") + 1);
    broker_started_ = true;
    std::cout << fmt::format("[fault] own broker at {} (state {}), started in {:.1f} s\n", brokers_, state_dir_,
                             Seconds(started.elapsed));
  }

  void TearDown() override {
    if (!broker_started_) return;
    auto stopped = RunScript(state_dir_, "stop");
    EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
  }

  TempDir dir_;
  std::string state_dir_;
  std::string brokers_;
  bool broker_started_ = false;
};

TEST_F(KafkaFaultTest, BrokerStopMidBurstFailsFastRecoversByItselfAndDuplicatesNothing) {
  auto log = log::KafkaLog::Open(
      {.brokers = brokers_, .client_id = "hub-kafka-fault-test", .request_timeout = kRequestTimeout});
  ASSERT_TRUE(log.ok()) << log.status();
  es::SystemClock clock;
  auto harness = LedgerHarness::Open(log->get(), dir_.Sub("store"), &clock);
  ASSERT_TRUE(harness.ok()) << harness.status();
  const std::string topic = es::TopicFor(ConsentLedger::kProducer);

  std::mutex mu;
  std::condition_variable changed;
  std::vector<Call> calls;  // guarded by mu
  int acks = 0;             // guarded by mu
  std::atomic<bool> stop_workers{false};

  auto context_for = [](const std::string& household, const std::string& request) {
    es::CommandContext context = Context(household, request);
    context.deadline = Clock::now() + kCommandDeadline;
    return context;
  };

  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; !stop_workers.load(); ++i) {
        Call call;
        call.request_id = fmt::format("fault-{}-{}", t, i);
        call.household = fmt::format("hh-{}-{}", t, i % 5);
        call.start = Clock::now();
        auto outcome =
            (*harness)->handler().Execute(context_for(call.household, call.request_id), ThreeConsents(call.request_id));
        call.end = Clock::now();
        call.status = outcome.status();
        if (outcome.ok()) {
          for (const auto& e : outcome->events) call.event_ids.push_back(e.event_id());
        }
        std::lock_guard lock(mu);
        if (call.status.ok()) ++acks;
        calls.push_back(std::move(call));
        changed.notify_all();
      }
    });
  }
  auto join_workers = [&] {
    stop_workers = true;
    for (auto& w : workers) {
      if (w.joinable()) w.join();
    }
  };

  // 1. Let the burst run until kAcksBeforeStop commands are acknowledged.
  {
    std::unique_lock lock(mu);
    const bool reached = changed.wait_for(lock, seconds(120), [&] { return acks >= kAcksBeforeStop; });
    if (!reached) {
      lock.unlock();
      join_workers();
      FAIL() << "only " << acks << " commands acknowledged before the outage";
    }
  }

  // 2. Stop the broker, keeping its data and port.
  const auto stop_begin = Clock::now();
  auto stopped = RunScript(state_dir_, "stop --keep-data");
  const auto down = Clock::now();
  if (stopped.exit_code != 0) {
    join_workers();
    FAIL() << "stop --keep-data failed:\n" << stopped.output;
  }
  int acks_at_stop = 0;
  {
    std::unique_lock lock(mu);
    acks_at_stop = acks;
    // Wait until commands that started after the broker was gone have failed.
    auto failed_while_down = [&] {
      int n = 0;
      for (const auto& c : calls) n += (c.start >= down && !c.status.ok()) ? 1 : 0;
      return n;
    };
    const bool reached =
        changed.wait_for(lock, seconds(120), [&] { return failed_while_down() >= kFailuresWhileDown; });
    if (!reached) {
      lock.unlock();
      join_workers();
      FAIL() << "commands did not fail while the broker was down (" << failed_while_down() << " failures)";
    }
  }

  // 3. Start it again: same storage, same port.
  const auto start_begin = Clock::now();
  auto restarted = RunScript(state_dir_, "start");
  const auto up = Clock::now();
  if (restarted.exit_code != 0) {
    join_workers();
    FAIL() << "start after stop --keep-data failed:\n" << restarted.output;
  }
  EXPECT_NE(restarted.output.find("kafka running at " + brokers_), std::string::npos)
      << "the broker came back on another address:\n" << restarted.output;

  // 4. Commands succeed again without reopening anything: within kMaxRecoveryAttempts commands
  //    started after the restart, one must succeed; then the burst goes on for a while.
  Clock::time_point recovered{};
  int attempts_until_recovered = 0;
  {
    std::unique_lock lock(mu);
    auto after_up = [&](bool ok_only) {
      int n = 0;
      for (const auto& c : calls) n += (c.start >= up && (!ok_only || c.status.ok())) ? 1 : 0;
      return n;
    };
    changed.wait_for(lock, seconds(180),
                     [&] { return after_up(true) > 0 || after_up(false) >= kMaxRecoveryAttempts; });
    for (const auto& c : calls) {
      if (c.start < up) continue;
      ++attempts_until_recovered;
      if (c.status.ok()) {
        recovered = c.end;
        break;
      }
    }
    if (recovered == Clock::time_point{}) {
      std::string last = calls.empty() ? "" : calls.back().status.ToString();
      lock.unlock();
      join_workers();
      FAIL() << "no command succeeded within " << after_up(false) << " attempts after the broker restarted; last: "
             << last << "; runner health: " << (*harness)->runner().health();
    }
    const int acks_now = acks;
    changed.wait_for(lock, seconds(120), [&] { return acks >= acks_now + kAcksAfterRecovery; });
  }
  join_workers();

  // 5. Classify the failures.
  std::map<absl::StatusCode, int> codes;
  std::vector<const Call*> failed;
  std::vector<const Call*> acknowledged;
  Clock::duration slowest_down_failure{};
  int down_failures = 0;
  for (const auto& c : calls) {
    if (c.status.ok()) {
      acknowledged.push_back(&c);
      continue;
    }
    failed.push_back(&c);
    ++codes[c.status.code()];
    std::cout << fmt::format("[fault] failed {}: {:+.2f}..{:+.2f} s from the stop ({}) {}\n", c.request_id,
                             Seconds(c.start - stop_begin), Seconds(c.end - stop_begin),
                             c.start >= down && c.end <= start_begin ? "while down" : "around stop/restart",
                             c.status.ToString());
    // Before the outage nothing may fail.
    EXPECT_GE(c.end, stop_begin) << c.request_id << " failed before the broker was stopped: " << c.status;
    EXPECT_EQ(c.status.code(), absl::StatusCode::kUnavailable) << c.request_id << ": " << c.status;
    const auto elapsed = c.end - c.start;
    if (c.start >= down && c.end <= start_begin) {
      ++down_failures;
      slowest_down_failure = std::max(slowest_down_failure, elapsed);
      EXPECT_LE(elapsed, kCommandDeadline + kFailureSlack)
          << c.request_id << " took " << Seconds(elapsed) << " s to fail while the broker was down: " << c.status;
    }
  }
  EXPECT_GE(down_failures, kFailuresWhileDown);
  EXPECT_TRUE((*harness)->runner().health().ok()) << (*harness)->runner().health();
  std::string code_summary;
  for (const auto& [code, n] : codes) code_summary += fmt::format(" {}={}", absl::StatusCodeToString(code), n);

  // 6. Retry every failed command with its request_id; each must now succeed (a replay if it had
  //    landed after all).
  std::map<std::string, std::vector<std::string>> retried_event_ids;
  int landed_anyway = 0;
  for (const Call* c : failed) {
    absl::StatusOr<es::CommandOutcome> outcome = absl::UnknownError("not tried");
    for (int attempt = 0; attempt < kMaxRetryAttempts; ++attempt) {
      outcome = (*harness)->handler().Execute(context_for(c->household, c->request_id), ThreeConsents(c->request_id));
      if (outcome.ok() || outcome.status().code() != absl::StatusCode::kUnavailable) break;
    }
    ASSERT_TRUE(outcome.ok()) << "retry of " << c->request_id << ": " << outcome.status();
    if (outcome->replayed) ++landed_anyway;
    for (const auto& e : outcome->events) retried_event_ids[c->request_id].push_back(e.event_id());
    EXPECT_EQ(outcome->events.size(), static_cast<size_t>(kEventsPerCommand)) << c->request_id;
  }

  // 7. Read every partition from offset 0 with a fresh log and count.
  auto reader = log::KafkaLog::Open({.brokers = brokers_, .client_id = "hub-kafka-fault-test-reader",
                                     .request_timeout = milliseconds(20000)});
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto partitions = (*reader)->PartitionCount(topic);
  ASSERT_TRUE(partitions.ok()) << partitions.status();
  std::map<std::string, int> by_event_id;
  std::map<std::string, std::set<std::string>> events_of_request;
  std::map<std::string, int> records_of_request;
  int64_t total = 0;
  for (int32_t p = 0; p < *partitions; ++p) {
    auto end = (*reader)->EndOffset({topic, p});
    ASSERT_TRUE(end.ok()) << end.status();
    for (int64_t from = 0; from < *end;) {
      std::vector<log::Record> records;
      auto s = (*reader)->Read({topic, p}, from, 2000, &records);
      ASSERT_TRUE(s.ok()) << s;
      ASSERT_FALSE(records.empty()) << "partition " << p << " ended at " << from << " before " << *end;
      for (const auto& r : records) {
        hub::v1::LogRecord record;
        hub::v1::EventEnvelope envelope;
        ASSERT_TRUE(es::Unseal(r.value, &record, &envelope).ok()) << p << "@" << r.offset;
        ++by_event_id[envelope.event_id()];
        events_of_request[envelope.request_id()].insert(envelope.event_id());
        ++records_of_request[envelope.request_id()];
        ++total;
      }
      from = records.back().offset + 1;
    }
  }
  int duplicated_events = 0;
  for (const auto& [id, n] : by_event_id) {
    if (n != 1) ++duplicated_events;
    EXPECT_EQ(n, 1) << "event " << id << " is in the log " << n << " times";
  }
  auto expect_once = [&](const std::string& request_id, const std::vector<std::string>& event_ids) {
    EXPECT_EQ(records_of_request[request_id], kEventsPerCommand)
        << request_id << " has " << records_of_request[request_id] << " events in the log";
    EXPECT_EQ(events_of_request[request_id], std::set<std::string>(event_ids.begin(), event_ids.end()))
        << request_id << ": the log holds other events than the command returned";
  };
  for (const Call* c : acknowledged) expect_once(c->request_id, c->event_ids);
  for (const auto& [request_id, event_ids] : retried_event_ids) expect_once(request_id, event_ids);
  EXPECT_EQ(records_of_request.size(), acknowledged.size() + retried_event_ids.size())
      << "the log holds commands that were neither acknowledged nor retried";
  EXPECT_EQ(total, static_cast<int64_t>(kEventsPerCommand * (acknowledged.size() + retried_event_ids.size())));

  std::cout << fmt::format(
      "[fault] {} commands: {} acknowledged ({} before the stop), {} failed ({}); stop took {:.1f} s, down for "
      "{:.1f} s, restart took {:.1f} s; {} failures while down, slowest {:.2f} s (bound {:.1f} s); recovered "
      "{:.2f} s after the restart, after {} attempts; {} failed commands had landed anyway (retries replayed "
      "them), {} were written by their retry; {} events in the log, {} duplicated\n",
      calls.size(), acknowledged.size(), acks_at_stop, failed.size(), code_summary, Seconds(down - stop_begin),
      Seconds(up - down), Seconds(up - start_begin), down_failures, Seconds(slowest_down_failure),
      Seconds(kCommandDeadline + kFailureSlack), Seconds(recovered - up), attempts_until_recovered, landed_anyway,
      failed.size() - landed_anyway, total, duplicated_events);
}

}  // namespace
}  // namespace hub::testing
