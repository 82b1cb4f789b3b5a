#include "services/audit/service.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/numbers.h"
#include "common/audit/signed_messages.h"
#include "common/es/envelope.h"
#include "common/rpc/caller.h"
#include "common/rpc/status.h"
#include "common/service/command_call.h"
#include "fmt/format.h"
#include "services/audit/history.h"
#include "services/audit/keys.h"

namespace hub::audit {
namespace {

using config::OrganisationKind;
using service::Allow;
using service::CheckId;
using service::DeadlineOf;
using service::Invalid;

constexpr int32_t kExportFormatVersion = 1;

absl::Status NoSuchHousehold() { return absl::NotFoundError("household_id: no household with this id in your tenant"); }

// An id that is also part of an index key: CheckId, and never the key separator.
absl::Status CheckKeyId(std::string_view field, const std::string& value) {
  if (auto s = CheckId(field, value); !s.ok()) return s;
  if (value.find(kSep) != std::string::npos) return Invalid(field, "contains a control character");
  return absl::OkStatus();
}

int PageSize(const hub::v1::PageRequest& page) {
  return page.page_size() <= 0 ? 50 : std::min(page.page_size(), 500);
}

}  // namespace

absl::StatusOr<rpc::Caller> AuditService::Auditor(grpc::ServerContext* context, std::string_view action) const {
  auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
  if (!caller.ok()) return caller.status();
  if (auto s = Allow(*caller, {OrganisationKind::kAuditor}, action); !s.ok()) return s;
  return caller;
}

absl::Status AuditService::CheckHousehold(const rpc::Caller& caller, const std::string& household_id) const {
  auto tenant = deps_.households->TenantOf(household_id);
  if (!tenant.ok()) return tenant.status();
  if (!*tenant || **tenant != caller.tenant) return NoSuchHousehold();
  return absl::OkStatus();
}

absl::StatusOr<log::Record> AuditService::ReadRecord(const std::string& topic, int32_t partition,
                                                     int64_t offset) const {
  std::vector<log::Record> records;
  if (auto s = deps_.log->Read({topic, partition}, offset, 1, &records); !s.ok()) return s;
  if (records.empty() || records.front().offset != offset) {
    return absl::DataLossError(fmt::format("the log has no record at {}/{}@{} any more", topic, partition, offset));
  }
  return std::move(records.front());
}

grpc::Status AuditService::GetChainStatus(grpc::ServerContext* context, const hub::v1::GetChainStatusRequest* request,
                                          hub::v1::ChainStatus* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    if (auto s = Allow(*caller, {OrganisationKind::kAuditor, OrganisationKind::kOperator}, "read the chain status");
        !s.ok()) {
      return s;
    }
    if (!request->topic().empty() &&
        std::find(deps_.topics.begin(), deps_.topics.end(), request->topic()) == deps_.topics.end()) {
      return Invalid("topic", "not a topic the audit service follows");
    }
    auto counts = deps_.chains->CountBreaks();
    if (!counts.ok()) return counts.status();
    std::map<std::string, std::pair<int64_t, int64_t>> progress;  // topic -> (verified, lag)
    for (const auto& [tp, next] : deps_.runner->Checkpoints()) {
      auto& [verified, lag] = progress[tp.topic];
      verified += next;
      if (auto end = deps_.log->EndOffset(tp); end.ok() && *end > next) lag += *end - next;
    }
    for (const auto& topic : deps_.topics) {
      auto* t = reply->add_topics();
      t->set_topic(topic);
      t->set_records_verified(progress[topic].first);
      t->set_lag(progress[topic].second);
      int64_t breaks = 0;
      for (const auto& [key, n] : *counts) breaks += key.first == topic ? n : 0;
      t->set_breaks(breaks);
    }
    auto page = deps_.chains->Breaks(request->topic(), PageSize(request->page()), request->page().page_token());
    if (!page.ok()) return page.status();
    const bool auditor = caller->organisation->kind == OrganisationKind::kAuditor;
    for (auto& b : page->breaks) {
      // Household ids only to auditors, and only of their own tenant's households.
      bool show = false;
      if (auditor) {
        auto tenant = deps_.households->TenantOf(b.household_id());
        show = tenant.ok() && *tenant && **tenant == caller->tenant;
      }
      if (!show) b.clear_household_id();
      *reply->add_breaks() = std::move(b);
    }
    reply->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status AuditService::GetCheckpointKey(grpc::ServerContext* context, const hub::v1::GetCheckpointKeyRequest*,
                                            hub::v1::CheckpointKey* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = Auditor(context, "read the checkpoint key");
    if (!caller.ok()) return caller.status();
    reply->set_algorithm("Ed25519");
    reply->set_public_key(deps_.signer->public_key());
    reply->set_key_id(deps_.signer->key_id());
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status AuditService::ListCheckpoints(grpc::ServerContext* context, const hub::v1::ListCheckpointsRequest* request,
                                           hub::v1::ListCheckpointsResponse* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = Auditor(context, "list checkpoints");
    if (!caller.ok()) return caller.status();
    if (!deps_.ledger->options().topics.contains(request->topic())) {
      return Invalid("topic", "not a topic the audit service checkpoints");
    }
    int64_t after = -1;
    if (!request->page().page_token().empty() && !absl::SimpleAtoi(request->page().page_token(), &after)) {
      return Invalid("page.page_token", "not a token from this list");
    }
    auto checkpoints = deps_.ledger->Checkpoints(request->topic(), request->partition());
    if (!checkpoints.ok()) return checkpoints.status();
    const int limit = PageSize(request->page());
    for (auto& c : *checkpoints) {
      if (c.checkpoint().up_to_offset() <= after) continue;
      if (reply->checkpoints_size() == limit) {
        reply->set_next_page_token(std::to_string(reply->checkpoints(limit - 1).checkpoint().up_to_offset()));
        break;
      }
      *reply->add_checkpoints() = std::move(c);
    }
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status AuditService::GetInclusionProof(grpc::ServerContext* context,
                                             const hub::v1::GetInclusionProofRequest* request,
                                             hub::v1::InclusionProof* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = Auditor(context, "read inclusion proofs");
    if (!caller.ok()) return caller.status();
    if (!deps_.ledger->options().topics.contains(request->topic())) {
      return Invalid("topic", "not a topic the audit service checkpoints");
    }
    auto partitions = deps_.log->PartitionCount(request->topic());
    if (!partitions.ok()) return partitions.status();
    if (request->partition() < 0 || request->partition() >= *partitions) return Invalid("partition", "no such partition");
    if (request->offset() < 0) return Invalid("offset", "must not be negative");
    const auto deadline = DeadlineOf(context);
    // Only records of the caller's tenant.
    auto record = ReadRecord(request->topic(), request->partition(), request->offset());
    if (!record.ok()) {
      return record.status().code() == absl::StatusCode::kDataLoss
                 ? absl::NotFoundError("offset: no record of your tenant at this position")
                 : record.status();
    }
    hub::v1::LogRecord log_record;
    hub::v1::EventEnvelope envelope;
    if (auto s = es::Unseal(record->value, &log_record, &envelope); !s.ok()) return s;
    if (envelope.tenant() != caller->tenant) return absl::NotFoundError("offset: no record of your tenant at this position");
    auto proofs = deps_.checkpointer->Prove(request->topic(), request->partition(), {request->offset()}, deadline);
    if (!proofs.ok()) return proofs.status();
    *reply = std::move(proofs->events.front().proof);
    reply->set_log_record(std::move(proofs->events.front().log_record));
    *reply->mutable_checkpoint() = std::move(proofs->checkpoints.front());
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status AuditService::ReplayHousehold(grpc::ServerContext* context, const hub::v1::ReplayHouseholdRequest* request,
                                           grpc::ServerWriter<hub::v1::ReplayedEvent>* writer) {
  auto handle = [&]() -> absl::Status {
    auto caller = Auditor(context, "replay a household");
    if (!caller.ok()) return caller.status();
    if (auto s = CheckKeyId("household_id", request->household_id()); !s.ok()) return s;
    if (auto s = deps_.runner->CatchUp(DeadlineOf(context)); !s.ok()) return s;
    if (auto s = CheckHousehold(*caller, request->household_id()); !s.ok()) return s;
    std::optional<int64_t> up_to;
    if (request->has_up_to_record_time()) up_to = Nanos(request->up_to_record_time());
    auto events = deps_.households->Events(request->household_id(), up_to);
    if (!events.ok()) return events.status();
    hub::v1::ReplayedEvent out;
    for (const auto& e : *events) {
      if (context->IsCancelled()) return absl::CancelledError("the caller went away");
      auto record = ReadRecord(e.topic, e.partition, e.offset);
      if (!record.ok()) return record.status();
      hub::v1::LogRecord log_record;
      out.Clear();
      if (auto s = es::Unseal(record->value, &log_record, out.mutable_envelope()); !s.ok()) return s;
      out.set_topic(e.topic);
      out.set_partition(e.partition);
      out.set_offset(e.offset);
      out.set_log_record(std::move(record->value));
      if (!writer->Write(out)) return absl::CancelledError("the caller went away");
    }
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status AuditService::GetHouseholdAsOf(grpc::ServerContext* context,
                                            const hub::v1::GetHouseholdAsOfRequest* request,
                                            hub::v1::HouseholdAsOf* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = Auditor(context, "read a household's history");
    if (!caller.ok()) return caller.status();
    if (auto s = CheckKeyId("household_id", request->household_id()); !s.ok()) return s;
    google::protobuf::Timestamp record_time = request->record_time();
    if (!request->has_record_time()) es::ToTimestamp(deps_.clock->Now(), &record_time);
    const google::protobuf::Timestamp valid_time = request->has_valid_time() ? request->valid_time() : record_time;
    if (auto s = deps_.runner->CatchUp(DeadlineOf(context)); !s.ok()) return s;
    if (auto s = CheckHousehold(*caller, request->household_id()); !s.ok()) return s;
    auto events = deps_.households->Events(request->household_id(), Nanos(record_time));
    if (!events.ok()) return events.status();
    std::vector<hub::v1::EventEnvelope> envelopes(events->size());
    for (size_t i = 0; i < events->size(); ++i) {
      const auto& e = (*events)[i];
      auto record = ReadRecord(e.topic, e.partition, e.offset);
      if (!record.ok()) return record.status();
      hub::v1::LogRecord log_record;
      if (auto s = es::Unseal(record->value, &log_record, &envelopes[i]); !s.ok()) return s;
    }
    // Each service's events in its stream order (record-time order may differ in ties).
    std::vector<const hub::v1::EventEnvelope*> known;
    for (const auto& envelope : envelopes) known.push_back(&envelope);
    std::sort(known.begin(), known.end(), [](const auto* a, const auto* b) {
      if (a->producer() != b->producer()) return a->producer() < b->producer();
      return a->stream_version() < b->stream_version();
    });
    std::vector<const hub::v1::EventEnvelope*> valid;
    const int64_t valid_nanos = Nanos(valid_time);
    for (const auto* envelope : known) {
      if (Nanos(envelope->occurred_at()) <= valid_nanos) valid.push_back(envelope);
    }
    reply->set_household_id(request->household_id());
    reply->set_tenant(caller->tenant);
    *reply->mutable_record_time() = record_time;
    *reply->mutable_valid_time() = valid_time;
    *reply->mutable_as_recorded() = FoldHousehold(known);
    *reply->mutable_as_valid() = FoldHousehold(valid);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

absl::Status AuditService::Export(grpc::ServerContext* context, const hub::v1::ExportHeader& header,
                                  const std::vector<IndexedEvent>& events,
                                  grpc::ServerWriter<hub::v1::ExportItem>* writer) {
  const auto deadline = DeadlineOf(context);
  hub::v1::ExportItem item;
  *item.mutable_header() = header;
  if (!writer->Write(item)) return absl::CancelledError("the caller went away");
  hub::v1::ExportTrailer trailer;
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>> tails;
  for (size_t first = 0; first < events.size();) {
    // One partition at a time: its checkpoints, then its events with their proofs.
    size_t last = first;
    std::vector<int64_t> offsets;
    while (last < events.size() && events[last].topic == events[first].topic &&
           events[last].partition == events[first].partition) {
      offsets.push_back(events[last].offset);
      ++last;
    }
    const std::string& topic = events[first].topic;
    auto proofs = deps_.checkpointer->Prove(topic, events[first].partition, offsets, deadline);
    if (!proofs.ok()) return proofs.status();
    for (auto& checkpoint : proofs->checkpoints) {
      item.Clear();
      *item.mutable_checkpoint() = std::move(checkpoint);
      if (!writer->Write(item)) return absl::CancelledError("the caller went away");
    }
    for (auto& proven : proofs->events) {
      hub::v1::LogRecord log_record;
      hub::v1::EventEnvelope envelope;
      if (auto s = es::Unseal(proven.log_record, &log_record, &envelope); !s.ok()) return s;
      tails[{topic, envelope.household_id()}] = {static_cast<int64_t>(envelope.stream_version()), log_record.hash()};
      item.Clear();
      auto* event = item.mutable_event();
      event->set_topic(topic);
      event->set_partition(events[first].partition);
      event->set_offset(proven.offset);
      event->set_log_record(std::move(proven.log_record));
      if (!writer->Write(item)) return absl::CancelledError("the caller went away");
      item.Clear();
      *item.mutable_inclusion_proof() = std::move(proven.proof);
      if (!writer->Write(item)) return absl::CancelledError("the caller went away");
    }
    trailer.set_events(trailer.events() + static_cast<int64_t>(offsets.size()));
    first = last;
  }
  for (const auto& [key, tail] : tails) {
    auto* t = trailer.add_streams();
    t->set_topic(key.first);
    t->set_stream(key.second);
    t->set_version(tail.first);
    t->set_last_hash(tail.second);
  }
  trailer.set_signature(deps_.signer->Sign(ExportTrailerMessage(header, trailer)));
  item.Clear();
  *item.mutable_trailer() = std::move(trailer);
  if (!writer->Write(item)) return absl::CancelledError("the caller went away");
  return absl::OkStatus();
}

grpc::Status AuditService::ExportHistory(grpc::ServerContext* context, const hub::v1::ExportHistoryRequest* request,
                                         grpc::ServerWriter<hub::v1::ExportItem>* writer) {
  auto handle = [&]() -> absl::Status {
    auto caller = Auditor(context, "export history");
    if (!caller.ok()) return caller.status();
    hub::v1::ExportHeader header;
    header.set_format_version(kExportFormatVersion);
    header.set_tenant(caller->tenant);
    header.set_public_key(deps_.signer->public_key());
    header.set_key_id(deps_.signer->key_id());
    es::ToTimestamp(deps_.clock->Now(), header.mutable_generated_at());
    std::vector<IndexedEvent> events;
    switch (request->scope_case()) {
      case hub::v1::ExportHistoryRequest::kTenant: {
        if (request->tenant() != caller->tenant) {
          return absl::PermissionDeniedError("an auditor exports the history of its own tenant only");
        }
        if (auto s = deps_.runner->CatchUp(DeadlineOf(context)); !s.ok()) return s;
        auto s = deps_.households->ForEachTenantEvent(caller->tenant, [&](const IndexedEvent& e, const std::string&) {
          events.push_back(e);
          return true;
        });
        if (!s.ok()) return s;
        break;
      }
      case hub::v1::ExportHistoryRequest::kHouseholdId: {
        if (auto s = CheckKeyId("household_id", request->household_id()); !s.ok()) return s;
        if (auto s = deps_.runner->CatchUp(DeadlineOf(context)); !s.ok()) return s;
        if (auto s = CheckHousehold(*caller, request->household_id()); !s.ok()) return s;
        header.set_household_id(request->household_id());
        auto found = deps_.households->Events(request->household_id(), std::nullopt);
        if (!found.ok()) return found.status();
        events = std::move(*found);
        std::sort(events.begin(), events.end(), [](const IndexedEvent& a, const IndexedEvent& b) {
          return std::tie(a.topic, a.partition, a.offset) < std::tie(b.topic, b.partition, b.offset);
        });
        break;
      }
      default:
        return Invalid("scope", "name a tenant or a household_id");
    }
    return Export(context, header, events, writer);
  };
  return rpc::Fail(context, handle());
}

grpc::Status AuditService::GetAccessLog(grpc::ServerContext* context, const hub::v1::GetAccessLogRequest* request,
                                        hub::v1::AccessLogPage* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    const OrganisationKind kind = caller->organisation->kind;
    if (kind == OrganisationKind::kSocialTeam) {
      if (!request->resident_view()) {
        return absl::PermissionDeniedError(
            "a social team reads the resident's view of the access log only (set resident_view)");
      }
    } else if (auto s = Allow(*caller, {OrganisationKind::kAuditor}, "read the access log"); !s.ok()) {
      return s;
    }
    if (auto s = CheckKeyId("data_subject_id", request->data_subject_id()); !s.ok()) return s;
    if (auto s = deps_.runner->CatchUp(DeadlineOf(context)); !s.ok()) return s;
    auto page = deps_.access->Page({.data_subject_id = request->data_subject_id(),
                                    .tenant = caller->tenant,
                                    .chronological = request->resident_view() || request->chronological(),
                                    .page_size = request->page().page_size(),
                                    .page_token = request->page().page_token()});
    if (!page.ok()) return page.status();
    reply->set_data_subject_id(request->data_subject_id());
    for (const auto& entry : page->entries) {
      const auto& r = entry.record();
      auto* out = reply->add_entries();
      *out->mutable_start_time() = r.start_time();
      *out->mutable_end_time() = r.end_time();
      out->set_organisation_id(r.organisation_id());
      if (const auto* organisation = deps_.organisations->FindOrganisation(r.organisation_id())) {
        out->set_organisation_name(organisation->name);
      }
      out->set_role(r.role());
      out->set_on_behalf_of(r.on_behalf_of());
      out->set_action(r.action());
      out->set_operation(r.operation());
      out->set_processing_activity(r.processing_activity());
      out->set_outcome(r.outcome());
      out->set_resource(r.resource());
      if (!request->resident_view()) {
        out->set_user_pseudonym(r.user_pseudonym());
        out->set_trace_id(r.trace_id());
      }
      auto* position = out->mutable_position();
      position->set_topic(std::string(kAccessTopic));
      position->set_partition(entry.partition());
      position->set_offset(entry.offset());
    }
    reply->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

}  // namespace hub::audit
