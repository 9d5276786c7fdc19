#pragma once

// The demo campaign (rules/packs/chengchuan and its seed units), loaded once
// per fuzzer process: the rules and tree that imports and decisions are
// checked against. Aborts when the pack does not load, as nothing could be
// fuzzed then.

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "engine/core/rule_set.h"
#include "engine/core/unit_tree.h"
#include "rules/loader/pack_loader.h"
#include "rules/loader/seed_loader.h"

namespace qingling::fuzz {

struct DemoPack {
  RuleSet rules;
  UnitTree units;
};

inline const DemoPack& demo_pack() {
  static const DemoPack pack = [] {
    const std::filesystem::path dir =
        std::filesystem::path(QINGLING_SOURCE_DIR) / "rules/packs/chengchuan";
    rules::LoadResult loaded = rules::load_pack(dir, *parse_date("2026-11-27"));
    if (!loaded.rules) {
      for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
      std::abort();
    }
    return DemoPack{std::move(*loaded.rules), UnitTree(rules::load_seed(dir / "seed").units)};
  }();
  return pack;
}

}  // namespace qingling::fuzz
