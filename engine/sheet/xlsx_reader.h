#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/sheet/table.h"

namespace qingling::sheet {

// Reads the first worksheet (the first <sheet> of the workbook, hidden or
// not) of an XLSX workbook (Office Open XML, as Excel, WPS, LibreOffice and
// openpyxl write it) under the rules stated on Table; Row.number is the
// sheet's row number. Shared strings, inline strings (phonetic guides
// left out), numbers, booleans ("TRUE"/"FALSE"), error values ("#N/A") and
// formula results become text. Numbers read in the shortest form that
// round-trips, without exponent between 1e-6 and 1e21 ("12", "3.5"); a
// number in a cell formatted as a date (built-in formats 14-22, 27-36,
// 45-47, 50-58, or a custom format with d, m or y outside quotes and
// brackets and no hours or seconds when it has only m) becomes "YYYY-MM-DD",
// the time of day dropped (1900 date system, 1904 when the workbook says
// so). Fails when the bytes are not a zip, the workbook or its first sheet
// is missing or malformed, or a limit is passed.
std::variant<Table, ReadError> read_xlsx(std::string_view bytes, const ReadLimits& limits = {});

// A worksheet read as a table, with its name.
struct NamedTable {
  std::string name;
  Table table;
};

// Every worksheet of the workbook in its order, each read as read_xlsx reads
// the first; sheets without a header (empty) are left out. The row limit
// counts all sheets together.
std::variant<std::vector<NamedTable>, ReadError> read_xlsx_sheets(std::string_view bytes,
                                                                  const ReadLimits& limits = {});

// True when `bytes` start like a zip archive ("PK\x03\x04"), as an XLSX
// file does; says nothing of what the archive holds.
bool looks_like_xlsx(std::string_view bytes);

}  // namespace qingling::sheet
