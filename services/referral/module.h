// ReferralModule: the referral service wired up: its RocksDB store (referral state, the intake and
// plan facts it follows, the query index, the shared data keys), the projection runner over the
// referral, intake, plan and key topics, the command handler, the sweep that records expiries, the
// gRPC service and its metrics. hubd and the referral binary both host one.
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

namespace hub::referral {

struct ReferralModuleOptions {
  // Directory of the service's own RocksDB.
  std::string data_dir;
  // Partitions of the topics the module creates if they do not exist yet.
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

class ReferralModule {
 public:
  // Opens the store, creates the topics if needed, starts the projections and catches them up with
  // the log, so the service answers from current state as soon as it is hosted.
  static absl::StatusOr<std::unique_ptr<ReferralModule>> Open(const ReferralModuleOptions& options);
  // Opens the module inside a hub process and adds its service to the process's host.
  static absl::StatusOr<std::unique_ptr<ReferralModule>> OpenIn(app::Process& process);
  static constexpr char kServiceName[] = "hub.v1.ReferralService";
  ~ReferralModule();

  grpc::Service* service();
  absl::Status health() const;
  // Recomputes the gauges now (also done every few seconds).
  void RefreshMetrics();
  // Records the expiry of every unanswered referral past its answer_due (also done every few
  // seconds); returns how many it expired.
  absl::StatusOr<int> ExpireDue();

  struct Parts;

 private:
  explicit ReferralModule(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace hub::referral
