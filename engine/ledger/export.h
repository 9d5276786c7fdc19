#pragma once

#include <string>
#include <vector>

#include "engine/core/issue.h"
#include "engine/core/rule_set.h"
#include "engine/core/time.h"
#include "engine/core/unit_tree.h"

namespace qingling::ledger {

// What a ledger (整改台账) is written from. `rules` and `units` are borrowed
// and must outlive the call.
struct LedgerInput {
  const RuleSet& rules;
  const UnitTree& units;
  std::string scope;  // unit code whose jurisdiction the ledger covers (title, summary rows)
  Date today;         // campaign-local date: overdue days are counted to it
  std::vector<Issue> issues;  // already filtered to the jurisdiction, in listing order
};

// The ledger as the bytes of an .xlsx workbook. The first sheet, 汇总, has a
// row per direct child of `scope` holding problems (a problem belongs to the
// child whose subtree holds its responsible unit, or its unit when it has
// none), a row for problems held by the scope unit itself, and a 合计 row:
// 问题总数, 已销号, 整改中 (not cleared), 超期, 销号率 (已销号 ÷ 问题总数).
// Then one sheet per category in the pack's order, named by its label
// (sanitised to Excel's rules, kept unique), plus a sheet 其他 for problems
// whose category the pack no longer has. Each category sheet has the header
// of `ledger_columns()` in row 1, frozen and filtered, so that a sheet saved
// on its own can be imported again. 整改时限 is a date cell.
// Throws std::runtime_error when libxlsxwriter or the temporary file fails.
std::string ledger_xlsx(const LedgerInput& in);

// The ledger as one CSV table with the same columns (no summary): UTF-8 with
// a byte order mark (so that Excel reads it as UTF-8), CRLF line ends,
// RFC 4180 quoting, dates as YYYY-MM-DD.
std::string ledger_csv(const LedgerInput& in);

}  // namespace qingling::ledger
