#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/store/store.h"

namespace qingling::store {

struct AuditReport {
  std::int64_t entries = 0;            // links checked
  std::optional<std::int64_t> broken;  // seq of the first broken link
  std::string problem;                 // what is wrong with it
  bool ok() const { return !broken; }
};

// Walks the whole log in order: each entry must name the previous entry's
// hash and hash to its own stored value, and sequence numbers must follow
// one another. Stops at the first broken link.
AuditReport verify_chain(ReadView& view);

}  // namespace qingling::store
