// IntakeModule: the intake service wired up: its RocksDB store, key store, projections, runner,
// command handler, gRPC service and metrics. hubd and the intake binary both host one.
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

namespace hub::intake {

struct IntakeModuleOptions {
  // Directory of the service's own RocksDB (projections and person keys).
  std::string data_dir;
  // Partitions of hub.intake.events.v1 when the module creates it.
  int32_t partitions = 12;
  // None of these is owned; all must outlive the module.
  log::EventLog* log = nullptr;
  const config::Register* organisations = nullptr;
  const keys::MasterKey* master_key = nullptr;
  const es::Clock* clock = nullptr;
  prometheus::Registry* metrics = nullptr;
  // On Kafka: the log as KafkaLog, and where this instance serves, so that it joins the service's
  // consumer group, decides commands only for households in the partitions the group gives it, and
  // names the owner of any other. Null/empty on the embedded log: one instance owns everything.
  log::KafkaLog* kafka = nullptr;
  std::string kafka_brokers;
  std::string advertised_address;
};

class IntakeModule {
 public:
  // Opens the store, creates the topic if needed, starts the projections and catches them up with
  // the log, so the service answers from current state as soon as it is hosted.
  static absl::StatusOr<std::unique_ptr<IntakeModule>> Open(const IntakeModuleOptions& options);
  // Opens the module inside a hub process (hubd or the intake binary), from the process's shared
  // settings, and adds its service to the process's host: the one line a binary needs.
  static absl::StatusOr<std::unique_ptr<IntakeModule>> OpenIn(app::Process& process);
  static constexpr char kServiceName[] = "hub.v1.IntakeService";
  ~IntakeModule();

  grpc::Service* service();
  // The projection runner (for health, lag and tests).
  absl::Status health() const;
  // Recomputes the deadline gauges now (also done periodically).
  void RefreshMetrics();

  struct Parts;

 private:
  explicit IntakeModule(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace hub::intake
