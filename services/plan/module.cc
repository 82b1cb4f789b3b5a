#include "services/plan/module.h"

#include "common/crypto/key_store.h"
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
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "services/intake/decider.h"
#include "services/plan/decider.h"
#include "services/plan/projection.h"
#include "services/plan/service.h"

namespace hub::plan {

namespace {
constexpr auto kMetricsInterval = std::chrono::seconds(5);

std::string_view StatusLabel(hub::v1::PlanStatus status) {
  switch (status) {
    case hub::v1::PLAN_STATUS_DRAFT: return "DRAFT";
    case hub::v1::PLAN_STATUS_ACTIVE: return "ACTIVE";
    case hub::v1::PLAN_STATUS_SCALED_DOWN: return "SCALED_DOWN";
    case hub::v1::PLAN_STATUS_CLOSED: return "CLOSED";
    default: return "UNSPECIFIED";
  }
}
}  // namespace

struct PlanModule::Parts {
  PlanModuleOptions options;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<crypto::KeyStore> keys;
  std::unique_ptr<hub::service::KeyTopic> key_topic;  // shares the data keys with the other services
  es::AggregateProjection<PlanDecider> plans;
  es::AggregateProjection<intake::IntakeDecider> households;  // intake's facts, folded by intake's Evolve
  es::RequestIndex requests{"plan_requests", es::TopicFor(PlanDecider::kProducer)};
  PlanIndex index;
  std::unique_ptr<es::ProjectionRunner> runner;
  std::unique_ptr<es::CommandHandler<PlanDecider>> handler;
  std::unique_ptr<PlanService> grpc_service;
  std::unique_ptr<hub::service::OwnershipGate> ownership;

  prometheus::Counter* events_appended = nullptr;
  prometheus::Gauge* projection_lag = nullptr;
  std::unique_ptr<log::ConsumerLagGauge> consumer_lag;  // on Kafka only
  prometheus::Family<prometheus::Gauge>* plans_by_status = nullptr;
  prometheus::Family<prometheus::Gauge>* evaluations_overdue = nullptr;
  prometheus::Family<prometheus::Gauge>* under_procesregie = nullptr;
  prometheus::Family<prometheus::Gauge>* procesregie_ratio = nullptr;
  prometheus::Family<prometheus::Gauge>* directives_overdue = nullptr;
  std::unique_ptr<hub::service::Periodic> metrics_refresh;
};

PlanModule::PlanModule(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

PlanModule::~PlanModule() {
  parts_->metrics_refresh.reset();
  parts_->grpc_service.reset();
  parts_->handler.reset();
  parts_->runner.reset();
  parts_->ownership.reset();
}

absl::StatusOr<std::unique_ptr<PlanModule>> PlanModule::Open(const PlanModuleOptions& options) {
  auto parts = std::make_unique<Parts>();
  parts->options = options;
  const std::string topic = es::TopicFor(PlanDecider::kProducer);
  const std::string intake_topic = es::TopicFor(intake::IntakeDecider::kProducer);
  const std::string key_topic = hub::service::KeyTopic::Topic();
  for (const auto& t : {topic, intake_topic, key_topic}) {
    if (auto s = options.log->CreateTopic(t, options.partitions); !s.ok()) return s;
  }

  parts->key_topic = std::make_unique<hub::service::KeyTopic>(options.log, options.clock);
  std::vector<es::Projection*> projections{&parts->plans, &parts->households, &parts->requests, &parts->index,
                                           parts->key_topic.get()};
  auto families = es::ProjectionRunner::FamiliesFor(projections);
  auto store = store::Store::Open(options.data_dir, families);
  if (!store.ok()) return store.status();
  parts->store = std::move(*store);

  auto keys = crypto::KeyStore::Create(parts->store.get(),
                                       hub::service::DataKeks(*options.organisations, *options.master_key),
                                       {.directory = parts->key_topic.get()});
  if (!keys.ok()) return keys.status();
  parts->keys = std::move(*keys);

  parts->runner = std::make_unique<es::ProjectionRunner>(
      options.log, parts->store.get(), projections,
      es::ProjectionRunnerOptions{.name = "plan", .topics = {topic, intake_topic, key_topic}});
  parts->key_topic->Attach(parts->runner.get(), parts->keys.get());
  if (auto s = parts->runner->Start(); !s.ok()) return s;
  if (auto s = parts->runner->CatchUp(std::chrono::steady_clock::now() + std::chrono::minutes(10)); !s.ok()) return s;
  parts->handler = std::make_unique<es::CommandHandler<PlanDecider>>(options.log, parts->runner.get(), &parts->plans,
                                                                    &parts->requests, options.clock);
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
                                 .Add({{"service", "plan"}});
    // The same lag per followed topic, on Kafka only: hub_kafka_consumer_lag_records.
    if (options.kafka != nullptr) parts->consumer_lag = std::make_unique<log::ConsumerLagGauge>(registry, "plan");
    parts->plans_by_status = &prometheus::BuildGauge()
                                  .Name("hub_plan_plans")
                                  .Help("Households' current plans by status, per tenant.")
                                  .Register(registry);
    parts->evaluations_overdue = &prometheus::BuildGauge()
                                      .Name("hub_plan_evaluations_overdue")
                                      .Help("Agreed open plans whose next evaluation date has passed, per tenant.")
                                      .Register(registry);
    parts->under_procesregie = &prometheus::BuildGauge()
                                    .Name("hub_plan_households_under_procesregie")
                                    .Help("Households with a procesregisseur attached, per tenant.")
                                    .Register(registry);
    parts->procesregie_ratio = &prometheus::BuildGauge()
                                    .Name("hub_plan_procesregie_ratio")
                                    .Help("Share of households with an open plan that are under procesregie "
                                          "(guideline 0.10-0.15), per tenant.")
                                    .Register(registry);
    parts->directives_overdue = &prometheus::BuildGauge()
                                     .Name("hub_plan_directives_overdue")
                                     .Help("Open procesregie directives past their due date, per tenant.")
                                     .Register(registry);
  }
  int32_t partitions = options.partitions;
  if (auto count = options.log->PartitionCount(topic); count.ok()) partitions = *count;
  if (options.kafka != nullptr) {
    auto gate = hub::service::OwnershipGate::Start({.kafka = options.kafka,
                                                    .brokers = options.kafka_brokers,
                                                    .service = std::string(PlanDecider::kProducer),
                                                    .partitions = partitions,
                                                    .advertised_address = options.advertised_address},
                                                   std::chrono::steady_clock::now() + std::chrono::minutes(2));
    if (!gate.ok()) return gate.status();
    parts->ownership = std::move(*gate);
  }
  PlanDependencies deps;
  deps.organisations = options.organisations;
  deps.keys = parts->keys.get();
  deps.handler = parts->handler.get();
  deps.runner = parts->runner.get();
  deps.households = &parts->households;
  deps.index = &parts->index;
  deps.clock = options.clock;
  prometheus::Counter* appended = parts->events_appended;
  deps.on_appended = [appended](size_t n) {
    if (appended != nullptr) appended->Increment(static_cast<double>(n));
  };
  if (parts->ownership) {
    hub::service::OwnershipGate* gate = parts->ownership.get();
    deps.check_owner = [gate](const std::string& household_id) { return gate->CheckOwner(household_id); };
  }
  parts->grpc_service = std::make_unique<PlanService>(std::move(deps));

  std::unique_ptr<PlanModule> module(new PlanModule(std::move(parts)));
  if (options.metrics != nullptr) {
    module->RefreshMetrics();
    PlanModule* m = module.get();
    module->parts_->metrics_refresh =
        std::make_unique<hub::service::Periodic>(kMetricsInterval, [m] { m->RefreshMetrics(); });
  }
  return module;
}

absl::StatusOr<std::unique_ptr<PlanModule>> PlanModule::OpenIn(app::Process& process) {
  const app::Settings& settings = process.settings;
  auto module = Open({.data_dir = settings.data_dir + "/plan",
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

grpc::Service* PlanModule::service() { return parts_->grpc_service.get(); }

absl::Status PlanModule::health() const { return parts_->runner->health(); }

void PlanModule::RefreshMetrics() {
  if (parts_->options.metrics == nullptr) return;
  const auto lag = parts_->runner->Lags();
  parts_->projection_lag->Set(static_cast<double>(lag.total));
  if (parts_->consumer_lag != nullptr) parts_->consumer_lag->Set(lag.by_topic);
  const domain::Date today = domain::DutchDate(parts_->options.clock->Now());
  for (const auto& tenant : parts_->options.organisations->tenants()) {
    auto counts = parts_->index.Count(tenant.code, today);
    if (!counts.ok()) continue;
    for (auto status : {hub::v1::PLAN_STATUS_DRAFT, hub::v1::PLAN_STATUS_ACTIVE, hub::v1::PLAN_STATUS_SCALED_DOWN,
                        hub::v1::PLAN_STATUS_CLOSED}) {
      auto it = counts->by_status.find(status);
      parts_->plans_by_status->Add({{"tenant", tenant.code}, {"status", std::string(StatusLabel(status))}})
          .Set(it == counts->by_status.end() ? 0.0 : static_cast<double>(it->second));
    }
    parts_->evaluations_overdue->Add({{"tenant", tenant.code}}).Set(static_cast<double>(counts->evaluations_overdue));
    parts_->under_procesregie->Add({{"tenant", tenant.code}}).Set(static_cast<double>(counts->under_procesregie));
    parts_->procesregie_ratio->Add({{"tenant", tenant.code}})
        .Set(counts->open_plans == 0 ? 0.0
                                     : static_cast<double>(counts->under_procesregie) /
                                           static_cast<double>(counts->open_plans));
    parts_->directives_overdue->Add({{"tenant", tenant.code}}).Set(static_cast<double>(counts->directives_overdue));
  }
}

}  // namespace hub::plan
