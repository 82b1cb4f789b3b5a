#include "bench/loadgen/driver.h"

#include <grpcpp/grpcpp.h>
#include <sys/prctl.h>

#include <algorithm>
#include <iostream>
#include <mutex>
#include <queue>
#include <random>
#include <sstream>
#include <thread>

#include "fmt/format.h"
#include "hub/v1/intake.grpc.pb.h"

namespace hub::loadgen {
namespace {

using SteadyNs = int64_t;  // nanoseconds on the steady clock

SteadyNs Now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::chrono::system_clock::time_point ToSystem(SteadyNs when, SteadyNs now) {
  return std::chrono::system_clock::now() + std::chrono::nanoseconds(std::max<SteadyNs>(0, when - now));
}

constexpr SteadyNs kMs = 1'000'000;
constexpr SteadyNs kSecond = 1'000'000'000;
// With --rate: how early before a due send the queue wait ends (gRPC rounds its deadline up to a
// whole millisecond), and the longest nap while polling in that last stretch.
constexpr SteadyNs kEarly = 1'200'000;
constexpr SteadyNs kNap = 100'000;

constexpr std::array<const char*, 13> kLifeDomains = {
    "FINANCIEN",         "WERK_OPLEIDING",         "TIJDSBESTEDING",          "HUISVESTING",
    "HUISELIJKE_RELATIES", "GEESTELIJKE_GEZONDHEID", "LICHAMELIJKE_GEZONDHEID", "MIDDELENGEBRUIK",
    "BASALE_ADL",        "INSTRUMENTELE_ADL",      "SOCIAAL_NETWERK",         "MAATSCHAPPELIJKE_PARTICIPATIE",
    "JUSTITIE"};
constexpr std::array<const char*, 4> kTriageClasses = {"ENKELVOUDIG", "MEERVOUDIG", "MULTICOMPLEX", "CRISIS"};

struct Person {
  std::string bsn;
  std::string birth_date;
  std::string name;
  std::string relation;
};

// One simulated household: its identity, what the hub told it, and its one call in flight.
struct Household {
  int index = 0;
  std::array<Person, 2> persons;
  std::string user;  // x-hub-user

  bool registered = false;
  std::string household_id;
  std::string first_melding_id;
  uint64_t meldingen = 0;        // in the current household
  uint64_t meldingen_total = 0;  // over the run
  uint64_t households_created = 0;
  uint64_t seq = 0;  // request_id counter

  // The call in flight (at most one).
  bool in_flight = false;
  Op op = Op::kRegister;
  bool first_registration = false;
  SteadyNs due = 0;   // the schedule's time for this call (== sent without a rate)
  SteadyNs sent = 0;
  std::unique_ptr<grpc::ClientContext> context;
  grpc::Status status;
  hub::v1::RegisterMeldingRequest register_request;
  hub::v1::RegisterMeldingReply register_reply;
  hub::v1::CompleteTriageRequest triage_request;
  hub::v1::CommandReply triage_reply;
  hub::v1::GetHouseholdRequest get_request;
  hub::v1::Household get_reply;
  std::unique_ptr<grpc::ClientAsyncResponseReader<hub::v1::RegisterMeldingReply>> register_call;
  std::unique_ptr<grpc::ClientAsyncResponseReader<hub::v1::CommandReply>> triage_call;
  std::unique_ptr<grpc::ClientAsyncResponseReader<hub::v1::Household>> get_call;
};

// Run-unique BSNs for every thread: a random starting prefix, then consecutive valid numbers.
class BsnSource {
 public:
  explicit BsnSource(uint64_t prefix) : prefix_(prefix) {}
  std::string Next() {
    std::lock_guard lock(mu_);
    return NextBsn(&prefix_);
  }

 private:
  std::mutex mu_;
  uint64_t prefix_;
};

Person NewPerson(std::mt19937_64& rng, BsnSource& bsns, int household, bool parent) {
  const int year = parent ? 1960 + static_cast<int>(rng() % 36) : 2008 + static_cast<int>(rng() % 12);
  return {bsns.Next(), fmt::format("{}-{:02d}-{:02d}", year, 1 + rng() % 12, 1 + rng() % 28),
          fmt::format("{} {} Loadgen", parent ? "Ouder" : "Kind", household), parent ? "parent" : "child"};
}

struct Timing {
  SteadyNs start = 0;          // first sends are due
  SteadyNs window_start = 0;   // end of warm-up
  std::atomic<SteadyNs>* end;  // end of the window; moved earlier on interruption
};

}  // namespace

// ------------------------------------------------------------------------------------------------
// Parsing and small helpers.

const char* OpName(Op op) { return OpName(static_cast<int>(op)); }
const char* OpName(int op) {
  switch (op) {
    case 0:
      return "register";
    case 1:
      return "triage";
    case 2:
      return "get";
    default:
      return "?";
  }
}

std::optional<Mix> ParseMix(const std::string& text, std::string* error) {
  Mix mix;
  mix.percent = {0, 0, 0};
  std::array<bool, kOpCount> seen{};
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) {
      *error = fmt::format("--mix: '{}' is not kind=percent", item);
      return std::nullopt;
    }
    const std::string name = item.substr(0, eq);
    int kind = -1;
    for (int k = 0; k < kOpCount; ++k) {
      if (name == OpName(k)) kind = k;
    }
    if (kind < 0) {
      *error = fmt::format("--mix: unknown kind '{}' (register, triage, get)", name);
      return std::nullopt;
    }
    if (seen[kind]) {
      *error = fmt::format("--mix: '{}' given twice", name);
      return std::nullopt;
    }
    seen[kind] = true;
    const std::string value = item.substr(eq + 1);
    if (value.empty() || value.size() > 3 || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      *error = fmt::format("--mix: '{}' is not a percentage", value);
      return std::nullopt;
    }
    mix.percent[kind] = std::stoi(value);
  }
  if (mix.percent[0] + mix.percent[1] + mix.percent[2] != 100) {
    *error = fmt::format("--mix: the percentages sum to {}, not 100", mix.percent[0] + mix.percent[1] + mix.percent[2]);
    return std::nullopt;
  }
  return mix;
}

std::string FormatMix(const Mix& mix) {
  return fmt::format("register={},triage={},get={}", mix.percent[0], mix.percent[1], mix.percent[2]);
}

std::string NextBsn(uint64_t* prefix) {
  while (true) {
    if (*prefix < 10'000'000 || *prefix > 99'999'999) *prefix = 10'000'000;  // stay within 8 digits
    const uint64_t p = (*prefix)++;
    // Elfproef: sum(d_i * w_i) with w = 9..2 for d1..d8 and -1 for d9 is divisible by 11, so d9 is
    // the sum of the first eight modulo 11; a remainder of 10 has no digit and is skipped.
    uint64_t sum = 0;
    uint64_t rest = p;
    for (int weight = 2; weight <= 9; ++weight) {
      sum += (rest % 10) * static_cast<uint64_t>(weight);
      rest /= 10;
    }
    const uint64_t check = sum % 11;
    if (check == 10) continue;
    return fmt::format("{:08d}{}", p, check);
  }
}

uint64_t OpStats::error_count() const {
  uint64_t n = 0;
  for (const auto& [code, count] : errors) n += count;
  return n;
}

void OpStats::Merge(const OpStats& other) {
  latency.Merge(other.latency);
  service.Merge(other.service);
  ok += other.ok;
  for (const auto& [code, count] : other.errors) errors[code] += count;
}

// ------------------------------------------------------------------------------------------------
// One client thread: a completion queue, a channel and its share of the households.

namespace {

class Worker {
 public:
  Worker(const DriverOptions& options, std::shared_ptr<grpc::Channel> channel, std::vector<Household*> households,
         uint64_t seed, std::string run_id, BsnSource* bsns)
      : options_(options),
        bsns_(bsns),
        stub_(hub::v1::IntakeService::NewStub(channel)),
        channel_(std::move(channel)),
        households_(std::move(households)),
        rng_(seed),
        run_id_(std::move(run_id)) {
    for (int k = 0; k < kOpCount; ++k) cumulative_[k] = (k == 0 ? 0 : cumulative_[k - 1]) + options.mix.percent[k];
    if (options.rate > 0) interval_ = static_cast<SteadyNs>(options.households * 1e9 / options.rate);
  }

  void Run(const Timing& timing) {
    timing_ = &timing;
    // Naps of this thread end on time, not up to 50 us late (the default timer slack).
    if (options_.rate > 0) prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    // The schedule: household i first at start + i/R, so sends spread evenly over the interval.
    for (Household* h : households_) {
      h->due = timing.start + (options_.rate > 0 ? static_cast<SteadyNs>(h->index * 1e9 / options_.rate) : 0);
      ready_.push({h->due, h});
    }
    bool stopping = false;
    bool cancelled = false;
    SteadyNs drain_deadline = 0;
    while (true) {
      SteadyNs now = Now();
      const SteadyNs end = timing.end->load(std::memory_order_relaxed);
      if (!stopping && now >= end) {
        stopping = true;
        drain_deadline = now + std::chrono::duration_cast<std::chrono::nanoseconds>(options_.timeout).count() + kSecond;
      }
      if (!stopping) {
        while (!ready_.empty() && ready_.top().when <= now) {
          Household* h = ready_.top().household;
          ready_.pop();
          Send(*h);
          now = Now();
        }
      } else {
        if (in_flight_ == 0) break;
        if (!cancelled && now >= drain_deadline) {
          for (Household* h : households_) {
            if (h->in_flight) h->context->TryCancel();
          }
          cancelled = true;
        }
      }
      void* tag = nullptr;
      bool ok = false;
      SteadyNs wake = stopping ? (cancelled ? now + 100 * kMs : drain_deadline) : end;
      if (!stopping && !ready_.empty()) {
        const SteadyNs due = ready_.top().when;
        if (options_.rate > 0 && due - now <= kEarly) {
          // A send is due within a millisecond: gRPC would round a queue deadline up to a whole
          // millisecond, so poll the queue without blocking and nap briefly instead.
          const auto polled = queue_.AsyncNext(&tag, &ok, std::chrono::system_clock::time_point{});
          if (polled == grpc::CompletionQueue::GOT_EVENT) {
            Done(*static_cast<Household*>(tag));
          } else if (due > now) {
            std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<SteadyNs>(due - now, kNap)));
          }
          continue;
        }
        wake = std::min(wake, options_.rate > 0 ? due - kEarly : due);
      }
      wake = std::min(wake, now + 100 * kMs);  // look at the end time (interruption) now and then
      const auto next = queue_.AsyncNext(&tag, &ok, ToSystem(wake, now));
      if (next == grpc::CompletionQueue::GOT_EVENT) {
        Done(*static_cast<Household*>(tag));
      } else if (next == grpc::CompletionQueue::SHUTDOWN) {
        break;
      }
    }
    queue_.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (queue_.Next(&tag, &ok)) {
    }
  }

  std::array<OpStats, kOpCount> stats;
  uint64_t errors_outside_window = 0;
  std::map<int, std::string> error_examples;
  uint64_t sends_in_window = 0;
  uint64_t late_sends = 0;
  Histogram send_lag;
  uint64_t check_failures = 0;
  std::string first_check_failure;
  std::atomic<uint64_t> completed_ok{0};  // read by the progress sampler

 private:
  struct Entry {
    SteadyNs when;
    Household* household;
    bool operator>(const Entry& other) const { return when > other.when; }
  };

  bool InWindow(SteadyNs t) const {
    return t >= timing_->window_start && t < timing_->end->load(std::memory_order_relaxed);
  }

  Op Pick() {
    const int roll = static_cast<int>(rng_() % 100);
    for (int k = 0; k < kOpCount; ++k) {
      if (roll < cumulative_[k]) return static_cast<Op>(k);
    }
    return Op::kGet;
  }

  void FillPerson(const Person& p, hub::v1::PersonInput* out) {
    out->set_bsn(p.bsn);
    out->set_birth_date(p.birth_date);
    out->set_name(p.name);
    out->set_relation(p.relation);
  }

  void Send(Household& h) {
    h.sent = Now();  // building the request is part of the call as the client sees it
    if (options_.rate <= 0) h.due = h.sent;
    h.op = h.registered ? Pick() : Op::kRegister;
    if (h.registered && h.op == Op::kRegister && options_.max_meldingen > 0 &&
        h.meldingen >= static_cast<uint64_t>(options_.max_meldingen)) {
      // This loop moves on to a new household: two new persons, a first registration.
      h.registered = false;
      h.persons[0] = NewPerson(rng_, *bsns_, h.index, true);
      h.persons[1] = NewPerson(rng_, *bsns_, h.index, false);
    }
    h.first_registration = !h.registered;
    h.context = std::make_unique<grpc::ClientContext>();
    h.context->AddMetadata("x-hub-tenant", options_.tenant);
    h.context->AddMetadata("x-hub-organisation", options_.organisation);
    h.context->AddMetadata("x-hub-role", options_.role);
    h.context->AddMetadata("x-hub-user", h.user);
    h.context->set_deadline(std::chrono::system_clock::now() + options_.timeout);
    const std::string request_id = fmt::format("lg-{}-{}-{}", run_id_, h.index, ++h.seq);

    switch (h.op) {
      case Op::kRegister: {
        auto& r = h.register_request;
        r.Clear();
        r.mutable_header()->set_request_id(request_id);
        r.set_tenant(options_.tenant);
        r.set_channel(hub::v1::CHANNEL_VINDPLAATS);
        r.set_source(hub::v1::SIGNAL_SOURCE_SCHOOL);
        if (h.first_registration) {
          FillPerson(h.persons[0], r.add_persons());
          FillPerson(h.persons[1], r.add_persons());
          r.set_question("Zoon komt vaak te laat en zonder ontbijt op school.");
        } else {
          // A new signal about one person the hub knows: it joins this household.
          FillPerson(h.persons[h.seq % 2], r.add_persons());
          r.set_question(fmt::format("Nieuw signaal {} over dit huishouden.", h.seq));
        }
        r.add_life_domains(kLifeDomains[rng_() % kLifeDomains.size()]);
        r.add_data_categories("CONTACT");
        h.register_reply.Clear();
        h.register_call = stub_->PrepareAsyncRegisterMelding(h.context.get(), r, &queue_);
        h.register_call->StartCall();
        h.register_call->Finish(&h.register_reply, &h.status, &h);
        break;
      }
      case Op::kTriage: {
        auto& r = h.triage_request;
        r.Clear();
        r.mutable_header()->set_request_id(request_id);
        r.set_household_id(h.household_id);
        r.set_melding_id(h.first_melding_id);
        r.set_triage_class(kTriageClasses[rng_() % kTriageClasses.size()]);
        auto& scores = *r.mutable_zrm_scores();
        scores["FINANCIEN"] = static_cast<int32_t>(1 + rng_() % 5);
        scores["HUISELIJKE_RELATIES"] = static_cast<int32_t>(1 + rng_() % 5);
        scores[kLifeDomains[rng_() % kLifeDomains.size()]] = static_cast<int32_t>(1 + rng_() % 5);
        h.triage_reply.Clear();
        h.triage_call = stub_->PrepareAsyncCompleteTriage(h.context.get(), r, &queue_);
        h.triage_call->StartCall();
        h.triage_call->Finish(&h.triage_reply, &h.status, &h);
        break;
      }
      case Op::kGet: {
        auto& r = h.get_request;
        r.Clear();
        r.set_household_id(h.household_id);
        h.get_reply.Clear();
        h.get_call = stub_->PrepareAsyncGetHousehold(h.context.get(), r, &queue_);
        h.get_call->StartCall();
        h.get_call->Finish(&h.get_reply, &h.status, &h);
        break;
      }
    }
    if (InWindow(h.sent)) {
      ++sends_in_window;
      if (h.sent - h.due > kMs) ++late_sends;
      if (options_.rate > 0) send_lag.Record(static_cast<uint64_t>(std::max<SteadyNs>(0, h.sent - h.due)));
    }
    h.in_flight = true;
    ++in_flight_;
  }

  void CheckFailed(const Household& h, std::string what) {
    ++check_failures;
    if (first_check_failure.empty()) first_check_failure = fmt::format("household {}: {}", h.index, what);
  }

  void Done(Household& h) {
    const SteadyNs now = Now();
    h.in_flight = false;
    --in_flight_;
    const bool in_window = InWindow(now);
    auto& s = stats[static_cast<int>(h.op)];
    if (h.status.ok()) {
      switch (h.op) {
        case Op::kRegister: {
          const auto& reply = h.register_reply;
          ++h.meldingen_total;
          if (h.first_registration) {
            h.registered = true;
            h.meldingen = 1;
            ++h.households_created;
            h.household_id = reply.result().household_id();
            h.first_melding_id = reply.melding_id();
            if (reply.joined_existing_household()) CheckFailed(h, "first melding joined an existing household");
            if (reply.person_ids_size() != 2) CheckFailed(h, "first melding did not return 2 person ids");
          } else {
            if (!reply.joined_existing_household()) CheckFailed(h, "a melding about a known person made a new household");
            if (reply.result().household_id() != h.household_id) CheckFailed(h, "melding landed in another household");
            ++h.meldingen;
          }
          break;
        }
        case Op::kTriage:
          if (h.triage_reply.household_id() != h.household_id) CheckFailed(h, "triage reply names another household");
          break;
        case Op::kGet:
          if (h.get_reply.household_id() != h.household_id || h.get_reply.members_size() != 2) {
            CheckFailed(h, fmt::format("GetHousehold: {} members", h.get_reply.members_size()));
          }
          break;
      }
      completed_ok.fetch_add(1, std::memory_order_relaxed);
      if (in_window) {
        ++s.ok;
        s.latency.Record(static_cast<uint64_t>(now - h.due));
        s.service.Record(static_cast<uint64_t>(now - h.sent));
      }
    } else {
      const int code = static_cast<int>(h.status.error_code());
      if (in_window) {
        ++s.errors[code];
      } else {
        ++errors_outside_window;
      }
      if (!error_examples.contains(code)) {
        error_examples[code] = fmt::format("{}: {}", OpName(h.op), h.status.error_message());
      }
    }
    // The next call: due one interval after this one's due time with a rate, else right away.
    h.due = options_.rate > 0 ? h.due + interval_ : now;
    ready_.push({h.due, &h});
  }

  const DriverOptions& options_;
  BsnSource* bsns_;
  std::unique_ptr<hub::v1::IntakeService::Stub> stub_;
  std::shared_ptr<grpc::Channel> channel_;
  std::vector<Household*> households_;
  std::mt19937_64 rng_;
  std::string run_id_;
  std::array<int, kOpCount> cumulative_{};
  SteadyNs interval_ = 0;
  grpc::CompletionQueue queue_;
  const Timing* timing_ = nullptr;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready_;
  int in_flight_ = 0;
};

}  // namespace

// ------------------------------------------------------------------------------------------------

struct Driver::Impl {
  DriverOptions options;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<Household>> households;
  uint64_t seed = 0;
  std::string run_id;
  std::unique_ptr<BsnSource> bsns;
};

Driver::Driver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Driver::~Driver() = default;

std::unique_ptr<Driver> Driver::Connect(const DriverOptions& options, std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  // The seed makes the choices repeatable (operations, dates, scores); the request ids and BSNs
  // are run-unique whatever it is, so runs against one long-lived hub never replay or join.
  std::random_device entropy;
  const uint64_t unique = (uint64_t{entropy()} << 32) ^ entropy();
  impl->seed = options.seed != 0 ? options.seed : unique * 0x9E3779B97F4A7C15ULL;
  std::mt19937_64 rng(impl->seed);
  impl->run_id = fmt::format("{:012x}", unique & 0xFFFFFFFFFFFFULL);

  for (int t = 0; t < options.threads; ++t) {
    grpc::ChannelArguments args;
    // A channel of its own per thread: its own connection, not one shared through the global
    // subchannel pool.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("hub.loadgen.channel", t);
    auto channel = grpc::CreateCustomChannel(options.target, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      *error = fmt::format("cannot connect to {} within 10 s", options.target);
      return nullptr;
    }
    impl->channels.push_back(std::move(channel));
  }

  // Run-unique BSNs: a random starting prefix (no leading zero), then consecutive valid numbers.
  impl->bsns = std::make_unique<BsnSource>(10'000'000 + (unique >> 16) % 80'000'000);
  for (int i = 0; i < options.households; ++i) {
    auto h = std::make_unique<Household>();
    h->index = i;
    h->user = fmt::format("u-loadgen-{}", i);
    h->persons[0] = NewPerson(rng, *impl->bsns, i, true);
    h->persons[1] = NewPerson(rng, *impl->bsns, i, false);
    impl->households.push_back(std::move(h));
  }
  return std::unique_ptr<Driver>(new Driver(std::move(impl)));
}

Results Driver::Run(const std::atomic<bool>& interrupted, const std::function<void()>& on_window_start,
                    const std::function<void()>& on_window_end) {
  const DriverOptions& o = impl_->options;
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < o.threads; ++t) {
    std::vector<Household*> mine;
    for (size_t i = static_cast<size_t>(t); i < impl_->households.size(); i += static_cast<size_t>(o.threads)) {
      mine.push_back(impl_->households[i].get());
    }
    workers.push_back(std::make_unique<Worker>(o, impl_->channels[static_cast<size_t>(t)], std::move(mine),
                                               impl_->seed + 1 + static_cast<uint64_t>(t), impl_->run_id,
                                               impl_->bsns.get()));
  }

  std::atomic<SteadyNs> end{0};
  Timing timing;
  timing.start = Now() + 20 * kMs;  // every thread is up before the first call is due
  timing.window_start = timing.start + static_cast<SteadyNs>(o.warmup_s * 1e9);
  end.store(timing.window_start + static_cast<SteadyNs>(o.duration_s * 1e9));
  timing.end = &end;

  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w, &timing] { w->Run(timing); });

  // This thread: the window's edges, interruption, and a progress line per second.
  Results results;
  auto total_ok = [&] {
    uint64_t n = 0;
    for (const auto& w : workers) n += w->completed_ok.load(std::memory_order_relaxed);
    return n;
  };
  auto sleep_until = [](SteadyNs t) {
    std::this_thread::sleep_until(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(t)));
  };
  bool window_started = false;
  uint64_t last_ok = 0;
  SteadyNs next_tick = timing.start + kSecond;
  while (true) {
    const SteadyNs now = Now();
    const SteadyNs end_now = end.load();
    if (interrupted.load() && end_now > now) {
      end.store(now);
      results.interrupted = true;
      continue;
    }
    if (!window_started && now >= timing.window_start) {
      window_started = true;
      if (on_window_start) on_window_start();
    }
    if (now >= end_now) break;
    if (now >= next_tick) {
      const uint64_t ok = total_ok();
      results.timeline.push_back(static_cast<double>(ok - last_ok));
      last_ok = ok;
      if (o.progress) {
        const double t = static_cast<double>(next_tick - timing.start) / 1e9;
        std::cerr << fmt::format("  t={:>5.0f}s {:>9.0f} ok ops/s{}\n", t, results.timeline.back(),
                                 next_tick <= timing.window_start ? "  (warm-up)" : "");
      }
      next_tick += kSecond;
    }
    SteadyNs wake = std::min({next_tick, end_now, now + 100 * kMs});
    if (!window_started) wake = std::min(wake, timing.window_start);
    sleep_until(wake);
  }
  if (!window_started) {
    window_started = true;
    if (on_window_start) on_window_start();
  }
  if (on_window_end) on_window_end();
  for (auto& t : threads) t.join();

  results.measured_seconds = std::max(0.0, static_cast<double>(end.load() - timing.window_start) / 1e9);
  for (const auto& w : workers) {
    for (int k = 0; k < kOpCount; ++k) {
      results.ops[static_cast<size_t>(k)].Merge(w->stats[static_cast<size_t>(k)]);
      results.all.Merge(w->stats[static_cast<size_t>(k)]);
    }
    results.errors_outside_window += w->errors_outside_window;
    for (const auto& [code, text] : w->error_examples) results.error_examples.emplace(code, text);
    results.sends_in_window += w->sends_in_window;
    results.late_sends += w->late_sends;
    results.send_lag.Merge(w->send_lag);
    results.check_failures += w->check_failures;
    if (results.first_check_failure.empty()) results.first_check_failure = w->first_check_failure;
  }
  for (const auto& h : impl_->households) {
    if (h->registered) {
      ++results.households_registered;
      results.max_meldingen_per_household = std::max(results.max_meldingen_per_household, h->meldingen);
    }
    results.households_created += h->households_created;
    results.meldingen_registered += h->meldingen_total;
  }
  return results;
}

}  // namespace hub::loadgen
