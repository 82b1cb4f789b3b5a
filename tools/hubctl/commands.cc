#include "tools/hubctl/commands.h"

#include <iostream>

#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/output.h"
#include "tools/hubctl/run.h"

namespace hub::hubctl {

int RegisterMelding(const Globals& globals, const RegisterArgs& args) {
  hub::v1::RegisterMeldingRequest request;
  *request.mutable_header() = Header(globals);
  request.set_tenant(globals.client.identity.tenant);
  request.set_channel(args.channel);
  request.set_source(args.source);
  for (const auto& person : args.persons) *request.add_persons() = person;
  request.set_question(args.question);
  for (const auto& domain : args.life_domains) request.add_life_domains(domain);
  for (const auto& category : args.data_categories) request.add_data_categories(category);
  return RunCommand(globals, request, &Client::RegisterMelding);
}

int RecordConsent(const Globals& globals, const RecordConsentArgs& args) {
  hub::v1::RecordConsentRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_person_id(args.person_id);
  request.set_recipient_organisation_id(args.recipient);
  for (const auto& category : args.categories) request.add_data_categories(category);
  request.set_purpose(args.purpose);
  *request.mutable_valid_until() = args.valid_until;
  return RunCommand(globals, request, &Client::RecordConsent);
}

int WithdrawConsent(const Globals& globals, const WithdrawConsentArgs& args) {
  hub::v1::WithdrawConsentRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_consent_id(args.consent_id);
  return RunCommand(globals, request, &Client::WithdrawConsent);
}

int CompleteTriage(const Globals& globals, const CompleteTriageArgs& args) {
  hub::v1::CompleteTriageRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_melding_id(args.melding_id);
  request.set_triage_class(args.triage_class);
  for (const auto& [domain, score] : args.zrm_scores) (*request.mutable_zrm_scores())[domain] = score;
  request.set_team_override(args.team);
  return RunCommand(globals, request, &Client::CompleteTriage);
}

int AssignRegisseur(const Globals& globals, const AssignRegisseurArgs& args) {
  hub::v1::AssignRegisseurRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_organisation_id(args.organisation_id);
  request.set_user_pseudonym(args.user);
  return RunCommand(globals, request, &Client::AssignRegisseur);
}

int CloseMelding(const Globals& globals, const CloseMeldingArgs& args) {
  hub::v1::CloseMeldingRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_melding_id(args.melding_id);
  request.set_reason(args.reason);
  return RunCommand(globals, request, &Client::CloseMelding);
}

int ListMeldingen(const Globals& globals, const ListMeldingenArgs& args) {
  Client client(globals.client);
  hub::v1::ListMeldingenRequest request;
  request.set_tenant(globals.client.identity.tenant);
  request.set_state(args.state);
  request.set_due_before(args.due_before);
  request.mutable_page()->set_page_size(args.page_size);
  request.mutable_page()->set_page_token(args.page_token);
  hub::v1::ListMeldingenResponse all;
  while (true) {
    hub::v1::ListMeldingenResponse page;
    const CallResult result = client.ListMeldingen(request, &page);
    if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
    if (!args.all) return Print(globals, page);
    // One merged list with no next_page_token: what a single page of unlimited size would be.
    for (auto& m : *page.mutable_meldingen()) *all.add_meldingen() = std::move(m);
    if (page.next_page_token().empty()) return Print(globals, all);
    if (page.next_page_token() == request.page().page_token()) {
      std::cerr << "hubctl: the hub returned the same page token twice; stopping\n";
      return kExitOther;
    }
    request.mutable_page()->set_page_token(page.next_page_token());
  }
}

int ShowHousehold(const Globals& globals, const ShowHouseholdArgs& args) {
  Client client(globals.client);
  hub::v1::GetHouseholdRequest request;
  request.set_household_id(args.household_id);
  for (const auto& position : globals.min_positions) *request.add_min_positions() = position;
  hub::v1::Household household;
  const CallResult result = client.GetHousehold(request, &household);
  if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
  return Print(globals, household);
}

}  // namespace hub::hubctl
