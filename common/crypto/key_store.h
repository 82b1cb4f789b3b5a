// KeyStore: one data key per person, so that erasing the key erases the person (crypto-shredding).
//
// Events are immutable and the log is append-only, yet the AVG gives a person the right to be
// forgotten. The hub reconciles the two by sealing personal fields (hub.v1.SealedValue) under a
// per-person data key and keeping those keys here, outside the log. Erasing the key makes every
// sealed field of that person, in every event, copy and backup, permanently unreadable, while the
// events themselves (and the hash chain over them) stay intact.
//
// Storage: a RocksDB column family (Family()) of the hub's Store, one record per (tenant, key id).
// A record holds the tenant, the key id, the id of the KEK it was wrapped with and the data key
// sealed with AES-256-GCM under that tenant's key-encryption key (KEK). The seal's associated data
// names the tenant and key id, so a record copied to another key id or tenant does not open. The
// data keys are never stored in the clear; the KEKs are never stored at all (they come from
// configuration).
//
// Guarantees:
//  - CreateKey is idempotent: a key id maps to one key until it is erased. The intake service
//    derives key ids from person ids and may retry, so a retry must get the key it already used,
//    never a fresh one that would orphan what was sealed before. Concurrent creates of one key id
//    in this process agree (RocksDB's LOCK file keeps other processes out of the store).
//  - CreateKey and EraseKey return only after a synced write: a key handed out survives a crash,
//    and so does an erasure.
//  - After EraseKey returns, GetKey, OpenFrom and SealFor of that key id give NOT_FOUND, in every
//    thread (the in-memory cache is dropped under the same lock). NOT_FOUND means exactly "no key":
//    never created, or shredded. Callers show a shredded field as erased, not as an error.
//  - Everything that is not "no key" has another code, so it cannot be mistaken for a shredding:
//      FAILED_PRECONDITION  tenant without a configured KEK, or a record wrapped with another KEK
//                           (wrong or rotated KEK in the configuration);
//      DATA_LOSS            a record that is malformed, tampered with or moved to another key id;
//      INVALID_ARGUMENT     an empty or oversized tenant or key id;
//      UNAVAILABLE/...      RocksDB trouble, as store::ToStatus maps it.
//    A wrong KEK never yields a wrong key: the GCM tag fails instead.
//  - An unknown tenant is an error even for EraseKey: with a typo in the tenant code an erasure
//    would otherwise "succeed" while the person's real key stays.
//
// Erasure is crypto-shredding at the level of the key store. RocksDB writes a deletion marker; the
// old record can stay in older table files and the WAL until compaction rewrites them. That record
// is still wrapped under the tenant's KEK, so the data stays unreadable unless the KEK leaks too.
// After EraseKey, CreateKey of the same key id makes a new, different key; what was sealed under the
// old one stays unreadable.
//
// Thread-safe. Unwrapped keys are kept in a bounded in-memory LRU cache (wiped on eviction).
#pragma once

#include <array>
#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/store/store.h"
#include "hub/v1/intake_events.pb.h"

namespace hub::crypto {

inline constexpr size_t kDataKeySize = 32;      // AES-256
inline constexpr size_t kMaxTenantSize = 64;    // tenant codes are short municipality codes
inline constexpr size_t kMaxKeyIdSize = 1024;   // key ids are person ids, UUID-sized

// Where a key store shares its keys with the key stores of other services (the key topic,
// common/service/key_topic.h). Records are the exact bytes the store keeps: wrapped under the
// tenant's KEK, never a data key in the clear.
class KeyDirectory {
 public:
  virtual ~KeyDirectory() = default;
  // Makes `record` the record of (tenant, key_id) unless the directory has one already, and returns
  // the record that holds: `record`, or the one another instance published first. Every key store
  // sharing the directory thus agrees on one key per key id. FAILED_PRECONDITION when the key id
  // was erased (an erased key is never re-created).
  virtual absl::StatusOr<std::string> PublishOnce(std::string_view tenant, std::string_view key_id,
                                                  const std::string& record) = 0;
  // Tells every key store sharing the directory that (tenant, key_id) is erased.
  virtual absl::Status PublishErasure(std::string_view tenant, std::string_view key_id) = 0;
};

class KeyStore {
 public:
  struct Options {
    // How many unwrapped keys to keep in memory. 0 disables the cache (every read unwraps).
    size_t cache_capacity = 10'000;
    // Null: the keys live in this store only. Otherwise CreateKey publishes each new key there
    // before using it, and EraseKey publishes the erasure; the directory's projection writes the
    // records of every instance into this store's family. Not owned.
    KeyDirectory* directory = nullptr;
  };

  // The family row of (tenant, key_id), for the directory's projection.
  static std::string RowKeyFor(std::string_view tenant, std::string_view key_id);
  // Drops a cached key after the directory's projection erased or replaced its record.
  void Forget(std::string_view tenant, std::string_view key_id);

  // The column family holding the wrapped keys. Open the Store with it.
  static std::string Family() { return "crypto_person_keys"; }

  // `store` must outlive the KeyStore and must have been opened with Family().
  // `tenant_keks` maps tenant code -> 32-byte KEK. INVALID_ARGUMENT for a KEK of another size or an
  // empty, oversized or NUL-containing tenant code; FAILED_PRECONDITION for a null store or one
  // without the family.
  static absl::StatusOr<std::unique_ptr<KeyStore>> Create(
      store::Store* store, std::map<std::string, std::string> tenant_keks, Options options);
  static absl::StatusOr<std::unique_ptr<KeyStore>> Create(
      store::Store* store, std::map<std::string, std::string> tenant_keks) {
    return Create(store, std::move(tenant_keks), Options());
  }
  ~KeyStore();
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;

  // The key of (tenant, key_id), creating and durably storing a random one when there is none.
  // Never replaces an existing record, also not one it cannot unwrap (that is an error).
  absl::StatusOr<std::string> CreateKey(std::string_view tenant, std::string_view key_id);

  // The key of (tenant, key_id); NOT_FOUND when it was never created or has been erased.
  absl::StatusOr<std::string> GetKey(std::string_view tenant, std::string_view key_id);

  // Shreds (tenant, key_id): deletes the record (synced) and drops the cached key. OK when there
  // was no key. Does not ask the KEK, so a record wrapped with another KEK can still be erased.
  absl::Status EraseKey(std::string_view tenant, std::string_view key_id);

  // Seals `plaintext` under the existing key of (tenant, key_id). Does not create keys: sealing
  // new data for a person whose key was erased must fail (NOT_FOUND), not silently start over.
  absl::StatusOr<hub::v1::SealedValue> SealFor(std::string_view tenant, std::string_view key_id,
                                               std::string_view plaintext,
                                               std::string_view associated_data);

  // Opens a value sealed by SealFor, using the key named by value.key_id(). NOT_FOUND when that key
  // was erased (the value is shredded); DATA_LOSS when the value or `associated_data` do not match.
  absl::StatusOr<std::string> OpenFrom(std::string_view tenant, const hub::v1::SealedValue& value,
                                       std::string_view associated_data);

 private:
  struct Kek {
    std::string key;
    std::string id;  // short fingerprint stored with each record, to tell "other KEK" from damage
  };
  struct CacheEntry {
    std::string row_key;
    std::string key;
  };
  KeyStore(store::Store* store, rocksdb::ColumnFamilyHandle* family,
           std::map<std::string, Kek, std::less<>> keks, Options options);

  // The tenant's KEK after validating both names; FAILED_PRECONDITION for an unknown tenant.
  absl::StatusOr<const Kek*> Check(std::string_view tenant, std::string_view key_id) const;
  // Reads and unwraps the stored key; NOT_FOUND when there is none. Caller holds the key's stripe.
  absl::StatusOr<std::string> LoadLocked(std::string_view tenant, std::string_view key_id,
                                         const Kek& kek, const std::string& row_key);
  std::mutex& StripeFor(const std::string& row_key);

  bool CacheGet(const std::string& row_key, std::string* key);
  void CachePut(const std::string& row_key, const std::string& key);
  void CacheDrop(const std::string& row_key);

  store::Store* const store_;
  rocksdb::ColumnFamilyHandle* const family_;
  std::map<std::string, Kek, std::less<>> keks_;  // immutable after construction
  const Options options_;

  // Per-key-id locks (striped): make read-then-create atomic, and keep a slow GetKey from putting
  // a key back into the cache after a concurrent EraseKey dropped it.
  std::array<std::mutex, 64> stripes_;

  // LRU cache of unwrapped keys, most recent first. Guarded by cache_mu_, taken after a stripe.
  std::mutex cache_mu_;
  std::list<CacheEntry> lru_;
  std::unordered_map<std::string, std::list<CacheEntry>::iterator> cache_;
};

// Possible extensions: write a tombstone for an erased key id on the key topic so replicas and
// replays shred too; refuse CreateKey for a key id that was erased (needs a kept erasure marker);
// KEK rotation (re-wrap records, the record already names its KEK id); compacting the family after
// erasures so deleted records also leave the table files.
}  // namespace hub::crypto
