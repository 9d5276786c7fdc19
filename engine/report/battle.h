#pragma once

// The battle map (挂图作战) of a jurisdiction: where its problems stand now,
// counted as the weekly report counts them, and how the open ones burned
// down day by day. No I/O: the moment is an input.

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
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

// Every problem's summary and open-count changes, kept in memory so that a
// battle map of a million problems is one pass over compact rows and not a
// trip through the database: loaded at start, then told of each commit.
// Thread-safe. `apply` only queues (the writer never waits for a map being
// drawn); maps are drawn one at a time and take in what is queued first.
class BattleIndex {
 public:
  BattleIndex();
  ~BattleIndex();
  BattleIndex(const BattleIndex&) = delete;
  BattleIndex& operator=(const BattleIndex&) = delete;

  // Adds or replaces problems (by id) and adds open-count changes: seen by
  // every map drawn after it returns.
  void apply(std::span<const IssueSummary> summaries, std::span<const OpenChange> changes);
  std::size_t size() const;
  // How many problems stand in each state code (states no problem holds
  // are left out), kept as rows come in: a glance, not a pass over them.
  std::vector<std::pair<std::string, std::size_t>> count_by_state() const;

  // The battle map of `input.unit`'s jurisdiction. Overdue items come
  // without titles (the caller looks up the few it lists).
  BattleMap map(const BattleInput& input) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qingling::report
