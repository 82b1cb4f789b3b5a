#include "common/rpc/status.h"

#include <string>

#include "absl/strings/cord.h"
#include "common/es/decider.h"
#include "common/es/rejection_payload.h"
#include "common/rpc/caller.h"
#include "common/rpc/server_host.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/rpc/rpc_test_support.h"

namespace hub::rpc {
namespace {

std::string Trailer(const grpc::ClientContext& context, const std::string& key) {
  const auto& trailers = context.GetServerTrailingMetadata();
  const auto it = trailers.find(key);
  return it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
}

std::optional<std::string> PayloadOf(const absl::Status& status, const char* url) {
  const auto payload = status.GetPayload(url);  // absl::optional, not std::optional, on Debian
  if (!payload.has_value()) return std::nullopt;
  return std::string(*payload);
}

TEST(StatusTest, GivenEveryAbslCode_WhenConverted_ThenTheSameGrpcCodeAndMessage) {
  for (int code = 0; code <= 16; ++code) {
    const absl::Status status(static_cast<absl::StatusCode>(code), "why it failed");
    const grpc::Status converted = ToGrpcStatus(status);
    EXPECT_EQ(static_cast<int>(converted.error_code()), code);
    EXPECT_EQ(converted.error_message(), code == 0 ? "" : "why it failed");
    const absl::Status back = FromGrpcStatus(converted);
    EXPECT_EQ(back.code(), status.code());
    EXPECT_EQ(back.message(), code == 0 ? "" : "why it failed");
  }
}

TEST(StatusTest, GivenACodeOutsideGrpcsRange_WhenConverted_ThenUnknown) {
  const absl::Status odd(static_cast<absl::StatusCode>(42), "odd");
  EXPECT_EQ(ToGrpcStatus(odd).error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(ToGrpcStatus(odd).error_message(), "odd");
}

class StatusOverTheWireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerHostOptions options;
    options.listen_address = "127.0.0.1:0";
    options.metrics_address = "";
    options.shutdown_grace = std::chrono::milliseconds(500);
    host_ = std::make_unique<ServerHost>(options);
    host_->AddService(&probe_);
    ASSERT_TRUE(host_->Start().ok());
    stub_ = hub::test::v1::Probe::NewStub(testing::LoopbackChannel(host_->port()));
  }

  const config::Register register_ = testing::ShippedRegister();
  testing::ProbeService probe_{register_};
  std::unique_ptr<ServerHost> host_;
  std::unique_ptr<hub::test::v1::Probe::Stub> stub_;
};

TEST_F(StatusOverTheWireTest, GivenABusinessRuleRejection_WhenFailed_ThenTheReasonTravelsAsTrailer) {
  grpc::ClientContext context;
  testing::AddGoodCaller(&context);
  hub::test::v1::RunRequest request;
  request.set_reject_reason("REFERRAL_ALREADY_ANSWERED");
  hub::test::v1::RunReply reply;
  const grpc::Status status = stub_->Run(&context, request, &reply);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "the probe was asked to refuse");
  EXPECT_EQ(Trailer(context, kReasonTrailer), "REFERRAL_ALREADY_ANSWERED");
  EXPECT_EQ(Trailer(context, kFieldTrailer), "");

  const absl::Status back = FromGrpcStatus(status, context);
  EXPECT_EQ(back.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(PayloadOf(back, es::kReasonPayloadUrl), "REFERRAL_ALREADY_ANSWERED");
  EXPECT_EQ(PayloadOf(back, es::kFieldPayloadUrl), std::nullopt);
}

TEST_F(StatusOverTheWireTest, GivenAFieldRejection_WhenFailed_ThenTheFieldTravelsAsTrailer) {
  grpc::ClientContext context;
  testing::AddGoodCaller(&context);
  hub::test::v1::RunRequest request;
  request.set_reject_field("persons[1].bsn");
  hub::test::v1::RunReply reply;
  const grpc::Status status = stub_->Run(&context, request, &reply);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "persons[1].bsn: the probe was asked to refuse this field");
  EXPECT_EQ(Trailer(context, kFieldTrailer), "persons[1].bsn");
  // es::Rejection::InvalidArgument gives every field rejection the reason INVALID_ARGUMENT.
  EXPECT_EQ(Trailer(context, kReasonTrailer), "INVALID_ARGUMENT");

  const absl::Status back = FromGrpcStatus(status, context);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PayloadOf(back, es::kFieldPayloadUrl), "persons[1].bsn");
}

TEST_F(StatusOverTheWireTest, GivenACallerRefusal_WhenFailed_ThenCodeAndMessageWithoutTrailers) {
  grpc::ClientContext context;
  testing::AddGoodCaller(&context);
  context.AddMetadata("x-hub-role", "decision_officer");  // twice: refused, not guessed
  hub::test::v1::RunReply reply;
  const grpc::Status status = stub_->Run(&context, hub::test::v1::RunRequest(), &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("x-hub-role"));
  EXPECT_EQ(context.GetServerTrailingMetadata().count(kReasonTrailer), 0u);
}

TEST_F(StatusOverTheWireTest, GivenAWrongTenant_WhenCalled_ThenPermissionDenied) {
  grpc::ClientContext context;
  context.AddMetadata(kTenantKey, "GM0335");  // Montfoort: not WoerdenWijzer's
  context.AddMetadata(kOrganisationKey, "woerdenwijzer");
  context.AddMetadata(kRoleKey, "consulent");
  context.AddMetadata(kUserKey, "5f2b9c0e41d8a7c3");
  hub::test::v1::RunReply reply;
  EXPECT_EQ(stub_->Run(&context, hub::test::v1::RunRequest(), &reply).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace hub::rpc
