// The beschikking service follows the intake and plan services through the event log, on both
// backends:
//   - embedded: the three modules on one RocksLog, as hubd runs them;
//   - kafka: each module on its own KafkaLog client and its own gRPC server, as three separate
//     processes would run (HUB_KAFKA_BROKERS; skipped without a broker).
// Nothing passes between the services but events on the log: an aanvraag is submitted right after
// the melding and triage when the caller passes intake's positions, the beschikking references the
// triage intake recorded and the plan the plan service drafted, and a beschikking store lost on disk
// is rebuilt from the topics with every toewijzing version's valid and record time.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <cstdlib>

#include "common/es/clock.h"
#include "common/es/envelope.h"
#include "common/log/kafka_log.h"
#include "common/log/rocks_log.h"
#include "common/rpc/server_host.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "hub/v1/beschikking.grpc.pb.h"
#include "hub/v1/intake.grpc.pb.h"
#include "hub/v1/plan.grpc.pb.h"
#include "services/beschikking/module.h"
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
const Identity kOfficer{"woerden-beschikkingen", "decision_officer", "u-officer-1"};
const Identity kDeLinde{"zorgaanbieder-de-linde", "zorgverlener", "u-linde-1"};

std::string Reason(const grpc::ClientContext& context) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find("hub-reason");
  return it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
}

class BeschikkingFollowsIntakeTest : public ::testing::TestWithParam<Backend> {
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
    ASSERT_NO_FATAL_FAILURE(StartIntakeAndPlan());
    ASSERT_NO_FATAL_FAILURE(StartBeschikking(dir_.Sub("beschikking")));
  }

  void TearDown() override {
    StopBeschikking();
    intake_stub_.reset();
    plan_stub_.reset();
    if (host_) host_->Shutdown();
    // The modules first: their metrics live in the host's registry.
    plan_.reset();
    intake_.reset();
    host_.reset();
  }

  // One log for all on the embedded backend; one Kafka client each otherwise.
  void OpenLogs() {
    if (GetParam() == Backend::kEmbedded) {
      auto log = log::RocksLog::Open({.path = dir_.Sub("log")});
      ASSERT_TRUE(log.ok()) << log.status();
      shared_log_ = std::move(*log);
      return;
    }
    for (auto* slot : {&intake_kafka_, &plan_kafka_, &beschikking_kafka_}) {
      auto log = log::KafkaLog::Open({.brokers = brokers_, .client_id = "beschikking-follows-intake-test"});
      ASSERT_TRUE(log.ok()) << log.status();
      *slot = std::move(*log);
    }
  }

  log::EventLog* LogFor(const std::unique_ptr<log::KafkaLog>& kafka) {
    if (shared_log_) return shared_log_.get();
    return kafka.get();
  }

  // Intake and plan on one server (they follow nothing of the beschikking service).
  void StartIntakeAndPlan() {
    host_ = std::make_unique<rpc::ServerHost>(rpc::ServerHostOptions{.listen_address = "127.0.0.1:0",
                                                                     .metrics_address = ""});
    auto intake = intake::IntakeModule::Open({.data_dir = dir_.Sub("intake"),
                                              .partitions = 3,
                                              .log = LogFor(intake_kafka_),
                                              .organisations = register_.get(),
                                              .master_key = master_key_.get(),
                                              .clock = &clock_,
                                              .metrics = host_->registry().get(),
                                              .kafka = intake_kafka_.get(),
                                              .kafka_brokers = brokers_,
                                              .advertised_address = "127.0.0.1:intake-under-test"});
    ASSERT_TRUE(intake.ok()) << intake.status();
    intake_ = std::move(*intake);
    auto plan = plan::PlanModule::Open({.data_dir = dir_.Sub("plan"),
                                        .partitions = 3,
                                        .log = LogFor(plan_kafka_),
                                        .organisations = register_.get(),
                                        .master_key = master_key_.get(),
                                        .clock = &clock_,
                                        .metrics = host_->registry().get(),
                                        .kafka = plan_kafka_.get(),
                                        .kafka_brokers = brokers_,
                                        .advertised_address = "127.0.0.1:plan-under-test"});
    ASSERT_TRUE(plan.ok()) << plan.status();
    plan_ = std::move(*plan);
    host_->AddService(intake_->service());
    host_->AddService(plan_->service());
    ASSERT_TRUE(host_->Start().ok());
    auto channel =
        grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->port()), grpc::InsecureChannelCredentials());
    intake_stub_ = hub::v1::IntakeService::NewStub(channel);
    plan_stub_ = hub::v1::PlanService::NewStub(channel);
  }

  void StartBeschikking(const std::string& data_dir) {
    beschikking_host_ = std::make_unique<rpc::ServerHost>(rpc::ServerHostOptions{.listen_address = "127.0.0.1:0",
                                                                                 .metrics_address = ""});
    auto module = beschikking::BeschikkingModule::Open(
        {.data_dir = data_dir,
         .catalogue_path = std::string(HUB_SOURCE_DIR) + "/deploy/config/products.json",
         .partitions = 3,
         .log = LogFor(beschikking_kafka_),
         .organisations = register_.get(),
         .master_key = master_key_.get(),
         .clock = &clock_,
         .metrics = beschikking_host_->registry().get(),
         .kafka = beschikking_kafka_.get(),
         .kafka_brokers = brokers_,
         .advertised_address = "127.0.0.1:beschikking-under-test"});
    ASSERT_TRUE(module.ok()) << module.status();
    beschikking_ = std::move(*module);
    beschikking_host_->AddService(beschikking_->service());
    ASSERT_TRUE(beschikking_host_->Start().ok());
    stub_ = hub::v1::BeschikkingService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(beschikking_host_->port()), grpc::InsecureChannelCredentials()));
  }

  void StopBeschikking() {
    stub_.reset();
    if (beschikking_host_) beschikking_host_->Shutdown();
    // The modules first: their metrics live in the host's registry.
    beschikking_.reset();
    beschikking_host_.reset();
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

  // A household new to the log (fresh BSNs every run, since a Kafka topic keeps earlier runs),
  // triaged; returns intake's reply to the triage and fills the ids.
  hub::v1::CommandReply TriagedHousehold(std::string* household, std::string* melding, std::string* adult) {
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
    request.set_question("Hulp in het huishouden en bij de opvoeding");
    hub::v1::RegisterMeldingReply registered;
    auto context = Context(kConsulent);
    grpc::Status s = intake_stub_->RegisterMelding(context.get(), request, &registered);
    EXPECT_TRUE(s.ok()) << s.error_message();
    *household = registered.result().household_id();
    *melding = registered.melding_id();
    *adult = registered.person_ids_size() > 0 ? registered.person_ids(0) : "";
    hub::v1::CompleteTriageRequest triage;
    triage.mutable_header()->set_request_id(NextRequestId());
    triage.set_household_id(*household);
    triage.set_melding_id(*melding);
    triage.set_triage_class("ENKELVOUDIG");
    (*triage.mutable_zrm_scores())["HUISELIJKE_RELATIES"] = 2;
    hub::v1::CommandReply triaged;
    auto triage_context = Context(kConsulent);
    s = intake_stub_->CompleteTriage(triage_context.get(), triage, &triaged);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return triaged;
  }

  hub::v1::SubmitAanvraagReply Submit(const std::string& household, const std::string& person,
                                      const hub::v1::CommandReply* after, std::string* reason) {
    hub::v1::SubmitAanvraagRequest request;
    request.mutable_header()->set_request_id(NextRequestId());
    if (after != nullptr) *request.mutable_header()->mutable_min_positions() = after->positions();
    request.set_household_id(household);
    request.set_person_id(person);
    request.set_law(hub::v1::LAW_WMO);
    request.set_requested_provision("Hulp bij het huishouden");
    hub::v1::SubmitAanvraagReply reply;
    auto context = Context(kConsulent);
    grpc::Status s = stub_->SubmitAanvraag(context.get(), request, &reply);
    *reason = Reason(*context);
    if (!s.ok()) reply.Clear();
    return reply;
  }

  hub::v1::IssueBeschikkingReply Grant(const std::string& household, const std::string& aanvraag_id,
                                       const hub::v1::CommandReply* after) {
    hub::v1::IssueBeschikkingRequest request;
    request.mutable_header()->set_request_id(NextRequestId());
    if (after != nullptr) *request.mutable_header()->mutable_min_positions() = after->positions();
    request.set_household_id(household);
    request.set_aanvraag_id(aanvraag_id);
    request.mutable_decision()->set_outcome(hub::v1::BESCHIKKING_OUTCOME_GRANTED);
    request.mutable_decision()->set_motivation("Begeleiding is nodig om zelfstandig te blijven wonen.");
    auto* line = request.mutable_decision()->add_products();
    line->set_product_code("02A01");
    line->set_volume(3);
    line->set_unit(hub::v1::UNIT_HOUR);
    line->set_frequency(hub::v1::FREQUENCY_PER_WEEK);
    line->set_start_date("2026-01-19");
    line->set_end_date("2026-12-31");
    line->set_form(hub::v1::DELIVERY_FORM_ZIN);
    line->set_provider_agb_code("98001234");
    hub::v1::IssueBeschikkingReply reply;
    auto context = Context(kOfficer);
    grpc::Status s = stub_->IssueBeschikking(context.get(), request, &reply);
    EXPECT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
    return reply;
  }

  hub::v1::BeschikkingenView Get(const std::string& household) {
    hub::v1::GetBeschikkingenRequest request;
    request.set_household_id(household);
    hub::v1::BeschikkingenView view;
    auto context = Context(kConsulent);
    grpc::Status s = stub_->GetBeschikkingen(context.get(), request, &view);
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
  std::unique_ptr<log::KafkaLog> beschikking_kafka_;
  std::unique_ptr<rpc::ServerHost> host_;
  std::unique_ptr<intake::IntakeModule> intake_;
  std::unique_ptr<plan::PlanModule> plan_;
  std::unique_ptr<hub::v1::IntakeService::Stub> intake_stub_;
  std::unique_ptr<hub::v1::PlanService::Stub> plan_stub_;
  std::unique_ptr<rpc::ServerHost> beschikking_host_;
  std::unique_ptr<beschikking::BeschikkingModule> beschikking_;
  std::unique_ptr<hub::v1::BeschikkingService::Stub> stub_;
  int requests_ = 0;
  std::string run_ = std::to_string(getpid()) + "-" +
                     std::to_string(system_clock::now().time_since_epoch().count());
};

TEST_P(BeschikkingFollowsIntakeTest, AnAanvraagIsSubmittedRightAfterTheTriageWhenTheCallerPassesIntakesPositions) {
  std::string household, melding, adult, reason;
  const auto triaged = TriagedHousehold(&household, &melding, &adult);
  ASSERT_FALSE(triaged.positions().empty());
  const auto aanvraag = Submit(household, adult, &triaged, &reason);
  ASSERT_FALSE(aanvraag.aanvraag_id().empty()) << reason;
  EXPECT_EQ(aanvraag.decision_due(), "2026-01-26");
  const auto view = Get(household);
  ASSERT_EQ(view.aanvragen_size(), 1);
  EXPECT_EQ(view.aanvragen(0).person_id(), adult);
  EXPECT_EQ(view.aanvragen(0).requested_provision(), "Hulp bij het huishouden");
}

TEST_P(BeschikkingFollowsIntakeTest, AHouseholdIntakeNeverRegisteredGetsNoAanvraag) {
  std::string reason;
  const auto reply =
      Submit("0190a5e0-0000-7000-8000-" + std::to_string(1000000000000 + requests_), "person-nobody", nullptr, &reason);
  EXPECT_TRUE(reply.aanvraag_id().empty());
  EXPECT_EQ(reason, "HOUSEHOLD_NOT_FOUND");
}

TEST_P(BeschikkingFollowsIntakeTest, TheBeschikkingReferencesTheTriageIntakeRecordedAndThePlanThePlanServiceDrafted) {
  std::string household, melding, adult, reason;
  const auto triaged = TriagedHousehold(&household, &melding, &adult);
  hub::v1::DraftPlanRequest draft;
  draft.mutable_header()->set_request_id(NextRequestId());
  *draft.mutable_header()->mutable_min_positions() = triaged.positions();
  draft.set_household_id(household);
  draft.set_melding_id(melding);
  hub::v1::DraftPlanReply drafted;
  auto context = Context(kConsulent);
  ASSERT_TRUE(plan_stub_->DraftPlan(context.get(), draft, &drafted).ok());

  const auto aanvraag = Submit(household, adult, &triaged, &reason);
  ASSERT_FALSE(aanvraag.aanvraag_id().empty()) << reason;
  const auto granted = Grant(household, aanvraag.aanvraag_id(), &drafted.result());
  ASSERT_EQ(granted.toewijzingen_size(), 1);
  EXPECT_EQ(granted.toewijzingen(0).toewijzingnummer().size(), 8u);
  const auto view = Get(household);
  ASSERT_EQ(view.beschikkingen_size(), 1);
  EXPECT_EQ(view.beschikkingen(0).triage_melding_id(), melding);
  EXPECT_EQ(view.beschikkingen(0).triage_class(), "ENKELVOUDIG");
  EXPECT_EQ(view.beschikkingen(0).plan_id(), drafted.plan_id());

  // The provider reports the start through the same log.
  clock_.Advance(std::chrono::hours(24 * 7));
  hub::v1::ReportStartZorgRequest start;
  start.mutable_header()->set_request_id(NextRequestId());
  start.set_household_id(household);
  start.set_toewijzing_id(granted.toewijzingen(0).toewijzing_id());
  start.set_start_date("2026-01-19");
  hub::v1::CommandReply started;
  auto provider = Context(kDeLinde);
  grpc::Status s = stub_->ReportStartZorg(provider.get(), start, &started);
  ASSERT_TRUE(s.ok()) << s.error_message() << " " << Reason(*provider);
  EXPECT_TRUE(Get(household).toewijzingen(0).delivering());
}

TEST_P(BeschikkingFollowsIntakeTest, ABeschikkingStoreLostOnDiskIsRebuiltFromTheTopicsWithBothTimesOfEveryVersion) {
  std::string household, melding, adult, reason;
  const auto triaged = TriagedHousehold(&household, &melding, &adult);
  const auto aanvraag = Submit(household, adult, &triaged, &reason);
  ASSERT_FALSE(aanvraag.aanvraag_id().empty()) << reason;
  const auto granted = Grant(household, aanvraag.aanvraag_id(), nullptr);
  ASSERT_EQ(granted.toewijzingen_size(), 1);
  // A retroactive correction: effective 2026-01-14, recorded five days later.
  clock_.Advance(std::chrono::hours(24 * 5));
  hub::v1::CorrectToewijzingRequest correct;
  correct.mutable_header()->set_request_id(NextRequestId());
  es::ToTimestamp(kMonday + std::chrono::hours(48), correct.mutable_header()->mutable_occurred_at());
  correct.set_household_id(household);
  correct.set_toewijzing_id(granted.toewijzingen(0).toewijzing_id());
  correct.set_ingangsdatum("2026-01-14");
  correct.set_einddatum("2026-12-31");
  correct.set_reden_wijziging(hub::v1::REDEN_WIJZIGING_ADMINISTRATIEVE_CORRECTIE);
  correct.set_explanation("Startdatum verkeerd ingevoerd.");
  hub::v1::CommandReply corrected;
  auto context = Context(kOfficer);
  grpc::Status s = stub_->CorrectToewijzing(context.get(), correct, &corrected);
  ASSERT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
  hub::v1::BeschikkingenView before = Get(household);

  StopBeschikking();
  ASSERT_NO_FATAL_FAILURE(StartBeschikking(dir_.Sub("beschikking-rebuilt")));  // an empty store
  hub::v1::BeschikkingenView after = Get(household);

  // Everything comes back from the topics: the toewijzing history with its valid and record times,
  // and, through the key topic, the household's data key, so the sealed texts open again.
  EXPECT_EQ(after.beschikkingen(0).motivation(), "Begeleiding is nodig om zelfstandig te blijven wonen.");
  ASSERT_EQ(after.toewijzingen_size(), 1);
  ASSERT_EQ(after.toewijzingen(0).history_size(), 2);
  EXPECT_EQ(es::FromTimestamp(after.toewijzingen(0).history(1).valid_from()), kMonday + std::chrono::hours(48));
  EXPECT_EQ(es::FromTimestamp(after.toewijzingen(0).history(1).recorded_at()), kMonday + std::chrono::hours(24 * 5));
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(before, after)) << diff;
}

INSTANTIATE_TEST_SUITE_P(Backends, BeschikkingFollowsIntakeTest, ::testing::Values(Backend::kEmbedded, Backend::kKafka),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kEmbedded ? "Embedded" : "Kafka";
                         });

}  // namespace
}  // namespace hub
