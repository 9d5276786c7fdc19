#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/core/issue.h"
#include "engine/core/rejection.h"
#include "engine/core/rule_set.h"
#include "engine/core/unit_tree.h"

namespace qingling {

// Who is asking: a user of a unit, holding roles. Their jurisdiction is the
// unit's subtree.
struct Actor {
  std::string user;
  std::string unit;
  std::vector<std::string> roles;

  bool has_any_role(const std::vector<std::string>& allowed) const;
};

// What a decision is made against: the rules and the tree in force, and now.
struct DecisionContext {
  const RuleSet& rules;
  const UnitTree& units;
  Instant now;
  // A ledger brought in from elsewhere: a deadline it gives may already have
  // passed (the problem is overdue as it arrives).
  bool importing = false;
};

// The fields of a new problem, as given (title, description, category,
// source, severity, unit, responsible_unit, lead_unit, responsible_leader,
// measures). Unknown names are rejected.
struct IssueDraft {
  std::map<std::string, std::string> fields;
};

struct ActionRequest {
  std::string action;
  std::map<std::string, std::string> fields;
  std::string comment;
};

// A problem is visible to an actor when it sits in, or is owned by a unit in,
// the actor's jurisdiction. Outside it, a problem does not exist (404).
bool can_see(const Issue& issue, const Actor& actor, const UnitTree& units);

// The Created event for a new problem (id and version are filled by the store).
Result<Event> decide_create(const IssueDraft& draft, const Actor& actor,
                            const DecisionContext& ctx);

// The event that taking `request.action` on `issue` produces, or why not.
Result<Event> decide_action(const Issue& issue, const ActionRequest& request, const Actor& actor,
                            const DecisionContext& ctx);

// The EvidenceAttached event for a file (佐证材料) already stored under its
// SHA-256. Anyone who can see the problem may attach evidence until it is
// cleared.
Result<Event> decide_evidence(const Issue& issue, const Actor& actor, const std::string& file_name,
                              const std::string& content_type, const std::string& sha256,
                              std::int64_t size, const DecisionContext& ctx);

// The actions `actor` may take on `issue` now (ignoring required fields).
std::vector<const ActionDef*> available_actions(const Issue& issue, const Actor& actor,
                                                const DecisionContext& ctx);

}  // namespace qingling
