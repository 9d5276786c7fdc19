#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/core/time.h"
#include "engine/mail/transport.h"
#include "engine/notify/compose.h"
#include "engine/store/writer.h"

namespace qingling::notify {

// Drains the outbox: claims messages that are due, sends each through the
// transport and records the outcome at once, all through the writer. A
// message the server defers (or cannot take now) is tried again with
// exponential back-off; one it refuses is given up with the reason; neither
// holds up the others. Messages claimed when the process died are tried
// again at start (the same Message-ID lets the receiver spot a repeat).
class MailSender {
 public:
  struct Options {
    std::size_t batch = 50;  // messages claimed at a time
    int max_attempts = 100;  // then given up: about four days with the hourly cap
    std::chrono::milliseconds first_retry{60'000};
    std::chrono::milliseconds max_retry{3'600'000};
    std::chrono::milliseconds max_sleep{30'000};  // real time between checks at most
    ComposeOptions compose;
  };

  struct Totals {
    std::size_t sent = 0;
    std::size_t retried = 0;
    std::size_t given_up = 0;
    std::optional<Instant> next;  // the next attempt waiting
  };

  // `writer` and `clock` must outlive the sender.
  MailSender(store::Writer& writer, const Clock& clock, std::unique_ptr<mail::Transport> transport,
             Options options);
  ~MailSender();
  MailSender(const MailSender&) = delete;
  MailSender& operator=(const MailSender&) = delete;

  // Messages are claimed only when due by the horizon too (the scheduler's
  // caught-up mark), so a digest is not sent while its items are still being
  // written. Set before start; empty means "now".
  void set_horizon(std::function<std::optional<Instant>()> horizon);

  // Returns messages left "sending" by a crash to the queue; call before start.
  std::size_t recover();
  // Sends everything due now; blocks until each outcome is durable.
  Totals run_once();

  void start();
  void wake();
  void stop();
  const mail::Transport& transport() const { return *transport_; }

  // Outcomes recorded (durably) since the sender was made, for monitoring.
  struct Counts {
    std::uint64_t sent = 0;
    std::uint64_t retried = 0;   // failed for now; tried again later
    std::uint64_t given_up = 0;  // refused, or out of attempts
  };
  Counts counts() const;

 private:
  void loop();
  std::chrono::milliseconds backoff(int attempts) const;

  store::Writer& writer_;
  const Clock& clock_;
  std::unique_ptr<mail::Transport> transport_;
  Options options_;
  std::function<std::optional<Instant>()> horizon_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> retried_{0};
  std::atomic<std::uint64_t> given_up_{0};
  std::thread thread_;
};

}  // namespace qingling::notify
