#include "web/api/views.h"

#include <cstdio>

#include "engine/codec/json_codec.h"

namespace qingling::web {
namespace json = boost::json;
namespace {

json::value label_of(const CodeLabel* item) {
  return item != nullptr ? json::value(item->label) : json::value(nullptr);
}

json::value unit_name(const UnitTree& units, const std::string& code) {
  const Unit* u = units.find(code);
  return u != nullptr ? json::value(u->name) : json::value(nullptr);
}

json::value string_or_null(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

json::array dates(const std::vector<Date>& ds) {
  json::array out;
  for (Date d : ds) out.emplace_back(format_date(d));
  return out;
}

std::string_view field_type_name(FieldType t) {
  switch (t) {
    case FieldType::Text:
      return "text";
    case FieldType::UnitCode:
      return "unit";
    case FieldType::IsoDate:
      return "date";
    case FieldType::Boolean:
      return "boolean";
  }
  return "text";
}

std::string_view effect_name(DeadlineEffect e) {
  switch (e) {
    case DeadlineEffect::None:
      return "none";
    case DeadlineEffect::Plan:
      return "plan";
    case DeadlineEffect::Extend:
      return "extend";
    case DeadlineEffect::Replan:
      return "replan";
  }
  return "none";
}

json::array code_labels(const std::vector<CodeLabel>& items) {
  json::array out;
  for (const CodeLabel& c : items)
    out.emplace_back(json::object{{"code", c.code}, {"label", c.label}});
  return out;
}

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

std::string clock_time(std::chrono::minutes m) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", static_cast<int>(m.count() / 60),
                static_cast<int>(m.count() % 60));
  return text;
}

json::object escalation_json(const Escalation& e) {
  json::array steps;
  for (const EscalationStep& s : e.steps) {
    json::object o{{"code", s.code}, {"name", s.name}};
    static constexpr const char* kAnchors[] = {"before", "at", "after"};
    o["anchor"] = kAnchors[static_cast<int>(s.anchor)];
    if (s.hours != 0) {
      o["hours"] = s.hours;
    } else {
      o["days"] = s.days;
      o["unit"] = codec::to_string(s.unit);
    }
    o["repeat_days"] = s.repeat_days ? json::value(*s.repeat_days) : nullptr;
    o["level"] = s.level ? json::value(to_string(*s.level)) : nullptr;
    json::array notify;
    for (const NotifyTarget& t : s.notify) {
      notify.emplace_back(json::object{{"unit", to_string(t.unit)}, {"roles", strings(t.roles)}});
    }
    o["notify"] = std::move(notify);
    o["categories"] = strings(s.categories);
    o["severities"] = strings(s.severities);
    o["states"] = strings(s.states);
    steps.emplace_back(std::move(o));
  }
  json::array counts;
  for (const CountTrigger& c : e.counts) {
    counts.emplace_back(json::object{{"code", c.code},
                                     {"name", c.name},
                                     {"level", to_string(c.level)},
                                     {"at_least", c.at_least},
                                     {"unit_kind", c.unit_kind},
                                     {"within_days", c.window_days}});
  }
  const WeeklyReportRules& w = e.weekly_report;
  json::value weekly = nullptr;
  if (w.mailed) {
    weekly = json::object{
        {"weekday", w.day.c_encoding()}, {"at", clock_time(w.at)}, {"roles", strings(w.roles)}};
  }
  return json::object{{"counts", std::move(counts)},
                      {"weekly_report", std::move(weekly)},
                      {"working_hours", json::object{{"start", clock_time(e.hours.start)},
                                                     {"end", clock_time(e.hours.end)}}},
                      {"digest_window_minutes", e.digest_window.count()},
                      {"steps", std::move(steps)}};
}

}  // namespace

json::object issue_json(const Issue& issue, const RuleSet& rules, const UnitTree& units,
                        const Actor& viewer, Date today) {
  const StateDef* state = rules.find_state(issue.state);
  const OverdueStatus overdue = overdue_status(issue, rules, today);
  json::object o;
  o["id"] = issue.id;
  o["title"] = issue.title;
  o["description"] = issue.description;
  o["category"] = issue.category;
  o["category_label"] = label_of(rules.find_category(issue.category));
  o["source"] = issue.source;
  o["severity"] = issue.severity;
  o["unit"] = issue.unit;
  o["unit_name"] = unit_name(units, issue.unit);
  o["responsible_unit"] = string_or_null(issue.responsible_unit);
  o["responsible_unit_name"] = unit_name(units, issue.responsible_unit);
  o["lead_unit"] = string_or_null(issue.lead_unit);
  o["responsible_leader"] = string_or_null(issue.responsible_leader);
  o["measures"] = issue.measures;
  o["external_ref"] = string_or_null(issue.external_ref);
  o["state"] = issue.state;
  o["state_label"] = state != nullptr ? json::value(state->label) : json::value(nullptr);
  o["cleared"] = state != nullptr && state->cleared;
  if (issue.deadline) {
    o["deadline"] = format_date(issue.deadline->date);
    o["deadline_basis"] = codec::to_json(issue.deadline->basis);
    o["milestones"] = codec::to_json(issue.deadline->milestones);
    o["provisional"] = issue.deadline->basis.provisional;
  } else {
    o["deadline"] = nullptr;
    o["deadline_basis"] = nullptr;
    o["milestones"] = json::array{};
    o["provisional"] = false;
  }
  o["level"] = to_string(issue.level);
  o["escalations"] = codec::to_json(issue.escalations);
  o["overdue"] = overdue.overdue;
  o["days_overdue"] = overdue.days_overdue;
  o["evidence_count"] = issue.evidence_count;
  o["evidence_bytes"] = issue.evidence_bytes;
  if (issue.last_note) {
    o["last_note"] = json::object{{"action", issue.last_note->action},
                                  {"text", issue.last_note->text},
                                  {"at", format_instant(issue.last_note->at)}};
  } else {
    o["last_note"] = nullptr;
  }
  json::object attributes;
  for (const auto& [k, v] : issue.attributes) attributes[k] = v;
  o["attributes"] = std::move(attributes);
  json::array actions;
  for (const ActionDef* a :
       available_actions(issue, viewer, DecisionContext{rules, units, Instant{}})) {
    actions.emplace_back(a->name);
  }
  o["actions"] = std::move(actions);
  o["version"] = issue.version;
  o["created_by"] = issue.created_by;
  o["created_at"] = format_instant(issue.created_at);
  o["updated_at"] = format_instant(issue.updated_at);
  o["cleared_at"] = issue.cleared_at ? json::value(format_instant(*issue.cleared_at)) : nullptr;
  return o;
}

json::object event_json(const Event& e) {
  json::object o;
  o["version"] = e.version;
  o["type"] = to_string(e.type);
  o["action"] = string_or_null(e.action);
  o["from"] = string_or_null(e.from_state);
  o["to"] = string_or_null(e.to_state);
  o["actor"] = e.actor;
  o["at"] = format_instant(e.at);
  o["pack_version"] = e.pack_version;
  json::object fields;
  for (const auto& [k, v] : e.fields) fields[k] = v;
  o["fields"] = std::move(fields);
  o["comment"] = string_or_null(e.comment);
  o["deadline"] = e.deadline ? json::value(codec::to_json(*e.deadline)) : nullptr;
  return o;
}

json::object user_json(const store::User& user, const UnitTree& units) {
  json::array roles;
  for (const auto& r : user.roles) roles.emplace_back(r);
  const Unit* unit = units.find(user.unit);
  return json::object{{"name", user.name},
                      {"display_name", user.display_name},
                      {"unit", user.unit},
                      {"unit_name", unit != nullptr ? unit->name : ""},
                      {"roles", std::move(roles)}};
}

json::object unit_json(const Unit& u) {
  return json::object{{"code", u.code},
                      {"name", u.name},
                      {"kind", u.kind},
                      {"parent", string_or_null(u.parent)},
                      {"email", string_or_null(u.email)}};
}

json::object rules_json(const RuleSet& rules) {
  json::object o;
  o["version"] = rules.version;
  o["campaign"] = json::object{{"code", rules.campaign.code},
                               {"name", rules.campaign.name},
                               {"time_zone", rules.campaign.time_zone}};
  o["roles"] = strings(rules.roles);
  o["categories"] = code_labels(rules.categories);
  o["sources"] = code_labels(rules.sources);
  o["severities"] = code_labels(rules.severities);
  json::array states;
  for (const StateDef& s : rules.states) {
    states.emplace_back(json::object{{"name", s.name},
                                     {"label", s.label},
                                     {"clock", codec::to_string(s.clock)},
                                     {"cleared", s.cleared}});
  }
  o["states"] = std::move(states);
  o["initial_state"] = rules.initial_state;
  o["create_roles"] = strings(rules.create_roles);
  json::array actions;
  for (const ActionDef& a : rules.actions) {
    json::array fields;
    for (const FieldSpec& f : a.fields) {
      fields.emplace_back(json::object{{"name", f.name},
                                       {"type", field_type_name(f.type)},
                                       {"required", f.required},
                                       {"label", f.label}});
    }
    actions.emplace_back(json::object{{"name", a.name},
                                      {"label", a.label},
                                      {"from", strings(a.from)},
                                      {"to", string_or_null(a.to)},
                                      {"roles", strings(a.roles)},
                                      {"fields", std::move(fields)},
                                      {"comment_required", a.comment_required},
                                      {"evidence_required", a.evidence_required},
                                      {"deadline", effect_name(a.deadline)}});
  }
  o["actions"] = std::move(actions);
  json::array deadlines;
  for (const DeadlineRule& r : rules.deadlines) {
    json::object d{{"name", r.name},
                   {"categories", strings(r.categories)},
                   {"severities", strings(r.severities)},
                   {"sources", strings(r.sources)}};
    if (r.fixed) {
      d["on"] = format_date(*r.fixed);
    } else {
      d["within"] = r.within.value_or(0);
      d["unit"] = codec::to_string(r.unit);
    }
    json::array milestones;
    for (const MilestoneRule& m : r.milestones) {
      json::object mo{{"name", m.name}};
      if (m.days_before) {
        mo["before"] = *m.days_before;
        mo["unit"] = codec::to_string(m.unit);
      }
      if (m.percent) mo["at_percent"] = *m.percent;
      milestones.emplace_back(std::move(mo));
    }
    d["milestones"] = std::move(milestones);
    deadlines.emplace_back(std::move(d));
  }
  o["deadlines"] = std::move(deadlines);
  o["escalation"] = escalation_json(rules.escalation);
  if (rules.has_calendar) {
    o["calendar"] = json::object{{"first_year", rules.calendar.first_year()},
                                 {"last_year", rules.calendar.last_year()}};
  } else {
    o["calendar"] = nullptr;
  }
  return o;
}

json::object calendar_answer_json(const CalendarAnswer& a) {
  return json::object{{"date", format_date(a.date)},
                      {"provisional", a.provisional},
                      {"days_counted", a.days_counted},
                      {"weekend_days_skipped", a.weekend_days_skipped},
                      {"holidays_skipped", dates(a.holidays_skipped)},
                      {"makeup_days_counted", dates(a.makeup_days_counted)}};
}

}  // namespace qingling::web
