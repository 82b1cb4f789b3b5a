// Benchmarks of the policy reports (Google Benchmark).
//
//   build/bench/report_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// 100,000 households of one tenant, each with a melding, a plan, an accepted referral (work and
// income or debt services), a beschikking with a toewijzing (Wmo begeleiding, Wmo voorziening or
// Jeugd) and its start message: 9 events a household, 900,000 in all.
// BM_FoldReportFacts: events/s folded into report facts (the audit projection's work per event,
// without RocksDB).
// BM_ReportFactsIndex: events/s through the ReportFactsIndex projection (facts read, folded and
// written through RocksDB in batches of 1024 as the ProjectionRunner does: Apply per event, Flush
// per batch, committed).
// BM_Stapeling / BM_Deadlines: one report over every household, from facts in memory (the pure
// report functions, suppression included); items/s is households/s.
// BM_StapelingFromStore: one report as the ReportService makes it: every household's facts read
// from RocksDB in one snapshot and parsed, then the report.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/store/store.h"
#include "google/protobuf/util/time_util.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "services/audit/projection.h"
#include "services/audit/report_facts.h"
#include "services/audit/reports.h"

namespace hub::audit {
namespace {

constexpr int kHouseholds = 100'000;
const std::string kTopic = "hub.beschikking.events.v1";

std::string BenchDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("hub-report-bench-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

google::protobuf::Timestamp Noon(const std::string& day) {
  google::protobuf::Timestamp t;
  google::protobuf::util::TimeUtil::FromString(day + "T12:00:00Z", &t);
  return t;
}

// Every household's events, in household order.
const std::vector<hub::v1::EventEnvelope>& Events() {
  static const auto* events = [] {
    auto* out = new std::vector<hub::v1::EventEnvelope>();
    out->reserve(kHouseholds * 9);
    for (int h = 0; h < kHouseholds; ++h) {
      const std::string household = "hh-" + std::to_string(h);
      const std::string day = "2026-0" + std::to_string(1 + h % 9) + "-1" + std::to_string(h % 10);
      auto next = [&]() -> hub::v1::EventEnvelope& {
        auto& e = out->emplace_back();
        e.set_tenant("GM0632");
        e.set_household_id(household);
        *e.mutable_occurred_at() = Noon(day);
        *e.mutable_recorded_at() = Noon(day);
        return e;
      };
      auto* m = next().mutable_intake()->mutable_melding_registered();
      m->set_melding_id("m-" + household);
      m->set_registered_on(day);
      m->set_onderzoek_due("2026-10-30");
      next().mutable_plan()->mutable_plan_drafted()->set_plan_id("p-" + household);
      auto* r = next().mutable_referral()->mutable_referral_requested();
      r->set_referral_id("r-" + household);
      r->set_receiver_kind(h % 3 == 0 ? hub::v1::RECEIVER_KIND_DEBT_SERVICES : hub::v1::RECEIVER_KIND_WORK_AND_INCOME);
      r->set_plan_id("p-" + household);
      r->set_requested_on(day);
      r->set_answer_due("2026-10-30");
      auto* a = next().mutable_referral()->mutable_referral_accepted();
      a->set_referral_id("r-" + household);
      a->set_accepted_on(day);
      auto* s = next().mutable_beschikking()->mutable_aanvraag_submitted();
      s->set_aanvraag_id("a-" + household);
      s->set_law(hub::v1::LAW_WMO);
      s->set_submitted_on(day);
      s->set_decision_due("2026-10-30");
      auto* b = next().mutable_beschikking()->mutable_beschikking_issued();
      b->set_beschikking_id("b-" + household);
      b->set_aanvraag_id("a-" + household);
      b->set_law(h % 5 == 0 ? hub::v1::LAW_JEUGDWET : hub::v1::LAW_WMO);
      b->set_outcome(hub::v1::BESCHIKKING_OUTCOME_GRANTED);
      b->set_issued_on(day);
      auto* t = next().mutable_beschikking()->mutable_toewijzing_issued();
      t->set_toewijzing_id("t-" + household);
      t->set_law(b->law());
      t->set_category(h % 5 == 0 ? "45" : (h % 2 == 0 ? "02" : "12"));
      t->set_ingangsdatum(day);
      t->set_einddatum("2027-12-31");
      auto* z = next().mutable_beschikking()->mutable_start_zorg_reported();
      z->set_toewijzing_id("t-" + household);
      z->set_start_date(day);
      z->set_reported_on(day);
      auto* c = next().mutable_plan()->mutable_procesregie_started();
      c->set_escalation_id("e-" + household);
      c->set_started_on(h % 8 == 0 ? day : "");
    }
    return out;
  }();
  return *events;
}

const std::vector<HouseholdReportFacts>& Facts() {
  static const auto* facts = [] {
    auto* out = new std::vector<HouseholdReportFacts>(kHouseholds);
    const domain::WorkingDayCalendar calendar;
    const auto& events = Events();
    for (size_t i = 0; i < events.size(); ++i) FoldReportFacts(events[i], calendar, (*out)[i / 9]);
    return out;
  }();
  return *facts;
}

ReportInput Input(const std::vector<HouseholdReportFacts>& facts, const domain::WorkingDayCalendar* calendar) {
  ReportInput input;
  input.tenant = "GM0632";
  input.policy = ReportConfig::Default().For("GM0632");
  input.as_of = *domain::Date::Parse("2026-09-30");
  input.period_start = *domain::Date::Parse("2026-01-01");
  input.period_end = input.as_of;
  input.calendar = calendar;
  for (const auto& f : facts) input.households.push_back(ItemsKnownAt(f, std::nullopt));
  return input;
}

void BM_FoldReportFacts(benchmark::State& state) {
  const auto& events = Events();
  const domain::WorkingDayCalendar calendar;
  for (auto _ : state) {
    HouseholdReportFacts facts;
    for (size_t i = 0; i < events.size(); ++i) {
      if (i % 9 == 0) facts.Clear();
      FoldReportFacts(events[i], calendar, facts);
    }
    benchmark::DoNotOptimize(facts);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(events.size()));
}

// Applies every event to a fresh ReportFactsIndex on RocksDB, 1024 per committed batch.
void BM_ReportFactsIndex(benchmark::State& state) {
  const auto& events = Events();
  const domain::WorkingDayCalendar calendar;
  log::Record record;
  record.topic = kTopic;
  const hub::v1::LogRecord log_record;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string dir = BenchDir("index");
    ReportFactsIndex index({kTopic}, &calendar);
    auto store = store::Store::Open(dir, index.Families());
    if (!store.ok()) std::abort();
    index.Bind((*store)->db(), {(*store)->family("audit_report_facts")});
    state.ResumeTiming();
    for (size_t begin = 0; begin < events.size(); begin += 1024) {
      rocksdb::WriteBatchWithIndex batch;
      es::ProjectionWriter writer((*store)->db(), &batch);
      for (size_t i = begin; i < std::min(events.size(), begin + 1024); ++i) {
        if (!index.Apply(es::LoggedEvent{record, log_record, events[i]}, writer).ok()) std::abort();
      }
      if (!index.Flush(writer).ok()) std::abort();
      if (!(*store)->db()->Write({}, batch.GetWriteBatch()).ok()) std::abort();
    }
    state.PauseTiming();
    store->reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(events.size()));
}

void BM_Stapeling(benchmark::State& state) {
  const domain::WorkingDayCalendar calendar;
  const ReportInput input = Input(Facts(), &calendar);
  for (auto _ : state) benchmark::DoNotOptimize(MakeStapeling(input));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kHouseholds);
}

void BM_Deadlines(benchmark::State& state) {
  const domain::WorkingDayCalendar calendar;
  const ReportInput input = Input(Facts(), &calendar);
  for (auto _ : state) benchmark::DoNotOptimize(MakeDeadlines(input, 7));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kHouseholds);
}

void BM_StapelingFromStore(benchmark::State& state) {
  const domain::WorkingDayCalendar calendar;
  const std::string dir = BenchDir("store");
  ReportFactsIndex index({kTopic}, &calendar);
  auto store = store::Store::Open(dir, index.Families());
  if (!store.ok()) std::abort();
  index.Bind((*store)->db(), {(*store)->family("audit_report_facts")});
  {
    rocksdb::WriteBatch batch;
    const auto& facts = Facts();
    for (int h = 0; h < kHouseholds; ++h) {
      batch.Put((*store)->family("audit_report_facts"), "GM0632\x1fhh-" + std::to_string(h),
                facts[static_cast<size_t>(h)].SerializeAsString());
    }
    if (!(*store)->db()->Write({}, &batch).ok()) std::abort();
  }
  for (auto _ : state) {
    // As the ReportService does it: facts on an arena, the items known, the report.
    google::protobuf::Arena arena;
    ReportInput input = Input({}, &calendar);
    auto s = index.ForEachHousehold("GM0632", &arena, [&](const HouseholdReportFacts& f) {
      input.households.push_back(ItemsKnownAt(f, std::nullopt));
    });
    if (!s.ok()) std::abort();
    benchmark::DoNotOptimize(MakeStapeling(input));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kHouseholds);
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace

BENCHMARK(BM_FoldReportFacts)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReportFactsIndex)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Stapeling)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Deadlines)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StapelingFromStore)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace hub::audit

BENCHMARK_MAIN();
