// /metrics as Prometheus sees it: scraped over plain HTTP from a running ServerHost.
#include <future>
#include <string>

#include "common/rpc/server_host.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "prometheus/counter.h"
#include "tests/integration/rpc/rpc_test_support.h"

namespace hub::rpc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerHostOptions options;
    options.listen_address = "127.0.0.1:0";
    options.metrics_address = "127.0.0.1:0";
    options.shutdown_grace = std::chrono::milliseconds(500);
    host_ = std::make_unique<ServerHost>(options);
    host_->AddService(&probe_);
    ASSERT_TRUE(host_->Start().ok());
    channel_ = testing::LoopbackChannel(host_->port());
  }

  std::string Scrape() {
    absl::StatusOr<std::string> body = testing::HttpGet(host_->metrics_port(), "/metrics");
    EXPECT_TRUE(body.ok()) << body.status();
    return body.ok() ? *body : "";
  }

  grpc::Status RunProbe(const hub::test::v1::RunRequest& request) {
    auto stub = hub::test::v1::Probe::NewStub(channel_);
    grpc::ClientContext context;
    testing::AddGoodCaller(&context);
    hub::test::v1::RunReply reply;
    return stub->Run(&context, request, &reply);
  }

  const config::Register register_ = testing::ShippedRegister();
  testing::ProbeService probe_{register_};
  std::unique_ptr<ServerHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
};

// prometheus-cpp writes labels in name order: code, method, service.
std::string HandledLine(std::string_view service, std::string_view method, std::string_view code,
                        int count) {
  return fmt::format(
      "hub_grpc_server_handled_total{{code=\"{}\",method=\"{}\",service=\"{}\"}} {}\n", code,
      method, service, count);
}

TEST_F(MetricsTest, GivenAHealthCheck_WhenScraped_ThenItIsCountedWithMethodAndCode) {
  ASSERT_EQ(testing::HealthStatus(channel_, ""), "SERVING");
  const std::string metrics = Scrape();
  EXPECT_THAT(metrics, HasSubstr("# TYPE hub_grpc_server_handled_total counter"));
  EXPECT_THAT(metrics, HasSubstr(HandledLine("grpc.health.v1.Health", "Check", "OK", 1)));
  EXPECT_THAT(metrics, HasSubstr("# TYPE hub_grpc_server_handling_seconds histogram"));
  EXPECT_THAT(metrics,
              HasSubstr("hub_grpc_server_handling_seconds_count{method=\"Check\","
                        "service=\"grpc.health.v1.Health\"} 1\n"));
  EXPECT_THAT(metrics,
              HasSubstr("hub_grpc_server_handling_seconds_bucket{method=\"Check\","
                        "service=\"grpc.health.v1.Health\",le=\"0.0005\"}"));
  EXPECT_THAT(metrics,
              HasSubstr("hub_grpc_server_handling_seconds_bucket{method=\"Check\","
                        "service=\"grpc.health.v1.Health\",le=\"5\"}"));
}

TEST_F(MetricsTest, GivenSuccessesAndRejections_WhenScraped_ThenCountedPerCode) {
  hub::test::v1::RunRequest ok;
  hub::test::v1::RunRequest rejected;
  rejected.set_reject_reason("REFERRAL_ALREADY_ANSWERED");
  ASSERT_TRUE(RunProbe(ok).ok());
  ASSERT_TRUE(RunProbe(ok).ok());
  ASSERT_EQ(RunProbe(rejected).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  const std::string metrics = Scrape();
  EXPECT_THAT(metrics, HasSubstr(HandledLine("hub.test.v1.Probe", "Run", "OK", 2)));
  EXPECT_THAT(metrics,
              HasSubstr(HandledLine("hub.test.v1.Probe", "Run", "FAILED_PRECONDITION", 1)));
  EXPECT_THAT(metrics, HasSubstr("hub_grpc_server_handling_seconds_count{method=\"Run\","
                                 "service=\"hub.test.v1.Probe\"} 3\n"));
}

TEST_F(MetricsTest, GivenCallsCarryingPersonalData_WhenScraped_ThenNoneOfItIsInTheLabels) {
  hub::test::v1::RunRequest request;
  request.set_reject_field("persons[0].bsn");
  ASSERT_EQ(RunProbe(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(RunProbe(hub::test::v1::RunRequest()).ok());

  const std::string metrics = Scrape();
  for (const char* secret : {"5f2b9c0e41d8a7c3", "woerdenwijzer", "GM0632", "casusregisseur",
                             "persons[0]", "REFERRAL"}) {
    EXPECT_THAT(metrics, Not(HasSubstr(secret))) << secret;
  }
  EXPECT_THAT(metrics, HasSubstr(HandledLine("hub.test.v1.Probe", "Run", "INVALID_ARGUMENT", 1)));
}

TEST_F(MetricsTest, GivenAMadeUpMethodName_WhenCalled_ThenTheNameDoesNotBecomeALabel) {
  grpc::GenericStub stub(channel_);
  grpc::ClientContext context;
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1);  // an empty message; a default ByteBuffer is no message
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/made.up.Service/ExfiltrateBsn123456782", grpc::StubOptions(),
                 &request, &response, [&done](grpc::Status status) { done.set_value(status); });
  EXPECT_EQ(done.get_future().get().error_code(), grpc::StatusCode::UNIMPLEMENTED);
  // A real service with a made-up method is just as unknown.
  grpc::ClientContext context2;
  std::promise<grpc::Status> done2;
  stub.UnaryCall(&context2, "/hub.test.v1.Probe/Bsn123456782", grpc::StubOptions(), &request,
                 &response, [&done2](grpc::Status status) { done2.set_value(status); });
  EXPECT_EQ(done2.get_future().get().error_code(), grpc::StatusCode::UNIMPLEMENTED);

  const std::string metrics = Scrape();
  EXPECT_THAT(metrics, Not(HasSubstr("made.up.Service")));
  EXPECT_THAT(metrics, Not(HasSubstr("ExfiltrateBsn")));
  EXPECT_THAT(metrics, Not(HasSubstr("Bsn123456782")));
  EXPECT_THAT(metrics, HasSubstr(HandledLine("unknown", "unknown", "UNIMPLEMENTED", 2)));
}

TEST_F(MetricsTest, GivenTheBinarysOwnMetrics_WhenScraped_ThenServedNextToTheRpcMetrics) {
  prometheus::BuildCounter()
      .Name("hub_events_appended_total")
      .Help("Events appended to the log.")
      .Register(*host_->registry())
      .Add({})
      .Increment(3);
  EXPECT_THAT(Scrape(), HasSubstr("hub_events_appended_total 3"));
}

TEST_F(MetricsTest, GivenAnotherPath_WhenRequested_ThenNotFound) {
  EXPECT_FALSE(testing::HttpGet(host_->metrics_port(), "/debug").ok());
}

}  // namespace
}  // namespace hub::rpc
