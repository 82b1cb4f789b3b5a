// LogAccessWriter: access records (common/rpc/access_log.h) appended to the log's access topic,
// hub.access.events.v1, hash-chained like every stream.
//
// Each writer owns one stream (key "<resource>-<UUIDv7>", new at every process start), so it never
// races another writer for a stream version and keeps the chain head in memory. Concurrent calls
// are grouped: one caller appends every record waiting at that moment in one batch while the others
// wait for it, so an access record costs a share of one durable append rather than a whole one.
// Write returns after the batch holding the record is durable.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "common/es/clock.h"
#include "common/log/event_log.h"
#include "common/rpc/access_log.h"

namespace hub::service {

class LogAccessWriter final : public rpc::AccessLogWriter {
 public:
  static constexpr std::string_view kProducer = "access";
  static std::string Topic();  // hub.access.events.v1

  // Creates the topic if needed. `log` and `clock` are not owned and must outlive the writer.
  static absl::StatusOr<std::unique_ptr<LogAccessWriter>> Open(log::EventLog* log, const es::Clock* clock,
                                                               std::string resource, int32_t partitions);

  absl::Status Write(hub::v1::AccessRecorded record) override;

  // The stream written now (for tests; a failed append moves the writer to a fresh stream).
  std::string stream() {
    std::lock_guard lock(mu_);
    return stream_;
  }

 private:
  LogAccessWriter(log::EventLog* log, const es::Clock* clock, std::string resource, std::string stream)
      : log_(log), clock_(clock), resource_(std::move(resource)), stream_(std::move(stream)) {}

  struct Pending {
    hub::v1::AccessRecorded record;
    bool done = false;
    absl::Status status;
  };
  // Appends `batch` as the next events of the stream. Called by the one leader at a time.
  absl::Status AppendBatch(const std::vector<std::shared_ptr<Pending>>& batch);

  log::EventLog* log_;
  const es::Clock* clock_;
  const std::string resource_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Pending>> queue_;  // guarded by mu_
  bool leading_ = false;                       // guarded by mu_
  std::string stream_;                         // the leader's (read under mu_ by stream())
  int64_t version_ = 0;                        // the leader's only
  std::string last_hash_;                      // the leader's only
};

}  // namespace hub::service
