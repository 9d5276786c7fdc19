#include "engine/ledger/export.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/ledger/columns.h"
#include "tests/engine/ledger/ledger_fixture.h"

namespace qingling::ledger {
namespace {

using qingling::testing::date_of;
using qingling::testing::deadline_on;
using qingling::testing::instant_of;
using qingling::testing::ledger_issue;
using qingling::testing::ledger_rules;
using qingling::testing::ledger_units;

// Reads a workbook back with openpyxl (Debian's python3-openpyxl, an
// independent reader) and prints one line per fact: sheet names, each
// sheet's frozen cell, filter range and row count, and every non-empty
// cell as "sheet!A1<TAB>python type<TAB>value<TAB>number format".
constexpr const char* kDumpScript = R"PY(
import datetime, sys
import openpyxl

def text(v):
    if isinstance(v, datetime.datetime):
        v = v.isoformat()
    return str(v).replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")

wb = openpyxl.load_workbook(sys.argv[1])
print("sheets\t" + "|".join(wb.sheetnames))
for ws in wb.worksheets:
    print(ws.title + "\tfreeze\t" + str(ws.freeze_panes))
    print(ws.title + "\tfilter\t" + str(ws.auto_filter.ref))
    print(ws.title + "\tmax_row\t" + str(ws.max_row))
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            print(ws.title + "!" + c.coordinate + "\t" + type(c.value).__name__ + "\t" + text(c.value) + "\t" + c.number_format)
)PY";

struct CellDump {
  std::string type;
  std::string value;
  std::string format;
};

// What openpyxl saw in a workbook: facts ("sheets", "<sheet>\tfreeze"…) and cells.
struct WorkbookDump {
  std::map<std::string, std::string> facts;
  std::map<std::string, CellDump> cells;

  std::string fact(const std::string& key) const {
    auto it = facts.find(key);
    return it == facts.end() ? "<none>" : it->second;
  }
  // "type value" of a cell, "<empty>" when it has no value.
  std::string cell(const std::string& key) const {
    auto it = cells.find(key);
    return it == cells.end() ? "<empty>" : it->second.type + " " + it->second.value;
  }
};

// A file name unique to this test and process, in the temporary directory.
std::filesystem::path temp_path(const std::string& suffix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::filesystem::temp_directory_path() / ("qingling-ledger-" + std::string(info->name()) +
                                                   "-" + std::to_string(::getpid()) + suffix);
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

WorkbookDump read_back(const std::string& bytes) {
  const auto book = temp_path(".xlsx");
  const auto script = temp_path(".py");
  std::ofstream(book, std::ios::binary) << bytes;
  std::ofstream(script) << kDumpScript;
  const std::string command = "/usr/bin/python3 " + script.string() + " " + book.string() + " 2>&1";
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    const int status = ::pclose(pipe);
    EXPECT_EQ(status, 0) << output;
  } else {
    ADD_FAILURE() << "cannot run python3";
  }
  std::filesystem::remove(book);
  std::filesystem::remove(script);

  WorkbookDump dump;
  for (const std::string& line : split(output, '\n')) {
    if (line.empty()) continue;
    const auto parts = split(line, '\t');
    if (parts.size() == 2) {
      dump.facts[parts[0]] = parts[1];
    } else if (parts.size() == 3) {
      dump.facts[parts[0] + "\t" + parts[1]] = parts[2];
    } else if (parts.size() == 4) {
      dump.cells[parts[0]] = {parts[1], parts[2], parts[3]};
    } else {
      ADD_FAILURE() << "unexpected line from the reader: " << line;
    }
  }
  return dump;
}

// Five problems of 澄川市 on 2026-03-20: one overdue and yellow in a village
// of 望岭区, one cleared in 溪桥县, one held by the city itself, one red at the
// 市乡村振兴局, and one overdue in a category the pack no longer has.
std::vector<Issue> campaign_issues() {
  std::vector<Issue> issues;
  Issue a = ledger_issue(1, "A", "村级巩固衔接工作台账未及时更新", "rectifying");
  a.external_ref = "XS-2026-001";
  a.description = "涉及东溪镇3个村,其中\"石门村\"台账缺失\n需补建";
  a.unit = "cc.c01.t01.v01";
  a.responsible_unit = "cc.c01.t01";
  a.lead_unit = "cc.c01";
  a.responsible_leader = "区委副书记";
  a.measures = "逐村核查台账，缺失的限期补建";
  a.deadline = deadline_on("2026-03-10");
  a.level = Level::Yellow;
  a.last_note = Note{"progress", "已完成2个村补建", instant_of("2026-03-18T17:00:00Z")};
  issues.push_back(a);

  Issue b = ledger_issue(2, "A", "帮扶资金拨付滞后", "cleared");
  b.responsible_unit = "cc.c02";
  b.deadline = deadline_on("2026-03-31");
  b.cleared_at = instant_of("2026-03-15T03:00:00Z");
  issues.push_back(b);

  Issue c = ledger_issue(3, "C", "饮水安全设施维护不到位", "discovered");
  c.source = "lookback";
  c.severity = "grave";
  issues.push_back(c);

  Issue d = ledger_issue(4, "C", "监测对象识别不准", "rectifying");
  d.responsible_unit = "cc.dept.xczx";
  d.deadline = deadline_on("2026-04-30");
  d.level = Level::Red;
  issues.push_back(d);

  Issue e = ledger_issue(5, "Z", "已撤销类别下的问题", "rectifying");
  e.responsible_unit = "cc.c01.t01.v01";
  e.deadline = deadline_on("2026-03-01");
  issues.push_back(e);
  return issues;
}

TEST(LedgerXlsx, SummarySheetCountsProblemsByChildUnitOfTheScope) {
  const RuleSet rules = ledger_rules();
  const UnitTree units = ledger_units();
  const WorkbookDump dump = read_back(
      ledger_xlsx(LedgerInput{rules, units, "cc", date_of("2026-03-20"), campaign_issues()}));

  EXPECT_EQ(dump.fact("sheets"),
            "汇总|责任落实方面|精准识别与监测帮扶方面|“两不愁三保障”及饮水安全方面|"
            "产业就业与内生动力方面|资金项目管理方面|作风建设与基层党建方面|其他");
  EXPECT_EQ(dump.cell("汇总!A1"), "str 澄川市整改台账汇总（截至2026-03-20）");
  EXPECT_EQ(dump.fact("汇总\tfreeze"), "B3");
  EXPECT_EQ(dump.fact("汇总\tmax_row"), "7");
  struct Row {
    const char* unit;
    int total, cleared, open, overdue;
    const char* rate;
  };
  const std::vector<Row> expected = {
      {"望岭区", 2, 0, 2, 2, "0"},       {"溪桥县", 1, 1, 0, 0, "1"},
      {"市乡村振兴局", 1, 0, 1, 0, "0"}, {"澄川市本级", 1, 0, 1, 0, "0"},
      {"合计", 5, 1, 4, 2, "0.2"},
  };
  const std::vector<std::string> header = {"单位",   "问题总数", "已销号",
                                           "整改中", "超期",     "销号率"};
  for (std::size_t c = 0; c < header.size(); ++c) {
    EXPECT_EQ(dump.cell("汇总!" + std::string(1, static_cast<char>('A' + c)) + "2"),
              "str " + header[c]);
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const std::string r = std::to_string(i + 3);
    const Row& e = expected[i];
    EXPECT_EQ(dump.cell("汇总!A" + r), std::string("str ") + e.unit);
    EXPECT_EQ(dump.cell("汇总!B" + r), "int " + std::to_string(e.total)) << e.unit;
    EXPECT_EQ(dump.cell("汇总!C" + r), "int " + std::to_string(e.cleared)) << e.unit;
    EXPECT_EQ(dump.cell("汇总!D" + r), "int " + std::to_string(e.open)) << e.unit;
    EXPECT_EQ(dump.cell("汇总!E" + r), "int " + std::to_string(e.overdue)) << e.unit;
    const auto rate = dump.cells.find("汇总!F" + r);
    ASSERT_NE(rate, dump.cells.end()) << e.unit;
    EXPECT_EQ(rate->second.value, e.rate) << e.unit;
    EXPECT_EQ(rate->second.format, "0.0%") << e.unit;
  }
}

TEST(LedgerXlsx, CategorySheetsHoldTheirProblemsWithFrozenFilteredHeader) {
  const RuleSet rules = ledger_rules();
  const UnitTree units = ledger_units();
  const WorkbookDump dump = read_back(
      ledger_xlsx(LedgerInput{rules, units, "cc", date_of("2026-03-20"), campaign_issues()}));

  const std::map<std::string, int> rows = {{"责任落实方面", 2},
                                           {"精准识别与监测帮扶方面", 0},
                                           {"“两不愁三保障”及饮水安全方面", 2},
                                           {"产业就业与内生动力方面", 0},
                                           {"资金项目管理方面", 0},
                                           {"作风建设与基层党建方面", 0},
                                           {"其他", 1}};
  for (const auto& [sheet, count] : rows) {
    EXPECT_EQ(dump.fact(sheet + "\tmax_row"), std::to_string(count + 1)) << sheet;
    EXPECT_EQ(dump.fact(sheet + "\tfreeze"), "A2") << sheet;
    EXPECT_EQ(dump.fact(sheet + "\tfilter"), "A1:R" + std::to_string(std::max(count, 1) + 1))
        << sheet;
    const auto columns = ledger_columns();
    for (std::size_t c = 0; c < columns.size(); ++c) {
      EXPECT_EQ(dump.cell(sheet + "!" + std::string(1, static_cast<char>('A' + c)) + "1"),
                "str " + std::string(columns[c].zh))
          << sheet;
    }
  }
}

TEST(LedgerXlsx, CellsCarryLabelsUnitNamesRealDatesAndNumbers) {
  const RuleSet rules = ledger_rules();
  const UnitTree units = ledger_units();
  const WorkbookDump dump = read_back(
      ledger_xlsx(LedgerInput{rules, units, "cc", date_of("2026-03-20"), campaign_issues()}));

  const std::map<std::string, std::string> expected = {
      {"A2", "int 1"},
      {"B2", "str XS-2026-001"},
      {"C2", "str 巡视反馈"},
      {"D2", "str 责任落实方面"},
      {"E2", "str 村级巩固衔接工作台账未及时更新"},
      {"F2", "str 涉及东溪镇3个村,其中\"石门村\"台账缺失\\n需补建"},
      {"G2", "str 望岭区东溪镇石门村"},  // two villages are named 石门村
      {"H2", "str 一般"},
      {"I2", "str 逐村核查台账，缺失的限期补建"},
      {"J2", "str 区委副书记"},
      {"K2", "str 望岭区"},
      {"L2", "str 东溪镇"},
      {"M2", "datetime 2026-03-10T00:00:00"},
      {"N2", "str 2026-03-19 已完成2个村补建"},  // 17:00 UTC is 01:00 the next day in 澄川
      {"O2", "str 整改中"},
      {"P2", "str 未销号"},
      {"Q2", "int 10"},
      {"R2", "str 黄色"},
      {"A3", "int 2"},
      {"B3", "str QL-2"},
      {"K3", "<empty>"},
      {"L3", "str 溪桥县"},
      {"M3", "datetime 2026-03-31T00:00:00"},
      {"O3", "str 已销号"},
      {"P3", "str 已销号（2026-03-15）"},
      {"Q3", "<empty>"},
      {"R3", "<empty>"},
  };
  for (const auto& [cell, value] : expected) {
    EXPECT_EQ(dump.cell("责任落实方面!" + cell), value) << cell;
  }
  EXPECT_EQ(dump.cells.at("责任落实方面!M2").format, "yyyy-mm-dd");

  const std::string c = "“两不愁三保障”及饮水安全方面!";
  EXPECT_EQ(dump.cell(c + "C2"), "str 回头看");
  EXPECT_EQ(dump.cell(c + "H2"), "str 严重");
  EXPECT_EQ(dump.cell(c + "G2"), "str 澄川市");
  EXPECT_EQ(dump.cell(c + "M2"), "<empty>");
  EXPECT_EQ(dump.cell(c + "O2"), "str 待交办");
  EXPECT_EQ(dump.cell(c + "L3"), "str 市乡村振兴局");
  EXPECT_EQ(dump.cell(c + "Q3"), "<empty>");  // due 2026-04-30, not overdue
  EXPECT_EQ(dump.cell(c + "R3"), "str 红色");
  EXPECT_EQ(dump.cell("其他!D2"), "str Z");
  EXPECT_EQ(dump.cell("其他!Q2"), "int 19");
}

TEST(LedgerXlsx, SheetNamesFollowExcelRulesAndStayUnique) {
  RuleSet rules = ledger_rules();
  rules.categories = {{"A", "资金/项目[专项]:核查*?"},
                      {"B", "汇总"},
                      {"C", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三"},
                      {"D", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二四"},
                      {"E", "Misc"},
                      {"F", "misc"},
                      {"G", ""},
                      {"H", "'引号'"}};
  const UnitTree units = ledger_units();
  const WorkbookDump dump =
      read_back(ledger_xlsx(LedgerInput{rules, units, "cc", date_of("2026-03-20"), {}}));
  EXPECT_EQ(dump.fact("sheets"),
            "汇总|资金_项目_专项__核查__|汇总(2)|"
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一|"
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八(2)|Misc|misc(2)|G|引号");
  // With no problems the summary holds only the total.
  EXPECT_EQ(dump.cell("汇总!A3"), "str 合计");
  EXPECT_EQ(dump.cell("汇总!B3"), "int 0");
}

TEST(LedgerXlsx, ScopeBelowTheRootSummarisesItsOwnChildren) {
  const RuleSet rules = ledger_rules();
  const UnitTree units = ledger_units();
  std::vector<Issue> issues;
  Issue a = ledger_issue(1, "A", "镇级问题", "rectifying");
  a.unit = "cc.c01.t01";
  issues.push_back(a);  // no responsible unit: its unit decides
  Issue b = ledger_issue(2, "B", "区级问题", "rectifying");
  b.unit = "cc.c01";
  b.responsible_unit = "cc.c01";
  issues.push_back(b);
  const WorkbookDump dump =
      read_back(ledger_xlsx(LedgerInput{rules, units, "cc.c01", date_of("2026-03-20"), issues}));
  EXPECT_EQ(dump.cell("汇总!A1"), "str 望岭区整改台账汇总（截至2026-03-20）");
  EXPECT_EQ(dump.cell("汇总!A3"), "str 东溪镇");
  EXPECT_EQ(dump.cell("汇总!B3"), "int 1");
  EXPECT_EQ(dump.cell("汇总!A4"), "str 望岭区本级");
  EXPECT_EQ(dump.cell("汇总!B4"), "int 1");
  EXPECT_EQ(dump.cell("汇总!A5"), "str 合计");
  EXPECT_EQ(dump.cell("汇总!B5"), "int 2");
}

TEST(LedgerXlsx, LeavesNoTemporaryFileBehind) {
  const RuleSet rules = ledger_rules();
  const UnitTree units = ledger_units();
  // A temporary directory of this test's own, so that parallel tests do not count.
  const auto dir = temp_path(".d");
  std::filesystem::create_directory(dir);
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("TMPDIR", dir.c_str(), 1);
  const std::string bytes =
      ledger_xlsx(LedgerInput{rules, units, "cc", date_of("2026-03-20"), campaign_issues()});
  const bool empty = std::filesystem::is_empty(dir);
  if (old != nullptr) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(bytes.starts_with("PK\x03\x04"));
  EXPECT_TRUE(empty);
}

TEST(LedgerCsv, HasBomHeaderCrlfAndQuotesFieldsThatNeedIt) {
  const RuleSet rules = ledger_rules();
  const UnitTree units = ledger_units();
  const std::string csv =
      ledger_csv(LedgerInput{rules, units, "cc", date_of("2026-03-20"), campaign_issues()});

  ASSERT_TRUE(csv.starts_with("\xEF\xBB\xBF"));
  const std::string body = csv.substr(3);
  const std::string header =
      "序号,编号,问题来源,问题类别,问题标题,问题描述,所在单位,严重程度,整改措施,责任领导,"
      "牵头单位,责任单位,整改时限,整改进展,完成情况,销号情况,超期天数,预警等级\r\n";
  ASSERT_TRUE(body.starts_with(header));
  const std::string first =
      "1,XS-2026-001,巡视反馈,责任落实方面,村级巩固衔接工作台账未及时更新,"
      "\"涉及东溪镇3个村,其中\"\"石门村\"\"台账缺失\n需补建\",望岭区东溪镇石门村,一般,"
      "逐村核查台账，缺失的限期补建,区委副书记,望岭区,东溪镇,2026-03-10,"
      "2026-03-19 已完成2个村补建,整改中,未销号,10,黄色\r\n";
  const std::string second =
      "2,QL-2,巡视反馈,责任落实方面,帮扶资金拨付滞后,帮扶资金拨付滞后的具体表现,澄川市,一般,,,,"
      "溪桥县,2026-03-31,,已销号,已销号（2026-03-15）,,\r\n";
  EXPECT_EQ(body.substr(header.size(), first.size()), first);
  EXPECT_EQ(body.substr(header.size() + first.size(), second.size()), second);
  // One table: a line per problem, in listing order, numbered 1..n.
  EXPECT_NE(body.find("\r\n5,QL-5,"), std::string::npos);
  EXPECT_TRUE(body.ends_with(",19,\r\n"));
}

}  // namespace
}  // namespace qingling::ledger
