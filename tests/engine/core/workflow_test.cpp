#include "engine/core/workflow.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/core/issue.h"
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

using Fields = std::map<std::string, std::string>;

const Actor kAdmin = actor_of("root", "cc", {"admin"});
const Actor kCitySupervisor = actor_of("zhang", "cc", {"supervisor"});
const Actor kCountySupervisor = actor_of("li", "cc.c01", {"supervisor"});
const Actor kOtherCountySupervisor = actor_of("zhao", "cc.c02", {"supervisor"});
const Actor kInspector = actor_of("wang", "cc", {"inspector"});
const Actor kResponsible = actor_of("chen", "cc.c01.t01", {"responsible"});
const Actor kVillage = actor_of("sun", "cc.c01.t01.v001", {"responsible", "inspector"});
const Actor kDepartment = actor_of("zhou", "cc.dept.dcs", {"inspector", "supervisor"});

std::vector<std::string> field_names(const Rejection& r) {
  std::vector<std::string> out;
  for (const FieldError& f : r.fields) out.push_back(f.field);
  return out;
}

std::vector<std::string> action_names(const std::vector<const ActionDef*>& actions) {
  std::vector<std::string> out;
  for (const ActionDef* a : actions) out.push_back(a->name);
  return out;
}

// A campaign's world: rules, units, and problems walked through the
// workflow with real decisions. Times are UTC; Shanghai is 8 hours ahead.
class Workflow : public ::testing::Test {
 protected:
  DecisionContext at(const char* instant) const { return {rules_, units_, instant_of(instant)}; }

  // Logged on Thu 2025-09-25 at 10:00 local time, in the township.
  Issue discovered() const {
    IssueDraft draft{
        {{"title", "Rubbish piled by the river"}, {"category", "A"}, {"unit", "cc.c01.t01"}}};
    Event e = decide_create(draft, kInspector, at("2025-09-25T02:00:00Z")).value();
    e.issue_id = 42;  // the store numbers problems
    return apply(Issue{}, e);
  }

  // Assigned at 01:00 local on Fri 2025-09-26 (still 09-25 in UTC): the
  // standard rule gives 30 working days, to Thu 2025-11-13.
  Issue rectifying() const {
    const Issue issue = discovered();
    return apply(issue, decide_action(issue, {"assign", {{"responsible_unit", "cc.c01.t01"}}, ""},
                                      kCountySupervisor, at("2025-09-25T17:00:00Z"))
                            .value());
  }

  Issue take(const Issue& issue, const ActionRequest& request, const Actor& actor,
             const char* instant) const {
    return apply(issue, decide_action(issue, request, actor, at(instant)).value());
  }

  RuleSet rules_ = demo_rules();
  UnitTree units_ = demo_units();
};

TEST_F(Workflow, CreateFillsDefaultsAndStartsInTheInitialState) {
  const auto e = decide_create({{{"title", "Rubbish piled by the river"}, {"category", "A"}}},
                               kCountySupervisor, at("2025-09-25T17:00:00Z"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->type, Event::Type::Created);
  EXPECT_EQ(e->version, 1);
  EXPECT_EQ(e->to_state, "discovered");
  EXPECT_EQ(e->actor, "li");
  EXPECT_EQ(e->at, instant_of("2025-09-25T17:00:00Z"));
  EXPECT_EQ(iso(e->local_date), "2025-09-26");  // 01:00 in Shanghai
  EXPECT_EQ(e->pack_version, "2025.1+c0ffee00");
  EXPECT_FALSE(e->enters_paused);
  EXPECT_FALSE(e->enters_cleared);
  // Defaults filled in, empty fields dropped.
  EXPECT_EQ(e->fields, (Fields{{"category", "A"},
                               {"severity", "general"},
                               {"source", "feedback"},
                               {"title", "Rubbish piled by the river"},
                               {"unit", "cc.c01"}}));
}

TEST_F(Workflow, CreateRejectsBadDrafts) {
  using K = Rejection::Kind;
  struct Case {
    std::string name;
    Fields fields;
    Actor actor;
    K kind;
    std::vector<std::string> errors;
  };
  const Fields ok{{"title", "Broken street lights"}, {"category", "B"}};
  const auto with = [&](Fields changes) {
    Fields f = ok;
    for (auto& [k, v] : changes) f[k] = v;
    return f;
  };
  const std::string long_title(201, 'x');
  const std::vector<Case> cases = {
      {"unknown category", with({{"category", "Z"}}), kInspector, K::Invalid, {"category"}},
      {"missing category", {{"title", "x"}}, kInspector, K::Invalid, {"category"}},
      {"empty title", with({{"title", ""}}), kInspector, K::Invalid, {"title"}},
      {"title too long", with({{"title", long_title}}), kInspector, K::Invalid, {"title"}},
      {"unknown field", with({{"colour", "red"}}), kInspector, K::Invalid, {"colour"}},
      {"unknown source", with({{"source", "rumour"}}), kInspector, K::Invalid, {"source"}},
      {"unknown severity", with({{"severity", "mild"}}), kInspector, K::Invalid, {"severity"}},
      {"unit outside jurisdiction",
       with({{"unit", "cc.c02"}}),
       kCountySupervisor,
       K::Invalid,
       {"unit"}},
      {"unknown unit", with({{"unit", "cc.c99"}}), kInspector, K::Invalid, {"unit"}},
      {"unknown responsible unit",
       with({{"responsible_unit", "cc.c99"}}),
       kInspector,
       K::Invalid,
       {"responsible_unit"}},
      {"several at once",
       {{"category", "Z"}, {"colour", "red"}},
       kInspector,
       K::Invalid,
       {"colour", "title", "category"}},
      {"role may not log problems", ok, kResponsible, K::Forbidden, {}},
  };
  for (const Case& c : cases) {
    const auto e = decide_create({c.fields}, c.actor, at("2025-09-25T02:00:00Z"));
    ASSERT_FALSE(e.has_value()) << c.name;
    EXPECT_EQ(e.error().kind, c.kind) << c.name;
    EXPECT_EQ(field_names(e.error()), c.errors) << c.name;
    EXPECT_FALSE(e.error().detail.empty()) << c.name;
  }
}

TEST_F(Workflow, WholeLifecycle) {
  Issue issue = discovered();
  EXPECT_EQ(issue.id, 42);
  EXPECT_EQ(issue.version, 1);
  EXPECT_EQ(issue.state, "discovered");
  EXPECT_EQ(issue.created_by, "wang");
  EXPECT_FALSE(issue.deadline.has_value());

  // 交办 at 01:00 on Fri 09-26 local: the deadline counts from 09-26.
  const auto assign = decide_action(issue, {"assign", {{"responsible_unit", "cc.c01.t01"}}, ""},
                                    kCountySupervisor, at("2025-09-25T17:00:00Z"));
  ASSERT_TRUE(assign.has_value());
  EXPECT_EQ(iso(assign->local_date), "2025-09-26");
  EXPECT_EQ(assign->from_state, "discovered");
  EXPECT_EQ(assign->to_state, "rectifying");
  ASSERT_TRUE(assign->deadline.has_value());
  issue = apply(issue, *assign);
  EXPECT_EQ(issue.version, 2);
  EXPECT_EQ(issue.state, "rectifying");
  EXPECT_EQ(issue.responsible_unit, "cc.c01.t01");
  ASSERT_TRUE(issue.deadline.has_value());
  EXPECT_EQ(issue.deadline->basis.kind, "rule");
  EXPECT_EQ(issue.deadline->basis.rule, "standard");
  EXPECT_EQ(iso(issue.deadline->basis.start), "2025-09-26");
  EXPECT_EQ(iso(issue.deadline->date), "2025-11-13");
  EXPECT_EQ(issue.deadline->milestones.size(), 3u);

  // 申请销号 without evidence is refused and changes nothing.
  const ActionRequest submit{"submit", {}, "river bank cleaned"};
  const auto refused = decide_action(issue, submit, kResponsible, at("2025-10-20T02:00:00Z"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, Rejection::Kind::Invalid);
  EXPECT_EQ(field_names(refused.error()), std::vector<std::string>{"evidence"});

  issue =
      apply(issue, evidence_event(issue, kResponsible, instant_of("2025-10-20T01:00:00Z"), rules_));
  EXPECT_EQ(issue.version, 3);
  EXPECT_EQ(issue.evidence_count, 1);
  EXPECT_EQ(issue.state, "rectifying");

  issue = take(issue, submit, kResponsible, "2025-10-20T02:00:00Z");
  EXPECT_EQ(issue.version, 4);
  EXPECT_EQ(issue.state, "submitted");
  EXPECT_EQ(iso(issue.deadline->date), "2025-11-13");

  // 退回: back to rectifying, deadline untouched.
  const auto reject = decide_action(issue, {"reject", {}, "rubbish still behind the pier"},
                                    kInspector, at("2025-10-22T02:00:00Z"));
  ASSERT_TRUE(reject.has_value());
  EXPECT_FALSE(reject->deadline.has_value());
  issue = apply(issue, *reject);
  EXPECT_EQ(issue.version, 5);
  EXPECT_EQ(issue.state, "rectifying");
  EXPECT_EQ(iso(issue.deadline->date), "2025-11-13");
  EXPECT_EQ(issue.deadline->basis.kind, "rule");

  issue = take(issue, submit, kResponsible, "2025-10-24T02:00:00Z");
  EXPECT_EQ(issue.version, 6);
  EXPECT_EQ(issue.state, "submitted");
  EXPECT_FALSE(issue.cleared_at.has_value());

  // 验收销号.
  const auto verify = decide_action(issue, {"verify", {{"opinion", "checked on site"}}, ""},
                                    kInspector, at("2025-10-27T03:00:00Z"));
  ASSERT_TRUE(verify.has_value());
  EXPECT_TRUE(verify->enters_cleared);
  issue = apply(issue, *verify);
  EXPECT_EQ(issue.version, 7);
  EXPECT_EQ(issue.state, "cleared");
  EXPECT_EQ(issue.cleared_at, instant_of("2025-10-27T03:00:00Z"));
  EXPECT_EQ(issue.attributes.at("opinion"), "checked on site");

  // 回头看: reopened, no longer cleared.
  issue = take(issue, {"reopen", {}, "piled up again"}, kInspector, "2025-12-01T03:00:00Z");
  EXPECT_EQ(issue.version, 8);
  EXPECT_EQ(issue.state, "rectifying");
  EXPECT_FALSE(issue.cleared_at.has_value());
  EXPECT_EQ(issue.updated_at, instant_of("2025-12-01T03:00:00Z"));
  EXPECT_EQ(issue.created_at, instant_of("2025-09-25T02:00:00Z"));
}

TEST_F(Workflow, RejectsActionsThatMayNotBeTaken) {
  const Issue fresh = discovered();
  const Issue open = rectifying();
  struct Case {
    std::string name;
    const Issue* issue;
    Actor actor;
    ActionRequest request;
    Rejection::Kind kind;
    std::vector<std::string> errors;
  };
  using K = Rejection::Kind;
  const Fields unit{{"responsible_unit", "cc.c01.t01"}};
  const std::vector<Case> cases = {
      {"role not allowed to assign", &fresh, kResponsible, {"assign", unit, ""}, K::Forbidden, {}},
      {"role not allowed to extend",
       &open,
       kInspector,
       {"extend", {{"deadline", "2025-12-31"}, {"reason", "x"}}, ""},
       K::Forbidden,
       {}},
      {"verify while rectifying",
       &open,
       kInspector,
       {"verify", {{"opinion", "ok"}}, ""},
       K::NotAllowed,
       {}},
      {"assign twice", &open, kCountySupervisor, {"assign", unit, ""}, K::NotAllowed, {}},
      {"resume when not paused", &open, kCountySupervisor, {"resume", {}, ""}, K::NotAllowed, {}},
      {"outside jurisdiction",
       &fresh,
       kOtherCountySupervisor,
       {"assign", unit, ""},
       K::NotFound,
       {}},
      {"below the problem's unit", &open, kVillage, {"progress", {}, "done"}, K::NotFound, {}},
      {"unknown action", &open, kCountySupervisor, {"approve", {}, ""}, K::NotFound, {}},
      {"missing required field",
       &fresh,
       kCountySupervisor,
       {"assign", {}, ""},
       K::Invalid,
       {"fields.responsible_unit"}},
      {"empty required field",
       &fresh,
       kCountySupervisor,
       {"assign", {{"responsible_unit", ""}}, ""},
       K::Invalid,
       {"fields.responsible_unit"}},
      {"unknown field",
       &fresh,
       kCountySupervisor,
       {"assign", {{"responsible_unit", "cc.c01.t01"}, {"colour", "red"}}, ""},
       K::Invalid,
       {"fields.colour"}},
      {"bad date",
       &fresh,
       kCountySupervisor,
       {"assign", {{"responsible_unit", "cc.c01.t01"}, {"deadline", "2025-13-01"}}, ""},
       K::Invalid,
       {"fields.deadline"}},
      {"responsible unit outside jurisdiction",
       &fresh,
       kCountySupervisor,
       {"assign", {{"responsible_unit", "cc.c02"}}, ""},
       K::Invalid,
       {"fields.responsible_unit"}},
      {"responsible unit unknown",
       &fresh,
       kCountySupervisor,
       {"assign", {{"responsible_unit", "cc.c99"}}, ""},
       K::Invalid,
       {"fields.responsible_unit"}},
      {"all field errors together",
       &fresh,
       kCountySupervisor,
       {"assign", {{"colour", "red"}, {"deadline", "tomorrow"}}, ""},
       K::Invalid,
       {"fields.colour", "fields.responsible_unit", "fields.deadline"}},
      {"missing comment", &open, kResponsible, {"progress", {}, ""}, K::Invalid, {"comment"}},
      {"comment too long",
       &open,
       kResponsible,
       {"progress", {}, std::string(20001, 'x')},
       K::Invalid,
       {"comment"}},
      {"extension without a reason",
       &open,
       kCountySupervisor,
       {"extend", {{"deadline", "2025-12-31"}}, ""},
       K::Invalid,
       {"fields.reason"}},
      {"extension to the same day",
       &open,
       kCountySupervisor,
       {"extend", {{"deadline", "2025-11-13"}, {"reason", "rain"}}, ""},
       K::Invalid,
       {"fields.deadline"}},
      {"extension to an earlier day",
       &open,
       kCountySupervisor,
       {"extend", {{"deadline", "2025-11-01"}, {"reason", "rain"}}, ""},
       K::Invalid,
       {"fields.deadline"}},
  };
  for (const Case& c : cases) {
    const auto e = decide_action(*c.issue, c.request, c.actor, at("2025-10-20T02:00:00Z"));
    ASSERT_FALSE(e.has_value()) << c.name;
    EXPECT_EQ(e.error().kind, c.kind) << c.name;
    EXPECT_EQ(field_names(e.error()), c.errors) << c.name;
    EXPECT_FALSE(e.error().detail.empty()) << c.name;
  }
}

TEST_F(Workflow, AssignWithAGivenDeadline) {
  const Issue issue = discovered();
  const auto e = decide_action(issue,
                               {"assign",
                                {{"responsible_unit", "cc.c01.t01"}, {"deadline", "2025-12-31"}},
                                "the county asked for year end"},
                               kCountySupervisor, at("2025-09-26T02:00:00Z"));
  ASSERT_TRUE(e.has_value());
  ASSERT_TRUE(e->deadline.has_value());
  EXPECT_EQ(iso(e->deadline->date), "2025-12-31");
  EXPECT_EQ(e->deadline->basis.kind, "given");
  EXPECT_EQ(e->deadline->basis.rule, "standard");
  EXPECT_EQ(e->deadline->basis.reason, "the county asked for year end");
  EXPECT_EQ(iso(e->deadline->basis.start), "2025-09-26");
  const Issue after = apply(issue, *e);
  EXPECT_EQ(iso(after.deadline->date), "2025-12-31");
  EXPECT_EQ(after.attributes.count("deadline"), 0u);  // carried by the deadline, not a field
}

TEST_F(Workflow, ExtendMovesTheDeadlineLater) {
  const Issue issue = rectifying();
  const auto e =
      decide_action(issue, {"extend", {{"deadline", "2025-11-28"}, {"reason", "flood"}}, ""},
                    kCitySupervisor, at("2025-11-10T02:00:00Z"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->to_state, "rectifying");
  const Issue after = apply(issue, *e);
  ASSERT_TRUE(after.deadline.has_value());
  EXPECT_EQ(iso(after.deadline->date), "2025-11-28");
  EXPECT_EQ(after.deadline->basis.kind, "extended");
  EXPECT_EQ(iso(after.deadline->basis.previous), "2025-11-13");
  EXPECT_EQ(after.deadline->basis.reason, "flood");
  EXPECT_EQ(iso(after.deadline->basis.start), "2025-09-26");
  EXPECT_EQ(after.attributes.at("reason"), "flood");
  EXPECT_EQ(after.version, issue.version + 1);
}

TEST_F(Workflow, LongTermPauseMovesTheDeadlineByThePausedWorkingDays) {
  struct Case {
    std::string name;
    const char* paused;  // UTC instants; local dates in the comments
    const char* resumed;
    int working_days;
    const char* deadline;
  };
  const std::vector<Case> cases = {
      // (10-09, 10-17]: 10-10, 10-11 (make-up), 10-13 .. 10-17. From 11-13:
      // 11-14, 11-17 .. 11-21, 11-24.
      {"a week and a make-up day", "2025-10-09T02:00:00Z", "2025-10-17T03:00:00Z", 7, "2025-11-24"},
      // (09-30, 10-09]: only 10-09 works. 11-13 + 1 = Fri 11-14.
      {"over national day", "2025-09-30T02:00:00Z", "2025-10-09T02:00:00Z", 1, "2025-11-14"},
      // (09-26, 10-10]: 09-28, 09-29, 09-30, 10-09, 10-10. 11-13 + 5 = Thu 11-20.
      {"paused on the day of assignment", "2025-09-26T02:00:00Z", "2025-10-10T02:00:00Z", 5,
       "2025-11-20"},
      // (11-10, 11-20]: 11-11 .. 11-14, 11-17 .. 11-20. 11-13 + 8 = Tue 11-25.
      {"paused shortly before the deadline", "2025-11-10T02:00:00Z", "2025-11-20T02:00:00Z", 8,
       "2025-11-25"},
      {"resumed the same day", "2025-10-13T01:00:00Z", "2025-10-13T09:00:00Z", 0, "2025-11-13"},
      // 23:30 UTC on 10-12 is already Mon 10-13 in Shanghai: (10-13, 10-14] is one day.
      {"local dates decide", "2025-10-12T23:30:00Z", "2025-10-14T02:00:00Z", 1, "2025-11-14"},
  };
  for (const Case& c : cases) {
    const Issue open = rectifying();
    const auto pause =
        decide_action(open, {"to_long_term", {}, ""}, kCountySupervisor, at(c.paused));
    ASSERT_TRUE(pause.has_value()) << c.name;
    EXPECT_TRUE(pause->enters_paused) << c.name;
    EXPECT_FALSE(pause->deadline.has_value()) << c.name;
    const Issue paused = apply(open, *pause);
    EXPECT_EQ(paused.state, "long_term") << c.name;
    EXPECT_EQ(iso(paused.paused_since), iso(rules_.zone.local_date(instant_of(c.paused))))
        << c.name;

    const auto resume = decide_action(paused, {"resume", {}, ""}, kCountySupervisor, at(c.resumed));
    ASSERT_TRUE(resume.has_value()) << c.name;
    const Issue resumed = apply(paused, *resume);
    EXPECT_EQ(resumed.state, "rectifying") << c.name;
    EXPECT_FALSE(resumed.paused_since.has_value()) << c.name;
    ASSERT_TRUE(resumed.deadline.has_value()) << c.name;
    EXPECT_EQ(format_date(resumed.deadline->date), c.deadline) << c.name;
    EXPECT_EQ(resumed.deadline->basis.paused_days_added, c.working_days) << c.name;
    EXPECT_EQ(resumed.deadline->basis.kind, "rule") << c.name;
    EXPECT_EQ(iso(resumed.deadline->basis.start), "2025-09-26") << c.name;
    EXPECT_EQ(rules_.calendar.working_days_between(date_of("2025-11-13"), resumed.deadline->date),
              c.working_days)
        << c.name;
  }
}

TEST_F(Workflow, PlanningOnLeavingAPauseAddsNoPausedDays) {
  // A pack that re-assigns a long-term problem: the new deadline counts
  // from the day of re-assignment, so the time paused lies before its start.
  ActionDef reassign;
  reassign.name = "reassign";
  reassign.from = {"long_term"};
  reassign.to = "rectifying";
  reassign.roles = {"supervisor"};
  reassign.fields = {testing::field("responsible_unit", FieldType::UnitCode, true)};
  reassign.deadline = DeadlineEffect::Plan;
  rules_.actions.push_back(reassign);

  Issue issue =
      take(rectifying(), {"to_long_term", {}, ""}, kCountySupervisor, "2025-10-09T02:00:00Z");
  issue = take(issue, {"reassign", {{"responsible_unit", "cc.c01.t01.v001"}}, ""},
               kCountySupervisor, "2025-10-17T03:00:00Z");
  // 30 working days after Fri 10-17: 10-20 .. 10-24 (5), 10-27 .. 10-31
  // (10), 11-03 .. 11-07 (15), 11-10 .. 11-14 (20), 11-17 .. 11-21 (25),
  // 11-24 .. 11-28 (30).
  ASSERT_TRUE(issue.deadline.has_value());
  EXPECT_EQ(iso(issue.deadline->basis.start), "2025-10-17");
  EXPECT_EQ(iso(issue.deadline->date), "2025-11-28");
  EXPECT_EQ(issue.deadline->basis.paused_days_added, 0);
  EXPECT_FALSE(issue.paused_since.has_value());
}

TEST_F(Workflow, ExtendWhilePausedStaysPaused) {
  const Issue paused =
      take(rectifying(), {"to_long_term", {}, ""}, kCountySupervisor, "2025-10-09T02:00:00Z");
  const Issue extended =
      take(paused, {"extend", {{"deadline", "2025-12-19"}, {"reason", "winter"}}, ""},
           kCountySupervisor, "2025-10-10T02:00:00Z");
  EXPECT_EQ(extended.state, "long_term");
  EXPECT_EQ(iso(extended.paused_since), "2025-10-09");
  EXPECT_EQ(iso(extended.deadline->date), "2025-12-19");
  EXPECT_EQ(extended.deadline->basis.kind, "extended");
}

TEST_F(Workflow, ReplanKeepsTheStartAndThePausedDays) {
  Issue issue = rectifying();
  issue = take(issue, {"to_long_term", {}, ""}, kCountySupervisor, "2025-10-09T02:00:00Z");
  issue = take(issue, {"resume", {}, ""}, kCountySupervisor, "2025-10-17T03:00:00Z");
  ASSERT_EQ(iso(issue.deadline->date), "2025-11-24");

  // The pack loaded now gives the standard rule 20 working days.
  RuleSet now = demo_rules();
  now.version = "2025.2+d00dfeed";
  now.deadlines.back().within = 20;
  const auto e = decide_action(issue, {"replan", {}, "new pack"}, kCitySupervisor,
                               {now, units_, instant_of("2025-10-20T02:00:00Z")});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->pack_version, "2025.2+d00dfeed");
  ASSERT_TRUE(e->deadline.has_value());
  const DeadlineBasis& basis = e->deadline->basis;
  // From 09-26, 20 working days: Thu 10-30; plus the 7 paused: 10-31,
  // 11-03 .. 11-07, 11-10.
  EXPECT_EQ(iso(e->deadline->date), "2025-11-10");
  EXPECT_EQ(basis.kind, "replanned");
  EXPECT_EQ(iso(basis.start), "2025-09-26");
  EXPECT_EQ(basis.days, 20);
  EXPECT_EQ(basis.paused_days_added, 7);
  EXPECT_EQ(iso(basis.previous), "2025-11-24");
  EXPECT_EQ(basis.pack_version, "2025.2+d00dfeed");
  EXPECT_EQ(basis.reason, "new pack");

  // Under the unchanged pack the date stays, and the change is still recorded.
  const auto same =
      decide_action(issue, {"replan", {}, ""}, kCitySupervisor, at("2025-10-20T02:00:00Z"));
  ASSERT_TRUE(same.has_value());
  ASSERT_TRUE(same->deadline.has_value());
  EXPECT_EQ(iso(same->deadline->date), "2025-11-24");
  EXPECT_EQ(same->deadline->basis.kind, "replanned");
  EXPECT_EQ(iso(same->deadline->basis.start), "2025-09-26");
}

TEST_F(Workflow, OverdueOnlyWhileTheClockRuns) {
  const Issue open = rectifying();  // deadline Thu 2025-11-13
  const auto in_state = [&](const char* state) {
    Issue copy = open;
    copy.state = state;
    return copy;
  };
  struct Case {
    std::string name;
    Issue issue;
    const char* today;
    bool overdue;
    int days;
  };
  const std::vector<Case> cases = {
      {"before the deadline", open, "2025-11-01", false, 0},
      {"on the deadline", open, "2025-11-13", false, 0},
      {"a day late", open, "2025-11-14", true, 1},
      {"calendar days, not working days", open, "2025-11-20", true, 7},
      {"submitted: clock stopped", in_state("submitted"), "2025-11-20", false, 0},
      {"cleared: clock stopped", in_state("cleared"), "2025-11-20", false, 0},
      {"long term: clock paused", in_state("long_term"), "2025-11-20", false, 0},
      {"unknown state", in_state("archived"), "2025-11-20", false, 0},
      {"no deadline yet", discovered(), "2025-11-20", false, 0},
  };
  for (const Case& c : cases) {
    const OverdueStatus s = overdue_status(c.issue, rules_, date_of(c.today));
    EXPECT_EQ(s.overdue, c.overdue) << c.name;
    EXPECT_EQ(s.days_overdue, c.days) << c.name;
  }
}

TEST_F(Workflow, AvailableActionsDependOnRoleStateAndJurisdiction) {
  const Issue fresh = discovered();
  const Issue open = rectifying();
  Issue submitted = open;
  submitted.state = "submitted";
  struct Case {
    std::string name;
    const Issue* issue;
    Actor actor;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"supervisor on a new problem", &fresh, kCountySupervisor, {"assign"}},
      {"admin on a new problem", &fresh, kAdmin, {"assign"}},
      {"inspector on a new problem", &fresh, kInspector, {}},
      {"responsible while rectifying", &open, kResponsible, {"progress", "submit"}},
      {"supervisor while rectifying",
       &open,
       kCountySupervisor,
       {"extend", "to_long_term", "replan"}},
      {"inspector while rectifying", &open, kInspector, {}},
      {"inspector on a submission", &submitted, kInspector, {"verify", "reject"}},
      {"supervisor outside jurisdiction", &open, kOtherCountySupervisor, {}},
      {"village below the problem", &open, kVillage, {}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(action_names(available_actions(*c.issue, c.actor, at("2025-10-20T02:00:00Z"))),
              c.want)
        << c.name;
  }
}

TEST_F(Workflow, CanSeeThroughLocationResponsibleOrLeadUnit) {
  Issue issue = rectifying();  // located and owned in cc.c01.t01
  struct Case {
    std::string name;
    std::string responsible_unit;
    std::string lead_unit;
    Actor actor;
    bool want;
  };
  const std::vector<Case> cases = {
      {"city", "cc.c01.t01", "", kCitySupervisor, true},
      {"county", "cc.c01.t01", "", kCountySupervisor, true},
      {"township", "cc.c01.t01", "", kResponsible, true},
      {"village below", "cc.c01.t01", "", kVillage, false},
      {"other county", "cc.c01.t01", "", kOtherCountySupervisor, false},
      {"other county owns it", "cc.c02", "", kOtherCountySupervisor, true},
      {"department leads it", "cc.c01.t01", "cc.dept.dcs", kDepartment, true},
      {"department not involved", "cc.c01.t01", "", kDepartment, false},
  };
  for (const Case& c : cases) {
    issue.responsible_unit = c.responsible_unit;
    issue.lead_unit = c.lead_unit;
    EXPECT_EQ(can_see(issue, c.actor, units_), c.want) << c.name;
  }
}

TEST_F(Workflow, EventsCarryPackVersionAndCampaignLocalDate) {
  const Issue open = rectifying();
  struct Case {
    const char* at;
    const char* local_date;
  };
  const std::vector<Case> cases = {
      {"2025-10-20T15:59:59.999Z", "2025-10-20"},
      {"2025-10-20T16:00:00Z", "2025-10-21"},
      {"2025-12-31T16:30:00Z", "2026-01-01"},
  };
  for (const Case& c : cases) {
    const auto e = decide_action(open, {"progress", {}, "half done"}, kResponsible, at(c.at));
    ASSERT_TRUE(e.has_value()) << c.at;
    EXPECT_EQ(e->pack_version, rules_.version) << c.at;
    EXPECT_EQ(format_date(e->local_date), c.local_date) << c.at;
    EXPECT_EQ(e->at, instant_of(c.at)) << c.at;
    EXPECT_EQ(e->actor, "chen") << c.at;
    EXPECT_EQ(e->issue_id, 42) << c.at;
    EXPECT_EQ(e->version, open.version + 1) << c.at;
    EXPECT_EQ(e->comment, "half done") << c.at;
    EXPECT_FALSE(e->deadline.has_value()) << c.at;
  }
}

}  // namespace
}  // namespace qingling

namespace qingling {
namespace {

TEST(GivenDeadline, BeforeTodayIsRefused) {
  const auto rules = testing::demo_rules();
  const auto units = testing::demo_units();
  const DecisionContext ctx{rules, units, testing::instant_of("2025-09-29T02:00:00Z")};
  const Actor inspector{"ins", "cc", {"inspector"}};
  auto created = decide_create(IssueDraft{{{"title", "t"}, {"category", "C"}, {"unit", "cc.c01"}}},
                               inspector, ctx);
  ASSERT_TRUE(created.has_value());
  created->issue_id = 1;
  const Issue issue = apply(Issue{}, *created);
  const Actor supervisor{"sup", "cc", {"supervisor"}};
  auto late = decide_action(
      issue, {"assign", {{"responsible_unit", "cc.c01"}, {"deadline", "2025-09-28"}}, ""},
      supervisor, ctx);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().fields.at(0).field, "fields.deadline");
  auto ok = decide_action(
      issue, {"assign", {{"responsible_unit", "cc.c01"}, {"deadline", "2025-09-29"}}, ""},
      supervisor, ctx);
  ASSERT_TRUE(ok.has_value()) << ok.error().detail;
  EXPECT_EQ(ok->deadline->basis.kind, "given");
}

}  // namespace
}  // namespace qingling
