// Request metrics for every RPC a ServerHost serves, in the shape of go-grpc-prometheus:
//   hub_grpc_server_handled_total{service, method, code}   counter, one per finished RPC
//   hub_grpc_server_handling_seconds{service, method}      histogram, 0.5 ms .. 5 s
//
// Labels come only from the status code and from the methods compiled into the binary (protobuf's
// generated descriptor pool, plus grpc.health.v1.Health); never from request bodies or metadata
// values. The method path is checked against that list because gRPC gives the interceptor of an
// unregistered method the path the client sent: such calls are counted under
// service="unknown", method="unknown". So no label can carry personal data and a client cannot mint
// new series by making up method names.
//
// The counter is incremented just before the status is sent, so a client that has its answer can
// already see its request counted. An RPC that ends without the server sending a status (the client
// went away) counts as CANCELLED.
#pragma once

#include <memory>
#include <string_view>

#include "grpcpp/support/server_interceptor.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace hub::rpc {

// The canonical upper-case name of a gRPC code ("OK", "NOT_FOUND", ...); "UNKNOWN" for a number
// outside 0..16.
std::string_view GrpcCodeName(grpc::StatusCode code);

// Creates one interceptor per RPC. Thread-safe; the families it records into live in `registry`,
// which must outlive the factory and every RPC it intercepted.
class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(prometheus::Registry& registry);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
};

// The latency buckets, in seconds: 0.0005 to 5.
const prometheus::Histogram::BucketBoundaries& HandlingSecondsBuckets();

}  // namespace hub::rpc
