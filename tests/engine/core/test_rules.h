#pragma once

// A small campaign built in C++ for the core tests: the demo pack's shape
// (roles, states, actions, deadline rules), the 2025 holiday arrangement and
// a seven-unit tree. Header-only, as only *_test.cpp files are compiled.

#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/calendar.h"
#include "engine/core/issue.h"
#include "engine/core/rule_set.h"
#include "engine/core/time.h"
#include "engine/core/unit_tree.h"
#include "engine/core/workflow.h"

namespace qingling::testing {

// "2025-10-01" as a Date; a typo in a test is a broken test, so it throws.
inline Date date_of(std::string_view text) {
  const auto day = parse_date(text);
  if (!day) throw std::invalid_argument("bad test date: " + std::string(text));
  return *day;
}

// "2025-09-26T02:00:00Z" as an Instant; throws like date_of.
inline Instant instant_of(std::string_view text) {
  const auto at = parse_instant(text);
  if (!at) throw std::invalid_argument("bad test instant: " + std::string(text));
  return *at;
}

// A date as text, "none" for no date: failures then print readable dates.
inline std::string iso(std::optional<Date> day) { return day ? format_date(*day) : "none"; }

inline std::vector<Date> dates_of(std::initializer_list<const char*> texts) {
  std::vector<Date> out;
  for (const char* text : texts) out.push_back(date_of(text));
  return out;
}

// The State Council's 2025 arrangement (国办发明电〔2024〕12号). Days off
// that fall on a weekend are listed too, as the published notice lists them.
inline std::vector<CalendarDay> holidays_2025() {
  std::vector<CalendarDay> days;
  const auto off = [&](const char* first, int count, const char* name) {
    for (int i = 0; i < count; ++i) {
      days.push_back({date_of(first) + std::chrono::days{i}, false, name});
    }
  };
  const auto work = [&](const char* day, const char* name) {
    days.push_back({date_of(day), true, name});
  };
  off("2025-01-01", 1, "元旦");
  work("2025-01-26", "春节");              // Sunday
  off("2025-01-28", 8, "春节");            // Tue 01-28 .. Tue 02-04
  work("2025-02-08", "春节");              // Saturday
  off("2025-04-04", 3, "清明节");          // Fri .. Sun
  work("2025-04-27", "劳动节");            // Sunday
  off("2025-05-01", 5, "劳动节");          // Thu .. Mon
  off("2025-05-31", 3, "端午节");          // Sat .. Mon
  work("2025-09-28", "国庆节、中秋节");    // Sunday
  off("2025-10-01", 8, "国庆节、中秋节");  // Wed 10-01 .. Wed 10-08
  work("2025-10-11", "国庆节、中秋节");    // Saturday
  return days;
}

inline WorkingCalendar calendar_2025() { return WorkingCalendar{holidays_2025(), 2025, 2025}; }

inline DeadlineRule working_days_rule(std::string name, int within) {
  DeadlineRule rule;
  rule.name = std::move(name);
  rule.within = within;
  rule.unit = SpanUnit::WorkingDays;
  return rule;
}

inline FieldSpec field(std::string name, FieldType type, bool required) {
  return {std::move(name), type, required, {}};
}

// The demo campaign's rules, reduced to what the core tests need.
inline RuleSet demo_rules() {
  RuleSet r;
  r.version = "2025.1+c0ffee00";
  r.campaign = {"demo", "central inspection feedback rectification", "Asia/Shanghai"};
  r.zone = TimeZone{"Asia/Shanghai"};
  r.has_calendar = true;
  r.calendar = calendar_2025();

  r.roles = {"admin", "supervisor", "inspector", "responsible"};
  for (const char* code : {"A", "B", "C", "D", "E", "F"}) r.categories.push_back({code, code});
  r.sources = {{"feedback", "反馈问题"}, {"carpet", "地毯式排查"}, {"lookback", "回头看"}};
  r.severities = {{"grave", "重大"}, {"serious", "较重"}, {"general", "一般"}};
  r.default_source = "feedback";
  r.default_severity = "general";

  using enum DeadlineClock;
  r.states = {{"discovered", "待交办", Stopped, false},
              {"rectifying", "整改中", Running, false},
              {"submitted", "申请销号", Stopped, false},
              {"cleared", "已销号", Stopped, true},
              {"long_term", "长期坚持", Paused, false}};
  r.initial_state = "discovered";
  r.create_roles = {"inspector", "supervisor", "admin"};

  const auto action = [&](std::string name, std::vector<std::string> from, std::string to,
                          std::vector<std::string> roles) -> ActionDef& {
    ActionDef a;
    a.name = name;
    a.label = name;
    a.from = std::move(from);
    a.to = std::move(to);
    a.roles = std::move(roles);
    r.actions.push_back(std::move(a));
    return r.actions.back();
  };
  ActionDef& assign = action("assign", {"discovered"}, "rectifying", {"supervisor", "admin"});
  assign.fields = {field("responsible_unit", FieldType::UnitCode, true),
                   field("deadline", FieldType::IsoDate, false)};
  assign.deadline = DeadlineEffect::Plan;
  action("progress", {"rectifying"}, "", {"responsible"}).comment_required = true;
  ActionDef& submit = action("submit", {"rectifying"}, "submitted", {"responsible"});
  submit.comment_required = true;
  submit.evidence_required = true;
  action("verify", {"submitted"}, "cleared", {"inspector"}).fields = {
      field("opinion", FieldType::Text, true)};
  action("reject", {"submitted"}, "rectifying", {"inspector"}).comment_required = true;
  action("reopen", {"cleared"}, "rectifying", {"inspector", "supervisor"});
  ActionDef& extend = action("extend", {"rectifying", "long_term"}, "", {"supervisor"});
  extend.fields = {field("deadline", FieldType::IsoDate, true),
                   field("reason", FieldType::Text, true)};
  extend.deadline = DeadlineEffect::Extend;
  action("to_long_term", {"rectifying"}, "long_term", {"supervisor"});
  action("resume", {"long_term"}, "rectifying", {"supervisor"});
  action("replan", {"rectifying", "long_term"}, "", {"supervisor"}).deadline =
      DeadlineEffect::Replan;

  DeadlineRule lookback = working_days_rule("lookback", 10);
  lookback.sources = {"lookback"};
  DeadlineRule grave = working_days_rule("grave", 10);
  grave.severities = {"grave"};
  DeadlineRule serious = working_days_rule("serious", 20);
  serious.severities = {"serious"};
  DeadlineRule standard = working_days_rule("standard", 30);
  standard.milestones = {{"plan", std::nullopt, SpanUnit::CalendarDays, 30},
                         {"midpoint", std::nullopt, SpanUnit::CalendarDays, 50},
                         {"final-check", 5, SpanUnit::WorkingDays, std::nullopt}};
  r.deadlines = {lookback, grave, serious, standard};
  return r;
}

// cc > cc.c01 > cc.c01.t01 > cc.c01.t01.v001; cc > cc.c02; cc > cc.dept.dcs.
inline UnitTree demo_units() {
  return UnitTree{{
      {"cc", "City", "city", "", ""},
      {"cc.c01", "County 1", "county", "cc", ""},
      {"cc.c01.t01", "Township 1", "township", "cc.c01", ""},
      {"cc.c01.t01.v001", "Village 1", "village", "cc.c01.t01", ""},
      {"cc.c02", "County 2", "county", "cc", ""},
      {"cc.dept.dcs", "Inspection office", "department", "cc", ""},
  }};
}

// The EvidenceAttached event the engine decides when `by` attaches a file.
inline Event evidence_event(const Issue& issue, const Actor& by, Instant at, const RuleSet& rules) {
  const UnitTree units = demo_units();
  auto decided = decide_evidence(issue, by, "整改后照片.jpg", "image/jpeg", std::string(64, 'a'),
                                 1024, DecisionContext{rules, units, at});
  if (!decided) throw std::logic_error("evidence refused: " + decided.error().detail);
  return *decided;
}

inline Actor actor_of(std::string user, std::string unit, std::vector<std::string> roles) {
  return {std::move(user), std::move(unit), std::move(roles)};
}

}  // namespace qingling::testing
