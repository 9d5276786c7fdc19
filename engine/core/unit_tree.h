#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace qingling {

// A node of the organisation tree (单位): city, county, township, village or
// department. Codes are stable and used by the API.
struct Unit {
  std::string code;
  std::string name;
  std::string kind;    // "city", "county", "township", "village", "department"
  std::string parent;  // empty for the root
  std::string email;   // contact address, may be empty
};

// The organisation tree, immutable once built. A unit's jurisdiction is its
// subtree, itself included.
class UnitTree {
 public:
  UnitTree() = default;
  // Throws std::invalid_argument when a parent is missing, a code repeats,
  // there is not exactly one root, or the parents form a cycle.
  explicit UnitTree(std::vector<Unit> units);

  const Unit* find(std::string_view code) const;
  // True when `code` is `ancestor` or lies below it.
  bool contains(std::string_view ancestor, std::string_view code) const;
  // "/cc/cc.c03/cc.c03.t07/": codes from the root down, so that a subtree is
  // a prefix range in an index.
  const std::string& path(std::string_view code) const;
  const std::string& root() const { return root_; }
  const std::vector<Unit>& units() const { return units_; }
  std::vector<const Unit*> children(std::string_view code) const;
  bool empty() const { return units_.empty(); }

 private:
  std::vector<Unit> units_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> paths_;
  std::string root_;
};

}  // namespace qingling
