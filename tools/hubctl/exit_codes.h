// hubctl's exit codes: the contract with scripts. A script can tell "you typed it wrong" (2) from
// "the hub refused it" (3-7) from "the hub was not there" (8) without parsing messages. The --help
// footer and README.md print the same table; change all three together.
#pragma once

#include "grpcpp/support/status_code_enum.h"

namespace hub::hubctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitOther = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInvalidArgument = 3;
inline constexpr int kExitNotFound = 4;
inline constexpr int kExitPrecondition = 5;    // FAILED_PRECONDITION, ALREADY_EXISTS
inline constexpr int kExitConflict = 6;        // ABORTED: stale --expected-version
inline constexpr int kExitDenied = 7;          // PERMISSION_DENIED, UNAUTHENTICATED
inline constexpr int kExitUnavailable = 8;     // UNAVAILABLE, DEADLINE_EXCEEDED: retry later

// The exit code for a finished call.
int ExitCodeFor(grpc::StatusCode code);

// The canonical name of a gRPC code, e.g. "INVALID_ARGUMENT".
const char* CodeName(grpc::StatusCode code);

// The table above as the --help footer shows it.
const char* ExitCodeHelp();

}  // namespace hub::hubctl
