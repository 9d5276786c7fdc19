#pragma once

// Private to engine/report: how problems standing at one moment are counted,
// shared by the weekly report and the battle map so that a figure means the
// same in both.

#include <span>
#include <string>
#include <vector>

#include "engine/core/issue.h"
#include "engine/core/rule_set.h"
#include "engine/core/unit_tree.h"
#include "engine/report/report.h"

namespace qingling::report::tally {

// What the figures need to know of one problem at a moment. A problem is
// cleared when its last state change entered a cleared state, long term
// when its state's deadline clock is paused.
struct Standing {
  const Issue* issue = nullptr;
  bool cleared = false;
  bool long_term = false;
  bool running = false;
  OverdueStatus overdue;  // as judged on a given day
};
Standing standing_of(const Issue& issue, const RuleSet& rules, Date overdue_on);

// In the subtree of `unit` by its location, responsible or lead unit.
bool in_jurisdiction(const Issue& issue, const UnitTree& units, const std::string& unit);
// The unit a problem counts for: its responsible unit, else its location.
const std::string& owner_of(const Issue& issue);
UnitRef unit_ref(const UnitTree& units, const std::string& code);
double ratio(int part, int whole);  // 0 when `whole` is 0
void count_level(LevelCounts& counts, Level level);

// Category × state counts. Columns: the rules' states in their order, then
// any other state a problem is in, sorted; rows likewise for categories.
void count_by_category(std::span<const Standing> standings, const RuleSet& rules,
                       std::vector<CodeLabel>& states, std::vector<CategoryCounts>& rows);

// The child units of `unit` in tree order, each with the problems whose
// owner lies in its subtree counted (total, cleared, long term, rate,
// overdue, days overdue, open red and yellow); not yet ranked.
std::vector<UnitRanking> child_rows(std::span<const Standing> standings, const UnitTree& units,
                                    const std::string& unit);

// Sorts the rows into their ranking (rate, then fewer red, then fewer days
// overdue, units without problems last) and hands out the red flag and the
// yellow card by `rules` against the jurisdiction's own rate.
void rank(std::vector<UnitRanking>& rows, const RankingRules& rules, double jurisdiction_rate);

}  // namespace qingling::report::tally
