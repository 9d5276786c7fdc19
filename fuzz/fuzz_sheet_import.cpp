// Spreadsheets as users upload them: CSV in any encoding and XLSX
// workbooks, read as tables and planned as a problem ledger and a unit list
// against the demo campaign. Whatever the bytes, each answers with a table
// or a ReadError, and a plan with errors: no crash, no undefined behaviour.
//
// Input: the file's bytes as uploaded; or, when the first byte is 0x01, the
// parts of an XLSX package, each opened by 0x01 and its path on one line
// ("\x01xl/workbook.xml\n<workbook ...>"), zipped here uncompressed so that
// the XML, not the deflate stream, is what gets mutated.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "engine/ledger/import_file.h"
#include "engine/sheet/csv.h"
#include "engine/sheet/xlsx_reader.h"
#include "fuzz/demo_pack.h"

namespace {

using namespace qingling;

std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (const char c : bytes) {
    crc ^= static_cast<unsigned char>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void put16(std::string& out, std::size_t v) {
  for (int i = 0; i < 2; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put32(std::string& out, std::size_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// A zip archive holding `parts` stored (method 0), as APPNOTE 4.3 lays it out.
std::string zip_stored(const std::vector<std::pair<std::string_view, std::string_view>>& parts) {
  std::string out;
  std::string directory;
  for (const auto& [name, content] : parts) {
    const std::size_t offset = out.size();
    const std::uint32_t crc = crc32(content);
    put32(out, 0x04034b50);
    put16(out, 20);  // version needed
    put16(out, 0);   // flags
    put16(out, 0);   // stored
    put32(out, 0);   // time, date
    put32(out, crc);
    put32(out, content.size());
    put32(out, content.size());
    put16(out, name.size());
    put16(out, 0);
    out += name;
    out += content;

    put32(directory, 0x02014b50);
    put16(directory, 20);  // made by
    put16(directory, 20);  // needed
    put16(directory, 0);
    put16(directory, 0);
    put32(directory, 0);
    put32(directory, crc);
    put32(directory, content.size());
    put32(directory, content.size());
    put16(directory, name.size());
    put16(directory, 0);  // extra
    put16(directory, 0);  // comment
    put16(directory, 0);  // disk
    put16(directory, 0);  // internal attributes
    put32(directory, 0);  // external attributes
    put32(directory, offset);
    directory += name;
  }
  const std::size_t directory_at = out.size();
  out += directory;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, parts.size());
  put16(out, parts.size());
  put32(out, directory.size());
  put32(out, directory_at);
  put16(out, 0);
  return out;
}

std::string package_of(std::string_view input) {
  std::vector<std::pair<std::string_view, std::string_view>> parts;
  while (!input.empty()) {
    input.remove_prefix(1);  // the 0x01 opening the part
    const std::size_t next = input.find('\x01');
    std::string_view part = input.substr(0, next);
    input.remove_prefix(part.size());
    const std::size_t eol = part.find('\n');
    if (eol == std::string_view::npos) continue;
    if (parts.size() < 0xFFFF && eol <= 0xFFFF)
      parts.emplace_back(part.substr(0, eol), part.substr(eol + 1));
  }
  return zip_stored(parts);
}

template <class T>
void check_read(const std::variant<T, sheet::ReadError>& read) {
  if (const auto* error = std::get_if<sheet::ReadError>(&read)) {
    if (error->message.empty()) std::abort();
  }
}

// A table keeps the shape Table promises.
void check_table(const sheet::Table& table) {
  if (!table.header.empty() && table.header.back().empty()) std::abort();
  std::size_t last = table.header_row;
  for (const sheet::Row& row : table.rows) {
    if (row.number <= last) std::abort();
    if (row.cells.size() < table.header.size()) std::abort();
    last = row.number;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::DemoPack& demo = fuzz::demo_pack();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string package;
  if (!input.empty() && input.front() == '\x01') {
    package = package_of(input);
    input = package;
  }
  // Small limits, so that passing them is explored too.
  const sheet::ReadLimits limits{1 << 20, 200, 5000};

  if (!sheet::looks_like_xlsx(input)) {
    const auto csv = sheet::read_csv(input, nullptr, limits);
    check_read(csv);
    if (const auto* table = std::get_if<sheet::Table>(&csv)) check_table(*table);
  } else {
    const auto first = sheet::read_xlsx(input, limits);
    check_read(first);
    if (const auto* table = std::get_if<sheet::Table>(&first)) check_table(*table);
    const auto sheets = sheet::read_xlsx_sheets(input, limits);
    check_read(sheets);
    if (const auto* all = std::get_if<std::vector<sheet::NamedTable>>(&sheets)) {
      for (const auto& named : *all) check_table(named.table);
    }
  }

  const ledger::IssueFilePlan issues = ledger::plan_issue_file(input, demo.rules, demo.units);
  if (!issues.plan.errors.empty() && issues.plan.errors.front().message.empty()) std::abort();
  const ledger::UnitFilePlan units = ledger::plan_unit_file(input, demo.units);
  if (!units.plan.errors.empty() && units.plan.errors.front().message.empty()) std::abort();
  return 0;
}
