#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

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

// An evidence file already stored under its SHA-256.
struct EvidenceFileRef {
  std::string file_name;
  std::string content_type;  // as judged from the content
  std::string sha256;
  std::int64_t size = 0;
};

// Record evidence files: one event each, all or none.
struct AttachEvidence {
  std::int64_t issue_id = 0;
  Actor actor;
  std::vector<EvidenceFileRef> files;
};

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

// Work run inside the writer's transaction, in its own savepoint: the
// scheduler firing escalations, the mail sender claiming and settling
// messages. It reports through what it captures; throwing undoes it.
struct Job {
  std::function<void(WriteBackend&, const WriteContext&)> run;
};

// Work judged like a command, in its own savepoint: a rejection undoes
// everything it wrote (an import that found a bad row, or a dry run).
struct Decision {
  std::function<Result<Receipt>(WriteBackend&, const WriteContext&)> run;
};

using Command = std::variant<CreateIssue, TakeAction, AttachEvidence, Job, Decision>;

// The deadline clock of `state` under `rules` (stopped for an unknown state).
DeadlineClock clock_of(const RuleSet& rules, const std::string& state);

// Applies `event` to `before`, appends it and writes the projection with its
// next escalation time: the one way a problem's event is stored.
Issue append_event(WriteBackend& backend, const Issue& before, const Event& event,
                   const WriteContext& ctx);

// Stores a problem's whole history, `after` being where it leaves the
// problem: what append_event does event by event, with one write of the
// projection (a bulk load).
void append_history(WriteBackend& backend, const std::vector<Event>& events, const Issue& after,
                    const WriteContext& ctx);

// Decides and applies one command inside the backend's open transaction.
// A rejection writes nothing; the caller rolls back its savepoint anyway.
Result<Receipt> execute(WriteBackend& backend, const Command& command, const WriteContext& ctx);

}  // namespace qingling::store
