#include "engine/core/escalation.h"

#include <algorithm>

namespace qingling {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

// Far enough to cross the longest run of days off (春节 with weekends).
constexpr int kMaxDaysToWorkingDay = 60;

bool listed(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

Date shift(Date day, int n, SpanUnit unit, const RuleSet& rules) {
  if (n == 0) return day;
  return unit == SpanUnit::WorkingDays ? rules.calendar.add_working_days(day, n).date
                                       : day + days{n};
}

// The step's first moment before moving into working hours.
Instant planned(const EscalationStep& step, int period, Date deadline, const RuleSet& rules) {
  const int sign = step.anchor == StepAnchor::Before  ? -1
                   : step.anchor == StepAnchor::After ? 1
                                                      : 0;
  const int repeat = step.repeat_days.value_or(0) * period;
  if (step.hours != 0) {
    const Instant end_of_day = rules.zone.at_local(deadline, rules.escalation.hours.end);
    return end_of_day + hours{sign * step.hours} + days{repeat};
  }
  Date day = shift(deadline, sign * step.days, step.unit, rules) + days{repeat};
  // A reminder for a deadline on a day off comes on the working day before
  // it (Friday for a Saturday), not after the deadline has passed.
  for (int i = 0; step.anchor != StepAnchor::After && i < kMaxDaysToWorkingDay &&
                  !rules.calendar.is_working_day(day);
       ++i) {
    day -= days{1};
  }
  return rules.zone.at_local(day, rules.escalation.hours.start);
}

// The first period of the current deadline that has not fired, if any.
std::optional<int> first_unfired(const EscalationStep& step, const Issue& issue) {
  auto fired = issue.escalations.find(step.code);
  if (fired == issue.escalations.end() || fired->second.deadline != issue.deadline->date) return 0;
  if (!step.repeat_days) return std::nullopt;
  return fired->second.period + 1;
}

std::string unit_name(const UnitTree& units, const std::string& code) {
  const Unit* u = units.find(code);
  return u != nullptr ? u->name : code;
}

std::string label_of(const CodeLabel* entry, const std::string& code) {
  return entry != nullptr ? entry->label : code;
}

std::string lateness(int late_minutes) {
  if (late_minutes < 60) return {};
  const int d = late_minutes / (24 * 60);
  const int h = late_minutes / 60 % 24;
  std::string text = "（补发：应已于";
  if (d > 0) text += std::to_string(d) + "天";
  if (h > 0) text += std::to_string(h) + "小时";
  return text + "前发出）";
}

}  // namespace

Instant next_working_moment(Instant at, const RuleSet& rules) {
  const WorkingHours& wh = rules.escalation.hours;
  Date day = rules.zone.local_date(at);
  for (int i = 0; i < kMaxDaysToWorkingDay; ++i, day += days{1}) {
    if (!rules.calendar.is_working_day(day)) continue;
    const Instant start = rules.zone.at_local(day, wh.start);
    if (at <= start) return start;
    if (at < rules.zone.at_local(day, wh.end)) return at;
  }
  return at;
}

Instant digest_slot(Instant now, const RuleSet& rules) {
  const Instant send = next_working_moment(now, rules);
  const Instant start =
      rules.zone.at_local(rules.zone.local_date(send), rules.escalation.hours.start);
  const auto window = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::max(rules.escalation.digest_window, minutes{1}));
  if (send <= start) return send;
  return start + ((send - start) / window) * window;
}

bool step_applies(const EscalationStep& step, const Issue& issue, const RuleSet& rules) {
  if (!issue.deadline) return false;
  if (!listed(step.categories, issue.category) || !listed(step.severities, issue.severity)) {
    return false;
  }
  if (!step.states.empty()) return listed(step.states, issue.state);
  const StateDef* state = rules.find_state(issue.state);
  return state != nullptr && state->clock == DeadlineClock::Running;
}

namespace {

// The first period of `step` still to fire for the problem as it stands, if any.
std::optional<int> pending_period(const EscalationStep& step, const Issue& issue,
                                  const RuleSet& rules) {
  if (!step_applies(step, issue, rules)) return std::nullopt;
  return first_unfired(step, issue);
}

}  // namespace

Instant step_due(const EscalationStep& step, int period, Date deadline, const RuleSet& rules) {
  return next_working_moment(planned(step, period, deadline, rules), rules);
}

std::vector<StepDue> due_steps(const Issue& issue, const RuleSet& rules, Instant now) {
  std::vector<StepDue> out;
  for (const EscalationStep& step : rules.escalation.steps) {
    const std::optional<int> first = pending_period(step, issue, rules);
    if (!first) continue;
    const Date deadline = issue.deadline->date;
    if (step_due(step, *first, deadline, rules) > now) continue;
    int period = *first;
    if (step.repeat_days) {
      // Jump to the latest period due by now; the move into working hours
      // only delays, so at most a few steps back are needed.
      const auto span = std::chrono::duration_cast<minutes>(days{*step.repeat_days});
      const auto elapsed =
          std::chrono::duration_cast<minutes>(now - planned(step, *first, deadline, rules));
      period = *first + static_cast<int>(elapsed / span);
      while (period > *first && step_due(step, period, deadline, rules) > now) --period;
    }
    out.push_back({&step, period, step_due(step, period, deadline, rules)});
  }
  return out;
}

std::optional<Instant> next_escalation(const Issue& issue, const RuleSet& rules) {
  std::optional<Instant> earliest;
  for (const EscalationStep& step : rules.escalation.steps) {
    const std::optional<int> first = pending_period(step, issue, rules);
    if (!first) continue;
    const Instant due = step_due(step, *first, issue.deadline->date, rules);
    if (!earliest || due < *earliest) earliest = due;
  }
  return earliest;
}

std::vector<StepDue> steps_between(const Issue& issue, const RuleSet& rules, Instant from,
                                   Instant to) {
  // Overdue firings happen at the next wake-up, i.e. within the window.
  std::vector<StepDue> out = due_steps(issue, rules, from);
  for (const EscalationStep& step : rules.escalation.steps) {
    const std::optional<int> first = pending_period(step, issue, rules);
    if (!first) continue;
    const Date deadline = issue.deadline->date;
    const int last_period = step.repeat_days ? *first + 400 : *first;
    for (int period = *first; period <= last_period; ++period) {
      const Instant due = step_due(step, period, deadline, rules);
      if (due > to) break;
      if (due > from) out.push_back({&step, period, due});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const StepDue& a, const StepDue& b) { return a.due < b.due; });
  return out;
}

int minutes_late(const StepDue& due, Instant now) {
  if (now <= due.due) return 0;
  return static_cast<int>(std::chrono::duration_cast<minutes>(now - due.due).count());
}

Event escalation_event(const Issue& issue, const StepDue& due, Instant now, const RuleSet& rules,
                       const std::vector<std::string>& notified) {
  Event e;
  e.type = Event::Type::Escalated;
  e.issue_id = issue.id;
  e.version = issue.version + 1;
  e.action = due.step->code;
  e.actor = "scheduler";
  e.at = now;
  e.local_date = rules.zone.local_date(now);
  e.pack_version = rules.version;
  e.fields["name"] = due.step->name;
  e.fields["deadline"] = format_date(issue.deadline->date);
  e.fields["period"] = std::to_string(due.period);
  e.fields["due_at"] = format_instant(due.due);
  e.fields["late_minutes"] = std::to_string(minutes_late(due, now));
  if (due.step->level) e.fields["level"] = std::string(to_string(*due.step->level));
  std::string to;
  for (const std::string& address : notified) to += (to.empty() ? "" : ", ") + address;
  e.fields["notified"] = to;
  return e;
}

const Unit* target_unit(const NotifyTarget& target, const Issue& issue, const UnitTree& units) {
  const std::string& base = issue.responsible_unit.empty() ? issue.unit : issue.responsible_unit;
  switch (target.unit) {
    case UnitRelation::Responsible:
      return units.find(base);
    case UnitRelation::Parent: {
      const Unit* u = units.find(base);
      return u != nullptr && !u->parent.empty() ? units.find(u->parent) : nullptr;
    }
    case UnitRelation::County:
      for (const Unit* u = units.find(base); u != nullptr;
           u = u->parent.empty() ? nullptr : units.find(u->parent)) {
        if (u->kind == "county") return u;
      }
      return nullptr;
    case UnitRelation::City:
      return units.find(units.root());
    case UnitRelation::Lead:
      return issue.lead_unit.empty() ? nullptr : units.find(issue.lead_unit);
  }
  return nullptr;
}

const std::vector<std::string_view>& template_names() {
  static const std::vector<std::string_view> names = {
      "id",       "title",          "description", "category",         "category_label",
      "severity", "severity_label", "state",       "state_label",      "unit_name",
      "deadline", "days_overdue",   "days_left",   "responsible_unit", "responsible_unit_name",
      "level",    "step",           "late",        "lead_unit_name",   "responsible_leader",
      "campaign", "measures",       "due_at"};
  return names;
}

std::map<std::string, std::string> template_values(const Issue& issue, const StepDue& due,
                                                   Instant now, const RuleSet& rules,
                                                   const UnitTree& units) {
  const Date today = rules.zone.local_date(now);
  const int left = issue.deadline ? days_between(today, issue.deadline->date) : 0;
  const StateDef* state = rules.find_state(issue.state);
  Level level = issue.level;
  if (due.step->level && *due.step->level > level) level = *due.step->level;
  return {
      {"id", std::to_string(issue.id)},
      {"title", issue.title},
      {"description", issue.description},
      {"category", issue.category},
      {"category_label", label_of(rules.find_category(issue.category), issue.category)},
      {"severity", issue.severity},
      {"severity_label", label_of(rules.find_severity(issue.severity), issue.severity)},
      {"state", issue.state},
      {"state_label", state != nullptr ? state->label : issue.state},
      {"unit_name", unit_name(units, issue.unit)},
      {"deadline", issue.deadline ? format_date(issue.deadline->date) : std::string{}},
      {"days_overdue", std::to_string(std::max(0, -left))},
      {"days_left", std::to_string(std::max(0, left))},
      {"responsible_unit", issue.responsible_unit},
      {"responsible_unit_name", unit_name(units, issue.responsible_unit)},
      {"lead_unit_name",
       issue.lead_unit.empty() ? std::string{} : unit_name(units, issue.lead_unit)},
      {"responsible_leader", issue.responsible_leader},
      {"measures", issue.measures},
      {"level", std::string(to_string(level))},
      {"step", due.step->name},
      {"late", lateness(minutes_late(due, now))},
      {"campaign", rules.campaign.name},
      {"due_at", format_instant(due.due)},
  };
}

const Unit* count_unit(const CountTrigger& trigger, const Issue& issue, const UnitTree& units) {
  const std::string& base = issue.responsible_unit.empty() ? issue.unit : issue.responsible_unit;
  for (const Unit* u = units.find(base); u != nullptr;
       u = u->parent.empty() ? nullptr : units.find(u->parent)) {
    if (u->kind == trigger.unit_kind) return u;
  }
  return nullptr;
}

bool counts_toward(const CountTrigger& trigger, Level level) { return level >= trigger.level; }

std::vector<std::string> counted_levels(const CountTrigger& trigger) {
  std::vector<std::string> out;
  for (Level l : {Level::Green, Level::Yellow, Level::Red}) {
    if (l >= trigger.level) out.emplace_back(to_string(l));
  }
  return out;
}

const std::vector<std::string_view>& count_template_names() {
  static const std::vector<std::string_view> names = {"unit_name", "count", "level",   "days",
                                                      "titles",    "step",  "campaign"};
  return names;
}

std::map<std::string, std::string> count_template_values(const CountTrigger& trigger,
                                                         const Unit& unit,
                                                         const std::vector<std::string>& titles,
                                                         const RuleSet& rules) {
  std::string joined;
  for (const std::string& t : titles) joined += (joined.empty() ? "" : "；") + t;
  return {{"unit_name", unit.name},
          {"count", std::to_string(titles.size())},
          {"level", std::string(to_string(trigger.level))},
          {"days", std::to_string(trigger.window_days)},
          {"titles", joined},
          {"step", trigger.name},
          {"campaign", rules.campaign.name}};
}

std::string fill_template(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    std::string_view name = text.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    auto it = values.find(std::string(name));
    if (it != values.end()) {
      out += it->second;
    } else {
      out.append(text.substr(open, close + 2 - open));
    }
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace qingling
