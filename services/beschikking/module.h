// BeschikkingModule: the beschikking service wired up: its product catalogue, its RocksDB store
// (household state, the intake and plan facts it follows, the query index with the toewijzingnummers
// in use, the household text keys), the projection runner over the beschikking, intake and plan
// topics, the command handler, the gRPC service and its metrics. hubd and the beschikking binary
// both host one.
#pragma once

#include <functional>
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

namespace hub::beschikking {

struct BeschikkingModuleOptions {
  // Directory of the service's own RocksDB.
  std::string data_dir;
  // The product catalogue (format in deploy/config/README.md); loaded strictly at Open.
  std::string catalogue_path;
  // Partitions of hub.beschikking.events.v1 (and of the intake and plan topics, should this service
  // be first to start) when the module creates them.
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
  // Where toewijzingnummer candidates come from; absent: random 8-digit numbers. Tests inject a
  // sequence to provoke OP275 collisions.
  std::function<std::string()> toewijzingnummers;
};

class BeschikkingModule {
 public:
  // Loads the catalogue, opens the store, creates the topics if needed, starts the projections and
  // catches them up with the log, so the service answers from current state as soon as it is hosted.
  static absl::StatusOr<std::unique_ptr<BeschikkingModule>> Open(const BeschikkingModuleOptions& options);
  // Opens the module inside a hub process (catalogue: products.json next to the organisations
  // register) and adds its service to the process's host.
  static absl::StatusOr<std::unique_ptr<BeschikkingModule>> OpenIn(app::Process& process);
  static constexpr char kServiceName[] = "hub.v1.BeschikkingService";
  ~BeschikkingModule();

  grpc::Service* service();
  absl::Status health() const;
  // Recomputes the gauges now (also done every few seconds).
  void RefreshMetrics();

  struct Parts;

 private:
  explicit BeschikkingModule(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace hub::beschikking
