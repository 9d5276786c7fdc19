#pragma once

// Private to rules/loader: helpers that read yaml-cpp nodes into plain values
// and report every problem with its file, line and column.

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

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

 private:
  std::vector<LoadError>& errors_;
  std::string file_;
};

// Parses a whole file; a missing file or a syntax error goes to `sink` and
// yields a null node.
YAML::Node load_file(const std::filesystem::path& path, ErrorSink& sink);

// Each reader reports "expected ..." at the node when it is of the wrong
// shape and returns nullopt.
std::optional<std::string> read_string(const YAML::Node& node, ErrorSink& sink,
                                       std::string_view expected = "a string");
std::optional<int> read_int(const YAML::Node& node, ErrorSink& sink,
                            std::string_view expected = "an integer");
std::optional<bool> read_bool(const YAML::Node& node, ErrorSink& sink);
// A scalar or a sequence of scalars, as a list.
std::optional<std::vector<std::string>> read_string_list(const YAML::Node& node, ErrorSink& sink);

// Reports every key of the map `node` that is not in `allowed`
// ("unknown key 'frm'; expected one of: from, to, roles"). False when `node`
// is not a map (also reported).
bool check_keys(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                ErrorSink& sink, std::string_view what = "a mapping");

}  // namespace qingling::rules
