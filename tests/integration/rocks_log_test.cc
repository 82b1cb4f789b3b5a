// The EventLog conformance suite against the embedded RocksDB backend.
#include <optional>

#include "common/log/rocks_log.h"
#include "tests/conformance/log_conformance.h"
#include "tests/testing/temp_dir.h"

namespace hub::log::testing {
namespace {

class RocksLogFactory : public EventLogFactory {
 public:
  std::string Name() const override { return "rocks_log"; }
  void SetUp() override { dir_.emplace(); }
  void TearDown() override { dir_.reset(); }
  std::unique_ptr<EventLog> Open() override {
    auto log = RocksLog::Open({.path = dir_->Sub("log")});
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }

 private:
  std::optional<hub::testing::TempDir> dir_;
};

INSTANTIATE_TEST_SUITE_P(RocksLog, EventLogConformance,
                         ::testing::Values(std::make_shared<RocksLogFactory>()),
                         [](const auto& info) { return info.param->Name(); });

}  // namespace
}  // namespace hub::log::testing
