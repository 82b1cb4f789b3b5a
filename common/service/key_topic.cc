#include "common/service/key_topic.h"

#include "common/crypto/hash_chain.h"
#include "common/es/envelope.h"
#include "common/es/enveloped_decider.h"
#include "common/status/status.h"
#include "common/store/store.h"
#include "fmt/format.h"
#include "hub/v1/es_store.pb.h"
#include "rocksdb/db.h"

namespace hub::service {
namespace {

constexpr auto kWait = std::chrono::seconds(30);
constexpr int kMaxAttempts = 8;

std::string StreamOf(std::string_view tenant, std::string_view key_id) {
  return fmt::format("{}/{}", tenant, key_id);
}

}  // namespace

std::map<std::string, std::string> DataKeks(const config::Register& organisations, const keys::MasterKey& master_key) {
  std::map<std::string, std::string> keks;
  for (const auto& tenant : organisations.tenants()) keks[tenant.code] = master_key.Derive("data-kek", tenant.code);
  return keks;
}

std::string KeyTopic::Topic() { return es::TopicFor(kProducer); }

std::vector<std::string> KeyTopic::Families() const { return {crypto::KeyStore::Family(), "crypto_key_heads"}; }

void KeyTopic::Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  db_ = db;
  records_ = families.at(0);
  heads_ = families.at(1);
}

absl::Status KeyTopic::Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) {
  if (event.record.topic != Topic()) return absl::OkStatus();
  const auto& envelope = event.envelope;
  if (!envelope.has_key()) return absl::DataLossError(fmt::format("event {} on the key topic carries no key", envelope.event_id()));
  const std::string& stream = envelope.household_id();
  hub::v1::StreamHead head;
  if (auto stored = writer.Get(heads_, stream); stored.ok()) {
    if (!head.ParseFromString(*stored)) return absl::DataLossError("undecodable key stream head");
  } else if (stored.status().code() != absl::StatusCode::kNotFound) {
    return stored.status();
  }
  // Versions only grow. A compacted topic may skip versions (the erased key's record is gone), so
  // a gap is accepted; going back is not.
  if (envelope.stream_version() <= head.version()) {
    return absl::DataLossError(fmt::format("key stream {} goes back from version {} to {}", stream, head.version(),
                                           envelope.stream_version()));
  }
  const auto& key_event = envelope.key();
  if (key_event.has_published()) {
    const auto& p = key_event.published();
    writer.Put(records_, crypto::KeyStore::RowKeyFor(p.tenant(), p.key_id()), p.record());
  } else if (key_event.has_erased()) {
    const auto& e = key_event.erased();
    writer.Delete(records_, crypto::KeyStore::RowKeyFor(e.tenant(), e.key_id()));
    if (keys_ != nullptr) keys_->Forget(e.tenant(), e.key_id());
  }
  head.set_version(envelope.stream_version());
  head.set_last_hash(event.log_record.hash());
  head.set_tenant(envelope.tenant());
  writer.Put(heads_, stream, es::SerializeDeterministic(head));
  return absl::OkStatus();
}

absl::StatusOr<KeyTopic::Head> KeyTopic::LoadHead(const std::string& stream) const {
  Head head;
  std::string value;
  auto s = db_->Get({}, heads_, stream, &value);
  if (s.IsNotFound()) return head;
  if (!s.ok()) return store::ToStatus(s, "key stream head");
  hub::v1::StreamHead stored;
  if (!stored.ParseFromString(value)) return absl::DataLossError("undecodable key stream head");
  head.version = static_cast<int64_t>(stored.version());
  head.last_hash = stored.last_hash();
  return head;
}

absl::StatusOr<int64_t> KeyTopic::Append(std::string_view tenant, const std::string& stream, const Head& head,
                                         hub::v1::KeyEvent event) {
  es::CommandMetadata meta;
  meta.tenant = std::string(tenant);
  meta.household_id = stream;
  meta.actor.set_organisation_id("hub");
  meta.actor.set_role("key-store");
  meta.request_id = fmt::format("{}:{}", event.has_published() ? "publish" : "erase", stream);
  meta.correlation_id = meta.request_id;
  std::vector<hub::v1::EventEnvelope> envelopes(1);
  *envelopes[0].mutable_key() = std::move(event);
  es::SealedBatch sealed = es::Seal(meta, kProducer, 1, head.version, head.last_hash, clock_->Now(),
                                    std::move(envelopes));
  auto appended = log_->Append({Topic(), stream, head.version, std::move(sealed.log_values)});
  if (!appended.ok()) return appended.status();
  if (auto s = runner_->WaitFor({appended->last_position()}, std::chrono::steady_clock::now() + kWait); !s.ok()) {
    return s;
  }
  return appended->stream_version;
}

absl::StatusOr<std::string> KeyTopic::PublishOnce(std::string_view tenant, std::string_view key_id,
                                                  const std::string& record) {
  const std::string stream = StreamOf(tenant, key_id);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (auto s = runner_->CatchUp(std::chrono::steady_clock::now() + kWait); !s.ok()) return s;
    auto head = LoadHead(stream);
    if (!head.ok()) return head.status();
    if (head->version >= 2) {
      return absl::FailedPreconditionError(fmt::format("key {} of tenant {} was erased", key_id, tenant));
    }
    if (head->version == 0) {
      hub::v1::KeyEvent event;
      auto* published = event.mutable_published();
      published->set_tenant(std::string(tenant));
      published->set_key_id(std::string(key_id));
      published->set_record(record);
      auto appended = Append(tenant, stream, *head, std::move(event));
      if (IsVersionConflict(appended.status())) continue;  // another instance published first
      if (!appended.ok()) return appended.status();
    }
    std::string held;
    auto s = db_->Get({}, records_, crypto::KeyStore::RowKeyFor(tenant, key_id), &held);
    if (s.IsNotFound()) continue;  // erased meanwhile: the next round says so
    if (!s.ok()) return store::ToStatus(s, "published key");
    return held;
  }
  return absl::AbortedError(fmt::format("key {} of tenant {} is being published concurrently", key_id, tenant));
}

absl::Status KeyTopic::PublishErasure(std::string_view tenant, std::string_view key_id) {
  const std::string stream = StreamOf(tenant, key_id);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (auto s = runner_->CatchUp(std::chrono::steady_clock::now() + kWait); !s.ok()) return s;
    auto head = LoadHead(stream);
    if (!head.ok()) return head.status();
    if (head->version != 1) return absl::OkStatus();  // never published, or erased already
    hub::v1::KeyEvent event;
    event.mutable_erased()->set_tenant(std::string(tenant));
    event.mutable_erased()->set_key_id(std::string(key_id));
    auto appended = Append(tenant, stream, *head, std::move(event));
    if (IsVersionConflict(appended.status())) continue;
    return appended.status();
  }
  return absl::AbortedError(fmt::format("key {} of tenant {} is being erased concurrently", key_id, tenant));
}

}  // namespace hub::service
