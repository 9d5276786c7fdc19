// The outbox (admins) and the forecast of deadlines and ladder steps.

#include <algorithm>

#include <boost/json.hpp>

#include "engine/notify/forecast.h"
#include "web/api/handlers.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"
#include "web/api/submit.h"
#include "web/api/views.h"

namespace qingling::web {
namespace json = boost::json;
namespace {

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 200;
constexpr int kMaxForecastDays = 92;

const char* const kOutboxStates[] = {"pending", "sending", "sent", "failed", "given_up"};

std::string query_param(const Call& call, const char* name) {
  auto it = call.query.find(name);
  return it == call.query.end() ? std::string{} : it->second;
}

bool is_admin(const Call& call) {
  const auto& roles = call.user->roles;
  return std::find(roles.begin(), roles.end(), "admin") != roles.end();
}

json::object outbox_json(const store::OutboxMessage& m) {
  json::array items;
  for (const store::OutboxItem& item : m.items) {
    items.emplace_back(json::object{{"issue_id", item.issue_id},
                                    {"step", item.step},
                                    {"subject", item.subject},
                                    {"late_minutes", item.late_minutes}});
  }
  json::object o{{"id", m.id},
                 {"recipient", m.recipient},
                 {"recipient_name", m.recipient_name},
                 {"kind", m.kind},
                 {"state", m.state},
                 {"attempts", m.attempts},
                 {"slot", format_instant(m.slot)},
                 {"next_attempt_at", format_instant(m.next_attempt_at)},
                 {"last_error", m.last_error},
                 {"created_at", format_instant(m.created_at)},
                 {"items", std::move(items)}};
  o["sent_at"] = m.sent_at ? json::value(format_instant(*m.sent_at)) : nullptr;
  return o;
}

Response admins_only(const Call& call) {
  return problem(call.req, Rejection::forbidden("Only an admin may see or retry the outbox."));
}

}  // namespace

net::awaitable<Response> list_outbox(Services& s, Call& call) {
  if (!is_admin(call)) co_return admins_only(call);
  store::OutboxQuery q;
  std::vector<FieldError> errors;
  q.state = query_param(call, "state");
  if (!q.state.empty() && std::find(std::begin(kOutboxStates), std::end(kOutboxStates), q.state) ==
                              std::end(kOutboxStates)) {
    errors.push_back({"state", "expected one of: pending, sending, sent, failed, given_up"});
  }
  q.limit = kDefaultPage;
  if (const std::string limit = query_param(call, "limit"); !limit.empty()) {
    auto n = parse_id(limit);
    if (!n || *n > kMaxPage) {
      errors.push_back({"limit", "expected a number from 1 to " + std::to_string(kMaxPage)});
    } else {
      q.limit = static_cast<int>(*n);
    }
  }
  if (const std::string cursor = query_param(call, "cursor"); !cursor.empty()) {
    q.before_id = parse_id(cursor);
    if (!q.before_id) errors.push_back({"cursor", "expected the next_cursor of a previous page"});
  }
  if (!errors.empty()) {
    co_return problem(call.req, Rejection::invalid("Invalid query parameters.", std::move(errors)));
  }
  auto read = [q](store::ReadView& v) { return v.outbox(q); };
  const store::OutboxPage page = co_await s.readers.read(std::move(read));
  json::array items;
  for (const auto& m : page.items) items.emplace_back(outbox_json(m));
  json::object out{{"items", std::move(items)}};
  out["next_cursor"] = page.next_cursor ? json::value(std::to_string(*page.next_cursor)) : nullptr;
  co_return json_response(call.req, http::status::ok, out);
}

net::awaitable<Response> retry_outbox(Services& s, Call& call) {
  if (!is_admin(call)) co_return admins_only(call);
  const auto id = parse_id(call.path.at("id"));
  if (!id) {
    co_return problem(call.req, Rejection::invalid_field("id", "expected a message number"));
  }
  auto retried = std::make_shared<bool>(false);
  store::Job job{[id = *id, retried](store::WriteBackend& backend, const store::WriteContext& ctx) {
    *retried = backend.retry_outbox(id, ctx.now);
  }};
  const auto outcome = co_await submit(s.writer, std::move(job));
  if (!outcome) co_return problem(call.req, outcome.error());
  if (!*retried) {
    auto read = [id = *id](store::ReadView& v) { return v.outbox_message(id); };
    const auto message = co_await s.readers.read(std::move(read));
    if (!message)
      co_return problem(call.req, Rejection::not_found("No message " + call.path.at("id") + "."));
    co_return problem(
        call.req, Rejection::not_allowed("Message " + call.path.at("id") + " is " + message->state +
                                         "; only a given-up message is retried."));
  }
  if (s.outbox_changed) s.outbox_changed();
  auto read = [id = *id](store::ReadView& v) { return v.outbox_message(id); };
  const auto message = co_await s.readers.read(std::move(read));
  co_return json_response(call.req, http::status::ok, outbox_json(*message));
}

net::awaitable<Response> get_forecast(Services& s, Call& call) {
  int days = 7;
  if (const std::string text = query_param(call, "days"); !text.empty()) {
    auto n = parse_id(text);
    if (!n || *n > kMaxForecastDays) {
      co_return problem(call.req,
                        Rejection::invalid_field("days", "expected a number of days from 1 to " +
                                                             std::to_string(kMaxForecastDays)));
    }
    days = static_cast<int>(*n);
  }
  const auto rules = s.writer.rules();
  const auto units = s.writer.units();
  const Instant now = s.clock.now();
  const std::string jurisdiction = call.user->unit;
  auto read = [rules, units, now, jurisdiction, days](store::ReadView& v) {
    return notify::forecast(v, *rules, *units, jurisdiction, now, days);
  };
  const notify::Forecast f = co_await s.readers.read(std::move(read));
  const Date day = today(s);
  const Actor viewer = call.user->actor();
  json::array firings;
  for (const auto& item : f.firings) {
    json::array to;
    for (const auto& name : item.notify) to.emplace_back(name);
    json::object o{{"issue_id", item.issue.id},
                   {"title", item.issue.title},
                   {"responsible_unit", item.issue.responsible_unit},
                   {"deadline", format_date(item.issue.deadline->date)},
                   {"step", item.step},
                   {"step_name", item.step_name},
                   {"period", item.period},
                   {"due_at", format_instant(item.due)},
                   {"overdue", item.overdue},
                   {"notify", std::move(to)}};
    o["level"] = item.level ? json::value(to_string(*item.level)) : nullptr;
    firings.emplace_back(std::move(o));
  }
  json::array deadlines;
  for (const Issue& issue : f.deadlines) {
    deadlines.emplace_back(issue_json(issue, *rules, *units, viewer, day));
  }
  co_return json_response(call.req, http::status::ok,
                          json::object{{"from", format_instant(f.from)},
                                       {"to", format_instant(f.to)},
                                       {"days", days},
                                       {"deadlines", std::move(deadlines)},
                                       {"firings", std::move(firings)}});
}

}  // namespace qingling::web
