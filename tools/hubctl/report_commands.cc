#include "tools/hubctl/report_commands.h"

#include <iostream>

#include "absl/strings/strip.h"
#include "fmt/format.h"
#include "google/protobuf/util/time_util.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/output.h"
#include "tools/hubctl/parse.h"
#include "tools/hubctl/run.h"
#include "tools/hubctl/table.h"

namespace hub::hubctl {
namespace {

// The scope of every report, or a usage error for a malformed --known-at.
bool Scope(const ReportArgs& args, hub::v1::ReportScope* scope) {
  scope->set_as_of(args.as_of);
  scope->set_period_start(args.period_start);
  scope->set_period_end(args.period_end);
  if (!args.known_at.empty()) {
    auto moment = ParseMoment(args.known_at);
    if (!moment.ok()) {
      std::cerr << "hubctl: --known-at: " << moment.status().message() << "\n";
      return false;
    }
    *scope->mutable_known_at() = *moment;
  }
  return true;
}

// A count as the table shows it: the number, or "<threshold" when suppressed.
std::string Show(const hub::v1::Cell& cell, const hub::v1::ReportHeader& header) {
  return cell.suppressed() ? fmt::format("<{}", header.suppression_threshold()) : std::to_string(cell.count());
}

void PrintHeader(const std::string& title, const hub::v1::ReportHeader& header, bool period) {
  std::cout << title << ", " << header.tenant() << ", as of " << header.as_of();
  if (header.has_known_at()) std::cout << " as known at " << google::protobuf::util::TimeUtil::ToString(header.known_at());
  if (period) std::cout << ", period " << header.period_start() << " - " << header.period_end();
  std::cout << "\n(" << Show(header.households(), header) << " households; counts under "
            << header.suppression_threshold() << " suppressed)\n\n";
}

template <class Request, class Reply>
int Report(const Globals& globals, const ReportArgs& args, Request request,
           CallResult (Client::*method)(const Request&, Reply*), const std::function<void(const Reply&)>& print) {
  if (!Scope(args, request.mutable_scope())) return kExitUsage;
  Client client(globals.client);
  Reply reply;
  const CallResult result = (client.*method)(request, &reply);
  if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
  if (globals.json) return PrintJson(reply, std::cout) ? kExitOk : kExitOther;
  print(reply);
  std::cout.flush();
  return std::cout.good() ? kExitOk : kExitOther;
}

std::string KindLabel(hub::v1::ReportDeadlineKind kind) {
  return std::string(absl::StripPrefix(hub::v1::ReportDeadlineKind_Name(kind), "REPORT_DEADLINE_KIND_"));
}

}  // namespace

int ReportStapeling(const Globals& globals, const ReportArgs& args) {
  return Report<hub::v1::StapelingRequest, hub::v1::StapelingReport>(
      globals, args, {}, &Client::GetStapeling, [](const hub::v1::StapelingReport& r) {
        const auto& h = r.header();
        PrintHeader("Stapeling van zorg", h, false);
        Table schemes({"REGELING", "ADRESSEN MET DEZE REGELING", "ALLEEN DEZE REGELING", "% MET 1 REGELING"});
        for (const auto& s : r.schemes()) {
          schemes.AddRow({s.scheme_name(), Show(s.households(), h), Show(s.households_only(), h),
                          s.has_share_only() ? fmt::format("{:.1f}%", s.share_only_percent()) : "-"});
        }
        schemes.AddRow({"Eindtotaal", Show(r.total_scheme_households(), h), Show(r.total_households_only(), h), ""});
        schemes.Print(std::cout);
        std::cout << "\n";
        Table combinations({"COMBINATIE", "ADRESSEN"});
        for (const auto& c : r.combinations()) combinations.AddRow({c.label(), Show(c.households(), h)});
        combinations.AddRow({"Met minstens een regeling", Show(r.households_with_any_scheme(), h)});
        combinations.Print(std::cout);
      });
}

int ReportDeadlines(const Globals& globals, const ReportArgs& args) {
  hub::v1::DeadlinesRequest request;
  request.set_at_risk_days(args.at_risk_days);
  return Report<hub::v1::DeadlinesRequest, hub::v1::DeadlinesReport>(
      globals, args, request, &Client::GetDeadlines, [](const hub::v1::DeadlinesReport& r) {
        const auto& h = r.header();
        PrintHeader("Deadlines", h, true);
        Table table({"KIND", "OPEN", "OVERDUE", "AT RISK", "ON TRACK", "MET", "MISSED"});
        for (const auto& row : r.rows()) {
          table.AddRow({KindLabel(row.kind()), Show(row.open(), h), Show(row.overdue(), h), Show(row.at_risk(), h),
                        Show(row.on_track(), h), Show(row.met(), h), Show(row.missed(), h)});
        }
        table.Print(std::cout);
      });
}

int ReportProcesregie(const Globals& globals, const ReportArgs& args) {
  return Report<hub::v1::ProcesregieRequest, hub::v1::ProcesregieReport>(
      globals, args, {}, &Client::GetProcesregie, [](const hub::v1::ProcesregieReport& r) {
        const auto& h = r.header();
        PrintHeader("Procesregie", h, true);
        KeyValues lines;
        lines.Add("households with a plan", Show(r.households_with_plan(), h));
        lines.Add("under procesregie", Show(r.under_procesregie(), h));
        lines.Add("share", r.has_share() ? fmt::format("{:.1f}%", r.share_percent()) : "-");
        lines.Add("procesregie started in the period", Show(r.procesregie_started(), h));
        lines.Print(std::cout);
      });
}

int ReportReferrals(const Globals& globals, const ReportArgs& args) {
  return Report<hub::v1::ReferralAnswerTimesRequest, hub::v1::ReferralAnswerTimesReport>(
      globals, args, {}, &Client::GetReferralAnswerTimes, [](const hub::v1::ReferralAnswerTimesReport& r) {
        const auto& h = r.header();
        PrintHeader("Referral answers", h, true);
        Table table({"RECEIVER", "REQUESTED", "ACCEPTED", "DECLINED", "EXPIRED", "ON TIME", "MEDIAN WD", "P90 WD"});
        for (const auto& row : r.rows()) {
          table.AddRow({row.receiver_kind(), Show(row.requested(), h), Show(row.accepted(), h), Show(row.declined(), h),
                        Show(row.expired(), h), Show(row.answered_on_time(), h),
                        row.has_answer_days() ? fmt::format("{:.1f}", row.median_answer_working_days()) : "-",
                        row.has_answer_days() ? fmt::format("{:.1f}", row.p90_answer_working_days()) : "-"});
        }
        table.Print(std::cout);
      });
}

int ReportBezwaren(const Globals& globals, const ReportArgs& args) {
  return Report<hub::v1::BezwarenRequest, hub::v1::BezwarenReport>(
      globals, args, {}, &Client::GetBezwaren, [](const hub::v1::BezwarenReport& r) {
        const auto& h = r.header();
        PrintHeader("Bezwaren", h, true);
        Table table({"LAW", "BESCHIKKINGEN", "FILED", "WELL-FOUNDED", "UNFOUNDED", "ON TIME", "LATE", "PENDING"});
        for (const auto& row : r.rows()) {
          table.AddRow({row.law(), Show(row.beschikkingen_issued(), h), Show(row.filed(), h),
                        Show(row.decided_well_founded(), h), Show(row.decided_unfounded(), h),
                        Show(row.decided_on_time(), h), Show(row.decided_late(), h), Show(row.pending(), h)});
        }
        table.Print(std::cout);
      });
}

}  // namespace hub::hubctl
