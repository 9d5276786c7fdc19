#include "rules/loader/yaml_support.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace qingling::rules {
namespace {

std::string join(std::initializer_list<std::string_view> names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

bool is_code(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// The line (from 1) of the first key equal to `key`, before `upto`.
int first_line(const YAML::Node& map, const std::string& key, const YAML::Node& upto) {
  for (const auto& entry : map) {
    if (entry.first.is(upto)) break;
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.first.Mark().line + 1;
  }
  return 0;
}

// The characters in the first `bytes` bytes of line `line` (both from 0) of
// UTF-8 `text`; `bytes` itself when the text is unknown.
int characters_before(std::string_view text, int line, int bytes) {
  if (text.empty()) return bytes;
  std::size_t start = 0;
  for (int l = 0; l < line && start < text.size(); ++l) {
    const std::size_t end = text.find('\n', start);
    start = end == std::string_view::npos ? text.size() : end + 1;
  }
  const std::size_t end = std::min(text.size(), start + static_cast<std::size_t>(bytes));
  int count = 0;
  for (std::size_t i = start; i < end; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++count;
  }
  return count + static_cast<int>(start + static_cast<std::size_t>(bytes) - end);
}

}  // namespace

std::string LoadError::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

void ErrorSink::add(const YAML::Mark& at, std::string message) {
  // A null mark (no position) reports as 1:1, the start of the file.
  const int line = at.is_null() ? 0 : at.line;
  const int column = at.is_null() ? 0 : characters_before(text_, line, at.column);
  errors_.push_back({file_, line + 1, column + 1, std::move(message)});
}

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

YAML::Node load_text(const std::string& text, ErrorSink& sink) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    sink.add(e.mark, "invalid YAML: " + e.msg);
    return YAML::Node{};
  }
}

YAML::Node load_file(const std::filesystem::path& path, ErrorSink& sink) {
  std::optional<std::string> text = read_text_file(path);
  if (!text) {
    sink.add(YAML::Mark::null_mark(), "cannot open the file");
    return YAML::Node{};
  }
  return load_text(*text, sink);
}

std::optional<std::string> read_string(const YAML::Node& node, ErrorSink& sink,
                                       std::string_view expected) {
  if (!node.IsScalar()) {
    sink.add(node, "expected " + std::string(expected));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<int> read_int(const YAML::Node& node, ErrorSink& sink, std::string_view expected) {
  int value = 0;
  if (!node.IsScalar() || !YAML::convert<int>::decode(node, value)) {
    sink.add(node, "expected " + std::string(expected));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> read_bool(const YAML::Node& node, ErrorSink& sink) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    sink.add(node, "expected true or false");
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> read_string_list(const YAML::Node& node, ErrorSink& sink) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) {
    sink.add(node, "expected a name or a list of names");
    return std::nullopt;
  }
  bool ok = true;
  for (const YAML::Node& item : node) {
    if (auto s = read_string(item, sink, "a name")) {
      out.push_back(*s);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Date> read_date(const YAML::Node& node, ErrorSink& sink) {
  std::optional<Date> day;
  if (node.IsScalar()) day = parse_date(node.Scalar());
  if (!day) sink.add(node, "expected a date like 2026-12-31 (YYYY-MM-DD)");
  return day;
}

std::optional<std::string> read_code(const YAML::Node& node, ErrorSink& sink) {
  if (!node.IsScalar() || !is_code(node.Scalar())) {
    sink.add(node, "expected a code of letters, digits, '_' or '-'");
    return std::nullopt;
  }
  return node.Scalar();
}

bool check_keys(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                ErrorSink& sink, std::string_view what) {
  if (!node.IsMap()) {
    sink.add(node, "expected " + std::string(what));
    return false;
  }
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) {
      sink.add(entry.first, "expected a name as key");
      continue;
    }
    const std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      sink.add(entry.first, "unknown key '" + key + "'; expected one of: " + join(allowed));
    } else if (const int line = first_line(node, key, entry.first); line > 0) {
      sink.add(entry.first,
               "duplicate key '" + key + "' (first at line " + std::to_string(line) + ")");
    }
  }
  return true;
}

bool FirstSeen::add(const std::string& name, const YAML::Mark& at, ErrorSink& sink) {
  const auto [it, added] = lines_.emplace(name, at.line + 1);
  if (!added) {
    sink.add(at, "duplicate " + what_ + " '" + name + "' (first at line " +
                     std::to_string(it->second) + ")");
  }
  return added;
}

MapReader::MapReader(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                     ErrorSink& sink)
    : node_(node), sink_(sink), ok_(node.IsMap()) {
  if (node.IsNull()) {
    sink.add(node, "expected a mapping with the keys: " + join(allowed));
  } else {
    check_keys(node, allowed, sink);
  }
}

Entry MapReader::get(std::string_view key) const {
  if (!ok_) return {};
  for (const auto& entry : node_) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) {
      return {entry.first, entry.second, true};
    }
  }
  return {};
}

Entry MapReader::need(std::string_view key) const {
  Entry e = get(key);
  if (ok_ && !e.found) sink_.add(node_, "missing required key '" + std::string(key) + "'");
  return e;
}

namespace {

// False (and reported at the key) when the entry has no value.
bool has_value(const Entry& e, ErrorSink& sink, std::string_view expected) {
  if (!e.found) return false;
  if (e.value.IsNull()) {
    sink.add(e.key, "expected " + std::string(expected) + " after '" + e.key.Scalar() + ":'");
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> read_string(const Entry& e, ErrorSink& sink, std::string_view expected) {
  if (!has_value(e, sink, expected)) return std::nullopt;
  return read_string(e.value, sink, expected);
}

std::optional<int> read_int(const Entry& e, ErrorSink& sink) {
  if (!has_value(e, sink, "an integer")) return std::nullopt;
  return read_int(e.value, sink);
}

std::optional<bool> read_bool(const Entry& e, ErrorSink& sink) {
  if (!has_value(e, sink, "true or false")) return std::nullopt;
  return read_bool(e.value, sink);
}

std::optional<Date> read_date(const Entry& e, ErrorSink& sink) {
  if (!has_value(e, sink, "a date like 2026-12-31 (YYYY-MM-DD)")) return std::nullopt;
  return read_date(e.value, sink);
}

std::optional<std::string> read_code(const Entry& e, ErrorSink& sink) {
  if (!has_value(e, sink, "a code")) return std::nullopt;
  return read_code(e.value, sink);
}

std::optional<std::vector<Located>> read_code_list(const Entry& e, ErrorSink& sink,
                                                   bool allow_empty) {
  if (!has_value(e, sink, "a name or a list of names")) return std::nullopt;
  std::vector<Located> out;
  if (e.value.IsScalar()) {
    if (!read_code(e.value, sink)) return std::nullopt;
    out.push_back({e.value.Scalar(), e.value.Mark()});
    return out;
  }
  if (!e.value.IsSequence()) {
    sink.add(e.value, "expected a name or a list of names");
    return std::nullopt;
  }
  if (e.value.size() == 0 && !allow_empty) {
    sink.add(e.value, "expected at least one name");
    return std::nullopt;
  }
  for (const YAML::Node& item : e.value) {
    if (read_code(item, sink)) out.push_back({item.Scalar(), item.Mark()});
  }
  return out;
}

std::optional<YAML::Node> read_sequence(const Entry& e, ErrorSink& sink) {
  if (!has_value(e, sink, "a list")) return std::nullopt;
  if (!e.value.IsSequence()) {
    sink.add(e.value, "expected a list");
    return std::nullopt;
  }
  return e.value;
}

std::optional<YAML::Node> read_mapping(const Entry& e, ErrorSink& sink) {
  if (!has_value(e, sink, "a mapping")) return std::nullopt;
  if (!e.value.IsMap()) {
    sink.add(e.value, "expected a mapping");
    return std::nullopt;
  }
  return e.value;
}

namespace {

// "10 days", "1 day", "10 working days", "1 working day".
std::optional<Span> parse_span(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 4 || digits == text.size() || text[digits] != ' ')
    return std::nullopt;
  const int n = std::stoi(std::string(text.substr(0, digits)));
  const std::string_view unit = text.substr(digits + 1);
  if (n < 1) return std::nullopt;
  if (unit == "day" || unit == "days") return Span{n, SpanUnit::CalendarDays};
  if (unit == "working day" || unit == "working days") return Span{n, SpanUnit::WorkingDays};
  return std::nullopt;
}

}  // namespace

std::optional<Span> read_span(const Entry& e, ErrorSink& sink) {
  constexpr std::string_view kExpected = "a duration like \"10 days\" or \"10 working days\"";
  std::optional<std::string> text = read_string(e, sink, kExpected);
  if (!text) return std::nullopt;
  std::optional<Span> span = parse_span(*text);
  if (!span) sink.add(e.value, "expected " + std::string(kExpected));
  return span;
}

std::optional<int> read_percent(const Entry& e, ErrorSink& sink) {
  constexpr std::string_view kExpected = "a percentage like \"30%\" (1% to 99%)";
  std::optional<std::string> text = read_string(e, sink, kExpected);
  if (!text) return std::nullopt;
  const std::string& s = *text;
  const bool digits =
      s.size() >= 2 && s.size() <= 3 && s.back() == '%' &&
      std::all_of(s.begin(), s.end() - 1, [](char c) { return c >= '0' && c <= '9'; });
  const int p = digits ? std::stoi(s.substr(0, s.size() - 1)) : 0;
  if (p < 1 || p > 99) {
    sink.add(e.value, "expected " + std::string(kExpected));
    return std::nullopt;
  }
  return p;
}

std::optional<std::size_t> read_choice(const Entry& e, std::initializer_list<const char*> choices,
                                       ErrorSink& sink) {
  std::string expected = "one of: ";
  for (const char* c : choices) expected += (c == *choices.begin() ? "" : ", ") + std::string(c);
  std::optional<std::string> text = read_string(e, sink, expected);
  if (!text) return std::nullopt;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (*text == *(choices.begin() + i)) return i;
  }
  sink.add(e.value, "expected " + expected);
  return std::nullopt;
}

std::optional<bool> read_requirement(const Entry& e, ErrorSink& sink) {
  constexpr std::string_view kExpected = "required or optional";
  std::optional<std::string> text = read_string(e, sink, kExpected);
  if (!text) return std::nullopt;
  if (*text == "required") return true;
  if (*text == "optional") return false;
  bool value = false;
  if (YAML::convert<bool>::decode(e.value, value)) return value;
  sink.add(e.value, "expected " + std::string(kExpected));
  return std::nullopt;
}

std::vector<CodeLabel> read_code_labels(const Entry& e, std::string_view what, ErrorSink& sink) {
  std::vector<CodeLabel> out;
  std::optional<YAML::Node> seq = read_sequence(e, sink);
  if (!seq) return out;
  if (seq->size() == 0) sink.add(*seq, "expected at least one " + std::string(what));
  FirstSeen seen(std::string(what) + " code");
  for (const YAML::Node& item : *seq) {
    MapReader m(item, {"code", "label"}, sink);
    const Entry code_entry = m.need("code");
    std::optional<std::string> code = read_code(code_entry, sink);
    std::optional<std::string> label = read_string(m.need("label"), sink);
    if (!code || !label) continue;
    if (seen.add(*code, code_entry.value.Mark(), sink)) out.push_back({*code, *label});
  }
  return out;
}

}  // namespace qingling::rules
