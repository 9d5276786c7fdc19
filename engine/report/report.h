#pragma once

// The weekly report (周报) of a jurisdiction: its figures, the ranking of its
// child units and the lists a supervisor acts on, as they stood at the end of
// an ISO week. Pure: computed from the problems' event histories alone, never
// from a clock, so a past week's report is the same whenever it is computed.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/issue.h"
#include "engine/core/rule_set.h"
#include "engine/core/time.h"
#include "engine/core/unit_tree.h"

namespace qingling::report {

// An ISO 8601 week: weeks run Monday to Sunday, and week 1 of a year is the
// one holding its first Thursday, so a week's year may differ from the year
// of its Monday (2026-W01 starts on 2025-12-29).
struct IsoWeek {
  int year = 0;
  int week = 0;
  friend bool operator==(const IsoWeek&, const IsoWeek&) = default;
};

// "2026-W48" only: four-digit year, upper-case W, two-digit week. Week 00,
// week 53 of a year that has 52, and anything else are nullopt.
std::optional<IsoWeek> parse_iso_week(std::string_view text);
std::string format_iso_week(IsoWeek w);  // "2026-W48"
// `w` must be a valid week (as parse_iso_week returns).
Date monday_of(IsoWeek w);
Date sunday_of(IsoWeek w);
IsoWeek iso_week_of(Date day);
IsoWeek previous(IsoWeek w);

// How the ranking hands out its 流动红旗 and 黄牌 (DOMAIN.md §4.3); the
// defaults are the demo campaign's rule. Only child units holding problems
// are eligible, and one unit never takes both.
struct RankingRules {
  // 流动红旗 to rank 1 only if it holds no red problem; false: always.
  bool red_flag_needs_no_red = true;
  // 黄牌 to the last ranked unit when one of the enabled conditions holds:
  // its 销号率 is below the jurisdiction's, or it holds a red problem. With
  // both disabled the last ranked unit always takes it.
  bool yellow_card_below_average = true;
  bool yellow_card_any_red = true;
};

// What a report is computed from. The references must outlive the call only.
struct ReportInput {
  const RuleSet& rules;
  const UnitTree& units;
  std::string unit;  // the jurisdiction's unit code
  IsoWeek week;
  // Whole histories, one per problem, each in version order (so `at` never
  // decreases); the histories in any order. Events at or after the week's
  // end are ignored, and so are problems outside the jurisdiction then.
  std::span<const std::vector<Event>> histories;
  RankingRules ranking{};
  std::string requirements;  // 工作要求, shown as given; may be empty
  // The longest each list (overdue, due next week, returns) may be: the
  // first items in the list's order. 0: every item. The figures always
  // count every problem.
  std::size_t list_limit = 0;
};

struct UnitRef {
  std::string code;
  std::string name;  // the code again when the tree does not know it
};

struct ReportHeader {
  std::string campaign_code;
  std::string campaign;  // the campaign's full name
  std::string issuer;    // the root unit's name (澄川市), for the subject line
  UnitRef unit;          // the jurisdiction
  IsoWeek week;
  Date monday;
  Date sunday;
  // Local midnight ending Sunday: the figures count events before it.
  Instant as_of{};
  IsoWeek previous_week;
  std::string time_zone;     // the campaign's, which local dates are in
  std::string pack_version;  // of the rules the report was computed under
};

struct LevelCounts {
  int green = 0;
  int yellow = 0;
  int red = 0;
};

// A jurisdiction's figures at a week's end (DOMAIN.md §4.2). A problem is
// cleared (销号) when its last state change entered a cleared state, long
// term (长期坚持) when its state's deadline clock is paused, and open when
// not cleared (long-term problems are open).
struct Totals {
  int total = 0;
  int new_this_week = 0;      // created during the week
  int cleared_this_week = 0;  // cleared at the week's end, and cleared during it
  int cleared = 0;            // cleared at the week's end
  int long_term = 0;
  int open = 0;
  // 销号率 = cleared ÷ (total − long_term); 0 when nothing is left to count.
  double clearance_rate = 0;
  // 按期销号率 = on_time_cleared ÷ on_time_base, where the base is every
  // cleared problem and every other problem whose deadline clock is not
  // paused and whose deadline is on or before Sunday. A cleared problem is
  // on time when its local clearance date is on or before the deadline it
  // holds (extensions count); one without a deadline is on time.
  int on_time_cleared = 0;
  int on_time_base = 0;
  double on_time_rate = 0;
  // 超期: the clock runs and the deadline is before the Monday after; by
  // the problem's escalation level (green: overdue, not yet escalated).
  int overdue = 0;
  LevelCounts overdue_by_level;
  double overdue_rate = 0;  // overdue ÷ open; 0 when nothing is open
  int rejected = 0;         // `reject` actions taken during the week
  int reopened = 0;         // `reopen` actions (反弹) taken during the week
  int due_next_week = 0;    // the clock runs, not cleared, deadline in the 7 days after Sunday
};

// This week minus the previous week.
struct Changes {
  int new_this_week = 0;
  int cleared_this_week = 0;
  int cleared = 0;
  double clearance_rate_points = 0;  // percentage points: 0.25 → 0.30 is +5
  int overdue = 0;
  int red = 0;     // overdue_by_level.red
  int yellow = 0;  // overdue_by_level.yellow
};

// One category's problems by state; `by_state` follows WeeklyReport::states.
struct CategoryCounts {
  std::string category;
  std::string label;
  std::vector<int> by_state;
  int total = 0;
};

// A child unit in the ranking. A problem belongs to the child whose subtree
// holds its responsible unit (its location unit when it has none).
struct UnitRanking {
  UnitRef unit;
  int total = 0;
  int cleared = 0;
  int long_term = 0;
  double rate = 0;  // 销号率, as in Totals
  int overdue = 0;
  int red = 0;           // open problems at level red
  int yellow = 0;        // open problems at level yellow
  int days_overdue = 0;  // summed over its overdue problems
  // 1-based. Units holding problems come first, by rate (higher first), then
  // fewer red, then fewer days overdue, then tree order; units holding none
  // follow in tree order. Every child has a rank, in both weeks.
  int rank = 0;
  int previous_rank = 0;
  int rank_change = 0;       // previous_rank − rank: positive when it climbed
  bool red_flag = false;     // 🚩 流动红旗
  bool yellow_card = false;  // 🟨 黄牌
  bool previous_yellow_card = false;
  bool talk = false;  // carded two weeks running: listed for a collective talk (集体谈话)
};

// An open problem past its deadline at the week's end.
struct OverdueItem {
  std::int64_t id = 0;
  std::string title;
  UnitRef unit;  // responsible unit, else location unit
  Date deadline;
  int days_overdue = 0;
  Level level = Level::Green;
  std::string last_step;  // name of the last ladder step fired for this deadline; may be empty
};

// A problem whose clock runs, with its deadline in the 7 days after Sunday.
struct DueItem {
  std::int64_t id = 0;
  std::string title;
  UnitRef unit;
  Date deadline;
  Level level = Level::Green;
};

// A `reject` (退回) or `reopen` (反弹) action taken during the week.
struct ReturnItem {
  std::int64_t id = 0;
  std::string title;  // as at the week's end
  UnitRef unit;
  std::string action;  // "reject" or "reopen"
  std::string action_label;
  Instant at{};
  Date local_date;
  std::string actor;
  std::string comment;
};

struct WeeklyReport {
  ReportHeader header;
  Totals totals;
  // The columns of by_category: the rules' states in their order, then any
  // other state a problem is in (a state since dropped from the rules).
  std::vector<CodeLabel> states;
  // Every category of the rules in their order, zeros included, then any
  // other category a problem has.
  std::vector<CategoryCounts> by_category;
  std::vector<UnitRanking> ranking;  // by rank
  // The lists hold at most the input's list_limit items each; the totals
  // say how many there are (overdue, due_next_week, rejected + reopened).
  std::vector<OverdueItem> overdue;    // most days overdue first, then by id
  std::vector<DueItem> due_next_week;  // by deadline, then by id
  std::vector<ReturnItem> returns;     // by time, then by id
  Totals previous;                     // the previous ISO week's figures
  Changes changes;
  std::string requirements;
};

// The report of `input.unit`'s jurisdiction for `input.week`: one fold of
// each history covers both weeks. Throws std::invalid_argument when the unit
// is not in the tree or the week is not valid.
WeeklyReport weekly_report(const ReportInput& input);

// The reports of several jurisdictions for one week, from histories handed
// in one at a time: each is folded once, for every jurisdiction, and not
// kept. What stays in memory is the figures and the listed items, so a
// million problems cost no more memory than a hundred.
class WeeklyReports {
 public:
  // `input.unit` and `input.histories` are not read; the references in
  // `input` must outlive this object. Throws as weekly_report does.
  WeeklyReports(const ReportInput& input, const std::vector<std::string>& jurisdictions);
  ~WeeklyReports();
  WeeklyReports(const WeeklyReports&) = delete;
  WeeklyReports& operator=(const WeeklyReports&) = delete;

  // One problem's whole history, in version order; histories in any order.
  // Given where the problem is now, it counts only for the jurisdictions it
  // is in now as well as at the week's end.
  void add(const std::vector<Event>& history, const Placement* now = nullptr);
  // The reports, in the order of the jurisdictions given.
  std::vector<WeeklyReport> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qingling::report
