#include "engine/sheet/xlsx_reader.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/sheet/csv.h"
#include "tests/engine/sheet/fixtures.h"

namespace qingling::sheet {
namespace {

using testing::error_of;
using testing::fixture;
using testing::numbers_of;
using testing::table_of;
using Cells = std::vector<std::string>;

TEST(ReadXlsx, ReadsTheFirstSheetWrittenByOpenpyxl) {
  const Table table = table_of(read_xlsx(fixture("issues.xlsx")));
  EXPECT_EQ(table.header_row, 1u);
  EXPECT_EQ(table.header, (Cells{"序号", "问题类别", "问题描述", "责任单位", "整改时限", "",
                                 "整改资金（万元）", "是否销号", "备注"}));
  EXPECT_EQ(numbers_of(table), (std::vector<std::size_t>{2, 3, 6, 7}));
  ASSERT_EQ(table.rows.size(), 4u);
  EXPECT_EQ(table.rows[0].cells,
            (Cells{"1", "两不愁三保障", "“两不愁三保障”住房安全排查不到位", "澄川县住建局",
                   "2025-06-30", "", "12", "TRUE", "第一行\n第二行"}));
  EXPECT_EQ(table.rows[1].cells, (Cells{"2", "产业发展", "扶贫车间用工台账不全", "澄川县人社局",
                                        "2025-07-15", "", "3.5", "FALSE", ""}));
  EXPECT_EQ(table.rows[2].cells, (Cells{"3", "基础设施", "村道安全防护设施缺失", "澄川县交通运输局",
                                        "2025-08-01", "跳过的列", "1234567.891", "FALSE", ""}));
  EXPECT_EQ(table.rows[3].cells, (Cells{"4", "生态环保", "河道垃圾清理不及时", "澄川县生态环境分局",
                                        "2025-09-30", "", "", "", ""}));
}

TEST(ReadXlsx, ReadsSharedStringsAsExcelWritesThem) {
  const Table xlsx = table_of(read_xlsx(fixture("issues_excel.xlsx")));
  const Table csv = table_of(read_csv(fixture("issues_utf8.csv")));
  EXPECT_EQ(xlsx.header, csv.header);
  EXPECT_EQ(numbers_of(xlsx), (std::vector<std::size_t>{2, 3, 4, 5}));
  ASSERT_EQ(xlsx.rows.size(), csv.rows.size());
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    EXPECT_EQ(xlsx.rows[i].cells, csv.rows[i].cells) << "row " << xlsx.rows[i].number;
  }
}

TEST(ReadXlsx, ReadsTheCornersOtherWritersUse) {
  // handmade.xlsx: prefixed elements, absolute targets, the 1904 date
  // system, inline and rich strings with phonetic guides, escapes, cells
  // without references, formulas (see make_fixtures.py).
  const Table table = table_of(read_xlsx(fixture("handmade.xlsx")));
  EXPECT_EQ(table.header_row, 2u);
  EXPECT_EQ(table.header, (Cells{"问题类别", "问题描述", "责任单位", "整改时限", "数值"}));
  EXPECT_EQ(numbers_of(table), (std::vector<std::size_t>{3, 5, 7, 8}));
  ASSERT_EQ(table.rows.size(), 4u);
  EXPECT_EQ(table.rows[0].cells, (Cells{"澄川县", "描述 ", "", "1904-01-01", "1500"}));
  EXPECT_EQ(table.rows[1].cells, (Cells{"TRUE", "#N/A", "2024-06-19", "0.5", "0.25"}));
  EXPECT_EQ(table.rows[2].cells, (Cells{"第一行\n第二行", "a_x0041_b", "", "", "", "多余"}));
  EXPECT_EQ(table.rows[3].cells, (Cells{"", "", "2", "", ""}));
}

TEST(ReadXlsx, RejectsWhatIsNotAWorkbook) {
  struct Case {
    std::string name;
    std::string bytes;
    std::string message;
  };
  const std::string issues = fixture("issues.xlsx");
  const Case cases[] = {
      {"csv", fixture("issues_utf8.csv"), "not a zip"},
      {"empty", "", "not a zip"},
      {"xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", ".xls"},
      {"zip signature only", "PK\x03\x04garbage", "not an XLSX workbook"},
      {"zip without a workbook", fixture("no_workbook.xlsx"), "no workbook"},
      {"truncated", issues.substr(0, issues.size() / 2), "not an XLSX workbook"},
  };
  for (const auto& c : cases) {
    const ReadError error = error_of(read_xlsx(c.bytes));
    EXPECT_NE(error.message.find(c.message), std::string::npos)
        << c.name << ": " << error.where << ": " << error.message;
  }
}

TEST(ReadXlsx, NamesACellThatRefersToAMissingSharedString) {
  const ReadError error = error_of(read_xlsx(fixture("bad_shared_string.xlsx")));
  EXPECT_EQ(error.where, "cell A3");
  EXPECT_NE(error.message.find("\"99\""), std::string::npos) << error.message;
}

TEST(ReadXlsx, RefusesRowsOutOfOrder) {
  // Taken as written, row 2 would follow row 3 and a repeated number would
  // name two rows; Excel refuses such a sheet too.
  const ReadError error = error_of(read_xlsx(fixture("rows_out_of_order.xlsx")));
  EXPECT_EQ(error.where, "row 2");
  EXPECT_NE(error.message.find("after row 3"), std::string::npos) << error.message;
}

TEST(ReadXlsx, RefusesAPartLargerThanTheLimit) {
  ReadLimits limits;
  limits.max_part_bytes = 1000;
  const ReadError error = error_of(read_xlsx(fixture("issues.xlsx"), limits));
  EXPECT_TRUE(error.where.starts_with("xl/")) << error.where;
  EXPECT_NE(error.message.find("larger than 1000 bytes"), std::string::npos) << error.message;
}

TEST(ReadXlsx, StopsPastTheRowAndCellLimits) {
  ReadLimits rows;
  rows.max_rows = 2;
  EXPECT_EQ(error_of(read_xlsx(fixture("issues.xlsx"), rows)).where, "row 3");
  ReadLimits cells;
  cells.max_cells = 20;
  EXPECT_EQ(error_of(read_xlsx(fixture("issues.xlsx"), cells)).where, "row 3");
}

TEST(LooksLikeXlsx, ChecksTheZipSignature) {
  EXPECT_TRUE(looks_like_xlsx(fixture("issues.xlsx")));
  EXPECT_TRUE(looks_like_xlsx(fixture("no_workbook.xlsx")));
  EXPECT_FALSE(looks_like_xlsx(fixture("issues_gb18030.csv")));
  EXPECT_FALSE(looks_like_xlsx("PK"));
}

}  // namespace
}  // namespace qingling::sheet

namespace qingling::sheet {
namespace {

TEST(ReadXlsxSheets, ReadsEveryWorksheetInOrderWithItsName) {
  auto read = read_xlsx_sheets(testing::fixture("issues.xlsx"));
  ASSERT_TRUE(std::holds_alternative<std::vector<NamedTable>>(read));
  const auto& sheets = std::get<std::vector<NamedTable>>(read);
  ASSERT_EQ(sheets.size(), 2u);
  EXPECT_EQ(sheets[0].name, "问题清单");
  EXPECT_EQ(sheets[0].table.rows.size(), 4u);
  EXPECT_EQ(sheets[0].table.header,
            testing::table_of(read_xlsx(testing::fixture("issues.xlsx"))).header);
  EXPECT_EQ(sheets[1].name, "说明");
  EXPECT_EQ(sheets[1].table.header, (std::vector<std::string>{"本页为填表说明，导入时不读取"}));
}

TEST(ReadXlsxSheets, FailsLikeReadXlsxOnWhatIsNotAWorkbook) {
  auto read = read_xlsx_sheets("not a zip");
  ASSERT_TRUE(std::holds_alternative<ReadError>(read));
  EXPECT_EQ(std::get<ReadError>(read).where, "file");
}

}  // namespace
}  // namespace qingling::sheet
