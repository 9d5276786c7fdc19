// The escalation ladder on fixed instants: when each kind of step falls
// due, working hours and holidays, exactly-once firing, repeats, catch-up
// after downtime, re-planning on a new deadline, filters and levels.
// Shanghai is UTC+8: 08:30 local is 00:30Z.

#include "engine/core/escalation.h"

#include <gtest/gtest.h>

#include "tests/engine/core/test_rules.h"

namespace qingling {
namespace {

using testing::date_of;
using testing::demo_rules;
using testing::demo_units;
using testing::instant_of;

EscalationStep step(std::string code, StepAnchor anchor, int days, SpanUnit unit) {
  EscalationStep s;
  s.code = code;
  s.name = code;
  s.anchor = anchor;
  s.days = days;
  s.unit = unit;
  s.notify = {{UnitRelation::Responsible, {}}};
  s.subject = "{{step}}: {{title}}";
  s.body = "due {{deadline}}, {{days_overdue}} days over{{late}}";
  return s;
}

// The demo campaign's ladder.
RuleSet ladder_rules() {
  RuleSet r = demo_rules();
  r.escalation.hours = {std::chrono::minutes{8 * 60 + 30}, std::chrono::minutes{17 * 60 + 30}};
  r.escalation.digest_window = std::chrono::minutes{60};
  r.escalation.steps.push_back(step("reminder", StepAnchor::Before, 3, SpanUnit::WorkingDays));
  r.escalation.steps.push_back(step("work_reminder", StepAnchor::At, 0, SpanUnit::CalendarDays));
  EscalationStep bulletin = step("bulletin", StepAnchor::After, 5, SpanUnit::WorkingDays);
  bulletin.level = Level::Yellow;
  r.escalation.steps.push_back(bulletin);
  EscalationStep card = step("yellow_card", StepAnchor::After, 15, SpanUnit::CalendarDays);
  card.level = Level::Red;
  card.repeat_days = 7;
  r.escalation.steps.push_back(card);
  return r;
}

Issue rectifying(const char* deadline) {
  Issue i;
  i.id = 7;
  i.version = 2;
  i.title = "河道垃圾堆积";
  i.category = "A";
  i.severity = "general";
  i.unit = "cc.c01.t01.v001";
  i.responsible_unit = "cc.c01.t01.v001";
  i.state = "rectifying";
  i.deadline = Deadline{date_of(deadline), {}, {}};
  return i;
}

std::vector<std::string> codes(const std::vector<StepDue>& dues) {
  std::vector<std::string> out;
  for (const StepDue& d : dues) out.push_back(d.step->code);
  return out;
}

class Ladder : public ::testing::Test {
 protected:
  // Records the firing as the store would: the event applied to the problem.
  Issue fire(const Issue& issue, const StepDue& due, const char* now) const {
    return apply(issue, escalation_event(issue, due, instant_of(now), rules_, {}));
  }
  Instant due_of(const char* code, int period, const char* deadline) const {
    return step_due(*rules_.find_step(code), period, date_of(deadline), rules_);
  }

  RuleSet rules_ = ladder_rules();
};

TEST_F(Ladder, EachStepKindFallsDueAtTheStartOfWorkingHours) {
  // Deadline Friday 2025-10-17.
  EXPECT_EQ(due_of("reminder", 0, "2025-10-17"), instant_of("2025-10-14T00:30:00Z"));
  EXPECT_EQ(due_of("work_reminder", 0, "2025-10-17"), instant_of("2025-10-17T00:30:00Z"));
  EXPECT_EQ(due_of("bulletin", 0, "2025-10-17"), instant_of("2025-10-24T00:30:00Z"));
  // 15 calendar days after lands on Saturday 11-01: sent Monday morning.
  EXPECT_EQ(due_of("yellow_card", 0, "2025-10-17"), instant_of("2025-11-03T00:30:00Z"));
  // Repeats every 7 days from the planned day: Sat 11-08 -> Mon 11-10.
  EXPECT_EQ(due_of("yellow_card", 1, "2025-10-17"), instant_of("2025-11-10T00:30:00Z"));
}

TEST_F(Ladder, WorkingDaysCountTheHolidayCalendar) {
  // Deadline Thu 2025-10-09, the first working day after 国庆: three working
  // days back skip 10-01..10-08 and count the make-up Sunday 09-28.
  EXPECT_EQ(due_of("reminder", 0, "2025-10-09"), instant_of("2025-09-28T00:30:00Z"));
  // Five working days after Tue 2025-09-30 jump the holiday: 10-09, 10, 11 (Sat, make-up), 13, 14.
  EXPECT_EQ(due_of("bulletin", 0, "2025-09-30"), instant_of("2025-10-14T00:30:00Z"));
}

TEST_F(Ladder, AReminderForADeadlineOnADayOffComesTheWorkingDayBefore) {
  // Deadline Saturday 2025-10-18: the deadline-day reminder on Friday, not Monday.
  EXPECT_EQ(due_of("work_reminder", 0, "2025-10-18"), instant_of("2025-10-17T00:30:00Z"));
  // Deadline Wednesday 2025-10-01, in the National Day holiday: Tuesday 09-30.
  EXPECT_EQ(due_of("work_reminder", 0, "2025-10-01"), instant_of("2025-09-30T00:30:00Z"));
  // Steps after the deadline still move forward: 15 days after 10-18 is Sunday 11-02.
  EXPECT_EQ(due_of("yellow_card", 0, "2025-10-18"), instant_of("2025-11-03T00:30:00Z"));
}

TEST_F(Ladder, AStepDueOnAWeekendNightIsSentOnMondayMorning) {
  EscalationStep late_night = step("evening", StepAnchor::After, 0, SpanUnit::CalendarDays);
  late_night.hours = 4;  // 17:30 + 4 h = Friday 21:30
  EXPECT_EQ(step_due(late_night, 0, date_of("2025-10-17"), rules_),
            instant_of("2025-10-20T00:30:00Z"));
  EXPECT_EQ(next_working_moment(instant_of("2025-10-19T14:00:00Z"), rules_),  // Sun 22:00
            instant_of("2025-10-20T00:30:00Z"));
  EXPECT_EQ(next_working_moment(instant_of("2025-10-20T03:00:00Z"), rules_),  // Mon 11:00
            instant_of("2025-10-20T03:00:00Z"));
  EXPECT_EQ(next_working_moment(instant_of("2025-09-30T10:00:00Z"), rules_),  // Tue 18:00
            instant_of("2025-10-09T00:30:00Z"));  // after the National Day holiday
}

TEST_F(Ladder, AStepFiresOnceForItsDeadline) {
  Issue issue = rectifying("2025-10-17");
  EXPECT_TRUE(due_steps(issue, rules_, instant_of("2025-10-14T00:29:59Z")).empty());
  EXPECT_EQ(next_escalation(issue, rules_), instant_of("2025-10-14T00:30:00Z"));

  const auto due = due_steps(issue, rules_, instant_of("2025-10-14T00:30:00Z"));
  ASSERT_EQ(codes(due), std::vector<std::string>{"reminder"});
  issue = fire(issue, due[0], "2025-10-14T00:30:00Z");
  EXPECT_EQ(issue.version, 3);
  EXPECT_EQ(issue.escalations.at("reminder").deadline, date_of("2025-10-17"));

  EXPECT_TRUE(due_steps(issue, rules_, instant_of("2025-10-16T00:00:00Z")).empty());
  EXPECT_EQ(next_escalation(issue, rules_), instant_of("2025-10-17T00:30:00Z"));
}

TEST_F(Ladder, ARepeatingStepFiresOncePerPeriod) {
  Issue issue = rectifying("2025-10-17");
  for (const char* now : {"2025-10-14T00:30:00Z", "2025-10-17T00:30:00Z", "2025-10-24T00:30:00Z",
                          "2025-11-03T00:30:00Z"}) {
    const auto due = due_steps(issue, rules_, instant_of(now));
    ASSERT_EQ(due.size(), 1u) << now;
    issue = fire(issue, due[0], now);
  }
  EXPECT_EQ(issue.escalations.at("yellow_card").period, 0);
  EXPECT_TRUE(due_steps(issue, rules_, instant_of("2025-11-09T00:00:00Z")).empty());
  EXPECT_EQ(next_escalation(issue, rules_), instant_of("2025-11-10T00:30:00Z"));

  const auto again = due_steps(issue, rules_, instant_of("2025-11-10T00:30:00Z"));
  ASSERT_EQ(codes(again), std::vector<std::string>{"yellow_card"});
  EXPECT_EQ(again[0].period, 1);
  issue = fire(issue, again[0], "2025-11-10T00:30:00Z");
  EXPECT_TRUE(due_steps(issue, rules_, instant_of("2025-11-10T09:00:00Z")).empty());
}

TEST_F(Ladder, AfterDowntimeEachStepFiresOnceForItsLatestPeriod) {
  Issue issue = rectifying("2025-10-17");
  const Instant now = instant_of("2025-11-20T02:00:00Z");  // Thu 11-20, 10:00 local
  const auto due = due_steps(issue, rules_, now);
  EXPECT_EQ(codes(due),
            (std::vector<std::string>{"reminder", "work_reminder", "bulletin", "yellow_card"}));
  // Three weekly periods were missed (11-03, 11-10, 11-17): one firing, the latest.
  EXPECT_EQ(due[3].period, 2);
  EXPECT_EQ(due[3].due, instant_of("2025-11-17T00:30:00Z"));
  EXPECT_EQ(minutes_late(due[3], now), (3 * 24 + 1) * 60 + 30);

  for (const StepDue& d : due) issue = fire(issue, d, "2025-11-20T02:00:00Z");
  EXPECT_TRUE(due_steps(issue, rules_, now).empty());
  EXPECT_EQ(next_escalation(issue, rules_), instant_of("2025-11-24T00:30:00Z"));
  // The message says how late it is.
  const auto values = template_values(issue, due[0], now, rules_, demo_units());
  EXPECT_NE(values.at("late").find("补发"), std::string::npos);
  EXPECT_EQ(template_values(issue, due[3], due[3].due, rules_, demo_units()).at("late"), "");
}

TEST_F(Ladder, LevelsRiseAndANewDeadlineReplansTheLadder) {
  Issue issue = rectifying("2025-10-17");
  const Instant now = instant_of("2025-10-24T00:30:00Z");
  for (const StepDue& d : due_steps(issue, rules_, now)) {
    issue = fire(issue, d, "2025-10-24T00:30:00Z");
  }
  EXPECT_EQ(issue.level, Level::Yellow);

  // 延期 to Friday 11-28: the level starts again and the ladder counts from the new deadline.
  Event extend;
  extend.type = Event::Type::Action;
  extend.action = "extend";
  extend.version = issue.version + 1;
  extend.issue_id = issue.id;
  extend.deadline = Deadline{date_of("2025-11-28"), {}, {}};
  issue = apply(issue, extend);
  EXPECT_EQ(issue.level, Level::Green);
  EXPECT_TRUE(due_steps(issue, rules_, now).empty());
  EXPECT_EQ(next_escalation(issue, rules_), instant_of("2025-11-25T00:30:00Z"));

  // Past the new deadline by 15 days: straight to red, and it stays red.
  const auto late = due_steps(issue, rules_, instant_of("2025-12-15T02:00:00Z"));
  for (const StepDue& d : late) issue = fire(issue, d, "2025-12-15T02:00:00Z");
  EXPECT_EQ(issue.level, Level::Red);
  EXPECT_EQ(issue.escalations.at("bulletin").deadline, date_of("2025-11-28"));
}

TEST_F(Ladder, StepsKeepToTheirFiltersAndToRunningClocks) {
  RuleSet rules = rules_;
  rules.escalation.steps[0].categories = {"C"};
  rules.escalation.steps[1].severities = {"grave"};
  rules.escalation.steps[2].states = {"submitted"};
  Issue issue = rectifying("2025-10-17");
  const Instant now = instant_of("2025-11-20T02:00:00Z");
  EXPECT_EQ(codes(due_steps(issue, rules, now)), std::vector<std::string>{"yellow_card"});

  issue.state = "long_term";  // the clock is paused: nothing escalates
  EXPECT_TRUE(due_steps(issue, rules_, now).empty());
  EXPECT_FALSE(next_escalation(issue, rules_).has_value());
  issue.state = "rectifying";
  issue.deadline.reset();  // not yet given a deadline
  EXPECT_FALSE(next_escalation(issue, rules_).has_value());
}

TEST_F(Ladder, DigestSlotsAreCountedFromTheStartOfWorkingHours) {
  EXPECT_EQ(digest_slot(instant_of("2025-10-14T00:30:00.005Z"), rules_),
            instant_of("2025-10-14T00:30:00Z"));
  EXPECT_EQ(digest_slot(instant_of("2025-10-14T02:17:00Z"), rules_),  // 10:17 local
            instant_of("2025-10-14T01:30:00Z"));
  EXPECT_EQ(digest_slot(instant_of("2025-10-18T03:00:00Z"), rules_),  // Saturday
            instant_of("2025-10-20T00:30:00Z"));
}

TEST_F(Ladder, TargetsAreUnitsRelativeToTheProblem) {
  const UnitTree units = demo_units();
  Issue issue = rectifying("2025-10-17");
  const auto code_of = [&](UnitRelation relation) {
    const Unit* u = target_unit({relation, {}}, issue, units);
    return u != nullptr ? u->code : std::string("none");
  };
  EXPECT_EQ(code_of(UnitRelation::Responsible), "cc.c01.t01.v001");
  EXPECT_EQ(code_of(UnitRelation::Parent), "cc.c01.t01");
  EXPECT_EQ(code_of(UnitRelation::County), "cc.c01");
  EXPECT_EQ(code_of(UnitRelation::City), "cc");
  EXPECT_EQ(code_of(UnitRelation::Lead), "none");
  issue.responsible_unit = "cc.dept.dcs";
  issue.lead_unit = "cc.c02";
  EXPECT_EQ(code_of(UnitRelation::County), "none");
  EXPECT_EQ(code_of(UnitRelation::Lead), "cc.c02");
}

TEST_F(Ladder, TemplatesNameTheProblemsFields) {
  Issue issue = rectifying("2025-10-17");
  const Instant now = instant_of("2025-10-24T00:30:00Z");
  const auto due = due_steps(issue, rules_, now);
  const auto values = template_values(issue, due.back(), now, rules_, demo_units());
  EXPECT_EQ(fill_template("{{step}}：{{title}}，{{ deadline }}到期，超期{{days_overdue}}天，"
                          "{{responsible_unit_name}}，{{level}}，{{unknown}}",
                          values),
            "bulletin：河道垃圾堆积，2025-10-17到期，超期7天，Village 1，yellow，{{unknown}}");
}

TEST_F(Ladder, TheForecastListsEveryFiringInTheWindowInOrder) {
  const Issue issue = rectifying("2025-10-17");
  const auto ahead = steps_between(issue, rules_, instant_of("2025-10-10T00:00:00Z"),
                                   instant_of("2025-11-12T00:00:00Z"));
  EXPECT_EQ(codes(ahead), (std::vector<std::string>{"reminder", "work_reminder", "bulletin",
                                                    "yellow_card", "yellow_card"}));
  EXPECT_EQ(ahead.back().period, 1);
  // Already overdue firings are part of the next wake-up, inside the window.
  const auto overdue = steps_between(issue, rules_, instant_of("2025-10-20T00:00:00Z"),
                                     instant_of("2025-10-21T00:00:00Z"));
  EXPECT_EQ(codes(overdue), (std::vector<std::string>{"reminder", "work_reminder"}));
}

}  // namespace
}  // namespace qingling
