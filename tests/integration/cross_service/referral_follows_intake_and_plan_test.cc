// The referral service follows the intake and plan services through the event log, on both
// backends:
//   - embedded: the three modules on one RocksLog, as hubd runs them;
//   - kafka: each module on its own KafkaLog client, its own store and its own gRPC server, as three
//     separate processes would run (HUB_KAFKA_BROKERS; skipped without a broker).
// Nothing passes between the services but events on the log: a referral can be requested right
// after the consent when the caller passes intake's (and the plan's) positions; the handover
// dossier opens the names intake sealed and the goal results the plan sealed, so the data keys
// travel through the key topic; a consent withdrawn in intake shrinks the dossier once the reader
// passes intake's positions; and a referral store lost on disk is rebuilt from the referral,
// intake, plan and key topics, byte for byte.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "common/es/clock.h"
#include "common/log/kafka_log.h"
#include "common/log/rocks_log.h"
#include "common/rpc/server_host.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"
#include "hub/v1/intake.grpc.pb.h"
#include "hub/v1/plan.grpc.pb.h"
#include "hub/v1/referral.grpc.pb.h"
#include "services/intake/module.h"
#include "services/plan/module.h"
#include "services/referral/module.h"
#include "tests/testing/bsn.h"
#include "tests/testing/temp_dir.h"

namespace hub {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using std::chrono::system_clock;
using Positions = google::protobuf::RepeatedPtrField<hub::v1::Position>;

enum class Backend { kEmbedded, kKafka };

// Monday 2026-01-12, 09:00 in the Netherlands.
const system_clock::time_point kMonday = system_clock::time_point(std::chrono::seconds(1768204800));
constexpr auto kDay = std::chrono::hours(24);
const std::string kPurpose = "warme overdracht";
const std::string kAnouk = "Anouk de Vries";
const std::string kDaan = "Daan de Vries";
const std::string kDebtsGoal = "Anouk heeft een betalingsregeling voor de huurachterstand.";
const std::string kWorkGoal = "Anouk werkt zestien uur per week.";

struct Identity {
  std::string organisation;
  std::string role;
  std::string user;
};
const Identity kConsulent{"woerdenwijzer", "consulent", "u-consulent-1"};
const Identity kFermwerk{"fermwerk", "consulent", "u-fermwerk-1"};

std::string Reason(const grpc::ClientContext& context) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find("hub-reason");
  return it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
}

// The message's bytes with map entries in key order, so equal messages give equal bytes.
std::string Deterministic(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&out);
  }
  return bytes;
}

void Append(const Positions& from, Positions* to) {
  for (const auto& p : from) *to->Add() = p;
}

// What intake and the plan know after the setup, and the referral to fermwerk.
struct Journey {
  std::string household;
  std::string anouk;
  std::string daan;
  std::string wide_consent;     // CONTACT, HOUSEHOLD_COMPOSITION, TRIAGE, PLAN, FINANCIAL
  std::string contact_consent;  // CONTACT only
  std::string plan_id;
  std::string debts_goal;
  std::string work_goal;
  std::string referral_id;
};

class ReferralFollowsIntakeAndPlanTest : public ::testing::TestWithParam<Backend> {
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
    ASSERT_NO_FATAL_FAILURE(StartPlan());
    ASSERT_NO_FATAL_FAILURE(StartReferral(dir_.Sub("referral")));
  }

  void TearDown() override {
    StopReferral();
    plan_stub_.reset();
    if (plan_host_) plan_host_->Shutdown();
    // The modules first: their metrics live in the host's registry.
    plan_.reset();
    plan_host_.reset();
    intake_stub_.reset();
    if (intake_host_) intake_host_->Shutdown();
    // The modules first: their metrics live in the host's registry.
    intake_.reset();
    intake_host_.reset();
  }

  // One log for all three on the embedded backend; one Kafka client each otherwise.
  void OpenLogs() {
    if (GetParam() == Backend::kEmbedded) {
      auto log = log::RocksLog::Open({.path = dir_.Sub("log")});
      ASSERT_TRUE(log.ok()) << log.status();
      shared_log_ = std::move(*log);
      return;
    }
    for (auto* slot : {&intake_kafka_, &plan_kafka_, &referral_kafka_}) {
      auto log = log::KafkaLog::Open({.brokers = brokers_, .client_id = "referral-follows-intake-and-plan-test"});
      ASSERT_TRUE(log.ok()) << log.status();
      *slot = std::move(*log);
    }
  }

  log::EventLog* LogFor(const std::unique_ptr<log::KafkaLog>& kafka) {
    if (shared_log_) return shared_log_.get();
    return kafka.get();
  }

  static std::unique_ptr<rpc::ServerHost> NewHost() {
    return std::make_unique<rpc::ServerHost>(rpc::ServerHostOptions{.listen_address = "127.0.0.1:0",
                                                                    .metrics_address = ""});
  }

  static std::shared_ptr<grpc::Channel> ChannelTo(const rpc::ServerHost& host) {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(host.port()), grpc::InsecureChannelCredentials());
  }

  void StartIntake() {
    intake_host_ = NewHost();
    auto module = intake::IntakeModule::Open({.data_dir = dir_.Sub("intake"),
                                              .partitions = 3,
                                              .log = LogFor(intake_kafka_),
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
    intake_stub_ = hub::v1::IntakeService::NewStub(ChannelTo(*intake_host_));
  }

  void StartPlan() {
    plan_host_ = NewHost();
    auto module = plan::PlanModule::Open({.data_dir = dir_.Sub("plan"),
                                          .partitions = 3,
                                          .log = LogFor(plan_kafka_),
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
    plan_stub_ = hub::v1::PlanService::NewStub(ChannelTo(*plan_host_));
  }

  void StartReferral(const std::string& data_dir) {
    referral_host_ = NewHost();
    auto module = referral::ReferralModule::Open({.data_dir = data_dir,
                                                  .partitions = 3,
                                                  .log = LogFor(referral_kafka_),
                                                  .organisations = register_.get(),
                                                  .master_key = master_key_.get(),
                                                  .clock = &clock_,
                                                  .metrics = referral_host_->registry().get(),
                                                  .kafka = referral_kafka_.get(),
                                                  .kafka_brokers = brokers_,
                                                  .advertised_address = "127.0.0.1:referral-under-test"});
    ASSERT_TRUE(module.ok()) << module.status();
    referral_ = std::move(*module);
    referral_host_->AddService(referral_->service());
    ASSERT_TRUE(referral_host_->Start().ok());
    referral_stub_ = hub::v1::ReferralService::NewStub(ChannelTo(*referral_host_));
  }

  void StopReferral() {
    referral_stub_.reset();
    if (referral_host_) referral_host_->Shutdown();
    // The modules first: their metrics live in the host's registry.
    referral_.reset();
    referral_host_.reset();
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

  google::protobuf::Timestamp InDays(int days) {
    google::protobuf::Timestamp ts;
    ts.set_seconds(std::chrono::duration_cast<std::chrono::seconds>((clock_.Now() + days * kDay).time_since_epoch())
                       .count());
    return ts;
  }

  // ---- intake ---------------------------------------------------------------------------------

  hub::v1::RecordConsentReply RecordConsent(const Journey& j, const std::vector<std::string>& categories) {
    hub::v1::RecordConsentRequest request;
    request.mutable_header()->set_request_id(NextRequestId());
    request.set_household_id(j.household);
    request.set_person_id(j.anouk);
    request.set_recipient_organisation_id("fermwerk");
    for (const auto& c : categories) request.add_data_categories(c);
    request.set_purpose(kPurpose);
    *request.mutable_valid_until() = InDays(180);
    hub::v1::RecordConsentReply reply;
    auto context = Context(kConsulent);
    grpc::Status s = intake_stub_->RecordConsent(context.get(), request, &reply);
    EXPECT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
    return reply;
  }

  hub::v1::CommandReply WithdrawConsent(const Journey& j, const std::string& consent_id) {
    hub::v1::WithdrawConsentRequest request;
    request.mutable_header()->set_request_id(NextRequestId());
    request.set_household_id(j.household);
    request.set_consent_id(consent_id);
    hub::v1::CommandReply reply;
    auto context = Context(kConsulent);
    grpc::Status s = intake_stub_->WithdrawConsent(context.get(), request, &reply);
    EXPECT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
    return reply;
  }

  hub::v1::Household IntakeView(const std::string& household) {
    hub::v1::GetHouseholdRequest request;
    request.set_household_id(household);
    hub::v1::Household view;
    auto context = Context(kConsulent);
    grpc::Status s = intake_stub_->GetHousehold(context.get(), request, &view);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return view;
  }

  // ---- plan -----------------------------------------------------------------------------------

  hub::v1::GoalReply AddGoal(const Journey& j, const std::string& life_domain, const std::string& result) {
    hub::v1::AddGoalRequest request;
    request.mutable_header()->set_request_id(NextRequestId());
    request.set_household_id(j.household);
    request.set_plan_id(j.plan_id);
    request.mutable_goal()->set_life_domain(life_domain);
    request.mutable_goal()->set_result(result);
    request.mutable_goal()->set_target_date("2026-07-01");
    request.mutable_goal()->set_tier(hub::v1::SUPPORT_TIER_MAATWERK);
    request.mutable_goal()->set_responsible_organisation_id("fermwerk");
    hub::v1::GoalReply reply;
    auto context = Context(kConsulent);
    grpc::Status s = plan_stub_->AddGoal(context.get(), request, &reply);
    EXPECT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
    return reply;
  }

  // ---- the journey up to the referral -----------------------------------------------------------

  // Intake registers Anouk and Daan (fresh BSNs every run: a Kafka topic keeps earlier runs) and
  // completes a triage; the plan is drafted with two goals right after; intake records Anouk's two
  // consents for fermwerk; and at once, passing the positions of the last intake and plan replies,
  // the social team refers Anouk to fermwerk, which accepts.
  Journey ReferAnouk() {
    Journey j;
    const uint64_t seed = static_cast<uint64_t>(getpid()) * 1000003u +
                          static_cast<uint64_t>(system_clock::now().time_since_epoch().count());
    hub::v1::RegisterMeldingRequest melding;
    melding.mutable_header()->set_request_id(NextRequestId());
    melding.set_tenant("GM0632");
    melding.set_channel(hub::v1::CHANNEL_DESK);
    melding.set_source(hub::v1::SIGNAL_SOURCE_SELF);
    for (auto [offset, birth, name, relation] :
         {std::tuple{0u, "1988-03-10", kAnouk, "parent"}, {7919u, "2015-06-01", kDaan, "child"}}) {
      auto* p = melding.add_persons();
      p->set_bsn(testing::ValidBsn(seed + offset));
      p->set_birth_date(birth);
      p->set_name(name);
      p->set_relation(relation);
    }
    melding.set_question("Anouk heeft schulden en zoekt werk.");
    hub::v1::RegisterMeldingReply registered;
    auto context = Context(kConsulent);
    grpc::Status s = intake_stub_->RegisterMelding(context.get(), melding, &registered);
    EXPECT_TRUE(s.ok()) << s.error_message();
    j.household = registered.result().household_id();
    EXPECT_EQ(registered.person_ids_size(), 2);
    if (registered.person_ids_size() != 2) return j;
    j.anouk = registered.person_ids(0);
    j.daan = registered.person_ids(1);

    hub::v1::CompleteTriageRequest triage;
    triage.mutable_header()->set_request_id(NextRequestId());
    triage.set_household_id(j.household);
    triage.set_melding_id(registered.melding_id());
    triage.set_triage_class("MEERVOUDIG");
    (*triage.mutable_zrm_scores())["FINANCIEN"] = 1;
    (*triage.mutable_zrm_scores())["WERK_OPLEIDING"] = 2;
    (*triage.mutable_zrm_scores())["GEESTELIJKE_GEZONDHEID"] = 2;
    hub::v1::CommandReply triaged;
    context = Context(kConsulent);
    s = intake_stub_->CompleteTriage(context.get(), triage, &triaged);
    EXPECT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);

    hub::v1::DraftPlanRequest draft;
    draft.mutable_header()->set_request_id(NextRequestId());
    *draft.mutable_header()->mutable_min_positions() = triaged.positions();
    draft.set_household_id(j.household);
    hub::v1::DraftPlanReply drafted;
    context = Context(kConsulent);
    s = plan_stub_->DraftPlan(context.get(), draft, &drafted);
    EXPECT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
    j.plan_id = drafted.plan_id();
    j.debts_goal = AddGoal(j, "FINANCIEN", kDebtsGoal).goal_id();
    const auto work = AddGoal(j, "WERK_OPLEIDING", kWorkGoal);
    j.work_goal = work.goal_id();

    const auto wide = RecordConsent(j, {"CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN", "FINANCIAL"});
    j.wide_consent = wide.consent_id();
    const auto contact = RecordConsent(j, {"CONTACT"});
    j.contact_consent = contact.consent_id();

    hub::v1::RequestReferralRequest request;
    request.mutable_header()->set_request_id(NextRequestId());
    Append(contact.result().positions(), request.mutable_header()->mutable_min_positions());
    Append(work.result().positions(), request.mutable_header()->mutable_min_positions());
    request.set_household_id(j.household);
    request.set_person_id(j.anouk);
    request.set_receiver_organisation_id("fermwerk");
    request.set_purpose(kPurpose);
    for (const char* c : {"CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN", "FINANCIAL"}) {
      request.add_data_categories(c);
    }
    request.add_goal_ids(j.debts_goal);
    request.add_goal_ids(j.work_goal);
    request.set_reason("Anouk wil aan het werk; de schulden staan dat in de weg.");
    hub::v1::RequestReferralReply requested;
    context = Context(kConsulent);
    s = referral_stub_->RequestReferral(context.get(), request, &requested);
    EXPECT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
    EXPECT_EQ(requested.answer_due(), "2026-01-19");
    EXPECT_THAT(requested.consent_ids(), ElementsAre(j.wide_consent, j.contact_consent));
    j.referral_id = requested.referral_id();
    request_ = request;

    hub::v1::AcceptReferralRequest accept;
    accept.mutable_header()->set_request_id(NextRequestId());
    accept.set_household_id(j.household);
    accept.set_referral_id(j.referral_id);
    hub::v1::CommandReply accepted;
    context = Context(kFermwerk);
    s = referral_stub_->AcceptReferral(context.get(), accept, &accepted);
    EXPECT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
    return j;
  }

  hub::v1::HandoverDossier Dossier(const Journey& j, const Positions* after = nullptr) {
    hub::v1::GetHandoverDossierRequest request;
    request.set_household_id(j.household);
    request.set_referral_id(j.referral_id);
    if (after != nullptr) *request.mutable_min_positions() = *after;
    hub::v1::HandoverDossier dossier;
    auto context = Context(kFermwerk);
    grpc::Status s = referral_stub_->GetHandoverDossier(context.get(), request, &dossier);
    EXPECT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
    return dossier;
  }

  hub::v1::HouseholdReferrals Referrals(const Journey& j) {
    hub::v1::GetReferralsRequest request;
    request.set_household_id(j.household);
    hub::v1::HouseholdReferrals view;
    auto context = Context(kConsulent);
    grpc::Status s = referral_stub_->GetReferrals(context.get(), request, &view);
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
  std::unique_ptr<log::KafkaLog> referral_kafka_;
  std::unique_ptr<rpc::ServerHost> intake_host_;
  std::unique_ptr<intake::IntakeModule> intake_;
  std::unique_ptr<hub::v1::IntakeService::Stub> intake_stub_;
  std::unique_ptr<rpc::ServerHost> plan_host_;
  std::unique_ptr<plan::PlanModule> plan_;
  std::unique_ptr<hub::v1::PlanService::Stub> plan_stub_;
  std::unique_ptr<rpc::ServerHost> referral_host_;
  std::unique_ptr<referral::ReferralModule> referral_;
  std::unique_ptr<hub::v1::ReferralService::Stub> referral_stub_;
  hub::v1::RequestReferralRequest request_;  // the last referral request ReferAnouk sent
  int requests_ = 0;
  std::string run_ = std::to_string(getpid()) + "-" +
                     std::to_string(system_clock::now().time_since_epoch().count());
};

TEST_P(ReferralFollowsIntakeAndPlanTest, TheDossierOpensWhatIntakeAndThePlanSealed) {
  const Journey j = ReferAnouk();
  ASSERT_FALSE(j.referral_id.empty());
  const auto dossier = Dossier(j);
  EXPECT_EQ(dossier.status(), hub::v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_THAT(dossier.shown_categories(),
              UnorderedElementsAre("CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN", "FINANCIAL"));
  EXPECT_THAT(dossier.withheld_categories(), IsEmpty());

  // The names intake sealed with the persons' keys, opened by the referral service's own key store.
  const auto intake = IntakeView(j.household);
  std::map<std::string, std::string> names;
  for (const auto& m : intake.members()) names[m.person_id()] = m.name();
  EXPECT_EQ(names[j.anouk], kAnouk);
  EXPECT_EQ(names[j.daan], kDaan);
  ASSERT_TRUE(dossier.has_contact());
  EXPECT_EQ(dossier.contact().person().person_id(), j.anouk);
  EXPECT_EQ(dossier.contact().person().name(), kAnouk);
  ASSERT_EQ(dossier.household().members_size(), 2);
  for (const auto& m : dossier.household().members()) EXPECT_EQ(m.name(), names[m.person_id()]);

  // The goal results the plan sealed with the household's plan key.
  ASSERT_TRUE(dossier.has_plan());
  EXPECT_EQ(dossier.plan().plan_id(), j.plan_id);
  ASSERT_EQ(dossier.plan().goals_size(), 2);
  EXPECT_EQ(dossier.plan().goals(0).goal_id(), j.debts_goal);
  EXPECT_EQ(dossier.plan().goals(0).result(), kDebtsGoal);
  EXPECT_EQ(dossier.plan().goals(1).goal_id(), j.work_goal);
  EXPECT_EQ(dossier.plan().goals(1).result(), kWorkGoal);

  // The triage intake recorded, without the medical life domain.
  ASSERT_TRUE(dossier.has_triage());
  EXPECT_EQ(dossier.triage().triage_class(), "MEERVOUDIG");
  EXPECT_EQ(dossier.triage().team(), intake.latest_triage().team());
  EXPECT_EQ(dossier.triage().zrm_scores().size(), 2u);
  EXPECT_FALSE(dossier.triage().zrm_scores().contains("GEESTELIJKE_GEZONDHEID"));

  // The reason the referral service sealed with Anouk's key opens too.
  const auto view = Referrals(j);
  ASSERT_EQ(view.referrals_size(), 1);
  EXPECT_EQ(view.referrals(0).reason(), request_.reason());
}

TEST_P(ReferralFollowsIntakeAndPlanTest, AConsentWithdrawnInIntakeShrinksTheDossierOncePastIntakesPositions) {
  const Journey j = ReferAnouk();
  ASSERT_FALSE(j.referral_id.empty());
  ASSERT_TRUE(Dossier(j).has_household());

  const auto withdrawn = WithdrawConsent(j, j.wide_consent);
  ASSERT_FALSE(withdrawn.positions().empty());
  const auto dossier = Dossier(j, &withdrawn.positions());
  EXPECT_THAT(dossier.shown_categories(), ElementsAre("CONTACT"));
  EXPECT_THAT(dossier.withheld_categories(),
              UnorderedElementsAre("HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN", "FINANCIAL"));
  EXPECT_THAT(dossier.consent_ids(), ElementsAre(j.contact_consent));
  ASSERT_TRUE(dossier.has_contact());
  EXPECT_EQ(dossier.contact().person().name(), kAnouk);
  EXPECT_FALSE(dossier.has_household());
  EXPECT_FALSE(dossier.has_triage());
  EXPECT_FALSE(dossier.has_plan());
  EXPECT_FALSE(dossier.has_history());
  EXPECT_EQ(Deterministic(dossier).find(kDaan), std::string::npos);
  EXPECT_EQ(Deterministic(dossier).find(kDebtsGoal), std::string::npos);

  // And the last consent too: nothing is shown.
  const auto all_withdrawn = WithdrawConsent(j, j.contact_consent);
  const auto empty = Dossier(j, &all_withdrawn.positions());
  EXPECT_THAT(empty.shown_categories(), IsEmpty());
  EXPECT_THAT(empty.consent_ids(), IsEmpty());
  EXPECT_FALSE(empty.has_contact());
}

TEST_P(ReferralFollowsIntakeAndPlanTest, AReferralStoreLostOnDiskIsRebuiltFromTheTopics) {
  const Journey j = ReferAnouk();
  ASSERT_FALSE(j.referral_id.empty());
  const auto before = Dossier(j);
  const auto referrals_before = Referrals(j);
  ASSERT_EQ(before.contact().person().name(), kAnouk);

  StopReferral();
  ASSERT_NO_FATAL_FAILURE(StartReferral(dir_.Sub("referral-rebuilt")));  // an empty store

  // Everything comes back from the topics: the referral state, the intake and plan facts and, from
  // the key topic, the persons' and the household's keys, so the names and goals open again.
  const auto after = Dossier(j);
  EXPECT_EQ(after.contact().person().name(), kAnouk);
  ASSERT_EQ(after.plan().goals_size(), 2);
  EXPECT_EQ(after.plan().goals(0).result(), kDebtsGoal);
  EXPECT_EQ(Deterministic(after), Deterministic(before));
  EXPECT_EQ(Deterministic(Referrals(j)), Deterministic(referrals_before));

  // The inbox index is rebuilt, and so are the requests seen: a retry replays.
  hub::v1::ListReferralsRequest inbox;
  inbox.set_role(hub::v1::REFERRAL_ROLE_RECEIVER);
  inbox.set_status(hub::v1::REFERRAL_STATUS_ACCEPTED);
  inbox.mutable_page()->set_page_size(500);
  bool listed = false;
  std::string token;
  do {
    inbox.mutable_page()->set_page_token(token);
    hub::v1::ListReferralsResponse page;
    auto context = Context(kFermwerk);
    grpc::Status s = referral_stub_->ListReferrals(context.get(), inbox, &page);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const auto& r : page.referrals()) listed = listed || r.referral_id() == j.referral_id;
    token = page.next_page_token();
  } while (!token.empty() && !listed);
  EXPECT_TRUE(listed);

  hub::v1::RequestReferralReply retried;
  auto context = Context(kConsulent);
  grpc::Status s = referral_stub_->RequestReferral(context.get(), request_, &retried);
  ASSERT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
  EXPECT_TRUE(retried.result().replayed());
  EXPECT_EQ(retried.referral_id(), j.referral_id);

  // And it goes on where it was.
  hub::v1::ScheduleHandoverMeetingRequest schedule;
  schedule.mutable_header()->set_request_id(NextRequestId());
  schedule.set_household_id(j.household);
  schedule.set_referral_id(j.referral_id);
  schedule.set_meeting_on("2026-01-14");
  hub::v1::CommandReply scheduled;
  context = Context(kFermwerk);
  s = referral_stub_->ScheduleHandoverMeeting(context.get(), schedule, &scheduled);
  ASSERT_TRUE(s.ok()) << s.error_message() << " " << Reason(*context);
  EXPECT_EQ(scheduled.version(), before.version() + 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReferralFollowsIntakeAndPlanTest,
                         ::testing::Values(Backend::kEmbedded, Backend::kKafka),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kEmbedded ? "Embedded" : "Kafka";
                         });

}  // namespace
}  // namespace hub
