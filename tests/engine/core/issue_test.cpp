#include "engine/core/issue.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/core/workflow.h"
#include "tests/engine/core/test_rules.h"

namespace qingling {
namespace {

using testing::actor_of;
using testing::date_of;
using testing::demo_rules;
using testing::demo_units;
using testing::evidence_event;
using testing::instant_of;
using testing::iso;

void expect_same_deadline(const std::optional<Deadline>& a, const std::optional<Deadline>& b,
                          const std::string& where) {
  ASSERT_EQ(a.has_value(), b.has_value()) << where;
  if (!a) return;
  EXPECT_EQ(iso(a->date), iso(b->date)) << where;
  EXPECT_EQ(a->basis.kind, b->basis.kind) << where;
  EXPECT_EQ(a->basis.rule, b->basis.rule) << where;
  EXPECT_EQ(a->basis.pack_version, b->basis.pack_version) << where;
  EXPECT_EQ(iso(a->basis.start), iso(b->basis.start)) << where;
  EXPECT_EQ(a->basis.days, b->basis.days) << where;
  EXPECT_EQ(a->basis.days_counted, b->basis.days_counted) << where;
  EXPECT_EQ(a->basis.holidays_skipped, b->basis.holidays_skipped) << where;
  EXPECT_EQ(a->basis.makeup_days_counted, b->basis.makeup_days_counted) << where;
  EXPECT_EQ(a->basis.paused_days_added, b->basis.paused_days_added) << where;
  EXPECT_EQ(iso(a->basis.previous), iso(b->basis.previous)) << where;
  EXPECT_EQ(a->basis.reason, b->basis.reason) << where;
  ASSERT_EQ(a->milestones.size(), b->milestones.size()) << where;
  for (std::size_t i = 0; i < a->milestones.size(); ++i) {
    EXPECT_EQ(a->milestones[i].name, b->milestones[i].name) << where;
    EXPECT_EQ(iso(a->milestones[i].date), iso(b->milestones[i].date)) << where;
  }
}

void expect_same_issue(const Issue& a, const Issue& b, const std::string& where) {
  EXPECT_EQ(a.id, b.id) << where;
  EXPECT_EQ(a.version, b.version) << where;
  EXPECT_EQ(a.title, b.title) << where;
  EXPECT_EQ(a.description, b.description) << where;
  EXPECT_EQ(a.category, b.category) << where;
  EXPECT_EQ(a.source, b.source) << where;
  EXPECT_EQ(a.severity, b.severity) << where;
  EXPECT_EQ(a.unit, b.unit) << where;
  EXPECT_EQ(a.responsible_unit, b.responsible_unit) << where;
  EXPECT_EQ(a.lead_unit, b.lead_unit) << where;
  EXPECT_EQ(a.responsible_leader, b.responsible_leader) << where;
  EXPECT_EQ(a.measures, b.measures) << where;
  EXPECT_EQ(a.state, b.state) << where;
  EXPECT_EQ(iso(a.paused_since), iso(b.paused_since)) << where;
  EXPECT_EQ(a.evidence_count, b.evidence_count) << where;
  EXPECT_EQ(a.attributes, b.attributes) << where;
  EXPECT_EQ(a.created_by, b.created_by) << where;
  EXPECT_EQ(a.created_at, b.created_at) << where;
  EXPECT_EQ(a.updated_at, b.updated_at) << where;
  EXPECT_EQ(a.cleared_at, b.cleared_at) << where;
  expect_same_deadline(a.deadline, b.deadline, where);
}

TEST(Apply, ReplayingTheLogRebuildsTheSameProblem) {
  const RuleSet rules = demo_rules();
  const UnitTree units = demo_units();
  const Actor inspector = actor_of("wang", "cc", {"inspector"});
  const Actor supervisor = actor_of("li", "cc.c01", {"supervisor"});
  const Actor responsible = actor_of("chen", "cc.c01.t01", {"responsible"});

  // Each step is decided against the problem as it stands, then applied,
  // as the writer does; `seen` keeps every intermediate problem.
  std::vector<Event> log;
  std::vector<Issue> seen;
  Issue issue;
  const auto record = [&](Event e) {
    issue = apply(issue, e);
    log.push_back(std::move(e));
    seen.push_back(issue);
  };
  const auto act = [&](ActionRequest request, const Actor& actor, const char* at) {
    record(decide_action(issue, request, actor, {rules, units, instant_of(at)}).value());
  };

  Event created = decide_create({{{"title", "Illegal sand mining"},
                                  {"category", "C"},
                                  {"unit", "cc.c01.t01"},
                                  {"measures", "confiscate the pumps"},
                                  {"lead_unit", "cc.dept.dcs"}}},
                                inspector, {rules, units, instant_of("2025-09-25T02:00:00Z")})
                      .value();
  created.issue_id = 7;
  record(created);
  act({"assign", {{"responsible_unit", "cc.c01.t01"}}, ""}, supervisor, "2025-09-25T17:00:00Z");
  act({"progress", {}, "pumps removed"}, responsible, "2025-10-09T02:00:00Z");
  act({"to_long_term", {}, ""}, supervisor, "2025-10-09T03:00:00Z");
  act({"extend", {{"deadline", "2025-12-19"}, {"reason", "river in flood"}}, ""}, supervisor,
      "2025-10-10T03:00:00Z");
  act({"resume", {}, ""}, supervisor, "2025-10-17T03:00:00Z");
  record(evidence_event(issue, responsible, instant_of("2025-11-03T01:00:00Z"), rules));
  act({"submit", {}, "done"}, responsible, "2025-11-03T02:00:00Z");
  act({"reject", {}, "banks not restored"}, inspector, "2025-11-05T02:00:00Z");
  act({"submit", {}, "banks restored"}, responsible, "2025-11-12T02:00:00Z");
  act({"verify", {{"opinion", "restored"}}, ""}, inspector, "2025-11-14T02:00:00Z");
  act({"reopen", {}, "pumps back"}, inspector, "2025-12-10T02:00:00Z");
  ASSERT_EQ(log.size(), 12u);

  // The log alone, from an empty problem, rebuilds every intermediate one.
  for (std::size_t n = 1; n <= log.size(); ++n) {
    Issue replayed;
    for (std::size_t i = 0; i < n; ++i) replayed = apply(replayed, log[i]);
    expect_same_issue(replayed, seen[n - 1], "after event " + std::to_string(n));
    EXPECT_EQ(replayed.version, static_cast<int>(n));
  }

  // And what the fold produced is what the workflow meant.
  EXPECT_EQ(issue.id, 7);
  EXPECT_EQ(issue.state, "rectifying");
  EXPECT_EQ(issue.evidence_count, 1);
  EXPECT_EQ(issue.measures, "confiscate the pumps");
  EXPECT_EQ(issue.lead_unit, "cc.dept.dcs");
  EXPECT_FALSE(issue.cleared_at.has_value());
  EXPECT_EQ(issue.attributes.at("opinion"), "restored");
  ASSERT_TRUE(issue.deadline.has_value());
  // Extended to Fri 12-19 while paused since 10-09; resumed on 10-17 after
  // 7 working days (10-10, 10-11, 10-13 .. 10-17): 12-22 .. 12-26, 12-29, 12-30.
  EXPECT_EQ(iso(issue.deadline->date), "2025-12-30");
  EXPECT_EQ(issue.deadline->basis.kind, "extended");
  EXPECT_EQ(issue.deadline->basis.paused_days_added, 7);
  EXPECT_EQ(seen[10].cleared_at, instant_of("2025-11-14T02:00:00Z"));
}

TEST(Apply, CreatedStartsAFreshProblem) {
  Issue stale;
  stale.title = "left over";
  stale.evidence_count = 3;
  stale.attributes["x"] = "y";
  Event e;
  e.type = Event::Type::Created;
  e.issue_id = 9;
  e.version = 1;
  e.to_state = "discovered";
  e.actor = "wang";
  e.at = instant_of("2025-09-25T02:00:00Z");
  e.local_date = date_of("2025-09-25");
  e.fields = {{"title", "new"}, {"category", "A"}, {"colour", "red"}};
  const Issue issue = apply(stale, e);
  EXPECT_EQ(issue.id, 9);
  EXPECT_EQ(issue.version, 1);
  EXPECT_EQ(issue.title, "new");
  EXPECT_EQ(issue.category, "A");
  EXPECT_EQ(issue.evidence_count, 0);
  EXPECT_EQ(issue.attributes, (std::map<std::string, std::string>{{"colour", "red"}}));
  EXPECT_EQ(issue.state, "discovered");
  EXPECT_EQ(issue.created_by, "wang");
  EXPECT_EQ(issue.created_at, e.at);
  EXPECT_EQ(issue.updated_at, e.at);
  EXPECT_FALSE(issue.paused_since.has_value());
}

TEST(Apply, StateEntryFlagsSetAndClearPauseAndClearance) {
  Issue issue;
  issue.state = "rectifying";
  issue.version = 4;
  Event pause;
  pause.version = 5;
  pause.to_state = "long_term";
  pause.local_date = date_of("2025-10-09");
  pause.enters_paused = true;
  issue = apply(issue, pause);
  EXPECT_EQ(iso(issue.paused_since), "2025-10-09");

  Event note;  // an action that stays put leaves the pause alone
  note.version = 6;
  note.to_state = "long_term";
  note.local_date = date_of("2025-10-10");
  issue = apply(issue, note);
  EXPECT_EQ(iso(issue.paused_since), "2025-10-09");

  Event clear;
  clear.version = 7;
  clear.to_state = "cleared";
  clear.at = instant_of("2025-10-11T02:00:00Z");
  clear.enters_cleared = true;
  issue = apply(issue, clear);
  EXPECT_FALSE(issue.paused_since.has_value());
  EXPECT_EQ(issue.cleared_at, instant_of("2025-10-11T02:00:00Z"));

  Event reopen;
  reopen.version = 8;
  reopen.to_state = "rectifying";
  issue = apply(issue, reopen);
  EXPECT_FALSE(issue.cleared_at.has_value());
  EXPECT_EQ(issue.version, 8);
}

TEST(EventType, NamesRoundTrip) {
  for (Event::Type t : {Event::Type::Created, Event::Type::Action, Event::Type::EvidenceAttached}) {
    EXPECT_EQ(event_type_from(to_string(t)), t);
  }
  EXPECT_EQ(to_string(Event::Type::EvidenceAttached), "evidence");
  EXPECT_FALSE(event_type_from("deleted").has_value());
}

TEST(IsIssueAttribute, NamesTheProblemFields) {
  for (const char* name : {"title", "responsible_unit", "lead_unit", "measures", "severity"}) {
    EXPECT_TRUE(is_issue_attribute(name)) << name;
  }
  for (const char* name : {"deadline", "opinion", "reason", ""}) {
    EXPECT_FALSE(is_issue_attribute(name)) << name;
  }
}

}  // namespace
}  // namespace qingling
