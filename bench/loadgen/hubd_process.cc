#include "bench/loadgen/hubd_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

extern char** environ;

namespace hub::loadgen {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kServingMarker[] = "serving gRPC on 127.0.0.1:";
constexpr size_t kLogLimit = 64 * 1024;

int MillisLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

int StatusToExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Waits for `pid` to exit for at most `limit`; nullopt if it still runs then. A pidfd makes the
// wait pollable; without one (kernel < 5.3) it falls back to an unbounded waitpid.
std::optional<int> WaitFor(pid_t pid, std::chrono::milliseconds limit) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    int ready;
    do {
      ready = poll(&p, 1, static_cast<int>(limit.count()));
    } while (ready < 0 && errno == EINTR);
    close(pidfd);
    if (ready == 0) return std::nullopt;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return StatusToExitCode(status);
}

}  // namespace

std::unique_ptr<HubdProcess> HubdProcess::Start(const Options& options, std::string* error) {
  std::vector<std::string> argv = {options.hubd_path, "--listen",   "127.0.0.1:0",
                                   "--metrics-listen", "",          "--data-dir",
                                   options.data_dir,   "--organisations", options.organisations_path};
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  // Everything the child needs is prepared before fork(): after it only async-signal-safe calls.
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  // No HUB_* variables: a developer's shell must not change what is measured.
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "HUB_", 4) != 0) env.push_back(*e);
  }
  env.push_back(nullptr);

  int fds[2];
  // Close-on-exec: only the dup2'd copy reaches the child, so EOF means the child has exited.
  if (pipe2(fds, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return nullptr;
  }
  if (pid == 0) {
    // The child: die with the load generator, default signal handling, stdin and stdout from and
    // to /dev/null, stderr into the pipe.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    const int null_fd = open("/dev/null", O_RDWR);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(fds[1], 2) < 0) _exit(127);
    execve(args[0], args.data(), env.data());
    const char message[] = "loadgen: cannot execute hubd\n";
    [[maybe_unused]] const ssize_t ignored = write(2, message, sizeof message - 1);
    _exit(127);
  }
  close(fds[1]);
  std::unique_ptr<HubdProcess> hubd(new HubdProcess(pid, fds[0]));

  // Block on the pipe until the serving line is complete; poll() bounds the whole wait.
  const auto deadline = Clock::now() + options.start_limit;
  std::string seen;
  while (true) {
    const auto marker = seen.find(kServingMarker);
    if (marker != std::string::npos && seen.find('\n', marker) != std::string::npos) {
      hubd->port_ = std::atoi(seen.c_str() + marker + std::strlen(kServingMarker));
      break;
    }
    pollfd p{hubd->stderr_fd_, POLLIN, 0};
    const int ready = poll(&p, 1, MillisLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      *error = "hubd did not report serving within " + std::to_string(options.start_limit.count()) + " s:\n" + seen;
      return nullptr;  // the destructor kills it
    }
    char buffer[4096];
    const ssize_t n = read(hubd->stderr_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = "hubd exited before serving:\n" + seen;
      return nullptr;
    }
    seen.append(buffer, static_cast<size_t>(n));
  }
  if (hubd->port_ <= 0) {
    *error = "no port in hubd's serving line:\n" + seen;
    return nullptr;
  }
  hubd->Append(seen.data(), seen.size());
  HubdProcess* self = hubd.get();
  hubd->drain_ = std::thread([self] {
    char buffer[4096];
    while (true) {
      const ssize_t n = read(self->stderr_fd_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // EOF: hubd exited
      self->Append(buffer, static_cast<size_t>(n));
    }
  });
  return hubd;
}

void HubdProcess::Append(const char* data, size_t n) {
  std::lock_guard lock(mu_);
  log_.append(data, n);
  if (log_.size() > 2 * kLogLimit) log_.erase(0, log_.size() - kLogLimit);
}

std::string HubdProcess::LogTail() const {
  std::lock_guard lock(mu_);
  return log_.size() > kLogLimit ? log_.substr(log_.size() - kLogLimit) : log_;
}

bool HubdProcess::Running() const {
  if (pid_ <= 0) return false;
  siginfo_t info{};
  // WNOWAIT: look without reaping, so Stop() still gets the exit status.
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return false;
  return info.si_pid == 0;
}

int HubdProcess::Stop(std::chrono::seconds limit) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  auto code = WaitFor(pid_, limit);
  if (!code) {
    kill(pid_, SIGKILL);
    code = WaitFor(pid_, limit).value_or(-1);
  }
  pid_ = -1;
  if (drain_.joinable()) drain_.join();
  return *code;
}

HubdProcess::~HubdProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    WaitFor(pid_, std::chrono::seconds(30));
  }
  if (drain_.joinable()) drain_.join();
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

}  // namespace hub::loadgen
