// escalation.yaml: the demo ladder as loaded, and each mistake reported at
// its file, line and column with what was expected.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rules/loader/pack_loader.h"

namespace qingling::rules {
namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

const Date kToday = *parse_date("2026-01-10");

// The demo pack copied into a folder of its own, so that a test can replace
// its escalation.yaml.
class LadderPack {
 public:
  LadderPack() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("qingling_ladder_") + info->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    pack_ = dir_ / "packs" / "demo";
    fs::create_directories(pack_);
    const fs::path demo = QINGLING_SOURCE_DIR "/rules/packs/chengchuan";
    for (const char* name : {"campaign.yaml", "workflow.yaml", "deadlines.yaml"}) {
      fs::copy_file(demo / name, pack_ / name);
    }
    fs::create_directories(dir_ / "calendars");
    fs::copy_file(QINGLING_SOURCE_DIR "/rules/calendars/cn.yaml", dir_ / "calendars" / "cn.yaml");
  }
  ~LadderPack() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void write(const std::string& text) const {
    std::ofstream(pack_ / "escalation.yaml", std::ios::binary) << text;
  }
  LoadResult load() const { return load_pack(pack_, kToday); }
  Lines errors() const {
    Lines out;
    const std::string prefix = (pack_ / "").string();
    for (const LoadError& e : load().errors) {
      std::string s = e.to_string();
      if (s.rfind(prefix, 0) == 0) s.erase(0, prefix.size());
      out.push_back(s);
    }
    return out;
  }

 private:
  fs::path dir_;
  fs::path pack_;  // dir_/packs/demo: its ../../calendars/cn.yaml, as in the repository
};

TEST(EscalationLoader, LoadsTheDemoLadder) {
  const LoadResult r = load_pack(QINGLING_SOURCE_DIR "/rules/packs/chengchuan", kToday);
  for (const LoadError& e : r.errors) ADD_FAILURE() << e.to_string();
  ASSERT_TRUE(r.rules.has_value());
  const Escalation& e = r.rules->escalation;
  EXPECT_EQ(e.hours.start, std::chrono::minutes{8 * 60 + 30});
  EXPECT_EQ(e.hours.end, std::chrono::minutes{17 * 60 + 30});
  EXPECT_EQ(e.digest_window, std::chrono::minutes{60});
  ASSERT_EQ(e.steps.size(), 4u);
  const EscalationStep& reminder = e.steps[0];
  EXPECT_EQ(reminder.code, "reminder");
  EXPECT_EQ(reminder.name, "温馨提示");
  EXPECT_EQ(reminder.anchor, StepAnchor::Before);
  EXPECT_EQ(reminder.days, 3);
  EXPECT_EQ(reminder.unit, SpanUnit::WorkingDays);
  ASSERT_EQ(reminder.notify.size(), 1u);
  EXPECT_EQ(reminder.notify[0].unit, UnitRelation::Responsible);
  EXPECT_EQ(e.steps[1].anchor, StepAnchor::At);
  EXPECT_EQ(e.steps[1].notify.size(), 2u);
  EXPECT_EQ(e.steps[2].level, Level::Yellow);
  EXPECT_EQ(e.steps[2].notify[2].unit, UnitRelation::City);
  EXPECT_EQ(e.steps[2].notify[2].roles, Lines{"supervisor"});
  const EscalationStep& card = e.steps[3];
  EXPECT_EQ(card.name, "黄牌警告");
  EXPECT_EQ(card.anchor, StepAnchor::After);
  EXPECT_EQ(card.days, 15);
  EXPECT_EQ(card.unit, SpanUnit::CalendarDays);
  EXPECT_EQ(card.repeat_days, 7);
  EXPECT_EQ(card.level, Level::Red);
  EXPECT_NE(card.subject.find("{{days_overdue}}"), std::string::npos);
}

TEST(EscalationLoader, APackWithoutALadderHasNone) {
  LadderPack pack;
  const LoadResult r = pack.load();
  ASSERT_TRUE(r.rules.has_value());
  EXPECT_TRUE(r.rules->escalation.steps.empty());
}

TEST(EscalationLoader, ReadsHoursFiltersAndStates) {
  LadderPack pack;
  pack.write(R"(digest_window: 30 minutes
steps:
  - code: evening
    name: 当晚提醒
    after: 4 hours
    notify: [lead, {unit: parent, roles: [supervisor, admin]}]
    subject: "{{title}}"
    body: "{{late}}"
    categories: [C]
    severities: grave
    states: [rectifying, long_term]
)");
  const LoadResult r = pack.load();
  for (const LoadError& e : r.errors) ADD_FAILURE() << e.to_string();
  ASSERT_TRUE(r.rules.has_value());
  const EscalationStep& s = r.rules->escalation.steps.at(0);
  EXPECT_EQ(r.rules->escalation.digest_window, std::chrono::minutes{30});
  EXPECT_EQ(s.hours, 4);
  EXPECT_EQ(s.days, 0);
  EXPECT_EQ(s.notify[0].unit, UnitRelation::Lead);
  EXPECT_EQ(s.notify[1].roles, (Lines{"supervisor", "admin"}));
  EXPECT_EQ(s.categories, Lines{"C"});
  EXPECT_EQ(s.severities, Lines{"grave"});
  EXPECT_EQ(s.states, (Lines{"rectifying", "long_term"}));
}

TEST(EscalationLoader, ReportsEachMistakeWhereItIs) {
  LadderPack pack;
  pack.write(R"(working_hours: {start: "8:30", end: "17:30"}
digest_window: 2 days
steps:
  - code: reminder
    name: 温馨提示
    before: 3 workdays
    notify: [{unit: township}]
    subject: "{{titel}}"
    body: ok
  - code: reminder
    name: 重复
    at: midnight
    after: 1 day
    notify: []
    subject: x
    body: y
  - code: card
    name: 黄牌
    after: 15 days
    repeat: weekly
    level: orange
    notify: [{unit: city, roles: [mayor]}]
    subject: "{{title"
    body: z
    categories: [Z]
    states: [closed]
    colour: red
)");
  const std::string duration =
      R"(expected a duration like "3 working days", "15 days" or "4 hours")";
  EXPECT_EQ(
      pack.errors(),
      (Lines{
          R"(escalation.yaml:1:24: expected a time of day like "08:30")",
          R"(escalation.yaml:2:16: expected a duration like "1 hour" or "30 minutes", at most 24 hours)",
          "escalation.yaml:6:13: " + duration,
          "escalation.yaml:7:21: expected a unit relative to the problem: responsible, "
          "parent, county, city, lead",
          "escalation.yaml:8:14: unknown template name '{{titel}}'; expected one of: id, "
          "title, description, category, category_label, severity, severity_label, state, "
          "state_label, unit_name, deadline, days_overdue, days_left, responsible_unit, "
          "responsible_unit_name, level, step, late, lead_unit_name, responsible_leader, "
          "campaign, measures, due_at",
          "escalation.yaml:10:5: a step takes one of 'before', 'at' or 'after', not several",
          "escalation.yaml:10:11: duplicate step code 'reminder' (first at line 4)",
          "escalation.yaml:14:13: expected at least one recipient",
          R"(escalation.yaml:20:13: expected a period like "every 7 days" (calendar days))",
          "escalation.yaml:21:12: expected one of: green, yellow, red",
          "escalation.yaml:22:35: unknown role 'mayor'; expected one of: admin, "
          "supervisor, inspector, responsible",
          "escalation.yaml:23:14: '{{' without a closing '}}' in the template",
          "escalation.yaml:25:18: unknown category 'Z'",
          "escalation.yaml:26:14: unknown state 'closed'",
          "escalation.yaml:27:5: unknown key 'colour'; expected one of: code, name, before, "
          "at, after, repeat, level, notify, subject, body, categories, severities, states",
      }));
}

TEST(EscalationLoader, ReadsAndChecksCountTriggers) {
  LadderPack pack;
  pack.write(R"(steps: []
counts:
  - code: letter
    name: 整改函
    level: orange
    at_least: 0
    unit_kind: township
    within: 1 week
    notify: [county]
    subject: "{{title}}"
    body: "{{titles}}"
)");
  EXPECT_EQ(pack.errors(),
            (Lines{
                "escalation.yaml:5:12: expected one of: green, yellow, red",
                "escalation.yaml:6:15: expected a number of problems, at least 1",
                R"(escalation.yaml:8:13: expected a window like "7 days" (calendar days))",
                "escalation.yaml:10:14: unknown template name '{{title}}'; expected one of: "
                "unit_name, count, level, days, titles, step, campaign",
            }));
  const LoadResult demo = load_pack(QINGLING_SOURCE_DIR "/rules/packs/chengchuan", kToday);
  ASSERT_TRUE(demo.rules.has_value());
  ASSERT_EQ(demo.rules->escalation.counts.size(), 1u);
  const CountTrigger& letter = demo.rules->escalation.counts[0];
  EXPECT_EQ(letter.name, "整改函");
  EXPECT_EQ(letter.level, Level::Yellow);
  EXPECT_EQ(letter.at_least, 2);
  EXPECT_EQ(letter.unit_kind, "township");
  EXPECT_EQ(letter.window_days, 7);
  EXPECT_TRUE(demo.rules->escalation.weekly_report.mailed);
  EXPECT_EQ(demo.rules->escalation.weekly_report.day, std::chrono::Monday);
}

TEST(EscalationLoader, RequiresWhenAndWhatOfEachStep) {
  LadderPack pack;
  pack.write(R"(steps:
  - code: bare
    name: 空
)");
  EXPECT_EQ(pack.errors(),
            (Lines{
                "escalation.yaml:2:5: missing when the step falls due: 'before', 'at' or 'after' "
                "the deadline",
                "escalation.yaml:2:5: missing required key 'notify'",
                "escalation.yaml:2:5: missing required key 'subject'",
                "escalation.yaml:2:5: missing required key 'body'",
            }));
}

}  // namespace
}  // namespace qingling::rules
