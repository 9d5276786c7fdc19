#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "engine/core/rule_set.h"
#include "engine/core/unit_tree.h"
#include "engine/sheet/table.h"

namespace qingling::ledger {

// One thing wrong with an imported file, where the user can find it.
struct CellError {
  std::size_t row = 0;  // row number as the file shows it (Row::number); the header row for
                        // header errors; 0 for an error of the file as a whole
  std::string column;   // the header as written in the file ("" for a whole-row or file error)
  std::string message;  // what was expected, e.g. "expected a date like 2026-12-31, ..."
  std::string sheet{};  // the worksheet's name in a workbook; "" for CSV
};

// What importing one row of a ledger will do: create a problem from
// `create`, then, when `assign` is not empty, take the plan's assigning
// action with `assign`. Values are what the engine takes: codes, ISO dates.
struct PlannedIssue {
  std::size_t row = 0;
  // Draft fields: title, description, category, source, severity, unit,
  // external_ref; and lead_unit, responsible_leader, measures when the row
  // names no responsible unit or the assigning action does not take them
  // (a draft may carry them, so nothing in the row is lost). Empty cells are
  // left out: the pack's default source and severity apply later.
  std::map<std::string, std::string> create;
  // Fields of the assigning action the action declares: responsible_unit,
  // lead_unit, responsible_leader, measures, deadline. Empty when the row
  // names no responsible unit.
  std::map<std::string, std::string> assign;
  // Field name → the header as written in the file, to name cells in errors
  // found later (when the engine decides the draft or the action).
  std::map<std::string, std::string> columns;
  std::string sheet{};  // the worksheet it came from ("" for CSV)
};

struct IssueImportPlan {
  std::vector<PlannedIssue> issues;  // one per row that is not blank, in file order
  std::vector<CellError> errors;     // every error found, in file order; import nothing if any
  std::vector<std::string> ignored_columns;  // headers not known to the ledger (e.g. 备注)
  std::string assign_action;                 // the action that assigns, "" if the pack has none
};

// Reads a ledger table (columns of `ledger_columns()`, matched by
// `match_ledger_header`) and checks every cell against `rules` and `units`,
// collecting every error rather than stopping at the first:
// - headers: export-only columns (序号, 完成情况…) are accepted and ignored,
//   unknown ones are listed in `ignored_columns`, a column given twice and a
//   missing 问题类别 or (问题标题 and 问题描述) are errors;
// - category, source, severity: the pack's code (any letter case) or label;
// - units: a code, or a name exactly one unit has;
// - title: 问题标题, else the first line of 问题描述 cut to 30 characters;
// - 整改时限: 2026-12-31, 2026-1-5, 2026/1/5, 2026.1.5 or 2026年1月5日, a real
//   day, and only with a 责任单位;
// - 编号 once per file; 问题标题 and 编号 at most 200 bytes, other text at
//   most 20,000.
// Cells are trimmed of surrounding blanks (including the ideographic space
// U+3000). A row whose imported cells are all blank (a pre-numbered empty
// template row) is skipped.
// The assigning action is the first of the pack's actions that may be taken
// in the initial state and has a field responsible_unit.
IssueImportPlan plan_issue_import(const sheet::Table& table, const RuleSet& rules,
                                  const UnitTree& units);

struct UnitImportPlan {
  std::vector<Unit> units;  // the merged tree: existing units (updated) then new ones in file order
  std::size_t added = 0, updated = 0, unchanged = 0;
  std::vector<CellError> errors;
  std::vector<std::string> ignored_columns;
};

// Reads a unit list (单位编码, 单位名称, 上级单位编码, 单位类型 and optionally
// 联系邮箱, matched by `match_unit_header`) and merges it into `existing`.
// A code appears once per file; a parent must be in the file or the tree;
// into an empty tree exactly one row has no parent (the root). A unit
// already known may change its name, kind and e-mail but not its parent. An
// empty e-mail cell keeps the address a known unit has. The merged list is
// checked to form a tree (no cycles) only when no other error was found.
UnitImportPlan plan_unit_import(const sheet::Table& table, const UnitTree& existing);

}  // namespace qingling::ledger
