// loadgen: a closed-loop load generator for hub.v1.IntakeService (see driver.h for the model).
//
//   build/bench/loadgen/loadgen --spawn-hubd build/services/hubd/hubd --duration 20
//   build/bench/loadgen/loadgen --target 127.0.0.1:50051 --households 128 --rate 2000 --json
//
// Prints the machine and the settings, a progress line per second on stderr, then throughput and
// per-operation latency percentiles (p50, p90, p99, p99.9, max in ms), errors by gRPC code and
// where the CPU went during the measured window. --json adds the same as one JSON line at the end
// of stdout. scripts/loadgen.sh runs the two standard settings (max throughput, half of it).
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include <grpcpp/support/status_code_enum.h>

#include "CLI/CLI.hpp"
#include "bench/loadgen/driver.h"
#include "bench/loadgen/histogram.h"
#include "bench/loadgen/hubd_process.h"
#include "bench/loadgen/machine.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace hub::loadgen {
namespace {

using Json = nlohmann::ordered_json;

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);  // set from a signal handler

void OnSignal(int) { g_interrupted.store(true); }

std::string CodeName(int code) {
  switch (static_cast<grpc::StatusCode>(code)) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return fmt::format("CODE_{}", code);
  }
}

double Ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

// Checks the histogram against exact order statistics once per start: cheap, and a wrong bucket
// formula would silently skew every figure.
bool HistogramSelfCheck() {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{255}, uint64_t{256}, uint64_t{257}, uint64_t{1'000'000},
                     uint64_t{123'456'789}, (uint64_t{1} << 41) + 12345}) {
    const size_t i = Histogram::Index(v);
    if (i >= Histogram::kBuckets || Histogram::Lowest(i) > v || (i + 1 < Histogram::kBuckets && Histogram::Lowest(i + 1) <= v)) {
      return false;
    }
  }
  Histogram h;
  for (uint64_t v = 1; v <= 100'000; ++v) h.Record(v * 1000);  // 1 us .. 100 ms uniformly
  const double p99 = static_cast<double>(h.Quantile(0.99));
  return h.count() == 100'000 && h.max() == 100'000'000 && std::abs(p99 - 99e6) / 99e6 < 0.01;
}

struct CpuSample {
  double self = 0;
  double hubd = -1;
  SystemCpu system;
  uint64_t context_switches = 0;
  std::chrono::steady_clock::time_point at;
};

CpuSample TakeCpuSample(pid_t hubd_pid) {
  CpuSample s;
  s.self = ProcessCpuSeconds(getpid());
  if (hubd_pid > 0) s.hubd = ProcessCpuSeconds(hubd_pid);
  s.system = ReadSystemCpu();
  s.context_switches = ReadContextSwitches();
  s.at = std::chrono::steady_clock::now();
  return s;
}

Json StatsJson(const OpStats& s, double seconds, bool with_service) {
  auto ms = [](uint64_t ns) { return std::round(Ms(ns) * 1000) / 1000; };
  Json j;
  j["count"] = s.ok;
  j["ops_per_sec"] = seconds > 0 ? static_cast<double>(s.ok) / seconds : 0;
  j["errors"] = s.error_count();
  auto latency = [&](const Histogram& h) {
    Json l;
    l["p50_ms"] = ms(h.Quantile(0.50));
    l["p90_ms"] = ms(h.Quantile(0.90));
    l["p99_ms"] = ms(h.Quantile(0.99));
    l["p999_ms"] = ms(h.Quantile(0.999));
    l["max_ms"] = ms(h.max());
    l["mean_ms"] = std::round(h.mean() / 1e3) / 1000;
    return l;
  };
  j["latency"] = latency(s.latency);
  if (with_service) j["service_time"] = latency(s.service);
  Json errors = Json::object();
  for (const auto& [code, count] : s.errors) errors[CodeName(code)] = count;
  j["errors_by_code"] = errors;
  return j;
}

void PrintTable(const Results& r, bool service, double seconds) {
  std::cout << fmt::format("  {:<10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7}\n", "op", "count", "ops/s",
                           "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors");
  auto row = [&](const std::string& name, const OpStats& s) {
    const Histogram& h = service ? s.service : s.latency;
    std::cout << fmt::format("  {:<10} {:>9} {:>9.1f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>7}\n", name,
                             s.ok, seconds > 0 ? static_cast<double>(s.ok) / seconds : 0, Ms(h.Quantile(0.5)),
                             Ms(h.Quantile(0.9)), Ms(h.Quantile(0.99)), Ms(h.Quantile(0.999)), Ms(h.max()),
                             s.error_count());
  };
  for (int k = 0; k < kOpCount; ++k) row(OpName(k), r.ops[static_cast<size_t>(k)]);
  row("all", r.all);
}

int Main(int argc, char** argv) {
  CLI::App app{"loadgen: closed-loop load generator for hub.v1.IntakeService"};
  DriverOptions o;
  std::string spawn_hubd;
  std::string organisations = std::string(HUB_SOURCE_DIR) + "/deploy/config/organisations.json";
  std::string data_root;
  bool keep_data = false;
  std::vector<std::string> hubd_args;
  std::string mix_text = "register=20,triage=30,get=50";
  int64_t timeout_ms = 10'000;
  bool json = false;
  bool quiet = false;

  auto* target = app.add_option("--target", o.target, "address of a running hub (host:port)");
  auto* spawn = app.add_option("--spawn-hubd", spawn_hubd,
                               "start this hubd binary on 127.0.0.1 port 0 over a fresh temporary data dir, "
                               "and stop it at the end")
                    ->check(CLI::ExistingFile);
  target->excludes(spawn);
  app.add_option("--households", o.households, "concurrent simulated households (client loops)")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  app.add_option("--duration", o.duration_s, "measured seconds")->check(CLI::Range(0.1, 86'400.0))->capture_default_str();
  app.add_option("--warmup", o.warmup_s, "seconds before the measurement, not counted")
      ->check(CLI::Range(0.0, 3'600.0))
      ->capture_default_str();
  app.add_option("--rate", o.rate, "target total ops/s, paced per household on an open-loop schedule; 0 = as fast as possible")
      ->check(CLI::Range(0.0, 10'000'000.0))
      ->capture_default_str();
  app.add_option("--mix", mix_text, "percentages per operation, summing to 100")->capture_default_str();
  app.add_option("--threads", o.threads, "client threads, each with a completion queue and a connection")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--max-meldingen", o.max_meldingen,
                 "0: households grow without bound; N: after N meldingen a household's next register starts a "
                 "new household, bounding the state per household")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
  app.add_option("--timeout-ms", timeout_ms, "deadline of each call")->check(CLI::Range(1, 600'000))->capture_default_str();
  app.add_option("--seed", o.seed, "random seed for the choices (0: random); BSNs and request ids are run-unique either way")
      ->capture_default_str();
  app.add_flag("--json", json, "also print the results as one JSON line at the end of stdout");
  app.add_flag("--quiet", quiet, "no progress lines on stderr");
  app.add_option("--organisations", organisations, "organisations register for the spawned hubd")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  app.add_option("--data-root", data_root,
                 "directory in which the spawned hubd's temporary data dir is made (default $TMPDIR or /tmp); "
                 "its file system decides the cost of fsync");
  app.add_flag("--keep-data", keep_data, "keep the spawned hubd's data dir");
  app.add_option("--hubd-arg", hubd_args, "extra argument for the spawned hubd (repeatable, as --hubd-arg=--partitions=4)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  CLI11_PARSE(app, argc, argv);

  if (o.target.empty() && spawn_hubd.empty()) {
    std::cerr << "loadgen: give --target host:port or --spawn-hubd PATH\n";
    return 2;
  }
  std::string error;
  auto mix = ParseMix(mix_text, &error);
  if (!mix) {
    std::cerr << "loadgen: " << error << "\n";
    return 2;
  }
  o.mix = *mix;
  o.timeout = std::chrono::milliseconds(timeout_ms);
  o.progress = !quiet;
  o.threads = std::min(o.threads, o.households);
  if (!HistogramSelfCheck()) {
    std::cerr << "loadgen: histogram self-check failed\n";
    return 1;
  }

  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  // The machine and the settings first.
  const Machine machine = DescribeMachine();
  if (data_root.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    data_root = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::cout << "loadgen: closed-loop load on hub.v1.IntakeService\n";
  std::cout << fmt::format("machine:  nproc {} (online {}), {}, {}, {} MB RAM, load average {:.2f} at start\n",
                           machine.nproc, machine.online_cpus,
                           machine.cpu_model.empty() ? "unknown CPU" : machine.cpu_model, machine.kernel,
                           machine.memory_mb, machine.load_average);
  std::cout << fmt::format(
      "settings: {}, households {}, threads {}, duration {} s, warm-up {} s, rate {}, mix {}, max meldingen {}, "
      "call deadline {} ms\n",
      spawn_hubd.empty() ? "target " + o.target : "spawned " + spawn_hubd, o.households, o.threads, o.duration_s,
      o.warmup_s, o.rate > 0 ? fmt::format("{} ops/s", o.rate) : std::string("max (closed loop)"), FormatMix(o.mix),
      o.max_meldingen > 0 ? std::to_string(o.max_meldingen) + " per household" : std::string("unbounded"), timeout_ms);
  std::cout.flush();

  // hubd, if we are to start it.
  std::unique_ptr<HubdProcess> hubd;
  std::string data_dir;
  std::string data_fs;
  bool hubd_log_shown = false;
  auto cleanup = [&] {
    int code = 0;
    if (hubd) {
      code = hubd->Stop();
      if (code != 0) {
        std::cerr << "loadgen: hubd exited with status " << code;
        if (!hubd_log_shown) std::cerr << "; its last output:\n" << hubd->LogTail();
        std::cerr << "\n";
      }
      hubd.reset();
    }
    if (!data_dir.empty() && !keep_data) {
      std::error_code ec;
      std::filesystem::remove_all(data_dir, ec);
    }
    return code;
  };
  if (!spawn_hubd.empty()) {
    std::string pattern = data_root + "/loadgen-hubd-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "loadgen: cannot make a data dir under " << data_root << "\n";
      return 1;
    }
    data_dir = pattern;
    data_fs = FileSystemOf(data_dir);
    hubd = HubdProcess::Start({.hubd_path = spawn_hubd,
                               .data_dir = data_dir,
                               .organisations_path = organisations,
                               .extra_args = hubd_args},
                              &error);
    if (!hubd) {
      std::cerr << "loadgen: " << error << "\n";
      cleanup();
      return 1;
    }
    o.target = hubd->address();
    std::cout << fmt::format("hubd:     pid {} serving on {}, data dir {} ({}){}\n", hubd->pid(), o.target, data_dir,
                             data_fs, hubd_args.empty() ? "" : ", extra args " + fmt::format("{}", fmt::join(hubd_args, " ")));
    std::cout.flush();
  }

  auto driver = Driver::Connect(o, &error);
  if (!driver) {
    std::cerr << "loadgen: " << error << "\n";
    cleanup();
    return 1;
  }
  const pid_t hubd_pid = hubd ? hubd->pid() : -1;
  CpuSample before;
  CpuSample after;
  Results r = driver->Run(
      g_interrupted, [&] { before = TakeCpuSample(hubd_pid); }, [&] { after = TakeCpuSample(hubd_pid); });
  driver.reset();
  const bool hubd_alive = hubd && hubd->Running();

  // The report.
  const double seconds = r.measured_seconds;
  const bool rate_mode = o.rate > 0;
  const double wall = std::chrono::duration<double>(after.at - before.at).count();
  const double self_cores = wall > 0 ? (after.self - before.self) / wall : 0;
  const double hubd_cores = wall > 0 && before.hubd >= 0 && after.hubd >= 0 ? (after.hubd - before.hubd) / wall : -1;
  const double jiffies = static_cast<double>(after.system.total() - before.system.total());
  auto share = [&](uint64_t a, uint64_t b) { return jiffies > 0 ? 100.0 * static_cast<double>(a - b) / jiffies : 0; };
  // CPU the machine spent on neither hubd nor loadgen (other processes, interrupts): a busy machine
  // makes every figure here smaller than the hub's own capacity.
  const double busy_cores = jiffies > 0 ? static_cast<double>(machine.online_cpus) *
                                              (share(after.system.user, before.system.user) +
                                               share(after.system.system, before.system.system)) / 100.0
                                        : 0;
  const double other_cores = std::max(0.0, busy_cores - self_cores - std::max(0.0, hubd_cores));
  const double ctxt_per_s = wall > 0 ? static_cast<double>(after.context_switches - before.context_switches) / wall : 0;
  const double throughput = seconds > 0 ? static_cast<double>(r.all.ok) / seconds : 0;

  std::cout << fmt::format("\nresults: {:.2f} s measured after {} s warm-up{}\n", seconds, o.warmup_s,
                           r.interrupted ? " (interrupted)" : "");
  std::cout << fmt::format("  throughput {:.1f} ok ops/s ({} ok, {} errors in the window, {} outside it)\n", throughput,
                           r.all.ok, r.all.error_count(), r.errors_outside_window);
  if (rate_mode) {
    std::cout << fmt::format(
        "  target {} ops/s; {} sends in the window, {} of them ({:.2f} %) more than 1 ms after their scheduled time; "
        "send lag p50 {:.3f} ms, p99 {:.3f} ms, max {:.3f} ms\n",
        o.rate, r.sends_in_window, r.late_sends,
        r.sends_in_window > 0 ? 100.0 * static_cast<double>(r.late_sends) / static_cast<double>(r.sends_in_window) : 0,
        Ms(r.send_lag.Quantile(0.5)), Ms(r.send_lag.Quantile(0.99)), Ms(r.send_lag.max()));
    std::cout << "  latency from the scheduled send time (includes waiting behind a slow previous call):\n";
  } else {
    std::cout << "  latency from send to reply:\n";
  }
  PrintTable(r, false, seconds);
  if (rate_mode) {
    std::cout << "  service time (actual send to reply):\n";
    PrintTable(r, true, seconds);
  }
  if (r.all.error_count() + r.errors_outside_window == 0) {
    std::cout << "  errors: none\n";
  } else {
    std::cout << "  errors in the window by code:";
    for (int k = 0; k < kOpCount; ++k) {
      for (const auto& [code, count] : r.ops[static_cast<size_t>(k)].errors) {
        std::cout << fmt::format(" {} {} {};", OpName(k), CodeName(code), count);
      }
    }
    std::cout << "\n";
    for (const auto& [code, text] : r.error_examples) std::cout << fmt::format("    e.g. {}: {}\n", CodeName(code), text);
  }
  std::cout << fmt::format("  cpu in the window: {}loadgen {:.2f} cores; machine user {:.0f} %, system {:.0f} %, iowait {:.0f} %, "
                           "idle {:.0f} %, steal {:.0f} %; other processes {:.2f} cores; {:.0f} context switches/s ({:.1f} per op)\n",
                           hubd_cores >= 0 ? fmt::format("hubd {:.2f} cores, ", hubd_cores) : std::string(), self_cores,
                           share(after.system.user, before.system.user), share(after.system.system, before.system.system),
                           share(after.system.iowait, before.system.iowait), share(after.system.idle, before.system.idle),
                           share(after.system.steal, before.system.steal), other_cores, ctxt_per_s,
                           throughput > 0 ? ctxt_per_s / throughput : 0);
  std::cout << fmt::format("  households: {} loops of {} hold a household at the end; {} households created and {} meldingen "
                           "registered in the run; at most {} meldingen in one household at the end\n",
                           r.households_registered, o.households, r.households_created, r.meldingen_registered,
                           r.max_meldingen_per_household);
  if (r.check_failures == 0) {
    std::cout << "  checks: every reply consistent with the household's own view\n";
  } else {
    std::cout << fmt::format("  checks: {} inconsistent replies, first: {}\n", r.check_failures, r.first_check_failure);
  }
  if (hubd && !hubd_alive) {
    std::cout << "  hubd DIED during the run; its last output:\n" << hubd->LogTail() << "\n";
    hubd_log_shown = true;
  }

  if (json) {
    Json j;
    j["throughput_ops_per_sec"] = std::round(throughput * 10) / 10;
    j["machine"] = {{"nproc", machine.nproc},
                    {"online_cpus", machine.online_cpus},
                    {"cpu_model", machine.cpu_model},
                    {"kernel", machine.kernel},
                    {"memory_mb", machine.memory_mb},
                    {"load_average_at_start", machine.load_average}};
    j["settings"] = {{"target", o.target},
                     {"spawned_hubd", !spawn_hubd.empty()},
                     {"data_dir_fs", data_fs},
                     {"households", o.households},
                     {"threads", o.threads},
                     {"duration_s", o.duration_s},
                     {"warmup_s", o.warmup_s},
                     {"rate", o.rate},
                     {"mix", FormatMix(o.mix)},
                     {"max_meldingen", o.max_meldingen},
                     {"timeout_ms", timeout_ms}};
    j["measured_seconds"] = seconds;
    j["interrupted"] = r.interrupted;
    j["latency_from"] = rate_mode ? "scheduled send time" : "send time";
    Json ops = Json::object();
    for (int k = 0; k < kOpCount; ++k) ops[OpName(k)] = StatsJson(r.ops[static_cast<size_t>(k)], seconds, rate_mode);
    ops["all"] = StatsJson(r.all, seconds, rate_mode);
    j["ops"] = ops;
    j["errors_outside_window"] = r.errors_outside_window;
    if (rate_mode) {
      j["late_sends"] = {{"sends", r.sends_in_window},
                         {"late_over_1ms", r.late_sends},
                         {"lag_p50_ms", Ms(r.send_lag.Quantile(0.5))},
                         {"lag_p99_ms", Ms(r.send_lag.Quantile(0.99))},
                         {"lag_max_ms", Ms(r.send_lag.max())}};
    }
    j["cpu"] = {{"hubd_cores", hubd_cores},
                {"loadgen_cores", self_cores},
                {"machine_user_pct", share(after.system.user, before.system.user)},
                {"machine_system_pct", share(after.system.system, before.system.system)},
                {"machine_iowait_pct", share(after.system.iowait, before.system.iowait)},
                {"machine_idle_pct", share(after.system.idle, before.system.idle)},
                {"machine_steal_pct", share(after.system.steal, before.system.steal)},
                {"other_processes_cores", other_cores},
                {"context_switches_per_sec", ctxt_per_s}};
    j["households_registered"] = r.households_registered;
    j["households_created"] = r.households_created;
    j["meldingen_registered"] = r.meldingen_registered;
    j["max_meldingen_per_household"] = r.max_meldingen_per_household;
    j["check_failures"] = r.check_failures;
    j["timeline_ok_ops_per_sec"] = r.timeline;
    std::cout << j.dump() << "\n";
  }
  std::cout.flush();

  const int hubd_code = cleanup();
  if (r.interrupted) return 130;
  return hubd_code == 0 || hubd_code == -1 ? 0 : 1;
}

}  // namespace
}  // namespace hub::loadgen

int main(int argc, char** argv) { return hub::loadgen::Main(argc, argv); }
