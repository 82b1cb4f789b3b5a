#include "common/log/kafka_log.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "common/log/partitioner.h"
#include "common/status/status.h"
#include "fmt/format.h"

namespace hub::log {
namespace {

using Clock = std::chrono::steady_clock;

int TimeoutMs(std::chrono::milliseconds d) {
  return static_cast<int>(std::clamp<int64_t>(d.count(), 0, std::numeric_limits<int>::max()));
}

int RemainingMs(Clock::time_point deadline) {
  return TimeoutMs(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
}

// Maps a librdkafka error to the status codes of the EventLog contract.
absl::Status KafkaError(RdKafka::ErrorCode err, std::string_view context, std::string_view detail = {}) {
  std::string message = fmt::format("{}: {}", context, RdKafka::err2str(err));
  if (!detail.empty() && detail != RdKafka::err2str(err)) message += fmt::format(" ({})", detail);
  switch (err) {
    case RdKafka::ERR_NO_ERROR:
      return absl::OkStatus();
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR__UNKNOWN_PARTITION:
      return absl::NotFoundError(message);
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
    case RdKafka::ERR_TOPIC_EXCEPTION:
    case RdKafka::ERR_INVALID_PARTITIONS:
    case RdKafka::ERR_INVALID_REPLICATION_FACTOR:
    case RdKafka::ERR__INVALID_ARG:
      return absl::InvalidArgumentError(message);
    case RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED:
    case RdKafka::ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RdKafka::ERR_GROUP_AUTHORIZATION_FAILED:
    case RdKafka::ERR__AUTHENTICATION:
      return absl::PermissionDeniedError(message);
    case RdKafka::ERR__FATAL:
      return absl::InternalError(message);
    default:
      // Transport, timeouts, leader changes, not enough replicas, all brokers down, ...
      return absl::UnavailableError(message);
  }
}

// Per-Append delivery tracking: passed as msg_opaque of each record of one batch.
struct Delivery {
  std::mutex mu;
  std::condition_variable cv;
  size_t pending = 0;
  RdKafka::ErrorCode err = RdKafka::ERR_NO_ERROR;
  std::string errstr;
  int64_t min_offset = std::numeric_limits<int64_t>::max();
  int64_t max_offset = -1;
  int32_t partition = -1;
};

class DeliveryCallback : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    auto* d = static_cast<Delivery*>(message.msg_opaque());
    if (d == nullptr) return;
    std::lock_guard lock(d->mu);
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      if (d->err == RdKafka::ERR_NO_ERROR) {
        d->err = message.err();
        d->errstr = message.errstr();
      }
    } else {
      d->min_offset = std::min(d->min_offset, message.offset());
      d->max_offset = std::max(d->max_offset, message.offset());
      d->partition = message.partition();
    }
    // Notify under the lock: the waiter owns *d and destroys it as soon as it sees pending == 0.
    if (--d->pending == 0) d->cv.notify_all();
  }
};

struct ConsumerDeleter {
  void operator()(RdKafka::KafkaConsumer* c) const {
    c->close();
    delete c;
  }
};
using ConsumerPtr = std::unique_ptr<RdKafka::KafkaConsumer, ConsumerDeleter>;

absl::Status SetConf(RdKafka::Conf* conf, const std::string& name, const std::string& value) {
  std::string errstr;
  if (conf->set(name, value, errstr) != RdKafka::Conf::CONF_OK) {
    return absl::InvalidArgumentError(fmt::format("kafka config {}={}: {}", name, value, errstr));
  }
  return absl::OkStatus();
}

absl::Status ValidateKey(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("key: must not be empty");
  if (key.size() > 256) return absl::InvalidArgumentError("key: longer than 256 bytes");
  return absl::OkStatus();
}

Record ToRecord(const RdKafka::Message& m) {
  Record r;
  r.topic = m.topic_name();
  r.partition = m.partition();
  r.offset = m.offset();
  if (m.key() != nullptr) r.key = *m.key();
  if (m.payload() != nullptr) r.value.assign(static_cast<const char*>(m.payload()), m.len());
  r.timestamp_ms = m.timestamp().timestamp;
  return r;
}

}  // namespace

class KafkaLog::Impl {
 public:
  explicit Impl(KafkaLogOptions options) : options_(std::move(options)) {
    std::random_device rd;
    instance_id_ = fmt::format("{:08x}{:08x}", rd(), rd());
  }

  ~Impl() {
    if (producer_ != nullptr) producer_->flush(TimeoutMs(options_.request_timeout));
    stopping_ = true;
    if (poller_.joinable()) poller_.join();
    {
      std::lock_guard lock(pool_mu_);
      idle_.clear();
    }
    producer_.reset();
  }

  absl::Status Open() {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    const std::string timeout = std::to_string(options_.request_timeout.count());
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"bootstrap.servers", options_.brokers},
             {"client.id", options_.client_id},
             {"enable.idempotence", "true"},
             {"acks", "all"},
             // The idempotent producer keeps order with up to 5 requests in flight per connection.
             {"max.in.flight.requests.per.connection", "5"},
             {"linger.ms", std::to_string(options_.linger_ms)},
             {"message.timeout.ms", timeout},
             {"request.timeout.ms", timeout},
             {"socket.timeout.ms", timeout},
             {"log.connection.close", "false"},
         }) {
      if (auto s = SetConf(conf.get(), name, value); !s.ok()) return s;
    }
    for (const auto& [name, value] : options_.security.Properties()) {
      if (auto s = SetConf(conf.get(), name, value); !s.ok()) return s;
    }
    std::string errstr;
    if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(&delivery_cb_), errstr) != RdKafka::Conf::CONF_OK) {
      return absl::InternalError(fmt::format("kafka config dr_cb: {}", errstr));
    }
    producer_.reset(RdKafka::Producer::create(conf.get(), errstr));
    if (producer_ == nullptr) return absl::InvalidArgumentError(fmt::format("kafka producer: {}", errstr));
    // Delivery reports fire only from poll(): a dedicated thread serves them.
    poller_ = std::thread([this] {
      while (!stopping_) producer_->poll(100);
    });
    return absl::OkStatus();
  }

  absl::Status CreateTopic(std::string_view topic_view, int32_t partitions) {
    if (auto s = ValidateTopicName(topic_view); !s.ok()) return s;
    if (partitions < 1 || partitions > 10000) {
      return absl::InvalidArgumentError("partitions: must be between 1 and 10000");
    }
    const std::string topic(topic_view);
    auto existing = DescribeTopic(topic);
    if (existing.ok()) return SameCount(topic, *existing, partitions);
    if (existing.status().code() != absl::StatusCode::kNotFound) return existing.status();

    char errbuf[512];
    rd_kafka_NewTopic_t* new_topic = rd_kafka_NewTopic_new(topic.c_str(), partitions, options_.replication_factor,
                                                           errbuf, sizeof(errbuf));
    if (new_topic == nullptr) return absl::InvalidArgumentError(fmt::format("create topic {}: {}", topic, errbuf));
    if (std::find(options_.compacted_topics.begin(), options_.compacted_topics.end(), topic) !=
        options_.compacted_topics.end()) {
      rd_kafka_NewTopic_set_config(new_topic, "cleanup.policy", "compact");
    } else {
      rd_kafka_NewTopic_set_config(new_topic, "retention.ms", "-1");
    }
    rd_kafka_NewTopic_set_config(new_topic, "message.timestamp.type", "LogAppendTime");
    rd_kafka_t* rk = producer_->c_ptr();
    rd_kafka_AdminOptions_t* admin = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    const int timeout_ms = TimeoutMs(options_.request_timeout);
    rd_kafka_AdminOptions_set_request_timeout(admin, timeout_ms, errbuf, sizeof(errbuf));
    rd_kafka_AdminOptions_set_operation_timeout(admin, timeout_ms, errbuf, sizeof(errbuf));
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &new_topic, 1, admin, queue);
    rd_kafka_event_t* event = rd_kafka_queue_poll(queue, timeout_ms + 1000);

    absl::Status status;
    bool already_exists = false;
    if (event == nullptr) {
      status = absl::UnavailableError(fmt::format("create topic {}: no answer within {} ms", topic, timeout_ms));
    } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = KafkaError(static_cast<RdKafka::ErrorCode>(rd_kafka_event_error(event)),
                          fmt::format("create topic {}", topic), rd_kafka_event_error_string(event));
    } else {
      const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
      size_t n = 0;
      const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &n);
      for (size_t i = 0; i < n; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
          already_exists = true;
        } else if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          const char* detail = rd_kafka_topic_result_error_string(results[i]);
          status = KafkaError(static_cast<RdKafka::ErrorCode>(err), fmt::format("create topic {}", topic),
                              detail != nullptr ? detail : "");
        }
      }
    }
    if (event != nullptr) rd_kafka_event_destroy(event);
    rd_kafka_queue_destroy(queue);
    rd_kafka_AdminOptions_destroy(admin);
    rd_kafka_NewTopic_destroy(new_topic);
    if (!status.ok()) return status;

    // Wait until the broker's metadata shows the topic with a leader for every partition, so a
    // produce right after this returns does not see "unknown topic". Metadata propagation has no
    // notification in the protocol: this polls metadata, bounded by the request timeout.
    const auto deadline = Clock::now() + options_.request_timeout;
    while (true) {
      auto described = DescribeTopic(topic, /*require_leaders=*/true);
      if (described.ok()) {
        if (already_exists) return SameCount(topic, *described, partitions);
        return *described == partitions ? absl::OkStatus() : SameCount(topic, *described, partitions);
      }
      if (Clock::now() >= deadline) {
        return absl::UnavailableError(
            fmt::format("create topic {}: not visible in metadata in time: {}", topic, described.status().ToString()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  absl::StatusOr<int32_t> PartitionCount(std::string_view topic) {
    {
      std::lock_guard lock(mu_);
      if (auto it = partition_counts_.find(topic); it != partition_counts_.end()) return it->second;
    }
    return DescribeTopic(std::string(topic));
  }

  void Forget(const TopicPartition& tp) {
    PartitionState& state = State(tp);
    std::lock_guard lock(state.mu);
    state.loaded = false;
    state.versions.clear();
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
    auto count = PartitionCount(batch.topic);
    if (!count.ok()) return count.status();
    const TopicPartition tp{batch.topic, PartitionForKey(batch.key, *count)};
    PartitionState& state = State(tp);

    std::lock_guard lock(state.mu);  // held across check, produce and delivery
    if (auto s = EnsureLoaded(tp, state); !s.ok()) return s;
    auto it = state.versions.find(batch.key);
    const int64_t version = it == state.versions.end() ? 0 : it->second;
    if (batch.expected_version != kAnyVersion && batch.expected_version != version) {
      return VersionConflictError(fmt::format("stream {}/{} is at version {}, expected {}", batch.topic,
                                              batch.key, version, batch.expected_version));
    }

    const size_t n = batch.values.size();
    Delivery delivery;
    delivery.pending = n;
    absl::Status produce_status;
    for (size_t i = 0; i < n; ++i) {
      const std::string& value = batch.values[i];
      RdKafka::ErrorCode err =
          producer_->produce(batch.topic, tp.partition, RdKafka::Producer::RK_MSG_COPY,
                             const_cast<char*>(value.data()), value.size(), batch.key.data(), batch.key.size(),
                             0, &delivery);
      if (err != RdKafka::ERR_NO_ERROR) {
        produce_status = KafkaError(err, fmt::format("append to {}/{}", batch.topic, tp.partition));
        std::lock_guard dlock(delivery.mu);
        delivery.pending -= n - i;  // these were never queued: no report will come for them
        break;
      }
    }
    {
      // librdkafka reports every queued message by message.timeout.ms (= request_timeout).
      std::unique_lock dlock(delivery.mu);
      delivery.cv.wait(dlock, [&] { return delivery.pending == 0; });
    }
    if (produce_status.ok() && delivery.err != RdKafka::ERR_NO_ERROR) {
      produce_status = KafkaError(delivery.err, fmt::format("append to {}/{}", batch.topic, tp.partition),
                                  delivery.errstr);
    }
    if (!produce_status.ok()) {
      // Part of the batch may be durable: forget what we know and relearn it from the broker.
      state.loaded = false;
      state.versions.clear();
      return produce_status;
    }
    if (delivery.max_offset - delivery.min_offset + 1 != static_cast<int64_t>(n)) {
      // Another writer interleaved (a second owner of the partition): our versions are not to be
      // trusted any more. The records are durable, so the append itself succeeded.
      state.loaded = false;
      state.versions.clear();
    } else {
      state.versions[batch.key] = version + static_cast<int64_t>(n);
    }
    AppendResult result;
    result.topic = batch.topic;
    result.partition = tp.partition;
    result.first_offset = delivery.min_offset;
    result.count = static_cast<int64_t>(n);
    result.stream_version = version + result.count;
    return result;
  }

  absl::StatusOr<int64_t> StreamVersion(std::string_view topic, std::string_view key) {
    auto count = PartitionCount(topic);
    if (!count.ok()) return count.status();
    const TopicPartition tp{std::string(topic), PartitionForKey(key, *count)};
    PartitionState& state = State(tp);
    std::lock_guard lock(state.mu);
    if (auto s = EnsureLoaded(tp, state); !s.ok()) return s;
    auto it = state.versions.find(std::string(key));
    return it == state.versions.end() ? 0 : it->second;
  }

  absl::Status CheckPartition(const TopicPartition& tp) {
    auto count = PartitionCount(tp.topic);
    if (!count.ok()) return count.status();
    if (tp.partition < 0 || tp.partition >= *count) {
      return absl::InvalidArgumentError(fmt::format("partition: {} is not in topic {}", tp.partition, tp.topic));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> EndOffset(const TopicPartition& tp) {
    if (auto s = CheckPartition(tp); !s.ok()) return s;
    int64_t low = 0;
    int64_t high = 0;
    if (auto s = Watermarks(tp, &low, &high); !s.ok()) return s;
    return high;
  }

  absl::Status Read(const TopicPartition& tp, int64_t from, size_t max_records, std::vector<Record>* out) {
    if (from < 0) return absl::InvalidArgumentError("from: offset must not be negative");
    auto end = EndOffset(tp);
    if (!end.ok()) return end.status();
    const int64_t until = std::min<int64_t>(
        *end, from + static_cast<int64_t>(std::min<size_t>(max_records, std::numeric_limits<int32_t>::max())));
    return Scan(tp, from, until, [&](const RdKafka::Message& m) { out->push_back(ToRecord(m)); });
  }

  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(const std::vector<Position>& starts);

  absl::StatusOr<ConsumerPtr> NewConsumer(bool partition_eof) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    const std::string timeout = std::to_string(options_.request_timeout.count());
    // A group id is required by the KafkaConsumer, but partitions are assign()ed explicitly: no
    // group membership, no offsets committed.
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"bootstrap.servers", options_.brokers},
             {"client.id", options_.client_id},
             {"group.id", fmt::format("{}-reader-{}", options_.client_id, instance_id_)},
             {"enable.auto.commit", "false"},
             {"enable.auto.offset.store", "false"},
             {"auto.offset.reset", "error"},
             {"enable.partition.eof", partition_eof ? "true" : "false"},
             {"fetch.wait.max.ms", "100"},
             {"socket.timeout.ms", timeout},
             {"log.connection.close", "false"},
         }) {
      if (auto s = SetConf(conf.get(), name, value); !s.ok()) return s;
    }
    for (const auto& [name, value] : options_.security.Properties()) {
      if (auto s = SetConf(conf.get(), name, value); !s.ok()) return s;
    }
    std::string errstr;
    RdKafka::KafkaConsumer* consumer = RdKafka::KafkaConsumer::create(conf.get(), errstr);
    if (consumer == nullptr) return absl::InternalError(fmt::format("kafka consumer: {}", errstr));
    return ConsumerPtr(consumer);
  }

  const KafkaLogOptions& options() const { return options_; }

 private:
  struct PartitionState {
    std::mutex mu;
    bool loaded = false;                               // guarded by mu
    std::unordered_map<std::string, int64_t> versions;  // guarded by mu
  };

  absl::Status SameCount(const std::string& topic, int32_t existing, int32_t wanted) {
    if (existing == wanted) return absl::OkStatus();
    return absl::FailedPreconditionError(
        fmt::format("topic {} exists with {} partitions, not {}", topic, existing, wanted));
  }

  // The partition count of `topic` from broker metadata; NOT_FOUND if the broker does not know it.
  // Caches the count (a topic's count never changes for the hub).
  absl::StatusOr<int32_t> DescribeTopic(const std::string& topic, bool require_leaders = false) {
    RdKafka::Metadata* raw = nullptr;
    RdKafka::ErrorCode err = producer_->metadata(true, nullptr, &raw, TimeoutMs(options_.request_timeout));
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    if (err != RdKafka::ERR_NO_ERROR) return KafkaError(err, fmt::format("metadata for topic {}", topic));
    for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
      if (t->topic() != topic) continue;
      if (t->err() != RdKafka::ERR_NO_ERROR) return KafkaError(t->err(), fmt::format("metadata for topic {}", topic));
      const int32_t count = static_cast<int32_t>(t->partitions()->size());
      if (count == 0) return absl::NotFoundError(fmt::format("topic {} has no partitions yet", topic));
      if (require_leaders) {
        for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
          if (p->leader() < 0 || p->err() != RdKafka::ERR_NO_ERROR) {
            return absl::UnavailableError(fmt::format("topic {} partition {} has no leader yet", topic, p->id()));
          }
        }
      }
      std::lock_guard lock(mu_);
      partition_counts_[topic] = count;
      return count;
    }
    return absl::NotFoundError(fmt::format("topic {} does not exist", topic));
  }

  // The partition's low and high watermarks from its leader. Retries errors that are transient
  // while a leader is elected or moves (a topic just created, a broker restart), until the request
  // timeout; there is no notification for "leader ready", so this retries with a short backoff.
  absl::Status Watermarks(const TopicPartition& tp, int64_t* low, int64_t* high) {
    const auto deadline = Clock::now() + options_.request_timeout;
    while (true) {
      RdKafka::ErrorCode err =
          producer_->query_watermark_offsets(tp.topic, tp.partition, low, high, std::max(1, RemainingMs(deadline)));
      if (err == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
      const bool transient = err == RdKafka::ERR_NOT_LEADER_FOR_PARTITION || err == RdKafka::ERR_LEADER_NOT_AVAILABLE ||
                             err == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART || err == RdKafka::ERR__UNKNOWN_PARTITION ||
                             err == RdKafka::ERR_FENCED_LEADER_EPOCH || err == RdKafka::ERR_UNKNOWN_LEADER_EPOCH ||
                             err == RdKafka::ERR_NOT_COORDINATOR || err == RdKafka::ERR__WAIT_COORD;
      if (!transient) return KafkaError(err, fmt::format("watermarks of {}/{}", tp.topic, tp.partition));
      if (Clock::now() >= deadline) {
        // Still "unknown partition" or "no leader" at the deadline: the cluster did not answer in
        // time (a broker down), which is UNAVAILABLE as the header promises, not NOT_FOUND.
        return absl::UnavailableError(fmt::format("watermarks of {}/{}: {} (no answer within {} ms)", tp.topic,
                                                  tp.partition, RdKafka::err2str(err),
                                                  options_.request_timeout.count()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  PartitionState& State(const TopicPartition& tp) {
    std::lock_guard lock(mu_);
    auto& slot = partitions_[tp];
    if (slot == nullptr) slot = std::make_unique<PartitionState>();
    return *slot;
  }

  // Learns the stream versions of a partition by reading it from offset 0 to its high watermark.
  absl::Status EnsureLoaded(const TopicPartition& tp, PartitionState& state) {
    if (state.loaded) return absl::OkStatus();
    int64_t low = 0;
    int64_t high = 0;
    if (auto s = Watermarks(tp, &low, &high); !s.ok()) return s;
    if (low != 0) {
      return absl::FailedPreconditionError(fmt::format(
          "partition {}/{} starts at offset {}, not 0 (retention deleted records): stream versions cannot be "
          "learned", tp.topic, tp.partition, low));
    }
    std::unordered_map<std::string, int64_t> versions;
    auto s = Scan(tp, 0, high, [&](const RdKafka::Message& m) {
      if (m.key() != nullptr) versions[*m.key()]++;
    });
    if (!s.ok()) return Annotate(s, "learning stream versions");
    state.versions = std::move(versions);
    state.loaded = true;
    return absl::OkStatus();
  }

  // Calls `fn` for each record of [from, until) of `tp`, with a pooled consumer.
  absl::Status Scan(const TopicPartition& tp, int64_t from, int64_t until,
                    const std::function<void(const RdKafka::Message&)>& fn) {
    if (from >= until) return absl::OkStatus();
    ConsumerPtr consumer;
    {
      std::lock_guard lock(pool_mu_);
      if (!idle_.empty()) {
        consumer = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (consumer == nullptr) {
      auto created = NewConsumer(/*partition_eof=*/true);
      if (!created.ok()) return created.status();
      consumer = std::move(*created);
    }
    std::vector<RdKafka::TopicPartition*> assignment{RdKafka::TopicPartition::create(tp.topic, tp.partition, from)};
    RdKafka::ErrorCode err = consumer->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);
    if (err != RdKafka::ERR_NO_ERROR) return KafkaError(err, fmt::format("read {}/{}", tp.topic, tp.partition));

    absl::Status status;
    int64_t next = from;
    const auto deadline = Clock::now() + options_.request_timeout;
    while (next < until) {
      const int remaining = RemainingMs(deadline);
      if (remaining <= 0) {
        status = absl::UnavailableError(fmt::format("read {}/{}: offsets {}..{} not received within {} ms", tp.topic,
                                                    tp.partition, next, until, options_.request_timeout.count()));
        break;
      }
      std::unique_ptr<RdKafka::Message> m(consumer->consume(remaining));
      if (m->err() == RdKafka::ERR__TIMED_OUT) continue;
      if (m->err() == RdKafka::ERR__PARTITION_EOF) {
        if (m->topic_name() == tp.topic && m->partition() == tp.partition && m->offset() >= until) break;
        continue;
      }
      if (m->err() != RdKafka::ERR_NO_ERROR) {
        status = KafkaError(m->err(), fmt::format("read {}/{}", tp.topic, tp.partition), m->errstr());
        break;
      }
      // Only this assignment's records, in order (a reused consumer could in theory hold leftovers).
      if (m->topic_name() != tp.topic || m->partition() != tp.partition || m->offset() < next) continue;
      if (m->offset() >= until) break;
      fn(*m);
      next = m->offset() + 1;
    }
    consumer->unassign();
    if (status.ok()) {
      std::lock_guard lock(pool_mu_);
      idle_.push_back(std::move(consumer));
    }
    return status;
  }

  KafkaLogOptions options_;
  std::string instance_id_;
  DeliveryCallback delivery_cb_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<bool> stopping_{false};
  std::thread poller_;

  std::mutex mu_;
  std::map<std::string, int32_t, std::less<>> partition_counts_;               // guarded by mu_
  std::map<TopicPartition, std::unique_ptr<PartitionState>> partitions_;      // guarded by mu_

  std::mutex pool_mu_;
  std::vector<ConsumerPtr> idle_;  // readers for Read and for learning versions; guarded by pool_mu_
};

namespace {

class KafkaSubscription : public Subscription {
 public:
  KafkaSubscription(ConsumerPtr consumer, const std::vector<Position>& starts) : consumer_(std::move(consumer)) {
    for (const auto& s : starts) next_[{s.topic, s.partition}] = s.offset;
  }

  absl::Status Next(std::chrono::milliseconds timeout, size_t max_records, std::vector<Record>* out) override {
    const auto deadline = Clock::now() + timeout;
    size_t delivered = 0;
    while (delivered < max_records) {
      if (closed_) return absl::CancelledError("subscription closed");
      // Wait in slices of at most 100 ms so Close() from another thread is noticed promptly; once
      // something was delivered, only take what is already there.
      const int wait_ms = delivered > 0 ? 0 : std::min(RemainingMs(deadline), 100);
      std::unique_ptr<RdKafka::Message> m(consumer_->consume(wait_ms));
      if (m->err() == RdKafka::ERR__TIMED_OUT || m->err() == RdKafka::ERR__PARTITION_EOF) {
        if (delivered > 0 || Clock::now() >= deadline) break;
        continue;
      }
      if (m->err() != RdKafka::ERR_NO_ERROR) {
        return KafkaError(m->err(), "subscription", m->errstr());
      }
      auto it = next_.find(TopicPartition{m->topic_name(), m->partition()});
      if (it == next_.end() || m->offset() < it->second) continue;  // not ours, or already delivered
      it->second = m->offset() + 1;
      out->push_back(ToRecord(*m));
      ++delivered;
    }
    if (closed_) return absl::CancelledError("subscription closed");
    return absl::OkStatus();
  }

  void Close() override { closed_ = true; }

 private:
  ConsumerPtr consumer_;
  std::map<TopicPartition, int64_t> next_;
  std::atomic<bool> closed_{false};
};

}  // namespace

absl::StatusOr<std::unique_ptr<Subscription>> KafkaLog::Impl::Subscribe(const std::vector<Position>& starts) {
  for (const auto& start : starts) {
    if (auto s = CheckPartition({start.topic, start.partition}); !s.ok()) return s;
    if (start.offset < 0) return absl::InvalidArgumentError("starts: offset must not be negative");
  }
  auto consumer = NewConsumer(/*partition_eof=*/false);
  if (!consumer.ok()) return consumer.status();
  std::vector<RdKafka::TopicPartition*> assignment;
  for (const auto& start : starts) {
    assignment.push_back(RdKafka::TopicPartition::create(start.topic, start.partition, start.offset));
  }
  RdKafka::ErrorCode err = (*consumer)->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (err != RdKafka::ERR_NO_ERROR) return KafkaError(err, "subscribe");
  return std::unique_ptr<Subscription>(new KafkaSubscription(std::move(*consumer), starts));
}

KafkaLog::KafkaLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

const KafkaLogOptions& KafkaLog::options() const { return impl_->options(); }

std::vector<std::pair<std::string, std::string>> KafkaSecurity::Properties() const {
  std::vector<std::pair<std::string, std::string>> properties;
  auto add = [&](const char* name, const std::string& value) {
    if (!value.empty()) properties.emplace_back(name, value);
  };
  add("security.protocol", security_protocol);
  add("ssl.ca.location", ssl_ca_file);
  add("ssl.certificate.location", ssl_cert_file);
  add("ssl.key.location", ssl_key_file);
  add("sasl.mechanisms", sasl_mechanism);
  add("sasl.username", sasl_username);
  add("sasl.password", sasl_password);
  return properties;
}
KafkaLog::~KafkaLog() = default;

absl::StatusOr<std::unique_ptr<KafkaLog>> KafkaLog::Open(const KafkaLogOptions& options) {
  if (options.brokers.empty()) return absl::InvalidArgumentError("brokers: the log needs bootstrap servers");
  if (options.request_timeout.count() <= 0) return absl::InvalidArgumentError("request_timeout: must be positive");
  if (options.replication_factor < 1) return absl::InvalidArgumentError("replication_factor: must be at least 1");
  auto impl = std::make_unique<Impl>(options);
  if (auto s = impl->Open(); !s.ok()) return s;
  return std::unique_ptr<KafkaLog>(new KafkaLog(std::move(impl)));
}

absl::Status KafkaLog::CreateTopic(std::string_view topic, int32_t partitions) {
  return impl_->CreateTopic(topic, partitions);
}
absl::StatusOr<int32_t> KafkaLog::PartitionCount(std::string_view topic) {
  if (auto s = ValidateTopicName(topic); !s.ok()) return s;
  return impl_->PartitionCount(topic);
}
void KafkaLog::Forget(const TopicPartition& tp) { impl_->Forget(tp); }

absl::StatusOr<AppendResult> KafkaLog::Append(const AppendBatch& batch) { return impl_->Append(batch); }
absl::StatusOr<int64_t> KafkaLog::StreamVersion(std::string_view topic, std::string_view key) {
  if (auto s = ValidateTopicName(topic); !s.ok()) return s;
  return impl_->StreamVersion(topic, key);
}
absl::StatusOr<int64_t> KafkaLog::EndOffset(const TopicPartition& tp) {
  if (auto s = ValidateTopicName(tp.topic); !s.ok()) return s;
  return impl_->EndOffset(tp);
}
absl::Status KafkaLog::Read(const TopicPartition& tp, int64_t from, size_t max_records, std::vector<Record>* out) {
  if (auto s = ValidateTopicName(tp.topic); !s.ok()) return s;
  return impl_->Read(tp, from, max_records, out);
}
absl::StatusOr<std::unique_ptr<Subscription>> KafkaLog::Subscribe(const std::vector<Position>& starts) {
  for (const auto& start : starts) {
    if (auto s = ValidateTopicName(start.topic); !s.ok()) return s;
  }
  return impl_->Subscribe(starts);
}

}  // namespace hub::log
