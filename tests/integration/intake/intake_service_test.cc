// The intake service over real gRPC on loopback: every call, the validation errors, idempotent
// retries, optimistic concurrency, authorization, paging, restarts and the deadline metrics.
#include <grpcpp/grpcpp.h>

#include "common/es/clock.h"
#include "common/es/envelope.h"
#include "common/log/rocks_log.h"
#include "common/rpc/server_host.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/v1/intake.grpc.pb.h"
#include "prometheus/registry.h"
#include "services/intake/module.h"
#include "tests/testing/temp_dir.h"

namespace hub::intake {
namespace {

using ::testing::HasSubstr;
using std::chrono::system_clock;

// 2026-01-12 09:00 in the Netherlands (08:00 UTC), a Monday.
const system_clock::time_point kMonday = system_clock::time_point(std::chrono::seconds(1768204800));

struct Identity {
  std::string tenant = "GM0632";
  std::string organisation = "woerdenwijzer";
  std::string role = "consulent";
  std::string user = "u-consulent-1";
};

const Identity kSocialTeam{};
const Identity kSignalGiver{"GM0632", "basisschool-de-regenboog", "signaalgever", "u-school-1"};
const Identity kOudewater{"GM0589", "sociaal-team-oudewater", "consulent", "u-ow-1"};

class IntakeServiceTest : public ::testing::Test {
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

  void Start() {
    auto log = log::RocksLog::Open({.path = dir_.Sub("log")});
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    host_ = std::make_unique<rpc::ServerHost>(rpc::ServerHostOptions{.listen_address = "127.0.0.1:0",
                                                                     .metrics_address = ""});
    auto module = IntakeModule::Open({.data_dir = dir_.Sub("intake"),
                                      .partitions = 4,
                                      .log = log_.get(),
                                      .organisations = register_.get(),
                                      .master_key = master_key_.get(),
                                      .clock = &clock_,
                                      .metrics = host_->registry().get()});
    ASSERT_TRUE(module.ok()) << module.status();
    module_ = std::move(*module);
    host_->AddService(module_->service());
    ASSERT_TRUE(host_->Start().ok());
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->port()), grpc::InsecureChannelCredentials());
    stub_ = hub::v1::IntakeService::NewStub(channel_);
  }

  void Stop() {
    stub_.reset();
    channel_.reset();
    if (host_) host_->Shutdown();
    // The modules first: their metrics live in the host's registry.
    module_.reset();
    host_.reset();
    log_.reset();
  }

  std::unique_ptr<grpc::ClientContext> Context(const Identity& who = kSocialTeam) {
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

  static hub::v1::RegisterMeldingRequest Melding(const std::string& request_id,
                                                 std::vector<std::pair<std::string, std::string>> persons = {
                                                     {"111222333", "1984-05-02"}, {"123456782", "2011-09-14"}}) {
    hub::v1::RegisterMeldingRequest request;
    request.mutable_header()->set_request_id(request_id);
    request.set_tenant("GM0632");
    request.set_channel(hub::v1::CHANNEL_VINDPLAATS);
    request.set_source(hub::v1::SIGNAL_SOURCE_SCHOOL);
    int n = 0;
    for (const auto& [bsn, birth] : persons) {
      auto* p = request.add_persons();
      p->set_bsn(bsn);
      p->set_birth_date(birth);
      p->set_name("Persoon " + std::to_string(++n) + " de Vries");
      p->set_relation(n == 1 ? "parent" : "child");
    }
    request.set_question("Zoon komt vaak te laat en zonder ontbijt op school.");
    request.add_life_domains("HUISELIJKE_RELATIES");
    request.add_data_categories("CONTACT");
    return request;
  }

  hub::v1::RegisterMeldingReply Register(const hub::v1::RegisterMeldingRequest& request,
                                         const Identity& who = kSocialTeam) {
    hub::v1::RegisterMeldingReply reply;
    auto context = Context(who);
    auto status = stub_->RegisterMelding(context.get(), request, &reply);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return reply;
  }

  hub::v1::Household Get(const std::string& household_id) {
    hub::v1::GetHouseholdRequest request;
    request.set_household_id(household_id);
    hub::v1::Household household;
    auto context = Context();
    auto status = stub_->GetHousehold(context.get(), request, &household);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return household;
  }

  testing::TempDir dir_;
  es::ManualClock clock_{kMonday};
  std::unique_ptr<config::Register> register_;
  std::unique_ptr<keys::MasterKey> master_key_;
  std::unique_ptr<log::RocksLog> log_;
  std::unique_ptr<rpc::ServerHost> host_;
  std::unique_ptr<IntakeModule> module_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<hub::v1::IntakeService::Stub> stub_;
};

TEST_F(IntakeServiceTest, RegisterMeldingCreatesAHouseholdWithItsOnderzoekDueInSixWeeks) {
  auto reply = Register(Melding("r-1"));
  EXPECT_FALSE(reply.result().household_id().empty());
  EXPECT_EQ(reply.result().version(), 1);
  EXPECT_FALSE(reply.result().replayed());
  EXPECT_EQ(reply.onderzoek_due(), "2026-02-23");
  EXPECT_EQ(reply.person_ids_size(), 2);
  EXPECT_FALSE(reply.joined_existing_household());
  ASSERT_EQ(reply.result().positions_size(), 1);
  EXPECT_EQ(reply.result().positions(0).topic(), "hub.intake.events.v1");

  auto household = Get(reply.result().household_id());
  EXPECT_EQ(household.tenant(), "GM0632");
  ASSERT_EQ(household.members_size(), 2);
  EXPECT_EQ(household.members(0).name(), "Persoon 1 de Vries");
  EXPECT_EQ(household.members(1).birth_date(), "2011-09-14");
  ASSERT_EQ(household.meldingen_size(), 1);
  EXPECT_EQ(household.meldingen(0).state(), "OPEN");
  EXPECT_EQ(household.meldingen(0).onderzoek_due(), "2026-02-23");
  EXPECT_EQ(household.meldingen(0).question(), "Zoon komt vaak te laat en zonder ontbijt op school.");
}

TEST_F(IntakeServiceTest, NoBsnOrNameReachesTheLogInClearText) {
  auto reply = Register(Melding("r-1"));
  for (int32_t p = 0; p < 4; ++p) {
    std::vector<log::Record> records;
    ASSERT_TRUE(log_->Read({"hub.intake.events.v1", p}, 0, 1000, &records).ok());
    for (const auto& r : records) {
      EXPECT_EQ(r.value.find("111222333"), std::string::npos);
      EXPECT_EQ(r.value.find("123456782"), std::string::npos);
      EXPECT_EQ(r.value.find("de Vries"), std::string::npos);
      EXPECT_EQ(r.value.find("ontbijt"), std::string::npos);
    }
  }
}

TEST_F(IntakeServiceTest, AMeldingAboutAKnownPersonJoinsTheirHousehold) {
  auto first = Register(Melding("r-1"));
  auto second = Register(Melding("r-2", {{"123456782", "2011-09-14"}, {"999999990", "1960-01-01"}}));
  EXPECT_EQ(second.result().household_id(), first.result().household_id());
  EXPECT_TRUE(second.joined_existing_household());
  EXPECT_EQ(second.result().version(), 2);
  EXPECT_EQ(second.person_ids(0), first.person_ids(1));
  auto household = Get(first.result().household_id());
  EXPECT_EQ(household.members_size(), 3);
  EXPECT_EQ(household.meldingen_size(), 2);
}

TEST_F(IntakeServiceTest, ARetryWithTheSameRequestIdReturnsTheFirstResultAndAppendsNothing) {
  auto first = Register(Melding("r-1"));
  auto retry = Register(Melding("r-1"));
  EXPECT_TRUE(retry.result().replayed());
  EXPECT_EQ(retry.result().household_id(), first.result().household_id());
  EXPECT_EQ(retry.melding_id(), first.melding_id());
  EXPECT_EQ(retry.result().event_ids(0), first.result().event_ids(0));
  EXPECT_THAT(retry.person_ids(), ::testing::ElementsAreArray(first.person_ids()));
  EXPECT_EQ(Get(first.result().household_id()).version(), 1);
}

struct BadInput {
  std::string name;
  std::function<void(hub::v1::RegisterMeldingRequest&)> mutate;
  std::string field;
};

TEST_F(IntakeServiceTest, BadInputIsInvalidArgumentNamingTheField) {
  const std::vector<BadInput> cases = {
      {"invalid bsn", [](auto& r) { r.mutable_persons(1)->set_bsn("123456789"); }, "persons[1].bsn"},
      {"short bsn", [](auto& r) { r.mutable_persons(0)->set_bsn("1234"); }, "persons[0].bsn"},
      {"unknown tenant", [](auto& r) { r.set_tenant("GM9999"); }, "tenant"},
      {"no persons", [](auto& r) { r.clear_persons(); }, "persons"},
      {"future birth date", [](auto& r) { r.mutable_persons(0)->set_birth_date("2031-01-01"); },
       "persons[0].birth_date"},
      {"not a date", [](auto& r) { r.mutable_persons(0)->set_birth_date("02-05-1984"); }, "persons[0].birth_date"},
      {"no name", [](auto& r) { r.mutable_persons(0)->clear_name(); }, "persons[0].name"},
      {"unknown life domain", [](auto& r) { r.add_life_domains("GELUK"); }, "life_domains[1]"},
      {"no request id", [](auto& r) { r.mutable_header()->clear_request_id(); }, "header.request_id"},
  };
  for (const auto& c : cases) {
    auto request = Melding("r-" + c.name);
    c.mutate(request);
    hub::v1::RegisterMeldingReply reply;
    auto context = Context();
    auto status = stub_->RegisterMelding(context.get(), request, &reply);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_THAT(status.error_message(), HasSubstr(c.field + ":")) << c.name;
    EXPECT_EQ(Trailer(*context, "hub-field"), c.field) << c.name;
  }
  EXPECT_EQ(log_->EndOffset({"hub.intake.events.v1", 0}).value() + log_->EndOffset({"hub.intake.events.v1", 1}).value() +
                log_->EndOffset({"hub.intake.events.v1", 2}).value() + log_->EndOffset({"hub.intake.events.v1", 3}).value(),
            0);
}

TEST_F(IntakeServiceTest, ASignalGiverMayNotSendMedicalDataNorReadAHousehold) {
  auto request = Melding("r-school");
  request.add_data_categories("MEDICAL");
  hub::v1::RegisterMeldingReply reply;
  auto context = Context(kSignalGiver);
  auto status = stub_->RegisterMelding(context.get(), request, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Trailer(*context, "hub-field"), "data_categories[1]");

  auto accepted = Register(Melding("r-school-2"), kSignalGiver);
  hub::v1::GetHouseholdRequest get;
  get.set_household_id(accepted.result().household_id());
  hub::v1::Household household;
  auto read = Context(kSignalGiver);
  EXPECT_EQ(stub_->GetHousehold(read.get(), get, &household).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(IntakeServiceTest, CallersMustIdentifyAsAKnownOrganisationOfTheTenant) {
  hub::v1::GetHouseholdRequest get;
  get.set_household_id("x");
  hub::v1::Household household;
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->GetHousehold(&anonymous, get, &household).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto unknown = Context(Identity{"GM0632", "no-such-org", "consulent", "u"});
  EXPECT_EQ(stub_->GetHousehold(unknown.get(), get, &household).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto wrong_role = Context(Identity{"GM0632", "woerdenwijzer", "decision_officer", "u"});
  EXPECT_EQ(stub_->GetHousehold(wrong_role.get(), get, &household).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(IntakeServiceTest, AnotherMunicipalityCannotSeeTheHousehold) {
  auto reply = Register(Melding("r-1"));
  hub::v1::GetHouseholdRequest get;
  get.set_household_id(reply.result().household_id());
  hub::v1::Household household;
  auto context = Context(kOudewater);
  EXPECT_EQ(stub_->GetHousehold(context.get(), get, &household).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(IntakeServiceTest, ConsentTriageRegisseurAndClosingShowInTheHousehold) {
  auto melding = Register(Melding("r-1"));
  const std::string household_id = melding.result().household_id();

  hub::v1::RecordConsentRequest consent;
  consent.mutable_header()->set_request_id("r-consent");
  consent.set_household_id(household_id);
  consent.set_person_id(melding.person_ids(0));
  consent.set_recipient_organisation_id("fermwerk");
  consent.add_data_categories("CONTACT");
  consent.add_data_categories("FINANCIAL");
  consent.set_purpose("warme overdracht werk en inkomen");
  consent.mutable_valid_until()->set_seconds(1800000000);
  hub::v1::RecordConsentReply consent_reply;
  auto c1 = Context();
  ASSERT_TRUE(stub_->RecordConsent(c1.get(), consent, &consent_reply).ok());
  EXPECT_FALSE(consent_reply.consent_id().empty());

  hub::v1::CompleteTriageRequest triage;
  triage.mutable_header()->set_request_id("r-triage");
  triage.set_household_id(household_id);
  triage.set_melding_id(melding.melding_id());
  triage.set_triage_class("MEERVOUDIG");
  (*triage.mutable_zrm_scores())["FINANCIEN"] = 2;
  (*triage.mutable_zrm_scores())["HUISELIJKE_RELATIES"] = 3;
  hub::v1::CommandReply reply;
  auto c2 = Context();
  ASSERT_TRUE(stub_->CompleteTriage(c2.get(), triage, &reply).ok());

  (*triage.mutable_zrm_scores())["FINANCIEN"] = 7;
  triage.mutable_header()->set_request_id("r-triage-bad");
  auto c3 = Context();
  auto bad = stub_->CompleteTriage(c3.get(), triage, &reply);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Trailer(*c3, "hub-field"), "zrm_scores[FINANCIEN]");

  hub::v1::AssignRegisseurRequest assign;
  assign.mutable_header()->set_request_id("r-regisseur");
  assign.set_household_id(household_id);
  assign.set_organisation_id("woerdenwijzer");
  assign.set_user_pseudonym("u-regisseur-7");
  auto c4 = Context();
  ASSERT_TRUE(stub_->AssignRegisseur(c4.get(), assign, &reply).ok());
  assign.mutable_header()->set_request_id("r-regisseur-fermwerk");
  assign.set_organisation_id("fermwerk");
  auto c5 = Context();
  auto refused = stub_->AssignRegisseur(c5.get(), assign, &reply);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Trailer(*c5, "hub-reason"), "NOT_A_SOCIAL_TEAM");

  hub::v1::WithdrawConsentRequest withdraw;
  withdraw.mutable_header()->set_request_id("r-withdraw");
  withdraw.set_household_id(household_id);
  withdraw.set_consent_id(consent_reply.consent_id());
  auto c6 = Context();
  ASSERT_TRUE(stub_->WithdrawConsent(c6.get(), withdraw, &reply).ok());

  hub::v1::CloseMeldingRequest close;
  close.mutable_header()->set_request_id("r-close");
  close.set_household_id(household_id);
  close.set_melding_id(melding.melding_id());
  close.set_reason("REFERRED");
  auto c7 = Context();
  ASSERT_TRUE(stub_->CloseMelding(c7.get(), close, &reply).ok());
  close.mutable_header()->set_request_id("r-close-again");
  auto c8 = Context();
  EXPECT_EQ(stub_->CloseMelding(c8.get(), close, &reply).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Trailer(*c8, "hub-reason"), "MELDING_CLOSED");

  auto household = Get(household_id);
  EXPECT_EQ(household.version(), 6);
  ASSERT_EQ(household.consents_size(), 1);
  EXPECT_FALSE(household.consents(0).active());
  EXPECT_EQ(household.latest_triage().triage_class(), "MEERVOUDIG");
  EXPECT_EQ(household.latest_triage().team(), "JEUGD");  // a 14-year-old lives there
  EXPECT_EQ(household.regisseur().user_pseudonym(), "u-regisseur-7");
  EXPECT_EQ(household.meldingen(0).state(), "CLOSED");
  EXPECT_EQ(household.meldingen(0).close_reason(), "REFERRED");
}

TEST_F(IntakeServiceTest, AStaleExpectedVersionIsAbortedAndChangesNothing) {
  auto melding = Register(Melding("r-1"));
  hub::v1::CloseMeldingRequest close;
  close.mutable_header()->set_request_id("r-close");
  close.mutable_header()->set_expected_version(0);
  close.set_household_id(melding.result().household_id());
  close.set_melding_id(melding.melding_id());
  close.set_reason("WITHDRAWN");
  hub::v1::CommandReply reply;
  auto context = Context();
  EXPECT_EQ(stub_->CloseMelding(context.get(), close, &reply).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Get(melding.result().household_id()).version(), 1);
  close.mutable_header()->set_expected_version(1);
  auto again = Context();
  EXPECT_TRUE(stub_->CloseMelding(again.get(), close, &reply).ok());
}

TEST_F(IntakeServiceTest, ListMeldingenFiltersAndPages) {
  for (int i = 0; i < 5; ++i) {
    // Each melding a week later, so the due dates differ.
    Register(Melding("r-" + std::to_string(i), {{i % 2 == 0 ? "111222333" : "123456782", "1980-01-01"}}));
    clock_.Advance(std::chrono::hours(24 * 7));
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    hub::v1::ListMeldingenRequest request;
    request.set_state("OPEN");
    request.mutable_page()->set_page_size(2);
    request.mutable_page()->set_page_token(token);
    hub::v1::ListMeldingenResponse response;
    auto context = Context();
    ASSERT_TRUE(stub_->ListMeldingen(context.get(), request, &response).ok());
    for (const auto& m : response.meldingen()) seen.push_back(m.onderzoek_due());
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ::testing::ElementsAre("2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"));

  hub::v1::ListMeldingenRequest due;
  due.set_due_before("2026-03-02");
  hub::v1::ListMeldingenResponse response;
  auto context = Context();
  ASSERT_TRUE(stub_->ListMeldingen(context.get(), due, &response).ok());
  EXPECT_EQ(response.meldingen_size(), 2);

  hub::v1::ListMeldingenRequest bad;
  bad.mutable_page()->set_page_token("not-a-token");
  auto bad_context = Context();
  EXPECT_EQ(stub_->ListMeldingen(bad_context.get(), bad, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(IntakeServiceTest, ARestartKeepsEverything) {
  auto melding = Register(Melding("r-1"));
  const auto before = Get(melding.result().household_id());
  Stop();
  Start();
  const auto after = Get(melding.result().household_id());
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
  auto retry = Register(Melding("r-1"));
  EXPECT_TRUE(retry.result().replayed());
}

TEST_F(IntakeServiceTest, ReadYourWritesFailsClearlyWhenThePositionIsNotReachedInTime) {
  auto melding = Register(Melding("r-1"));
  hub::v1::GetHouseholdRequest get;
  get.set_household_id(melding.result().household_id());
  *get.add_min_positions() = melding.result().positions(0);
  hub::v1::Household household;
  auto ok = Context();
  EXPECT_TRUE(stub_->GetHousehold(ok.get(), get, &household).ok());
  get.mutable_min_positions(0)->set_offset(1'000'000);
  auto context = Context();
  context->set_deadline(system_clock::now() + std::chrono::milliseconds(200));
  auto status = stub_->GetHousehold(context.get(), get, &household);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(IntakeServiceTest, OverdueMeldingenShowInTheDeadlineGauge) {
  Register(Melding("r-1"));
  auto gauge = [&](const std::string& name) {
    module_->RefreshMetrics();
    for (const auto& family : host_->registry()->Collect()) {
      if (family.name != name) continue;
      for (const auto& metric : family.metric) {
        for (const auto& label : metric.label) {
          if (label.name == "tenant" && label.value == "GM0632") return metric.gauge.value;
        }
      }
    }
    return -1.0;
  };
  EXPECT_EQ(gauge("hub_intake_meldingen_overdue"), 0);
  clock_.Advance(std::chrono::hours(24 * 38));  // due in 4 days
  EXPECT_EQ(gauge("hub_intake_meldingen_due_within_week"), 1);
  clock_.Advance(std::chrono::hours(24 * 7));
  EXPECT_EQ(gauge("hub_intake_meldingen_overdue"), 1);
}

TEST_F(IntakeServiceTest, TheSameRequestIdUsedForTwoTenantsIsTwoCommandsNotARetry) {
  // FermWerk serves several municipalities; its request ids are unique only within each.
  const Identity fermwerk_woerden{"GM0632", "fermwerk", "consulent", "u-fermwerk-1"};
  const Identity fermwerk_oudewater{"GM0589", "fermwerk", "consulent", "u-fermwerk-1"};
  const auto woerden = Register(Melding("fermwerk-42"), fermwerk_woerden);
  auto request = Melding("fermwerk-42", {{"123456782", "2011-09-14"}});
  request.set_tenant("GM0589");
  const auto oudewater = Register(request, fermwerk_oudewater);
  EXPECT_FALSE(oudewater.result().replayed());
  EXPECT_FALSE(oudewater.result().household_id().empty());
  EXPECT_NE(oudewater.result().household_id(), woerden.result().household_id());
}

}  // namespace
}  // namespace hub::intake
