#include "rules/loader/seed_loader.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "rules/loader/yaml_support.h"

namespace qingling::rules {
namespace {

constexpr std::string_view kCategories = "ABCDEF";
constexpr std::array<std::string_view, 7> kStoryTags = {
    "on_time",       "overdue_yellow", "overdue_red",    "reminded",
    "rejected_once", "submitted_late", "submitted_early"};

[[noreturn]] void throw_first(const std::vector<LoadError>& errors) {
  throw std::runtime_error(errors.front().to_string());
}

template <class Range>
bool one_of(std::string_view value, const Range& allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

template <class Range>
std::string joined(const Range& allowed) {
  std::string out;
  for (std::string_view a : allowed) out += (out.empty() ? "" : ", ") + std::string(a);
  return out;
}

// The fields of one mapping. A missing key is reported at the mapping, a
// value of the wrong shape at the value; the getters then return an empty
// value so that reading can go on and report further errors.
class Fields {
 public:
  Fields(const YAML::Node& map, ErrorSink& sink) : map_(map), sink_(sink) {}

  // The value at `key`; nullopt when the key is absent (reported when
  // `required`) or written without a value (always reported, at the key:
  // yaml-cpp marks an empty value at the next token).
  std::optional<YAML::Node> node(const char* key, bool required = true) const {
    const YAML::Node value = map_[key];
    if (!value) {
      if (required) sink_.add(map_, std::string("missing key '") + key + "'");
      return std::nullopt;
    }
    if (value.IsNull()) {
      for (const auto& entry : map_) {
        if (entry.first.Scalar() == key) sink_.add(entry.first, "expected a value after ':'");
      }
      return std::nullopt;
    }
    return value;
  }

  std::string text(const char* key) const {
    const std::optional<YAML::Node> value = node(key);
    if (!value) return {};
    std::optional<std::string> s = read_string(*value, sink_, "a non-empty string");
    if (s && s->empty()) {
      sink_.add(*value, "expected a non-empty string");
      return {};
    }
    return s.value_or(std::string{});
  }

  std::string choice(const char* key, std::initializer_list<std::string_view> allowed) const {
    const std::optional<YAML::Node> value = node(key);
    if (!value) return {};
    const std::string expected = "one of: " + joined(allowed);
    std::optional<std::string> s = read_string(*value, sink_, expected);
    if (s && !one_of(*s, allowed)) {
      sink_.add(*value, "expected " + expected);
      return {};
    }
    return s.value_or(std::string{});
  }

  int number(const char* key, int min, bool required = true) const {
    const std::optional<YAML::Node> value = node(key, required);
    if (!value) return 0;
    const std::string expected = "an integer of at least " + std::to_string(min);
    std::optional<int> n = read_int(*value, sink_, expected);
    if (n && *n < min) {
      sink_.add(*value, "expected " + expected);
      return 0;
    }
    return n.value_or(0);
  }

  std::vector<std::string> list(const char* key, bool required = true) const {
    const std::optional<YAML::Node> value = node(key, required);
    if (!value) return {};
    return read_string_list(*value, sink_).value_or(std::vector<std::string>{});
  }

 private:
  const YAML::Node& map_;
  ErrorSink& sink_;
};

// A sequence under `key` of a file's top-level map; nullopt (and reported) otherwise.
std::optional<YAML::Node> sequence(const Fields& top, const char* key, ErrorSink& sink) {
  std::optional<YAML::Node> value = top.node(key);
  if (value && !value->IsSequence()) {
    sink.add(*value, std::string("expected a list under '") + key + "'");
    return std::nullopt;
  }
  return value;
}

// ---- units.yaml ----

struct NameParts {
  std::vector<std::string> first;
  std::vector<std::string> second;
  std::vector<std::string> suffixes;
};

struct CountySpec {
  Unit unit;
  int townships = 0;
  int villages = 0;
  std::vector<std::string> fixed_townships;
  YAML::Mark at;
};

struct UnitsFile {
  std::string email_domain;
  std::uint32_t seed = 0;
  std::vector<Unit> fixed;  // the city and its departments
  std::vector<CountySpec> counties;
  NameParts township_names;
  NameParts village_names;
};

Unit read_unit(const YAML::Node& node, std::string kind, std::string parent, ErrorSink& sink) {
  Unit unit;
  if (!check_keys(node, {"code", "name", "email"}, sink)) return unit;
  const Fields f(node, sink);
  unit.code = f.text("code");
  unit.name = f.text("name");
  unit.email = f.text("email");
  unit.kind = std::move(kind);
  unit.parent = std::move(parent);
  return unit;
}

NameParts read_name_parts(const Fields& top, const char* key, ErrorSink& sink) {
  NameParts parts;
  const std::optional<YAML::Node> node = top.node(key);
  if (!node || !check_keys(*node, {"first", "second", "suffixes"}, sink)) return parts;
  const Fields f(*node, sink);
  parts.first = f.list("first");
  parts.second = f.list("second");
  parts.suffixes = f.list("suffixes");
  for (const char* k : {"first", "second", "suffixes"}) {
    const YAML::Node list = (*node)[k];
    if (list && list.IsSequence() && list.size() == 0) sink.add(list, "expected at least one");
  }
  return parts;
}

// Codes of the explicit units must be unique and lie below the city.
void check_code(const Unit& unit, const std::string& city, const YAML::Node& node,
                std::set<std::string>& seen, ErrorSink& sink) {
  if (unit.code.empty()) return;
  const YAML::Node at = node["code"];
  if (unit.code.rfind(city + ".", 0) != 0) {
    sink.add(at, "expected a code below '" + city + "', like '" + city + ".c01'");
  } else if (!seen.insert(unit.code).second) {
    sink.add(at, "unit code '" + unit.code + "' appears twice");
  }
}

UnitsFile read_units(const YAML::Node& root, ErrorSink& sink) {
  UnitsFile out;
  if (!check_keys(root,
                  {"email_domain", "generator_seed", "city", "departments", "counties",
                   "township_names", "village_names"},
                  sink)) {
    return out;
  }
  const Fields top(root, sink);
  out.email_domain = top.text("email_domain");
  out.seed = static_cast<std::uint32_t>(top.number("generator_seed", 0));

  Unit city;
  if (const auto node = top.node("city")) city = read_unit(*node, "city", "", sink);
  out.fixed.push_back(city);
  std::set<std::string> seen{city.code};

  if (const auto list = sequence(top, "departments", sink)) {
    for (const YAML::Node& node : *list) {
      Unit dept = read_unit(node, "department", city.code, sink);
      check_code(dept, city.code, node, seen, sink);
      out.fixed.push_back(std::move(dept));
    }
  }

  if (const auto list = sequence(top, "counties", sink)) {
    for (const YAML::Node& node : *list) {
      if (!check_keys(node, {"code", "name", "email", "townships", "villages", "fixed_townships"},
                      sink)) {
        continue;
      }
      const Fields f(node, sink);
      CountySpec county;
      county.unit = {f.text("code"), f.text("name"), "county", city.code, f.text("email")};
      county.townships = f.number("townships", 1);
      county.villages = f.number("villages", 0);
      county.fixed_townships = f.list("fixed_townships", false);
      county.at = node.Mark();
      check_code(county.unit, city.code, node, seen, sink);
      if (county.villages < county.townships) {
        sink.add(node, "expected at least as many villages as townships");
      }
      const std::set<std::string> fixed(county.fixed_townships.begin(),
                                        county.fixed_townships.end());
      if (fixed.size() != county.fixed_townships.size()) {
        sink.add(node["fixed_townships"], "expected township names unique within the county");
      } else if (static_cast<int>(fixed.size()) > county.townships) {
        sink.add(node["fixed_townships"], "expected no more fixed names than townships");
      }
      out.counties.push_back(std::move(county));
    }
  }
  out.township_names = read_name_parts(top, "township_names", sink);
  out.village_names = read_name_parts(top, "village_names", sink);
  return out;
}

// ---- expansion ----

// std::mt19937's output is fixed by the standard, its distributions are not:
// draw by hand so that every standard library builds the same tree.
std::size_t pick(std::mt19937& rng, std::size_t n) { return static_cast<std::size_t>(rng()) % n; }

// FNV-1a, so that each county has its own stream and editing one county
// leaves the others' townships and villages as they were.
std::uint32_t stream_seed(std::uint32_t seed, std::string_view code) {
  std::uint32_t h = 2166136261u ^ seed;
  for (char c : code) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

std::string padded(int n, std::size_t width) {
  std::string s = std::to_string(n);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

// Every first + second syllable pair, in a shuffled order.
std::vector<std::string> shuffled_stems(const NameParts& parts, std::mt19937& rng) {
  std::vector<std::string> stems;
  for (const std::string& a : parts.first) {
    for (const std::string& b : parts.second) {
      if (a != b) stems.push_back(a + b);
    }
  }
  for (std::size_t i = stems.size(); i > 1; --i) std::swap(stems[i - 1], stems[pick(rng, i)]);
  return stems;
}

// A name without its suffix (松陂镇 -> 松陂), so that 东溪镇 and 东溪乡 count as one.
std::string stem_of(const std::string& name, const std::vector<std::string>& suffixes) {
  for (const std::string& s : suffixes) {
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      return name.substr(0, name.size() - s.size());
    }
  }
  return name;
}

// `count` names unique by stem, `fixed` first. Fewer when the syllables run out.
std::vector<std::string> make_names(const NameParts& parts, const std::vector<std::string>& fixed,
                                    std::size_t count, std::mt19937& rng) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (const std::string& name : fixed) {
    used.insert(stem_of(name, parts.suffixes));
    names.push_back(name);
  }
  for (const std::string& stem : shuffled_stems(parts, rng)) {
    if (names.size() >= count) break;
    if (used.insert(stem).second) {
      names.push_back(stem + parts.suffixes[pick(rng, parts.suffixes.size())]);
    }
  }
  return names;
}

// Villages per township: about villages / townships each, within 30% of it
// (widened to the nearest integers around the mean), adding up exactly.
std::vector<int> spread(int villages, int townships, std::mt19937& rng) {
  const int lo =
      std::min((7 * villages + 10 * townships - 1) / (10 * townships), villages / townships);
  const int hi = std::max(13 * villages / (10 * townships), (villages + townships - 1) / townships);
  const auto n = static_cast<std::size_t>(townships);
  std::vector<int> counts(n);
  int sum = 0;
  for (int& c : counts) {
    c = lo + static_cast<int>(pick(rng, static_cast<std::size_t>(hi - lo + 1)));
    sum += c;
  }
  // lo * townships <= villages <= hi * townships, so a step is always possible.
  while (sum != villages) {
    int& c = counts[pick(rng, n)];
    if (sum < villages && c < hi) {
      ++c;
      ++sum;
    } else if (sum > villages && c > lo) {
      --c;
      --sum;
    }
  }
  return counts;
}

std::vector<Unit> expand(const UnitsFile& file, ErrorSink& sink) {
  std::vector<Unit> units = file.fixed;
  const std::string& city = file.fixed.front().code;
  const auto email = [&](const std::string& code) {
    return code.substr(city.size() + 1) + "@" + file.email_domain;
  };
  for (const CountySpec& county : file.counties) {
    std::mt19937 rng(stream_seed(file.seed, county.unit.code));
    units.push_back(county.unit);
    const auto townships = static_cast<std::size_t>(county.townships);
    const std::vector<std::string> names =
        make_names(file.township_names, county.fixed_townships, townships, rng);
    if (names.size() < townships) {
      sink.add(county.at,
               "expected enough township syllables for " + std::to_string(townships) + " names");
      continue;
    }
    const std::vector<int> counts = spread(county.villages, county.townships, rng);
    for (std::size_t t = 0; t < townships; ++t) {
      const std::string code = county.unit.code + ".t" + padded(static_cast<int>(t + 1), 2);
      units.push_back({code, names[t], "township", county.unit.code, email(code)});
      const auto villages = static_cast<std::size_t>(counts[t]);
      const std::vector<std::string> village_names =
          make_names(file.village_names, {}, villages, rng);
      if (village_names.size() < villages) {
        sink.add(county.at, "expected enough village syllables for " + std::to_string(villages) +
                                " names in one township");
        break;
      }
      for (std::size_t v = 0; v < villages; ++v) {
        const std::string village = code + ".v" + padded(static_cast<int>(v + 1), 3);
        units.push_back({village, village_names[v], "village", code, email(village)});
      }
    }
  }
  return units;
}

// ---- problems.yaml ----

struct UnitIndex {
  std::set<std::string> all;
  std::set<std::string> counties;
};

void read_deadline(const YAML::Node& node, SeedProblem& p, ErrorSink& sink) {
  if (!check_keys(node, {"kind", "days", "unit"}, sink)) return;
  const Fields f(node, sink);
  p.deadline_kind = f.choice("kind", {"dated", "immediate", "long_term"});
  if (p.deadline_kind == "long_term") {
    if (node["days"] || node["unit"]) {
      sink.add(node, "expected no days or unit for a long_term deadline");
    }
    return;
  }
  p.deadline_days = f.number("days", 1);
  const std::string unit = f.choice("unit", {"days", "working_days"});
  p.deadline_unit = unit == "working_days" ? SpanUnit::WorkingDays : SpanUnit::CalendarDays;
}

std::vector<SeedProblem> read_problems(const YAML::Node& root, const UnitIndex& units,
                                       ErrorSink& sink) {
  std::vector<SeedProblem> out;
  if (!check_keys(root, {"problems"}, sink)) return out;
  const std::optional<YAML::Node> list = sequence(Fields(root, sink), "problems", sink);
  if (!list) return out;
  std::set<std::string> codes;
  for (const YAML::Node& node : *list) {
    if (!check_keys(node,
                    {"code", "category", "title", "title_en", "measures", "responsible_leader",
                     "lead_unit", "responsible_units", "deadline", "demo_state", "story"},
                    sink)) {
      continue;
    }
    const Fields f(node, sink);
    SeedProblem p;
    p.code = f.text("code");
    p.category = f.text("category");
    p.title = f.text("title");
    p.title_en = f.text("title_en");
    p.measures = f.text("measures");
    p.responsible_leader = f.text("responsible_leader");
    p.lead_unit = f.text("lead_unit");
    p.responsible_units = f.text("responsible_units");
    if (const auto deadline = f.node("deadline")) read_deadline(*deadline, p, sink);
    p.demo_state =
        f.choice("demo_state", {"discovered", "rectifying", "submitted", "cleared", "long_term"});
    p.story = f.list("story", false);

    if (!p.category.empty() &&
        (p.category.size() != 1 || kCategories.find(p.category) == std::string_view::npos)) {
      sink.add(node["category"], "expected a category code A to F");
    } else if (!p.code.empty() && !p.category.empty() && p.code.front() != p.category.front()) {
      sink.add(node["code"], "expected a code starting with its category '" + p.category + "'");
    }
    if (!p.code.empty() && !codes.insert(p.code).second) {
      sink.add(node["code"], "problem code '" + p.code + "' appears twice");
    }
    if (!p.lead_unit.empty() && units.all.count(p.lead_unit) == 0) {
      sink.add(node["lead_unit"],
               "expected a unit code from units.yaml, not '" + p.lead_unit + "'");
    }
    for (const std::string& tag : p.story) {
      if (!one_of(tag, kStoryTags)) {
        sink.add(node["story"], "expected story tags among: " + joined(kStoryTags));
        break;
      }
    }
    if (!p.demo_state.empty() && !p.deadline_kind.empty() &&
        (p.demo_state == "long_term") != (p.deadline_kind == "long_term")) {
      sink.add(node["demo_state"], "expected demo_state long_term exactly when the deadline is");
    }
    out.push_back(std::move(p));
  }
  return out;
}

// ---- inspection.yaml ----

PointTemplate read_template(const YAML::Node& node, ErrorSink& sink) {
  PointTemplate t;
  if (!check_keys(node, {"category", "level", "title", "title_en", "evidence", "severity"}, sink)) {
    return t;
  }
  const Fields f(node, sink);
  t.category = f.choice("category", {"A", "B", "C", "D", "E", "F"});
  t.level = f.choice("level", {"village", "township"});
  t.title = f.text("title");
  t.title_en = f.text("title_en");
  t.evidence = f.text("evidence");
  t.severity = f.choice("severity", {"grave", "serious", "general"});
  return t;
}

CountyTarget read_target(const YAML::Node& node, const UnitIndex& units,
                         std::set<std::string>& seen, ErrorSink& sink) {
  CountyTarget c;
  if (!check_keys(node,
                  {"county", "items", "discovered", "rectifying", "overdue", "overdue_red",
                   "submitted", "cleared", "long_term"},
                  sink)) {
    return c;
  }
  const Fields f(node, sink);
  c.county = f.text("county");
  c.items = f.number("items", 0);
  c.discovered = f.number("discovered", 0);
  c.rectifying = f.number("rectifying", 0);
  c.overdue = f.number("overdue", 0);
  c.overdue_red = f.number("overdue_red", 0);
  c.submitted = f.number("submitted", 0);
  c.cleared = f.number("cleared", 0);
  c.long_term = f.number("long_term", 0);
  if (!c.county.empty() && units.counties.count(c.county) == 0) {
    sink.add(node["county"], "expected a county code from units.yaml, not '" + c.county + "'");
  } else if (!c.county.empty() && !seen.insert(c.county).second) {
    sink.add(node["county"], "county '" + c.county + "' has two targets");
  }
  if (c.discovered + c.rectifying + c.submitted + c.cleared + c.long_term != c.items) {
    sink.add(node, "expected discovered + rectifying + submitted + cleared + long_term = items (" +
                       std::to_string(c.items) + ")");
  }
  if (c.overdue > c.rectifying || c.overdue_red > c.overdue) {
    sink.add(node, "expected overdue_red <= overdue <= rectifying");
  }
  return c;
}

SeedUser read_user(const YAML::Node& node, const UnitIndex& units, std::set<std::string>& seen,
                   ErrorSink& sink) {
  SeedUser u;
  if (!check_keys(node, {"name", "display_name", "unit", "role", "email"}, sink)) return u;
  const Fields f(node, sink);
  u.name = f.text("name");
  u.display_name = f.text("display_name");
  u.unit = f.text("unit");
  u.role = f.choice("role", {"admin", "supervisor", "inspector", "responsible"});
  u.email = f.text("email");
  const bool ascii = std::all_of(u.name.begin(), u.name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
  if (!ascii) {
    sink.add(node["name"], "expected a login name of a-z, 0-9, '-', '_' and '.'");
  } else if (!u.name.empty() && !seen.insert(u.name).second) {
    sink.add(node["name"], "user '" + u.name + "' appears twice");
  }
  if (!u.unit.empty() && units.all.count(u.unit) == 0) {
    sink.add(node["unit"], "expected a unit code from units.yaml, not '" + u.unit + "'");
  }
  if (!u.email.empty() && u.email.find('@') == std::string::npos) {
    sink.add(node["email"], "expected an e-mail address");
  }
  return u;
}

void read_inspection(const YAML::Node& root, const UnitIndex& units, DemoSeed& seed,
                     ErrorSink& sink) {
  if (!check_keys(root,
                  {"templates", "county_targets", "reject_reasons", "reopen_reasons", "users"},
                  sink)) {
    return;
  }
  const Fields top(root, sink);
  if (const auto list = sequence(top, "templates", sink)) {
    for (const YAML::Node& node : *list) seed.templates.push_back(read_template(node, sink));
  }
  if (const auto list = sequence(top, "county_targets", sink)) {
    std::set<std::string> seen;
    for (const YAML::Node& node : *list) {
      seed.county_targets.push_back(read_target(node, units, seen, sink));
    }
  }
  seed.reject_reasons = top.list("reject_reasons");
  seed.reopen_reasons = top.list("reopen_reasons");
  if (const auto list = sequence(top, "users", sink)) {
    std::set<std::string> seen;
    for (const YAML::Node& node : *list) seed.users.push_back(read_user(node, units, seen, sink));
  }
}

}  // namespace

DemoSeed load_seed(const std::filesystem::path& dir) {
  std::vector<LoadError> errors;
  const auto open = [&](const char* name, ErrorSink& sink) {
    YAML::Node root = load_file(dir / name, sink);
    if (!errors.empty()) throw_first(errors);
    return root;
  };

  ErrorSink units_sink(errors, (dir / "units.yaml").string());
  const UnitsFile units_file = read_units(open("units.yaml", units_sink), units_sink);
  if (!errors.empty()) throw_first(errors);
  DemoSeed seed;
  seed.units = expand(units_file, units_sink);
  if (!errors.empty()) throw_first(errors);

  UnitIndex index;
  for (const Unit& u : seed.units) {
    index.all.insert(u.code);
    if (u.kind == "county") index.counties.insert(u.code);
  }

  ErrorSink problems_sink(errors, (dir / "problems.yaml").string());
  seed.problems = read_problems(open("problems.yaml", problems_sink), index, problems_sink);
  if (!errors.empty()) throw_first(errors);

  ErrorSink inspection_sink(errors, (dir / "inspection.yaml").string());
  read_inspection(open("inspection.yaml", inspection_sink), index, seed, inspection_sink);
  if (!errors.empty()) throw_first(errors);
  return seed;
}

}  // namespace qingling::rules
