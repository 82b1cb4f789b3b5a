#include "tools/hubctl/beschikking_commands.h"

#include <iostream>
#include <utility>

#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/run.h"

namespace hub::hubctl {

int SubmitAanvraag(const Globals& globals, const SubmitAanvraagArgs& args) {
  hub::v1::SubmitAanvraagRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_person_id(args.person_id);
  request.set_law(args.law);
  request.set_requested_provision(args.requested_provision);
  return RunCommand(globals, request, &Client::SubmitAanvraag);
}

int IssueBeschikking(const Globals& globals, const IssueBeschikkingArgs& args) {
  hub::v1::IssueBeschikkingRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_aanvraag_id(args.aanvraag_id);
  request.set_request_id(args.request_id);
  *request.mutable_decision() = args.decision;
  return RunCommand(globals, request, &Client::IssueBeschikking);
}

int CorrectToewijzing(const Globals& globals, const CorrectToewijzingArgs& args) {
  hub::v1::CorrectToewijzingRequest request;
  *request.mutable_header() = Header(globals);
  if (args.occurred_at) *request.mutable_header()->mutable_occurred_at() = *args.occurred_at;
  request.set_household_id(args.household_id);
  request.set_toewijzing_id(args.toewijzing_id);
  request.set_ingangsdatum(args.ingangsdatum);
  request.set_einddatum(args.einddatum);
  request.set_reden_wijziging(args.reden);
  request.set_explanation(args.explanation);
  return RunCommand(globals, request, &Client::CorrectToewijzing);
}

int ReportStartZorg(const Globals& globals, const ReportStartZorgArgs& args) {
  hub::v1::ReportStartZorgRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_toewijzing_id(args.toewijzing_id);
  request.set_start_date(args.start_date);
  return RunCommand(globals, request, &Client::ReportStartZorg);
}

int ReportStopZorg(const Globals& globals, const ReportStopZorgArgs& args) {
  hub::v1::ReportStopZorgRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_toewijzing_id(args.toewijzing_id);
  request.set_stop_date(args.stop_date);
  request.set_reden_beeindiging(args.reason);
  return RunCommand(globals, request, &Client::ReportStopZorg);
}

int RequestToewijzing(const Globals& globals, const RequestToewijzingArgs& args) {
  hub::v1::RequestToewijzingRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_person_id(args.person_id);
  request.set_law(args.law);
  *request.mutable_product() = args.product;
  request.set_verwijzer(args.verwijzer);
  request.set_motivation(args.motivation);
  return RunCommand(globals, request, &Client::RequestToewijzing);
}

int RequestWijziging(const Globals& globals, const RequestWijzigingArgs& args) {
  hub::v1::RequestWijzigingRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_toewijzing_id(args.toewijzing_id);
  *request.mutable_product() = args.product;
  request.set_motivation(args.motivation);
  return RunCommand(globals, request, &Client::RequestWijziging);
}

int AnswerRequest(const Globals& globals, const AnswerRequestArgs& args) {
  hub::v1::AnswerRequestRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_request_id(args.request_id);
  request.set_answer(args.answer);
  request.set_motivation(args.motivation);
  return RunCommand(globals, request, &Client::AnswerRequest);
}

int FileBezwaar(const Globals& globals, const FileBezwaarArgs& args) {
  hub::v1::FileBezwaarRequest request;
  *request.mutable_header() = Header(globals);
  if (args.occurred_at) *request.mutable_header()->mutable_occurred_at() = *args.occurred_at;
  request.set_household_id(args.household_id);
  request.set_beschikking_id(args.beschikking_id);
  request.set_grounds(args.grounds);
  return RunCommand(globals, request, &Client::FileBezwaar);
}

int DecideBezwaar(const Globals& globals, const DecideBezwaarArgs& args) {
  hub::v1::DecideBezwaarRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_bezwaar_id(args.bezwaar_id);
  request.set_decision(args.decision);
  request.set_motivation(args.motivation);
  if (args.new_decision) *request.mutable_new_decision() = *args.new_decision;
  return RunCommand(globals, request, &Client::DecideBezwaar);
}

int ImportLegacyIndication(const Globals& globals, const ImportLegacyArgs& args) {
  hub::v1::ImportLegacyIndicationRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_person_id(args.person_id);
  request.set_law(args.law);
  request.set_legacy_reference(args.legacy_reference);
  request.set_decided_on(args.decided_on);
  request.set_valid_until(args.valid_until);
  for (const auto& product : args.products) *request.add_products() = product;
  request.set_motivation(args.motivation);
  return RunCommand(globals, request, &Client::ImportLegacyIndication);
}

int ShowBeschikkingen(const Globals& globals, const ShowBeschikkingenArgs& args) {
  Client client(globals.client);
  hub::v1::GetBeschikkingenRequest request;
  request.set_household_id(args.household_id);
  for (const auto& position : globals.min_positions) *request.add_min_positions() = position;
  hub::v1::BeschikkingenView view;
  const CallResult result = client.GetBeschikkingen(request, &view);
  if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
  return Print(globals, view);
}

int ListDeadlines(const Globals& globals, const ListDeadlinesArgs& args) {
  Client client(globals.client);
  hub::v1::ListDeadlinesRequest request;
  request.set_tenant(globals.client.identity.tenant);
  request.set_kind(args.kind);
  request.set_state(args.state);
  if (args.due_soon_working_days) request.set_due_soon_working_days(*args.due_soon_working_days);
  request.set_household_id(args.household_id);
  request.mutable_page()->set_page_size(args.page_size);
  request.mutable_page()->set_page_token(args.page_token);
  hub::v1::ListDeadlinesResponse all;
  while (true) {
    hub::v1::ListDeadlinesResponse page;
    const CallResult result = client.ListDeadlines(request, &page);
    if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
    if (!args.all) return Print(globals, page);
    // One merged list with no next_page_token: what a single page of unlimited size would be.
    for (auto& deadline : *page.mutable_deadlines()) *all.add_deadlines() = std::move(deadline);
    if (page.next_page_token().empty()) return Print(globals, all);
    if (page.next_page_token() == request.page().page_token()) {
      std::cerr << "hubctl: the hub returned the same page token twice; stopping\n";
      return kExitOther;
    }
    request.mutable_page()->set_page_token(page.next_page_token());
  }
}

}  // namespace hub::hubctl
