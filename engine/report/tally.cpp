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

namespace {

bool any_in(std::initializer_list<const std::string*> codes, const UnitTree& units,
            const std::string& unit) {
  return std::any_of(codes.begin(), codes.end(), [&](const std::string* code) {
    return !code->empty() && units.contains(unit, *code);
  });
}

}  // namespace

bool in_jurisdiction(const Issue& issue, const UnitTree& units, const std::string& unit) {
  return any_in({&issue.unit, &issue.responsible_unit, &issue.lead_unit}, units, unit);
}

bool in_jurisdiction(const Placement& place, const UnitTree& units, const std::string& unit) {
  return any_in({&place.unit, &place.responsible_unit, &place.lead_unit}, units, unit);
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

void CategoryTally::add(const Issue& issue) { ++counts_[issue.category][issue.state]; }

void CategoryTally::lay_out(const RuleSet& rules, std::vector<CodeLabel>& states,
                            std::vector<CategoryCounts>& rows) const {
  std::map<std::string, int> extra_states;
  std::map<std::string, int> extra_categories;
  for (const auto& [category, by_state] : counts_) {
    if (rules.find_category(category) == nullptr) extra_categories[category] = 0;
    for (const auto& [state, n] : by_state) {
      if (rules.find_state(state) == nullptr) extra_states[state] = 0;
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
  for (const auto& [category, by_state] : counts_) {
    CategoryCounts& counts = rows[row.at(category)];
    for (const auto& [state, n] : by_state) {
      counts.by_state[column.at(state)] += n;
      counts.total += n;
    }
  }
}

ChildTally::ChildTally(const UnitTree& units, const std::string& unit)
    : units_(&units), base_(units.path(unit)) {
  for (const Unit* child : units.children(unit)) {
    row_of_.emplace(child->code, rows_.size());
    rows_.push_back({{child->code, child->name}});
  }
}

void ChildTally::add(const Standing& st) {
  // Tree paths read "/cc/cc.c03/cc.c03.t07/": the segment after the
  // jurisdiction's own path names the child, with no walk up the tree.
  const std::string& path = units_->path(owner_of(*st.issue));
  if (path.size() <= base_.size() || path.compare(0, base_.size(), base_) != 0) return;
  const std::size_t end = path.find('/', base_.size());
  auto it = row_of_.find(path.substr(base_.size(), end - base_.size()));
  if (it == row_of_.end()) return;
  UnitRanking& r = rows_[it->second];
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

std::vector<UnitRanking> ChildTally::rows() const {
  std::vector<UnitRanking> out = rows_;
  for (UnitRanking& r : out) r.rate = ratio(r.cleared, r.total - r.long_term);
  return out;
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
