// The referral service over real gRPC on loopback, hosted beside the intake and plan services on
// one log as hubd hosts them: every call and its refusals, who may do what, the consent rule for a
// request and for the handover dossier (field by field, shrinking when consent is withdrawn or
// lapses), the answer deadline in working days and the expiry the service records itself, the
// lists and their paging, idempotent retries and the metrics.
//
// Dates: the clock starts on Thursday 2026-04-02 09:00 in the Netherlands. Five working days later
// is Monday 2026-04-13: Goede Vrijdag (04-03) and Tweede Paasdag (04-06) do not count (Atw art. 3),
// nor does the weekend in between.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <fstream>
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
#include "hub/v1/envelope.pb.h"
#include "hub/v1/intake.grpc.pb.h"
#include "hub/v1/plan.grpc.pb.h"
#include "hub/v1/referral.grpc.pb.h"
#include "prometheus/registry.h"
#include "services/intake/module.h"
#include "services/plan/module.h"
#include "services/referral/module.h"
#include "tests/testing/temp_dir.h"

namespace hub::referral {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using std::chrono::system_clock;
using Stub = hub::v1::ReferralService::Stub;
using Positions = google::protobuf::RepeatedPtrField<hub::v1::Position>;

// Thursday 2026-04-02, 09:00 in the Netherlands (07:00 UTC, summer time).
const system_clock::time_point kThursday = system_clock::time_point(std::chrono::seconds(1775113200));
constexpr auto kDay = std::chrono::hours(24);
const std::string kToday = "2026-04-02";
// Five working days after Thursday 2026-04-02, skipping Goede Vrijdag, the weekend and Tweede Paasdag.
const std::string kAnswerDue = "2026-04-13";
const std::string kPurpose = "warme overdracht";
const std::string kReferralTopic = "hub.referral.events.v1";
const std::string kIntakeTopic = "hub.intake.events.v1";
const std::string kPlanTopic = "hub.plan.events.v1";
constexpr int32_t kPartitions = 4;
const std::vector<std::string> kFullCategories = {"CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN", "FINANCIAL"};

struct Identity {
  std::string tenant;
  std::string organisation;
  std::string role;
  std::string user;
};

const Identity kConsulent{"GM0632", "woerdenwijzer", "consulent", "u-consulent-1"};
// A second social team of Woerden, added to the register for these tests only: a social team that
// did not send a referral is no party to it.
const Identity kWijkteam{"GM0632", "wijkteam-woerden-oost", "consulent", "u-wijkteam-1"};
const Identity kFermwerk{"GM0632", "fermwerk", "consulent", "u-fermwerk-1"};
const Identity kDeLinde{"GM0632", "zorgaanbieder-de-linde", "zorgverlener", "u-linde-1"};
const Identity kSchuldhulp{"GM0632", "schuldhulp-woerden", "schuldhulpverlener", "u-schuldhulp-1"};
const Identity kSignalGiver{"GM0632", "basisschool-de-regenboog", "signaalgever", "u-school-1"};
const Identity kAuditor{"GM0632", "accountant-gm0632", "auditor", "u-audit-1"};
const Identity kOperator{"GM0632", "it-beheer-woerden", "operator", "u-it-1"};
const Identity kDecisionOffice{"GM0632", "woerden-beschikkingen", "decision_officer", "u-besluit-1"};
const Identity kOudewater{"GM0589", "sociaal-team-oudewater", "consulent", "u-ow-1"};
const Identity kFermwerkForOudewater{"GM0589", "fermwerk", "consulent", "u-fermwerk-1"};

const char kExtraOrganisation[] =
    R"json({"id": "wijkteam-woerden-oost", "name": "Wijkteam Woerden-Oost (test)", "kind": "SOCIAL_TEAM",
        "tenants": ["GM0632"], "roles": ["consulent"]},)json";

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
    const std::string prefix = std::to_string(30'000'000 + k);
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (prefix[static_cast<size_t>(i)] - '0') * kWeights[i];
    if (sum % 11 == 10) continue;
    return prefix + std::to_string(sum % 11);
  }
}

google::protobuf::Timestamp TimestampOf(system_clock::time_point t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
  return ts;
}

// A household as intake and plan know it: Anouk (adult) and Daan (child), a triage, Anouk's consent
// for fermwerk and a draft plan with four goals.
struct Household {
  std::string id;
  std::string melding_id;
  std::string anouk;
  std::string daan;
  std::string anouk_name;
  std::string daan_name;
  std::string consent_id;  // Anouk for fermwerk: kFullCategories, kPurpose, valid a year
  std::string plan_id;
  std::string goal_money;  // FINANCIEN
  std::string goal_work;   // WERK_OPLEIDING
  std::string goal_mind;   // GEESTELIJKE_GEZONDHEID
  std::string goal_home;   // HUISVESTING: not served by the referrals of these tests
  std::map<std::string, std::string> goal_results;
  Positions intake_positions;  // of intake's last reply about it
  Positions plan_positions;    // of the plan's last reply about it
};

class ReferralServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(std::string(HUB_SOURCE_DIR) + "/deploy/config/organisations.json");
    ASSERT_TRUE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    std::string json = text.str();
    const std::string anchor = "\"organisations\": [";
    const size_t at = json.find(anchor);
    ASSERT_NE(at, std::string::npos);
    json.insert(at + anchor.size(), kExtraOrganisation);
    auto reg = config::Register::FromJson(json);
    ASSERT_TRUE(reg.ok()) << reg.status();
    register_ = std::make_unique<config::Register>(std::move(*reg));
    auto key = keys::MasterKey::FromBytes(std::string(32, 'k'));
    ASSERT_TRUE(key.ok());
    master_key_ = std::make_unique<keys::MasterKey>(std::move(*key));
    ASSERT_NO_FATAL_FAILURE(Start());
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
    auto referral = ReferralModule::Open({.data_dir = dir_.Sub("referral"),
                                          .partitions = kPartitions,
                                          .log = log_.get(),
                                          .organisations = register_.get(),
                                          .master_key = master_key_.get(),
                                          .clock = &clock_,
                                          .metrics = host_->registry().get()});
    ASSERT_TRUE(referral.ok()) << referral.status();
    module_ = std::move(*referral);
    host_->AddService(intake_module_->service());
    host_->AddService(plan_module_->service());
    host_->AddService(module_->service());
    ASSERT_TRUE(host_->Start().ok());
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->port()), grpc::InsecureChannelCredentials());
    intake_ = hub::v1::IntakeService::NewStub(channel_);
    plan_ = hub::v1::PlanService::NewStub(channel_);
    referral_ = hub::v1::ReferralService::NewStub(channel_);
  }

  void Stop() {
    referral_.reset();
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

  template <class S, class Request, class Reply>
  Answer CallOn(S* stub, grpc::Status (S::*rpc)(grpc::ClientContext*, const Request&, Reply*), const Request& request,
                Reply* reply, const Identity& who) {
    auto context = Context(who);
    Answer answer;
    answer.status = (stub->*rpc)(context.get(), request, reply);
    answer.reason = Trailer(*context, "hub-reason");
    answer.field = Trailer(*context, "hub-field");
    return answer;
  }

  template <class Request, class Reply>
  Answer Call(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Reply*), const Request& request,
              Reply* reply, const Identity& who = kConsulent) {
    return CallOn(referral_.get(), rpc, request, reply, who);
  }

  hub::v1::CommandHeader Header() {
    hub::v1::CommandHeader header;
    header.set_request_id("req-" + std::to_string(++requests_));
    return header;
  }

  // ---- intake and plan ------------------------------------------------------------------------

  Household NewHousehold() {
    const int n = ++households_;
    Household h;
    h.anouk_name = "Anouk Visser " + std::to_string(n);
    h.daan_name = "Daan Visser " + std::to_string(n);
    hub::v1::RegisterMeldingRequest melding;
    *melding.mutable_header() = Header();
    melding.set_tenant("GM0632");
    melding.set_channel(hub::v1::CHANNEL_DESK);
    melding.set_source(hub::v1::SIGNAL_SOURCE_SELF);
    const std::vector<std::tuple<std::string, std::string, std::string, std::string>> persons = {
        {ValidBsn(2 * n), "1988-03-10", h.anouk_name, "parent"},
        {ValidBsn(2 * n + 1), "2015-06-01", h.daan_name, "child"}};
    for (const auto& [bsn, birth, name, relation] : persons) {
      auto* p = melding.add_persons();
      p->set_bsn(bsn);
      p->set_birth_date(birth);
      p->set_name(name);
      p->set_relation(relation);
    }
    melding.set_question("Anouk heeft schulden, geen werk en slaapt slecht.");
    melding.add_life_domains("FINANCIEN");
    melding.add_data_categories("CONTACT");
    hub::v1::RegisterMeldingReply registered;
    auto answer = CallOn(intake_.get(), &hub::v1::IntakeService::Stub::RegisterMelding, melding, &registered, kConsulent);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    h.id = registered.result().household_id();
    h.melding_id = registered.melding_id();
    EXPECT_EQ(registered.person_ids_size(), 2);
    if (registered.person_ids_size() == 2) {
      h.anouk = registered.person_ids(0);
      h.daan = registered.person_ids(1);
    }

    hub::v1::CompleteTriageRequest triage;
    *triage.mutable_header() = Header();
    triage.set_household_id(h.id);
    triage.set_melding_id(h.melding_id);
    triage.set_triage_class("MEERVOUDIG");
    (*triage.mutable_zrm_scores())["FINANCIEN"] = 1;
    (*triage.mutable_zrm_scores())["WERK_OPLEIDING"] = 2;
    (*triage.mutable_zrm_scores())["GEESTELIJKE_GEZONDHEID"] = 2;
    (*triage.mutable_zrm_scores())["HUISELIJKE_RELATIES"] = 4;
    hub::v1::CommandReply triaged;
    answer = CallOn(intake_.get(), &hub::v1::IntakeService::Stub::CompleteTriage, triage, &triaged, kConsulent);
    EXPECT_TRUE(answer.ok()) << Describe(answer);

    const auto consent = RecordConsent(h, h.anouk, "fermwerk", kFullCategories, kPurpose, clock_.Now() + 365 * kDay);
    h.consent_id = consent.consent_id();
    h.intake_positions = consent.result().positions();

    hub::v1::DraftPlanRequest draft;
    *draft.mutable_header() = Header();
    *draft.mutable_header()->mutable_min_positions() = h.intake_positions;
    draft.set_household_id(h.id);
    hub::v1::DraftPlanReply drafted;
    answer = CallOn(plan_.get(), &hub::v1::PlanService::Stub::DraftPlan, draft, &drafted, kConsulent);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    h.plan_id = drafted.plan_id();
    h.goal_money = AddGoal(h, "FINANCIEN", "Anouk heeft een betalingsregeling voor de huurachterstand.", "fermwerk");
    h.goal_work = AddGoal(h, "WERK_OPLEIDING", "Anouk werkt zestien uur per week.", "fermwerk");
    h.goal_mind = AddGoal(h, "GEESTELIJKE_GEZONDHEID", "Anouk praat met een behandelaar over haar somberheid.",
                          "zorgaanbieder-de-linde");
    h.goal_home = AddGoal(h, "HUISVESTING", "Het gezin houdt de woning.", "woerdenwijzer");
    return h;
  }

  std::string AddGoal(Household& h, const std::string& life_domain, const std::string& result,
                      const std::string& organisation) {
    hub::v1::AddGoalRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_plan_id(h.plan_id);
    auto* goal = request.mutable_goal();
    goal->set_life_domain(life_domain);
    goal->set_result(result);
    goal->set_target_date("2026-10-01");
    goal->set_tier(hub::v1::SUPPORT_TIER_MAATWERK);
    goal->set_responsible_organisation_id(organisation);
    hub::v1::GoalReply reply;
    auto answer = CallOn(plan_.get(), &hub::v1::PlanService::Stub::AddGoal, request, &reply, kConsulent);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    h.plan_positions = reply.result().positions();
    h.goal_results[reply.goal_id()] = result;
    return reply.goal_id();
  }

  hub::v1::RecordConsentReply RecordConsent(const Household& h, const std::string& person,
                                            const std::string& recipient, const std::vector<std::string>& categories,
                                            const std::string& purpose, system_clock::time_point valid_until) {
    hub::v1::RecordConsentRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_person_id(person);
    request.set_recipient_organisation_id(recipient);
    for (const auto& c : categories) request.add_data_categories(c);
    request.set_purpose(purpose);
    *request.mutable_valid_until() = TimestampOf(valid_until);
    hub::v1::RecordConsentReply reply;
    auto answer = CallOn(intake_.get(), &hub::v1::IntakeService::Stub::RecordConsent, request, &reply, kConsulent);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    EXPECT_FALSE(reply.consent_id().empty());
    return reply;
  }

  hub::v1::CommandReply WithdrawConsent(const Household& h, const std::string& consent_id) {
    hub::v1::WithdrawConsentRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_consent_id(consent_id);
    hub::v1::CommandReply reply;
    auto answer = CallOn(intake_.get(), &hub::v1::IntakeService::Stub::WithdrawConsent, request, &reply, kConsulent);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    return reply;
  }

  hub::v1::Household IntakeView(const Household& h) {
    hub::v1::GetHouseholdRequest request;
    request.set_household_id(h.id);
    hub::v1::Household view;
    auto answer = CallOn(intake_.get(), &hub::v1::IntakeService::Stub::GetHousehold, request, &view, kConsulent);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    return view;
  }

  // ---- referral commands ----------------------------------------------------------------------

  // A referral of Anouk to `receiver` sharing `categories`, right after intake's and the plan's
  // last replies (their positions as min_positions).
  hub::v1::RequestReferralRequest RequestFor(const Household& h, const std::string& receiver,
                                             const std::vector<std::string>& categories = kFullCategories,
                                             const std::vector<std::string>& goals = {}) {
    hub::v1::RequestReferralRequest request;
    *request.mutable_header() = Header();
    for (const auto* positions : {&h.intake_positions, &h.plan_positions}) {
      for (const auto& p : *positions) *request.mutable_header()->add_min_positions() = p;
    }
    request.set_household_id(h.id);
    request.set_person_id(h.anouk);
    request.set_receiver_organisation_id(receiver);
    request.set_purpose(kPurpose);
    for (const auto& c : categories) request.add_data_categories(c);
    for (const auto& g : goals) request.add_goal_ids(g);
    request.set_reason("Anouk wil aan het werk; de schulden staan dat nu in de weg.");
    return request;
  }

  Answer Request(const hub::v1::RequestReferralRequest& request, hub::v1::RequestReferralReply* reply,
                 const Identity& who = kConsulent) {
    return Call(&Stub::RequestReferral, request, reply, who);
  }

  std::string RequestOk(const hub::v1::RequestReferralRequest& request) {
    hub::v1::RequestReferralReply reply;
    auto answer = Request(request, &reply);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    EXPECT_FALSE(reply.referral_id().empty());
    return reply.referral_id();
  }

  Answer Accept(const Household& h, const std::string& referral_id, const Identity& who,
                hub::v1::CommandReply* reply = nullptr, const std::string& request_id = "") {
    hub::v1::AcceptReferralRequest request;
    *request.mutable_header() = Header();
    if (!request_id.empty()) request.mutable_header()->set_request_id(request_id);
    request.set_household_id(h.id);
    request.set_referral_id(referral_id);
    hub::v1::CommandReply ignored;
    return Call(&Stub::AcceptReferral, request, reply != nullptr ? reply : &ignored, who);
  }

  Answer Decline(const Household& h, const std::string& referral_id, const std::string& reason, const Identity& who) {
    hub::v1::DeclineReferralRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_referral_id(referral_id);
    request.set_reason(reason);
    hub::v1::CommandReply reply;
    return Call(&Stub::DeclineReferral, request, &reply, who);
  }

  Answer Schedule(const Household& h, const std::string& referral_id, const std::string& meeting_on,
                  const Identity& who) {
    hub::v1::ScheduleHandoverMeetingRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_referral_id(referral_id);
    request.set_meeting_on(meeting_on);
    hub::v1::CommandReply reply;
    return Call(&Stub::ScheduleHandoverMeeting, request, &reply, who);
  }

  Answer Complete(const Household& h, const std::string& referral_id, const Identity& who) {
    hub::v1::CompleteHandoverRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_referral_id(referral_id);
    hub::v1::CommandReply reply;
    return Call(&Stub::CompleteHandover, request, &reply, who);
  }

  Answer Withdraw(const Household& h, const std::string& referral_id, const std::string& reason,
                  const Identity& who) {
    hub::v1::WithdrawReferralRequest request;
    *request.mutable_header() = Header();
    request.set_household_id(h.id);
    request.set_referral_id(referral_id);
    request.set_reason(reason);
    hub::v1::CommandReply reply;
    return Call(&Stub::WithdrawReferral, request, &reply, who);
  }

  // ---- referral reads -------------------------------------------------------------------------

  Answer Dossier(const Household& h, const std::string& referral_id, hub::v1::HandoverDossier* dossier,
                 const Identity& who = kFermwerk, const Positions* after = nullptr) {
    hub::v1::GetHandoverDossierRequest request;
    request.set_household_id(h.id);
    request.set_referral_id(referral_id);
    if (after != nullptr) *request.mutable_min_positions() = *after;
    return Call(&Stub::GetHandoverDossier, request, dossier, who);
  }

  hub::v1::HandoverDossier DossierOk(const Household& h, const std::string& referral_id,
                                     const Positions* after = nullptr) {
    hub::v1::HandoverDossier dossier;
    auto answer = Dossier(h, referral_id, &dossier, kFermwerk, after);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    return dossier;
  }

  Answer Referrals(const std::string& household_id, hub::v1::HouseholdReferrals* view,
                   const Identity& who = kConsulent) {
    hub::v1::GetReferralsRequest request;
    request.set_household_id(household_id);
    return Call(&Stub::GetReferrals, request, view, who);
  }

  hub::v1::HouseholdReferrals ReferralsOk(const Household& h, const Identity& who = kConsulent) {
    hub::v1::HouseholdReferrals view;
    auto answer = Referrals(h.id, &view, who);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    return view;
  }

  // The view of one referral as the social team reads it.
  hub::v1::ReferralView ViewOf(const Household& h, const std::string& referral_id) {
    const auto view = ReferralsOk(h);
    for (const auto& r : view.referrals()) {
      if (r.referral_id() == referral_id) return r;
    }
    ADD_FAILURE() << "referral " << referral_id << " not in household " << h.id;
    return {};
  }

  Answer List(const hub::v1::ListReferralsRequest& request, hub::v1::ListReferralsResponse* response,
              const Identity& who) {
    return Call(&Stub::ListReferrals, request, response, who);
  }

  static hub::v1::ListReferralsRequest ListRequest(hub::v1::ReferralRole role,
                                                   hub::v1::ReferralStatus status = hub::v1::REFERRAL_STATUS_UNSPECIFIED,
                                                   bool overdue = false) {
    hub::v1::ListReferralsRequest request;
    request.set_role(role);
    request.set_status(status);
    request.set_overdue(overdue);
    return request;
  }

  std::vector<std::string> Listed(const hub::v1::ListReferralsRequest& request, const Identity& who) {
    hub::v1::ListReferralsResponse response;
    auto answer = List(request, &response, who);
    EXPECT_TRUE(answer.ok()) << Describe(answer);
    EXPECT_EQ(response.next_page_token(), "");
    std::vector<std::string> ids;
    for (const auto& r : response.referrals()) ids.push_back(r.referral_id());
    return ids;
  }

  // ---- the log and the metrics ----------------------------------------------------------------

  // Every envelope in `topic`, over all partitions.
  std::vector<hub::v1::EventEnvelope> Envelopes(const std::string& topic) {
    std::vector<hub::v1::EventEnvelope> envelopes;
    for (int32_t p = 0; p < kPartitions; ++p) {
      std::vector<log::Record> records;
      EXPECT_TRUE(log_->Read({topic, p}, 0, 10000, &records).ok());
      for (const auto& r : records) {
        hub::v1::LogRecord record;
        EXPECT_TRUE(record.ParseFromString(r.value));
        hub::v1::EventEnvelope envelope;
        EXPECT_TRUE(envelope.ParseFromString(record.envelope()));
        envelopes.push_back(std::move(envelope));
      }
    }
    return envelopes;
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

  const prometheus::ClientMetric* FindMetric(const std::vector<prometheus::MetricFamily>& families,
                                             const std::string& name,
                                             const std::map<std::string, std::string>& labels,
                                             prometheus::MetricType* type) {
    for (const auto& family : families) {
      if (family.name != name) continue;
      for (const auto& metric : family.metric) {
        const bool match = std::all_of(labels.begin(), labels.end(), [&](const auto& want) {
          return std::any_of(metric.label.begin(), metric.label.end(),
                             [&](const auto& l) { return l.name == want.first && l.value == want.second; });
        });
        if (!match) continue;
        *type = family.type;
        return &metric;
      }
    }
    return nullptr;
  }

  // The value of a gauge or counter with (at least) these labels, or nullopt.
  std::optional<double> Metric(const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    const auto families = host_->registry()->Collect();
    prometheus::MetricType type{};
    const auto* metric = FindMetric(families, name, labels, &type);
    if (metric == nullptr) return std::nullopt;
    return type == prometheus::MetricType::Counter ? metric->counter.value : metric->gauge.value;
  }

  // Count and sum of a histogram.
  std::optional<std::pair<uint64_t, double>> Histogram(const std::string& name) {
    const auto families = host_->registry()->Collect();
    prometheus::MetricType type{};
    const auto* metric = FindMetric(families, name, {}, &type);
    if (metric == nullptr || type != prometheus::MetricType::Histogram) return std::nullopt;
    return std::pair{metric->histogram.sample_count, metric->histogram.sample_sum};
  }

  std::optional<double> ReferralsGauge(const std::string& status, const std::string& kind,
                                       const std::string& tenant = "GM0632") {
    module_->RefreshMetrics();
    return Metric("hub_referral_referrals", {{"tenant", tenant}, {"status", status}, {"receiver_kind", kind}});
  }

  testing::TempDir dir_;
  es::ManualClock clock_{kThursday};
  std::unique_ptr<config::Register> register_;
  std::unique_ptr<keys::MasterKey> master_key_;
  std::unique_ptr<log::RocksLog> log_;
  std::unique_ptr<rpc::ServerHost> host_;
  std::unique_ptr<intake::IntakeModule> intake_module_;
  std::unique_ptr<plan::PlanModule> plan_module_;
  std::unique_ptr<ReferralModule> module_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<hub::v1::IntakeService::Stub> intake_;
  std::unique_ptr<hub::v1::PlanService::Stub> plan_;
  std::unique_ptr<hub::v1::ReferralService::Stub> referral_;
  int requests_ = 0;
  int households_ = 0;
};

// ---- RequestReferral ------------------------------------------------------------------------

TEST_F(ReferralServiceTest, AReferralCoveredByConsentIsRequestedRightAfterTheConsentAndTheGoals) {
  const Household h = NewHousehold();
  const auto request = RequestFor(h, "fermwerk", kFullCategories, {h.goal_money, h.goal_work});
  ASSERT_EQ(request.header().min_positions_size(), 2);  // intake's and the plan's
  hub::v1::RequestReferralReply reply;
  auto answer = Request(request, &reply);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_FALSE(reply.referral_id().empty());
  EXPECT_EQ(reply.answer_due(), kAnswerDue);
  EXPECT_THAT(reply.consent_ids(), ElementsAre(h.consent_id));
  EXPECT_EQ(reply.result().household_id(), h.id);
  EXPECT_EQ(reply.result().version(), 1);
  EXPECT_FALSE(reply.result().replayed());
  EXPECT_EQ(reply.result().event_ids_size(), 1);
  ASSERT_EQ(reply.result().positions_size(), 1);
  EXPECT_EQ(reply.result().positions(0).topic(), kReferralTopic);

  hub::v1::GetReferralsRequest get;
  get.set_household_id(h.id);
  *get.mutable_min_positions() = reply.result().positions();
  hub::v1::HouseholdReferrals view;
  auto read = Call(&Stub::GetReferrals, get, &view);
  ASSERT_TRUE(read.ok()) << Describe(read);
  EXPECT_EQ(view.household_id(), h.id);
  EXPECT_EQ(view.tenant(), "GM0632");
  EXPECT_EQ(view.version(), 1);
  EXPECT_FALSE(view.restricted());
  ASSERT_EQ(view.referrals_size(), 1);
  const auto& r = view.referrals(0);
  EXPECT_EQ(r.referral_id(), reply.referral_id());
  EXPECT_EQ(r.person_id(), h.anouk);
  EXPECT_EQ(r.sender_organisation_id(), "woerdenwijzer");
  EXPECT_EQ(r.receiver_organisation_id(), "fermwerk");
  EXPECT_EQ(r.receiver_kind(), hub::v1::RECEIVER_KIND_WORK_AND_INCOME);
  EXPECT_EQ(r.receiver_agb_code(), "");
  EXPECT_EQ(r.status(), hub::v1::REFERRAL_STATUS_REQUESTED);
  EXPECT_EQ(r.purpose(), kPurpose);
  EXPECT_THAT(r.data_categories(), ElementsAre("CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN", "FINANCIAL"));
  EXPECT_EQ(r.plan_id(), h.plan_id);
  EXPECT_THAT(r.goal_ids(), ElementsAre(h.goal_money, h.goal_work));
  EXPECT_EQ(r.reason(), request.reason());
  EXPECT_EQ(r.requested_on(), kToday);
  EXPECT_EQ(r.answer_due(), kAnswerDue);
  EXPECT_THAT(r.consent_ids(), ElementsAre(h.consent_id));
  EXPECT_EQ(r.accepted_on(), "");
  EXPECT_EQ(r.meeting_on(), "");
  EXPECT_EQ(r.closed_on(), "");
  EXPECT_EQ(r.closing_reason(), "");
  EXPECT_FALSE(r.overdue());

  // The reason is sealed: not in the log in clear text.
  for (int32_t p = 0; p < kPartitions; ++p) {
    std::vector<log::Record> records;
    ASSERT_TRUE(log_->Read({kReferralTopic, p}, 0, 1000, &records).ok());
    for (const auto& record : records) EXPECT_EQ(record.value.find("schulden staan"), std::string::npos);
  }
}

TEST_F(ReferralServiceTest, ACareProviderGetsItsAgbCodeAndAConsultationNeedsNoConsent) {
  const Household h = NewHousehold();
  const auto linde_consent =
      RecordConsent(h, h.anouk, "zorgaanbieder-de-linde", {"CONTACT", "MEDICAL"}, kPurpose, clock_.Now() + 30 * kDay);
  Household after = h;
  after.intake_positions = linde_consent.result().positions();
  hub::v1::RequestReferralReply linde;
  auto answer = Request(RequestFor(after, "zorgaanbieder-de-linde", {"CONTACT", "MEDICAL"}, {h.goal_mind}), &linde);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_THAT(linde.consent_ids(), ElementsAre(linde_consent.consent_id()));

  // An anonymous consultation of debt services: no categories, so no consent.
  auto consult = RequestFor(h, "schuldhulp-woerden", {});
  consult.set_consultation(true);
  hub::v1::RequestReferralReply consulted;
  answer = Request(consult, &consulted);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_EQ(consulted.answer_due(), kAnswerDue);
  EXPECT_THAT(consulted.consent_ids(), IsEmpty());
  // Only a consultation may share nothing.
  auto nothing = RequestFor(h, "schuldhulp-woerden", {});
  hub::v1::RequestReferralReply refused;
  EXPECT_TRUE(Refused(Request(nothing, &refused), grpc::StatusCode::INVALID_ARGUMENT, "", "data_categories"));

  const auto view = ReferralsOk(h);
  ASSERT_EQ(view.referrals_size(), 2);
  const auto linde_view = ViewOf(h, linde.referral_id());
  EXPECT_EQ(linde_view.receiver_kind(), hub::v1::RECEIVER_KIND_CARE_PROVIDER);
  EXPECT_EQ(linde_view.receiver_agb_code(), "98001234");
  EXPECT_EQ(linde_view.plan_id(), h.plan_id);
  const auto consult_view = ViewOf(h, consulted.referral_id());
  EXPECT_EQ(consult_view.receiver_kind(), hub::v1::RECEIVER_KIND_CONSULTATION);
  EXPECT_EQ(consult_view.receiver_agb_code(), "");
  EXPECT_THAT(consult_view.data_categories(), IsEmpty());
  EXPECT_EQ(consult_view.plan_id(), "");  // serves no goal

  // The consultation is answered and its dossier shows nothing at all.
  ASSERT_TRUE(Accept(h, consulted.referral_id(), kSchuldhulp).ok());
  hub::v1::HandoverDossier dossier;
  answer = Dossier(h, consulted.referral_id(), &dossier, kSchuldhulp);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_THAT(dossier.shown_categories(), IsEmpty());
  EXPECT_THAT(dossier.withheld_categories(), IsEmpty());
  EXPECT_FALSE(dossier.has_contact());
  EXPECT_FALSE(dossier.has_household());
  EXPECT_FALSE(dossier.has_triage());
  EXPECT_FALSE(dossier.has_plan());
  EXPECT_FALSE(dossier.has_history());
}

TEST_F(ReferralServiceTest, ConsentMustCoverEveryCategoryForThatReceiverAndExactlyThatPurpose) {
  Household h = NewHousehold();
  hub::v1::RequestReferralReply reply;

  // Categories beyond the consent: refused naming exactly those.
  auto more = RequestFor(h, "fermwerk", {"CONTACT", "MEDICAL", "TRIAGE", "JUDICIAL"});
  auto answer = Request(more, &reply);
  ASSERT_TRUE(Refused(answer, grpc::StatusCode::FAILED_PRECONDITION, "CONSENT_MISSING"));
  EXPECT_THAT(answer.status.error_message(), HasSubstr("MEDICAL, JUDICIAL"));
  EXPECT_THAT(answer.status.error_message(), Not(HasSubstr("CONTACT")));
  EXPECT_THAT(answer.status.error_message(), Not(HasSubstr("TRIAGE")));

  // Another purpose than the consent's: nothing is covered.
  auto purpose = RequestFor(h, "fermwerk", {"CONTACT", "PLAN"});
  purpose.set_purpose("re-integratie");
  answer = Request(purpose, &reply);
  ASSERT_TRUE(Refused(answer, grpc::StatusCode::FAILED_PRECONDITION, "CONSENT_MISSING"));
  EXPECT_THAT(answer.status.error_message(), HasSubstr("CONTACT, PLAN"));
  auto almost = RequestFor(h, "fermwerk", {"CONTACT"});
  almost.set_purpose("Warme overdracht");  // exactly the purpose, not a look-alike
  EXPECT_TRUE(Refused(Request(almost, &reply), grpc::StatusCode::FAILED_PRECONDITION, "CONSENT_MISSING"));

  // Another receiver than the consent's.
  answer = Request(RequestFor(h, "schuldhulp-woerden", {"CONTACT", "FINANCIAL"}), &reply);
  ASSERT_TRUE(Refused(answer, grpc::StatusCode::FAILED_PRECONDITION, "CONSENT_MISSING"));
  EXPECT_THAT(answer.status.error_message(), HasSubstr("CONTACT, FINANCIAL"));

  // Another person than the consent's: Anouk's consent does not cover Daan.
  auto daan = RequestFor(h, "fermwerk", {"CONTACT"});
  daan.set_person_id(h.daan);
  EXPECT_TRUE(Refused(Request(daan, &reply), grpc::StatusCode::FAILED_PRECONDITION, "CONSENT_MISSING"));

  // Nothing was written.
  hub::v1::HouseholdReferrals view;
  EXPECT_TRUE(Refused(Referrals(h.id, &view), grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(RecordsIn(kReferralTopic), 0);

  // A second consent adds MEDICAL for fermwerk: the union of live consents covers the request.
  const auto medical = RecordConsent(h, h.anouk, "fermwerk", {"MEDICAL"}, kPurpose, clock_.Now() + 7 * kDay);
  h.intake_positions = medical.result().positions();
  answer = Request(RequestFor(h, "fermwerk", {"CONTACT", "MEDICAL"}), &reply);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_THAT(reply.consent_ids(), ElementsAre(h.consent_id, medical.consent_id()));
  ASSERT_TRUE(Withdraw(h, reply.referral_id(), "Verkeerde categorieën gekozen.", kConsulent).ok());

  // Once that consent lapses (valid until exactly now counts as lapsed) MEDICAL is missing again.
  clock_.Advance(7 * kDay);
  answer = Request(RequestFor(h, "fermwerk", {"CONTACT", "MEDICAL"}), &reply);
  ASSERT_TRUE(Refused(answer, grpc::StatusCode::FAILED_PRECONDITION, "CONSENT_MISSING"));
  EXPECT_THAT(answer.status.error_message(), HasSubstr("covers MEDICAL"));

  // Once the main consent is withdrawn in intake, nothing is covered.
  const auto withdrawn = WithdrawConsent(h, h.consent_id);
  h.intake_positions = withdrawn.positions();
  answer = Request(RequestFor(h, "fermwerk", {"CONTACT"}), &reply);
  EXPECT_TRUE(Refused(answer, grpc::StatusCode::FAILED_PRECONDITION, "CONSENT_MISSING"));
}

TEST_F(ReferralServiceTest, RequestRefusalsNameTheFieldOrTheReason) {
  const Household h = NewHousehold();
  struct Case {
    std::string name;
    std::function<void(hub::v1::RequestReferralRequest&)> mutate;
    grpc::StatusCode code;
    std::string reason;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"a signal giver cannot receive", [](auto& r) { r.set_receiver_organisation_id("basisschool-de-regenboog"); },
       grpc::StatusCode::FAILED_PRECONDITION, "RECEIVER_NOT_RECEIVING", ""},
      {"a social team cannot receive", [](auto& r) { r.set_receiver_organisation_id("woerdenwijzer"); },
       grpc::StatusCode::FAILED_PRECONDITION, "RECEIVER_NOT_RECEIVING", ""},
      {"the decision office cannot receive", [](auto& r) { r.set_receiver_organisation_id("woerden-beschikkingen"); },
       grpc::StatusCode::FAILED_PRECONDITION, "RECEIVER_NOT_RECEIVING", ""},
      {"a signal giver cannot be consulted either",
       [](auto& r) {
         r.set_receiver_organisation_id("huisarts-woerden-west");
         r.set_consultation(true);
         r.clear_data_categories();
       },
       grpc::StatusCode::FAILED_PRECONDITION, "RECEIVER_NOT_RECEIVING", ""},
      {"unknown receiver", [](auto& r) { r.set_receiver_organisation_id("no-such-organisation"); },
       grpc::StatusCode::FAILED_PRECONDITION, "RECEIVER_UNKNOWN", ""},
      {"receiver of another municipality only",
       [](auto& r) { r.set_receiver_organisation_id("sociaal-team-oudewater"); },
       grpc::StatusCode::FAILED_PRECONDITION, "RECEIVER_UNKNOWN", ""},
      {"person not in the household", [](auto& r) { r.set_person_id("0190ffff-no-such-person"); },
       grpc::StatusCode::FAILED_PRECONDITION, "PERSON_NOT_IN_HOUSEHOLD", ""},
      {"unknown household", [](auto& r) { r.set_household_id("0190ffff-no-such-household"); },
       grpc::StatusCode::FAILED_PRECONDITION, "HOUSEHOLD_NOT_FOUND", ""},
      {"goal not in the plan", [](auto& r) { r.add_goal_ids("g-not-in-the-plan"); },
       grpc::StatusCode::FAILED_PRECONDITION, "GOAL_NOT_IN_PLAN", ""},
      {"no purpose", [](auto& r) { r.clear_purpose(); }, grpc::StatusCode::INVALID_ARGUMENT, "", "purpose"},
      {"no reason", [](auto& r) { r.clear_reason(); }, grpc::StatusCode::INVALID_ARGUMENT, "", "reason"},
      {"unknown category", [](auto& r) { r.set_data_categories(1, "GEHEIMEN"); }, grpc::StatusCode::INVALID_ARGUMENT,
       "", "data_categories[1]"},
      {"category twice", [](auto& r) { r.set_data_categories(2, "CONTACT"); }, grpc::StatusCode::INVALID_ARGUMENT, "",
       "data_categories[2]"},
      {"no person", [](auto& r) { r.clear_person_id(); }, grpc::StatusCode::INVALID_ARGUMENT, "", "person_id"},
      {"no receiver", [](auto& r) { r.clear_receiver_organisation_id(); }, grpc::StatusCode::INVALID_ARGUMENT, "",
       "receiver_organisation_id"},
      {"no household", [](auto& r) { r.clear_household_id(); }, grpc::StatusCode::INVALID_ARGUMENT, "",
       "household_id"},
      {"no request id", [](auto& r) { r.mutable_header()->clear_request_id(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "", "header.request_id"},
  };
  for (const auto& c : cases) {
    auto request = RequestFor(h, "fermwerk");
    c.mutate(request);
    hub::v1::RequestReferralReply reply;
    EXPECT_TRUE(Refused(Request(request, &reply), c.code, c.reason, c.field)) << c.name;
  }

  // Only a social team refers; another municipality's team does not know the household.
  hub::v1::RequestReferralReply reply;
  for (const Identity* who : {&kFermwerk, &kDeLinde, &kSignalGiver, &kAuditor, &kOperator, &kDecisionOffice}) {
    EXPECT_TRUE(Refused(Request(RequestFor(h, "fermwerk"), &reply, *who), grpc::StatusCode::PERMISSION_DENIED))
        << who->organisation;
  }
  EXPECT_TRUE(Refused(Request(RequestFor(h, "fermwerk"), &reply, kOudewater), grpc::StatusCode::FAILED_PRECONDITION,
                      "HOUSEHOLD_NOT_FOUND"));
  EXPECT_EQ(RecordsIn(kReferralTopic), 0);

  // One open referral per person per receiver.
  const std::string first = RequestOk(RequestFor(h, "fermwerk"));
  EXPECT_TRUE(Refused(Request(RequestFor(h, "fermwerk"), &reply), grpc::StatusCode::FAILED_PRECONDITION,
                      "REFERRAL_OPEN"));
  // Once it is closed, the person may be referred there again.
  ASSERT_TRUE(Decline(h, first, "Geen plek deze maand.", kFermwerk).ok());
  const std::string second = RequestOk(RequestFor(h, "fermwerk"));
  EXPECT_NE(second, first);
  EXPECT_EQ(ReferralsOk(h).referrals_size(), 2);
}

// ---- answering ------------------------------------------------------------------------------

TEST_F(ReferralServiceTest, OnlyTheReceiverAcceptsOrDeclines) {
  Household h = NewHousehold();
  const auto linde_consent =
      RecordConsent(h, h.anouk, "zorgaanbieder-de-linde", {"CONTACT"}, kPurpose, clock_.Now() + 30 * kDay);
  h.intake_positions = linde_consent.result().positions();
  const std::string to_fermwerk = RequestOk(RequestFor(h, "fermwerk"));
  const std::string to_linde = RequestOk(RequestFor(h, "zorgaanbieder-de-linde", {"CONTACT"}));

  EXPECT_TRUE(Refused(Accept(h, to_fermwerk, kDeLinde), grpc::StatusCode::PERMISSION_DENIED, "NOT_THE_RECEIVER"));
  EXPECT_TRUE(Refused(Accept(h, to_fermwerk, kSchuldhulp), grpc::StatusCode::PERMISSION_DENIED, "NOT_THE_RECEIVER"));
  EXPECT_TRUE(Refused(Accept(h, to_fermwerk, kConsulent), grpc::StatusCode::PERMISSION_DENIED));  // the sender
  EXPECT_TRUE(Refused(Accept(h, to_fermwerk, kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Accept(h, to_fermwerk, kFermwerkForOudewater), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(
      Refused(Decline(h, to_fermwerk, "Niet voor ons.", kDeLinde), grpc::StatusCode::PERMISSION_DENIED, "NOT_THE_RECEIVER"));
  EXPECT_TRUE(Refused(Decline(h, to_fermwerk, "Niet voor ons.", kConsulent), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Accept(h, "0190ffff-no-such-referral", kFermwerk), grpc::StatusCode::NOT_FOUND,
                      "REFERRAL_NOT_FOUND"));
  EXPECT_TRUE(Refused(Decline(h, "0190ffff-no-such-referral", "Niet voor ons.", kFermwerk),
                      grpc::StatusCode::NOT_FOUND, "REFERRAL_NOT_FOUND"));
  EXPECT_TRUE(Refused(Decline(h, to_fermwerk, "", kFermwerk), grpc::StatusCode::INVALID_ARGUMENT, "", "reason"));
  EXPECT_TRUE(Refused(Accept(h, "", kFermwerk), grpc::StatusCode::INVALID_ARGUMENT, "", "referral_id"));
  EXPECT_EQ(ReferralsOk(h).version(), 2);  // nothing written

  hub::v1::CommandReply accepted;
  auto answer = Accept(h, to_fermwerk, kFermwerk, &accepted);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_EQ(accepted.version(), 3);
  auto fermwerk_view = ViewOf(h, to_fermwerk);
  EXPECT_EQ(fermwerk_view.status(), hub::v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_EQ(fermwerk_view.accepted_on(), kToday);
  EXPECT_EQ(fermwerk_view.closed_on(), "");
  EXPECT_TRUE(Refused(Accept(h, to_fermwerk, kFermwerk), grpc::StatusCode::FAILED_PRECONDITION,
                      "REFERRAL_NOT_REQUESTED"));
  EXPECT_TRUE(Refused(Decline(h, to_fermwerk, "Toch niet.", kFermwerk), grpc::StatusCode::FAILED_PRECONDITION,
                      "REFERRAL_NOT_REQUESTED"));

  clock_.Advance(kDay);
  const std::string decline_reason = "Anouk staat al op onze wachtlijst via de huisarts.";
  answer = Decline(h, to_linde, decline_reason, kDeLinde);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  const auto linde_view = ViewOf(h, to_linde);
  EXPECT_EQ(linde_view.status(), hub::v1::REFERRAL_STATUS_DECLINED);
  EXPECT_EQ(linde_view.closed_on(), "2026-04-03");
  EXPECT_EQ(linde_view.closing_reason(), decline_reason);  // decrypted for this read
  EXPECT_EQ(linde_view.accepted_on(), "");
  EXPECT_TRUE(Refused(Accept(h, to_linde, kDeLinde), grpc::StatusCode::FAILED_PRECONDITION, "REFERRAL_CLOSED"));
  EXPECT_TRUE(Refused(Withdraw(h, to_linde, "Niet meer nodig.", kConsulent), grpc::StatusCode::FAILED_PRECONDITION,
                      "REFERRAL_CLOSED"));
  hub::v1::HandoverDossier dossier;
  EXPECT_TRUE(Refused(Dossier(h, to_linde, &dossier, kDeLinde), grpc::StatusCode::FAILED_PRECONDITION,
                      "REFERRAL_CLOSED"));
  // The decline text is sealed: not in the log in clear text.
  for (const auto& e : Envelopes(kReferralTopic)) {
    EXPECT_EQ(e.SerializeAsString().find("wachtlijst"), std::string::npos);
  }
}

// ---- the handover ---------------------------------------------------------------------------

TEST_F(ReferralServiceTest, TheHandoverMeetingIsScheduledAndCompletedOnOrAfterItsDay) {
  const Household h = NewHousehold();
  const std::string id = RequestOk(RequestFor(h, "fermwerk"));

  EXPECT_TRUE(Refused(Schedule(h, id, "2026-04-07", kFermwerk), grpc::StatusCode::FAILED_PRECONDITION,
                      "REFERRAL_NOT_ACCEPTED"));
  EXPECT_TRUE(
      Refused(Complete(h, id, kFermwerk), grpc::StatusCode::FAILED_PRECONDITION, "REFERRAL_NOT_ACCEPTED"));
  ASSERT_TRUE(Accept(h, id, kFermwerk).ok());
  EXPECT_TRUE(
      Refused(Complete(h, id, kFermwerk), grpc::StatusCode::FAILED_PRECONDITION, "HANDOVER_NOT_SCHEDULED"));

  EXPECT_TRUE(Refused(Schedule(h, id, "2026-04-01", kFermwerk), grpc::StatusCode::INVALID_ARGUMENT, "", "meeting_on"));
  EXPECT_TRUE(Refused(Schedule(h, id, "07-04-2026", kFermwerk), grpc::StatusCode::INVALID_ARGUMENT, "", "meeting_on"));
  EXPECT_TRUE(Refused(Schedule(h, id, "2026-04-07", kDeLinde), grpc::StatusCode::PERMISSION_DENIED, "NOT_A_PARTY"));
  EXPECT_TRUE(Refused(Schedule(h, id, "2026-04-07", kWijkteam), grpc::StatusCode::PERMISSION_DENIED, "NOT_A_PARTY"));
  EXPECT_TRUE(Refused(Schedule(h, id, "2026-04-07", kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));

  // The receiver schedules, the sender reschedules: the latest wins.
  ASSERT_TRUE(Schedule(h, id, "2026-04-07", kFermwerk).ok());
  EXPECT_EQ(ViewOf(h, id).meeting_on(), "2026-04-07");
  auto answer = Schedule(h, id, "2026-04-08", kConsulent);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  auto view = ViewOf(h, id);
  EXPECT_EQ(view.status(), hub::v1::REFERRAL_STATUS_HANDOVER_MEETING);
  EXPECT_EQ(view.meeting_on(), "2026-04-08");
  EXPECT_FALSE(view.overdue());

  EXPECT_TRUE(
      Refused(Complete(h, id, kFermwerk), grpc::StatusCode::FAILED_PRECONDITION, "HANDOVER_NOT_HELD_YET"));
  clock_.Advance(5 * kDay);  // Tuesday 2026-04-07: the day before the meeting
  EXPECT_TRUE(
      Refused(Complete(h, id, kConsulent), grpc::StatusCode::FAILED_PRECONDITION, "HANDOVER_NOT_HELD_YET"));
  EXPECT_TRUE(Refused(Complete(h, id, kDeLinde), grpc::StatusCode::PERMISSION_DENIED, "NOT_A_PARTY"));
  clock_.Advance(kDay);  // the meeting day
  answer = Complete(h, id, kFermwerk);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  view = ViewOf(h, id);
  EXPECT_EQ(view.status(), hub::v1::REFERRAL_STATUS_COMPLETED);
  EXPECT_EQ(view.closed_on(), "2026-04-08");
  EXPECT_EQ(view.accepted_on(), kToday);
  EXPECT_FALSE(view.overdue());

  EXPECT_TRUE(Refused(Complete(h, id, kFermwerk), grpc::StatusCode::FAILED_PRECONDITION, "REFERRAL_CLOSED"));
  EXPECT_TRUE(
      Refused(Schedule(h, id, "2026-04-09", kFermwerk), grpc::StatusCode::FAILED_PRECONDITION, "REFERRAL_CLOSED"));
  EXPECT_TRUE(Refused(Withdraw(h, id, "Te laat.", kConsulent), grpc::StatusCode::FAILED_PRECONDITION,
                      "REFERRAL_CLOSED"));
  // The receiver keeps reading the dossier of a completed handover.
  const auto dossier = DossierOk(h, id);
  EXPECT_EQ(dossier.status(), hub::v1::REFERRAL_STATUS_COMPLETED);
  EXPECT_TRUE(dossier.has_contact());
  EXPECT_EQ(Metric("hub_referral_handovers_completed_total"), 1);
}

TEST_F(ReferralServiceTest, OnlyTheSenderWithdrawsAnOpenReferral) {
  Household h = NewHousehold();
  const auto linde_consent =
      RecordConsent(h, h.anouk, "zorgaanbieder-de-linde", {"CONTACT"}, kPurpose, clock_.Now() + 30 * kDay);
  h.intake_positions = linde_consent.result().positions();
  const std::string requested = RequestOk(RequestFor(h, "fermwerk"));
  const std::string in_handover = RequestOk(RequestFor(h, "zorgaanbieder-de-linde", {"CONTACT"}));
  ASSERT_TRUE(Accept(h, in_handover, kDeLinde).ok());
  ASSERT_TRUE(Schedule(h, in_handover, "2026-04-09", kDeLinde).ok());

  EXPECT_TRUE(Refused(Withdraw(h, requested, "Niet nodig.", kFermwerk), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Withdraw(h, requested, "Niet nodig.", kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Withdraw(h, requested, "Niet nodig.", kWijkteam), grpc::StatusCode::PERMISSION_DENIED,
                      "NOT_THE_SENDER"));
  EXPECT_TRUE(Refused(Withdraw(h, requested, "Niet nodig.", kOudewater), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(Refused(Withdraw(h, requested, "", kConsulent), grpc::StatusCode::INVALID_ARGUMENT, "", "reason"));
  EXPECT_TRUE(Refused(Withdraw(h, "0190ffff-no-such-referral", "Niet nodig.", kConsulent),
                      grpc::StatusCode::NOT_FOUND, "REFERRAL_NOT_FOUND"));

  const std::string why = "Anouk heeft zelf al contact gelegd met FermWerk.";
  auto answer = Withdraw(h, requested, why, kConsulent);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  answer = Withdraw(h, in_handover, "Anouk wil eerst zelf verder.", kConsulent);
  ASSERT_TRUE(answer.ok()) << Describe(answer);

  const auto view = ViewOf(h, requested);
  EXPECT_EQ(view.status(), hub::v1::REFERRAL_STATUS_WITHDRAWN);
  EXPECT_EQ(view.closed_on(), kToday);
  EXPECT_EQ(view.closing_reason(), why);
  EXPECT_EQ(ViewOf(h, in_handover).status(), hub::v1::REFERRAL_STATUS_WITHDRAWN);
  EXPECT_EQ(ViewOf(h, in_handover).meeting_on(), "2026-04-09");
  EXPECT_TRUE(Refused(Accept(h, requested, kFermwerk), grpc::StatusCode::FAILED_PRECONDITION, "REFERRAL_CLOSED"));
  EXPECT_TRUE(Refused(Withdraw(h, requested, why, kConsulent), grpc::StatusCode::FAILED_PRECONDITION,
                      "REFERRAL_CLOSED"));
  EXPECT_TRUE(Refused(Complete(h, in_handover, kDeLinde), grpc::StatusCode::FAILED_PRECONDITION, "REFERRAL_CLOSED"));
  hub::v1::HandoverDossier dossier;
  EXPECT_TRUE(Refused(Dossier(h, in_handover, &dossier, kDeLinde), grpc::StatusCode::FAILED_PRECONDITION,
                      "REFERRAL_CLOSED"));
}

// ---- expiry ---------------------------------------------------------------------------------

TEST_F(ReferralServiceTest, AnUnansweredReferralExpiresAfterFiveWorkingDaysAcrossEaster) {
  Household h = NewHousehold();
  const auto linde_consent =
      RecordConsent(h, h.anouk, "zorgaanbieder-de-linde", {"CONTACT"}, kPurpose, clock_.Now() + 60 * kDay);
  h.intake_positions = linde_consent.result().positions();
  hub::v1::RequestReferralReply requested;
  ASSERT_TRUE(Request(RequestFor(h, "fermwerk"), &requested).ok());
  const std::string id = requested.referral_id();
  EXPECT_EQ(requested.answer_due(), kAnswerDue);
  const std::string answered = RequestOk(RequestFor(h, "zorgaanbieder-de-linde", {"CONTACT"}));

  // Monday 2026-04-13, the last day to answer: nothing is expired yet.
  clock_.Advance(11 * kDay);
  auto swept = module_->ExpireDue();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 0);
  EXPECT_EQ(ViewOf(h, id).status(), hub::v1::REFERRAL_STATUS_REQUESTED);
  ASSERT_TRUE(Accept(h, answered, kDeLinde).ok());  // answered on the last day: in time

  // Tuesday 2026-04-14: expired as a fact of time, before the service recorded it.
  clock_.Advance(kDay);
  auto view = ViewOf(h, id);
  EXPECT_EQ(view.status(), hub::v1::REFERRAL_STATUS_EXPIRED);
  EXPECT_EQ(view.closed_on(), "");
  EXPECT_EQ(Listed(ListRequest(hub::v1::REFERRAL_ROLE_RECEIVER, hub::v1::REFERRAL_STATUS_EXPIRED), kFermwerk),
            std::vector<std::string>{id});
  EXPECT_TRUE(Refused(Accept(h, id, kFermwerk), grpc::StatusCode::FAILED_PRECONDITION, "REFERRAL_EXPIRED"));
  const int64_t before = RecordsIn(kReferralTopic);

  swept = module_->ExpireDue();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 1);
  EXPECT_EQ(RecordsIn(kReferralTopic), before + 1);
  view = ViewOf(h, id);
  EXPECT_EQ(view.status(), hub::v1::REFERRAL_STATUS_EXPIRED);
  EXPECT_EQ(view.closed_on(), "2026-04-14");
  EXPECT_EQ(ViewOf(h, answered).status(), hub::v1::REFERRAL_STATUS_ACCEPTED);  // answered in time
  EXPECT_TRUE(Refused(Accept(h, id, kFermwerk), grpc::StatusCode::FAILED_PRECONDITION, "REFERRAL_EXPIRED"));
  EXPECT_TRUE(Refused(Decline(h, id, "Te laat gezien.", kFermwerk), grpc::StatusCode::FAILED_PRECONDITION,
                      "REFERRAL_EXPIRED"));
  EXPECT_TRUE(
      Refused(Withdraw(h, id, "Verlopen.", kConsulent), grpc::StatusCode::FAILED_PRECONDITION, "REFERRAL_CLOSED"));
  hub::v1::HandoverDossier dossier;
  EXPECT_TRUE(
      Refused(Dossier(h, id, &dossier, kFermwerk), grpc::StatusCode::FAILED_PRECONDITION, "REFERRAL_CLOSED"));

  // A second sweep, and one a day later, find nothing to record.
  swept = module_->ExpireDue();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 0);
  clock_.Advance(kDay);
  swept = module_->ExpireDue();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 0);
  EXPECT_EQ(RecordsIn(kReferralTopic), before + 1);
  EXPECT_EQ(Metric("hub_referral_expired_total"), 1);

  // The expiry's envelope: caused by the request event, recorded by the service itself.
  std::string request_event_id;
  std::optional<hub::v1::EventEnvelope> expiry;
  for (const auto& e : Envelopes(kReferralTopic)) {
    if (e.referral().has_referral_requested() && e.referral().referral_requested().referral_id() == id) {
      request_event_id = e.event_id();
    }
    if (e.referral().has_referral_expired()) {
      EXPECT_FALSE(expiry.has_value()) << "expired twice";
      expiry = e;
    }
  }
  ASSERT_FALSE(request_event_id.empty());
  ASSERT_TRUE(expiry.has_value());
  EXPECT_EQ(expiry->causation_id(), request_event_id);
  EXPECT_EQ(expiry->household_id(), h.id);
  EXPECT_EQ(expiry->tenant(), "GM0632");
  EXPECT_EQ(expiry->producer(), "referral");
  EXPECT_EQ(expiry->actor().organisation_id(), "hub");
  EXPECT_EQ(expiry->referral().referral_expired().referral_id(), id);
  EXPECT_EQ(expiry->referral().referral_expired().answer_due(), kAnswerDue);
  EXPECT_EQ(expiry->referral().referral_expired().expired_on(), "2026-04-14");

  // An expired referral is closed: the person may be referred to fermwerk again.
  const std::string again = RequestOk(RequestFor(h, "fermwerk"));
  EXPECT_EQ(ViewOf(h, again).answer_due(), "2026-04-22");  // Wednesday 04-15 plus five working days
}

// ---- the handover dossier -------------------------------------------------------------------

TEST_F(ReferralServiceTest, TheDossierShowsWhatTheConsentCoversFieldByField) {
  Household h = NewHousehold();
  // Earlier referrals of Anouk: a consultation (shares nothing) and one to De Linde sharing MEDICAL.
  const auto linde_consent = RecordConsent(h, h.anouk, "zorgaanbieder-de-linde", {"CONTACT", "TRIAGE", "MEDICAL"},
                                           kPurpose, clock_.Now() + 60 * kDay);
  h.intake_positions = linde_consent.result().positions();
  auto consult = RequestFor(h, "schuldhulp-woerden", {});
  consult.set_consultation(true);
  const std::string consultation = RequestOk(consult);
  const std::string to_linde = RequestOk(RequestFor(h, "zorgaanbieder-de-linde", {"CONTACT", "TRIAGE", "MEDICAL"}));
  const std::string id = RequestOk(RequestFor(h, "fermwerk", kFullCategories, {h.goal_money, h.goal_work, h.goal_mind}));

  hub::v1::HandoverDossier dossier;
  EXPECT_TRUE(Refused(Dossier(h, id, &dossier), grpc::StatusCode::FAILED_PRECONDITION, "REFERRAL_NOT_ACCEPTED"));
  clock_.Advance(kDay);
  ASSERT_TRUE(Accept(h, id, kFermwerk).ok());

  // Nobody but the receiver reads it.
  EXPECT_TRUE(Refused(Dossier(h, id, &dossier, kDeLinde), grpc::StatusCode::PERMISSION_DENIED, "NOT_THE_RECEIVER"));
  EXPECT_TRUE(Refused(Dossier(h, id, &dossier, kSchuldhulp), grpc::StatusCode::PERMISSION_DENIED, "NOT_THE_RECEIVER"));
  EXPECT_TRUE(Refused(Dossier(h, id, &dossier, kConsulent), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Dossier(h, id, &dossier, kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Dossier(h, id, &dossier, kFermwerkForOudewater), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(Refused(Dossier(h, "0190ffff-no-such-referral", &dossier), grpc::StatusCode::NOT_FOUND,
                      "REFERRAL_NOT_FOUND"));

  const auto intake = IntakeView(h);
  std::map<std::string, hub::v1::HouseholdMember> members;
  for (const auto& m : intake.members()) members[m.person_id()] = m;
  ASSERT_EQ(members.size(), 2u);
  ASSERT_EQ(members[h.anouk].name(), h.anouk_name);
  ASSERT_EQ(members[h.daan].name(), h.daan_name);

  dossier = DossierOk(h, id);
  EXPECT_EQ(dossier.household_id(), h.id);
  EXPECT_EQ(dossier.tenant(), "GM0632");
  EXPECT_EQ(dossier.version(), 4);
  EXPECT_EQ(dossier.referral_id(), id);
  EXPECT_EQ(dossier.person_id(), h.anouk);
  EXPECT_EQ(dossier.sender_organisation_id(), "woerdenwijzer");
  EXPECT_EQ(dossier.receiver_organisation_id(), "fermwerk");
  EXPECT_EQ(dossier.status(), hub::v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_EQ(dossier.purpose(), kPurpose);
  EXPECT_THAT(dossier.requested_categories(),
              ElementsAre("CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN", "FINANCIAL"));
  EXPECT_THAT(dossier.shown_categories(),
              UnorderedElementsAre("CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN", "FINANCIAL"));
  EXPECT_THAT(dossier.withheld_categories(), IsEmpty());
  EXPECT_THAT(dossier.consent_ids(), ElementsAre(h.consent_id));
  EXPECT_EQ(dossier.read_at().seconds(), TimestampOf(clock_.Now()).seconds());

  // CONTACT: the referred person, name decrypted as intake registered it; no relation.
  ASSERT_TRUE(dossier.has_contact());
  EXPECT_EQ(dossier.contact().person().person_id(), h.anouk);
  EXPECT_EQ(dossier.contact().person().name(), members[h.anouk].name());
  EXPECT_EQ(dossier.contact().person().birth_date(), "1988-03-10");
  EXPECT_EQ(dossier.contact().person().relation(), "");

  // HOUSEHOLD_COMPOSITION: every member with relation and birth date; names because CONTACT too.
  ASSERT_TRUE(dossier.has_household());
  ASSERT_EQ(dossier.household().members_size(), 2);
  for (const auto& m : dossier.household().members()) {
    ASSERT_TRUE(members.contains(m.person_id())) << m.person_id();
    EXPECT_EQ(m.name(), members[m.person_id()].name());
    EXPECT_EQ(m.birth_date(), members[m.person_id()].birth_date());
    EXPECT_EQ(m.relation(), members[m.person_id()].relation());
  }

  // TRIAGE: the latest triage; GEESTELIJKE_GEZONDHEID needs MEDICAL, which was not shared.
  ASSERT_TRUE(dossier.has_triage());
  EXPECT_EQ(dossier.triage().triage_class(), "MEERVOUDIG");
  EXPECT_EQ(dossier.triage().team(), intake.latest_triage().team());
  EXPECT_FALSE(dossier.triage().team().empty());
  EXPECT_EQ(dossier.triage().completed_on(), kToday);
  const auto& scores = dossier.triage().zrm_scores();
  EXPECT_EQ(scores.size(), 3u);
  EXPECT_EQ(scores.count("FINANCIEN") ? scores.at("FINANCIEN") : 0, 1);  // FINANCIAL is shown
  EXPECT_EQ(scores.count("WERK_OPLEIDING") ? scores.at("WERK_OPLEIDING") : 0, 2);
  EXPECT_EQ(scores.count("HUISELIJKE_RELATIES") ? scores.at("HUISELIJKE_RELATIES") : 0, 4);
  EXPECT_FALSE(scores.contains("GEESTELIJKE_GEZONDHEID"));

  // PLAN: the served goals, results decrypted with the plan's key; the GGZ goal needs MEDICAL.
  ASSERT_TRUE(dossier.has_plan());
  EXPECT_EQ(dossier.plan().plan_id(), h.plan_id);
  ASSERT_EQ(dossier.plan().goals_size(), 2);
  EXPECT_EQ(dossier.plan().goals(0).goal_id(), h.goal_money);
  EXPECT_EQ(dossier.plan().goals(0).life_domain(), "FINANCIEN");
  EXPECT_EQ(dossier.plan().goals(0).result(), h.goal_results.at(h.goal_money));
  EXPECT_EQ(dossier.plan().goals(0).tier(), hub::v1::SUPPORT_TIER_MAATWERK);
  EXPECT_EQ(dossier.plan().goals(0).target_date(), "2026-10-01");
  EXPECT_EQ(dossier.plan().goals(1).goal_id(), h.goal_work);
  EXPECT_EQ(dossier.plan().goals(1).result(), h.goal_results.at(h.goal_work));

  // History: the goal not served (no text), and the earlier referrals whose categories are all
  // shown: the consultation, not the referral that shared MEDICAL with De Linde.
  ASSERT_TRUE(dossier.has_history());
  ASSERT_EQ(dossier.history().support_size(), 1);
  const auto& support = dossier.history().support(0);
  EXPECT_EQ(support.plan_id(), h.plan_id);
  EXPECT_EQ(support.goal_id(), h.goal_home);
  EXPECT_EQ(support.life_domain(), "HUISVESTING");
  EXPECT_EQ(support.tier(), hub::v1::SUPPORT_TIER_MAATWERK);
  EXPECT_EQ(support.responsible_organisation_id(), "woerdenwijzer");
  EXPECT_EQ(support.target_date(), "2026-10-01");
  EXPECT_EQ(support.plan_status(), hub::v1::PLAN_STATUS_DRAFT);
  ASSERT_EQ(dossier.history().referrals_size(), 1);
  const auto& earlier = dossier.history().referrals(0);
  EXPECT_EQ(earlier.referral_id(), consultation);
  EXPECT_EQ(earlier.receiver_organisation_id(), "schuldhulp-woerden");
  EXPECT_EQ(earlier.receiver_kind(), hub::v1::RECEIVER_KIND_CONSULTATION);
  EXPECT_EQ(earlier.status(), hub::v1::REFERRAL_STATUS_REQUESTED);
  EXPECT_EQ(earlier.requested_on(), kToday);
  EXPECT_EQ(earlier.closed_on(), "");

  // No sealed text of the referral travels in the dossier.
  EXPECT_EQ(dossier.SerializeAsString().find("schulden staan"), std::string::npos);

  // A MEDICAL consent for fermwerk given later shows nothing more: the referral did not ask for it.
  const auto medical = RecordConsent(h, h.anouk, "fermwerk", {"MEDICAL"}, kPurpose, clock_.Now() + 30 * kDay);
  const auto wider = DossierOk(h, id, &medical.result().positions());
  EXPECT_FALSE(wider.triage().zrm_scores().contains("GEESTELIJKE_GEZONDHEID"));
  EXPECT_EQ(wider.plan().goals_size(), 2);
  EXPECT_THAT(wider.consent_ids(), ElementsAre(h.consent_id));

  // De Linde asked for MEDICAL and not FINANCIAL: the other way round.
  ASSERT_TRUE(Accept(h, to_linde, kDeLinde).ok());
  hub::v1::HandoverDossier linde;
  auto answer = Dossier(h, to_linde, &linde, kDeLinde);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_THAT(linde.shown_categories(), UnorderedElementsAre("CONTACT", "TRIAGE", "MEDICAL"));
  EXPECT_THAT(linde.consent_ids(), ElementsAre(linde_consent.consent_id()));
  EXPECT_EQ(linde.contact().person().name(), h.anouk_name);
  EXPECT_FALSE(linde.has_household());
  EXPECT_FALSE(linde.has_plan());
  EXPECT_FALSE(linde.has_history());
  EXPECT_TRUE(linde.triage().zrm_scores().contains("GEESTELIJKE_GEZONDHEID"));
  EXPECT_FALSE(linde.triage().zrm_scores().contains("FINANCIEN"));
  EXPECT_TRUE(linde.triage().zrm_scores().contains("WERK_OPLEIDING"));
}

TEST_F(ReferralServiceTest, AGoalDroppedFromThePlanLeavesTheDossier) {
  const Household h = NewHousehold();
  const std::string id = RequestOk(RequestFor(h, "fermwerk", kFullCategories, {h.goal_money, h.goal_work}));
  ASSERT_TRUE(Accept(h, id, kFermwerk).ok());
  ASSERT_EQ(DossierOk(h, id).plan().goals_size(), 2);

  hub::v1::DropGoalRequest drop;
  *drop.mutable_header() = Header();
  drop.set_household_id(h.id);
  drop.set_plan_id(h.plan_id);
  drop.set_goal_id(h.goal_work);
  hub::v1::CommandReply dropped;
  auto answer = CallOn(plan_.get(), &hub::v1::PlanService::Stub::DropGoal, drop, &dropped, kConsulent);
  ASSERT_TRUE(answer.ok()) << Describe(answer);

  const auto dossier = DossierOk(h, id, &dropped.positions());
  ASSERT_TRUE(dossier.has_plan());
  ASSERT_EQ(dossier.plan().goals_size(), 1);
  EXPECT_EQ(dossier.plan().goals(0).goal_id(), h.goal_money);
}

TEST_F(ReferralServiceTest, ASectionIsPresentExactlyWhenItsCategoryIsShownEvenWhenItIsEmpty) {
  const Household h = NewHousehold();
  // A referral that serves no goal but asks for PLAN: the plan section is shown, without goals.
  const std::string id = RequestOk(RequestFor(h, "fermwerk", {"CONTACT", "PLAN"}));
  ASSERT_TRUE(Accept(h, id, kFermwerk).ok());
  const auto dossier = DossierOk(h, id);
  EXPECT_THAT(dossier.shown_categories(), UnorderedElementsAre("CONTACT", "PLAN"));
  EXPECT_TRUE(dossier.has_contact());
  EXPECT_TRUE(dossier.has_plan());
  EXPECT_EQ(dossier.plan().goals_size(), 0);
  EXPECT_TRUE(dossier.has_history());
  // Without FINANCIAL or MEDICAL, only the HUISVESTING and WERK_OPLEIDING goals are earlier support.
  std::vector<std::string> support;
  for (const auto& s : dossier.history().support()) support.push_back(s.goal_id());
  EXPECT_THAT(support, UnorderedElementsAre(h.goal_work, h.goal_home));
  EXPECT_FALSE(dossier.has_household());
  EXPECT_FALSE(dossier.has_triage());
}

TEST_F(ReferralServiceTest, WithdrawnOrLapsedConsentShrinksTheDossierAtTheNextRead) {
  Household h = NewHousehold();
  // A second, short consent for CONTACT and TRIAGE only, valid three days.
  const auto short_consent =
      RecordConsent(h, h.anouk, "fermwerk", {"CONTACT", "TRIAGE"}, kPurpose, clock_.Now() + 3 * kDay);
  h.intake_positions = short_consent.result().positions();
  hub::v1::RequestReferralReply requested;
  ASSERT_TRUE(Request(RequestFor(h, "fermwerk", kFullCategories, {h.goal_money}), &requested).ok());
  EXPECT_THAT(requested.consent_ids(), ElementsAre(h.consent_id, short_consent.consent_id()));
  const std::string id = requested.referral_id();
  ASSERT_TRUE(Accept(h, id, kFermwerk).ok());
  const auto full = DossierOk(h, id);
  EXPECT_THAT(full.withheld_categories(), IsEmpty());
  EXPECT_TRUE(full.has_household());
  EXPECT_TRUE(full.has_plan());

  // Anouk withdraws the wide consent in intake: the next read shows what the short one covers.
  const auto withdrawn = WithdrawConsent(h, h.consent_id);
  auto dossier = DossierOk(h, id, &withdrawn.positions());
  EXPECT_EQ(dossier.status(), hub::v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_THAT(dossier.requested_categories(),
              ElementsAre("CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN", "FINANCIAL"));
  EXPECT_THAT(dossier.shown_categories(), UnorderedElementsAre("CONTACT", "TRIAGE"));
  EXPECT_THAT(dossier.withheld_categories(), UnorderedElementsAre("HOUSEHOLD_COMPOSITION", "PLAN", "FINANCIAL"));
  EXPECT_THAT(dossier.consent_ids(), ElementsAre(short_consent.consent_id()));
  ASSERT_TRUE(dossier.has_contact());
  EXPECT_EQ(dossier.contact().person().name(), h.anouk_name);
  EXPECT_EQ(dossier.contact().person().relation(), "");  // the relation is HOUSEHOLD_COMPOSITION
  EXPECT_FALSE(dossier.has_household());
  EXPECT_FALSE(dossier.has_plan());
  EXPECT_FALSE(dossier.has_history());
  ASSERT_TRUE(dossier.has_triage());
  EXPECT_FALSE(dossier.triage().zrm_scores().contains("FINANCIEN"));  // FINANCIAL is withheld now
  EXPECT_TRUE(dossier.triage().zrm_scores().contains("WERK_OPLEIDING"));
  EXPECT_EQ(dossier.SerializeAsString().find(h.daan_name), std::string::npos);
  EXPECT_EQ(dossier.SerializeAsString().find(h.goal_results.at(h.goal_money)), std::string::npos);

  // Three days later the short consent lapses: nothing is shown any more.
  clock_.Advance(3 * kDay);
  dossier = DossierOk(h, id);
  EXPECT_THAT(dossier.shown_categories(), IsEmpty());
  EXPECT_THAT(dossier.withheld_categories(),
              UnorderedElementsAre("CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN", "FINANCIAL"));
  EXPECT_THAT(dossier.consent_ids(), IsEmpty());
  EXPECT_FALSE(dossier.has_contact());
  EXPECT_FALSE(dossier.has_household());
  EXPECT_FALSE(dossier.has_triage());
  EXPECT_FALSE(dossier.has_plan());
  EXPECT_FALSE(dossier.has_history());
  EXPECT_EQ(dossier.SerializeAsString().find(h.anouk_name), std::string::npos);

  // The referral itself stands: it was consented when requested.
  const auto view = ViewOf(h, id);
  EXPECT_EQ(view.status(), hub::v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_THAT(view.consent_ids(), ElementsAre(h.consent_id, short_consent.consent_id()));

  // A new consent brings it back at the next read.
  const auto renewed = RecordConsent(h, h.anouk, "fermwerk", {"CONTACT"}, kPurpose, clock_.Now() + 30 * kDay);
  dossier = DossierOk(h, id, &renewed.result().positions());
  EXPECT_THAT(dossier.shown_categories(), ElementsAre("CONTACT"));
  EXPECT_EQ(dossier.contact().person().name(), h.anouk_name);
}

// ---- reading referrals ----------------------------------------------------------------------

TEST_F(ReferralServiceTest, GetReferralsShowsTheTeamEverythingNewestFirstAndAReceiverOnlyItsOwn) {
  Household h = NewHousehold();
  const auto linde_consent =
      RecordConsent(h, h.anouk, "zorgaanbieder-de-linde", {"CONTACT"}, kPurpose, clock_.Now() + 30 * kDay);
  h.intake_positions = linde_consent.result().positions();
  const std::string to_fermwerk = RequestOk(RequestFor(h, "fermwerk"));
  clock_.Advance(kDay);
  const std::string to_linde = RequestOk(RequestFor(h, "zorgaanbieder-de-linde", {"CONTACT"}));

  const auto team = ReferralsOk(h);
  EXPECT_FALSE(team.restricted());
  EXPECT_EQ(team.version(), 2);
  ASSERT_EQ(team.referrals_size(), 2);
  EXPECT_EQ(team.referrals(0).referral_id(), to_linde);  // newest first
  EXPECT_EQ(team.referrals(1).referral_id(), to_fermwerk);
  // Any social team of the tenant reads the household's referrals.
  EXPECT_EQ(ReferralsOk(h, kWijkteam).referrals_size(), 2);

  const auto fermwerk = ReferralsOk(h, kFermwerk);
  EXPECT_TRUE(fermwerk.restricted());
  ASSERT_EQ(fermwerk.referrals_size(), 1);
  EXPECT_EQ(fermwerk.referrals(0).referral_id(), to_fermwerk);
  EXPECT_FALSE(fermwerk.referrals(0).reason().empty());  // the reason travels with the referral
  const auto linde = ReferralsOk(h, kDeLinde);
  EXPECT_TRUE(linde.restricted());
  ASSERT_EQ(linde.referrals_size(), 1);
  EXPECT_EQ(linde.referrals(0).referral_id(), to_linde);

  hub::v1::HouseholdReferrals view;
  EXPECT_TRUE(Refused(Referrals(h.id, &view, kSchuldhulp), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Referrals(h.id, &view, kSignalGiver), grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(Referrals(h.id, &view, kOudewater), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(Refused(Referrals(h.id, &view, kFermwerkForOudewater), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(Refused(Referrals("0190ffff-no-such-household", &view), grpc::StatusCode::NOT_FOUND));
  EXPECT_TRUE(Refused(Referrals("", &view), grpc::StatusCode::INVALID_ARGUMENT, "", "household_id"));
}

TEST_F(ReferralServiceTest, ListReferralsShowsTheSenderItsReferralsAndEachReceiverItsOwnInbox) {
  Household h1 = NewHousehold();
  Household h2 = NewHousehold();
  const auto linde_consent =
      RecordConsent(h1, h1.anouk, "zorgaanbieder-de-linde", {"CONTACT"}, kPurpose, clock_.Now() + 30 * kDay);
  h1.intake_positions = linde_consent.result().positions();
  const std::string r1 = RequestOk(RequestFor(h1, "fermwerk"));  // due 2026-04-13
  const std::string r2 = RequestOk(RequestFor(h1, "zorgaanbieder-de-linde", {"CONTACT"}));
  clock_.Advance(5 * kDay);  // Tuesday 2026-04-07
  const std::string r3 = RequestOk(RequestFor(h2, "fermwerk"));  // due 2026-04-14

  using hub::v1::REFERRAL_ROLE_RECEIVER;
  using hub::v1::REFERRAL_ROLE_SENDER;
  // The sender: newest request first. Each inbox: oldest answer_due first, its own only.
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_SENDER), kConsulent), ElementsAre(r3, r2, r1));
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_RECEIVER), kFermwerk), ElementsAre(r1, r3));
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_RECEIVER), kDeLinde), ElementsAre(r2));
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_RECEIVER), kSchuldhulp), ElementsAre());
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_SENDER), kWijkteam), ElementsAre());  // sent none
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_SENDER), kOudewater), ElementsAre());
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_RECEIVER), kFermwerkForOudewater), ElementsAre());

  hub::v1::ListReferralsResponse response;
  ASSERT_TRUE(List(ListRequest(REFERRAL_ROLE_RECEIVER), &response, kFermwerk).ok());
  ASSERT_EQ(response.referrals_size(), 2);
  const auto& line = response.referrals(1);
  EXPECT_EQ(line.household_id(), h2.id);
  EXPECT_EQ(line.referral_id(), r3);
  EXPECT_EQ(line.person_id(), h2.anouk);
  EXPECT_EQ(line.sender_organisation_id(), "woerdenwijzer");
  EXPECT_EQ(line.receiver_organisation_id(), "fermwerk");
  EXPECT_EQ(line.receiver_kind(), hub::v1::RECEIVER_KIND_WORK_AND_INCOME);
  EXPECT_EQ(line.status(), hub::v1::REFERRAL_STATUS_REQUESTED);
  EXPECT_EQ(line.requested_on(), "2026-04-07");
  EXPECT_EQ(line.answer_due(), "2026-04-14");
  EXPECT_EQ(line.meeting_on(), "");
  EXPECT_EQ(line.closed_on(), "");
  EXPECT_FALSE(line.overdue());
  EXPECT_EQ(response.referrals(0).answer_due(), kAnswerDue);

  // Status filter, as of today.
  ASSERT_TRUE(Accept(h1, r1, kFermwerk).ok());
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_SENDER, hub::v1::REFERRAL_STATUS_ACCEPTED), kConsulent),
              ElementsAre(r1));
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_SENDER, hub::v1::REFERRAL_STATUS_REQUESTED), kConsulent),
              ElementsAre(r3, r2));
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_RECEIVER, hub::v1::REFERRAL_STATUS_REQUESTED), kFermwerk),
              ElementsAre(r3));

  // Overdue: a handover meeting whose day passed without completion.
  ASSERT_TRUE(Schedule(h1, r1, "2026-04-08", kFermwerk).ok());
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_RECEIVER, {}, true), kFermwerk), ElementsAre());
  clock_.Advance(kDay);  // 2026-04-08, the meeting day: not overdue yet
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_RECEIVER, {}, true), kFermwerk), ElementsAre());
  clock_.Advance(kDay);  // 2026-04-09
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_RECEIVER, {}, true), kFermwerk), ElementsAre(r1));
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_SENDER, {}, true), kConsulent), ElementsAre(r1));
  response.Clear();
  ASSERT_TRUE(List(ListRequest(REFERRAL_ROLE_SENDER, hub::v1::REFERRAL_STATUS_HANDOVER_MEETING), &response,
                   kConsulent)
                  .ok());
  ASSERT_EQ(response.referrals_size(), 1);
  EXPECT_TRUE(response.referrals(0).overdue());
  EXPECT_EQ(response.referrals(0).meeting_on(), "2026-04-08");
  EXPECT_TRUE(ViewOf(h1, r1).overdue());
  ASSERT_TRUE(Complete(h1, r1, kConsulent).ok());
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_RECEIVER, {}, true), kFermwerk), ElementsAre());
  EXPECT_THAT(Listed(ListRequest(REFERRAL_ROLE_RECEIVER, hub::v1::REFERRAL_STATUS_COMPLETED), kFermwerk),
              ElementsAre(r1));

  // Refusals.
  EXPECT_TRUE(Refused(List(ListRequest(REFERRAL_ROLE_SENDER), &response, kFermwerk),
                      grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(Refused(List(ListRequest(hub::v1::REFERRAL_ROLE_UNSPECIFIED), &response, kConsulent),
                      grpc::StatusCode::INVALID_ARGUMENT, "", "role"));
  EXPECT_TRUE(Refused(List(ListRequest(static_cast<hub::v1::ReferralRole>(7)), &response, kConsulent),
                      grpc::StatusCode::INVALID_ARGUMENT, "", "role"));
  EXPECT_TRUE(Refused(List(ListRequest(REFERRAL_ROLE_SENDER, static_cast<hub::v1::ReferralStatus>(99)), &response,
                           kConsulent),
                      grpc::StatusCode::INVALID_ARGUMENT, "", "status"));
  auto other_tenant = ListRequest(REFERRAL_ROLE_SENDER);
  other_tenant.set_tenant("GM0589");
  EXPECT_TRUE(Refused(List(other_tenant, &response, kConsulent), grpc::StatusCode::PERMISSION_DENIED));
  for (const Identity* who : {&kSignalGiver, &kAuditor, &kOperator, &kDecisionOffice}) {
    EXPECT_TRUE(
        Refused(List(ListRequest(REFERRAL_ROLE_RECEIVER), &response, *who), grpc::StatusCode::PERMISSION_DENIED))
        << who->organisation;
  }
}

TEST_F(ReferralServiceTest, ListReferralsPagesWithTokens) {
  std::vector<std::string> sent;
  for (int i = 0; i < 3; ++i) {
    const Household h = NewHousehold();
    sent.insert(sent.begin(), RequestOk(RequestFor(h, "fermwerk")));  // newest first
    clock_.Advance(std::chrono::hours(1));
  }
  auto page_through = [&](hub::v1::ListReferralsRequest request, const Identity& who, std::vector<int>* sizes) {
    std::vector<std::string> seen;
    std::string token;
    do {
      request.mutable_page()->set_page_token(token);
      hub::v1::ListReferralsResponse response;
      auto answer = List(request, &response, who);
      EXPECT_TRUE(answer.ok()) << Describe(answer);
      if (!answer.ok()) break;
      sizes->push_back(response.referrals_size());
      for (const auto& r : response.referrals()) seen.push_back(r.referral_id());
      token = response.next_page_token();
    } while (!token.empty() && sizes->size() < 10);
    return seen;
  };
  auto by_one = ListRequest(hub::v1::REFERRAL_ROLE_SENDER);
  by_one.mutable_page()->set_page_size(1);
  std::vector<int> sizes;
  EXPECT_EQ(page_through(by_one, kConsulent, &sizes), sent);
  EXPECT_THAT(sizes, ElementsAre(1, 1, 1));
  sizes.clear();
  auto inbox = ListRequest(hub::v1::REFERRAL_ROLE_RECEIVER);
  inbox.mutable_page()->set_page_size(2);
  const std::vector<std::string> oldest_first(sent.rbegin(), sent.rend());
  EXPECT_EQ(page_through(inbox, kFermwerk, &sizes), oldest_first);
  EXPECT_THAT(sizes, ElementsAre(2, 1));
  // Paging with a filter: the token resumes after the last line returned.
  sizes.clear();
  auto requested = ListRequest(hub::v1::REFERRAL_ROLE_RECEIVER, hub::v1::REFERRAL_STATUS_REQUESTED);
  requested.mutable_page()->set_page_size(1);
  EXPECT_EQ(page_through(requested, kFermwerk, &sizes), oldest_first);
  EXPECT_THAT(sizes, ElementsAre(1, 1, 1));

  hub::v1::ListReferralsResponse response;
  auto bad = ListRequest(hub::v1::REFERRAL_ROLE_SENDER);
  bad.mutable_page()->set_page_token("not-a-token!");
  auto answer = List(bad, &response, kConsulent);
  EXPECT_TRUE(Refused(answer, grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(answer.status.error_message(), HasSubstr("page_token"));
  // A token of the sender's list does not page through an inbox.
  ASSERT_TRUE(List(by_one, &response, kConsulent).ok());
  ASSERT_FALSE(response.next_page_token().empty());
  auto foreign = ListRequest(hub::v1::REFERRAL_ROLE_RECEIVER);
  foreign.mutable_page()->set_page_token(response.next_page_token());
  EXPECT_TRUE(Refused(List(foreign, &response, kFermwerk), grpc::StatusCode::INVALID_ARGUMENT));
  auto too_big = ListRequest(hub::v1::REFERRAL_ROLE_SENDER);
  too_big.mutable_page()->set_page_size(501);
  EXPECT_TRUE(Refused(List(too_big, &response, kConsulent), grpc::StatusCode::INVALID_ARGUMENT, "", "page.page_size"));
}

// ---- who may do nothing at all --------------------------------------------------------------

TEST_F(ReferralServiceTest, SignalGiversAuditorsOperatorsAndTheDecisionOfficeAreDeniedEverywhere) {
  const Household h = NewHousehold();
  const std::string id = RequestOk(RequestFor(h, "fermwerk"));
  ASSERT_TRUE(Accept(h, id, kFermwerk).ok());
  const int64_t records = RecordsIn(kReferralTopic);
  for (const Identity* who : {&kSignalGiver, &kAuditor, &kOperator, &kDecisionOffice}) {
    SCOPED_TRACE(who->organisation);
    hub::v1::RequestReferralReply requested;
    EXPECT_TRUE(Refused(Request(RequestFor(h, "fermwerk"), &requested, *who), grpc::StatusCode::PERMISSION_DENIED));
    EXPECT_TRUE(Refused(Accept(h, id, *who), grpc::StatusCode::PERMISSION_DENIED));
    EXPECT_TRUE(Refused(Decline(h, id, "Nee.", *who), grpc::StatusCode::PERMISSION_DENIED));
    EXPECT_TRUE(Refused(Schedule(h, id, "2026-04-09", *who), grpc::StatusCode::PERMISSION_DENIED));
    EXPECT_TRUE(Refused(Complete(h, id, *who), grpc::StatusCode::PERMISSION_DENIED));
    EXPECT_TRUE(Refused(Withdraw(h, id, "Nee.", *who), grpc::StatusCode::PERMISSION_DENIED));
    hub::v1::HandoverDossier dossier;
    EXPECT_TRUE(Refused(Dossier(h, id, &dossier, *who), grpc::StatusCode::PERMISSION_DENIED));
    EXPECT_FALSE(dossier.has_contact());
    hub::v1::HouseholdReferrals view;
    EXPECT_TRUE(Refused(Referrals(h.id, &view, *who), grpc::StatusCode::PERMISSION_DENIED));
    EXPECT_EQ(view.referrals_size(), 0);
    hub::v1::ListReferralsResponse response;
    for (auto role : {hub::v1::REFERRAL_ROLE_SENDER, hub::v1::REFERRAL_ROLE_RECEIVER}) {
      EXPECT_TRUE(Refused(List(ListRequest(role), &response, *who), grpc::StatusCode::PERMISSION_DENIED));
    }
  }
  EXPECT_EQ(RecordsIn(kReferralTopic), records);
}

// ---- idempotency ----------------------------------------------------------------------------

TEST_F(ReferralServiceTest, ARetryWithTheSameRequestIdReturnsTheFirstReferralAndAppendsNothing) {
  Household h = NewHousehold();
  const auto request = RequestFor(h, "fermwerk");
  hub::v1::RequestReferralReply first;
  ASSERT_TRUE(Request(request, &first).ok());
  hub::v1::RequestReferralReply retry;
  auto answer = Request(request, &retry);
  ASSERT_TRUE(answer.ok()) << Describe(answer);  // not REFERRAL_OPEN: it is the same request
  EXPECT_TRUE(retry.result().replayed());
  EXPECT_EQ(retry.referral_id(), first.referral_id());
  EXPECT_EQ(retry.answer_due(), first.answer_due());
  EXPECT_THAT(retry.consent_ids(), ElementsAre(h.consent_id));
  EXPECT_EQ(retry.result().version(), 1);
  ASSERT_EQ(retry.result().event_ids_size(), 1);
  EXPECT_EQ(retry.result().event_ids(0), first.result().event_ids(0));
  EXPECT_EQ(RecordsIn(kReferralTopic), 1);

  // Still the first outcome after the consent was withdrawn and a day passed.
  const auto withdrawn = WithdrawConsent(h, h.consent_id);
  h.intake_positions = withdrawn.positions();
  clock_.Advance(kDay);
  auto late = request;
  *late.mutable_header()->mutable_min_positions() = withdrawn.positions();
  hub::v1::RequestReferralReply late_retry;
  answer = Request(late, &late_retry);
  ASSERT_TRUE(answer.ok()) << Describe(answer);
  EXPECT_TRUE(late_retry.result().replayed());
  EXPECT_EQ(late_retry.referral_id(), first.referral_id());
  EXPECT_EQ(late_retry.answer_due(), kAnswerDue);

  hub::v1::CommandReply accepted;
  ASSERT_TRUE(Accept(h, first.referral_id(), kFermwerk, &accepted, "accept-once").ok());
  EXPECT_FALSE(accepted.replayed());
  hub::v1::CommandReply accepted_again;
  answer = Accept(h, first.referral_id(), kFermwerk, &accepted_again, "accept-once");
  ASSERT_TRUE(answer.ok()) << Describe(answer);  // not REFERRAL_NOT_REQUESTED
  EXPECT_TRUE(accepted_again.replayed());
  EXPECT_EQ(accepted_again.version(), accepted.version());
  EXPECT_EQ(RecordsIn(kReferralTopic), 2);
  const auto answered = Histogram("hub_referral_answer_seconds");
  ASSERT_TRUE(answered.has_value());
  EXPECT_EQ(answered->first, 1u);  // the retry is no second answer
  EXPECT_EQ(ReferralsOk(h).referrals_size(), 1);
}

// ---- metrics --------------------------------------------------------------------------------

TEST_F(ReferralServiceTest, MetricsCountReferralsByStatusAnswerTimesExpiriesAndHandovers) {
  Household h1 = NewHousehold();
  const Household h2 = NewHousehold();
  const auto linde_consent =
      RecordConsent(h1, h1.anouk, "zorgaanbieder-de-linde", {"CONTACT"}, kPurpose, clock_.Now() + 60 * kDay);
  h1.intake_positions = linde_consent.result().positions();
  const std::string completed = RequestOk(RequestFor(h1, "fermwerk"));
  const std::string declined = RequestOk(RequestFor(h1, "zorgaanbieder-de-linde", {"CONTACT"}));
  const std::string unanswered = RequestOk(RequestFor(h2, "fermwerk"));

  EXPECT_EQ(ReferralsGauge("REQUESTED", "WORK_AND_INCOME"), 2);
  EXPECT_EQ(ReferralsGauge("REQUESTED", "CARE_PROVIDER"), 1);
  EXPECT_EQ(ReferralsGauge("REQUESTED", "DEBT_SERVICES"), 0);
  EXPECT_EQ(ReferralsGauge("REQUESTED", "WORK_AND_INCOME", "GM0589"), 0);
  auto answered = Histogram("hub_referral_answer_seconds");
  ASSERT_TRUE(answered.has_value());
  EXPECT_EQ(answered->first, 0u);
  EXPECT_EQ(Metric("hub_referral_expired_total"), 0);
  EXPECT_EQ(Metric("hub_referral_handovers_completed_total"), 0);

  clock_.Advance(std::chrono::hours(2));
  ASSERT_TRUE(Decline(h1, declined, "Geen plek.", kDeLinde).ok());
  clock_.Advance(std::chrono::hours(22));
  ASSERT_TRUE(Accept(h1, completed, kFermwerk).ok());
  answered = Histogram("hub_referral_answer_seconds");
  ASSERT_TRUE(answered.has_value());
  EXPECT_EQ(answered->first, 2u);
  EXPECT_DOUBLE_EQ(answered->second, 2 * 3600.0 + 24 * 3600.0);
  EXPECT_EQ(ReferralsGauge("ACCEPTED", "WORK_AND_INCOME"), 1);
  EXPECT_EQ(ReferralsGauge("DECLINED", "CARE_PROVIDER"), 1);

  ASSERT_TRUE(Schedule(h1, completed, "2026-04-07", kFermwerk).ok());
  EXPECT_EQ(ReferralsGauge("HANDOVER_MEETING", "WORK_AND_INCOME"), 1);
  clock_.Advance(4 * kDay);  // Tuesday 2026-04-07
  ASSERT_TRUE(Complete(h1, completed, kFermwerk).ok());
  EXPECT_EQ(Metric("hub_referral_handovers_completed_total"), 1);

  clock_.Advance(7 * kDay);  // Tuesday 2026-04-14: the unanswered one is expired as of today
  EXPECT_EQ(ReferralsGauge("EXPIRED", "WORK_AND_INCOME"), 1);
  EXPECT_EQ(ReferralsGauge("REQUESTED", "WORK_AND_INCOME"), 0);
  EXPECT_EQ(Metric("hub_referral_expired_total"), 0);  // not recorded yet
  auto swept = module_->ExpireDue();
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(*swept, 1);
  EXPECT_EQ(Metric("hub_referral_expired_total"), 1);
  EXPECT_EQ(ReferralsGauge("EXPIRED", "WORK_AND_INCOME"), 1);
  EXPECT_EQ(ReferralsGauge("COMPLETED", "WORK_AND_INCOME"), 1);
  EXPECT_EQ(ReferralsGauge("DECLINED", "CARE_PROVIDER"), 1);
  EXPECT_EQ(ReferralsGauge("ACCEPTED", "WORK_AND_INCOME"), 0);
  EXPECT_EQ(ReferralsGauge("HANDOVER_MEETING", "WORK_AND_INCOME"), 0);
  EXPECT_EQ(ReferralsGauge("EXPIRED", "WORK_AND_INCOME", "GM0589"), 0);
  EXPECT_EQ(Metric("hub_events_appended_total", {{"topic", kReferralTopic}}),
            static_cast<double>(RecordsIn(kReferralTopic)));
  EXPECT_EQ(RecordsIn(kReferralTopic), 8);  // 3 requests, decline, accept, schedule, complete, expiry
  EXPECT_FALSE(unanswered.empty());
}

}  // namespace
}  // namespace hub::referral
