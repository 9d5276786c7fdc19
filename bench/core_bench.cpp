// Microbenchmarks of the core's hot steps on the demo pack and city: a
// decision (交办 with its planned deadline), applying an event, the JSON of a
// problem both ways, and the battle map of the city over N summaries.
//   ./build/release/bench/qingling_core_bench [--benchmark_filter=...]

#include <benchmark/benchmark.h>

#include <chrono>
#include <iostream>
#include <random>
#include <stdexcept>

#include "engine/codec/json_codec.h"
#include "engine/core/workflow.h"
#include "engine/report/battle.h"
#include "rules/loader/pack_loader.h"
#include "rules/loader/seed_loader.h"

namespace {

using namespace qingling;

const std::filesystem::path kPack =
    std::filesystem::path(QINGLING_SOURCE_DIR) / "rules/packs/chengchuan";

struct Campaign {
  RuleSet rules;
  UnitTree units;
  Instant now = SystemClock{}.now();
  Actor inspector{"bench", "", {"inspector", "supervisor", "responsible"}};
  Issue logged;  // a problem at a village, not yet assigned
  Event assign;  // its assignment

  Campaign() {
    auto pack = rules::load_pack(kPack, std::chrono::floor<std::chrono::days>(now));
    if (!pack.errors.empty()) throw std::runtime_error(pack.errors.front().to_string());
    rules = std::move(*pack.rules);
    units = UnitTree(rules::load_seed(kPack / "seed").units);
    inspector.unit = units.root();
    const DecisionContext ctx{rules, units, now};
    auto created = decide_create(IssueDraft{{{"title", "饮用水水质未按期检测"},
                                             {"category", "C"},
                                             {"severity", "serious"},
                                             {"unit", village()}}},
                                 inspector, ctx);
    created->issue_id = 1;
    logged = apply(Issue{}, *created);
    assign = *decide_action(logged, ActionRequest{"assign", {{"responsible_unit", village()}}, ""},
                            inspector, ctx);
  }

  std::string village() const {
    for (const Unit& u : units.units()) {
      if (u.kind == "village") return u.code;
    }
    throw std::logic_error("no village in the demo city");
  }
};

const Campaign& campaign() {
  static const Campaign c;
  return c;
}

void BM_DecideAssign(benchmark::State& state) {
  const Campaign& c = campaign();
  const DecisionContext ctx{c.rules, c.units, c.now};
  const ActionRequest request{"assign", {{"responsible_unit", c.village()}}, ""};
  for (auto _ : state) benchmark::DoNotOptimize(decide_action(c.logged, request, c.inspector, ctx));
}
BENCHMARK(BM_DecideAssign);

void BM_Apply(benchmark::State& state) {
  const Campaign& c = campaign();
  for (auto _ : state) benchmark::DoNotOptimize(apply(c.logged, c.assign));
}
BENCHMARK(BM_Apply);

void BM_EncodeIssue(benchmark::State& state) {
  const Issue issue = apply(campaign().logged, campaign().assign);
  for (auto _ : state) benchmark::DoNotOptimize(codec::encode_issue(issue));
}
BENCHMARK(BM_EncodeIssue);

void BM_DecodeIssue(benchmark::State& state) {
  const std::string text = codec::encode_issue(apply(campaign().logged, campaign().assign));
  for (auto _ : state) benchmark::DoNotOptimize(codec::decode_issue(text));
}
BENCHMARK(BM_DecodeIssue);

// The city's battle map over state.range(0) problems spread over villages,
// states and deadlines, with their open-count changes (the burn-down).
void BM_BattleMapCity(benchmark::State& state) {
  const Campaign& c = campaign();
  std::vector<const Unit*> villages;
  for (const Unit& u : c.units.units()) {
    if (u.kind == "village") villages.push_back(&u);
  }
  const char* const states[] = {"discovered", "rectifying", "rectifying", "submitted",
                                "cleared",    "cleared",    "cleared",    "long_term"};
  std::mt19937 rng(7);
  std::vector<IssueSummary> rows;
  const Date today = c.rules.zone.local_date(c.now);
  for (std::int64_t i = 1; i <= state.range(0); ++i) {
    IssueSummary s;
    s.id = i;
    s.unit = villages[rng() % villages.size()]->code;
    s.responsible_unit = s.unit;
    s.lead_unit = "";
    s.category = std::string(1, static_cast<char>('A' + rng() % 6));
    s.state = states[rng() % std::size(states)];
    s.deadline = today + std::chrono::days{static_cast<int>(rng() % 60) - 30};
    s.cleared = s.state == std::string("cleared");
    rows.push_back(std::move(s));
  }
  // Each logged on a day of the last 120, the cleared ones cleared later.
  std::vector<OpenChange> changes;
  for (const IssueSummary& s : rows) {
    const Date logged = today - std::chrono::days{static_cast<int>(rng() % 120) + 1};
    changes.push_back({s.id, logged, 1});
    if (s.cleared)
      changes.push_back({s.id, logged + std::chrono::days{static_cast<int>(rng() % 30)}, -1});
  }
  report::BattleIndex index;
  index.apply(rows, changes);
  const report::BattleInput input{c.rules, c.units, c.units.root(), c.now};
  for (auto _ : state) benchmark::DoNotOptimize(index.map(input));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BattleMapCity)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
