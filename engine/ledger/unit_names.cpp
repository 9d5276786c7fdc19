#include "engine/ledger/unit_names.h"

namespace qingling::ledger {

UnitNames::UnitNames(const UnitTree& units) : units_(units) {
  for (const Unit& u : units.units()) by_name_[u.name].push_back(u.code);
  for (const Unit& u : units.units()) {
    std::string full;
    for (const Unit* at = &u; at != nullptr && !at->parent.empty(); at = units.find(at->parent)) {
      full = at->name + full;
    }
    if (full.empty()) full = u.name;  // the root
    full_name_[u.code] = full;
    add_full_name(full, u.code);
    if (!u.parent.empty()) {
      if (const Unit* root = units.find(units.root())) add_full_name(root->name + full, u.code);
    }
  }
}

// Names join without a separator, as addresses are written, so two units
// may share a full name (甲 > 乙 > 街道 and 甲乙 > 街道): such a name stands
// for neither.
void UnitNames::add_full_name(const std::string& full, const std::string& code) {
  auto [at, fresh] = by_full_name_.emplace(full, code);
  if (!fresh && at->second != code) at->second.clear();
}

std::string UnitNames::display(std::string_view code) const {
  const Unit* unit = units_.find(code);
  if (unit == nullptr) return std::string(code);
  auto named = by_name_.find(unit->name);
  if (named != by_name_.end() && named->second.size() == 1) return unit->name;
  const std::string& full = full_name_.at(unit->code);
  auto owner = by_full_name_.find(full);
  return owner != by_full_name_.end() && owner->second == unit->code ? full : unit->code;
}

std::optional<std::string> UnitNames::resolve(std::string_view text, std::string& error) const {
  if (const Unit* u = units_.find(text)) return u->code;
  const std::string key(text);
  auto named = by_name_.find(key);
  if (named != by_name_.end() && named->second.size() == 1) return named->second.front();
  if (auto full = by_full_name_.find(key); full != by_full_name_.end() && !full->second.empty()) {
    return full->second;
  }
  if (named == by_name_.end()) {
    error = "no unit has the code, name or full name \"" + key + "\"";
    return std::nullopt;
  }
  error = std::to_string(named->second.size()) + " units are named \"" + key +
          "\": write the full name (";
  for (std::size_t i = 0; i < named->second.size() && i < 5; ++i) {
    error += (i == 0 ? "" : ", ") + full_name_.at(named->second[i]);
  }
  error += named->second.size() > 5 ? ", …) or the code" : ") or the code";
  return std::nullopt;
}

}  // namespace qingling::ledger
