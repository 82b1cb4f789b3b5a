// hubd as a child of the load generator: started on 127.0.0.1 port 0 over a fresh data directory,
// ready once it prints "hubd serving gRPC on 127.0.0.1:<port>" on stderr (read from a pipe, every
// wait bounded by poll(), no sleeps), stopped with SIGTERM at the end. The child dies with the load
// generator (PR_SET_PDEATHSIG), so an interrupted run leaves no server behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hub::loadgen {

class HubdProcess {
 public:
  struct Options {
    std::string hubd_path;
    std::string data_dir;  // must exist and be empty
    std::string organisations_path;
    std::vector<std::string> extra_args;
    std::chrono::seconds start_limit{30};
  };

  // Starts hubd and blocks until it serves or start_limit passes. Null on failure, with the reason
  // and what hubd printed in `*error`.
  static std::unique_ptr<HubdProcess> Start(const Options& options, std::string* error);
  // Kills (SIGKILL) and reaps hubd if Stop was not called.
  ~HubdProcess();
  HubdProcess(const HubdProcess&) = delete;
  HubdProcess& operator=(const HubdProcess&) = delete;

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // SIGTERM, then waits (bounded) for hubd to exit; its exit status, 128 + signal if killed by one.
  int Stop(std::chrono::seconds limit = std::chrono::seconds(30));
  // Still running (not exited)?
  bool Running() const;

  // The last few KB hubd wrote to stderr.
  std::string LogTail() const;

 private:
  HubdProcess(pid_t pid, int stderr_fd) : pid_(pid), stderr_fd_(stderr_fd) {}
  void Append(const char* data, size_t n);

  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  int port_ = 0;
  std::thread drain_;  // keeps reading stderr after start-up, so hubd never blocks on a full pipe
  mutable std::mutex mu_;
  std::string log_;  // guarded by mu_; bounded
};

}  // namespace hub::loadgen
