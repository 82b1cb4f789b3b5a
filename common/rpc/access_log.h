// The access log at the gRPC layer: one AccessRecorded (proto/hub/v1/access_events.proto) for every
// call to a hub service, written before the call's status is sent.
//
// Why here and not in each handler: a record that depends on every handler remembering to write it
// will one day be forgotten; the interceptor sees every call of every hub service (package
// hub.v1), including refused and failed ones, and cannot be switched off or sampled. It records
// what the call claimed (organisation, role, user pseudonym, on-behalf-of, tenant from metadata),
// what it touched (the request's household_id, or the reply's for a call that created the
// household), the action (from the method name), the processing activity, and the outcome.
//
// Fail closed: when the record cannot be written the caller gets UNAVAILABLE instead of the answer
// (for a unary call the reply is withheld by the error status; a streaming call has already sent
// its messages and only ends with the error).
//
// Trace context: when the caller sent no W3C traceparent, the interceptor adds one to the call's
// metadata before the handler runs, so the events a command appends and its access record carry
// the same trace id.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "grpcpp/support/server_interceptor.h"
#include "hub/v1/access_events.pb.h"

namespace hub::rpc {

// Where access records go. Write returns once the record is durable (or fails). Thread-safe.
class AccessLogWriter {
 public:
  virtual ~AccessLogWriter() = default;
  virtual absl::Status Write(hub::v1::AccessRecorded record) = 0;
};

// The NEN 7513 action of a hub method, from its name: Get*/Replay* READ, List* SEARCH, Export* EXPORT;
// Register*, Request*, Submit*, Draft*, Add*, Record*, Issue*, File*, Import*, Escalate*, Report*
// CREATE; everything else CHANGE.
hub::v1::AccessAction ActionOf(std::string_view method);

// The default processing activity of a hub service ("hub.v1.PlanService" -> "urn:hub:verwerking:plan").
std::string DefaultProcessingActivity(std::string_view service);

// Creates one interceptor per call. `writer` is not owned and must outlive every call; `resource`
// names the process ("hubd", "intake", ...).
class AccessLogInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  AccessLogInterceptorFactory(AccessLogWriter* writer, std::string resource)
      : writer_(writer), resource_(std::move(resource)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;

 private:
  AccessLogWriter* writer_;
  std::string resource_;
};

}  // namespace hub::rpc
