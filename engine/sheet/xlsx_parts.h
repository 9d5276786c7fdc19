#pragma once

// The parts of an XLSX package read before its first worksheet: where that
// sheet is, the shared string table and which cell styles show dates.

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/sheet/table.h"

namespace qingling::sheet {

class ZipArchive;

struct Workbook {
  struct Sheet {
    std::string name;
    std::string part;
  };
  std::vector<Sheet> worksheets;    // in the workbook's order (chart sheets left out)
  std::string sheet_part;           // the first sheet's, e.g. "xl/worksheets/sheet1.xml"
  std::string shared_strings_part;  // may be absent from the package
  std::string styles_part;          // may be absent from the package
  bool date1904 = false;
};

// Follows _rels/.rels to the workbook (xl/workbook.xml when it says
// nothing), and the workbook's relationships to its first sheet. Fails when
// the workbook is missing or malformed, has no sheet, or its first sheet is
// not a worksheet (a chart sheet).
std::variant<Workbook, ReadError> read_workbook(const ZipArchive& archive,
                                                const ReadLimits& limits);

// The shared strings in order, rich text runs joined, phonetic guides (<rPh>)
// left out, OOXML escapes decoded.
std::variant<std::vector<std::string>, ReadError> read_shared_strings(const ZipArchive& archive,
                                                                      std::string_view part,
                                                                      const ReadLimits& limits);

// For each cell style (<cellXfs> index, a cell's s="…"), whether its number
// format shows a date.
std::variant<std::vector<bool>, ReadError> read_date_styles(const ZipArchive& archive,
                                                            std::string_view part,
                                                            const ReadLimits& limits);

// `target` of a relationship in a part under `folder` (which ends in "/" or
// is empty), as a package path without a leading "/": "worksheets/a.xml"
// under "xl/" and "/xl/worksheets/a.xml" both give "xl/worksheets/a.xml".
std::string resolve_target(std::string_view folder, std::string_view target);

}  // namespace qingling::sheet
