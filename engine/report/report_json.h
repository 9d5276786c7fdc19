#pragma once

// The weekly report as JSON, for /api/v1/reports/weekly: snake_case English
// keys, dates "YYYY-MM-DD", instants RFC 3339 in UTC, rates as numbers in
// [0, 1], levels "green" / "yellow" / "red", the week "2026-W48".

#include <boost/json/fwd.hpp>

#include "engine/report/battle.h"
#include "engine/report/report.h"

namespace qingling::report {

// {week, previous_week, monday, sunday, as_of, time_zone, pack_version,
//  campaign: {code, name}, issuer, unit: {code, name}, totals, states,
//  by_category, ranking, overdue, due_next_week, returns,
//  previous: {week, totals}, changes, requirements}
boost::json::object to_json(const WeeklyReport& report);

// {total, new, cleared_this_week, cleared, long_term, open, clearance_rate,
//  on_time_cleared, on_time_base, on_time_rate, overdue,
//  overdue_by_level: {green, yellow, red}, overdue_rate, rejected, reopened}
boost::json::object to_json(const Totals& totals);

// {unit, today, as_of, headline: {total, cleared, open, long_term,
//  clearance_rate, overdue, overdue_by_level, due_this_week}, states,
//  by_category, children (as ranking), burndown: {points: [{date, open}],
//  target: {date, basis} | null}, overdue}
boost::json::object to_json(const BattleMap& map);

}  // namespace qingling::report
