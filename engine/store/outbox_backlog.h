#pragma once

// How much mail waits in the outbox, for monitoring.

#include <cstdint>
#include <filesystem>
#include <memory>

namespace qingling::store {

struct OutboxBacklog {
  std::int64_t pending = 0;   // waiting for their first attempt
  std::int64_t sending = 0;   // claimed by the sender now
  std::int64_t failed = 0;    // failed for now; tried again later
  std::int64_t given_up = 0;  // refused or out of attempts; a person must retry them
};

// Counts the outbox's messages by state on a read-only connection of its
// own, opened on first use. Reads the outbox's state index over the unsent
// messages only, so the cost follows the backlog, not the mail ever sent.
// Thread-safe (one count at a time); blocks on SQLite: not on an io thread.
class OutboxCounter {
 public:
  explicit OutboxCounter(std::filesystem::path db_file);
  ~OutboxCounter();
  OutboxCounter(const OutboxCounter&) = delete;
  OutboxCounter& operator=(const OutboxCounter&) = delete;

  OutboxBacklog count();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qingling::store
