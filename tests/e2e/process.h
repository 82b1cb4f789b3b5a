// Child processes for the end-to-end tests: hubd started and stopped as an operator would, and a
// command (hubctl) run to completion as a user would. No sleeps: readiness is hubd's own "serving"
// line read from its stderr pipe, completion is EOF plus waitpid, and every wait has a poll() bound.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hub::e2e {

struct RunResult {
  int exit_code = -1;  // 128 + signal number if the process was killed
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs argv[0] (a path) with argv and waits for it. The child gets this process's environment
// minus every HUB_* variable, so a developer's shell settings cannot change what a test means. A
// child still running after `limit` is killed (exit_code 128 + SIGKILL).
RunResult RunProcess(const std::vector<std::string>& argv, std::chrono::seconds limit = std::chrono::seconds(60));

// A hub server binary (hubd, intake, ...) as a child process, ready once it prints its
// "serving gRPC on 127.0.0.1:<port>" line.
class ServerProcess {
 public:
  // Starts `argv` and blocks until the serving line or `limit`. Null on failure, with what the
  // server printed in `*error`.
  static std::unique_ptr<ServerProcess> Start(const std::vector<std::string>& argv, std::string* error,
                                              std::chrono::seconds limit = std::chrono::seconds(30));
  // hubd on 127.0.0.1 with a free port, metrics off, over `data_dir`.
  static std::unique_ptr<ServerProcess> Start(const std::string& hubd_path, const std::string& data_dir,
                                              const std::string& organisations_path, std::string* error,
                                              std::chrono::seconds limit = std::chrono::seconds(30));
  // Kills the server (SIGKILL) if it still runs and reaps it.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // SIGTERM, then waits for hubd to exit; its exit status (128 + signal if killed by one).
  int Stop();

  // Everything hubd wrote to stderr so far (for failure messages).
  std::string log() const;

 private:
  ServerProcess(pid_t pid, int stderr_fd) : pid_(pid), stderr_fd_(stderr_fd) {}

  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  int port_ = 0;
  // After start-up a thread keeps draining stderr, so hubd never blocks on a full pipe.
  std::thread drain_;
  mutable std::mutex mu_;
  std::string log_;  // guarded by mu_
};

using Hubd = ServerProcess;

}  // namespace hub::e2e
