// ProjectionRunner: keeps a set of projections up to date with some topics of an EventLog.
//
// A fetcher thread tails every partition of the given topics from the runner's checkpoints and
// decodes each record (hub.v1.LogRecord + EventEnvelope); an applier thread hands the events to
// every projection and commits the projections' writes together with the new checkpoints in one
// RocksDB WriteBatch. Safe for
// concurrent use: WaitFor may be called from any number of threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "common/es/projection.h"
#include "common/log/event_log.h"
#include "common/store/store.h"

namespace hub::es {

struct ProjectionRunnerOptions {
  // Names this runner's checkpoints; two runners on one store need different names.
  std::string name;
  std::vector<std::string> topics;
  // Most records folded into one WriteBatch.
  size_t max_batch = 1024;
};

class ProjectionRunner {
 public:
  // `store` must have been opened with Families() of every projection, plus CheckpointFamily().
  // The runner does not own the log, the store or the projections; all must outlive it.
  ProjectionRunner(log::EventLog* log, store::Store* store, std::vector<Projection*> projections,
                   ProjectionRunnerOptions options);
  ~ProjectionRunner();  // stops the thread

  // The column family holding checkpoints (shared by every runner of a store).
  static const char* CheckpointFamily();
  // Every family a store needs for these projections, including the checkpoint family.
  static std::vector<std::string> FamiliesFor(const std::vector<Projection*>& projections);

  // Binds the projections and starts tailing from the stored checkpoints.
  absl::Status Start();
  void Stop();

  // Blocks until every position in `positions` has been applied, or until `deadline`. Positions on
  // topics this runner does not follow are INVALID_ARGUMENT. DEADLINE_EXCEEDED names the position
  // still missing; if the runner failed, its error is returned.
  absl::Status WaitFor(const std::vector<log::Position>& positions,
                       std::chrono::steady_clock::time_point deadline);

  // Waits until everything durable in the followed topics at the time of the call is applied.
  absl::Status CatchUp(std::chrono::steady_clock::time_point deadline);

  // Stops, empties the projections' families and the checkpoints, and starts again from offset 0.
  absl::Status Rebuild();

  // Next offset to apply per partition (what has been applied is everything before it).
  std::map<log::TopicPartition, int64_t> Checkpoints() const;
  // Records between what the runner has applied and the log's end, from one reading of the ends.
  struct LagReport {
    // Summed over every partition followed (the projection-lag metric). A partition whose end
    // cannot be read counts 0.
    int64_t total = 0;
    // Per followed topic, summed over its partitions (the consumer-lag metric). A topic with a
    // partition whose end cannot be read (the log unreachable) is left out rather than guessed.
    std::map<std::string, int64_t> by_topic;
  };
  LagReport Lags() const;
  // The error that stopped the runner, or OK.
  absl::Status health() const;

 private:
  // Records read and decoded by the fetcher, waiting for the applier.
  struct DecodedBatch {
    std::vector<log::Record> records;
    std::vector<hub::v1::LogRecord> log_records;
    std::vector<hub::v1::EventEnvelope> envelopes;
    absl::Status status;  // not OK: the last batch (CANCELLED on Stop, or the error to report)
  };

  absl::Status LoadCheckpoints();
  void Fetch();
  void Apply();
  absl::Status ApplyBatch(const DecodedBatch& batch);

  log::EventLog* log_;
  store::Store* store_;
  std::vector<Projection*> projections_;
  ProjectionRunnerOptions options_;
  rocksdb::ColumnFamilyHandle* checkpoints_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable applied_;
  std::condition_variable pipe_;                     // fetched_ changed, or stopping
  std::deque<std::unique_ptr<DecodedBatch>> fetched_;  // guarded by mu_
  std::vector<std::unique_ptr<DecodedBatch>> recycled_;  // guarded by mu_
  std::map<log::TopicPartition, int64_t> next_offsets_;  // guarded by mu_
  absl::Status health_;                                  // guarded by mu_
  std::unique_ptr<log::Subscription> subscription_;
  std::thread fetcher_;
  std::thread applier_;
  bool stopping_ = false;  // guarded by mu_
};

}  // namespace hub::es
