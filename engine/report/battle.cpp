#include "engine/report/battle.h"

#include <algorithm>
#include <stdexcept>

#include "engine/report/tally.h"

namespace qingling::report {

BattleMapBuilder::BattleMapBuilder(BattleInput input)
    : in_(std::move(input)), today_(in_.rules.zone.local_date(in_.now)) {
  if (in_.units.find(in_.unit) == nullptr) {
    throw std::invalid_argument("battle map: no unit '" + in_.unit + "'");
  }
}

void BattleMapBuilder::add(const std::vector<Event>& history) {
  Issue issue;
  bool exists = false;
  bool cleared = false;
  std::vector<std::pair<Date, int>> changes;
  for (const Event& e : history) {
    if (e.at > in_.now) break;
    issue = apply(std::move(issue), e);
    const Date day = in_.rules.zone.local_date(e.at);
    if (!exists) {
      exists = true;
      changes.emplace_back(day, 1);
    }
    const bool now_cleared = issue.cleared_at.has_value();
    if (now_cleared != cleared) changes.emplace_back(day, now_cleared ? -1 : 1);
    cleared = now_cleared;
  }
  if (!exists || !tally::in_jurisdiction(issue, in_.units, in_.unit)) return;
  changes_.insert(changes_.end(), changes.begin(), changes.end());
  issues_.push_back(std::move(issue));
}

BattleMap BattleMapBuilder::finish() && {
  BattleMap map;
  map.unit = tally::unit_ref(in_.units, in_.unit);
  map.today = today_;
  map.as_of = in_.now;

  std::vector<tally::Standing> standings;
  standings.reserve(issues_.size());
  for (const Issue& issue : issues_) {
    standings.push_back(tally::standing_of(issue, in_.rules, today_));
  }
  const Date sunday = today_ + std::chrono::days{7 - std::chrono::weekday{today_}.iso_encoding()};
  Headline& h = map.headline;
  for (const tally::Standing& st : standings) {
    const Issue& issue = *st.issue;
    ++h.total;
    if (st.cleared) ++h.cleared;
    if (st.long_term) ++h.long_term;
    if (st.overdue.overdue) {
      ++h.overdue;
      tally::count_level(h.overdue_by_level, issue.level);
      map.overdue.push_back({issue.id, issue.title,
                             tally::unit_ref(in_.units, tally::owner_of(issue)),
                             issue.deadline->date, st.overdue.days_overdue, issue.level, ""});
    }
    if (st.running && !st.cleared && issue.deadline) {
      const Date deadline = issue.deadline->date;
      if (deadline >= today_ && deadline <= sunday) ++h.due_this_week;
      if (!map.target || map.target->date < deadline) map.target = BurnTarget{deadline};
    }
  }
  h.open = h.total - h.cleared;
  h.clearance_rate = tally::ratio(h.cleared, h.total - h.long_term);

  tally::count_by_category(standings, in_.rules, map.states, map.by_category);
  map.children = tally::child_rows(standings, in_.units, in_.unit);
  tally::rank(map.children, in_.ranking, h.clearance_rate);

  std::sort(map.overdue.begin(), map.overdue.end(), [](const OverdueItem& a, const OverdueItem& b) {
    if (a.days_overdue != b.days_overdue) return a.days_overdue > b.days_overdue;
    return a.id < b.id;
  });
  if (map.overdue.size() > in_.overdue_limit) map.overdue.resize(in_.overdue_limit);

  std::sort(changes_.begin(), changes_.end());
  int open = 0;
  std::size_t next = 0;
  if (!changes_.empty()) {
    for (Date day = changes_.front().first; day <= today_; day += std::chrono::days{1}) {
      for (; next < changes_.size() && changes_[next].first <= day; ++next) {
        open += changes_[next].second;
      }
      map.burndown.push_back({day, open});
    }
  }
  return map;
}

}  // namespace qingling::report
