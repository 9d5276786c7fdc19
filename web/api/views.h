#pragma once

// JSON views of domain values for API answers.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "engine/core/issue.h"
#include "engine/core/rule_set.h"
#include "engine/core/unit_tree.h"
#include "engine/core/workflow.h"
#include "engine/store/store.h"

namespace qingling::web {

// A problem as the API shows it to `viewer` on `today` (campaign-local):
// the fields, state and its label, deadline with `deadline_basis` and
// milestones, overdue and days overdue, and the actions the viewer may take.
boost::json::object issue_json(const Issue& issue, const RuleSet& rules, const UnitTree& units,
                               const Actor& viewer, Date today);

boost::json::object event_json(const Event& event);
boost::json::object unit_json(const Unit& unit);
// name, display_name, unit, unit_name, roles
boost::json::object user_json(const store::User& user, const UnitTree& units);
boost::json::object rules_json(const RuleSet& rules);
boost::json::object calendar_answer_json(const CalendarAnswer& answer);

}  // namespace qingling::web
