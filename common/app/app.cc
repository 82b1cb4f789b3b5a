#include "common/app/app.h"

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <iostream>

#include "common/domain/date.h"
#include "common/log/instrumented_log.h"
#include "common/log/kafka_log.h"
#include "common/service/access_writer.h"
#include "common/log/rocks_log.h"
#include "fmt/format.h"

namespace hub::app {

void AddFlags(CLI::App& app, Settings& s) {
  app.add_option("--listen", s.listen, "gRPC address (host:port); beyond loopback only with TLS")
      ->envname("HUB_LISTEN")
      ->capture_default_str();
  app.add_option("--metrics-listen", s.metrics_listen, "Prometheus /metrics address; empty disables")
      ->envname("HUB_METRICS_LISTEN")
      ->capture_default_str();
  app.add_option("--data-dir", s.data_dir, "directory for the embedded log and the projections")
      ->envname("HUB_DATA_DIR")
      ->capture_default_str();
  app.add_option("--organisations", s.organisations, "organisations register (JSON)")
      ->envname("HUB_ORGANISATIONS")
      ->capture_default_str();
  app.add_option("--master-key", s.master_key, "master key file (32 bytes, mode 0600); default <data-dir>/master.key")
      ->envname("HUB_MASTER_KEY_FILE");
  app.add_option("--log", s.log, "event log backend")
      ->envname("HUB_LOG")
      ->check(CLI::IsMember({"embedded", "kafka"}))
      ->capture_default_str();
  app.add_option("--brokers", s.brokers, "Kafka bootstrap servers (host:port[,host:port...]); required with --log=kafka")
      ->envname("HUB_KAFKA_BROKERS");
  app.add_option("--kafka-security-protocol", s.kafka_security_protocol, "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
      ->envname("HUB_KAFKA_SECURITY_PROTOCOL")
      ->check(CLI::IsMember({"", "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}));
  app.add_option("--kafka-ssl-ca-file", s.kafka_ssl_ca_file, "CA bundle (PEM) that signed the brokers' certificates")
      ->envname("HUB_KAFKA_SSL_CA_FILE");
  app.add_option("--kafka-ssl-cert-file", s.kafka_ssl_cert_file, "client certificate (PEM) for mutual TLS")
      ->envname("HUB_KAFKA_SSL_CERT_FILE");
  app.add_option("--kafka-ssl-key-file", s.kafka_ssl_key_file, "client private key (PEM) for mutual TLS")
      ->envname("HUB_KAFKA_SSL_KEY_FILE");
  app.add_option("--kafka-sasl-mechanism", s.kafka_sasl_mechanism, "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
      ->envname("HUB_KAFKA_SASL_MECHANISM")
      ->check(CLI::IsMember({"", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}));
  app.add_option("--kafka-sasl-username-file", s.kafka_sasl_username_file, "file holding the SASL user name")
      ->envname("HUB_KAFKA_SASL_USERNAME_FILE");
  app.add_option("--kafka-sasl-password-file", s.kafka_sasl_password_file, "file holding the SASL password")
      ->envname("HUB_KAFKA_SASL_PASSWORD_FILE");
  app.add_option("--kafka-replication-factor", s.kafka_replication_factor,
                 "replication factor of the topics the hub creates (3 in production)")
      ->envname("HUB_KAFKA_REPLICATION_FACTOR")
      ->check(CLI::Range(1, 10))
      ->capture_default_str();
  app.add_option("--partitions", s.partitions, "partitions per topic when a topic is created")
      ->envname("HUB_PARTITIONS")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--advertise", s.advertise,
                 "address callers use to reach this instance (named when another instance owns a household); "
                 "default: --listen")
      ->envname("HUB_ADVERTISE");
  app.add_option("--tls-cert", s.tls_cert, "server certificate (PEM)")->envname("HUB_TLS_CERT");
  app.add_option("--tls-key", s.tls_key, "server private key (PEM)")->envname("HUB_TLS_KEY");
  app.add_option("--clock-start", s.clock_start,
                 "development and tests only: start the hub's clock at this moment (YYYY-MM-DDTHH:MM:SSZ) "
                 "instead of now; it runs on at real speed")
      ->envname("HUB_CLOCK_START");
}

absl::StatusOr<es::ShiftedClock> ClockFor(const Settings& settings) {
  if (settings.clock_start.empty()) return es::ShiftedClock();
  const std::string& v = settings.clock_start;
  int hour = -1, minute = -1, second = -1;
  char tail = 0;
  auto date = v.size() == 20 ? domain::Date::Parse(v.substr(0, 10)) : absl::InvalidArgumentError("length");
  if (!date.ok() || v[10] != 'T' ||
      std::sscanf(v.c_str() + 11, "%2d:%2d:%2d%c", &hour, &minute, &second, &tail) != 4 || tail != 'Z' ||
      hour > 23 || minute > 59 || second > 59 || hour < 0 || minute < 0 || second < 0) {
    return absl::InvalidArgumentError("--clock-start: not a UTC moment YYYY-MM-DDTHH:MM:SSZ: " + v);
  }
  const auto start = std::chrono::system_clock::time_point(date->sys_days().time_since_epoch()) +
                     std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);
  return es::ShiftedClock(start - std::chrono::system_clock::now());
}

std::string Describe(const Settings& s) {
  // The brokers line only with --log=kafka, so the embedded configuration prints as before.
  const std::string brokers =
      s.log == "kafka"
          ? fmt::format("  brokers        = {}\n  kafka security = {}{}, replication factor {}\n",
                        s.brokers.empty() ? "(not set)" : s.brokers,
                        s.kafka_security_protocol.empty() ? "PLAINTEXT" : s.kafka_security_protocol,
                        s.kafka_sasl_mechanism.empty() ? "" : ", SASL " + s.kafka_sasl_mechanism,
                        s.kafka_replication_factor)
          : "";
  return fmt::format(
      "  listen         = {}\n  metrics-listen = {}\n  data-dir       = {}\n  organisations  = {}\n"
      "  master-key     = {} (contents never printed)\n  log            = {}\n{}  partitions     = {}\n"
      "  tls            = {}\n{}",
      s.listen, s.metrics_listen.empty() ? "(disabled)" : s.metrics_listen, s.data_dir, s.organisations,
      s.master_key.empty() ? s.data_dir + "/master.key" : s.master_key, s.log, brokers, s.partitions,
      s.tls_cert.empty() ? "off" : "cert " + s.tls_cert + ", key (path hidden)",
      s.clock_start.empty() ? "" : fmt::format("  clock-start    = {} (development and tests only)\n", s.clock_start));
}

namespace {

// The log settings that need no I/O to check, so a bad one fails before anything is created.
absl::Status CheckLogSettings(const Settings& s) {
  if (s.log != "embedded" && s.log != "kafka") {
    return absl::InvalidArgumentError("--log: must be embedded or kafka, not " + s.log);
  }
  if (s.log == "kafka" && s.brokers.empty()) {
    return absl::InvalidArgumentError(
        "--log=kafka needs --brokers (or HUB_KAFKA_BROKERS): the Kafka bootstrap servers, e.g. 127.0.0.1:9092");
  }
  return absl::OkStatus();
}

}  // namespace

namespace {
// The first line of a secret file, without its line end; the contents are never printed.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(fmt::format("cannot read {}", path));
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return absl::InvalidArgumentError(fmt::format("{} is empty", path));
  return line;
}
}  // namespace

absl::StatusOr<std::unique_ptr<log::EventLog>> OpenLog(const Settings& s) {
  if (auto status = CheckLogSettings(s); !status.ok()) return status;
  if (s.log == "kafka") {
    log::KafkaSecurity security{.security_protocol = s.kafka_security_protocol,
                                .ssl_ca_file = s.kafka_ssl_ca_file,
                                .ssl_cert_file = s.kafka_ssl_cert_file,
                                .ssl_key_file = s.kafka_ssl_key_file,
                                .sasl_mechanism = s.kafka_sasl_mechanism};
    for (auto [flag, path, value] : {std::tuple{"--kafka-sasl-username-file", &s.kafka_sasl_username_file,
                                                &security.sasl_username},
                                     std::tuple{"--kafka-sasl-password-file", &s.kafka_sasl_password_file,
                                                &security.sasl_password}}) {
      if (path->empty()) continue;
      auto text = ReadSecretFile(*path);
      if (!text.ok()) {
        return absl::InvalidArgumentError(fmt::format("{}: {}", flag, std::string(text.status().message())));
      }
      *value = std::move(*text);
    }
    auto kafka = log::KafkaLog::Open({.brokers = s.brokers,
                                      .security = std::move(security),
                                      .replication_factor = static_cast<int16_t>(s.kafka_replication_factor)});
    if (!kafka.ok()) return kafka.status();
    return std::unique_ptr<log::EventLog>(std::move(*kafka));
  }
  auto log = log::RocksLog::Open({.path = s.data_dir + "/log"});
  if (!log.ok()) return log.status();
  return std::unique_ptr<log::EventLog>(std::move(*log));
}

absl::StatusOr<config::Register> LoadOrganisations(const Settings& s) {
  return config::Register::LoadFile(s.organisations);
}

absl::StatusOr<keys::MasterKey> LoadMasterKey(const Settings& s) {
  if (!s.master_key.empty()) return keys::MasterKey::Load(s.master_key, /*create_if_missing=*/false);
  return keys::MasterKey::Load(s.data_dir + "/master.key", /*create_if_missing=*/true);
}

rpc::ServerHostOptions HostOptions(const Settings& s) {
  rpc::ServerHostOptions options;
  options.listen_address = s.listen;
  options.metrics_address = s.metrics_listen;
  options.tls_cert_path = s.tls_cert;
  options.tls_key_path = s.tls_key;
  return options;
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void ServeUntilSignalled(rpc::ServerHost& host) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal = 0;
  sigwait(&set, &signal);
  std::cerr << "shutting down (signal " << signal << ")" << std::endl;
  host.Shutdown();
  host.Wait();
}

int Fail(std::string_view program, const absl::Status& status) {
  std::cerr << program << ": " << status.message() << std::endl;
  return 1;
}

namespace {

// The host's access log writer, set once the real one can be opened. The real one appends through
// the metered log, whose metrics live in the host's registry, and the host takes its access log
// writer when it is constructed: this breaks the circle. Set before the host starts; never changed.
class AccessWriterSlot final : public rpc::AccessLogWriter {
 public:
  void Set(std::unique_ptr<rpc::AccessLogWriter> writer) { writer_ = std::move(writer); }
  absl::Status Write(hub::v1::AccessRecorded record) override { return writer_->Write(std::move(record)); }

 private:
  std::unique_ptr<rpc::AccessLogWriter> writer_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Process>> Boot(std::string_view program, const Settings& settings) {
  std::cerr << program << " starting with\n" << Describe(settings);
  if (auto status = CheckLogSettings(settings); !status.ok()) return status;
  auto clock = ClockFor(settings);
  if (!clock.ok()) return clock.status();
  auto organisations = LoadOrganisations(settings);
  if (!organisations.ok()) return organisations.status();
  auto master_key = LoadMasterKey(settings);
  if (!master_key.ok()) return master_key.status();
  auto log = OpenLog(settings);
  if (!log.ok()) return log.status();
  auto slot = std::make_unique<AccessWriterSlot>();
  AccessWriterSlot* access_writer = slot.get();
  auto process = std::unique_ptr<Process>(new Process{settings, std::move(*organisations), std::move(*master_key),
                                                      nullptr, *clock, std::move(slot), nullptr});
  rpc::ServerHostOptions host_options = HostOptions(settings);
  host_options.access_log = process->access_log.get();
  host_options.resource = std::string(program);
  process->host = std::make_unique<rpc::ServerHost>(std::move(host_options));
  // Every append of this process, the access log's included, is timed (hub_log_append_seconds).
  process->log = std::make_unique<log::MeteredEventLog>(std::move(*log), process->host->registry());
  auto access_log = service::LogAccessWriter::Open(process->log.get(), &process->clock, std::string(program),
                                                   settings.partitions);
  if (!access_log.ok()) return access_log.status();
  access_writer->Set(std::move(*access_log));
  return process;
}

int Serve(std::string_view program, Process& process, const std::vector<std::string>& services) {
  if (auto s = process.host->Start(); !s.ok()) return Fail(program, s);
  for (const auto& service : services) process.host->SetServing(service, true);
  std::cerr << program << " serving gRPC on " << process.settings.listen.substr(0, process.settings.listen.rfind(':'))
            << ":" << process.host->port();
  if (process.host->metrics_port() != 0) std::cerr << ", metrics on :" << process.host->metrics_port() << "/metrics";
  std::cerr << std::endl;
  ServeUntilSignalled(*process.host);
  return 0;
}

}  // namespace hub::app
