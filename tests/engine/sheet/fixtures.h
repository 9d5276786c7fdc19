#pragma once

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/sheet/table.h"

namespace qingling::sheet::testing {

// The bytes of tests/engine/sheet/data/`name` (written by make_fixtures.py).
inline std::string fixture(std::string_view name) {
  const std::string path =
      std::string(QINGLING_SOURCE_DIR) + "/tests/engine/sheet/data/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The table, or a test failure naming the ReadError.
inline Table table_of(std::variant<Table, ReadError> read) {
  if (auto* error = std::get_if<ReadError>(&read)) {
    throw std::runtime_error("unexpected ReadError: " + error->where + ": " + error->message);
  }
  return std::get<Table>(std::move(read));
}

// The ReadError, or a failure when the file was read.
inline ReadError error_of(std::variant<Table, ReadError> read) {
  if (!std::holds_alternative<ReadError>(read)) throw std::runtime_error("expected a ReadError");
  return std::get<ReadError>(std::move(read));
}

// The row numbers of a table's data rows, in order.
inline std::vector<std::size_t> numbers_of(const Table& table) {
  std::vector<std::size_t> numbers;
  for (const auto& row : table.rows) numbers.push_back(row.number);
  return numbers;
}

}  // namespace qingling::sheet::testing
