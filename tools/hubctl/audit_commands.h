// One function per `hubctl audit ...` subcommand, for the AuditService (proto/hub/v1/audit.proto),
// and the offline `audit verify`, which needs no hub at all: it checks an export file against the
// public key the operator trusts (common/audit/export_verifier.h).
//
// Output as for every hubctl command: readable text by default, the reply as JSON with --json
// (`audit replay --json` prints one JSON object per event, one per line). Exit codes as in
// exit_codes.h; `audit verify` exits 0 when the export verifies, 1 when it does not (the first
// failure is printed with its item, topic, partition, offset and household), 2 for a malformed
// --public-key.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/timestamp.pb.h"
#include "tools/hubctl/commands.h"

namespace hub::hubctl {

struct AuditVerifyArgs {
  std::string file;
  std::string public_key_hex;  // 64 hex digits; empty: the export's own key, with a warning
};

struct AuditExportArgs {
  std::string household_id;  // exactly one of household_id and tenant
  std::string tenant;
  std::string output;  // the file to write (length-delimited ExportItems)
};

struct AuditReplayArgs {
  std::string household_id;
  std::string until;  // RFC 3339; empty: every event
};

struct AuditAsOfArgs {
  std::string household_id;
  std::string record_time;  // RFC 3339; empty: now
  std::string valid_time;   // RFC 3339; empty: the record time
};

struct AuditAccessLogArgs {
  std::string subject;
  bool resident_view = false;
  bool chronological = false;
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};

struct AuditChainStatusArgs {
  std::string topic;  // empty: every topic
};

// Offline: reads `file`, verifies it, prints the result. Shows a progress bar on stderr when
// stderr is a terminal and the export holds more than 10,000 events.
int AuditVerify(const Globals& globals, const AuditVerifyArgs& args);
int AuditExport(const Globals& globals, const AuditExportArgs& args);
int AuditReplay(const Globals& globals, const AuditReplayArgs& args);
int AuditAsOf(const Globals& globals, const AuditAsOfArgs& args);
int AuditAccessLog(const Globals& globals, const AuditAccessLogArgs& args);
int AuditChainStatus(const Globals& globals, const AuditChainStatusArgs& args);
int AuditKey(const Globals& globals);

}  // namespace hub::hubctl
