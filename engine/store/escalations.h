#pragma once

// The ladder at work inside the writer's transaction: fires the steps that
// are due, records each firing as an event and writes its messages to the
// outbox, all in the same transaction.

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/commands.h"

namespace qingling::store {

struct EscalationPass {
  std::size_t problems = 0;  // problems looked at
  std::size_t fired = 0;     // steps fired (events written)
  // Of those, the steps that raise the problem to each Level (by its value);
  // the rest raise nothing (reminders).
  std::array<std::size_t, 3> raised_to{};
  std::size_t messages = 0;  // outbox items written
  std::size_t letters = 0;   // count triggers fired (整改函)
  bool more = false;         // more were due than the limit: run again
};

// Fires one problem's ladder at a given moment. Recipients are read through
// the backend and kept per unit for the firer's life, so use one per
// transaction: users added meanwhile are not seen. Borrows `backend`.
class EscalationFirer {
 public:
  explicit EscalationFirer(WriteBackend& backend) : backend_(backend) {}

  // Fires every step of `issue` due by `ctx.now` (due_steps): each one an
  // Escalated event at `ctx.now`, through append_event, and an outbox item
  // to each of its recipients in the digest slot of `ctx.now`. Counts into
  // `pass` (not `problems`); returns the problem after the firings, as
  // given when nothing was due.
  Issue fire_due(Issue issue, const WriteContext& ctx, EscalationPass& pass);

  struct Recipient {
    std::string address;
    std::string name;
  };
  // The addresses `targets` name for a problem: units' contact addresses,
  // or their users holding one of the target's roles; each once.
  std::vector<Recipient> recipients(const std::vector<NotifyTarget>& targets, const Issue& issue,
                                    const UnitTree& units);

 private:
  const std::vector<User>& users_at(const std::string& unit);

  WriteBackend& backend_;
  std::map<std::string, std::vector<User>> users_;  // by unit code
};

// Fires every step due by `ctx.now` for at most `limit` problems, earliest first.
EscalationPass fire_due_escalations(WriteBackend& backend, const WriteContext& ctx,
                                    std::size_t limit);

// Recomputes every open problem's next escalation under `ctx.rules` when the
// index was computed under another pack (or never). Returns the number of
// problems re-indexed (0 when the index was current).
std::size_t reindex_escalations(WriteBackend& backend, const WriteContext& ctx);

}  // namespace qingling::store
