#pragma once

// Private to engine/report: how problems standing at one moment are counted,
// shared by the weekly report and the battle map so that a figure means the
// same in both.

#include <cstddef>
#include <map>
#include <string>
#include <unordered_map>
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
bool in_jurisdiction(const Placement& place, const UnitTree& units, const std::string& unit);
// The unit a problem counts for: its responsible unit, else its location.
const std::string& owner_of(const Issue& issue);
UnitRef unit_ref(const UnitTree& units, const std::string& code);
double ratio(int part, int whole);  // 0 when `whole` is 0
void count_level(LevelCounts& counts, Level level);

// Category × state counts, taken problem by problem.
class CategoryTally {
 public:
  void add(const Issue& issue);
  // Columns: the rules' states in their order, then any other state a
  // problem is in, sorted; rows likewise for categories.
  void lay_out(const RuleSet& rules, std::vector<CodeLabel>& states,
               std::vector<CategoryCounts>& rows) const;

 private:
  std::map<std::string, std::map<std::string, int>> counts_;  // category -> state -> problems
};

// The child units of `unit` in tree order, each counting the problems whose
// owner lies in its subtree (total, cleared, long term, rate, overdue, days
// overdue, open red and yellow), taken problem by problem; not yet ranked.
class ChildTally {
 public:
  ChildTally(const UnitTree& units, const std::string& unit);
  void add(const Standing& st);
  std::vector<UnitRanking> rows() const;

 private:
  const UnitTree* units_;
  std::string base_;  // the jurisdiction's tree path
  std::vector<UnitRanking> rows_;
  std::unordered_map<std::string, std::size_t> row_of_;
};

// Sorts the rows into their ranking (rate, then fewer red, then fewer days
// overdue, units without problems last) and hands out the red flag and the
// yellow card by `rules` against the jurisdiction's own rate.
void rank(std::vector<UnitRanking>& rows, const RankingRules& rules, double jurisdiction_rate);

}  // namespace qingling::report::tally
