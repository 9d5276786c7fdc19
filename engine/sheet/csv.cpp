#include "engine/sheet/csv.h"

#include <utility>
#include <vector>

#include "engine/sheet/table_builder.h"

namespace qingling::sheet {
namespace {

// Walks the text record by record, counting physical lines as it goes.
class CsvScanner {
 public:
  explicit CsvScanner(std::string_view text) : text_(text) {}

  bool done() const { return at_ >= text_.size(); }
  std::size_t line() const { return line_; }

  // The next record's fields, or a ReadError for a quote never closed.
  std::variant<std::vector<std::string>, ReadError> next_record() {
    std::vector<std::string> fields;
    for (;;) {
      std::string field;
      if (peek() == '"') {
        const std::size_t opened = line_;
        ++at_;
        if (!read_quoted(field)) {
          return ReadError{
              "line " + std::to_string(opened),
              "a quoted field opened on line " + std::to_string(opened) + " is never closed"};
        }
      }
      read_plain(field);
      fields.push_back(std::move(field));
      if (peek() == ',') {
        ++at_;
        continue;
      }
      end_line();
      return fields;
    }
  }

 private:
  char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }

  // After an opening quote: up to and past the closing one.
  bool read_quoted(std::string& field) {
    while (at_ < text_.size()) {
      const char c = text_[at_++];
      if (c == '"') {
        if (peek() != '"') return true;
        ++at_;
      } else if (c == '\n' || (c == '\r' && peek() != '\n')) {
        ++line_;
      }
      field.push_back(c);
    }
    return false;
  }

  // Up to the next comma or line end, kept as it is (also text after a
  // closing quote, as Excel keeps it).
  void read_plain(std::string& field) {
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == ',' || c == '\n' || c == '\r') return;
      field.push_back(c);
      ++at_;
    }
  }

  void end_line() {
    if (done()) return;
    if (text_[at_] == '\r') ++at_;
    if (at_ < text_.size() && text_[at_] == '\n') ++at_;
    ++line_;
  }

  std::string_view text_;
  std::size_t at_ = 0;
  std::size_t line_ = 1;
};

bool needs_quotes(std::string_view text) {
  if (text.find_first_of(",\"\r\n") != std::string_view::npos) return true;
  if (text.empty()) return false;
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  return blank(text.front()) || blank(text.back());
}

}  // namespace

std::variant<Table, ReadError> read_csv(std::string_view bytes, Encoding* found,
                                        const ReadLimits& limits) {
  auto decoded = to_utf8(bytes, found);
  if (auto* error = std::get_if<ReadError>(&decoded)) return std::move(*error);
  const std::string& text = std::get<std::string>(decoded);

  CsvScanner scanner(text);
  TableBuilder builder(limits, "line");
  while (!scanner.done()) {
    const std::size_t line = scanner.line();
    auto record = scanner.next_record();
    if (auto* error = std::get_if<ReadError>(&record)) return std::move(*error);
    auto& fields = std::get<std::vector<std::string>>(record);
    if (auto error = builder.add(line, std::move(fields))) return std::move(*error);
  }
  return std::move(builder).finish();
}

std::string csv_field(std::string_view text) {
  if (!needs_quotes(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace qingling::sheet
