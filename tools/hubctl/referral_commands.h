// One function per `hubctl referral ...` subcommand, for the ReferralService
// (proto/hub/v1/referral.proto); the same shape as the intake commands in commands.h and the plan
// commands in plan_commands.h: the parsed arguments become a request, the request goes to the hub,
// the reply is printed (output.h), the outcome becomes an exit code (exit_codes.h). main.cc wires
// the command line to these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hub/v1/referral.pb.h"
#include "tools/hubctl/commands.h"

namespace hub::hubctl {

struct RequestReferralArgs {
  std::string household_id;
  std::string person_id;
  std::string receiver_organisation_id;
  bool consultation = false;
  std::string purpose;                      // exactly the purpose of the consents that cover it
  std::vector<std::string> data_categories;  // none only for an (anonymous) consultation
  std::vector<std::string> goal_ids;         // goals of the household's open plan it serves
  std::string reason;
};

// accept and complete: the referral alone.
struct ReferralArgs {
  std::string household_id;
  std::string referral_id;
};

// decline and withdraw: the referral and why.
struct CloseReferralArgs {
  std::string household_id;
  std::string referral_id;
  std::string reason;
};

struct ScheduleMeetingArgs {
  std::string household_id;
  std::string referral_id;
  std::string meeting_on;  // YYYY-MM-DD, today or later: the hub checks
};

struct ShowDossierArgs {
  std::string household_id;
  std::string referral_id;
};

struct ShowReferralsArgs {
  std::string household_id;
};

struct ListReferralsArgs {
  hub::v1::ReferralRole role = hub::v1::REFERRAL_ROLE_UNSPECIFIED;          // required
  hub::v1::ReferralStatus status = hub::v1::REFERRAL_STATUS_UNSPECIFIED;  // UNSPECIFIED: any
  bool overdue = false;
  int32_t page_size = 0;  // 0: the server's default
  std::string page_token;
  bool all = false;  // follow next_page_token to the end and print one merged list
};

// Each returns the process exit code.
int RequestReferral(const Globals& globals, const RequestReferralArgs& args);
int AcceptReferral(const Globals& globals, const ReferralArgs& args);
int DeclineReferral(const Globals& globals, const CloseReferralArgs& args);
int ScheduleHandoverMeeting(const Globals& globals, const ScheduleMeetingArgs& args);
int CompleteHandover(const Globals& globals, const ReferralArgs& args);
int WithdrawReferral(const Globals& globals, const CloseReferralArgs& args);
int ShowDossier(const Globals& globals, const ShowDossierArgs& args);
int ShowReferrals(const Globals& globals, const ShowReferralsArgs& args);
int ListReferrals(const Globals& globals, const ListReferralsArgs& args);

}  // namespace hub::hubctl
