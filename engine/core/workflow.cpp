#include "engine/core/workflow.h"

#include <algorithm>

#include "engine/core/deadline.h"

namespace qingling {
namespace {

constexpr std::size_t kMaxTitle = 200;
constexpr std::size_t kMaxText = 20000;

bool contains(const std::vector<std::string>& items, const std::string& value) {
  return std::find(items.begin(), items.end(), value) != items.end();
}

// Checks a unit-valued field: it must exist and lie in the actor's jurisdiction.
void check_unit(const std::string& field, const std::string& code, const Actor& actor,
                const UnitTree& units, std::vector<FieldError>& errors) {
  if (units.find(code) == nullptr) {
    errors.push_back({field, "no unit has the code '" + code + "'"});
  } else if (!units.contains(actor.unit, code)) {
    errors.push_back({field, "unit '" + code + "' is outside your jurisdiction"});
  }
}

void check_text(const std::string& field, const std::string& value, std::size_t limit,
                std::vector<FieldError>& errors) {
  if (value.size() > limit) {
    errors.push_back({field, "at most " + std::to_string(limit) + " bytes"});
  }
}

}  // namespace

bool Actor::has_any_role(const std::vector<std::string>& allowed) const {
  return std::any_of(roles.begin(), roles.end(),
                     [&](const std::string& r) { return contains(allowed, r); });
}

bool can_see(const Issue& issue, const Actor& actor, const UnitTree& units) {
  return units.contains(actor.unit, issue.unit) ||
         (!issue.responsible_unit.empty() && units.contains(actor.unit, issue.responsible_unit)) ||
         (!issue.lead_unit.empty() && units.contains(actor.unit, issue.lead_unit));
}

Result<Event> decide_create(const IssueDraft& draft, const Actor& actor,
                            const DecisionContext& ctx) {
  const RuleSet& rules = ctx.rules;
  if (!actor.has_any_role(rules.create_roles)) {
    return Rejection::forbidden("Your roles may not log problems in this campaign.");
  }
  std::vector<FieldError> errors;
  std::map<std::string, std::string> fields;
  for (const auto& [name, value] : draft.fields) {
    if (!is_issue_attribute(name)) {
      errors.push_back({name, "not a field of a problem"});
    } else {
      fields[name] = value;
    }
  }
  const auto get = [&](const char* name) -> std::string& { return fields[name]; };
  if (get("title").empty()) errors.push_back({"title", "a short title is required"});
  check_text("title", get("title"), kMaxTitle, errors);
  check_text("external_ref", get("external_ref"), kMaxTitle, errors);
  for (const char* name : {"description", "measures", "responsible_leader"}) {
    check_text(name, get(name), kMaxText, errors);
  }
  if (get("category").empty()) {
    errors.push_back({"category", "a category code is required"});
  } else if (rules.find_category(get("category")) == nullptr) {
    errors.push_back({"category", "no category has the code '" + get("category") + "'"});
  }
  if (get("source").empty()) get("source") = rules.default_source;
  if (rules.find_source(get("source")) == nullptr) {
    errors.push_back({"source", "no problem source has the code '" + get("source") + "'"});
  }
  if (get("severity").empty()) get("severity") = rules.default_severity;
  if (rules.find_severity(get("severity")) == nullptr) {
    errors.push_back({"severity", "no severity has the code '" + get("severity") + "'"});
  }
  if (get("unit").empty()) get("unit") = actor.unit;
  check_unit("unit", get("unit"), actor, ctx.units, errors);
  for (const char* name : {"responsible_unit", "lead_unit"}) {
    if (!get(name).empty()) check_unit(name, get(name), actor, ctx.units, errors);
  }
  if (!errors.empty())
    return Rejection::invalid("The problem has invalid fields.", std::move(errors));

  for (auto it = fields.begin(); it != fields.end();) {
    it = it->second.empty() ? fields.erase(it) : std::next(it);
  }
  const StateDef* initial = rules.find_state(rules.initial_state);
  Event e;
  e.type = Event::Type::Created;
  e.version = 1;
  e.to_state = rules.initial_state;
  e.actor = actor.user;
  e.at = ctx.now;
  e.local_date = rules.zone.local_date(ctx.now);
  e.pack_version = rules.version;
  e.fields = std::move(fields);
  e.enters_paused = initial != nullptr && initial->clock == DeadlineClock::Paused;
  e.enters_cleared = initial != nullptr && initial->cleared;
  return e;
}

Result<Event> decide_action(const Issue& issue, const ActionRequest& request, const Actor& actor,
                            const DecisionContext& ctx) {
  const RuleSet& rules = ctx.rules;
  if (!can_see(issue, actor, ctx.units)) {
    return Rejection::not_found("No problem " + std::to_string(issue.id) + ".");
  }
  const ActionDef* action = rules.find_action(request.action);
  if (action == nullptr) {
    return Rejection::not_found("The workflow has no action '" + request.action + "'.");
  }
  if (!actor.has_any_role(action->roles)) {
    return Rejection::forbidden("Your roles may not take the action '" + action->name + "'.");
  }
  if (!contains(action->from, issue.state)) {
    return Rejection::not_allowed("The action '" + action->name +
                                  "' cannot be taken while the problem is '" + issue.state + "'.");
  }

  std::vector<FieldError> errors;
  // A named pair, not a structured binding: clang before 16 cannot capture those.
  for (const auto& given : request.fields) {
    const std::string& name = given.first;
    const bool declared = std::any_of(action->fields.begin(), action->fields.end(),
                                      [&](const FieldSpec& f) { return f.name == name; });
    if (!declared)
      errors.push_back({"fields." + name, "not a field of the action '" + action->name + "'"});
  }
  std::map<std::string, std::string> fields;
  for (const FieldSpec& spec : action->fields) {
    auto it = request.fields.find(spec.name);
    const std::string key = "fields." + spec.name;
    if (it == request.fields.end() || it->second.empty()) {
      if (spec.required) errors.push_back({key, "required by the action '" + action->name + "'"});
      continue;
    }
    const std::string& value = it->second;
    switch (spec.type) {
      case FieldType::Text:
        check_text(key, value, kMaxText, errors);
        break;
      case FieldType::UnitCode:
        check_unit(key, value, actor, ctx.units, errors);
        break;
      case FieldType::IsoDate:
        if (!parse_date(value)) errors.push_back({key, "expected a date like 2026-12-31"});
        break;
      case FieldType::Boolean:
        if (value != "true" && value != "false") errors.push_back({key, "expected true or false"});
        break;
    }
    if (spec.name == "severity" && rules.find_severity(value) == nullptr) {
      errors.push_back({key, "no severity has the code '" + value + "'"});
    }
    fields[spec.name] = value;
  }
  if (action->comment_required && request.comment.empty()) {
    errors.push_back({"comment", "the action '" + action->name + "' needs a comment"});
  }
  check_text("comment", request.comment, kMaxText, errors);
  if (action->evidence_required && issue.evidence_count == 0) {
    errors.push_back({"evidence", "attach at least one evidence file first"});
  }
  if (!errors.empty()) {
    return Rejection::invalid("The action '" + action->name + "' cannot be taken as given.",
                              std::move(errors));
  }

  const Date today = rules.zone.local_date(ctx.now);
  Event e;
  e.type = Event::Type::Action;
  e.issue_id = issue.id;
  e.version = issue.version + 1;
  e.action = action->name;
  e.from_state = issue.state;
  e.to_state = action->to.empty() ? issue.state : action->to;
  e.actor = actor.user;
  e.at = ctx.now;
  e.local_date = today;
  e.pack_version = rules.version;
  e.comment = request.comment;
  e.fields = fields;

  // The deadline is judged on the problem as the action leaves it.
  const Issue after = apply(issue, e);
  const std::string reason = fields.count("reason") ? fields.at("reason") : request.comment;
  std::optional<Deadline> deadline = issue.deadline;
  // A `deadline` field given by hand: a date, and not in the past.
  std::optional<Date> given;
  if (auto it = fields.find("deadline"); it != fields.end()) {
    given = parse_date(it->second);
    if (!given)
      return Rejection::invalid_field("fields.deadline", "expected a date like 2026-12-31");
    if (*given < today && !ctx.importing) {
      return Rejection::invalid_field("fields.deadline",
                                      "the deadline cannot be before today, " + format_date(today));
    }
  }
  switch (action->deadline) {
    case DeadlineEffect::None:
      break;
    case DeadlineEffect::Plan:
      if (given) {
        deadline = given_deadline(rules, after, today, *given, reason);
      } else {
        auto planned = plan_deadline(rules, after, today);
        if (!planned) return planned.error();
        deadline = std::move(*planned);
      }
      break;
    case DeadlineEffect::Extend: {
      if (!given) {
        return Rejection::invalid_field("fields.deadline", "an extension needs the new deadline");
      }
      const Date date = *given;
      if (!deadline) {
        deadline = given_deadline(rules, after, today, date, reason);
      } else if (date <= deadline->date) {
        return Rejection::invalid_field(
            "fields.deadline",
            "an extension must move the deadline past " + format_date(deadline->date));
      } else {
        deadline = extended_deadline(rules, after, *deadline, date, reason);
      }
      break;
    }
    case DeadlineEffect::Replan: {
      const Date start = deadline ? deadline->basis.start : today;
      auto planned = plan_deadline(rules, after, start);
      if (!planned) return planned.error();
      const int paused = deadline ? deadline->basis.paused_days_added : 0;
      Deadline replanned = paused > 0 ? with_paused_days(rules, after, *planned, paused) : *planned;
      replanned.basis.kind = "replanned";
      if (deadline) replanned.basis.previous = deadline->date;
      replanned.basis.reason = reason;
      deadline = std::move(replanned);
      break;
    }
  }

  // A deadline planned by this action counts from today: the pause lies
  // before its start and must not move it.
  const bool state_changes = e.to_state != issue.state;
  if (state_changes && issue.paused_since && deadline && action->deadline != DeadlineEffect::Plan) {
    const WorkingCalendar weekdays;
    const WorkingCalendar& cal = rules.has_calendar ? rules.calendar : weekdays;
    const int paused = cal.working_days_between(*issue.paused_since, today);
    if (paused > 0) deadline = with_paused_days(rules, after, *deadline, paused);
  }
  if (deadline && (!issue.deadline || deadline->date != issue.deadline->date ||
                   deadline->basis.kind != issue.deadline->basis.kind ||
                   action->deadline != DeadlineEffect::None)) {
    e.deadline = std::move(deadline);
  }
  if (const StateDef* to = rules.find_state(e.to_state)) {
    e.enters_paused = to->clock == DeadlineClock::Paused;
    e.enters_cleared = to->cleared;
  }
  return e;
}

Result<Event> decide_evidence(const Issue& issue, const Actor& actor, const std::string& file_name,
                              const std::string& content_type, const std::string& sha256,
                              std::int64_t size, const DecisionContext& ctx) {
  if (!can_see(issue, actor, ctx.units)) {
    return Rejection::not_found("No problem " + std::to_string(issue.id) + ".");
  }
  const StateDef* state = ctx.rules.find_state(issue.state);
  if (state != nullptr && state->cleared) {
    return Rejection::not_allowed("Evidence cannot be attached to a cleared problem.");
  }
  std::vector<FieldError> errors;
  if (file_name.empty()) errors.push_back({"file_name", "a file name is required"});
  check_text("file_name", file_name, 255, errors);
  if (sha256.size() != 64) errors.push_back({"sha256", "expected 64 hex digits"});
  if (size <= 0) errors.push_back({"size", "the file is empty"});
  if (!errors.empty()) return Rejection::invalid("The evidence is not valid.", std::move(errors));
  const EvidenceRules& limits = ctx.rules.evidence;
  if (!limits.allows(content_type)) {
    std::string list;
    for (const std::string& t : limits.types) list += (list.empty() ? "" : ", ") + t;
    return Rejection::unsupported_type(
        "file", "'" + file_name + "' is " + content_type + "; the campaign takes " + list + ".");
  }
  if (size > limits.max_file_bytes) {
    return Rejection::too_large("file", "'" + file_name + "' has " + std::to_string(size) +
                                            " bytes; a file may have at most " +
                                            std::to_string(limits.max_file_bytes) + ".");
  }
  if (issue.evidence_bytes + size > limits.max_problem_bytes) {
    return Rejection::too_large(
        "file", "'" + file_name + "' would bring the problem's evidence to " +
                    std::to_string(issue.evidence_bytes + size) + " bytes; at most " +
                    std::to_string(limits.max_problem_bytes) + " are kept per problem.");
  }
  Event e;
  e.type = Event::Type::EvidenceAttached;
  e.issue_id = issue.id;
  e.version = issue.version + 1;
  e.from_state = issue.state;
  e.to_state = issue.state;
  e.actor = actor.user;
  e.at = ctx.now;
  e.local_date = ctx.rules.zone.local_date(ctx.now);
  e.pack_version = ctx.rules.version;
  e.fields = {{"evidence.name", file_name},
              {"evidence.type", content_type},
              {"evidence.sha256", sha256},
              {"evidence.size", std::to_string(size)}};
  return e;
}

std::vector<const ActionDef*> available_actions(const Issue& issue, const Actor& actor,
                                                const DecisionContext& ctx) {
  std::vector<const ActionDef*> out;
  if (!can_see(issue, actor, ctx.units)) return out;
  for (const ActionDef& a : ctx.rules.actions) {
    if (contains(a.from, issue.state) && actor.has_any_role(a.roles)) out.push_back(&a);
  }
  return out;
}

}  // namespace qingling
