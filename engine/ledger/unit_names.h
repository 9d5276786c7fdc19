#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/core/unit_tree.h"

namespace qingling::ledger {

// How a ledger names units. Export writes a unit's name where no other unit
// has it, else its full name: the names from below the root down, as an
// address is written (鹤湾县龙塘乡下坝村), so that a 下坝村 of another
// township is never mistaken for it; where even full names coincide, its
// code. Import takes a code, a name only one unit has, or a full name only
// one unit has (with or without the root's name in front).
class UnitNames {
 public:
  explicit UnitNames(const UnitTree& units);

  std::string display(std::string_view code) const;

  // The unit's code, or nothing with what went wrong in `error`.
  std::optional<std::string> resolve(std::string_view text, std::string& error) const;

 private:
  void add_full_name(const std::string& full, const std::string& code);

  const UnitTree& units_;
  std::unordered_map<std::string, std::vector<std::string>> by_name_;  // name → codes
  std::unordered_map<std::string, std::string> by_full_name_;          // full name → code
  std::unordered_map<std::string, std::string> full_name_;             // code → full name
};

}  // namespace qingling::ledger
