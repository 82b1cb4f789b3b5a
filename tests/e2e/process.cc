#include "tests/e2e/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

extern char** environ;

namespace hub::e2e {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kServingMarker[] = "serving gRPC on 127.0.0.1:";

struct Pipe {
  int read = -1;
  int write = -1;
};

Pipe MakePipe() {
  int fds[2];
  // Close-on-exec: only the dup2'd copy reaches the child, so EOF comes when the child exits, not
  // when every later child (which would inherit the descriptor) has exited too.
  if (pipe2(fds, O_CLOEXEC) != 0) return {};
  return {fds[0], fds[1]};
}

int StatusToExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

int MillisLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Spawns `argv` with stdin from /dev/null, stdout to `out_fd` (or /dev/null if -1) and stderr to
// `err_fd`, default signal handling and no HUB_* environment. -1 on failure.
pid_t Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "HUB_", 4) != 0) env.push_back(*e);
  }
  env.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (out_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  } else {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return rc == 0 ? pid : -1;
}

// Waits for `pid` to exit for at most `limit`; nullopt if it is still running then. A pidfd makes
// the wait pollable; without one (old kernel) the wait is unbounded.
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

RunResult RunProcess(const std::vector<std::string>& argv, std::chrono::seconds limit) {
  RunResult result;
  Pipe out = MakePipe();
  Pipe err = MakePipe();
  if (out.read < 0 || err.read < 0) {
    result.err = "pipe failed";
    return result;
  }
  const pid_t pid = Spawn(argv, out.write, err.write);
  close(out.write);
  close(err.write);
  if (pid < 0) {
    close(out.read);
    close(err.read);
    result.err = "spawn failed: " + argv[0];
    return result;
  }
  const auto deadline = Clock::now() + limit;
  bool killed = false;
  pollfd fds[2] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    const int ready = poll(fds, 2, killed ? -1 : MillisLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {  // over time: kill it; its pipes then close and the loop ends
      kill(pid, SIGKILL);
      killed = true;
      continue;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = StatusToExitCode(status);
  return result;
}

std::unique_ptr<ServerProcess> ServerProcess::Start(const std::string& hubd_path, const std::string& data_dir,
                                                    const std::string& organisations_path, std::string* error,
                                                    std::chrono::seconds limit) {
  return Start({hubd_path, "--listen", "127.0.0.1:0", "--metrics-listen", "", "--data-dir", data_dir,
                "--organisations", organisations_path},
               error, limit);
}

std::unique_ptr<ServerProcess> ServerProcess::Start(const std::vector<std::string>& argv, std::string* error,
                                                    std::chrono::seconds limit) {
  Pipe err = MakePipe();
  if (err.read < 0) {
    *error = "pipe failed";
    return nullptr;
  }
  const pid_t pid = Spawn(argv, /*out_fd=*/-1, err.write);
  close(err.write);
  if (pid < 0) {
    close(err.read);
    *error = "spawn failed: " + argv[0];
    return nullptr;
  }
  std::unique_ptr<ServerProcess> hubd(new ServerProcess(pid, err.read));

  // Block on the pipe until the serving line is complete; poll() bounds the whole wait.
  const auto deadline = Clock::now() + limit;
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
      *error = argv[0] + " did not report serving within " + std::to_string(limit.count()) + " s:\n" + seen;
      return nullptr;  // the destructor kills it
    }
    char buffer[4096];
    const ssize_t n = read(hubd->stderr_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = argv[0] + " exited before serving:\n" + seen;
      return nullptr;
    }
    seen.append(buffer, static_cast<size_t>(n));
  }
  if (hubd->port_ <= 0) {
    *error = "no port in the serving line of " + argv[0] + ":\n" + seen;
    return nullptr;
  }
  hubd->log_ = std::move(seen);
  ServerProcess* self = hubd.get();
  hubd->drain_ = std::thread([self] {
    char buffer[4096];
    while (true) {
      const ssize_t n = read(self->stderr_fd_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // EOF: hubd exited
      std::lock_guard lock(self->mu_);
      self->log_.append(buffer, static_cast<size_t>(n));
    }
  });
  return hubd;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  auto code = WaitFor(pid_, std::chrono::seconds(30));
  if (!code) {
    kill(pid_, SIGKILL);  // a hubd that ignores SIGTERM fails the test (the -1 below), not hangs it
    WaitFor(pid_, std::chrono::seconds(30));
    code = -1;
  }
  pid_ = -1;
  if (drain_.joinable()) drain_.join();
  return *code;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    WaitFor(pid_, std::chrono::seconds(30));
  }
  if (drain_.joinable()) drain_.join();
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

std::string ServerProcess::log() const {
  std::lock_guard lock(mu_);
  return log_;
}

}  // namespace hub::e2e
