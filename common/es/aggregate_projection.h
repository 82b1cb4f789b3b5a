// AggregateProjection: the command side's state of every household stream of one service.
//
// For each household it keeps a StreamHead: the stream version, the hash of the last event (the
// next event's prev_hash) and the decider's state folded with D::Evolve. On every event it checks
// that the stream continues where it left off (version + 1, prev_hash = last hash), so a gap or a
// forked chain stops the projection instead of silently producing a wrong state.
#pragma once

#include <string>
#include <unordered_map>

#include "common/crypto/hash_chain.h"
#include "common/es/enveloped_decider.h"
#include "common/es/projection.h"
#include "common/store/store.h"
#include "fmt/format.h"
#include "hub/v1/es_store.pb.h"
#include "rocksdb/db.h"

namespace hub::es {

template <EnvelopedDecider D>
class AggregateProjection : public Projection {
 public:
  using State = typename D::State;

  // One household's stream as the command side sees it.
  struct Loaded {
    int64_t version = 0;   // 0: the stream does not exist yet
    std::string last_hash; // empty when version is 0
    std::string tenant;
    State state = D::Initial();
  };

  std::vector<std::string> Families() const override { return {FamilyName()}; }
  static std::string FamilyName() { return fmt::format("{}_heads", D::kProducer); }

  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override {
    db_ = db;
    family_ = families.at(0);
    batch_heads_.clear();  // a batch that failed half way left nothing worth keeping
  }

  absl::Status Apply(const LoggedEvent& event, ProjectionWriter& writer) override {
    // A runner may follow other services' topics too (their facts feed this service's commands).
    if (event.record.topic != topic_) return absl::OkStatus();
    const auto& envelope = event.envelope;
    const typename D::Event* payload = D::EventOf(envelope);
    if (payload == nullptr) {
      return absl::DataLossError(fmt::format("event {} carries no {} payload", envelope.event_id(), D::kProducer));
    }
    // Decoded heads stay in memory for the rest of the batch: a command's events and a busy
    // household's commands usually arrive together, and decoding state per event would dominate.
    auto [it, inserted] = batch_heads_.try_emplace(envelope.household_id());
    Pending& pending = it->second;
    if (inserted) {
      auto stored = writer.Get(family_, envelope.household_id());
      if (stored.ok()) {
        if (!pending.head.ParseFromString(*stored) || !pending.state.ParseFromString(pending.head.state())) {
          return absl::DataLossError("undecodable stream head");
        }
      } else if (stored.status().code() != absl::StatusCode::kNotFound) {
        return stored.status();
      }
    }
    hub::v1::StreamHead& head = pending.head;
    if (envelope.stream_version() != head.version() + 1) {
      return absl::DataLossError(fmt::format("household stream jumps from version {} to {}", head.version(),
                                             envelope.stream_version()));
    }
    const std::string& expected_prev = head.version() == 0 ? crypto::GenesisHash() : head.last_hash();
    if (event.log_record.prev_hash() != expected_prev) {
      return absl::DataLossError(fmt::format("household stream breaks its hash chain at version {}",
                                             envelope.stream_version()));
    }
    pending.state = D::Evolve(std::move(pending.state), *payload);
    head.set_version(envelope.stream_version());
    head.set_last_hash(event.log_record.hash());
    head.set_tenant(envelope.tenant());
    return absl::OkStatus();
  }

  absl::Status Flush(ProjectionWriter& writer) override {
    for (auto& [household_id, pending] : batch_heads_) {
      pending.head.set_state(SerializeDeterministic(pending.state));
      writer.Put(family_, household_id, SerializeDeterministic(pending.head));
    }
    batch_heads_.clear();
    return absl::OkStatus();
  }

  // The household's stream as of what has been applied.
  absl::StatusOr<Loaded> Load(std::string_view household_id) const {
    Loaded loaded;
    std::string value;
    auto s = db_->Get({}, family_, rocksdb::Slice(household_id.data(), household_id.size()), &value);
    if (s.IsNotFound()) return loaded;
    if (!s.ok()) return store::ToStatus(s, "stream head");
    hub::v1::StreamHead head;
    if (!head.ParseFromString(value) || !loaded.state.ParseFromString(head.state())) {
      return absl::DataLossError("undecodable stream head");
    }
    loaded.version = static_cast<int64_t>(head.version());
    loaded.last_hash = head.last_hash();
    loaded.tenant = head.tenant();
    return loaded;
  }

 private:
  struct Pending {
    hub::v1::StreamHead head;
    State state = D::Initial();
  };
  const std::string topic_ = TopicFor(D::kProducer);
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* family_ = nullptr;
  std::unordered_map<std::string, Pending> batch_heads_;  // only touched by the runner's thread
};

}  // namespace hub::es
