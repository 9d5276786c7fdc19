#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/rule_set.h"
#include "engine/core/time.h"

namespace qingling::rules {

// One problem found in a rule pack, located in its file. Lines and columns
// count from 1.
struct LoadError {
  std::string file;  // path as given to the loader, joined with the file name
  int line = 0;
  int column = 0;
  std::string message;  // what was expected: "expected a duration like \"10 working days\""

  // "campaign.yaml:12:5: expected ..."
  std::string to_string() const;
};

struct LoadResult {
  std::optional<RuleSet> rules;     // set only when `errors` is empty
  std::vector<LoadError> errors;    // every error found, in file order
  std::vector<LoadError> warnings;  // e.g. the calendar runs out within 90 days of `today`
};

// Reads the rule pack in `dir` (campaign.yaml, workflow.yaml, deadlines.yaml
// and the calendar the campaign names) and checks it whole. `today` is the
// campaign-local date used for warnings only.
LoadResult load_pack(const std::filesystem::path& dir, Date today);

// A few lines describing a loaded pack: campaign, version, counts, calendar range.
std::string summary(const RuleSet& rules);

}  // namespace qingling::rules
