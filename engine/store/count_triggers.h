#pragma once

// Count triggers (整改函): a unit holding at least N problems the ladder
// raised to a level within a window of days gets a letter, once per window.

#include <vector>

#include "engine/store/commands.h"
#include "engine/store/escalations.h"

namespace qingling::store {

// For the problems whose level rose in this pass, checks each count trigger
// of the unit holding them and fires those whose count is reached: a log
// entry ("count_escalation") and the letter in the outbox, in the caller's
// transaction. Returns the triggers fired.
std::size_t fire_count_triggers(WriteBackend& backend, const WriteContext& ctx,
                                const std::vector<Issue>& raised, EscalationFirer& firer);

}  // namespace qingling::store
