// KeyTopic: the data keys of every service, shared through the log (topic hub.keys.events.v1).
//
// Personal data is sealed under per-person and per-household data keys (common/crypto/key_store.h).
// A service that reads another service's personal data (the referral dossier shows names from
// intake and goals from the plan) needs those keys, and a service that loses its store must get
// them back. So every key store publishes its keys, wrapped under the tenant's KEK, on one topic,
// and every service that needs keys follows that topic with this projection into its own store.
//
// Guarantees:
//  - one key per (tenant, key id) across all instances: publishing appends with expected stream
//    version 0, so of two instances creating the same key id concurrently one wins and both use
//    the winner's key (PublishOnce returns it);
//  - an erasure reaches every store that follows the topic, and an erased key id is never
//    published again;
//  - the topic carries wrapped keys only; the KEKs come from configuration.
// Thread-safe for PublishOnce / PublishErasure; Apply is called by the runner's thread.
#pragma once

#include <string>
#include <vector>

#include "common/config/register.h"
#include "common/crypto/key_store.h"
#include "common/es/clock.h"
#include "common/es/projection.h"
#include "common/es/projection_runner.h"
#include "common/keys/master_key.h"
#include "common/log/event_log.h"

namespace hub::service {

class KeyTopic final : public es::Projection, public crypto::KeyDirectory {
 public:
  // "keys": the topic is es::TopicFor(kProducer) = hub.keys.events.v1.
  static constexpr std::string_view kProducer = "keys";
  static std::string Topic();

  // Neither is owned; both must outlive this object.
  KeyTopic(log::EventLog* log, const es::Clock* clock) : log_(log), clock_(clock) {}

  // Wiring, once the module has them: the runner that applies this projection (waited on before
  // deciding whether a key exists) and the key store whose cache an erasure must clear.
  void Attach(es::ProjectionRunner* runner, crypto::KeyStore* keys) {
    runner_ = runner;
    keys_ = keys;
  }

  // es::Projection: the key store's family (records by tenant and key id) and the stream heads.
  std::vector<std::string> Families() const override;
  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override;
  absl::Status Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) override;

  // crypto::KeyDirectory.
  absl::StatusOr<std::string> PublishOnce(std::string_view tenant, std::string_view key_id,
                                          const std::string& record) override;
  absl::Status PublishErasure(std::string_view tenant, std::string_view key_id) override;

 private:
  struct Head {
    int64_t version = 0;  // 0: never published; 1: published; 2: erased
    std::string last_hash;
  };
  absl::StatusOr<Head> LoadHead(const std::string& stream) const;
  absl::StatusOr<int64_t> Append(std::string_view tenant, const std::string& stream, const Head& head,
                                 hub::v1::KeyEvent event);

  log::EventLog* log_;
  const es::Clock* clock_;
  es::ProjectionRunner* runner_ = nullptr;
  crypto::KeyStore* keys_ = nullptr;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* records_ = nullptr;  // the key store's family
  rocksdb::ColumnFamilyHandle* heads_ = nullptr;    // stream -> hub.v1.StreamHead
};

// The tenants' key-encryption keys for data keys: one per tenant, derived from the master key, the
// same in every service (a key published by one service is opened by another).
std::map<std::string, std::string> DataKeks(const config::Register& organisations, const keys::MasterKey& master_key);

}  // namespace hub::service
