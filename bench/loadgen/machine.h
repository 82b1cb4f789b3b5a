// What the numbers were measured on, and where the CPU went during the measured window: CPU time of
// a process (this one, a spawned hubd) and the machine-wide split (user, system, iowait, idle) from
// /proc. Linux only; values that cannot be read are reported as empty or zero.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace hub::loadgen {

struct Machine {
  int nproc = 0;           // CPUs this process may run on (sched_getaffinity), like nproc(1)
  int online_cpus = 0;     // sysconf(_SC_NPROCESSORS_ONLN)
  std::string cpu_model;   // first "model name" of /proc/cpuinfo
  std::string kernel;      // uname -sr
  uint64_t memory_mb = 0;  // MemTotal
  double load_average = 0;  // 1-minute, when described: other work on the machine skews every figure
};

Machine DescribeMachine();

// The file system type holding `path` ("ext4", "tmpfs", "overlay", ...; hex magic if unknown).
std::string FileSystemOf(const std::string& path);

// Cumulative CPU seconds (user + system) of a process; negative if it cannot be read.
double ProcessCpuSeconds(pid_t pid);

// Machine-wide cumulative jiffies from the first line of /proc/stat.
struct SystemCpu {
  uint64_t user = 0;  // user + nice
  uint64_t system = 0;  // system + irq + softirq
  uint64_t iowait = 0;
  uint64_t idle = 0;
  uint64_t steal = 0;
  uint64_t total() const { return user + system + iowait + idle + steal; }
};
SystemCpu ReadSystemCpu();

// Counters of the kernel's context switches (for "how many wake-ups per op").
uint64_t ReadContextSwitches();

}  // namespace hub::loadgen
