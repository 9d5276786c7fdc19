#pragma once

#include <optional>
#include <string>

#include "engine/core/issue.h"
#include "engine/core/rejection.h"
#include "engine/core/rule_set.h"

namespace qingling {

// The first deadline rule whose conditions hold for the problem, or null.
const DeadlineRule* match_deadline_rule(const RuleSet& rules, const Issue& issue);

// Date arithmetic under the pack's calendar (weekdays only when it has none).
CalendarAnswer add_span(const RuleSet& rules, Date from, int days, SpanUnit unit);

// The deadline the rules give a problem planned on `start` (倒排工期 included).
// Invalid when no rule matches.
Result<Deadline> plan_deadline(const RuleSet& rules, const Issue& issue, Date start);

// A deadline set by hand (a `deadline` field on 交办), with milestones
// back-scheduled by the matching rule, if any.
Deadline given_deadline(const RuleSet& rules, const Issue& issue, Date start, Date date,
                        std::string reason);

// The same deadline moved to `date` (延期), keeping its derivation.
Deadline extended_deadline(const RuleSet& rules, const Issue& issue, const Deadline& current,
                           Date date, std::string reason);

// The deadline moved out by `working_days` spent with the clock paused.
Deadline with_paused_days(const RuleSet& rules, const Issue& issue, const Deadline& current,
                          int working_days);

}  // namespace qingling
