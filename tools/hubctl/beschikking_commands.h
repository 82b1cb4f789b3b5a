// One function per BeschikkingService call (proto/hub/v1/beschikking.proto), behind the subcommands
// `aanvraag`, `beschikking`, `toewijzing`, `zorg`, `wijziging`, `request`, `bezwaar`, `legacy` and
// `deadlines`; the same shape as the plan and referral commands (plan_commands.h,
// referral_commands.h): the parsed arguments become a request, the request goes to the hub, the
// reply is printed (output.h), the outcome becomes an exit code (exit_codes.h). main.cc wires the
// command line to these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "google/protobuf/timestamp.pb.h"
#include "hub/v1/beschikking.pb.h"
#include "tools/hubctl/commands.h"

namespace hub::hubctl {

struct SubmitAanvraagArgs {
  std::string household_id;
  std::string person_id;
  hub::v1::Law law = hub::v1::LAW_UNSPECIFIED;
  std::string requested_provision;
};

// `beschikking issue`: an aanvraag or a provider's 315/317 decided (exactly one of the two ids).
struct IssueBeschikkingArgs {
  std::string household_id;
  std::string aanvraag_id;
  std::string request_id;
  hub::v1::DecisionInput decision;
};

struct CorrectToewijzingArgs {
  std::string household_id;
  std::string toewijzing_id;
  std::string ingangsdatum;
  std::string einddatum;
  hub::v1::RedenWijziging reden = hub::v1::REDEN_WIJZIGING_UNSPECIFIED;
  std::string explanation;
  std::optional<google::protobuf::Timestamp> occurred_at;  // when it takes effect, if not now
};

struct ReportStartZorgArgs {
  std::string household_id;
  std::string toewijzing_id;
  std::string start_date;
};

struct ReportStopZorgArgs {
  std::string household_id;
  std::string toewijzing_id;
  std::string stop_date;
  hub::v1::RedenBeeindiging reason = hub::v1::REDEN_BEEINDIGING_UNSPECIFIED;
};

struct RequestToewijzingArgs {  // 315
  std::string household_id;
  std::string person_id;
  hub::v1::Law law = hub::v1::LAW_UNSPECIFIED;
  hub::v1::RequestedProduct product;
  hub::v1::Verwijzer verwijzer = hub::v1::VERWIJZER_UNSPECIFIED;
  std::string motivation;
};

struct RequestWijzigingArgs {  // 317
  std::string household_id;
  std::string toewijzing_id;
  hub::v1::RequestedProduct product;
  std::string motivation;
};

struct AnswerRequestArgs {  // 319
  std::string household_id;
  std::string request_id;
  hub::v1::RequestAnswer answer = hub::v1::REQUEST_ANSWER_UNSPECIFIED;
  std::string motivation;
};

struct FileBezwaarArgs {
  std::string household_id;
  std::string beschikking_id;
  std::string grounds;
  std::optional<google::protobuf::Timestamp> occurred_at;  // the day it was received, if not today
};

struct DecideBezwaarArgs {
  std::string household_id;
  std::string bezwaar_id;
  hub::v1::BezwaarDecision decision = hub::v1::BEZWAAR_DECISION_UNSPECIFIED;
  std::string motivation;
  std::optional<hub::v1::DecisionInput> new_decision;  // WELL_FOUNDED only
};

struct ImportLegacyArgs {
  std::string household_id;
  std::string person_id;
  hub::v1::Law law = hub::v1::LAW_UNSPECIFIED;
  std::string legacy_reference;
  std::string decided_on;
  std::string valid_until;
  std::vector<hub::v1::ProductInput> products;
  std::string motivation;
};

struct ShowBeschikkingenArgs {
  std::string household_id;
};

struct ListDeadlinesArgs {
  hub::v1::DeadlineKind kind = hub::v1::DEADLINE_KIND_UNSPECIFIED;    // UNSPECIFIED: any
  hub::v1::DeadlineState state = hub::v1::DEADLINE_STATE_UNSPECIFIED;  // UNSPECIFIED: any
  std::optional<int32_t> due_soon_working_days;                        // nullopt: the server's default (2)
  std::string household_id;                                            // empty: every household
  int32_t page_size = 0;  // 0: the server's default
  std::string page_token;
  bool all = false;  // follow next_page_token to the end and print one merged list
};

// Each returns the process exit code.
int SubmitAanvraag(const Globals& globals, const SubmitAanvraagArgs& args);
int IssueBeschikking(const Globals& globals, const IssueBeschikkingArgs& args);
int CorrectToewijzing(const Globals& globals, const CorrectToewijzingArgs& args);
int ReportStartZorg(const Globals& globals, const ReportStartZorgArgs& args);
int ReportStopZorg(const Globals& globals, const ReportStopZorgArgs& args);
int RequestToewijzing(const Globals& globals, const RequestToewijzingArgs& args);
int RequestWijziging(const Globals& globals, const RequestWijzigingArgs& args);
int AnswerRequest(const Globals& globals, const AnswerRequestArgs& args);
int FileBezwaar(const Globals& globals, const FileBezwaarArgs& args);
int DecideBezwaar(const Globals& globals, const DecideBezwaarArgs& args);
int ImportLegacyIndication(const Globals& globals, const ImportLegacyArgs& args);
int ShowBeschikkingen(const Globals& globals, const ShowBeschikkingenArgs& args);
int ListDeadlines(const Globals& globals, const ListDeadlinesArgs& args);

}  // namespace hub::hubctl
