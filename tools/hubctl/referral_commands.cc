#include "tools/hubctl/referral_commands.h"

#include <iostream>
#include <utility>

#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/run.h"

namespace hub::hubctl {

int RequestReferral(const Globals& globals, const RequestReferralArgs& args) {
  hub::v1::RequestReferralRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_person_id(args.person_id);
  request.set_receiver_organisation_id(args.receiver_organisation_id);
  request.set_consultation(args.consultation);
  request.set_purpose(args.purpose);
  for (const auto& category : args.data_categories) request.add_data_categories(category);
  for (const auto& goal : args.goal_ids) request.add_goal_ids(goal);
  request.set_reason(args.reason);
  return RunCommand(globals, request, &Client::RequestReferral);
}

int AcceptReferral(const Globals& globals, const ReferralArgs& args) {
  hub::v1::AcceptReferralRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_referral_id(args.referral_id);
  return RunCommand(globals, request, &Client::AcceptReferral);
}

int DeclineReferral(const Globals& globals, const CloseReferralArgs& args) {
  hub::v1::DeclineReferralRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_referral_id(args.referral_id);
  request.set_reason(args.reason);
  return RunCommand(globals, request, &Client::DeclineReferral);
}

int ScheduleHandoverMeeting(const Globals& globals, const ScheduleMeetingArgs& args) {
  hub::v1::ScheduleHandoverMeetingRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_referral_id(args.referral_id);
  request.set_meeting_on(args.meeting_on);
  return RunCommand(globals, request, &Client::ScheduleHandoverMeeting);
}

int CompleteHandover(const Globals& globals, const ReferralArgs& args) {
  hub::v1::CompleteHandoverRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_referral_id(args.referral_id);
  return RunCommand(globals, request, &Client::CompleteHandover);
}

int WithdrawReferral(const Globals& globals, const CloseReferralArgs& args) {
  hub::v1::WithdrawReferralRequest request;
  *request.mutable_header() = Header(globals);
  request.set_household_id(args.household_id);
  request.set_referral_id(args.referral_id);
  request.set_reason(args.reason);
  return RunCommand(globals, request, &Client::WithdrawReferral);
}

int ShowDossier(const Globals& globals, const ShowDossierArgs& args) {
  Client client(globals.client);
  hub::v1::GetHandoverDossierRequest request;
  request.set_household_id(args.household_id);
  request.set_referral_id(args.referral_id);
  for (const auto& position : globals.min_positions) *request.add_min_positions() = position;
  hub::v1::HandoverDossier dossier;
  const CallResult result = client.GetHandoverDossier(request, &dossier);
  if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
  return Print(globals, dossier);
}

int ShowReferrals(const Globals& globals, const ShowReferralsArgs& args) {
  Client client(globals.client);
  hub::v1::GetReferralsRequest request;
  request.set_household_id(args.household_id);
  for (const auto& position : globals.min_positions) *request.add_min_positions() = position;
  hub::v1::HouseholdReferrals referrals;
  const CallResult result = client.GetReferrals(request, &referrals);
  if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
  return Print(globals, referrals);
}

int ListReferrals(const Globals& globals, const ListReferralsArgs& args) {
  Client client(globals.client);
  hub::v1::ListReferralsRequest request;
  request.set_tenant(globals.client.identity.tenant);
  request.set_role(args.role);
  request.set_status(args.status);
  request.set_overdue(args.overdue);
  request.mutable_page()->set_page_size(args.page_size);
  request.mutable_page()->set_page_token(args.page_token);
  hub::v1::ListReferralsResponse all;
  while (true) {
    hub::v1::ListReferralsResponse page;
    const CallResult result = client.ListReferrals(request, &page);
    if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
    if (!args.all) return Print(globals, page);
    // One merged list with no next_page_token: what a single page of unlimited size would be.
    for (auto& referral : *page.mutable_referrals()) *all.add_referrals() = std::move(referral);
    if (page.next_page_token().empty()) return Print(globals, all);
    if (page.next_page_token() == request.page().page_token()) {
      std::cerr << "hubctl: the hub returned the same page token twice; stopping\n";
      return kExitOther;
    }
    request.mutable_page()->set_page_token(page.next_page_token());
  }
}

}  // namespace hub::hubctl
