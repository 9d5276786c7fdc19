#include "engine/sheet/csv.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/engine/sheet/fixtures.h"

namespace qingling::sheet {
namespace {

using testing::error_of;
using testing::fixture;
using testing::numbers_of;
using testing::table_of;
using Cells = std::vector<std::string>;

// The table every issues_*.csv fixture holds (see make_fixtures.py).
void expect_issues_table(const Table& table, const std::string& name) {
  EXPECT_EQ(table.header, (Cells{"问题类别", "问题描述", "责任单位", "整改时限"})) << name;
  EXPECT_EQ(table.header_row, 1u) << name;
  ASSERT_EQ(table.rows.size(), 4u) << name;
  EXPECT_EQ(numbers_of(table), (std::vector<std::size_t>{2, 3, 6, 7})) << name;
  EXPECT_EQ(table.rows[0].cells, (Cells{"两不愁三保障", "“两不愁三保障”住房安全排查不到位",
                                        "澄川县住建局", "2025-06-30"}))
      << name;
  EXPECT_EQ(table.rows[1].cells, (Cells{"产业发展", "扶贫车间用工台账不全, 缺少签字\n确认",
                                        "澄川县人社局", "2025-07-15"}))
      << name;
  EXPECT_EQ(table.rows[2].cells,
            (Cells{"基础设施", "村道\"安全防护\"设施缺失", "澄川县交通运输局", "2025-08-01"}))
      << name;
  EXPECT_EQ(table.rows[3].cells, (Cells{"生态环保", "河道垃圾清理不及时𠮷", "", ""})) << name;
}

TEST(ReadCsv, ReadsTheSameTableInEachEncoding) {
  struct Case {
    std::string file;
    Encoding encoding;
  };
  const Case cases[] = {{"issues_utf8.csv", Encoding::Utf8},
                        {"issues_utf8_bom.csv", Encoding::Utf8Bom},
                        {"issues_gb18030.csv", Encoding::Gb18030}};
  for (const auto& c : cases) {
    Encoding found = Encoding::Utf8;
    const Table table = table_of(read_csv(fixture(c.file), &found));
    EXPECT_EQ(found, c.encoding) << c.file;
    expect_issues_table(table, c.file);
  }
}

TEST(ReadCsv, NumbersRecordsByTheLineTheyStartOn) {
  const std::string text =
      "问题类别,问题描述\r\n"
      "甲,\"第一行\r\n第二行\r\n第三行\"\r\n"
      "乙,\"跨\n行\"\n"
      "丙,单行";
  const Table table = table_of(read_csv(text));
  EXPECT_EQ(numbers_of(table), (std::vector<std::size_t>{2, 5, 7}));
  EXPECT_EQ(table.rows[0].cells, (Cells{"甲", "第一行\n第二行\n第三行"}));
  EXPECT_EQ(table.rows[1].cells, (Cells{"乙", "跨\n行"}));
  EXPECT_EQ(table.rows[2].cells, (Cells{"丙", "单行"}));
}

TEST(ReadCsv, AcceptsLoneCarriageReturnLineEnds) {
  const Table table = table_of(read_csv("a,b\rc,d\r\re,f"));
  EXPECT_EQ(numbers_of(table), (std::vector<std::size_t>{2, 4}));
  EXPECT_EQ(table.rows[1].cells, (Cells{"e", "f"}));
}

TEST(ReadCsv, SkipsBlankRowsAndFindsTheHeaderBelowThem) {
  const std::string text =
      "\n"
      " ,\t,\n"
      "问题类别,问题描述,责任单位\n"
      ",,\n"
      "\xE3\x80\x80,,\n"  // an ideographic space
      "甲,,\n"
      "\"\",\"  \"\n";
  const Table table = table_of(read_csv(text));
  EXPECT_EQ(table.header_row, 3u);
  EXPECT_EQ(table.header, (Cells{"问题类别", "问题描述", "责任单位"}));
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0].number, 6u);
  EXPECT_EQ(table.rows[0].cells, (Cells{"甲", "", ""}));
}

TEST(ReadCsv, PadsShortRowsAndKeepsExtraCells) {
  const Table table = table_of(read_csv("a,b,c,,\n1\n1,2,3,4,,\n1,2,3,,\n"));
  EXPECT_EQ(table.header, (Cells{"a", "b", "c"}));
  EXPECT_EQ(table.rows[0].cells, (Cells{"1", "", ""}));
  EXPECT_EQ(table.rows[1].cells, (Cells{"1", "2", "3", "4"}));
  EXPECT_EQ(table.rows[2].cells, (Cells{"1", "2", "3"}));
}

TEST(ReadCsv, KeepsStrayQuotesAsExcelDoes) {
  const Table table = table_of(read_csv("a,b,c\n他说\"好\"了,\"x\"y, \"z\"\n"));
  EXPECT_EQ(table.rows[0].cells, (Cells{"他说\"好\"了", "xy", " \"z\""}));
}

TEST(ReadCsv, NamesTheLineOfAnUnterminatedQuote) {
  const ReadError error = error_of(read_csv("a,b\n1,2\n3,\"never\nclosed,4\n5,6\n"));
  EXPECT_EQ(error.where, "line 3");
  EXPECT_NE(error.message.find("never closed"), std::string::npos) << error.message;
}

TEST(ReadCsv, RejectsAnEmptyFile) {
  for (const std::string text : {"", "\n\n", "\xEF\xBB\xBF", " , \r\n,\r\n"}) {
    const ReadError error = error_of(read_csv(text));
    EXPECT_NE(error.message.find("no header"), std::string::npos) << error.message;
  }
}

TEST(ReadCsv, StopsPastTheRowLimit) {
  ReadLimits limits;
  limits.max_rows = 3;
  EXPECT_EQ(table_of(read_csv("h\n1\n\n2\n", nullptr, limits)).rows.size(), 2u);
  const ReadError error = error_of(read_csv("h\n1\n\n2\n3\n", nullptr, limits));
  EXPECT_EQ(error.where, "line 5");
}

TEST(ToUtf8, NamesTheOffendingByteOfTextInNoKnownEncoding) {
  struct Case {
    std::string name;
    std::string bytes;
    std::string where;
    std::string offset;
  };
  const Case cases[] = {
      {"ascii", "a,b\nc,\xFF\n", "line 2", "offset 6"},
      // UTF-8 Chinese text with one bad byte: GB18030 stumbles earlier, so
      // the UTF-8 fault is the one named.
      {"utf8", "问题类别,描述\n澄川县,\xFF\n", "line 2", "offset 30"},
      // GB18030 text ("问题" in GB18030) with a bad byte after it.
      {"gb18030", "\xCE\xCA\xCC\xE2\n\n\x80", "line 3", "offset 6"},
      {"bom",
       "\xEF\xBB\xBF"
       "a,\xC0\x80\n",
       "line 1", "offset 5"},
  };
  for (const auto& c : cases) {
    auto result = to_utf8(c.bytes);
    ASSERT_TRUE(std::holds_alternative<ReadError>(result)) << c.name;
    const auto& error = std::get<ReadError>(result);
    EXPECT_EQ(error.where, c.where) << c.name;
    EXPECT_NE(error.message.find(c.offset), std::string::npos) << c.name << ": " << error.message;
  }
}

TEST(ToUtf8, ConvertsGb18030IncludingFourByteCharacters) {
  Encoding found = Encoding::Utf8;
  // "问题" then U+20BB7 (𠮷), four bytes in GB18030.
  auto result = to_utf8("\xCE\xCA\xCC\xE2\x95\x34\xB2\x35", &found);
  ASSERT_TRUE(std::holds_alternative<std::string>(result));
  EXPECT_EQ(std::get<std::string>(result), "问题𠮷");
  EXPECT_EQ(found, Encoding::Gb18030);
}

TEST(ToUtf8, RecognisesUtf16) {
  auto result =
      to_utf8(std::string("\xFF\xFE"
                          "a\0,\0",
                          6));
  ASSERT_TRUE(std::holds_alternative<ReadError>(result));
  EXPECT_NE(std::get<ReadError>(result).message.find("UTF-16"), std::string::npos);
}

TEST(CsvField, QuotesOnlyWhenItMust) {
  struct Case {
    std::string text;
    std::string want;
  };
  const Case cases[] = {
      {"", ""},
      {"澄川县", "澄川县"},
      {"a,b", "\"a,b\""},
      {"“两不愁三保障”", "“两不愁三保障”"},
      {"他说\"好\"", "\"他说\"\"好\"\"\""},
      {"第一行\n第二行", "\"第一行\n第二行\""},
      {"a\rb", "\"a\rb\""},
      {" 前导空格", "\" 前导空格\""},
      {"尾随制表\t", "\"尾随制表\t\""},
      {"中 间", "中 间"},
  };
  for (const auto& c : cases) EXPECT_EQ(csv_field(c.text), c.want) << c.text;
}

TEST(CsvField, RoundTripsThroughReadCsv) {
  const Cells values = {"澄川县", "a,b", "他说\"好\"", "第一行\n第二行", " 空格 ", "\"", ",", "x"};
  std::string header;
  std::string line;
  for (std::size_t i = 0; i < values.size(); ++i) {
    header += (i ? "," : "") + std::string("h") + std::to_string(i);
    line += (i ? "," : "") + csv_field(values[i]);
  }
  const Table table = table_of(read_csv(header + "\r\n" + line + "\r\n"));
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0].cells, values);
}

}  // namespace
}  // namespace qingling::sheet
