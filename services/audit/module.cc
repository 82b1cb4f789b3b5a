#include "services/audit/module.h"

#include <atomic>
#include <filesystem>
#include <iostream>
#include <set>

#include "common/audit/signed_messages.h"
#include "common/crypto/hash_chain.h"
#include "common/crypto/signing.h"
#include "common/es/enveloped_decider.h"
#include "common/es/projection_runner.h"
#include "common/log/instrumented_log.h"
#include "common/log/kafka_log.h"
#include "common/service/periodic.h"
#include "common/store/store.h"
#include "fmt/format.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "services/audit/chain_verifier.h"
#include "services/audit/checkpointer.h"
#include "services/audit/merkle_ledger.h"
#include "services/audit/projection.h"
#include "services/audit/report_service.h"
#include "services/audit/service.h"

namespace hub::audit {

namespace {
constexpr auto kMetricsInterval = std::chrono::seconds(5);
// Topics whose stream keys are not households: shared keys ("<tenant>/<key id>") and access
// records (one stream per writing process).
const std::set<std::string> kNotHouseholds = {"keys", "access"};

// Marks a store whose report facts were folded from offset 0. A store made before the reports
// existed (or whose rebuild was interrupted) lacks it and is rebuilt once.
constexpr char kReportFactsMarker[] = "\x00report-facts-v1";

bool HasMarker(store::Store& store) {
  std::string value;
  return store.db()->Get({}, store.family("audit_report_facts"), kReportFactsMarker, &value).ok();
}

absl::Status PutMarker(store::Store& store) {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return store::ToStatus(store.db()->Put(sync, store.family("audit_report_facts"), kReportFactsMarker, "1"),
                         "report facts marker");
}

// Whether the store has applied anything yet (a fresh store folds the facts from offset 0 anyway).
bool HasApplied(store::Store& store) {
  std::unique_ptr<rocksdb::Iterator> it(
      store.db()->NewIterator({}, store.family(es::ProjectionRunner::CheckpointFamily())));
  it->SeekToFirst();
  return it->Valid();
}

}  // namespace

std::vector<std::string> DefaultProducers() {
  return {"intake", "plan", "referral", "beschikking", "keys", "access"};
}

struct AuditModule::Parts {
  AuditModuleOptions options;
  std::vector<std::string> topics;  // followed, the audit topic last
  std::unique_ptr<crypto::Ed25519Signer> signer;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<ChainVerifier> chains;
  std::unique_ptr<MerkleLedger> ledger;
  std::unique_ptr<HouseholdIndex> households;
  std::unique_ptr<AccessIndex> access;
  domain::WorkingDayCalendar calendar;
  std::unique_ptr<ReportFactsIndex> report_facts;
  std::unique_ptr<es::ProjectionRunner> runner;
  std::unique_ptr<Checkpointer> checkpointer;
  std::unique_ptr<AuditService> grpc_service;
  std::unique_ptr<ReportService> report_service;

  // Counting starts once the stored breaks have been added, so none is counted twice.
  std::atomic<bool> counting{false};
  prometheus::Family<prometheus::Counter>* breaks = nullptr;
  prometheus::Family<prometheus::Counter>* verified = nullptr;
  prometheus::Family<prometheus::Counter>* checkpoints = nullptr;
  prometheus::Family<prometheus::Gauge>* last_checkpoint = nullptr;
  prometheus::Gauge* projection_lag = nullptr;
  std::unique_ptr<log::ConsumerLagGauge> consumer_lag;  // on Kafka only
  std::unique_ptr<service::Periodic> ticker;
  std::unique_ptr<service::Periodic> metrics_refresh;
};

AuditModule::AuditModule(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

AuditModule::~AuditModule() {
  parts_->metrics_refresh.reset();
  parts_->ticker.reset();
  parts_->grpc_service.reset();
  parts_->report_service.reset();
  parts_->checkpointer.reset();
  parts_->runner.reset();
}

absl::StatusOr<std::unique_ptr<AuditModule>> AuditModule::Open(const AuditModuleOptions& options) {
  auto parts = std::make_unique<Parts>();
  Parts* p = parts.get();
  p->options = options;
  std::set<std::string> checkpointed;
  std::set<std::string> household_topics;
  for (const auto& producer : options.producers) {
    const std::string topic = es::TopicFor(producer);
    if (topic == kAuditTopic || checkpointed.contains(topic)) continue;
    p->topics.push_back(topic);
    checkpointed.insert(topic);
    if (!kNotHouseholds.contains(producer)) household_topics.insert(topic);
  }
  p->topics.push_back(kAuditTopic);
  for (const auto& topic : p->topics) {
    if (auto s = options.log->CreateTopic(topic, options.partitions); !s.ok()) return s;
  }

  auto signer = crypto::Ed25519Signer::FromSeed(options.master_key->Derive(kSigningKeyPurpose, ""));
  if (!signer.ok()) return signer.status();
  p->signer = std::make_unique<crypto::Ed25519Signer>(std::move(*signer));

  if (options.metrics != nullptr) {
    auto& registry = *options.metrics;
    p->breaks = &prometheus::BuildCounter()
                     .Name("hub_audit_chain_breaks_total")
                     .Help("Broken or missing links found in the hash chains, per topic and kind (GAP, FORK, "
                           "BAD_HASH, REPLAYED). Any increase is worth an alert.")
                     .Register(registry);
    p->verified = &prometheus::BuildCounter()
                       .Name("hub_audit_events_verified_total")
                       .Help("Records whose hash chain link the audit service verified, per topic.")
                       .Register(registry);
    p->checkpoints = &prometheus::BuildCounter()
                          .Name("hub_audit_checkpoints_total")
                          .Help("Signed Merkle checkpoints published by this instance, per topic.")
                          .Register(registry);
    p->last_checkpoint = &prometheus::BuildGauge()
                              .Name("hub_audit_last_checkpoint_offset")
                              .Help("The offset up to which (exclusive) the last signed checkpoint of a partition "
                                    "reaches.")
                              .Register(registry);
    p->projection_lag = &prometheus::BuildGauge()
                             .Name("hub_projection_lag_records")
                             .Help("Records in the log that a service's projections have not applied yet.")
                             .Register(registry)
                             .Add({{"service", "audit"}});
    // The same lag per followed topic, on Kafka only: hub_kafka_consumer_lag_records.
    if (dynamic_cast<log::KafkaLog*>(log::BackendOf(options.log)) != nullptr) {
      p->consumer_lag = std::make_unique<log::ConsumerLagGauge>(registry, "audit");
    }
  }

  ChainVerifierOptions chain_options;
  chain_options.gaps_allowed = {es::TopicFor("keys")};
  chain_options.on_break = [p](const hub::v1::ChainBreak& b) {
    // Positions and the (pseudonymous) household id only: never a payload.
    std::cerr << fmt::format("audit: CHAIN BREAK {} on topic {} partition {} offset {}, household {}: expected "
                             "version {} linking to {}, found version {} with {}",
                             BreakKindName(b.kind()), b.topic(), b.partition(), b.offset(), b.household_id(),
                             b.expected_version(), crypto::ToHex(b.expected_hash()).substr(0, 16), b.found_version(),
                             crypto::ToHex(b.found_hash()).substr(0, 16))
              << std::endl;
    if (p->breaks != nullptr && p->counting) {
      p->breaks->Add({{"topic", b.topic()}, {"kind", BreakKindName(b.kind())}}).Increment();
    }
  };
  chain_options.on_verified = [p](const std::map<std::string, int64_t>& counts) {
    if (p->verified == nullptr) return;
    for (const auto& [topic, n] : counts) p->verified->Add({{"topic", topic}}).Increment(static_cast<double>(n));
  };
  p->chains = std::make_unique<ChainVerifier>(std::move(chain_options));
  p->ledger = std::make_unique<MerkleLedger>(
      MerkleLedgerOptions{.topics = checkpointed, .checkpoint_every = options.checkpoint_every});
  p->households = std::make_unique<HouseholdIndex>(household_topics);
  p->access = std::make_unique<AccessIndex>(kAccessTopic);
  p->report_facts = std::make_unique<ReportFactsIndex>(household_topics, &p->calendar);

  std::vector<es::Projection*> projections{p->chains.get(), p->ledger.get(), p->households.get(), p->access.get(),
                                           p->report_facts.get()};
  auto store = store::Store::Open(options.data_dir, es::ProjectionRunner::FamiliesFor(projections));
  if (!store.ok()) return store.status();
  p->store = std::move(*store);
  p->runner = std::make_unique<es::ProjectionRunner>(options.log, p->store.get(), projections,
                                                     es::ProjectionRunnerOptions{.name = "audit", .topics = p->topics});
  const bool rebuild = !HasMarker(*p->store) && HasApplied(*p->store);
  if (!rebuild) {
    if (auto s = PutMarker(*p->store); !s.ok()) return s;
  }
  if (auto s = p->runner->Start(); !s.ok()) return s;
  if (rebuild) {
    std::cerr << "audit: the report facts predate this store's history; rebuilding the audit projections" << std::endl;
    if (auto s = p->runner->Rebuild(); !s.ok()) return s;
  }
  if (auto s = p->runner->CatchUp(std::chrono::steady_clock::now() + std::chrono::minutes(10)); !s.ok()) return s;
  if (rebuild) {
    if (auto s = PutMarker(*p->store); !s.ok()) return s;
  }
  if (p->breaks != nullptr) {
    p->counting = true;
    auto stored = p->chains->CountBreaks();
    if (!stored.ok()) return stored.status();
    for (const auto& [key, n] : *stored) {
      p->breaks->Add({{"topic", key.first}, {"kind", BreakKindName(key.second)}}).Increment(static_cast<double>(n));
    }
  }

  p->checkpointer = std::make_unique<Checkpointer>(CheckpointerOptions{
      .log = options.log,
      .runner = p->runner.get(),
      .ledger = p->ledger.get(),
      .chains = p->chains.get(),
      .signer = p->signer.get(),
      .clock = options.clock,
      .interval = options.checkpoint_interval,
      .on_published =
          [p](const hub::v1::CheckpointSigned& c) {
            if (p->checkpoints != nullptr) p->checkpoints->Add({{"topic", c.topic()}}).Increment();
            if (p->last_checkpoint != nullptr) {
              p->last_checkpoint->Add({{"topic", c.topic()}, {"partition", std::to_string(c.partition())}})
                  .Set(static_cast<double>(c.up_to_offset()));
            }
          },
  });
  p->grpc_service = std::make_unique<AuditService>(AuditDependencies{.organisations = options.organisations,
                                                                     .log = options.log,
                                                                     .runner = p->runner.get(),
                                                                     .chains = p->chains.get(),
                                                                     .ledger = p->ledger.get(),
                                                                     .households = p->households.get(),
                                                                     .access = p->access.get(),
                                                                     .checkpointer = p->checkpointer.get(),
                                                                     .signer = p->signer.get(),
                                                                     .clock = options.clock,
                                                                     .topics = p->topics});
  p->report_service = std::make_unique<ReportService>(ReportDependencies{.organisations = options.organisations,
                                                                         .facts = p->report_facts.get(),
                                                                         .config = &p->options.reports,
                                                                         .calendar = &p->calendar,
                                                                         .clock = options.clock,
                                                                         .runner = p->runner.get()});
  std::cerr << "audit: checkpoints are signed with Ed25519 key " << p->signer->key_id() << ", public key "
            << crypto::ToHex(p->signer->public_key()) << std::endl;

  std::unique_ptr<AuditModule> module(new AuditModule(std::move(parts)));
  Checkpointer* checkpointer = p->checkpointer.get();
  p->ticker = std::make_unique<service::Periodic>(options.tick, [checkpointer] { checkpointer->Tick(); });
  if (options.metrics != nullptr) {
    module->RefreshMetrics();
    AuditModule* m = module.get();
    p->metrics_refresh = std::make_unique<service::Periodic>(kMetricsInterval, [m] { m->RefreshMetrics(); });
  }
  return module;
}

absl::StatusOr<std::unique_ptr<AuditModule>> AuditModule::OpenIn(app::Process& process) {
  const app::Settings& settings = process.settings;
  // The report schemes sit next to the organisations register.
  const auto reports_path = std::filesystem::path(settings.organisations).parent_path() / "reports.json";
  auto reports = ReportConfig::LoadFile(reports_path.string());
  if (!reports.ok()) return reports.status();
  auto module = Open({.data_dir = settings.data_dir + "/audit",
                      .partitions = settings.partitions,
                      .log = process.log.get(),
                      .organisations = &process.organisations,
                      .master_key = &process.master_key,
                      .clock = &process.clock,
                      .metrics = process.host->registry().get(),
                      .reports = std::move(*reports)});
  if (module.ok()) {
    process.host->AddService((*module)->service());
    process.host->AddService((*module)->report_service());
  }
  return module;
}

grpc::Service* AuditModule::service() { return parts_->grpc_service.get(); }

grpc::Service* AuditModule::report_service() { return parts_->report_service.get(); }

absl::Status AuditModule::health() const { return parts_->runner->health(); }

absl::Status AuditModule::CatchUp(std::chrono::steady_clock::time_point deadline) {
  return parts_->runner->CatchUp(deadline);
}

absl::StatusOr<int> AuditModule::CheckpointNow() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  if (auto s = parts_->runner->CatchUp(deadline); !s.ok()) return s;
  auto due = parts_->checkpointer->PublishDue(deadline);
  if (!due.ok()) return due.status();
  auto moved = parts_->checkpointer->PublishMoved(deadline);
  if (!moved.ok()) return moved.status();
  return *due + *moved;
}

const std::string& AuditModule::public_key() const { return parts_->signer->public_key(); }

void AuditModule::RefreshMetrics() {
  if (parts_->options.metrics == nullptr) return;
  const auto lag = parts_->runner->Lags();
  parts_->projection_lag->Set(static_cast<double>(lag.total));
  if (parts_->consumer_lag != nullptr) parts_->consumer_lag->Set(lag.by_topic);
  auto partitions = parts_->ledger->Partitions();
  if (!partitions.ok()) return;
  for (const auto& p : *partitions) {
    if (p.last_checkpoint_up_to == 0) continue;
    parts_->last_checkpoint->Add({{"topic", p.topic}, {"partition", std::to_string(p.partition)}})
        .Set(static_cast<double>(p.last_checkpoint_up_to));
  }
}

}  // namespace hub::audit
