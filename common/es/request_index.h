// RequestIndex: which command (by caller organisation and request_id) produced which events.
//
// It is a projection, derived from the request_id every envelope carries, so idempotency survives
// restarts and rebuilds without any separate write: a retried command finds its first outcome here
// and appends nothing.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/es/projection.h"
#include "hub/v1/es_store.pb.h"

namespace hub::es {

class RequestIndex : public Projection {
 public:
  // `family` names the column family, one per producing service ("<service>_requests"). Only
  // events of `topic` (the service's own) are indexed: a service whose runner also follows other
  // services' topics must not mistake their request ids for its own.
  RequestIndex(std::string family, std::string topic) : family_name_(std::move(family)), topic_(std::move(topic)) {}

  std::vector<std::string> Families() const override { return {family_name_}; }
  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override;
  absl::Status Apply(const LoggedEvent& event, ProjectionWriter& writer) override;
  absl::Status Flush(ProjectionWriter& writer) override;

  // The outcome of the first command of this organisation, acting for this tenant, with this
  // request_id, or nullopt.
  absl::StatusOr<std::optional<hub::v1::RequestOutcome>> Find(std::string_view tenant, std::string_view organisation_id,
                                                               std::string_view request_id) const;

 private:
  std::string family_name_;
  std::string topic_;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* family_ = nullptr;
  std::map<std::string, hub::v1::RequestOutcome> batch_;  // outcomes touched by the current batch
};

}  // namespace hub::es
