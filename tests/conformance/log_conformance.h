// The EventLog conformance suite: one set of tests every EventLog backend must pass unchanged.
//
// A backend's test binary links log_conformance.cc and instantiates the suite with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(RocksLog, EventLogConformance,
//                            testing::Values(std::make_shared<MyFactory>()));
//
// Topics get a unique name per test, so backends that cannot delete topics (a shared Kafka broker)
// need no clean-up between tests.
#pragma once

#include <memory>
#include <string>

#include "common/log/event_log.h"
#include "gtest/gtest.h"

namespace hub::log::testing {

class EventLogFactory {
 public:
  virtual ~EventLogFactory() = default;
  virtual std::string Name() const = 0;
  // Called once per test before any Open(): fresh, empty storage.
  virtual void SetUp() = 0;
  virtual void TearDown() = 0;
  // Opens the backend on the test's storage. Called again after the previous instance was
  // destroyed, to check that what was acknowledged survives a restart.
  virtual std::unique_ptr<EventLog> Open() = 0;
};

class EventLogConformance : public ::testing::TestWithParam<std::shared_ptr<EventLogFactory>> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // A topic name no other test uses, created with `partitions` partitions.
  std::string NewTopic(int32_t partitions);
  void Reopen();

  std::unique_ptr<EventLog> log_;
};

}  // namespace hub::log::testing
