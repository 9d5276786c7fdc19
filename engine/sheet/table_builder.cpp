#include "engine/sheet/table_builder.h"

#include <algorithm>
#include <utility>

namespace qingling::sheet {
namespace {

void normalize_line_breaks(std::string& text) {
  const auto at = text.find("\r\n");
  if (at == std::string::npos) return;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  text = std::move(out);
}

void drop_trailing_empty(std::vector<std::string>& cells, std::size_t keep) {
  while (cells.size() > keep && cells.back().empty()) cells.pop_back();
}

}  // namespace

bool is_blank(std::string_view text) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (text.substr(i, kIdeographicSpace.size()) == kIdeographicSpace) {
      i += kIdeographicSpace.size();
    } else {
      return false;
    }
  }
  return true;
}

TableBuilder::TableBuilder(const ReadLimits& limits, std::string unit)
    : limits_(limits), unit_(std::move(unit)) {}

std::string TableBuilder::where(std::size_t number) const {
  return unit_ + " " + std::to_string(number);
}

std::optional<ReadError> TableBuilder::add(std::size_t number, std::vector<std::string> cells) {
  if (std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return is_blank(c); })) {
    return std::nullopt;
  }
  if (++row_count_ > limits_.max_rows) {
    return ReadError{where(number), "the sheet has more than " + std::to_string(limits_.max_rows) +
                                        " rows; split it into smaller files"};
  }
  for (auto& cell : cells) normalize_line_breaks(cell);
  if (!has_header_) {
    drop_trailing_empty(cells, 0);
    has_header_ = true;
    table_.header = std::move(cells);
    table_.header_row = number;
    cell_count_ += table_.header.size();
    return std::nullopt;
  }
  const std::size_t width = table_.header.size();
  drop_trailing_empty(cells, width);
  if (cells.size() < width) cells.resize(width);
  cell_count_ += cells.size();
  if (cell_count_ > limits_.max_cells) {
    return ReadError{where(number), "the sheet has more than " + std::to_string(limits_.max_cells) +
                                        " cells; split it into smaller files"};
  }
  table_.rows.push_back(Row{number, std::move(cells)});
  return std::nullopt;
}

std::variant<Table, ReadError> TableBuilder::finish() && {
  if (!has_header_) {
    return ReadError{where(1), "the sheet is empty: no header row was found"};
  }
  return std::move(table_);
}

}  // namespace qingling::sheet
