// AuditModule: the audit service wired up: its RocksDB store (chain heads and breaks, Merkle trees
// and checkpoints, the household and access indexes), the projection runner over every followed
// topic and the audit topic, the Ed25519 checkpoint key derived from the master key, the
// checkpointer (due checkpoints every second, moved partitions every interval), the gRPC services
// (AuditService and the policy reports' ReportService) and their metrics. hubd (opened last) and the audit binary both host one.
//
// Metrics: hub_audit_chain_breaks_total{topic,kind}, hub_audit_events_verified_total{topic},
// hub_audit_checkpoints_total{topic}, hub_audit_last_checkpoint_offset{topic,partition},
// hub_projection_lag_records{service="audit"}, and on Kafka
// hub_kafka_consumer_lag_records{service="audit",topic}. Labels never carry household ids or personal data.
//
// On Kafka every audit instance follows every partition and verifies everything; checkpoints go
// through expected stream versions, so instances racing to sign the same checkpoint append it
// once. One instance is enough.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/app/app.h"
#include "common/config/register.h"
#include "common/es/clock.h"
#include "common/keys/master_key.h"
#include "common/log/event_log.h"
#include "grpcpp/grpcpp.h"
#include "prometheus/registry.h"
#include "services/audit/report_config.h"

namespace hub::audit {

// The producers whose topics (hub.<producer>.events.v1) the audit follows by default: every
// service, the shared keys and the access log.
std::vector<std::string> DefaultProducers();

struct AuditModuleOptions {
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
  // The producers whose topics are verified, checkpointed and indexed (besides the audit topic,
  // which is always verified).
  std::vector<std::string> producers = DefaultProducers();
  // A checkpoint every this many records of a partition...
  int64_t checkpoint_every = 1000;
  // ...and of every partition that moved, at this interval (on `clock`).
  std::chrono::milliseconds checkpoint_interval{60'000};
  // How often the checkpointer looks for due checkpoints and the interval (real time).
  std::chrono::milliseconds tick{1'000};
  // The report schemes and suppression thresholds (OpenIn loads deploy/config/reports.json).
  ReportConfig reports = ReportConfig::Default();
};

class AuditModule {
 public:
  // Opens the store, creates the topics if needed, starts the projections and catches them up with
  // the log, and prints the checkpoint key to stderr.
  static absl::StatusOr<std::unique_ptr<AuditModule>> Open(const AuditModuleOptions& options);
  // Opens the module inside a hub process and adds its service to the process's host.
  static absl::StatusOr<std::unique_ptr<AuditModule>> OpenIn(app::Process& process);
  static constexpr char kServiceName[] = "hub.v1.AuditService";
  ~AuditModule();

  grpc::Service* service();
  // The ReportService (report.proto), served next to the AuditService.
  grpc::Service* report_service();
  absl::Status health() const;
  // Waits until everything durable in the followed topics is verified and indexed.
  absl::Status CatchUp(std::chrono::steady_clock::time_point deadline);
  // Signs every due checkpoint and the current root of every partition that moved since its last
  // checkpoint, now. Returns how many were published.
  absl::StatusOr<int> CheckpointNow();
  // Recomputes the gauges now (also done every few seconds).
  void RefreshMetrics();
  // The Ed25519 public key checkpoints are signed with (32 bytes).
  const std::string& public_key() const;

  struct Parts;

 private:
  explicit AuditModule(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace hub::audit
