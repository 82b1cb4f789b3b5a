// Shared by the ServerHost tests: the Probe service, a plain HTTP GET for /metrics, and clients
// for the health and reflection services.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/register.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "tests/integration/rpc/probe.grpc.pb.h"

namespace hub::rpc::testing {

// Probe as a real service adapter would write it: CallerFromMetadata, then rpc::Fail for every
// refusal. The register must outlive the service.
class ProbeService final : public hub::test::v1::Probe::Service {
 public:
  explicit ProbeService(const config::Register& reg) : register_(reg) {}

  grpc::Status Run(grpc::ServerContext* context, const hub::test::v1::RunRequest* request,
                   hub::test::v1::RunReply* reply) override;

 private:
  const config::Register& register_;
};

// The register shipped in deploy/config.
config::Register ShippedRegister();

// Adds a valid WoerdenWijzer caller's metadata to `context`.
void AddGoodCaller(grpc::ClientContext* context);

// "GET <path> HTTP/1.0" to 127.0.0.1:`port` over a plain TCP socket; the body on status 200.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// grpc.health.v1.Health/Check for `service`: "SERVING", "NOT_SERVING", ... or the RPC's error code
// name (e.g. "NOT_FOUND" for a service the server does not know).
std::string HealthStatus(const std::shared_ptr<grpc::Channel>& channel, const std::string& service);

// The services the reflection service lists (grpc.reflection.v1alpha, list_services).
absl::StatusOr<std::vector<std::string>> ReflectionServices(
    const std::shared_ptr<grpc::Channel>& channel);

// An insecure channel to 127.0.0.1:`port`, connected (or failed) within 5 seconds.
std::shared_ptr<grpc::Channel> LoopbackChannel(int port);

}  // namespace hub::rpc::testing
