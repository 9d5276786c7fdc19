#include "rules/loader/pack_loader.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <set>
#include <sstream>
#include <tuple>

#include "engine/core/sha256.h"
#include "rules/loader/escalation_loader.h"
#include "rules/loader/yaml_support.h"

namespace qingling::rules {
namespace {

namespace fs = std::filesystem;

// A warning when the calendar ends this few days after `today`: the State
// Council publishes the next year's arrangement in October or November.
constexpr int kCalendarWarningDays = 90;

// One file of the pack, with its own findings; they are sorted by position
// when the pack is done.
struct PackFile {
  explicit PackFile(fs::path p)
      : path(std::move(p)), sink(errors, path.string()), warn(warnings, path.string()) {}
  PackFile(const PackFile&) = delete;
  PackFile& operator=(const PackFile&) = delete;

  // Reads and parses the file; null (and reported) when unreadable or not YAML.
  YAML::Node parse() {
    std::optional<std::string> content = read_text_file(path);
    if (!content) {
      sink.add(YAML::Mark::null_mark(), "cannot read the file");
      return YAML::Node{};
    }
    text = std::move(*content);
    sink.set_text(text);
    warn.set_text(text);
    const std::size_t before = sink.count();
    YAML::Node root = load_text(text, sink);
    parsed = sink.count() == before;
    return root;
  }

  fs::path path;
  std::string text;     // hashed into the version
  bool parsed = false;  // valid YAML
  std::vector<LoadError> errors;
  std::vector<LoadError> warnings;
  ErrorSink sink;
  ErrorSink warn;
};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::vector<std::string> codes_of(const std::vector<CodeLabel>& items) {
  std::vector<std::string> out;
  for (const CodeLabel& c : items) out.push_back(c.code);
  return out;
}

// Reports `name` unless `known` holds it. An empty `known` means the list
// could not be read, which is reported already: nothing more is said.
void check_known(const Located& name, const std::vector<std::string>& known, std::string_view what,
                 ErrorSink& sink) {
  if (known.empty() || std::find(known.begin(), known.end(), name.text) != known.end()) return;
  sink.add(name.mark, "unknown " + std::string(what) + " '" + name.text +
                          "'; expected one of: " + join(known));
}

const char* weekday_name(Date day) {
  static const char* const kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};
  return kNames[std::chrono::weekday{day}.c_encoding()];
}

bool matches_everything(const DeadlineRule& r) {
  return r.categories.empty() && r.severities.empty() && r.sources.empty();
}

class PackLoader {
 public:
  PackLoader(const fs::path& dir, Date today)
      : dir_(dir),
        today_(today),
        campaign_file_(dir / "campaign.yaml"),
        workflow_file_(dir / "workflow.yaml"),
        deadlines_file_(dir / "deadlines.yaml") {}

  LoadResult run() {
    read_campaign();
    read_workflow();
    read_deadlines();
    read_ladder();
    LoadResult result;
    for (PackFile* f : files()) {
      const auto by_position = [](const LoadError& a, const LoadError& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
      };
      std::stable_sort(f->errors.begin(), f->errors.end(), by_position);
      std::stable_sort(f->warnings.begin(), f->warnings.end(), by_position);
      result.errors.insert(result.errors.end(), f->errors.begin(), f->errors.end());
      result.warnings.insert(result.warnings.end(), f->warnings.begin(), f->warnings.end());
    }
    if (result.errors.empty()) {
      rules_.version += "+" + content_hash().substr(0, 8);
      result.rules = std::move(rules_);
    }
    return result;
  }

 private:
  std::vector<PackFile*> files() {
    std::vector<PackFile*> out{&campaign_file_, &workflow_file_, &deadlines_file_};
    if (escalation_file_) out.push_back(&*escalation_file_);
    if (calendar_file_) out.push_back(&*calendar_file_);
    return out;
  }

  // escalation.yaml is optional: a pack without it has no ladder.
  void read_ladder() {
    const fs::path path = dir_ / "escalation.yaml";
    if (!fs::exists(path)) return;
    escalation_file_.emplace(path);
    const YAML::Node root = escalation_file_->parse();
    if (!escalation_file_->parsed) return;
    read_escalation(root, escalation_file_->sink, calendar_named_, rules_);
  }

  // Each file's name, size and bytes, in a fixed order: the same pack gives
  // the same hash wherever it lies.
  std::string content_hash() {
    Sha256 h;
    for (PackFile* f : files()) {
      const std::string name = calendar_file_ && f == &*calendar_file_
                                   ? std::string("calendar")
                                   : f->path.filename().string();
      h.update(name + "\n" + std::to_string(f->text.size()) + "\n");
      h.update(f->text);
    }
    return h.hex_digest();
  }

  void read_campaign();
  void read_campaign_block(const YAML::Node& node);
  void read_evidence(const YAML::Node& node);
  void read_extra_days(const Entry& e);
  void read_calendar(const fs::path& path);
  void read_calendar_days(const Entry& e, bool working, int first_year, int last_year,
                          std::vector<CalendarDay>& days, FirstSeen& seen, ErrorSink& sink);
  void read_workflow();
  void read_states(const Entry& e);
  void read_action(const YAML::Node& key, const YAML::Node& value);
  void read_fields(const Entry& e, ActionDef& action);
  void check_state(const Located& name) {
    check_known(name, state_names_, "state", workflow_file_.sink);
  }
  void check_role(const Located& name) {
    check_known(name, rules_.roles, "role", workflow_file_.sink);
  }
  void warn_unreachable_states(const YAML::Node& states);
  void read_deadlines();
  void read_rule(const YAML::Node& node, FirstSeen& names);
  void read_milestones(const Entry& e, DeadlineRule& rule);
  void check_calendar_for(const Span& span, const Entry& e) {
    if (span.unit == SpanUnit::WorkingDays && !calendar_named_) {
      deadlines_file_.sink.add(e.value,
                               "working days need a calendar, and campaign.yaml names none "
                               "(add campaign: calendar:, or count in days)");
    }
  }
  void warn_about_rule_order(const YAML::Node& seq);

  fs::path dir_;
  Date today_;
  PackFile campaign_file_;
  PackFile workflow_file_;
  PackFile deadlines_file_;
  std::optional<PackFile> escalation_file_;
  std::optional<PackFile> calendar_file_;
  RuleSet rules_;
  bool calendar_named_ = false;  // campaign.yaml names one (found or not)
  std::vector<CalendarDay> extra_days_;
  std::vector<std::string> state_names_;  // empty when `states` could not be read
};

// campaign.yaml ---------------------------------------------------------------

void PackLoader::read_campaign() {
  ErrorSink& sink = campaign_file_.sink;
  const YAML::Node root = campaign_file_.parse();
  if (!campaign_file_.parsed) return;
  MapReader top(root,
                {"campaign", "roles", "categories", "sources", "default_source", "severities",
                 "default_severity", "evidence"},
                sink);
  if (std::optional<YAML::Node> c = read_mapping(top.need("campaign"), sink)) {
    read_campaign_block(*c);
  }
  if (auto roles = read_code_list(top.need("roles"), sink)) {
    FirstSeen seen("role");
    for (const Located& role : *roles) {
      if (seen.add(role.text, role.mark, sink)) rules_.roles.push_back(role.text);
    }
  }
  rules_.categories = read_code_labels(top.need("categories"), "category", sink);
  rules_.sources = read_code_labels(top.need("sources"), "source", sink);
  rules_.severities = read_code_labels(top.need("severities"), "severity", sink);
  const Entry default_source = top.need("default_source");
  if (auto code = read_code(default_source, sink)) {
    rules_.default_source = *code;
    check_known({*code, default_source.value.Mark()}, codes_of(rules_.sources), "source", sink);
  }
  const Entry default_severity = top.need("default_severity");
  if (auto code = read_code(default_severity, sink)) {
    rules_.default_severity = *code;
    check_known({*code, default_severity.value.Mark()}, codes_of(rules_.severities), "severity",
                sink);
  }
  if (std::optional<YAML::Node> e = read_mapping(top.get("evidence"), sink)) read_evidence(*e);
}

namespace {

// "20 MB", "512 KB", "1 GB" or a plain number of bytes; at least one byte.
std::optional<std::int64_t> read_size(const Entry& e, ErrorSink& sink) {
  auto text = read_string(e, sink, "a size like 20 MB");
  if (!text) return std::nullopt;
  std::int64_t number = 0;
  const char* begin = text->data();
  const char* end = begin + text->size();
  auto [rest, ec] = std::from_chars(begin, end, number);
  std::string_view unit(rest, static_cast<std::size_t>(end - rest));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  std::int64_t scale = 0;
  if (unit.empty() || unit == "B" || unit == "bytes") scale = 1;
  if (unit == "KB" || unit == "KiB") scale = 1024;
  if (unit == "MB" || unit == "MiB") scale = 1024 * 1024;
  if (unit == "GB" || unit == "GiB") scale = 1024 * 1024 * 1024;
  if (ec != std::errc{} || rest == begin || scale == 0 || number <= 0 ||
      number > (std::int64_t{1} << 40) / scale) {
    sink.add(e.value, "expected a size like 20 MB, 512 KB or 1 GB (at most 1 TB)");
    return std::nullopt;
  }
  return number * scale;
}

}  // namespace

// campaign.yaml `evidence`: limits for evidence files.
void PackLoader::read_evidence(const YAML::Node& node) {
  ErrorSink& sink = campaign_file_.sink;
  MapReader m(node, {"max_file_size", "max_problem_size", "types"}, sink);
  EvidenceRules& rules = rules_.evidence;
  if (auto size = read_size(m.get("max_file_size"), sink)) rules.max_file_bytes = *size;
  if (auto size = read_size(m.get("max_problem_size"), sink)) rules.max_problem_bytes = *size;
  if (rules.max_problem_bytes < rules.max_file_bytes) {
    sink.add(node, "max_problem_size must be at least max_file_size");
  }
  const Entry types = m.get("types");
  if (auto list = read_sequence(types, sink)) {
    rules.types.clear();
    for (const YAML::Node& item : *list) {
      auto type = read_string(item, sink);
      if (!type) continue;
      const std::size_t slash = type->find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == type->size() ||
          type->find_first_of(" ;,") != std::string::npos) {
        sink.add(item, "expected a media type like image/jpeg, application/pdf or image/*");
        continue;
      }
      rules.types.push_back(*type);
    }
    if (rules.types.empty()) sink.add(types.key, "expected at least one media type");
  }
}

void PackLoader::read_campaign_block(const YAML::Node& node) {
  ErrorSink& sink = campaign_file_.sink;
  MapReader m(node, {"code", "name", "version", "time_zone", "calendar", "extra_days_off"}, sink);
  if (auto code = read_code(m.need("code"), sink)) rules_.campaign.code = *code;
  if (auto name = read_string(m.need("name"), sink)) rules_.campaign.name = *name;
  const Entry version = m.need("version");
  if (auto v = read_string(version, sink)) {
    if (v->empty() || v->find('+') != std::string::npos) {
      sink.add(version.value,
               "expected a version like \"2026.1\" (the loader adds '+' and a hash)");
    }
    rules_.version = *v;
  }
  const Entry zone = m.need("time_zone");
  if (auto name = read_string(zone, sink)) {
    if (std::optional<TimeZone> tz = TimeZone::find(*name)) {
      rules_.zone = *tz;
      rules_.campaign.time_zone = *name;
    } else {
      sink.add(zone.value,
               "unknown time zone '" + *name + "'; expected an IANA name like Asia/Shanghai");
    }
  }
  const Entry calendar = m.get("calendar");
  if (auto relative = read_string(calendar, sink, "a path to a calendar file")) {
    calendar_named_ = true;
    const fs::path path = (dir_ / *relative).lexically_normal();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      sink.add(calendar.key, "calendar file not found: " + path.string());
    } else {
      read_calendar(path);
    }
  }
  const Entry extra = m.get("extra_days_off");
  if (extra.found && !calendar_named_) {
    sink.add(extra.key, "extra_days_off needs a calendar (campaign: calendar:)");
  } else {
    read_extra_days(extra);
  }
  if (rules_.has_calendar && !extra_days_.empty()) {
    rules_.calendar = rules_.calendar.with_days(extra_days_);
  }
}

void PackLoader::read_extra_days(const Entry& e) {
  ErrorSink& sink = campaign_file_.sink;
  std::optional<YAML::Node> seq = read_sequence(e, sink);
  if (!seq) return;
  FirstSeen seen("day off");
  for (const YAML::Node& item : *seq) {
    MapReader m(item, {"date", "name"}, sink);
    const Entry date_entry = m.need("date");
    std::optional<Date> day = read_date(date_entry, sink);
    std::optional<std::string> name = read_string(m.need("name"), sink);
    if (day && name && seen.add(format_date(*day), date_entry.value.Mark(), sink)) {
      extra_days_.push_back({*day, false, *name});
    }
  }
}

// The calendar file ------------------------------------------------------------

void PackLoader::read_calendar(const fs::path& path) {
  calendar_file_.emplace(path);
  ErrorSink& sink = calendar_file_->sink;
  const YAML::Node root = calendar_file_->parse();
  if (!calendar_file_->parsed) return;
  MapReader top(root, {"calendar"}, sink);
  std::optional<YAML::Node> node = read_mapping(top.need("calendar"), sink);
  if (!node) return;
  MapReader m(*node, {"name", "first_year", "last_year", "days_off", "make_up_days"}, sink);
  read_string(m.need("name"), sink);
  std::optional<int> first = read_int(m.need("first_year"), sink);
  const Entry last_entry = m.need("last_year");
  std::optional<int> last = read_int(last_entry, sink);
  if (!first || !last) return;
  if (*last < *first) {
    sink.add(last_entry.value,
             "expected a year not before first_year (" + std::to_string(*first) + ")");
    return;
  }
  const std::size_t errors_before = sink.count();
  std::vector<CalendarDay> days;
  FirstSeen seen("date");  // over both lists: a day is off or worked, not both
  read_calendar_days(m.need("days_off"), false, *first, *last, days, seen, sink);
  read_calendar_days(m.get("make_up_days"), true, *first, *last, days, seen, sink);
  if (sink.count() != errors_before) return;

  rules_.has_calendar = true;
  rules_.calendar = WorkingCalendar(std::move(days), *first, *last);
  const Date last_day = std::chrono::year_month_day{std::chrono::year{*last}, std::chrono::December,
                                                    std::chrono::day{31}};
  const int left = days_between(today_, last_day);
  if (left <= kCalendarWarningDays) {
    calendar_file_->warn.add(last_entry.value,
                             "the calendar's last known year is " + std::to_string(*last) +
                                 " (its last day, " + format_date(last_day) + ", is " +
                                 std::to_string(left) + " days after " + format_date(today_) +
                                 "): dates after it are counted on weekdays alone and flagged " +
                                 "provisional until the next year's days off are added");
  }
}

void PackLoader::read_calendar_days(const Entry& e, bool working, int first_year, int last_year,
                                    std::vector<CalendarDay>& days, FirstSeen& seen,
                                    ErrorSink& sink) {
  std::optional<YAML::Node> map = read_mapping(e, sink);
  if (!map) return;
  for (const auto& pair : *map) {
    std::optional<Date> day = read_date(pair.first, sink);
    std::optional<std::string> name = read_string(Entry{pair.first, pair.second, true}, sink);
    if (!day || !name) continue;
    const int year = static_cast<int>(std::chrono::year_month_day{*day}.year());
    if (year < first_year || year > last_year) {
      sink.add(pair.first, format_date(*day) + " lies outside the calendar's years " +
                               std::to_string(first_year) + " to " + std::to_string(last_year));
      continue;
    }
    if (!seen.add(format_date(*day), pair.first.Mark(), sink)) continue;
    const std::chrono::weekday wd{*day};
    const bool weekend = wd == std::chrono::Saturday || wd == std::chrono::Sunday;
    if (working && !weekend) {
      sink.add(pair.first, "a make-up working day must be a Saturday or Sunday; " +
                               format_date(*day) + " is a " + weekday_name(*day));
      continue;
    }
    days.push_back({*day, working, *name});
  }
}

// workflow.yaml ----------------------------------------------------------------

void PackLoader::read_workflow() {
  ErrorSink& sink = workflow_file_.sink;
  const YAML::Node root = workflow_file_.parse();
  if (!workflow_file_.parsed) return;
  MapReader top(root, {"states", "initial", "create", "actions"}, sink);
  const Entry states = top.need("states");
  read_states(states);

  const Entry initial = top.need("initial");
  if (auto name = read_code(initial, sink)) {
    rules_.initial_state = *name;
    check_state({*name, initial.value.Mark()});
  }
  if (std::optional<YAML::Node> create = read_mapping(top.need("create"), sink)) {
    MapReader m(*create, {"roles"}, sink);
    const Entry roles = m.need("roles");
    if (auto names = read_code_list(roles, sink, true)) {
      if (names->empty())
        sink.add(roles.value, "nobody may log problems: expected at least one role");
      for (const Located& role : *names) {
        check_role(role);
        rules_.create_roles.push_back(role.text);
      }
    }
  }
  if (std::optional<YAML::Node> actions = read_mapping(top.need("actions"), sink)) {
    FirstSeen seen("action");
    for (const auto& pair : *actions) {
      if (pair.first.IsScalar() && !seen.add(pair.first.Scalar(), pair.first.Mark(), sink))
        continue;
      read_action(pair.first, pair.second);
    }
  }
  if (states.found && !state_names_.empty() && !rules_.initial_state.empty()) {
    warn_unreachable_states(states.value);
  }
}

void PackLoader::read_states(const Entry& e) {
  ErrorSink& sink = workflow_file_.sink;
  std::optional<YAML::Node> map = read_mapping(e, sink);
  if (!map) return;
  if (map->size() == 0) sink.add(*map, "expected at least one state");
  FirstSeen seen("state");
  for (const auto& pair : *map) {
    std::optional<std::string> name = read_code(pair.first, sink);
    std::optional<YAML::Node> body = read_mapping(Entry{pair.first, pair.second, true}, sink);
    if (!name || !body || !seen.add(*name, pair.first.Mark(), sink)) continue;
    MapReader m(*body, {"label", "clock", "cleared"}, sink);
    StateDef state{*name, read_string(m.need("label"), sink).value_or(""), DeadlineClock::Running,
                   read_bool(m.get("cleared"), sink).value_or(false)};
    constexpr DeadlineClock kClocks[] = {DeadlineClock::Running, DeadlineClock::Paused,
                                         DeadlineClock::Stopped};
    if (auto clock = read_choice(m.need("clock"), {"running", "paused", "stopped"}, sink)) {
      state.clock = kClocks[*clock];
    }
    state_names_.push_back(*name);
    rules_.states.push_back(std::move(state));
  }
}

void PackLoader::read_action(const YAML::Node& key, const YAML::Node& value) {
  ErrorSink& sink = workflow_file_.sink;
  std::optional<std::string> name = read_code(key, sink);
  std::optional<YAML::Node> body = read_mapping(Entry{key, value, true}, sink);
  if (!name || !body) return;
  MapReader m(*body, {"label", "from", "to", "roles", "fields", "comment", "evidence", "deadline"},
              sink);
  ActionDef action;
  action.name = *name;
  action.label = read_string(m.need("label"), sink).value_or("");
  if (auto from = read_code_list(m.need("from"), sink)) {
    for (const Located& state : *from) {
      check_state(state);
      action.from.push_back(state.text);
    }
  }
  const Entry to = m.get("to");
  if (auto state = read_code(to, sink)) {
    check_state({*state, to.value.Mark()});
    action.to = *state;
  }
  const std::string nobody = "action '" + *name + "' has no roles: an action nobody may take";
  const Entry roles = m.get("roles");
  if (!roles.found) {
    sink.add(*body, nobody);
  } else if (auto names = read_code_list(roles, sink, true)) {
    if (names->empty()) sink.add(roles.value, nobody);
    for (const Located& role : *names) {
      check_role(role);
      action.roles.push_back(role.text);
    }
  }
  read_fields(m.get("fields"), action);
  action.comment_required = read_requirement(m.get("comment"), sink).value_or(false);
  action.evidence_required = read_requirement(m.get("evidence"), sink).value_or(false);
  constexpr DeadlineEffect kEffects[] = {DeadlineEffect::None, DeadlineEffect::Plan,
                                         DeadlineEffect::Extend, DeadlineEffect::Replan};
  const Entry deadline = m.get("deadline");
  if (auto effect = read_choice(deadline, {"none", "plan", "extend", "replan"}, sink)) {
    action.deadline = kEffects[*effect];
  }
  if (action.deadline == DeadlineEffect::Extend) {
    // The extension date comes from this field; without it there is nothing to extend to.
    const bool has_date =
        std::any_of(action.fields.begin(), action.fields.end(),
                    [](const FieldSpec& f) { return f.name == "deadline" && f.required; });
    if (!has_date) {
      sink.add(deadline.value,
               "'deadline: extend' needs a required field 'deadline' of type date "
               "(fields: deadline: {type: date, required: true, label: ...})");
    }
  }
  rules_.actions.push_back(std::move(action));
}

void PackLoader::read_fields(const Entry& e, ActionDef& action) {
  ErrorSink& sink = workflow_file_.sink;
  std::optional<YAML::Node> map = read_mapping(e, sink);
  if (!map) return;
  FirstSeen seen("field");
  constexpr FieldType kTypes[] = {FieldType::Text, FieldType::UnitCode, FieldType::IsoDate,
                                  FieldType::Boolean};
  for (const auto& pair : *map) {
    std::optional<std::string> name = read_code(pair.first, sink);
    std::optional<YAML::Node> body = read_mapping(Entry{pair.first, pair.second, true}, sink);
    if (!name || !body || !seen.add(*name, pair.first.Mark(), sink)) continue;
    MapReader m(*body, {"type", "required", "label"}, sink);
    FieldSpec field;
    field.name = *name;
    const Entry type = m.need("type");
    if (auto t = read_choice(type, {"text", "unit", "date", "boolean"}, sink)) {
      field.type = kTypes[*t];
      if (field.name == "deadline" && field.type != FieldType::IsoDate) {
        sink.add(type.value, "the field 'deadline' must have type: date");
      }
    }
    field.required = read_bool(m.get("required"), sink).value_or(false);
    field.label = read_string(m.need("label"), sink).value_or("");
    action.fields.push_back(std::move(field));
  }
}

// A state no action leads to (from the initial one) is a likely slip, not an error.
void PackLoader::warn_unreachable_states(const YAML::Node& states) {
  std::set<std::string> reached{rules_.initial_state};
  for (bool grew = true; grew;) {
    grew = false;
    for (const ActionDef& a : rules_.actions) {
      if (a.to.empty() || reached.count(a.to) != 0) continue;
      if (std::any_of(a.from.begin(), a.from.end(),
                      [&](const std::string& s) { return reached.count(s) != 0; })) {
        reached.insert(a.to);
        grew = true;
      }
    }
  }
  for (const auto& pair : states) {
    const std::string name = pair.first.Scalar();
    const bool valid =
        std::find(state_names_.begin(), state_names_.end(), name) != state_names_.end();
    if (valid && reached.insert(name).second) {  // inserted: a repeated key warns once
      workflow_file_.warn.add(pair.first, "state '" + name +
                                              "' cannot be reached from the initial state '" +
                                              rules_.initial_state + "' by any action");
    }
  }
}

// deadlines.yaml ---------------------------------------------------------------

void PackLoader::read_deadlines() {
  ErrorSink& sink = deadlines_file_.sink;
  const YAML::Node root = deadlines_file_.parse();
  if (!deadlines_file_.parsed) return;
  MapReader top(root, {"deadlines"}, sink);
  std::optional<YAML::Node> seq = read_sequence(top.need("deadlines"), sink);
  if (!seq) return;
  FirstSeen names("rule name");
  for (const YAML::Node& item : *seq) read_rule(item, names);
  warn_about_rule_order(*seq);
}

void PackLoader::read_rule(const YAML::Node& node, FirstSeen& names) {
  ErrorSink& sink = deadlines_file_.sink;
  MapReader m(node, {"name", "when", "within", "by", "milestones"}, sink);
  if (!m.ok()) return;
  DeadlineRule rule;
  const Entry name = m.need("name");
  rule.name = read_string(name, sink).value_or("");
  if (name.value.IsScalar() && rule.name.empty()) {
    sink.add(name.value, "expected a rule name");
  } else if (name.value.IsScalar()) {
    names.add(rule.name, name.value.Mark(), sink);
  }
  if (std::optional<YAML::Node> when = read_mapping(m.get("when"), sink)) {
    MapReader w(*when, {"category", "severity", "source"}, sink);
    const struct {
      const char* key;
      std::vector<std::string> known;
      std::vector<std::string>& into;
    } conditions[] = {{"category", codes_of(rules_.categories), rule.categories},
                      {"severity", codes_of(rules_.severities), rule.severities},
                      {"source", codes_of(rules_.sources), rule.sources}};
    for (const auto& c : conditions) {
      if (auto codes = read_code_list(w.get(c.key), sink)) {
        for (const Located& code : *codes) {
          check_known(code, c.known, c.key, sink);
          c.into.push_back(code.text);
        }
      }
    }
  }
  const Entry within = m.get("within");
  const Entry by = m.get("by");
  if (within.found && by.found) {
    sink.add(by.key, "a rule takes either 'within' or 'by', not both");
  } else if (!within.found && !by.found) {
    sink.add(node, "missing required key 'within' (or 'by' for a fixed date)");
  }
  if (std::optional<Span> span = read_span(within, sink)) {
    check_calendar_for(*span, within);
    rule.within = span->days;
    rule.unit = span->unit;
  }
  rule.fixed = read_date(by, sink);
  read_milestones(m.get("milestones"), rule);
  rules_.deadlines.push_back(std::move(rule));
}

void PackLoader::read_milestones(const Entry& e, DeadlineRule& rule) {
  ErrorSink& sink = deadlines_file_.sink;
  std::optional<YAML::Node> seq = read_sequence(e, sink);
  if (!seq) return;
  FirstSeen names("milestone");
  for (const YAML::Node& item : *seq) {
    MapReader m(item, {"name", "at", "before"}, sink);
    if (!m.ok()) continue;
    MilestoneRule milestone;
    const Entry name = m.need("name");
    if (std::optional<std::string> text = read_string(name, sink)) {
      milestone.name = *text;
      names.add(milestone.name, name.value.Mark(), sink);
    }
    const Entry at = m.get("at");
    const Entry before = m.get("before");
    if (at.found && before.found) {
      sink.add(before.key, "a milestone takes either 'at' or 'before', not both");
    } else if (!at.found && !before.found) {
      sink.add(item, "missing required key 'at' (a percentage) or 'before' (a duration)");
    }
    milestone.percent = read_percent(at, sink);
    if (std::optional<Span> span = read_span(before, sink)) {
      check_calendar_for(*span, before);
      milestone.days_before = span->days;
      milestone.unit = span->unit;
      if (rule.within && rule.unit == span->unit && span->days >= *rule.within) {
        sink.add(before.value,
                 "a milestone " + before.value.Scalar() +
                     " before the deadline falls on or before the start of a rule of " +
                     std::to_string(*rule.within) + " such days");
      }
    }
    rule.milestones.push_back(std::move(milestone));
  }
}

// A problem no rule matches gets no deadline unless one is given by hand; a
// rule after one that matches everything is never used.
void PackLoader::warn_about_rule_order(const YAML::Node& seq) {
  std::vector<YAML::Node> items(seq.begin(), seq.end());
  if (rules_.deadlines.size() != items.size()) return;
  for (std::size_t i = 0; i < rules_.deadlines.size(); ++i) {
    if (!matches_everything(rules_.deadlines[i])) continue;
    for (std::size_t j = i + 1; j < rules_.deadlines.size(); ++j) {
      deadlines_file_.warn.add(items[j], "rule '" + rules_.deadlines[j].name +
                                             "' is never used: rule '" + rules_.deadlines[i].name +
                                             "' above it matches every problem");
    }
    return;
  }
  deadlines_file_.warn.add(seq,
                           "no rule matches every problem (one with no 'when'): a problem no "
                           "rule matches must be given its deadline by hand when assigned");
}

}  // namespace

LoadResult load_pack(const std::filesystem::path& dir, Date today) {
  return PackLoader(dir, today).run();
}

std::string summary(const RuleSet& rules) {
  std::ostringstream out;
  out << rules.campaign.name << " (" << rules.campaign.code << "), version " << rules.version
      << "\n"
      << rules.categories.size() << " categories, " << rules.sources.size() << " sources, "
      << rules.severities.size() << " severities, " << rules.roles.size() << " roles\n"
      << rules.states.size() << " states, " << rules.actions.size() << " actions, "
      << rules.deadlines.size() << " deadline rules\n"
      << rules.escalation.steps.size() << " ladder steps, " << rules.escalation.counts.size()
      << " count triggers, weekly report "
      << (rules.escalation.weekly_report.mailed ? "mailed" : "not mailed") << "\n";
  if (rules.has_calendar) {
    out << "calendar " << rules.calendar.first_year() << " to " << rules.calendar.last_year();
  } else {
    out << "no calendar (weekdays only)";
  }
  out << ", time zone " << rules.campaign.time_zone << "\n";
  return out.str();
}

}  // namespace qingling::rules
