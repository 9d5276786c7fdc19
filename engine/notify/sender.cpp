#include "engine/notify/sender.h"

#include <algorithm>

#include "engine/core/escalation.h"
#include "engine/notify/scheduler.h"

namespace qingling::notify {

MailSender::MailSender(store::Writer& writer, const Clock& clock,
                       std::unique_ptr<mail::Transport> transport, Options options)
    : writer_(writer),
      clock_(clock),
      transport_(std::move(transport)),
      options_(std::move(options)) {}

MailSender::~MailSender() { stop(); }

void MailSender::set_horizon(std::function<std::optional<Instant>()> horizon) {
  horizon_ = std::move(horizon);
}

std::size_t MailSender::recover() {
  std::size_t count = 0;
  writer_.run_job([&](store::WriteBackend& backend, const store::WriteContext& ctx) {
    count = backend.release_claims(ctx.now);
  });
  return count;
}

std::chrono::milliseconds MailSender::backoff(int attempts) const {
  auto wait = options_.first_retry;
  for (int i = 1; i < attempts && wait < options_.max_retry; ++i) wait *= 2;
  return std::min(wait, options_.max_retry);
}

MailSender::Totals MailSender::run_once() {
  Totals totals;
  struct Claim {
    std::vector<store::OutboxMessage> messages;
    std::optional<Instant> next;
  };
  for (;;) {
    const Instant now = clock_.now();
    Instant horizon = now;
    if (horizon_) {
      const std::optional<Instant> h = horizon_();
      if (!h) return totals;  // nothing is known to be complete yet
      horizon = std::min(now, *h);
    }
    Claim claim;
    writer_.run_job([&](store::WriteBackend& backend, const store::WriteContext&) {
      claim.messages = backend.claim_outbox(now, horizon, options_.batch);
      claim.next = backend.next_outbox_attempt();
    });
    totals.next = claim.next;
    if (claim.messages.empty()) {
      // Due but beyond the horizon: the scheduler wakes us when it catches up.
      if (totals.next && *totals.next <= now) totals.next.reset();
      return totals;
    }
    const std::shared_ptr<const RuleSet> rules = writer_.rules();
    for (const store::OutboxMessage& message : claim.messages) {
      mail::Outcome outcome{mail::Outcome::Kind::Permanent, ""};
      try {
        outcome = transport_->send(compose(message, options_.compose));
      } catch (const std::exception& e) {
        outcome = {mail::Outcome::Kind::Permanent, e.what()};
      }
      store::Delivery delivery;
      delivery.at = clock_.now();
      delivery.error = outcome.detail;
      if (outcome.kind == mail::Outcome::Kind::Sent) {
        delivery.kind = store::Delivery::Kind::Sent;
        ++totals.sent;
      } else if (outcome.kind == mail::Outcome::Kind::Temporary &&
                 message.attempts + 1 < options_.max_attempts) {
        delivery.kind = store::Delivery::Kind::Retry;
        delivery.retry_at =
            next_working_moment(delivery.at + backoff(message.attempts + 1), *rules);
        ++totals.retried;
      } else {
        delivery.kind = store::Delivery::Kind::GiveUp;
        ++totals.given_up;
      }
      writer_.run_job([&](store::WriteBackend& backend, const store::WriteContext&) {
        backend.settle(message.id, delivery);
      });
      switch (delivery.kind) {
        case store::Delivery::Kind::Sent:
          sent_.fetch_add(1, std::memory_order_relaxed);
          break;
        case store::Delivery::Kind::Retry:
          retried_.fetch_add(1, std::memory_order_relaxed);
          break;
        case store::Delivery::Kind::GiveUp:
          given_up_.fetch_add(1, std::memory_order_relaxed);
          break;
      }
    }
  }
}

MailSender::Counts MailSender::counts() const {
  return {sent_.load(std::memory_order_relaxed), retried_.load(std::memory_order_relaxed),
          given_up_.load(std::memory_order_relaxed)};
}

void MailSender::start() {
  thread_ = std::thread([this] { loop(); });
}

void MailSender::wake() {
  std::lock_guard lock(mutex_);
  woken_ = true;
  wake_.notify_one();
}

void MailSender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void MailSender::loop() {
  for (;;) {
    Totals totals;
    try {
      totals = run_once();
    } catch (const std::exception&) {
      totals.next = clock_.now() + std::chrono::seconds{5};
    }
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    const auto wait =
        totals.next ? real_wait(clock_, *totals.next, options_.max_sleep) : options_.max_sleep;
    wake_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) return;
  }
}

}  // namespace qingling::notify
