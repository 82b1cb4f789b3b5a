// ReportService: the gRPC adapter of the policy reports (proto/hub/v1/report.proto).
//
// Per call it identifies the caller (auditors, the decision office and the social team of a tenant
// may ask), validates the scope (naming the field), reads the tenant's report facts from one
// snapshot of the ReportFactsIndex, and hands them to the pure report functions (reports.h). It
// writes nothing; the call itself is on the access log like every call (common/rpc/access_log.h).
#pragma once

#include "common/config/register.h"
#include "common/domain/calendar.h"
#include "common/es/clock.h"
#include "common/es/projection_runner.h"
#include "hub/v1/report.grpc.pb.h"
#include "services/audit/projection.h"
#include "services/audit/report_config.h"
#include "services/audit/reports.h"

namespace hub::audit {

// What the service needs from its module; nothing is owned.
struct ReportDependencies {
  const config::Register* organisations = nullptr;
  const ReportFactsIndex* facts = nullptr;
  const ReportConfig* config = nullptr;
  const domain::WorkingDayCalendar* calendar = nullptr;
  const es::Clock* clock = nullptr;
  // Caught up before every report, so a report includes everything durable when it was asked for.
  es::ProjectionRunner* runner = nullptr;
};

class ReportService final : public hub::v1::ReportService::Service {
 public:
  explicit ReportService(ReportDependencies deps) : deps_(deps) {}

  grpc::Status GetStapeling(grpc::ServerContext* context, const hub::v1::StapelingRequest* request,
                            hub::v1::StapelingReport* reply) override;
  grpc::Status GetDeadlines(grpc::ServerContext* context, const hub::v1::DeadlinesRequest* request,
                            hub::v1::DeadlinesReport* reply) override;
  grpc::Status GetProcesregie(grpc::ServerContext* context, const hub::v1::ProcesregieRequest* request,
                              hub::v1::ProcesregieReport* reply) override;
  grpc::Status GetReferralAnswerTimes(grpc::ServerContext* context, const hub::v1::ReferralAnswerTimesRequest* request,
                                      hub::v1::ReferralAnswerTimesReport* reply) override;
  grpc::Status GetBezwaren(grpc::ServerContext* context, const hub::v1::BezwarenRequest* request,
                           hub::v1::BezwarenReport* reply) override;

 private:
  // Identifies and authorises the caller, validates `scope` and loads the tenant's facts; then
  // `make` builds the reply from them.
  grpc::Status Run(grpc::ServerContext* context, const hub::v1::ReportScope& scope,
                   const std::function<absl::Status(const ReportInput&)>& make) const;

  ReportDependencies deps_;
};

}  // namespace hub::audit
