#include "common/crypto/key_store.h"

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto/hash_chain.h"
#include "common/crypto/pseudonym.h"
#include "common/crypto/sealing.h"
#include "common/store/store.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace hub::crypto {
namespace {

const std::string kKekUtrecht(32, 'U');
const std::string kKekZwolle(32, 'Z');

std::map<std::string, std::string> Keks() {
  return {{"GM0344", kKekUtrecht}, {"GM0193", kKekZwolle}};
}

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  // Closes the key store and the database, then opens both again from disk.
  void Reopen(std::map<std::string, std::string> keks = Keks(), KeyStore::Options options = {}) {
    keys_.reset();
    store_.reset();
    absl::StatusOr<std::unique_ptr<store::Store>> store =
        store::Store::Open(dir_.Sub("db"), {KeyStore::Family()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    absl::StatusOr<std::unique_ptr<KeyStore>> keys = KeyStore::Create(store_.get(), std::move(keks), options);
    ASSERT_TRUE(keys.ok()) << keys.status();
    keys_ = *std::move(keys);
  }

  std::string MustCreate(std::string_view tenant, std::string_view key_id) {
    absl::StatusOr<std::string> key = keys_->CreateKey(tenant, key_id);
    EXPECT_TRUE(key.ok()) << key.status();
    return key.ok() ? *key : std::string();
  }

  // The raw stored record of (tenant, key_id); the row key format is tenant NUL key id.
  std::string RawRecord(const std::string& tenant, const std::string& key_id) {
    std::string value;
    EXPECT_TRUE(store_->db()
                    ->Get(rocksdb::ReadOptions(), store_->family(KeyStore::Family()),
                          tenant + std::string(1, '\0') + key_id, &value)
                    .ok());
    return value;
  }
  void PutRaw(const std::string& tenant, const std::string& key_id, const std::string& value) {
    ASSERT_TRUE(store_->db()
                    ->Put(rocksdb::WriteOptions(), store_->family(KeyStore::Family()),
                          tenant + std::string(1, '\0') + key_id, value)
                    .ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<KeyStore> keys_;
};

TEST_F(KeyStoreTest, CreateGetErase) {
  std::string key = MustCreate("GM0344", "person-1");
  EXPECT_EQ(key.size(), kDataKeySize);
  absl::StatusOr<std::string> got = keys_->GetKey("GM0344", "person-1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, key);

  ASSERT_TRUE(keys_->EraseKey("GM0344", "person-1").ok());
  EXPECT_EQ(keys_->GetKey("GM0344", "person-1").status().code(), absl::StatusCode::kNotFound);
  // Erasing again, or erasing what never existed, is fine.
  EXPECT_TRUE(keys_->EraseKey("GM0344", "person-1").ok());
  EXPECT_TRUE(keys_->EraseKey("GM0344", "never-created").ok());
}

TEST_F(KeyStoreTest, NeverCreatedIsNotFound) {
  EXPECT_EQ(keys_->GetKey("GM0344", "nobody").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(KeyStoreTest, CreateIsIdempotent) {
  std::string first = MustCreate("GM0344", "person-1");
  EXPECT_EQ(MustCreate("GM0344", "person-1"), first);
  // Also without the cache, i.e. from the stored record.
  Reopen(Keks(), KeyStore::Options{.cache_capacity = 0});
  EXPECT_EQ(MustCreate("GM0344", "person-1"), first);
  EXPECT_NE(MustCreate("GM0344", "person-2"), first);
}

TEST_F(KeyStoreTest, KeysAreRandomAndPerTenant) {
  std::string utrecht = MustCreate("GM0344", "person-1");
  std::string zwolle = MustCreate("GM0193", "person-1");
  EXPECT_NE(utrecht, zwolle);
  ASSERT_TRUE(keys_->EraseKey("GM0193", "person-1").ok());
  absl::StatusOr<std::string> still = keys_->GetKey("GM0344", "person-1");
  ASSERT_TRUE(still.ok()) << still.status();
  EXPECT_EQ(*still, utrecht);
}

TEST_F(KeyStoreTest, KeysSurviveReopening) {
  std::string key = MustCreate("GM0344", "person-1");
  MustCreate("GM0344", "person-2");
  ASSERT_TRUE(keys_->EraseKey("GM0344", "person-2").ok());
  Reopen();
  absl::StatusOr<std::string> got = keys_->GetKey("GM0344", "person-1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, key);
  EXPECT_EQ(keys_->GetKey("GM0344", "person-2").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(KeyStoreTest, StoredRecordIsWrappedAndNamesItsKey) {
  std::string key = MustCreate("GM0344", "person-1");
  std::string raw = RawRecord("GM0344", "person-1");
  EXPECT_EQ(raw.find(key), std::string::npos) << "data key stored in the clear";
  EXPECT_NE(raw.find("GM0344"), std::string::npos);
  EXPECT_NE(raw.find("person-1"), std::string::npos);
}

TEST_F(KeyStoreTest, WrongKekCannotUnwrap) {
  std::string key = MustCreate("GM0344", "person-1");
  Reopen({{"GM0344", std::string(32, 'X')}});
  absl::StatusOr<std::string> got = keys_->GetKey("GM0344", "person-1");
  ASSERT_FALSE(got.ok()) << "unwrapped to " << ToHex(*got);
  EXPECT_NE(got.status().code(), absl::StatusCode::kNotFound) << "must not look shredded";
  EXPECT_EQ(got.status().code(), absl::StatusCode::kFailedPrecondition) << got.status();
  // CreateKey must not "repair" the record by replacing the key.
  EXPECT_FALSE(keys_->CreateKey("GM0344", "person-1").ok());
  // With the right KEK the original key is still there.
  Reopen();
  absl::StatusOr<std::string> again = keys_->GetKey("GM0344", "person-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, key);
}

TEST_F(KeyStoreTest, WrongKekFailsAuthenticationEvenWithMatchingKekId) {
  MustCreate("GM0344", "person-1");
  // Make a record whose KEK id claims the other KEK: the GCM tag must still refuse it. White-box:
  // relies on the record layout (version byte, then the 8-byte KEK id) and the KEK id derivation.
  std::string raw = RawRecord("GM0344", "person-1");
  std::string impostor_kek(32, 'X');
  std::string impostor_id = HmacSha256(impostor_kek, "hub.crypto.kek-id.v1").substr(0, 8);
  raw.replace(1, 8, impostor_id);
  PutRaw("GM0344", "person-1", raw);
  Reopen({{"GM0344", impostor_kek}}, KeyStore::Options{.cache_capacity = 0});
  absl::StatusOr<std::string> got = keys_->GetKey("GM0344", "person-1");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << got.status();
}

TEST_F(KeyStoreTest, TamperedOrMovedRecordIsDataLoss) {
  MustCreate("GM0344", "person-1");
  MustCreate("GM0344", "person-2");
  Reopen(Keks(), KeyStore::Options{.cache_capacity = 0});

  std::string raw = RawRecord("GM0344", "person-1");
  std::string flipped = raw;
  flipped.back() ^= 0x01;  // inside the tag
  PutRaw("GM0344", "person-1", flipped);
  EXPECT_EQ(keys_->GetKey("GM0344", "person-1").status().code(), absl::StatusCode::kDataLoss);

  PutRaw("GM0344", "person-2", raw);  // person-1's record copied onto person-2
  EXPECT_EQ(keys_->GetKey("GM0344", "person-2").status().code(), absl::StatusCode::kDataLoss);

  PutRaw("GM0344", "person-1", raw.substr(0, raw.size() - 1));  // truncated
  EXPECT_EQ(keys_->GetKey("GM0344", "person-1").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(KeyStoreTest, SealForAndOpenFrom) {
  MustCreate("GM0344", "person-1");
  absl::StatusOr<hub::v1::SealedValue> sealed =
      keys_->SealFor("GM0344", "person-1", "Jan Jansen", "household/9/member/name");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->key_id(), "person-1");
  EXPECT_EQ(sealed->nonce().size(), kSealNonceSize);

  absl::StatusOr<std::string> opened = keys_->OpenFrom("GM0344", *sealed, "household/9/member/name");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "Jan Jansen");

  EXPECT_EQ(keys_->OpenFrom("GM0344", *sealed, "household/9/member/relation").status().code(),
            absl::StatusCode::kDataLoss);
  hub::v1::SealedValue other_person = *sealed;
  MustCreate("GM0344", "person-2");
  other_person.set_key_id("person-2");
  EXPECT_EQ(keys_->OpenFrom("GM0344", other_person, "household/9/member/name").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(KeyStoreTest, SealForDoesNotCreateKeys) {
  EXPECT_EQ(keys_->SealFor("GM0344", "person-1", "x", "").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(KeyStoreTest, ErasedKeyShredsSealedValues) {
  MustCreate("GM0344", "person-1");
  absl::StatusOr<hub::v1::SealedValue> sealed = keys_->SealFor("GM0344", "person-1", "Jan Jansen", "aad");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  ASSERT_TRUE(keys_->OpenFrom("GM0344", *sealed, "aad").ok());  // key now cached

  ASSERT_TRUE(keys_->EraseKey("GM0344", "person-1").ok());
  EXPECT_EQ(keys_->OpenFrom("GM0344", *sealed, "aad").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(keys_->SealFor("GM0344", "person-1", "x", "aad").status().code(),
            absl::StatusCode::kNotFound);

  // A new key under the same id does not bring the old data back.
  MustCreate("GM0344", "person-1");
  EXPECT_EQ(keys_->OpenFrom("GM0344", *sealed, "aad").status().code(), absl::StatusCode::kDataLoss);
  Reopen();
  EXPECT_FALSE(keys_->OpenFrom("GM0344", *sealed, "aad").ok());
}

TEST_F(KeyStoreTest, UnknownTenantIsAnError) {
  for (const absl::Status& s : {keys_->CreateKey("GM9999", "p").status(),
                                keys_->GetKey("GM9999", "p").status(),
                                keys_->EraseKey("GM9999", "p"),
                                keys_->SealFor("GM9999", "p", "x", "").status()}) {
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  }
  hub::v1::SealedValue value;
  value.set_key_id("p");
  EXPECT_EQ(keys_->OpenFrom("GM9999", value, "").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(KeyStoreTest, InvalidNamesAreRejected) {
  EXPECT_EQ(keys_->CreateKey("GM0344", "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(keys_->CreateKey("", "p").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(keys_->GetKey("GM0344", std::string(kMaxKeyIdSize + 1, 'p')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(KeyStoreTest, CreateValidatesConfiguration) {
  EXPECT_EQ(KeyStore::Create(store_.get(), {{"GM0344", std::string(16, 'k')}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyStore::Create(store_.get(), {{"", kKekUtrecht}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyStore::Create(nullptr, Keks()).status().code(), absl::StatusCode::kFailedPrecondition);

  absl::StatusOr<std::unique_ptr<store::Store>> bare = store::Store::Open(dir_.Sub("bare"), {});
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(KeyStore::Create(bare->get(), Keks()).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(KeyStoreTest, SmallCacheEvictsButKeepsKeys) {
  Reopen(Keks(), KeyStore::Options{.cache_capacity = 3});
  std::map<std::string, std::string> created;
  for (int i = 0; i < 20; ++i) {
    std::string id = "person-" + std::to_string(i);
    created[id] = MustCreate("GM0344", id);
  }
  for (const auto& [id, key] : created) {
    absl::StatusOr<std::string> got = keys_->GetKey("GM0344", id);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, key) << id;
  }
  ASSERT_TRUE(keys_->EraseKey("GM0344", "person-19").ok());
  EXPECT_EQ(keys_->GetKey("GM0344", "person-19").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(KeyStoreTest, ConcurrentCreatesOfOneIdAgree) {
  Reopen(Keks(), KeyStore::Options{.cache_capacity = 0});
  constexpr int kThreads = 8;
  std::vector<std::string> keys(kThreads);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      absl::StatusOr<std::string> key = keys_->CreateKey("GM0344", "contended");
      if (key.ok()) keys[t] = *key;
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  absl::StatusOr<std::string> stored = keys_->GetKey("GM0344", "contended");
  ASSERT_TRUE(stored.ok()) << stored.status();
  for (const std::string& key : keys) EXPECT_EQ(key, *stored);
}

TEST_F(KeyStoreTest, ConcurrentCreateReadEraseSmoke) {
  Reopen(Keks(), KeyStore::Options{.cache_capacity = 16});
  constexpr int kThreads = 8;
  constexpr int kIds = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string tenant = t % 2 == 0 ? "GM0344" : "GM0193";
      for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < kIds; ++i) {
          const std::string id = "person-" + std::to_string(i);
          absl::StatusOr<std::string> created = keys_->CreateKey(tenant, id);
          if (!created.ok()) { ++failures; continue; }
          absl::StatusOr<std::string> got = keys_->GetKey(tenant, id);
          // Another thread may erase ids >= 30 in between; anything else must read back the same.
          if (got.ok() ? *got != *created && i < 30 : !(absl::IsNotFound(got.status()) && i >= 30)) {
            ++failures;
          }
          if (i >= 30 && (i + t) % 3 == 0 && !keys_->EraseKey(tenant, id).ok()) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  // Ids below 30 were never erased: every thread of a tenant must have ended on one shared key.
  for (const char* tenant : {"GM0344", "GM0193"}) {
    for (int i = 0; i < 30; ++i) {
      EXPECT_TRUE(keys_->GetKey(tenant, "person-" + std::to_string(i)).ok());
    }
  }
}

}  // namespace
}  // namespace hub::crypto
