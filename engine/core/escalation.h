#pragma once

// The escalation ladder (预警/催办/督办/通报): when each step falls due for a
// problem, which firings are due now, and what a firing records. Pure: the
// scheduler in the store passes "now" in.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/issue.h"
#include "engine/core/rule_set.h"
#include "engine/core/unit_tree.h"

namespace qingling {

// The first moment at or after `at` inside the campaign's working hours on a
// working day of its calendar: a step falling due on Sunday night is sent
// on Monday at the start of working hours.
Instant next_working_moment(Instant at, const RuleSet& rules);

// The digest window a message written at `now` goes out in: windows of the
// campaign's `digest_window` counted from the start of working hours, the
// first at or before the next working moment. Messages to one recipient in
// one window make one digest.
Instant digest_slot(Instant now, const RuleSet& rules);

// One firing of a ladder step for a problem's current deadline.
struct StepDue {
  const EscalationStep* step = nullptr;
  int period = 0;  // 0 the first time, k for the k-th repeat
  Instant due{};   // already moved into working hours
};

// Whether `step` applies to the problem as it stands: it has a deadline, its
// state, category and severity pass the step's filters.
bool step_applies(const EscalationStep& step, const Issue& issue, const RuleSet& rules);

// When `step` falls due for `period` against `deadline`. Days are counted
// from the deadline day and land at the start of working hours; hours are
// counted from the end of working hours on the deadline day.
Instant step_due(const EscalationStep& step, int period, Date deadline, const RuleSet& rules);

// The firings due at `now` that have not happened: at most one per step. A
// repeating step overdue by several periods fires once, for the latest
// period (after downtime the scheduler catches up without a backlog).
std::vector<StepDue> due_steps(const Issue& issue, const RuleSet& rules, Instant now);

// When the problem's next unfired step falls due; nullopt when none can.
std::optional<Instant> next_escalation(const Issue& issue, const RuleSet& rules);

// Every firing that falls due in (from, to] if nothing else happens to the
// problem, repeats included, in time order: the forecast.
std::vector<StepDue> steps_between(const Issue& issue, const RuleSet& rules, Instant from,
                                   Instant to);

// Minutes between when a firing fell due and `now` (0 when not late).
int minutes_late(const StepDue& due, Instant now);

// The Escalated event recording a firing at `now`, with the addresses it
// notifies (for the history).
Event escalation_event(const Issue& issue, const StepDue& due, Instant now, const RuleSet& rules,
                       const std::vector<std::string>& notified);

// The units a target names for a problem; empty when the problem has none
// (no lead unit, or no county above a city department).
const Unit* target_unit(const NotifyTarget& target, const Issue& issue, const UnitTree& units);

// The names a message template may use ({{title}}, ...), for the loader.
const std::vector<std::string_view>& template_names();

// The values of those names for a firing.
std::map<std::string, std::string> template_values(const Issue& issue, const StepDue& due,
                                                   Instant now, const RuleSet& rules,
                                                   const UnitTree& units);

// Count triggers (整改函): the unit of `trigger.unit_kind` holding the
// problem (its responsible unit or the nearest such unit above), if any.
const Unit* count_unit(const CountTrigger& trigger, const Issue& issue, const UnitTree& units);

// Whether a firing that raised a problem to `level` can make `trigger` count.
bool counts_toward(const CountTrigger& trigger, Level level);

// The levels a trigger counts: its own and above.
std::vector<std::string> counted_levels(const CountTrigger& trigger);

// The names a count trigger's templates may use, and their values.
const std::vector<std::string_view>& count_template_names();
std::map<std::string, std::string> count_template_values(const CountTrigger& trigger,
                                                         const Unit& unit,
                                                         const std::vector<std::string>& titles,
                                                         const RuleSet& rules);

// `text` with each {{name}} replaced by its value; unknown names stay as written.
std::string fill_template(std::string_view text, const std::map<std::string, std::string>& values);

}  // namespace qingling
