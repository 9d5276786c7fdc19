// Rule packs and demo seed data as YAML: whatever the files hold, the
// loaders answer with located errors (load_pack) or a std::runtime_error
// (load_seed), never a crash, another exception or undefined behaviour.
//
// Input: files of one pack, each opened by a line "#@ <name>" (campaign.yaml,
// workflow.yaml, deadlines.yaml, escalation.yaml, calendar.yaml, or
// seed/units.yaml, seed/problems.yaml, seed/inspection.yaml); text before the
// first such line is campaign.yaml. A pack file the input leaves out is
// taken from a small pack that loads cleanly, so one file can be fuzzed
// while the others hold; the seed is read only when the input names one of
// its files.

#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include "rules/loader/pack_loader.h"
#include "rules/loader/seed_loader.h"

namespace {

namespace fs = std::filesystem;
using namespace qingling;

constexpr std::string_view kCampaign = R"(campaign:
  code: demo
  name: 演示
  version: "1"
  time_zone: Asia/Shanghai
  calendar: calendar.yaml
roles: [admin, inspector]
categories:
  - {code: A, label: 甲}
sources:
  - {code: carpet, label: 排查}
default_source: carpet
severities:
  - {code: grave, label: 严重}
  - {code: general, label: 一般}
default_severity: general
)";

constexpr std::string_view kCalendar = R"(calendar:
  name: 测试
  first_year: 2026
  last_year: 2026
  days_off:
    2026-10-01: 国庆节
  make_up_days:
    2026-10-10: 国庆节调休
)";

constexpr std::string_view kWorkflow = R"(states:
  open: {label: 待整改, clock: running}
  closed: {label: 已销号, clock: stopped, cleared: true}
initial: open
create: {roles: [inspector]}
actions:
  close: {label: 销号, from: [open], to: closed, roles: [inspector]}
  extend:
    label: 延期
    from: open
    roles: [admin]
    fields:
      deadline: {type: date, required: true, label: 延期至}
    deadline: extend
)";

constexpr std::string_view kDeadlines = R"(deadlines:
  - name: 严重
    when: {severity: grave}
    within: 5 working days
  - name: 其他
    within: 30 days
)";

const std::map<std::string, std::string_view, std::less<>> kBaseline = {
    {"campaign.yaml", kCampaign},
    {"workflow.yaml", kWorkflow},
    {"deadlines.yaml", kDeadlines},
    {"calendar.yaml", kCalendar},
};
constexpr std::array<std::string_view, 4> kOptional = {
    "escalation.yaml", "seed/units.yaml", "seed/problems.yaml", "seed/inspection.yaml"};

// One folder per process, rewritten for every input.
const fs::path& pack_dir() {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "qingling-fuzz-yaml-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    fs::create_directories(fs::path(pattern) / "seed");
    return fs::path(pattern);
  }();
  return dir;
}

void write(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) std::abort();
}

bool known(std::string_view name) {
  if (kBaseline.contains(name)) return true;
  for (std::string_view n : kOptional) {
    if (n == name) return true;
  }
  return false;
}

// The input's files by name; unknown names stay with the file before them.
std::map<std::string, std::string, std::less<>> split(std::string_view input) {
  std::map<std::string, std::string, std::less<>> files;
  std::string current = "campaign.yaml";
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    const std::string_view line = input.substr(0, end == std::string_view::npos ? end : end + 1);
    input.remove_prefix(line.size());
    if (line.starts_with("#@ ")) {
      std::string_view name = line.substr(3);
      while (!name.empty() && (name.back() == '\n' || name.back() == '\r' || name.back() == ' '))
        name.remove_suffix(1);
      if (known(name)) {
        current = std::string(name);
        files[current];
        continue;
      }
    }
    files[current] += line;
  }
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto files = split(std::string_view(reinterpret_cast<const char*>(data), size));
  const fs::path& dir = pack_dir();
  for (const auto& [name, text] : kBaseline) {
    const auto given = files.find(name);
    write(dir / name, given == files.end() ? text : std::string_view(given->second));
  }
  bool seed = false;
  for (std::string_view name : kOptional) {
    const auto given = files.find(name);
    if (given == files.end()) {
      fs::remove(dir / name);
    } else {
      write(dir / name, given->second);
      seed = seed || name.starts_with("seed/");
    }
  }

  const rules::LoadResult loaded = rules::load_pack(dir, *parse_date("2026-11-27"));
  if (loaded.rules.has_value() == !loaded.errors.empty()) std::abort();  // one or the other
  for (const rules::LoadError& e : loaded.errors) {
    if (e.line < 1 || e.column < 1 || e.message.empty()) std::abort();
    (void)e.to_string();
  }
  if (loaded.rules) (void)rules::summary(*loaded.rules);

  if (seed) {
    try {
      (void)rules::load_seed(dir / "seed");
    } catch (const std::runtime_error&) {
      // The documented way to refuse a seed.
    }
  }
  return 0;
}
