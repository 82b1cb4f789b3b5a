// Sealing events into chained log records, and reading them back.
//
// A command's events become EventEnvelopes that share the command's metadata, get consecutive
// stream versions, and are chained: each LogRecord carries the envelope bytes, the previous event's
// hash and its own hash = SHA-256(prev_hash || envelope bytes).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hub/v1/envelope.pb.h"

namespace hub::es {

// What every event of one command shares.
struct CommandMetadata {
  std::string tenant;
  std::string household_id;
  hub::v1::Actor actor;
  std::string request_id;
  std::string correlation_id;
  std::string causation_id;
  std::string trace_id;
  // Valid time; the record time when absent.
  std::optional<std::chrono::system_clock::time_point> occurred_at;
};

struct SealedBatch {
  std::vector<hub::v1::EventEnvelope> envelopes;
  std::vector<std::string> log_values;  // serialised hub.v1.LogRecord, one per envelope
  std::string last_hash;
};

// Seals `envelopes` (payload already set) after a stream at `version` whose last hash is
// `prev_hash` (empty for a new stream). Fills ids, versions, times and metadata.
SealedBatch Seal(const CommandMetadata& metadata, std::string_view producer, uint32_t schema_version,
                 int64_t version, std::string_view prev_hash, std::chrono::system_clock::time_point recorded_at,
                 std::vector<hub::v1::EventEnvelope> envelopes);

// Decodes a log value into its LogRecord and envelope. DATA_LOSS when undecodable.
absl::Status Unseal(const std::string& log_value, hub::v1::LogRecord* record, hub::v1::EventEnvelope* envelope);

void ToTimestamp(std::chrono::system_clock::time_point t, google::protobuf::Timestamp* out);
std::chrono::system_clock::time_point FromTimestamp(const google::protobuf::Timestamp& t);

}  // namespace hub::es
