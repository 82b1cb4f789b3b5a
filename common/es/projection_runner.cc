#include "common/es/projection_runner.h"

#include <pthread.h>

#include <set>

#include "fmt/format.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace hub::es {
namespace {

constexpr char kCheckpointFamily[] = "es_checkpoints";
constexpr auto kIdleWait = std::chrono::milliseconds(500);  // bounds how long Stop() may wait

std::string CheckpointKey(const std::string& runner, const log::TopicPartition& tp) {
  return fmt::format("{}\x1f{}\x1f{}", runner, tp.topic, tp.partition);
}

std::string EncodeOffset(int64_t offset) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((static_cast<uint64_t>(offset) >> (56 - 8 * i)) & 0xff);
  return out;
}

int64_t DecodeOffset(std::string_view in) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < in.size(); ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return static_cast<int64_t>(v);
}

}  // namespace

ProjectionRunner::ProjectionRunner(log::EventLog* log, store::Store* store, std::vector<Projection*> projections,
                                   ProjectionRunnerOptions options)
    : log_(log), store_(store), projections_(std::move(projections)), options_(std::move(options)) {}

ProjectionRunner::~ProjectionRunner() { Stop(); }

const char* ProjectionRunner::CheckpointFamily() { return kCheckpointFamily; }

std::vector<std::string> ProjectionRunner::FamiliesFor(const std::vector<Projection*>& projections) {
  std::vector<std::string> families{kCheckpointFamily};
  for (auto* p : projections) {
    for (auto& f : p->Families()) families.push_back(f);
  }
  return families;
}

absl::Status ProjectionRunner::LoadCheckpoints() {
  checkpoints_ = store_->family(kCheckpointFamily);
  if (checkpoints_ == nullptr) return absl::FailedPreconditionError("store lacks the checkpoint family");
  for (auto* projection : projections_) {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    for (const auto& name : projection->Families()) {
      auto* handle = store_->family(name);
      if (handle == nullptr) return absl::FailedPreconditionError(fmt::format("store lacks family {}", name));
      handles.push_back(handle);
    }
    projection->Bind(store_->db(), handles);
  }
  std::map<log::TopicPartition, int64_t> offsets;
  for (const auto& topic : options_.topics) {
    auto partitions = log_->PartitionCount(topic);
    if (!partitions.ok()) return partitions.status();
    for (int32_t p = 0; p < *partitions; ++p) {
      log::TopicPartition tp{topic, p};
      std::string value;
      auto s = store_->db()->Get({}, checkpoints_, CheckpointKey(options_.name, tp), &value);
      if (s.ok()) {
        offsets[tp] = DecodeOffset(value);
      } else if (s.IsNotFound()) {
        offsets[tp] = 0;
      } else {
        return store::ToStatus(s, "read checkpoint");
      }
    }
  }
  std::lock_guard lock(mu_);
  next_offsets_ = std::move(offsets);
  return absl::OkStatus();
}

absl::Status ProjectionRunner::Start() {
  if (applier_.joinable()) return absl::FailedPreconditionError("runner already started");
  if (auto s = LoadCheckpoints(); !s.ok()) return s;
  std::vector<log::Position> starts;
  {
    std::lock_guard lock(mu_);
    for (const auto& [tp, offset] : next_offsets_) starts.push_back({tp.topic, tp.partition, offset});
    stopping_ = false;
    health_ = absl::OkStatus();
    fetched_.clear();
  }
  auto subscription = log_->Subscribe(starts);
  if (!subscription.ok()) return subscription.status();
  subscription_ = std::move(*subscription);
  // Two threads, so reading and decoding the next batch overlaps with applying this one.
  // Named so that top, perf and gdb show which threads are the projection's.
  fetcher_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hub-proj-fetch");
    Fetch();
  });
  applier_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hub-proj-apply");
    Apply();
  });
  return absl::OkStatus();
}

void ProjectionRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  if (subscription_) subscription_->Close();
  pipe_.notify_all();
  if (fetcher_.joinable()) fetcher_.join();
  if (applier_.joinable()) applier_.join();
  subscription_.reset();
  applied_.notify_all();
}

void ProjectionRunner::Fetch() {
  constexpr size_t kBatchesAhead = 2;
  for (;;) {
    std::unique_ptr<DecodedBatch> batch;
    {
      std::lock_guard lock(mu_);
      if (!recycled_.empty()) {
        batch = std::move(recycled_.back());
        recycled_.pop_back();
      }
    }
    // Reusing batches keeps the decoded messages' buffers: allocation would otherwise dominate.
    if (!batch) batch = std::make_unique<DecodedBatch>();
    batch->records.clear();
    batch->status = subscription_->Next(kIdleWait, options_.max_batch, &batch->records);
    if (batch->status.ok()) {
      if (batch->log_records.size() < batch->records.size()) {
        batch->log_records.resize(batch->records.size());
        batch->envelopes.resize(batch->records.size());
      }
      for (size_t i = 0; i < batch->records.size() && batch->status.ok(); ++i) {
        const auto& record = batch->records[i];
        if (!batch->log_records[i].ParseFromString(record.value) ||
            !batch->envelopes[i].ParseFromString(batch->log_records[i].envelope())) {
          batch->status = absl::DataLossError(
              fmt::format("undecodable event at {}/{}@{}", record.topic, record.partition, record.offset));
        }
      }
      if (batch->status.ok() && batch->records.empty()) continue;
    }
    const bool last = !batch->status.ok();
    std::unique_lock lock(mu_);
    pipe_.wait(lock, [&] { return fetched_.size() < kBatchesAhead || stopping_ || !health_.ok(); });
    if (stopping_ || !health_.ok()) return;
    fetched_.push_back(std::move(batch));
    pipe_.notify_all();
    if (last) return;
  }
}

void ProjectionRunner::Apply() {
  for (;;) {
    std::unique_ptr<DecodedBatch> batch;
    {
      std::unique_lock lock(mu_);
      pipe_.wait(lock, [&] { return !fetched_.empty() || stopping_; });
      if (stopping_) return;
      batch = std::move(fetched_.front());
      fetched_.pop_front();
      pipe_.notify_all();
    }
    if (batch->status.code() == absl::StatusCode::kCancelled) return;
    absl::Status s = batch->status.ok() ? ApplyBatch(*batch) : batch->status;
    if (s.ok()) {
      std::lock_guard lock(mu_);
      recycled_.push_back(std::move(batch));
    } else {
      std::lock_guard lock(mu_);
      health_ = s;
      applied_.notify_all();
      pipe_.notify_all();
      return;
    }
  }
}

absl::Status ProjectionRunner::ApplyBatch(const DecodedBatch& decoded) {
  rocksdb::WriteBatchWithIndex batch(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true);
  ProjectionWriter writer(store_->db(), &batch);
  std::map<log::TopicPartition, int64_t> advanced;
  for (size_t i = 0; i < decoded.records.size(); ++i) {
    const auto& record = decoded.records[i];
    LoggedEvent event{record, decoded.log_records[i], decoded.envelopes[i]};
    for (auto* projection : projections_) {
      if (auto s = projection->Apply(event, writer); !s.ok()) {
        return absl::Status(s.code(), fmt::format("event at {}/{}@{}: {}", record.topic, record.partition,
                                                  record.offset, std::string(s.message())));
      }
    }
    advanced[{record.topic, record.partition}] = record.offset + 1;
  }
  for (auto* projection : projections_) {
    if (auto s = projection->Flush(writer); !s.ok()) return s;
  }
  for (const auto& [tp, next] : advanced) {
    writer.Put(checkpoints_, CheckpointKey(options_.name, tp), EncodeOffset(next));
  }
  // Not synced: a projection is rebuilt from the log, and the checkpoint travels in the same batch,
  // so after any crash data and checkpoint agree.
  auto s = store_->db()->Write(rocksdb::WriteOptions(), batch.GetWriteBatch());
  if (!s.ok()) return store::ToStatus(s, "projection write");
  {
    std::lock_guard lock(mu_);
    for (const auto& [tp, next] : advanced) next_offsets_[tp] = next;
  }
  applied_.notify_all();
  return absl::OkStatus();
}

absl::Status ProjectionRunner::WaitFor(const std::vector<log::Position>& positions,
                                       std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  for (const auto& position : positions) {
    auto it = next_offsets_.find({position.topic, position.partition});
    if (it == next_offsets_.end()) {
      return absl::InvalidArgumentError(fmt::format("min_positions: {}/{} is not followed here",
                                                    position.topic, position.partition));
    }
    const bool reached = applied_.wait_until(lock, deadline, [&] {
      return it->second > position.offset || !health_.ok() || stopping_;
    });
    if (!health_.ok()) return health_;
    if (!reached || it->second <= position.offset) {
      return absl::DeadlineExceededError(fmt::format(
          "projection has applied {}/{} up to offset {}, still waiting for offset {}", position.topic,
          position.partition, it->second - 1, position.offset));
    }
  }
  return absl::OkStatus();
}

absl::Status ProjectionRunner::CatchUp(std::chrono::steady_clock::time_point deadline) {
  std::vector<log::Position> positions;
  for (const auto& [tp, next] : Checkpoints()) {
    auto end = log_->EndOffset(tp);
    if (!end.ok()) return end.status();
    if (*end > next) positions.push_back({tp.topic, tp.partition, *end - 1});
  }
  return WaitFor(positions, deadline);
}

absl::Status ProjectionRunner::Rebuild() {
  Stop();
  for (auto* projection : projections_) {
    for (const auto& family : projection->Families()) {
      if (auto s = store_->ResetFamily(family); !s.ok()) return s;
    }
  }
  rocksdb::WriteBatch clear;
  for (const auto& topic : options_.topics) {
    auto partitions = log_->PartitionCount(topic);
    if (!partitions.ok()) return partitions.status();
    for (int32_t p = 0; p < *partitions; ++p) clear.Delete(checkpoints_, CheckpointKey(options_.name, {topic, p}));
  }
  if (auto s = store_->db()->Write(rocksdb::WriteOptions(), &clear); !s.ok()) {
    return store::ToStatus(s, "clear checkpoints");
  }
  return Start();
}

std::map<log::TopicPartition, int64_t> ProjectionRunner::Checkpoints() const {
  std::lock_guard lock(mu_);
  return next_offsets_;
}

ProjectionRunner::LagReport ProjectionRunner::Lags() const {
  LagReport report;
  std::set<std::string> unknown;  // topics with a partition whose end could not be read
  for (const auto& [tp, next] : Checkpoints()) {
    auto end = log_->EndOffset(tp);
    if (!end.ok()) {
      unknown.insert(tp.topic);
      continue;
    }
    const int64_t behind = *end > next ? *end - next : 0;
    report.total += behind;
    report.by_topic[tp.topic] += behind;
  }
  for (const auto& topic : unknown) report.by_topic.erase(topic);
  return report;
}


absl::Status ProjectionRunner::health() const {
  std::lock_guard lock(mu_);
  return health_;
}

}  // namespace hub::es
