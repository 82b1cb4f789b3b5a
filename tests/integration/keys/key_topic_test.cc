// The key topic: data keys shared between the key stores of several services through the log, on
// both backends (Kafka when HUB_KAFKA_BROKERS is set). Each "service" here is a store, a KeyStore
// with the KeyTopic as its directory, and a ProjectionRunner following hub.keys.events.v1, exactly
// as the modules wire them.
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "common/es/clock.h"
#include "common/es/projection_runner.h"
#include "common/log/kafka_log.h"
#include "common/log/rocks_log.h"
#include "common/service/key_topic.h"
#include "common/store/store.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace hub::service {
namespace {

enum class Backend { kEmbedded, kKafka };

const std::string kTenant = "GM0632";

// One service's key side: store, key store, key topic projection and runner.
struct KeySide {
  std::unique_ptr<KeyTopic> topic;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<crypto::KeyStore> keys;
  std::unique_ptr<es::ProjectionRunner> runner;

  static std::unique_ptr<KeySide> Open(log::EventLog* log, const es::Clock* clock, const std::string& dir,
                                       const std::string& name) {
    auto side = std::make_unique<KeySide>();
    side->topic = std::make_unique<KeyTopic>(log, clock);
    std::vector<es::Projection*> projections{side->topic.get()};
    auto store = store::Store::Open(dir, es::ProjectionRunner::FamiliesFor(projections));
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return nullptr;
    side->store = std::move(*store);
    auto keys = crypto::KeyStore::Create(side->store.get(), {{kTenant, std::string(32, 'K')}},
                                         {.cache_capacity = 100, .directory = side->topic.get()});
    EXPECT_TRUE(keys.ok()) << keys.status();
    if (!keys.ok()) return nullptr;
    side->keys = std::move(*keys);
    side->runner = std::make_unique<es::ProjectionRunner>(
        log, side->store.get(), projections, es::ProjectionRunnerOptions{.name = name, .topics = {KeyTopic::Topic()}});
    side->topic->Attach(side->runner.get(), side->keys.get());
    EXPECT_TRUE(side->runner->Start().ok());
    return side;
  }

  absl::Status CatchUp() { return runner->CatchUp(std::chrono::steady_clock::now() + std::chrono::seconds(60)); }

  ~KeySide() { runner.reset(); }
};

class KeyTopicTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kEmbedded) {
      auto log = log::RocksLog::Open({.path = dir_.Sub("log")});
      ASSERT_TRUE(log.ok()) << log.status();
      log_ = std::move(*log);
    } else {
      const char* brokers = std::getenv("HUB_KAFKA_BROKERS");
      if (brokers == nullptr || *brokers == '\0') GTEST_SKIP() << "HUB_KAFKA_BROKERS is not set (scripts/kafka.sh start)";
      auto log = log::KafkaLog::Open({.brokers = brokers, .client_id = "key-topic-test"});
      ASSERT_TRUE(log.ok()) << log.status();
      log_ = std::move(*log);
    }
    ASSERT_TRUE(log_->CreateTopic(KeyTopic::Topic(), 3).ok());
    intake_ = KeySide::Open(log_.get(), &clock_, dir_.Sub("intake"), "intake");
    referral_ = KeySide::Open(log_.get(), &clock_, dir_.Sub("referral"), "referral");
    ASSERT_NE(intake_, nullptr);
    ASSERT_NE(referral_, nullptr);
  }

  void TearDown() override {
    intake_.reset();
    referral_.reset();
  }

  // Key ids are fresh per run: a Kafka topic keeps earlier runs' keys.
  std::string FreshKeyId() {
    return "person-" + std::to_string(getpid()) + "-" +
           std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "-" + std::to_string(++n_);
  }

  testing::TempDir dir_;
  es::ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1768204800))};
  std::unique_ptr<log::EventLog> log_;
  std::unique_ptr<KeySide> intake_;
  std::unique_ptr<KeySide> referral_;
  int n_ = 0;
};

TEST_P(KeyTopicTest, AValueSealedByOneServiceOpensInAnotherThatFollowsTheTopic) {
  const std::string person = FreshKeyId();
  ASSERT_TRUE(intake_->keys->CreateKey(kTenant, person).ok());
  auto sealed = intake_->keys->SealFor(kTenant, person, "Anouk de Vries", person);
  ASSERT_TRUE(sealed.ok()) << sealed.status();

  ASSERT_TRUE(referral_->CatchUp().ok());
  auto opened = referral_->keys->OpenFrom(kTenant, *sealed, person);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "Anouk de Vries");
}

TEST_P(KeyTopicTest, TwoServicesCreatingTheSameKeyIdAtOnceAgreeOnOneKey) {
  const std::string person = FreshKeyId();
  absl::StatusOr<std::string> a, b;
  std::thread first([&] { a = intake_->keys->CreateKey(kTenant, person); });
  std::thread second([&] { b = referral_->keys->CreateKey(kTenant, person); });
  first.join();
  second.join();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*a, *b);
  // And later reads agree too.
  ASSERT_TRUE(intake_->CatchUp().ok());
  EXPECT_EQ(*intake_->keys->GetKey(kTenant, person), *b);
}

TEST_P(KeyTopicTest, AnErasureShredsTheKeyInEveryServiceAndTheKeyIsNeverCreatedAgain) {
  const std::string person = FreshKeyId();
  ASSERT_TRUE(intake_->keys->CreateKey(kTenant, person).ok());
  auto sealed = intake_->keys->SealFor(kTenant, person, "Daan de Vries", person);
  ASSERT_TRUE(sealed.ok());
  ASSERT_TRUE(referral_->CatchUp().ok());
  ASSERT_TRUE(referral_->keys->OpenFrom(kTenant, *sealed, person).ok());  // cached there now

  ASSERT_TRUE(intake_->keys->EraseKey(kTenant, person).ok());
  ASSERT_TRUE(referral_->CatchUp().ok());
  EXPECT_EQ(referral_->keys->OpenFrom(kTenant, *sealed, person).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(intake_->keys->OpenFrom(kTenant, *sealed, person).status().code(), absl::StatusCode::kNotFound);

  auto again = referral_->keys->CreateKey(kTenant, person);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition) << again.status();
}

TEST_P(KeyTopicTest, AServiceThatLostItsStoreGetsEveryKeyBackFromTheTopic) {
  const std::string person = FreshKeyId();
  ASSERT_TRUE(intake_->keys->CreateKey(kTenant, person).ok());
  auto sealed = intake_->keys->SealFor(kTenant, person, "Anouk de Vries", person);
  ASSERT_TRUE(sealed.ok());

  intake_.reset();
  auto rebuilt = KeySide::Open(log_.get(), &clock_, dir_.Sub("intake-rebuilt"), "intake");
  ASSERT_NE(rebuilt, nullptr);
  ASSERT_TRUE(rebuilt->CatchUp().ok());
  auto opened = rebuilt->keys->OpenFrom(kTenant, *sealed, person);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "Anouk de Vries");
}

INSTANTIATE_TEST_SUITE_P(Backends, KeyTopicTest, ::testing::Values(Backend::kEmbedded, Backend::kKafka),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kEmbedded ? "Embedded" : "Kafka";
                         });

}  // namespace
}  // namespace hub::service
