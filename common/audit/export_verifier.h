// ExportVerifier: offline verification of a history export (AuditService.ExportHistory, written by
// `hubctl audit export` as length-delimited ExportItems) against its signed checkpoints.
//
// It needs nothing but the export and the public key the operator trusts, and checks:
//  - every record's own hash: hash = SHA-256(prev_hash || envelope bytes);
//  - every stream (topic, household) from version 1, gapless, each event linking to the one before
//    (prev_hash), in file order;
//  - every event followed by an RFC 6962 inclusion proof that its chain hash is a leaf under the
//    root of a checkpoint earlier in the export;
//  - every checkpoint's Ed25519 signature under the trusted key, and that the checkpoint event's
//    own record is intact;
//  - the signed trailer: the last version and hash of every stream and the number of events, so
//    that dropping a stream's last events or a whole stream is noticed too.
// Flipping any byte of an event, dropping, reordering or inserting an event therefore fails, and
// the first failure names the item, topic, partition, offset and (when the record still decodes)
// the household.
//
// Items are checked as they arrive, so a history of any length needs memory only for the streams
// and checkpoints, not for the events. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "hub/v1/audit.pb.h"

namespace hub::audit {

// Where in an export a check failed.
struct ExportLocation {
  size_t item = 0;  // 0-based position of the item in the export
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  std::string household_id;  // empty when the record no longer decodes
};

struct ExportFailure {
  ExportLocation where;
  std::string what;
  // "item 12, hub.plan.events.v1 partition 3 offset 17, household 0190...: <what>"
  std::string Describe() const;
};

struct ExportSummary {
  int64_t events = 0;
  int64_t checkpoints = 0;
  int64_t proofs = 0;
  int64_t streams = 0;
  std::vector<std::string> warnings;
  std::optional<ExportFailure> failure;  // the first failure; none when the export verified
  bool ok() const { return !failure.has_value(); }
};

class ExportVerifier {
 public:
  // `trusted_public_key`: the 32-byte Ed25519 key the operator trusts. Empty: the key the export's
  // header names is used, with a warning (anyone can sign an export with a key of their own).
  explicit ExportVerifier(std::string trusted_public_key);

  // Checks the next item. False once a failure has been found; later items are not looked at.
  bool Add(const hub::v1::ExportItem& item);
  // Checks what only the end can show (the last event's proof, the trailer) and reports.
  ExportSummary Finish();

  int64_t events() const { return summary_.events; }
  // True once a check failed (Add returns false from then on).
  bool failed() const { return summary_.failure.has_value(); }

 private:
  struct StreamHead {
    int64_t version = 0;
    std::string last_hash;
  };
  struct PendingEvent {
    ExportLocation where;
    std::string hash;  // LogRecord.hash: the leaf data
  };
  bool Fail(ExportLocation where, std::string what);
  bool AddHeader(const hub::v1::ExportHeader& header);
  bool AddCheckpoint(const hub::v1::Checkpoint& checkpoint);
  bool AddEvent(const hub::v1::ExportedEvent& event);
  bool AddProof(const hub::v1::InclusionProof& proof);
  bool AddTrailer(const hub::v1::ExportTrailer& trailer);

  std::string trusted_key_;
  std::string key_;  // the key checkpoints are checked with
  size_t item_ = 0;
  bool header_seen_ = false;
  bool trailer_seen_ = false;
  hub::v1::ExportHeader header_;
  // (topic, partition, up_to_offset) -> the checkpoint (signature already verified).
  std::map<std::tuple<std::string, int32_t, int64_t>, hub::v1::CheckpointSigned> checkpoints_;
  std::map<std::pair<std::string, std::string>, StreamHead> streams_;
  std::optional<PendingEvent> pending_;
  ExportSummary summary_;
};

// Verifies a whole export held in memory.
ExportSummary VerifyExport(const std::vector<hub::v1::ExportItem>& items, std::string trusted_public_key);

// Reads length-delimited ExportItems from `in` and hands each to `on_item` (which returns false to
// stop early). DATA_LOSS naming the item when the stream ends inside an item or an item does not
// parse.
absl::Status ReadExportItems(std::istream& in, const std::function<bool(const hub::v1::ExportItem&)>& on_item);

// Writes one item with its varint length prefix (the form ReadExportItems reads). False when the
// stream failed.
bool WriteExportItem(const hub::v1::ExportItem& item, std::ostream& out);

}  // namespace hub::audit
