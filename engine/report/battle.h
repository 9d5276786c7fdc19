#pragma once

// The battle map (挂图作战) of a jurisdiction: where its problems stand now,
// counted as the weekly report counts them (engine/report/tally.h), and how
// the open ones burned down day by day. Pure: the moment is an input.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/issue.h"
#include "engine/core/rule_set.h"
#include "engine/core/time.h"
#include "engine/core/unit_tree.h"
#include "engine/report/report.h"

namespace qingling::report {

struct BattleInput {
  const RuleSet& rules;
  const UnitTree& units;
  std::string unit;  // the jurisdiction
  Instant now{};
  RankingRules ranking{};
  std::size_t overdue_limit = 100;  // the longest overdue items listed
};

// The headline figures. Overdue is judged on today's local date: a deadline
// today is not yet overdue. Due this week: the clock runs, not cleared, and
// the deadline falls from today to Sunday.
struct Headline {
  int total = 0;
  int cleared = 0;
  int open = 0;
  int long_term = 0;
  double clearance_rate = 0;  // cleared ÷ (total − long_term), as in the weekly report
  int overdue = 0;
  LevelCounts overdue_by_level;
  int due_this_week = 0;
};

// Open problems at the end of a local day.
struct BurnPoint {
  Date date;
  int open = 0;
};

// Where the burn-down should reach zero: the latest deadline of the open
// problems whose clock runs.
struct BurnTarget {
  Date date;
  std::string basis = "latest_deadline";
};

struct BattleMap {
  UnitRef unit;
  Date today;
  Instant as_of{};
  Headline headline;
  std::vector<CodeLabel> states;
  std::vector<CategoryCounts> by_category;
  std::vector<UnitRanking> children;  // ranked, with red flag and yellow card
  std::vector<BurnPoint> burndown;    // every day from the first problem to today
  std::optional<BurnTarget> target;
  std::vector<OverdueItem> overdue;  // most days overdue first, at most overdue_limit
};

// Fed the whole history of each problem of the jurisdiction, one at a time
// and in version order; events after `now` are left out.
class BattleMapBuilder {
 public:
  explicit BattleMapBuilder(BattleInput input);
  void add(const std::vector<Event>& history);
  BattleMap finish() &&;

 private:
  BattleInput in_;
  Date today_;
  std::vector<Issue> issues_;
  std::vector<std::pair<Date, int>> changes_;  // (local day, +1 opened / −1 cleared)
};

}  // namespace qingling::report
