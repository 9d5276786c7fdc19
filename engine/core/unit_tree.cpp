#include "engine/core/unit_tree.h"

#include <stdexcept>

namespace qingling {

UnitTree::UnitTree(std::vector<Unit> units) : units_(std::move(units)) {
  for (std::size_t i = 0; i < units_.size(); ++i) {
    if (!index_.emplace(units_[i].code, i).second) {
      throw std::invalid_argument("unit code '" + units_[i].code + "' appears twice");
    }
  }
  for (const Unit& u : units_) {
    if (u.parent.empty()) {
      if (!root_.empty()) {
        throw std::invalid_argument("two root units: '" + root_ + "' and '" + u.code + "'");
      }
      root_ = u.code;
    } else if (index_.count(u.parent) == 0) {
      throw std::invalid_argument("unit '" + u.code + "' has unknown parent '" + u.parent + "'");
    }
  }
  if (!units_.empty() && root_.empty()) throw std::invalid_argument("the unit tree has no root");

  paths_.assign(units_.size(), std::string{});
  for (std::size_t i = 0; i < units_.size(); ++i) {
    // Walk up until a unit whose path is known; depth is bounded by the size.
    std::vector<std::size_t> chain;
    std::size_t at = i;
    while (paths_[at].empty()) {
      chain.push_back(at);
      if (chain.size() > units_.size()) {
        throw std::invalid_argument("unit '" + units_[i].code + "' is its own ancestor");
      }
      if (units_[at].parent.empty()) break;
      at = index_.at(units_[at].parent);
    }
    std::string prefix = paths_[at].empty() ? "/" : paths_[at];
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if (!paths_[*it].empty()) continue;
      prefix += units_[*it].code + "/";
      paths_[*it] = prefix;
    }
  }
}

const Unit* UnitTree::find(std::string_view code) const {
  auto it = index_.find(std::string(code));
  return it == index_.end() ? nullptr : &units_[it->second];
}

const std::string& UnitTree::path(std::string_view code) const {
  static const std::string kNone;
  auto it = index_.find(std::string(code));
  return it == index_.end() ? kNone : paths_[it->second];
}

bool UnitTree::contains(std::string_view ancestor, std::string_view code) const {
  const std::string& a = path(ancestor);
  const std::string& c = path(code);
  return !a.empty() && !c.empty() && c.compare(0, a.size(), a) == 0;
}

std::vector<const Unit*> UnitTree::children(std::string_view code) const {
  std::vector<const Unit*> out;
  for (const Unit& u : units_) {
    if (u.parent == code) out.push_back(&u);
  }
  return out;
}

}  // namespace qingling
