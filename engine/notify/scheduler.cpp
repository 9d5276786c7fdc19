#include "engine/notify/scheduler.h"

namespace qingling::notify {

std::chrono::milliseconds real_wait(const Clock& clock, Instant at, std::chrono::milliseconds cap) {
  const auto simulated = at - clock.now();
  if (simulated <= std::chrono::milliseconds::zero()) return std::chrono::milliseconds::zero();
  const double speed = clock.speed() > 0 ? clock.speed() : 1.0;
  const double real_ms = static_cast<double>(simulated.count()) / speed;
  if (real_ms >= static_cast<double>(cap.count())) return cap;
  // Round up: waking a moment early would find nothing due and sleep again.
  return std::chrono::milliseconds{static_cast<std::int64_t>(real_ms) + 1};
}

Scheduler::Scheduler(store::Writer& writer, const Clock& clock, Options options)
    : writer_(writer), clock_(clock), options_(options) {}

Scheduler::~Scheduler() { stop(); }

Scheduler::Totals Scheduler::run_once() {
  Totals totals;
  struct Step {
    store::EscalationPass pass;
    std::optional<Instant> next;
    Instant now;
  };
  for (;;) {
    Step step;
    writer_.run_job([&](store::WriteBackend& backend, const store::WriteContext& ctx) {
      step = Step{store::fire_due_escalations(backend, ctx, options_.batch), std::nullopt, ctx.now};
      step.next = backend.earliest_escalation();
    });
    ++totals.passes;
    totals.problems += step.pass.problems;
    totals.fired += step.pass.fired;
    std::size_t raised = 0;
    for (std::size_t level = 0; level < step.pass.raised_to.size(); ++level) {
      fired_[1 + level].fetch_add(step.pass.raised_to[level], std::memory_order_relaxed);
      raised += step.pass.raised_to[level];
    }
    fired_[0].fetch_add(step.pass.fired - raised, std::memory_order_relaxed);
    totals.messages += step.pass.messages;
    totals.next = step.next;
    if (!step.pass.more) {
      std::lock_guard lock(mutex_);
      caught_up_ = step.now;
      return totals;
    }
  }
}

std::size_t Scheduler::reindex() {
  std::size_t count = 0;
  writer_.run_job([&](store::WriteBackend& backend, const store::WriteContext& ctx) {
    count = store::reindex_escalations(backend, ctx);
  });
  return count;
}

void Scheduler::start(std::function<void(const Totals&)> after_pass) {
  after_pass_ = std::move(after_pass);
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::also_run(std::function<std::optional<Instant>()> task) {
  tasks_.push_back(std::move(task));
}

void Scheduler::wake_for(Instant at) {
  std::lock_guard lock(mutex_);
  if (!timer_ || at < *timer_) {
    woken_ = true;
    wake_.notify_one();
  }
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

std::optional<Instant> Scheduler::caught_up_until() const {
  std::lock_guard lock(mutex_);
  return caught_up_;
}

std::array<std::uint64_t, 4> Scheduler::fired_by_level() const {
  std::array<std::uint64_t, 4> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = fired_[i].load(std::memory_order_relaxed);
  return out;
}

void Scheduler::loop() {
  for (;;) {
    Totals totals;
    try {
      totals = run_once();
      for (const auto& task : tasks_) {
        const std::optional<Instant> next = task();
        if (next && (!totals.next || *next < *totals.next)) totals.next = next;
      }
      if (after_pass_) after_pass_(totals);
    } catch (const std::exception&) {
      // The writer is stopping or the database failed: try again after a pause.
      totals.next = clock_.now() + std::chrono::seconds{5};
    }
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    timer_ = totals.next;
    const auto wait =
        totals.next ? real_wait(clock_, *totals.next, options_.max_sleep) : options_.max_sleep;
    wake_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
    woken_ = false;
    timer_.reset();
    if (stopping_) return;
  }
}

}  // namespace qingling::notify
