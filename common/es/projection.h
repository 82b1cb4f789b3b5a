// Projection: folds events from the log into RocksDB column families.
//
// A projection is deterministic: its families' bytes depend only on the events it was given, never
// on the time or order of delivery across partitions, so a rebuild from offset 0 yields exactly
// the bytes of the live projection. It writes only through the ProjectionWriter it is handed; the
// ProjectionRunner commits those writes together with the checkpoint in one WriteBatch, so an event
// is never applied twice nor skipped, whatever crashes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/log/event_log.h"
#include "hub/v1/envelope.pb.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class WriteBatchWithIndex;
}  // namespace rocksdb

namespace hub::es {

// One event handed to a projection: where it sits in the log, and its decoded parts.
struct LoggedEvent {
  const log::Record& record;
  const hub::v1::LogRecord& log_record;   // envelope bytes, prev_hash, hash
  const hub::v1::EventEnvelope& envelope; // decoded from log_record.envelope()
};

// Reads and writes of one projection batch. Reads see the batch's own earlier writes, so a
// projection folding many events in one batch reads its latest state. Not thread-safe.
class ProjectionWriter {
 public:
  ProjectionWriter(rocksdb::DB* db, rocksdb::WriteBatchWithIndex* batch) : db_(db), batch_(batch) {}
  // NOT_FOUND when absent.
  absl::StatusOr<std::string> Get(rocksdb::ColumnFamilyHandle* family, std::string_view key) const;
  void Put(rocksdb::ColumnFamilyHandle* family, std::string_view key, std::string_view value);
  void Delete(rocksdb::ColumnFamilyHandle* family, std::string_view key);

 private:
  rocksdb::DB* db_;
  rocksdb::WriteBatchWithIndex* batch_;
};

class Projection {
 public:
  virtual ~Projection() = default;
  // Column families this projection owns. They are emptied when the projection is rebuilt.
  virtual std::vector<std::string> Families() const = 0;
  // Called once the store is open, with the handles of Families() in the same order.
  virtual void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) = 0;
  // Folds one event. An error stops the runner (the event is not skipped): a projection that cannot
  // apply an event is a bug or corruption that an operator must see.
  virtual absl::Status Apply(const LoggedEvent& event, ProjectionWriter& writer) = 0;
  // Called after the last Apply of a batch, before the batch is committed: a projection that keeps
  // decoded state between events of one batch writes it out here and forgets it.
  virtual absl::Status Flush(ProjectionWriter& writer) {
    (void)writer;
    return absl::OkStatus();
  }
};

// Serialises a message deterministically (map fields in key order), as projections must.
std::string SerializeDeterministic(const google::protobuf::Message& message);

}  // namespace hub::es
