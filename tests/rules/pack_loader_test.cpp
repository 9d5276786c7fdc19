#include "rules/loader/pack_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace qingling::rules {
namespace {

namespace fs = std::filesystem;

const Date kJan10 = *parse_date("2026-01-10");
const Date kNov27 = *parse_date("2026-11-27");

// A small pack that loads cleanly; each test replaces one file with a mistake.
constexpr const char* kCampaign = R"(campaign:
  code: demo
  name: 演示
  version: "1"
  time_zone: Asia/Shanghai
  calendar: calendar.yaml
roles: [admin, inspector]
categories:
  - {code: A, label: 甲}
  - {code: B, label: 乙}
sources:
  - {code: carpet, label: 排查}
  - {code: lookback, label: 回头看}
default_source: carpet
severities:
  - {code: grave, label: 严重}
  - {code: general, label: 一般}
default_severity: general
)";

constexpr const char* kCalendar = R"(calendar:
  name: 测试
  first_year: 2026
  last_year: 2026
  days_off:
    2026-10-01: 国庆节
  make_up_days:
    2026-10-10: 国庆节调休
)";

constexpr const char* kWorkflow = R"(states:
  open: {label: 待整改, clock: running}
  closed: {label: 已销号, clock: stopped, cleared: true}
initial: open
create: {roles: [inspector]}
actions:
  close:
    label: 销号
    from: [open]
    to: closed
    roles: [inspector]
  extend:
    label: 延期
    from: open
    roles: [admin]
    fields:
      deadline: {type: date, required: true, label: 延期至}
    deadline: extend
)";

constexpr const char* kDeadlines = R"(deadlines:
  - name: 严重
    when: {severity: grave}
    within: 5 working days
  - name: 其他
    within: 30 days
)";

// A pack in a temporary folder named after the running test, removed with it.
class TempPack {
 public:
  TempPack() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("qingling_") + info->test_suite_name() + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("campaign.yaml", kCampaign);
    write("calendar.yaml", kCalendar);
    write("workflow.yaml", kWorkflow);
    write("deadlines.yaml", kDeadlines);
  }
  ~TempPack() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempPack(const TempPack&) = delete;
  TempPack& operator=(const TempPack&) = delete;

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  LoadResult load(Date today = kJan10) const { return load_pack(dir_, today); }
  std::string prefix() const { return (dir_ / "").string(); }

  // The errors (or warnings) as "file:line:column: message", the folder left out.
  std::vector<std::string> strip(const std::vector<LoadError>& found) const {
    std::vector<std::string> out;
    for (const LoadError& e : found) {
      std::string s = e.to_string();
      if (s.rfind(prefix(), 0) == 0) s.erase(0, prefix().size());
      out.push_back(s);
    }
    return out;
  }
  std::vector<std::string> errors(Date today = kJan10) const { return strip(load(today).errors); }
  std::vector<std::string> warnings(Date today = kJan10) const {
    return strip(load(today).warnings);
  }

 private:
  fs::path dir_;
};

using Lines = std::vector<std::string>;

TEST(PackLoader, LoadsTheDemoPack) {
  const LoadResult r = load_pack(QINGLING_SOURCE_DIR "/rules/packs/chengchuan", kJan10);
  for (const LoadError& e : r.errors) ADD_FAILURE() << e.to_string();
  for (const LoadError& w : r.warnings) ADD_FAILURE() << "warning: " << w.to_string();
  ASSERT_TRUE(r.rules.has_value());
  const RuleSet& rules = *r.rules;

  EXPECT_EQ(rules.campaign.code, "chengchuan");
  EXPECT_EQ(rules.campaign.name, "澄川市落实上级专项巡视反馈意见整改攻坚行动");
  EXPECT_EQ(rules.version.rfind("2026.1+", 0), 0u) << rules.version;
  EXPECT_EQ(rules.version.size(), std::string("2026.1+").size() + 8) << rules.version;
  EXPECT_EQ(rules.zone.name(), "Asia/Shanghai");
  EXPECT_EQ(rules.roles, (Lines{"admin", "supervisor", "inspector", "responsible"}));
  EXPECT_EQ(rules.categories.size(), 6u);
  EXPECT_EQ(rules.find_category("C")->label, "“两不愁三保障”及饮水安全方面");
  EXPECT_EQ(rules.sources.size(), 5u);
  EXPECT_EQ(rules.default_source, "carpet");
  EXPECT_EQ(rules.severities.size(), 3u);
  EXPECT_EQ(rules.default_severity, "general");

  Lines states;
  for (const StateDef& s : rules.states) states.push_back(s.name);
  EXPECT_EQ(states, (Lines{"discovered", "rectifying", "submitted", "cleared", "long_term"}));
  EXPECT_EQ(rules.find_state("rectifying")->clock, DeadlineClock::Running);
  EXPECT_EQ(rules.find_state("long_term")->clock, DeadlineClock::Paused);
  EXPECT_EQ(rules.find_state("discovered")->clock, DeadlineClock::Stopped);
  EXPECT_TRUE(rules.find_state("cleared")->cleared);
  EXPECT_FALSE(rules.find_state("submitted")->cleared);
  EXPECT_EQ(rules.initial_state, "discovered");
  EXPECT_EQ(rules.create_roles, (Lines{"inspector", "supervisor", "admin"}));

  Lines actions;
  for (const ActionDef& a : rules.actions) actions.push_back(a.name);
  EXPECT_EQ(actions, (Lines{"assign", "progress", "submit", "verify", "reject", "reopen", "extend",
                            "to_long_term", "resume", "replan"}));
  const ActionDef& assign = *rules.find_action("assign");
  EXPECT_EQ(assign.label, "交办");
  EXPECT_EQ(assign.from, Lines{"discovered"});
  EXPECT_EQ(assign.to, "rectifying");
  EXPECT_EQ(assign.roles, (Lines{"supervisor", "admin"}));
  EXPECT_EQ(assign.deadline, DeadlineEffect::Plan);
  ASSERT_EQ(assign.fields.size(), 5u);
  EXPECT_EQ(assign.fields[0].name, "responsible_unit");
  EXPECT_EQ(assign.fields[0].type, FieldType::UnitCode);
  EXPECT_TRUE(assign.fields[0].required);
  EXPECT_EQ(assign.fields[4].name, "deadline");
  EXPECT_EQ(assign.fields[4].type, FieldType::IsoDate);
  EXPECT_FALSE(assign.fields[4].required);
  EXPECT_EQ(rules.find_action("progress")->to, "");
  EXPECT_TRUE(rules.find_action("progress")->comment_required);
  EXPECT_TRUE(rules.find_action("submit")->evidence_required);
  EXPECT_EQ(rules.find_action("submit")->fields[0].type, FieldType::Boolean);
  EXPECT_FALSE(rules.find_action("verify")->comment_required);
  EXPECT_EQ(rules.find_action("extend")->deadline, DeadlineEffect::Extend);
  EXPECT_EQ(rules.find_action("replan")->deadline, DeadlineEffect::Replan);
  EXPECT_EQ(rules.find_action("resume")->roles, Lines{"supervisor"});

  ASSERT_EQ(rules.deadlines.size(), 5u);
  EXPECT_EQ(rules.deadlines[0].name, "回头看问题");
  EXPECT_EQ(rules.deadlines[0].sources, Lines{"lookback"});
  EXPECT_EQ(rules.deadlines[1].categories, Lines{"C"});
  EXPECT_EQ(rules.deadlines[1].severities, Lines{"grave"});
  EXPECT_EQ(rules.deadlines[3].within, 20);
  const DeadlineRule& last = rules.deadlines.back();
  EXPECT_TRUE(last.categories.empty() && last.severities.empty() && last.sources.empty());
  EXPECT_EQ(last.within, 30);
  EXPECT_EQ(last.unit, SpanUnit::WorkingDays);
  ASSERT_EQ(last.milestones.size(), 3u);
  EXPECT_EQ(last.milestones[0].percent, 30);
  EXPECT_EQ(last.milestones[2].days_before, 5);
  EXPECT_EQ(last.milestones[2].unit, SpanUnit::WorkingDays);

  ASSERT_TRUE(rules.has_calendar);
  EXPECT_EQ(rules.calendar.first_year(), 2018);
  EXPECT_EQ(rules.calendar.last_year(), 2026);
  // A Monday, off only because the campaign says so.
  const CalendarDay* extra = rules.calendar.exception(*parse_date("2026-12-28"));
  ASSERT_NE(extra, nullptr);
  EXPECT_FALSE(extra->working);
  EXPECT_EQ(extra->name, "市级集中验收日");
}

TEST(PackLoader, LoadsASmallPack) {
  TempPack pack;
  const LoadResult r = pack.load();
  EXPECT_EQ(pack.strip(r.errors), Lines{});
  EXPECT_EQ(pack.strip(r.warnings), Lines{});
  ASSERT_TRUE(r.rules.has_value());
  EXPECT_EQ(r.rules->version.rfind("1+", 0), 0u);
  EXPECT_FALSE(r.rules->calendar.is_working_day(*parse_date("2026-10-01")));
  EXPECT_TRUE(r.rules->calendar.is_working_day(*parse_date("2026-10-10")));
  EXPECT_EQ(r.rules->find_action("extend")->from, Lines{"open"});  // a single name is a list of one
}

TEST(PackLoader, NamesTheAllowedKeysForAnUnknownOne) {
  TempPack pack;
  pack.write("campaign.yaml", R"(campaign:
  code: demo
  name: 演示
  version: "1"
  timezone: Asia/Shanghai
  calendar: calendar.yaml
roles: [admin, inspector]
categories:
  - {code: A, label: 甲, colour: red}
  - {code: B, label: 乙}
sources:
  - {code: carpet, label: 排查}
default_source: carpet
severities:
  - {code: general, label: 一般}
default_severity: general
)");
  pack.write("deadlines.yaml", R"(deadlines:
  - name: 其他
    when: {categroy: A}
    within: 30 days
)");
  EXPECT_EQ(pack.errors(),
            (Lines{"campaign.yaml:2:3: missing required key 'time_zone'",
                   "campaign.yaml:5:3: unknown key 'timezone'; expected one of: code, name, "
                   "version, time_zone, calendar, extra_days_off",
                   "campaign.yaml:9:25: unknown key 'colour'; expected one of: code, label",
                   "deadlines.yaml:3:12: unknown key 'categroy'; expected one of: category, "
                   "severity, source"}));
}

TEST(PackLoader, SaysWhichTypeWasExpected) {
  TempPack pack;
  pack.write("campaign.yaml", R"(campaign:
  code: demo
  name: [演, 示]
  version: "1"
  time_zone: Asia/Shanghai
  calendar: calendar.yaml
roles: {admin: yes}
categories:
  - {code: A, label: 甲}
sources: carpet
default_source: carpet
severities:
  - {code: general, label: 一般}
default_severity: general
)");
  pack.write("calendar.yaml", R"(calendar:
  name: 测试
  first_year: twenty
  last_year: 2026
  days_off: {}
)");
  pack.write("workflow.yaml", R"(states:
  open: {label: 待整改, clock: running, cleared: maybe}
initial: open
create:
actions:
  close: {label: 销号, from: [open], roles: [admin]}
)");
  pack.write("deadlines.yaml", R"(deadlines: {name: 其他, within: 30 days}
)");
  EXPECT_EQ(pack.errors(), (Lines{
                               "campaign.yaml:3:9: expected a string",
                               "campaign.yaml:7:8: expected a name or a list of names",
                               "campaign.yaml:10:10: expected a list",
                               "workflow.yaml:2:47: expected true or false",
                               "workflow.yaml:4:1: expected a mapping after 'create:'",
                               "deadlines.yaml:1:12: expected a list",
                               "calendar.yaml:3:15: expected an integer",
                           }));
}

TEST(PackLoader, ExpectsCodesOfLettersAndDigits) {
  TempPack pack;
  std::string campaign = kCampaign;
  campaign.replace(campaign.find("roles: [admin, inspector]"), 25, "roles: [admin, 督查员]");
  pack.write("campaign.yaml", campaign);
  pack.write("workflow.yaml", R"(states:
  open: {label: 待整改, clock: running}
  closed state: {label: 已销号, clock: stopped, cleared: true}
initial: open
create: {roles: [admin]}
actions:
  close: {label: 销号, from: open, roles: [admin]}
)");
  const std::string code = "expected a code of letters, digits, '_' or '-'";
  EXPECT_EQ(pack.errors(), (Lines{"campaign.yaml:7:16: " + code, "workflow.yaml:3:3: " + code}));
}

TEST(PackLoader, ReportsMissingRequiredKeys) {
  TempPack pack;
  pack.write("workflow.yaml", R"(states:
  open: {label: 待整改}
  closed: {label: 已销号, clock: stopped}
create: {roles: [inspector]}
actions:
  close:
    from: [open]
    to: closed
    roles: [inspector]
)");
  pack.write("deadlines.yaml", R"(deadlines:
  - name: 其他
  - within: 30 days
)");
  EXPECT_EQ(pack.errors(), (Lines{
                               "workflow.yaml:1:1: missing required key 'initial'",
                               "workflow.yaml:2:9: missing required key 'clock'",
                               "workflow.yaml:7:5: missing required key 'label'",
                               "deadlines.yaml:2:5: missing required key 'within' (or 'by' "
                               "for a fixed date)",
                               "deadlines.yaml:3:5: missing required key 'name'",
                           }));
}

TEST(PackLoader, ReportsInvalidYamlAtItsPlace) {
  TempPack pack;
  pack.write("workflow.yaml", R"(states:
  open: {label: 待整改, clock: running
  closed: {label: 已销号, clock: stopped}
)");
  pack.write("deadlines.yaml", "deadlines:\n\t- name: 其他\n");
  EXPECT_EQ(pack.errors(), (Lines{"workflow.yaml:3:9: invalid YAML: end of map flow not found",
                                  "deadlines.yaml:2:2: invalid YAML: illegal block entry"}));
}

TEST(PackLoader, ReportsDuplicateCodesAndNames) {
  TempPack pack;
  pack.write("campaign.yaml", R"(campaign:
  code: demo
  name: 演示
  version: "1"
  time_zone: Asia/Shanghai
  calendar: calendar.yaml
roles: [admin, inspector, admin]
categories:
  - {code: A, label: 甲}
  - {code: A, label: 乙}
sources:
  - {code: carpet, label: 排查}
default_source: carpet
severities:
  - {code: general, label: 一般}
default_severity: general
default_source: carpet
)");
  pack.write("workflow.yaml", R"(states:
  open: {label: 待整改, clock: running}
  open: {label: 已销号, clock: stopped}
initial: open
create: {roles: [inspector]}
actions:
  close: {label: 销号, from: [open], roles: [admin], label: 关闭}
  close: {label: 关闭, from: open, roles: [admin]}
)");
  pack.write("deadlines.yaml", R"(deadlines:
  - name: 其他
    within: 30 days
  - name: 其他
    within: 20 days
    milestones:
      - {name: 自查, at: 50%}
      - {name: 自查, at: 60%}
)");
  EXPECT_EQ(pack.errors(),
            (Lines{
                "campaign.yaml:7:27: duplicate role 'admin' (first at line 7)",
                "campaign.yaml:10:12: duplicate category code 'A' (first at line 9)",
                "campaign.yaml:17:1: duplicate key 'default_source' (first at line 13)",
                "workflow.yaml:3:3: duplicate state 'open' (first at line 2)",
                "workflow.yaml:7:52: duplicate key 'label' (first at line 7)",
                "workflow.yaml:8:3: duplicate action 'close' (first at line 7)",
                "deadlines.yaml:4:11: duplicate rule name '其他' (first at line 2)",
                "deadlines.yaml:8:16: duplicate milestone '自查' (first at line 7)",
            }));
}

TEST(PackLoader, ReportsStatesThatDoNotExist) {
  TempPack pack;
  pack.write("workflow.yaml", R"(states:
  open: {label: 待整改, clock: running}
  closed: {label: 已销号, clock: stopped, cleared: true}
initial: start
create: {roles: [inspector]}
actions:
  close:
    label: 销号
    from: [opne, open]
    to: clsed
    roles: [inspector]
)");
  EXPECT_EQ(pack.errors(),
            (Lines{"workflow.yaml:4:10: unknown state 'start'; expected one of: open, closed",
                   "workflow.yaml:9:12: unknown state 'opne'; expected one of: open, closed",
                   "workflow.yaml:10:9: unknown state 'clsed'; expected one of: open, closed"}));
}

TEST(PackLoader, ReportsRolesNotDeclaredInTheCampaign) {
  TempPack pack;
  pack.write("workflow.yaml", R"(states:
  open: {label: 待整改, clock: running}
  closed: {label: 已销号, clock: stopped, cleared: true}
initial: open
create: {roles: [inspector, clerk]}
actions:
  close: {label: 销号, from: open, to: closed, roles: [inspectr]}
)");
  EXPECT_EQ(pack.errors(),
            (Lines{"workflow.yaml:5:29: unknown role 'clerk'; expected one of: admin, inspector",
                   "workflow.yaml:7:54: unknown role 'inspectr'; expected one of: admin, "
                   "inspector"}));
}

TEST(PackLoader, RefusesAnActionNobodyMayTake) {
  TempPack pack;
  pack.write("workflow.yaml", R"(states:
  open: {label: 待整改, clock: running}
  closed: {label: 已销号, clock: stopped, cleared: true}
initial: open
create: {roles: [inspector]}
actions:
  close: {label: 销号, from: open, to: closed, roles: []}
  drop:
    label: 撤销
    from: open
    to: closed
)");
  EXPECT_EQ(pack.errors(),
            (Lines{"workflow.yaml:7:53: action 'close' has no roles: an action nobody may take",
                   "workflow.yaml:9:5: action 'drop' has no roles: an action nobody may take"}));
}

TEST(PackLoader, WarnsOfAStateNoActionReaches) {
  TempPack pack;
  pack.write("workflow.yaml", R"(states:
  open: {label: 待整改, clock: running}
  closed: {label: 已销号, clock: stopped, cleared: true}
  archived: {label: 已归档, clock: stopped}
initial: open
create: {roles: [inspector]}
actions:
  close: {label: 销号, from: open, to: closed, roles: [inspector]}
  archive: {label: 归档, from: archived, to: closed, roles: [admin]}
)");
  const LoadResult r = pack.load();
  EXPECT_EQ(pack.strip(r.errors), Lines{});
  EXPECT_EQ(pack.strip(r.warnings),
            Lines{"workflow.yaml:4:3: state 'archived' cannot be reached from the initial state "
                  "'open' by any action"});
  EXPECT_TRUE(r.rules.has_value());
}

TEST(PackLoader, RefusesWorkingDaysWithoutACalendar) {
  TempPack pack;
  pack.write("campaign.yaml", R"(campaign:
  code: demo
  name: 演示
  version: "1"
  time_zone: Asia/Shanghai
  extra_days_off:
    - {date: 2026-12-28, name: 验收日}
roles: [admin, inspector]
categories:
  - {code: A, label: 甲}
sources:
  - {code: carpet, label: 排查}
default_source: carpet
severities:
  - {code: grave, label: 严重}
  - {code: general, label: 一般}
default_severity: general
)");
  pack.write("deadlines.yaml", R"(deadlines:
  - name: 严重
    when: {severity: grave}
    within: 5 working days
  - name: 其他
    within: 30 days
    milestones:
      - {name: 自查, before: 2 working days}
)");
  EXPECT_EQ(pack.errors(),
            (Lines{"campaign.yaml:6:3: extra_days_off needs a calendar (campaign: calendar:)",
                   "deadlines.yaml:4:13: working days need a calendar, and campaign.yaml names "
                   "none (add campaign: calendar:, or count in days)",
                   "deadlines.yaml:8:28: working days need a calendar, and campaign.yaml names "
                   "none (add campaign: calendar:, or count in days)"}));
}

TEST(PackLoader, ExpectsDurationsInDaysOrWorkingDays) {
  TempPack pack;
  pack.write("deadlines.yaml", R"(deadlines:
  - name: 甲
    when: {category: A}
    within: 5 weekdays
  - name: 乙
    when: {category: B}
    within: 10
  - name: 其他
    within: 0 days
    milestones:
      - {name: 方案, at: 150%}
      - {name: 自查, before: 2 wd}
      - {name: 验收, at: 50%, before: 1 day}
      - {name: 上报, at: half}
)");
  const std::string duration = R"(expected a duration like "10 days" or "10 working days")";
  const std::string percent = R"(expected a percentage like "30%" (1% to 99%))";
  EXPECT_EQ(pack.errors(), (Lines{
                               "deadlines.yaml:4:13: " + duration,
                               "deadlines.yaml:7:13: " + duration,
                               "deadlines.yaml:9:13: " + duration,
                               "deadlines.yaml:11:24: " + percent,
                               "deadlines.yaml:12:28: " + duration,
                               "deadlines.yaml:13:29: a milestone takes either 'at' or 'before', "
                               "not both",
                               "deadlines.yaml:14:24: " + percent,
                           }));
}

TEST(PackLoader, RefusesAMilestoneBeforeTheStart) {
  TempPack pack;
  pack.write("deadlines.yaml", R"(deadlines:
  - name: 其他
    within: 10 working days
    milestones:
      - {name: 自查, before: 10 working days}
      - {name: 复核, before: 9 working days}
      - {name: 通报, before: 12 days}
)");
  EXPECT_EQ(pack.errors(),
            Lines{"deadlines.yaml:5:28: a milestone 10 working days before the deadline falls on "
                  "or before the start of a rule of 10 such days"});
}

TEST(PackLoader, ExpectsDatesAsYearMonthDay) {
  TempPack pack;
  pack.write("campaign.yaml", R"(campaign:
  code: demo
  name: 演示
  version: "1"
  time_zone: Asia/Shanghai
  calendar: calendar.yaml
  extra_days_off:
    - {date: 2026-02-30, name: 验收日}
    - {date: 2026-12-28, name: 验收日}
    - {date: 2026-12-28, name: 再验收}
roles: [admin, inspector]
categories:
  - {code: A, label: 甲}
sources:
  - {code: carpet, label: 排查}
default_source: carpet
severities:
  - {code: grave, label: 严重}
  - {code: general, label: 一般}
default_severity: general
)");
  pack.write("calendar.yaml", R"(calendar:
  name: 测试
  first_year: 2026
  last_year: 2026
  days_off:
    2026-1-1: 元旦
    2025-12-31: 跨年
    2026-10-01: 国庆节
  make_up_days:
    2026-10-01: 国庆节调休
    2026-10-12: 国庆节调休
)");
  pack.write("deadlines.yaml", R"(deadlines:
  - name: 年底前
    by: 2026/12/31
  - name: 其他
    within: 30 days
    by: 2026-12-31
)");
  const std::string date = "expected a date like 2026-12-31 (YYYY-MM-DD)";
  EXPECT_EQ(pack.errors(),
            (Lines{"campaign.yaml:8:14: " + date,
                   "campaign.yaml:10:14: duplicate day off '2026-12-28' (first at line 9)",
                   "deadlines.yaml:3:9: " + date,
                   "deadlines.yaml:6:5: a rule takes either 'within' or 'by', not both",
                   "calendar.yaml:6:5: " + date,
                   "calendar.yaml:7:5: 2025-12-31 lies outside the calendar's years 2026 to 2026",
                   "calendar.yaml:10:5: duplicate date '2026-10-01' (first at line 8)",
                   "calendar.yaml:11:5: a make-up working day must be a Saturday or Sunday; "
                   "2026-10-12 is a Monday"}));
}

TEST(PackLoader, RefusesAnUnknownTimeZone) {
  TempPack pack;
  std::string campaign = kCampaign;
  campaign.replace(campaign.find("Asia/Shanghai"), 13, "Asia/Shanghi");
  pack.write("campaign.yaml", campaign);
  EXPECT_EQ(pack.errors(), Lines{"campaign.yaml:5:14: unknown time zone 'Asia/Shanghi'; expected "
                                 "an IANA name like Asia/Shanghai"});
}

TEST(PackLoader, RefusesUnknownCodesInConditionsAndDefaults) {
  TempPack pack;
  std::string campaign = kCampaign;
  campaign.replace(campaign.find("default_source: carpet"), 22, "default_source: feedback");
  campaign.replace(campaign.find("default_severity: general"), 25, "default_severity: normal");
  pack.write("campaign.yaml", campaign);
  pack.write("deadlines.yaml", R"(deadlines:
  - name: 甲
    when: {category: Z, severity: [grave, severe], source: feedback}
    within: 10 days
  - name: 其他
    within: 30 days
)");
  EXPECT_EQ(
      pack.errors(),
      (Lines{"campaign.yaml:14:17: unknown source 'feedback'; expected one of: carpet, "
             "lookback",
             "campaign.yaml:18:19: unknown severity 'normal'; expected one of: grave, general",
             "deadlines.yaml:3:22: unknown category 'Z'; expected one of: A, B",
             "deadlines.yaml:3:43: unknown severity 'severe'; expected one of: grave, general",
             "deadlines.yaml:3:60: unknown source 'feedback'; expected one of: carpet, "
             "lookback"}));
}

TEST(PackLoader, RefusesAnExtensionWithoutARequiredDeadlineField) {
  TempPack pack;
  pack.write("workflow.yaml", R"(states:
  open: {label: 待整改, clock: running}
initial: open
create: {roles: [inspector]}
actions:
  extend:
    label: 延期
    from: open
    roles: [admin]
    fields:
      deadline: {type: date, label: 延期至}
    deadline: extend
  postpone:
    label: 缓办
    from: open
    roles: [admin]
    deadline: extend
  plan:
    label: 交办
    from: open
    roles: [admin]
    fields:
      deadline: {type: text, label: 整改时限}
    deadline: plan
)");
  const std::string needs =
      "'deadline: extend' needs a required field 'deadline' of type date (fields: deadline: "
      "{type: date, required: true, label: ...})";
  EXPECT_EQ(pack.errors(),
            (Lines{"workflow.yaml:12:15: " + needs, "workflow.yaml:17:15: " + needs,
                   "workflow.yaml:23:24: the field 'deadline' must have type: date"}));
}

TEST(PackLoader, ReportsAMissingCalendarAtItsKey) {
  TempPack pack;
  std::string campaign = kCampaign;
  campaign.replace(campaign.find("calendar.yaml"), 13, "../nowhere/cn.yaml");
  pack.write("campaign.yaml", campaign);
  const fs::path expected = (fs::path(pack.prefix()) / "../nowhere/cn.yaml").lexically_normal();
  // Working-day rules are not blamed as well: the campaign did name a calendar.
  EXPECT_EQ(pack.errors(),
            Lines{"campaign.yaml:6:3: calendar file not found: " + expected.string()});
}

TEST(PackLoader, ReportsAMissingPackFile) {
  TempPack pack;
  fs::remove(fs::path(pack.prefix()) / "deadlines.yaml");
  EXPECT_EQ(pack.errors(), Lines{"deadlines.yaml:1:1: cannot read the file"});
}

TEST(PackLoader, ReportsEveryMistakeOfAPackAtOnce) {
  TempPack pack;
  std::string campaign = kCampaign;
  campaign.replace(campaign.find("Asia/Shanghai"), 13, "Mars/Olympus");
  pack.write("campaign.yaml", campaign);
  pack.write("workflow.yaml", R"(states:
  open: {label: 待整改, clock: ticking}
  closed: {label: 已销号, clock: stopped, cleared: true}
initial: open
create: {roles: [inspector]}
actions:
  close: {label: 销号, from: [open], to: shut, roles: [boss]}
  extend: {label: 延期, from: [open], roles: [admin], deadline: extend}
)");
  pack.write("deadlines.yaml", R"(deadlines:
  - name: 严重
    when: {severity: grave}
    within: 5 working dayz
  - name: 其他
    within: 30 days
    colour: red
)");
  EXPECT_EQ(pack.errors(),
            (Lines{"campaign.yaml:5:14: unknown time zone 'Mars/Olympus'; expected an IANA name "
                   "like Asia/Shanghai",
                   "workflow.yaml:2:29: expected one of: running, paused, stopped",
                   "workflow.yaml:7:40: unknown state 'shut'; expected one of: open, closed",
                   "workflow.yaml:7:54: unknown role 'boss'; expected one of: admin, inspector",
                   "workflow.yaml:8:63: 'deadline: extend' needs a required field 'deadline' of "
                   "type date (fields: deadline: {type: date, required: true, label: ...})",
                   "deadlines.yaml:4:13: expected a duration like \"10 days\" or \"10 working "
                   "days\"",
                   "deadlines.yaml:7:5: unknown key 'colour'; expected one of: name, when, within, "
                   "by, milestones"}));
}

TEST(PackLoader, VersionFollowsTheContent) {
  TempPack pack;
  const std::string first = pack.load().rules.value().version;
  EXPECT_EQ(pack.load().rules.value().version, first);
  pack.write("deadlines.yaml", std::string(kDeadlines) + "# 注释\n");
  const std::string second = pack.load().rules.value().version;
  EXPECT_NE(second, first);
  pack.write("calendar.yaml", std::string(kCalendar) + "# 2027 年安排尚未公布\n");
  pack.write("deadlines.yaml", kDeadlines);
  const std::string third = pack.load().rules.value().version;
  EXPECT_NE(third, first);
  EXPECT_NE(third, second);
  for (const std::string& v : {first, second, third}) {
    EXPECT_EQ(v.size(), 10u) << v;
    EXPECT_EQ(v.rfind("1+", 0), 0u) << v;
  }
}

TEST(PackLoader, WarnsWhenTheCalendarIsAboutToRunOut) {
  const fs::path dir = QINGLING_SOURCE_DIR "/rules/packs/chengchuan";
  const LoadResult late = load_pack(dir, kNov27);
  EXPECT_TRUE(late.errors.empty());
  ASSERT_EQ(late.warnings.size(), 1u);
  const LoadError& w = late.warnings[0];
  EXPECT_EQ(fs::path(w.file), (dir / "../../calendars/cn.yaml").lexically_normal());
  EXPECT_EQ(w.line, 6);  // last_year: 2026
  EXPECT_EQ(w.column, 14);
  EXPECT_EQ(w.message,
            "the calendar's last known year is 2026 (its last day, 2026-12-31, is 34 days after "
            "2026-11-27): dates after it are counted on weekdays alone and flagged provisional "
            "until the next year's days off are added");
  EXPECT_TRUE(load_pack(dir, kJan10).warnings.empty());
}

TEST(PackLoader, WarnsWhenNoRuleMatchesEveryProblem) {
  TempPack pack;
  pack.write("deadlines.yaml", R"(deadlines:
  - name: 严重
    when: {severity: grave}
    within: 5 working days
)");
  EXPECT_EQ(pack.warnings(),
            Lines{"deadlines.yaml:2:3: no rule matches every problem (one with no 'when'): a "
                  "problem no rule matches must be given its deadline by hand when assigned"});
  pack.write("deadlines.yaml", R"(deadlines:
  - name: 其他
    within: 30 days
  - name: 严重
    when: {severity: grave}
    within: 5 working days
)");
  EXPECT_EQ(pack.warnings(), Lines{"deadlines.yaml:4:5: rule '严重' is never used: rule '其他' "
                                   "above it matches every problem"});
}

TEST(PackLoader, SummarisesALoadedPack) {
  const LoadResult r = load_pack(QINGLING_SOURCE_DIR "/rules/packs/chengchuan", kJan10);
  ASSERT_TRUE(r.rules.has_value());
  EXPECT_EQ(summary(*r.rules), "澄川市落实上级专项巡视反馈意见整改攻坚行动 (chengchuan), version " +
                                   r.rules->version +
                                   "\n6 categories, 5 sources, 3 severities, 4 roles\n"
                                   "5 states, 10 actions, 5 deadline rules\n"
                                   "4 ladder steps, 1 count triggers, weekly report mailed\n"
                                   "calendar 2018 to 2026, time zone Asia/Shanghai\n");
}

}  // namespace
}  // namespace qingling::rules

namespace qingling::rules {
namespace {

TEST(PackLoaderEvidence, ReadsTheLimitsAndTypes) {
  TempPack pack;
  pack.write("campaign.yaml", std::string(kCampaign) + R"(evidence:
  max_file_size: 512 KB
  max_problem_size: 2 MB
  types: [image/*, application/pdf]
)");
  const LoadResult loaded = pack.load();
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors.front().to_string();
  const EvidenceRules& e = loaded.rules->evidence;
  EXPECT_EQ(e.max_file_bytes, 512 * 1024);
  EXPECT_EQ(e.max_problem_bytes, 2 * 1024 * 1024);
  EXPECT_TRUE(e.allows("image/heic"));
  EXPECT_TRUE(e.allows("application/pdf"));
  EXPECT_FALSE(e.allows("text/plain"));
  EXPECT_FALSE(e.allows("imagex/png"));
}

TEST(PackLoaderEvidence, ReportsBadSizesAndTypesAtTheirPlace) {
  TempPack pack;
  const std::string campaign = kCampaign;
  const int line = static_cast<int>(std::count(campaign.begin(), campaign.end(), '\n')) + 1;
  pack.write("campaign.yaml", campaign + R"(evidence:
  max_file_size: 20 MX
  max_problem_size: 0 MB
  types: [jpeg, "image/png; q=1"]
  tpyes: []
)");
  const auto at = [&](int l, int c) {
    return "campaign.yaml:" + std::to_string(line + l) + ":" + std::to_string(c) + ": ";
  };
  EXPECT_EQ(pack.errors(),
            (Lines{at(1, 18) + "expected a size like 20 MB, 512 KB or 1 GB (at most 1 TB)",
                   at(2, 21) + "expected a size like 20 MB, 512 KB or 1 GB (at most 1 TB)",
                   at(3, 3) + "expected at least one media type",
                   at(3, 11) + "expected a media type like image/jpeg, application/pdf or image/*",
                   at(3, 17) + "expected a media type like image/jpeg, application/pdf or image/*",
                   at(4, 3) + "unknown key 'tpyes'; expected one of: max_file_size, "
                              "max_problem_size, types"}));
}

}  // namespace
}  // namespace qingling::rules
