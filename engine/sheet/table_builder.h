#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/sheet/table.h"

namespace qingling::sheet {

// Collects rows in reading order into a Table under the rules stated on
// Table (header, blank rows, padding, line breaks) and the limits. Shared by
// the CSV and XLSX readers so that both read a sheet the same way.
class TableBuilder {
 public:
  // `unit` names a row number in errors: "line" for CSV, "row" for XLSX.
  TableBuilder(const ReadLimits& limits, std::string unit);

  // Adds the row numbered `number`. A ReadError when a limit is passed;
  // the builder is then spent.
  std::optional<ReadError> add(std::size_t number, std::vector<std::string> cells);

  // The table, or a ReadError when no row had any text.
  std::variant<Table, ReadError> finish() &&;

  // "line 7" or "row 7", as errors name places.
  std::string where(std::size_t number) const;

 private:
  ReadLimits limits_;
  std::string unit_;
  Table table_;
  bool has_header_ = false;
  std::size_t row_count_ = 0;
  std::size_t cell_count_ = 0;
};

// True when `text` holds nothing but spaces, tabs, CR, LF and U+3000 (the
// ideographic space a Chinese input method types).
bool is_blank(std::string_view text);

}  // namespace qingling::sheet
