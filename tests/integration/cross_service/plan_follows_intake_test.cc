// The plan service follows the intake service through the event log, on both backends:
//   - embedded: both modules on one RocksLog, as hubd runs them;
//   - kafka: each module on its own KafkaLog client and its own gRPC server, as two separate
//     processes would run (HUB_KAFKA_BROKERS; skipped without a broker).
// Nothing passes between the two services but events on the log: a plan can be drafted right
// after the melding when the caller passes intake's positions, the casusregisseur the plan
// requires is the one intake assigned (and reassigned), and a plan store lost on disk is rebuilt
// from the plan, intake and key topics, sealed texts included.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <cstdlib>

#include "common/es/clock.h"
#include "common/log/kafka_log.h"
#include "common/log/rocks_log.h"
#include "common/rpc/server_host.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "hub/v1/intake.grpc.pb.h"
#include "hub/v1/plan.grpc.pb.h"
#include "services/intake/module.h"
#include "services/plan/module.h"
#include "tests/testing/bsn.h"
#include "tests/testing/temp_dir.h"

namespace hub {
namespace {

using std::chrono::system_clock;

enum class Backend { kEmbedded, kKafka };

// Monday 2026-01-12, 09:00 in the Netherlands.
const system_clock::time_point kMonday = system_clock::time_point(std::chrono::seconds(1768204800));

struct Identity {
  std::string organisation;
  std::string role;
  std::string user;
};
const Identity kConsulent{"woerdenwijzer", "consulent", "u-consulent-1"};
const Identity kRegisseurA{"woerdenwijzer", "casusregisseur", "u-regisseur-a"};
const Identity kRegisseurB{"woerdenwijzer", "casusregisseur", "u-regisseur-b"};

std::string Reason(const grpc::ClientContext& context) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find("hub-reason");
  return it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
}

class PlanFollowsIntakeTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kKafka) {
      const char* brokers = std::getenv("HUB_KAFKA_BROKERS");
      if (brokers == nullptr || *brokers == '\0') GTEST_SKIP() << "HUB_KAFKA_BROKERS is not set (scripts/kafka.sh start)";
      brokers_ = brokers;
    }
    auto reg = config::Register::LoadFile(std::string(HUB_SOURCE_DIR) + "/deploy/config/organisations.json");
    ASSERT_TRUE(reg.ok()) << reg.status();
    register_ = std::make_unique<config::Register>(std::move(*reg));
    auto key = keys::MasterKey::FromBytes(std::string(32, 'k'));
    ASSERT_TRUE(key.ok());
    master_key_ = std::make_unique<keys::MasterKey>(std::move(*key));
    ASSERT_NO_FATAL_FAILURE(OpenLogs());
    ASSERT_NO_FATAL_FAILURE(StartIntake());
    ASSERT_NO_FATAL_FAILURE(StartPlan(dir_.Sub("plan")));
  }

  void TearDown() override {
    StopPlan();
    intake_stub_.reset();
    if (intake_host_) intake_host_->Shutdown();
    // The modules first: their metrics live in the host's registry.
    intake_.reset();
    intake_host_.reset();
  }

  // One log for both on the embedded backend; one Kafka client each otherwise.
  void OpenLogs() {
    if (GetParam() == Backend::kEmbedded) {
      auto log = log::RocksLog::Open({.path = dir_.Sub("log")});
      ASSERT_TRUE(log.ok()) << log.status();
      shared_log_ = std::move(*log);
      return;
    }
    for (auto* slot : {&intake_kafka_, &plan_kafka_}) {
      auto log = log::KafkaLog::Open({.brokers = brokers_, .client_id = "plan-follows-intake-test"});
      ASSERT_TRUE(log.ok()) << log.status();
      *slot = std::move(*log);
    }
  }

  log::EventLog* IntakeLog() {
    if (shared_log_) return shared_log_.get();
    return intake_kafka_.get();
  }
  log::EventLog* PlanLog() {
    if (shared_log_) return shared_log_.get();
    return plan_kafka_.get();
  }

  void StartIntake() {
    intake_host_ = std::make_unique<rpc::ServerHost>(rpc::ServerHostOptions{.listen_address = "127.0.0.1:0",
                                                                            .metrics_address = ""});
    auto module = intake::IntakeModule::Open({.data_dir = dir_.Sub("intake"),
                                              .partitions = 3,
                                              .log = IntakeLog(),
                                              .organisations = register_.get(),
                                              .master_key = master_key_.get(),
                                              .clock = &clock_,
                                              .metrics = intake_host_->registry().get(),
                                              .kafka = intake_kafka_.get(),
                                              .kafka_brokers = brokers_,
                                              .advertised_address = "127.0.0.1:intake-under-test"});
    ASSERT_TRUE(module.ok()) << module.status();
    intake_ = std::move(*module);
    intake_host_->AddService(intake_->service());
    ASSERT_TRUE(intake_host_->Start().ok());
    intake_stub_ = hub::v1::IntakeService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(intake_host_->port()), grpc::InsecureChannelCredentials()));
  }

  void StartPlan(const std::string& data_dir) {
    plan_host_ = std::make_unique<rpc::ServerHost>(rpc::ServerHostOptions{.listen_address = "127.0.0.1:0",
                                                                          .metrics_address = ""});
    auto module = plan::PlanModule::Open({.data_dir = data_dir,
                                          .partitions = 3,
                                          .log = PlanLog(),
                                          .organisations = register_.get(),
                                          .master_key = master_key_.get(),
                                          .clock = &clock_,
                                          .metrics = plan_host_->registry().get(),
                                          .kafka = plan_kafka_.get(),
                                          .kafka_brokers = brokers_,
                                          .advertised_address = "127.0.0.1:plan-under-test"});
    ASSERT_TRUE(module.ok()) << module.status();
    plan_ = std::move(*module);
    plan_host_->AddService(plan_->service());
    ASSERT_TRUE(plan_host_->Start().ok());
    plan_stub_ = hub::v1::PlanService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(plan_host_->port()), grpc::InsecureChannelCredentials()));
  }

  void StopPlan() {
    plan_stub_.reset();
    if (plan_host_) plan_host_->Shutdown();
    // The modules first: their metrics live in the host's registry.
    plan_.reset();
    plan_host_.reset();
  }

  std::unique_ptr<grpc::ClientContext> Context(const Identity& who) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-hub-tenant", "GM0632");
    context->AddMetadata("x-hub-organisation", who.organisation);
    context->AddMetadata("x-hub-role", who.role);
    context->AddMetadata("x-hub-user", who.user);
    context->set_deadline(system_clock::now() + std::chrono::seconds(60));
    return context;
  }

  std::string NextRequestId() { return "req-" + std::to_string(++requests_) + "-" + run_; }

  // A household new to the log: fresh BSNs every run, since a Kafka topic keeps earlier runs.
  hub::v1::RegisterMeldingReply RegisterHousehold() {
    const uint64_t seed = static_cast<uint64_t>(getpid()) * 1000003u +
                          static_cast<uint64_t>(system_clock::now().time_since_epoch().count());
    hub::v1::RegisterMeldingRequest request;
    request.mutable_header()->set_request_id(NextRequestId());
    request.set_tenant("GM0632");
    request.set_channel(hub::v1::CHANNEL_DESK);
    request.set_source(hub::v1::SIGNAL_SOURCE_SELF);
    for (auto [offset, birth, relation] : {std::tuple{0u, "1984-05-02", "parent"}, {7919u, "2013-09-14", "child"}}) {
      auto* p = request.add_persons();
      p->set_bsn(testing::ValidBsn(seed + offset));
      p->set_birth_date(birth);
      p->set_name("Persoon de Vries");
      p->set_relation(relation);
    }
    request.set_question("Hulp bij geldzaken en opvoeding");
    hub::v1::RegisterMeldingReply reply;
    auto context = Context(kConsulent);
    grpc::Status s = intake_stub_->RegisterMelding(context.get(), request, &reply);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return reply;
  }

  hub::v1::CommandReply AssignRegisseur(const std::string& household, const Identity& regisseur) {
    hub::v1::AssignRegisseurRequest request;
    request.mutable_header()->set_request_id(NextRequestId());
    request.set_household_id(household);
    request.set_organisation_id(regisseur.organisation);
    request.set_user_pseudonym(regisseur.user);
    hub::v1::CommandReply reply;
    auto context = Context(kConsulent);
    grpc::Status s = intake_stub_->AssignRegisseur(context.get(), request, &reply);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return reply;
  }

  // Drafts a plan with one goal, waiting for `after` (an intake reply's positions).
  std::string DraftWithGoal(const std::string& household, const hub::v1::CommandReply& after) {
    hub::v1::DraftPlanRequest draft;
    draft.mutable_header()->set_request_id(NextRequestId());
    *draft.mutable_header()->mutable_min_positions() = after.positions();
    draft.set_household_id(household);
    hub::v1::DraftPlanReply drafted;
    auto context = Context(kConsulent);
    grpc::Status s = plan_stub_->DraftPlan(context.get(), draft, &drafted);
    EXPECT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
    hub::v1::AddGoalRequest goal;
    goal.mutable_header()->set_request_id(NextRequestId());
    goal.set_household_id(household);
    goal.set_plan_id(drafted.plan_id());
    goal.mutable_goal()->set_life_domain("FINANCIEN");
    goal.mutable_goal()->set_result("Schulden in een regeling");
    goal.mutable_goal()->set_target_date("2026-07-01");
    goal.mutable_goal()->set_tier(hub::v1::SUPPORT_TIER_MAATWERK);
    goal.mutable_goal()->set_responsible_organisation_id("schuldhulp-woerden");
    hub::v1::GoalReply added;
    auto goal_context = Context(kConsulent);
    s = plan_stub_->AddGoal(goal_context.get(), goal, &added);
    EXPECT_TRUE(s.ok()) << s.error_message() << " " << Reason(*goal_context);
    return drafted.plan_id();
  }

  grpc::Status Agree(const std::string& household, const std::string& plan_id, int revision,
                     const std::string& resident, const Identity& who, const hub::v1::CommandReply* after,
                     std::string* reason) {
    hub::v1::AgreePlanRequest request;
    request.mutable_header()->set_request_id(NextRequestId());
    if (after != nullptr) *request.mutable_header()->mutable_min_positions() = after->positions();
    request.set_household_id(household);
    request.set_plan_id(plan_id);
    request.set_revision(revision);
    request.set_resident_person_id(resident);
    hub::v1::CommandReply reply;
    auto context = Context(who);
    grpc::Status s = plan_stub_->AgreePlan(context.get(), request, &reply);
    *reason = Reason(*context);
    return s;
  }

  hub::v1::PlanView GetPlan(const std::string& household) {
    hub::v1::GetPlanRequest request;
    request.set_household_id(household);
    hub::v1::PlanView view;
    auto context = Context(kConsulent);
    grpc::Status s = plan_stub_->GetPlan(context.get(), request, &view);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return view;
  }

  std::string brokers_;
  testing::TempDir dir_;
  es::ManualClock clock_{kMonday};
  std::unique_ptr<config::Register> register_;
  std::unique_ptr<keys::MasterKey> master_key_;
  std::unique_ptr<log::RocksLog> shared_log_;
  std::unique_ptr<log::KafkaLog> intake_kafka_;
  std::unique_ptr<log::KafkaLog> plan_kafka_;
  std::unique_ptr<rpc::ServerHost> intake_host_;
  std::unique_ptr<intake::IntakeModule> intake_;
  std::unique_ptr<hub::v1::IntakeService::Stub> intake_stub_;
  std::unique_ptr<rpc::ServerHost> plan_host_;
  std::unique_ptr<plan::PlanModule> plan_;
  std::unique_ptr<hub::v1::PlanService::Stub> plan_stub_;
  int requests_ = 0;
  std::string run_ = std::to_string(getpid()) + "-" +
                     std::to_string(system_clock::now().time_since_epoch().count());
};

TEST_P(PlanFollowsIntakeTest, APlanIsDraftedRightAfterTheMeldingWhenTheCallerPassesIntakesPositions) {
  const auto melding = RegisterHousehold();
  ASSERT_FALSE(melding.result().positions().empty());
  const std::string household = melding.result().household_id();

  const std::string plan_id = DraftWithGoal(household, melding.result());
  ASSERT_FALSE(plan_id.empty());
  const auto view = GetPlan(household);
  EXPECT_EQ(view.plan_id(), plan_id);
  EXPECT_EQ(view.status(), hub::v1::PLAN_STATUS_DRAFT);
  ASSERT_EQ(view.goals_size(), 1);
  EXPECT_EQ(view.goals(0).result(), "Schulden in een regeling");
}

TEST_P(PlanFollowsIntakeTest, AHouseholdIntakeNeverRegisteredGetsNoPlan) {
  hub::v1::DraftPlanRequest draft;
  draft.mutable_header()->set_request_id(NextRequestId());
  draft.set_household_id("0190a5e0-0000-7000-8000-" + std::to_string(1000000000000 + requests_));
  hub::v1::DraftPlanReply reply;
  auto context = Context(kConsulent);
  grpc::Status s = plan_stub_->DraftPlan(context.get(), draft, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_EQ(Reason(*context), "HOUSEHOLD_NOT_FOUND");
}

TEST_P(PlanFollowsIntakeTest, TheRegisseurWhoAgreesIsTheOneIntakeAssignedAndFollowsAReassignment) {
  const auto melding = RegisterHousehold();
  const std::string household = melding.result().household_id();
  const std::string anouk = melding.person_ids(0);
  const std::string plan_id = DraftWithGoal(household, melding.result());
  std::string reason;

  // No casusregisseur yet: nobody can agree for the team.
  grpc::Status s = Agree(household, plan_id, 1, anouk, kRegisseurA, nullptr, &reason);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_EQ(reason, "NO_REGISSEUR");

  // Intake assigns A; the plan service learns it from the intake topic.
  const auto assigned_a = AssignRegisseur(household, kRegisseurA);
  s = Agree(household, plan_id, 1, anouk, kRegisseurB, &assigned_a, &reason);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(reason, "NOT_THE_REGISSEUR");
  s = Agree(household, plan_id, 1, anouk, kRegisseurA, &assigned_a, &reason);
  ASSERT_TRUE(s.ok()) << s.error_message() << " " << reason;
  auto view = GetPlan(household);
  EXPECT_EQ(view.status(), hub::v1::PLAN_STATUS_ACTIVE);
  EXPECT_EQ(view.regisseur_user_pseudonym(), kRegisseurA.user);

  // A change opens revision 2; intake reassigns the case to B, and A may no longer agree.
  hub::v1::ChangeGoalRequest change;
  change.mutable_header()->set_request_id(NextRequestId());
  change.set_household_id(household);
  change.set_plan_id(plan_id);
  change.set_goal_id(view.goals(0).goal_id());
  change.mutable_goal()->set_life_domain("FINANCIEN");
  change.mutable_goal()->set_result("Schulden in een regeling en vaste lasten betaald");
  change.mutable_goal()->set_target_date("2026-09-01");
  change.mutable_goal()->set_tier(hub::v1::SUPPORT_TIER_MAATWERK);
  change.mutable_goal()->set_responsible_organisation_id("schuldhulp-woerden");
  hub::v1::GoalReply changed;
  auto context = Context(kConsulent);
  ASSERT_TRUE(plan_stub_->ChangeGoal(context.get(), change, &changed).ok());
  EXPECT_EQ(changed.revision(), 2);

  const auto assigned_b = AssignRegisseur(household, kRegisseurB);
  s = Agree(household, plan_id, 2, anouk, kRegisseurA, &assigned_b, &reason);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  s = Agree(household, plan_id, 2, anouk, kRegisseurB, &assigned_b, &reason);
  ASSERT_TRUE(s.ok()) << s.error_message() << " " << reason;
  view = GetPlan(household);
  EXPECT_EQ(view.agreed_revision(), 2);
  ASSERT_EQ(view.history_size(), 2);
  EXPECT_EQ(view.history(0).regisseur_user_pseudonym(), kRegisseurA.user);
  EXPECT_EQ(view.history(1).regisseur_user_pseudonym(), kRegisseurB.user);
}

TEST_P(PlanFollowsIntakeTest, APlanStoreLostOnDiskIsRebuiltFromThePlanIntakeAndKeyTopics) {
  const auto melding = RegisterHousehold();
  const std::string household = melding.result().household_id();
  const auto assigned = AssignRegisseur(household, kRegisseurA);
  const std::string plan_id = DraftWithGoal(household, assigned);
  std::string reason;
  ASSERT_TRUE(Agree(household, plan_id, 1, melding.person_ids(0), kRegisseurA, nullptr, &reason).ok()) << reason;
  hub::v1::PlanView before = GetPlan(household);

  StopPlan();
  ASSERT_NO_FATAL_FAILURE(StartPlan(dir_.Sub("plan-rebuilt")));  // an empty store
  hub::v1::PlanView after = GetPlan(household);

  // Everything comes back from the topics: plan state, the intake facts (the regisseur) and, from
  // the key topic, the household's data key, so the sealed texts open again.
  EXPECT_EQ(after.goals(0).result(), "Schulden in een regeling");
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(before, after)) << diff;
  EXPECT_EQ(after.regisseur_user_pseudonym(), kRegisseurA.user);
}

INSTANTIATE_TEST_SUITE_P(Backends, PlanFollowsIntakeTest, ::testing::Values(Backend::kEmbedded, Backend::kKafka),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kEmbedded ? "Embedded" : "Kafka";
                         });

}  // namespace
}  // namespace hub
