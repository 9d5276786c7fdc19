#pragma once

// The machinery behind seed_demo (demo_data.h): problem histories written as
// scripts of steps at simulated office-hours times, then played through the
// store's decision path in time order, with the escalation ladder firing
// between them as the scheduler would have. Internal to web/demo.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/core/issue.h"
#include "engine/core/rule_set.h"
#include "engine/core/time.h"
#include "engine/core/unit_tree.h"
#include "engine/store/commands.h"
#include "engine/store/store.h"
#include "rules/loader/seed_loader.h"

namespace qingling::demo {

using Fields = std::map<std::string, std::string>;

// T0, the Monday the rectification plan is issued: on or before the
// campaign-local date of `now` less 70 days.
Date campaign_t0(const RuleSet& rules, Instant now);

// A small file that stands for a photo or a ledger page (佐证材料).
struct EvidenceFile {
  std::string name;  // shown to people: "整改后照片-B4.svg"
  std::string content_type;
  std::string content;
};

struct Step {
  enum class Kind { Create, Act, Attach };
  Kind kind = Kind::Act;
  Instant at{};
  std::string actor;  // user name
  std::string action;
  Fields fields;  // Create: the draft; Act: the action's fields
  std::string comment;
  EvidenceFile file;  // Attach only
};

// One problem's history. Its steps' instants strictly increase and fall in
// office hours (09:00-17:30 campaign time).
struct Script {
  std::string label;           // names the problem in error messages
  std::string expected_state;  // where the history must leave it
  std::vector<Step> steps;
  Date last_day{};
  int last_minute = 0;
};

// A demo run: the rules, the tree, the cast and simulated time, over the
// caller's open transaction. Deterministic: its randomness comes from a
// generator with a fixed seed. Borrowed references must outlive it.
class Stage {
 public:
  Stage(store::WriteBackend& backend, const RuleSet& rules, UnitTree tree, Instant now,
        std::filesystem::path evidence_dir, std::vector<store::User> users);

  const RuleSet& rules() const { return rules_; }
  const UnitTree& tree() const { return tree_; }
  Instant now() const { return now_; }
  Date t0() const { return t0_; }        // the Monday the rectification plan is issued
  Date today() const { return today_; }  // campaign-local date of now
  Date last_day() const { return today_ - std::chrono::days{1}; }  // latest day a step may fall on
  Date day(int offset) const { return t0_ + std::chrono::days{offset}; }

  // A number in [lo, hi] (lo when hi < lo).
  int uniform(int lo, int hi);
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(uniform(0, static_cast<int>(items.size()) - 1))];
  }
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[static_cast<std::size_t>(uniform(0, static_cast<int>(i) - 1))]);
    }
  }

  bool is_working_day(Date day) const;
  // A working day in [lo, min(hi, last_day())], picked at random; lo (capped
  // at that bound) when the range holds none.
  Date workday_between(Date lo, Date hi);

  // The deadline the rules would plan for a problem of this kind assigned on
  // `start`. Throws std::logic_error when no rule matches.
  Date planned_deadline(const std::string& category, const std::string& severity,
                        const std::string& source, Date start);

  // When a problem due on `deadline` first reaches `level` on the ladder
  // (the earliest first firing of a step raising it at least that far,
  // the steps' filters aside); nullopt when no step does.
  std::optional<Instant> level_due(Level level, Date deadline) const;

  // Of the users holding `role` who can see `probe`, the one whose unit lies
  // deepest in the tree. Throws std::logic_error when there is none.
  const std::string& cast(const std::string& role, const Issue& probe) const;

  void create(Script& script, Date day, const std::string& actor, Fields draft);
  void act(Script& script, Date day, const std::string& actor, std::string action, Fields fields,
           std::string comment = {});
  void attach(Script& script, Date day, const std::string& actor, EvidenceFile file);

  // Plays every script's steps in time order through store::execute, writes
  // the evidence files, and checks that each problem ends where its script
  // says. A rejection is a bug in a script: std::logic_error. Between the
  // steps the ladder fires what falls due before now, each firing at its
  // due time (or just after the step that let it fire, when the deadline
  // clock was stopped then), through the scheduler's own code; the outbox
  // messages of those firings are recorded as sent at their slots.
  void run(const std::vector<Script>& scripts);

 private:
  Instant next_instant(Script& script, Date day);
  // Appends a step of `kind` by `actor` at the next instant on `day`.
  Step& add_step(Script& script, Date day, const std::string& actor, Step::Kind kind);
  Issue execute(const store::Command& command, Instant at, const std::string& what);
  std::string store_evidence(const EvidenceFile& file);
  // Marks the outbox messages due by now as sent at their slot, as a sender
  // running alongside the scheduler would have.
  void record_sent();
  const store::User& user(const std::string& name) const;

  store::WriteBackend& backend_;
  const RuleSet& rules_;
  UnitTree tree_;
  Instant now_;
  Date today_;
  Date t0_;
  std::filesystem::path evidence_dir_;
  std::map<std::string, store::User> users_;
  std::map<std::pair<const DeadlineRule*, Date>, Date> deadlines_;
  std::mt19937 rng_{20260914};
};

// Writes `file` where evidence is kept, under its SHA-256 (once); returns
// that hash.
std::string write_evidence(const EvidenceFile& file, const std::filesystem::path& evidence_dir);

// Of `users` holding `role` who can see `probe`, the one whose unit lies
// deepest in the tree. Throws std::logic_error when there is none.
const store::User& deepest(const std::vector<const store::User*>& users, const std::string& role,
                           const Issue& probe, const UnitTree& tree);

// `text` cut at every `separator`: "a；b" -> {"a", "b"}.
std::vector<std::string> split(const std::string& text, const std::string& separator);

// Lines for a tiny SVG "photo" or a plain-text ledger page about a problem.
EvidenceFile photo(const std::string& file_name, const std::string& caption,
                   const std::string& title, const std::string& place, Date day);
EvidenceFile ledger(const std::string& file_name, const std::vector<std::string>& lines);

// The carpet-inspection problems (点上问题) of every county target, as
// scripts (demo_carpet.cpp).
std::vector<Script> carpet_scripts(Stage& stage, const rules::DemoSeed& seed);

}  // namespace qingling::demo
