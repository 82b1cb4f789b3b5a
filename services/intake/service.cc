#include "services/intake/service.h"

#include <algorithm>
#include <set>

#include "common/crypto/sealing.h"
#include "common/domain/bsn.h"
#include "common/domain/local_date.h"
#include "common/domain/uuid.h"
#include "common/es/envelope.h"
#include "common/rpc/caller.h"
#include "common/rpc/status.h"
#include "common/service/command_call.h"
#include "fmt/format.h"

namespace hub::intake {
namespace {

using config::OrganisationKind;
using service::Allow;
using service::CheckId;
using service::DeadlineOf;
using service::FillReply;
using service::Invalid;
using service::Positions;

}  // namespace


absl::StatusOr<IntakeService::Prepared> IntakeService::Prepare(grpc::ServerContext* context,
                                                               const hub::v1::CommandHeader& header,
                                                               std::initializer_list<OrganisationKind> allowed,
                                                               std::string_view action) {
  return service::PrepareCommand(context, header, *deps_.organisations, *deps_.clock, *deps_.runner, allowed,
                                 action);
}

absl::StatusOr<IntakeService::Prepared> IntakeService::PrepareForHousehold(
    grpc::ServerContext* context, const hub::v1::CommandHeader& header, const std::string& household_id,
    std::initializer_list<OrganisationKind> allowed, std::string_view action) {
  auto prepared = Prepare(context, header, allowed, action);
  if (!prepared.ok()) return prepared.status();
  if (auto s = CheckId("household_id", household_id); !s.ok()) return s;
  if (deps_.check_owner) {
    if (auto s = deps_.check_owner(household_id); !s.ok()) return s;
  }
  prepared->context.metadata.household_id = household_id;
  return prepared;
}

absl::StatusOr<es::CommandOutcome> IntakeService::Run(Prepared& prepared, const IntakeDecider::Command& command,
                                                      hub::v1::CommandReply* reply) {
  return service::RunCommand(*deps_.handler, prepared.context, command, deps_.on_appended, reply);
}

namespace {

// Fills the melding part of a RegisterMelding reply from the command's events (first run or replay
// alike); the result part is FillReply's.
void FillMelding(const es::CommandOutcome& outcome, hub::v1::RegisterMeldingReply* reply) {
  for (const auto& e : outcome.events) {
    if (!e.intake().has_melding_registered()) continue;
    const auto& m = e.intake().melding_registered();
    reply->set_melding_id(m.melding_id());
    reply->set_onderzoek_due(m.onderzoek_due());
    reply->set_joined_existing_household(e.stream_version() > 1);
    *reply->mutable_person_ids() = m.named_person_ids();
  }
}

}  // namespace

grpc::Status IntakeService::RegisterMelding(grpc::ServerContext* context,
                                            const hub::v1::RegisterMeldingRequest* request,
                                            hub::v1::RegisterMeldingReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto prepared = Prepare(context, request->header(),
                            {OrganisationKind::kSocialTeam, OrganisationKind::kWorkAndIncome,
                             OrganisationKind::kSignalGiver, OrganisationKind::kCareProvider,
                             OrganisationKind::kDebtServices},
                            "register a melding");
    if (!prepared.ok()) return prepared.status();
    const rpc::Caller& caller = prepared->caller;
    // Wire shape first, every field named.
    if (request->tenant().empty()) return Invalid("tenant", "must not be empty");
    if (deps_.organisations->FindTenant(request->tenant()) == nullptr) return Invalid("tenant", "unknown tenant");
    if (request->tenant() != caller.tenant) {
      return absl::PermissionDeniedError(fmt::format("tenant: the caller acts for {}, not {}", caller.tenant,
                                                     request->tenant()));
    }
    if (request->persons().empty()) return Invalid("persons", "a melding names at least one person");
    if (request->persons_size() > 50) return Invalid("persons", "at most 50 persons per melding");
    if (request->question().size() > 20'000) return Invalid("question", "longer than 20000 characters");
    const domain::Date today = domain::DutchDate(deps_.clock->Now());
    for (int i = 0; i < request->persons_size(); ++i) {
      const auto& p = request->persons(i);
      if (auto s = domain::ValidateBsn(p.bsn()); !s.ok()) {
        return Invalid(fmt::format("persons[{}].bsn", i), std::string(s.message()));
      }
      auto birth = domain::Date::Parse(p.birth_date());
      if (!birth.ok()) return Invalid(fmt::format("persons[{}].birth_date", i), "not a date YYYY-MM-DD");
      if (*birth > today) return Invalid(fmt::format("persons[{}].birth_date", i), "lies in the future");
      if (p.name().empty()) return Invalid(fmt::format("persons[{}].name", i), "must not be empty");
      if (p.name().size() > 300) return Invalid(fmt::format("persons[{}].name", i), "longer than 300 characters");
    }
    auto& ctx = prepared->context;

    // A retry does none of the work below again: no new ids, no new keys.
    auto first = deps_.handler->FindFirstOutcome(caller.tenant, caller.organisation_id, ctx.metadata.request_id,
                                                  ctx.deadline);
    if (!first.ok()) return first.status();
    if (first->has_value()) {
      FillReply(**first, reply->mutable_result());
      FillMelding(**first, reply);
      return absl::OkStatus();
    }

    const auto pseudonymizer = deps_.pseudonymizers->find(caller.tenant);
    if (pseudonymizer == deps_.pseudonymizers->end()) {
      return absl::FailedPreconditionError("no pseudonym key for this tenant");
    }
    std::vector<std::string> pseudonyms;
    for (const auto& p : request->persons()) pseudonyms.push_back(pseudonymizer->second.Pseudonymize("bsn", p.bsn()));

    // Finding the household and appending to it happen under the persons' locks, so two meldingen
    // about the same new person cannot create two households.
    std::set<size_t> stripes;
    for (const auto& ps : pseudonyms) stripes.insert(std::hash<std::string>{}(ps) % person_locks_.size());
    std::vector<std::unique_lock<std::mutex>> locks;
    for (size_t stripe : stripes) locks.emplace_back(person_locks_[stripe]);

    if (auto s = deps_.runner->CatchUp(ctx.deadline); !s.ok()) return s;
    std::string household_id;
    std::vector<std::optional<PersonLocation>> found;
    for (size_t i = 0; i < pseudonyms.size(); ++i) {
      auto location = deps_.index->FindPerson(caller.tenant, pseudonyms[i]);
      if (!location.ok()) return location.status();
      if (location->has_value()) {
        if (!household_id.empty() && household_id != (*location)->household_id) {
          return es::ToStatus(es::Rejection::FailedPrecondition(
              "PERSONS_IN_DIFFERENT_HOUSEHOLDS", "the persons named belong to different households"));
        }
        household_id = (*location)->household_id;
      }
      found.push_back(*location);
    }
    const bool joined = !household_id.empty();
    if (joined && deps_.check_owner) {
      if (auto s = deps_.check_owner(household_id); !s.ok()) return s;
    }
    if (!joined) {
      if (deps_.new_household_id) {
        auto id = deps_.new_household_id();
        if (!id.ok()) return id.status();
        household_id = std::move(*id);
      } else {
        household_id = domain::NewUuidV7();
      }
    }
    ctx.metadata.household_id = household_id;

    intake::RegisterMelding command;
    command.melding_id = domain::NewUuidV7();
    command.channel = request->channel();
    command.source = request->source();
    command.life_domains.assign(request->life_domains().begin(), request->life_domains().end());
    command.data_categories.assign(request->data_categories().begin(), request->data_categories().end());
    command.from_signal_giver = caller.organisation->kind == OrganisationKind::kSignalGiver;
    command.registered_on = ctx.metadata.occurred_at ? domain::DutchDate(*ctx.metadata.occurred_at) : today;
    std::vector<std::string> person_ids;
    for (int i = 0; i < request->persons_size(); ++i) {
      const auto& p = request->persons(i);
      if (found[i].has_value()) {
        command.known_person_ids.push_back(found[i]->person_id);
        command.named_person_ids.push_back(found[i]->person_id);
        person_ids.push_back(found[i]->person_id);
        continue;
      }
      NewPerson person;
      person.person_id = domain::NewUuidV7();
      person.bsn_pseudonym = pseudonyms[i];
      person.birth_date = *domain::Date::Parse(p.birth_date());
      person.relation = p.relation();
      // Each person's data is sealed with their own key, so erasing the key erases the data.
      if (auto key = deps_.keys->CreateKey(caller.tenant, person.person_id); !key.ok()) return key.status();
      auto name = deps_.keys->SealFor(caller.tenant, person.person_id, p.name(), person.person_id);
      if (!name.ok()) return name.status();
      person.name = std::move(*name);
      person_ids.push_back(person.person_id);
      command.named_person_ids.push_back(person.person_id);
      command.new_persons.push_back(std::move(person));
    }
    if (!request->question().empty()) {
      auto question = deps_.keys->SealFor(caller.tenant, person_ids.front(), request->question(), command.melding_id);
      if (!question.ok()) return question.status();
      command.question = std::move(*question);
    }
    auto outcome = Run(*prepared, IntakeDecider::Command(command), reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    FillMelding(*outcome, reply);
    reply->set_joined_existing_household(joined);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status IntakeService::RecordConsent(grpc::ServerContext* context, const hub::v1::RecordConsentRequest* request,
                                          hub::v1::RecordConsentReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto prepared = PrepareForHousehold(context, request->header(), request->household_id(),
                                        {OrganisationKind::kSocialTeam}, "record consent");
    if (!prepared.ok()) return prepared.status();
    const auto* recipient = deps_.organisations->FindOrganisation(request->recipient_organisation_id());
    if (recipient == nullptr || !deps_.organisations->Serves(*recipient, prepared->caller.tenant)) {
      return Invalid("recipient_organisation_id", "not an organisation of this municipality");
    }
    if (!request->has_valid_until()) return Invalid("valid_until", "a consent needs an end");
    intake::RecordConsent command;
    auto& c = command.consent;
    c.set_consent_id(domain::NewUuidV7());
    c.set_person_id(request->person_id());
    c.set_recipient_organisation_id(request->recipient_organisation_id());
    *c.mutable_data_categories() = request->data_categories();
    c.set_purpose(request->purpose());
    *c.mutable_valid_until() = request->valid_until();
    es::ToTimestamp(deps_.clock->Now(), &command.now);
    auto outcome = Run(*prepared, IntakeDecider::Command(command), reply->mutable_result());
    if (!outcome.ok()) return outcome.status();
    // From the event, so that a retry answers with the consent id of the first call.
    for (const auto& e : outcome->events) {
      if (e.intake().has_consent_recorded()) reply->set_consent_id(e.intake().consent_recorded().consent_id());
    }
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status IntakeService::WithdrawConsent(grpc::ServerContext* context,
                                            const hub::v1::WithdrawConsentRequest* request,
                                            hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto prepared = PrepareForHousehold(context, request->header(), request->household_id(),
                                        {OrganisationKind::kSocialTeam}, "withdraw consent");
    if (!prepared.ok()) return prepared.status();
    if (auto s = CheckId("consent_id", request->consent_id()); !s.ok()) return s;
    return Run(*prepared, IntakeDecider::Command(intake::WithdrawConsent{request->consent_id()}), reply).status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status IntakeService::CompleteTriage(grpc::ServerContext* context, const hub::v1::CompleteTriageRequest* request,
                                           hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto prepared = PrepareForHousehold(context, request->header(), request->household_id(),
                                        {OrganisationKind::kSocialTeam}, "complete a triage");
    if (!prepared.ok()) return prepared.status();
    if (auto s = CheckId("melding_id", request->melding_id()); !s.ok()) return s;
    intake::CompleteTriage command;
    command.melding_id = request->melding_id();
    command.triage_class = request->triage_class();
    command.zrm_scores.insert(request->zrm_scores().begin(), request->zrm_scores().end());
    command.team_override = request->team_override();
    command.today = domain::DutchDate(deps_.clock->Now());
    return Run(*prepared, IntakeDecider::Command(command), reply).status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status IntakeService::AssignRegisseur(grpc::ServerContext* context,
                                            const hub::v1::AssignRegisseurRequest* request,
                                            hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto prepared = PrepareForHousehold(context, request->header(), request->household_id(),
                                        {OrganisationKind::kSocialTeam}, "assign a regisseur");
    if (!prepared.ok()) return prepared.status();
    const auto* organisation = deps_.organisations->FindOrganisation(request->organisation_id());
    intake::AssignRegisseur command;
    command.organisation_id = request->organisation_id();
    command.user_pseudonym = request->user_pseudonym();
    command.organisation_is_social_team = organisation != nullptr &&
                                          organisation->kind == OrganisationKind::kSocialTeam &&
                                          deps_.organisations->Serves(*organisation, prepared->caller.tenant);
    return Run(*prepared, IntakeDecider::Command(command), reply).status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status IntakeService::CloseMelding(grpc::ServerContext* context, const hub::v1::CloseMeldingRequest* request,
                                         hub::v1::CommandReply* reply) {
  auto handle = [&]() -> absl::Status {
    auto prepared = PrepareForHousehold(context, request->header(), request->household_id(),
                                        {OrganisationKind::kSocialTeam}, "close a melding");
    if (!prepared.ok()) return prepared.status();
    if (auto s = CheckId("melding_id", request->melding_id()); !s.ok()) return s;
    return Run(*prepared, IntakeDecider::Command(intake::CloseMelding{request->melding_id(), request->reason()}),
               reply)
        .status();
  };
  return rpc::Fail(context, handle());
}

grpc::Status IntakeService::GetHousehold(grpc::ServerContext* context, const hub::v1::GetHouseholdRequest* request,
                                         hub::v1::Household* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    if (auto s = Allow(*caller, {OrganisationKind::kSocialTeam, OrganisationKind::kDecisionOffice},
                       "read the intake view of a household");
        !s.ok()) {
      return s;
    }
    if (auto s = CheckId("household_id", request->household_id()); !s.ok()) return s;
    const auto deadline = DeadlineOf(context);
    if (!request->min_positions().empty()) {
      if (auto s = deps_.runner->WaitFor(Positions(request->min_positions()), deadline); !s.ok()) return s;
    }
    auto loaded = deps_.handler->Load(request->household_id(), deadline);
    if (!loaded.ok()) return loaded.status();
    if (loaded->version == 0 || loaded->tenant != caller->tenant) {
      return absl::NotFoundError("household_id: no such household for this tenant");
    }
    const auto& state = loaded->state;
    const std::string& tenant = caller->tenant;
    const auto now = deps_.clock->Now();
    reply->set_household_id(request->household_id());
    reply->set_tenant(tenant);
    reply->set_version(loaded->version);
    // Decrypted only for this reply; a shredded key leaves the name empty.
    auto open = [&](const hub::v1::SealedValue& sealed, std::string_view aad) {
      return service::OpenOrEmpty(*deps_.keys, tenant, sealed, aad);
    };
    std::set<std::string> near_eighteen(state.latest_triage().near_eighteen_person_ids().begin(),
                                        state.latest_triage().near_eighteen_person_ids().end());
    for (const auto& m : state.members()) {
      auto* member = reply->add_members();
      member->set_person_id(m.person_id());
      member->set_birth_date(m.birth_date());
      member->set_name(open(m.name(), m.person_id()));
      member->set_relation(m.relation());
      member->set_near_eighteen(near_eighteen.contains(m.person_id()));
    }
    for (const auto& m : state.meldingen()) {
      auto* melding = reply->add_meldingen();
      melding->set_melding_id(m.melding_id());
      melding->set_state(m.open() ? "OPEN" : "CLOSED");
      melding->set_channel(m.channel());
      melding->set_source(m.source());
      melding->set_registered_on(m.registered_on());
      melding->set_onderzoek_due(m.onderzoek_due());
      *melding->mutable_life_domains() = m.life_domains();
      melding->set_question(open(m.question(), m.melding_id()));
      melding->set_close_reason(m.close_reason());
    }
    for (const auto& c : state.consents()) {
      auto* consent = reply->add_consents();
      consent->set_consent_id(c.recorded().consent_id());
      consent->set_person_id(c.recorded().person_id());
      consent->set_recipient_organisation_id(c.recorded().recipient_organisation_id());
      *consent->mutable_data_categories() = c.recorded().data_categories();
      consent->set_purpose(c.recorded().purpose());
      *consent->mutable_valid_until() = c.recorded().valid_until();
      consent->set_active(!c.withdrawn() && es::FromTimestamp(c.recorded().valid_until()) > now);
    }
    if (state.has_latest_triage()) {
      const auto& t = state.latest_triage();
      auto* triage = reply->mutable_latest_triage();
      triage->set_melding_id(t.melding_id());
      triage->set_triage_class(t.triage_class());
      *triage->mutable_zrm_scores() = t.zrm_scores();
      triage->set_derived_team(t.derived_team());
      triage->set_team(t.team());
      triage->set_completed_on(t.completed_on());
    }
    if (state.has_regisseur()) *reply->mutable_regisseur() = state.regisseur();
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

grpc::Status IntakeService::ListMeldingen(grpc::ServerContext* context, const hub::v1::ListMeldingenRequest* request,
                                          hub::v1::ListMeldingenResponse* reply) {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    if (auto s = Allow(*caller, {OrganisationKind::kSocialTeam}, "list meldingen"); !s.ok()) return s;
    if (!request->tenant().empty() && request->tenant() != caller->tenant) {
      return absl::PermissionDeniedError(fmt::format("tenant: the caller acts for {}, not {}", caller->tenant,
                                                     request->tenant()));
    }
    MeldingQuery query;
    query.tenant = caller->tenant;
    if (request->state() == "OPEN") {
      query.open = true;
    } else if (request->state() == "CLOSED") {
      query.open = false;
    } else if (!request->state().empty()) {
      return Invalid("state", "must be OPEN, CLOSED or empty");
    }
    if (!request->due_before().empty()) {
      auto due = domain::Date::Parse(request->due_before());
      if (!due.ok()) return Invalid("due_before", "not a date YYYY-MM-DD");
      query.due_before = *due;
    }
    if (request->page().page_size() < 0 || request->page().page_size() > 500) {
      return Invalid("page.page_size", "must be between 0 and 500");
    }
    query.page_size = request->page().page_size();
    query.page_token = request->page().page_token();
    if (auto s = deps_.runner->CatchUp(DeadlineOf(context)); !s.ok()) return s;
    auto page = deps_.index->ListMeldingen(query);
    if (!page.ok()) return page.status();
    for (const auto& m : page->meldingen) {
      auto* summary = reply->add_meldingen();
      summary->set_household_id(m.household_id);
      summary->set_melding_id(m.melding_id);
      summary->set_state(m.open ? "OPEN" : "CLOSED");
      summary->set_onderzoek_due(m.onderzoek_due);
      summary->set_registered_on(m.registered_on);
    }
    reply->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  };
  return rpc::Fail(context, handle());
}

}  // namespace hub::intake
