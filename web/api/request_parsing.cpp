#include "web/api/request_parsing.h"

#include <charconv>

#include <boost/json/parse.hpp>

#include "web/api/responses.h"
#include "web/api/views.h"

namespace qingling::web {
namespace json = boost::json;

JsonBody parse_json_object(const Request& req) {
  JsonBody out;
  if (req.body().empty()) {
    out.object.emplace();
    return out;
  }
  boost::system::error_code ec;
  json::value v = json::parse(req.body(), ec);
  if (ec) {
    out.error = problem(req, http::status::bad_request, "/problems/malformed-json",
                        "Malformed JSON", "The body is not valid JSON: " + ec.message() + ".",
                        {{"body", "expected a JSON object"}});
  } else if (!v.is_object()) {
    out.error = problem(req, Rejection::invalid_field("body", "expected a JSON object"));
  } else {
    out.object = std::move(v.as_object());
  }
  return out;
}

Result<std::map<std::string, std::string>> string_members(const json::object& object,
                                                          const std::string& prefix) {
  std::map<std::string, std::string> out;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : object) {
    const std::string name(key);
    if (value.is_string()) {
      out[name] = std::string(value.get_string());
    } else if (value.is_bool()) {
      out[name] = value.get_bool() ? "true" : "false";
    } else if (value.is_int64()) {
      out[name] = std::to_string(value.get_int64());
    } else if (value.is_null()) {
      out[name] = "";
    } else {
      errors.push_back({prefix + name, "expected a string"});
    }
  }
  if (!errors.empty())
    return Rejection::invalid("Some fields have the wrong type.", std::move(errors));
  return out;
}

Result<ActionRequest> action_request_of(const json::object& body, const std::string& action) {
  ActionRequest request;
  request.action = action;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : body) {
    if (key == "fields") {
      if (!value.is_object()) {
        errors.push_back({"fields", "expected an object of field values"});
        continue;
      }
      auto fields = string_members(value.get_object(), "fields.");
      if (!fields) {
        for (auto& f : fields.error().fields) errors.push_back(std::move(f));
      } else {
        request.fields = std::move(*fields);
      }
    } else if (key == "comment") {
      if (value.is_string()) {
        request.comment = std::string(value.get_string());
      } else {
        errors.push_back({"comment", "expected a string"});
      }
    } else {
      errors.push_back({std::string(key), "unknown member; expected fields or comment"});
    }
  }
  if (!errors.empty()) return Rejection::invalid("The action body is not valid.", std::move(errors));
  return request;
}

std::optional<std::int64_t> parse_id(const std::string& text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

Date today(const Services& s) { return s.writer.rules()->zone.local_date(s.clock.now()); }

net::awaitable<std::optional<Issue>> visible_issue(Services& s, const Call& call, std::int64_t id) {
  auto issue = co_await s.readers.read([id](store::ReadView& v) { return v.issue(id); });
  if (issue && !can_see(*issue, call.user->actor(), *s.writer.units())) issue.reset();
  co_return issue;
}

boost::json::object issue_view(Services& s, const Call& call, const Issue& issue) {
  const auto rules = s.writer.rules();
  const auto units = s.writer.units();
  return issue_json(issue, *rules, *units, call.user->actor(), today(s));
}

}  // namespace qingling::web
