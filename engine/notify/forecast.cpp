#include "engine/notify/forecast.h"

#include <algorithm>

namespace qingling::notify {
namespace {

constexpr int kPage = 500;

std::vector<std::string> targets(const EscalationStep& step, const Issue& issue,
                                 const UnitTree& units) {
  std::vector<std::string> out;
  for (const NotifyTarget& t : step.notify) {
    const Unit* u = target_unit(t, issue, units);
    if (u == nullptr) continue;
    std::string who = u->name;
    for (const std::string& role : t.roles) who += (role == t.roles.front() ? " · " : "/") + role;
    out.push_back(std::move(who));
  }
  return out;
}

}  // namespace

Forecast forecast(store::ReadView& view, const RuleSet& rules, const UnitTree& units,
                  const std::string& jurisdiction, Instant now, int days) {
  Forecast out;
  out.from = now;
  out.to = now + std::chrono::days{days};
  for (const Issue& issue : view.escalating_between(now, out.to, jurisdiction)) {
    for (const StepDue& due : steps_between(issue, rules, now, out.to)) {
      ForecastFiring f;
      f.issue = issue;
      f.step = due.step->code;
      f.step_name = due.step->name;
      f.period = due.period;
      f.due = due.due;
      f.overdue = due.due <= now;
      f.level = due.step->level;
      f.notify = targets(*due.step, issue, units);
      out.firings.push_back(std::move(f));
    }
  }
  std::stable_sort(out.firings.begin(), out.firings.end(),
                   [](const ForecastFiring& a, const ForecastFiring& b) { return a.due < b.due; });

  store::IssueQuery q;
  q.jurisdiction = jurisdiction;
  q.today = rules.zone.local_date(now);
  q.due_after = q.today - std::chrono::days{1};
  q.due_by = rules.zone.local_date(out.to);
  q.limit = kPage;
  for (;;) {
    store::IssuePage page = view.issues(q);
    out.deadlines.insert(out.deadlines.end(), page.items.begin(), page.items.end());
    if (!page.next_cursor) break;
    q.cursor = page.next_cursor;
  }
  std::stable_sort(out.deadlines.begin(), out.deadlines.end(), [](const Issue& a, const Issue& b) {
    return a.deadline->date < b.deadline->date;
  });
  return out;
}

}  // namespace qingling::notify
