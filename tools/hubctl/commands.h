// One function per hubctl subcommand: the parsed arguments become a request, the request goes to
// the hub, the reply is printed (output.h), the outcome becomes an exit code (exit_codes.h).
// main.cc only wires the command line to these.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "google/protobuf/timestamp.pb.h"
#include "hub/v1/intake.pb.h"
#include "tools/hubctl/client.h"

namespace hub::hubctl {

// The options every subcommand shares.
struct Globals {
  ClientOptions client;
  bool json = false;
  // Idempotency key of a command; the same id again returns the first result and changes nothing.
  std::string request_id;
  std::optional<int64_t> expected_version;    // commands only
  std::vector<hub::v1::Position> min_positions;  // commands and household show
};

struct RegisterArgs {
  std::vector<hub::v1::PersonInput> persons;
  hub::v1::Channel channel = hub::v1::CHANNEL_UNSPECIFIED;
  hub::v1::SignalSource source = hub::v1::SIGNAL_SOURCE_UNSPECIFIED;
  std::string question;
  std::vector<std::string> life_domains;
  std::vector<std::string> data_categories;
};

struct RecordConsentArgs {
  std::string household_id;
  std::string person_id;
  std::string recipient;
  std::vector<std::string> categories;
  std::string purpose;
  google::protobuf::Timestamp valid_until;
};

struct WithdrawConsentArgs {
  std::string household_id;
  std::string consent_id;
};

struct CompleteTriageArgs {
  std::string household_id;
  std::string melding_id;
  std::string triage_class;
  std::map<std::string, int32_t> zrm_scores;
  std::string team;  // empty: accept the team derived from the ages
};

struct AssignRegisseurArgs {
  std::string household_id;
  std::string organisation_id;
  std::string user;
};

struct CloseMeldingArgs {
  std::string household_id;
  std::string melding_id;
  std::string reason;
};

struct ListMeldingenArgs {
  std::string state;
  std::string due_before;
  int32_t page_size = 0;  // 0: the server's default
  std::string page_token;
  bool all = false;  // follow next_page_token to the end and print one merged list
};

struct ShowHouseholdArgs {
  std::string household_id;
};

// Each returns the process exit code.
int RegisterMelding(const Globals& globals, const RegisterArgs& args);
int RecordConsent(const Globals& globals, const RecordConsentArgs& args);
int WithdrawConsent(const Globals& globals, const WithdrawConsentArgs& args);
int CompleteTriage(const Globals& globals, const CompleteTriageArgs& args);
int AssignRegisseur(const Globals& globals, const AssignRegisseurArgs& args);
int CloseMelding(const Globals& globals, const CloseMeldingArgs& args);
int ListMeldingen(const Globals& globals, const ListMeldingenArgs& args);
int ShowHousehold(const Globals& globals, const ShowHouseholdArgs& args);

}  // namespace hub::hubctl
