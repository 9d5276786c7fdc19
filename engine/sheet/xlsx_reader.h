#pragma once

#include <string_view>
#include <variant>

#include "engine/sheet/table.h"

namespace qingling::sheet {

// Reads the first worksheet of an XLSX workbook (Office Open XML, as Excel,
// WPS, LibreOffice and openpyxl write it). Shared strings, inline strings,
// numbers, booleans and formula results become text; a number in a cell
// formatted as a date (built-in or custom date format) becomes
// "YYYY-MM-DD" (1900 date system, and 1904 when the workbook says so).
std::variant<Table, ReadError> read_xlsx(std::string_view bytes);

// True when `bytes` start like a zip archive (an XLSX file).
bool looks_like_xlsx(std::string_view bytes);

}  // namespace qingling::sheet
