#pragma once

// Problems at scale over the demo city, for trying the engine at the size of
// a province: `qingling gen`.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "engine/core/rule_set.h"
#include "engine/core/time.h"
#include "engine/store/store.h"
#include "rules/loader/seed_loader.h"

namespace qingling::demo {

struct GenerateOptions {
  std::int64_t problems = 0;  // how many to add
  std::uint32_t seed = 1;     // the same seed and now, the same problems
  int days = 120;             // found over the last `days` days
};

struct Generated {
  std::int64_t problems = 0;
  std::int64_t events = 0;
  std::map<std::string, std::int64_t> states;  // problems by state at now
  std::int64_t overdue = 0;
};

// Adds problems found in the demo city's townships and villages, each with a
// history decided as live commands are (logged, assigned with the deadline
// the rules plan, progress, evidence, submitted, rejected, verified,
// reopened, extended, turned long-term) at office hours before `now`, and the
// ladder's steps that fell due fired on time (their messages are not
// written: they count as sent). Spreads: about 4% still to assign, 55%
// cleared, 8% submitted, 4% long-term, the rest rectifying, overdue as their
// deadlines fall. Written in bulk (bulk_load), in transactions of its own,
// after the demo's users exist (seed_demo). One evidence file, a photo, is
// written under `evidence_dir`. `progress` hears the count every 50,000.
Generated generate_problems(store::WriteBackend& backend, const RuleSet& rules,
                            const rules::DemoSeed& seed, Instant now,
                            const std::filesystem::path& evidence_dir,
                            const GenerateOptions& options,
                            const std::function<void(std::int64_t)>& progress);

}  // namespace qingling::demo
