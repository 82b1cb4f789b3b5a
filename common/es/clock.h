// Clock: where the hub gets "now". Injected everywhere time matters, so deadline and expiry logic
// is tested exactly (ManualClock) and production reads the system clock.
#pragma once

#include <chrono>
#include <mutex>

namespace hub::es {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override { return std::chrono::system_clock::now(); }
};

// The system clock moved by a fixed offset: runs at real speed from another starting moment. For
// development and end-to-end tests only (hubd --clock-start), so that a running hub can be put past
// a deadline without waiting weeks.
class ShiftedClock final : public Clock {
 public:
  explicit ShiftedClock(std::chrono::system_clock::duration offset = {}) : offset_(offset) {}
  std::chrono::system_clock::time_point Now() const override { return std::chrono::system_clock::now() + offset_; }
  std::chrono::system_clock::duration offset() const { return offset_; }

 private:
  std::chrono::system_clock::duration offset_;
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start) : now_(start) {}
  std::chrono::system_clock::time_point Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Set(std::chrono::system_clock::time_point t) {
    std::lock_guard lock(mu_);
    now_ = t;
  }
  void Advance(std::chrono::system_clock::duration d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }

 private:
  mutable std::mutex mu_;
  std::chrono::system_clock::time_point now_;
};

}  // namespace hub::es
