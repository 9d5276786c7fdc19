#include "rules/loader/escalation_loader.h"

#include <algorithm>
#include <charconv>

#include "engine/core/escalation.h"

namespace qingling::rules {
namespace {

using std::chrono::minutes;

constexpr std::string_view kRelations[] = {"responsible", "parent", "county", "city", "lead"};

std::string expected_list(const auto& names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

int digits_value(std::string_view text) {
  int n = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc{} && end == text.data() + text.size() ? n : -1;
}

// "08:30" -> minutes past midnight.
std::optional<minutes> read_clock_time(const Entry& e, ErrorSink& sink) {
  constexpr std::string_view kExpected = "a time of day like \"08:30\"";
  std::optional<std::string> text = read_string(e, sink, kExpected);
  if (!text) return std::nullopt;
  const std::string& s = *text;
  const int h = s.size() == 5 && s[2] == ':' ? digits_value(std::string_view(s).substr(0, 2)) : -1;
  const int m = s.size() == 5 ? digits_value(std::string_view(s).substr(3, 2)) : -1;
  if (h < 0 || h > 23 || m < 0 || m > 59) {
    sink.add(e.value, "expected " + std::string(kExpected));
    return std::nullopt;
  }
  return minutes{h * 60 + m};
}

// "N hour(s)" or "N minute(s)", N from 1 to 9999.
std::optional<minutes> parse_short_duration(std::string_view text) {
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos || space == 0 || space > 4) return std::nullopt;
  const int n = digits_value(text.substr(0, space));
  const std::string_view unit = text.substr(space + 1);
  if (n < 1) return std::nullopt;
  if (unit == "hour" || unit == "hours") return minutes{n * 60};
  if (unit == "minute" || unit == "minutes") return minutes{n};
  return std::nullopt;
}

class LadderReader {
 public:
  LadderReader(ErrorSink& sink, bool has_calendar, RuleSet& rules)
      : sink_(sink), has_calendar_(has_calendar), rules_(rules) {}

  void read(const YAML::Node& root) {
    MapReader top(root, {"working_hours", "digest_window", "steps", "counts", "weekly_report"},
                  sink_);
    if (!top.ok()) return;
    read_working_hours(top.get("working_hours"));
    const Entry window = top.get("digest_window");
    if (window.found) {
      constexpr std::string_view kExpected = "a duration like \"1 hour\" or \"30 minutes\"";
      if (std::optional<std::string> text = read_string(window, sink_, kExpected)) {
        if (auto d = parse_short_duration(*text); d && *d <= minutes{24 * 60}) {
          rules_.escalation.digest_window = *d;
        } else {
          sink_.add(window.value, "expected " + std::string(kExpected) + ", at most 24 hours");
        }
      }
    }
    read_weekly_report(top.get("weekly_report"));
    std::optional<YAML::Node> steps = read_sequence(top.need("steps"), sink_);
    if (!steps) return;
    FirstSeen codes("step code");
    for (const YAML::Node& item : *steps) read_step(item, codes);
    if (std::optional<YAML::Node> counts = read_sequence(top.get("counts"), sink_)) {
      for (const YAML::Node& item : *counts) read_count(item, codes);
    }
  }

 private:
  void read_working_hours(const Entry& e) {
    std::optional<YAML::Node> node = read_mapping(e, sink_);
    if (!node) return;
    MapReader m(*node, {"start", "end"}, sink_);
    const Entry start_entry = m.need("start");
    const Entry end_entry = m.need("end");
    const std::optional<minutes> start = read_clock_time(start_entry, sink_);
    const std::optional<minutes> end = read_clock_time(end_entry, sink_);
    if (start && end && *end <= *start) {
      sink_.add(end_entry.value, "expected an end of working hours after their start");
      return;
    }
    if (start) rules_.escalation.hours.start = *start;
    if (end) rules_.escalation.hours.end = *end;
  }

  void read_weekly_report(const Entry& e) {
    std::optional<YAML::Node> node = read_mapping(e, sink_);
    if (!node) return;
    MapReader m(*node, {"day", "at", "to", "requirements", "ranking"}, sink_);
    if (!m.ok()) return;
    WeeklyReportRules& w = rules_.escalation.weekly_report;
    w.mailed = true;
    static constexpr const char* kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                            "thursday", "friday", "saturday"};
    if (auto day = read_choice(
            m.need("day"), {kDays[0], kDays[1], kDays[2], kDays[3], kDays[4], kDays[5], kDays[6]},
            sink_)) {
      w.day = std::chrono::weekday{static_cast<unsigned>(*day)};
    }
    if (auto at = read_clock_time(m.need("at"), sink_)) w.at = *at;
    if (std::optional<YAML::Node> to = read_mapping(m.get("to"), sink_)) {
      MapReader t(*to, {"roles"}, sink_);
      if (auto roles = read_code_list(t.need("roles"), sink_)) {
        w.roles.clear();
        for (const Located& r : *roles) {
          if (!rules_.has_role(r.text)) {
            sink_.add(r.mark, "unknown role '" + r.text +
                                  "'; expected one of: " + expected_list(rules_.roles));
          }
          w.roles.push_back(r.text);
        }
      }
    }
    w.requirements = read_string(m.get("requirements"), sink_).value_or("");
    if (std::optional<YAML::Node> ranking = read_mapping(m.get("ranking"), sink_)) {
      MapReader r(*ranking,
                  {"red_flag_needs_no_red", "yellow_card_below_average", "yellow_card_any_red"},
                  sink_);
      w.red_flag_needs_no_red = read_bool(r.get("red_flag_needs_no_red"), sink_).value_or(true);
      w.yellow_card_below_average =
          read_bool(r.get("yellow_card_below_average"), sink_).value_or(true);
      w.yellow_card_any_red = read_bool(r.get("yellow_card_any_red"), sink_).value_or(true);
    }
  }

  // A count trigger: {code, name, level, at_least, unit_kind, within, notify,
  // subject, body}.
  void read_count(const YAML::Node& node, FirstSeen& codes) {
    MapReader m(
        node,
        {"code", "name", "level", "at_least", "unit_kind", "within", "notify", "subject", "body"},
        sink_);
    if (!m.ok()) return;
    CountTrigger c;
    const Entry code = m.need("code");
    if (std::optional<std::string> text = read_code(code, sink_)) {
      c.code = *text;
      codes.add(c.code, code.value.Mark(), sink_);
    }
    c.name = read_string(m.need("name"), sink_).value_or("");
    if (auto choice = read_choice(m.need("level"), {"green", "yellow", "red"}, sink_)) {
      c.level = static_cast<Level>(*choice);
    }
    const Entry at_least = m.need("at_least");
    if (std::optional<int> n = read_int(at_least, sink_)) {
      if (*n < 1) {
        sink_.add(at_least.value, "expected a number of problems, at least 1");
      } else {
        c.at_least = *n;
      }
    }
    c.unit_kind = read_code(m.need("unit_kind"), sink_).value_or("");
    const Entry within = m.need("within");
    if (std::optional<std::string> text = read_string(within, sink_, "a window like \"7 days\"")) {
      std::optional<Span> span = parse_days(*text);
      if (!span || span->unit != SpanUnit::CalendarDays) {
        sink_.add(within.value, "expected a window like \"7 days\" (calendar days)");
      } else {
        c.window_days = span->days;
      }
    }
    read_notify(m.need("notify"), c.notify);
    c.subject = read_template(m.need("subject"), count_template_names());
    c.body = read_template(m.need("body"), count_template_names());
    rules_.escalation.counts.push_back(std::move(c));
  }

  void read_step(const YAML::Node& node, FirstSeen& codes) {
    MapReader m(node,
                {"code", "name", "before", "at", "after", "repeat", "level", "notify", "subject",
                 "body", "categories", "severities", "states"},
                sink_);
    if (!m.ok()) return;
    EscalationStep step;
    const Entry code = m.need("code");
    if (std::optional<std::string> c = read_code(code, sink_)) {
      step.code = *c;
      codes.add(step.code, code.value.Mark(), sink_);
    }
    step.name = read_string(m.need("name"), sink_).value_or("");
    read_timing(node, m, step);
    const Entry repeat = m.get("repeat");
    if (repeat.found) {
      if (std::optional<std::string> text =
              read_string(repeat, sink_, "a period like \"every 7 days\"")) {
        std::optional<Span> span;
        if (text->rfind("every ", 0) == 0) span = parse_days(text->substr(6));
        if (!span || span->unit != SpanUnit::CalendarDays) {
          sink_.add(repeat.value, "expected a period like \"every 7 days\" (calendar days)");
        } else {
          step.repeat_days = span->days;
        }
      }
    }
    const Entry level = m.get("level");
    if (auto choice = read_choice(level, {"green", "yellow", "red"}, sink_)) {
      step.level = static_cast<Level>(*choice);
    }
    read_notify(m.need("notify"), step.notify);
    step.subject = read_template(m.need("subject"));
    step.body = read_template(m.need("body"));
    read_filter(m.get("categories"), rules_.categories, "category", step.categories);
    read_filter(m.get("severities"), rules_.severities, "severity", step.severities);
    if (auto states = read_code_list(m.get("states"), sink_)) {
      for (const Located& s : *states) {
        if (rules_.find_state(s.text) == nullptr) {
          sink_.add(s.mark, "unknown state '" + s.text + "'");
        }
        step.states.push_back(s.text);
      }
    }
    rules_.escalation.steps.push_back(std::move(step));
  }

  std::optional<Span> parse_days(std::string_view text) {
    YAML::Node scalar(std::string{text});
    ErrorSink quiet(scratch_, sink_.file());
    return read_span(Entry{scalar, scalar, true}, quiet);
  }

  // Exactly one of before / at / after.
  void read_timing(const YAML::Node& node, const MapReader& m, EscalationStep& step) {
    const Entry before = m.get("before");
    const Entry at = m.get("at");
    const Entry after = m.get("after");
    const int given = int{before.found} + int{at.found} + int{after.found};
    if (given == 0) {
      sink_.add(node, "missing when the step falls due: 'before', 'at' or 'after' the deadline");
      return;
    }
    if (given > 1) {
      sink_.add(node, "a step takes one of 'before', 'at' or 'after', not several");
      return;
    }
    if (at.found) {
      step.anchor = StepAnchor::At;
      if (std::optional<std::string> text = read_string(at, sink_, "deadline")) {
        if (*text != "deadline") sink_.add(at.value, "expected deadline (at: deadline)");
      }
      return;
    }
    const Entry& e = before.found ? before : after;
    step.anchor = before.found ? StepAnchor::Before : StepAnchor::After;
    constexpr std::string_view kExpected =
        "a duration like \"3 working days\", \"15 days\" or \"4 hours\"";
    std::optional<std::string> text = read_string(e, sink_, kExpected);
    if (!text) return;
    if (auto hours = parse_short_duration(*text); hours && hours->count() % 60 == 0) {
      step.hours = static_cast<int>(hours->count() / 60);
    } else if (std::optional<Span> span = parse_days(*text)) {
      step.days = span->days;
      step.unit = span->unit;
      if (span->unit == SpanUnit::WorkingDays && !has_calendar_) {
        sink_.add(e.value, "working days need a calendar, and campaign.yaml names none");
      }
    } else {
      sink_.add(e.value, "expected " + std::string(kExpected));
    }
  }

  void read_notify(const Entry& e, std::vector<NotifyTarget>& out) {
    std::optional<YAML::Node> seq = read_sequence(e, sink_);
    if (!seq) return;
    if (seq->size() == 0) sink_.add(e.value, "expected at least one recipient");
    for (const YAML::Node& item : *seq) {
      NotifyTarget target;
      // yaml-cpp's operator= writes through to the node it refers to; reset rebinds.
      YAML::Node unit_node;
      unit_node.reset(item);
      std::optional<std::vector<Located>> roles;
      if (item.IsMap()) {
        MapReader m(item, {"unit", "roles"}, sink_);
        const Entry unit = m.need("unit");
        if (!unit.found) continue;
        roles = read_code_list(m.get("roles"), sink_);
        unit_node.reset(unit.value);
      }
      const Entry unit_entry{unit_node, unit_node, true};
      const std::string expected = "a unit relative to the problem: " + expected_list(kRelations);
      std::optional<std::string> relation = read_string(unit_entry, sink_, expected);
      if (!relation) continue;
      auto it = std::find(std::begin(kRelations), std::end(kRelations), *relation);
      if (it == std::end(kRelations)) {
        sink_.add(unit_node, "expected " + expected);
        continue;
      }
      target.unit = static_cast<UnitRelation>(it - std::begin(kRelations));
      if (roles) {
        for (const Located& r : *roles) {
          if (!rules_.has_role(r.text)) {
            sink_.add(r.mark, "unknown role '" + r.text +
                                  "'; expected one of: " + expected_list(rules_.roles));
          }
          target.roles.push_back(r.text);
        }
      }
      out.push_back(std::move(target));
    }
  }

  // A message template: every {{name}} must be one the ladder fills.
  std::string read_template(const Entry& e,
                            const std::vector<std::string_view>& names = template_names()) {
    std::optional<std::string> text = read_string(e, sink_, "a message template");
    if (!text) return {};
    std::size_t pos = 0;
    while ((pos = text->find("{{", pos)) != std::string::npos) {
      const std::size_t close = text->find("}}", pos + 2);
      if (close == std::string::npos) {
        sink_.add(e.value, "'{{' without a closing '}}' in the template");
        break;
      }
      std::string name = text->substr(pos + 2, close - pos - 2);
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        sink_.add(e.value, "unknown template name '{{" + name +
                               "}}'; expected one of: " + expected_list(names));
      }
      pos = close + 2;
    }
    return *text;
  }

  void read_filter(const Entry& e, const std::vector<CodeLabel>& known, std::string_view what,
                   std::vector<std::string>& out) {
    auto codes = read_code_list(e, sink_);
    if (!codes) return;
    for (const Located& c : *codes) {
      const bool found = std::any_of(known.begin(), known.end(),
                                     [&](const CodeLabel& k) { return k.code == c.text; });
      if (!found) sink_.add(c.mark, "unknown " + std::string(what) + " '" + c.text + "'");
      out.push_back(c.text);
    }
  }

  ErrorSink& sink_;
  bool has_calendar_;
  RuleSet& rules_;
  std::vector<LoadError> scratch_;
};

}  // namespace

void read_escalation(const YAML::Node& root, ErrorSink& sink, bool has_calendar, RuleSet& rules) {
  LadderReader(sink, has_calendar, rules).read(root);
}

}  // namespace qingling::rules
