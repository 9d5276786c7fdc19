#pragma once

// The ladder at work inside the writer's transaction: fires the steps that
// are due, records each firing as an event and writes its messages to the
// outbox, all in the same transaction.

#include <cstddef>
#include <optional>

#include "engine/store/commands.h"

namespace qingling::store {

struct EscalationPass {
  std::size_t problems = 0;  // problems looked at
  std::size_t fired = 0;     // steps fired (events written)
  std::size_t messages = 0;  // outbox items written
  bool more = false;         // the limit was reached: run again
};

// Fires every step due by `ctx.now` for at most `limit` problems, earliest first.
EscalationPass fire_due_escalations(WriteBackend& backend, const WriteContext& ctx,
                                    std::size_t limit);

// Recomputes every open problem's next escalation under `ctx.rules` when the
// index was computed under another pack (or never). Returns the number of
// problems re-indexed (0 when the index was current).
std::size_t reindex_escalations(WriteBackend& backend, const WriteContext& ctx);

}  // namespace qingling::store
