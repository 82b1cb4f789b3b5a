// One function per `hubctl report ...` subcommand, for the ReportService (proto/hub/v1/report.proto):
// the policy reports of the caller's tenant, as of a date, optionally as the hub knew it at a
// moment. Text prints the tables as the back office knows them, a suppressed count as "<N" (N the
// tenant's threshold); --json prints the reply.
#pragma once

#include <cstdint>
#include <string>

#include "tools/hubctl/commands.h"

namespace hub::hubctl {

struct ReportArgs {
  std::string as_of;         // YYYY-MM-DD; empty: today
  std::string known_at;      // RFC 3339; empty: now
  std::string period_start;  // YYYY-MM-DD; empty: 1 January of the period's year
  std::string period_end;    // YYYY-MM-DD; empty: as_of
  int32_t at_risk_days = 0;  // deadlines only; 0: the service's default (7)
};

int ReportStapeling(const Globals& globals, const ReportArgs& args);
int ReportDeadlines(const Globals& globals, const ReportArgs& args);
int ReportProcesregie(const Globals& globals, const ReportArgs& args);
int ReportReferrals(const Globals& globals, const ReportArgs& args);
int ReportBezwaren(const Globals& globals, const ReportArgs& args);

}  // namespace hub::hubctl
