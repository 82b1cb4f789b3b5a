// The load itself: simulated households, each a closed loop with at most one call in flight, driven
// through the gRPC async API. Each client thread owns a CompletionQueue, a channel (its own TCP
// connection) and every households-th household; it sends, waits on the queue, records, sends again.
//
// A household first registers a melding with two new persons (valid, run-unique BSNs), then loops
// choosing by the mix: RegisterMelding naming one known person (joins the household),
// CompleteTriage on its first melding, GetHousehold. Every command has a fresh request_id. A failed
// call is counted by its gRPC code and the loop goes on (a household whose first registration
// failed tries that again).
//
// Without a rate, a household sends its next call as soon as the previous one completes and latency
// is completion minus send. With --rate R, household i's k-th call is due at
// start + i/R + k*households/R (an open-loop schedule per loop); a call is sent at its due time, or
// at once if the previous one is still running then, and its latency is measured from the due time
// (no coordinated omission: a stall counts against every call it delayed). The service time
// (completion minus actual send) is kept too.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/loadgen/histogram.h"

namespace hub::loadgen {

enum class Op { kRegister = 0, kTriage = 1, kGet = 2 };
inline constexpr int kOpCount = 3;
const char* OpName(Op op);
const char* OpName(int op);

// Percentages per operation, summing to 100.
struct Mix {
  std::array<int, kOpCount> percent = {20, 30, 50};
};
// Parses "register=20,triage=30,get=50" (any order, each kind at most once, missing kinds are 0,
// the sum must be 100). nullopt with a message in *error otherwise.
std::optional<Mix> ParseMix(const std::string& text, std::string* error);
std::string FormatMix(const Mix& mix);

// The i-th BSN of a sequence starting at the 8-digit prefix `*prefix` (advanced past what was
// used): 9 digits passing the elfproef, never with a leading zero.
std::string NextBsn(uint64_t* prefix);

struct DriverOptions {
  std::string target;  // host:port
  int households = 64;
  int threads = 1;
  double duration_s = 10;
  double warmup_s = 2;
  double rate = 0;  // ops/s over all households; 0 = closed loop as fast as possible
  Mix mix;
  std::chrono::milliseconds timeout{10'000};  // deadline of each call
  std::string tenant = "GM0632";
  std::string organisation = "woerdenwijzer";
  std::string role = "consulent";
  // 0: a household keeps growing (every register adds a melding to it, as in the brief). N > 0:
  // once a household has N meldingen, its next register starts a new household (two new persons),
  // so the state per household, and with it the cost per call, stays bounded.
  int max_meldingen = 0;
  uint64_t seed = 0;   // 0: random
  bool progress = true;  // a line per second on stderr
};

struct OpStats {
  Histogram latency;  // from the due time (the send time without --rate)
  Histogram service;  // from the actual send time
  uint64_t ok = 0;
  std::map<int, uint64_t> errors;  // grpc::StatusCode -> count
  uint64_t error_count() const;
  void Merge(const OpStats& other);
};

struct Results {
  std::array<OpStats, kOpCount> ops;  // completions inside the measured window
  OpStats all;
  double measured_seconds = 0;
  bool interrupted = false;
  uint64_t errors_outside_window = 0;  // during warm-up or the final drain
  std::map<int, std::string> error_examples;  // grpc::StatusCode -> first message seen
  uint64_t sends_in_window = 0;
  uint64_t late_sends = 0;       // with --rate: sent more than 1 ms after the due time
  Histogram send_lag;            // with --rate: actual send minus due time, sends in the window
  uint64_t check_failures = 0;   // replies that contradict what the household knows
  std::string first_check_failure;
  uint64_t households_registered = 0;  // loops that hold a household at the end
  uint64_t households_created = 0;     // first registrations that succeeded, moves included
  uint64_t meldingen_registered = 0;  // over the whole run, first registrations included
  uint64_t max_meldingen_per_household = 0;  // in a household held at the end
  std::vector<double> timeline;  // successful ops per second of the run, warm-up included
};

class Driver {
 public:
  // Connects (one channel per thread, each waiting up to 10 s to be ready). Null with *error if the
  // target cannot be reached.
  static std::unique_ptr<Driver> Connect(const DriverOptions& options, std::string* error);
  ~Driver();

  // Runs warm-up then the measured window. `on_window_start`/`on_window_end` are called from this
  // thread at the window's edges (for CPU sampling). `interrupted` (set from a signal handler) ends
  // the run early; the window then ends there.
  Results Run(const std::atomic<bool>& interrupted, const std::function<void()>& on_window_start,
              const std::function<void()>& on_window_end);

  struct Impl;

 private:
  explicit Driver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::loadgen
