#include "engine/ledger/import_plan.h"

#include <map>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "engine/ledger/columns.h"
#include "engine/ledger/export.h"
#include "engine/ledger/unit_names.h"
#include "engine/sheet/csv.h"
#include "tests/engine/ledger/ledger_fixture.h"

namespace qingling::ledger {
namespace {

using qingling::testing::date_of;
using qingling::testing::deadline_on;
using qingling::testing::demo_rules;
using qingling::testing::ledger_issue;
using qingling::testing::ledger_rules;
using qingling::testing::ledger_units;
using qingling::testing::table_of;
using Fields = std::map<std::string, std::string>;

// Errors as "row|column|message" lines, to compare whole lists at once.
std::string dump(const std::vector<CellError>& errors) {
  std::ostringstream out;
  for (const CellError& e : errors) out << e.row << '|' << e.column << '|' << e.message << '\n';
  return out.str();
}

IssueImportPlan plan(const sheet::Table& table) {
  return plan_issue_import(table, ledger_rules(), ledger_units());
}

TEST(IssueImportPlan, TurnsARowIntoADraftAndAnAssignment) {
  const auto table =
      table_of({"序号", "编号", "问题类别", "问题来源", "严重程度", "问题描述", "所在单位",
                "牵头单位", "责任单位", "责任领导", "整改措施", "整改时限", "完成情况", "备注"},
               {{"1", "XS-001", "责任落实方面", "回头看", "较重", "村级台账缺失", "东溪镇",
                 "cc.c01", "东溪镇", "镇长", "限期补建", "2026年3月5日", "整改中", "第一批"}});
  const IssueImportPlan p = plan(table);
  EXPECT_EQ(dump(p.errors), "");
  EXPECT_EQ(p.assign_action, "assign");
  EXPECT_EQ(p.ignored_columns, std::vector<std::string>{"备注"});
  ASSERT_EQ(p.issues.size(), 1u);
  EXPECT_EQ(p.issues[0].row, 2u);
  EXPECT_EQ(p.issues[0].create, (Fields{{"category", "A"},
                                        {"description", "村级台账缺失"},
                                        {"external_ref", "XS-001"},
                                        {"severity", "serious"},
                                        {"source", "lookback"},
                                        {"title", "村级台账缺失"},
                                        {"unit", "cc.c01.t01"}}));
  EXPECT_EQ(p.issues[0].assign, (Fields{{"deadline", "2026-03-05"},
                                        {"lead_unit", "cc.c01"},
                                        {"measures", "限期补建"},
                                        {"responsible_leader", "镇长"},
                                        {"responsible_unit", "cc.c01.t01"}}));
  EXPECT_EQ(p.issues[0].columns.at("responsible_unit"), "责任单位");
  EXPECT_EQ(p.issues[0].columns.at("title"), "问题描述");  // the title was cut from it
  EXPECT_EQ(p.issues[0].columns.at("external_ref"), "编号");
}

TEST(IssueImportPlan, MatchesCodesInAnyCaseAndLabelsAndLeavesEmptyCodesToThePack) {
  const auto table = table_of({"问题类别", "问题来源", "严重程度", "问题标题"},
                              {{"a", "", "", "一"},
                               {"精准识别与监测帮扶方面", "Carpet", "GRAVE", "二"},
                               {"C", "巡视反馈", "一般", "三"}});
  const IssueImportPlan p = plan(table);
  EXPECT_EQ(dump(p.errors), "");
  ASSERT_EQ(p.issues.size(), 3u);
  EXPECT_EQ(p.issues[0].create, (Fields{{"category", "A"}, {"title", "一"}}));
  EXPECT_EQ(
      p.issues[1].create,
      (Fields{{"category", "B"}, {"source", "carpet"}, {"severity", "grave"}, {"title", "二"}}));
  EXPECT_EQ(
      p.issues[2].create,
      (Fields{
          {"category", "C"}, {"source", "feedback"}, {"severity", "general"}, {"title", "三"}}));
  EXPECT_TRUE(p.issues[0].assign.empty());
}

TEST(IssueImportPlan, ResolvesUnitsByCodeUniqueNameOrFullName) {
  const auto table =
      table_of({"问题类别", "问题标题", "所在单位"}, {{"A", "t", "cc.c02.t01.v01"},
                                                      {"A", "t", "市乡村振兴局"},
                                                      {"A", "t", "石门村"},
                                                      {"A", "t", "月亮村"},
                                                      {"A", "t", "溪桥县白沙镇石门村"},
                                                      {"A", "t", "澄川市望岭区东溪镇石门村"}});
  const IssueImportPlan p = plan(table);
  EXPECT_EQ(p.issues.at(0).create.at("unit"), "cc.c02.t01.v01");
  EXPECT_EQ(p.issues.at(1).create.at("unit"), "cc.dept.xczx");
  EXPECT_EQ(p.issues.at(4).create.at("unit"), "cc.c02.t01.v01");
  EXPECT_EQ(p.issues.at(5).create.at("unit"), "cc.c01.t01.v01");
  EXPECT_EQ(dump(p.errors),
            "4|所在单位|2 units are named \"石门村\": write the full name (望岭区东溪镇石门村, "
            "溪桥县白沙镇石门村) or the code\n"
            "5|所在单位|no unit has the code, name or full name \"月亮村\"\n");
}

TEST(IssueImportPlan, TitleIsTheFirstThirtyCharactersOfTheDescription) {
  const std::string forty =
      "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十";
  const auto table =
      table_of({"问题类别", "问题标题", "问题描述"},
               {{"A", "", forty}, {"A", "", "第一行\n第二行"}, {"A", "自己的标题", forty}});
  const IssueImportPlan p = plan(table);
  EXPECT_EQ(dump(p.errors), "");
  ASSERT_EQ(p.issues.size(), 3u);
  EXPECT_EQ(p.issues[0].create.at("title"), forty.substr(0, 30 * 3));  // 30 code points, 90 bytes
  EXPECT_EQ(p.issues[0].create.at("description"), forty);
  EXPECT_EQ(p.issues[1].create.at("title"), "第一行");
  EXPECT_EQ(p.issues[2].create.at("title"), "自己的标题");
  EXPECT_EQ(p.issues[2].columns.at("title"), "问题标题");
}

TEST(IssueImportPlan, ReadsDeadlinesAsPeopleWriteThem) {
  struct Case {
    std::string text;
    std::string iso;  // "" when it is an error
  };
  const std::vector<Case> cases = {
      {"2026-12-31", "2026-12-31"},
      {"2026-1-5", "2026-01-05"},
      {"2026/1/5", "2026-01-05"},
      {"2026.01.05", "2026-01-05"},
      {"2026年1月5日", "2026-01-05"},
      {"2026年12月31", "2026-12-31"},
      {"2028-02-29", "2028-02-29"},
      {"2026-02-30", ""},
      {"2026-13-01", ""},
      {"2026-00-10", ""},
      {"26-1-5", ""},
      {"2026/1-5", ""},
      {"2026-1-5x", ""},
      {"明年春节前", ""},
      {"20260105", ""},
      {"2026-001-05", ""},
  };
  for (const Case& c : cases) {
    const auto table =
        table_of({"问题类别", "问题标题", "责任单位", "整改时限"}, {{"A", "t", "cc.c01", c.text}});
    const IssueImportPlan p = plan(table);
    if (c.iso.empty()) {
      EXPECT_EQ(dump(p.errors),
                "2|整改时限|expected a date like 2026-12-31, 2026/12/31 or 2026年12月31日\n")
          << c.text;
    } else {
      EXPECT_EQ(dump(p.errors), "") << c.text;
      EXPECT_EQ(p.issues.at(0).assign.at("deadline"), c.iso) << c.text;
    }
  }
}

TEST(IssueImportPlan, ADeadlineNeedsAResponsibleUnit) {
  const auto table = table_of({"问题类别", "问题标题", "牵头单位", "整改措施", "整改时限"},
                              {{"A", "t", "cc.c01", "补建台账", "2026-06-30"}});
  const IssueImportPlan p = plan(table);
  EXPECT_EQ(dump(p.errors), "2|整改时限|a deadline needs someone responsible: fill in 责任单位\n");
  // Without an assignment the problem's own attributes ride on the draft.
  EXPECT_EQ(p.issues.at(0).create.at("lead_unit"), "cc.c01");
  EXPECT_EQ(p.issues.at(0).create.at("measures"), "补建台账");
  EXPECT_TRUE(p.issues.at(0).assign.empty());
}

TEST(IssueImportPlan, ExternalRefRepeatedInTheFileIsAnErrorOnTheLaterRow) {
  const auto table = table_of({"编号", "问题类别", "问题标题"},
                              {{"XS-1", "A", "t"}, {"XS-2", "A", "t"}, {"XS-1", "A", "t"}});
  EXPECT_EQ(dump(plan(table).errors), "4|编号|编号 \"XS-1\" is also on row 2\n");
}

TEST(IssueImportPlan, TitleAndExternalRefAreAtMostTwoHundredBytes) {
  const std::string long_text(201, 'x');
  const auto table = table_of({"编号", "问题类别", "问题标题"},
                              {{long_text, "A", long_text}, {std::string(200, 'y'), "A", "ok"}});
  EXPECT_EQ(dump(plan(table).errors),
            "2|编号|at most 200 bytes (this has 201)\n"
            "2|问题标题|at most 200 bytes (this has 201)\n");
}

TEST(IssueImportPlan, TrimsBlanksIncludingIdeographicSpaces) {
  const auto table =
      table_of({"  问题类别\u3000", "问题标题"}, {{"\u3000 A\t", "\u3000\u3000台账缺失\u3000 "}});
  const IssueImportPlan p = plan(table);
  EXPECT_EQ(dump(p.errors), "");
  EXPECT_EQ(p.issues.at(0).create, (Fields{{"category", "A"}, {"title", "台账缺失"}}));
  EXPECT_EQ(p.issues.at(0).columns.at("category"), "问题类别");
}

TEST(IssueImportPlan, HeaderErrorsAreReportedOnTheHeaderRow) {
  sheet::Table table = table_of({"序号", "标题", "问题标题", "完成情况", "状态", "说明"},
                                {{"1", "a", "b", "整改中", "整改中", ""}});
  table.header_row = 3;
  const IssueImportPlan p = plan(table);
  EXPECT_EQ(dump(p.errors),
            "3|问题标题|the column 问题标题 is given twice (columns B and C)\n"
            "3|状态|the column 完成情况 is given twice (columns D and E)\n"
            "3||the column 问题类别 is missing\n");
  EXPECT_EQ(p.ignored_columns, std::vector<std::string>{"说明"});

  const IssueImportPlan none = plan(table_of({"问题类别", "所在单位"}, {{"A", "cc"}}));
  EXPECT_EQ(dump(none.errors), "1||a column 问题标题 or 问题描述 is needed\n");
}

TEST(IssueImportPlan, ReportsEveryErrorOfEveryRowAtOnce) {
  const auto table =
      table_of({"编号", "问题类别", "问题来源", "问题标题", "问题描述", "责任单位", "整改时限"},
               {{"R1", "G", "网络舆情", "", "", "溪桥县", "2026-02-30"},
                {"R2", "A", "", "好的一行", "", "cc.c02", "2026-04-01"},
                {"R1", "", "", "无类别", "", "", "2026-05-01"},
                {"R4", "B", "", "", "", "不存在的局", ""}});
  const IssueImportPlan p = plan(table);
  const std::string categories =
      "expected one of A (责任落实方面), B (精准识别与监测帮扶方面), "
      "C (“两不愁三保障”及饮水安全方面), D (产业就业与内生动力方面), E (资金项目管理方面), "
      "F (作风建设与基层党建方面)";
  EXPECT_EQ(dump(p.errors),
            "2|问题类别|\"G\" is not known: " + categories + "\n" +
                "2|问题来源|\"网络舆情\" is not known: expected one of feedback (巡视反馈), "
                "carpet (地毯式排查), cross (交叉督查), lookback (回头看), selfcheck (自查自纠)\n"
                "2|问题标题|a problem needs 问题标题 or 问题描述\n"
                "2|整改时限|expected a date like 2026-12-31, 2026/12/31 or 2026年12月31日\n"
                "4|编号|编号 \"R1\" is also on row 2\n"
                "4|问题类别|a category is required: " +
                categories +
                "\n"
                "4|整改时限|a deadline needs someone responsible: fill in 责任单位\n"
                "5|问题标题|a problem needs 问题标题 or 问题描述\n"
                "5|责任单位|no unit has the code, name or full name \"不存在的局\"\n");
  ASSERT_EQ(p.issues.size(), 4u);
  EXPECT_EQ(p.issues[1].assign,
            (Fields{{"deadline", "2026-04-01"}, {"responsible_unit", "cc.c02"}}));
}

TEST(IssueImportPlan, SkipsTemplateRowsWithOnlyExportColumnsFilled) {
  const auto table =
      table_of({"序号", "问题类别", "问题标题", "完成情况"},
               {{"1", "A", "t", ""}, {"2", "", "", ""}, {"3", "\u3000", "", "整改中"}});
  const IssueImportPlan p = plan(table);
  EXPECT_EQ(dump(p.errors), "");
  EXPECT_EQ(p.issues.size(), 1u);
}

TEST(IssueImportPlan, AssignCarriesOnlyFieldsTheAssigningActionDeclares) {
  // The core tests' pack: assign takes responsible_unit and deadline only.
  const auto table = table_of({"问题类别", "问题标题", "责任单位", "整改措施", "整改时限"},
                              {{"A", "t", "cc.c01", "补建", "2026-06-30"}});
  const IssueImportPlan p = plan_issue_import(table, demo_rules(), ledger_units());
  EXPECT_EQ(dump(p.errors), "");
  EXPECT_EQ(p.issues.at(0).assign,
            (Fields{{"deadline", "2026-06-30"}, {"responsible_unit", "cc.c01"}}));
  EXPECT_EQ(p.issues.at(0).create.at("measures"), "补建");

  RuleSet no_deadline = ledger_rules();
  for (ActionDef& a : no_deadline.actions) {
    if (a.name == "assign") a.fields.pop_back();  // drops 整改时限
  }
  const IssueImportPlan q = plan_issue_import(table, no_deadline, ledger_units());
  EXPECT_EQ(dump(q.errors), "2|整改时限|the action assign takes no deadline\n");
}

TEST(IssueImportPlan, AssigningActionIsTheFirstFromTheInitialStateWithAResponsibleUnit) {
  RuleSet rules = ledger_rules();
  ActionDef note;
  note.name = "note";
  note.from = {"discovered"};
  note.fields = {{"measures", FieldType::Text, false, ""}};
  ActionDef hand_over = rules.actions.front();
  hand_over.name = "hand_over";
  hand_over.from = {"submitted"};
  rules.actions.insert(rules.actions.begin(), {note, hand_over});
  const auto table = table_of({"问题类别", "问题标题"}, {{"A", "t"}});
  EXPECT_EQ(plan_issue_import(table, rules, ledger_units()).assign_action, "assign");

  rules.actions.clear();
  const auto assigned = table_of({"问题类别", "问题标题", "责任单位", "整改时限"},
                                 {{"A", "t", "cc.c01", ""}, {"A", "t", "cc.c01", "2026-06-30"}});
  const IssueImportPlan p = plan_issue_import(assigned, rules, ledger_units());
  EXPECT_EQ(p.assign_action, "");
  EXPECT_EQ(p.issues.at(0).create.at("responsible_unit"), "cc.c01");
  EXPECT_TRUE(p.issues.at(0).assign.empty());
  EXPECT_EQ(dump(p.errors), "3|整改时限|the campaign has no action that assigns a deadline\n");
}

// Splits one exported CSV line without quotes in it.
std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

TEST(IssueImportPlan, ReadsBackWhatTheExportWrites) {
  const RuleSet rules = ledger_rules();
  const UnitTree units = ledger_units();
  Issue issue = ledger_issue(7, "C", "饮水安全设施维护不到位", "rectifying");
  issue.source = "lookback";
  issue.severity = "serious";
  issue.unit = "cc.c02.t01.v01";  // one of two villages named 石门村: written by its full name
  issue.responsible_unit = "cc.c02.t01";
  issue.lead_unit = "cc.dept.xczx";
  issue.responsible_leader = "镇党委书记";
  issue.measures = "更换老化管网；建立巡检制度";
  issue.deadline = deadline_on("2026-05-20");
  issue.level = Level::Yellow;
  Issue second = ledger_issue(8, "A", "台账", "discovered");
  second.external_ref = "XS-2026-008";

  const std::string csv =
      ledger_csv(LedgerInput{rules, units, "cc", date_of("2026-06-01"), {issue, second}});
  std::vector<std::string> lines;
  for (std::size_t at = 3; at < csv.size();) {
    const std::size_t end = csv.find("\r\n", at);
    lines.push_back(csv.substr(at, end - at));
    at = end + 2;
  }
  ASSERT_EQ(lines.size(), 3u);
  const auto table = table_of(cells_of(lines[0]), {cells_of(lines[1]), cells_of(lines[2])});
  const IssueImportPlan p = plan_issue_import(table, rules, units);
  EXPECT_EQ(dump(p.errors), "");
  EXPECT_TRUE(p.ignored_columns.empty());
  ASSERT_EQ(p.issues.size(), 2u);
  EXPECT_EQ(p.issues[0].create, (Fields{{"category", "C"},
                                        {"description", issue.description},
                                        {"external_ref", "QL-7"},
                                        {"severity", "serious"},
                                        {"source", "lookback"},
                                        {"title", issue.title},
                                        {"unit", "cc.c02.t01.v01"}}));
  EXPECT_EQ(p.issues[0].assign, (Fields{{"deadline", "2026-05-20"},
                                        {"lead_unit", "cc.dept.xczx"},
                                        {"measures", issue.measures},
                                        {"responsible_leader", "镇党委书记"},
                                        {"responsible_unit", "cc.c02.t01"}}));
  EXPECT_EQ(p.issues[1].create.at("external_ref"), "XS-2026-008");
  EXPECT_EQ(p.issues[1].create.at("unit"), "cc");
  EXPECT_TRUE(p.issues[1].assign.empty());
}

// ---------------------------------------------------------------------------
// Units.

sheet::Table unit_table(std::vector<std::vector<std::string>> rows) {
  return table_of({"单位编码", "单位名称", "上级单位编码", "单位类型", "联系邮箱"},
                  std::move(rows));
}

TEST(UnitImportPlan, BuildsAWholeTreeIntoAnEmptyOne) {
  const auto table = unit_table({{"cc.c01.t01", "东溪镇", "cc.c01", "乡镇", ""},
                                 {"cc", "澄川市", "", "市", "zgb@cc.gov.cn"},
                                 {"cc.c01", "望岭区", "cc", "区", ""},
                                 {"cc.dept.xczx", "市乡村振兴局", "cc", "部门", ""}});
  const UnitImportPlan p = plan_unit_import(table, UnitTree{});
  EXPECT_EQ(dump(p.errors), "");
  EXPECT_EQ(p.added, 4u);
  EXPECT_EQ(p.updated + p.unchanged, 0u);
  const UnitTree tree{p.units};
  EXPECT_EQ(tree.root(), "cc");
  EXPECT_EQ(tree.path("cc.c01.t01"), "/cc/cc.c01/cc.c01.t01/");
  EXPECT_EQ(tree.find("cc.c01.t01")->kind, "township");
  EXPECT_EQ(tree.find("cc.c01")->kind, "county");
  EXPECT_EQ(tree.find("cc")->email, "zgb@cc.gov.cn");
}

TEST(UnitImportPlan, MergesIntoAnExistingTree) {
  const auto table = unit_table({{"cc.c03.t01", "松陂镇", "cc.c03", "乡镇", ""},
                                 {"cc.c01", "望岭区", "cc", "县", ""},
                                 {"cc.c02", "溪桥县（新）", "cc", "县", "xq@cc.gov.cn"},
                                 {"cc.dept.xczx", "市乡村振兴局", "cc", "部门", ""},
                                 {"cc.c03", "松陂县", "cc", "county", ""}});
  const UnitImportPlan p = plan_unit_import(table, ledger_units());
  EXPECT_EQ(dump(p.errors), "");
  EXPECT_EQ(p.added, 2u);
  EXPECT_EQ(p.updated, 1u);
  EXPECT_EQ(p.unchanged, 2u);  // an empty e-mail keeps the known address
  ASSERT_EQ(p.units.size(), 10u);
  EXPECT_EQ(p.units[4].code, "cc.c02");
  EXPECT_EQ(p.units[4].name, "溪桥县（新）");
  EXPECT_EQ(p.units[4].email, "xq@cc.gov.cn");
  EXPECT_EQ(p.units[7].email, "xczx@cc.gov.cn");
  EXPECT_EQ(p.units[8].code, "cc.c03.t01");
  EXPECT_EQ(p.units[9].code, "cc.c03");
}

TEST(UnitImportPlan, ReportsEveryRowErrorAtOnce) {
  const auto table = unit_table({
      {"cc.c01", "望岭区", "cc.c02", "县", ""},           // moves
      {"cc.c09", "", "cc.c99", "镇", "not-an-address"},   // no name, unknown parent and kind
      {"cc.c10", "新区", "", "区", ""},                   // a second root
      {"cc.c11", "高新区", "cc", "区", "a@b@c"},          // bad e-mail
      {"cc.c10", "新区", "cc", "区", ""},                 // repeated code
      {"", "无编码", "cc", "区", ""},                     // no code
      {"cc.c12", "自指", "cc.c12", "区", "x@cc.gov.cn"},  // its own parent
  });
  const UnitImportPlan p = plan_unit_import(table, ledger_units());
  const std::string kinds =
      "expected 市, 县, 区, 乡镇, 村 or 部门 (city, county, township, village, department)";
  EXPECT_EQ(dump(p.errors),
            "2|上级单位编码|a unit cannot move: its problems are filed under its place\n"
            "3|单位名称|a unit name is required\n"
            "3|单位类型|" +
                kinds + "\n" +
                "3|联系邮箱|expected an e-mail address like name@example.gov.cn\n"
                "3|上级单位编码|no unit has the code \"cc.c99\"\n"
                "4|上级单位编码|a new unit needs a parent: the tree has its root (cc)\n"
                "5|联系邮箱|expected an e-mail address like name@example.gov.cn\n"
                "6|单位编码|unit code \"cc.c10\" is also on row 4\n"
                "7|单位编码|a unit code is required\n"
                "8|上级单位编码|a unit cannot be its own parent\n");
}

TEST(UnitImportPlan, AnEmptyTreeTakesExactlyOneRoot) {
  const UnitImportPlan two = plan_unit_import(
      unit_table({{"a", "甲市", "", "市", ""}, {"b", "乙市", "", "市", ""}}), UnitTree{});
  EXPECT_EQ(dump(two.errors),
            "3|上级单位编码|only one unit may have no parent: row 2 is the root\n");

  const UnitImportPlan none = plan_unit_import(
      unit_table({{"a", "甲县", "b", "县", ""}, {"b", "乙县", "a", "县", ""}}), UnitTree{});
  EXPECT_EQ(dump(none.errors),
            "1|上级单位编码|a new tree needs its root: one row with an empty 上级单位编码\n");
}

TEST(UnitImportPlan, ACycleOfNewUnitsIsReportedFromTheTreeCheck) {
  const UnitImportPlan p = plan_unit_import(
      unit_table({{"x1", "甲", "x2", "村", ""}, {"x2", "乙", "x1", "村", ""}}), ledger_units());
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].row, 0u);
  EXPECT_EQ(p.errors[0].column, "");
  EXPECT_NE(p.errors[0].message.find("is its own ancestor"), std::string::npos)
      << p.errors[0].message;
}

TEST(UnitImportPlan, HeaderErrorsStopTheRowsAndUnknownColumnsAreListed) {
  const auto table = table_of({"编码", "单位名称", "名称", "备注", "联系电话"},
                              {{"cc.c05", "新县", "新县", "", ""}});
  const UnitImportPlan p = plan_unit_import(table, ledger_units());
  EXPECT_EQ(dump(p.errors),
            "1|名称|the column 单位名称 is given twice (columns B and C)\n"
            "1||the column 上级单位编码 is missing\n"
            "1||the column 单位类型 is missing\n");
  EXPECT_EQ(p.ignored_columns, (std::vector<std::string>{"备注", "联系电话"}));
  EXPECT_EQ(p.added, 0u);
}

}  // namespace
}  // namespace qingling::ledger

namespace qingling::ledger {
namespace {

TEST(UnitNames, AFullNameTwoUnitsShareNamesNeitherAndTheExportWritesTheirCodes) {
  // 甲 > 乙 > 街道 and 甲乙 > 街道: both full names read 甲乙街道.
  const UnitTree units({{"r", "市", "city", "", ""},
                        {"r.a", "甲", "county", "r", ""},
                        {"r.a.b", "乙", "township", "r.a", ""},
                        {"r.a.b.s", "街道", "village", "r.a.b", ""},
                        {"r.ab", "甲乙", "county", "r", ""},
                        {"r.ab.s", "街道", "township", "r.ab", ""},
                        {"r.c", "丙", "county", "r", ""},
                        {"r.c.s", "街道", "township", "r.c", ""}});
  const UnitNames names(units);
  EXPECT_EQ(names.display("r.a.b.s"), "r.a.b.s");
  EXPECT_EQ(names.display("r.ab.s"), "r.ab.s");
  EXPECT_EQ(names.display("r.c.s"), "丙街道");
  EXPECT_EQ(names.display("r.a.b"), "乙");
  std::string error;
  EXPECT_FALSE(names.resolve("甲乙街道", error));
  EXPECT_NE(error.find("甲乙街道"), std::string::npos) << error;
  EXPECT_EQ(names.resolve("丙街道", error), "r.c.s");
  EXPECT_EQ(names.resolve("市丙街道", error), "r.c.s");
  EXPECT_EQ(names.resolve("r.ab.s", error), "r.ab.s");
}

TEST(IssueImportPlan, ACellTheExportGuardedFromExcelFormulasReadsBackAsWritten) {
  const RuleSet rules = ledger_rules();
  const UnitTree units = ledger_units();
  Issue issue = ledger_issue(9, "A", "=HYPERLINK(\"http://x\")", "discovered");
  issue.measures = "-先排查再整改";
  const std::string csv =
      ledger_csv(LedgerInput{rules, units, "cc", date_of("2026-06-01"), {issue}});
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://x\"\")\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'-先排查再整改,"), std::string::npos) << csv;
  const auto read = sheet::read_csv(csv);
  ASSERT_TRUE(std::holds_alternative<sheet::Table>(read));
  const IssueImportPlan p = plan_issue_import(std::get<sheet::Table>(read), rules, units);
  ASSERT_EQ(p.issues.size(), 1u) << dump(p.errors);
  EXPECT_EQ(p.issues[0].create.at("title"), "=HYPERLINK(\"http://x\")");
  EXPECT_EQ(p.issues[0].create.at("measures"), "-先排查再整改");
}

}  // namespace
}  // namespace qingling::ledger
