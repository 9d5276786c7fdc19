#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/core/workflow.h"
#include "engine/ledger/import_plan.h"
#include "engine/store/commands.h"

namespace qingling::store {

struct IssueImportOutcome {
  std::size_t created = 0;
  std::size_t unchanged = 0;  // rows whose 编号 was imported before
  std::vector<std::int64_t> ids;
  std::vector<ledger::CellError> errors;  // from the engine's decisions, by row and column
};

// Creates each planned problem, and assigns it when the row names a
// responsible unit, through the same decisions as the API, as `actor`.
// A row whose external_ref a problem already has is left unchanged. Runs
// inside the writer's transaction; the caller undoes everything when any
// error comes back (all or nothing), or for a dry run.
IssueImportOutcome import_issues(WriteBackend& backend, const WriteContext& ctx, const Actor& actor,
                                 const ledger::IssueImportPlan& plan);

// Writes the merged unit list of `plan` (its tree already checked) and logs
// the import.
void import_units(WriteBackend& backend, const ledger::UnitImportPlan& plan, const Actor& actor,
                  Instant now);

}  // namespace qingling::store
