#include "common/rpc/metrics_interceptor.h"

#include <array>
#include <chrono>
#include <string>

#include "google/protobuf/descriptor.h"
#include "grpcpp/support/interceptor.h"

namespace hub::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr std::array<std::string_view, 17> kCodeNames{
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

// True iff `service`.`method` is a method compiled into this binary. gRPC hands the interceptor of
// an unregistered method the path exactly as the client sent it, so the path alone is untrusted
// input. The descriptor pool is a fixed, finite list written by us, so labels taken from it can
// neither carry personal data nor grow without bound. The default health service is implemented
// with upb, not protobuf, so its two methods are not in the pool and are named here.
bool IsCompiledInMethod(std::string_view service, std::string_view method) {
  if (service == "grpc.health.v1.Health") return method == "Check" || method == "Watch";
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(service));
  return descriptor != nullptr && descriptor->FindMethodByName(std::string(method)) != nullptr;
}

// "/hub.v1.IntakeService/RegisterMelding" -> {"hub.v1.IntakeService", "RegisterMelding"}; every
// path that does not name a compiled-in method is one bucket, {"unknown", "unknown"}.
std::pair<std::string, std::string> MethodLabels(const char* full) {
  const std::string_view path = full == nullptr ? std::string_view() : std::string_view(full);
  const size_t slash = path.size() > 1 && path.front() == '/' ? path.find('/', 1)
                                                              : std::string_view::npos;
  if (slash == std::string_view::npos || slash + 1 >= path.size()) return {"unknown", "unknown"};
  const std::string_view service = path.substr(1, slash - 1);
  const std::string_view method = path.substr(slash + 1);
  if (!IsCompiledInMethod(service, method)) return {"unknown", "unknown"};
  return {std::string(service), std::string(method)};
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(prometheus::Family<prometheus::Counter>& handled,
                     prometheus::Histogram& latency, std::string service, std::string method)
      : handled_(handled),
        latency_(latency),
        service_(std::move(service)),
        method_(std::move(method)),
        start_(std::chrono::steady_clock::now()) {}

  // gRPC destroys the interceptor when the call is over; a call that never sent a status (the
  // client cancelled, or the deadline passed first) is recorded here.
  ~MetricsInterceptor() override {
    if (!recorded_) Record(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        !recorded_) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Record(grpc::StatusCode code) {
    recorded_ = true;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    latency_.Observe(elapsed.count());
    handled_
        .Add({{"service", service_}, {"method", method_}, {"code", std::string(GrpcCodeName(code))}})
        .Increment();
  }

  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Histogram& latency_;
  const std::string service_;
  const std::string method_;
  const std::chrono::steady_clock::time_point start_;
  bool recorded_ = false;  // the hooks of one call run one at a time
};

}  // namespace

std::string_view GrpcCodeName(grpc::StatusCode code) {
  const int index = static_cast<int>(code);
  if (index < 0 || index >= static_cast<int>(kCodeNames.size())) return "UNKNOWN";
  return kCodeNames[index];
}

const prometheus::Histogram::BucketBoundaries& HandlingSecondsBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  return buckets;
}

MetricsInterceptorFactory::MetricsInterceptorFactory(prometheus::Registry& registry)
    : handled_(prometheus::BuildCounter()
                   .Name("hub_grpc_server_handled_total")
                   .Help("RPCs completed on the server, by service, method and status code.")
                   .Register(registry)),
      handling_seconds_(prometheus::BuildHistogram()
                            .Name("hub_grpc_server_handling_seconds")
                            .Help("Time from the start of an RPC to its status, in seconds.")
                            .Register(registry)) {}

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  auto [service, method] = MethodLabels(info->method());
  // Family::Add returns the existing series for known labels, so this is a lookup after the first
  // call of each method.
  prometheus::Histogram& latency = handling_seconds_.Add(
      {{"service", service}, {"method", method}}, HandlingSecondsBuckets());
  return new MetricsInterceptor(handled_, latency, std::move(service), std::move(method));
}

}  // namespace hub::rpc
