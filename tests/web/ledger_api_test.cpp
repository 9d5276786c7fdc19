// The ledger in and out over real HTTP: importing spreadsheets written by
// other programs (GB18030 CSV, openpyxl XLSX), refusing bad ones whole,
// importing units, and exporting XLSX/CSV read back by an independent reader
// (openpyxl) and imported into an empty instance without loss.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <variant>

#include "engine/sheet/csv.h"
#include "tests/support/python.h"
#include "tests/web/api_fixture.h"

namespace qingling::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string fixture(const std::string& name) {
  std::ifstream in(fs::path(QINGLING_SOURCE_DIR) / "tests/web/data" / name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class LedgerApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    add_user("admin", "cc", "admin");
  }

  HttpResult import(const std::string& user, const std::string& what, const std::string& bytes,
                    const std::string& type, bool dry_run = false) {
    return as(user).request("POST", "/api/v1/import/" + what + (dry_run ? "?dry_run=true" : ""),
                            bytes, {{"Content-Type", type}});
  }

  std::int64_t count_issues() {
    auto res = as("supervisor").get("/api/v1/issues?limit=200");
    return static_cast<std::int64_t>(res.json().at("items").as_array().size());
  }

  json::object issue_by_ref(const std::string& ref) {
    auto res = as("supervisor").get("/api/v1/issues?limit=200");
    const auto list = res.json();
    for (const auto& item : list.at("items").as_array()) {
      if (item.at("external_ref").is_string() && item.at("external_ref").as_string() == ref)
        return item.as_object();
    }
    ADD_FAILURE() << "no problem " << ref;
    return {};
  }
};

TEST_F(LedgerApiTest, AGb18030CsvFromExcelIsImportedOnceWhateverItsRetries) {
  const std::string csv = fixture("ledger_gb18030.csv");
  auto dry = import("supervisor", "issues", csv, "text/csv", true);
  ASSERT_EQ(dry.status, 200u) << dry.body;
  EXPECT_TRUE(dry.json().at("dry_run").as_bool());
  EXPECT_EQ(dry.json().at("encoding").as_string(), "gb18030");
  EXPECT_EQ(dry.json().at("created").as_int64(), 3);
  EXPECT_EQ(dry.json().at("ignored_columns"), json::array({"备注"}));
  EXPECT_EQ(count_issues(), 0);  // a dry run writes nothing

  auto res = import("supervisor", "issues", csv, "text/csv");
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("created").as_int64(), 3);
  EXPECT_EQ(res.json().at("issues").as_array().size(), 3u);
  EXPECT_EQ(count_issues(), 3);

  const auto first = issue_by_ref("WL-2026-001");
  EXPECT_EQ(first.at("category").as_string(), "C");
  EXPECT_EQ(first.at("unit").as_string(), "cc.c01.t01.v001");  // 梅岭村
  EXPECT_EQ(first.at("responsible_unit").as_string(), "cc.c01.t01");
  EXPECT_EQ(first.at("state").as_string(), "rectifying");  // assigned as it came in
  EXPECT_EQ(first.at("deadline").as_string(), "2026-12-31");
  EXPECT_EQ(first.at("measures").as_string(), "更换净水设备，每月送检");
  EXPECT_EQ(first.at("description").as_string(),
            "梅岭村3户饮水水质检测不达标，\n村民反映“水有异味”");
  EXPECT_EQ(issue_by_ref("WL-2026-002").at("unit").as_string(), "cc.c01.t02");  // by full name
  const auto third = issue_by_ref("WL-2026-003");
  EXPECT_EQ(third.at("state").as_string(), "discovered");  // no 责任单位: waits for 交办
  EXPECT_EQ(third.at("title").as_string(), "村级财务公开不及时");

  auto again = import("supervisor", "issues", csv, "text/csv");
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json().at("created").as_int64(), 0);
  EXPECT_EQ(again.json().at("unchanged").as_int64(), 3);
  EXPECT_EQ(count_issues(), 3);
}

TEST_F(LedgerApiTest, AReferenceHeldOutsideTheJurisdictionIsAnErrorNotASkip) {
  ASSERT_EQ(import("supervisor", "issues", fixture("ledger_gb18030.csv"), "text/csv").status, 200u);
  // 溪桥县 numbers its own ledger, and one number is 望岭区's already.
  const std::string csv =
      "编号,问题类别,问题标题,所在单位\r\nXQ-9,A,本县问题,溪桥镇\r\n"
      "WL-2026-001,A,撞号的问题,溪桥镇\r\n";
  auto res = import("supervisor-c02", "issues", csv, "text/csv");
  ASSERT_EQ(res.status, 422u) << res.body;
  EXPECT_EQ(res.json().at("errors").at(0).at("row").as_int64(), 3);
  EXPECT_EQ(res.json().at("errors").at(0).at("column").as_string(), "编号");
  EXPECT_EQ(res.body.find("梅岭村"), std::string::npos);  // nothing of the other problem shows
  EXPECT_EQ(count_issues(), 3);
}

TEST_F(LedgerApiTest, AnXlsxFromOpenpyxlIsImportedWithItsDateCells) {
  // As a browser form sends it.
  const std::string boundary = "----qlForm";
  const std::string body =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; "
      "filename=\"溪桥县问题清单.xlsx\"\r\nContent-Type: "
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n" +
      fixture("ledger_openpyxl.xlsx") + "\r\n--" + boundary + "--\r\n";
  auto res = import("supervisor", "issues", body, "multipart/form-data; boundary=" + boundary);
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("format").as_string(), "xlsx");
  EXPECT_EQ(res.json().at("created").as_int64(), 2);
  const auto a = issue_by_ref("XQ-001");
  EXPECT_EQ(a.at("deadline").as_string(), "2027-03-01");
  EXPECT_EQ(a.at("severity").as_string(), "serious");  // by its label 较重
  EXPECT_EQ(a.at("unit").as_string(), "cc.c02.t01");
  const auto b = issue_by_ref("XQ-002");
  EXPECT_EQ(b.at("deadline").as_string(), "2027-02-10");
  EXPECT_EQ(b.at("category").as_string(), "E");
  EXPECT_EQ(b.at("responsible_unit").as_string(), "cc.c02");
}

TEST_F(LedgerApiTest, ABadFileIsRefusedWholeNamingEveryRowAndColumn) {
  create_issue();
  const auto before = count_issues();
  auto res = import("supervisor", "issues", fixture("ledger_bad.csv"), "text/csv");
  ASSERT_EQ(res.status, 422u) << res.body;
  EXPECT_EQ(res.header("Content-Type"), "application/problem+json");
  std::set<std::string> cells;
  const auto body = res.json();
  for (const auto& e : body.at("errors").as_array()) {
    cells.insert(std::to_string(e.at("row").as_int64()) + " " +
                 std::string(e.at("column").as_string()));
    EXPECT_FALSE(e.at("message").as_string().empty());
  }
  // Row 5's 梅岭村: two villages have that name.
  EXPECT_EQ(cells, (std::set<std::string>{"2 问题类别", "3 整改时限", "4 所在单位", "5 编号",
                                          "5 所在单位", "5 整改时限"}))
      << res.body;
  EXPECT_EQ(count_issues(), before);

  // A row the engine refuses (outside the importer's jurisdiction) undoes the good ones too.
  const std::string csv =
      "问题类别,问题标题,所在单位,责任单位\r\nA,好的一行,龙庄村,望岭镇\r\nA,越权的一行,溪桥镇,"
      "溪桥镇\r\n";
  res = import("inspector", "issues",
               "问题类别,问题标题,所在单位\r\nA,好的一行,龙庄村\r\nA,越权,溪桥镇\r\n", "text/csv");
  ASSERT_EQ(res.status, 422u) << res.body;
  EXPECT_EQ(res.json().at("errors").at(0).at("row").as_int64(), 3);
  EXPECT_EQ(res.json().at("errors").at(0).at("column").as_string(), "所在单位");
  EXPECT_EQ(count_issues(), before);
  // Assigning is the supervisor's: an inspector may not import rows that name a 责任单位.
  auto refused = import("inspector", "issues", csv, "text/csv");
  EXPECT_EQ(refused.status, 403u) << refused.body;
  EXPECT_EQ(count_issues(), before);
}

TEST_F(LedgerApiTest, UnitsAreImportedByAdminsAndServeAtOnce) {
  EXPECT_EQ(import("supervisor", "units", fixture("units.csv"), "text/csv").status, 403u);
  auto bad = import("admin", "units", fixture("units_bad.csv"), "text/csv");
  ASSERT_EQ(bad.status, 422u) << bad.body;
  EXPECT_GE(bad.json().at("errors").as_array().size(), 3u);

  auto res = import("admin", "units", fixture("units.csv"), "text/csv");
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("added").as_int64(), 2);
  EXPECT_EQ(res.json().at("encoding").as_string(), "utf-8-bom");
  auto units = as("supervisor").get("/api/v1/units");
  EXPECT_NE(units.body.find("cc.c01.t01.v900"), std::string::npos);
  EXPECT_NE(units.body.find("市生态环境局"), std::string::npos);
  // A problem can be logged at the new village right away.
  auto created =
      as("inspector")
          .post_json("/api/v1/issues",
                     {{"title", "新村道路破损"}, {"category", "D"}, {"unit", "cc.c01.t01.v900"}});
  EXPECT_EQ(created.status, 201u) << created.body;
  // Again: nothing new.
  res = import("admin", "units", fixture("units.csv"), "text/csv");
  EXPECT_EQ(res.json().at("added").as_int64(), 0);
  EXPECT_EQ(res.json().at("unchanged").as_int64(), 2);
}

const char* kReadLedger = R"(
import sys, openpyxl, datetime
wb = openpyxl.load_workbook(sys.argv[1])
print("sheets", "|".join(wb.sheetnames))
for ws in wb.worksheets[1:]:
    header = [c.value for c in ws[1]]
    dates = [r[header.index("整改时限")] for r in ws.iter_rows(min_row=2, values_only=True)]
    kinds = sorted({type(d).__name__ for d in dates if d is not None})
    print(ws.title, ws.max_row - 1, ws.freeze_panes, ws.auto_filter.ref, "|".join(kinds))
    if ws.max_row > 1:
        print("header", "|".join(str(h) for h in header))
s = wb.worksheets[0]
for row in s.iter_rows(values_only=True):
    if row and row[0] == "合计":
        print("total", row[1], row[2])
)";

TEST_F(LedgerApiTest, TheExportedXlsxReadsBackInAnIndependentReader) {
  ASSERT_EQ(import("supervisor", "issues", fixture("ledger_gb18030.csv"), "text/csv").status, 200u);
  ASSERT_EQ(import("supervisor", "issues", fixture("ledger_openpyxl.xlsx"),
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .status,
            200u);
  auto res = as("supervisor").get("/api/v1/export/ledger?unit=cc&format=xlsx");
  ASSERT_EQ(res.status, 200u) << res.body.substr(0, 300);
  EXPECT_EQ(res.header("Content-Type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_NE(res.header("Content-Disposition").find("filename*=UTF-8''"), std::string::npos);
  const fs::path file = dir_ / "ledger.xlsx";
  std::ofstream(file, std::ios::binary) << res.body;
  const std::string out = run_python(kReadLedger, file);
  EXPECT_NE(out.find("sheets 汇总|责任落实方面|精准识别与监测帮扶方面|“两不愁三保障”及饮水安全方面|"
                     "产业就业与内生动力方面|资金项目管理方面|作风建设与基层党建方面"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("“两不愁三保障”及饮水安全方面 1 A2 A1:R2 datetime"), std::string::npos) << out;
  EXPECT_NE(out.find("产业就业与内生动力方面 1 A2 A1:R2 datetime"), std::string::npos) << out;
  EXPECT_NE(
      out.find("header 序号|编号|问题来源|问题类别|问题标题|问题描述|所在单位|严重程度|整改措施|"
               "责任领导|牵头单位|责任单位|整改时限|整改进展|完成情况|销号情况|超期天数|预警等级"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("total 5 0"), std::string::npos) << out;  // 5 problems, none cleared

  // A county's ledger holds its own problems only; another county's is not there.
  auto county = as("supervisor-c02").get("/api/v1/export/ledger?format=csv");
  ASSERT_EQ(county.status, 200u);
  EXPECT_EQ(county.body.rfind("\xEF\xBB\xBF序号,编号", 0), 0u);  // BOM, then the header
  EXPECT_NE(county.body.find("XQ-001"), std::string::npos);
  EXPECT_EQ(county.body.find("WL-2026-001"), std::string::npos);
  EXPECT_EQ(as("supervisor-c02").get("/api/v1/export/ledger?unit=cc.c01").status, 404u);
  EXPECT_EQ(as("supervisor").get("/api/v1/export/ledger?format=pdf").status, 422u);
}

// The columns import carries, read from a CSV export.
std::vector<std::vector<std::string>> carried(const std::string& csv) {
  auto read = sheet::read_csv(csv);
  EXPECT_TRUE(std::holds_alternative<sheet::Table>(read));
  const auto& table = std::get<sheet::Table>(read);
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : table.rows) {
    // 编号 … 整改时限: columns 2 to 13 of the ledger.
    rows.emplace_back(row.cells.begin() + 1, row.cells.begin() + 13);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

TEST_F(LedgerApiTest, ExportThenImportIntoAnEmptyInstanceLosesNothingImportCarries) {
  ASSERT_EQ(import("supervisor", "issues", fixture("ledger_gb18030.csv"), "text/csv").status, 200u);
  // Problems logged by hand too, one at a village whose name repeats in the city.
  auto id = create_issue("村内道路未硬化").at("id").as_int64();
  ASSERT_EQ(act("supervisor", id, "assign", 1,
                {{"fields",
                  {{"responsible_unit", "cc.c01.t01"},
                   {"lead_unit", "cc.dept.nync"},
                   {"responsible_leader", "分管副区长"},
                   {"measures", "纳入年度计划，12月底前完工"}}}})
                .status,
            200u);
  const auto xlsx = as("supervisor").get("/api/v1/export/ledger?format=xlsx").body;
  const auto csv = as("supervisor").get("/api/v1/export/ledger?format=csv").body;

  // A second, empty instance on its own data folder.
  const fs::path other = dir_.string() + "-other";
  fs::remove_all(other);
  web::AppOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.data_dir = other;
  options.rules_dir = pack_dir();
  options.clock = &clock_;
  auto app = std::make_unique<web::App>(options);
  std::string token;
  {
    auto db = store::open_sqlite(other / "qingling.db");
    auto backend = db->open_writer();
    backend->begin();
    store::User user{0, "importer", "", "cc", {"supervisor"}, ""};
    token = *store::add_user(*backend, user, {"admin", "supervisor", "inspector", "responsible"},
                             clock_.now());
    backend->commit();
  }
  app->start();
  {
    HttpClient client("127.0.0.1", app->port());
    client.set_token(token);
    auto res = client.request("POST", "/api/v1/import/issues", xlsx,
                              {{"Content-Type", "application/octet-stream"}});
    ASSERT_EQ(res.status, 200u) << res.body.substr(0, 2000);
    EXPECT_EQ(res.json().at("created").as_int64(), 4);
    const auto again = client.get("/api/v1/export/ledger?format=csv").body;
    EXPECT_EQ(carried(again), carried(csv));
    EXPECT_EQ(carried(csv).size(), 4u);
  }
  app.reset();
  fs::remove_all(other);
}

}  // namespace
}  // namespace qingling::testing
