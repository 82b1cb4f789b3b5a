#include "common/rpc/server_host.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <exception>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/status/statusor.h"
#include "common/rpc/metrics_interceptor.h"
#include "fmt/format.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace hub::rpc {
namespace {

// Splits "host:port" / "[v6]:port" into the host; nullopt when the form or the port is wrong.
std::optional<std::string_view> HostOf(std::string_view address) {
  std::string_view host;
  std::string_view port;
  if (address.starts_with('[')) {
    const size_t close = address.find(']');
    if (close == std::string_view::npos || address.substr(close + 1, 1) != ":") return std::nullopt;
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    const size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    // An unbracketed IPv6 address ("::1:50051") is ambiguous; grpc would guess, we do not.
    if (host.find(':') != std::string_view::npos) return std::nullopt;
  }
  if (host.empty() || port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(std::string(port)) > 65535) {
    return std::nullopt;
  }
  return host;
}

absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot read the TLS {} {}", what, path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

bool IsLoopbackAddress(std::string_view address) {
  const std::optional<std::string_view> host = HostOf(address);
  if (!host.has_value()) return false;
  if (*host == "localhost") return true;
  const std::string text(*host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

ServerHost::ServerHost(ServerHostOptions options)
    : options_(std::move(options)), registry_(std::make_shared<prometheus::Registry>()) {}

ServerHost::~ServerHost() {
  Shutdown();
  Wait();
}

void ServerHost::AddService(grpc::Service* service) {
  std::lock_guard lock(mu_);
  services_.push_back(service);
}

absl::Status ServerHost::Start() {
  std::lock_guard lock(mu_);
  if (started_) return absl::FailedPreconditionError("the server host was already started");

  std::shared_ptr<grpc::ServerCredentials> credentials;
  const bool has_cert = !options_.tls_cert_path.empty();
  const bool has_key = !options_.tls_key_path.empty();
  if (has_cert != has_key) {
    return absl::InvalidArgumentError(
        "TLS needs both a certificate and a key file (tls_cert_path and tls_key_path)");
  }
  if (has_cert) {
    absl::StatusOr<std::string> cert = ReadFile(options_.tls_cert_path, "certificate");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile(options_.tls_key_path, "key");
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert)});
    credentials = grpc::SslServerCredentials(ssl);
  } else if (!IsLoopbackAddress(options_.listen_address)) {
    return absl::FailedPreconditionError(fmt::format(
        "refusing to listen on {} without TLS: callers are identified by request metadata, which "
        "is acceptable only on a loopback address (127.0.0.0/8, [::1], localhost); configure a TLS "
        "certificate and key or listen on loopback",
        options_.listen_address));
  } else {
    credentials = grpc::InsecureServerCredentials();
  }

  // Metrics first: it is the cheaper of the two to undo if the gRPC bind fails.
  std::unique_ptr<prometheus::Exposer> exposer;
  int metrics_port = 0;
  if (!options_.metrics_address.empty()) {
    try {
      exposer = std::make_unique<prometheus::Exposer>(options_.metrics_address, 2);
    } catch (const std::exception& e) {
      return absl::UnavailableError(fmt::format("cannot serve /metrics on {}: {}",
                                                options_.metrics_address, e.what()));
    }
    exposer->RegisterCollectable(registry_);
    const std::vector<int> ports = exposer->GetListeningPorts();
    if (!ports.empty()) metrics_port = ports.front();
  }

  // Both are process-wide switches read by every ServerBuilder; setting them again is harmless.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default on Linux: a second process on the same port would then start
  // "fine" and silently take half the connections. One port, one server.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int port = 0;
  builder.AddListeningPort(options_.listen_address, credentials, &port);
  for (grpc::Service* service : services_) builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<MetricsInterceptorFactory>(*registry_));
  if (options_.access_log != nullptr) {
    interceptors.push_back(std::make_unique<AccessLogInterceptorFactory>(options_.access_log, options_.resource));
  }
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    if (server != nullptr) server->Shutdown();
    return absl::UnavailableError(
        fmt::format("cannot serve gRPC on {} (address in use or not local?)",
                    options_.listen_address));
  }

  if (grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService()) {
    for (const auto& [service, serving] : pending_serving_) {
      health->SetServingStatus(service, serving);
    }
  }
  pending_serving_.clear();

  server_ = std::move(server);
  exposer_ = std::move(exposer);
  port_ = port;
  metrics_port_ = metrics_port;
  started_ = true;
  return absl::OkStatus();
}

int ServerHost::port() const {
  std::lock_guard lock(mu_);
  return port_;
}

int ServerHost::metrics_port() const {
  std::lock_guard lock(mu_);
  return metrics_port_;
}

void ServerHost::SetServing(std::string_view service, bool serving) {
  std::lock_guard lock(mu_);
  if (shut_down_) return;
  if (server_ == nullptr) {
    pending_serving_[std::string(service)] = serving;
    return;
  }
  if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(std::string(service), serving);
  }
}

void ServerHost::Shutdown() {
  grpc::Server* server = nullptr;
  {
    std::lock_guard lock(mu_);
    if (!started_ || shut_down_) return;
    shut_down_ = true;
    server = server_.get();
    // NOT_SERVING first, so load balancers and watchers move away before connections close.
    if (grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService()) {
      health->Shutdown();
    }
  }
  // Outside the lock: running handlers may still call SetServing while they finish.
  server->Shutdown(std::chrono::system_clock::now() + options_.shutdown_grace);
  std::unique_ptr<prometheus::Exposer> exposer;
  {
    std::lock_guard lock(mu_);
    exposer = std::move(exposer_);
    metrics_port_ = 0;
  }
  exposer.reset();
}

void ServerHost::Wait() {
  grpc::Server* server = nullptr;
  {
    std::lock_guard lock(mu_);
    server = server_.get();
  }
  if (server != nullptr) server->Wait();
}

}  // namespace hub::rpc
