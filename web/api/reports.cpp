// The weekly report of a jurisdiction for an ISO week: JSON, or HTML for
// Accept: text/html.

#include <boost/json.hpp>

#include "engine/notify/weekly.h"
#include "engine/report/render.h"
#include "engine/report/report_json.h"
#include "web/api/handlers.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"

namespace qingling::web {
namespace {

std::string query_param(const Call& call, const char* name) {
  auto it = call.query.find(name);
  return it == call.query.end() ? std::string{} : it->second;
}

bool wants_html(const Request& req) {
  const auto it = req.find(http::field::accept);
  return it != req.end() && it->value().find("text/html") != std::string_view::npos;
}

}  // namespace

net::awaitable<Response> weekly_report(Services& s, Call& call) {
  const auto rules = s.writer.rules();
  const auto units = s.writer.units();
  std::string unit = query_param(call, "unit");
  if (unit.empty()) unit = call.user->unit;
  if (units->find(unit) == nullptr) {
    co_return problem(call.req,
                      Rejection::invalid_field("unit", "no unit has the code '" + unit + "'"));
  }
  if (!units->contains(call.user->unit, unit)) {
    co_return problem(call.req,
                      Rejection::forbidden("Unit " + unit + " is outside your jurisdiction."));
  }
  const Instant now = s.clock.now();
  report::IsoWeek week = notify::reported_week(now, *rules);
  if (const std::string text = query_param(call, "week"); !text.empty()) {
    const auto parsed = report::parse_iso_week(text);
    if (!parsed) {
      co_return problem(call.req,
                        Rejection::invalid_field("week",
                                                 "expected an ISO week like 2026-W48 (weeks 01 to "
                                                 "52, or 53 in years that have one)"));
    }
    if (report::monday_of(*parsed) > rules->zone.local_date(now)) {
      co_return problem(call.req,
                        Rejection::invalid_field("week", "the week " + text + " has not begun"));
    }
    week = *parsed;
  }
  auto build = [rules, units, unit, week](store::ReadView& v) {
    return notify::weekly_report_of(v, *rules, *units, unit, week);
  };
  const report::WeeklyReport r = co_await s.readers.read(std::move(build));
  if (wants_html(call.req)) {
    Response res{http::status::ok, call.req.version()};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(call.req.keep_alive());
    res.body() = report::report_html(r);
    res.prepare_payload();
    co_return res;
  }
  co_return json_response(call.req, http::status::ok, report::to_json(r));
}

}  // namespace qingling::web
