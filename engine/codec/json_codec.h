#pragma once

// JSON shapes of core values, shared by the event log (payload column) and
// the HTTP API, so that a stored event and an answered one never differ.

#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

#include "engine/core/issue.h"
#include "engine/core/rule_set.h"

namespace qingling::codec {

boost::json::object to_json(const DeadlineBasis& basis);
boost::json::object to_json(const Deadline& deadline);  // {date, basis, milestones}
boost::json::array to_json(const std::vector<Milestone>& milestones);
// The last firing of each ladder step: {step: {deadline, period, at}}.
boost::json::object to_json(const std::map<std::string, StepFiring>& escalations);

// An event's payload: everything but the columns the log keeps separately
// (seq, issue id, version, type, actor, time, pack version).
std::string encode_payload(const Event& event);
// Fills the payload part of `event` from `text`. Throws std::runtime_error
// when the text is not a payload this code wrote.
void decode_payload(std::string_view text, Event& event);

// The whole problem projection, for storage; decode throws on malformed text.
std::string encode_issue(const Issue& issue);
Issue decode_issue(std::string_view text);

std::string_view to_string(SpanUnit unit);
std::string_view to_string(DeadlineClock clock);

}  // namespace qingling::codec
