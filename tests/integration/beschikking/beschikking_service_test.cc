// The beschikking service over real gRPC on loopback, hosted beside the intake and plan services on
// one log as hubd hosts them: every call and its refusals, who may do what (decision officer,
// social team, the assigned provider), what each organisation may read, the legal deadlines in
// calendar weeks and working days as the clock moves, the toewijzing rules of iWmo (OP259, OP275,
// OP257), a retroactive correction with valid time and record time both kept, idempotent retries,
// optimistic concurrency, a restart, and the gauges.
//
// The register is the shipped one plus a second care provider (Het Anker, AGB 98005678) and a
// second role at the decision office (administratief_medewerker, who may not decide).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "common/es/clock.h"
#include "common/es/envelope.h"
#include "common/log/rocks_log.h"
#include "common/rpc/server_host.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/v1/beschikking.grpc.pb.h"
#include "hub/v1/intake.grpc.pb.h"
#include "hub/v1/plan.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "prometheus/registry.h"
#include "services/beschikking/module.h"
#include "services/intake/module.h"
#include "services/plan/module.h"
#include "tests/testing/bsn.h"
#include "tests/testing/temp_dir.h"

namespace hub::beschikking {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using std::chrono::system_clock;
using Stub = hub::v1::BeschikkingService::Stub;
using Positions = google::protobuf::RepeatedPtrField<hub::v1::Position>;

// 2026-01-12 09:00 in the Netherlands (08:00 UTC), a Monday.
const system_clock::time_point kMonday = system_clock::time_point(std::chrono::seconds(1768204800));
constexpr auto kDay = std::chrono::hours(24);
const std::string kTopic = "hub.beschikking.events.v1";
constexpr int32_t kPartitions = 4;
constexpr char kDeLindeAgb[] = "98001234";
constexpr char kHetAnkerAgb[] = "98005678";

struct Identity {
  std::string tenant;
  std::string organisation;
  std::string role;
  std::string user;
};

const Identity kConsulent{"GM0632", "woerdenwijzer", "consulent", "u-consulent-1"};
const Identity kOfficer{"GM0632", "woerden-beschikkingen", "decision_officer", "u-officer-1"};
const Identity kClerk{"GM0632", "woerden-beschikkingen", "administratief_medewerker", "u-clerk-1"};
const Identity kDeLinde{"GM0632", "zorgaanbieder-de-linde", "zorgverlener", "u-linde-1"};
const Identity kHetAnker{"GM0632", "zorgaanbieder-het-anker", "zorgverlener", "u-anker-1"};
const Identity kFermwerk{"GM0632", "fermwerk", "consulent", "u-fermwerk-1"};
const Identity kSignalGiver{"GM0632", "basisschool-de-regenboog", "signaalgever", "u-school-1"};
const Identity kOudewater{"GM0589", "sociaal-team-oudewater", "consulent", "u-ow-1"};

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

::testing::AssertionResult Refused(const Answer& a, grpc::StatusCode code, const std::string& reason = "",
                                   const std::string& field = "") {
  if (a.status.error_code() == code && (reason.empty() || a.reason == reason) && (field.empty() || a.field == field)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected code " << code << " reason '" << reason << "' field '" << field
                                       << "', got " << Describe(a);
}

// A household as intake created and triaged it.
struct Household {
  std::string id;
  std::string melding_id;
  std::string adult_id;  // born 1984
  std::string child_id;  // born 2011
  Positions positions;   // of intake's last reply about it
};

class BeschikkingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(std::string(HUB_SOURCE_DIR) + "/deploy/config/organisations.json");
    nlohmann::json reg = nlohmann::json::parse(in);
    for (auto& org : reg["organisations"]) {
      if (org["id"] == "woerden-beschikkingen") org["roles"].push_back("administratief_medewerker");
    }
    reg["organisations"].push_back({{"id", "zorgaanbieder-het-anker"},
                                    {"name", "Zorgaanbieder Het Anker"},
                                    {"kind", "CARE_PROVIDER"},
                                    {"agb_code", kHetAnkerAgb},
                                    {"tenants", {"GM0632"}},
                                    {"roles", {"zorgverlener"}}});
    auto parsed = config::Register::FromJson(reg.dump());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    register_ = std::make_unique<config::Register>(std::move(*parsed));
    auto key = keys::MasterKey::FromBytes(std::string(32, 'k'));
    ASSERT_TRUE(key.ok());
    master_key_ = std::make_unique<keys::MasterKey>(std::move(*key));
    Start();
  }

  void TearDown() override { Stop(); }

  // The three modules on one log and one host, each with its own store, as hubd runs them.
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
    auto plan = plan::PlanModule::Open({.data_dir = dir_.Sub("plan"),
                                        .partitions = kPartitions,
                                        .log = log_.get(),
                                        .organisations = register_.get(),
                                        .master_key = master_key_.get(),
                                        .clock = &clock_,
                                        .metrics = host_->registry().get()});
    ASSERT_TRUE(plan.ok()) << plan.status();
    plan_module_ = std::move(*plan);
    auto module = BeschikkingModule::Open({.data_dir = dir_.Sub("beschikking"),
                                           .catalogue_path = std::string(HUB_SOURCE_DIR) + "/deploy/config/products.json",
                                           .partitions = kPartitions,
                                           .log = log_.get(),
                                           .organisations = register_.get(),
                                           .master_key = master_key_.get(),
                                           .clock = &clock_,
                                           .metrics = host_->registry().get(),
                                           .toewijzingnummers = [this] { return NextNumber(); }});
    ASSERT_TRUE(module.ok()) << module.status();
    module_ = std::move(*module);
    host_->AddService(intake_module_->service());
    host_->AddService(plan_module_->service());
    host_->AddService(module_->service());
    ASSERT_TRUE(host_->Start().ok());
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->port()), grpc::InsecureChannelCredentials());
    intake_ = hub::v1::IntakeService::NewStub(channel_);
    plan_ = hub::v1::PlanService::NewStub(channel_);
    stub_ = hub::v1::BeschikkingService::NewStub(channel_);
  }

  void Stop() {
    stub_.reset();
    plan_.reset();
    intake_.reset();
    channel_.reset();
    if (host_) host_->Shutdown();
    // The modules first: their metrics live in the host's registry.
    module_.reset();
    plan_module_.reset();
    intake_module_.reset();
    host_.reset();
    log_.reset();
  }

  // Toewijzingnummer candidates: the queued ones first, then a running sequence.
  std::string NextNumber() {
    std::lock_guard lock(numbers_mu_);
    if (!queued_numbers_.empty()) {
      std::string n = queued_numbers_.front();
      queued_numbers_.pop_front();
      return n;
    }
    return std::to_string(40'000'000 + ++numbers_);
  }
  void QueueNumbers(std::initializer_list<std::string> numbers) {
    std::lock_guard lock(numbers_mu_);
    queued_numbers_.insert(queued_numbers_.end(), numbers.begin(), numbers.end());
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
              Reply* reply, const Identity& who) {
    auto context = Context(who);
    Answer answer;
    answer.status = (stub_.get()->*rpc)(context.get(), request, reply);
    answer.reason = Trailer(*context, "hub-reason");
    answer.field = Trailer(*context, "hub-field");
    return answer;
  }

  hub::v1::CommandHeader Header() {
    hub::v1::CommandHeader header;
    header.set_request_id("req-" + std::to_string(++requests_));
    return header;
  }

  // ---- intake and plan ------------------------------------------------------------------------

  // A new household of an adult and a child, triaged MEERVOUDIG unless `triage` is false.
  Household NewHousehold(bool triage = true) {
    const int n = ++households_;
    hub::v1::RegisterMeldingRequest request;
    *request.mutable_header() = Header();
    request.set_tenant("GM0632");
    request.set_channel(hub::v1::CHANNEL_DESK);
    request.set_source(hub::v1::SIGNAL_SOURCE_SELF);
    for (const auto& [offset, birth, relation] :
         {std::tuple{0, "1984-05-02", "parent"}, std::tuple{1, "2011-09-14", "child"}}) {
      auto* p = request.add_persons();
      p->set_bsn(testing::ValidBsn(static_cast<uint64_t>(1000 * n + offset)));
      p->set_birth_date(birth);
      p->set_name("Persoon " + std::string(relation) + " " + std::to_string(n));
      p->set_relation(relation);
    }
    request.set_question("Moeder kan het huishouden en de opvoeding niet meer aan.");
    request.add_life_domains("HUISELIJKE_RELATIES");
    hub::v1::RegisterMeldingReply reply;
    auto context = Context(kConsulent);
    auto status = intake_->RegisterMelding(context.get(), request, &reply);
    EXPECT_TRUE(status.ok()) << status.error_message();
    Household household;
    household.id = reply.result().household_id();
    household.melding_id = reply.melding_id();
    if (reply.person_ids_size() == 2) {
      household.adult_id = reply.person_ids(0);
      household.child_id = reply.person_ids(1);
    }
    household.positions = reply.result().positions();
    if (triage) {
      hub::v1::CompleteTriageRequest t;
      *t.mutable_header() = Header();
      t.set_household_id(household.id);
      t.set_melding_id(household.melding_id);
      t.set_triage_class("MEERVOUDIG");
      (*t.mutable_zrm_scores())["HUISELIJKE_RELATIES"] = 2;
      hub::v1::CommandReply triaged;
      auto triage_context = Context(kConsulent);
      auto triage_status = intake_->CompleteTriage(triage_context.get(), t, &triaged);
      EXPECT_TRUE(triage_status.ok()) << triage_status.error_message();
      household.positions = triaged.positions();
    }
    return household;
  }

  std::string DraftPlan(Household& h) {
    hub::v1::DraftPlanRequest request;
    *request.mutable_header() = Header();
    *request.mutable_header()->mutable_min_positions() = h.positions;
    request.set_household_id(h.id);
    hub::v1::DraftPlanReply reply;
    auto context = Context(kConsulent);
    auto status = plan_->DraftPlan(context.get(), request, &reply);
    EXPECT_TRUE(status.ok()) << status.error_message();
    h.positions = reply.result().positions();
    return reply.plan_id();
  }

  // ---- beschikking commands ---------------------------------------------------------------------

  hub::v1::SubmitAanvraagRequest AanvraagRequest(const Household& h, hub::v1::Law law = hub::v1::LAW_WMO,
                                                 const std::string& person = "") {
    hub::v1::SubmitAanvraagRequest request;
    *request.mutable_header() = Header();
    *request.mutable_header()->mutable_min_positions() = h.positions;
    request.set_household_id(h.id);
    request.set_person_id(person.empty() ? h.adult_id : person);
    request.set_law(law);
    request.set_requested_provision("Hulp bij het huishouden en begeleiding bij de administratie.");
    return request;
  }

  hub::v1::SubmitAanvraagReply Submit(const Household& h, hub::v1::Law law = hub::v1::LAW_WMO,
                                      const std::string& person = "") {
    hub::v1::SubmitAanvraagReply reply;
    auto answer = Call(&Stub::SubmitAanvraag, AanvraagRequest(h, law, person), &reply, kConsulent);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    return reply;
  }

  static hub::v1::ProductInput Zin(const std::string& code = "02A01", const std::string& start = "2026-01-19",
                                   const std::string& end = "2026-12-31", int32_t volume = 3,
                                   const std::string& agb = kDeLindeAgb) {
    hub::v1::ProductInput p;
    p.set_product_code(code);
    p.set_volume(volume);
    p.set_unit(code.starts_with("07")   ? hub::v1::UNIT_DAGDEEL
               : code.starts_with("08") ? hub::v1::UNIT_PIECE
                                        : hub::v1::UNIT_HOUR);
    p.set_frequency(hub::v1::FREQUENCY_PER_WEEK);
    p.set_start_date(start);
    p.set_end_date(end);
    p.set_form(hub::v1::DELIVERY_FORM_ZIN);
    p.set_provider_agb_code(agb);
    return p;
  }

  static hub::v1::ProductInput Pgb(const std::string& code = "07A01", int64_t budget_cents = 480'000) {
    hub::v1::ProductInput p = Zin(code);
    p.clear_provider_agb_code();
    p.set_form(hub::v1::DELIVERY_FORM_PGB);
    p.set_pgb_budget_cents(budget_cents);
    return p;
  }

  static hub::v1::DecisionInput Granted(std::initializer_list<hub::v1::ProductInput> lines,
                                        hub::v1::BeschikkingOutcome outcome = hub::v1::BESCHIKKING_OUTCOME_GRANTED) {
    hub::v1::DecisionInput d;
    d.set_outcome(outcome);
    d.set_motivation("Uit het keukentafelgesprek blijkt dat begeleiding nodig is.");
    for (const auto& line : lines) *d.add_products() = line;
    return d;
  }

  static hub::v1::DecisionInput Rejected() {
    hub::v1::DecisionInput d;
    d.set_outcome(hub::v1::BESCHIKKING_OUTCOME_REJECTED);
    d.set_motivation("Een algemene voorziening volstaat.");
    return d;
  }

  hub::v1::IssueBeschikkingRequest IssueRequest(const Household& h, const std::string& aanvraag_id,
                                                const hub::v1::DecisionInput& decision) {
    hub::v1::IssueBeschikkingRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_aanvraag_id(aanvraag_id);
    *request.mutable_decision() = decision;
    return request;
  }

  Answer Issue(const Household& h, const std::string& aanvraag_id, const hub::v1::DecisionInput& decision,
               hub::v1::IssueBeschikkingReply* reply, const Identity& who = kOfficer) {
    return Call(&Stub::IssueBeschikking, IssueRequest(h, aanvraag_id, decision), reply, who);
  }

  hub::v1::IssueBeschikkingReply IssueOk(const Household& h, const std::string& aanvraag_id,
                                         const hub::v1::DecisionInput& decision) {
    hub::v1::IssueBeschikkingReply reply;
    auto answer = Issue(h, aanvraag_id, decision, &reply);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    return reply;
  }

  // A triaged household with a Wmo aanvraag granted: 3 hours a week of 02A01 with De Linde from
  // 2026-01-19 to 2026-12-31. Returns the reply; `h` is filled in.
  hub::v1::IssueBeschikkingReply GrantedHousehold(Household* h) {
    *h = NewHousehold();
    const auto aanvraag = Submit(*h);
    return IssueOk(*h, aanvraag.aanvraag_id(), Granted({Zin()}));
  }

  Answer Start(const Household& h, const std::string& toewijzing_id, const std::string& date,
               const Identity& who = kDeLinde) {
    hub::v1::ReportStartZorgRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_toewijzing_id(toewijzing_id);
    request.set_start_date(date);
    hub::v1::CommandReply reply;
    return Call(&Stub::ReportStartZorg, request, &reply, who);
  }

  Answer Stop(const Household& h, const std::string& toewijzing_id, const std::string& date,
              hub::v1::RedenBeeindiging reason, const Identity& who = kDeLinde) {
    hub::v1::ReportStopZorgRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_toewijzing_id(toewijzing_id);
    request.set_stop_date(date);
    request.set_reden_beeindiging(reason);
    hub::v1::CommandReply reply;
    return Call(&Stub::ReportStopZorg, request, &reply, who);
  }

  Answer FileBezwaar(const Household& h, const std::string& beschikking_id, hub::v1::FileBezwaarReply* reply,
                     const Identity& who = kConsulent,
                     std::optional<system_clock::time_point> received = std::nullopt) {
    hub::v1::FileBezwaarRequest request;
    *request.mutable_header() = Header();
    if (received) es::ToTimestamp(*received, request.mutable_header()->mutable_occurred_at());
    request.set_household_id(h.id);
    request.set_beschikking_id(beschikking_id);
    request.set_grounds("Ik heb meer uren begeleiding nodig dan toegekend.");
    return Call(&Stub::FileBezwaar, request, reply, who);
  }

  // ---- reads ----------------------------------------------------------------------------------

  Answer Get(const std::string& household_id, hub::v1::BeschikkingenView* view, const Identity& who = kConsulent) {
    hub::v1::GetBeschikkingenRequest request;
    request.set_household_id(household_id);
    return Call(&Stub::GetBeschikkingen, request, view, who);
  }

  hub::v1::BeschikkingenView GetOk(const Household& h, const Identity& who = kConsulent) {
    hub::v1::BeschikkingenView view;
    auto answer = Get(h.id, &view, who);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    return view;
  }

  std::vector<hub::v1::Deadline> Deadlines(hub::v1::ListDeadlinesRequest request = {}, const Identity& who = kOfficer) {
    hub::v1::ListDeadlinesResponse response;
    auto answer = Call(&Stub::ListDeadlines, request, &response, who);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    return {response.deadlines().begin(), response.deadlines().end()};
  }

  // Kind, subject, due date and state of every deadline of `h`.
  std::vector<std::tuple<hub::v1::DeadlineKind, std::string, std::string, hub::v1::DeadlineState>> DeadlinesOf(
      const Household& h, const Identity& who = kOfficer) {
    hub::v1::ListDeadlinesRequest request;
    request.set_household_id(h.id);
    std::vector<std::tuple<hub::v1::DeadlineKind, std::string, std::string, hub::v1::DeadlineState>> out;
    for (const auto& d : Deadlines(request, who)) out.emplace_back(d.kind(), d.subject_id(), d.due_on(), d.state());
    return out;
  }

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

  std::optional<double> Gauge(const std::string& name, const std::map<std::string, std::string>& labels) {
    module_->RefreshMetrics();
    return Metric(name, labels);
  }

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
  std::unique_ptr<plan::PlanModule> plan_module_;
  std::unique_ptr<BeschikkingModule> module_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<hub::v1::IntakeService::Stub> intake_;
  std::unique_ptr<hub::v1::PlanService::Stub> plan_;
  std::unique_ptr<Stub> stub_;
  std::mutex numbers_mu_;
  std::deque<std::string> queued_numbers_;
  int numbers_ = 0;
  int requests_ = 0;
  int households_ = 0;
};

// ---- SubmitAanvraag ------------------------------------------------------------------------------

TEST_F(BeschikkingServiceTest, AnAanvraagRightAfterTheTriageIsDueTwoWeeksLaterUnderTheWmoAndEightUnderTheJeugdwet) {
  const Household h = NewHousehold();
  const auto wmo = Submit(h);  // waits for intake's positions
  EXPECT_FALSE(wmo.aanvraag_id().empty());
  EXPECT_EQ(wmo.decision_due(), "2026-01-26");
  ASSERT_EQ(wmo.result().positions_size(), 1);
  EXPECT_EQ(wmo.result().positions(0).topic(), kTopic);
  const auto jeugd = Submit(h, hub::v1::LAW_JEUGDWET, h.child_id);
  EXPECT_EQ(jeugd.decision_due(), "2026-03-09");  // 8 weeks

  const auto view = GetOk(h);
  ASSERT_EQ(view.aanvragen_size(), 2);
  EXPECT_EQ(view.aanvragen(0).aanvraag_id(), wmo.aanvraag_id());
  EXPECT_EQ(view.aanvragen(0).person_id(), h.adult_id);
  EXPECT_EQ(view.aanvragen(0).law(), hub::v1::LAW_WMO);
  EXPECT_EQ(view.aanvragen(0).requested_provision(), "Hulp bij het huishouden en begeleiding bij de administratie.");
  EXPECT_EQ(view.aanvragen(0).submitted_on(), "2026-01-12");
  EXPECT_EQ(view.aanvragen(0).beschikking_id(), "");
  EXPECT_EQ(view.aanvragen(1).person_id(), h.child_id);
  EXPECT_FALSE(view.restricted());
}

TEST_F(BeschikkingServiceTest, SubmitAanvraagRefusals) {
  const Household h = NewHousehold();
  hub::v1::SubmitAanvraagReply reply;

  auto unknown = AanvraagRequest(h);
  unknown.set_household_id("0190ffff-no-such-household");
  EXPECT_TRUE(Refused(Call(&Stub::SubmitAanvraag, unknown, &reply, kConsulent), grpc::StatusCode::FAILED_PRECONDITION,
                      "HOUSEHOLD_NOT_FOUND"));
  EXPECT_TRUE(Refused(Call(&Stub::SubmitAanvraag, AanvraagRequest(h, hub::v1::LAW_WMO, "person-elsewhere"), &reply,
                           kConsulent),
                      grpc::StatusCode::FAILED_PRECONDITION, "PERSON_NOT_IN_HOUSEHOLD"));
  EXPECT_TRUE(Refused(Call(&Stub::SubmitAanvraag, AanvraagRequest(h, hub::v1::LAW_PARTICIPATIEWET, h.child_id), &reply,
                           kConsulent),
                      grpc::StatusCode::FAILED_PRECONDITION, "UNDER_18"));
  EXPECT_TRUE(Refused(Call(&Stub::SubmitAanvraag, AanvraagRequest(h, hub::v1::LAW_UNSPECIFIED), &reply, kConsulent),
                      grpc::StatusCode::INVALID_ARGUMENT, "", "law"));
  auto empty = AanvraagRequest(h);
  empty.clear_requested_provision();
  EXPECT_TRUE(Refused(Call(&Stub::SubmitAanvraag, empty, &reply, kConsulent), grpc::StatusCode::INVALID_ARGUMENT, "",
                      "requested_provision"));
  for (const Identity& who : {kDeLinde, kSignalGiver, kFermwerk}) {
    EXPECT_TRUE(Refused(Call(&Stub::SubmitAanvraag, AanvraagRequest(h), &reply, who), grpc::StatusCode::PERMISSION_DENIED))
        << who.organisation;
  }
  // Intake does not know the household for Oudewater.
  EXPECT_TRUE(Refused(Call(&Stub::SubmitAanvraag, AanvraagRequest(h), &reply, kOudewater),
                      grpc::StatusCode::FAILED_PRECONDITION, "HOUSEHOLD_NOT_FOUND"));
  EXPECT_EQ(RecordsIn(kTopic), 0);  // no refusal wrote anything

  // The decision office may register an aanvraag too.
  EXPECT_TRUE(Call(&Stub::SubmitAanvraag, AanvraagRequest(h), &reply, kOfficer).ok());
  // Now the household has a beschikking stream of GM0632: Oudewater cannot tell it exists.
  EXPECT_TRUE(Refused(Call(&Stub::SubmitAanvraag, AanvraagRequest(h), &reply, kOudewater), grpc::StatusCode::NOT_FOUND));
}

// ---- IssueBeschikking and toewijzingen ---------------------------------------------------------

TEST_F(BeschikkingServiceTest, TheDecisionOfficerGrantsReferencingTriageAndPlanAndEveryZinLineBecomesAToewijzing) {
  Household h = NewHousehold();
  const std::string plan_id = DraftPlan(h);
  const auto aanvraag = Submit(h);
  hub::v1::IssueBeschikkingRequest request = IssueRequest(h, aanvraag.aanvraag_id(), Granted({Zin(), Pgb()}));
  *request.mutable_header()->mutable_min_positions() = h.positions;
  hub::v1::IssueBeschikkingReply reply;
  auto answer = Call(&Stub::IssueBeschikking, request, &reply, kOfficer);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_FALSE(reply.beschikking_id().empty());
  EXPECT_EQ(reply.bezwaar_due(), "2026-02-23");  // six weeks
  ASSERT_EQ(reply.toewijzingen_size(), 1);       // the PGB line is no toewijzing
  const auto& ref = reply.toewijzingen(0);
  EXPECT_EQ(ref.toewijzingnummer().size(), 8u);
  EXPECT_EQ(ref.product_code(), "02A01");
  EXPECT_EQ(ref.provider_agb_code(), kDeLindeAgb);
  EXPECT_EQ(reply.result().event_ids_size(), 2);  // the beschikking and its toewijzing

  const auto view = GetOk(h);
  ASSERT_EQ(view.beschikkingen_size(), 1);
  const auto& b = view.beschikkingen(0);
  EXPECT_EQ(b.beschikking_id(), reply.beschikking_id());
  EXPECT_EQ(b.outcome(), hub::v1::BESCHIKKING_OUTCOME_GRANTED);
  EXPECT_EQ(b.motivation(), "Uit het keukentafelgesprek blijkt dat begeleiding nodig is.");
  EXPECT_EQ(b.triage_melding_id(), h.melding_id);
  EXPECT_EQ(b.triage_class(), "MEERVOUDIG");
  EXPECT_EQ(b.plan_id(), plan_id);
  EXPECT_TRUE(b.on_time());
  ASSERT_EQ(b.products_size(), 2);
  EXPECT_EQ(b.products(0).category(), "02");
  EXPECT_EQ(b.products(1).form(), hub::v1::DELIVERY_FORM_PGB);
  EXPECT_EQ(b.products(1).pgb_budget_cents(), 480'000);
  EXPECT_EQ(view.aanvragen(0).beschikking_id(), reply.beschikking_id());
  ASSERT_EQ(view.toewijzingen_size(), 1);
  const auto& t = view.toewijzingen(0);
  EXPECT_EQ(t.toewijzingnummer(), ref.toewijzingnummer());
  EXPECT_EQ(t.ingangsdatum(), "2026-01-19");
  EXPECT_EQ(t.einddatum(), "2026-12-31");
  EXPECT_EQ(t.volume(), 3);
  EXPECT_EQ(t.unit(), hub::v1::UNIT_HOUR);
  EXPECT_EQ(t.frequency(), hub::v1::FREQUENCY_PER_WEEK);
  EXPECT_EQ(t.status(), hub::v1::TOEWIJZING_STATUS_FUTURE);
  EXPECT_EQ(t.toewijzingsdatum(), "2026-01-12");
  clock_.Advance(7 * kDay);
  EXPECT_EQ(GetOk(h).toewijzingen(0).status(), hub::v1::TOEWIJZING_STATUS_ACTIVE);
}

TEST_F(BeschikkingServiceTest, IssueBeschikkingRefusals) {
  const Household h = NewHousehold();
  const Household untriaged = NewHousehold(/*triage=*/false);
  const auto aanvraag = Submit(h);
  const auto untriaged_aanvraag = Submit(untriaged);
  hub::v1::IssueBeschikkingReply reply;
  const std::string a = aanvraag.aanvraag_id();

  EXPECT_TRUE(Refused(Issue(h, a, Granted({Zin()}), &reply, kConsulent), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Issue(h, a, Granted({Zin()}), &reply, kDeLinde), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Issue(h, a, Granted({Zin()}), &reply, kClerk), grpc::StatusCode::PERMISSION_DENIED,
                      "NOT_A_DECISION_OFFICER"));
  EXPECT_TRUE(Refused(Issue(h, "no-such-aanvraag", Granted({Zin()}), &reply), grpc::StatusCode::NOT_FOUND,
                      "AANVRAAG_NOT_FOUND"));
  EXPECT_TRUE(Refused(Issue(untriaged, untriaged_aanvraag.aanvraag_id(), Rejected(), &reply),
                      grpc::StatusCode::FAILED_PRECONDITION, "NO_TRIAGE"));
  EXPECT_TRUE(Refused(Issue(h, a, Granted({Zin("99Z99")}), &reply), grpc::StatusCode::FAILED_PRECONDITION,
                      "PRODUCT_UNKNOWN"));
  EXPECT_TRUE(Refused(Issue(h, a, Granted({Zin("45A01")}), &reply), grpc::StatusCode::FAILED_PRECONDITION,
                      "PRODUCT_WRONG_LAW"));
  EXPECT_TRUE(Refused(Issue(h, a, Granted({Zin("02A01", "2026-01-19", "2026-12-31", 3, "99999999")}), &reply),
                      grpc::StatusCode::FAILED_PRECONDITION, "PROVIDER_UNKNOWN"));
  EXPECT_TRUE(Refused(Issue(h, a, Granted({Pgb("08A01")}), &reply), grpc::StatusCode::FAILED_PRECONDITION,
                      "PGB_NOT_ALLOWED"));
  auto etmaal = Zin();
  etmaal.set_unit(hub::v1::UNIT_ETMAAL);
  EXPECT_TRUE(Refused(Issue(h, a, Granted({etmaal}), &reply), grpc::StatusCode::FAILED_PRECONDITION, "UNIT_NOT_ALLOWED"));
  EXPECT_TRUE(Refused(Issue(h, a, Granted({Zin("02A01", "2026-01-19", "2026-01-18")}), &reply),
                      grpc::StatusCode::INVALID_ARGUMENT, "", "decision.products[0].end_date"));
  auto rejected_with_lines = Granted({Zin()}, hub::v1::BESCHIKKING_OUTCOME_REJECTED);
  EXPECT_TRUE(Refused(Issue(h, a, rejected_with_lines, &reply), grpc::StatusCode::INVALID_ARGUMENT, "",
                      "decision.products"));
  auto unmotivated = Rejected();
  unmotivated.clear_motivation();
  EXPECT_TRUE(
      Refused(Issue(h, a, unmotivated, &reply), grpc::StatusCode::INVALID_ARGUMENT, "", "decision.motivation"));
  auto both = IssueRequest(h, a, Rejected());
  both.set_request_id("r-1");
  EXPECT_TRUE(Refused(Call(&Stub::IssueBeschikking, both, &reply, kOfficer), grpc::StatusCode::INVALID_ARGUMENT, "",
                      "aanvraag_id"));
  const int64_t before = RecordsIn(kTopic);  // the two aanvragen

  ASSERT_TRUE(Issue(h, a, Rejected(), &reply).ok());
  EXPECT_EQ(RecordsIn(kTopic), before + 1);
  EXPECT_TRUE(Refused(Issue(h, a, Rejected(), &reply), grpc::StatusCode::FAILED_PRECONDITION, "AANVRAAG_DECIDED"));
}

TEST_F(BeschikkingServiceTest, OP275_ANumberInUseForTheLawInTheMunicipalityIsAllocatedAgain) {
  Household first;
  QueueNumbers({"30000001"});
  const auto granted = GrantedHousehold(&first);
  ASSERT_EQ(granted.toewijzingen_size(), 1);
  EXPECT_EQ(granted.toewijzingen(0).toewijzingnummer(), "30000001");

  // Another household of Woerden draws the same number first: the service allocates again.
  const Household second = NewHousehold();
  const auto aanvraag = Submit(second);
  QueueNumbers({"30000001", "30000002"});
  const auto reply = IssueOk(second, aanvraag.aanvraag_id(), Granted({Zin()}));
  ASSERT_EQ(reply.toewijzingen_size(), 1);
  EXPECT_EQ(reply.toewijzingen(0).toewijzingnummer(), "30000002");
  EXPECT_EQ(GetOk(second).toewijzingen(0).toewijzingnummer(), "30000002");

  // Under the Jeugdwet the number is free: OP275 is per municipality per law.
  const auto jeugd = Submit(second, hub::v1::LAW_JEUGDWET, second.child_id);
  QueueNumbers({"30000001"});
  const auto youth = IssueOk(second, jeugd.aanvraag_id(), Granted({Zin("45A01")}));
  ASSERT_EQ(youth.toewijzingen_size(), 1);
  EXPECT_EQ(youth.toewijzingen(0).toewijzingnummer(), "30000001");
}

TEST_F(BeschikkingServiceTest, OP259_AnOverlappingToewijzingOfTheSameProductForTheSamePersonIsRefused) {
  Household h;
  GrantedHousehold(&h);
  const auto second = Submit(h);
  const int64_t before = RecordsIn(kTopic);
  hub::v1::IssueBeschikkingReply reply;
  auto answer = Issue(h, second.aanvraag_id(), Granted({Zin("02A01", "2026-06-01", "2027-05-31")}), &reply);
  EXPECT_TRUE(Refused(answer, grpc::StatusCode::FAILED_PRECONDITION, "OP259_OVERLAP"));
  EXPECT_THAT(answer.status.error_message(), HasSubstr("2026-12-31"));
  EXPECT_EQ(RecordsIn(kTopic), before);
  // From the day after the first one ends, or another product, it is fine.
  ASSERT_TRUE(Issue(h, second.aanvraag_id(), Granted({Zin("02A01", "2027-01-01", "2027-06-30"), Zin("07A01")}), &reply)
                  .ok());
  EXPECT_EQ(reply.toewijzingen_size(), 2);
}

TEST_F(BeschikkingServiceTest, OP257_AChangeOfVolumeEndsTheOldToewijzingAndIssuesANewOneWithANewNumber) {
  Household h;
  const auto first = GrantedHousehold(&h);
  const std::string old_id = first.toewijzingen(0).toewijzing_id();
  const auto herbeoordeling = Submit(h);
  auto more = Zin("02A01", "2026-03-01", "2026-12-31", 5);
  more.set_replaces_toewijzing_id(old_id);
  const auto second = IssueOk(h, herbeoordeling.aanvraag_id(), Granted({more}));
  ASSERT_EQ(second.toewijzingen_size(), 1);
  EXPECT_NE(second.toewijzingen(0).toewijzingnummer(), first.toewijzingen(0).toewijzingnummer());

  const auto view = GetOk(h);
  ASSERT_EQ(view.toewijzingen_size(), 2);
  const auto& old = view.toewijzingen(0);
  EXPECT_EQ(old.einddatum(), "2026-02-28");
  EXPECT_EQ(old.replaced_by_toewijzing_id(), second.toewijzingen(0).toewijzing_id());
  ASSERT_EQ(old.history_size(), 2);
  EXPECT_EQ(old.history(0).change(), "ISSUED");
  EXPECT_EQ(old.history(0).einddatum(), "2026-12-31");
  EXPECT_EQ(old.history(1).change(), "ENDED");
  EXPECT_EQ(old.history(1).einddatum(), "2026-02-28");
  EXPECT_EQ(old.history(1).reden_wijziging(), hub::v1::REDEN_WIJZIGING_VERKORTING);
  const auto& replacement = view.toewijzingen(1);
  EXPECT_EQ(replacement.volume(), 5);
  EXPECT_EQ(replacement.replaces_toewijzing_id(), old_id);
  EXPECT_EQ(replacement.reden_wijziging(), hub::v1::REDEN_WIJZIGING_VERKORTING);
}

TEST_F(BeschikkingServiceTest, ARetroactiveCorrectionKeepsValidTimeAndRecordTimeOfEveryVersion) {
  Household h;
  const auto granted = GrantedHousehold(&h);  // recorded Monday 2026-01-12 09:00
  const std::string id = granted.toewijzingen(0).toewijzing_id();
  const auto issued_at = clock_.Now();

  // Ten days later the decision office finds the toewijzing should have started on 2026-01-14, and
  // corrects it with effect from that day (valid time), recorded now (record time).
  clock_.Advance(10 * kDay);
  const auto effective = kMonday + 2 * kDay;
  hub::v1::CorrectToewijzingRequest request;
  *request.mutable_header() = Header();
  es::ToTimestamp(effective, request.mutable_header()->mutable_occurred_at());
  request.set_household_id(h.id);
  request.set_toewijzing_id(id);
  request.set_ingangsdatum("2026-01-14");
  request.set_einddatum("2026-12-31");
  request.set_reden_wijziging(hub::v1::REDEN_WIJZIGING_ADMINISTRATIEVE_CORRECTIE);
  request.set_explanation("Zorg startte op 14 januari; toewijzing verkeerd ingevoerd.");
  hub::v1::CommandReply reply;
  auto clerk = Call(&Stub::CorrectToewijzing, request, &reply, kClerk);
  EXPECT_TRUE(Refused(clerk, grpc::StatusCode::PERMISSION_DENIED, "NOT_A_DECISION_OFFICER"));
  auto answer = Call(&Stub::CorrectToewijzing, request, &reply, kOfficer);
  ASSERT_TRUE(answer.ok()) << Describe(answer);

  const auto view = GetOk(h);
  ASSERT_EQ(view.toewijzingen_size(), 1);
  const auto& t = view.toewijzingen(0);
  EXPECT_EQ(t.toewijzingnummer(), granted.toewijzingen(0).toewijzingnummer());  // same number
  EXPECT_EQ(t.ingangsdatum(), "2026-01-14");
  ASSERT_EQ(t.history_size(), 2);
  EXPECT_EQ(t.history(0).change(), "ISSUED");
  EXPECT_EQ(t.history(0).ingangsdatum(), "2026-01-19");
  EXPECT_EQ(es::FromTimestamp(t.history(0).recorded_at()), issued_at);
  EXPECT_EQ(es::FromTimestamp(t.history(0).valid_from()), issued_at);
  EXPECT_EQ(t.history(1).change(), "CORRECTED");
  EXPECT_EQ(t.history(1).ingangsdatum(), "2026-01-14");
  EXPECT_EQ(t.history(1).reden_wijziging(), hub::v1::REDEN_WIJZIGING_ADMINISTRATIEVE_CORRECTIE);
  EXPECT_EQ(es::FromTimestamp(t.history(1).recorded_at()), kMonday + 10 * kDay);  // record time: now
  EXPECT_EQ(es::FromTimestamp(t.history(1).valid_from()), effective);            // valid time: in the past
  EXPECT_LT(es::FromTimestamp(t.history(1).valid_from()), es::FromTimestamp(t.history(1).recorded_at()));

  // Removing it as sent in error (13) after the provider started is refused.
  ASSERT_TRUE(Start(h, id, "2026-01-14").ok());
  hub::v1::CorrectToewijzingRequest remove;
  *remove.mutable_header() = Header();
  remove.set_household_id(h.id);
  remove.set_toewijzing_id(id);
  remove.set_reden_wijziging(hub::v1::REDEN_WIJZIGING_VERWIJDERD);
  remove.set_explanation("Per abuis verstuurd.");
  EXPECT_TRUE(Refused(Call(&Stub::CorrectToewijzing, remove, &reply, kOfficer), grpc::StatusCode::FAILED_PRECONDITION,
                      "DELIVERY_STARTED"));
}

// ---- provider messages -------------------------------------------------------------------------

TEST_F(BeschikkingServiceTest, OnlyTheAssignedProviderReportsStartAndStopAndALateStartIsRecordedLate) {
  Household h;
  const auto granted = GrantedHousehold(&h);
  const std::string id = granted.toewijzingen(0).toewijzing_id();

  EXPECT_TRUE(Refused(Start(h, id, "2026-01-19", kHetAnker), grpc::StatusCode::PERMISSION_DENIED, "NOT_THE_PROVIDER"));
  EXPECT_TRUE(Refused(Start(h, id, "2026-01-19", kConsulent), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Start(h, id, "2026-01-19", kOfficer), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Start(h, id, "2026-01-19"), grpc::StatusCode::INVALID_ARGUMENT, "", "start_date"));  // future
  EXPECT_TRUE(Refused(Start(h, id, "not-a-date"), grpc::StatusCode::INVALID_ARGUMENT, "", "start_date"));
  EXPECT_TRUE(Refused(Start(h, "no-such-toewijzing", "2026-01-12"), grpc::StatusCode::NOT_FOUND, "TOEWIJZING_NOT_FOUND"));

  // Care started Monday 2026-01-19; the 305 is due 5 working days later, Monday 2026-01-26. De Linde
  // reports on Tuesday 2026-01-27: accepted, recorded late.
  clock_.Advance(15 * kDay);
  EXPECT_TRUE(Refused(Start(h, id, "2026-01-16"), grpc::StatusCode::FAILED_PRECONDITION, "START_OUTSIDE_TOEWIJZING"));
  ASSERT_TRUE(Start(h, id, "2026-01-19").ok());
  EXPECT_TRUE(Refused(Start(h, id, "2026-01-20"), grpc::StatusCode::FAILED_PRECONDITION, "ALREADY_STARTED"));
  auto view = GetOk(h);
  EXPECT_EQ(view.toewijzingen(0).started_on(), "2026-01-19");
  EXPECT_TRUE(view.toewijzingen(0).delivering());
  EXPECT_TRUE(view.toewijzingen(0).start_reported_late());

  // A temporary stop (reason 20, hospital stay) and a new start afterwards.
  EXPECT_TRUE(Refused(Stop(h, id, "2026-01-26", hub::v1::REDEN_BEEINDIGING_UNSPECIFIED), grpc::StatusCode::INVALID_ARGUMENT,
                      "", "reden_beeindiging"));
  EXPECT_TRUE(Refused(Stop(h, id, "2026-01-26", hub::v1::REDEN_BEEINDIGING_TIJDELIJK, kHetAnker),
                      grpc::StatusCode::PERMISSION_DENIED, "NOT_THE_PROVIDER"));
  ASSERT_TRUE(Stop(h, id, "2026-01-26", hub::v1::REDEN_BEEINDIGING_TIJDELIJK).ok());
  view = GetOk(h);
  EXPECT_FALSE(view.toewijzingen(0).delivering());
  EXPECT_EQ(view.toewijzingen(0).stop_reason(), hub::v1::REDEN_BEEINDIGING_TIJDELIJK);
  EXPECT_TRUE(Refused(Stop(h, id, "2026-01-27", hub::v1::REDEN_BEEINDIGING_VOLGENS_PLAN), grpc::StatusCode::FAILED_PRECONDITION,
                      "NOT_DELIVERING"));
  ASSERT_TRUE(Start(h, id, "2026-01-27").ok());
  ASSERT_TRUE(Stop(h, id, "2026-01-27", hub::v1::REDEN_BEEINDIGING_DOOR_CLIENT).ok());
  EXPECT_TRUE(Refused(Start(h, id, "2026-01-27"), grpc::StatusCode::FAILED_PRECONDITION, "DELIVERY_STOPPED"));
}

TEST_F(BeschikkingServiceTest, ProviderRequests315And317AreAnsweredByABeschikkingOrA319) {
  Household h;
  const auto granted = GrantedHousehold(&h);
  const std::string toewijzing_id = granted.toewijzingen(0).toewijzing_id();

  // 315 from Het Anker for the child, referred by the huisarts (Jeugdwet).
  hub::v1::RequestToewijzingRequest ask;
  *ask.mutable_header() = Header();
  ask.set_household_id(h.id);
  ask.set_person_id(h.child_id);
  ask.set_law(hub::v1::LAW_JEUGDWET);
  ask.mutable_product()->set_product_code("45A01");
  ask.mutable_product()->set_volume(2);
  ask.mutable_product()->set_unit(hub::v1::UNIT_HOUR);
  ask.mutable_product()->set_frequency(hub::v1::FREQUENCY_PER_WEEK);
  ask.mutable_product()->set_start_date("2026-02-02");
  ask.mutable_product()->set_end_date("2026-07-31");
  ask.set_motivation("Verwezen door de huisarts wegens angstklachten.");
  hub::v1::ProviderRequestReply asked;
  EXPECT_TRUE(Refused(Call(&Stub::RequestToewijzing, ask, &asked, kHetAnker), grpc::StatusCode::INVALID_ARGUMENT, "",
                      "verwijzer"));
  ask.set_verwijzer(hub::v1::VERWIJZER_HUISARTS);
  EXPECT_TRUE(Refused(Call(&Stub::RequestToewijzing, ask, &asked, kConsulent), grpc::StatusCode::PERMISSION_DENIED));
  *ask.mutable_header() = Header();
  auto answer = Call(&Stub::RequestToewijzing, ask, &asked, kHetAnker);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_EQ(asked.answer_due(), "2026-01-19");  // 5 working days

  // The municipality takes it into onderzoek: an aanvraag due 8 weeks later.
  hub::v1::AnswerRequestRequest onderzoek;
  *onderzoek.mutable_header() = Header();
  onderzoek.set_household_id(h.id);
  onderzoek.set_request_id(asked.request_id());
  onderzoek.set_answer(hub::v1::REQUEST_ANSWER_IN_ONDERZOEK);
  onderzoek.set_motivation("Wij onderzoeken of jeugdhulp nodig is.");
  hub::v1::AnswerRequestReply answered;
  EXPECT_TRUE(Refused(Call(&Stub::AnswerRequest, onderzoek, &answered, kConsulent), grpc::StatusCode::PERMISSION_DENIED));
  clock_.Advance(2 * kDay);
  ASSERT_TRUE(Call(&Stub::AnswerRequest, onderzoek, &answered, kOfficer).ok());
  EXPECT_FALSE(answered.aanvraag_id().empty());
  EXPECT_EQ(answered.decision_due(), "2026-03-11");
  const auto youth = IssueOk(h, answered.aanvraag_id(), Granted({Zin("45A01", "2026-02-02", "2026-07-31", 2, kHetAnkerAgb)}));
  ASSERT_EQ(youth.toewijzingen_size(), 1);
  EXPECT_EQ(youth.toewijzingen(0).provider_agb_code(), kHetAnkerAgb);

  // 317 from De Linde on its own toewijzing; Het Anker may not ask to change De Linde's.
  hub::v1::RequestWijzigingRequest change;
  *change.mutable_header() = Header();
  change.set_household_id(h.id);
  change.set_toewijzing_id(toewijzing_id);
  change.mutable_product()->set_product_code("02A01");
  change.mutable_product()->set_volume(6);
  change.mutable_product()->set_unit(hub::v1::UNIT_HOUR);
  change.mutable_product()->set_frequency(hub::v1::FREQUENCY_PER_WEEK);
  change.mutable_product()->set_start_date("2026-02-01");
  change.mutable_product()->set_end_date("2026-12-31");
  change.set_motivation("Zes uur per week nodig.");
  hub::v1::ProviderRequestReply requested;
  EXPECT_TRUE(Refused(Call(&Stub::RequestWijziging, change, &requested, kHetAnker), grpc::StatusCode::PERMISSION_DENIED,
                      "NOT_THE_PROVIDER"));
  *change.mutable_header() = Header();
  ASSERT_TRUE(Call(&Stub::RequestWijziging, change, &requested, kDeLinde).ok());
  EXPECT_EQ(requested.answer_due(), "2026-01-21");
  *change.mutable_header() = Header();
  EXPECT_TRUE(Refused(Call(&Stub::RequestWijziging, change, &requested, kDeLinde), grpc::StatusCode::FAILED_PRECONDITION,
                      "REQUEST_PENDING"));

  // Granted by a beschikking on the request itself: the old toewijzing ends (reden 12), a new one starts.
  auto six = Zin("02A01", "2026-02-01", "2026-12-31", 6);
  six.set_replaces_toewijzing_id(toewijzing_id);
  hub::v1::IssueBeschikkingRequest grant = IssueRequest(h, "", Granted({six}));
  grant.set_request_id(requested.request_id());
  hub::v1::IssueBeschikkingReply granted_change;
  ASSERT_TRUE(Call(&Stub::IssueBeschikking, grant, &granted_change, kOfficer).ok());
  const auto view = GetOk(h);
  const auto old = std::find_if(view.toewijzingen().begin(), view.toewijzingen().end(),
                                [&](const auto& t) { return t.toewijzing_id() == toewijzing_id; });
  ASSERT_NE(old, view.toewijzingen().end());
  EXPECT_EQ(old->einddatum(), "2026-01-31");
  EXPECT_EQ(old->history(1).reden_wijziging(), hub::v1::REDEN_WIJZIGING_DOOR_AANBIEDER);
  ASSERT_EQ(view.requests_size(), 2);
  EXPECT_EQ(view.requests(0).answer(), hub::v1::REQUEST_ANSWER_IN_ONDERZOEK);
  EXPECT_EQ(view.requests(1).beschikking_id(), granted_change.beschikking_id());

  // A request answered cannot be answered again.
  hub::v1::AnswerRequestRequest reject = onderzoek;
  *reject.mutable_header() = Header();
  reject.set_answer(hub::v1::REQUEST_ANSWER_REJECTED);
  EXPECT_TRUE(Refused(Call(&Stub::AnswerRequest, reject, &answered, kOfficer), grpc::StatusCode::FAILED_PRECONDITION,
                      "REQUEST_ANSWERED"));
}

// ---- bezwaar -----------------------------------------------------------------------------------

TEST_F(BeschikkingServiceTest, ABezwaarIsFiledWithinSixWeeksAndRefusedAfterwardsNamingTheLastDay) {
  Household h;
  const auto granted = GrantedHousehold(&h);  // issued 2026-01-12: the term ends on 2026-02-23
  const std::string b = granted.beschikking_id();
  hub::v1::FileBezwaarReply filed;
  EXPECT_TRUE(Refused(FileBezwaar(h, b, &filed, kDeLinde), grpc::StatusCode::PERMISSION_DENIED));

  clock_.Advance(43 * kDay);  // Wednesday 2026-02-24
  auto late = FileBezwaar(h, b, &filed);
  EXPECT_TRUE(Refused(late, grpc::StatusCode::FAILED_PRECONDITION, "BEZWAAR_TOO_LATE"));
  EXPECT_THAT(late.status.error_message(), HasSubstr("2026-02-23"));

  // A paper bezwaar received on the last day, registered now by the decision office: in time.
  auto paper = FileBezwaar(h, b, &filed, kOfficer, kMonday + 42 * kDay);
  ASSERT_TRUE(paper.ok()) << Describe(paper);
  // Filed 2026-02-23: six weeks end on Tweede Paasdag 2026-04-06, so the decision is due the day after.
  EXPECT_EQ(filed.decision_due(), "2026-04-07");
  EXPECT_TRUE(Refused(FileBezwaar(h, b, &filed, kConsulent, kMonday + 42 * kDay), grpc::StatusCode::FAILED_PRECONDITION,
                      "BEZWAAR_EXISTS"));

  // Well-founded: a new beschikking replaces the contested one.
  hub::v1::DecideBezwaarRequest decide;
  *decide.mutable_header() = Header();
  decide.set_household_id(h.id);
  decide.set_bezwaar_id(filed.bezwaar_id());
  decide.set_decision(hub::v1::BEZWAAR_DECISION_WELL_FOUNDED);
  decide.set_motivation("De begeleidingsbehoefte is groter dan vastgesteld.");
  hub::v1::DecideBezwaarReply decided;
  EXPECT_TRUE(Refused(Call(&Stub::DecideBezwaar, decide, &decided, kOfficer), grpc::StatusCode::INVALID_ARGUMENT, "",
                      "new_decision"));
  auto more = Zin("02A01", "2026-03-01", "2026-12-31", 6);
  more.set_replaces_toewijzing_id(granted.toewijzingen(0).toewijzing_id());
  *decide.mutable_new_decision() = Granted({more});
  EXPECT_TRUE(Refused(Call(&Stub::DecideBezwaar, decide, &decided, kClerk), grpc::StatusCode::PERMISSION_DENIED,
                      "NOT_A_DECISION_OFFICER"));
  auto answer = Call(&Stub::DecideBezwaar, decide, &decided, kOfficer);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_FALSE(decided.new_beschikking_id().empty());
  ASSERT_EQ(decided.toewijzingen_size(), 1);

  const auto view = GetOk(h);
  ASSERT_EQ(view.beschikkingen_size(), 2);
  EXPECT_EQ(view.beschikkingen(0).replaced_by_beschikking_id(), decided.new_beschikking_id());
  EXPECT_EQ(view.beschikkingen(1).origin(), hub::v1::BESCHIKKING_ORIGIN_BEZWAAR);
  EXPECT_EQ(view.beschikkingen(1).replaces_beschikking_id(), b);
  ASSERT_EQ(view.bezwaren_size(), 1);
  EXPECT_EQ(view.bezwaren(0).grounds(), "Ik heb meer uren begeleiding nodig dan toegekend.");
  EXPECT_EQ(view.bezwaren(0).decision(), hub::v1::BEZWAAR_DECISION_WELL_FOUNDED);
  *decide.mutable_header() = Header();
  EXPECT_TRUE(Refused(Call(&Stub::DecideBezwaar, decide, &decided, kOfficer), grpc::StatusCode::FAILED_PRECONDITION,
                      "BEZWAAR_DECIDED"));
}

// ---- overgangsrecht ----------------------------------------------------------------------------

TEST_F(BeschikkingServiceTest, ALegacyIndicationIsCarriedOverUntilItsOwnEndDateWithDeliveryRunning) {
  const Household h = NewHousehold(/*triage=*/false);
  hub::v1::ImportLegacyIndicationRequest request;
  *request.mutable_header() = Header();
  *request.mutable_header()->mutable_min_positions() = h.positions;
  request.set_household_id(h.id);
  request.set_person_id(h.adult_id);
  request.set_law(hub::v1::LAW_WMO);
  request.set_legacy_reference("AWBZ-2014-0042");
  request.set_decided_on("2014-11-03");
  request.set_valid_until("2026-06-30");
  *request.add_products() = Zin("07A01", "2015-01-01", "2026-06-30", 4);
  hub::v1::IssueBeschikkingReply reply;
  EXPECT_TRUE(Refused(Call(&Stub::ImportLegacyIndication, request, &reply, kConsulent), grpc::StatusCode::PERMISSION_DENIED));
  auto answer = Call(&Stub::ImportLegacyIndication, request, &reply, kOfficer);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  ASSERT_EQ(reply.toewijzingen_size(), 1);
  const auto view = GetOk(h);
  ASSERT_EQ(view.beschikkingen_size(), 1);
  EXPECT_EQ(view.beschikkingen(0).origin(), hub::v1::BESCHIKKING_ORIGIN_LEGACY);
  EXPECT_EQ(view.beschikkingen(0).valid_until(), "2026-06-30");
  EXPECT_TRUE(view.toewijzingen(0).delivering());
  EXPECT_EQ(view.toewijzingen(0).started_on(), "2015-01-01");
  // Delivery runs: no start message is owed.
  EXPECT_TRUE(DeadlinesOf(h).empty());

  *request.mutable_header() = Header();
  EXPECT_TRUE(Refused(Call(&Stub::ImportLegacyIndication, request, &reply, kOfficer), grpc::StatusCode::ALREADY_EXISTS,
                      "LEGACY_EXISTS"));
  *request.mutable_header() = Header();
  request.set_legacy_reference("AWBZ-2013-0007");
  request.set_valid_until("2025-12-31");
  request.mutable_products(0)->set_end_date("2025-12-31");
  EXPECT_TRUE(Refused(Call(&Stub::ImportLegacyIndication, request, &reply, kOfficer), grpc::StatusCode::FAILED_PRECONDITION,
                      "INDICATION_EXPIRED"));
}

// ---- deadlines ---------------------------------------------------------------------------------

TEST_F(BeschikkingServiceTest, ListDeadlinesShowsEveryOpenDeadlineWithItsStateAsTheDaysPass) {
  Household h;
  const auto granted = GrantedHousehold(&h);  // toewijzing starts 2026-01-19
  const std::string toewijzing = granted.toewijzingen(0).toewijzing_id();
  const auto open = Submit(h);  // Wmo: due 2026-01-26
  hub::v1::FileBezwaarReply bezwaar;
  ASSERT_TRUE(FileBezwaar(h, granted.beschikking_id(), &bezwaar).ok());  // decision due 2026-02-23
  using K = hub::v1::DeadlineKind;
  using S = hub::v1::DeadlineState;
  using Row = std::tuple<K, std::string, std::string, S>;

  EXPECT_THAT(DeadlinesOf(h), ElementsAre(Row{K::DEADLINE_KIND_BESCHIKKING, open.aanvraag_id(), "2026-01-26",
                                              S::DEADLINE_STATE_ON_TIME},
                                          Row{K::DEADLINE_KIND_BEZWAAR_DECISION, bezwaar.bezwaar_id(), "2026-02-23",
                                              S::DEADLINE_STATE_ON_TIME}));

  // Wednesday 2026-01-21: three working days left for the beschikking. The toewijzing's start date
  // has passed without a 305: due 5 working days after it, Monday 2026-01-26.
  clock_.Advance(9 * kDay);
  EXPECT_THAT(DeadlinesOf(h), ElementsAre(Row{K::DEADLINE_KIND_BESCHIKKING, open.aanvraag_id(), "2026-01-26",
                                              S::DEADLINE_STATE_ON_TIME},
                                          Row{K::DEADLINE_KIND_START_MESSAGE, toewijzing, "2026-01-26",
                                              S::DEADLINE_STATE_ON_TIME},
                                          Row{K::DEADLINE_KIND_BEZWAAR_DECISION, bezwaar.bezwaar_id(), "2026-02-23",
                                              S::DEADLINE_STATE_ON_TIME}));
  // Thursday: two working days left (Friday, Monday): due soon, with the default margin of 2.
  clock_.Advance(kDay);
  hub::v1::ListDeadlinesRequest due_soon;
  due_soon.set_state(hub::v1::DEADLINE_STATE_DUE_SOON);
  EXPECT_EQ(Deadlines(due_soon).size(), 2u);
  hub::v1::ListDeadlinesRequest narrow = due_soon;
  narrow.set_due_soon_working_days(1);
  EXPECT_EQ(Deadlines(narrow).size(), 0u);
  // Tuesday 2026-01-27: both overdue; the provider sees only the start message it owes.
  clock_.Advance(5 * kDay);
  hub::v1::ListDeadlinesRequest overdue;
  overdue.set_state(hub::v1::DEADLINE_STATE_OVERDUE);
  EXPECT_EQ(Deadlines(overdue).size(), 2u);
  const auto owed = Deadlines({}, kDeLinde);
  ASSERT_EQ(owed.size(), 1u);
  EXPECT_EQ(owed[0].kind(), hub::v1::DEADLINE_KIND_START_MESSAGE);
  EXPECT_EQ(owed[0].provider_agb_code(), kDeLindeAgb);
  EXPECT_TRUE(Deadlines({}, kHetAnker).empty());
  hub::v1::ListDeadlinesRequest kind;
  kind.set_kind(hub::v1::DEADLINE_KIND_BEZWAAR_DECISION);
  EXPECT_EQ(Deadlines(kind).size(), 1u);

  // Answering closes them.
  ASSERT_TRUE(Start(h, toewijzing, "2026-01-19").ok());
  ASSERT_TRUE(IssueOk(h, open.aanvraag_id(), Rejected()).beschikking_id().size() > 0);
  EXPECT_THAT(DeadlinesOf(h), ElementsAre(Row{K::DEADLINE_KIND_BEZWAAR_DECISION, bezwaar.bezwaar_id(), "2026-02-23",
                                              S::DEADLINE_STATE_ON_TIME}));

  // Other tenants see nothing; bad requests name the field.
  EXPECT_TRUE(Deadlines({}, kOudewater).empty());
  hub::v1::ListDeadlinesResponse response;
  hub::v1::ListDeadlinesRequest bad;
  bad.set_due_soon_working_days(21);
  EXPECT_TRUE(Refused(Call(&Stub::ListDeadlines, bad, &response, kOfficer), grpc::StatusCode::INVALID_ARGUMENT, "",
                      "due_soon_working_days"));
  hub::v1::ListDeadlinesRequest foreign;
  foreign.set_tenant("GM0589");
  EXPECT_TRUE(Refused(Call(&Stub::ListDeadlines, foreign, &response, kOfficer), grpc::StatusCode::PERMISSION_DENIED));
  const hub::v1::ListDeadlinesRequest all;
  EXPECT_TRUE(Refused(Call(&Stub::ListDeadlines, all, &response, kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(BeschikkingServiceTest, ListDeadlinesPagesThroughEveryHouseholdWithWholeHouseholdsPerPage) {
  std::set<std::string> expected;
  for (int i = 0; i < 5; ++i) {
    const Household h = NewHousehold();
    expected.insert(Submit(h).aanvraag_id());
    expected.insert(Submit(h, hub::v1::LAW_JEUGDWET, h.child_id).aanvraag_id());
  }
  std::set<std::string> seen;
  hub::v1::ListDeadlinesRequest request;
  request.mutable_page()->set_page_size(3);
  int pages = 0;
  do {
    hub::v1::ListDeadlinesResponse response;
    auto answer = Call(&Stub::ListDeadlines, request, &response, kConsulent);
    ASSERT_TRUE(answer.ok()) << Describe(answer);
    EXPECT_LE(response.deadlines_size(), 4);  // whole households: 3 rounded up to 2 per household
    for (const auto& d : response.deadlines()) EXPECT_TRUE(seen.insert(d.subject_id()).second) << d.subject_id();
    request.mutable_page()->set_page_token(response.next_page_token());
    ++pages;
  } while (!request.page().page_token().empty() && pages < 20);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, 3);
  request.mutable_page()->set_page_token("bm90LWEtdG9rZW4");
  hub::v1::ListDeadlinesResponse response;
  EXPECT_TRUE(Refused(Call(&Stub::ListDeadlines, request, &response, kConsulent), grpc::StatusCode::INVALID_ARGUMENT));
}

// ---- reads and authorization -------------------------------------------------------------------

TEST_F(BeschikkingServiceTest, ACareProviderReadsOnlyItsOwnToewijzingenAndNoMotivation) {
  Household h;
  const auto granted = GrantedHousehold(&h);
  const auto view = GetOk(h, kDeLinde);
  EXPECT_TRUE(view.restricted());
  EXPECT_EQ(view.aanvragen_size(), 0);
  EXPECT_EQ(view.beschikkingen_size(), 0);
  ASSERT_EQ(view.toewijzingen_size(), 1);
  EXPECT_EQ(view.toewijzingen(0).toewijzingnummer(), granted.toewijzingen(0).toewijzingnummer());
  EXPECT_EQ(view.toewijzingen(0).volume(), 3);

  hub::v1::BeschikkingenView denied;
  auto anker = Get(h.id, &denied, kHetAnker);
  EXPECT_TRUE(Refused(anker, grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(anker.status.error_message(), HasSubstr("no toewijzing"));
  EXPECT_TRUE(Refused(Get(h.id, &denied, kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Get(h.id, &denied, kFermwerk), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Get(h.id, &denied, kOudewater), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(Refused(Get("0190ffff-no-such-household", &denied), grpc::StatusCode::NOT_FOUND));
  const auto office = GetOk(h, kOfficer);
  EXPECT_FALSE(office.restricted());
  EXPECT_EQ(office.beschikkingen_size(), 1);
}

TEST_F(BeschikkingServiceTest, ARetryWithTheSameRequestIdReturnsTheFirstResultAndAppendsNothing) {
  const Household h = NewHousehold();
  const auto aanvraag = Submit(h);
  const auto request = IssueRequest(h, aanvraag.aanvraag_id(), Granted({Zin(), Zin("07A01")}));
  hub::v1::IssueBeschikkingReply first;
  ASSERT_TRUE(Call(&Stub::IssueBeschikking, request, &first, kOfficer).ok());
  const int64_t records = RecordsIn(kTopic);
  hub::v1::IssueBeschikkingReply retry;
  ASSERT_TRUE(Call(&Stub::IssueBeschikking, request, &retry, kOfficer).ok());
  EXPECT_TRUE(retry.result().replayed());
  EXPECT_EQ(retry.beschikking_id(), first.beschikking_id());
  ASSERT_EQ(retry.toewijzingen_size(), 2);
  EXPECT_EQ(retry.toewijzingen(0).toewijzingnummer(), first.toewijzingen(0).toewijzingnummer());
  EXPECT_EQ(retry.toewijzingen(1).toewijzingnummer(), first.toewijzingen(1).toewijzingnummer());
  EXPECT_EQ(RecordsIn(kTopic), records);
  EXPECT_EQ(Metric("hub_events_appended_total", {{"topic", kTopic}}), static_cast<double>(records));
}

TEST_F(BeschikkingServiceTest, AStaleExpectedVersionIsAbortedAndChangesNothing) {
  const Household h = NewHousehold();
  const auto aanvraag = Submit(h);
  ASSERT_EQ(aanvraag.result().version(), 1);
  auto stale = IssueRequest(h, aanvraag.aanvraag_id(), Rejected());
  stale.mutable_header()->set_expected_version(0);
  hub::v1::IssueBeschikkingReply reply;
  EXPECT_TRUE(Refused(Call(&Stub::IssueBeschikking, stale, &reply, kOfficer), grpc::StatusCode::ABORTED));
  EXPECT_EQ(GetOk(h).beschikkingen_size(), 0);
  auto current = IssueRequest(h, aanvraag.aanvraag_id(), Rejected());
  current.mutable_header()->set_expected_version(1);
  ASSERT_TRUE(Call(&Stub::IssueBeschikking, current, &reply, kOfficer).ok());
  EXPECT_EQ(reply.result().version(), 2);
}

TEST_F(BeschikkingServiceTest, ARestartKeepsBeschikkingenTheirTextsTheNumbersInUseAndTheRequestsSeen) {
  const Household h = NewHousehold();
  const auto aanvraag = Submit(h);
  QueueNumbers({"50000001"});
  const auto request = IssueRequest(h, aanvraag.aanvraag_id(), Granted({Zin()}));
  hub::v1::IssueBeschikkingReply first;
  ASSERT_TRUE(Call(&Stub::IssueBeschikking, request, &first, kOfficer).ok());
  const auto before = GetOk(h);

  Stop();
  Start();

  const auto after = GetOk(h);
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
  EXPECT_EQ(after.beschikkingen(0).motivation(), "Uit het keukentafelgesprek blijkt dat begeleiding nodig is.");
  hub::v1::IssueBeschikkingReply retry;
  ASSERT_TRUE(Call(&Stub::IssueBeschikking, request, &retry, kOfficer).ok());
  EXPECT_TRUE(retry.result().replayed());
  EXPECT_EQ(retry.beschikking_id(), first.beschikking_id());
  // The number stays in use after the restart.
  const Household other = NewHousehold();
  const auto other_aanvraag = Submit(other);
  QueueNumbers({"50000001", "50000002"});
  EXPECT_EQ(IssueOk(other, other_aanvraag.aanvraag_id(), Granted({Zin()})).toewijzingen(0).toewijzingnummer(),
            "50000002");
}

// ---- metrics -----------------------------------------------------------------------------------

TEST_F(BeschikkingServiceTest, GaugesCountAanvragenBeschikkingenDeadlinesToewijzingenAndLateStarts) {
  Household granted;
  const auto reply = GrantedHousehold(&granted);
  const Household rejected = NewHousehold();
  ASSERT_TRUE(IssueOk(rejected, Submit(rejected).aanvraag_id(), Rejected()).beschikking_id().size() > 0);
  const Household waiting = NewHousehold();
  Submit(waiting);
  Submit(waiting, hub::v1::LAW_JEUGDWET, waiting.child_id);

  const std::map<std::string, std::string> wmo{{"tenant", "GM0632"}, {"law", "WMO"}};
  EXPECT_EQ(Gauge("hub_beschikking_aanvragen_open", wmo), 1);
  EXPECT_EQ(Gauge("hub_beschikking_aanvragen_open", {{"tenant", "GM0632"}, {"law", "JEUGDWET"}}), 1);
  EXPECT_EQ(Gauge("hub_beschikking_aanvragen_open", {{"tenant", "GM0589"}, {"law", "WMO"}}), 0);
  EXPECT_EQ(Gauge("hub_beschikking_beschikkingen", {{"tenant", "GM0632"}, {"law", "WMO"}, {"outcome", "GRANTED"}}), 1);
  EXPECT_EQ(Gauge("hub_beschikking_beschikkingen", {{"tenant", "GM0632"}, {"law", "WMO"}, {"outcome", "REJECTED"}}), 1);
  EXPECT_EQ(Gauge("hub_beschikking_beschikkingen", {{"tenant", "GM0632"}, {"law", "WMO"}, {"outcome", "PARTIAL"}}), 0);
  EXPECT_EQ(Gauge("hub_beschikking_toewijzingen_active", wmo), 0);  // starts on the 19th
  EXPECT_EQ(Gauge("hub_beschikking_deadlines", {{"tenant", "GM0632"}, {"kind", "BESCHIKKING"}, {"state", "DUE_SOON"}}), 0);
  EXPECT_TRUE(Metric("hub_projection_lag_records", {{"service", "beschikking"}}).has_value());
  EXPECT_EQ(Metric("hub_events_appended_total", {{"topic", kTopic}}), static_cast<double>(RecordsIn(kTopic)));

  clock_.Advance(10 * kDay);  // Thursday 2026-01-22
  EXPECT_EQ(Gauge("hub_beschikking_toewijzingen_active", wmo), 1);
  EXPECT_EQ(Gauge("hub_beschikking_deadlines", {{"tenant", "GM0632"}, {"kind", "BESCHIKKING"}, {"state", "DUE_SOON"}}), 1);
  EXPECT_EQ(Gauge("hub_beschikking_deadlines", {{"tenant", "GM0632"}, {"kind", "START_MESSAGE"}, {"state", "OVERDUE"}}), 0);
  clock_.Advance(5 * kDay);  // Tuesday 2026-01-27
  EXPECT_EQ(Gauge("hub_beschikking_deadlines", {{"tenant", "GM0632"}, {"kind", "BESCHIKKING"}, {"state", "OVERDUE"}}), 1);
  EXPECT_EQ(Gauge("hub_beschikking_deadlines", {{"tenant", "GM0632"}, {"kind", "START_MESSAGE"}, {"state", "OVERDUE"}}), 1);
  EXPECT_EQ(Gauge("hub_beschikking_start_messages_late", {{"tenant", "GM0632"}}), 0);
  ASSERT_TRUE(Start(granted, reply.toewijzingen(0).toewijzing_id(), "2026-01-19").ok());
  EXPECT_EQ(Gauge("hub_beschikking_start_messages_late", {{"tenant", "GM0632"}}), 1);
  EXPECT_EQ(Gauge("hub_beschikking_deadlines", {{"tenant", "GM0632"}, {"kind", "START_MESSAGE"}, {"state", "OVERDUE"}}), 0);
}

TEST(BeschikkingModuleTest, AModuleWithABadCatalogueDoesNotStartAndSaysWhy) {
  testing::TempDir dir;
  const std::string path = dir.Sub("products.json");
  std::ofstream(path) << R"({"products": [{"code": "02A01", "category": "02", "law": "WMO", "name": "x", "units": ["DAY"]}]})";
  auto log = log::RocksLog::Open({.path = dir.Sub("log")});
  ASSERT_TRUE(log.ok());
  auto reg = config::Register::LoadFile(std::string(HUB_SOURCE_DIR) + "/deploy/config/organisations.json");
  ASSERT_TRUE(reg.ok());
  auto key = keys::MasterKey::FromBytes(std::string(32, 'k'));
  ASSERT_TRUE(key.ok());
  es::ManualClock clock{kMonday};
  auto module = BeschikkingModule::Open({.data_dir = dir.Sub("beschikking"),
                                         .catalogue_path = path,
                                         .log = log->get(),
                                         .organisations = &*reg,
                                         .master_key = &*key,
                                         .clock = &clock});
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(module.status().message()), HasSubstr(path + ": products[0].units[0]"));
}

}  // namespace
}  // namespace hub::beschikking
