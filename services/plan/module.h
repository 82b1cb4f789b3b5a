// PlanModule: the plan service wired up: its RocksDB store (plan state, the intake facts it
// follows, the query index, the plan text keys), the projection runner over the plan and intake
// topics, the command handler, the gRPC service and its metrics. hubd and the plan binary both
// host one.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/app/app.h"
#include "common/config/register.h"
#include "common/es/clock.h"
#include "common/keys/master_key.h"
#include "common/log/event_log.h"
#include "common/log/kafka_log.h"
#include "grpcpp/grpcpp.h"
#include "prometheus/registry.h"

namespace hub::plan {

struct PlanModuleOptions {
  // Directory of the service's own RocksDB.
  std::string data_dir;
  // Partitions of hub.plan.events.v1 (and of the intake topic, should the plan service be first to
  // start) when the module creates them.
  int32_t partitions = 12;
  // None of these is owned; all must outlive the module.
  log::EventLog* log = nullptr;
  const config::Register* organisations = nullptr;
  const keys::MasterKey* master_key = nullptr;
  const es::Clock* clock = nullptr;
  prometheus::Registry* metrics = nullptr;
  // On Kafka: the log as KafkaLog and where this instance serves (see IntakeModuleOptions).
  log::KafkaLog* kafka = nullptr;
  std::string kafka_brokers;
  std::string advertised_address;
};

class PlanModule {
 public:
  // Opens the store, creates the topics if needed, starts the projections and catches them up with
  // the log, so the service answers from current state as soon as it is hosted.
  static absl::StatusOr<std::unique_ptr<PlanModule>> Open(const PlanModuleOptions& options);
  // Opens the module inside a hub process and adds its service to the process's host.
  static absl::StatusOr<std::unique_ptr<PlanModule>> OpenIn(app::Process& process);
  static constexpr char kServiceName[] = "hub.v1.PlanService";
  ~PlanModule();

  grpc::Service* service();
  absl::Status health() const;
  // Recomputes the gauges now (also done every few seconds).
  void RefreshMetrics();

  struct Parts;

 private:
  explicit PlanModule(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace hub::plan
