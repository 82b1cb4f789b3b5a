// The audit service over real gRPC on loopback, hosted beside intake, plan and referral on one log
// as hubd hosts them, with the access log written by the gRPC layer: replay order across services,
// time travel before and after a retroactive correction, chain breaks forged into the log and found,
// signed checkpoints and inclusion proofs, an export that verifies offline (and stops verifying when
// tampered with), the access log by data subject with the resident's view, and who may do what.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/audit/export_verifier.h"
#include "common/audit/signed_messages.h"
#include "common/crypto/hash_chain.h"
#include "common/crypto/merkle.h"
#include "common/es/clock.h"
#include "common/es/envelope.h"
#include "common/log/partitioner.h"
#include "common/log/rocks_log.h"
#include "common/rpc/server_host.h"
#include "common/service/access_writer.h"
#include "common/store/store.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/v1/audit.grpc.pb.h"
#include "hub/v1/intake.grpc.pb.h"
#include "hub/v1/plan.grpc.pb.h"
#include "hub/v1/referral.grpc.pb.h"
#include "hub/v1/report.grpc.pb.h"
#include "prometheus/registry.h"
#include "rocksdb/db.h"
#include "services/audit/chain_verifier.h"
#include "services/audit/module.h"
#include "services/intake/module.h"
#include "services/plan/module.h"
#include "services/referral/module.h"
#include "tests/testing/temp_dir.h"

namespace hub::audit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using std::chrono::system_clock;
using Positions = google::protobuf::RepeatedPtrField<hub::v1::Position>;

// 2026-01-12 09:00 in the Netherlands (08:00 UTC), a Monday.
const system_clock::time_point kMonday = system_clock::time_point(std::chrono::seconds(1768204800));
constexpr auto kDay = std::chrono::hours(24);
constexpr int32_t kPartitions = 4;
constexpr int64_t kCheckpointEvery = 8;
const std::string kIntakeTopic = "hub.intake.events.v1";
const std::string kPlanTopic = "hub.plan.events.v1";
const std::string kReferralTopic = "hub.referral.events.v1";
// No beschikking module runs in these tests: the tests write this topic directly.
const std::string kBeschikkingTopic = "hub.beschikking.events.v1";
const std::string kKeysTopic = "hub.keys.events.v1";

struct Identity {
  std::string tenant;
  std::string organisation;
  std::string role;
  std::string user;
};

const Identity kConsulent{"GM0632", "woerdenwijzer", "consulent", "u-consulent-1"};
const Identity kRegisseur{"GM0632", "woerdenwijzer", "casusregisseur", "u-regisseur"};
const Identity kFermwerk{"GM0632", "fermwerk", "consulent", "u-fermwerk-1"};
const Identity kDeLinde{"GM0632", "zorgaanbieder-de-linde", "zorgverlener", "u-linde-1"};
const Identity kAuditor{"GM0632", "accountant-gm0632", "auditor", "u-auditor-1"};
const Identity kOperator{"GM0632", "it-beheer-woerden", "operator", "u-operator-1"};
const Identity kOudewater{"GM0589", "sociaal-team-oudewater", "consulent", "u-ow-1"};

// A BSN that passes the elfproef, different for every seed.
std::string ValidBsn(int seed) {
  static constexpr int kWeights[8] = {9, 8, 7, 6, 5, 4, 3, 2};
  for (int k = seed * 20;; ++k) {
    const std::string prefix = std::to_string(30'000'000 + k);
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (prefix[static_cast<size_t>(i)] - '0') * kWeights[i];
    if (sum % 11 == 10) continue;
    return prefix + std::to_string(sum % 11);
  }
}

struct Household {
  std::string id;
  std::string melding_id;
  std::string adult_id;
  Positions positions;  // of the last reply about it
};

// Every column family of an audit store.
std::vector<std::string> AuditFamilies() {
  return {"es_checkpoints",   "audit_chain_heads",      "audit_breaks",     "audit_trees",
          "audit_due",        "audit_checkpoints",      "audit_household_events", "audit_households",
          "audit_tenant_events", "audit_access",        "audit_report_facts"};
}

class AuditServiceTest : public ::testing::Test {
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
    auto writer = service::LogAccessWriter::Open(log_.get(), &clock_, "audit-test", kPartitions);
    ASSERT_TRUE(writer.ok()) << writer.status();
    access_writer_ = std::move(*writer);
    ASSERT_NO_FATAL_FAILURE(Start());
  }

  void TearDown() override { Stop(); }

  // Intake, plan, referral and (last, as in hubd) audit on one log and one host.
  void Start() {
    host_ = std::make_unique<rpc::ServerHost>(rpc::ServerHostOptions{.listen_address = "127.0.0.1:0",
                                                                     .metrics_address = "",
                                                                     .access_log = access_writer_.get(),
                                                                     .resource = "audit-test"});
    auto intake = intake::IntakeModule::Open({.data_dir = dir_.Sub("intake"), .partitions = kPartitions,
                                              .log = log_.get(), .organisations = register_.get(),
                                              .master_key = master_key_.get(), .clock = &clock_,
                                              .metrics = host_->registry().get()});
    ASSERT_TRUE(intake.ok()) << intake.status();
    intake_module_ = std::move(*intake);
    auto plan = plan::PlanModule::Open({.data_dir = dir_.Sub("plan"), .partitions = kPartitions, .log = log_.get(),
                                        .organisations = register_.get(), .master_key = master_key_.get(),
                                        .clock = &clock_, .metrics = host_->registry().get()});
    ASSERT_TRUE(plan.ok()) << plan.status();
    plan_module_ = std::move(*plan);
    auto referral = referral::ReferralModule::Open({.data_dir = dir_.Sub("referral"), .partitions = kPartitions,
                                                    .log = log_.get(), .organisations = register_.get(),
                                                    .master_key = master_key_.get(), .clock = &clock_,
                                                    .metrics = host_->registry().get()});
    ASSERT_TRUE(referral.ok()) << referral.status();
    referral_module_ = std::move(*referral);
    ASSERT_NO_FATAL_FAILURE(StartAudit());
    host_->AddService(intake_module_->service());
    host_->AddService(plan_module_->service());
    host_->AddService(referral_module_->service());
    host_->AddService(audit_module_->service());
    host_->AddService(audit_module_->report_service());
    ASSERT_TRUE(host_->Start().ok());
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->port()), grpc::InsecureChannelCredentials());
    intake_ = hub::v1::IntakeService::NewStub(channel_);
    plan_ = hub::v1::PlanService::NewStub(channel_);
    referral_ = hub::v1::ReferralService::NewStub(channel_);
    audit_ = hub::v1::AuditService::NewStub(channel_);
    report_ = hub::v1::ReportService::NewStub(channel_);
  }

  void StartAudit() {
    auto audit = AuditModule::Open({.data_dir = dir_.Sub("audit"),
                                    .partitions = kPartitions,
                                    .log = log_.get(),
                                    .organisations = register_.get(),
                                    .master_key = master_key_.get(),
                                    .clock = &clock_,
                                    .metrics = host_->registry().get(),
                                    .checkpoint_every = kCheckpointEvery,
                                    .checkpoint_interval = std::chrono::hours(1),
                                    .tick = std::chrono::milliseconds(50),
                                    .reports = reports_});
    ASSERT_TRUE(audit.ok()) << audit.status();
    audit_module_ = std::move(*audit);
  }

  void Stop() {
    report_.reset();
    audit_.reset();
    referral_.reset();
    plan_.reset();
    intake_.reset();
    channel_.reset();
    // The modules go before the host: their metrics live in the host's registry.
    if (host_) host_->Shutdown();
    audit_module_.reset();
    referral_module_.reset();
    plan_module_.reset();
    intake_module_.reset();
    host_.reset();
  }

  std::unique_ptr<grpc::ClientContext> Context(const Identity& who) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-hub-tenant", who.tenant);
    context->AddMetadata("x-hub-organisation", who.organisation);
    context->AddMetadata("x-hub-role", who.role);
    context->AddMetadata("x-hub-user", who.user);
    context->set_deadline(system_clock::now() + std::chrono::seconds(30));
    return context;
  }

  hub::v1::CommandHeader Header(const Positions& after = {}) {
    hub::v1::CommandHeader header;
    header.set_request_id("req-" + std::to_string(++requests_));
    *header.mutable_min_positions() = after;
    return header;
  }

  // The value of the gauge or counter `name` with (at least) these labels, or nullopt.
  std::optional<double> Metric(const std::string& name, const std::map<std::string, std::string>& labels) {
    for (const auto& family : host_->registry()->Collect()) {
      if (family.name != name) continue;
      for (const auto& metric : family.metric) {
        const bool match = std::all_of(labels.begin(), labels.end(), [&](const auto& want) {
          return std::any_of(metric.label.begin(), metric.label.end(),
                             [&](const auto& l) { return l.name == want.first && l.value == want.second; });
        });
        if (!match) continue;
        return family.type == prometheus::MetricType::Counter ? metric.counter.value : metric.gauge.value;
      }
    }
    return std::nullopt;
  }

  // ---- the services ---------------------------------------------------------------------------

  Household NewHousehold(const Identity& who = kConsulent) {
    const int n = ++households_;
    hub::v1::RegisterMeldingRequest request;
    *request.mutable_header() = Header();
    request.set_tenant(who.tenant);
    request.set_channel(hub::v1::CHANNEL_VINDPLAATS);
    request.set_source(hub::v1::SIGNAL_SOURCE_SCHOOL);
    auto* p = request.add_persons();
    p->set_bsn(ValidBsn(n));
    p->set_birth_date("1984-05-02");
    p->set_name("Persoon " + std::to_string(n));
    p->set_relation("parent");
    request.set_question("Schulden en geen werk.");
    request.add_life_domains("FINANCIEN");
    request.add_data_categories("CONTACT");
    hub::v1::RegisterMeldingReply reply;
    auto context = Context(who);
    auto status = intake_->RegisterMelding(context.get(), request, &reply);
    EXPECT_TRUE(status.ok()) << status.error_message();
    Household h;
    h.id = reply.result().household_id();
    h.melding_id = reply.melding_id();
    if (reply.person_ids_size() > 0) h.adult_id = reply.person_ids(0);
    h.positions = reply.result().positions();
    return h;
  }

  void AssignRegisseur(Household& h) {
    hub::v1::AssignRegisseurRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_organisation_id(kRegisseur.organisation);
    request.set_user_pseudonym(kRegisseur.user);
    hub::v1::CommandReply reply;
    auto context = Context(kConsulent);
    auto status = intake_->AssignRegisseur(context.get(), request, &reply);
    ASSERT_TRUE(status.ok()) << status.error_message();
    h.positions = reply.positions();
  }

  // Triage of the household's melding, which happened at `occurred_at` (valid time).
  void CompleteTriage(Household& h, std::optional<system_clock::time_point> occurred_at) {
    hub::v1::CompleteTriageRequest request;
    *request.mutable_header() = Header();
    if (occurred_at) es::ToTimestamp(*occurred_at, request.mutable_header()->mutable_occurred_at());
    request.set_household_id(h.id);
    request.set_melding_id(h.melding_id);
    request.set_triage_class("ENKELVOUDIG");
    (*request.mutable_zrm_scores())["FINANCIEN"] = 2;
    hub::v1::CommandReply reply;
    auto context = Context(kConsulent);
    auto status = intake_->CompleteTriage(context.get(), request, &reply);
    ASSERT_TRUE(status.ok()) << status.error_message();
    h.positions = reply.positions();
  }

  void DraftPlan(Household& h) {
    hub::v1::DraftPlanRequest request;
    *request.mutable_header() = Header(h.positions);
    request.set_household_id(h.id);
    hub::v1::DraftPlanReply reply;
    auto context = Context(kConsulent);
    auto status = plan_->DraftPlan(context.get(), request, &reply);
    ASSERT_TRUE(status.ok()) << status.error_message();
    h.positions = reply.result().positions();
  }

  std::string RequestConsultation(Household& h) {
    hub::v1::RequestReferralRequest request;
    *request.mutable_header() = Header(h.positions);
    request.set_household_id(h.id);
    request.set_person_id(h.adult_id);
    request.set_receiver_organisation_id("fermwerk");
    request.set_consultation(true);
    request.set_purpose("consultatie werk en inkomen");
    request.set_reason("Overleg over werk.");
    hub::v1::RequestReferralReply reply;
    auto context = Context(kConsulent);
    auto status = referral_->RequestReferral(context.get(), request, &reply);
    EXPECT_TRUE(status.ok()) << status.error_message();
    h.positions = reply.result().positions();
    return reply.referral_id();
  }

  void AcceptReferral(Household& h, const std::string& referral_id) {
    hub::v1::AcceptReferralRequest request;
    *request.mutable_header() = Header(h.positions);
    request.set_household_id(h.id);
    request.set_referral_id(referral_id);
    hub::v1::CommandReply reply;
    auto context = Context(kFermwerk);
    auto status = referral_->AcceptReferral(context.get(), request, &reply);
    ASSERT_TRUE(status.ok()) << status.error_message();
    h.positions = reply.positions();
  }

  // A household with events on intake, plan and referral, a minute apart.
  Household JourneyAcrossServices() {
    Household h = NewHousehold();
    clock_.Advance(std::chrono::minutes(1));
    AssignRegisseur(h);
    clock_.Advance(std::chrono::minutes(1));
    DraftPlan(h);
    clock_.Advance(std::chrono::minutes(1));
    const std::string referral_id = RequestConsultation(h);
    clock_.Advance(std::chrono::minutes(1));
    AcceptReferral(h, referral_id);
    return h;
  }

  // ---- the audit API --------------------------------------------------------------------------

  grpc::Status Replay(const hub::v1::ReplayHouseholdRequest& request, std::vector<hub::v1::ReplayedEvent>* out,
                      const Identity& who = kAuditor) {
    auto context = Context(who);
    auto reader = audit_->ReplayHousehold(context.get(), request);
    hub::v1::ReplayedEvent event;
    while (reader->Read(&event)) out->push_back(event);
    return reader->Finish();
  }

  grpc::Status Export(const hub::v1::ExportHistoryRequest& request, std::vector<hub::v1::ExportItem>* out,
                      const Identity& who = kAuditor) {
    auto context = Context(who);
    auto reader = audit_->ExportHistory(context.get(), request);
    hub::v1::ExportItem item;
    while (reader->Read(&item)) out->push_back(item);
    return reader->Finish();
  }

  hub::v1::HouseholdAsOf AsOf(const std::string& household_id, system_clock::time_point record_time,
                              std::optional<system_clock::time_point> valid_time = std::nullopt) {
    hub::v1::GetHouseholdAsOfRequest request;
    request.set_household_id(household_id);
    es::ToTimestamp(record_time, request.mutable_record_time());
    if (valid_time) es::ToTimestamp(*valid_time, request.mutable_valid_time());
    hub::v1::HouseholdAsOf reply;
    auto context = Context(kAuditor);
    auto status = audit_->GetHouseholdAsOf(context.get(), request, &reply);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return reply;
  }

  hub::v1::ChainStatus ChainStatus(const Identity& who = kAuditor) {
    EXPECT_TRUE(audit_module_->CatchUp(std::chrono::steady_clock::now() + std::chrono::seconds(20)).ok());
    hub::v1::GetChainStatusRequest request;
    hub::v1::ChainStatus reply;
    auto context = Context(who);
    auto status = audit_->GetChainStatus(context.get(), request, &reply);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return reply;
  }

  std::string PublicKey() {
    hub::v1::CheckpointKey key;
    auto context = Context(kAuditor);
    EXPECT_TRUE(audit_->GetCheckpointKey(context.get(), {}, &key).ok());
    EXPECT_EQ(key.public_key(), audit_module_->public_key());
    return key.public_key();
  }

  std::vector<int64_t> CheckpointOffsets(const std::string& topic, int32_t partition) {
    hub::v1::ListCheckpointsRequest request;
    request.set_topic(topic);
    request.set_partition(partition);
    hub::v1::ListCheckpointsResponse reply;
    auto context = Context(kAuditor);
    auto status = audit_->ListCheckpoints(context.get(), request, &reply);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<int64_t> out;
    for (const auto& c : reply.checkpoints()) out.push_back(c.checkpoint().up_to_offset());
    return out;
  }

  // ---- writing the log directly -----------------------------------------------------------------

  // One event of `stream` on `topic`, sealed after (version, prev_hash), with a payload marker.
  static std::string Sealed(const std::string& producer, const std::string& stream, int64_t version,
                            const std::string& prev_hash, system_clock::time_point at,
                            const std::string& marker = "payload") {
    es::CommandMetadata meta;
    meta.tenant = "GM0632";
    meta.household_id = stream;
    meta.actor.set_organisation_id("woerden-beschikkingen");
    meta.request_id = "forged-" + std::to_string(version);
    hub::v1::EventEnvelope envelope;
    envelope.mutable_intake()->mutable_melding_closed()->set_melding_id(marker);
    return es::Seal(meta, producer, 1, version, prev_hash, at, {envelope}).log_values.front();
  }

  static std::string HashOf(const std::string& log_value) {
    hub::v1::LogRecord record;
    EXPECT_TRUE(record.ParseFromString(log_value));
    return record.hash();
  }

  log::AppendResult AppendRaw(const std::string& topic, const std::string& key, const std::string& value) {
    auto r = log_->Append({topic, key, log::kAnyVersion, {value}});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : log::AppendResult{};
  }

  testing::TempDir dir_;
  es::ManualClock clock_{kMonday};
  std::unique_ptr<config::Register> register_;
  std::unique_ptr<keys::MasterKey> master_key_;
  std::unique_ptr<log::RocksLog> log_;
  std::unique_ptr<service::LogAccessWriter> access_writer_;
  std::unique_ptr<rpc::ServerHost> host_;
  std::unique_ptr<intake::IntakeModule> intake_module_;
  std::unique_ptr<plan::PlanModule> plan_module_;
  std::unique_ptr<referral::ReferralModule> referral_module_;
  std::unique_ptr<AuditModule> audit_module_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<hub::v1::IntakeService::Stub> intake_;
  std::unique_ptr<hub::v1::PlanService::Stub> plan_;
  std::unique_ptr<hub::v1::ReferralService::Stub> referral_;
  std::unique_ptr<hub::v1::AuditService::Stub> audit_;
  std::unique_ptr<hub::v1::ReportService::Stub> report_;
  ReportConfig reports_ = ReportConfig::Default();
  int requests_ = 0;
  int households_ = 0;
};

// ---- replay --------------------------------------------------------------------------------------

TEST_F(AuditServiceTest, ReplayStreamsAHouseholdAcrossServicesInCausalOrder) {
  const Household h = JourneyAcrossServices();
  NewHousehold();  // another household's events stay out

  std::vector<hub::v1::ReplayedEvent> events;
  hub::v1::ReplayHouseholdRequest request;
  request.set_household_id(h.id);
  ASSERT_TRUE(Replay(request, &events).ok());
  std::vector<std::string> topics;
  for (const auto& e : events) topics.push_back(e.topic());
  // Melding, regisseur; the plan drafted after them; the referral requested and accepted last.
  ASSERT_THAT(topics, ElementsAre(kIntakeTopic, kIntakeTopic, kPlanTopic, kReferralTopic, kReferralTopic));
  std::map<std::string, uint64_t> versions;
  int64_t previous = 0;
  for (const auto& e : events) {
    EXPECT_EQ(e.envelope().household_id(), h.id);
    // Record time never goes back, and every stream comes in version order.
    const int64_t recorded = e.envelope().recorded_at().seconds();
    EXPECT_GE(recorded, previous);
    previous = recorded;
    EXPECT_EQ(e.envelope().stream_version(), ++versions[e.topic()]);
    // The stored record, byte for byte: it carries the envelope and verifies in its chain.
    hub::v1::LogRecord record;
    ASSERT_TRUE(record.ParseFromString(e.log_record()));
    EXPECT_EQ(record.envelope(), e.envelope().SerializeAsString());
    EXPECT_EQ(crypto::ChainHash(record.prev_hash(), record.envelope()), record.hash());
  }
  // The referral's answer is correlated with its request (one business transaction).
  EXPECT_FALSE(events[4].envelope().correlation_id().empty());

  // Up to a record time: only what had been recorded by then (melding and regisseur).
  events.clear();
  es::ToTimestamp(kMonday + std::chrono::seconds(90), request.mutable_up_to_record_time());
  ASSERT_TRUE(Replay(request, &events).ok());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].topic(), kIntakeTopic);

  // An unknown household is NOT_FOUND.
  events.clear();
  request.set_household_id("no-such-household");
  EXPECT_EQ(Replay(request, &events).error_code(), grpc::StatusCode::NOT_FOUND);
}

// ---- time travel ---------------------------------------------------------------------------------

TEST_F(AuditServiceTest, AsOfShowsWhatTheHubKnewAndWhatWasValidBeforeAndAfterARetroactiveCorrection) {
  // Monday: the melding. Wednesday: the triage is recorded, saying it happened on Tuesday.
  Household h = NewHousehold();
  const auto tuesday = kMonday + kDay;
  clock_.Advance(2 * kDay);
  const auto wednesday = clock_.Now();
  ASSERT_NO_FATAL_FAILURE(CompleteTriage(h, tuesday));

  auto triaged = [](const hub::v1::HouseholdView& view) {
    for (const auto& s : view.services()) {
      if (s.service() == "intake") return s.state_json().find("latest_triage") != std::string::npos;
    }
    return false;
  };
  auto intake_version = [](const hub::v1::HouseholdView& view) -> int64_t {
    for (const auto& s : view.services()) {
      if (s.service() == "intake") return s.stream_version();
    }
    return 0;
  };

  // Tuesday noon as the hub knew it on Tuesday noon: no triage yet (it was recorded on Wednesday).
  const auto tuesday_noon = tuesday + std::chrono::hours(3);
  auto before = AsOf(h.id, tuesday_noon);
  EXPECT_FALSE(triaged(before.as_recorded()));
  EXPECT_FALSE(triaged(before.as_valid()));
  EXPECT_EQ(intake_version(before.as_recorded()), 1);
  EXPECT_EQ(before.tenant(), "GM0632");

  // Tuesday noon as the hub knows it now: the triage was valid from Tuesday morning.
  auto after = AsOf(h.id, wednesday + std::chrono::hours(1), tuesday_noon);
  EXPECT_TRUE(triaged(after.as_recorded()));
  EXPECT_TRUE(triaged(after.as_valid()));
  EXPECT_EQ(intake_version(after.as_recorded()), 2);

  // Monday evening as the hub knows it now: before the triage happened.
  auto monday_evening = AsOf(h.id, wednesday + std::chrono::hours(1), kMonday + std::chrono::hours(10));
  EXPECT_TRUE(triaged(monday_evening.as_recorded()));
  EXPECT_FALSE(triaged(monday_evening.as_valid()));
  EXPECT_EQ(intake_version(monday_evening.as_valid()), 1);
  EXPECT_EQ(monday_evening.as_valid().services(0).events(), 1);

  // Sealed values stay sealed: the person's name is not in any state.
  EXPECT_EQ(after.as_recorded().DebugString().find("Persoon"), std::string::npos);

  // Before the household existed: nothing.
  auto nothing = AsOf(h.id, kMonday - std::chrono::hours(1));
  EXPECT_EQ(nothing.as_recorded().services_size(), 0);
}

// ---- chain verification --------------------------------------------------------------------------

TEST_F(AuditServiceTest, ForgedRecordsAreFoundNamedCountedAndLoggedWithoutStoppingVerification) {
  ::testing::internal::CaptureStderr();
  const std::string household = "hh-forged";
  const auto t = kMonday;
  const std::string v1 = Sealed("beschikking", household, 0, "", t);
  const std::string v2 = Sealed("beschikking", household, 1, HashOf(v1), t);
  AppendRaw(kBeschikkingTopic, household, v1);
  const auto at = AppendRaw(kBeschikkingTopic, household, v2);
  const int32_t partition = at.partition;
  const int64_t base = at.first_offset - 1;  // version 1's offset
  // FORK: version 3 points at a hash that is not version 2's.
  const std::string v3 = Sealed("beschikking", household, 2, std::string(32, '\x42'), t);
  AppendRaw(kBeschikkingTopic, household, v3);
  // GAP: version 5 follows version 3.
  const std::string v5 = Sealed("beschikking", household, 4, HashOf(v3), t);
  AppendRaw(kBeschikkingTopic, household, v5);
  // REPLAYED: version 2 once more.
  AppendRaw(kBeschikkingTopic, household, v2);
  // BAD_HASH: version 6 whose payload was changed after it was sealed.
  std::string v6 = Sealed("beschikking", household, 5, HashOf(v5), t, "GEHEIM-ORIGINEEL");
  hub::v1::LogRecord tampered;
  ASSERT_TRUE(tampered.ParseFromString(v6));
  std::string envelope = tampered.envelope();
  envelope.replace(envelope.find("GEHEIM-ORIGINEEL"), 16, "GEHEIM-VERVALST!");
  tampered.set_envelope(envelope);
  AppendRaw(kBeschikkingTopic, household, tampered.SerializeAsString());
  // Version 7 links to version 6 as stored: verification goes on without a new break.
  AppendRaw(kBeschikkingTopic, household, Sealed("beschikking", household, 6, tampered.hash(), t));

  auto status = ChainStatus();
  const std::string logged = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(status.breaks_size(), 4) << status.DebugString();
  const std::vector<std::pair<hub::v1::ChainBreakKind, int64_t>> expected = {
      {hub::v1::CHAIN_BREAK_KIND_FORK, base + 2},
      {hub::v1::CHAIN_BREAK_KIND_GAP, base + 3},
      {hub::v1::CHAIN_BREAK_KIND_REPLAYED, base + 4},
      {hub::v1::CHAIN_BREAK_KIND_BAD_HASH, base + 5}};
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& b = status.breaks(static_cast<int>(i));
    EXPECT_EQ(b.kind(), expected[i].first) << i;
    EXPECT_EQ(b.offset(), expected[i].second) << i;
    EXPECT_EQ(b.topic(), kBeschikkingTopic);
    EXPECT_EQ(b.partition(), partition);
    EXPECT_EQ(b.household_id(), household);  // an auditor of the household's tenant sees it
  }
  EXPECT_EQ(status.breaks(0).expected_version(), 3);
  EXPECT_EQ(status.breaks(0).found_hash(), std::string(32, '\x42'));
  EXPECT_EQ(status.breaks(1).expected_version(), 4);
  EXPECT_EQ(status.breaks(1).found_version(), 5);
  EXPECT_EQ(status.breaks(2).found_version(), 2);
  EXPECT_EQ(status.breaks(3).found_hash(), tampered.hash());
  for (const auto& topic : status.topics()) {
    EXPECT_EQ(topic.breaks(), topic.topic() == kBeschikkingTopic ? 4 : 0) << topic.topic();
    if (topic.topic() == kBeschikkingTopic) {
      EXPECT_EQ(topic.records_verified(), base + 7);
    }
  }

  // One line per break on stderr naming topic, household, partition and offset; never a payload.
  for (const auto& [kind, offset] : expected) {
    EXPECT_THAT(logged, HasSubstr(fmt::format("CHAIN BREAK {} on topic {} partition {} offset {}, household {}",
                                              BreakKindName(kind), kBeschikkingTopic, partition, offset, household)));
  }
  EXPECT_THAT(logged, ::testing::Not(HasSubstr("GEHEIM")));

  for (const std::string kind : {"FORK", "GAP", "REPLAYED", "BAD_HASH"}) {
    EXPECT_EQ(Metric("hub_audit_chain_breaks_total", {{"topic", kBeschikkingTopic}, {"kind", kind}}), 1.0) << kind;
  }
  EXPECT_EQ(Metric("hub_audit_events_verified_total", {{"topic", kBeschikkingTopic}}), 7.0);

  // An operator sees the breaks, but not whose household they are in.
  auto operator_view = ChainStatus(kOperator);
  ASSERT_EQ(operator_view.breaks_size(), 4);
  for (const auto& b : operator_view.breaks()) EXPECT_EQ(b.household_id(), "");

  // The breaks and the counter survive a restart of the audit service.
  Stop();
  ASSERT_NO_FATAL_FAILURE(Start());
  EXPECT_EQ(ChainStatus().breaks_size(), 4);
  EXPECT_EQ(Metric("hub_audit_chain_breaks_total", {{"topic", kBeschikkingTopic}, {"kind", "FORK"}}), 1.0);
}

TEST_F(AuditServiceTest, TheCompactedKeyTopicMaySkipVersions) {
  // After compaction a key stream can lack versions; that is no break there (and would be on any
  // other topic). (The services' own key projections are not what this test is about.)
  const std::string stream = "GM0632/key-1";
  AppendRaw(kKeysTopic, stream, Sealed("keys", stream, 0, "", kMonday));
  AppendRaw(kKeysTopic, stream, Sealed("keys", stream, 2, crypto::Sha256("compacted"), kMonday));
  AppendRaw(kBeschikkingTopic, "hh-gap", Sealed("beschikking", "hh-gap", 0, "", kMonday));
  AppendRaw(kBeschikkingTopic, "hh-gap", Sealed("beschikking", "hh-gap", 2, crypto::Sha256("x"), kMonday));
  const auto status = ChainStatus();
  ASSERT_EQ(status.breaks_size(), 1) << status.DebugString();
  EXPECT_EQ(status.breaks(0).topic(), kBeschikkingTopic);
  EXPECT_EQ(status.breaks(0).kind(), hub::v1::CHAIN_BREAK_KIND_GAP);
}

TEST_F(AuditServiceTest, RealTrafficHasIntactChains) {
  JourneyAcrossServices();
  const auto status = ChainStatus();
  EXPECT_EQ(status.breaks_size(), 0) << status.DebugString();
  std::map<std::string, int64_t> verified;
  for (const auto& t : status.topics()) verified[t.topic()] = t.records_verified();
  EXPECT_EQ(verified[kIntakeTopic], 2);
  EXPECT_EQ(verified[kPlanTopic], 1);
  EXPECT_EQ(verified[kReferralTopic], 2);
  EXPECT_GT(verified["hub.access.events.v1"], 0);  // the access log is a chain like any other
}

// ---- checkpoints and proofs ----------------------------------------------------------------------

TEST_F(AuditServiceTest, CheckpointsAreSignedEveryNRecordsAtTheIntervalAndOnDemand) {
  const std::string household = "hh-checkpoints";
  std::string prev;
  int32_t partition = 0;
  auto append = [&](int n) {
    for (int i = 0; i < n; ++i) {
      auto version = log_->StreamVersion(kBeschikkingTopic, household);
      ASSERT_TRUE(version.ok());
      const std::string value = Sealed("beschikking", household, *version, prev, clock_.Now());
      prev = HashOf(value);
      partition = AppendRaw(kBeschikkingTopic, household, value).partition;
    }
  };
  ASSERT_NO_FATAL_FAILURE(append(20));
  // Every 8 records, by the checkpointer's own tick.
  for (int i = 0; i < 200 && CheckpointOffsets(kBeschikkingTopic, partition).size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_THAT(CheckpointOffsets(kBeschikkingTopic, partition), ElementsAre(8, 16));
  // At the interval (on the hub's clock), the partition that moved: up to its end.
  clock_.Advance(std::chrono::hours(2));
  for (int i = 0; i < 200 && CheckpointOffsets(kBeschikkingTopic, partition).size() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_THAT(CheckpointOffsets(kBeschikkingTopic, partition), ElementsAre(8, 16, 20));

  // Every checkpoint is signed by the audit key over its root, and chained on the audit topic.
  const std::string key = PublicKey();
  hub::v1::ListCheckpointsRequest list;
  list.set_topic(kBeschikkingTopic);
  list.set_partition(partition);
  hub::v1::ListCheckpointsResponse checkpoints;
  auto context = Context(kAuditor);
  ASSERT_TRUE(audit_->ListCheckpoints(context.get(), list, &checkpoints).ok());
  std::vector<std::string> leaves;
  std::vector<log::Record> records;
  ASSERT_TRUE(log_->Read({kBeschikkingTopic, partition}, 0, 100, &records).ok());
  for (const auto& r : records) leaves.push_back(crypto::MerkleLeafHash(HashOf(r.value)));
  for (const auto& c : checkpoints.checkpoints()) {
    EXPECT_TRUE(CheckpointSignatureValid(c.checkpoint(), key));
    const auto size = static_cast<size_t>(c.checkpoint().leaf_count());
    EXPECT_EQ(c.checkpoint().root(), crypto::MerkleRoot(std::span<const std::string>(leaves.data(), size)));
    hub::v1::LogRecord record;
    hub::v1::EventEnvelope envelope;
    ASSERT_TRUE(es::Unseal(c.log_record(), &record, &envelope).ok());
    EXPECT_EQ(envelope.household_id(), CheckpointStream(kBeschikkingTopic, partition));
    EXPECT_EQ(envelope.producer(), "audit");
    EXPECT_EQ(c.position().topic(), kAuditTopic);
  }
  EXPECT_EQ(ChainStatus().breaks_size(), 0);

  // An inclusion proof leads to the first checkpoint covering the record.
  hub::v1::GetInclusionProofRequest prove;
  prove.set_topic(kBeschikkingTopic);
  prove.set_partition(partition);
  prove.set_offset(10);
  hub::v1::InclusionProof proof;
  context = Context(kAuditor);
  ASSERT_TRUE(audit_->GetInclusionProof(context.get(), prove, &proof).ok());
  EXPECT_EQ(proof.checkpoint_up_to_offset(), 16);
  EXPECT_EQ(proof.leaf_index(), 10);
  std::vector<std::string> path(proof.audit_path().begin(), proof.audit_path().end());
  EXPECT_TRUE(crypto::VerifyMerkleInclusion(crypto::MerkleLeafHash(HashOf(proof.log_record())), 10, 16, path,
                                            proof.checkpoint().checkpoint().root()));
  EXPECT_TRUE(CheckpointSignatureValid(proof.checkpoint().checkpoint(), key));

  // A record no checkpoint covers yet gets one on demand.
  ASSERT_NO_FATAL_FAILURE(append(3));
  prove.set_offset(21);
  context = Context(kAuditor);
  ASSERT_TRUE(audit_->GetInclusionProof(context.get(), prove, &proof).ok());
  EXPECT_EQ(proof.checkpoint_up_to_offset(), 23);
  EXPECT_THAT(CheckpointOffsets(kBeschikkingTopic, partition), ElementsAre(8, 16, 20, 23));
  path.assign(proof.audit_path().begin(), proof.audit_path().end());
  EXPECT_TRUE(crypto::VerifyMerkleInclusion(crypto::MerkleLeafHash(HashOf(proof.log_record())), 21, 23, path,
                                            proof.checkpoint().checkpoint().root()));
  // Beyond the end: NOT_FOUND.
  prove.set_offset(1000);
  context = Context(kAuditor);
  EXPECT_EQ(audit_->GetInclusionProof(context.get(), prove, &proof).error_code(), grpc::StatusCode::NOT_FOUND);

  EXPECT_EQ(Metric("hub_audit_checkpoints_total", {{"topic", kBeschikkingTopic}}), 4.0);
  EXPECT_EQ(Metric("hub_audit_last_checkpoint_offset",
                   {{"topic", kBeschikkingTopic}, {"partition", std::to_string(partition)}}),
            23.0);
  EXPECT_TRUE(Metric("hub_projection_lag_records", {{"service", "audit"}}).has_value());
}

// ---- export ----------------------------------------------------------------------------------------

TEST_F(AuditServiceTest, AnExportVerifiesOfflineAndTamperingIsLocated) {
  const Household h = JourneyAcrossServices();
  Household other = NewHousehold();
  ASSERT_NO_FATAL_FAILURE(CompleteTriage(other, std::nullopt));
  const std::string key = PublicKey();

  hub::v1::ExportHistoryRequest request;
  request.set_household_id(h.id);
  std::vector<hub::v1::ExportItem> items;
  ASSERT_TRUE(Export(request, &items).ok());
  auto summary = VerifyExport(items, key);
  ASSERT_TRUE(summary.ok()) << summary.failure->Describe();
  EXPECT_EQ(summary.events, 5);
  EXPECT_EQ(summary.proofs, 5);
  EXPECT_EQ(summary.streams, 3);  // intake, plan, referral
  EXPECT_TRUE(summary.warnings.empty());
  ASSERT_TRUE(items.front().has_header());
  EXPECT_EQ(items.front().header().household_id(), h.id);
  EXPECT_EQ(items.front().header().public_key(), key);

  // Through a file, as hubctl writes and reads it.
  std::stringstream file;
  for (const auto& item : items) ASSERT_TRUE(WriteExportItem(item, file));
  ExportVerifier verifier(key);
  ASSERT_TRUE(ReadExportItems(file, [&](const hub::v1::ExportItem& item) { return verifier.Add(item); }).ok());
  EXPECT_TRUE(verifier.Finish().ok());

  // A changed byte is found at its event.
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].has_event()) continue;
    auto tampered = items;
    std::string& bytes = *tampered[i].mutable_event()->mutable_log_record();
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
    summary = VerifyExport(tampered, key);
    ASSERT_FALSE(summary.ok());
    EXPECT_EQ(summary.failure->where.item, i);
    EXPECT_EQ(summary.failure->where.offset, items[i].event().offset());
    EXPECT_EQ(summary.failure->where.topic, items[i].event().topic());
  }
  // Against another key it does not verify.
  EXPECT_FALSE(VerifyExport(items, std::string(32, '\x01')).ok());

  // The tenant export holds both households and verifies too.
  request.set_tenant("GM0632");
  items.clear();
  ASSERT_TRUE(Export(request, &items).ok());
  summary = VerifyExport(items, key);
  ASSERT_TRUE(summary.ok()) << summary.failure->Describe();
  EXPECT_EQ(summary.events, 7);
  EXPECT_EQ(summary.streams, 4);
}

// ---- access log --------------------------------------------------------------------------------------

TEST_F(AuditServiceTest, TheAccessLogIsIndexedBySubjectWithTheResidentsView) {
  // Synthetic records on the access topic, one writer stream, out of time order.
  struct Access {
    int minutes;
    std::string tenant;
    std::string organisation;
    std::string role;
    std::string user;
    std::string subject;
    hub::v1::AccessAction action;
  };
  const std::vector<Access> accesses = {
      {60, "GM0632", "fermwerk", "consulent", "u-f1", "person-1", hub::v1::ACCESS_ACTION_READ},
      {120, "GM0632", "woerdenwijzer", "consulent", "u-w1", "person-1", hub::v1::ACCESS_ACTION_CHANGE},
      {180, "GM0589", "sociaal-team-oudewater", "consulent", "u-o1", "person-1", hub::v1::ACCESS_ACTION_READ},
      {30, "GM0632", "zorgaanbieder-de-linde", "zorgverlener", "u-l1", "person-1", hub::v1::ACCESS_ACTION_READ},
      {40, "GM0632", "woerdenwijzer", "consulent", "u-w1", "", hub::v1::ACCESS_ACTION_SEARCH},
      {50, "GM0632", "woerdenwijzer", "consulent", "u-w1", "person-2", hub::v1::ACCESS_ACTION_READ},
  };
  std::string prev;
  for (size_t i = 0; i < accesses.size(); ++i) {
    const auto& a = accesses[i];
    hub::v1::EventEnvelope envelope;
    auto* r = envelope.mutable_access()->mutable_recorded();
    r->set_operation("hub.v1.IntakeService/GetHousehold");
    r->set_action(a.action);
    r->set_processing_activity("urn:hub:verwerking:intake");
    r->set_tenant(a.tenant);
    r->set_organisation_id(a.organisation);
    r->set_role(a.role);
    r->set_user_pseudonym(a.user);
    r->set_data_subject_id(a.subject);
    r->set_data_subject_id_type("PERSON");
    r->set_outcome("OK");
    r->set_trace_id(std::string(32, 'a'));
    es::ToTimestamp(kMonday + std::chrono::minutes(a.minutes), r->mutable_start_time());
    es::ToTimestamp(kMonday + std::chrono::minutes(a.minutes) + std::chrono::milliseconds(3), r->mutable_end_time());
    es::CommandMetadata meta;
    meta.tenant = a.tenant;
    meta.household_id = "synthetic-writer";
    auto sealed = es::Seal(meta, "access", 1, static_cast<int64_t>(i), prev, kMonday, {envelope});
    prev = sealed.last_hash;
    AppendRaw("hub.access.events.v1", "synthetic-writer", sealed.log_values.front());
  }

  auto page = [&](const Identity& who, bool resident_view, bool chronological, int page_size, const std::string& token,
                  hub::v1::AccessLogPage* reply) {
    hub::v1::GetAccessLogRequest request;
    request.set_data_subject_id("person-1");
    request.set_resident_view(resident_view);
    request.set_chronological(chronological);
    request.mutable_page()->set_page_size(page_size);
    request.mutable_page()->set_page_token(token);
    auto context = Context(who);
    return audit_->GetAccessLog(context.get(), request, reply);
  };
  // The synthetic records' organisations. Every GetAccessLog call is itself an access to the
  // subject's data and lands in the same log (checked at the end); it is left out here.
  auto organisations = [](const hub::v1::AccessLogPage& reply) {
    std::vector<std::string> out;
    for (const auto& e : reply.entries()) {
      if (e.operation() == "hub.v1.IntakeService/GetHousehold") out.push_back(e.organisation_id());
    }
    return out;
  };
  // Every page, following the tokens.
  auto all_pages = [&](const Identity& who, bool resident_view, bool chronological, int page_size) {
    hub::v1::AccessLogPage merged;
    std::string token;
    int pages = 0;
    do {
      hub::v1::AccessLogPage reply;
      EXPECT_TRUE(page(who, resident_view, chronological, page_size, token, &reply).ok());
      EXPECT_LE(reply.entries_size(), page_size);
      for (const auto& e : reply.entries()) *merged.add_entries() = e;
      token = reply.next_page_token();
    } while (!token.empty() && ++pages < 100);
    return merged;
  };

  // The auditor: newest first by default; the other tenant's record and the search are not there.
  hub::v1::AccessLogPage reply;
  ASSERT_TRUE(page(kAuditor, false, false, 0, "", &reply).ok());
  EXPECT_THAT(organisations(reply), ElementsAre("woerdenwijzer", "fermwerk", "zorgaanbieder-de-linde"));
  EXPECT_EQ(reply.entries(0).user_pseudonym(), "u-w1");
  EXPECT_EQ(reply.entries(0).action(), hub::v1::ACCESS_ACTION_CHANGE);
  EXPECT_EQ(reply.entries(0).position().topic(), "hub.access.events.v1");
  // Chronological, in pages of two.
  ASSERT_TRUE(page(kAuditor, false, true, 2, "", &reply).ok());
  EXPECT_THAT(organisations(reply), ElementsAre("zorgaanbieder-de-linde", "fermwerk"));
  ASSERT_FALSE(reply.next_page_token().empty());
  const std::string token = reply.next_page_token();
  EXPECT_THAT(organisations(all_pages(kAuditor, false, true, 2)),
              ElementsAre("zorgaanbieder-de-linde", "fermwerk", "woerdenwijzer"));
  EXPECT_THAT(organisations(all_pages(kAuditor, false, false, 1)),
              ElementsAre("woerdenwijzer", "fermwerk", "zorgaanbieder-de-linde"));
  // A token of one order is not one of the other.
  EXPECT_EQ(page(kAuditor, false, false, 2, token, &reply).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // The resident asks at the desk: chronological, with organisation, role and purpose, no users.
  ASSERT_TRUE(page(kConsulent, true, false, 0, "", &reply).ok());
  EXPECT_THAT(organisations(reply), ElementsAre("zorgaanbieder-de-linde", "fermwerk", "woerdenwijzer"));
  for (const auto& e : reply.entries()) {
    EXPECT_EQ(e.user_pseudonym(), "");
    EXPECT_EQ(e.trace_id(), "");
    EXPECT_FALSE(e.organisation_name().empty());
    EXPECT_FALSE(e.role().empty());
    EXPECT_FALSE(e.processing_activity().empty());
  }
  for (const auto& e : reply.entries()) {
    if (e.organisation_id() != "fermwerk") continue;
    EXPECT_EQ(e.organisation_name(), "FermWerk");
    EXPECT_EQ(e.role(), "consulent");
    EXPECT_EQ(e.processing_activity(), "urn:hub:verwerking:intake");
  }
  // The social team gets the resident's view only; others nothing.
  EXPECT_EQ(page(kConsulent, false, false, 0, "", &reply).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(page(kDeLinde, true, false, 0, "", &reply).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(page(kOperator, true, false, 0, "", &reply).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // The other tenant's social team sees its own record only.
  ASSERT_TRUE(page(kOudewater, true, false, 0, "", &reply).ok());
  EXPECT_THAT(organisations(reply), ElementsAre("sociaal-team-oudewater"));

  // Reading the access log is an access too: the auditor's and the desk's reads are in it, and the
  // resident sees who looked.
  ASSERT_TRUE(page(kAuditor, false, true, 500, "", &reply).ok());
  std::map<std::string, int> readers;
  for (const auto& e : reply.entries()) {
    if (e.operation() == "hub.v1.AuditService/GetAccessLog") readers[e.organisation_id()]++;
  }
  EXPECT_GT(readers["accountant-gm0632"], 0);
  EXPECT_GT(readers["woerdenwijzer"], 0);
  EXPECT_EQ(readers.count("sociaal-team-oudewater"), 0u);  // another tenant's reads stay there
}

TEST_F(AuditServiceTest, EveryServicesReadsAppearInTheAccessLog) {
  Household h = JourneyAcrossServices();
  {
    hub::v1::GetHouseholdRequest request;
    request.set_household_id(h.id);
    hub::v1::Household view;
    auto context = Context(kConsulent);
    ASSERT_TRUE(intake_->GetHousehold(context.get(), request, &view).ok());
  }
  {
    hub::v1::GetPlanRequest request;
    request.set_household_id(h.id);
    hub::v1::PlanView view;
    auto context = Context(kConsulent);
    ASSERT_TRUE(plan_->GetPlan(context.get(), request, &view).ok());
  }
  {
    hub::v1::GetReferralsRequest request;
    request.set_household_id(h.id);
    hub::v1::HouseholdReferrals view;
    auto context = Context(kFermwerk);
    ASSERT_TRUE(referral_->GetReferrals(context.get(), request, &view).ok());
  }
  {
    std::vector<hub::v1::ReplayedEvent> events;
    hub::v1::ReplayHouseholdRequest request;
    request.set_household_id(h.id);
    ASSERT_TRUE(Replay(request, &events).ok());
  }
  hub::v1::GetAccessLogRequest request;
  request.set_data_subject_id(h.id);
  request.set_chronological(true);
  hub::v1::AccessLogPage reply;
  auto context = Context(kAuditor);
  ASSERT_TRUE(audit_->GetAccessLog(context.get(), request, &reply).ok());
  std::map<std::string, std::string> reads;  // operation -> organisation
  for (const auto& e : reply.entries()) {
    if (e.action() == hub::v1::ACCESS_ACTION_READ) reads[e.operation()] = e.organisation_id();
  }
  EXPECT_EQ(reads["hub.v1.IntakeService/GetHousehold"], "woerdenwijzer");
  EXPECT_EQ(reads["hub.v1.PlanService/GetPlan"], "woerdenwijzer");
  EXPECT_EQ(reads["hub.v1.ReferralService/GetReferrals"], "fermwerk");
  EXPECT_EQ(reads["hub.v1.AuditService/ReplayHousehold"], "accountant-gm0632");  // audit reads are logged too
  // The commands are there as well, oldest first.
  ASSERT_GT(reply.entries_size(), 4);
  EXPECT_EQ(reply.entries(0).operation(), "hub.v1.IntakeService/RegisterMelding");
}

// ---- determinism ---------------------------------------------------------------------------------------

// Every family of an audit store, key and value, as one map.
std::map<std::string, std::string> Dump(const std::string& path) {
  const std::vector<std::string> families = AuditFamilies();
  std::map<std::string, std::string> out;
  auto store = store::Store::Open(path, families);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return out;
  for (const auto& family : families) {
    std::unique_ptr<rocksdb::Iterator> it((*store)->db()->NewIterator({}, (*store)->family(family)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) out[family + "/" + it->key().ToString()] = it->value().ToString();
  }
  return out;
}

TEST_F(AuditServiceTest, AStoreRebuiltFromTheLogIsByteForByteTheSame) {
  Household h = JourneyAcrossServices();
  ASSERT_NO_FATAL_FAILURE(CompleteTriage(h, kMonday - kDay));
  const std::string v1 = Sealed("beschikking", "hh-x", 0, "", kMonday);
  AppendRaw(kBeschikkingTopic, "hh-x", v1);
  AppendRaw(kBeschikkingTopic, "hh-x", Sealed("beschikking", "hh-x", 1, crypto::Sha256("fork"), kMonday));
  std::vector<hub::v1::ExportItem> items;
  hub::v1::ExportHistoryRequest request;
  request.set_household_id(h.id);
  ASSERT_TRUE(Export(request, &items).ok());  // on-demand checkpoints

  // Nothing writes any more; everything due is signed, so a second store has nothing to add.
  host_->Shutdown();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  ASSERT_TRUE(audit_module_->CatchUp(deadline).ok());
  ASSERT_TRUE(audit_module_->CheckpointNow().ok());
  ASSERT_TRUE(audit_module_->CatchUp(deadline).ok());
  audit_module_.reset();
  auto fresh = AuditModule::Open({.data_dir = dir_.Sub("audit-fresh"),
                                  .partitions = kPartitions,
                                  .log = log_.get(),
                                  .organisations = register_.get(),
                                  .master_key = master_key_.get(),
                                  .clock = &clock_,
                                  .checkpoint_every = kCheckpointEvery,
                                  .checkpoint_interval = std::chrono::hours(1),
                                  .tick = std::chrono::milliseconds(50)});
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  fresh->reset();

  const auto live = Dump(dir_.Sub("audit"));
  const auto rebuilt = Dump(dir_.Sub("audit-fresh"));
  EXPECT_GT(live.size(), 50u);
  EXPECT_TRUE(live == rebuilt) << live.size() << " entries live, " << rebuilt.size() << " rebuilt";
  int breaks = 0;
  for (const auto& [key, value] : live) breaks += key.starts_with("audit_breaks/") ? 1 : 0;
  EXPECT_EQ(breaks, 1);
}

// ---- the policy reports ----------------------------------------------------------------------------

class ReportServiceTest : public AuditServiceTest {
 protected:
  template <typename Request, typename Reply>
  grpc::Status Call(grpc::Status (hub::v1::ReportService::Stub::*method)(grpc::ClientContext*, const Request&, Reply*),
                    const Request& request, Reply* reply, const Identity& who = kAuditor) {
    EXPECT_TRUE(audit_module_->CatchUp(std::chrono::steady_clock::now() + std::chrono::seconds(20)).ok());
    auto context = Context(who);
    return (report_.get()->*method)(context.get(), request, reply);
  }

  // Restarts the audit module with `config` (the rest of the hub keeps running).
  void RestartWith(const std::string& config) {
    auto parsed = ReportConfig::FromJson(config);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    reports_ = std::move(*parsed);
    Stop();
    ASSERT_NO_FATAL_FAILURE(Start());
  }
};

TEST_F(ReportServiceTest, JourneysAreCountedInTheDeadlineProcesregieAndAnswerTimeReports) {
  for (int i = 0; i < 6; ++i) JourneyAcrossServices();

  hub::v1::DeadlinesRequest deadlines;
  hub::v1::DeadlinesReport d;
  ASSERT_TRUE(Call(&hub::v1::ReportService::Stub::GetDeadlines, deadlines, &d).ok());
  EXPECT_EQ(d.header().tenant(), "GM0632");
  EXPECT_EQ(d.header().suppression_threshold(), 5);
  EXPECT_EQ(d.header().households().count(), 6);
  ASSERT_EQ(d.rows(0).kind(), hub::v1::REPORT_DEADLINE_KIND_MELDING_ONDERZOEK);
  EXPECT_EQ(d.rows(0).open().count(), 6);
  EXPECT_EQ(d.rows(0).on_track().count(), 6);

  hub::v1::ProcesregieRequest procesregie;
  hub::v1::ProcesregieReport p;
  ASSERT_TRUE(Call(&hub::v1::ReportService::Stub::GetProcesregie, procesregie, &p, kRegisseur).ok());
  EXPECT_EQ(p.households_with_plan().count(), 6);
  EXPECT_EQ(p.under_procesregie().count(), 0);
  EXPECT_TRUE(p.has_share());
  EXPECT_DOUBLE_EQ(p.share_percent(), 0.0);

  hub::v1::ReferralAnswerTimesRequest answers;
  hub::v1::ReferralAnswerTimesReport a;
  ASSERT_TRUE(Call(&hub::v1::ReportService::Stub::GetReferralAnswerTimes, answers, &a).ok());
  const auto consultation = std::find_if(a.rows().begin(), a.rows().end(),
                                         [](const auto& r) { return r.receiver_kind() == "CONSULTATION"; });
  ASSERT_NE(consultation, a.rows().end());
  EXPECT_EQ(consultation->requested().count(), 6);
  EXPECT_EQ(consultation->accepted().count(), 6);
  EXPECT_EQ(consultation->answered_on_time().count(), 6);
  ASSERT_TRUE(consultation->has_answer_days());
  EXPECT_DOUBLE_EQ(consultation->median_answer_working_days(), 0.0);  // answered the same day
}

TEST_F(ReportServiceTest, SmallCountsAreSuppressedAndReadAsZero) {
  for (int i = 0; i < 3; ++i) JourneyAcrossServices();
  hub::v1::DeadlinesReport d;
  ASSERT_TRUE(Call(&hub::v1::ReportService::Stub::GetDeadlines, hub::v1::DeadlinesRequest{}, &d).ok());
  EXPECT_TRUE(d.header().households().suppressed());
  EXPECT_EQ(d.header().households().count(), 0);
  EXPECT_TRUE(d.rows(0).open().suppressed());
  EXPECT_EQ(d.rows(0).open().count(), 0);
  hub::v1::ProcesregieReport p;
  ASSERT_TRUE(Call(&hub::v1::ReportService::Stub::GetProcesregie, hub::v1::ProcesregieRequest{}, &p).ok());
  EXPECT_TRUE(p.households_with_plan().suppressed());
  EXPECT_FALSE(p.has_share());
}

TEST_F(ReportServiceTest, StapelingFollowsTheTenantsSchemesAndThreshold) {
  // A tenant that counts consultations as a scheme, with the lowest threshold.
  ASSERT_NO_FATAL_FAILURE(RestartWith(R"({
    "schemes": [
      {"id": "JEUGD", "name": "Jeugd", "products": [{"law": "JEUGDWET"}]},
      {"id": "CONSULTATIE", "name": "Consultatie", "referrals": ["CONSULTATION"]}
    ],
    "tenants": [{"code": "GM0632", "suppression_threshold": 2}]
  })"));
  for (int i = 0; i < 2; ++i) JourneyAcrossServices();
  NewHousehold();  // a melding only: no scheme

  hub::v1::StapelingReport s;
  ASSERT_TRUE(Call(&hub::v1::ReportService::Stub::GetStapeling, hub::v1::StapelingRequest{}, &s).ok());
  EXPECT_EQ(s.header().suppression_threshold(), 2);
  EXPECT_EQ(s.header().households().count(), 3);
  ASSERT_EQ(s.schemes_size(), 2);
  EXPECT_EQ(s.schemes(1).scheme_name(), "Consultatie");
  EXPECT_EQ(s.schemes(1).households().count(), 2);
  EXPECT_EQ(s.schemes(1).households_only().count(), 2);
  EXPECT_EQ(s.schemes(0).households().count(), 0);
  ASSERT_EQ(s.combinations_size(), 1);
  EXPECT_EQ(s.combinations(0).label(), "Consultatie");
  EXPECT_EQ(s.households_with_any_scheme().count(), 2);
}

TEST_F(ReportServiceTest, AReportAsTheHubKnewItBeforeTheJourneysCountsNothing) {
  const auto before = clock_.Now();
  clock_.Advance(std::chrono::minutes(1));
  for (int i = 0; i < 5; ++i) JourneyAcrossServices();
  hub::v1::DeadlinesRequest request;
  es::ToTimestamp(before, request.mutable_scope()->mutable_known_at());
  hub::v1::DeadlinesReport then;
  ASSERT_TRUE(Call(&hub::v1::ReportService::Stub::GetDeadlines, request, &then).ok());
  EXPECT_EQ(then.header().households().count(), 0);
  EXPECT_EQ(then.rows(0).open().count(), 0);
  request.mutable_scope()->clear_known_at();
  hub::v1::DeadlinesReport now;
  ASSERT_TRUE(Call(&hub::v1::ReportService::Stub::GetDeadlines, request, &now).ok());
  EXPECT_EQ(now.rows(0).open().count(), 5);
}

TEST_F(ReportServiceTest, AStoreFromBeforeTheReportsGetsItsFactsFromTheLog) {
  for (int i = 0; i < 5; ++i) JourneyAcrossServices();
  ASSERT_TRUE(audit_module_->CatchUp(std::chrono::steady_clock::now() + std::chrono::seconds(20)).ok());
  Stop();
  {
    // An audit store as a release without reports left it: no facts, no marker.
    auto store = store::Store::Open(dir_.Sub("audit"), AuditFamilies());
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->ResetFamily("audit_report_facts").ok());
  }
  ASSERT_NO_FATAL_FAILURE(Start());
  hub::v1::DeadlinesReport d;
  ASSERT_TRUE(Call(&hub::v1::ReportService::Stub::GetDeadlines, hub::v1::DeadlinesRequest{}, &d).ok());
  EXPECT_EQ(d.rows(0).open().count(), 5);
}

TEST_F(ReportServiceTest, AnotherTenantSeesNoneOfTheseHouseholds) {
  for (int i = 0; i < 5; ++i) JourneyAcrossServices();
  hub::v1::DeadlinesReport d;
  ASSERT_TRUE(Call(&hub::v1::ReportService::Stub::GetDeadlines, hub::v1::DeadlinesRequest{}, &d, kOudewater).ok());
  EXPECT_EQ(d.header().tenant(), "GM0589");
  EXPECT_EQ(d.header().households().count(), 0);
}

TEST_F(ReportServiceTest, OnlyTheMunicipalitysOwnOrganisationsMayAsk) {
  hub::v1::StapelingReport s;
  for (const Identity& who : {kDeLinde, kFermwerk, kOperator}) {
    auto status = Call(&hub::v1::ReportService::Stub::GetStapeling, hub::v1::StapelingRequest{}, &s, who);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << who.organisation;
  }
  for (const Identity& who : {kAuditor, kConsulent}) {
    EXPECT_TRUE(Call(&hub::v1::ReportService::Stub::GetStapeling, hub::v1::StapelingRequest{}, &s, who).ok());
  }
}

TEST_F(ReportServiceTest, ABadScopeNamesTheField) {
  struct Case {
    std::string as_of, period_start, period_end, field;
  };
  for (const Case& c : {Case{"2026-13-01", "", "", "scope.as_of"}, Case{"2026-04-01", "", "2026-05-01", "scope.period_end"},
                        Case{"2026-04-01", "2026-03-01", "2026-02-01", "scope.period_start"},
                        Case{"", "1 maart", "", "scope.period_start"}}) {
    hub::v1::StapelingRequest request;
    request.mutable_scope()->set_as_of(c.as_of);
    request.mutable_scope()->set_period_start(c.period_start);
    request.mutable_scope()->set_period_end(c.period_end);
    hub::v1::StapelingReport s;
    auto status = Call(&hub::v1::ReportService::Stub::GetStapeling, request, &s);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr(c.field));
  }
  hub::v1::DeadlinesRequest risky;
  risky.set_at_risk_days(-1);
  hub::v1::DeadlinesReport d;
  auto status = Call(&hub::v1::ReportService::Stub::GetDeadlines, risky, &d);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("at_risk_days"));
}

// ---- who may do what ----------------------------------------------------------------------------------

TEST_F(AuditServiceTest, OnlyAuditorsReadHistoryAndOnlyOfTheirOwnTenant) {
  const Household h = NewHousehold();
  const Household oudewater = NewHousehold(kOudewater);

  hub::v1::ReplayHouseholdRequest replay;
  replay.set_household_id(h.id);
  for (const Identity& who : {kConsulent, kFermwerk, kOperator, kDeLinde}) {
    std::vector<hub::v1::ReplayedEvent> events;
    auto status = Replay(replay, &events, who);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << who.organisation;
    EXPECT_THAT(status.error_message(), HasSubstr("may not replay a household")) << who.organisation;
    EXPECT_TRUE(events.empty());
  }
  // Another tenant's household is not found for this auditor, in every call.
  std::vector<hub::v1::ReplayedEvent> events;
  replay.set_household_id(oudewater.id);
  EXPECT_EQ(Replay(replay, &events).error_code(), grpc::StatusCode::NOT_FOUND);
  hub::v1::GetHouseholdAsOfRequest as_of;
  as_of.set_household_id(oudewater.id);
  hub::v1::HouseholdAsOf as_of_reply;
  auto context = Context(kAuditor);
  EXPECT_EQ(audit_->GetHouseholdAsOf(context.get(), as_of, &as_of_reply).error_code(), grpc::StatusCode::NOT_FOUND);
  std::vector<hub::v1::ExportItem> items;
  hub::v1::ExportHistoryRequest export_request;
  export_request.set_household_id(oudewater.id);
  EXPECT_EQ(Export(export_request, &items).error_code(), grpc::StatusCode::NOT_FOUND);
  export_request.set_tenant("GM0589");
  EXPECT_EQ(Export(export_request, &items).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  items.clear();
  EXPECT_EQ(Export(export_request, &items, kConsulent).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(items.empty());

  // The operator reads the chain status and nothing else.
  hub::v1::ChainStatus status;
  context = Context(kOperator);
  EXPECT_TRUE(audit_->GetChainStatus(context.get(), {}, &status).ok());
  hub::v1::CheckpointKey key;
  context = Context(kOperator);
  EXPECT_EQ(audit_->GetCheckpointKey(context.get(), {}, &key).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  context = Context(kConsulent);
  EXPECT_EQ(audit_->GetChainStatus(context.get(), {}, &status).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Requests are checked after the caller: a missing household id is named.
  replay.set_household_id("");
  events.clear();
  EXPECT_EQ(Replay(replay, &events).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace hub::audit
