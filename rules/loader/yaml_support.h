#pragma once

// Private to rules/loader: helpers that read yaml-cpp nodes into plain values
// and report every problem with its file, line and column.

#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/core/time.h"
#include "rules/loader/pack_loader.h"

namespace qingling::rules {

// Collects errors for one file. yaml-cpp marks count from 0; errors count from 1.
class ErrorSink {
 public:
  ErrorSink(std::vector<LoadError>& errors, std::string file)
      : errors_(errors), file_(std::move(file)) {}

  void add(const YAML::Mark& at, std::string message);
  void add(const YAML::Node& at, std::string message) { add(at.Mark(), std::move(message)); }
  const std::string& file() const { return file_; }
  std::size_t count() const { return errors_.size(); }
  // The file's text, so that columns count characters as editors do, not
  // the bytes yaml-cpp counts. `text` must outlive the sink.
  void set_text(std::string_view text) { text_ = text; }

 private:
  std::vector<LoadError>& errors_;
  std::string file_;
  std::string_view text_;
};

// Parses a whole file; a missing file or a syntax error goes to `sink` and
// yields a null node.
YAML::Node load_file(const std::filesystem::path& path, ErrorSink& sink);

// The bytes of a file, or nullopt when it cannot be read.
std::optional<std::string> read_text_file(const std::filesystem::path& path);

// Parses YAML text; a syntax error goes to `sink` (at yaml-cpp's mark) and
// yields a null node.
YAML::Node load_text(const std::string& text, ErrorSink& sink);

// Each reader reports "expected ..." at the node when it is of the wrong
// shape and returns nullopt.
std::optional<std::string> read_string(const YAML::Node& node, ErrorSink& sink,
                                       std::string_view expected = "a string");
std::optional<int> read_int(const YAML::Node& node, ErrorSink& sink,
                            std::string_view expected = "an integer");
std::optional<bool> read_bool(const YAML::Node& node, ErrorSink& sink);
// A scalar or a sequence of scalars, as a list.
std::optional<std::vector<std::string>> read_string_list(const YAML::Node& node, ErrorSink& sink);
// "YYYY-MM-DD", a real day.
std::optional<Date> read_date(const YAML::Node& node, ErrorSink& sink);
// A code (state, action, role, category, …): letters, digits, '_' and '-'.
std::optional<std::string> read_code(const YAML::Node& node, ErrorSink& sink);

// Reports every key of the map `node` that is not in `allowed`
// ("unknown key 'frm'; expected one of: from, to, roles") and every key
// given twice. False when `node` is not a map (also reported).
bool check_keys(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                ErrorSink& sink, std::string_view what = "a mapping");

// Remembers the line where each name was first given, to report repeats
// ("duplicate state 'open' (first at line 2)"). yaml-cpp keeps both entries
// of a key given twice, so maps keyed by name need this as much as lists.
class FirstSeen {
 public:
  explicit FirstSeen(std::string what) : what_(std::move(what)) {}
  // True when `name` is new; otherwise reports the repeat at `at`.
  bool add(const std::string& name, const YAML::Mark& at, ErrorSink& sink);

 private:
  std::string what_;
  std::map<std::string, int> lines_;
};

// One key of a mapping and its value. A key written with no value
// (`label:`) has a null value, whose yaml-cpp mark is the next token's:
// errors about it point at the key instead.
struct Entry {
  YAML::Node key;
  YAML::Node value;
  bool found = false;
};

// A mapping being read. The constructor reports unknown and duplicate keys
// (and a node that is not a mapping); `get` then hands out entries, and
// `need` also reports a required key that is absent, at the mapping.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
            ErrorSink& sink);

  bool ok() const { return ok_; }  // the node is a mapping
  Entry get(std::string_view key) const;
  Entry need(std::string_view key) const;

 private:
  YAML::Node node_;
  ErrorSink& sink_;
  bool ok_;
};

// Entry readers: silent (nullopt) when the entry was not found; a key with
// no value is reported at the key as "expected <what>".
std::optional<std::string> read_string(const Entry& e, ErrorSink& sink,
                                       std::string_view expected = "a string");
std::optional<int> read_int(const Entry& e, ErrorSink& sink);
std::optional<bool> read_bool(const Entry& e, ErrorSink& sink);
std::optional<Date> read_date(const Entry& e, ErrorSink& sink);
std::optional<std::string> read_code(const Entry& e, ErrorSink& sink);

// A name with its position, for references checked after reading.
struct Located {
  std::string text;
  YAML::Mark mark;
};

// A code or a list of codes. An empty list is reported ("expected at least
// one name") unless `allow_empty`.
std::optional<std::vector<Located>> read_code_list(const Entry& e, ErrorSink& sink,
                                                   bool allow_empty = false);

// The entry's node, if it is a sequence (else "expected a list", at the key
// when the value is missing).
std::optional<YAML::Node> read_sequence(const Entry& e, ErrorSink& sink);
// The same for a mapping ("expected a mapping").
std::optional<YAML::Node> read_mapping(const Entry& e, ErrorSink& sink);

// A day count and its unit, as written: "10 days", "1 day", "10 working
// days", "1 working day" (N from 1 to 9999).
struct Span {
  int days = 0;
  SpanUnit unit = SpanUnit::CalendarDays;
};
std::optional<Span> read_span(const Entry& e, ErrorSink& sink);

// "30%": a point strictly inside a span, 1% to 99%.
std::optional<int> read_percent(const Entry& e, ErrorSink& sink);

// One of `choices`, as its index ("expected one of: running, paused, stopped").
std::optional<std::size_t> read_choice(const Entry& e, std::initializer_list<const char*> choices,
                                       ErrorSink& sink);

// `required` or `optional` (true or false are taken too).
std::optional<bool> read_requirement(const Entry& e, ErrorSink& sink);

// A non-empty list of {code, label} with unique codes; `what` names them in
// messages ("duplicate category code 'A' (first at line 9)").
std::vector<CodeLabel> read_code_labels(const Entry& e, std::string_view what, ErrorSink& sink);

}  // namespace qingling::rules
