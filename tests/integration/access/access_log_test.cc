// The access log over real gRPC: a ServerHost with the log-backed access writer, hosting intake,
// plan and referral as hubd does. Every call to a hub service, reads and refusals included, leaves
// exactly one AccessRecorded on hub.access.events.v1, naming caller, subject, action, purpose,
// outcome and the trace id the call's events carry; a call whose record cannot be written is not
// answered.
#include <grpcpp/grpcpp.h>

#include <map>

#include "common/es/clock.h"
#include "common/es/envelope.h"
#include "common/log/rocks_log.h"
#include "common/rpc/server_host.h"
#include "common/service/access_writer.h"
#include "gtest/gtest.h"
#include "hub/v1/intake.grpc.pb.h"
#include "hub/v1/plan.grpc.pb.h"
#include "hub/v1/referral.grpc.pb.h"
#include "services/intake/module.h"
#include "services/plan/module.h"
#include "services/referral/module.h"
#include "tests/testing/temp_dir.h"

namespace hub {
namespace {

using std::chrono::system_clock;

const system_clock::time_point kMonday = system_clock::time_point(std::chrono::seconds(1768204800));

struct Identity {
  std::string organisation;
  std::string role;
  std::string user;
};
const Identity kConsulent{"woerdenwijzer", "consulent", "u-consulent-1"};
const Identity kSchool{"basisschool-de-regenboog", "signaalgever", "u-school-1"};
const Identity kFermwerk{"fermwerk", "consulent", "u-fermwerk-1"};

// A writer that refuses, to show that a call without its record is not answered.
class RefusingWriter final : public rpc::AccessLogWriter {
 public:
  absl::Status Write(hub::v1::AccessRecorded) override { return absl::UnavailableError("disk full"); }
};

class AccessLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto reg = config::Register::LoadFile(std::string(HUB_SOURCE_DIR) + "/deploy/config/organisations.json");
    ASSERT_TRUE(reg.ok()) << reg.status();
    register_ = std::make_unique<config::Register>(std::move(*reg));
    auto key = keys::MasterKey::FromBytes(std::string(32, 'k'));
    ASSERT_TRUE(key.ok());
    master_key_ = std::make_unique<keys::MasterKey>(std::move(*key));
    auto log = log::RocksLog::Open({.path = dir_.Sub("log")});
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    auto writer = service::LogAccessWriter::Open(log_.get(), &clock_, "access-test", 4);
    ASSERT_TRUE(writer.ok()) << writer.status();
    writer_ = std::move(*writer);
  }

  void TearDown() override { Stop(); }

  void Start(rpc::AccessLogWriter* writer) {
    host_ = std::make_unique<rpc::ServerHost>(rpc::ServerHostOptions{
        .listen_address = "127.0.0.1:0", .metrics_address = "", .access_log = writer, .resource = "access-test"});
    auto intake = intake::IntakeModule::Open({.data_dir = dir_.Sub("intake"), .partitions = 4, .log = log_.get(),
                                              .organisations = register_.get(), .master_key = master_key_.get(),
                                              .clock = &clock_});
    ASSERT_TRUE(intake.ok()) << intake.status();
    intake_ = std::move(*intake);
    auto plan = plan::PlanModule::Open({.data_dir = dir_.Sub("plan"), .partitions = 4, .log = log_.get(),
                                        .organisations = register_.get(), .master_key = master_key_.get(),
                                        .clock = &clock_});
    ASSERT_TRUE(plan.ok()) << plan.status();
    plan_ = std::move(*plan);
    auto referral = referral::ReferralModule::Open({.data_dir = dir_.Sub("referral"), .partitions = 4,
                                                    .log = log_.get(), .organisations = register_.get(),
                                                    .master_key = master_key_.get(), .clock = &clock_});
    ASSERT_TRUE(referral.ok()) << referral.status();
    referral_ = std::move(*referral);
    host_->AddService(intake_->service());
    host_->AddService(plan_->service());
    host_->AddService(referral_->service());
    ASSERT_TRUE(host_->Start().ok());
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->port()), grpc::InsecureChannelCredentials());
    intake_stub_ = hub::v1::IntakeService::NewStub(channel);
    plan_stub_ = hub::v1::PlanService::NewStub(channel);
    referral_stub_ = hub::v1::ReferralService::NewStub(channel);
  }

  void Stop() {
    intake_stub_.reset();
    plan_stub_.reset();
    referral_stub_.reset();
    if (host_) host_->Shutdown();
    // The modules first: their metrics live in the host's registry.
    referral_.reset();
    plan_.reset();
    intake_.reset();
    host_.reset();
  }

  std::unique_ptr<grpc::ClientContext> Context(const Identity& who) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-hub-tenant", "GM0632");
    context->AddMetadata("x-hub-organisation", who.organisation);
    context->AddMetadata("x-hub-role", who.role);
    context->AddMetadata("x-hub-user", who.user);
    context->set_deadline(system_clock::now() + std::chrono::seconds(20));
    return context;
  }

  hub::v1::RegisterMeldingReply Register() {
    hub::v1::RegisterMeldingRequest request;
    request.mutable_header()->set_request_id("melding-" + std::to_string(++requests_));
    request.set_tenant("GM0632");
    auto* p = request.add_persons();
    p->set_bsn("111222333");
    p->set_birth_date("1984-05-02");
    p->set_name("Anouk de Vries");
    p->set_relation("parent");
    hub::v1::RegisterMeldingReply reply;
    auto context = Context(kConsulent);
    EXPECT_TRUE(intake_stub_->RegisterMelding(context.get(), request, &reply).ok());
    return reply;
  }

  // Every access record on the topic, in log order, with its envelope.
  std::vector<hub::v1::EventEnvelope> AccessRecords() {
    std::vector<hub::v1::EventEnvelope> out;
    const std::string topic = service::LogAccessWriter::Topic();
    auto partitions = log_->PartitionCount(topic);
    EXPECT_TRUE(partitions.ok());
    for (int32_t p = 0; p < *partitions; ++p) {
      std::vector<log::Record> records;
      EXPECT_TRUE(log_->Read({topic, p}, 0, 100000, &records).ok());
      for (const auto& r : records) {
        hub::v1::LogRecord log_record;
        hub::v1::EventEnvelope envelope;
        EXPECT_TRUE(es::Unseal(r.value, &log_record, &envelope).ok());
        out.push_back(std::move(envelope));
      }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.stream_version() < b.stream_version(); });
    return out;
  }

  // Records of one operation.
  std::vector<hub::v1::AccessRecorded> Of(std::string_view operation) {
    std::vector<hub::v1::AccessRecorded> out;
    for (const auto& e : AccessRecords()) {
      if (e.access().recorded().operation() == operation) out.push_back(e.access().recorded());
    }
    return out;
  }

  testing::TempDir dir_;
  es::ManualClock clock_{kMonday};
  std::unique_ptr<config::Register> register_;
  std::unique_ptr<keys::MasterKey> master_key_;
  std::unique_ptr<log::RocksLog> log_;
  std::unique_ptr<service::LogAccessWriter> writer_;
  std::unique_ptr<rpc::ServerHost> host_;
  std::unique_ptr<intake::IntakeModule> intake_;
  std::unique_ptr<plan::PlanModule> plan_;
  std::unique_ptr<referral::ReferralModule> referral_;
  std::unique_ptr<hub::v1::IntakeService::Stub> intake_stub_;
  std::unique_ptr<hub::v1::PlanService::Stub> plan_stub_;
  std::unique_ptr<hub::v1::ReferralService::Stub> referral_stub_;
  int requests_ = 0;
};

TEST_F(AccessLogTest, ACommandIsRecordedWithItsCallerSubjectActionAndTheTraceIdOfItsEvents) {
  ASSERT_NO_FATAL_FAILURE(Start(writer_.get()));
  const auto reply = Register();
  const auto records = Of("hub.v1.IntakeService/RegisterMelding");
  ASSERT_EQ(records.size(), 1u);
  const auto& r = records[0];
  EXPECT_EQ(r.organisation_id(), "woerdenwijzer");
  EXPECT_EQ(r.role(), "consulent");
  EXPECT_EQ(r.user_pseudonym(), "u-consulent-1");
  EXPECT_EQ(r.tenant(), "GM0632");
  // The household was created by the call: the subject comes from the reply.
  EXPECT_EQ(r.data_subject_id(), reply.result().household_id());
  EXPECT_EQ(r.data_subject_id_type(), "HOUSEHOLD");
  EXPECT_EQ(r.action(), hub::v1::ACCESS_ACTION_CREATE);
  EXPECT_EQ(r.processing_activity(), "urn:hub:verwerking:intake");
  EXPECT_EQ(r.outcome(), "OK");
  EXPECT_EQ(r.resource(), "access-test");
  EXPECT_EQ(r.trace_id().size(), 32u);
  // The events of the command carry the trace id the interceptor started.
  std::vector<log::Record> intake_records;
  ASSERT_TRUE(log_->Read({reply.result().positions(0).topic(), reply.result().positions(0).partition()}, 0, 1000,
                         &intake_records)
                  .ok());
  bool found = false;
  for (const auto& rec : intake_records) {
    hub::v1::LogRecord lr;
    hub::v1::EventEnvelope e;
    ASSERT_TRUE(es::Unseal(rec.value, &lr, &e).ok());
    if (e.household_id() == reply.result().household_id()) found |= e.trace_id() == r.trace_id();
  }
  EXPECT_TRUE(found) << "no event of the command carries the access record's trace id";
  // Personal data never reaches the access log.
  for (const auto& e : AccessRecords()) {
    EXPECT_EQ(e.SerializeAsString().find("Anouk"), std::string::npos);
    EXPECT_EQ(e.SerializeAsString().find("111222333"), std::string::npos);
  }
}

TEST_F(AccessLogTest, EveryServicesReadsAreRecordedAgainstTheHousehold) {
  ASSERT_NO_FATAL_FAILURE(Start(writer_.get()));
  const auto reply = Register();
  const std::string household = reply.result().household_id();
  {
    hub::v1::GetHouseholdRequest request;
    request.set_household_id(household);
    hub::v1::Household view;
    auto context = Context(kConsulent);
    ASSERT_TRUE(intake_stub_->GetHousehold(context.get(), request, &view).ok());
  }
  {
    hub::v1::GetPlanRequest request;
    request.set_household_id(household);
    hub::v1::PlanView view;
    auto context = Context(kConsulent);
    EXPECT_EQ(plan_stub_->GetPlan(context.get(), request, &view).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    hub::v1::GetReferralsRequest request;
    request.set_household_id(household);
    hub::v1::HouseholdReferrals view;
    auto context = Context(kFermwerk);
    EXPECT_FALSE(referral_stub_->GetReferrals(context.get(), request, &view).ok());
  }
  for (const auto& [operation, outcome] : std::vector<std::pair<std::string, std::string>>{
           {"hub.v1.IntakeService/GetHousehold", "OK"},
           {"hub.v1.PlanService/GetPlan", "NOT_FOUND"},
           {"hub.v1.ReferralService/GetReferrals", "NOT_FOUND"}}) {
    const auto records = Of(operation);
    ASSERT_EQ(records.size(), 1u) << operation;
    EXPECT_EQ(records[0].action(), hub::v1::ACCESS_ACTION_READ) << operation;
    EXPECT_EQ(records[0].data_subject_id(), household) << operation;
    EXPECT_EQ(records[0].outcome(), outcome) << operation;
  }
  EXPECT_EQ(Of("hub.v1.ReferralService/GetReferrals")[0].organisation_id(), "fermwerk");
}

TEST_F(AccessLogTest, RefusedCallsAndSearchesAreRecordedToo) {
  ASSERT_NO_FATAL_FAILURE(Start(writer_.get()));
  const auto reply = Register();
  {
    hub::v1::GetHouseholdRequest request;
    request.set_household_id(reply.result().household_id());
    hub::v1::Household view;
    auto context = Context(kSchool);
    EXPECT_EQ(intake_stub_->GetHousehold(context.get(), request, &view).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    hub::v1::ListPlansRequest request;
    hub::v1::ListPlansResponse list;
    auto context = Context(kConsulent);
    context->AddMetadata("x-hub-processing-activity", "urn:nl:gm0632:verwerking:casusoverleg");
    ASSERT_TRUE(plan_stub_->ListPlans(context.get(), request, &list).ok());
  }
  const auto refused = Of("hub.v1.IntakeService/GetHousehold");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].organisation_id(), "basisschool-de-regenboog");
  EXPECT_EQ(refused[0].outcome(), "PERMISSION_DENIED");
  const auto search = Of("hub.v1.PlanService/ListPlans");
  ASSERT_EQ(search.size(), 1u);
  EXPECT_EQ(search[0].action(), hub::v1::ACCESS_ACTION_SEARCH);
  EXPECT_EQ(search[0].data_subject_id(), "");
  EXPECT_EQ(search[0].processing_activity(), "urn:nl:gm0632:verwerking:casusoverleg");
}

TEST_F(AccessLogTest, TheAccessStreamIsHashChainedFromVersionOne) {
  ASSERT_NO_FATAL_FAILURE(Start(writer_.get()));
  Register();
  Register();
  const std::string topic = service::LogAccessWriter::Topic();
  std::map<int64_t, hub::v1::LogRecord> by_version;
  for (int32_t p = 0; p < 4; ++p) {
    std::vector<log::Record> records;
    ASSERT_TRUE(log_->Read({topic, p}, 0, 1000, &records).ok());
    for (const auto& r : records) {
      hub::v1::LogRecord lr;
      hub::v1::EventEnvelope e;
      ASSERT_TRUE(es::Unseal(r.value, &lr, &e).ok());
      EXPECT_EQ(e.household_id(), writer_->stream());
      by_version[static_cast<int64_t>(e.stream_version())] = lr;
    }
  }
  ASSERT_EQ(by_version.size(), 2u);
  EXPECT_EQ(by_version.begin()->first, 1);
  EXPECT_EQ(by_version.at(2).prev_hash(), by_version.at(1).hash());
}

TEST_F(AccessLogTest, ACallWhoseAccessRecordCannotBeWrittenIsNotAnswered) {
  RefusingWriter refusing;
  ASSERT_NO_FATAL_FAILURE(Start(&refusing));
  hub::v1::ListMeldingenRequest request;
  hub::v1::ListMeldingenResponse reply;
  auto context = Context(kConsulent);
  grpc::Status s = intake_stub_->ListMeldingen(context.get(), request, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST(AccessActionTest, MethodNamesMapToNen7513Actions) {
  EXPECT_EQ(rpc::ActionOf("GetPlan"), hub::v1::ACCESS_ACTION_READ);
  EXPECT_EQ(rpc::ActionOf("ReplayHousehold"), hub::v1::ACCESS_ACTION_READ);
  EXPECT_EQ(rpc::ActionOf("ListReferrals"), hub::v1::ACCESS_ACTION_SEARCH);
  EXPECT_EQ(rpc::ActionOf("ExportHistory"), hub::v1::ACCESS_ACTION_EXPORT);
  EXPECT_EQ(rpc::ActionOf("RegisterMelding"), hub::v1::ACCESS_ACTION_CREATE);
  EXPECT_EQ(rpc::ActionOf("WithdrawConsent"), hub::v1::ACCESS_ACTION_CHANGE);
  EXPECT_EQ(rpc::DefaultProcessingActivity("hub.v1.ReferralService"), "urn:hub:verwerking:referral");
}

}  // namespace
}  // namespace hub
