#include "common/rpc/server_host.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <thread>
#include <string>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/integration/rpc/rpc_test_support.h"
#include "tests/testing/temp_dir.h"

namespace hub::rpc {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::HealthStatus;
using testing::LoopbackChannel;

ServerHostOptions LoopbackAnyPort() {
  ServerHostOptions options;
  options.listen_address = "127.0.0.1:0";
  options.metrics_address = "127.0.0.1:0";
  options.shutdown_grace = std::chrono::milliseconds(500);
  return options;
}

TEST(ServerHostTest, GivenPortZero_WhenStarted_ThenTheBoundPortsAreReported) {
  ServerHost host(LoopbackAnyPort());
  EXPECT_EQ(host.port(), 0);
  ASSERT_TRUE(host.Start().ok());
  EXPECT_GT(host.port(), 0);
  EXPECT_GT(host.metrics_port(), 0);
  EXPECT_NE(host.port(), host.metrics_port());
}

TEST(ServerHostTest, GivenAStartedHost_WhenHealthChecked_ThenTheServerIsServing) {
  ServerHost host(LoopbackAnyPort());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(HealthStatus(LoopbackChannel(host.port()), ""), "SERVING");
}

TEST(ServerHostTest, GivenAService_WhenSwitched_ThenHealthFollowsEachTransition) {
  const config::Register reg = testing::ShippedRegister();
  testing::ProbeService probe(reg);
  ServerHost host(LoopbackAnyPort());
  host.AddService(&probe);
  // Set before start: a binary says NOT_SERVING until its projections have caught up.
  host.SetServing("hub.test.v1.Probe", false);
  ASSERT_TRUE(host.Start().ok());
  auto channel = LoopbackChannel(host.port());

  EXPECT_EQ(HealthStatus(channel, "hub.test.v1.Probe"), "NOT_SERVING");
  host.SetServing("hub.test.v1.Probe", true);
  EXPECT_EQ(HealthStatus(channel, "hub.test.v1.Probe"), "SERVING");
  host.SetServing("hub.test.v1.Probe", false);
  EXPECT_EQ(HealthStatus(channel, "hub.test.v1.Probe"), "NOT_SERVING");
  // The whole server is unaffected by one service's status.
  EXPECT_EQ(HealthStatus(channel, ""), "SERVING");
  // gRPC's health protocol: a service nobody set a status for is NOT_FOUND.
  EXPECT_EQ(HealthStatus(channel, "hub.v1.NoSuchService"), "NOT_FOUND");
}

TEST(ServerHostTest, GivenAStartedHost_WhenReflectionAsked_ThenItListsTheServices) {
  const config::Register reg = testing::ShippedRegister();
  testing::ProbeService probe(reg);
  ServerHost host(LoopbackAnyPort());
  host.AddService(&probe);
  ASSERT_TRUE(host.Start().ok());

  absl::StatusOr<std::vector<std::string>> services =
      testing::ReflectionServices(LoopbackChannel(host.port()));
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, Contains("hub.test.v1.Probe"));
  EXPECT_THAT(*services, Contains("grpc.reflection.v1alpha.ServerReflection"));
  EXPECT_THAT(*services, Contains("grpc.health.v1.Health"));
}

TEST(ServerHostTest, GivenAProbeService_WhenCalledWithAGoodCaller_ThenItSeesTheCaller) {
  const config::Register reg = testing::ShippedRegister();
  testing::ProbeService probe(reg);
  ServerHost host(LoopbackAnyPort());
  host.AddService(&probe);
  ASSERT_TRUE(host.Start().ok());
  auto stub = hub::test::v1::Probe::NewStub(LoopbackChannel(host.port()));

  grpc::ClientContext context;
  testing::AddGoodCaller(&context);
  hub::test::v1::RunReply reply;
  const grpc::Status status = stub->Run(&context, hub::test::v1::RunRequest(), &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply.organisation_id(), "woerdenwijzer");
  EXPECT_EQ(reply.tenant(), "GM0632");
  EXPECT_EQ(reply.role(), "casusregisseur");

  grpc::ClientContext anonymous;
  EXPECT_EQ(stub->Run(&anonymous, hub::test::v1::RunRequest(), &reply).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST(ServerHostTest, GivenAWildcardAddressWithoutTls_WhenStarted_ThenRefused) {
  for (const char* address : {"0.0.0.0:0", "[::]:0", "192.168.10.4:50051", "hub.woerden.nl:443",
                              ":50051", "50051"}) {
    ServerHostOptions options = LoopbackAnyPort();
    options.listen_address = address;
    ServerHost host(options);
    const absl::Status status = host.Start();
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << address;
    EXPECT_THAT(std::string(status.message()), HasSubstr("without TLS")) << address;
    EXPECT_EQ(host.port(), 0) << address;
    EXPECT_EQ(host.metrics_port(), 0) << address;  // nothing left running
  }
}

TEST(ServerHostTest, GivenAddresses_WhenClassified_ThenOnlyLoopbackIsLoopback) {
  for (const char* address : {"127.0.0.1:50051", "127.8.9.10:1", "localhost:50051", "[::1]:0",
                              "[::ffff:127.0.0.1]:50051"}) {
    EXPECT_TRUE(IsLoopbackAddress(address)) << address;
  }
  for (const char* address :
       {"0.0.0.0:50051", "[::]:50051", "10.0.0.1:50051", "128.0.0.1:50051", "localhost",
        "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "::1:50051", "[::1]50051", "unix:/tmp/s",
        "localhost.evil.example:50051", "127.0.0.1.nip.io:50051"}) {
    EXPECT_FALSE(IsLoopbackAddress(address)) << address;
  }
}

TEST(ServerHostTest, GivenOnlyACertificate_WhenStarted_ThenInvalidArgument) {
  ServerHostOptions options = LoopbackAnyPort();
  options.tls_cert_path = "/etc/hub/tls.crt";
  EXPECT_EQ(ServerHost(options).Start().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ServerHostTest, GivenMissingTlsFiles_WhenStarted_ThenNotFound) {
  ServerHostOptions options = LoopbackAnyPort();
  options.tls_cert_path = "/nonexistent/tls.crt";
  options.tls_key_path = "/nonexistent/tls.key";
  EXPECT_EQ(ServerHost(options).Start().code(), absl::StatusCode::kNotFound);
}

// A self-signed certificate for "localhost", written as PEM files into `dir`.
struct TestCertificate {
  std::string cert_path;
  std::string key_path;
  std::string cert_pem;
};

TestCertificate MakeCertificate(const hub::testing::TempDir& dir) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost");
  X509_add_ext(cert, san, -1);
  X509_EXTENSION_free(san);
  X509_sign(cert, key, EVP_sha256());

  auto to_pem = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(size));
    BIO_free(bio);
    return pem;
  };
  TestCertificate result;
  result.cert_pem = to_pem([&](BIO* bio) { PEM_write_bio_X509(bio, cert); });
  const std::string key_pem = to_pem(
      [&](BIO* bio) { PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr); });
  X509_free(cert);
  EVP_PKEY_free(key);

  result.cert_path = dir.Sub("tls.crt");
  result.key_path = dir.Sub("tls.key");
  std::ofstream(result.cert_path) << result.cert_pem;
  std::ofstream(result.key_path) << key_pem;
  return result;
}

TEST(ServerHostTest, GivenTls_WhenListeningBeyondLoopback_ThenStartsAndServesOverTls) {
  hub::testing::TempDir dir;
  const TestCertificate certificate = MakeCertificate(dir);
  ServerHostOptions options = LoopbackAnyPort();
  options.listen_address = "0.0.0.0:0";
  options.tls_cert_path = certificate.cert_path;
  options.tls_key_path = certificate.key_path;
  ServerHost host(options);
  const absl::Status started = host.Start();
  ASSERT_TRUE(started.ok()) << started;

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = certificate.cert_pem;
  auto channel = grpc::CreateChannel(fmt::format("localhost:{}", host.port()),
                                     grpc::SslCredentials(ssl));
  EXPECT_EQ(HealthStatus(channel, ""), "SERVING");
  // A plaintext client gets nowhere.
  EXPECT_EQ(HealthStatus(grpc::CreateChannel(fmt::format("127.0.0.1:{}", host.port()),
                                             grpc::InsecureChannelCredentials()),
                         ""),
            "UNAVAILABLE");
}

TEST(ServerHostTest, GivenAPortInUse_WhenStarted_ThenUnavailable) {
  ServerHost first(LoopbackAnyPort());
  ASSERT_TRUE(first.Start().ok());
  ServerHostOptions options = LoopbackAnyPort();
  options.listen_address = fmt::format("127.0.0.1:{}", first.port());
  ServerHost second(options);
  const absl::Status status = second.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(second.metrics_port(), 0);
}

TEST(ServerHostTest, GivenAMetricsPortInUse_WhenStarted_ThenUnavailable) {
  ServerHost first(LoopbackAnyPort());
  ASSERT_TRUE(first.Start().ok());
  ServerHostOptions options = LoopbackAnyPort();
  options.metrics_address = fmt::format("127.0.0.1:{}", first.metrics_port());
  ServerHost second(options);
  EXPECT_EQ(second.Start().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(second.port(), 0);
}

TEST(ServerHostTest, GivenAStartedHost_WhenStartedAgain_ThenFailedPrecondition) {
  ServerHost host(LoopbackAnyPort());
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.Start().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ServerHostTest, GivenMetricsDisabled_WhenStarted_ThenNoMetricsPort) {
  ServerHostOptions options = LoopbackAnyPort();
  options.metrics_address = "";
  ServerHost host(options);
  ASSERT_TRUE(host.Start().ok());
  EXPECT_EQ(host.metrics_port(), 0);
  EXPECT_NE(host.registry(), nullptr);
}

TEST(ServerHostTest, GivenAWaitingThread_WhenShutDown_ThenWaitReturnsAndThePortCloses) {
  ServerHost host(LoopbackAnyPort());
  ASSERT_TRUE(host.Start().ok());
  const int port = host.port();
  const int metrics_port = host.metrics_port();
  std::thread waiter([&host] { host.Wait(); });
  host.Shutdown();
  waiter.join();
  host.Shutdown();  // idempotent
  EXPECT_EQ(HealthStatus(grpc::CreateChannel(fmt::format("127.0.0.1:{}", port),
                                             grpc::InsecureChannelCredentials()),
                         ""),
            "UNAVAILABLE");
  EXPECT_FALSE(testing::HttpGet(metrics_port, "/metrics").ok());
  host.SetServing("", true);  // ignored after shutdown, not a crash
}

TEST(ServerHostTest, GivenANeverStartedHost_WhenWaitedAndShutDown_ThenBothReturnAtOnce) {
  ServerHost host(LoopbackAnyPort());
  host.Shutdown();
  host.Wait();
}

}  // namespace
}  // namespace hub::rpc
