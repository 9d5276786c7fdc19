#include "engine/report/tally.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace qingling::report::tally {

Standing standing_of(const Issue& issue, const RuleSet& rules, Date overdue_on) {
  const StateDef* state = rules.find_state(issue.state);
  Standing st;
  st.issue = &issue;
  st.cleared = issue.cleared_at.has_value();
  st.long_term = state != nullptr && state->clock == DeadlineClock::Paused;
  st.running = state != nullptr && state->clock == DeadlineClock::Running;
  st.overdue = overdue_status(issue, rules, overdue_on);
  return st;
}

bool in_jurisdiction(const Issue& issue, const UnitTree& units, const std::string& unit) {
  for (const std::string* code : {&issue.unit, &issue.responsible_unit, &issue.lead_unit}) {
    if (!code->empty() && units.contains(unit, *code)) return true;
  }
  return false;
}

const std::string& owner_of(const Issue& issue) {
  return issue.responsible_unit.empty() ? issue.unit : issue.responsible_unit;
}

UnitRef unit_ref(const UnitTree& units, const std::string& code) {
  const Unit* u = units.find(code);
  return {code, u != nullptr ? u->name : code};
}

double ratio(int part, int whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

void count_level(LevelCounts& counts, Level level) {
  switch (level) {
    case Level::Green:
      ++counts.green;
      break;
    case Level::Yellow:
      ++counts.yellow;
      break;
    case Level::Red:
      ++counts.red;
      break;
  }
}

void count_by_category(std::span<const Standing> standings, const RuleSet& rules,
                       std::vector<CodeLabel>& states, std::vector<CategoryCounts>& rows) {
  std::map<std::string, int> extra_states;
  std::map<std::string, int> extra_categories;
  for (const Standing& st : standings) {
    if (rules.find_state(st.issue->state) == nullptr) extra_states[st.issue->state] = 0;
    if (rules.find_category(st.issue->category) == nullptr) {
      extra_categories[st.issue->category] = 0;
    }
  }
  std::unordered_map<std::string, std::size_t> column;
  for (const StateDef& s : rules.states) states.push_back({s.name, s.label});
  for (const auto& [name, unused] : extra_states) states.push_back({name, name});
  for (std::size_t i = 0; i < states.size(); ++i) column[states[i].code] = i;

  std::unordered_map<std::string, std::size_t> row;
  const auto add_row = [&](const std::string& code, const std::string& label) {
    row[code] = rows.size();
    rows.push_back({code, label, std::vector<int>(states.size(), 0), 0});
  };
  for (const CodeLabel& c : rules.categories) add_row(c.code, c.label);
  for (const auto& [code, unused] : extra_categories) add_row(code, code);
  for (const Standing& st : standings) {
    CategoryCounts& counts = rows[row.at(st.issue->category)];
    ++counts.by_state[column.at(st.issue->state)];
    ++counts.total;
  }
}

std::vector<UnitRanking> child_rows(std::span<const Standing> standings, const UnitTree& units,
                                    const std::string& unit) {
  std::vector<UnitRanking> rows;
  std::unordered_map<std::string, std::size_t> row_of;
  for (const Unit* child : units.children(unit)) {
    row_of.emplace(child->code, rows.size());
    rows.push_back({{child->code, child->name}});
  }
  // Tree paths read "/cc/cc.c03/cc.c03.t07/": the segment after the
  // jurisdiction's own path names the child, with no walk up the tree.
  const std::string& base = units.path(unit);
  for (const Standing& st : standings) {
    const std::string& path = units.path(owner_of(*st.issue));
    if (path.size() <= base.size() || path.compare(0, base.size(), base) != 0) continue;
    const std::size_t end = path.find('/', base.size());
    auto it = row_of.find(path.substr(base.size(), end - base.size()));
    if (it == row_of.end()) continue;
    UnitRanking& r = rows[it->second];
    ++r.total;
    if (st.cleared) ++r.cleared;
    if (st.long_term) ++r.long_term;
    if (st.overdue.overdue) {
      ++r.overdue;
      r.days_overdue += st.overdue.days_overdue;
    }
    if (!st.cleared && st.issue->level == Level::Red) ++r.red;
    if (!st.cleared && st.issue->level == Level::Yellow) ++r.yellow;
  }
  for (UnitRanking& r : rows) r.rate = ratio(r.cleared, r.total - r.long_term);
  return rows;
}

void rank(std::vector<UnitRanking>& rows, const RankingRules& rule, double jurisdiction_rate) {
  // Equal fractions divide to equal doubles, so rates compare exactly.
  std::stable_sort(rows.begin(), rows.end(), [](const UnitRanking& a, const UnitRanking& b) {
    if ((a.total > 0) != (b.total > 0)) return a.total > 0;
    if (a.total == 0) return false;
    if (a.rate != b.rate) return a.rate > b.rate;
    if (a.red != b.red) return a.red < b.red;
    return a.days_overdue < b.days_overdue;
  });
  std::size_t ranked = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].rank = static_cast<int>(i) + 1;
    if (rows[i].total > 0) ranked = i + 1;
  }
  if (ranked >= 1) {
    UnitRanking& first = rows.front();
    first.red_flag = !rule.red_flag_needs_no_red || first.red == 0;
  }
  if (ranked >= 2) {
    UnitRanking& last = rows[ranked - 1];
    const bool any_condition = rule.yellow_card_below_average || rule.yellow_card_any_red;
    last.yellow_card = !any_condition ||
                       (rule.yellow_card_below_average && last.rate < jurisdiction_rate) ||
                       (rule.yellow_card_any_red && last.red > 0);
  }
}

}  // namespace qingling::report::tally
