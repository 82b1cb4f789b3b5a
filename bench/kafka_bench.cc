// Benchmarks of the Kafka EventLog backend (KafkaLog) against a real broker (Google Benchmark).
//
//   scripts/kafka.sh start && eval "$(scripts/kafka.sh env)"
//   build/bench/kafka_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//   scripts/kafka.sh stop
//
// The broker comes from HUB_KAFKA_BROKERS; without it the program exits with status 2. Every run
// (each argument set, each repetition, each of Google Benchmark's iteration-count probes) writes to
// a fresh topic with 6 partitions. 320-byte events; each appender writes to its own 64 households,
// round robin, so every appender touches every partition.
//
// BM_KafkaLogAppend: events/s through KafkaLog::Append (expected versions tracked), by events per
//   append and concurrent appenders. One KafkaLog shared by the appenders, as in a service.
// BM_PlainProducer: the same bytes, keys and partitions through a plain librdkafka C++ producer with
//   the settings that matter copied from kafka_log.cc (enable.idempotence=true, acks=all,
//   max.in.flight=5, linger.ms=KafkaLogOptions{}.linger_ms), each appender waiting for the delivery
//   reports of its batch before the next: KafkaLog's acknowledgement semantics without its
//   bookkeeping. BM_KafkaLogAppend / BM_PlainProducer is the cost of the EventLog layer.
// BM_PlainProducerPartitionLock: BM_PlainProducer plus a per-partition mutex held across produce and
//   delivery, as KafkaLog holds its partition state's mutex. Isolates what that lock costs.
// BM_PlainProducerFireAndForget: no wait per batch; each appender waits for all its delivery
//   reports at the end of the timed loop (a flush). The upper bound of the producer on this broker.
// BM_KafkaLogAppendLinger0, BM_PlainProducerLinger0: single-event appends with linger.ms=0 on both
//   clients, to measure how much of an acknowledged append's latency the 2 ms linger is.
// BM_EndToEndVisibility: one appender, one event per append; the time from Append returning until a
//   Subscription of a second, independent KafkaLog delivers the record. That KafkaLog lives in a
//   child process forked at the start of main, before any librdkafka (or other) thread exists; it
//   reports (partition, offset, CLOCK_MONOTONIC at delivery) over a pipe. Each append waits for its
//   record to be seen before the next (latency at low load). Counters: p50_ms/p99_ms from Append's
//   return (0 when the record was delivered before Append returned; seen_before_return is that
//   fraction), p50_call_ms/p99_call_ms from Append's call.
//
// Counters on the throughput benchmarks: append_p50_ms/append_p99_ms (latency of one Append or one
// acknowledged batch, averaged over appenders), client_cores (CPU of this process, all librdkafka
// threads included, per second of wall time) and broker_cores (the same for the broker JVM, when its
// pid is known: HUB_KAFKA_BROKER_PID, or ${KAFKA_STATE_DIR:-/tmp/hub-kafka}/pid as scripts/kafka.sh
// writes it). Client and broker share the machine's cores.
#include <benchmark/benchmark.h>
#include <librdkafka/rdkafkacpp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/log/kafka_log.h"
#include "common/log/partitioner.h"
#include "fmt/format.h"

namespace hub {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kValueBytes = 320;  // about one sealed intake envelope, as in log_bench
constexpr int32_t kPartitions = 6;
constexpr int kHouseholdsPerAppender = 64;
const int kLingerMs = log::KafkaLogOptions{}.linger_ms;  // what KafkaLog uses unless told otherwise

std::string g_brokers;
pid_t g_broker_pid = 0;  // 0: unknown, broker_cores not reported

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
int64_t Ns(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::string NewTopic(std::string_view kind) {
  static std::atomic<int> counter{0};
  return fmt::format("hub.bench.{}.{}.{}", kind, getpid(), counter++);
}

std::string HouseholdKey(int appender, int household) { return fmt::format("hh-{}-{}", appender, household); }

// One key per partition, for warming a client up (connections, metadata, producer id, KafkaLog's
// per-partition state) before the timed loop.
std::vector<std::string> WarmKeys() {
  std::vector<std::string> keys(kPartitions);
  int found = 0;
  for (int i = 0; found < kPartitions; ++i) {
    std::string key = fmt::format("warm-{}", i);
    std::string& slot = keys[log::PartitionForKey(key, kPartitions)];
    if (slot.empty()) {
      slot = std::move(key);
      ++found;
    }
  }
  return keys;
}

// The q-quantile (nearest rank) of sorted samples.
double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// ---- CPU accounting -------------------------------------------------------------------------------

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// utime + stime of `pid` from /proc, or -1.
double PidCpuSeconds(pid_t pid) {
  if (pid <= 0) return -1;
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(paren + 2));  // from field 3 (state) on
  std::string field;
  double utime = 0;
  double stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

pid_t FindBrokerPid() {
  if (const char* env = std::getenv("HUB_KAFKA_BROKER_PID"); env != nullptr) return static_cast<pid_t>(std::atoi(env));
  const char* dir = std::getenv("KAFKA_STATE_DIR");
  std::ifstream in(std::filesystem::path(dir != nullptr ? dir : "/tmp/hub-kafka") / "pid");
  pid_t pid = 0;
  if (!(in >> pid)) return 0;
  std::ifstream cmdline(fmt::format("/proc/{}/cmdline", pid));
  std::string cmd((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  return cmd.find("kafka.Kafka") != std::string::npos ? pid : 0;
}

// CPU used by this process and the broker between Start() and Stop(), in cores.
class CpuMeter {
 public:
  void Start() {
    wall_ = Clock::now();
    self_ = SelfCpuSeconds();
    broker_ = PidCpuSeconds(g_broker_pid);
  }
  void Stop(benchmark::State& state) const {
    const double wall = std::chrono::duration<double>(Clock::now() - wall_).count();
    if (wall <= 0) return;
    state.counters["client_cores"] = (SelfCpuSeconds() - self_) / wall;
    const double broker = PidCpuSeconds(g_broker_pid);
    if (broker_ >= 0 && broker >= 0) state.counters["broker_cores"] = (broker - broker_) / wall;
  }

 private:
  Clock::time_point wall_;
  double self_ = 0;
  double broker_ = -1;
};

// ---- a plain librdkafka producer ------------------------------------------------------------------

// Delivery reports still to come for a batch (or for all of an appender's batches).
struct Pending {
  std::mutex mu;
  std::condition_variable cv;
  int64_t pending = 0;
  RdKafka::ErrorCode err = RdKafka::ERR_NO_ERROR;
  std::string errstr;

  void Add(int64_t n) {
    std::lock_guard lock(mu);
    pending += n;
  }
  // Waits for every report; returns the first delivery error, if any.
  std::string Wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return pending == 0; });
    if (err == RdKafka::ERR_NO_ERROR) return {};
    return fmt::format("delivery: {} ({})", RdKafka::err2str(err), errstr);
  }
};

class PendingDeliveryCb : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    auto* p = static_cast<Pending*>(message.msg_opaque());
    if (p == nullptr) return;
    std::lock_guard lock(p->mu);
    if (message.err() != RdKafka::ERR_NO_ERROR && p->err == RdKafka::ERR_NO_ERROR) {
      p->err = message.err();
      p->errstr = message.errstr();
    }
    if (--p->pending == 0) p->cv.notify_all();
  }
};

// One producer shared by the appenders of a run, configured as KafkaLog::Impl::Open configures its
// producer, with a thread serving delivery reports as KafkaLog has.
class PlainProducer {
 public:
  ~PlainProducer() {
    if (producer_ != nullptr) producer_->flush(10000);
    stopping_ = true;
    if (poller_.joinable()) poller_.join();
  }

  std::string Open(int linger_ms) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string errstr;
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"bootstrap.servers", g_brokers},
             {"client.id", "hub-bench-plain"},
             {"enable.idempotence", "true"},
             {"acks", "all"},
             {"max.in.flight.requests.per.connection", "5"},
             {"linger.ms", std::to_string(linger_ms)},
             {"message.timeout.ms", "10000"},
             {"request.timeout.ms", "10000"},
             {"socket.timeout.ms", "10000"},
             {"log.connection.close", "false"},
         }) {
      if (conf->set(name, value, errstr) != RdKafka::Conf::CONF_OK) return fmt::format("{}: {}", name, errstr);
    }
    if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(&delivery_cb_), errstr) != RdKafka::Conf::CONF_OK) {
      return "dr_cb: " + errstr;
    }
    producer_.reset(RdKafka::Producer::create(conf.get(), errstr));
    if (producer_ == nullptr) return "producer: " + errstr;
    poller_ = std::thread([this] {
      while (!stopping_) producer_->poll(100);
    });
    return {};
  }

  // Queues `values` for (topic, partition) with `key`; `pending` must already count them. Waits
  // for room when librdkafka's queue is full (only the fire-and-forget benchmark gets there).
  std::string Produce(const std::string& topic, int32_t partition, const std::string& key,
                      const std::vector<std::string>& values, Pending* pending) {
    for (size_t i = 0; i < values.size(); ++i) {
      const std::string& v = values[i];
      RdKafka::ErrorCode err;
      while ((err = producer_->produce(topic, partition, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(v.data()),
                                       v.size(), key.data(), key.size(), 0, pending)) == RdKafka::ERR__QUEUE_FULL) {
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
      if (err != RdKafka::ERR_NO_ERROR) {
        std::lock_guard lock(pending->mu);
        pending->pending -= static_cast<int64_t>(values.size() - i);  // never queued: no report comes
        if (pending->pending == 0) pending->cv.notify_all();
        return fmt::format("produce to {}/{}: {}", topic, partition, RdKafka::err2str(err));
      }
    }
    return {};
  }

 private:
  PendingDeliveryCb delivery_cb_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<bool> stopping_{false};
  std::thread poller_;
};

// ---- shared state of one run ------------------------------------------------------------------------

// Creates topics (with KafkaLog's settings: LogAppendTime, retention -1) for every benchmark.
log::KafkaLog* Admin() {
  static std::unique_ptr<log::KafkaLog> admin;
  if (admin == nullptr) {
    auto opened = log::KafkaLog::Open({.brokers = g_brokers, .client_id = "hub-bench-admin"});
    if (!opened.ok()) return nullptr;
    admin = std::move(*opened);
  }
  return admin.get();
}

// Set up by thread 0 before the timed loop, read by every thread inside it (the loop's start is a
// barrier), torn down by thread 0 after it (the loop's end is a barrier too).
struct Run {
  std::string topic;
  std::string error;  // set up failed: every thread skips
  std::unique_ptr<log::KafkaLog> log;
  std::unique_ptr<PlainProducer> plain;
  std::vector<std::vector<std::string>> keys;        // [appender][household]
  std::vector<std::vector<int32_t>> key_partitions;  // [appender][household]
  std::array<std::mutex, kPartitions> partition_mu;  // BM_PlainProducerPartitionLock only
  CpuMeter cpu;
};
Run* g_run = nullptr;

enum class Client { kKafkaLog, kPlain };

void SetUpRun(Run& run, Client client, int appenders, int linger_ms) {
  log::KafkaLog* admin = Admin();
  if (admin == nullptr) {
    run.error = "cannot open the admin KafkaLog";
    return;
  }
  run.topic = NewTopic(client == Client::kKafkaLog ? "kafkalog" : "plain");
  if (auto s = admin->CreateTopic(run.topic, kPartitions); !s.ok()) {
    run.error = "create topic: " + s.ToString();
    return;
  }
  run.keys.resize(appenders);
  run.key_partitions.resize(appenders);
  for (int a = 0; a < appenders; ++a) {
    for (int h = 0; h < kHouseholdsPerAppender; ++h) {
      run.keys[a].push_back(HouseholdKey(a, h));
      run.key_partitions[a].push_back(log::PartitionForKey(run.keys[a].back(), kPartitions));
    }
  }
  const std::vector<std::string> warm_value{std::string(kValueBytes, 'w')};
  if (client == Client::kKafkaLog) {
    auto opened =
        log::KafkaLog::Open({.brokers = g_brokers, .client_id = "hub-bench-kafkalog", .linger_ms = linger_ms});
    if (!opened.ok()) {
      run.error = opened.status().ToString();
      return;
    }
    run.log = std::move(*opened);
    // Learns every partition's (empty) state and the partition count, outside the timed loop.
    for (const auto& key : WarmKeys()) {
      auto r = run.log->Append({run.topic, key, log::kAnyVersion, warm_value});
      if (!r.ok()) {
        run.error = "warm-up append: " + r.status().ToString();
        return;
      }
    }
  } else {
    run.plain = std::make_unique<PlainProducer>();
    if (auto e = run.plain->Open(linger_ms); !e.empty()) {
      run.error = e;
      return;
    }
    for (const auto& key : WarmKeys()) {
      Pending p;
      p.Add(1);
      std::string e = run.plain->Produce(run.topic, log::PartitionForKey(key, kPartitions), key, warm_value, &p);
      if (std::string d = p.Wait(); e.empty()) e = d;
      if (!e.empty()) {
        run.error = "warm-up produce: " + e;
        return;
      }
    }
  }
}

// Per-appender latency samples, reported as counters averaged over the appenders.
void ReportLatency(benchmark::State& state, std::vector<double>& samples, const char* prefix) {
  std::sort(samples.begin(), samples.end());
  state.counters[fmt::format("{}_p50_ms", prefix)] =
      benchmark::Counter(Quantile(samples, 0.50), benchmark::Counter::kAvgThreads);
  state.counters[fmt::format("{}_p99_ms", prefix)] =
      benchmark::Counter(Quantile(samples, 0.99), benchmark::Counter::kAvgThreads);
}

void BeginRun(benchmark::State& state, Client client, int linger_ms) {
  if (state.thread_index() != 0) return;
  g_run = new Run;
  SetUpRun(*g_run, client, state.threads(), linger_ms);
  if (!g_run->error.empty()) state.SkipWithError(g_run->error.c_str());
  g_run->cpu.Start();
}

void EndRun(benchmark::State& state, size_t batch, int64_t iterations) {
  state.SetItemsProcessed(iterations * static_cast<int64_t>(batch));
  state.SetBytesProcessed(iterations * static_cast<int64_t>(batch * kValueBytes));
  if (state.thread_index() != 0) return;
  g_run->cpu.Stop(state);
  delete g_run;
  g_run = nullptr;
}

// After an error a thread must still run out its iterations: in Google Benchmark 1.7 a `break` out
// of the loop skips the end-of-loop barrier the other threads wait at.

void KafkaLogAppend(benchmark::State& state, int linger_ms) {
  const auto batch_size = static_cast<size_t>(state.range(0));
  const int me = state.thread_index();
  BeginRun(state, Client::kKafkaLog, linger_ms);
  std::vector<log::AppendBatch> batches;  // one per household; expected_version tracks the stream
  std::vector<double> latency_ms;
  bool failed = false;
  int64_t n = 0;
  for (auto _ : state) {
    if (failed) continue;
    if (batches.empty()) {
      if (!g_run->error.empty()) {
        state.SkipWithError(g_run->error.c_str());
        failed = true;
        continue;
      }
      for (const auto& key : g_run->keys[me]) {
        batches.push_back({g_run->topic, key, 0, std::vector<std::string>(batch_size, std::string(kValueBytes, 'e'))});
      }
      latency_ms.reserve(1 << 16);
    }
    log::AppendBatch& batch = batches[n++ % kHouseholdsPerAppender];
    const auto start = Clock::now();
    auto r = g_run->log->Append(batch);
    latency_ms.push_back(Ms(Clock::now() - start));
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      failed = true;
      continue;
    }
    batch.expected_version = r->stream_version;
  }
  ReportLatency(state, latency_ms, "append");
  EndRun(state, batch_size, failed ? 0 : n);
}

// Waits for each batch's delivery reports before the next; with `partition_lock`, holds a
// per-partition mutex across produce and delivery, as KafkaLog::Append does.
void PlainWaiting(benchmark::State& state, bool partition_lock, int linger_ms) {
  const auto batch_size = static_cast<size_t>(state.range(0));
  const int me = state.thread_index();
  BeginRun(state, Client::kPlain, linger_ms);
  const std::vector<std::string> values(batch_size, std::string(kValueBytes, 'e'));
  std::vector<double> latency_ms;
  latency_ms.reserve(1 << 16);
  bool failed = false;
  int64_t n = 0;
  for (auto _ : state) {
    if (failed) continue;
    if (!g_run->error.empty()) {
      state.SkipWithError(g_run->error.c_str());
      failed = true;
      continue;
    }
    const int h = static_cast<int>(n++ % kHouseholdsPerAppender);
    const int32_t partition = g_run->key_partitions[me][h];
    const auto start = Clock::now();
    std::unique_lock<std::mutex> lock;
    if (partition_lock) lock = std::unique_lock(g_run->partition_mu[partition]);
    Pending pending;
    pending.Add(static_cast<int64_t>(batch_size));
    std::string error = g_run->plain->Produce(g_run->topic, partition, g_run->keys[me][h], values, &pending);
    if (std::string d = pending.Wait(); error.empty()) error = d;
    if (lock.owns_lock()) lock.unlock();
    latency_ms.push_back(Ms(Clock::now() - start));
    if (!error.empty()) {
      state.SkipWithError(error.c_str());
      failed = true;
    }
  }
  ReportLatency(state, latency_ms, "append");
  EndRun(state, batch_size, failed ? 0 : n);
}

void BM_KafkaLogAppend(benchmark::State& state) { KafkaLogAppend(state, kLingerMs); }
void BM_PlainProducer(benchmark::State& state) { PlainWaiting(state, /*partition_lock=*/false, kLingerMs); }
void BM_PlainProducerPartitionLock(benchmark::State& state) {
  PlainWaiting(state, /*partition_lock=*/true, kLingerMs);
}
// linger.ms=0 on both clients: how much of an acknowledged append's latency is the linger.
void BM_KafkaLogAppendLinger0(benchmark::State& state) { KafkaLogAppend(state, 0); }
void BM_PlainProducerLinger0(benchmark::State& state) { PlainWaiting(state, /*partition_lock=*/false, 0); }

void BM_PlainProducerFireAndForget(benchmark::State& state) {
  const auto batch_size = static_cast<size_t>(state.range(0));
  const int me = state.thread_index();
  BeginRun(state, Client::kPlain, kLingerMs);
  const std::vector<std::string> values(batch_size, std::string(kValueBytes, 'e'));
  Pending pending;  // all of this appender's records
  bool failed = false;
  int64_t n = 0;
  for (auto _ : state) {
    if (failed) continue;
    if (!g_run->error.empty()) {
      state.SkipWithError(g_run->error.c_str());
      failed = true;
      continue;
    }
    const int h = static_cast<int>(n % kHouseholdsPerAppender);
    pending.Add(static_cast<int64_t>(batch_size));
    std::string error =
        g_run->plain->Produce(g_run->topic, g_run->key_partitions[me][h], g_run->keys[me][h], values, &pending);
    // The flush: the last iteration waits for every report, so the timed loop covers all deliveries.
    if (++n == state.max_iterations || !error.empty()) {
      if (std::string d = pending.Wait(); error.empty()) error = d;
    }
    if (!error.empty()) {
      state.SkipWithError(error.c_str());
      failed = true;
    }
  }
  if (!failed) pending.Wait();
  EndRun(state, batch_size, failed ? 0 : n);
}

// ---- end-to-end visibility: a reader in a child process -------------------------------------------

// One message on either pipe; smaller than PIPE_BUF, so every write is atomic.
struct Msg {
  enum Type : int32_t { kSubscribe = 1, kUnsubscribe, kExit, kReady = 10, kSeen, kUnsubscribed, kError };
  int32_t type = 0;
  int32_t partition = 0;  // kSubscribe: partition count; kSeen: the record's partition
  int64_t offset = 0;
  int64_t ns = 0;  // kSeen: steady_clock (CLOCK_MONOTONIC, system-wide) when the Subscription delivered it
  char text[400] = {};  // kSubscribe: topic; kError: message
};
static_assert(sizeof(Msg) < PIPE_BUF);

void SetText(Msg& m, std::string_view text) {
  const size_t n = std::min(text.size(), sizeof(m.text) - 1);
  std::memcpy(m.text, text.data(), n);
  m.text[n] = '\0';
}

bool WriteMsg(int fd, const Msg& m) {
  const char* p = reinterpret_cast<const char*>(&m);
  size_t left = sizeof(m);
  while (left > 0) {
    const ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    left -= static_cast<size_t>(w);
  }
  return true;
}

// Reads one message, waiting at most until `deadline`; false on timeout, EOF or error.
bool ReadMsg(int fd, Msg* m, Clock::time_point deadline) {
  char* p = reinterpret_cast<char*>(m);
  size_t left = sizeof(*m);
  while (left > 0) {
    pollfd pfd{fd, POLLIN, 0};
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (wait < 0) return false;
    const int ready = poll(&pfd, 1, static_cast<int>(std::min<int64_t>(wait + 1, 1 << 30)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t r = read(fd, p, left);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    left -= static_cast<size_t>(r);
  }
  return true;
}

// The child: its own KafkaLog (own producer and consumers), one Subscription at a time.
int ReaderMain(int cmd_fd, int out_fd) {
  std::unique_ptr<log::KafkaLog> log;
  std::unique_ptr<log::Subscription> sub;
  std::vector<log::Record> records;
  auto fail = [&](std::string_view what) {
    Msg m;
    m.type = Msg::kError;
    SetText(m, what);
    WriteMsg(out_fd, m);
  };
  while (true) {
    pollfd pfd{cmd_fd, POLLIN, 0};
    if (poll(&pfd, 1, sub != nullptr ? 0 : -1) > 0) {
      Msg cmd;
      if (!ReadMsg(cmd_fd, &cmd, Clock::now() + std::chrono::seconds(10))) break;  // parent gone
      if (cmd.type == Msg::kExit) break;
      if (cmd.type == Msg::kUnsubscribe) {
        sub.reset();
        Msg m;
        m.type = Msg::kUnsubscribed;
        WriteMsg(out_fd, m);
      } else if (cmd.type == Msg::kSubscribe) {
        sub.reset();
        if (log == nullptr) {
          auto opened = log::KafkaLog::Open({.brokers = g_brokers, .client_id = "hub-bench-reader"});
          if (!opened.ok()) {
            fail(opened.status().ToString());
            continue;
          }
          log = std::move(*opened);
        }
        std::vector<log::Position> starts;
        for (int32_t p = 0; p < cmd.partition; ++p) starts.push_back({cmd.text, p, 0});
        auto subscribed = log->Subscribe(starts);
        if (!subscribed.ok()) {
          fail(subscribed.status().ToString());
          continue;
        }
        sub = std::move(*subscribed);
        Msg m;
        m.type = Msg::kReady;
        WriteMsg(out_fd, m);
      }
      continue;
    }
    if (sub == nullptr) continue;
    records.clear();
    if (auto s = sub->Next(std::chrono::milliseconds(20), 1024, &records); !s.ok()) {
      fail(s.ToString());
      sub.reset();
      continue;
    }
    const int64_t now = Ns(Clock::now());
    for (const auto& r : records) {
      Msg m;
      m.type = Msg::kSeen;
      m.partition = r.partition;
      m.offset = r.offset;
      m.ns = now;
      if (!WriteMsg(out_fd, m)) return 1;
    }
  }
  sub.reset();
  log.reset();
  return 0;
}

struct Reader {
  pid_t pid = -1;
  int cmd_fd = -1;  // parent -> child
  int out_fd = -1;  // child -> parent
};
Reader g_reader;

// Forks the reader. Must run before any thread exists (librdkafka's, notably): fork() copies only
// the calling thread, so locks held by other threads would stay locked in the child.
bool StartReader() {
  int cmd[2];
  int out[2];
  if (pipe(cmd) != 0 || pipe(out) != 0) return false;
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    close(cmd[1]);
    close(out[0]);
    _exit(ReaderMain(cmd[0], out[1]));
  }
  close(cmd[0]);
  close(out[1]);
  g_reader = {pid, cmd[1], out[0]};
  return true;
}

void StopReader() {
  if (g_reader.pid <= 0) return;
  Msg m;
  m.type = Msg::kExit;
  WriteMsg(g_reader.cmd_fd, m);
  close(g_reader.cmd_fd);
  // Drain until EOF so the child is never blocked writing.
  Msg ignored;
  while (ReadMsg(g_reader.out_fd, &ignored, Clock::now() + std::chrono::seconds(30))) {
  }
  close(g_reader.out_fd);
  int status = 0;
  waitpid(g_reader.pid, &status, 0);
  g_reader.pid = -1;
}

// Waits for the reader's kSeen of (partition, offset), skipping earlier ones; "" or an error.
std::string AwaitSeen(int32_t partition, int64_t offset, int64_t* seen_ns) {
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  Msg m;
  while (ReadMsg(g_reader.out_fd, &m, deadline)) {
    if (m.type == Msg::kError) return fmt::format("reader: {}", m.text);
    if (m.type == Msg::kSeen && m.partition == partition && m.offset == offset) {
      *seen_ns = m.ns;
      return {};
    }
  }
  return fmt::format("reader did not deliver {}/{} within 30 s", partition, offset);
}

// Sends a command and waits for its answer `want`, skipping kSeen messages.
std::string Command(Msg cmd, int32_t want) {
  if (!WriteMsg(g_reader.cmd_fd, cmd)) return "reader process is gone";
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  Msg m;
  while (ReadMsg(g_reader.out_fd, &m, deadline)) {
    if (m.type == Msg::kError) return fmt::format("reader: {}", m.text);
    if (m.type == want) return {};
  }
  return "reader did not answer within 30 s";
}

void BM_EndToEndVisibility(benchmark::State& state) {
  std::string error;
  const std::string topic = NewTopic("e2e");
  std::unique_ptr<log::KafkaLog> writer;
  bool subscribed = false;
  auto set_up = [&]() -> std::string {
    if (g_reader.pid <= 0) return "no reader process";
    log::KafkaLog* admin = Admin();
    if (admin == nullptr) return "cannot open the admin KafkaLog";
    if (auto s = admin->CreateTopic(topic, kPartitions); !s.ok()) return "create topic: " + s.ToString();
    auto opened = log::KafkaLog::Open({.brokers = g_brokers, .client_id = "hub-bench-writer"});
    if (!opened.ok()) return opened.status().ToString();
    writer = std::move(*opened);
    Msg cmd;
    cmd.type = Msg::kSubscribe;
    cmd.partition = kPartitions;
    SetText(cmd, topic);
    if (auto e = Command(cmd, Msg::kReady); !e.empty()) return e;
    subscribed = true;
    // Warm up both sides on every partition: the reader's first fetches, the writer's state.
    const std::vector<std::string> warm_value{std::string(kValueBytes, 'w')};
    for (const auto& key : WarmKeys()) {
      auto r = writer->Append({topic, key, log::kAnyVersion, warm_value});
      if (!r.ok()) return "warm-up append: " + r.status().ToString();
      int64_t ns = 0;
      if (auto e = AwaitSeen(r->partition, r->first_offset, &ns); !e.empty()) return e;
    }
    return {};
  };
  error = set_up();
  if (!error.empty()) state.SkipWithError(error.c_str());

  std::vector<log::AppendBatch> batches;
  for (int h = 0; h < kHouseholdsPerAppender; ++h) {
    batches.push_back({topic, HouseholdKey(0, h), 0, {std::string(kValueBytes, 'e')}});
  }
  std::vector<double> from_return_ms;
  std::vector<double> from_call_ms;
  int64_t before_return = 0;
  bool failed = !error.empty();
  int64_t n = 0;
  for (auto _ : state) {
    if (failed) continue;
    log::AppendBatch& batch = batches[n++ % kHouseholdsPerAppender];
    const auto call = Clock::now();
    auto r = writer->Append(batch);
    const auto returned = Clock::now();
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      failed = true;
      continue;
    }
    batch.expected_version = r->stream_version;
    int64_t seen_ns = 0;
    if (auto e = AwaitSeen(r->partition, r->first_offset, &seen_ns); !e.empty()) {
      state.SkipWithError(e.c_str());
      failed = true;
      continue;
    }
    const double after_return = static_cast<double>(seen_ns - Ns(returned)) / 1e6;
    if (after_return <= 0) ++before_return;
    from_return_ms.push_back(std::max(0.0, after_return));
    from_call_ms.push_back(static_cast<double>(seen_ns - Ns(call)) / 1e6);
  }
  if (subscribed) {
    Msg cmd;
    cmd.type = Msg::kUnsubscribe;
    if (auto e = Command(cmd, Msg::kUnsubscribed); !e.empty() && !failed) state.SkipWithError(e.c_str());
  }
  writer.reset();
  if (failed) return;
  std::sort(from_return_ms.begin(), from_return_ms.end());
  std::sort(from_call_ms.begin(), from_call_ms.end());
  state.counters["p50_ms"] = Quantile(from_return_ms, 0.50);
  state.counters["p99_ms"] = Quantile(from_return_ms, 0.99);
  state.counters["max_ms"] = from_return_ms.empty() ? 0 : from_return_ms.back();
  state.counters["p50_call_ms"] = Quantile(from_call_ms, 0.50);
  state.counters["p99_call_ms"] = Quantile(from_call_ms, 0.99);
  state.counters["seen_before_return"] = n > 0 ? static_cast<double>(before_return) / static_cast<double>(n) : 0;
  state.counters["samples"] = static_cast<double>(n);
  state.SetItemsProcessed(n);
}

void AppendArgs(benchmark::internal::Benchmark* b) {
  b->ArgName("batch")->Arg(1)->Arg(16)->Threads(1)->Threads(8)->UseRealTime()->MinTime(2.0);
}

BENCHMARK(BM_KafkaLogAppend)->Apply(AppendArgs);
BENCHMARK(BM_PlainProducer)->Apply(AppendArgs);
BENCHMARK(BM_PlainProducerPartitionLock)->Apply(AppendArgs);
BENCHMARK(BM_PlainProducerFireAndForget)->Apply(AppendArgs);
BENCHMARK(BM_KafkaLogAppendLinger0)->ArgName("batch")->Arg(1)->Threads(1)->Threads(8)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_PlainProducerLinger0)->ArgName("batch")->Arg(1)->Threads(1)->Threads(8)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_EndToEndVisibility)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5.0);

// Threads of this process, from /proc (1 before any library started one).
int ThreadCount() {
  std::error_code ec;
  int n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) ++n;
  return n;
}

}  // namespace
}  // namespace hub

int main(int argc, char** argv) {
  const char* brokers = std::getenv("HUB_KAFKA_BROKERS");
  if (brokers == nullptr || *brokers == '\0') {
    std::fprintf(stderr,
                 "kafka_bench: HUB_KAFKA_BROKERS is not set. Start a broker and export its address:\n"
                 "  scripts/kafka.sh start && eval \"$(scripts/kafka.sh env)\"\n");
    return 2;
  }
  hub::g_brokers = brokers;
  // The reader process for BM_EndToEndVisibility, forked while this process has one thread.
  if (const int threads = hub::ThreadCount(); threads != 1) {
    std::fprintf(stderr, "kafka_bench: %d threads before fork(); the reader process would be unsafe\n", threads);
    return 1;
  }
  if (!hub::StartReader()) {
    std::perror("kafka_bench: starting the reader process");
    return 1;
  }
  hub::g_broker_pid = hub::FindBrokerPid();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    hub::StopReader();
    return 1;
  }
  benchmark::AddCustomContext("kafka.brokers", hub::g_brokers);
  benchmark::AddCustomContext("kafka.linger_ms", std::to_string(hub::kLingerMs));
  benchmark::AddCustomContext("kafka.partitions", std::to_string(hub::kPartitions));
  benchmark::AddCustomContext("broker_pid", hub::g_broker_pid > 0 ? std::to_string(hub::g_broker_pid) : "unknown");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  hub::StopReader();
  return 0;
}
