#include "common/log/rocks_log.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>

#include "fmt/format.h"
#include "common/log/partitioner.h"
#include "common/status/status.h"
#include "common/store/store.h"
#include "rocksdb/write_batch.h"

namespace hub::log {
namespace {

// Column families. Records are keyed so that one partition's records are contiguous and ordered by
// offset: topic NUL partition(be32) offset(be64).
constexpr char kRecordsFamily[] = "log_records";
constexpr char kStreamsFamily[] = "log_streams";  // topic NUL key -> version (be64)
constexpr char kTopicsFamily[] = "log_topics";    // topic -> partition count (be32)

void PutBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}
void PutBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}
uint64_t GetBigEndian(std::string_view in, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

std::string PartitionPrefix(std::string_view topic, int32_t partition) {
  std::string key(topic);
  key.push_back('\0');
  PutBigEndian32(&key, static_cast<uint32_t>(partition));
  return key;
}

std::string RecordKey(std::string_view topic, int32_t partition, int64_t offset) {
  std::string key = PartitionPrefix(topic, partition);
  PutBigEndian64(&key, static_cast<uint64_t>(offset));
  return key;
}

std::string StreamKey(std::string_view topic, std::string_view key) {
  std::string out(topic);
  out.push_back('\0');
  out.append(key);
  return out;
}

// Stored value: key length (be32) | key | timestamp ms (be64) | value.
std::string EncodeRecord(std::string_view key, int64_t timestamp_ms, std::string_view value) {
  std::string out;
  out.reserve(12 + key.size() + value.size());
  PutBigEndian32(&out, static_cast<uint32_t>(key.size()));
  out.append(key);
  PutBigEndian64(&out, static_cast<uint64_t>(timestamp_ms));
  out.append(value);
  return out;
}

absl::Status DecodeRecord(std::string_view stored, Record* record) {
  if (stored.size() < 12) return absl::DataLossError("log record shorter than its header");
  const size_t key_size = GetBigEndian(stored, 4);
  if (stored.size() < 12 + key_size) return absl::DataLossError("log record key overruns it");
  record->key.assign(stored.substr(4, key_size));
  record->timestamp_ms = static_cast<int64_t>(GetBigEndian(stored.substr(4 + key_size), 8));
  record->value.assign(stored.substr(12 + key_size));
  return absl::OkStatus();
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::Status ValidateKey(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("key: must not be empty");
  if (key.size() > 256) return absl::InvalidArgumentError("key: longer than 256 bytes");
  return absl::OkStatus();
}

}  // namespace

Position AppendResult::last_position() const {
  return Position{topic, partition, first_offset + count - 1};
}

absl::Status ValidateTopicName(std::string_view topic) {
  if (topic.empty() || topic.size() > 249) {
    return absl::InvalidArgumentError("topic: must be 1 to 249 characters");
  }
  if (topic == "." || topic == "..") return absl::InvalidArgumentError("topic: may not be . or ..");
  for (char c : topic) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return absl::InvalidArgumentError("topic: only [A-Za-z0-9._-] are allowed");
  }
  return absl::OkStatus();
}

class RocksLog::Impl {
 public:
  explicit Impl(RocksLogOptions options) : options_(std::move(options)) {}

  absl::Status Open() {
    auto store = store::Store::Open(options_.path, {kRecordsFamily, kStreamsFamily, kTopicsFamily});
    if (!store.ok()) return store.status();
    store_ = std::move(*store);
    records_ = store_->family(kRecordsFamily);
    streams_ = store_->family(kStreamsFamily);
    topics_cf_ = store_->family(kTopicsFamily);

    // Recover topics and the end offset of every partition: the key after the last record.
    std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator({}, topics_cf_));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      TopicState state;
      state.partitions = static_cast<int32_t>(GetBigEndian(it->value().ToStringView(), 4));
      state.end_offsets.assign(state.partitions, 0);
      const std::string topic = it->key().ToString();
      std::unique_ptr<rocksdb::Iterator> records(store_->db()->NewIterator({}, records_));
      for (int32_t p = 0; p < state.partitions; ++p) {
        const std::string prefix = PartitionPrefix(topic, p);
        records->SeekForPrev(RecordKey(topic, p, std::numeric_limits<int64_t>::max()));
        if (records->Valid() && records->key().starts_with(prefix)) {
          state.end_offsets[p] =
              static_cast<int64_t>(GetBigEndian(records->key().ToStringView().substr(prefix.size()), 8)) + 1;
        }
        if (!records->status().ok()) return store::ToStatus(records->status(), "recover offsets");
      }
      topics_.emplace(topic, std::move(state));
    }
    return store::ToStatus(it->status(), "recover topics");
  }

  absl::Status CreateTopic(std::string_view topic, int32_t partitions) {
    if (auto s = ValidateTopicName(topic); !s.ok()) return s;
    if (partitions < 1 || partitions > 10000) {
      return absl::InvalidArgumentError("partitions: must be between 1 and 10000");
    }
    std::lock_guard lock(mu_);
    if (auto it = topics_.find(topic); it != topics_.end()) {
      if (it->second.partitions == partitions) return absl::OkStatus();
      return absl::FailedPreconditionError(fmt::format("topic {} exists with {} partitions, not {}", topic, it->second.partitions, partitions));
    }
    std::string value;
    PutBigEndian32(&value, static_cast<uint32_t>(partitions));
    rocksdb::WriteOptions write_options;
    write_options.sync = options_.sync;
    auto s = store_->db()->Put(write_options, topics_cf_, std::string(topic), value);
    if (!s.ok()) return store::ToStatus(s, "create topic");
    TopicState state;
    state.partitions = partitions;
    state.end_offsets.assign(partitions, 0);
    topics_.emplace(std::string(topic), std::move(state));
    return absl::OkStatus();
  }

  absl::StatusOr<int32_t> PartitionCount(std::string_view topic) {
    std::lock_guard lock(mu_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return absl::NotFoundError(fmt::format("topic {} does not exist", topic));
    return it->second.partitions;
  }

  absl::StatusOr<AppendResult> Append(const AppendBatch& batch) {
    if (auto s = ValidateTopicName(batch.topic); !s.ok()) return s;
    if (auto s = ValidateKey(batch.key); !s.ok()) return s;
    if (batch.values.empty()) return absl::InvalidArgumentError("values: a batch needs at least one record");
    if (batch.expected_version < kAnyVersion) {
      return absl::InvalidArgumentError("expected_version: must be -1 (any) or at least 0");
    }
    size_t bytes = 0;
    for (const auto& v : batch.values) bytes += v.size();
    if (bytes > kMaxBatchBytes) {
      return absl::InvalidArgumentError(fmt::format("values: batch of {} bytes exceeds {}", bytes, kMaxBatchBytes));
    }

    Writer self{&batch};
    std::unique_lock lock(mu_);
    queue_.push_back(&self);
    self.cv.wait(lock, [&] { return self.done || queue_.front() == &self; });
    if (self.done) return std::move(self.result);

    // This thread leads a group: every writer queued now, up to the limit, shares one synced write.
    std::vector<Writer*> group;
    for (auto it = queue_.begin(); it != queue_.end() && group.size() < options_.max_group_batches; ++it) {
      group.push_back(*it);
    }
    rocksdb::WriteBatch write_batch;
    // Versions and end offsets as they will be once the group is durable.
    std::unordered_map<std::string, int64_t> pending_versions;
    std::map<TopicPartition, int64_t> pending_ends;
    const int64_t now_ms = NowMillis();
    std::vector<Writer*> committing;
    for (Writer* w : group) {
      absl::StatusOr<AppendResult> planned = Plan(*w->batch, now_ms, &pending_versions, &pending_ends, &write_batch);
      if (!planned.ok()) {
        w->result = planned.status();
        continue;  // rejected batches wrote nothing into write_batch
      }
      w->result = std::move(planned);
      committing.push_back(w);
    }

    absl::Status write_status;
    if (!committing.empty()) {
      lock.unlock();  // other appenders may queue (and readers read) while we sync
      rocksdb::WriteOptions write_options;
      write_options.sync = options_.sync;
      write_status = store::ToStatus(store_->db()->Write(write_options, &write_batch), "append");
      lock.lock();
    }
    if (write_status.ok()) {
      for (auto& [stream, version] : pending_versions) versions_[stream] = version;
      for (auto& [tp, end] : pending_ends) topics_.find(tp.topic)->second.end_offsets[tp.partition] = end;
      if (!committing.empty()) appended_.notify_all();
    } else {
      for (Writer* w : committing) w->result = write_status;
    }
    for (Writer* w : group) {
      queue_.pop_front();
      if (w != &self) {
        w->done = true;
        w->cv.notify_one();
      }
    }
    if (!queue_.empty()) queue_.front()->cv.notify_one();
    return std::move(self.result);
  }

  absl::StatusOr<int64_t> StreamVersion(std::string_view topic, std::string_view key) {
    std::lock_guard lock(mu_);
    if (topics_.find(topic) == topics_.end()) {
      return absl::NotFoundError(fmt::format("topic {} does not exist", topic));
    }
    return LoadVersion(StreamKey(topic, key));
  }

  absl::StatusOr<int64_t> EndOffset(const TopicPartition& tp) {
    std::lock_guard lock(mu_);
    return EndOffsetLocked(tp);
  }

  absl::Status Read(const TopicPartition& tp, int64_t from, size_t max_records, std::vector<Record>* out) {
    if (from < 0) return absl::InvalidArgumentError("from: offset must not be negative");
    absl::StatusOr<int64_t> end;
    {
      std::lock_guard lock(mu_);
      end = EndOffsetLocked(tp);
    }
    if (!end.ok()) return end.status();
    return ReadRange(tp, from, std::min<int64_t>(*end, from + static_cast<int64_t>(max_records)), out);
  }

  // Reads [from, until) of a partition whose records up to `until` are known to be durable.
  absl::Status ReadRange(const TopicPartition& tp, int64_t from, int64_t until, std::vector<Record>* out) {
    if (from >= until) return absl::OkStatus();
    rocksdb::ReadOptions read_options;
    const std::string upper = RecordKey(tp.topic, tp.partition, until);
    rocksdb::Slice upper_slice(upper);
    read_options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(read_options, records_));
    int64_t expected = from;
    for (it->Seek(RecordKey(tp.topic, tp.partition, from)); it->Valid(); it->Next()) {
      Record record;
      record.topic = tp.topic;
      record.partition = tp.partition;
      record.offset = expected++;
      if (auto s = DecodeRecord(it->value().ToStringView(), &record); !s.ok()) return s;
      out->push_back(std::move(record));
    }
    if (!it->status().ok()) return store::ToStatus(it->status(), "read");
    if (expected != until) {
      return absl::DataLossError(fmt::format("partition {}/{} has a gap before offset {}", tp.topic, tp.partition, until));
    }
    return absl::OkStatus();
  }

  // Waits, under the log's lock, until some partition in `positions` has a record at or past its
  // position, the deadline passes, or *closed becomes true. Returns the end offsets seen.
  std::vector<int64_t> WaitForRecords(const std::vector<Position>& positions, std::chrono::milliseconds timeout,
                                      const bool* closed, absl::Status* status) {
    std::vector<int64_t> ends(positions.size(), 0);
    std::unique_lock lock(mu_);
    auto any_ready = [&] {
      bool ready = false;
      for (size_t i = 0; i < positions.size(); ++i) {
        auto end = EndOffsetLocked({positions[i].topic, positions[i].partition});
        if (!end.ok()) {
          *status = end.status();
          return true;
        }
        ends[i] = *end;
        ready = ready || ends[i] > positions[i].offset;
      }
      return ready || *closed;
    };
    appended_.wait_for(lock, timeout, any_ready);
    return ends;
  }

  void Wake() {
    std::lock_guard lock(mu_);
    appended_.notify_all();
  }

  std::mutex& mu() { return mu_; }

 private:
  struct TopicState {
    int32_t partitions = 0;
    std::vector<int64_t> end_offsets;
  };
  struct Writer {
    const AppendBatch* batch;
    bool done = false;
    absl::StatusOr<AppendResult> result = absl::UnknownError("not written");
    std::condition_variable cv;
  };

  // Validates one batch against the state the group will leave behind and adds its writes.
  absl::StatusOr<AppendResult> Plan(const AppendBatch& batch, int64_t now_ms,
                                    std::unordered_map<std::string, int64_t>* pending_versions,
                                    std::map<TopicPartition, int64_t>* pending_ends,
                                    rocksdb::WriteBatch* write_batch) {
    auto topic = topics_.find(batch.topic);
    if (topic == topics_.end()) {
      return absl::NotFoundError(fmt::format("topic {} does not exist", batch.topic));
    }
    std::string stream = StreamKey(batch.topic, batch.key);
    int64_t version;
    if (auto it = pending_versions->find(stream); it != pending_versions->end()) {
      version = it->second;
    } else {
      auto loaded = LoadVersion(stream);
      if (!loaded.ok()) return loaded.status();
      version = *loaded;
    }
    if (batch.expected_version != kAnyVersion && batch.expected_version != version) {
      return VersionConflictError(fmt::format("stream {}/{} is at version {}, expected {}", batch.topic, batch.key, version, batch.expected_version));
    }
    const int32_t partition = PartitionForKey(batch.key, topic->second.partitions);
    TopicPartition tp{batch.topic, partition};
    auto [end_it, inserted] = pending_ends->try_emplace(tp, topic->second.end_offsets[partition]);
    AppendResult result;
    result.topic = batch.topic;
    result.partition = partition;
    result.first_offset = end_it->second;
    result.count = static_cast<int64_t>(batch.values.size());
    result.stream_version = version + result.count;
    for (size_t i = 0; i < batch.values.size(); ++i) {
      write_batch->Put(records_, RecordKey(batch.topic, partition, end_it->second + static_cast<int64_t>(i)),
                       EncodeRecord(batch.key, now_ms, batch.values[i]));
    }
    std::string version_bytes;
    PutBigEndian64(&version_bytes, static_cast<uint64_t>(result.stream_version));
    write_batch->Put(streams_, stream, version_bytes);
    end_it->second += result.count;
    (*pending_versions)[stream] = result.stream_version;
    return result;
  }

  // Stream versions are cached after their first read; the leader is the only writer.
  absl::StatusOr<int64_t> LoadVersion(const std::string& stream) {
    if (auto it = versions_.find(stream); it != versions_.end()) return it->second;
    std::string value;
    auto s = store_->db()->Get({}, streams_, stream, &value);
    int64_t version = 0;
    if (s.ok()) {
      version = static_cast<int64_t>(GetBigEndian(value, 8));
    } else if (!s.IsNotFound()) {
      return store::ToStatus(s, "stream version");
    }
    versions_.emplace(stream, version);
    return version;
  }

  absl::StatusOr<int64_t> EndOffsetLocked(const TopicPartition& tp) {
    auto it = topics_.find(tp.topic);
    if (it == topics_.end()) return absl::NotFoundError(fmt::format("topic {} does not exist", tp.topic));
    if (tp.partition < 0 || tp.partition >= it->second.partitions) {
      return absl::InvalidArgumentError(fmt::format("partition: {} is not in topic {}", tp.partition, tp.topic));
    }
    return it->second.end_offsets[tp.partition];
  }

  RocksLogOptions options_;
  std::unique_ptr<store::Store> store_;
  rocksdb::ColumnFamilyHandle* records_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_ = nullptr;
  rocksdb::ColumnFamilyHandle* topics_cf_ = nullptr;

  std::mutex mu_;
  std::condition_variable appended_;
  std::deque<Writer*> queue_;
  std::map<std::string, TopicState, std::less<>> topics_;
  std::unordered_map<std::string, int64_t> versions_;
};

namespace {

class RocksSubscription : public Subscription {
 public:
  RocksSubscription(RocksLog::Impl* log, std::vector<Position> positions)
      : log_(log), positions_(std::move(positions)) {}

  absl::Status Next(std::chrono::milliseconds timeout, size_t max_records, std::vector<Record>* out) override {
    absl::Status status;
    std::vector<int64_t> ends = log_->WaitForRecords(positions_, timeout, &closed_, &status);
    if (!status.ok()) return status;
    {
      std::lock_guard lock(log_->mu());
      if (closed_) return absl::CancelledError("subscription closed");
    }
    // Round-robin from where the last call stopped, so one busy partition cannot starve the rest.
    size_t delivered = 0;
    for (size_t n = 0; n < positions_.size() && delivered < max_records; ++n) {
      const size_t i = (next_partition_ + n) % positions_.size();
      Position& pos = positions_[i];
      if (ends[i] <= pos.offset) continue;
      const int64_t until = std::min<int64_t>(ends[i], pos.offset + static_cast<int64_t>(max_records - delivered));
      const size_t before = out->size();
      if (auto s = log_->ReadRange({pos.topic, pos.partition}, pos.offset, until, out); !s.ok()) return s;
      delivered += out->size() - before;
      pos.offset = until;
    }
    next_partition_ = (next_partition_ + 1) % std::max<size_t>(1, positions_.size());
    return absl::OkStatus();
  }

  void Close() override {
    {
      std::lock_guard lock(log_->mu());
      closed_ = true;
    }
    log_->Wake();
  }

 private:
  RocksLog::Impl* log_;
  std::vector<Position> positions_;
  size_t next_partition_ = 0;
  bool closed_ = false;  // guarded by the log's mutex
};

}  // namespace

RocksLog::RocksLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RocksLog::~RocksLog() = default;

absl::StatusOr<std::unique_ptr<RocksLog>> RocksLog::Open(const RocksLogOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("path: the log needs a directory");
  auto impl = std::make_unique<Impl>(options);
  if (auto s = impl->Open(); !s.ok()) return s;
  return std::unique_ptr<RocksLog>(new RocksLog(std::move(impl)));
}

absl::Status RocksLog::CreateTopic(std::string_view topic, int32_t partitions) {
  return impl_->CreateTopic(topic, partitions);
}
absl::StatusOr<int32_t> RocksLog::PartitionCount(std::string_view topic) { return impl_->PartitionCount(topic); }
absl::StatusOr<AppendResult> RocksLog::Append(const AppendBatch& batch) { return impl_->Append(batch); }
absl::StatusOr<int64_t> RocksLog::StreamVersion(std::string_view topic, std::string_view key) {
  return impl_->StreamVersion(topic, key);
}
absl::StatusOr<int64_t> RocksLog::EndOffset(const TopicPartition& tp) { return impl_->EndOffset(tp); }
absl::Status RocksLog::Read(const TopicPartition& tp, int64_t from, size_t max_records, std::vector<Record>* out) {
  return impl_->Read(tp, from, max_records, out);
}

absl::StatusOr<std::unique_ptr<Subscription>> RocksLog::Subscribe(const std::vector<Position>& starts) {
  for (const auto& start : starts) {
    auto end = impl_->EndOffset({start.topic, start.partition});
    if (!end.ok()) return end.status();
    if (start.offset < 0) return absl::InvalidArgumentError("starts: offset must not be negative");
  }
  return std::unique_ptr<Subscription>(new RocksSubscription(impl_.get(), starts));
}

}  // namespace hub::log
