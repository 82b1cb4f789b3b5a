#include "services/audit/report_service.h"

#include "common/domain/local_date.h"
#include "common/rpc/caller.h"
#include "common/rpc/status.h"
#include "common/service/command_call.h"
#include "google/protobuf/util/time_util.h"
#include "services/audit/keys.h"
#include "services/audit/report_facts.h"

namespace hub::audit {
namespace {

using config::OrganisationKind;
using domain::Date;
using service::Invalid;

constexpr int kDefaultAtRiskDays = 7;
constexpr int kMaxAtRiskDays = 366;
constexpr auto kCatchUpLimit = std::chrono::seconds(10);

absl::StatusOr<Date> ParseDate(std::string_view field, const std::string& value) {
  auto date = Date::Parse(value);
  if (!date.ok()) return Invalid(field, "must be a date YYYY-MM-DD");
  return *date;
}

}  // namespace

grpc::Status ReportService::Run(grpc::ServerContext* context, const hub::v1::ReportScope& scope,
                                const std::function<absl::Status(const ReportInput&)>& make) const {
  auto handle = [&]() -> absl::Status {
    auto caller = rpc::CallerFromMetadata(context->client_metadata(), *deps_.organisations);
    if (!caller.ok()) return caller.status();
    if (auto s = service::Allow(*caller,
                                {OrganisationKind::kAuditor, OrganisationKind::kDecisionOffice,
                                 OrganisationKind::kSocialTeam},
                                "read the policy reports");
        !s.ok()) {
      return s;
    }
    ReportInput input;
    input.tenant = caller->tenant;
    input.policy = deps_.config->For(caller->tenant);
    input.calendar = deps_.calendar;
    const auto now = deps_.clock->Now();
    if (scope.as_of().empty()) {
      input.as_of = domain::DutchDate(now);
    } else {
      auto as_of = ParseDate("scope.as_of", scope.as_of());
      if (!as_of.ok()) return as_of.status();
      input.as_of = *as_of;
    }
    if (scope.has_known_at()) {
      const auto& t = scope.known_at();
      if (t.seconds() < google::protobuf::util::TimeUtil::kTimestampMinSeconds ||
          t.seconds() > google::protobuf::util::TimeUtil::kTimestampMaxSeconds || t.nanos() < 0 ||
          t.nanos() > 999'999'999) {
        return Invalid("scope.known_at", "is not a valid timestamp");
      }
      input.known_at_nanos = Nanos(scope.known_at());
    }
    input.period_end = input.as_of;
    if (!scope.period_end().empty()) {
      auto end = ParseDate("scope.period_end", scope.period_end());
      if (!end.ok()) return end.status();
      if (*end > input.as_of) return Invalid("scope.period_end", "lies after scope.as_of");
      input.period_end = *end;
    }
    input.period_start = *Date::FromCivil(static_cast<int>(input.period_end.year()), 1, 1);
    if (!scope.period_start().empty()) {
      auto start = ParseDate("scope.period_start", scope.period_start());
      if (!start.ok()) return start.status();
      if (*start > input.period_end) return Invalid("scope.period_start", "lies after the period's end");
      input.period_start = *start;
    }
    if (deps_.runner != nullptr) {
      auto deadline = std::chrono::steady_clock::now() + kCatchUpLimit;
      if (auto s = deps_.runner->CatchUp(deadline); !s.ok()) {
        return absl::UnavailableError("the report facts are behind the log; ask again in a moment (" +
                                      std::string(s.message()) + ")");
      }
    }
    // The facts live on `arena` while the report reads them through `input.households`.
    google::protobuf::Arena arena;
    auto s = deps_.facts->ForEachHousehold(caller->tenant, &arena, [&](const HouseholdReportFacts& facts) {
      auto items = ItemsKnownAt(facts, input.known_at_nanos);
      if (!items.empty()) input.households.push_back(std::move(items));
    });
    if (!s.ok()) return s;
    return make(input);
  };
  return rpc::Fail(context, handle());
}

grpc::Status ReportService::GetStapeling(grpc::ServerContext* context, const hub::v1::StapelingRequest* request,
                                         hub::v1::StapelingReport* reply) {
  return Run(context, request->scope(), [&](const ReportInput& input) {
    *reply = MakeStapeling(input);
    return absl::OkStatus();
  });
}

grpc::Status ReportService::GetDeadlines(grpc::ServerContext* context, const hub::v1::DeadlinesRequest* request,
                                         hub::v1::DeadlinesReport* reply) {
  if (request->at_risk_days() < 0 || request->at_risk_days() > kMaxAtRiskDays) {
    return rpc::Fail(context, Invalid("at_risk_days", "must be from 0 (the default, 7) to 366"));
  }
  const int days = request->at_risk_days() == 0 ? kDefaultAtRiskDays : request->at_risk_days();
  return Run(context, request->scope(), [&](const ReportInput& input) {
    *reply = MakeDeadlines(input, days);
    return absl::OkStatus();
  });
}

grpc::Status ReportService::GetProcesregie(grpc::ServerContext* context, const hub::v1::ProcesregieRequest* request,
                                           hub::v1::ProcesregieReport* reply) {
  return Run(context, request->scope(), [&](const ReportInput& input) {
    *reply = MakeProcesregie(input);
    return absl::OkStatus();
  });
}

grpc::Status ReportService::GetReferralAnswerTimes(grpc::ServerContext* context,
                                                   const hub::v1::ReferralAnswerTimesRequest* request,
                                                   hub::v1::ReferralAnswerTimesReport* reply) {
  return Run(context, request->scope(), [&](const ReportInput& input) {
    *reply = MakeReferralAnswerTimes(input);
    return absl::OkStatus();
  });
}

grpc::Status ReportService::GetBezwaren(grpc::ServerContext* context, const hub::v1::BezwarenRequest* request,
                                        hub::v1::BezwarenReport* reply) {
  return Run(context, request->scope(), [&](const ReportInput& input) {
    *reply = MakeBezwaren(input);
    return absl::OkStatus();
  });
}

}  // namespace hub::audit
