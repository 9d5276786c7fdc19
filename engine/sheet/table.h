#pragma once

#include <cstddef>
#include <cstdint>
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
// rows after it the data. Rows whose cells are all blank (empty, spaces,
// tabs, U+3000) are skipped. Trailing empty header cells are dropped; a
// shorter data row is padded with "" to the header's width, a longer one
// keeps its extra cells (for the caller to report) but loses trailing empty
// ones. Line breaks inside cells read "\n" (a CR LF pair becomes one LF).
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

// Bounds that keep a hostile or runaway file (a zip bomb, a sheet with a
// value in every one of a million rows) from exhausting memory or time.
// Going past any of them is a ReadError, never a truncated table. Parts are
// streamed, so their size bounds time, not memory: 100,000 ledger rows with
// inline strings (as openpyxl writes them) take about 250 MB of XML.
struct ReadLimits {
  std::uint64_t max_part_bytes = 2ull << 30;  // one uncompressed XLSX part
  std::size_t max_rows = 1'000'000;           // non-empty rows, header included
  std::size_t max_cells = 10'000'000;         // cells kept, padding included
};

}  // namespace qingling::sheet
