#include "engine/core/deadline.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/engine/core/test_rules.h"

namespace qingling {
namespace {

using testing::date_of;
using testing::dates_of;
using testing::demo_rules;
using testing::iso;

Issue problem(std::string category, std::string source, std::string severity) {
  Issue issue;
  issue.category = std::move(category);
  issue.source = std::move(source);
  issue.severity = std::move(severity);
  return issue;
}

std::vector<std::string> milestone_texts(const Deadline& d) {
  std::vector<std::string> out;
  for (const Milestone& m : d.milestones) {
    out.push_back(m.name + " " + format_date(m.date) + (m.provisional ? " provisional" : ""));
  }
  return out;
}

const std::vector<Date> kNationalDay =
    dates_of({"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05", "2025-10-06",
              "2025-10-07", "2025-10-08"});

TEST(PlanDeadline, FirstMatchingRuleWins) {
  const RuleSet rules = demo_rules();
  struct Case {
    std::string name;
    Issue issue;
    std::string rule;
    const char* date;
  };
  // All planned on Fri 2025-09-26. 10 working days: 09-28 (make-up Sunday),
  // 09-29, 09-30, [10-01..10-08 off], 10-09, 10-10, 10-11 (make-up Saturday),
  // 10-13 .. 10-16. 20 working days: then 10-17, 10-20..24, 10-27..30.
  // 30 working days: then 10-31, 11-03..07, 11-10..13.
  const std::vector<Case> cases = {
      {"look-back before severity", problem("A", "lookback", "serious"), "lookback", "2025-10-16"},
      {"look-back of a general problem", problem("B", "lookback", "general"), "lookback",
       "2025-10-16"},
      {"grave", problem("A", "feedback", "grave"), "grave", "2025-10-16"},
      {"serious", problem("C", "carpet", "serious"), "serious", "2025-10-30"},
      {"general falls through to the default", problem("D", "feedback", "general"), "standard",
       "2025-11-13"},
      {"unknown severity falls through too", problem("D", "feedback", ""), "standard",
       "2025-11-13"},
  };
  for (const Case& c : cases) {
    const DeadlineRule* rule = match_deadline_rule(rules, c.issue);
    ASSERT_NE(rule, nullptr) << c.name;
    EXPECT_EQ(rule->name, c.rule) << c.name;
    const auto planned = plan_deadline(rules, c.issue, date_of("2025-09-26"));
    ASSERT_TRUE(planned.has_value()) << c.name;
    EXPECT_EQ(planned->basis.rule, c.rule) << c.name;
    EXPECT_EQ(format_date(planned->date), c.date) << c.name;
  }
}

TEST(PlanDeadline, ExplainsAWorkingDayRule) {
  const RuleSet rules = demo_rules();
  const auto d = plan_deadline(rules, problem("A", "feedback", "general"), date_of("2025-09-26"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(iso(d->date), "2025-11-13");
  EXPECT_EQ(d->basis.kind, "rule");
  EXPECT_EQ(d->basis.rule, "standard");
  EXPECT_EQ(d->basis.pack_version, "2025.1+c0ffee00");
  EXPECT_EQ(iso(d->basis.start), "2025-09-26");
  EXPECT_EQ(d->basis.days, 30);
  EXPECT_EQ(d->basis.unit, SpanUnit::WorkingDays);
  EXPECT_EQ(d->basis.days_counted, 48);  // 09-26 .. 11-13
  // Sat 09-27, Sun 10-12, 10-18/19, 10-25/26, 11-01/02, 11-08/09; the
  // block's Sat 10-04 and Sun 10-05 count as holidays.
  EXPECT_EQ(d->basis.weekend_days_skipped, 10);
  EXPECT_EQ(d->basis.holidays_skipped, kNationalDay);
  EXPECT_EQ(d->basis.makeup_days_counted, dates_of({"2025-09-28", "2025-10-11"}));
  EXPECT_EQ(d->basis.paused_days_added, 0);
  EXPECT_FALSE(d->basis.provisional);
  EXPECT_TRUE(d->basis.reason.empty());
  EXPECT_FALSE(d->basis.previous.has_value());
}

TEST(PlanDeadline, BackSchedulesMilestones) {
  const RuleSet rules = demo_rules();
  const auto d = plan_deadline(rules, problem("A", "feedback", "general"), date_of("2025-09-26"));
  ASSERT_TRUE(d.has_value());
  // Span 09-26 .. 11-13 is 48 days. 30%: 14.4 -> 14 days -> Fri 10-10.
  // 50%: 24 days -> Mon 10-20. 5 working days before Thu 11-13: 11-12,
  // 11-11, 11-10, (weekend), 11-07, 11-06 -> Thu 11-06.
  EXPECT_EQ(milestone_texts(*d), (std::vector<std::string>{"plan 2025-10-10", "midpoint 2025-10-20",
                                                           "final-check 2025-11-06"}));
}

TEST(PlanDeadline, MilestonesRollForwardToAWorkingDay) {
  const RuleSet rules = demo_rules();
  // Given 09-22 .. 10-22 (30 days): 30% is 9 days -> Wed 10-01 and 50% is
  // 15 days -> Tue 10-07, both in the National Day block: both roll to Thu
  // 10-09. 5 working days before Wed 10-22: 10-21, 10-20, 10-17, 10-16, 10-15.
  const Deadline d = given_deadline(rules, problem("A", "feedback", "general"),
                                    date_of("2025-09-22"), date_of("2025-10-22"), "agreed");
  EXPECT_EQ(milestone_texts(d), (std::vector<std::string>{"plan 2025-10-09", "midpoint 2025-10-09",
                                                          "final-check 2025-10-15"}));
}

TEST(PlanDeadline, FixedDateRule) {
  RuleSet rules = demo_rules();
  DeadlineRule year_end;
  year_end.name = "year-end";
  year_end.categories = {"F"};
  year_end.fixed = date_of("2025-12-31");
  year_end.milestones = {{"plan", std::nullopt, SpanUnit::CalendarDays, 30}};
  rules.deadlines.insert(rules.deadlines.begin(), year_end);

  const auto fixed = plan_deadline(rules, problem("F", "feedback", "grave"), date_of("2025-09-26"));
  ASSERT_TRUE(fixed.has_value());
  EXPECT_EQ(iso(fixed->date), "2025-12-31");
  EXPECT_EQ(fixed->basis.kind, "fixed");
  EXPECT_EQ(fixed->basis.rule, "year-end");
  EXPECT_EQ(iso(fixed->basis.start), "2025-09-26");
  EXPECT_EQ(fixed->basis.days_counted, 96);
  EXPECT_TRUE(fixed->basis.holidays_skipped.empty());
  // 30% of 96 days is 28.8 -> 29 days -> Sat 10-25, rolled to Mon 10-27.
  EXPECT_EQ(milestone_texts(*fixed), (std::vector<std::string>{"plan 2025-10-27"}));

  // Other categories still reach the rules below it.
  const auto other = plan_deadline(rules, problem("E", "feedback", "grave"), date_of("2025-09-26"));
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->basis.rule, "grave");
}

TEST(PlanDeadline, CalendarDayRule) {
  RuleSet rules = demo_rules();
  DeadlineRule quick;
  quick.name = "quick";
  quick.within = 15;
  quick.unit = SpanUnit::CalendarDays;
  rules.deadlines = {quick};
  const auto d = plan_deadline(rules, problem("A", "feedback", "general"), date_of("2025-09-26"));
  ASSERT_TRUE(d.has_value());
  // Calendar days ignore the National Day block: 09-26 + 15 = 10-11.
  EXPECT_EQ(iso(d->date), "2025-10-11");
  EXPECT_EQ(d->basis.unit, SpanUnit::CalendarDays);
  EXPECT_EQ(d->basis.days, 15);
  EXPECT_EQ(d->basis.days_counted, 15);
  EXPECT_TRUE(d->basis.holidays_skipped.empty());
}

TEST(PlanDeadline, NoMatchingRuleIsInvalid) {
  RuleSet rules = demo_rules();
  rules.deadlines.pop_back();  // no default rule left
  const auto d = plan_deadline(rules, problem("A", "feedback", "general"), date_of("2025-09-26"));
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().kind, Rejection::Kind::Invalid);
  ASSERT_EQ(d.error().fields.size(), 1u);
  EXPECT_EQ(d.error().fields[0].field, "fields.deadline");
}

TEST(PlanDeadline, ProvisionalPastTheLastKnownYear) {
  const RuleSet rules = demo_rules();
  // From Mon 2025-12-01, 30 working days end on Mon 2026-01-12, counted on
  // weekdays alone past 2025 (2026-01-01 is taken as a working day).
  const auto d = plan_deadline(rules, problem("A", "feedback", "general"), date_of("2025-12-01"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(iso(d->date), "2026-01-12");
  EXPECT_TRUE(d->basis.provisional);
  // Span 42 days: 30% is 12.6 -> 13 -> Sun 12-14, rolled to Mon 12-15; 50%
  // is 21 -> Mon 12-22; 5 working days before 01-12 is Mon 2026-01-05.
  EXPECT_EQ(milestone_texts(*d), (std::vector<std::string>{"plan 2025-12-15", "midpoint 2025-12-22",
                                                           "final-check 2026-01-05 provisional"}));

  const auto inside =
      plan_deadline(rules, problem("A", "feedback", "grave"), date_of("2025-12-01"));
  ASSERT_TRUE(inside.has_value());
  EXPECT_EQ(iso(inside->date), "2025-12-15");
  EXPECT_FALSE(inside->basis.provisional);
}

TEST(PlanDeadline, PercentMilestonePastTheLastKnownYearIsProvisional) {
  const RuleSet rules = demo_rules();
  // 2025-12-01 .. 2026-02-01 is 62 days. 30%: 18.6 -> 19 -> Sat 12-20,
  // rolled to Mon 12-22, a known day. 50%: 31 -> Thu 2026-01-01, taken as a
  // working day only because 2026 is unknown (it will be New Year's Day).
  const Deadline d = given_deadline(rules, problem("A", "feedback", "general"),
                                    date_of("2025-12-01"), date_of("2026-02-01"), "");
  EXPECT_EQ(milestone_texts(d),
            (std::vector<std::string>{"plan 2025-12-22", "midpoint 2026-01-01 provisional",
                                      "final-check 2026-01-26 provisional"}));
}

TEST(PlanDeadline, WithoutACalendarCountsWeekdays) {
  RuleSet rules = demo_rules();
  rules.has_calendar = false;
  const auto d = plan_deadline(rules, problem("A", "feedback", "grave"), date_of("2025-09-26"));
  ASSERT_TRUE(d.has_value());
  // 10 weekdays after Fri 09-26: 09-29 .. 10-03, 10-06 .. 10-10.
  EXPECT_EQ(iso(d->date), "2025-10-10");
  EXPECT_TRUE(d->basis.holidays_skipped.empty());
  EXPECT_EQ(d->basis.weekend_days_skipped, 4);
}

TEST(GivenDeadline, KeepsTheReasonAndTheMatchingRule) {
  const RuleSet rules = demo_rules();
  const Deadline d = given_deadline(rules, problem("A", "feedback", "serious"),
                                    date_of("2025-09-26"), date_of("2025-11-28"), "mayor's order");
  EXPECT_EQ(iso(d.date), "2025-11-28");
  EXPECT_EQ(d.basis.kind, "given");
  EXPECT_EQ(d.basis.rule, "serious");
  EXPECT_EQ(d.basis.reason, "mayor's order");
  EXPECT_EQ(iso(d.basis.start), "2025-09-26");
  EXPECT_EQ(d.basis.days_counted, 63);
  EXPECT_EQ(d.basis.pack_version, rules.version);
  EXPECT_FALSE(d.basis.provisional);
  EXPECT_FALSE(d.basis.previous.has_value());
  EXPECT_TRUE(d.milestones.empty());  // the serious rule has none

  const Deadline later = given_deadline(rules, problem("A", "feedback", "serious"),
                                        date_of("2025-09-26"), date_of("2026-02-27"), "");
  EXPECT_TRUE(later.basis.provisional);
}

TEST(ExtendedDeadline, KeepsTheDerivationAndRecordsThePrevious) {
  const RuleSet rules = demo_rules();
  const Issue issue = problem("A", "feedback", "general");
  const auto planned = plan_deadline(rules, issue, date_of("2025-09-26"));
  ASSERT_TRUE(planned.has_value());
  const Deadline d =
      extended_deadline(rules, issue, *planned, date_of("2025-11-28"), "heavy rain in October");
  EXPECT_EQ(iso(d.date), "2025-11-28");
  EXPECT_EQ(d.basis.kind, "extended");
  EXPECT_EQ(d.basis.rule, "standard");
  EXPECT_EQ(iso(d.basis.previous), "2025-11-13");
  EXPECT_EQ(d.basis.reason, "heavy rain in October");
  EXPECT_EQ(iso(d.basis.start), "2025-09-26");
  EXPECT_EQ(d.basis.days, 30);
  EXPECT_EQ(d.basis.days_counted, 63);  // 09-26 .. 11-28
  EXPECT_EQ(d.basis.holidays_skipped, kNationalDay);
  // Span 63: 30% 18.9 -> 19 -> Wed 10-15; 50% 31.5 -> 32 -> Tue 10-28; 5
  // working days before Fri 11-28 -> Fri 11-21.
  EXPECT_EQ(milestone_texts(d), (std::vector<std::string>{"plan 2025-10-15", "midpoint 2025-10-28",
                                                          "final-check 2025-11-21"}));
}

TEST(WithPausedDays, MovesTheDeadlineOutByWorkingDays) {
  const RuleSet rules = demo_rules();
  const Issue issue = problem("A", "feedback", "general");
  const auto planned = plan_deadline(rules, issue, date_of("2025-09-26"));
  ASSERT_TRUE(planned.has_value());
  // 7 working days after Thu 11-13: 11-14, 11-17 .. 11-21, 11-24.
  const Deadline d = with_paused_days(rules, issue, *planned, 7);
  EXPECT_EQ(iso(d.date), "2025-11-24");
  EXPECT_EQ(d.basis.kind, "rule");
  EXPECT_EQ(d.basis.paused_days_added, 7);
  EXPECT_EQ(iso(d.basis.start), "2025-09-26");
  EXPECT_EQ(d.basis.days_counted, 59);
  EXPECT_FALSE(d.basis.previous.has_value());
  // Span 59: 30% 17.7 -> 18 -> Tue 10-14; 50% 29.5 -> 30 -> Sun 10-26,
  // rolled to Mon 10-27; 5 working days before Mon 11-24 -> Mon 11-17.
  EXPECT_EQ(milestone_texts(d), (std::vector<std::string>{"plan 2025-10-14", "midpoint 2025-10-27",
                                                          "final-check 2025-11-17"}));
  // A second pause adds up: 11-25, 11-26, 11-27.
  const Deadline again = with_paused_days(rules, issue, d, 3);
  EXPECT_EQ(iso(again.date), "2025-11-27");
  EXPECT_EQ(again.basis.paused_days_added, 10);
}

TEST(AddSpan, UsesThePackCalendarForWorkingDays) {
  const RuleSet rules = demo_rules();
  EXPECT_EQ(add_span(rules, date_of("2025-09-30"), 1, SpanUnit::WorkingDays).date,
            date_of("2025-10-09"));
  EXPECT_EQ(add_span(rules, date_of("2025-09-30"), 1, SpanUnit::CalendarDays).date,
            date_of("2025-10-01"));
}

}  // namespace
}  // namespace qingling
