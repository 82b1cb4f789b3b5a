// ServerHost: the process shell of every service binary and of hubd. It owns the gRPC server and
// gives every binary the same operational surface (DESIGN.md, Operations):
//   - grpc.health.v1.Health, with a status per service that the binary switches (SetServing);
//   - server reflection (grpc.reflection.v1alpha), so grpcurl and friends work without .proto files;
//   - Prometheus /metrics over HTTP, with request counts and latencies per method and code
//     (metrics_interceptor.h) plus whatever the binary registers on registry().
//
// Security guarantee: a ServerHost never listens beyond loopback without TLS. Callers identify
// themselves by metadata (caller.h), which anyone who can reach the port can forge; that is only
// acceptable when the only ones who can reach it are on the same machine. Start() therefore refuses
// a non-loopback listen address unless a TLS certificate and key are configured. (mTLS, with the
// organisation taken from the client certificate, comes later.)
//
// Lifecycle: construct, AddService, Start, then Wait on one thread and Shutdown from another (or
// from a signal-handling thread). Start, Shutdown and Wait are each called at most once.
// SetServing, port, metrics_port and registry are safe from any thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/rpc/access_log.h"
#include "grpcpp/impl/service_type.h"
#include "grpcpp/server.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"

namespace hub::rpc {

struct ServerHostOptions {
  // Where gRPC listens: "host:port" or "[v6]:port"; port 0 picks a free port (see port()).
  std::string listen_address = "127.0.0.1:50051";
  // Where /metrics is served over plain HTTP; port 0 picks a free port (see metrics_port()); empty
  // disables the endpoint (the registry still exists).
  std::string metrics_address = "127.0.0.1:9464";
  // PEM files for server TLS. Both or neither. Required for a non-loopback listen_address.
  std::string tls_cert_path;
  std::string tls_key_path;
  // How long Shutdown() lets running RPCs finish before cancelling them.
  std::chrono::milliseconds shutdown_grace{5000};
  // Where every call to a hub service is recorded (access_log.h); not owned, must outlive the
  // host. Null: no access log (tests of the shell only; every hub binary sets it).
  AccessLogWriter* access_log = nullptr;
  // The process named in access records ("hubd", "intake", ...).
  std::string resource = "hub";
};

// True iff `address` ("host:port", "[v6]:port") names a loopback host: 127.0.0.0/8, ::1 (also
// written as ::ffff:127.x.y.z) or "localhost". "0.0.0.0", "[::]", other names and anything that
// does not parse are not loopback.
bool IsLoopbackAddress(std::string_view address);

class ServerHost {
 public:
  explicit ServerHost(ServerHostOptions options);
  // Shuts down (with the grace period) if still running.
  ~ServerHost();

  ServerHost(const ServerHost&) = delete;
  ServerHost& operator=(const ServerHost&) = delete;

  // Registers a service to be served once started. The service is not owned and must outlive the
  // host. Call before Start().
  void AddService(grpc::Service* service);

  // Builds the server, binds, starts serving. Errors, with nothing left running:
  //   FAILED_PRECONDITION  non-loopback listen address without TLS; already started
  //   INVALID_ARGUMENT     only one of the TLS files given
  //   NOT_FOUND            a TLS file cannot be read
  //   UNAVAILABLE          the gRPC or the metrics address cannot be bound
  absl::Status Start();

  // The bound gRPC port (the real one when port 0 was asked); 0 before Start().
  int port() const;

  // The bound /metrics port; 0 before Start() or when metrics are disabled.
  int metrics_port() const;

  // Sets the health status of `service` (a full service name such as "hub.v1.IntakeService"; ""
  // is the whole server, SERVING once started) to SERVING or NOT_SERVING. Before Start() the
  // status is remembered and applied at start; after Shutdown() it is ignored.
  void SetServing(std::string_view service, bool serving);

  // Marks every service NOT_SERVING, stops accepting RPCs, lets running ones finish within the
  // grace period, then stops the metrics endpoint. Idempotent.
  void Shutdown();

  // Blocks until the server has shut down. Returns at once if it never started.
  void Wait();

  // The registry /metrics serves. Binaries add their own families (events appended, projection
  // lag, ...) here.
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  const ServerHostOptions& options() const { return options_; }

 private:
  const ServerHostOptions options_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<grpc::Service*> services_;

  mutable std::mutex mu_;
  std::unique_ptr<grpc::Server> server_;  // set once by Start
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::map<std::string, bool, std::less<>> pending_serving_;  // SetServing before Start
  int port_ = 0;
  int metrics_port_ = 0;
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace hub::rpc
