#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "engine/core/rejection.h"
#include "engine/core/workflow.h"
#include "engine/store/store.h"

namespace qingling::store {

// Log a new problem. A non-empty `idempotency_key` makes a retry of the same
// request answer what the first one did.
struct CreateIssue {
  IssueDraft draft;
  Actor actor;
  std::string idempotency_key;
};

// `expected_version` for "whatever the current version is" (If-Match: *).
constexpr int kAnyVersion = -2;

// Take a workflow action; `expected_version` (If-Match) must be the
// problem's current version, or kAnyVersion.
struct TakeAction {
  std::int64_t issue_id = 0;
  int expected_version = 0;
  ActionRequest request;
  Actor actor;
};

// Record an evidence file already stored under its SHA-256.
struct AttachEvidence {
  std::int64_t issue_id = 0;
  Actor actor;
  std::string file_name;
  std::string content_type;
  std::string sha256;
  std::int64_t size = 0;
};

using Command = std::variant<CreateIssue, TakeAction, AttachEvidence>;

struct Receipt {
  Issue issue;            // the problem after the command (or as first answered, when replayed)
  bool replayed = false;  // an idempotent retry: nothing was written
};

// What commands are judged against.
struct WriteContext {
  const RuleSet& rules;
  const UnitTree& units;
  Instant now;
};

// Decides and applies one command inside the backend's open transaction.
// A rejection writes nothing; the caller rolls back its savepoint anyway.
Result<Receipt> execute(WriteBackend& backend, const Command& command, const WriteContext& ctx);

}  // namespace qingling::store
