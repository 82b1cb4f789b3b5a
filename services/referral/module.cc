#include "services/referral/module.h"

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
#include "prometheus/histogram.h"
#include "services/intake/decider.h"
#include "services/plan/decider.h"
#include "services/referral/decider.h"
#include "services/referral/projection.h"
#include "services/referral/service.h"

namespace hub::referral {

namespace {
constexpr auto kMetricsInterval = std::chrono::seconds(5);
// Expiry is a fact of time already (reads show EXPIRED from the day after answer_due); the sweep
// only records it, so a minute is soon enough.
constexpr auto kExpiryInterval = std::chrono::seconds(60);

std::string StatusLabel(hub::v1::ReferralStatus status) {
  std::string name = hub::v1::ReferralStatus_Name(status);
  return name.substr(std::string_view("REFERRAL_STATUS_").size());
}

std::string KindLabel(hub::v1::ReceiverKind kind) {
  std::string name = hub::v1::ReceiverKind_Name(kind);
  return name.substr(std::string_view("RECEIVER_KIND_").size());
}
}  // namespace

struct ReferralModule::Parts {
  ReferralModuleOptions options;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<crypto::KeyStore> keys;
  std::unique_ptr<hub::service::KeyTopic> key_topic;  // persons' and households' data keys
  es::AggregateProjection<ReferralDecider> referrals;
  es::AggregateProjection<intake::IntakeDecider> households;  // intake's facts: members, consents, triage
  es::AggregateProjection<plan::PlanDecider> plans;           // the plan's facts: open plan, goals
  es::RequestIndex requests{"referral_requests", es::TopicFor(ReferralDecider::kProducer)};
  ReferralIndex index;
  std::unique_ptr<es::ProjectionRunner> runner;
  std::unique_ptr<es::CommandHandler<ReferralDecider>> handler;
  std::unique_ptr<ReferralService> grpc_service;
  std::unique_ptr<hub::service::OwnershipGate> ownership;

  prometheus::Counter* events_appended = nullptr;
  prometheus::Gauge* projection_lag = nullptr;
  std::unique_ptr<log::ConsumerLagGauge> consumer_lag;  // on Kafka only
  prometheus::Family<prometheus::Gauge>* by_state = nullptr;
  prometheus::Histogram* answer_seconds = nullptr;
  prometheus::Counter* expired = nullptr;
  prometheus::Counter* handovers_completed = nullptr;
  std::unique_ptr<hub::service::Periodic> metrics_refresh;
  std::unique_ptr<hub::service::Periodic> expiry_sweep;
};

ReferralModule::ReferralModule(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

ReferralModule::~ReferralModule() {
  parts_->expiry_sweep.reset();
  parts_->metrics_refresh.reset();
  parts_->grpc_service.reset();
  parts_->handler.reset();
  parts_->runner.reset();
  parts_->ownership.reset();
}

absl::StatusOr<std::unique_ptr<ReferralModule>> ReferralModule::Open(const ReferralModuleOptions& options) {
  auto parts = std::make_unique<Parts>();
  parts->options = options;
  const std::string topic = es::TopicFor(ReferralDecider::kProducer);
  const std::vector<std::string> topics{topic, es::TopicFor(intake::IntakeDecider::kProducer),
                                        es::TopicFor(plan::PlanDecider::kProducer), hub::service::KeyTopic::Topic()};
  for (const auto& t : topics) {
    if (auto s = options.log->CreateTopic(t, options.partitions); !s.ok()) return s;
  }

  parts->key_topic = std::make_unique<hub::service::KeyTopic>(options.log, options.clock);
  std::vector<es::Projection*> projections{&parts->referrals, &parts->households, &parts->plans,
                                           &parts->requests,  &parts->index,      parts->key_topic.get()};
  auto store = store::Store::Open(options.data_dir, es::ProjectionRunner::FamiliesFor(projections));
  if (!store.ok()) return store.status();
  parts->store = std::move(*store);
  auto keys = crypto::KeyStore::Create(parts->store.get(),
                                       hub::service::DataKeks(*options.organisations, *options.master_key),
                                       {.directory = parts->key_topic.get()});
  if (!keys.ok()) return keys.status();
  parts->keys = std::move(*keys);

  parts->runner = std::make_unique<es::ProjectionRunner>(options.log, parts->store.get(), projections,
                                                         es::ProjectionRunnerOptions{.name = "referral", .topics = topics});
  parts->key_topic->Attach(parts->runner.get(), parts->keys.get());
  if (auto s = parts->runner->Start(); !s.ok()) return s;
  if (auto s = parts->runner->CatchUp(std::chrono::steady_clock::now() + std::chrono::minutes(10)); !s.ok()) return s;
  parts->handler = std::make_unique<es::CommandHandler<ReferralDecider>>(options.log, parts->runner.get(),
                                                                        &parts->referrals, &parts->requests,
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
                                 .Add({{"service", "referral"}});
    // The same lag per followed topic, on Kafka only: hub_kafka_consumer_lag_records.
    if (options.kafka != nullptr) parts->consumer_lag = std::make_unique<log::ConsumerLagGauge>(registry, "referral");
    parts->by_state = &prometheus::BuildGauge()
                           .Name("hub_referral_referrals")
                           .Help("Referrals by status (as of today) and receiver kind, per tenant.")
                           .Register(registry);
    // Working days are what the service level counts; the histogram is in seconds as Prometheus
    // wants, with buckets at 1 hour, 1/2/5/7/14 days.
    parts->answer_seconds = &prometheus::BuildHistogram()
                                 .Name("hub_referral_answer_seconds")
                                 .Help("Time from a referral's request to its acceptance or decline.")
                                 .Register(registry)
                                 .Add({}, prometheus::Histogram::BucketBoundaries{3600, 86400, 2 * 86400, 5 * 86400,
                                                                                  7 * 86400, 14 * 86400});
    parts->expired = &prometheus::BuildCounter()
                          .Name("hub_referral_expired_total")
                          .Help("Referrals the service recorded as expired: not answered within the service level.")
                          .Register(registry)
                          .Add({});
    parts->handovers_completed = &prometheus::BuildCounter()
                                      .Name("hub_referral_handovers_completed_total")
                                      .Help("Warm handovers completed.")
                                      .Register(registry)
                                      .Add({});
  }
  int32_t partitions = options.partitions;
  if (auto count = options.log->PartitionCount(topic); count.ok()) partitions = *count;
  if (options.kafka != nullptr) {
    auto gate = hub::service::OwnershipGate::Start({.kafka = options.kafka,
                                                    .brokers = options.kafka_brokers,
                                                    .service = std::string(ReferralDecider::kProducer),
                                                    .partitions = partitions,
                                                    .advertised_address = options.advertised_address},
                                                   std::chrono::steady_clock::now() + std::chrono::minutes(2));
    if (!gate.ok()) return gate.status();
    parts->ownership = std::move(*gate);
  }
  ReferralDependencies deps;
  deps.organisations = options.organisations;
  deps.keys = parts->keys.get();
  deps.handler = parts->handler.get();
  deps.runner = parts->runner.get();
  deps.households = &parts->households;
  deps.plans = &parts->plans;
  deps.index = &parts->index;
  deps.clock = options.clock;
  Parts* p = parts.get();
  deps.on_appended = [p](size_t n) {
    if (p->events_appended != nullptr) p->events_appended->Increment(static_cast<double>(n));
  };
  deps.on_answered = [p](double seconds) {
    if (p->answer_seconds != nullptr) p->answer_seconds->Observe(seconds);
  };
  deps.on_handover_completed = [p] {
    if (p->handovers_completed != nullptr) p->handovers_completed->Increment();
  };
  if (parts->ownership) {
    hub::service::OwnershipGate* gate = parts->ownership.get();
    deps.check_owner = [gate](const std::string& household_id) { return gate->CheckOwner(household_id); };
  }
  parts->grpc_service = std::make_unique<ReferralService>(std::move(deps));

  std::unique_ptr<ReferralModule> module(new ReferralModule(std::move(parts)));
  ReferralModule* m = module.get();
  module->parts_->expiry_sweep = std::make_unique<hub::service::Periodic>(kExpiryInterval, [m] { (void)m->ExpireDue(); });
  if (options.metrics != nullptr) {
    module->RefreshMetrics();
    module->parts_->metrics_refresh =
        std::make_unique<hub::service::Periodic>(kMetricsInterval, [m] { m->RefreshMetrics(); });
  }
  return module;
}

absl::StatusOr<std::unique_ptr<ReferralModule>> ReferralModule::OpenIn(app::Process& process) {
  const app::Settings& settings = process.settings;
  auto module = Open({.data_dir = settings.data_dir + "/referral",
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

grpc::Service* ReferralModule::service() { return parts_->grpc_service.get(); }

absl::Status ReferralModule::health() const { return parts_->runner->health(); }

absl::StatusOr<int> ReferralModule::ExpireDue() {
  auto expired = parts_->grpc_service->ExpireDue();
  if (expired.ok() && *expired > 0 && parts_->expired != nullptr) parts_->expired->Increment(*expired);
  return expired;
}

void ReferralModule::RefreshMetrics() {
  if (parts_->options.metrics == nullptr) return;
  const auto lag = parts_->runner->Lags();
  parts_->projection_lag->Set(static_cast<double>(lag.total));
  if (parts_->consumer_lag != nullptr) parts_->consumer_lag->Set(lag.by_topic);
  const domain::Date today = domain::DutchDate(parts_->options.clock->Now());
  auto counts = parts_->index.Count(today);
  if (!counts.ok()) return;
  for (const auto& tenant : parts_->options.organisations->tenants()) {
    const auto it = counts->find(tenant.code);
    for (int s = hub::v1::ReferralStatus_MIN + 1; s <= hub::v1::ReferralStatus_MAX; ++s) {
      for (int k = hub::v1::ReceiverKind_MIN + 1; k <= hub::v1::ReceiverKind_MAX; ++k) {
        const auto status = static_cast<hub::v1::ReferralStatus>(s);
        const auto kind = static_cast<hub::v1::ReceiverKind>(k);
        double value = 0;
        if (it != counts->end()) {
          auto found = it->second.by_status_and_kind.find({status, kind});
          if (found != it->second.by_status_and_kind.end()) value = static_cast<double>(found->second);
        }
        parts_->by_state
            ->Add({{"tenant", tenant.code}, {"status", StatusLabel(status)}, {"receiver_kind", KindLabel(kind)}})
            .Set(value);
      }
    }
  }
}

}  // namespace hub::referral
