#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/calendar.h"
#include "engine/core/time.h"

namespace qingling {

// What the deadline clock does while a problem sits in a state.
enum class DeadlineClock {
  Running,  // days count; the problem can be overdue
  Paused,   // days do not count; on leaving, the deadline moves out by the paused working days
  Stopped,  // no deadline applies (cleared, closed)
};

struct StateDef {
  std::string name;   // stable code: "rectifying"
  std::string label;  // shown to people: "整改中"
  DeadlineClock clock = DeadlineClock::Running;
  bool cleared = false;  // counts as cleared (销号) in figures
};

enum class FieldType { Text, UnitCode, IsoDate, Boolean };

// A field an action takes. Fields named like a problem attribute
// (responsible_unit, lead_unit, responsible_leader, measures, severity,
// deadline) update it; others are recorded in the event and kept as the
// problem's latest value under that name.
struct FieldSpec {
  std::string name;
  FieldType type = FieldType::Text;
  bool required = false;
  std::string label;
};

// What an action does to the deadline.
enum class DeadlineEffect {
  None,
  Plan,    // compute it from the deadline rules (交办); a `deadline` field overrides
  Extend,  // set it to the `deadline` field, keeping the derivation and the reason (延期)
  Replan,  // compute it again under the pack loaded now, from the original start
};

struct ActionDef {
  std::string name;               // stable code used in URLs: "assign"
  std::string label;              // "交办"
  std::vector<std::string> from;  // states it may be taken in
  std::string to;                 // state it leads to; empty: stays where it is
  std::vector<std::string> roles;
  std::vector<FieldSpec> fields;
  bool comment_required = false;
  bool evidence_required = false;
  DeadlineEffect deadline = DeadlineEffect::None;
};

struct CodeLabel {
  std::string code;
  std::string label;
};

enum class SpanUnit { CalendarDays, WorkingDays };

// A milestone back-scheduled from the deadline (倒排工期): either a number of
// (working) days before it, or a point at `percent` of the span from the
// start to the deadline.
struct MilestoneRule {
  std::string name;
  std::optional<int> days_before;
  SpanUnit unit = SpanUnit::CalendarDays;
  std::optional<int> percent;
};

// One deadline rule; the first whose conditions all hold decides. An empty
// condition list matches any problem.
struct DeadlineRule {
  std::string name;
  std::vector<std::string> categories;
  std::vector<std::string> severities;
  std::vector<std::string> sources;
  std::optional<int> within;  // days from the start
  SpanUnit unit = SpanUnit::CalendarDays;
  std::optional<Date> fixed;  // a fixed date instead of `within`
  std::vector<MilestoneRule> milestones;
};

// How urgent a problem has become on the escalation ladder (预警等级).
enum class Level { Green, Yellow, Red };
std::string_view to_string(Level level);
std::optional<Level> level_from(std::string_view text);

// Where a ladder step stands relative to the deadline.
enum class StepAnchor { Before, At, After };

// A unit relative to a problem, to whom a step's message goes.
enum class UnitRelation {
  Responsible,  // the responsible unit (责任单位)
  Parent,       // its parent unit
  County,       // the county-level unit above it (or itself)
  City,         // the root of the tree
  Lead,         // the lead unit (牵头单位), when set
};
std::string_view to_string(UnitRelation relation);

// Recipients of a step: the unit's contact address, or, with `roles`, the
// users of that unit holding one of them.
struct NotifyTarget {
  UnitRelation unit = UnitRelation::Responsible;
  std::vector<std::string> roles;
};

// One step of the escalation ladder (预警/催办/督办): keyed to the deadline,
// fired once per problem and deadline, or again every `repeat_days` while
// the problem stays in one of `states`.
struct EscalationStep {
  std::string code;  // stable: "bulletin"
  std::string name;  // "督查通报"
  StepAnchor anchor = StepAnchor::At;
  int days = 0;  // before/after the deadline, in `unit`
  SpanUnit unit = SpanUnit::CalendarDays;
  int hours =
      0;  // instead of days: hours before/after the end of working hours on the deadline day
  std::optional<int> repeat_days;
  std::optional<Level> level;  // raises the problem to this level
  std::vector<NotifyTarget> notify;
  std::string subject;  // templates: {{title}}, {{deadline}}, ... (see rules/README.md)
  std::string body;
  std::vector<std::string> categories;  // empty: any
  std::vector<std::string> severities;  // empty: any
  std::vector<std::string> states;      // empty: any state whose deadline clock runs
};

// A step that fires on a count instead of time: a unit of `unit_kind`
// holding at least `at_least` problems raised to `level` within
// `window_days` gets a letter (整改函).
struct CountTrigger {
  std::string code;
  std::string name;
  Level level = Level::Yellow;
  int at_least = 2;
  std::string unit_kind = "township";
  int window_days = 7;
  std::vector<NotifyTarget> notify;
  std::string subject;
  std::string body;
};

struct WorkingHours {
  std::chrono::minutes start{8 * 60 + 30};
  std::chrono::minutes end{17 * 60 + 30};
};

// The weekly report (周报): when it is mailed, to whom, and how child units
// are ranked. Each recipient gets its own jurisdiction's report.
struct WeeklyReportRules {
  bool mailed = false;
  std::chrono::weekday day = std::chrono::Monday;
  std::chrono::minutes at{8 * 60 + 30};  // local time
  std::vector<std::string> roles = {"supervisor"};
  std::string requirements;               // 工作要求, the closing section
  bool red_flag_needs_no_red = true;      // 流动红旗 to rank 1 only without a red problem
  bool yellow_card_below_average = true;  // 黄牌 to the last when below the average rate
  bool yellow_card_any_red = true;        //   or when it holds a red problem
};

// What evidence files (佐证材料) a campaign takes: `evidence` in campaign.yaml.
struct EvidenceRules {
  std::int64_t max_file_bytes = 20 * 1024 * 1024;      // one file
  std::int64_t max_problem_bytes = 200 * 1024 * 1024;  // all files of one problem together
  // Media types as judged from the content; "image/*" takes any image.
  std::vector<std::string> types = {
      "image/jpeg",
      "image/png",
      "image/gif",
      "image/webp",
      "image/heic",
      "application/pdf",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/msword",
      "application/vnd.ms-excel",
      "text/plain"};

  bool allows(std::string_view media_type) const;
};

struct Escalation {
  WorkingHours hours;
  // Messages to one recipient falling due within one window go out as one digest.
  std::chrono::minutes digest_window{60};
  std::vector<EscalationStep> steps;
  std::vector<CountTrigger> counts;
  WeeklyReportRules weekly_report;
};

struct Campaign {
  std::string code;
  std::string name;
  std::string time_zone = "Asia/Shanghai";
};

// Everything about a campaign, as a value. Built by rules/loader; immutable
// once built and shared between threads by const reference or shared_ptr.
struct RuleSet {
  std::string version;  // declared version and content hash: "2026.1+3fa2b1c0"
  Campaign campaign;
  TimeZone zone;
  bool has_calendar = false;
  WorkingCalendar calendar;

  std::vector<std::string> roles;
  std::vector<CodeLabel> categories;
  std::vector<CodeLabel> sources;
  std::vector<CodeLabel> severities;
  std::string default_source;
  std::string default_severity;

  std::vector<StateDef> states;
  std::string initial_state;
  std::vector<std::string> create_roles;  // who may log a problem
  std::vector<ActionDef> actions;
  std::vector<DeadlineRule> deadlines;
  Escalation escalation;
  EvidenceRules evidence;

  const StateDef* find_state(std::string_view name) const;
  const ActionDef* find_action(std::string_view name) const;
  const CodeLabel* find_category(std::string_view code) const;
  const CodeLabel* find_source(std::string_view code) const;
  const CodeLabel* find_severity(std::string_view code) const;
  const EscalationStep* find_step(std::string_view code) const;
  bool has_role(std::string_view role) const;
};

}  // namespace qingling
