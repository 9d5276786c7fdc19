#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/core/rule_set.h"
#include "engine/core/unit_tree.h"

namespace qingling::rules {

// The demo campaign's seed data (the city, its 37 campaign problems, the
// carpet-inspection templates and the figures the demo aims at), read from a
// pack's seed/ folder. Only `serve --demo` uses it.

// One of the campaign's problems (面上问题), as the feedback list gives it.
struct SeedProblem {
  std::string code;                // "A1"
  std::string category;            // category code, "A".."F"
  std::string title;               // Chinese, as fed back
  std::string title_en;            // English gloss
  std::string measures;            // 整改措施
  std::string responsible_leader;  // a role title: 分管农业农村副市长
  std::string lead_unit;           // unit code of the lead unit (牵头单位)
  std::string responsible_units;  // 责任单位 as written: "市医保局、市民政局、各县市区"
  std::string deadline_kind;  // "dated", "immediate" or "long_term"
  int deadline_days = 0;      // after T0; 0 for long_term
  SpanUnit deadline_unit = SpanUnit::CalendarDays;
  std::string demo_state;          // state at the demo's "now"
  std::vector<std::string> story;  // tags the generator acts out: overdue_yellow, overdue_red,
                                   // reminded, rejected_once, submitted_late, submitted_early
};

// A template for point problems (点上问题) found by the carpet inspection.
struct PointTemplate {
  std::string category;
  std::string level;  // "village" or "township"
  std::string title;
  std::string title_en;
  std::string evidence;  // typical evidence for 销号
  std::string severity;  // severity code
};

// How many point problems a county holds at "now", by state.
struct CountyTarget {
  std::string county;  // unit code
  int items = 0;
  int discovered = 0;
  int rectifying = 0;
  int overdue = 0;
  int overdue_red = 0;
  int submitted = 0;
  int cleared = 0;
  int long_term = 0;
};

struct SeedUser {
  std::string name;  // login name, ASCII
  std::string display_name;
  std::string unit;  // unit code
  std::string role;
  std::string email;
};

struct DemoSeed {
  std::vector<Unit>
      units;  // the whole tree, expanded: city, departments, counties, townships, villages
  std::vector<SeedProblem> problems;
  std::vector<PointTemplate> templates;
  std::vector<CountyTarget> county_targets;
  std::vector<SeedUser> users;
  std::vector<std::string> reject_reasons;
  std::vector<std::string> reopen_reasons;
};

// Reads `dir` (a pack's seed/ folder). Throws std::runtime_error whose
// message is "file:line:column: what was expected" for the first error.
DemoSeed load_seed(const std::filesystem::path& dir);

}  // namespace qingling::rules
