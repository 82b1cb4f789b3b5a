// Benchmarks of the embedded log and the projection runner (Google Benchmark).
//
//   build/bench/log_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// BM_DurableAppend: events/s through RocksLog with every append synced, by batch size (events per
// append) and number of concurrent appenders; group commit is what lets it scale with appenders.
// BM_ProjectionRebuild: events/s folded by the ProjectionRunner rebuilding the aggregate and
// request-index projections from offset 0.
#include <benchmark/benchmark.h>

#include <atomic>
#include <filesystem>
#include <memory>

#include "common/log/rocks_log.h"
#include "tests/testing/ledger_harness.h"

namespace hub {
namespace {

constexpr size_t kValueBytes = 320;  // about one sealed intake envelope

std::string BenchDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("hub-bench-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

struct SharedLog {
  std::string dir;
  std::unique_ptr<log::RocksLog> log;
};
SharedLog* g_log = nullptr;

void BM_DurableAppend(benchmark::State& state) {
  const auto batch_size = static_cast<size_t>(state.range(0));
  if (state.thread_index() == 0) {
    g_log = new SharedLog{BenchDir("append"), nullptr};
    g_log->log = std::move(*log::RocksLog::Open({.path = g_log->dir}));
    if (!g_log->log->CreateTopic("hub.bench.events.v1", 12).ok()) state.SkipWithError("topic");
  }
  // Google Benchmark starts every thread's loop together, after thread 0's setup above.
  std::vector<std::string> values(batch_size, std::string(kValueBytes, 'e'));
  std::vector<int64_t> versions(64, 0);
  int64_t n = 0;
  for (auto _ : state) {
    const int household = static_cast<int>(n++ % 64);
    log::AppendBatch batch{"hub.bench.events.v1",
                           "hh-" + std::to_string(state.thread_index()) + "-" + std::to_string(household),
                           versions[household], values};
    auto r = g_log->log->Append(batch);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      break;
    }
    versions[household] = r->stream_version;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch_size));
  // The loop's end is a barrier for all threads, so thread 0 may release the shared log here.
  if (state.thread_index() == 0) {
    g_log->log.reset();
    std::filesystem::remove_all(g_log->dir);
    delete g_log;
    g_log = nullptr;
  }
}

void BM_ProjectionRebuild(benchmark::State& state) {
  const int64_t events = state.range(0);
  const std::string dir = BenchDir("rebuild");
  auto log = std::move(*log::RocksLog::Open({.path = dir + "/log"}));
  es::SystemClock clock;
  auto harness = std::move(*testing::LedgerHarness::Open(log.get(), dir + "/store", &clock));
  // Fill the log through the real command path: 10 consents per command, one command per
  // household, so state per household stays the size a real household's has.
  for (int64_t i = 0; i < events / 10; ++i) {
    testing::ConsentLedgerCommand command;
    for (int j = 0; j < 10; ++j) {
      *command.mutable_record_many()->add_consents() =
          testing::RecordConsent("c-" + std::to_string(i) + "-" + std::to_string(j)).record();
    }
    auto r = harness->handler().Execute(testing::Context("hh-" + std::to_string(i), "r-" + std::to_string(i)),
                                        command);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
  }
  for (auto _ : state) {
    if (!harness->runner().Rebuild().ok()) state.SkipWithError("rebuild");
    if (!harness->runner().CatchUp(std::chrono::steady_clock::now() + std::chrono::minutes(5)).ok()) {
      state.SkipWithError("catch up");
    }
  }
  state.SetItemsProcessed(state.iterations() * events);
  harness.reset();
  log.reset();
  std::filesystem::remove_all(dir);
}

BENCHMARK(BM_DurableAppend)
    ->ArgName("batch")
    ->Arg(1)
    ->Arg(16)
    ->Arg(256)
    ->Threads(1)
    ->Threads(8)
    ->Threads(64)
    ->UseRealTime()
    ->MinTime(2.0);

BENCHMARK(BM_ProjectionRebuild)->ArgName("events")->Arg(200'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace hub

BENCHMARK_MAIN();
