// What every hubctl subcommand does around its RPC, whichever service it calls: the command header
// from the global options, the call, the reply printed as text or JSON (output.h), a failure printed
// and turned into an exit code (exit_codes.h). commands.cc (intake), plan_commands.cc (plan) and
// referral_commands.cc (referral) share it, so every service's commands behave alike.
#pragma once

#include <iostream>

#include "hub/v1/common.pb.h"
#include "tools/hubctl/client.h"
#include "tools/hubctl/commands.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/output.h"

namespace hub::hubctl {

// The header of a command: request id, expected version and the positions to wait for.
inline hub::v1::CommandHeader Header(const Globals& globals) {
  hub::v1::CommandHeader header;
  header.set_request_id(globals.request_id);
  if (globals.expected_version) header.set_expected_version(*globals.expected_version);
  for (const auto& position : globals.min_positions) *header.add_min_positions() = position;
  return header;
}

inline int Failed(const CallResult& result, const Globals& globals, bool is_command) {
  PrintError(result, std::cerr);
  // After a timeout or a lost connection nobody knows whether the command was applied; the same
  // request id makes the retry safe (it returns the first result if there was one).
  if (is_command && ExitCodeFor(result.code) == kExitUnavailable) {
    std::cerr << "  request-id: " << globals.request_id << " (retry with --request-id " << globals.request_id
              << ")\n";
  }
  return ExitCodeFor(result.code);
}

// Prints a successful reply as JSON or text and returns the exit code. Every PrintText overload is
// declared in output.h, included above, so this template sees them all.
template <class Reply>
int Print(const Globals& globals, const Reply& reply) {
  if (globals.json) {
    if (!PrintJson(reply, std::cout)) {
      std::cerr << "hubctl: the reply could not be converted to JSON\n";
      return kExitOther;
    }
  } else {
    PrintText(reply, std::cout);
  }
  std::cout.flush();
  return std::cout.good() ? kExitOk : kExitOther;
}

// Runs one command RPC: send, then print the reply or the error.
template <class Request, class Reply>
int RunCommand(const Globals& globals, const Request& request,
               CallResult (Client::*method)(const Request&, Reply*)) {
  Client client(globals.client);
  Reply reply;
  const CallResult result = (client.*method)(request, &reply);
  if (!result.ok()) return Failed(result, globals, /*is_command=*/true);
  return Print(globals, reply);
}

}  // namespace hub::hubctl
