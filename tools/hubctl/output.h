// What hubctl prints. Readable text by default: aligned "key  value" lines for a command's result,
// small tables for lists. With --json: exactly the reply message in protobuf's JSON mapping with the
// proto field names, one document on stdout, for scripts (jq -r .result.household_id).
//
// Results go to stdout, errors to stderr, so `hubctl ... --json | jq` never sees an error message.
#pragma once

#include <ostream>
#include <string>

#include "google/protobuf/message.h"
#include "hub/v1/intake.pb.h"
#include "hub/v1/plan.pb.h"
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

// "hubctl: <CODE>: <message>", then "  field: ..." and "  reason: ..." when the server sent them.
void PrintError(const CallResult& result, std::ostream& err);

// "topic:partition:offset": the form --min-position accepts (parse.h).
std::string FormatPosition(const hub::v1::Position& position);

}  // namespace hub::hubctl
