#include "common/es/request_index.h"

#include "common/store/store.h"
#include "fmt/format.h"
#include "rocksdb/db.h"

namespace hub::es {
namespace {

// Per tenant too: an organisation serving several municipalities may reuse a request id in each,
// and a retry must never be answered with another tenant's outcome.
std::string RequestKey(std::string_view tenant, std::string_view organisation_id, std::string_view request_id) {
  return fmt::format("{}\x1f{}\x1f{}", tenant, organisation_id, request_id);
}

}  // namespace

void RequestIndex::Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  db_ = db;
  family_ = families.at(0);
  batch_.clear();
}

absl::Status RequestIndex::Apply(const LoggedEvent& event, ProjectionWriter& writer) {
  if (event.record.topic != topic_) return absl::OkStatus();
  const auto& envelope = event.envelope;
  if (envelope.request_id().empty()) return absl::OkStatus();  // emitted by the service itself
  auto [it, inserted] = batch_.try_emplace(RequestKey(envelope.tenant(), envelope.actor().organisation_id(), envelope.request_id()));
  hub::v1::RequestOutcome& outcome = it->second;
  if (inserted) {
    auto existing = writer.Get(family_, it->first);
    if (existing.ok()) {
      if (!outcome.ParseFromString(*existing)) return absl::DataLossError("undecodable request outcome");
    } else if (existing.status().code() != absl::StatusCode::kNotFound) {
      return existing.status();
    }
  }
  if (outcome.household_id().empty()) {
    outcome.set_household_id(envelope.household_id());
    outcome.set_first_version(envelope.stream_version());
    outcome.set_topic(event.record.topic);
    outcome.set_partition(event.record.partition);
    outcome.set_first_offset(event.record.offset);
  } else if (outcome.household_id() != envelope.household_id()) {
    return absl::OkStatus();  // the same request id reused for another household: the first stands
  }
  outcome.set_last_version(envelope.stream_version());
  outcome.set_last_offset(event.record.offset);
  return absl::OkStatus();
}

absl::Status RequestIndex::Flush(ProjectionWriter& writer) {
  for (const auto& [key, outcome] : batch_) writer.Put(family_, key, SerializeDeterministic(outcome));
  batch_.clear();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<hub::v1::RequestOutcome>> RequestIndex::Find(std::string_view tenant,
                                                                          std::string_view organisation_id,
                                                                          std::string_view request_id) const {
  std::string value;
  auto s = db_->Get({}, family_, RequestKey(tenant, organisation_id, request_id), &value);
  if (s.IsNotFound()) return std::optional<hub::v1::RequestOutcome>();
  if (!s.ok()) return store::ToStatus(s, "request index");
  hub::v1::RequestOutcome outcome;
  if (!outcome.ParseFromString(value)) return absl::DataLossError("undecodable request outcome");
  return std::optional<hub::v1::RequestOutcome>(std::move(outcome));
}

}  // namespace hub::es
