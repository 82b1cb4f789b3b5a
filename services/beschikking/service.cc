#include "services/beschikking/service.h"

#include <algorithm>
#include <set>

#include "common/domain/local_date.h"
#include "common/domain/uuid.h"
#include "common/es/envelope.h"
#include "common/es/rejection_payload.h"
#include "common/rpc/caller.h"
#include "common/rpc/status.h"
#include "fmt/format.h"

namespace hub::beschikking {
namespace {

using config::OrganisationKind;
using service::Allow;
using service::CheckId;
using service::CheckText;
using service::DeadlineOf;
using service::FillReply;
using service::Invalid;
using service::Positions;

constexpr int kMaxProductLines = 50;
// Attempts to find free toewijzingnummers before giving up; with random 8-digit candidates a
// second attempt is already rare.
constexpr int kMaxAllocations = 8;
constexpr int kMaxDueSoonWorkingDays = 20;

// Associated data of each sealed text: a text moved to another field or record does not open.
std::string AanvraagAad(std::string_view aanvraag_id) { return fmt::format("aanvraag:{}", aanvraag_id); }
std::string MotivationAad(std::string_view beschikking_id) { return fmt::format("motivation:{}", beschikking_id); }
std::string CorrectionAad(std::string_view toewijzing_id) { return fmt::format("correction:{}", toewijzing_id); }
std::string RequestAad(std::string_view request_id) { return fmt::format("request:{}", request_id); }
std::string AnswerAad(std::string_view request_id) { return fmt::format("answer:{}", request_id); }
std::string GroundsAad(std::string_view bezwaar_id) { return fmt::format("bezwaar-grounds:{}", bezwaar_id); }
std::string BezwaarDecisionAad(std::string_view bezwaar_id) { return fmt::format("bezwaar-motivation:{}", bezwaar_id); }

constexpr std::initializer_list<OrganisationKind> kDecisionOffice = {OrganisationKind::kDecisionOffice};
constexpr std::initializer_list<OrganisationKind> kProvider = {OrganisationKind::kCareProvider};
constexpr std::initializer_list<OrganisationKind> kTeamOrOffice = {OrganisationKind::kSocialTeam,
                                                                   OrganisationKind::kDecisionOffice};
constexpr std::initializer_list<OrganisationKind> kReaders = {
    OrganisationKind::kSocialTeam, OrganisationKind::kDecisionOffice, OrganisationKind::kCareProvider};

absl::StatusOr<domain::Date> ParseDate(std::string_view field, const std::string& value) {
  auto date = domain::Date::Parse(value);
  if (!date.ok()) return Invalid(field, "not a date YYYY-MM-DD");
  return *date;
}


bool HasReason(const absl::Status& status, std::string_view reason) {
  const auto payload = status.GetPayload(es::kReasonPayloadUrl);  // absl::optional on Debian
  return payload.has_value() && std::string(*payload) == reason;
}

// A care provider with this AGB code serves the tenant.
bool ProviderServes(const config::Register& organisations, std::string_view agb_code, std::string_view tenant) {
  if (agb_code.empty()) return false;
  for (const auto* organisation : organisations.OrganisationsOf(tenant)) {
    if (organisation->kind == OrganisationKind::kCareProvider && organisation->agb_code == agb_code) return true;
  }
  return false;
}

// What intake and plan know of the household, or known = false when intake does not have it for
// `tenant`.
absl::StatusOr<HouseholdFacts> FactsOf(const es::AggregateProjection<intake::IntakeDecider>& households,
                                       const es::AggregateProjection<plan::PlanDecider>& plans,
                                       const std::string& household_id, const std::string& tenant) {
  HouseholdFacts facts;
  auto loaded = households.Load(household_id);
  if (!loaded.ok()) return loaded.status();
  if (loaded->version == 0 || loaded->tenant != tenant) return facts;
  facts.known = true;
  for (const auto& m : loaded->state.members()) {
    auto birth = domain::Date::Parse(m.birth_date());
    if (!birth.ok()) return absl::DataLossError("intake member with an undecodable birth date");
    facts.members.push_back({m.person_id(), *birth, m.relation()});
  }
  const auto& triage = loaded->state.latest_triage();
  facts.triage_melding_id = triage.melding_id();
  facts.triage_class = triage.triage_class();
  facts.triage_completed_on = triage.completed_on();
  auto plan = plans.Load(household_id);
  if (!plan.ok()) return plan.status();
  if (plan->version > 0 && plan->tenant == tenant) {
    if (const plan::Plan* open = plan::OpenPlan(plan->state)) facts.plan_id = open->plan_id();
  }
  return facts;
}

// The law of what a command decides on, from the household's state (UNSPECIFIED when absent: the
// decider then refuses the command naming what is missing).
hub::v1::Law LawOfAanvraag(const BeschikkingState& state, const std::string& aanvraag_id) {
  const Aanvraag* aanvraag = FindAanvraag(state, aanvraag_id);
  return aanvraag == nullptr ? hub::v1::LAW_UNSPECIFIED : aanvraag->submitted().law();
}

hub::v1::Law LawOfRequest(const BeschikkingState& state, const std::string& request_id) {
  const ProviderRequest* request = FindRequest(state, request_id);
  return request == nullptr ? hub::v1::LAW_UNSPECIFIED : RequestLaw(state, *request);
}

hub::v1::Law LawOfBezwaar(const BeschikkingState& state, const std::string& bezwaar_id) {
  const Bezwaar* bezwaar = FindBezwaar(state, bezwaar_id);
  if (bezwaar == nullptr) return hub::v1::LAW_UNSPECIFIED;
  const Beschikking* contested = FindBeschikking(state, bezwaar->filed().beschikking_id());
  return contested == nullptr ? hub::v1::LAW_UNSPECIFIED : contested->issued().law();
}

// The first value `pick` finds in a command's events, so that a retry answers like the first call.
template <class Pick>
std::string FromEvents(const es::CommandOutcome& outcome, Pick pick) {
  for (const auto& e : outcome.events) {
    std::string value = pick(e.beschikking());
    if (!value.empty()) return value;
  }
  return {};
}

void AddToewijzingRefs(const es::CommandOutcome& outcome,
                       google::protobuf::RepeatedPtrField<hub::v1::ToewijzingRef>* refs) {
  for (const auto& e : outcome.events) {
    if (!e.beschikking().has_toewijzing_issued()) continue;
    const auto& t = e.beschikking().toewijzing_issued();
    auto* ref = refs->Add();
    ref->set_toewijzing_id(t.toewijzing_id());
    ref->set_toewijzingnummer(t.toewijzingnummer());
    ref->set_product_code(t.product_code());
    ref->set_provider_agb_code(t.provider_agb_code());
  }
}

void FillDecisionReply(const es::CommandOutcome& outcome, hub::v1::IssueBeschikkingReply* reply) {
  for (const auto& e : outcome.events) {
    if (e.beschikking().has_beschikking_issued()) {
      reply->set_beschikking_id(e.beschikking().beschikking_issued().beschikking_id());
      reply->set_bezwaar_due(e.beschikking().beschikking_issued().bezwaar_due());
      break;
    }
  }
  AddToewijzingRefs(outcome, reply->mutable_toewijzingen());
}

hub::v1::DeadlineKind ToProto(DeadlineKind kind) {
  switch (kind) {
    case DeadlineKind::kBeschikking: return hub::v1::DEADLINE_KIND_BESCHIKKING;
    case DeadlineKind::kStartMessage: return hub::v1::DEADLINE_KIND_START_MESSAGE;
    case DeadlineKind::kRequestAnswer: return hub::v1::DEADLINE_KIND_REQUEST_ANSWER;
    case DeadlineKind::kBezwaarDecision: return hub::v1::DEADLINE_KIND_BEZWAAR_DECISION;
  }
  return hub::v1::DEADLINE_KIND_UNSPECIFIED;
}

hub::v1::DeadlineState ToProto(domain::DeadlineState state) {
  switch (state) {
    case domain::DeadlineState::kOnTime: return hub::v1::DEADLINE_STATE_ON_TIME;
    case domain::DeadlineState::kDueSoon: return hub::v1::DEADLINE_STATE_DUE_SOON;
    case domain::DeadlineState::kOverdue: return hub::v1::DEADLINE_STATE_OVERDUE;
  }
  return hub::v1::DEADLINE_STATE_UNSPECIFIED;
}

}  // namespace

absl::StatusOr<BeschikkingService::Call> BeschikkingService::Prepare(
    grpc::ServerContext* context, const hub::v1::CommandHeader& header, const std::string& household_id,
    std::initializer_list<OrganisationKind> allowed, std::string_view action) {
  auto prepared =
      service::PrepareCommand(context, header, *deps_.organisations, *deps_.clock, *deps_.runner, allowed, action);
  if (!prepared.ok()) return prepared.status();
  if (auto s = CheckId("household_id", household_id); !s.ok()) return s;
  if (deps_.check_owner) {
    if (auto s = deps_.check_owner(household_id); !s.ok()) return s;
  }
  prepared->context.metadata.household_id = household_id;
  // Intake's and plan's facts as of everything durable now (the caller's min_positions were
  // awaited above).
  if (auto s = deps_.runner->CatchUp(prepared->context.deadline); !s.ok()) return s;
  auto facts = FactsOf(*deps_.households, *deps_.plans, household_id, prepared->caller.tenant);
  if (!facts.ok()) return facts.status();
  const auto now = deps_.clock->Now();
  const auto& meta = prepared->context.metadata;
  const domain::Date today = domain::DutchDate(meta.occurred_at ? *meta.occurred_at : now);
  return Call{std::move(*prepared), std::move(*facts), today, domain::DutchDate(now)};
}

absl::StatusOr<es::CommandOutcome> BeschikkingService::Run(Call& call, const BeschikkingDecider::Command& command,
                                                           hub::v1::CommandReply* reply) {
  return service::RunCommand(*deps_.handler, call.prepared.context, command, deps_.on_appended, reply);
}

absl::StatusOr<es::CommandOutcome> BeschikkingService::RunAllocating(
    Call& call, hub::v1::Law law, DecisionDraft* decision, const std::function<BeschikkingDecider::Command()>& command,
    hub::v1::CommandReply* reply) {
  absl::Status refused;
  for (int attempt = 0; attempt < kMaxAllocations; ++attempt) {
    if (decision != nullptr) {
      std::set<std::string> candidates;
      for (ProductDraft& line : decision->products) {
        if (line.product.form() != hub::v1::DELIVERY_FORM_ZIN) continue;
        std::string number = deps_.toewijzingnummers();
        for (int i = 0; i < kMaxAllocations && candidates.contains(number); ++i) number = deps_.toewijzingnummers();
        candidates.insert(number);
        auto in_use = deps_.index->NumberInUse(call.prepared.caller.tenant, law, number);
        if (!in_use.ok()) return in_use.status();
        line.toewijzingnummer = std::move(number);
        line.number_in_use = *in_use;
      }
    }
    auto outcome = Run(call, command(), reply);
    if (outcome.ok() || !HasReason(outcome.status(), "OP275_NUMBER_IN_USE")) return outcome;
    refused = outcome.status();
  }
  return refused;
}

absl::StatusOr<hub::v1::SealedValue> BeschikkingService::Seal(const Call& call, std::string_view text,
                                                              std::string_view what) {
  if (text.empty()) return hub::v1::SealedValue();
  const std::string& tenant = call.prepared.caller.tenant;
  const std::string& household_id = call.prepared.context.metadata.household_id;
  if (auto key = deps_.keys->CreateKey(tenant, household_id); !key.ok()) return key.status();
  return deps_.keys->SealFor(tenant, household_id, text, what);
}

Actor BeschikkingService::ActorOf(const Call& call) const {
  const auto& caller = call.prepared.caller;
  return {caller.organisation_id, caller.role, caller.organisation->agb_code};
}

ProductDraft BeschikkingService::MakeLine(const Call& call, const hub::v1::ProductInput& input) {
  ProductDraft draft;
  auto& p = draft.product;
  p.set_product_code(input.product_code());
  p.set_volume(input.volume());
  p.set_unit(input.unit());
  p.set_frequency(input.frequency());
  p.set_start_date(input.start_date());
  p.set_end_date(input.end_date());
  p.set_form(input.form());
  p.set_provider_agb_code(input.provider_agb_code());
  p.set_pgb_budget_cents(input.pgb_budget_cents());
  p.set_eigen_bijdrage_cents(input.eigen_bijdrage_cents());
  p.set_replaces_toewijzing_id(input.replaces_toewijzing_id());
  p.set_reden_wijziging(input.reden_wijziging());
  if (const CatalogueProduct* product = deps_.catalogue->Find(input.product_code())) {
    draft.catalogue = *product;
    p.set_category(product->category);
  }
  if (input.form() == hub::v1::DELIVERY_FORM_ZIN) {
    p.set_toewijzing_id(domain::NewUuidV7());
    draft.provider_known = ProviderServes(*deps_.organisations, input.provider_agb_code(), call.prepared.caller.tenant);
  }
  return draft;
}

RequestedProductDraft BeschikkingService::MakeRequested(const hub::v1::RequestedProduct& input) const {
  RequestedProductDraft draft;
  draft.product = input;
  draft.product.clear_category();
  if (const CatalogueProduct* product = deps_.catalogue->Find(input.product_code())) draft.catalogue = *product;
  return draft;
}

absl::StatusOr<DecisionDraft> BeschikkingService::MakeDecision(const Call& call, const hub::v1::DecisionInput& input,
                                                               std::string_view path) {
  if (auto s = CheckText(fmt::format("{}motivation", path), input.motivation(), false); !s.ok()) return s;
  if (input.products_size() > kMaxProductLines) {
    return Invalid(fmt::format("{}products", path), fmt::format("more than {} lines", kMaxProductLines));
  }
  DecisionDraft decision;
  decision.beschikking_id = domain::NewUuidV7();
  decision.outcome = input.outcome();
  for (const auto& line : input.products()) decision.products.push_back(MakeLine(call, line));
  auto motivation = Seal(call, input.motivation(), MotivationAad(decision.beschikking_id));
  if (!motivation.ok()) return motivation.status();
  decision.motivation = std::move(*motivation);
  return decision;
}

// ---- commands --------------------------------------------------------------------------------

grpc::Status BeschikkingService::SubmitAanvraag(grpc::ServerContext* context,
                                                const hub::v1::SubmitAanvraagRequest* request,
                                                hub::v1::SubmitAanvraagReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeamOrOffice, "submit an aanvraag");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("person_id", request->person_id()); !s.ok()) return s;
    if (auto s = CheckText("requested_provision", request->requested_provision(), true); !s.ok()) return s;
    beschikking::SubmitAanvraag command;
    command.aanvraag_id = domain::NewUuidV7();
    command.person_id = request->person_id();
    command.law = request->law();
    command.household = call->household;
    command.today = call->today;
    auto provision = Seal(*call, request->requested_provision(), AanvraagAad(command.aanvraag_id));
    if (!provision.ok()) return provision.status();
    command.requested_provision = std::move(*provision);
    auto outcome = Run(*call, BeschikkingDecider::Command(std::move(command)), reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    reply->set_aanvraag_id(FromEvents(*outcome, [](const auto& e) { return e.aanvraag_submitted().aanvraag_id(); }));
    reply->set_decision_due(FromEvents(*outcome, [](const auto& e) { return e.aanvraag_submitted().decision_due(); }));
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status BeschikkingService::IssueBeschikking(grpc::ServerContext* context,
                                                  const hub::v1::IssueBeschikkingRequest* request,
                                                  hub::v1::IssueBeschikkingReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kDecisionOffice, "issue a beschikking");
    if (!call.ok()) return call.status();
    if (!request->aanvraag_id().empty()) {
      if (auto s = CheckId("aanvraag_id", request->aanvraag_id()); !s.ok()) return s;
    }
    if (!request->request_id().empty()) {
      if (auto s = CheckId("request_id", request->request_id()); !s.ok()) return s;
    }
    auto loaded = deps_.handler->Load(request->household_id(), call->prepared.context.deadline);
    if (!loaded.ok()) return loaded.status();
    const hub::v1::Law law = request->aanvraag_id().empty() ? LawOfRequest(loaded->state, request->request_id())
                                                            : LawOfAanvraag(loaded->state, request->aanvraag_id());
    auto decision = MakeDecision(*call, request->decision(), "decision.");
    if (!decision.ok()) return decision.status();
    beschikking::IssueBeschikking command;
    command.aanvraag_id = request->aanvraag_id();
    command.request_id = request->request_id();
    command.decision = std::move(*decision);
    command.household = call->household;
    command.actor = ActorOf(*call);
    command.today = call->today;
    command.recorded_on = call->recorded_on;
    auto outcome = RunAllocating(
        *call, law, &command.decision, [&] { return BeschikkingDecider::Command(command); }, reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    FillDecisionReply(*outcome, reply);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status BeschikkingService::CorrectToewijzing(grpc::ServerContext* context,
                                                   const hub::v1::CorrectToewijzingRequest* request,
                                                   hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kDecisionOffice, "correct a toewijzing");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("toewijzing_id", request->toewijzing_id()); !s.ok()) return s;
    if (auto s = CheckText("explanation", request->explanation(), true); !s.ok()) return s;
    beschikking::CorrectToewijzing command;
    command.toewijzing_id = request->toewijzing_id();
    command.reden = request->reden_wijziging();
    // A removal (13) takes the toewijzing's own start as both dates.
    if (command.reden != hub::v1::REDEN_WIJZIGING_VERWIJDERD) {
      auto ingang = ParseDate("ingangsdatum", request->ingangsdatum());
      if (!ingang.ok()) return ingang.status();
      auto eind = ParseDate("einddatum", request->einddatum());
      if (!eind.ok()) return eind.status();
      command.ingangsdatum = *ingang;
      command.einddatum = *eind;
    }
    command.actor = ActorOf(*call);
    command.today = call->today;
    auto explanation = Seal(*call, request->explanation(), CorrectionAad(command.toewijzing_id));
    if (!explanation.ok()) return explanation.status();
    command.explanation = std::move(*explanation);
    return Run(*call, BeschikkingDecider::Command(std::move(command)), reply).status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status BeschikkingService::ReportStartZorg(grpc::ServerContext* context,
                                                 const hub::v1::ReportStartZorgRequest* request,
                                                 hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kProvider, "report the start of delivery");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("toewijzing_id", request->toewijzing_id()); !s.ok()) return s;
    auto start = ParseDate("start_date", request->start_date());
    if (!start.ok()) return start.status();
    return Run(*call,
               BeschikkingDecider::Command(
                   beschikking::ReportStartZorg{request->toewijzing_id(), *start, ActorOf(*call), call->recorded_on}),
               reply)
        .status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status BeschikkingService::ReportStopZorg(grpc::ServerContext* context,
                                                const hub::v1::ReportStopZorgRequest* request,
                                                hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kProvider, "report the stop of delivery");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("toewijzing_id", request->toewijzing_id()); !s.ok()) return s;
    auto stop = ParseDate("stop_date", request->stop_date());
    if (!stop.ok()) return stop.status();
    return Run(*call,
               BeschikkingDecider::Command(beschikking::ReportStopZorg{
                   request->toewijzing_id(), *stop, request->reden_beeindiging(), ActorOf(*call), call->recorded_on}),
               reply)
        .status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status BeschikkingService::RequestToewijzing(grpc::ServerContext* context,
                                                   const hub::v1::RequestToewijzingRequest* request,
                                                   hub::v1::ProviderRequestReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kProvider, "ask for a toewijzing");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("person_id", request->person_id()); !s.ok()) return s;
    if (auto s = CheckText("motivation", request->motivation(), false); !s.ok()) return s;
    beschikking::RequestToewijzing command;
    command.request_id = domain::NewUuidV7();
    command.person_id = request->person_id();
    command.law = request->law();
    command.product = MakeRequested(request->product());
    command.verwijzer = request->verwijzer();
    command.actor = ActorOf(*call);
    command.household = call->household;
    command.recorded_on = call->recorded_on;
    auto motivation = Seal(*call, request->motivation(), RequestAad(command.request_id));
    if (!motivation.ok()) return motivation.status();
    command.motivation = std::move(*motivation);
    auto outcome = Run(*call, BeschikkingDecider::Command(std::move(command)), reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    reply->set_request_id(FromEvents(*outcome, [](const auto& e) { return e.toewijzing_requested().request_id(); }));
    reply->set_answer_due(FromEvents(*outcome, [](const auto& e) { return e.toewijzing_requested().answer_due(); }));
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status BeschikkingService::RequestWijziging(grpc::ServerContext* context,
                                                  const hub::v1::RequestWijzigingRequest* request,
                                                  hub::v1::ProviderRequestReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kProvider, "ask to change a toewijzing");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("toewijzing_id", request->toewijzing_id()); !s.ok()) return s;
    if (auto s = CheckText("motivation", request->motivation(), false); !s.ok()) return s;
    beschikking::RequestWijziging command;
    command.request_id = domain::NewUuidV7();
    command.toewijzing_id = request->toewijzing_id();
    command.product = MakeRequested(request->product());
    command.actor = ActorOf(*call);
    command.recorded_on = call->recorded_on;
    auto motivation = Seal(*call, request->motivation(), RequestAad(command.request_id));
    if (!motivation.ok()) return motivation.status();
    command.motivation = std::move(*motivation);
    auto outcome = Run(*call, BeschikkingDecider::Command(std::move(command)), reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    reply->set_request_id(FromEvents(*outcome, [](const auto& e) { return e.wijziging_requested().request_id(); }));
    reply->set_answer_due(FromEvents(*outcome, [](const auto& e) { return e.wijziging_requested().answer_due(); }));
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status BeschikkingService::AnswerRequest(grpc::ServerContext* context,
                                               const hub::v1::AnswerRequestRequest* request,
                                               hub::v1::AnswerRequestReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kDecisionOffice,
                        "answer a provider's request");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("request_id", request->request_id()); !s.ok()) return s;
    if (auto s = CheckText("motivation", request->motivation(), true); !s.ok()) return s;
    beschikking::AnswerRequest command;
    command.request_id = request->request_id();
    command.answer = request->answer();
    command.aanvraag_id = domain::NewUuidV7();
    command.actor = ActorOf(*call);
    command.recorded_on = call->recorded_on;
    auto motivation = Seal(*call, request->motivation(), AnswerAad(command.request_id));
    if (!motivation.ok()) return motivation.status();
    command.motivation = std::move(*motivation);
    auto outcome = Run(*call, BeschikkingDecider::Command(std::move(command)), reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    reply->set_aanvraag_id(FromEvents(*outcome, [](const auto& e) { return e.aanvraag_submitted().aanvraag_id(); }));
    reply->set_decision_due(FromEvents(*outcome, [](const auto& e) { return e.aanvraag_submitted().decision_due(); }));
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status BeschikkingService::FileBezwaar(grpc::ServerContext* context, const hub::v1::FileBezwaarRequest* request,
                                             hub::v1::FileBezwaarReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeamOrOffice, "file a bezwaar");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("beschikking_id", request->beschikking_id()); !s.ok()) return s;
    if (auto s = CheckText("grounds", request->grounds(), true); !s.ok()) return s;
    beschikking::FileBezwaar command;
    command.bezwaar_id = domain::NewUuidV7();
    command.beschikking_id = request->beschikking_id();
    command.today = call->today;
    auto grounds = Seal(*call, request->grounds(), GroundsAad(command.bezwaar_id));
    if (!grounds.ok()) return grounds.status();
    command.grounds = std::move(*grounds);
    auto outcome = Run(*call, BeschikkingDecider::Command(std::move(command)), reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    reply->set_bezwaar_id(FromEvents(*outcome, [](const auto& e) { return e.bezwaar_filed().bezwaar_id(); }));
    reply->set_decision_due(FromEvents(*outcome, [](const auto& e) { return e.bezwaar_filed().decision_due(); }));
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status BeschikkingService::DecideBezwaar(grpc::ServerContext* context,
                                               const hub::v1::DecideBezwaarRequest* request,
                                               hub::v1::DecideBezwaarReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kDecisionOffice, "decide a bezwaar");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("bezwaar_id", request->bezwaar_id()); !s.ok()) return s;
    if (auto s = CheckText("motivation", request->motivation(), true); !s.ok()) return s;
    beschikking::DecideBezwaar command;
    command.bezwaar_id = request->bezwaar_id();
    command.decision = request->decision();
    if (request->has_new_decision()) {
      auto decision = MakeDecision(*call, request->new_decision(), "new_decision.");
      if (!decision.ok()) return decision.status();
      command.new_decision = std::move(*decision);
    }
    command.household = call->household;
    command.actor = ActorOf(*call);
    command.today = call->today;
    command.recorded_on = call->recorded_on;
    auto motivation = Seal(*call, request->motivation(), BezwaarDecisionAad(command.bezwaar_id));
    if (!motivation.ok()) return motivation.status();
    command.motivation = std::move(*motivation);
    auto loaded = deps_.handler->Load(request->household_id(), call->prepared.context.deadline);
    if (!loaded.ok()) return loaded.status();
    const hub::v1::Law law = LawOfBezwaar(loaded->state, request->bezwaar_id());
    DecisionDraft* lines = command.new_decision ? &*command.new_decision : nullptr;
    auto outcome =
        RunAllocating(*call, law, lines, [&] { return BeschikkingDecider::Command(command); }, reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    reply->set_new_beschikking_id(
        FromEvents(*outcome, [](const auto& e) { return e.bezwaar_decided().new_beschikking_id(); }));
    AddToewijzingRefs(*outcome, reply->mutable_toewijzingen());
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status BeschikkingService::ImportLegacyIndication(grpc::ServerContext* context,
                                                        const hub::v1::ImportLegacyIndicationRequest* request,
                                                        hub::v1::IssueBeschikkingReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kDecisionOffice,
                        "import a legacy indication");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("person_id", request->person_id()); !s.ok()) return s;
    if (auto s = CheckId("legacy_reference", request->legacy_reference()); !s.ok()) return s;
    auto decided_on = ParseDate("decided_on", request->decided_on());
    if (!decided_on.ok()) return decided_on.status();
    auto valid_until = ParseDate("valid_until", request->valid_until());
    if (!valid_until.ok()) return valid_until.status();
    hub::v1::DecisionInput input;
    input.set_outcome(hub::v1::BESCHIKKING_OUTCOME_GRANTED);
    input.set_motivation(request->motivation());
    *input.mutable_products() = request->products();
    if (input.products().empty()) return Invalid("products", "an indication carries over at least one product");
    auto decision = MakeDecision(*call, input, "");
    if (!decision.ok()) return decision.status();
    beschikking::ImportLegacyIndication command;
    command.legacy_reference = request->legacy_reference();
    command.person_id = request->person_id();
    command.law = request->law();
    command.decided_on = *decided_on;
    command.valid_until = *valid_until;
    command.decision = std::move(*decision);
    command.household = call->household;
    command.actor = ActorOf(*call);
    command.today = call->today;
    auto outcome = RunAllocating(
        *call, request->law(), &command.decision, [&] { return BeschikkingDecider::Command(command); },
        reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    FillDecisionReply(*outcome, reply);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

// ---- reads -----------------------------------------------------------------------------------

grpc::Status BeschikkingService::GetBeschikkingen(grpc::ServerContext* context,
                                                  const hub::v1::GetBeschikkingenRequest* request,
                                                  hub::v1::BeschikkingenView* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    if (auto s = Allow(*caller, kReaders, "read beschikkingen"); !s.ok()) return s;
    if (auto s = CheckId("household_id", request->household_id()); !s.ok()) return s;
    const auto deadline = DeadlineOf(context);
    if (!request->min_positions().empty()) {
      if (auto s = deps_.runner->WaitFor(Positions(request->min_positions()), deadline); !s.ok()) return s;
    }
    auto loaded = deps_.handler->Load(request->household_id(), deadline);
    if (!loaded.ok()) return loaded.status();
    if (loaded->version == 0 || loaded->tenant != caller->tenant) {
      return absl::NotFoundError("household_id: no beschikkingen for this household in this tenant");
    }
    const std::string& tenant = caller->tenant;
    const BeschikkingState& state = loaded->state;
    // A care provider sees its own toewijzingen and requests, nothing else.
    const bool provider = caller->organisation->kind == OrganisationKind::kCareProvider;
    const std::string& agb = caller->organisation->agb_code;
    auto sees_toewijzing = [&](const Toewijzing& t) { return !provider || t.issued().provider_agb_code() == agb; };
    auto sees_request = [&](const ProviderRequest& r) { return !provider || RequestProvider(r) == agb; };
    if (provider && std::none_of(state.toewijzingen().begin(), state.toewijzingen().end(), sees_toewijzing) &&
        std::none_of(state.requests().begin(), state.requests().end(), sees_request)) {
      return absl::PermissionDeniedError(fmt::format(
          "{} (AGB {}) has no toewijzing and no request in this household", caller->organisation_id, agb));
    }
    auto summary = deps_.index->Summary(tenant, request->household_id());
    if (!summary.ok()) return summary.status();
    // Decrypted only for this reply; an erased key leaves the texts empty.
    auto open = [&](const hub::v1::SealedValue& sealed, std::string_view aad) {
      return service::OpenOrEmpty(*deps_.keys, tenant, sealed, aad);
    };
    const std::string today = domain::DutchDate(deps_.clock->Now()).ToString();
    reply->set_household_id(request->household_id());
    reply->set_tenant(tenant);
    reply->set_version(loaded->version);
    reply->set_restricted(provider);
    if (!provider) {
      for (const auto& a : state.aanvragen()) {
        const auto& s = a.submitted();
        auto* view = reply->add_aanvragen();
        view->set_aanvraag_id(s.aanvraag_id());
        view->set_person_id(s.person_id());
        view->set_law(s.law());
        view->set_requested_provision(open(s.requested_provision(), AanvraagAad(s.aanvraag_id())));
        view->set_submitted_on(s.submitted_on());
        view->set_decision_due(s.decision_due());
        view->set_origin(s.origin());
        view->set_request_id(s.request_id());
        view->set_beschikking_id(a.beschikking_id());
      }
      for (const auto& b : state.beschikkingen()) {
        const auto& i = b.issued();
        auto* view = reply->add_beschikkingen();
        view->set_beschikking_id(i.beschikking_id());
        view->set_origin(i.origin());
        view->set_aanvraag_id(i.aanvraag_id());
        view->set_request_id(i.request_id());
        view->set_bezwaar_id(i.bezwaar_id());
        view->set_replaces_beschikking_id(i.replaces_beschikking_id());
        view->set_replaced_by_beschikking_id(b.replaced_by());
        view->set_person_id(i.person_id());
        view->set_law(i.law());
        view->set_outcome(i.outcome());
        view->set_motivation(open(i.motivation(), MotivationAad(i.beschikking_id())));
        *view->mutable_products() = i.products();
        view->set_issued_on(i.issued_on());
        view->set_bezwaar_due(i.bezwaar_due());
        view->set_triage_melding_id(i.triage_melding_id());
        view->set_triage_class(i.triage_class());
        view->set_triage_completed_on(i.triage_completed_on());
        view->set_plan_id(i.plan_id());
        view->set_decision_due(i.decision_due());
        view->set_on_time(i.on_time());
        view->set_legacy_reference(i.legacy_reference());
        view->set_valid_until(i.valid_until());
      }
      for (const auto& b : state.bezwaren()) {
        const auto& f = b.filed();
        auto* view = reply->add_bezwaren();
        view->set_bezwaar_id(f.bezwaar_id());
        view->set_beschikking_id(f.beschikking_id());
        view->set_grounds(open(f.grounds(), GroundsAad(f.bezwaar_id())));
        view->set_filed_on(f.filed_on());
        view->set_decision_due(f.decision_due());
        if (b.decided()) {
          view->set_decision(b.decision().decision());
          view->set_motivation(open(b.decision().motivation(), BezwaarDecisionAad(f.bezwaar_id())));
          view->set_decided_on(b.decision().decided_on());
          view->set_new_beschikking_id(b.decision().new_beschikking_id());
        }
      }
    }
    for (const auto& t : state.toewijzingen()) {
      if (!sees_toewijzing(t)) continue;
      const auto& i = t.issued();
      auto* view = reply->add_toewijzingen();
      view->set_toewijzing_id(i.toewijzing_id());
      view->set_toewijzingnummer(i.toewijzingnummer());
      view->set_beschikking_id(i.beschikking_id());
      view->set_person_id(i.person_id());
      view->set_law(i.law());
      view->set_category(i.category());
      view->set_product_code(i.product_code());
      view->set_volume(i.volume());
      view->set_unit(i.unit());
      view->set_frequency(i.frequency());
      view->set_ingangsdatum(t.ingangsdatum());
      view->set_einddatum(t.einddatum());
      view->set_provider_agb_code(i.provider_agb_code());
      view->set_toewijzingsdatum(i.toewijzingsdatum());
      if (t.removed()) {
        view->set_status(hub::v1::TOEWIJZING_STATUS_REMOVED);
      } else if (today < t.ingangsdatum()) {
        view->set_status(hub::v1::TOEWIJZING_STATUS_FUTURE);
      } else if (today > t.einddatum()) {
        view->set_status(hub::v1::TOEWIJZING_STATUS_EXPIRED);
      } else {
        view->set_status(hub::v1::TOEWIJZING_STATUS_ACTIVE);
      }
      view->set_replaces_toewijzing_id(i.replaces_toewijzing_id());
      view->set_replaced_by_toewijzing_id(t.replaced_by());
      view->set_reden_wijziging(i.reden_wijziging());
      view->set_started_on(t.started_on());
      view->set_delivering(t.delivering());
      view->set_stopped_on(t.stopped_on());
      view->set_stop_reason(t.stop_reason());
      view->set_start_reported_late(t.start_late());
      if (*summary) {
        auto record = (*summary)->toewijzingen().find(i.toewijzing_id());
        if (record != (*summary)->toewijzingen().end()) {
          for (const auto& v : record->second.versions()) {
            auto* version = view->add_history();
            version->set_version(v.version());
            version->set_change(v.change());
            version->set_ingangsdatum(v.ingangsdatum());
            version->set_einddatum(v.einddatum());
            version->set_volume(v.volume());
            version->set_product_code(v.product_code());
            version->set_reden_wijziging(v.reden_wijziging());
            *version->mutable_valid_from() = v.occurred_at();
            *version->mutable_recorded_at() = v.recorded_at();
          }
        }
      }
    }
    for (const auto& r : state.requests()) {
      if (!sees_request(r)) continue;
      auto* view = reply->add_requests();
      view->set_kind(r.kind());
      view->set_person_id(RequestPerson(state, r));
      view->set_law(RequestLaw(state, r));
      view->set_provider_agb_code(RequestProvider(r));
      if (r.kind() == hub::v1::PROVIDER_REQUEST_KIND_TOEWIJZING) {
        const auto& q = r.toewijzing();
        view->set_request_id(q.request_id());
        *view->mutable_product() = q.product();
        view->set_verwijzer(q.verwijzer());
        view->set_motivation(open(q.motivation(), RequestAad(q.request_id())));
        view->set_requested_on(q.requested_on());
        view->set_answer_due(q.answer_due());
      } else {
        const auto& q = r.wijziging();
        view->set_request_id(q.request_id());
        view->set_toewijzing_id(q.toewijzing_id());
        *view->mutable_product() = q.product();
        view->set_motivation(open(q.motivation(), RequestAad(q.request_id())));
        view->set_requested_on(q.requested_on());
        view->set_answer_due(q.answer_due());
      }
      if (r.answered()) {
        view->set_answered_on(r.answer().answered_on());
        view->set_answer(r.answer().answer());
        view->set_beschikking_id(r.answer().beschikking_id());
        view->set_aanvraag_id(r.answer().aanvraag_id());
      }
    }
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status BeschikkingService::ListDeadlines(grpc::ServerContext* context,
                                               const hub::v1::ListDeadlinesRequest* request,
                                               hub::v1::ListDeadlinesResponse* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    if (auto s = Allow(*caller, kReaders, "list deadlines"); !s.ok()) return s;
    if (!request->tenant().empty() && request->tenant() != caller->tenant) {
      return absl::PermissionDeniedError(
          fmt::format("tenant: the caller acts for {}, not {}", caller->tenant, request->tenant()));
    }
    if (!hub::v1::DeadlineKind_IsValid(request->kind())) return Invalid("kind", "not a deadline kind");
    if (!hub::v1::DeadlineState_IsValid(request->state())) return Invalid("state", "not a deadline state");
    const int due_soon =
        request->has_due_soon_working_days() ? request->due_soon_working_days() : kDefaultDueSoonWorkingDays;
    if (due_soon < 0 || due_soon > kMaxDueSoonWorkingDays) {
      return Invalid("due_soon_working_days", fmt::format("must be between 0 and {}", kMaxDueSoonWorkingDays));
    }
    if (request->page().page_size() < 0 || request->page().page_size() > kMaxPageSize) {
      return Invalid("page.page_size", fmt::format("must be between 0 and {}", kMaxPageSize));
    }
    if (!request->household_id().empty()) {
      if (auto s = CheckId("household_id", request->household_id()); !s.ok()) return s;
    }
    DeadlineQuery query;
    query.tenant = caller->tenant;
    query.household_id = request->household_id();
    for (DeadlineKind kind : kDeadlineKinds) {
      if (ToProto(kind) == request->kind()) query.kind = kind;
    }
    for (auto state : {domain::DeadlineState::kOnTime, domain::DeadlineState::kDueSoon, domain::DeadlineState::kOverdue}) {
      if (ToProto(state) == request->state()) query.state = state;
    }
    // A care provider sees the deadlines it owes (its start messages) and those owed to it (the
    // answers to its requests).
    if (caller->organisation->kind == OrganisationKind::kCareProvider) {
      query.provider_agb_code = caller->organisation->agb_code;
    }
    query.today = domain::DutchDate(deps_.clock->Now());
    query.due_soon_working_days = due_soon;
    query.page_size = request->page().page_size();
    query.page_token = request->page().page_token();
    if (auto s = deps_.runner->CatchUp(DeadlineOf(context)); !s.ok()) return s;
    auto page = deps_.index->ListDeadlines(query);
    if (!page.ok()) return page.status();
    for (const auto& d : page->deadlines) {
      auto* deadline = reply->add_deadlines();
      deadline->set_kind(ToProto(d.kind));
      deadline->set_household_id(d.household_id);
      deadline->set_subject_id(d.subject_id);
      deadline->set_law(d.law);
      deadline->set_due_on(d.due.ToString());
      deadline->set_state(ToProto(d.state));
      deadline->set_provider_agb_code(d.provider_agb_code);
    }
    reply->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

}  // namespace hub::beschikking
