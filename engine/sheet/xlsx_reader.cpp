#include "engine/sheet/xlsx_reader.h"

#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/sheet/table_builder.h"
#include "engine/sheet/xlsx_parts.h"
#include "engine/sheet/xlsx_values.h"
#include "engine/sheet/xml_reader.h"
#include "engine/sheet/zip_archive.h"

namespace qingling::sheet {
namespace {

std::optional<std::size_t> unsigned_number(std::optional<std::string_view> text) {
  if (!text) return std::nullopt;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size()) return std::nullopt;
  return value;
}

std::optional<std::size_t> row_number(std::optional<std::string_view> text) {
  const auto number = unsigned_number(text);
  return number == std::size_t{0} ? std::nullopt : number;
}

bool looks_like_iso_date(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
  for (const std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

// Reads <sheetData> row by row into the builder. Cells land in the column
// their reference names (writers skip empty cells); a cell without a
// reference follows the one before it, as the format allows.
class SheetHandler : public XmlHandler {
 public:
  SheetHandler(const Workbook& workbook, const std::vector<std::string>& strings,
               const std::vector<bool>& date_styles, TableBuilder& builder)
      : workbook_(workbook), strings_(strings), date_styles_(date_styles), builder_(builder) {}

  void start(std::string_view name, const XmlAttributes& attributes) override {
    if (name == "sheetData") {
      in_data_ = true;
    } else if (!in_data_) {
      return;
    } else if (name == "row") {
      // Excel lists rows in order and refuses a sheet that does not; taking
      // one would give two rows one number, or a data row above its header.
      const std::size_t number = row_number(attributes.get("r")).value_or(row_ + 1);
      if (number <= row_) {
        error =
            ReadError{"row " + std::to_string(number), "comes after row " + std::to_string(row_) +
                                                           ": the sheet's rows are out of order"};
      }
      row_ = number;
      cells_.clear();
      next_column_ = 0;
    } else if (name == "c") {
      const auto reference = attributes.get("r");
      reference_ = std::string(reference.value_or(""));
      const auto column = reference ? column_of(*reference) : std::optional<std::size_t>();
      column_ = column.value_or(next_column_);
      if (column_ >= kMaxColumns) {
        error = ReadError{"row " + std::to_string(row_),
                          "has more than " + std::to_string(kMaxColumns) + " columns"};
      }
      type_ = std::string(attributes.get("t").value_or("n"));
      style_ = unsigned_number(attributes.get("s")).value_or(0);
      value_.clear();
    } else if (name == "v") {
      in_value_ = true;
    } else if (name == "is") {
      in_inline_ = true;
    } else if (name == "rPh") {
      ++phonetic_depth_;
    } else if (name == "t") {
      in_value_ = in_inline_ && phonetic_depth_ == 0;
    }
  }

  void end(std::string_view name) override {
    if (!in_data_) return;
    if (name == "v" || name == "t") {
      in_value_ = false;
    } else if (name == "is") {
      in_inline_ = false;
    } else if (name == "rPh") {
      --phonetic_depth_;
    } else if (name == "c") {
      std::string text = cell_text();
      if (!text.empty()) {
        if (column_ >= cells_.size()) cells_.resize(column_ + 1);
        cells_[column_] = std::move(text);
      }
      next_column_ = column_ + 1;
    } else if (name == "row") {
      if (auto failure = builder_.add(row_, std::move(cells_))) error = std::move(failure);
      cells_.clear();
    } else if (name == "sheetData") {
      in_data_ = false;
    }
  }

  void text(std::string_view chunk) override {
    if (in_value_) value_.append(chunk);
  }

 private:
  std::string cell_text() {
    if (type_ == "s") {
      const auto index = unsigned_number(value_).value_or(strings_.size());
      if (index < strings_.size()) return strings_[index];
      error = ReadError{"cell " + cell_name(), "refers to shared string \"" + value_ +
                                                   "\", but the workbook has " +
                                                   std::to_string(strings_.size())};
      return {};
    }
    if (type_ == "inlineStr" || type_ == "str") return decode_escapes(value_);
    if (type_ == "b") return value_ == "1" ? "TRUE" : value_ == "0" ? "FALSE" : value_;
    if (type_ == "e") return value_;
    if (type_ == "d") return looks_like_iso_date(value_) ? value_.substr(0, 10) : value_;
    if (value_.empty()) return {};
    if (style_ < date_styles_.size() && date_styles_[style_]) {
      if (auto date = date_text(value_, workbook_.date1904)) return *date;
    }
    return number_text(value_);
  }

  std::string cell_name() const {
    if (!reference_.empty()) return reference_;
    std::string letters;
    for (std::size_t n = column_ + 1; n > 0; n = (n - 1) / 26) {
      letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
    }
    return letters + std::to_string(row_);
  }

  const Workbook& workbook_;
  const std::vector<std::string>& strings_;
  const std::vector<bool>& date_styles_;
  TableBuilder& builder_;

  bool in_data_ = false;
  std::size_t row_ = 0;
  std::vector<std::string> cells_;
  std::size_t next_column_ = 0;
  std::string reference_;
  std::size_t column_ = 0;
  std::string type_;
  std::size_t style_ = 0;
  std::string value_;
  bool in_value_ = false;
  bool in_inline_ = false;
  int phonetic_depth_ = 0;
};

}  // namespace

bool looks_like_xlsx(std::string_view bytes) { return bytes.starts_with("PK\x03\x04"); }

namespace {

// The parts every sheet needs: the archive, its workbook, shared strings and
// which styles are dates.
struct OpenWorkbook {
  std::unique_ptr<ZipArchive> archive;
  Workbook workbook;
  std::vector<std::string> strings;
  std::vector<bool> date_styles;
};

std::variant<OpenWorkbook, ReadError> open_workbook(std::string_view bytes,
                                                    const ReadLimits& limits) {
  if (bytes.starts_with("\xD0\xCF\x11\xE0")) {
    return ReadError{"file",
                     "an Excel 97-2003 (.xls) or password-protected workbook; save it as .xlsx "
                     "without a password"};
  }
  if (!looks_like_xlsx(bytes)) {
    return ReadError{"file", "not an XLSX workbook: the file is not a zip archive"};
  }
  OpenWorkbook open;
  std::string zip_error;
  open.archive = ZipArchive::open(bytes, &zip_error);
  if (!open.archive) return ReadError{"file", "not an XLSX workbook: " + zip_error};
  const ZipArchive& archive = *open.archive;

  auto found = read_workbook(archive, limits);
  if (auto* error = std::get_if<ReadError>(&found)) return std::move(*error);
  open.workbook = std::move(std::get<Workbook>(found));
  const Workbook& workbook = open.workbook;

  if (!workbook.shared_strings_part.empty() && archive.contains(workbook.shared_strings_part)) {
    auto read = read_shared_strings(archive, workbook.shared_strings_part, limits);
    if (auto* error = std::get_if<ReadError>(&read)) return std::move(*error);
    open.strings = std::move(std::get<std::vector<std::string>>(read));
  }
  if (!workbook.styles_part.empty() && archive.contains(workbook.styles_part)) {
    auto read = read_date_styles(archive, workbook.styles_part, limits);
    if (auto* error = std::get_if<ReadError>(&read)) return std::move(*error);
    open.date_styles = std::move(std::get<std::vector<bool>>(read));
  }
  return open;
}

std::variant<Table, ReadError> read_sheet(const OpenWorkbook& open, const std::string& part,
                                          const ReadLimits& limits) {
  TableBuilder builder(limits, "row");
  SheetHandler handler(open.workbook, open.strings, open.date_styles, builder);
  if (auto error = parse_part(*open.archive, part, handler, limits)) return std::move(*error);
  return std::move(builder).finish();
}

}  // namespace

std::variant<Table, ReadError> read_xlsx(std::string_view bytes, const ReadLimits& limits) {
  auto opened = open_workbook(bytes, limits);
  if (auto* error = std::get_if<ReadError>(&opened)) return std::move(*error);
  const auto& open = std::get<OpenWorkbook>(opened);
  return read_sheet(open, open.workbook.sheet_part, limits);
}

std::variant<std::vector<NamedTable>, ReadError> read_xlsx_sheets(std::string_view bytes,
                                                                  const ReadLimits& limits) {
  auto opened = open_workbook(bytes, limits);
  if (auto* error = std::get_if<ReadError>(&opened)) return std::move(*error);
  const auto& open = std::get<OpenWorkbook>(opened);
  std::vector<NamedTable> sheets;
  std::size_t rows = 0;
  for (const Workbook::Sheet& sheet : open.workbook.worksheets) {
    auto read = read_sheet(open, sheet.part, limits);
    if (auto* error = std::get_if<ReadError>(&read)) {
      // An empty sheet (no header) is no table; anything else is an error.
      if (error->message.find("no header") != std::string::npos) continue;
      error->where = sheet.name + ", " + error->where;
      return std::move(*error);
    }
    auto& table = std::get<Table>(read);
    rows += table.rows.size();
    if (rows > limits.max_rows) {
      return ReadError{"file", "more than " + std::to_string(limits.max_rows) + " rows"};
    }
    sheets.push_back({sheet.name, std::move(table)});
  }
  return sheets;
}

}  // namespace qingling::sheet
