#pragma once

// Campaigns for the report tests, built with the engine's own decisions: the
// demo rules with the demo ladder (DOMAIN.md §7.5), a city of four counties
// and a department, and a log that walks problems through the workflow and
// fires the ladder between actions as the scheduler would.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/escalation.h"
#include "engine/core/issue.h"
#include "engine/core/workflow.h"
#include "engine/report/report.h"
#include "tests/engine/core/test_rules.h"

namespace qingling::testing {

inline EscalationStep ladder_step(std::string code, std::string name, StepAnchor anchor, int days,
                                  SpanUnit unit) {
  EscalationStep s;
  s.code = std::move(code);
  s.name = std::move(name);
  s.anchor = anchor;
  s.days = days;
  s.unit = unit;
  s.notify = {{UnitRelation::Responsible, {}}};
  return s;
}

// 温馨提示 3 working days before, 工作提醒 on the day, 督查通报 5 working days
// after (yellow), 黄牌警告 15 days after (red), weekly again.
inline RuleSet report_rules() {
  RuleSet r = demo_rules();
  r.campaign = {"cc-2025", "澄川市落实上级专项巡视反馈意见整改攻坚行动", "Asia/Shanghai"};
  using enum StepAnchor;
  r.escalation.steps = {
      ladder_step("reminder", "温馨提示", Before, 3, SpanUnit::WorkingDays),
      ladder_step("work_reminder", "工作提醒", At, 0, SpanUnit::CalendarDays),
      ladder_step("bulletin", "督查通报", After, 5, SpanUnit::WorkingDays),
      ladder_step("yellow_card", "黄牌警告", After, 15, SpanUnit::CalendarDays),
  };
  r.escalation.steps[2].level = Level::Yellow;
  r.escalation.steps[3].level = Level::Red;
  r.escalation.steps[3].repeat_days = 7;
  return r;
}

inline UnitTree report_units() {
  return UnitTree{{
      {"cc", "澄川市", "city", "", ""},
      {"cc.c01", "望岭区", "county", "cc", ""},
      {"cc.c01.t01", "东溪镇", "township", "cc.c01", ""},
      {"cc.c02", "溪桥县", "county", "cc", ""},
      {"cc.c03", "松陂县", "county", "cc", ""},
      {"cc.c04", "岚坪县", "county", "cc", ""},
      {"cc.dept.dcs", "市委督查室", "department", "cc", ""},
  }};
}

// Problems walked through the workflow by city-level users. Days are local
// dates ("2025-11-19"), hours local time; ids count from 1.
class CampaignLog {
 public:
  CampaignLog() = default;

  std::int64_t create(const std::string& title, const std::string& category,
                      const std::string& unit, const char* day, int hour = 10) {
    histories_.emplace_back();
    issues_.emplace_back();
    const auto id = static_cast<std::int64_t>(histories_.size());
    IssueDraft draft{{{"title", title}, {"category", category}, {"unit", unit}}};
    Event e = check(decide_create(draft, inspector_, context(day, hour)));
    e.issue_id = id;
    record(id, std::move(e));
    return id;
  }
  void assign(std::int64_t id, const std::string& responsible, const char* deadline,
              const char* day, int hour = 11) {
    act(id, {"assign", {{"responsible_unit", responsible}, {"deadline", deadline}}, ""},
        supervisor_, day, hour);
  }
  // Attaches a photo first when the problem has no evidence yet.
  void submit(std::int64_t id, const char* day, int hour = 10) {
    run_ladder(id, at(day, hour));
    if (issue(id).evidence_count == 0) {
      record(id, check(decide_evidence(issue(id), responsible_, "整改后照片.jpg", "image/jpeg",
                                       std::string(64, 'a'), 1024, context(day, hour))));
    }
    act(id, {"submit", {}, "已整改"}, responsible_, day, hour);
  }
  void verify(std::int64_t id, const char* day, int hour = 10) {
    act(id, {"verify", {{"opinion", "现场核查属实"}}, ""}, inspector_, day, hour);
  }
  void reject(std::int64_t id, const std::string& comment, const char* day, int hour = 10) {
    act(id, {"reject", {}, comment}, inspector_, day, hour);
  }
  void reopen(std::int64_t id, const char* day, int hour = 10) {
    act(id, {"reopen", {}, "回头看发现反弹"}, supervisor_, day, hour);
  }
  void to_long_term(std::int64_t id, const char* day, int hour = 10) {
    act(id, {"to_long_term", {}, ""}, supervisor_, day, hour);
  }
  void extend(std::int64_t id, const char* deadline, const char* day, int hour = 11) {
    act(id, {"extend", {{"deadline", deadline}, {"reason", "汛期施工受阻"}}, ""}, supervisor_, day,
        hour);
  }
  // A problem logged, assigned and cleared on one day.
  std::int64_t cleared(const std::string& unit, const char* deadline, const char* day) {
    const std::int64_t id = create("已整改问题", "A", unit, day, 9);
    assign(id, unit, deadline, day, 9);
    submit(id, day, 10);
    verify(id, day, 11);
    return id;
  }

  // Fires every ladder step falling due up to `until`, at its due time or at
  // the problem's last event when that is later (a scheduler catching up).
  void run_ladder(std::int64_t id, Instant until) {
    for (;;) {
      const auto next = next_escalation(issue(id), rules_);
      if (!next || *next > until) return;
      const Instant now = std::max(*next, issue(id).updated_at);
      const auto due = due_steps(issue(id), rules_, now);
      if (due.empty()) return;
      for (const StepDue& d : due) record(id, escalation_event(issue(id), d, now, rules_, {}));
    }
  }
  void run_ladder(Instant until) {
    for (std::size_t i = 0; i < histories_.size(); ++i) {
      run_ladder(static_cast<std::int64_t>(i) + 1, until);
    }
  }

  Instant at(const char* day, int hour) const {
    return rules_.zone.at_local(date_of(day), std::chrono::minutes{hour * 60});
  }
  const Issue& issue(std::int64_t id) const { return issues_.at(index(id)); }
  std::span<const std::vector<Event>> histories() const { return histories_; }
  const RuleSet& rules() const { return rules_; }
  const UnitTree& units() const { return units_; }

  report::WeeklyReport report(const char* week, const std::string& unit = "cc",
                              report::RankingRules ranking = {}) const {
    return report::weekly_report({rules_, units_, unit, report::parse_iso_week(week).value(),
                                  histories_, ranking, "按周报送整改进展。"});
  }

 private:
  static std::size_t index(std::int64_t id) { return static_cast<std::size_t>(id - 1); }

  DecisionContext context(const char* day, int hour) const {
    return {rules_, units_, at(day, hour)};
  }
  static Event check(Result<Event> decided) {
    if (!decided) throw std::logic_error("refused: " + decided.error().detail);
    return *decided;
  }
  void act(std::int64_t id, const ActionRequest& request, const Actor& actor, const char* day,
           int hour) {
    run_ladder(id, at(day, hour));
    record(id, check(decide_action(issue(id), request, actor, context(day, hour))));
  }
  void record(std::int64_t id, Event e) {
    issues_.at(index(id)) = apply(issue(id), e);
    histories_.at(index(id)).push_back(std::move(e));
  }

  RuleSet rules_ = report_rules();
  UnitTree units_ = report_units();
  Actor inspector_ = actor_of("wang", "cc", {"inspector"});
  Actor supervisor_ = actor_of("zhang", "cc", {"supervisor"});
  Actor responsible_ = actor_of("chen", "cc", {"responsible"});
  std::vector<Issue> issues_;
  std::vector<std::vector<Event>> histories_;
};

// The end of 2025-W47 (Mon 11-17 .. Sun 11-23): local midnight on 11-24.
inline Instant end_of_w47() { return instant_of("2025-11-23T16:00:00Z"); }

// Nine problems whose figures for 2025-W47 and W46 are worked out by hand in
// report_test.cpp. Ids as numbered here.
inline CampaignLog standard_campaign() {
  CampaignLog log;
  // 1: cleared on time before the week.
  log.create("村道路灯损坏", "A", "cc.c01.t01", "2025-10-09");
  log.assign(1, "cc.c01.t01", "2025-10-31", "2025-10-09");
  log.submit(1, "2025-10-28");
  log.verify(1, "2025-10-30");
  // 2: overdue at the end of W46, cleared late during W47.
  log.create("低保数据未比对", "A", "cc.c01", "2025-10-09");
  log.assign(2, "cc.c01", "2025-11-14", "2025-10-09");
  log.submit(2, "2025-11-18");
  log.verify(2, "2025-11-19");
  // 3: deadline Mon 10-20, never done: 督查通报 10-27, 黄牌警告 11-04, 11-11, 11-18.
  log.create("饮水工程未完工", "B", "cc.c02", "2025-10-09");
  log.assign(3, "cc.c02", "2025-10-20", "2025-10-09");
  // 4: new in W46, deadline Wed 11-12: 督查通报 on 11-19.
  log.create("危房改造资金滞留", "B", "cc.c02", "2025-11-10");
  log.assign(4, "cc.c02", "2025-11-12", "2025-11-10");
  // 5: new in W47, due on the last day of the next week.
  log.create("帮扶项目台账缺失", "C", "cc.c03", "2025-11-18");
  log.assign(5, "cc.c03", "2025-11-30", "2025-11-18");
  // 6: long term since 10-27.
  log.create("产业项目长期亏损", "C", "cc.c03", "2025-10-09");
  log.assign(6, "cc.c03", "2025-10-31", "2025-10-09");
  log.to_long_term(6, "2025-10-27");
  // 7: rejected in W46 and again in W47; deadline Fri 11-21.
  log.create("控辍保学台账不全", "D", "cc.c01", "2025-10-09");
  log.assign(7, "cc.c01", "2025-11-21", "2025-10-09");
  log.submit(7, "2025-11-12");
  log.reject(7, "整改不到位", "2025-11-13");
  log.submit(7, "2025-11-17");
  log.reject(7, "照片不清晰", "2025-11-19");
  // 8: cleared in October, reopened in W47 and given until Mon 12-01.
  log.create("医保参保漏登", "A", "cc.c02", "2025-10-09");
  log.assign(8, "cc.c02", "2025-10-31", "2025-10-09");
  log.submit(8, "2025-10-29");
  log.verify(8, "2025-10-30");
  log.reopen(8, "2025-11-20");
  log.extend(8, "2025-12-01", "2025-11-20");
  // 9: new in W47 at the department, not yet assigned.
  log.create("督查台账不实", "E", "cc.dept.dcs", "2025-11-20");
  log.run_ladder(end_of_w47());
  return log;
}

}  // namespace qingling::testing
