#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace qingling::sheet {

// One row of a spreadsheet as text, with the line (CSV) or row number
// (XLSX, 1-based as Excel shows it) that error messages name.
struct Row {
  std::size_t number = 0;
  std::vector<std::string> cells;  // UTF-8, trimmed of nothing; missing cells are ""
};

// A sheet read from CSV or XLSX: the first non-empty row is the header, the
// rows after it the data. Entirely empty rows are skipped.
struct Table {
  std::vector<std::string> header;
  std::size_t header_row = 0;
  std::vector<Row> rows;
};

// A file that cannot be read as a table at all (not CSV in a known encoding,
// not an XLSX workbook, no header). `where` says where, e.g. "line 3".
struct ReadError {
  std::string where;
  std::string message;
};

}  // namespace qingling::sheet
