#include "engine/sheet/xlsx_values.h"

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "engine/sheet/xlsx_parts.h"

namespace qingling::sheet {
namespace {

TEST(ColumnOf, ReadsTheLettersOfAReference) {
  EXPECT_EQ(column_of("A1"), 0u);
  EXPECT_EQ(column_of("b3"), 1u);
  EXPECT_EQ(column_of("Z9"), 25u);
  EXPECT_EQ(column_of("AA10"), 26u);
  EXPECT_EQ(column_of("AB12"), 27u);
  EXPECT_EQ(column_of("XFD1048576"), 16383u);
  EXPECT_EQ(column_of("XFE1"), std::nullopt);
  EXPECT_EQ(column_of("AAAA1"), std::nullopt);
  EXPECT_EQ(column_of("12"), std::nullopt);
}

TEST(DecodeEscapes, DecodesOoxmlCharacterEscapes) {
  EXPECT_EQ(decode_escapes("第一行_x000D_\n第二行"), "第一行\r\n第二行");
  EXPECT_EQ(decode_escapes("a_x005F_x0041_b"), "a_x0041_b");
  EXPECT_EQ(decode_escapes("_x6F84_川"), "澄川");
  EXPECT_EQ(decode_escapes("_xZZZZ_ _x12_ plain_text"), "_xZZZZ_ _x12_ plain_text");
}

TEST(IsDateFormat, KnowsBuiltInAndCustomDateFormats) {
  struct Case {
    int id;
    std::string code;
    bool want;
  };
  const Case cases[] = {
      {0, "", false},
      {1, "", false},
      {10, "", false},
      {14, "", true},
      {22, "", true},
      {31, "", true},
      {49, "", false},
      {57, "", true},
      {164, "yyyy-mm-dd", true},
      {164, "yyyy\"年\"m\"月\"d\"日\"", true},
      {164, "[$-F800]dddd, mmmm dd, yyyy", true},
      {164, "mmmm", true},
      {164, "yyyy-mm-dd h:mm:ss", true},
      {164, "h:mm", false},
      {164, "[h]:mm:ss", false},
      {164, "#,##0.00_);[Red](#,##0.00)", false},
      {164, "0.00\"天\"", false},
      {164, "\"day\" 0", false},
      {164, "[$-804]General", false},
      {164, "0.00E+00", false},
      {164, "@", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(is_date_format(c.id, c.code), c.want) << c.id << " " << c.code;
}

TEST(NumberText, PrintsTheShortestExactFormWithoutExponent) {
  struct Case {
    std::string stored;
    std::string want;
  };
  const Case cases[] = {
      {"12", "12"},
      {"12.0", "12"},
      {"3.5", "3.5"},
      {"-0", "0"},
      {"1.5E+3", "1500"},
      {"0.30000000000000004", "0.30000000000000004"},
      {"1234567.891", "1234567.891"},
      {"123456789012345", "123456789012345"},
      {"1E+20", "100000000000000000000"},
      {"1E+21", "1e+21"},
      {"0.000001", "0.000001"},
      {"1E-7", "1e-07"},
      {"-42.25", "-42.25"},
      {"abc", "abc"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(number_text(c.stored), c.want) << c.stored;
}

TEST(DateText, CountsExcelSerialDays) {
  EXPECT_EQ(date_text("45838", false), "2025-06-30");
  EXPECT_EQ(date_text("45853.604166666664", false), "2025-07-15");
  EXPECT_EQ(date_text("1", false), "1900-01-01");
  EXPECT_EQ(date_text("59", false), "1900-02-28");
  EXPECT_EQ(date_text("61", false), "1900-03-01");
  EXPECT_EQ(date_text("0", true), "1904-01-01");
  EXPECT_EQ(date_text("44000.75", true), "2024-06-19");
  EXPECT_EQ(date_text("2958465", false), "9999-12-31");
  EXPECT_EQ(date_text("2958466", false), std::nullopt);
  EXPECT_EQ(date_text("abc", false), std::nullopt);
}

TEST(ResolveTarget, AcceptsRelativeAndAbsoluteTargets) {
  EXPECT_EQ(resolve_target("xl/", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
  EXPECT_EQ(resolve_target("xl/", "/xl/worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
  EXPECT_EQ(resolve_target("xl/", "./styles.xml"), "xl/styles.xml");
  EXPECT_EQ(resolve_target("xl/worksheets/", "../sharedStrings.xml"), "xl/sharedStrings.xml");
  EXPECT_EQ(resolve_target("", "xl/workbook.xml"), "xl/workbook.xml");
}

}  // namespace
}  // namespace qingling::sheet
