#include "engine/core/rule_set.h"

#include <algorithm>

namespace qingling {
namespace {

template <class T, class Key>
const T* find_by(const std::vector<T>& items, std::string_view key, Key T::*member) {
  auto it =
      std::find_if(items.begin(), items.end(), [&](const T& item) { return item.*member == key; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const StateDef* RuleSet::find_state(std::string_view name) const {
  return find_by(states, name, &StateDef::name);
}
const ActionDef* RuleSet::find_action(std::string_view name) const {
  return find_by(actions, name, &ActionDef::name);
}
const CodeLabel* RuleSet::find_category(std::string_view code) const {
  return find_by(categories, code, &CodeLabel::code);
}
const CodeLabel* RuleSet::find_source(std::string_view code) const {
  return find_by(sources, code, &CodeLabel::code);
}
const CodeLabel* RuleSet::find_severity(std::string_view code) const {
  return find_by(severities, code, &CodeLabel::code);
}
const EscalationStep* RuleSet::find_step(std::string_view code) const {
  return find_by(escalation.steps, code, &EscalationStep::code);
}
bool RuleSet::has_role(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string_view to_string(Level level) {
  switch (level) {
    case Level::Green:
      return "green";
    case Level::Yellow:
      return "yellow";
    case Level::Red:
      return "red";
  }
  return "green";
}

std::optional<Level> level_from(std::string_view text) {
  if (text == "green") return Level::Green;
  if (text == "yellow") return Level::Yellow;
  if (text == "red") return Level::Red;
  return std::nullopt;
}

std::string_view to_string(UnitRelation relation) {
  switch (relation) {
    case UnitRelation::Responsible:
      return "responsible";
    case UnitRelation::Parent:
      return "parent";
    case UnitRelation::County:
      return "county";
    case UnitRelation::City:
      return "city";
    case UnitRelation::Lead:
      return "lead";
  }
  return "responsible";
}

bool EvidenceRules::allows(std::string_view media_type) const {
  media_type = media_type.substr(0, media_type.find(';'));  // "text/plain; charset=utf-8"
  while (!media_type.empty() && media_type.back() == ' ') media_type.remove_suffix(1);
  for (const std::string& t : types) {
    if (t == media_type) return true;
    if (t.size() > 2 && t.ends_with("/*") && media_type.starts_with(t.substr(0, t.size() - 1))) {
      return true;
    }
  }
  return false;
}

}  // namespace qingling
