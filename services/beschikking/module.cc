#include "services/beschikking/module.h"

#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include "common/crypto/key_store.h"
#include "common/crypto/sealing.h"
#include "common/domain/local_date.h"
#include "common/es/aggregate_projection.h"
#include "common/es/command_handler.h"
#include "common/es/projection_runner.h"
#include "common/es/request_index.h"
#include "common/log/instrumented_log.h"
#include "common/service/key_topic.h"
#include "common/service/ownership_gate.h"
#include "common/service/periodic.h"
#include "common/store/store.h"
#include "fmt/format.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "services/beschikking/catalogue.h"
#include "services/beschikking/decider.h"
#include "services/beschikking/projection.h"
#include "services/beschikking/service.h"
#include "services/intake/decider.h"
#include "services/plan/decider.h"

namespace hub::beschikking {

namespace {
constexpr auto kMetricsInterval = std::chrono::seconds(5);

constexpr hub::v1::Law kLaws[] = {hub::v1::LAW_WMO, hub::v1::LAW_JEUGDWET, hub::v1::LAW_PARTICIPATIEWET};
constexpr hub::v1::BeschikkingOutcome kOutcomes[] = {
    hub::v1::BESCHIKKING_OUTCOME_GRANTED, hub::v1::BESCHIKKING_OUTCOME_PARTIAL, hub::v1::BESCHIKKING_OUTCOME_REJECTED};

std::string_view OutcomeLabel(hub::v1::BeschikkingOutcome outcome) {
  switch (outcome) {
    case hub::v1::BESCHIKKING_OUTCOME_GRANTED: return "GRANTED";
    case hub::v1::BESCHIKKING_OUTCOME_PARTIAL: return "PARTIAL";
    case hub::v1::BESCHIKKING_OUTCOME_REJECTED: return "REJECTED";
    default: return "UNSPECIFIED";
  }
}

// A random 8-digit toewijzingnummer (10000000-99999999), from the system's CSPRNG.
std::string RandomToewijzingnummer() {
  const std::string bytes = crypto::RandomBytes(4);
  uint32_t n = 0;
  std::memcpy(&n, bytes.data(), sizeof n);
  return std::to_string(10'000'000u + n % 90'000'000u);
}

template <class Map, class Key>
double CountOf(const Map& map, const Key& key) {
  auto it = map.find(key);
  return it == map.end() ? 0.0 : static_cast<double>(it->second);
}
}  // namespace

struct BeschikkingModule::Parts {
  BeschikkingModuleOptions options;
  std::optional<ProductCatalogue> catalogue;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<crypto::KeyStore> keys;
  std::unique_ptr<hub::service::KeyTopic> key_topic;  // shares the data keys with the other services
  es::AggregateProjection<BeschikkingDecider> beschikkingen;
  es::AggregateProjection<intake::IntakeDecider> households;  // intake's facts, folded by intake's Evolve
  es::AggregateProjection<plan::PlanDecider> plans;           // plan's facts, folded by plan's Evolve
  es::RequestIndex requests{"beschikking_requests", es::TopicFor(BeschikkingDecider::kProducer)};
  BeschikkingIndex index;
  std::unique_ptr<es::ProjectionRunner> runner;
  std::unique_ptr<es::CommandHandler<BeschikkingDecider>> handler;
  std::unique_ptr<BeschikkingService> grpc_service;
  std::unique_ptr<hub::service::OwnershipGate> ownership;

  prometheus::Counter* events_appended = nullptr;
  prometheus::Gauge* projection_lag = nullptr;
  std::unique_ptr<log::ConsumerLagGauge> consumer_lag;  // on Kafka only
  prometheus::Family<prometheus::Gauge>* aanvragen_open = nullptr;
  prometheus::Family<prometheus::Gauge>* beschikkingen_count = nullptr;
  prometheus::Family<prometheus::Gauge>* deadlines = nullptr;
  prometheus::Family<prometheus::Gauge>* toewijzingen_active = nullptr;
  prometheus::Family<prometheus::Gauge>* start_messages_late = nullptr;
  std::unique_ptr<hub::service::Periodic> metrics_refresh;
};

BeschikkingModule::BeschikkingModule(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

BeschikkingModule::~BeschikkingModule() {
  parts_->metrics_refresh.reset();
  parts_->grpc_service.reset();
  parts_->handler.reset();
  parts_->runner.reset();
  parts_->ownership.reset();
}

absl::StatusOr<std::unique_ptr<BeschikkingModule>> BeschikkingModule::Open(const BeschikkingModuleOptions& options) {
  auto parts = std::make_unique<Parts>();
  parts->options = options;
  auto catalogue = ProductCatalogue::LoadFile(options.catalogue_path);
  if (!catalogue.ok()) return catalogue.status();
  parts->catalogue = std::move(*catalogue);

  const std::string topic = es::TopicFor(BeschikkingDecider::kProducer);
  const std::string intake_topic = es::TopicFor(intake::IntakeDecider::kProducer);
  const std::string plan_topic = es::TopicFor(plan::PlanDecider::kProducer);
  const std::string key_topic = hub::service::KeyTopic::Topic();
  for (const auto& t : {topic, intake_topic, plan_topic, key_topic}) {
    if (auto s = options.log->CreateTopic(t, options.partitions); !s.ok()) return s;
  }

  parts->key_topic = std::make_unique<hub::service::KeyTopic>(options.log, options.clock);
  std::vector<es::Projection*> projections{&parts->beschikkingen, &parts->households, &parts->plans, &parts->requests,
                                           &parts->index, parts->key_topic.get()};
  auto store = store::Store::Open(options.data_dir, es::ProjectionRunner::FamiliesFor(projections));
  if (!store.ok()) return store.status();
  parts->store = std::move(*store);

  auto keys = crypto::KeyStore::Create(parts->store.get(),
                                       hub::service::DataKeks(*options.organisations, *options.master_key),
                                       {.directory = parts->key_topic.get()});
  if (!keys.ok()) return keys.status();
  parts->keys = std::move(*keys);

  parts->runner = std::make_unique<es::ProjectionRunner>(
      options.log, parts->store.get(), projections,
      es::ProjectionRunnerOptions{.name = "beschikking", .topics = {topic, intake_topic, plan_topic, key_topic}});
  parts->key_topic->Attach(parts->runner.get(), parts->keys.get());
  if (auto s = parts->runner->Start(); !s.ok()) return s;
  if (auto s = parts->runner->CatchUp(std::chrono::steady_clock::now() + std::chrono::minutes(10)); !s.ok()) return s;
  parts->handler = std::make_unique<es::CommandHandler<BeschikkingDecider>>(
      options.log, parts->runner.get(), &parts->beschikkingen, &parts->requests, options.clock);
  if (options.metrics != nullptr) {
    auto& registry = *options.metrics;
    parts->events_appended = &prometheus::BuildCounter()
                                  .Name("hub_events_appended_total")
                                  .Help("Events appended to the log by commands, per topic.")
                                  .Register(registry)
                                  .Add({{"topic", topic}});
    parts->projection_lag = &prometheus::BuildGauge()
                                 .Name("hub_projection_lag_records")
                                 .Help("Records in the log that a service's projections have not applied yet.")
                                 .Register(registry)
                                 .Add({{"service", "beschikking"}});
    // The same lag per followed topic, on Kafka only: hub_kafka_consumer_lag_records.
    if (options.kafka != nullptr) {
      parts->consumer_lag = std::make_unique<log::ConsumerLagGauge>(registry, "beschikking");
    }
    parts->aanvragen_open = &prometheus::BuildGauge()
                                 .Name("hub_beschikking_aanvragen_open")
                                 .Help("Aanvragen without a beschikking yet, per tenant and law.")
                                 .Register(registry);
    parts->beschikkingen_count = &prometheus::BuildGauge()
                                      .Name("hub_beschikking_beschikkingen")
                                      .Help("Beschikkingen the municipality issued in the hub (legacy imports "
                                            "excluded), per tenant, law and outcome.")
                                      .Register(registry);
    parts->deadlines = &prometheus::BuildGauge()
                            .Name("hub_beschikking_deadlines")
                            .Help("Open legal and standard deadlines due within 2 working days (DUE_SOON) or "
                                  "past (OVERDUE), per tenant, kind and state.")
                            .Register(registry);
    parts->toewijzingen_active = &prometheus::BuildGauge()
                                      .Name("hub_beschikking_toewijzingen_active")
                                      .Help("Toewijzingen in force today, per tenant and law.")
                                      .Register(registry);
    parts->start_messages_late = &prometheus::BuildGauge()
                                      .Name("hub_beschikking_start_messages_late")
                                      .Help("Toewijzingen whose start message (305) came after its 5 working days "
                                            "(OP271), per tenant.")
                                      .Register(registry);
  }
  int32_t partitions = options.partitions;
  if (auto count = options.log->PartitionCount(topic); count.ok()) partitions = *count;
  if (options.kafka != nullptr) {
    auto gate = hub::service::OwnershipGate::Start({.kafka = options.kafka,
                                                    .brokers = options.kafka_brokers,
                                                    .service = std::string(BeschikkingDecider::kProducer),
                                                    .partitions = partitions,
                                                    .advertised_address = options.advertised_address},
                                                   std::chrono::steady_clock::now() + std::chrono::minutes(2));
    if (!gate.ok()) return gate.status();
    parts->ownership = std::move(*gate);
  }
  BeschikkingDependencies deps;
  deps.organisations = options.organisations;
  deps.catalogue = &*parts->catalogue;
  deps.keys = parts->keys.get();
  deps.handler = parts->handler.get();
  deps.runner = parts->runner.get();
  deps.households = &parts->households;
  deps.plans = &parts->plans;
  deps.index = &parts->index;
  deps.clock = options.clock;
  deps.toewijzingnummers = options.toewijzingnummers ? options.toewijzingnummers : RandomToewijzingnummer;
  prometheus::Counter* appended = parts->events_appended;
  deps.on_appended = [appended](size_t n) {
    if (appended != nullptr) appended->Increment(static_cast<double>(n));
  };
  if (parts->ownership) {
    hub::service::OwnershipGate* gate = parts->ownership.get();
    deps.check_owner = [gate](const std::string& household_id) { return gate->CheckOwner(household_id); };
  }
  parts->grpc_service = std::make_unique<BeschikkingService>(std::move(deps));

  std::unique_ptr<BeschikkingModule> module(new BeschikkingModule(std::move(parts)));
  if (options.metrics != nullptr) {
    module->RefreshMetrics();
    BeschikkingModule* m = module.get();
    module->parts_->metrics_refresh =
        std::make_unique<hub::service::Periodic>(kMetricsInterval, [m] { m->RefreshMetrics(); });
  }
  return module;
}

absl::StatusOr<std::unique_ptr<BeschikkingModule>> BeschikkingModule::OpenIn(app::Process& process) {
  const app::Settings& settings = process.settings;
  const std::string catalogue =
      (std::filesystem::path(settings.organisations).parent_path() / "products.json").string();
  auto module = Open({.data_dir = settings.data_dir + "/beschikking",
                      .catalogue_path = catalogue,
                      .partitions = settings.partitions,
                      .log = process.log.get(),
                      .organisations = &process.organisations,
                      .master_key = &process.master_key,
                      .clock = &process.clock,
                      .metrics = process.host->registry().get(),
                      .kafka = dynamic_cast<log::KafkaLog*>(log::BackendOf(process.log.get())),
                      .kafka_brokers = settings.brokers,
                      .advertised_address = settings.advertise.empty() ? settings.listen : settings.advertise});
  if (module.ok()) process.host->AddService((*module)->service());
  return module;
}

grpc::Service* BeschikkingModule::service() { return parts_->grpc_service.get(); }

absl::Status BeschikkingModule::health() const { return parts_->runner->health(); }

void BeschikkingModule::RefreshMetrics() {
  if (parts_->options.metrics == nullptr) return;
  const auto lag = parts_->runner->Lags();
  parts_->projection_lag->Set(static_cast<double>(lag.total));
  if (parts_->consumer_lag != nullptr) parts_->consumer_lag->Set(lag.by_topic);
  const domain::Date today = domain::DutchDate(parts_->options.clock->Now());
  for (const auto& tenant : parts_->options.organisations->tenants()) {
    auto counts = parts_->index.Count(tenant.code, today, kDefaultDueSoonWorkingDays);
    if (!counts.ok()) continue;
    for (auto law : kLaws) {
      const std::string law_label(LawName(law));
      parts_->aanvragen_open->Add({{"tenant", tenant.code}, {"law", law_label}})
          .Set(CountOf(counts->aanvragen_open, law));
      parts_->toewijzingen_active->Add({{"tenant", tenant.code}, {"law", law_label}})
          .Set(CountOf(counts->toewijzingen_active, law));
      for (auto outcome : kOutcomes) {
        parts_->beschikkingen_count
            ->Add({{"tenant", tenant.code}, {"law", law_label}, {"outcome", std::string(OutcomeLabel(outcome))}})
            .Set(CountOf(counts->beschikkingen, std::pair{law, outcome}));
      }
    }
    for (DeadlineKind kind : kDeadlineKinds) {
      for (auto state : {domain::DeadlineState::kDueSoon, domain::DeadlineState::kOverdue}) {
        parts_->deadlines
            ->Add({{"tenant", tenant.code},
                   {"kind", std::string(DeadlineKindName(kind))},
                   {"state", std::string(DeadlineStateName(state))}})
            .Set(CountOf(counts->deadlines, std::pair{kind, state}));
      }
    }
    parts_->start_messages_late->Add({{"tenant", tenant.code}}).Set(static_cast<double>(counts->start_messages_late));
  }
}

}  // namespace hub::beschikking
