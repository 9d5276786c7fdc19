#include <charconv>

#include <boost/json.hpp>

#include "engine/core/deadline.h"
#include "web/api/handlers.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"
#include "web/api/views.h"

namespace qingling::web {
namespace json = boost::json;
namespace {

constexpr int kMaxCalendarSpan = 3660;

std::string query_param(const Call& call, const char* name) {
  auto it = call.query.find(name);
  return it == call.query.end() ? std::string{} : it->second;
}

}  // namespace

net::awaitable<Response> list_units(Services& s, Call& call) {
  const auto units = s.writer.units();
  const std::string parent = query_param(call, "parent");
  if (!parent.empty() && units->find(parent) == nullptr) {
    co_return problem(call.req,
                      Rejection::invalid_field("parent", "no unit has the code '" + parent + "'"));
  }
  json::array items;
  for (const Unit& u : units->units()) {
    if (!units->contains(call.user->unit, u.code)) continue;
    if (!parent.empty() && u.parent != parent) continue;
    items.emplace_back(unit_json(u));
  }
  co_return json_response(call.req, http::status::ok, json::object{{"items", std::move(items)}});
}

net::awaitable<Response> list_categories(Services& s, Call& call) {
  const auto rules = s.writer.rules();
  json::array items;
  for (const CodeLabel& c : rules->categories) {
    items.emplace_back(json::object{{"code", c.code}, {"label", c.label}});
  }
  co_return json_response(call.req, http::status::ok, json::object{{"items", std::move(items)}});
}

net::awaitable<Response> get_rules(Services& s, Call& call) {
  co_return json_response(call.req, http::status::ok, rules_json(*s.writer.rules()));
}

net::awaitable<Response> calendar_add(Services& s, Call& call) {
  std::vector<FieldError> errors;
  const auto from = parse_date(query_param(call, "from"));
  if (!from) errors.push_back({"from", "expected a date like 2026-10-01"});
  const std::string days_text = query_param(call, "days");
  int days = 0;
  const auto [end, ec] =
      std::from_chars(days_text.data(), days_text.data() + days_text.size(), days);
  if (days_text.empty() || ec != std::errc{} || end != days_text.data() + days_text.size() ||
      days < -kMaxCalendarSpan || days > kMaxCalendarSpan) {
    errors.push_back({"days", "expected a whole number from -3660 to 3660"});
  }
  const std::string unit = query_param(call, "unit");
  if (!unit.empty() && unit != "working" && unit != "days") {
    errors.push_back({"unit", "expected working or days"});
  }
  if (!errors.empty()) {
    co_return problem(call.req,
                      Rejection::invalid("Invalid calendar question.", std::move(errors)));
  }
  const SpanUnit span = unit == "days" ? SpanUnit::CalendarDays : SpanUnit::WorkingDays;
  co_return json_response(call.req, http::status::ok,
                          calendar_answer_json(add_span(*s.writer.rules(), *from, days, span)));
}

net::awaitable<Response> who_am_i(Services& s, Call& call) {
  co_return json_response(call.req, http::status::ok, user_json(*call.user, *s.writer.units()));
}

net::awaitable<Response> healthz(Services&, Call& call) {
  co_return json_response(call.req, http::status::ok, json::object{{"status", "ok"}});
}

net::awaitable<Response> readyz(Services& s, Call& call) {
  const bool ready = co_await s.readers.read([](store::ReadView& v) { return v.ready(); });
  co_return json_response(call.req, ready ? http::status::ok : http::status::service_unavailable,
                          json::object{{"status", ready ? "ready" : "not ready"},
                                       {"rules", s.writer.rules()->version}});
}

}  // namespace qingling::web
