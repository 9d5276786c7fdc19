#include "rules/loader/yaml_support.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace qingling::rules {

std::string LoadError::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

void ErrorSink::add(const YAML::Mark& at, std::string message) {
  // A null mark (no position) reports as 1:1, the start of the file.
  const int line = at.is_null() ? 0 : at.line;
  const int column = at.is_null() ? 0 : at.column;
  errors_.push_back({file_, line + 1, column + 1, std::move(message)});
}

YAML::Node load_file(const std::filesystem::path& path, ErrorSink& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    sink.add(YAML::Mark::null_mark(), "cannot open the file");
    return YAML::Node{};
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return YAML::Load(text.str());
  } catch (const YAML::ParserException& e) {
    sink.add(e.mark, "invalid YAML: " + e.msg);
    return YAML::Node{};
  }
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

bool check_keys(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                ErrorSink& sink, std::string_view what) {
  if (!node.IsMap()) {
    sink.add(node, "expected " + std::string(what));
    return false;
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      sink.add(entry.first, "unknown key '" + key + "'; expected one of: " + list);
    }
  }
  return true;
}

}  // namespace qingling::rules
