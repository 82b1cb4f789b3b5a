// AuditService: the gRPC adapter of the audit projections (proto/hub/v1/audit.proto).
//
// Per call it identifies the caller, checks what the caller's organisation may do (auditors
// everything for their tenant, operators the chain status without household ids, social teams
// the resident's view of the access log), validates the request (naming the field), and answers
// from the projections and the log. It decides nothing and writes only checkpoints (through the
// Checkpointer, when a proof needs one).
#pragma once

#include <string>
#include <vector>

#include "common/config/register.h"
#include "common/crypto/signing.h"
#include "common/es/clock.h"
#include "common/es/projection_runner.h"
#include "common/log/event_log.h"
#include "common/rpc/caller.h"
#include "hub/v1/audit.grpc.pb.h"
#include "services/audit/chain_verifier.h"
#include "services/audit/checkpointer.h"
#include "services/audit/merkle_ledger.h"
#include "services/audit/projection.h"

namespace hub::audit {

// What the service needs from its module; nothing is owned.
struct AuditDependencies {
  const config::Register* organisations = nullptr;
  log::EventLog* log = nullptr;
  es::ProjectionRunner* runner = nullptr;
  const ChainVerifier* chains = nullptr;
  const MerkleLedger* ledger = nullptr;
  const HouseholdIndex* households = nullptr;
  const AccessIndex* access = nullptr;
  Checkpointer* checkpointer = nullptr;
  const crypto::Ed25519Signer* signer = nullptr;
  const es::Clock* clock = nullptr;
  // Every topic the audit follows, for the chain status.
  std::vector<std::string> topics;
};

class AuditService final : public hub::v1::AuditService::Service {
 public:
  explicit AuditService(AuditDependencies deps) : deps_(std::move(deps)) {}

  grpc::Status GetChainStatus(grpc::ServerContext* context, const hub::v1::GetChainStatusRequest* request,
                              hub::v1::ChainStatus* reply) override;
  grpc::Status GetCheckpointKey(grpc::ServerContext* context, const hub::v1::GetCheckpointKeyRequest* request,
                                hub::v1::CheckpointKey* reply) override;
  grpc::Status ListCheckpoints(grpc::ServerContext* context, const hub::v1::ListCheckpointsRequest* request,
                               hub::v1::ListCheckpointsResponse* reply) override;
  grpc::Status GetInclusionProof(grpc::ServerContext* context, const hub::v1::GetInclusionProofRequest* request,
                                 hub::v1::InclusionProof* reply) override;
  grpc::Status ReplayHousehold(grpc::ServerContext* context, const hub::v1::ReplayHouseholdRequest* request,
                               grpc::ServerWriter<hub::v1::ReplayedEvent>* writer) override;
  grpc::Status GetHouseholdAsOf(grpc::ServerContext* context, const hub::v1::GetHouseholdAsOfRequest* request,
                                hub::v1::HouseholdAsOf* reply) override;
  grpc::Status ExportHistory(grpc::ServerContext* context, const hub::v1::ExportHistoryRequest* request,
                             grpc::ServerWriter<hub::v1::ExportItem>* writer) override;
  grpc::Status GetAccessLog(grpc::ServerContext* context, const hub::v1::GetAccessLogRequest* request,
                            hub::v1::AccessLogPage* reply) override;

 private:
  // The caller, if its organisation is an auditor.
  absl::StatusOr<rpc::Caller> Auditor(grpc::ServerContext* context, std::string_view action) const;
  // OK when the household has events in the caller's tenant; NOT_FOUND otherwise (also for
  // another tenant's household, so nothing is learned about it).
  absl::Status CheckHousehold(const rpc::Caller& caller, const std::string& household_id) const;
  // Reads one record back from the log.
  absl::StatusOr<log::Record> ReadRecord(const std::string& topic, int32_t partition, int64_t offset) const;
  // Streams the export items of the given events (sorted by topic, partition, offset).
  absl::Status Export(grpc::ServerContext* context, const hub::v1::ExportHeader& header,
                      const std::vector<IndexedEvent>& events, grpc::ServerWriter<hub::v1::ExportItem>* writer);

  AuditDependencies deps_;
};

}  // namespace hub::audit
