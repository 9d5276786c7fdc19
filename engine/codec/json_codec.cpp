#include "engine/codec/json_codec.h"

#include <stdexcept>

#include <boost/json.hpp>

namespace qingling::codec {
namespace json = boost::json;
namespace {

// A stored document parsed into a buffer on the caller's stack: its nodes
// need no allocation of their own (larger documents spill to the heap).
// The value lives as long as the parser.
class LocalParse {
 public:
  explicit LocalParse(std::string_view text)
      : resource_(buffer_, sizeof buffer_), value_(json::parse(text, &resource_)) {}
  const json::object& object() const { return value_.as_object(); }

 private:
  unsigned char buffer_[16 * 1024];
  json::monotonic_resource resource_;
  json::value value_;
};

json::array dates_to_json(const std::vector<Date>& dates) {
  json::array out;
  out.reserve(dates.size());
  for (Date d : dates) out.emplace_back(format_date(d));
  return out;
}

Date date_from(const json::value& v) {
  auto d = parse_date(v.as_string());
  if (!d) throw std::runtime_error("bad date in stored JSON");
  return *d;
}

std::vector<Date> dates_from(const json::value& v) {
  std::vector<Date> out;
  for (const json::value& item : v.as_array()) out.push_back(date_from(item));
  return out;
}

std::string string_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string{};
}

// A time this code wrote (format_instant); throws when it is missing or
// malformed, as a corrupt row must not read as some other time.
Instant instant_of(const json::object& o, std::string_view key) {
  auto at = parse_instant(string_of(o, key));
  if (!at) throw std::runtime_error("bad time in stored JSON: " + std::string(key));
  return *at;
}

int int_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr ? static_cast<int>(v->to_number<std::int64_t>()) : 0;
}

bool bool_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

DeadlineBasis basis_from(const json::object& o) {
  DeadlineBasis b;
  b.kind = string_of(o, "kind");
  b.rule = string_of(o, "rule");
  b.pack_version = string_of(o, "pack_version");
  b.start = date_from(o.at("start"));
  b.days = int_of(o, "days");
  b.unit = string_of(o, "unit") == "working_days" ? SpanUnit::WorkingDays : SpanUnit::CalendarDays;
  b.days_counted = int_of(o, "days_counted");
  b.weekend_days_skipped = int_of(o, "weekend_days_skipped");
  b.holidays_skipped = dates_from(o.at("holidays_skipped"));
  b.makeup_days_counted = dates_from(o.at("makeup_days_counted"));
  b.paused_days_added = int_of(o, "paused_days_added");
  b.provisional = bool_of(o, "provisional");
  b.reason = string_of(o, "reason");
  if (const json::value* p = o.if_contains("previous"); p != nullptr && p->is_string()) {
    b.previous = date_from(*p);
  }
  return b;
}

Deadline deadline_from(const json::object& o) {
  Deadline d;
  d.date = date_from(o.at("date"));
  d.basis = basis_from(o.at("basis").as_object());
  for (const json::value& m : o.at("milestones").as_array()) {
    const json::object& mo = m.as_object();
    d.milestones.push_back(
        {string_of(mo, "name"), date_from(mo.at("date")), bool_of(mo, "provisional")});
  }
  return d;
}

json::object fields_to_json(const std::map<std::string, std::string>& fields) {
  json::object out;
  for (const auto& [k, v] : fields) out[k] = v;
  return out;
}

std::map<std::string, std::string> fields_from(const json::value* v) {
  std::map<std::string, std::string> out;
  if (v == nullptr) return out;
  for (const auto& [k, val] : v->as_object()) out[std::string(k)] = std::string(val.as_string());
  return out;
}

}  // namespace

std::string_view to_string(SpanUnit unit) {
  return unit == SpanUnit::WorkingDays ? "working_days" : "days";
}

std::string_view to_string(DeadlineClock clock) {
  switch (clock) {
    case DeadlineClock::Running:
      return "running";
    case DeadlineClock::Paused:
      return "paused";
    case DeadlineClock::Stopped:
      return "stopped";
  }
  return "running";
}

json::object to_json(const DeadlineBasis& b) {
  json::object o;
  o["kind"] = b.kind;
  o["rule"] = b.rule;
  o["pack_version"] = b.pack_version;
  o["start"] = format_date(b.start);
  o["days"] = b.days;
  o["unit"] = to_string(b.unit);
  o["days_counted"] = b.days_counted;
  o["weekend_days_skipped"] = b.weekend_days_skipped;
  o["holidays_skipped"] = dates_to_json(b.holidays_skipped);
  o["makeup_days_counted"] = dates_to_json(b.makeup_days_counted);
  o["paused_days_added"] = b.paused_days_added;
  o["provisional"] = b.provisional;
  if (!b.reason.empty()) o["reason"] = b.reason;
  if (b.previous) o["previous"] = format_date(*b.previous);
  return o;
}

json::array to_json(const std::vector<Milestone>& milestones) {
  json::array out;
  for (const Milestone& m : milestones) {
    out.emplace_back(json::object{
        {"name", m.name}, {"date", format_date(m.date)}, {"provisional", m.provisional}});
  }
  return out;
}

json::object to_json(const Deadline& d) {
  return json::object{{"date", format_date(d.date)},
                      {"basis", to_json(d.basis)},
                      {"milestones", to_json(d.milestones)}};
}

std::string encode_payload(const Event& e) {
  json::object o;
  if (!e.action.empty()) o["action"] = e.action;
  if (!e.from_state.empty()) o["from"] = e.from_state;
  if (!e.to_state.empty()) o["to"] = e.to_state;
  o["local_date"] = format_date(e.local_date);
  if (!e.fields.empty()) o["fields"] = fields_to_json(e.fields);
  if (!e.comment.empty()) o["comment"] = e.comment;
  if (e.deadline) o["deadline"] = to_json(*e.deadline);
  if (e.enters_paused) o["enters_paused"] = true;
  if (e.enters_cleared) o["enters_cleared"] = true;
  return json::serialize(o);
}

void decode_payload(std::string_view text, Event& e) {
  try {
    const LocalParse parsed(text);
    const json::object& o = parsed.object();
    e.action = string_of(o, "action");
    e.from_state = string_of(o, "from");
    e.to_state = string_of(o, "to");
    e.local_date = date_from(o.at("local_date"));
    e.fields = fields_from(o.if_contains("fields"));
    e.comment = string_of(o, "comment");
    if (const json::value* d = o.if_contains("deadline"))
      e.deadline = deadline_from(d->as_object());
    e.enters_paused = bool_of(o, "enters_paused");
    e.enters_cleared = bool_of(o, "enters_cleared");
  } catch (const std::exception& ex) {
    throw std::runtime_error(std::string("malformed event payload: ") + ex.what());
  }
}

json::object to_json(const std::map<std::string, StepFiring>& escalations) {
  json::object out;
  for (const auto& [step, f] : escalations) {
    out[step] = json::object{
        {"deadline", format_date(f.deadline)}, {"period", f.period}, {"at", format_instant(f.at)}};
  }
  return out;
}

std::string encode_issue(const Issue& i) {
  json::object o;
  o["id"] = i.id;
  o["version"] = i.version;
  for (const IssueAttribute& a : issue_attributes()) o[a.name] = i.*(a.member);
  o["state"] = i.state;
  if (i.deadline) o["deadline"] = to_json(*i.deadline);
  if (i.paused_since) o["paused_since"] = format_date(*i.paused_since);
  o["evidence_count"] = i.evidence_count;
  o["evidence_bytes"] = i.evidence_bytes;
  o["attributes"] = fields_to_json(i.attributes);
  o["created_by"] = i.created_by;
  o["created_at"] = format_instant(i.created_at);
  o["updated_at"] = format_instant(i.updated_at);
  if (i.cleared_at) o["cleared_at"] = format_instant(*i.cleared_at);
  o["level"] = to_string(i.level);
  if (!i.escalations.empty()) o["escalations"] = to_json(i.escalations);
  if (i.last_note) {
    o["last_note"] = json::object{{"action", i.last_note->action},
                                  {"text", i.last_note->text},
                                  {"at", format_instant(i.last_note->at)}};
  }
  return json::serialize(o);
}

Issue decode_issue(std::string_view text) {
  try {
    const LocalParse parsed(text);
    const json::object& o = parsed.object();
    Issue i;
    i.id = o.at("id").to_number<std::int64_t>();
    i.version = int_of(o, "version");
    for (const IssueAttribute& a : issue_attributes()) i.*(a.member) = string_of(o, a.name);
    i.state = string_of(o, "state");
    if (const json::value* d = o.if_contains("deadline"))
      i.deadline = deadline_from(d->as_object());
    if (const json::value* p = o.if_contains("paused_since")) i.paused_since = date_from(*p);
    i.evidence_count = int_of(o, "evidence_count");
    if (const json::value* b = o.if_contains("evidence_bytes"))
      i.evidence_bytes = b->to_number<std::int64_t>();
    i.attributes = fields_from(o.if_contains("attributes"));
    i.created_by = string_of(o, "created_by");
    i.created_at = instant_of(o, "created_at");
    i.updated_at = instant_of(o, "updated_at");
    if (o.contains("cleared_at")) i.cleared_at = instant_of(o, "cleared_at");
    i.level = level_from(string_of(o, "level")).value_or(Level::Green);
    if (const json::value* e = o.if_contains("escalations")) {
      for (const auto& [step, v] : e->as_object()) {
        const json::object& f = v.as_object();
        StepFiring firing;
        firing.deadline = date_from(f.at("deadline"));
        firing.period = int_of(f, "period");
        firing.at = instant_of(f, "at");
        i.escalations.emplace(std::string(step), firing);
      }
    }
    if (const json::value* n = o.if_contains("last_note")) {
      const json::object& note = n->as_object();
      i.last_note =
          Note{string_of(note, "action"), string_of(note, "text"), instant_of(note, "at")};
    }
    return i;
  } catch (const std::exception& ex) {
    throw std::runtime_error(std::string("malformed issue projection: ") + ex.what());
  }
}

}  // namespace qingling::codec
