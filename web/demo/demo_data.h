#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/core/rule_set.h"
#include "engine/core/time.h"
#include "engine/core/unit_tree.h"
#include "engine/store/store.h"
#include "rules/loader/seed_loader.h"

namespace qingling::demo {

struct DemoToken {
  std::string role;
  std::string user;
  std::string display_name;
  std::string unit;
  std::string token;
};

// The page password of every demo user.
inline constexpr const char* kDemoPassword = "qingling-demo";

// The seed's users, plus whoever the histories need and the seed lacks: an
// inspector at the city who can verify city problems, and a responsible
// user for every lead unit and every county (ids not yet given).
std::vector<store::User> demo_users(const UnitTree& tree, const rules::DemoSeed& seed);

// Fills a database whose units are loaded and which holds no problems with
// the demo campaign as of `now`: the demo users (password kDemoPassword), the 37 campaign problems
// and the carpet-inspection problems, with histories, through the same
// decide-and-append path as live commands (so the log chains and every
// event carries the pack version). The escalation ladder fires during the
// histories as a running scheduler would have, each step when it fell due,
// and its messages are recorded as sent then; steps due at or after `now`
// are left to the scheduler. T0 is the Monday on or before now - 70 days.
// Evidence files are written under `evidence_dir`. Runs in one transaction
// of its own.
void seed_demo(store::WriteBackend& backend, const RuleSet& rules, const rules::DemoSeed& seed,
               Instant now, const std::filesystem::path& evidence_dir);

// A fresh token for one demo user per role (admin, supervisor, inspector,
// responsible), in its own transaction. Earlier tokens stay valid.
std::vector<DemoToken> demo_tokens(store::WriteBackend& backend, const rules::DemoSeed& seed,
                                   Instant now);

}  // namespace qingling::demo
