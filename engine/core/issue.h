#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/core/rule_set.h"
#include "engine/core/time.h"

namespace qingling {

struct Milestone {
  std::string name;
  Date date;
  bool provisional = false;
};

// How a deadline was derived, kept with it so that anyone can check it.
struct DeadlineBasis {
  std::string kind;          // "rule", "fixed", "given", "extended", "replanned"
  std::string rule;          // deadline rule name (kind rule/fixed/replanned)
  std::string pack_version;  // rule pack it was decided under
  Date start;                // the day counting starts from (the day of 交办)
  int days = 0;              // `within` days (working or calendar)
  SpanUnit unit = SpanUnit::CalendarDays;
  int days_counted = 0;  // calendar days from start to the planned date
  int weekend_days_skipped = 0;
  std::vector<Date> holidays_skipped;
  std::vector<Date> makeup_days_counted;
  int paused_days_added = 0;     // working days added for time spent in paused states
  bool provisional = false;      // counted past the calendar's last known year
  std::string reason;            // for "given" and "extended"
  std::optional<Date> previous;  // the deadline this one replaced
};

struct Deadline {
  Date date;
  DeadlineBasis basis;
  std::vector<Milestone> milestones;
};

// The last firing of one ladder step for a problem: once per deadline, and
// once per period for a repeating step.
struct StepFiring {
  Date deadline;   // the deadline it was fired against
  int period = 0;  // 0 for the first firing, k for the k-th repeat
  Instant at{};
};

// A problem (问题) as it stands after its events: the projection that reads
// serve. Built only by `apply` from events.
// The latest comment given with an action (a progress report, a rejection's
// reason…), for lists and the ledger's 整改进展 column.
struct Note {
  std::string action;
  std::string text;
  Instant at{};
};

struct Issue {
  std::int64_t id = 0;
  int version = 0;  // number of events applied
  std::string title;
  std::string description;
  std::string category;
  std::string source;
  std::string severity;
  std::string unit;                // where the problem is (location unit code)
  std::string responsible_unit;    // 责任单位
  std::string lead_unit;           // 牵头单位
  std::string responsible_leader;  // 责任领导 (a title or a name, not a user)
  std::string measures;            // 整改措施
  std::string external_ref;        // 编号 in the spreadsheet it was imported from
  std::string state;
  std::optional<Deadline> deadline;
  std::optional<Date> paused_since;  // set while the clock is paused
  int evidence_count = 0;
  std::int64_t evidence_bytes = 0;                // sizes of the attached files, added up
  std::map<std::string, std::string> attributes;  // latest value of other action fields
  std::string created_by;
  Instant created_at{};
  Instant updated_at{};
  std::optional<Instant> cleared_at;
  Level level = Level::Green;  // raised by the ladder; back to green with a new deadline
  std::map<std::string, StepFiring> escalations;  // by step code
  std::optional<Note> last_note;
};

// One fact in a problem's history. Events are what the log stores and what
// projections are rebuilt from; `apply` is their only interpreter.
struct Event {
  enum class Type { Created, Action, EvidenceAttached, Escalated };
  Type type = Type::Action;
  std::int64_t issue_id = 0;
  int version = 0;     // the problem's version after this event
  std::string action;  // action name for Type::Action; step code for Type::Escalated
  std::string from_state;
  std::string to_state;
  std::string actor;
  Instant at{};
  Date local_date;  // `at` in the campaign's time zone
  std::string pack_version;
  // Created: the draft; Action: the fields given; Escalated: the firing
  // (deadline, period, level, due_at, late_minutes: see escalation.h).
  std::map<std::string, std::string> fields;
  std::string comment;
  std::optional<Deadline> deadline;  // the deadline this event sets, if any
  // What the state entered meant when the event was decided, so that
  // replaying the log never needs the pack of the day.
  bool enters_paused = false;   // the deadline clock pauses from `local_date`
  bool enters_cleared = false;  // the problem counts as cleared from `at`
};

std::string_view to_string(Event::Type type);
std::optional<Event::Type> event_type_from(std::string_view text);

// The problem after `event`. Pure; `event` must follow `issue` (version + 1).
Issue apply(Issue issue, const Event& event);

// Overdue as of `today` (campaign-local date): only while the clock runs.
struct OverdueStatus {
  bool overdue = false;
  int days_overdue = 0;  // calendar days past the deadline
};
OverdueStatus overdue_status(const Issue& issue, const RuleSet& rules, Date today);
// The same for a problem in `state` (null: a state the rules do not know).
OverdueStatus overdue_status(const StateDef* state, std::optional<Date> deadline, Date today);

// What the battle map keeps of a problem: where it is counted, how it
// stands, and when it falls due.
struct IssueSummary {
  std::int64_t id = 0;
  std::string unit;
  std::string responsible_unit;
  std::string lead_unit;
  std::string category;
  std::string state;
  std::optional<Date> deadline;
  Level level = Level::Green;
  bool cleared = false;
};
IssueSummary summary_of(const Issue& issue);

// Where a problem is: its location, responsible and lead unit codes.
struct Placement {
  std::string unit;
  std::string responsible_unit;
  std::string lead_unit;
};

// A day on which the count of open problems changed because of one problem:
// +1 when it was logged or left a cleared state, -1 when it was cleared.
struct OpenChange {
  std::int64_t issue_id = 0;
  Date day;
  int delta = 0;
};
// The change an event made, from the problem before it (`before.version`
// 0: none yet) to after it; 0 when the count did not change.
int open_delta(const Issue& before, const Issue& after);
// Every change over one problem's whole history, in order.
std::vector<OpenChange> open_changes(const std::vector<Event>& history);

// The problem's own text attributes, by name: what a draft may give and an
// action field of the same name sets. Other action fields go to `attributes`.
struct IssueAttribute {
  std::string_view name;
  std::string Issue::*member;
};
std::span<const IssueAttribute> issue_attributes();
bool is_issue_attribute(std::string_view field);

}  // namespace qingling
