// What every hub binary does before and after it serves: flags and environment, the event log, the
// organisations register, the master key, printing the configuration, and running until SIGINT or
// SIGTERM. hubd and each service binary are a few lines on top of this.
#pragma once

#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "common/config/register.h"
#include "common/es/clock.h"
#include "common/keys/master_key.h"
#include "common/log/event_log.h"
#include "common/rpc/server_host.h"

namespace hub::app {

struct Settings {
  std::string listen = "127.0.0.1:50051";
  std::string metrics_listen = "127.0.0.1:9464";
  std::string data_dir = "var/hub";
  std::string organisations = "deploy/config/organisations.json";
  std::string master_key;  // default <data_dir>/master.key
  std::string log = "embedded";  // "embedded" (RocksLog under <data_dir>/log) or "kafka"
  std::string brokers;           // Kafka bootstrap servers; required when log == "kafka"
  // Kafka TLS and SASL (librdkafka's names in KafkaSecurity); secrets come from files, never flags.
  std::string kafka_security_protocol;
  std::string kafka_ssl_ca_file;
  std::string kafka_ssl_cert_file;
  std::string kafka_ssl_key_file;
  std::string kafka_sasl_mechanism;
  std::string kafka_sasl_username_file;
  std::string kafka_sasl_password_file;
  int kafka_replication_factor = 1;  // of the topics the hub creates
  int partitions = 12;
  // The address other instances give callers to reach this one (Kafka: the owner of a partition);
  // default: the listen address.
  std::string advertise;
  std::string tls_cert;
  std::string tls_key;
  // Development and tests only: the moment (RFC 3339 UTC, "2026-03-02T09:00:00Z") the hub's clock
  // starts at; it runs on at real speed from there. Empty: the system clock.
  std::string clock_start;
};

// The clock --clock-start asks for: the system clock shifted so that it reads `clock_start` now.
// INVALID_ARGUMENT naming the flag when the moment is not "YYYY-MM-DDTHH:MM:SSZ".
absl::StatusOr<es::ShiftedClock> ClockFor(const Settings& settings);

// Registers the shared flags; each also reads an environment variable (HUB_LISTEN, ...).
void AddFlags(CLI::App& app, Settings& settings);

// The configuration as printed at start-up: one "name = value" line each, secrets never shown.
std::string Describe(const Settings& settings);

// The event log named by --log: the embedded RocksLog under <data_dir>/log, or a KafkaLog on
// --brokers (which must then be set; INVALID_ARGUMENT otherwise).
absl::StatusOr<std::unique_ptr<log::EventLog>> OpenLog(const Settings& settings);
absl::StatusOr<config::Register> LoadOrganisations(const Settings& settings);
// The default master key file is created on first start (development); an explicitly named one
// must exist.
absl::StatusOr<keys::MasterKey> LoadMasterKey(const Settings& settings);
rpc::ServerHostOptions HostOptions(const Settings& settings);

// Blocks SIGINT and SIGTERM in the calling thread (call first in main, before any thread starts,
// so every thread inherits the mask), and returns a function that waits for one of them.
void BlockTerminationSignals();
// Waits for SIGINT or SIGTERM, then shuts the host down.
void ServeUntilSignalled(rpc::ServerHost& host);

// Prints "hubd: <message>" to stderr and returns the exit code for a failed start.
int Fail(std::string_view program, const absl::Status& status);

// What every service module of a process shares, loaded once at start-up.
struct Process {
  Settings settings;
  config::Register organisations;
  keys::MasterKey master_key;
  // The log --log names, wrapped in a log::MeteredEventLog (hub_log_append_seconds on the host's
  // registry). The backend itself, e.g. the KafkaLog the ownership gate needs: log::BackendOf(log).
  std::unique_ptr<log::EventLog> log;
  es::ShiftedClock clock;  // the system clock unless --clock-start
  // Every call to a hub service is recorded here (hub.access.events.v1) before it is answered.
  std::unique_ptr<rpc::AccessLogWriter> access_log;
  std::unique_ptr<rpc::ServerHost> host;
};

// Prints the configuration, then loads the register, the master key and the log, creates the (not
// yet started) host and meters the log's appends on the host's registry. Any failure says what and
// where.
absl::StatusOr<std::unique_ptr<Process>> Boot(std::string_view program, const Settings& settings);

// Starts the host, marks `services` SERVING, prints where it listens, and serves until SIGINT or
// SIGTERM. Returns the process exit code.
int Serve(std::string_view program, Process& process, const std::vector<std::string>& services);

}  // namespace hub::app
