#include "engine/core/issue.h"

#include <charconv>

namespace qingling {
namespace {

constexpr IssueAttribute kAttributes[] = {
    {"title", &Issue::title},
    {"description", &Issue::description},
    {"category", &Issue::category},
    {"source", &Issue::source},
    {"severity", &Issue::severity},
    {"unit", &Issue::unit},
    {"responsible_unit", &Issue::responsible_unit},
    {"lead_unit", &Issue::lead_unit},
    {"responsible_leader", &Issue::responsible_leader},
    {"measures", &Issue::measures},
    {"external_ref", &Issue::external_ref},
};

const IssueAttribute* find_attribute(std::string_view name) {
  for (const IssueAttribute& a : kAttributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

void set_attribute(Issue& issue, const std::string& name, const std::string& value) {
  if (const IssueAttribute* a = find_attribute(name)) {
    issue.*(a->member) = value;
  } else {
    issue.attributes[name] = value;
  }
}

std::string field_or(const Event& event, const std::string& name) {
  auto it = event.fields.find(name);
  return it == event.fields.end() ? std::string{} : it->second;
}

void apply_escalation(Issue& issue, const Event& event) {
  StepFiring firing;
  firing.deadline = parse_date(field_or(event, "deadline")).value_or(Date{});
  const std::string period = field_or(event, "period");
  std::from_chars(period.data(), period.data() + period.size(), firing.period);
  firing.at = event.at;
  issue.escalations[event.action] = firing;
  if (auto level = level_from(field_or(event, "level")); level && *level > issue.level) {
    issue.level = *level;
  }
}

}  // namespace

std::span<const IssueAttribute> issue_attributes() { return kAttributes; }

bool is_issue_attribute(std::string_view field) { return find_attribute(field) != nullptr; }

std::string_view to_string(Event::Type type) {
  switch (type) {
    case Event::Type::Created:
      return "created";
    case Event::Type::Action:
      return "action";
    case Event::Type::EvidenceAttached:
      return "evidence";
    case Event::Type::Escalated:
      return "escalation";
  }
  return "action";
}

std::optional<Event::Type> event_type_from(std::string_view text) {
  if (text == "created") return Event::Type::Created;
  if (text == "action") return Event::Type::Action;
  if (text == "evidence") return Event::Type::EvidenceAttached;
  if (text == "escalation") return Event::Type::Escalated;
  return std::nullopt;
}

Issue apply(Issue issue, const Event& event) {
  if (event.type == Event::Type::Created) {
    issue = Issue{};
    issue.created_by = event.actor;
    issue.created_at = event.at;
  }
  if (event.type == Event::Type::Escalated) {
    apply_escalation(issue, event);
    issue.version = event.version;
    issue.updated_at = event.at;
    return issue;
  }
  for (const auto& [name, value] : event.fields) {
    // The deadline is carried, with its derivation, by `event.deadline`;
    // evidence files are listed from the events, not the projection.
    if (name == "deadline" || name.rfind("evidence.", 0) == 0) continue;
    set_attribute(issue, name, value);
  }
  if (event.deadline) {
    // A new deadline re-plans the ladder: the level starts again.
    if (!issue.deadline || issue.deadline->date != event.deadline->date) issue.level = Level::Green;
    issue.deadline = event.deadline;
  }
  if (!event.to_state.empty() && event.to_state != issue.state) {
    issue.state = event.to_state;
    issue.paused_since = event.enters_paused ? std::optional<Date>{event.local_date} : std::nullopt;
    issue.cleared_at = event.enters_cleared ? std::optional<Instant>{event.at} : std::nullopt;
  }
  if (event.type == Event::Type::EvidenceAttached) {
    ++issue.evidence_count;
    const std::string size = field_or(event, "evidence.size");
    std::int64_t bytes = 0;
    std::from_chars(size.data(), size.data() + size.size(), bytes);
    issue.evidence_bytes += bytes;
  }
  if (event.type == Event::Type::Action && !event.comment.empty()) {
    issue.last_note = Note{event.action, event.comment, event.at};
  }
  issue.id = event.issue_id;
  issue.version = event.version;
  issue.updated_at = event.at;
  return issue;
}

OverdueStatus overdue_status(const Issue& issue, const RuleSet& rules, Date today) {
  return overdue_status(rules.find_state(issue.state),
                        issue.deadline ? std::optional<Date>(issue.deadline->date) : std::nullopt,
                        today);
}

OverdueStatus overdue_status(const StateDef* state, std::optional<Date> deadline, Date today) {
  if (!deadline || state == nullptr || state->clock != DeadlineClock::Running) return {};
  const int late = days_between(*deadline, today);
  if (late <= 0) return {};
  return {true, late};
}

IssueSummary summary_of(const Issue& issue) {
  IssueSummary s;
  s.id = issue.id;
  s.unit = issue.unit;
  s.responsible_unit = issue.responsible_unit;
  s.lead_unit = issue.lead_unit;
  s.category = issue.category;
  s.state = issue.state;
  if (issue.deadline) s.deadline = issue.deadline->date;
  s.level = issue.level;
  s.cleared = issue.cleared_at.has_value();
  return s;
}

int open_delta(const Issue& before, const Issue& after) {
  if (before.version == 0) return after.cleared_at ? 0 : 1;
  const bool was = before.cleared_at.has_value();
  const bool is = after.cleared_at.has_value();
  return was == is ? 0 : (is ? -1 : 1);
}

std::vector<OpenChange> open_changes(const std::vector<Event>& history) {
  std::vector<OpenChange> out;
  Issue issue;
  for (const Event& e : history) {
    Issue after = apply(issue, e);
    if (const int delta = open_delta(issue, after); delta != 0) {
      out.push_back({after.id, e.local_date, delta});
    }
    issue = std::move(after);
  }
  return out;
}

}  // namespace qingling
