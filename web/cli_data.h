#pragma once

// The data commands of the CLI: import, export and backup, beside or
// without a running server.

#include <cstdint>
#include <filesystem>
#include <string>

namespace qingling::cli {

struct ImportOptions {
  std::filesystem::path data;
  std::filesystem::path rules_dir;
  std::filesystem::path file;
  std::string what;     // "issues" or "units"
  std::string as_user;  // act as this user; "" for the operator (every role, at the root)
  bool dry_run = false;
};
int import_file(const ImportOptions& o);

struct ExportOptions {
  std::filesystem::path data;
  std::filesystem::path rules_dir;
  std::string unit;    // "" for the whole tree
  std::string format;  // "xlsx" or "csv"
  std::filesystem::path out;
};
int export_ledger(const ExportOptions& o);

// A consistent copy of the database and every evidence file into `to`.
int backup(const std::filesystem::path& data, const std::filesystem::path& to);

// Fills `data` with the demo campaign (when it holds no problems) and then
// `problems` generated problems over the demo city (web/demo/generate.h).
struct GenerateOptions {
  std::filesystem::path data;
  std::filesystem::path rules_dir;
  std::int64_t problems = 0;
  std::uint32_t seed = 1;
  int days = 120;
};
int generate(const GenerateOptions& o);

}  // namespace qingling::cli
