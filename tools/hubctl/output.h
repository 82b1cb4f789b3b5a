// What hubctl prints. Readable text by default: aligned "key  value" lines for a command's result,
// small tables for lists. With --json: exactly the reply message in protobuf's JSON mapping with the
// proto field names, one document on stdout, for scripts (jq -r .result.household_id).
//
// Results go to stdout, errors to stderr, so `hubctl ... --json | jq` never sees an error message.
#pragma once

#include <ostream>
#include <string>

#include "google/protobuf/message.h"
#include "hub/v1/beschikking.pb.h"
#include "hub/v1/intake.pb.h"
#include "hub/v1/plan.pb.h"
#include "hub/v1/referral.pb.h"
#include "tools/hubctl/client.h"

namespace hub::hubctl {

// The reply as one JSON object and a newline. Fields with default values are printed too, so a
// script reads `false` or `0` rather than a missing key. False if the message cannot be converted.
bool PrintJson(const google::protobuf::Message& message, std::ostream& out);

void PrintText(const hub::v1::RegisterMeldingReply& reply, std::ostream& out);
void PrintText(const hub::v1::RecordConsentReply& reply, std::ostream& out);
void PrintText(const hub::v1::CommandReply& reply, std::ostream& out);
void PrintText(const hub::v1::Household& household, std::ostream& out);
void PrintText(const hub::v1::ListMeldingenResponse& page, std::ostream& out);

// PlanService replies (plan.proto): a command's result with its new id, a plan, a list of plans.
void PrintText(const hub::v1::DraftPlanReply& reply, std::ostream& out);
void PrintText(const hub::v1::GoalReply& reply, std::ostream& out);
void PrintText(const hub::v1::EscalateToProcesregieReply& reply, std::ostream& out);
void PrintText(const hub::v1::IssueDirectiveReply& reply, std::ostream& out);
void PrintText(const hub::v1::PlanView& plan, std::ostream& out);
void PrintText(const hub::v1::ListPlansResponse& page, std::ostream& out);

// ReferralService replies (referral.proto): a request's result with the referral id and answer due,
// the handover dossier section by section, a household's referrals, a list of referrals.
void PrintText(const hub::v1::RequestReferralReply& reply, std::ostream& out);
void PrintText(const hub::v1::HandoverDossier& dossier, std::ostream& out);
void PrintText(const hub::v1::HouseholdReferrals& referrals, std::ostream& out);
void PrintText(const hub::v1::ListReferralsResponse& page, std::ostream& out);

// BeschikkingService replies (beschikking.proto): each command's result with its new ids and due
// dates, a household's aanvragen, beschikkingen, toewijzingen (with every version), requests and
// bezwaren, a list of deadlines.
void PrintText(const hub::v1::SubmitAanvraagReply& reply, std::ostream& out);
void PrintText(const hub::v1::IssueBeschikkingReply& reply, std::ostream& out);
void PrintText(const hub::v1::ProviderRequestReply& reply, std::ostream& out);
void PrintText(const hub::v1::AnswerRequestReply& reply, std::ostream& out);
void PrintText(const hub::v1::FileBezwaarReply& reply, std::ostream& out);
void PrintText(const hub::v1::DecideBezwaarReply& reply, std::ostream& out);
void PrintText(const hub::v1::BeschikkingenView& view, std::ostream& out);
void PrintText(const hub::v1::ListDeadlinesResponse& page, std::ostream& out);

// "hubctl: <CODE>: <message>", then "  field: ..." and "  reason: ..." when the server sent them.
void PrintError(const CallResult& result, std::ostream& err);

// "topic:partition:offset": the form --min-position accepts (parse.h).
std::string FormatPosition(const hub::v1::Position& position);

}  // namespace hub::hubctl
