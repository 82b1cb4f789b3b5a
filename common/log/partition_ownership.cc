#include "common/log/partition_ownership.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "fmt/format.h"

namespace hub::log {

class PartitionOwnership::Impl : public RdKafka::RebalanceCb {
 public:
  explicit Impl(PartitionOwnershipOptions options) : options_(std::move(options)) {}

  absl::Status Start() {
    std::string error;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    const std::pair<const char*, std::string> settings[] = {
        {"bootstrap.servers", options_.brokers},
        {"group.id", options_.group_id},
        {"client.id", options_.advertised_address},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"session.timeout.ms", std::to_string(options_.session_timeout.count())},
        {"heartbeat.interval.ms", std::to_string(std::max<int64_t>(100, options_.session_timeout.count() / 5))},
        {"partition.assignment.strategy", "roundrobin"},
        {"socket.timeout.ms", std::to_string(options_.request_timeout.count())},
    };
    for (const auto& [key, value] : settings) {
      if (conf->set(key, value, error) != RdKafka::Conf::CONF_OK) {
        return absl::InvalidArgumentError(fmt::format("ownership: {}: {}", key, error));
      }
    }
    for (const auto& [key, value] : options_.security.Properties()) {
      if (conf->set(key, value, error) != RdKafka::Conf::CONF_OK) {
        return absl::InvalidArgumentError(fmt::format("ownership: {}: {}", key, error));
      }
    }
    if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(this), error) != RdKafka::Conf::CONF_OK) {
      return absl::InternalError(error);
    }
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!consumer_) return absl::UnavailableError(fmt::format("ownership consumer: {}", error));
    if (auto err = consumer_->subscribe({options_.topic}); err != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(fmt::format("subscribe {}: {}", options_.topic, RdKafka::err2str(err)));
    }
    thread_ = std::thread([this] {
      // consume() drives the group protocol (heartbeats, rebalances). Assigned partitions are
      // paused, so it returns no records; its timeout only bounds how soon Stop is noticed.
      while (!stopping_.load()) {
        std::unique_ptr<RdKafka::Message> message(consumer_->consume(200));
      }
    });
    return absl::OkStatus();
  }

  ~Impl() override {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    if (consumer_) consumer_->close();  // leaves the group: the partitions move at once
  }

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    std::set<int32_t> owned;
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      consumer->assign(partitions);
      consumer->pause(partitions);
      for (auto* tp : partitions) owned.insert(tp->partition());
    } else {
      consumer->unassign();
    }
    {
      std::lock_guard lock(mu_);
      owned_ = std::move(owned);
      assigned_ = assigned_ || err == RdKafka::ERR__ASSIGN_PARTITIONS;
      ++generation_;
    }
    changed_.notify_all();
  }

  absl::Status AwaitAssignment(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    if (!changed_.wait_until(lock, deadline, [&] { return assigned_; })) {
      return absl::UnavailableError(fmt::format("no partition assignment from group {} in time", options_.group_id));
    }
    return absl::OkStatus();
  }

  std::set<int32_t> Owned() const {
    std::lock_guard lock(mu_);
    return owned_;
  }

  uint64_t generation() const {
    std::lock_guard lock(mu_);
    return generation_;
  }

  uint64_t AwaitChange(uint64_t seen, std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock lock(mu_);
    changed_.wait_until(lock, deadline, [&] { return generation_ > seen; });
    return generation_;
  }

  std::optional<std::string> OwnerOf(int32_t partition) const {
    rd_kafka_t* rk = consumer_->c_ptr();
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t* admin =
        rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
    char error[256];
    rd_kafka_AdminOptions_set_request_timeout(admin, static_cast<int>(options_.request_timeout.count()), error,
                                              sizeof error);
    const char* groups[] = {options_.group_id.c_str()};
    rd_kafka_DescribeConsumerGroups(rk, groups, 1, admin, queue);
    rd_kafka_event_t* event = rd_kafka_queue_poll(queue, static_cast<int>(options_.request_timeout.count()) + 1000);
    std::optional<std::string> owner;
    if (event != nullptr && rd_kafka_event_error(event) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const auto* result = rd_kafka_event_DescribeConsumerGroups_result(event);
      size_t count = 0;
      const rd_kafka_ConsumerGroupDescription_t** descriptions =
          rd_kafka_DescribeConsumerGroups_result_groups(result, &count);
      for (size_t g = 0; g < count && !owner; ++g) {
        const size_t members = rd_kafka_ConsumerGroupDescription_member_count(descriptions[g]);
        for (size_t m = 0; m < members && !owner; ++m) {
          const auto* member = rd_kafka_ConsumerGroupDescription_member(descriptions[g], m);
          const auto* list = rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(member));
          for (int i = 0; list != nullptr && i < list->cnt; ++i) {
            if (options_.topic == list->elems[i].topic && list->elems[i].partition == partition) {
              owner = rd_kafka_MemberDescription_client_id(member);
              break;
            }
          }
        }
      }
    }
    if (event != nullptr) rd_kafka_event_destroy(event);
    rd_kafka_AdminOptions_destroy(admin);
    rd_kafka_queue_destroy(queue);
    return owner;
  }

 private:
  PartitionOwnershipOptions options_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::set<int32_t> owned_;
  bool assigned_ = false;
  uint64_t generation_ = 0;
};

PartitionOwnership::PartitionOwnership(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PartitionOwnership::~PartitionOwnership() = default;

absl::StatusOr<std::unique_ptr<PartitionOwnership>> PartitionOwnership::Start(const PartitionOwnershipOptions& options) {
  if (options.brokers.empty() || options.group_id.empty() || options.topic.empty()) {
    return absl::InvalidArgumentError("ownership: brokers, group_id and topic are required");
  }
  auto impl = std::make_unique<Impl>(options);
  if (auto s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<PartitionOwnership>(new PartitionOwnership(std::move(impl)));
}

absl::Status PartitionOwnership::AwaitAssignment(std::chrono::steady_clock::time_point deadline) {
  return impl_->AwaitAssignment(deadline);
}
std::set<int32_t> PartitionOwnership::Owned() const { return impl_->Owned(); }
bool PartitionOwnership::Owns(int32_t partition) const { return impl_->Owned().contains(partition); }
uint64_t PartitionOwnership::generation() const { return impl_->generation(); }
uint64_t PartitionOwnership::AwaitChange(uint64_t seen, std::chrono::steady_clock::time_point deadline) const {
  return impl_->AwaitChange(seen, deadline);
}
std::optional<std::string> PartitionOwnership::OwnerOf(int32_t partition) const { return impl_->OwnerOf(partition); }

}  // namespace hub::log
