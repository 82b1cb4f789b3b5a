#include "common/crypto/key_store.h"

#include <openssl/crypto.h>

#include <functional>

#include "common/crypto/hash_chain.h"
#include "common/crypto/pseudonym.h"
#include "common/crypto/sealing.h"
#include "common/status/status.h"
#include "fmt/format.h"

namespace hub::crypto {
namespace {

// Record layout, version 1 (all lengths big-endian u16):
//   [1: version = 1][8: KEK id][2: tenant length][tenant][2: key id length][key id]
//   [12: nonce][48: data key sealed under the KEK, tag included]
// The tenant and key id are repeated in the value so a record explains itself when read with
// RocksDB tools and so a record moved to another row is caught before the KEK is even tried.
constexpr char kRecordVersion = 1;
constexpr size_t kKekIdSize = 8;
constexpr size_t kWrappedKeySize = kDataKeySize + kSealTagSize;

// The row key: tenant codes contain no NUL (checked), so tenant || NUL || key id is unambiguous
// and keeps each tenant's keys together.
std::string RowKey(std::string_view tenant, std::string_view key_id) {
  std::string row;
  row.reserve(tenant.size() + 1 + key_id.size());
  row.append(tenant).push_back('\0');
  row.append(key_id);
  return row;
}

// Associated data of the KEK seal: binds the wrapped key to its tenant and key id.
std::string WrapContext(std::string_view tenant, std::string_view key_id) {
  std::string aad = "hub.crypto.person-key.v1";
  aad.push_back('\0');
  aad.append(RowKey(tenant, key_id));
  return aad;
}

std::string KekId(std::string_view kek) { return HmacSha256(kek, "hub.crypto.kek-id.v1").substr(0, kKekIdSize); }

void PutU16(std::string* out, size_t n) {
  out->push_back(static_cast<char>((n >> 8) & 0xff));
  out->push_back(static_cast<char>(n & 0xff));
}

std::string EncodeRecord(std::string_view kek_id, std::string_view tenant, std::string_view key_id,
                         const Sealed& wrapped) {
  std::string out;
  out.push_back(kRecordVersion);
  out.append(kek_id);
  PutU16(&out, tenant.size());
  out.append(tenant);
  PutU16(&out, key_id.size());
  out.append(key_id);
  out.append(wrapped.nonce);
  out.append(wrapped.ciphertext);
  return out;
}

struct Record {
  std::string_view kek_id, tenant, key_id;
  Sealed wrapped;
};

// A cursor that refuses to read past the end.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool Take(size_t n, std::string_view* out) {
    if (data_.size() < n) return false;
    *out = data_.substr(0, n);
    data_.remove_prefix(n);
    return true;
  }
  bool TakeU16Prefixed(std::string_view* out) {
    std::string_view len;
    if (!Take(2, &len)) return false;
    return Take((static_cast<size_t>(static_cast<unsigned char>(len[0])) << 8) |
                    static_cast<unsigned char>(len[1]),
                out);
  }
  bool AtEnd() const { return data_.empty(); }

 private:
  std::string_view data_;
};

bool DecodeRecord(std::string_view value, Record* record) {
  Reader in(value);
  std::string_view version, nonce, ciphertext;
  if (!in.Take(1, &version) || version[0] != kRecordVersion) return false;
  if (!in.Take(kKekIdSize, &record->kek_id) || !in.TakeU16Prefixed(&record->tenant) ||
      !in.TakeU16Prefixed(&record->key_id) || !in.Take(kSealNonceSize, &nonce) ||
      !in.Take(kWrappedKeySize, &ciphertext) || !in.AtEnd()) {
    return false;
  }
  record->wrapped.nonce = std::string(nonce);
  record->wrapped.ciphertext = std::string(ciphertext);
  return true;
}

void Wipe(std::string* s) { OPENSSL_cleanse(s->data(), s->size()); }

absl::Status CheckTenantName(std::string_view tenant) {
  if (tenant.empty() || tenant.size() > kMaxTenantSize || tenant.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(fmt::format(
        "tenant code must be 1..{} bytes without NUL, got {} bytes", kMaxTenantSize, tenant.size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeyStore>> KeyStore::Create(
    store::Store* store, std::map<std::string, std::string> tenant_keks, Options options) {
  if (store == nullptr) return absl::FailedPreconditionError("key store needs a store");
  rocksdb::ColumnFamilyHandle* family = store->family(Family());
  if (family == nullptr) {
    return absl::FailedPreconditionError(
        fmt::format("store {} was not opened with column family {}", store->path(), Family()));
  }
  std::map<std::string, Kek, std::less<>> keks;
  for (auto& [tenant, kek] : tenant_keks) {
    if (absl::Status s = CheckTenantName(tenant); !s.ok()) return s;
    if (kek.size() != kSealKeySize) {
      return absl::InvalidArgumentError(fmt::format("KEK of tenant {} has {} bytes, needs {}",
                                                    tenant, kek.size(), kSealKeySize));
    }
    std::string id = KekId(kek);
    keks.emplace(tenant, Kek{kek, std::move(id)});
    Wipe(&kek);
  }
  return std::unique_ptr<KeyStore>(new KeyStore(store, family, std::move(keks), options));
}

KeyStore::KeyStore(store::Store* store, rocksdb::ColumnFamilyHandle* family,
                   std::map<std::string, Kek, std::less<>> keks, Options options)
    : store_(store), family_(family), keks_(std::move(keks)), options_(options) {}

KeyStore::~KeyStore() {
  for (auto& [tenant, kek] : keks_) Wipe(&kek.key);
  for (auto& entry : lru_) Wipe(&entry.key);
}

absl::StatusOr<const KeyStore::Kek*> KeyStore::Check(std::string_view tenant,
                                                     std::string_view key_id) const {
  if (absl::Status s = CheckTenantName(tenant); !s.ok()) return s;
  if (key_id.empty() || key_id.size() > kMaxKeyIdSize) {
    return absl::InvalidArgumentError(
        fmt::format("key id must be 1..{} bytes, got {} bytes", kMaxKeyIdSize, key_id.size()));
  }
  auto it = keks_.find(tenant);
  if (it == keks_.end()) {
    return absl::FailedPreconditionError(fmt::format("no KEK configured for tenant {}", tenant));
  }
  return &it->second;
}

std::mutex& KeyStore::StripeFor(const std::string& row_key) {
  return stripes_[std::hash<std::string>{}(row_key) % stripes_.size()];
}

absl::StatusOr<std::string> KeyStore::LoadLocked(std::string_view tenant, std::string_view key_id,
                                                 const Kek& kek, const std::string& row_key) {
  const std::string what = fmt::format("key {} of tenant {}", key_id, tenant);
  std::string value;
  rocksdb::Status s = store_->db()->Get(rocksdb::ReadOptions(), family_, row_key, &value);
  if (s.IsNotFound()) return absl::NotFoundError(fmt::format("{}: no such key (never created or erased)", what));
  if (!s.ok()) return store::ToStatus(s, fmt::format("read {}", what));

  Record record;
  if (!DecodeRecord(value, &record)) return absl::DataLossError(fmt::format("{}: malformed record", what));
  if (record.tenant != tenant || record.key_id != key_id) {
    return absl::DataLossError(fmt::format("{}: record belongs to key {} of tenant {}", what,
                                           record.key_id, record.tenant));
  }
  if (record.kek_id != kek.id) {
    return absl::FailedPreconditionError(
        fmt::format("{}: wrapped with KEK {}, but the configured KEK is {} (wrong or rotated KEK)",
                    what, ToHex(record.kek_id), ToHex(kek.id)));
  }
  absl::StatusOr<std::string> key = Open(kek.key, record.wrapped, WrapContext(tenant, key_id));
  if (!key.ok()) return Annotate(key.status(), what);
  if (key->size() != kDataKeySize) {
    Wipe(&*key);
    return absl::DataLossError(fmt::format("{}: unwrapped key has {} bytes", what, key->size()));
  }
  return key;
}

absl::StatusOr<std::string> KeyStore::CreateKey(std::string_view tenant, std::string_view key_id) {
  absl::StatusOr<const Kek*> kek = Check(tenant, key_id);
  if (!kek.ok()) return kek.status();
  const std::string row_key = RowKey(tenant, key_id);
  std::string key;
  if (CacheGet(row_key, &key)) return key;

  std::lock_guard<std::mutex> stripe(StripeFor(row_key));
  absl::StatusOr<std::string> existing = LoadLocked(tenant, key_id, **kek, row_key);
  if (existing.ok()) {
    CachePut(row_key, *existing);
    return existing;
  }
  // Only a missing record may be created; anything else (wrong KEK, damage, I/O) is not "missing"
  // and overwriting it would destroy a key that may still be recoverable.
  if (!absl::IsNotFound(existing.status())) return existing.status();

  key = RandomBytes(kDataKeySize);
  absl::StatusOr<Sealed> wrapped = Seal((*kek)->key, key, WrapContext(tenant, key_id));
  if (!wrapped.ok()) return wrapped.status();
  std::string record = EncodeRecord((*kek)->id, tenant, key_id, *wrapped);
  if (options_.directory != nullptr) {
    // The directory decides which record holds; another instance may have published first.
    absl::StatusOr<std::string> held = options_.directory->PublishOnce(tenant, key_id, record);
    Wipe(&key);
    if (!held.ok()) return held.status();
    record = std::move(*held);
  }
  rocksdb::WriteOptions write;
  write.sync = true;
  rocksdb::Status s = store_->db()->Put(write, family_, row_key, record);
  if (!s.ok()) {
    Wipe(&key);
    return store::ToStatus(s, fmt::format("write key {} of tenant {}", key_id, tenant));
  }
  if (options_.directory != nullptr) {
    absl::StatusOr<std::string> held = LoadLocked(tenant, key_id, **kek, row_key);
    if (!held.ok()) return held.status();
    key = std::move(*held);
  }
  CachePut(row_key, key);
  return key;
}

std::string KeyStore::RowKeyFor(std::string_view tenant, std::string_view key_id) { return RowKey(tenant, key_id); }

void KeyStore::Forget(std::string_view tenant, std::string_view key_id) { CacheDrop(RowKey(tenant, key_id)); }

absl::StatusOr<std::string> KeyStore::GetKey(std::string_view tenant, std::string_view key_id) {
  absl::StatusOr<const Kek*> kek = Check(tenant, key_id);
  if (!kek.ok()) return kek.status();
  const std::string row_key = RowKey(tenant, key_id);
  std::string key;
  if (CacheGet(row_key, &key)) return key;

  // Loading under the stripe orders this read with EraseKey: either the erase comes first and the
  // read finds nothing, or the read caches first and the erase drops it after.
  std::lock_guard<std::mutex> stripe(StripeFor(row_key));
  absl::StatusOr<std::string> loaded = LoadLocked(tenant, key_id, **kek, row_key);
  if (loaded.ok()) CachePut(row_key, *loaded);
  return loaded;
}

absl::Status KeyStore::EraseKey(std::string_view tenant, std::string_view key_id) {
  absl::StatusOr<const Kek*> kek = Check(tenant, key_id);
  if (!kek.ok()) return kek.status();
  const std::string row_key = RowKey(tenant, key_id);
  std::lock_guard<std::mutex> stripe(StripeFor(row_key));
  if (options_.directory != nullptr) {
    if (absl::Status published = options_.directory->PublishErasure(tenant, key_id); !published.ok()) {
      return published;
    }
  }
  rocksdb::WriteOptions write;
  write.sync = true;
  rocksdb::Status s = store_->db()->Delete(write, family_, row_key);
  if (!s.ok()) return store::ToStatus(s, fmt::format("erase key {} of tenant {}", key_id, tenant));
  CacheDrop(row_key);
  return absl::OkStatus();
}

absl::StatusOr<hub::v1::SealedValue> KeyStore::SealFor(std::string_view tenant,
                                                       std::string_view key_id,
                                                       std::string_view plaintext,
                                                       std::string_view associated_data) {
  absl::StatusOr<std::string> key = GetKey(tenant, key_id);
  if (!key.ok()) return key.status();
  absl::StatusOr<Sealed> sealed = Seal(*key, plaintext, associated_data);
  Wipe(&*key);
  if (!sealed.ok()) return sealed.status();
  hub::v1::SealedValue value;
  value.set_key_id(std::string(key_id));
  value.set_nonce(std::move(sealed->nonce));
  value.set_ciphertext(std::move(sealed->ciphertext));
  return value;
}

absl::StatusOr<std::string> KeyStore::OpenFrom(std::string_view tenant,
                                               const hub::v1::SealedValue& value,
                                               std::string_view associated_data) {
  absl::StatusOr<std::string> key = GetKey(tenant, value.key_id());
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> plaintext =
      Open(*key, Sealed{value.nonce(), value.ciphertext()}, associated_data);
  Wipe(&*key);
  if (!plaintext.ok()) {
    return Annotate(plaintext.status(), fmt::format("value sealed under key {}", value.key_id()));
  }
  return plaintext;
}

bool KeyStore::CacheGet(const std::string& row_key, std::string* key) {
  if (options_.cache_capacity == 0) return false;
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = cache_.find(row_key);
  if (it == cache_.end()) return false;
  lru_.splice(lru_.begin(), lru_, it->second);
  *key = it->second->key;
  return true;
}

void KeyStore::CachePut(const std::string& row_key, const std::string& key) {
  if (options_.cache_capacity == 0) return;
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (auto it = cache_.find(row_key); it != cache_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return;  // same key: a row is only ever written once until erased
  }
  lru_.push_front(CacheEntry{row_key, key});
  cache_.emplace(row_key, lru_.begin());
  while (lru_.size() > options_.cache_capacity) {
    CacheEntry& last = lru_.back();
    Wipe(&last.key);
    cache_.erase(last.row_key);
    lru_.pop_back();
  }
}

void KeyStore::CacheDrop(const std::string& row_key) {
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = cache_.find(row_key);
  if (it == cache_.end()) return;
  Wipe(&it->second->key);
  lru_.erase(it->second);
  cache_.erase(it);
}

}  // namespace hub::crypto
