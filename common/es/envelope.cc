#include "common/es/envelope.h"

#include "common/crypto/hash_chain.h"
#include "common/domain/uuid.h"

namespace hub::es {

void ToTimestamp(std::chrono::system_clock::time_point t, google::protobuf::Timestamp* out) {
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  int64_t seconds = nanos / 1'000'000'000;
  int64_t rest = nanos % 1'000'000'000;
  if (rest < 0) {
    rest += 1'000'000'000;
    seconds -= 1;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest));
}

std::chrono::system_clock::time_point FromTimestamp(const google::protobuf::Timestamp& t) {
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos())));
}

SealedBatch Seal(const CommandMetadata& metadata, std::string_view producer, uint32_t schema_version,
                 int64_t version, std::string_view prev_hash, std::chrono::system_clock::time_point recorded_at,
                 std::vector<hub::v1::EventEnvelope> envelopes) {
  SealedBatch sealed;
  std::string previous = prev_hash.empty() ? crypto::GenesisHash() : std::string(prev_hash);
  hub::v1::LogRecord record;
  for (auto& envelope : envelopes) {
    envelope.set_event_id(domain::NewUuidV7());
    envelope.set_tenant(metadata.tenant);
    envelope.set_household_id(metadata.household_id);
    envelope.set_stream_version(static_cast<uint64_t>(++version));
    ToTimestamp(metadata.occurred_at.value_or(recorded_at), envelope.mutable_occurred_at());
    ToTimestamp(recorded_at, envelope.mutable_recorded_at());
    *envelope.mutable_actor() = metadata.actor;
    envelope.set_request_id(metadata.request_id);
    envelope.set_correlation_id(metadata.correlation_id);
    envelope.set_causation_id(metadata.causation_id);
    envelope.set_trace_id(metadata.trace_id);
    envelope.set_schema_version(schema_version);
    envelope.set_producer(std::string(producer));

    record.set_envelope(envelope.SerializeAsString());
    record.set_prev_hash(previous);
    record.set_hash(crypto::ChainHash(record.prev_hash(), record.envelope()));
    previous = record.hash();
    sealed.log_values.push_back(record.SerializeAsString());
  }
  sealed.envelopes = std::move(envelopes);
  sealed.last_hash = previous;
  return sealed;
}

absl::Status Unseal(const std::string& log_value, hub::v1::LogRecord* record, hub::v1::EventEnvelope* envelope) {
  if (!record->ParseFromString(log_value) || !envelope->ParseFromString(record->envelope())) {
    return absl::DataLossError("undecodable event record");
  }
  return absl::OkStatus();
}

}  // namespace hub::es
