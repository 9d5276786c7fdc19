#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "engine/core/rejection.h"
#include "engine/core/workflow.h"
#include "web/api/api.h"

namespace qingling::web {

// The body as a JSON object. An empty body is an empty object; a body that
// is not JSON is Invalid with field "body" (the caller answers 400).
struct JsonBody {
  std::optional<boost::json::object> object;
  std::optional<Response> error;
};
JsonBody parse_json_object(const Request& req);

// A JSON object of scalar members as strings (booleans "true"/"false",
// numbers in decimal). Other values are reported under `prefix + name`.
Result<std::map<std::string, std::string>> string_members(const boost::json::object& object,
                                                          const std::string& prefix);

// An action's body ({"fields": {...}, "comment": "..."}) as the request
// to take `action`, or Invalid naming every bad member.
Result<ActionRequest> action_request_of(const boost::json::object& body, const std::string& action);

std::optional<std::int64_t> parse_id(const std::string& text);

// The campaign-local date now.
Date today(const Services& s);

// Loads a problem the caller may see, or nothing (answer 404 then).
net::awaitable<std::optional<Issue>> visible_issue(Services& s, const Call& call, std::int64_t id);

// The problem as the caller sees it (views.h issue_json with today's rules).
boost::json::object issue_view(Services& s, const Call& call, const Issue& issue);

}  // namespace qingling::web
