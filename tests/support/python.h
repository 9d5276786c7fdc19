#pragma once

// Independent readers for what qingling writes: Debian's /usr/bin/python3
// with python3-openpyxl and python3-icalendar (the `python3` on PATH may be
// another one without them).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace qingling::testing {

// Runs `script` with `argument` as sys.argv[1]; returns what it printed
// (stdout and stderr). The script is written beside `argument`.
inline std::string run_python(const std::string& script, const std::filesystem::path& argument) {
  const std::filesystem::path source = argument.string() + ".py";
  std::ofstream(source) << script;
  const std::string command =
      "/usr/bin/python3 '" + source.string() + "' '" + argument.string() + "' 2>&1";
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buffer[4096];
    while (std::size_t n = fread(buffer, 1, sizeof buffer, p)) out.append(buffer, n);
    pclose(p);
  }
  std::filesystem::remove(source);
  return out;
}

}  // namespace qingling::testing
