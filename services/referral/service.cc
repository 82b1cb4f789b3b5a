#include "services/referral/service.h"

#include <algorithm>
#include <set>

#include "common/crypto/hash_chain.h"
#include "common/crypto/sealing.h"
#include "common/domain/local_date.h"
#include "common/domain/uuid.h"
#include "common/es/envelope.h"
#include "common/rpc/caller.h"
#include "common/rpc/status.h"
#include "fmt/format.h"

namespace hub::referral {
namespace {

using config::OrganisationKind;
using service::Allow;
using service::CheckId;
using service::CheckText;
using service::DeadlineOf;
using service::FillReply;
using service::Invalid;
using service::Positions;

constexpr std::initializer_list<OrganisationKind> kTeam = {OrganisationKind::kSocialTeam};
constexpr std::initializer_list<OrganisationKind> kReceivers = {
    OrganisationKind::kWorkAndIncome, OrganisationKind::kCareProvider, OrganisationKind::kDebtServices};
constexpr std::initializer_list<OrganisationKind> kParties = {
    OrganisationKind::kSocialTeam, OrganisationKind::kWorkAndIncome, OrganisationKind::kCareProvider,
    OrganisationKind::kDebtServices};

// Associated data of sealed texts, and of the values other services sealed that the dossier opens
// (intake seals a member's name with the person id; the plan seals a goal's result with its id).
std::string ReasonAad(std::string_view referral_id) { return fmt::format("referral-reason:{}", referral_id); }
std::string ClosingAad(std::string_view referral_id) { return fmt::format("referral-closing:{}", referral_id); }
std::string GoalResultAad(std::string_view goal_id) { return fmt::format("goal-result:{}", goal_id); }


Actor ActorOf(const rpc::Caller& caller) { return {caller.organisation_id, caller.role, caller.user_pseudonym}; }

}  // namespace

absl::StatusOr<HouseholdFacts> ReferralService::FactsOf(const std::string& household_id,
                                                        const std::string& tenant) const {
  HouseholdFacts facts;
  auto intake = deps_.households->Load(household_id);
  if (!intake.ok()) return intake.status();
  if (intake->version == 0 || intake->tenant != tenant) return facts;
  facts.known = true;
  for (const auto& m : intake->state.members()) facts.members.push_back({m.person_id(), m.relation()});
  for (const auto& c : intake->state.consents()) facts.consents.push_back(ConsentOf(c.recorded(), c.withdrawn()));
  auto plan = deps_.plans->Load(household_id);
  if (!plan.ok()) return plan.status();
  if (plan->version > 0 && plan->tenant == tenant) {
    if (const plan::Plan* open = plan::OpenPlan(plan->state)) {
      facts.open_plan_id = open->plan_id();
      for (const auto& g : open->goals()) facts.open_plan_goal_ids.push_back(g.goal_id());
    }
  }
  return facts;
}

absl::StatusOr<ReferralService::Call> ReferralService::Prepare(grpc::ServerContext* context,
                                                               const hub::v1::CommandHeader& header,
                                                               const std::string& household_id,
                                                               std::initializer_list<OrganisationKind> allowed,
                                                               std::string_view action) {
  auto prepared =
      service::PrepareCommand(context, header, *deps_.organisations, *deps_.clock, *deps_.runner, allowed, action);
  if (!prepared.ok()) return prepared.status();
  if (auto s = CheckId("household_id", household_id); !s.ok()) return s;
  if (deps_.check_owner) {
    if (auto s = deps_.check_owner(household_id); !s.ok()) return s;
  }
  prepared->context.metadata.household_id = household_id;
  const auto& meta = prepared->context.metadata;
  const domain::Date today = domain::DutchDate(meta.occurred_at ? *meta.occurred_at : deps_.clock->Now());
  return Call{std::move(*prepared), today};
}

absl::StatusOr<es::CommandOutcome> ReferralService::Run(Call& call, const ReferralDecider::Command& command,
                                                        hub::v1::CommandReply* reply) {
  return service::RunCommand(*deps_.handler, call.prepared.context, command, deps_.on_appended, reply);
}

absl::StatusOr<hub::v1::SealedValue> ReferralService::SealReason(const Call& call, const std::string& person_id,
                                                                 std::string_view text, std::string_view what) {
  // The person's key exists once intake registered them; it is never created here, so a referral
  // about an unknown person cannot mint keys.
  const std::string& tenant = call.prepared.caller.tenant;
  auto sealed = deps_.keys->SealFor(tenant, person_id, text, what);
  if (absl::IsNotFound(sealed.status())) {
    return es::ToStatus(es::Rejection::FailedPrecondition(
        "PERSON_NOT_IN_HOUSEHOLD", fmt::format("person {} is not a member of this household", person_id)));
  }
  return sealed;
}

absl::StatusOr<std::string> ReferralService::PersonOf(const Call& call, const std::string& referral_id) {
  auto loaded = deps_.handler->Load(call.prepared.context.metadata.household_id, call.prepared.context.deadline);
  if (!loaded.ok()) return loaded.status();
  const Referral* referral = loaded->tenant == call.prepared.caller.tenant
                                 ? FindReferral(loaded->state, referral_id)
                                 : nullptr;
  if (referral == nullptr) {
    return es::ToStatus(es::Rejection::NotFound("REFERRAL_NOT_FOUND",
                                                fmt::format("no referral {} in this household", referral_id)));
  }
  return referral->requested().person_id();
}

grpc::Status ReferralService::RequestReferral(grpc::ServerContext* context,
                                              const hub::v1::RequestReferralRequest* request,
                                              hub::v1::RequestReferralReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "request a referral");
    if (!call.ok()) return call.status();
    const rpc::Caller& caller = call->prepared.caller;
    if (auto s = CheckId("person_id", request->person_id()); !s.ok()) return s;
    if (auto s = CheckId("receiver_organisation_id", request->receiver_organisation_id()); !s.ok()) return s;
    if (request->purpose().size() > 300) return Invalid("purpose", "longer than 300 characters");
    if (auto s = CheckText("reason", request->reason(), true); !s.ok()) return s;
    if (auto s = deps_.runner->CatchUp(call->prepared.context.deadline); !s.ok()) return s;

    auto facts = FactsOf(request->household_id(), caller.tenant);
    if (!facts.ok()) return facts.status();
    referral::RequestReferral command;
    command.referral_id = domain::NewUuidV7();
    command.person_id = request->person_id();
    command.receiver_organisation_id = request->receiver_organisation_id();
    command.consultation = request->consultation();
    command.purpose = request->purpose();
    command.data_categories.assign(request->data_categories().begin(), request->data_categories().end());
    command.goal_ids.assign(request->goal_ids().begin(), request->goal_ids().end());
    command.actor = ActorOf(caller);
    command.household = std::move(*facts);
    if (const auto* receiver = deps_.organisations->FindOrganisation(request->receiver_organisation_id());
        receiver != nullptr && deps_.organisations->Serves(*receiver, caller.tenant)) {
      command.receiver = {true, receiver->kind, receiver->agb_code};
    }
    if (const auto* tenant = deps_.organisations->FindTenant(caller.tenant)) {
      command.answer_working_days = tenant->referral_answer_working_days;
    }
    es::ToTimestamp(deps_.clock->Now(), &command.now);
    command.today = call->today;
    if (command.household.known) {
      auto reason = SealReason(*call, request->person_id(), request->reason(), ReasonAad(command.referral_id));
      if (!reason.ok()) return reason.status();
      command.reason = std::move(*reason);
    } else {
      // No person key to seal under, and the decider refuses an unknown household
      // (HOUSEHOLD_NOT_FOUND) whatever the reason says. The reason was checked above: a stand-in,
      // never written, keeps the decider from blaming the field the caller did fill in.
      command.reason.set_ciphertext("not sealed: household unknown");
    }
    auto outcome = Run(*call, ReferralDecider::Command(std::move(command)), reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    // From the event, so that a retry answers with what the first call decided.
    for (const auto& e : outcome->events) {
      if (!e.referral().has_referral_requested()) continue;
      const auto& r = e.referral().referral_requested();
      reply->set_referral_id(r.referral_id());
      reply->set_answer_due(r.answer_due());
      *reply->mutable_consent_ids() = r.consent_ids();
    }
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status ReferralService::AcceptReferral(grpc::ServerContext* context,
                                             const hub::v1::AcceptReferralRequest* request,
                                             hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kReceivers, "accept a referral");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("referral_id", request->referral_id()); !s.ok()) return s;
    auto outcome = Run(*call,
                       ReferralDecider::Command(
                           referral::AcceptReferral{request->referral_id(), ActorOf(call->prepared.caller), call->today}),
                       reply);
    if (!outcome.ok()) return outcome.status();
    if (!outcome->replayed && deps_.on_answered) {
      auto summary = deps_.index->Find(request->referral_id());
      if (summary.ok() && summary->has_value()) {
        const auto waited = deps_.clock->Now() - es::FromTimestamp((*summary)->requested_at());
        deps_.on_answered(std::chrono::duration<double>(waited).count());
      }
    }
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status ReferralService::DeclineReferral(grpc::ServerContext* context,
                                              const hub::v1::DeclineReferralRequest* request,
                                              hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kReceivers, "decline a referral");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("referral_id", request->referral_id()); !s.ok()) return s;
    if (auto s = CheckText("reason", request->reason(), true); !s.ok()) return s;
    auto person = PersonOf(*call, request->referral_id());
    if (!person.ok()) return person.status();
    auto reason = SealReason(*call, *person, request->reason(), ClosingAad(request->referral_id()));
    if (!reason.ok()) return reason.status();
    auto outcome = Run(*call,
                       ReferralDecider::Command(referral::DeclineReferral{
                           request->referral_id(), std::move(*reason), ActorOf(call->prepared.caller), call->today}),
                       reply);
    if (!outcome.ok()) return outcome.status();
    if (!outcome->replayed && deps_.on_answered) {
      auto summary = deps_.index->Find(request->referral_id());
      if (summary.ok() && summary->has_value()) {
        const auto waited = deps_.clock->Now() - es::FromTimestamp((*summary)->requested_at());
        deps_.on_answered(std::chrono::duration<double>(waited).count());
      }
    }
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status ReferralService::ScheduleHandoverMeeting(grpc::ServerContext* context,
                                                      const hub::v1::ScheduleHandoverMeetingRequest* request,
                                                      hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kParties, "schedule a handover meeting");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("referral_id", request->referral_id()); !s.ok()) return s;
    auto meeting = domain::Date::Parse(request->meeting_on());
    if (!meeting.ok()) return Invalid("meeting_on", "not a date YYYY-MM-DD");
    return Run(*call,
               ReferralDecider::Command(referral::ScheduleHandoverMeeting{
                   request->referral_id(), *meeting, ActorOf(call->prepared.caller), call->today}),
               reply)
        .status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status ReferralService::CompleteHandover(grpc::ServerContext* context,
                                               const hub::v1::CompleteHandoverRequest* request,
                                               hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kParties, "complete a handover");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("referral_id", request->referral_id()); !s.ok()) return s;
    auto outcome = Run(*call,
                       ReferralDecider::Command(referral::CompleteHandover{
                           request->referral_id(), ActorOf(call->prepared.caller), call->today}),
                       reply);
    if (!outcome.ok()) return outcome.status();
    if (!outcome->replayed && !outcome->events.empty() && deps_.on_handover_completed) deps_.on_handover_completed();
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status ReferralService::WithdrawReferral(grpc::ServerContext* context,
                                               const hub::v1::WithdrawReferralRequest* request,
                                               hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto call = Prepare(context, request->header(), request->household_id(), kTeam, "withdraw a referral");
    if (!call.ok()) return call.status();
    if (auto s = CheckId("referral_id", request->referral_id()); !s.ok()) return s;
    if (auto s = CheckText("reason", request->reason(), true); !s.ok()) return s;
    auto person = PersonOf(*call, request->referral_id());
    if (!person.ok()) return person.status();
    auto reason = SealReason(*call, *person, request->reason(), ClosingAad(request->referral_id()));
    if (!reason.ok()) return reason.status();
    return Run(*call,
               ReferralDecider::Command(referral::WithdrawReferral{
                   request->referral_id(), std::move(*reason), ActorOf(call->prepared.caller), call->today}),
               reply)
        .status();
  };
  return rpc::Fail(context, handle());
}

namespace {

// The caller of a read, after identification and the kind gate, with the household caught up.
struct Reader {
  rpc::Caller caller;
  std::chrono::steady_clock::time_point deadline;
};

void FillView(const Referral& r, domain::Date today, const std::string& reason, const std::string& closing,
              hub::v1::ReferralView* view) {
  const auto& q = r.requested();
  view->set_referral_id(q.referral_id());
  view->set_person_id(q.person_id());
  view->set_sender_organisation_id(q.sender_organisation_id());
  view->set_receiver_organisation_id(q.receiver_organisation_id());
  view->set_receiver_kind(q.receiver_kind());
  view->set_receiver_agb_code(q.receiver_agb_code());
  view->set_status(StatusOn(r, today));
  view->set_purpose(q.purpose());
  *view->mutable_data_categories() = q.data_categories();
  view->set_plan_id(q.plan_id());
  *view->mutable_goal_ids() = q.goal_ids();
  view->set_reason(reason);
  view->set_requested_on(q.requested_on());
  view->set_answer_due(q.answer_due());
  *view->mutable_consent_ids() = q.consent_ids();
  view->set_accepted_on(r.accepted_on());
  view->set_meeting_on(r.meeting_on());
  view->set_closed_on(r.closed_on());
  view->set_closing_reason(closing);
  view->set_overdue(IsOverdue(r, today));
}

}  // namespace

grpc::Status ReferralService::GetHandoverDossier(grpc::ServerContext* context,
                                                 const hub::v1::GetHandoverDossierRequest* request,
                                                 hub::v1::HandoverDossier* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    if (auto s = Allow(*caller, kReceivers, "read a handover dossier"); !s.ok()) return s;
    if (auto s = CheckId("household_id", request->household_id()); !s.ok()) return s;
    if (auto s = CheckId("referral_id", request->referral_id()); !s.ok()) return s;
    const auto deadline = DeadlineOf(context);
    if (!request->min_positions().empty()) {
      if (auto s = deps_.runner->WaitFor(Positions(request->min_positions()), deadline); !s.ok()) return s;
    }
    auto loaded = deps_.handler->Load(request->household_id(), deadline);
    if (!loaded.ok()) return loaded.status();
    const Referral* referral =
        loaded->tenant == caller->tenant ? FindReferral(loaded->state, request->referral_id()) : nullptr;
    if (referral == nullptr) {
      return es::ToStatus(es::Rejection::NotFound("REFERRAL_NOT_FOUND", "no such referral in this household"));
    }
    if (auto refused = CheckDossierReader(*referral, caller->organisation_id)) return es::ToStatus(*refused);

    const std::string& tenant = caller->tenant;
    const auto now = deps_.clock->Now();
    google::protobuf::Timestamp now_ts;
    es::ToTimestamp(now, &now_ts);
    const domain::Date today = domain::DutchDate(now);
    auto intake = deps_.households->Load(request->household_id());
    if (!intake.ok()) return intake.status();
    auto plans = deps_.plans->Load(request->household_id());
    if (!plans.ok()) return plans.status();
    std::vector<Consent> consents;
    for (const auto& c : intake->state.consents()) consents.push_back(ConsentOf(c.recorded(), c.withdrawn()));
    const auto& requested = referral->requested();
    // Consent as it is now: a withdrawal or lapse since the request shrinks what is shown.
    const DossierScope scope = ScopeOfDossier(requested, consents, now_ts);
    auto shown = [&](std::string_view category) { return scope.shown.contains(category); };
    // Decrypted only for this reply; an erased key leaves the value empty.
    auto open = [&](const hub::v1::SealedValue& sealed, std::string_view aad) {
      return service::OpenOrEmpty(*deps_.keys, tenant, sealed, aad);
    };

    reply->set_household_id(request->household_id());
    reply->set_tenant(tenant);
    reply->set_version(loaded->version);
    reply->set_referral_id(requested.referral_id());
    reply->set_person_id(requested.person_id());
    reply->set_sender_organisation_id(requested.sender_organisation_id());
    reply->set_receiver_organisation_id(requested.receiver_organisation_id());
    reply->set_status(StatusOn(*referral, today));
    reply->set_purpose(requested.purpose());
    *reply->mutable_requested_categories() = requested.data_categories();
    for (const auto& c : scope.shown) reply->add_shown_categories(c);
    for (const auto& c : scope.withheld) reply->add_withheld_categories(c);
    for (const auto& id : scope.consent_ids) reply->add_consent_ids(id);
    *reply->mutable_read_at() = now_ts;

    auto person_of = [&](const intake::Member& m) {
      hub::v1::DossierPerson p;
      p.set_person_id(m.person_id());
      p.set_relation(m.relation());
      p.set_birth_date(m.birth_date());
      if (shown(kContact)) p.set_name(open(m.name(), m.person_id()));
      return p;
    };
    for (const auto& m : intake->state.members()) {
      if (shown(kContact) && m.person_id() == requested.person_id()) {
        *reply->mutable_contact()->mutable_person() = person_of(m);
        reply->mutable_contact()->mutable_person()->clear_relation();  // HOUSEHOLD_COMPOSITION, not CONTACT
      }
      if (shown(kHouseholdComposition)) *reply->mutable_household()->add_members() = person_of(m);
    }
    if (shown(kTriage) && intake->state.has_latest_triage()) {
      const auto& t = intake->state.latest_triage();
      auto* triage = reply->mutable_triage();
      triage->set_triage_class(t.triage_class());
      triage->set_team(t.team());
      triage->set_completed_on(t.completed_on());
      for (const auto& [domain, score] : t.zrm_scores()) {
        if (MayShowLifeDomain(scope.shown, domain)) (*triage->mutable_zrm_scores())[domain] = score;
      }
    }
    if (shown(kPlan)) {
      // Present because PLAN is shown, also when no goal is served or nothing came before.
      reply->mutable_plan();
      reply->mutable_history();
      const std::set<std::string> served(requested.goal_ids().begin(), requested.goal_ids().end());
      for (const auto& plan : plans->state.plans()) {
        const bool this_plan = plan.plan_id() == requested.plan_id();
        if (this_plan) reply->mutable_plan()->set_plan_id(plan.plan_id());
        for (const auto& g : plan.goals()) {
          if (!MayShowLifeDomain(scope.shown, g.life_domain())) continue;
          if (this_plan && served.contains(g.goal_id())) {
            auto* goal = reply->mutable_plan()->add_goals();
            goal->set_goal_id(g.goal_id());
            goal->set_life_domain(g.life_domain());
            goal->set_result(open(g.result(), GoalResultAad(g.goal_id())));
            goal->set_tier(g.tier());
            goal->set_target_date(g.target_date());
          } else {
            auto* support = reply->mutable_history()->add_support();
            support->set_plan_id(plan.plan_id());
            support->set_goal_id(g.goal_id());
            support->set_life_domain(g.life_domain());
            support->set_tier(g.tier());
            support->set_responsible_organisation_id(g.responsible_organisation_id());
            support->set_target_date(g.target_date());
            support->set_plan_status(plan.status());
          }
        }
      }
      for (const auto& other : loaded->state.referrals()) {
        const auto& q = other.requested();
        if (q.referral_id() == requested.referral_id() || q.person_id() != requested.person_id()) continue;
        if (!MayShowEarlierReferral(scope.shown, q)) continue;
        auto* earlier = reply->mutable_history()->add_referrals();
        earlier->set_referral_id(q.referral_id());
        earlier->set_receiver_organisation_id(q.receiver_organisation_id());
        earlier->set_receiver_kind(q.receiver_kind());
        earlier->set_status(StatusOn(other, today));
        earlier->set_requested_on(q.requested_on());
        earlier->set_closed_on(other.closed_on());
      }
    }
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status ReferralService::GetReferrals(grpc::ServerContext* context, const hub::v1::GetReferralsRequest* request,
                                          hub::v1::HouseholdReferrals* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    if (auto s = Allow(*caller, kParties, "read referrals"); !s.ok()) return s;
    if (auto s = CheckId("household_id", request->household_id()); !s.ok()) return s;
    const auto deadline = DeadlineOf(context);
    if (!request->min_positions().empty()) {
      if (auto s = deps_.runner->WaitFor(Positions(request->min_positions()), deadline); !s.ok()) return s;
    }
    auto loaded = deps_.handler->Load(request->household_id(), deadline);
    if (!loaded.ok()) return loaded.status();
    if (loaded->version == 0 || loaded->tenant != caller->tenant) {
      return absl::NotFoundError("household_id: no referrals for this household in this tenant");
    }
    const bool full = caller->organisation->kind == OrganisationKind::kSocialTeam;
    const std::string& tenant = caller->tenant;
    const domain::Date today = domain::DutchDate(deps_.clock->Now());
    auto open = [&](const hub::v1::SealedValue& sealed, std::string_view aad) {
      return service::OpenOrEmpty(*deps_.keys, tenant, sealed, aad);
    };
    reply->set_household_id(request->household_id());
    reply->set_tenant(tenant);
    reply->set_version(loaded->version);
    reply->set_restricted(!full);
    // Newest first: the state holds them in the order requested.
    for (auto it = loaded->state.referrals().rbegin(); it != loaded->state.referrals().rend(); ++it) {
      const Referral& r = *it;
      const auto& q = r.requested();
      if (!full && q.receiver_organisation_id() != caller->organisation_id) continue;
      FillView(r, today, open(q.reason(), ReasonAad(q.referral_id())),
               open(r.closing_reason(), ClosingAad(q.referral_id())), reply->add_referrals());
    }
    if (!full && reply->referrals().empty()) {
      return absl::PermissionDeniedError(
          fmt::format("no referral of this household is addressed to {}", caller->organisation_id));
    }
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status ReferralService::ListReferrals(grpc::ServerContext* context,
                                           const hub::v1::ListReferralsRequest* request,
                                           hub::v1::ListReferralsResponse* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    if (auto s = Allow(*caller, kParties, "list referrals"); !s.ok()) return s;
    if (!request->tenant().empty() && request->tenant() != caller->tenant) {
      return absl::PermissionDeniedError(
          fmt::format("tenant: the caller acts for {}, not {}", caller->tenant, request->tenant()));
    }
    ReferralQuery query;
    query.tenant = caller->tenant;
    query.organisation_id = caller->organisation_id;
    switch (request->role()) {
      case hub::v1::REFERRAL_ROLE_SENDER:
        if (caller->organisation->kind != OrganisationKind::kSocialTeam) {
          return absl::PermissionDeniedError("role: only a social team sends referrals");
        }
        break;
      case hub::v1::REFERRAL_ROLE_RECEIVER:
        query.as_receiver = true;
        break;
      default:
        return Invalid("role", "must be SENDER or RECEIVER");
    }
    if (!hub::v1::ReferralStatus_IsValid(request->status())) return Invalid("status", "not a referral status");
    if (request->status() != hub::v1::REFERRAL_STATUS_UNSPECIFIED) query.status = request->status();
    if (request->page().page_size() < 0 || request->page().page_size() > 500) {
      return Invalid("page.page_size", "must be between 0 and 500");
    }
    query.overdue = request->overdue();
    query.today = domain::DutchDate(deps_.clock->Now());
    query.page_size = request->page().page_size();
    query.page_token = request->page().page_token();
    if (auto s = deps_.runner->CatchUp(DeadlineOf(context)); !s.ok()) return s;
    auto page = deps_.index->List(query);
    if (!page.ok()) return page.status();
    for (const auto& s : page->referrals) {
      auto* summary = reply->add_referrals();
      summary->set_household_id(s.household_id());
      summary->set_referral_id(s.referral_id());
      summary->set_person_id(s.person_id());
      summary->set_sender_organisation_id(s.sender_organisation_id());
      summary->set_receiver_organisation_id(s.receiver_organisation_id());
      summary->set_receiver_kind(s.receiver_kind());
      summary->set_status(SummaryStatusOn(s, query.today));
      summary->set_requested_on(s.requested_on());
      summary->set_answer_due(s.answer_due());
      summary->set_meeting_on(s.meeting_on());
      summary->set_closed_on(s.closed_on());
      summary->set_overdue(SummaryOverdue(s, query.today));
    }
    reply->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

absl::StatusOr<int> ReferralService::ExpireDue() {
  const auto now = deps_.clock->Now();
  const domain::Date today = domain::DutchDate(now);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  if (auto s = deps_.runner->CatchUp(deadline); !s.ok()) return s;
  auto due = deps_.index->DueForExpiry(today, 1000);
  if (!due.ok()) return due.status();
  int expired = 0;
  for (const auto& s : *due) {
    if (deps_.check_owner && !deps_.check_owner(s.household_id()).ok()) continue;  // its owner sweeps it
    es::CommandContext context;
    auto& meta = context.metadata;
    meta.tenant = s.tenant();
    meta.household_id = s.household_id();
    meta.actor.set_organisation_id("hub");
    meta.actor.set_role("system");
    // One request id per referral: a second sweep, here or on another instance, replays.
    meta.request_id = fmt::format("expire:{}", s.referral_id());
    meta.correlation_id = s.referral_id();
    meta.causation_id = s.requested_event_id();
    meta.trace_id = crypto::ToHex(crypto::RandomBytes(16));
    context.deadline = deadline;
    auto outcome = deps_.handler->Execute(context, ReferralDecider::Command(ExpireReferral{s.referral_id(), today}));
    if (!outcome.ok()) return outcome.status();
    if (!outcome->replayed && !outcome->events.empty()) {
      ++expired;
      if (deps_.on_appended) deps_.on_appended(outcome->events.size());
    }
  }
  return expired;
}

}  // namespace hub::referral
