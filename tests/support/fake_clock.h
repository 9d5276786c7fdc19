#pragma once

#include <atomic>

#include "engine/core/time.h"

namespace qingling::testing {

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Instant start) : now_(start) {}
  Instant now() const override { return now_.load(); }
  void set(Instant at) { now_.store(at); }
  template <class Duration>
  void advance(Duration d) {
    now_.store(now_.load() + std::chrono::duration_cast<std::chrono::milliseconds>(d));
  }

 private:
  std::atomic<Instant> now_;
};

}  // namespace qingling::testing
