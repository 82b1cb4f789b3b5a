#include "services/intake/module.h"


#include "common/crypto/key_store.h"
#include "common/crypto/pseudonym.h"
#include "common/domain/local_date.h"
#include "common/es/aggregate_projection.h"
#include "common/es/command_handler.h"
#include "common/es/projection_runner.h"
#include "common/es/request_index.h"
#include "common/log/instrumented_log.h"
#include "common/domain/uuid.h"
#include "common/log/partitioner.h"
#include "fmt/format.h"
#include "common/service/key_topic.h"
#include "common/service/ownership_gate.h"
#include "common/service/periodic.h"
#include "common/store/store.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "services/intake/decider.h"
#include "services/intake/projection.h"
#include "services/intake/service.h"

namespace hub::intake {

namespace {
constexpr auto kMetricsInterval = std::chrono::seconds(5);
}  // namespace

struct IntakeModule::Parts {
  IntakeModuleOptions options;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<crypto::KeyStore> keys;
  std::unique_ptr<hub::service::KeyTopic> key_topic;  // shares the data keys with the other services
  std::map<std::string, crypto::Pseudonymizer, std::less<>> pseudonymizers;
  es::AggregateProjection<IntakeDecider> households;
  es::RequestIndex requests{"intake_requests", es::TopicFor(IntakeDecider::kProducer)};
  IntakeIndex index;
  std::unique_ptr<es::ProjectionRunner> runner;
  std::unique_ptr<es::CommandHandler<IntakeDecider>> handler;
  std::unique_ptr<IntakeService> service;
  std::unique_ptr<hub::service::OwnershipGate> ownership;
  int32_t partitions = 0;

  prometheus::Counter* events_appended = nullptr;
  prometheus::Gauge* projection_lag = nullptr;
  std::unique_ptr<log::ConsumerLagGauge> consumer_lag;  // on Kafka only
  prometheus::Family<prometheus::Gauge>* overdue = nullptr;
  prometheus::Family<prometheus::Gauge>* due_soon = nullptr;

  std::unique_ptr<hub::service::Periodic> metrics_refresh;
};

IntakeModule::IntakeModule(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

IntakeModule::~IntakeModule() {
  parts_->metrics_refresh.reset();
  parts_->service.reset();
  parts_->handler.reset();
  parts_->runner.reset();
  parts_->ownership.reset();
}

absl::StatusOr<std::unique_ptr<IntakeModule>> IntakeModule::Open(const IntakeModuleOptions& options) {
  auto parts = std::make_unique<Parts>();
  parts->options = options;
  const std::string topic = es::TopicFor(IntakeDecider::kProducer);
  for (const auto& t : {topic, hub::service::KeyTopic::Topic()}) {
    if (auto s = options.log->CreateTopic(t, options.partitions); !s.ok()) return s;
  }

  parts->key_topic = std::make_unique<hub::service::KeyTopic>(options.log, options.clock);
  std::vector<es::Projection*> projections{&parts->households, &parts->requests, &parts->index,
                                           parts->key_topic.get()};
  auto families = es::ProjectionRunner::FamiliesFor(projections);
  auto store = store::Store::Open(options.data_dir, families);
  if (!store.ok()) return store.status();
  parts->store = std::move(*store);

  for (const auto& tenant : options.organisations->tenants()) {
    auto pseudonymizer = crypto::Pseudonymizer::Create(options.master_key->Derive("bsn-pseudonym", tenant.code));
    if (!pseudonymizer.ok()) return pseudonymizer.status();
    parts->pseudonymizers.emplace(tenant.code, std::move(*pseudonymizer));
  }
  auto keys = crypto::KeyStore::Create(parts->store.get(),
                                       hub::service::DataKeks(*options.organisations, *options.master_key),
                                       {.directory = parts->key_topic.get()});
  if (!keys.ok()) return keys.status();
  parts->keys = std::move(*keys);

  parts->runner = std::make_unique<es::ProjectionRunner>(
      options.log, parts->store.get(), projections,
      es::ProjectionRunnerOptions{.name = "intake", .topics = {topic, hub::service::KeyTopic::Topic()}});
  parts->key_topic->Attach(parts->runner.get(), parts->keys.get());
  if (auto s = parts->runner->Start(); !s.ok()) return s;
  if (auto s = parts->runner->CatchUp(std::chrono::steady_clock::now() + std::chrono::minutes(10)); !s.ok()) return s;
  parts->handler = std::make_unique<es::CommandHandler<IntakeDecider>>(options.log, parts->runner.get(),
                                                                      &parts->households, &parts->requests,
                                                                      options.clock);
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
                                 .Add({{"service", "intake"}});
    // The same lag per followed topic, on Kafka only: hub_kafka_consumer_lag_records.
    if (options.kafka != nullptr) parts->consumer_lag = std::make_unique<log::ConsumerLagGauge>(registry, "intake");
    parts->overdue = &prometheus::BuildGauge()
                          .Name("hub_intake_meldingen_overdue")
                          .Help("Open meldingen whose onderzoek (6 weeks, Wmo 2.3.2) is past due, per tenant.")
                          .Register(registry);
    parts->due_soon = &prometheus::BuildGauge()
                           .Name("hub_intake_meldingen_due_within_week")
                           .Help("Open meldingen whose onderzoek is due within 7 days, per tenant.")
                           .Register(registry);
  }
  parts->partitions = options.partitions;
  if (auto count = options.log->PartitionCount(topic); count.ok()) parts->partitions = *count;
  if (options.kafka != nullptr) {
    auto gate = hub::service::OwnershipGate::Start({.kafka = options.kafka,
                                               .brokers = options.kafka_brokers,
                                               .service = std::string(IntakeDecider::kProducer),
                                               .partitions = parts->partitions,
                                               .advertised_address = options.advertised_address},
                                              std::chrono::steady_clock::now() + std::chrono::minutes(2));
    if (!gate.ok()) return gate.status();
    parts->ownership = std::move(*gate);
  }
  IntakeDependencies deps;
  deps.organisations = options.organisations;
  deps.keys = parts->keys.get();
  deps.pseudonymizers = &parts->pseudonymizers;
  deps.handler = parts->handler.get();
  deps.runner = parts->runner.get();
  deps.index = &parts->index;
  deps.clock = options.clock;
  prometheus::Counter* appended = parts->events_appended;
  deps.on_appended = [appended](size_t n) {
    if (appended != nullptr) appended->Increment(static_cast<double>(n));
  };
  if (parts->ownership) {
    hub::service::OwnershipGate* gate = parts->ownership.get();
    deps.check_owner = [gate](const std::string& household_id) { return gate->CheckOwner(household_id); };
    deps.new_household_id = [gate] { return gate->NewOwnedHouseholdId(); };
  }
  parts->service = std::make_unique<IntakeService>(std::move(deps));

  std::unique_ptr<IntakeModule> module(new IntakeModule(std::move(parts)));
  if (options.metrics != nullptr) {
    module->RefreshMetrics();
    IntakeModule* m = module.get();
    module->parts_->metrics_refresh = std::make_unique<hub::service::Periodic>(kMetricsInterval, [m] { m->RefreshMetrics(); });
  }
  return module;
}

absl::StatusOr<std::unique_ptr<IntakeModule>> IntakeModule::OpenIn(app::Process& process) {
  const app::Settings& settings = process.settings;
  auto module = Open({.data_dir = settings.data_dir + "/intake",
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

grpc::Service* IntakeModule::service() { return parts_->service.get(); }

absl::Status IntakeModule::health() const { return parts_->runner->health(); }

void IntakeModule::RefreshMetrics() {
  if (parts_->options.metrics == nullptr) return;
  const auto lag = parts_->runner->Lags();
  parts_->projection_lag->Set(static_cast<double>(lag.total));
  if (parts_->consumer_lag != nullptr) parts_->consumer_lag->Set(lag.by_topic);
  const domain::Date today = domain::DutchDate(parts_->options.clock->Now());
  for (const auto& tenant : parts_->options.organisations->tenants()) {
    auto counts = parts_->index.CountDeadlines(tenant.code, today);
    if (!counts.ok()) continue;
    parts_->overdue->Add({{"tenant", tenant.code}}).Set(static_cast<double>(counts->overdue));
    parts_->due_soon->Add({{"tenant", tenant.code}}).Set(static_cast<double>(counts->due_within_week));
  }
}

}  // namespace hub::intake
