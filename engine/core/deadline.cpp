#include "engine/core/deadline.h"

#include <algorithm>
#include <cmath>

namespace qingling {
namespace {

bool matches(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

const WorkingCalendar& calendar_of(const RuleSet& rules) {
  static const WorkingCalendar kWeekdays;
  return rules.has_calendar ? rules.calendar : kWeekdays;
}

std::vector<Milestone> back_schedule(const RuleSet& rules, const DeadlineRule* rule, Date start,
                                     Date deadline) {
  std::vector<Milestone> out;
  if (rule == nullptr) return out;
  const WorkingCalendar& cal = calendar_of(rules);
  for (const MilestoneRule& m : rule->milestones) {
    Milestone milestone{m.name, deadline};
    if (m.days_before) {
      const CalendarAnswer a = add_span(rules, deadline, -*m.days_before, m.unit);
      milestone.date = a.date;
      milestone.provisional = a.provisional;
    } else if (m.percent) {
      const int span = days_between(start, deadline);
      const auto offset = static_cast<int>(std::lround(span * (*m.percent) / 100.0));
      Date day = start + std::chrono::days{offset};
      // A milestone lands on a working day: roll forward, never past the deadline.
      while (day < deadline && !cal.is_working_day(day)) day += std::chrono::days{1};
      milestone.date = day;
      // Whether `day` works was judged by the calendar, so past its known
      // years the answer may change, whatever unit the rule counts in.
      milestone.provisional = rules.has_calendar && !cal.is_known(day);
    }
    out.push_back(std::move(milestone));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Milestone& a, const Milestone& b) { return a.date < b.date; });
  return out;
}

}  // namespace

const DeadlineRule* match_deadline_rule(const RuleSet& rules, const Issue& issue) {
  for (const DeadlineRule& rule : rules.deadlines) {
    if (matches(rule.categories, issue.category) && matches(rule.severities, issue.severity) &&
        matches(rule.sources, issue.source)) {
      return &rule;
    }
  }
  return nullptr;
}

CalendarAnswer add_span(const RuleSet& rules, Date from, int days, SpanUnit unit) {
  const WorkingCalendar& cal = calendar_of(rules);
  return unit == SpanUnit::WorkingDays ? cal.add_working_days(from, days)
                                       : cal.add_days(from, days);
}

Result<Deadline> plan_deadline(const RuleSet& rules, const Issue& issue, Date start) {
  const DeadlineRule* rule = match_deadline_rule(rules, issue);
  if (rule == nullptr) {
    return Rejection::invalid_field("fields.deadline",
                                    "no deadline rule matches this problem; give a deadline date");
  }
  Deadline d;
  d.basis.rule = rule->name;
  d.basis.pack_version = rules.version;
  d.basis.start = start;
  if (rule->fixed) {
    d.basis.kind = "fixed";
    d.date = *rule->fixed;
    d.basis.days_counted = days_between(start, d.date);
  } else {
    d.basis.kind = "rule";
    d.basis.days = rule->within.value_or(0);
    d.basis.unit = rule->unit;
    CalendarAnswer a = add_span(rules, start, d.basis.days, rule->unit);
    d.date = a.date;
    d.basis.days_counted = a.days_counted;
    d.basis.weekend_days_skipped = a.weekend_days_skipped;
    d.basis.holidays_skipped = std::move(a.holidays_skipped);
    d.basis.makeup_days_counted = std::move(a.makeup_days_counted);
    d.basis.provisional = a.provisional;
  }
  d.milestones = back_schedule(rules, rule, start, d.date);
  return d;
}

Deadline given_deadline(const RuleSet& rules, const Issue& issue, Date start, Date date,
                        std::string reason) {
  Deadline d;
  d.date = date;
  d.basis.kind = "given";
  d.basis.pack_version = rules.version;
  d.basis.start = start;
  d.basis.days_counted = days_between(start, date);
  d.basis.reason = std::move(reason);
  const bool known = calendar_of(rules).is_known(date);
  d.basis.provisional = !known && rules.has_calendar;
  const DeadlineRule* rule = match_deadline_rule(rules, issue);
  if (rule != nullptr) d.basis.rule = rule->name;
  d.milestones = back_schedule(rules, rule, start, date);
  return d;
}

Deadline extended_deadline(const RuleSet& rules, const Issue& issue, const Deadline& current,
                           Date date, std::string reason) {
  Deadline d = current;
  d.date = date;
  d.basis.kind = "extended";
  d.basis.pack_version = rules.version;
  d.basis.previous = current.date;
  d.basis.reason = std::move(reason);
  d.basis.days_counted = days_between(current.basis.start, date);
  d.milestones = back_schedule(rules, match_deadline_rule(rules, issue), current.basis.start, date);
  return d;
}

Deadline with_paused_days(const RuleSet& rules, const Issue& issue, const Deadline& current,
                          int working_days) {
  Deadline d = current;
  const CalendarAnswer a = calendar_of(rules).add_working_days(current.date, working_days);
  d.date = a.date;
  d.basis.paused_days_added += working_days;
  d.basis.provisional = d.basis.provisional || a.provisional;
  d.basis.days_counted = days_between(current.basis.start, d.date);
  d.milestones =
      back_schedule(rules, match_deadline_rule(rules, issue), current.basis.start, d.date);
  return d;
}

}  // namespace qingling
