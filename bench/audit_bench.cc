// Benchmarks of the audit service's verification and checkpointing (Google Benchmark).
//
//   build/bench/audit_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// BM_ChainVerifierApply: events/s the ChainVerifier projection checks (hash recomputed, version and
// link checked, stream heads read and written through RocksDB in batches of 1024 and committed),
// over decoded events of 20,000 households with 10 events each, 320-byte payloads.
// BM_MerkleFrontier: leaves/s appended to a partition's Merkle frontier (leaf hash included), with
// the root taken every 1000 leaves as a due checkpoint does.
// BM_AuditVerifyRebuild/0: events/s through the real path: a ProjectionRunner rebuilding the
// ChainVerifier and the MerkleLedger (checkpoints due every 1000 records) from offset 0 of an
// embedded log, fetching and decoding on its own thread. /1: the same with every projection the
// audit module runs (the household and access indexes and the report facts as well); /2: those
// without the report facts.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/crypto/hash_chain.h"
#include "common/crypto/merkle.h"
#include "common/es/envelope.h"
#include "common/es/projection_runner.h"
#include "common/log/rocks_log.h"
#include "common/store/store.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "services/audit/chain_verifier.h"
#include "services/audit/merkle_ledger.h"
#include "services/audit/projection.h"

namespace hub::audit {
namespace {

constexpr int kHouseholds = 20'000;
constexpr int kEventsPerHousehold = 10;
constexpr int32_t kPartitions = 12;
const std::string kTopic = "hub.intake.events.v1";

std::string BenchDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("hub-audit-bench-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

// Sealed log values of every household's stream, households interleaved as commands arrive.
std::vector<std::pair<std::string, std::vector<std::string>>> SealedHouseholds() {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  const auto now = std::chrono::system_clock::now();
  for (int h = 0; h < kHouseholds; ++h) {
    es::CommandMetadata meta;
    meta.tenant = "GM0632";
    meta.household_id = "hh-" + std::to_string(h);
    meta.actor.set_organisation_id("woerdenwijzer");
    meta.request_id = "r-" + std::to_string(h);
    std::vector<hub::v1::EventEnvelope> envelopes(kEventsPerHousehold);
    for (auto& e : envelopes) e.mutable_intake()->mutable_melding_closed()->set_melding_id(std::string(200, 'm'));
    auto sealed = es::Seal(meta, "intake", 1, 0, "", now, std::move(envelopes));
    out.emplace_back(meta.household_id, std::move(sealed.log_values));
  }
  return out;
}

struct Decoded {
  std::vector<log::Record> records;
  std::vector<hub::v1::LogRecord> log_records;
  std::vector<hub::v1::EventEnvelope> envelopes;
};

// The events as the runner hands them to projections: round-robin over households, so each batch
// of 1024 touches about 1000 streams (the worst case for head caching).
const Decoded& DecodedEvents() {
  static const Decoded* decoded = [] {
    auto* d = new Decoded();
    const auto households = SealedHouseholds();
    for (int i = 0; i < kEventsPerHousehold; ++i) {
      for (const auto& [household, values] : households) {
        log::Record record;
        record.topic = kTopic;
        record.key = household;
        record.partition = 0;
        record.offset = static_cast<int64_t>(d->records.size());
        record.value = values[static_cast<size_t>(i)];
        d->records.push_back(std::move(record));
      }
    }
    d->log_records.resize(d->records.size());
    d->envelopes.resize(d->records.size());
    for (size_t i = 0; i < d->records.size(); ++i) {
      if (!es::Unseal(d->records[i].value, &d->log_records[i], &d->envelopes[i]).ok()) std::abort();
    }
    return d;
  }();
  return *decoded;
}

void BM_ChainVerifierApply(benchmark::State& state) {
  const Decoded& events = DecodedEvents();
  constexpr size_t kBatch = 1024;
  int64_t breaks = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string dir = BenchDir("verifier");
    ChainVerifier verifier({.on_break = [&](const hub::v1::ChainBreak&) { ++breaks; }});
    auto store = store::Store::Open(dir, verifier.Families());
    if (!store.ok()) {
      state.SkipWithError("store");
      break;
    }
    std::vector<rocksdb::ColumnFamilyHandle*> families;
    for (const auto& f : verifier.Families()) families.push_back((*store)->family(f));
    verifier.Bind((*store)->db(), families);
    state.ResumeTiming();
    for (size_t first = 0; first < events.records.size(); first += kBatch) {
      rocksdb::WriteBatchWithIndex batch(rocksdb::BytewiseComparator(), 0, true);
      es::ProjectionWriter writer((*store)->db(), &batch);
      const size_t last = std::min(first + kBatch, events.records.size());
      for (size_t i = first; i < last; ++i) {
        if (!verifier.Apply({events.records[i], events.log_records[i], events.envelopes[i]}, writer).ok()) std::abort();
      }
      if (!verifier.Flush(writer).ok()) std::abort();
      if (!(*store)->db()->Write(rocksdb::WriteOptions(), batch.GetWriteBatch()).ok()) std::abort();
    }
    state.PauseTiming();
    store->reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  if (breaks != 0) state.SkipWithError("an intact chain was reported broken");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(events.records.size()));
}

void BM_MerkleFrontier(benchmark::State& state) {
  const Decoded& events = DecodedEvents();
  int64_t leaves = 0;
  for (auto _ : state) {
    crypto::MerkleFrontier frontier;
    std::string root;
    for (const auto& record : events.log_records) {
      frontier.Append(crypto::MerkleLeafHash(record.hash()));
      if (frontier.size() % 1000 == 0) root = frontier.Root();
    }
    benchmark::DoNotOptimize(root);
    leaves += static_cast<int64_t>(events.log_records.size());
  }
  state.SetItemsProcessed(leaves);
}

void BM_AuditVerifyRebuild(benchmark::State& state) {
  const std::string dir = BenchDir("rebuild");
  auto log = log::RocksLog::Open({.path = dir + "/log", .sync = false});
  if (!log.ok() || !(*log)->CreateTopic(kTopic, kPartitions).ok()) {
    state.SkipWithError("log");
    return;
  }
  for (const auto& [household, values] : SealedHouseholds()) {
    if (!(*log)->Append({kTopic, household, 0, values}).ok()) {
      state.SkipWithError("append");
      return;
    }
  }
  const auto events = static_cast<int64_t>(kHouseholds) * kEventsPerHousehold;
  ChainVerifier verifier({});
  MerkleLedger ledger({.topics = {kTopic}, .checkpoint_every = 1000});
  std::vector<es::Projection*> projections{&verifier, &ledger};
  // Argument 1: every projection the audit module runs, the query indexes and report facts too.
  const domain::WorkingDayCalendar calendar;
  HouseholdIndex households({kTopic});
  AccessIndex access("hub.access.events.v1");
  ReportFactsIndex facts({kTopic}, &calendar);
  // Argument 2: the same without the report facts, to see what they cost.
  if (state.range(0) == 1) projections.insert(projections.end(), {&households, &access, &facts});
  if (state.range(0) == 2) projections.insert(projections.end(), {&households, &access});
  auto store = store::Store::Open(dir + "/store", es::ProjectionRunner::FamiliesFor(projections));
  if (!store.ok()) {
    state.SkipWithError("store");
    return;
  }
  es::ProjectionRunner runner(log->get(), store->get(), projections, {.name = "audit", .topics = {kTopic}});
  if (!runner.Start().ok()) state.SkipWithError("start");
  for (auto _ : state) {
    if (!runner.Rebuild().ok()) state.SkipWithError("rebuild");
    if (!runner.CatchUp(std::chrono::steady_clock::now() + std::chrono::minutes(5)).ok()) {
      state.SkipWithError("catch up");
    }
  }
  runner.Stop();
  auto breaks = verifier.CountBreaks();
  if (!breaks.ok() || !breaks->empty()) state.SkipWithError("an intact chain was reported broken");
  auto due = ledger.Due();
  if (!due.ok() || static_cast<int64_t>(due->size()) < events / 1000 - kPartitions) state.SkipWithError("no checkpoints due");
  state.SetItemsProcessed(state.iterations() * events);
  store->reset();
  log->reset();
  std::filesystem::remove_all(dir);
}

BENCHMARK(BM_ChainVerifierApply)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MerkleFrontier)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AuditVerifyRebuild)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace hub::audit

BENCHMARK_MAIN();
