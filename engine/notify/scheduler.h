#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/core/time.h"
#include "engine/store/escalations.h"
#include "engine/store/writer.h"

namespace qingling::notify {

// Fires the escalation ladder on time. One timer: it sleeps until the
// earliest `next_escalation_at` of any problem (or until a write moves that
// earlier), then fires what is due, through the writer, in passes of
// `batch` problems, so a wake-up costs in proportion to what is due.
class Scheduler {
 public:
  struct Options {
    std::size_t batch = 2000;                     // problems per writer job
    std::chrono::milliseconds max_sleep{30'000};  // real time between checks at most
  };

  struct Totals {
    std::size_t problems = 0;
    std::size_t fired = 0;
    std::size_t messages = 0;
    std::size_t passes = 0;       // writer jobs
    std::optional<Instant> next;  // the earliest escalation left
  };

  // `writer` and `clock` must outlive the scheduler.
  Scheduler(store::Writer& writer, const Clock& clock, Options options);
  Scheduler(store::Writer& writer, const Clock& clock) : Scheduler(writer, clock, Options{}) {}
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Fires everything due at the clock's now; blocks until it is durable.
  // Throws what the writer throws.
  Totals run_once();

  // Re-plans every open problem when the rule pack changed since the index
  // was computed; blocks. Returns the problems re-indexed.
  std::size_t reindex();

  // Runs `run_once` on its own thread whenever something falls due;
  // `after_pass` (may be empty) is called after each pass with its totals.
  void start(std::function<void(const Totals&)> after_pass);
  // Runs `task` on the thread after each pass; it returns when it next wants
  // to run (the thread wakes for the earlier of that and the ladder). Add
  // before start.
  void also_run(std::function<std::optional<Instant>()> task);

  // A write set an escalation time: wake earlier if it is before the timer.
  void wake_for(Instant at);
  void stop();

  // Everything due up to this moment has been fired (none before a first pass).
  std::optional<Instant> caught_up_until() const;

  // Ladder steps fired (durably) since the scheduler was made, for
  // monitoring: [0] the steps that raise no level (reminders), then by the
  // Level a step raises to, [1 + Level].
  std::array<std::uint64_t, 4> fired_by_level() const;

 private:
  void loop();

  store::Writer& writer_;
  const Clock& clock_;
  Options options_;
  std::function<void(const Totals&)> after_pass_;
  std::vector<std::function<std::optional<Instant>()>> tasks_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::optional<Instant> timer_;  // when the thread means to wake
  std::optional<Instant> caught_up_;
  std::array<std::atomic<std::uint64_t>, 4> fired_{};
  std::thread thread_;
};

// How long to really wait on `clock` until `at`, within [0, cap].
std::chrono::milliseconds real_wait(const Clock& clock, Instant at, std::chrono::milliseconds cap);

}  // namespace qingling::notify
