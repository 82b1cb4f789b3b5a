// The plan service over real gRPC on loopback, hosted beside the intake service on one log as hubd
// hosts them: every call and its refusals, who may do what, what each organisation may read,
// read-your-writes across the two services, idempotent retries, optimistic concurrency, paging,
// restarts and the gauges.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "common/es/clock.h"
#include "common/log/rocks_log.h"
#include "common/rpc/server_host.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/v1/intake.grpc.pb.h"
#include "hub/v1/plan.grpc.pb.h"
#include "prometheus/registry.h"
#include "services/intake/module.h"
#include "services/plan/module.h"
#include "tests/testing/temp_dir.h"

namespace hub::plan {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;
using std::chrono::system_clock;
using Stub = hub::v1::PlanService::Stub;
using Positions = google::protobuf::RepeatedPtrField<hub::v1::Position>;

// 2026-01-12 09:00 in the Netherlands (08:00 UTC), a Monday.
const system_clock::time_point kMonday = system_clock::time_point(std::chrono::seconds(1768204800));
constexpr auto kDay = std::chrono::hours(24);
const std::string kToday = "2026-01-12";
const std::string kPlanTopic = "hub.plan.events.v1";
const std::string kIntakeTopic = "hub.intake.events.v1";
constexpr int32_t kPartitions = 4;

struct Identity {
  std::string tenant;
  std::string organisation;
  std::string role;
  std::string user;
};

const Identity kConsulent{"GM0632", "woerdenwijzer", "consulent", "u-consulent-1"};
// The casusregisseur every household of these tests gets from intake.
const Identity kRegisseur{"GM0632", "woerdenwijzer", "casusregisseur", "u-regisseur"};
// The procesregisseur the tests escalate to.
const Identity kProcesregisseur{"GM0632", "woerdenwijzer", "procesregisseur", "u-procesregisseur"};
const Identity kFermwerk{"GM0632", "fermwerk", "consulent", "u-fermwerk-1"};
const Identity kDeLinde{"GM0632", "zorgaanbieder-de-linde", "zorgverlener", "u-linde-1"};
const Identity kSchuldhulp{"GM0632", "schuldhulp-woerden", "schuldhulpverlener", "u-schuldhulp-1"};
const Identity kSignalGiver{"GM0632", "basisschool-de-regenboog", "signaalgever", "u-school-1"};
const Identity kOudewater{"GM0589", "sociaal-team-oudewater", "consulent", "u-ow-1"};

// What a call answered: its status and the two trailers a rejection carries.
struct Answer {
  grpc::Status status;
  std::string reason;  // hub-reason
  std::string field;   // hub-field
  bool ok() const { return status.ok(); }
};

std::string Describe(const Answer& a) {
  std::ostringstream out;
  out << "code " << a.status.error_code() << " (" << a.status.error_message() << "), hub-reason '" << a.reason
      << "', hub-field '" << a.field << "'";
  return out.str();
}

// The call was refused with `code` and, where given, that reason code and field.
::testing::AssertionResult Refused(const Answer& a, grpc::StatusCode code, const std::string& reason = "",
                                   const std::string& field = "") {
  if (a.status.error_code() == code && (reason.empty() || a.reason == reason) && (field.empty() || a.field == field)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected code " << code << " reason '" << reason << "' field '" << field
                                       << "', got " << Describe(a);
}

// A BSN that passes the elfproef, different for every seed.
std::string ValidBsn(int seed) {
  static constexpr int kWeights[8] = {9, 8, 7, 6, 5, 4, 3, 2};
  for (int k = seed * 20;; ++k) {
    const std::string prefix = std::to_string(20'000'000 + k);
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (prefix[static_cast<size_t>(i)] - '0') * kWeights[i];
    if (sum % 11 == 10) continue;
    return prefix + std::to_string(sum % 11);
  }
}

// A household as intake created it.
struct Household {
  std::string id;
  std::string melding_id;
  std::string adult_id;  // born 1984
  std::string child_id;  // born 2011: 14 years old on kMonday
  Positions positions;   // of intake's last reply about it
};

class PlanServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto reg = config::Register::LoadFile(std::string(HUB_SOURCE_DIR) + "/deploy/config/organisations.json");
    ASSERT_TRUE(reg.ok()) << reg.status();
    register_ = std::make_unique<config::Register>(std::move(*reg));
    auto key = keys::MasterKey::FromBytes(std::string(32, 'k'));
    ASSERT_TRUE(key.ok());
    master_key_ = std::make_unique<keys::MasterKey>(std::move(*key));
    Start();
  }

  void TearDown() override { Stop(); }

  // Both modules on one log and one host, each with its own store, as hubd runs them.
  void Start() {
    auto log = log::RocksLog::Open({.path = dir_.Sub("log")});
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    host_ = std::make_unique<rpc::ServerHost>(rpc::ServerHostOptions{.listen_address = "127.0.0.1:0",
                                                                     .metrics_address = ""});
    auto intake = intake::IntakeModule::Open({.data_dir = dir_.Sub("intake"),
                                              .partitions = kPartitions,
                                              .log = log_.get(),
                                              .organisations = register_.get(),
                                              .master_key = master_key_.get(),
                                              .clock = &clock_,
                                              .metrics = host_->registry().get()});
    ASSERT_TRUE(intake.ok()) << intake.status();
    intake_module_ = std::move(*intake);
    auto plan = PlanModule::Open({.data_dir = dir_.Sub("plan"),
                                  .partitions = kPartitions,
                                  .log = log_.get(),
                                  .organisations = register_.get(),
                                  .master_key = master_key_.get(),
                                  .clock = &clock_,
                                  .metrics = host_->registry().get()});
    ASSERT_TRUE(plan.ok()) << plan.status();
    plan_module_ = std::move(*plan);
    host_->AddService(intake_module_->service());
    host_->AddService(plan_module_->service());
    ASSERT_TRUE(host_->Start().ok());
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->port()), grpc::InsecureChannelCredentials());
    intake_ = hub::v1::IntakeService::NewStub(channel_);
    plan_ = hub::v1::PlanService::NewStub(channel_);
  }

  void Stop() {
    plan_.reset();
    intake_.reset();
    channel_.reset();
    // The modules go before the host: their metrics live in the host's registry.
    if (host_) host_->Shutdown();
    plan_module_.reset();
    intake_module_.reset();
    host_.reset();
    log_.reset();
  }

  std::unique_ptr<grpc::ClientContext> Context(const Identity& who) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-hub-tenant", who.tenant);
    context->AddMetadata("x-hub-organisation", who.organisation);
    context->AddMetadata("x-hub-role", who.role);
    context->AddMetadata("x-hub-user", who.user);
    context->set_deadline(system_clock::now() + std::chrono::seconds(20));
    return context;
  }

  static std::string Trailer(const grpc::ClientContext& context, const std::string& key) {
    const auto& trailers = context.GetServerTrailingMetadata();
    auto it = trailers.find(key);
    return it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
  }

  template <class Request, class Reply>
  Answer Call(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Reply*), const Request& request,
              Reply* reply, const Identity& who = kConsulent) {
    auto context = Context(who);
    Answer answer;
    answer.status = (plan_.get()->*rpc)(context.get(), request, reply);
    answer.reason = Trailer(*context, "hub-reason");
    answer.field = Trailer(*context, "hub-field");
    return answer;
  }

  hub::v1::CommandHeader Header() {
    hub::v1::CommandHeader header;
    header.set_request_id("req-" + std::to_string(++requests_));
    return header;
  }

  // ---- intake ---------------------------------------------------------------------------------

  // A new household of an adult and a child (new persons each time), with the casusregisseur
  // woerdenwijzer/u-regisseur unless `assign_regisseur` is false.
  Household NewHousehold(bool assign_regisseur = true) {
    const int n = ++households_;
    hub::v1::RegisterMeldingRequest request;
    *request.mutable_header() = Header();
    request.set_tenant("GM0632");
    request.set_channel(hub::v1::CHANNEL_VINDPLAATS);
    request.set_source(hub::v1::SIGNAL_SOURCE_SCHOOL);
    const std::vector<std::tuple<std::string, std::string, std::string>> persons = {
        {ValidBsn(2 * n), "1984-05-02", "parent"}, {ValidBsn(2 * n + 1), "2011-09-14", "child"}};
    for (const auto& [bsn, birth, relation] : persons) {
      auto* p = request.add_persons();
      p->set_bsn(bsn);
      p->set_birth_date(birth);
      p->set_name("Persoon " + relation + " " + std::to_string(n));
      p->set_relation(relation);
    }
    request.set_question("Zoon komt vaak te laat en zonder ontbijt op school.");
    request.add_life_domains("HUISELIJKE_RELATIES");
    request.add_data_categories("CONTACT");
    hub::v1::RegisterMeldingReply reply;
    auto context = Context(kConsulent);
    auto status = intake_->RegisterMelding(context.get(), request, &reply);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(reply.joined_existing_household());
    Household household;
    household.id = reply.result().household_id();
    household.melding_id = reply.melding_id();
    if (reply.person_ids_size() == 2) {
      household.adult_id = reply.person_ids(0);
      household.child_id = reply.person_ids(1);
    }
    household.positions = reply.result().positions();
    if (assign_regisseur) {
      hub::v1::AssignRegisseurRequest assign;
      *assign.mutable_header() = Header();
      assign.set_household_id(household.id);
      assign.set_organisation_id(kRegisseur.organisation);
      assign.set_user_pseudonym(kRegisseur.user);
      hub::v1::CommandReply assigned;
      auto assign_context = Context(kConsulent);
      auto assign_status = intake_->AssignRegisseur(assign_context.get(), assign, &assigned);
      EXPECT_TRUE(assign_status.ok()) << assign_status.error_message();
      household.positions = assigned.positions();
    }
    return household;
  }

  // ---- plan commands --------------------------------------------------------------------------

  hub::v1::DraftPlanRequest DraftRequest(const Household& h) {
    hub::v1::DraftPlanRequest request;
    *request.mutable_header() = Header();
    *request.mutable_header()->mutable_min_positions() = h.positions;
    request.set_household_id(h.id);
    return request;
  }

  std::string Draft(const Household& h, int32_t weeks = 0) {
    auto request = DraftRequest(h);
    request.set_evaluation_interval_weeks(weeks);
    hub::v1::DraftPlanReply reply;
    auto answer = Call(&Stub::DraftPlan, request, &reply);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    EXPECT_FALSE(reply.plan_id().empty());
    return reply.plan_id();
  }

  // A goal on FINANCIEN for an organisation, or for a person when `person` is set.
  static hub::v1::GoalInput Goal(const std::string& result, const std::string& organisation,
                                 const std::string& person = "") {
    hub::v1::GoalInput goal;
    goal.set_life_domain("FINANCIEN");
    goal.set_result(result);
    goal.set_target_date("2026-07-01");
    goal.set_tier(hub::v1::SUPPORT_TIER_GENERAL_PROVISION);
    goal.set_responsible_organisation_id(organisation);
    goal.set_responsible_person_id(person);
    goal.set_agreements("Afspraken bij: " + result);
    return goal;
  }

  hub::v1::AddGoalRequest AddGoalRequest(const Household& h, const std::string& plan_id,
                                         const hub::v1::GoalInput& goal) {
    hub::v1::AddGoalRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_plan_id(plan_id);
    *request.mutable_goal() = goal;
    return request;
  }

  Answer AddGoal(const Household& h, const std::string& plan_id, const hub::v1::GoalInput& goal,
                 hub::v1::GoalReply* reply, const Identity& who = kConsulent) {
    return Call(&Stub::AddGoal, AddGoalRequest(h, plan_id, goal), reply, who);
  }

  std::string AddGoalOk(const Household& h, const std::string& plan_id, const hub::v1::GoalInput& goal) {
    hub::v1::GoalReply reply;
    auto answer = AddGoal(h, plan_id, goal, &reply);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    EXPECT_FALSE(reply.goal_id().empty());
    return reply.goal_id();
  }

  Answer ChangeGoal(const Household& h, const std::string& plan_id, const std::string& goal_id,
                    const hub::v1::GoalInput& goal, hub::v1::GoalReply* reply) {
    hub::v1::ChangeGoalRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_plan_id(plan_id);
    request.set_goal_id(goal_id);
    *request.mutable_goal() = goal;
    return Call(&Stub::ChangeGoal, request, reply);
  }

  Answer DropGoal(const Household& h, const std::string& plan_id, const std::string& goal_id) {
    hub::v1::DropGoalRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_plan_id(plan_id);
    request.set_goal_id(goal_id);
    hub::v1::CommandReply reply;
    return Call(&Stub::DropGoal, request, &reply);
  }

  // Agreement signed by `signer` (the adult when empty) and, for the team, by `who`.
  Answer Agree(const Household& h, const std::string& plan_id, int32_t revision, const Identity& who = kRegisseur,
               const std::string& signer = "") {
    hub::v1::AgreePlanRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_plan_id(plan_id);
    request.set_revision(revision);
    request.set_resident_person_id(signer.empty() ? h.adult_id : signer);
    hub::v1::CommandReply reply;
    return Call(&Stub::AgreePlan, request, &reply, who);
  }

  hub::v1::RecordEvaluationRequest EvaluationRequest(const Household& h, const std::string& plan_id,
                                                     const std::string& goal_id) {
    hub::v1::RecordEvaluationRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_plan_id(plan_id);
    request.set_goal_id(goal_id);
    request.set_progress(hub::v1::GOAL_PROGRESS_ON_TRACK);
    request.set_zrm_score(3);
    request.set_notes("Eerste afspraak bij schuldhulp gehad.");
    return request;
  }

  Answer Evaluate(const hub::v1::RecordEvaluationRequest& request) {
    hub::v1::CommandReply reply;
    return Call(&Stub::RecordEvaluation, request, &reply);
  }

  Answer ScaleDown(const Household& h, const std::string& plan_id, const std::string& reason, const Identity& who) {
    hub::v1::ScaleDownRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_plan_id(plan_id);
    request.set_reason(reason);
    hub::v1::CommandReply reply;
    return Call(&Stub::ScaleDown, request, &reply, who);
  }

  Answer Close(const Household& h, const std::string& plan_id, const std::string& reason, const Identity& who) {
    hub::v1::ClosePlanRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_plan_id(plan_id);
    request.set_reason(reason);
    hub::v1::CommandReply reply;
    return Call(&Stub::ClosePlan, request, &reply, who);
  }

  hub::v1::EscalateToProcesregieRequest EscalateRequest(const Household& h) {
    hub::v1::EscalateToProcesregieRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_reason(hub::v1::ESCALATION_REASON_STUCK);
    request.set_explanation("Schuldhulp en werk wachten op elkaar; niemand beweegt.");
    request.set_procesregisseur_organisation_id(kProcesregisseur.organisation);
    request.set_procesregisseur_user_pseudonym(kProcesregisseur.user);
    return request;
  }

  std::string Escalate(const Household& h) {
    hub::v1::EscalateToProcesregieReply reply;
    auto answer = Call(&Stub::EscalateToProcesregie, EscalateRequest(h), &reply);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    EXPECT_FALSE(reply.escalation_id().empty());
    return reply.escalation_id();
  }

  hub::v1::IssueDirectiveRequest DirectiveRequest(const Household& h, const std::string& organisation,
                                                  const std::string& due_on) {
    hub::v1::IssueDirectiveRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_organisation_id(organisation);
    request.set_action("Plan binnen een week een gesprek met " + organisation + " en de bewoner.");
    request.set_due_on(due_on);
    return request;
  }

  Answer Issue(const hub::v1::IssueDirectiveRequest& request, hub::v1::IssueDirectiveReply* reply,
               const Identity& who = kProcesregisseur) {
    return Call(&Stub::IssueDirective, request, reply, who);
  }

  std::string IssueOk(const Household& h, const std::string& organisation, const std::string& due_on) {
    hub::v1::IssueDirectiveReply reply;
    auto answer = Issue(DirectiveRequest(h, organisation, due_on), &reply);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    EXPECT_FALSE(reply.directive_id().empty());
    return reply.directive_id();
  }

  Answer Complete(const Household& h, const std::string& directive_id, const Identity& who) {
    hub::v1::CompleteDirectiveRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_directive_id(directive_id);
    hub::v1::CommandReply reply;
    return Call(&Stub::CompleteDirective, request, &reply, who);
  }

  Answer Release(const Household& h, const std::string& explanation, const Identity& who) {
    hub::v1::ReleaseProcesregieRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_explanation(explanation);
    hub::v1::CommandReply reply;
    return Call(&Stub::ReleaseProcesregie, request, &reply, who);
  }

  // ---- reads ----------------------------------------------------------------------------------

  Answer Get(const std::string& household_id, hub::v1::PlanView* view, const Identity& who = kConsulent) {
    hub::v1::GetPlanRequest request;
    request.set_household_id(household_id);
    return Call(&Stub::GetPlan, request, view, who);
  }

  hub::v1::PlanView GetOk(const Household& h, const Identity& who = kConsulent) {
    hub::v1::PlanView view;
    auto answer = Get(h.id, &view, who);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    return view;
  }

  Answer List(const hub::v1::ListPlansRequest& request, hub::v1::ListPlansResponse* response,
              const Identity& who = kConsulent) {
    return Call(&Stub::ListPlans, request, response, who);
  }

  std::vector<std::string> ListedHouseholds(const hub::v1::ListPlansRequest& request) {
    hub::v1::ListPlansResponse response;
    auto answer = List(request, &response);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    std::vector<std::string> ids;
    for (const auto& p : response.plans()) ids.push_back(p.household_id());
    return ids;
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

  std::optional<double> TenantGauge(const std::string& name, const std::string& tenant = "GM0632") {
    plan_module_->RefreshMetrics();
    return Metric(name, {{"tenant", tenant}});
  }

  std::optional<double> PlansGauge(const std::string& status, const std::string& tenant = "GM0632") {
    plan_module_->RefreshMetrics();
    return Metric("hub_plan_plans", {{"tenant", tenant}, {"status", status}});
  }

  // Records in the log's topic, over all partitions.
  int64_t RecordsIn(const std::string& topic) {
    int64_t n = 0;
    for (int32_t p = 0; p < kPartitions; ++p) {
      auto end = log_->EndOffset({topic, p});
      EXPECT_TRUE(end.ok()) << end.status();
      if (end.ok()) n += *end;
    }
    return n;
  }

  testing::TempDir dir_;
  es::ManualClock clock_{kMonday};
  std::unique_ptr<config::Register> register_;
  std::unique_ptr<keys::MasterKey> master_key_;
  std::unique_ptr<log::RocksLog> log_;
  std::unique_ptr<rpc::ServerHost> host_;
  std::unique_ptr<intake::IntakeModule> intake_module_;
  std::unique_ptr<PlanModule> plan_module_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<hub::v1::IntakeService::Stub> intake_;
  std::unique_ptr<hub::v1::PlanService::Stub> plan_;
  int requests_ = 0;
  int households_ = 0;
};

// ---- DraftPlan ------------------------------------------------------------------------------

TEST_F(PlanServiceTest, APlanIsDraftedRightAfterIntakeByWaitingForIntakesPositions) {
  const Household h = NewHousehold();
  ASSERT_EQ(h.positions.size(), 1);
  EXPECT_EQ(h.positions[0].topic(), kIntakeTopic);

  auto request = DraftRequest(h);  // carries intake's positions as header.min_positions
  ASSERT_EQ(request.header().min_positions_size(), 1);
  request.set_melding_id(h.melding_id);
  hub::v1::DraftPlanReply reply;
  auto answer = Call(&Stub::DraftPlan, request, &reply);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_FALSE(reply.plan_id().empty());
  EXPECT_EQ(reply.result().household_id(), h.id);
  EXPECT_EQ(reply.result().version(), 1);
  EXPECT_FALSE(reply.result().replayed());
  EXPECT_EQ(reply.result().event_ids_size(), 1);
  ASSERT_EQ(reply.result().positions_size(), 1);
  EXPECT_EQ(reply.result().positions(0).topic(), kPlanTopic);

  hub::v1::GetPlanRequest get;
  get.set_household_id(h.id);
  *get.mutable_min_positions() = reply.result().positions();
  hub::v1::PlanView view;
  auto read = Call(&Stub::GetPlan, get, &view);
  ASSERT_TRUE(read.ok()) << Describe(read);
  EXPECT_EQ(view.household_id(), h.id);
  EXPECT_EQ(view.tenant(), "GM0632");
  EXPECT_EQ(view.version(), 1);
  EXPECT_EQ(view.plan_id(), reply.plan_id());
  EXPECT_EQ(view.status(), hub::v1::PLAN_STATUS_DRAFT);
  EXPECT_EQ(view.melding_id(), h.melding_id);
  EXPECT_EQ(view.evaluation_interval_weeks(), 13);  // the default
  EXPECT_EQ(view.revision(), 1);
  EXPECT_EQ(view.agreed_revision(), 0);
  EXPECT_EQ(view.goals_size(), 0);
  EXPECT_EQ(view.history_size(), 0);
  EXPECT_EQ(view.regisseur_organisation_id(), kRegisseur.organisation);
  EXPECT_EQ(view.regisseur_user_pseudonym(), kRegisseur.user);
  EXPECT_FALSE(view.under_procesregie());
  EXPECT_FALSE(view.evaluation_overdue());
  EXPECT_FALSE(view.restricted());
}

TEST_F(PlanServiceTest, DraftPlanRefusals) {
  const Household h = NewHousehold();
  const Household other = NewHousehold();
  hub::v1::DraftPlanReply reply;

  // Before the household has any plan event: intake does not know it for Oudewater.
  EXPECT_TRUE(Refused(Call(&Stub::DraftPlan, DraftRequest(h), &reply, kOudewater),
                      grpc::StatusCode::FAILED_PRECONDITION, "HOUSEHOLD_NOT_FOUND"));

  auto unknown = DraftRequest(h);
  unknown.set_household_id("0190ffff-no-such-household");
  EXPECT_TRUE(Refused(Call(&Stub::DraftPlan, unknown, &reply), grpc::StatusCode::FAILED_PRECONDITION,
                      "HOUSEHOLD_NOT_FOUND"));

  for (int32_t weeks : {60, 53, -1}) {
    auto request = DraftRequest(h);
    request.set_evaluation_interval_weeks(weeks);
    EXPECT_TRUE(Refused(Call(&Stub::DraftPlan, request, &reply), grpc::StatusCode::INVALID_ARGUMENT, "",
                        "evaluation_interval_weeks"))
        << weeks;
  }

  auto foreign_melding = DraftRequest(h);
  foreign_melding.set_melding_id(other.melding_id);
  EXPECT_TRUE(
      Refused(Call(&Stub::DraftPlan, foreign_melding, &reply), grpc::StatusCode::NOT_FOUND, "MELDING_NOT_FOUND"));

  EXPECT_TRUE(Refused(Call(&Stub::DraftPlan, DraftRequest(h), &reply, kSignalGiver),
                      grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(
      Refused(Call(&Stub::DraftPlan, DraftRequest(h), &reply, kFermwerk), grpc::StatusCode::PERMISSION_DENIED));

  const std::string plan_id = Draft(h, 52);  // 52 weeks is the longest interval
  EXPECT_TRUE(Refused(Call(&Stub::DraftPlan, DraftRequest(h), &reply), grpc::StatusCode::FAILED_PRECONDITION,
                      "PLAN_EXISTS"));
  // Now that the household has a plan stream of GM0632, Oudewater cannot tell it exists at all.
  auto foreign = Call(&Stub::DraftPlan, DraftRequest(h), &reply, kOudewater);
  EXPECT_TRUE(Refused(foreign, grpc::StatusCode::NOT_FOUND)) << Describe(foreign);

  const auto view = GetOk(h);
  EXPECT_EQ(view.plan_id(), plan_id);
  EXPECT_EQ(view.evaluation_interval_weeks(), 52);
  EXPECT_EQ(view.version(), 1);  // no refusal wrote anything
}

// ---- goals ----------------------------------------------------------------------------------

TEST_F(PlanServiceTest, GoalsAreAddedChangedAndDroppedWhileThePlanIsADraft) {
  const Household h = NewHousehold();
  const std::string plan_id = Draft(h);

  hub::v1::GoalReply added;
  auto answer = AddGoal(h, plan_id, Goal("Er is een betalingsregeling voor de huurachterstand.", "fermwerk"), &added);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_EQ(added.revision(), 1);
  EXPECT_EQ(added.result().version(), 2);
  const std::string g1 = added.goal_id();
  const std::string g2 = AddGoalOk(h, plan_id, Goal("Moeder belt zelf de school elke vrijdag.", "", h.adult_id));
  EXPECT_NE(g1, g2);

  auto changed_goal = Goal("Alle schulden zijn in beeld en er is een betalingsregeling.", "schuldhulp-woerden");
  changed_goal.set_life_domain("WERK_OPLEIDING");
  changed_goal.set_tier(hub::v1::SUPPORT_TIER_MAATWERK);
  changed_goal.set_target_date("2026-09-30");
  hub::v1::GoalReply changed;
  answer = ChangeGoal(h, plan_id, g1, changed_goal, &changed);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_EQ(changed.goal_id(), g1);
  EXPECT_EQ(changed.revision(), 1);

  answer = DropGoal(h, plan_id, g2);
  ASSERT_TRUE(answer.ok()) << Describe(answer);

  const auto view = GetOk(h);
  EXPECT_EQ(view.version(), 5);
  EXPECT_EQ(view.status(), hub::v1::PLAN_STATUS_DRAFT);
  EXPECT_EQ(view.revision(), 1);
  ASSERT_EQ(view.goals_size(), 1);
  const auto& goal = view.goals(0);
  EXPECT_EQ(goal.goal_id(), g1);
  EXPECT_EQ(goal.result(), changed_goal.result());
  EXPECT_EQ(goal.agreements(), changed_goal.agreements());
  EXPECT_EQ(goal.life_domain(), "WERK_OPLEIDING");
  EXPECT_EQ(goal.tier(), hub::v1::SUPPORT_TIER_MAATWERK);
  EXPECT_EQ(goal.target_date(), "2026-09-30");
  EXPECT_EQ(goal.responsible_organisation_id(), "schuldhulp-woerden");
  EXPECT_EQ(goal.responsible_person_id(), "");
  EXPECT_FALSE(goal.has_last_evaluation());
}

TEST_F(PlanServiceTest, BadGoalsAreRefusedNamingTheFieldOrTheReason) {
  const Household h = NewHousehold();
  const std::string plan_id = Draft(h);
  struct Case {
    std::string name;
    std::function<void(hub::v1::GoalInput&)> mutate;
    grpc::StatusCode code;
    std::string reason;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"unknown life domain", [](auto& g) { g.set_life_domain("GELUK"); }, grpc::StatusCode::INVALID_ARGUMENT, "",
       "goal.life_domain"},
      {"no result", [](auto& g) { g.clear_result(); }, grpc::StatusCode::INVALID_ARGUMENT, "", "goal.result"},
      {"both responsible", [&](auto& g) { g.set_responsible_person_id(h.adult_id); },
       grpc::StatusCode::INVALID_ARGUMENT, "", "goal.responsible_organisation_id"},
      {"nobody responsible", [](auto& g) { g.clear_responsible_organisation_id(); },
       grpc::StatusCode::INVALID_ARGUMENT, "", "goal.responsible_organisation_id"},
      {"target in the past", [](auto& g) { g.set_target_date("2026-01-11"); }, grpc::StatusCode::INVALID_ARGUMENT,
       "", "goal.target_date"},
      {"target not a date", [](auto& g) { g.set_target_date("01-07-2026"); }, grpc::StatusCode::INVALID_ARGUMENT, "",
       "goal.target_date"},
      {"no tier", [](auto& g) { g.clear_tier(); }, grpc::StatusCode::INVALID_ARGUMENT, "", "goal.tier"},
      {"organisation of another municipality only",
       [](auto& g) { g.set_responsible_organisation_id("sociaal-team-oudewater"); },
       grpc::StatusCode::FAILED_PRECONDITION, "RESPONSIBLE_UNKNOWN", ""},
      {"organisation not in the register", [](auto& g) { g.set_responsible_organisation_id("no-such-org"); },
       grpc::StatusCode::FAILED_PRECONDITION, "RESPONSIBLE_UNKNOWN", ""},
      {"person not in the household",
       [](auto& g) {
         g.clear_responsible_organisation_id();
         g.set_responsible_person_id("p-not-in-household");
       },
       grpc::StatusCode::FAILED_PRECONDITION, "PERSON_NOT_IN_HOUSEHOLD", ""},
  };
  for (const auto& c : cases) {
    auto goal = Goal("Er is een betalingsregeling.", "fermwerk");
    c.mutate(goal);
    hub::v1::GoalReply reply;
    EXPECT_TRUE(Refused(AddGoal(h, plan_id, goal, &reply), c.code, c.reason, c.field)) << c.name;
  }

  hub::v1::GoalReply reply;
  const auto good = Goal("Er is een betalingsregeling.", "fermwerk");
  EXPECT_TRUE(Refused(ChangeGoal(h, plan_id, "g-unknown", good, &reply), grpc::StatusCode::NOT_FOUND,
                      "GOAL_NOT_FOUND"));
  EXPECT_TRUE(Refused(DropGoal(h, plan_id, "g-unknown"), grpc::StatusCode::NOT_FOUND, "GOAL_NOT_FOUND"));
  EXPECT_TRUE(Refused(AddGoal(h, "other-plan", good, &reply), grpc::StatusCode::NOT_FOUND, "PLAN_NOT_FOUND"));
  EXPECT_TRUE(Refused(AddGoal(h, plan_id, good, &reply, kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(AddGoal(h, plan_id, good, &reply, kFermwerk), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(AddGoal(h, plan_id, good, &reply, kOudewater), grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(GetOk(h).version(), 1);  // nothing was written

  auto due_today = good;
  due_today.set_target_date(kToday);  // "not in the past": today is fine
  EXPECT_TRUE(AddGoal(h, plan_id, due_today, &reply).ok());
  EXPECT_EQ(GetOk(h).version(), 2);
}

// ---- AgreePlan ------------------------------------------------------------------------------

TEST_F(PlanServiceTest, TheCasusregisseurAgreesThePlanWithTheResidentAndItBecomesActive) {
  const Household h = NewHousehold();
  const std::string plan_id = Draft(h, 4);
  const std::string goal_id = AddGoalOk(h, plan_id, Goal("Er is een betalingsregeling.", "fermwerk"));

  auto answer = Agree(h, plan_id, 1, kRegisseur);
  ASSERT_TRUE(answer.ok()) << Describe(answer);

  const auto view = GetOk(h);
  EXPECT_EQ(view.status(), hub::v1::PLAN_STATUS_ACTIVE);
  EXPECT_EQ(view.revision(), 1);
  EXPECT_EQ(view.agreed_revision(), 1);
  EXPECT_EQ(view.next_evaluation_on(), "2026-02-09");  // agreed today, evaluated after the 4-week interval
  ASSERT_EQ(view.history_size(), 1);
  const auto& agreed = view.history(0);
  EXPECT_EQ(agreed.revision(), 1);
  EXPECT_EQ(agreed.agreed_on(), kToday);
  EXPECT_EQ(agreed.resident_person_id(), h.adult_id);
  EXPECT_FALSE(agreed.as_representative());
  EXPECT_EQ(agreed.regisseur_organisation_id(), kRegisseur.organisation);
  EXPECT_EQ(agreed.regisseur_user_pseudonym(), kRegisseur.user);
  ASSERT_EQ(agreed.goals_size(), 1);
  EXPECT_EQ(agreed.goals(0).goal_id(), goal_id);

  EXPECT_TRUE(Refused(Agree(h, plan_id, 1), grpc::StatusCode::FAILED_PRECONDITION, "PLAN_NOT_DRAFT"));
}

TEST_F(PlanServiceTest, AgreePlanRefusals) {
  const Household h = NewHousehold();
  const std::string plan_id = Draft(h);
  EXPECT_TRUE(Refused(Agree(h, plan_id, 1), grpc::StatusCode::FAILED_PRECONDITION, "PLAN_HAS_NO_GOALS"));
  AddGoalOk(h, plan_id, Goal("Er is een betalingsregeling.", "fermwerk"));

  EXPECT_TRUE(Refused(Agree(h, plan_id, 1, kConsulent), grpc::StatusCode::PERMISSION_DENIED, "NOT_THE_REGISSEUR"));
  const Identity other_regisseur{"GM0632", "woerdenwijzer", "casusregisseur", "u-someone-else"};
  EXPECT_TRUE(Refused(Agree(h, plan_id, 1, other_regisseur), grpc::StatusCode::PERMISSION_DENIED));
  // A procesregisseur who is not attached to the household is no regisseur of it.
  EXPECT_TRUE(Refused(Agree(h, plan_id, 1, kProcesregisseur), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Agree(h, plan_id, 1, kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Agree(h, plan_id, 1, kFermwerk), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Agree(h, plan_id, 1, kRegisseur, h.child_id), grpc::StatusCode::FAILED_PRECONDITION,
                      "SIGNER_UNDER_18"));
  EXPECT_TRUE(Refused(Agree(h, plan_id, 1, kRegisseur, "p-stranger"), grpc::StatusCode::FAILED_PRECONDITION,
                      "PERSON_NOT_IN_HOUSEHOLD"));
  EXPECT_TRUE(Refused(Agree(h, plan_id, 2), grpc::StatusCode::FAILED_PRECONDITION, "REVISION_MISMATCH"));
  EXPECT_TRUE(Refused(Agree(h, plan_id, 0), grpc::StatusCode::INVALID_ARGUMENT, "", "revision"));

  const auto view = GetOk(h);
  EXPECT_EQ(view.status(), hub::v1::PLAN_STATUS_DRAFT);
  EXPECT_EQ(view.version(), 2);

  // Without a casusregisseur from intake (and no procesregie) nobody can sign for the team.
  const Household unassigned = NewHousehold(/*assign_regisseur=*/false);
  const std::string other_plan = Draft(unassigned);
  AddGoalOk(unassigned, other_plan, Goal("Er is een betalingsregeling.", "fermwerk"));
  EXPECT_TRUE(Refused(Agree(unassigned, other_plan, 1), grpc::StatusCode::FAILED_PRECONDITION, "NO_REGISSEUR"));
}

TEST_F(PlanServiceTest, AChangeAfterAgreementOpensANewRevisionWhileTheAgreedOneStaysInForce) {
  const Household h = NewHousehold();
  const std::string plan_id = Draft(h);
  const auto first = Goal("Er is een betalingsregeling.", "fermwerk");
  const std::string g1 = AddGoalOk(h, plan_id, first);
  ASSERT_TRUE(Agree(h, plan_id, 1).ok());

  const auto second = Goal("Alle schulden zijn afgelost.", "fermwerk");
  hub::v1::GoalReply changed;
  auto answer = ChangeGoal(h, plan_id, g1, second, &changed);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_EQ(changed.revision(), 2);
  EXPECT_EQ(changed.result().event_ids_size(), 2);  // the revision opened, then the change
  hub::v1::GoalReply added;
  ASSERT_TRUE(AddGoal(h, plan_id, Goal("Zoon ontbijt thuis.", "", h.adult_id), &added).ok());
  EXPECT_EQ(added.revision(), 2);  // the open revision takes further changes
  const std::string g2 = added.goal_id();

  auto view = GetOk(h);
  EXPECT_EQ(view.status(), hub::v1::PLAN_STATUS_DRAFT);
  EXPECT_EQ(view.revision(), 2);
  EXPECT_EQ(view.agreed_revision(), 1);
  ASSERT_EQ(view.goals_size(), 2);
  EXPECT_EQ(view.goals(0).result(), second.result());
  ASSERT_EQ(view.history_size(), 1);
  EXPECT_EQ(view.history(0).revision(), 1);
  ASSERT_EQ(view.history(0).goals_size(), 1);
  EXPECT_EQ(view.history(0).goals(0).goal_id(), g1);
  EXPECT_EQ(view.history(0).goals(0).result(), first.result());

  // The agreed revision is what is evaluated meanwhile.
  EXPECT_TRUE(Evaluate(EvaluationRequest(h, plan_id, g1)).ok());
  EXPECT_TRUE(
      Refused(Evaluate(EvaluationRequest(h, plan_id, g2)), grpc::StatusCode::NOT_FOUND, "GOAL_NOT_FOUND"));

  EXPECT_TRUE(Refused(Agree(h, plan_id, 1), grpc::StatusCode::FAILED_PRECONDITION, "REVISION_MISMATCH"));
  ASSERT_TRUE(Agree(h, plan_id, 2).ok());
  view = GetOk(h);
  EXPECT_EQ(view.status(), hub::v1::PLAN_STATUS_ACTIVE);
  EXPECT_EQ(view.agreed_revision(), 2);
  ASSERT_EQ(view.history_size(), 2);
  EXPECT_EQ(view.history(0).goals(0).result(), first.result());
  EXPECT_EQ(view.history(1).revision(), 2);
  EXPECT_EQ(view.history(1).goals_size(), 2);

  ASSERT_TRUE(DropGoal(h, plan_id, g2).ok());
  view = GetOk(h);
  EXPECT_EQ(view.revision(), 3);
  EXPECT_EQ(view.agreed_revision(), 2);
  EXPECT_EQ(view.goals_size(), 1);
  EXPECT_EQ(view.history(1).goals_size(), 2);
}

// ---- evaluation, scale down, close ------------------------------------------------------------

TEST_F(PlanServiceTest, EvaluationsScaleDownAndClose) {
  const Household h = NewHousehold();
  const std::string plan_id = Draft(h);
  const std::string goal_id = AddGoalOk(h, plan_id, Goal("Er is een betalingsregeling.", "fermwerk"));
  EXPECT_TRUE(Refused(Evaluate(EvaluationRequest(h, plan_id, goal_id)), grpc::StatusCode::FAILED_PRECONDITION,
                      "PLAN_NOT_AGREED"));
  ASSERT_TRUE(Agree(h, plan_id, 1).ok());

  auto bad = EvaluationRequest(h, plan_id, goal_id);
  bad.set_zrm_score(6);
  EXPECT_TRUE(Refused(Evaluate(bad), grpc::StatusCode::INVALID_ARGUMENT, "", "zrm_score"));
  bad = EvaluationRequest(h, plan_id, goal_id);
  bad.set_progress(hub::v1::GOAL_PROGRESS_UNSPECIFIED);
  EXPECT_TRUE(Refused(Evaluate(bad), grpc::StatusCode::INVALID_ARGUMENT, "", "progress"));
  bad = EvaluationRequest(h, plan_id, goal_id);
  bad.set_next_evaluation_on(kToday);
  EXPECT_TRUE(Refused(Evaluate(bad), grpc::StatusCode::INVALID_ARGUMENT, "", "next_evaluation_on"));
  bad = EvaluationRequest(h, plan_id, goal_id);
  bad.set_next_evaluation_on("2026-13-01");
  EXPECT_TRUE(Refused(Evaluate(bad), grpc::StatusCode::INVALID_ARGUMENT, "", "next_evaluation_on"));

  auto evaluation = EvaluationRequest(h, plan_id, goal_id);
  evaluation.set_next_evaluation_on("2026-03-02");
  ASSERT_TRUE(Evaluate(evaluation).ok());
  auto view = GetOk(h);
  EXPECT_EQ(view.next_evaluation_on(), "2026-03-02");
  ASSERT_EQ(view.goals_size(), 1);
  ASSERT_TRUE(view.goals(0).has_last_evaluation());
  const auto& last = view.goals(0).last_evaluation();
  EXPECT_EQ(last.goal_id(), goal_id);
  EXPECT_EQ(last.progress(), hub::v1::GOAL_PROGRESS_ON_TRACK);
  EXPECT_EQ(last.zrm_score(), 3);
  EXPECT_EQ(last.notes(), evaluation.notes());
  EXPECT_EQ(last.evaluated_on(), kToday);
  EXPECT_EQ(last.next_evaluation_on(), "2026-03-02");

  auto by_default = EvaluationRequest(h, plan_id, goal_id);
  by_default.set_progress(hub::v1::GOAL_PROGRESS_ACHIEVED);
  ASSERT_TRUE(Evaluate(by_default).ok());
  view = GetOk(h);
  EXPECT_EQ(view.next_evaluation_on(), "2026-04-13");  // today plus the default 13 weeks
  EXPECT_EQ(view.goals(0).last_evaluation().progress(), hub::v1::GOAL_PROGRESS_ACHIEVED);

  const std::string steps = "Contact met fermwerk loopt door; het team trekt zich terug.";
  EXPECT_TRUE(Refused(ScaleDown(h, plan_id, steps, kConsulent), grpc::StatusCode::PERMISSION_DENIED,
                      "NOT_THE_REGISSEUR"));
  EXPECT_TRUE(Refused(ScaleDown(h, plan_id, "", kRegisseur), grpc::StatusCode::INVALID_ARGUMENT, "", "reason"));
  ASSERT_TRUE(ScaleDown(h, plan_id, steps, kRegisseur).ok());
  EXPECT_EQ(GetOk(h).status(), hub::v1::PLAN_STATUS_SCALED_DOWN);
  EXPECT_TRUE(Refused(ScaleDown(h, plan_id, steps, kRegisseur), grpc::StatusCode::FAILED_PRECONDITION,
                      "PLAN_NOT_ACTIVE"));
  hub::v1::GoalReply goal_reply;
  EXPECT_TRUE(Refused(AddGoal(h, plan_id, Goal("Nog een doel.", "fermwerk"), &goal_reply),
                      grpc::StatusCode::FAILED_PRECONDITION, "PLAN_SCALED_DOWN"));

  EXPECT_TRUE(
      Refused(Close(h, plan_id, "FINISHED", kRegisseur), grpc::StatusCode::INVALID_ARGUMENT, "", "reason"));
  EXPECT_TRUE(Refused(Close(h, plan_id, "GOALS_ACHIEVED", kConsulent), grpc::StatusCode::PERMISSION_DENIED,
                      "NOT_THE_REGISSEUR"));
  ASSERT_TRUE(Close(h, plan_id, "GOALS_ACHIEVED", kRegisseur).ok());
  view = GetOk(h);
  EXPECT_EQ(view.status(), hub::v1::PLAN_STATUS_CLOSED);
  EXPECT_EQ(view.closed_reason(), "GOALS_ACHIEVED");
  EXPECT_TRUE(Refused(AddGoal(h, plan_id, Goal("Nog een doel.", "fermwerk"), &goal_reply),
                      grpc::StatusCode::FAILED_PRECONDITION, "PLAN_CLOSED"));
  EXPECT_TRUE(Refused(Close(h, plan_id, "OTHER", kRegisseur), grpc::StatusCode::FAILED_PRECONDITION, "PLAN_CLOSED"));

  // A closed plan makes room for a new one.
  const std::string next_plan = Draft(h);
  EXPECT_NE(next_plan, plan_id);
  view = GetOk(h);
  EXPECT_EQ(view.plan_id(), next_plan);
  EXPECT_EQ(view.status(), hub::v1::PLAN_STATUS_DRAFT);
  EXPECT_EQ(view.goals_size(), 0);
}

// ---- procesregie ----------------------------------------------------------------------------

TEST_F(PlanServiceTest, ProcesregieEscalationDirectivesAndRelease) {
  const Household without_plan = NewHousehold();
  hub::v1::EscalateToProcesregieReply escalated;
  EXPECT_TRUE(Refused(Call(&Stub::EscalateToProcesregie, EscalateRequest(without_plan), &escalated),
                      grpc::StatusCode::FAILED_PRECONDITION, "NO_OPEN_PLAN"));

  const Household h = NewHousehold();
  const std::string plan_id = Draft(h);
  const std::string g1 = AddGoalOk(h, plan_id, Goal("Er is een betalingsregeling.", "fermwerk"));
  ASSERT_TRUE(Agree(h, plan_id, 1).ok());

  auto to_fermwerk = EscalateRequest(h);
  to_fermwerk.set_procesregisseur_organisation_id("fermwerk");
  EXPECT_TRUE(Refused(Call(&Stub::EscalateToProcesregie, to_fermwerk, &escalated),
                      grpc::StatusCode::FAILED_PRECONDITION, "NOT_A_PROCESREGISSEUR"));
  auto to_oudewater = EscalateRequest(h);
  to_oudewater.set_procesregisseur_organisation_id("sociaal-team-oudewater");
  EXPECT_TRUE(Refused(Call(&Stub::EscalateToProcesregie, to_oudewater, &escalated),
                      grpc::StatusCode::FAILED_PRECONDITION, "NOT_A_PROCESREGISSEUR"));
  auto no_explanation = EscalateRequest(h);
  no_explanation.clear_explanation();
  EXPECT_TRUE(Refused(Call(&Stub::EscalateToProcesregie, no_explanation, &escalated),
                      grpc::StatusCode::INVALID_ARGUMENT, "", "explanation"));
  auto no_reason = EscalateRequest(h);
  no_reason.clear_reason();
  EXPECT_TRUE(Refused(Call(&Stub::EscalateToProcesregie, no_reason, &escalated), grpc::StatusCode::INVALID_ARGUMENT,
                      "", "reason"));
  EXPECT_TRUE(Refused(Call(&Stub::EscalateToProcesregie, EscalateRequest(h), &escalated, kFermwerk),
                      grpc::StatusCode::PERMISSION_DENIED));

  const std::string escalation_id = Escalate(h);
  EXPECT_TRUE(Refused(Call(&Stub::EscalateToProcesregie, EscalateRequest(h), &escalated),
                      grpc::StatusCode::FAILED_PRECONDITION, "PROCESREGIE_ACTIVE"));

  // Only the attached procesregisseur issues directives.
  const std::string due = "2026-01-26";
  hub::v1::IssueDirectiveReply issued;
  EXPECT_TRUE(Refused(Issue(DirectiveRequest(h, "fermwerk", due), &issued, kConsulent),
                      grpc::StatusCode::PERMISSION_DENIED, "NOT_THE_PROCESREGISSEUR"));
  EXPECT_TRUE(Refused(Issue(DirectiveRequest(h, "fermwerk", due), &issued, kRegisseur),
                      grpc::StatusCode::PERMISSION_DENIED, "NOT_THE_PROCESREGISSEUR"));
  const Identity other_procesregisseur{"GM0632", "woerdenwijzer", "procesregisseur", "u-someone-else"};
  EXPECT_TRUE(Refused(Issue(DirectiveRequest(h, "fermwerk", due), &issued, other_procesregisseur),
                      grpc::StatusCode::PERMISSION_DENIED, "NOT_THE_PROCESREGISSEUR"));
  EXPECT_TRUE(Refused(Issue(DirectiveRequest(h, "fermwerk", due), &issued, kFermwerk),
                      grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Issue(DirectiveRequest(h, "fermwerk", kToday), &issued), grpc::StatusCode::INVALID_ARGUMENT,
                      "", "due_on"));
  EXPECT_TRUE(Refused(Issue(DirectiveRequest(h, "sociaal-team-oudewater", due), &issued),
                      grpc::StatusCode::FAILED_PRECONDITION, "RESPONSIBLE_UNKNOWN"));
  auto no_action = DirectiveRequest(h, "fermwerk", due);
  no_action.clear_action();
  EXPECT_TRUE(Refused(Issue(no_action, &issued), grpc::StatusCode::INVALID_ARGUMENT, "", "action"));

  const auto directive = DirectiveRequest(h, "fermwerk", due);
  auto answer = Issue(directive, &issued);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  const std::string directive_id = issued.directive_id();
  EXPECT_FALSE(directive_id.empty());

  // Only the bound organisation reports it done.
  EXPECT_TRUE(Refused(Complete(h, directive_id, kDeLinde), grpc::StatusCode::PERMISSION_DENIED,
                      "NOT_THE_BOUND_ORGANISATION"));
  EXPECT_TRUE(Refused(Complete(h, directive_id, kConsulent), grpc::StatusCode::PERMISSION_DENIED,
                      "NOT_THE_BOUND_ORGANISATION"));
  EXPECT_TRUE(Refused(Complete(h, directive_id, kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Complete(h, "d-unknown", kFermwerk), grpc::StatusCode::NOT_FOUND, "DIRECTIVE_NOT_FOUND"));
  // FermWerk serves Oudewater too, but acting for Oudewater it cannot touch a household of Woerden.
  const Identity fermwerk_for_oudewater{"GM0589", "fermwerk", "consulent", "u-fermwerk-1"};
  EXPECT_TRUE(Refused(Complete(h, directive_id, fermwerk_for_oudewater), grpc::StatusCode::NOT_FOUND));
  answer = Complete(h, directive_id, kFermwerk);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_TRUE(Refused(Complete(h, directive_id, kFermwerk), grpc::StatusCode::FAILED_PRECONDITION,
                      "DIRECTIVE_COMPLETED"));

  // The attached procesregisseur may sign a revision for the team; the parent signs for the family.
  hub::v1::GoalReply changed;
  ASSERT_TRUE(ChangeGoal(h, plan_id, g1, Goal("Er is werk gevonden.", "fermwerk"), &changed).ok());
  hub::v1::AgreePlanRequest agree;
  *agree.mutable_header() = Header();
  agree.set_household_id(h.id);
  agree.set_plan_id(plan_id);
  agree.set_revision(2);
  agree.set_resident_person_id(h.adult_id);
  agree.set_as_representative(true);
  hub::v1::CommandReply agreed;
  answer = Call(&Stub::AgreePlan, agree, &agreed, kProcesregisseur);
  ASSERT_TRUE(answer.ok()) << Describe(answer);

  const std::string explanation = "De partijen werken weer samen.";
  EXPECT_TRUE(Refused(Release(h, explanation, kConsulent), grpc::StatusCode::PERMISSION_DENIED,
                      "NOT_THE_PROCESREGISSEUR"));
  EXPECT_TRUE(Refused(Release(h, "", kProcesregisseur), grpc::StatusCode::INVALID_ARGUMENT, "", "explanation"));
  answer = Release(h, explanation, kProcesregisseur);
  ASSERT_TRUE(answer.ok()) << Describe(answer);

  auto view = GetOk(h);
  EXPECT_FALSE(view.under_procesregie());
  ASSERT_EQ(view.history_size(), 2);
  EXPECT_EQ(view.history(1).regisseur_user_pseudonym(), kProcesregisseur.user);
  EXPECT_TRUE(view.history(1).as_representative());
  ASSERT_EQ(view.procesregie_size(), 1);
  const auto& episode = view.procesregie(0);
  EXPECT_EQ(episode.escalation_id(), escalation_id);
  EXPECT_EQ(episode.reason(), hub::v1::ESCALATION_REASON_STUCK);
  EXPECT_EQ(episode.explanation(), EscalateRequest(h).explanation());
  EXPECT_EQ(episode.procesregisseur_organisation_id(), kProcesregisseur.organisation);
  EXPECT_EQ(episode.procesregisseur_user_pseudonym(), kProcesregisseur.user);
  EXPECT_EQ(episode.started_on(), kToday);
  EXPECT_EQ(episode.released_on(), kToday);
  ASSERT_EQ(episode.directives_size(), 1);
  EXPECT_EQ(episode.directives(0).directive_id(), directive_id);
  EXPECT_EQ(episode.directives(0).organisation_id(), "fermwerk");
  EXPECT_EQ(episode.directives(0).action(), directive.action());
  EXPECT_EQ(episode.directives(0).due_on(), due);
  EXPECT_EQ(episode.directives(0).completed_on(), kToday);
  EXPECT_FALSE(episode.directives(0).overdue());

  EXPECT_TRUE(Refused(Issue(DirectiveRequest(h, "fermwerk", due), &issued), grpc::StatusCode::FAILED_PRECONDITION,
                      "NOT_UNDER_PROCESREGIE"));
  EXPECT_TRUE(Refused(Release(h, explanation, kProcesregisseur), grpc::StatusCode::FAILED_PRECONDITION,
                      "NOT_UNDER_PROCESREGIE"));

  // A later escalation is listed first.
  clock_.Advance(kDay);
  const std::string again = Escalate(h);
  view = GetOk(h);
  EXPECT_TRUE(view.under_procesregie());
  ASSERT_EQ(view.procesregie_size(), 2);
  EXPECT_EQ(view.procesregie(0).escalation_id(), again);
  EXPECT_EQ(view.procesregie(0).started_on(), "2026-01-13");
  EXPECT_EQ(view.procesregie(0).released_on(), "");
  EXPECT_EQ(view.procesregie(1).escalation_id(), escalation_id);
}

// ---- GetPlan: who reads what ------------------------------------------------------------------

TEST_F(PlanServiceTest, EachOrganisationReadsOnlyTheGoalsAndDirectivesThatBindIt) {
  const Household h = NewHousehold();
  const std::string plan_id = Draft(h);
  const auto work = Goal("Vader heeft een baan van 24 uur per week.", "fermwerk");
  const auto home = Goal("Moeder belt zelf de school elke vrijdag.", "", h.adult_id);
  const auto debts = Goal("Alle schulden zijn in beeld.", "schuldhulp-woerden");
  const std::string g_work = AddGoalOk(h, plan_id, work);
  const std::string g_home = AddGoalOk(h, plan_id, home);
  const std::string g_debts = AddGoalOk(h, plan_id, debts);
  ASSERT_TRUE(Agree(h, plan_id, 1).ok());
  Escalate(h);
  const auto fermwerk_directive = DirectiveRequest(h, "fermwerk", "2026-01-26");
  hub::v1::IssueDirectiveReply issued;
  ASSERT_TRUE(Issue(fermwerk_directive, &issued).ok());
  const std::string d_fermwerk = issued.directive_id();
  const std::string d_debts = IssueOk(h, "schuldhulp-woerden", "2026-01-27");

  // The social team sees everything, decrypted.
  const auto team = GetOk(h);
  EXPECT_FALSE(team.restricted());
  ASSERT_EQ(team.goals_size(), 3);
  std::map<std::string, std::string> results;
  for (const auto& g : team.goals()) results[g.goal_id()] = g.result();
  EXPECT_EQ(results[g_work], work.result());
  EXPECT_EQ(results[g_home], home.result());
  EXPECT_EQ(results[g_debts], debts.result());
  ASSERT_EQ(team.history_size(), 1);
  EXPECT_EQ(team.history(0).goals_size(), 3);
  EXPECT_EQ(team.history(0).resident_person_id(), h.adult_id);
  ASSERT_EQ(team.procesregie_size(), 1);
  EXPECT_EQ(team.procesregie(0).explanation(), EscalateRequest(h).explanation());
  EXPECT_EQ(team.procesregie(0).directives_size(), 2);

  // FermWerk: its own goal and its own directive, nothing else.
  const auto fermwerk = GetOk(h, kFermwerk);
  EXPECT_TRUE(fermwerk.restricted());
  EXPECT_EQ(fermwerk.plan_id(), plan_id);
  ASSERT_EQ(fermwerk.goals_size(), 1);
  EXPECT_EQ(fermwerk.goals(0).goal_id(), g_work);
  EXPECT_EQ(fermwerk.goals(0).result(), work.result());
  ASSERT_EQ(fermwerk.history_size(), 1);
  ASSERT_EQ(fermwerk.history(0).goals_size(), 1);
  EXPECT_EQ(fermwerk.history(0).goals(0).goal_id(), g_work);
  EXPECT_EQ(fermwerk.history(0).resident_person_id(), "");  // who signed is the team's business
  ASSERT_EQ(fermwerk.procesregie_size(), 1);
  EXPECT_EQ(fermwerk.procesregie(0).explanation(), "");
  ASSERT_EQ(fermwerk.procesregie(0).directives_size(), 1);
  EXPECT_EQ(fermwerk.procesregie(0).directives(0).directive_id(), d_fermwerk);
  EXPECT_EQ(fermwerk.procesregie(0).directives(0).organisation_id(), "fermwerk");
  EXPECT_EQ(fermwerk.procesregie(0).directives(0).action(), fermwerk_directive.action());

  const auto schuldhulp = GetOk(h, kSchuldhulp);
  EXPECT_TRUE(schuldhulp.restricted());
  ASSERT_EQ(schuldhulp.goals_size(), 1);
  EXPECT_EQ(schuldhulp.goals(0).goal_id(), g_debts);
  ASSERT_EQ(schuldhulp.procesregie_size(), 1);
  ASSERT_EQ(schuldhulp.procesregie(0).directives_size(), 1);
  EXPECT_EQ(schuldhulp.procesregie(0).directives(0).directive_id(), d_debts);

  hub::v1::PlanView view;
  EXPECT_TRUE(Refused(Get(h.id, &view, kDeLinde), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Get(h.id, &view, kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Get(h.id, &view, kOudewater), grpc::StatusCode::NOT_FOUND));
  const Identity fermwerk_for_oudewater{"GM0589", "fermwerk", "consulent", "u-fermwerk-1"};
  EXPECT_TRUE(Refused(Get(h.id, &view, fermwerk_for_oudewater), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(Refused(Get("0190ffff-no-such-household", &view), grpc::StatusCode::NOT_FOUND));

  // A directive alone is enough to read: De Linde then sees that directive and no goal.
  const std::string d_linde = IssueOk(h, "zorgaanbieder-de-linde", "2026-01-28");
  const auto linde = GetOk(h, kDeLinde);
  EXPECT_TRUE(linde.restricted());
  EXPECT_EQ(linde.goals_size(), 0);
  ASSERT_EQ(linde.procesregie_size(), 1);
  ASSERT_EQ(linde.procesregie(0).directives_size(), 1);
  EXPECT_EQ(linde.procesregie(0).directives(0).directive_id(), d_linde);
}

// ---- ListPlans ------------------------------------------------------------------------------

TEST_F(PlanServiceTest, ListPlansFiltersByStatusProcesregieAndOverdueEvaluations) {
  const Household drafting = NewHousehold();
  const Household active = NewHousehold();
  const Household escalated = NewHousehold();
  AddGoalOk(drafting, Draft(drafting), Goal("Er is een betalingsregeling.", "fermwerk"));
  for (const Household* h : {&active, &escalated}) {
    const std::string plan_id = Draft(*h);
    AddGoalOk(*h, plan_id, Goal("Er is een betalingsregeling.", "fermwerk"));
    ASSERT_TRUE(Agree(*h, plan_id, 1).ok());
  }
  Escalate(escalated);
  IssueOk(escalated, "fermwerk", "2026-01-19");

  hub::v1::ListPlansRequest all;
  EXPECT_THAT(ListedHouseholds(all), UnorderedElementsAre(drafting.id, active.id, escalated.id));
  hub::v1::ListPlansRequest by_status;
  by_status.set_status(hub::v1::PLAN_STATUS_ACTIVE);
  EXPECT_THAT(ListedHouseholds(by_status), UnorderedElementsAre(active.id, escalated.id));
  by_status.set_status(hub::v1::PLAN_STATUS_DRAFT);
  EXPECT_THAT(ListedHouseholds(by_status), ElementsAre(drafting.id));
  by_status.set_status(hub::v1::PLAN_STATUS_SCALED_DOWN);
  EXPECT_THAT(ListedHouseholds(by_status), ElementsAre());

  hub::v1::ListPlansRequest procesregie;
  procesregie.set_under_procesregie(true);
  hub::v1::ListPlansResponse response;
  ASSERT_TRUE(List(procesregie, &response).ok());
  ASSERT_EQ(response.plans_size(), 1);
  EXPECT_EQ(response.plans(0).household_id(), escalated.id);
  EXPECT_TRUE(response.plans(0).under_procesregie());
  EXPECT_EQ(response.plans(0).open_directives(), 1);
  EXPECT_EQ(response.plans(0).overdue_directives(), 0);
  EXPECT_EQ(response.plans(0).status(), hub::v1::PLAN_STATUS_ACTIVE);
  EXPECT_EQ(response.plans(0).revision(), 1);

  hub::v1::ListPlansRequest overdue;
  overdue.set_evaluation_overdue(true);
  EXPECT_THAT(ListedHouseholds(overdue), ElementsAre());
  clock_.Advance(91 * kDay);  // 2026-04-13: the evaluation is due today, not overdue
  EXPECT_THAT(ListedHouseholds(overdue), ElementsAre());
  clock_.Advance(kDay);
  EXPECT_THAT(ListedHouseholds(overdue), UnorderedElementsAre(active.id, escalated.id));
  response.Clear();
  ASSERT_TRUE(List(overdue, &response).ok());
  for (const auto& p : response.plans()) {
    EXPECT_TRUE(p.evaluation_overdue());
    EXPECT_EQ(p.next_evaluation_on(), "2026-04-13");
    EXPECT_EQ(p.overdue_directives(), p.household_id() == escalated.id ? 1 : 0);
  }
  EXPECT_TRUE(GetOk(active).evaluation_overdue());

  EXPECT_TRUE(Refused(List(all, &response, kFermwerk), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(List(all, &response, kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));
  hub::v1::ListPlansRequest other_tenant;
  other_tenant.set_tenant("GM0589");
  EXPECT_TRUE(Refused(List(other_tenant, &response), grpc::StatusCode::PERMISSION_DENIED));
  response.Clear();
  ASSERT_TRUE(List(all, &response, kOudewater).ok());
  EXPECT_EQ(response.plans_size(), 0);
  hub::v1::ListPlansRequest bad_status;
  bad_status.set_status(static_cast<hub::v1::PlanStatus>(99));
  EXPECT_TRUE(Refused(List(bad_status, &response), grpc::StatusCode::INVALID_ARGUMENT, "", "status"));
}

TEST_F(PlanServiceTest, ListPlansPagesThroughEveryHousehold) {
  std::vector<std::string> expected;
  for (int i = 0; i < 5; ++i) {
    const Household h = NewHousehold();
    Draft(h);
    expected.push_back(h.id);
  }
  auto page_through = [&](int32_t page_size, std::vector<int>* sizes) {
    std::vector<std::string> seen;
    std::string token;
    do {
      hub::v1::ListPlansRequest request;
      request.mutable_page()->set_page_size(page_size);
      request.mutable_page()->set_page_token(token);
      hub::v1::ListPlansResponse response;
      auto answer = List(request, &response);
      EXPECT_TRUE(answer.ok()) << Describe(answer);
      if (!answer.ok()) break;
      sizes->push_back(response.plans_size());
      for (const auto& p : response.plans()) seen.push_back(p.household_id());
      token = response.next_page_token();
    } while (!token.empty() && sizes->size() < 20);
    return seen;
  };
  std::vector<int> sizes;
  auto seen = page_through(1, &sizes);
  EXPECT_THAT(seen, UnorderedElementsAreArray(expected));
  EXPECT_THAT(sizes, ElementsAre(1, 1, 1, 1, 1));
  sizes.clear();
  seen = page_through(2, &sizes);
  EXPECT_THAT(seen, UnorderedElementsAreArray(expected));
  EXPECT_THAT(sizes, ElementsAre(2, 2, 1));

  hub::v1::ListPlansResponse response;
  hub::v1::ListPlansRequest bad;
  bad.mutable_page()->set_page_token("not-a-token");
  EXPECT_TRUE(Refused(List(bad, &response), grpc::StatusCode::INVALID_ARGUMENT));
  // A token of Woerden's list does not page through Oudewater's.
  hub::v1::ListPlansRequest first;
  first.mutable_page()->set_page_size(1);
  ASSERT_TRUE(List(first, &response).ok());
  ASSERT_FALSE(response.next_page_token().empty());
  hub::v1::ListPlansRequest foreign;
  foreign.mutable_page()->set_page_token(response.next_page_token());
  EXPECT_TRUE(Refused(List(foreign, &response, kOudewater), grpc::StatusCode::INVALID_ARGUMENT));
  hub::v1::ListPlansRequest too_big;
  too_big.mutable_page()->set_page_size(501);
  EXPECT_TRUE(Refused(List(too_big, &response), grpc::StatusCode::INVALID_ARGUMENT, "", "page.page_size"));
}

// ---- idempotency and concurrency --------------------------------------------------------------

TEST_F(PlanServiceTest, ARetryWithTheSameRequestIdReturnsTheFirstResultAndAppendsNothing) {
  const Household h = NewHousehold();
  const auto draft = DraftRequest(h);
  hub::v1::DraftPlanReply first;
  ASSERT_TRUE(Call(&Stub::DraftPlan, draft, &first).ok());
  hub::v1::DraftPlanReply retry;
  auto answer = Call(&Stub::DraftPlan, draft, &retry);
  ASSERT_TRUE(answer.ok()) << Describe(answer);  // not PLAN_EXISTS: it is the same request
  EXPECT_TRUE(retry.result().replayed());
  EXPECT_EQ(retry.plan_id(), first.plan_id());
  EXPECT_EQ(retry.result().version(), first.result().version());
  ASSERT_EQ(retry.result().event_ids_size(), 1);
  EXPECT_EQ(retry.result().event_ids(0), first.result().event_ids(0));
  EXPECT_EQ(GetOk(h).version(), 1);

  const auto add = AddGoalRequest(h, first.plan_id(), Goal("Er is een betalingsregeling.", "fermwerk"));
  hub::v1::GoalReply goal_first;
  ASSERT_TRUE(Call(&Stub::AddGoal, add, &goal_first).ok());
  hub::v1::GoalReply goal_retry;
  ASSERT_TRUE(Call(&Stub::AddGoal, add, &goal_retry).ok());
  EXPECT_TRUE(goal_retry.result().replayed());
  EXPECT_EQ(goal_retry.goal_id(), goal_first.goal_id());
  EXPECT_EQ(goal_retry.revision(), goal_first.revision());
  EXPECT_EQ(goal_retry.result().version(), 2);
  auto view = GetOk(h);
  EXPECT_EQ(view.version(), 2);
  EXPECT_EQ(view.goals_size(), 1);

  ASSERT_TRUE(Agree(h, first.plan_id(), 1).ok());
  const auto escalate = EscalateRequest(h);
  hub::v1::EscalateToProcesregieReply escalated_first;
  ASSERT_TRUE(Call(&Stub::EscalateToProcesregie, escalate, &escalated_first).ok());
  hub::v1::EscalateToProcesregieReply escalated_retry;
  ASSERT_TRUE(Call(&Stub::EscalateToProcesregie, escalate, &escalated_retry).ok());
  EXPECT_TRUE(escalated_retry.result().replayed());
  EXPECT_EQ(escalated_retry.escalation_id(), escalated_first.escalation_id());

  const auto directive = DirectiveRequest(h, "fermwerk", "2026-01-26");
  hub::v1::IssueDirectiveReply issued_first;
  ASSERT_TRUE(Issue(directive, &issued_first).ok());
  hub::v1::IssueDirectiveReply issued_retry;
  ASSERT_TRUE(Issue(directive, &issued_retry).ok());
  EXPECT_TRUE(issued_retry.result().replayed());
  EXPECT_EQ(issued_retry.directive_id(), issued_first.directive_id());

  view = GetOk(h);
  EXPECT_EQ(view.version(), issued_first.result().version());
  ASSERT_EQ(view.procesregie_size(), 1);
  EXPECT_EQ(view.procesregie(0).directives_size(), 1);
}

TEST_F(PlanServiceTest, AStaleExpectedVersionIsAbortedAndChangesNothing) {
  const Household h = NewHousehold();
  const std::string plan_id = Draft(h);
  auto stale = AddGoalRequest(h, plan_id, Goal("Er is een betalingsregeling.", "fermwerk"));
  stale.mutable_header()->set_expected_version(0);
  hub::v1::GoalReply reply;
  EXPECT_TRUE(Refused(Call(&Stub::AddGoal, stale, &reply), grpc::StatusCode::ABORTED));
  auto view = GetOk(h);
  EXPECT_EQ(view.version(), 1);
  EXPECT_EQ(view.goals_size(), 0);

  auto current = AddGoalRequest(h, plan_id, Goal("Er is een betalingsregeling.", "fermwerk"));
  current.mutable_header()->set_expected_version(1);
  auto answer = Call(&Stub::AddGoal, current, &reply);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_EQ(reply.result().version(), 2);
  EXPECT_EQ(GetOk(h).goals_size(), 1);
}

// ---- restart --------------------------------------------------------------------------------

TEST_F(PlanServiceTest, ARestartKeepsPlansTheirKeysAndTheRequestsSeen) {
  const Household h = NewHousehold();
  const auto draft = DraftRequest(h);
  hub::v1::DraftPlanReply drafted;
  ASSERT_TRUE(Call(&Stub::DraftPlan, draft, &drafted).ok());
  const std::string plan_id = drafted.plan_id();
  const auto goal = Goal("Er is een betalingsregeling.", "fermwerk");
  const std::string goal_id = AddGoalOk(h, plan_id, goal);
  ASSERT_TRUE(Agree(h, plan_id, 1).ok());
  ASSERT_TRUE(Evaluate(EvaluationRequest(h, plan_id, goal_id)).ok());
  Escalate(h);
  IssueOk(h, "fermwerk", "2026-01-26");
  const auto before = GetOk(h);
  const auto fermwerk_before = GetOk(h, kFermwerk);
  ASSERT_EQ(before.goals_size(), 1);
  ASSERT_EQ(before.goals(0).result(), goal.result());

  Stop();
  Start();

  const auto after = GetOk(h);
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
  EXPECT_EQ(after.goals(0).result(), goal.result());  // the plan key survived
  EXPECT_EQ(GetOk(h, kFermwerk).SerializeAsString(), fermwerk_before.SerializeAsString());
  hub::v1::DraftPlanReply retry;
  ASSERT_TRUE(Call(&Stub::DraftPlan, draft, &retry).ok());
  EXPECT_TRUE(retry.result().replayed());
  EXPECT_EQ(retry.plan_id(), plan_id);
  hub::v1::ListPlansRequest under_procesregie;
  under_procesregie.set_under_procesregie(true);
  EXPECT_THAT(ListedHouseholds(under_procesregie), ElementsAre(h.id));
  // And it goes on where it was.
  hub::v1::GoalReply added;
  ASSERT_TRUE(AddGoal(h, plan_id, Goal("Zoon ontbijt thuis.", "", h.adult_id), &added).ok());
  EXPECT_EQ(added.result().version(), before.version() + 2);  // the revision opened, then the goal
  EXPECT_EQ(added.revision(), 2);
}

// ---- metrics --------------------------------------------------------------------------------

TEST_F(PlanServiceTest, GaugesCountPlansProcesregieAndOverdueWork) {
  const Household escalated = NewHousehold();
  const Household drafting = NewHousehold();
  const Household scaled = NewHousehold();
  const Household closed = NewHousehold();
  std::string scaled_plan;
  for (const Household* h : {&escalated, &scaled}) {
    const std::string plan_id = Draft(*h);
    AddGoalOk(*h, plan_id, Goal("Er is een betalingsregeling.", "fermwerk"));
    ASSERT_TRUE(Agree(*h, plan_id, 1).ok());
    if (h == &scaled) scaled_plan = plan_id;
  }
  ASSERT_TRUE(ScaleDown(scaled, scaled_plan, "Het team trekt zich terug.", kRegisseur).ok());
  Draft(drafting);
  ASSERT_TRUE(Close(closed, Draft(closed), "RESIDENT_DECLINED", kRegisseur).ok());
  Escalate(escalated);
  const std::string directive_id = IssueOk(escalated, "fermwerk", "2026-01-19");

  EXPECT_EQ(PlansGauge("ACTIVE"), 1);
  EXPECT_EQ(PlansGauge("DRAFT"), 1);
  EXPECT_EQ(PlansGauge("SCALED_DOWN"), 1);
  EXPECT_EQ(PlansGauge("CLOSED"), 1);
  EXPECT_EQ(PlansGauge("ACTIVE", "GM0589"), 0);
  EXPECT_EQ(TenantGauge("hub_plan_households_under_procesregie"), 1);
  EXPECT_EQ(TenantGauge("hub_plan_households_under_procesregie", "GM0589"), 0);
  EXPECT_EQ(TenantGauge("hub_plan_procesregie_ratio"), 1.0 / 3.0);  // 1 of the 3 open plans
  EXPECT_EQ(TenantGauge("hub_plan_directives_overdue"), 0);
  EXPECT_EQ(TenantGauge("hub_plan_evaluations_overdue"), 0);
  EXPECT_EQ(Metric("hub_events_appended_total", {{"topic", kPlanTopic}}),
            static_cast<double>(RecordsIn(kPlanTopic)));

  clock_.Advance(7 * kDay);  // 2026-01-19: due today, not overdue
  EXPECT_EQ(TenantGauge("hub_plan_directives_overdue"), 0);
  clock_.Advance(kDay);
  EXPECT_EQ(TenantGauge("hub_plan_directives_overdue"), 1);
  const auto view = GetOk(escalated);
  ASSERT_EQ(view.procesregie_size(), 1);
  ASSERT_EQ(view.procesregie(0).directives_size(), 1);
  EXPECT_TRUE(view.procesregie(0).directives(0).overdue());
  ASSERT_TRUE(Complete(escalated, directive_id, kFermwerk).ok());
  EXPECT_EQ(TenantGauge("hub_plan_directives_overdue"), 0);

  // Agreed on 2026-01-12 with 13 weeks between evaluations: due 2026-04-13, overdue the day after.
  clock_.Advance(83 * kDay);  // 2026-04-13
  EXPECT_EQ(TenantGauge("hub_plan_evaluations_overdue"), 0);
  clock_.Advance(kDay);
  EXPECT_EQ(TenantGauge("hub_plan_evaluations_overdue"), 2);  // the active and the scaled-down plan
  EXPECT_EQ(TenantGauge("hub_plan_evaluations_overdue", "GM0589"), 0);
}

}  // namespace
}  // namespace hub::plan
