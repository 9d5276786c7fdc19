
#include <charconv>
#include <map>

#include <boost/json.hpp>

#include "web/api/handlers.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"
#include "web/api/submit.h"
#include "web/api/views.h"

namespace qingling::web {
namespace json = boost::json;
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;
constexpr std::size_t kMaxIdempotencyKey = 200;

std::string etag_of(int version) { return "\"" + std::to_string(version) + "\""; }

// If-Match: "3", W/"3" or 3; "*" (any version) is kAnyVersion.
std::optional<int> if_match_version(const Request& req) {
  const auto it = req.find(http::field::if_match);
  if (it == req.end()) return std::nullopt;
  std::string_view v = it->value();
  if (v == "*") return store::kAnyVersion;
  if (v.substr(0, 2) == "W/") v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int version = -1;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
  if (ec != std::errc{} || end != v.data() + v.size()) return -1;
  return version;
}

Response issue_response(Services& s, const Call& call, http::status status, const Issue& issue) {
  Response res = json_response(call.req, status, issue_view(s, call, issue));
  res.set(http::field::etag, etag_of(issue.version));
  return res;
}

Response not_found(const Call& call) {
  return problem(call.req, Rejection::not_found("No problem " + call.path.at("id") + "."));
}

Response answer(Services& s, const Call& call, const Result<store::Receipt>& receipt,
                http::status status) {
  if (!receipt) return problem(call.req, receipt.error());
  Response res = issue_response(s, call, status, receipt->issue);
  if (status == http::status::created) {
    res.set(http::field::location, "/api/v1/issues/" + std::to_string(receipt->issue.id));
  }
  if (receipt->replayed) res.set("Idempotent-Replayed", "true");
  return res;
}

// A page's cursor as the API shows it: the id alone for the id orders,
// else "<sort key>|<id>" (keys hold no '|').
std::string format_cursor(const store::IssueCursor& c) {
  return c.key.empty() ? std::to_string(c.id) : c.key + "|" + std::to_string(c.id);
}

std::optional<store::IssueCursor> parse_cursor(const std::string& text) {
  const std::size_t bar = text.rfind('|');
  auto id = parse_id(bar == std::string::npos ? text : text.substr(bar + 1));
  if (!id) return std::nullopt;
  return store::IssueCursor{bar == std::string::npos ? "" : text.substr(0, bar), *id};
}

}  // namespace

net::awaitable<Response> create_issue(Services& s, Call& call) {
  auto body = parse_json_object(call.req);
  if (body.error) co_return std::move(*body.error);
  auto fields = string_members(*body.object, "");
  if (!fields) co_return problem(call.req, fields.error());
  std::string key;
  if (auto it = call.req.find("Idempotency-Key"); it != call.req.end()) {
    key = std::string(it->value());
    if (key.empty() || key.size() > kMaxIdempotencyKey) {
      co_return problem(
          call.req, Rejection::invalid_field("Idempotency-Key", "expected 1 to 200 characters"));
    }
  }
  store::CreateIssue command{IssueDraft{std::move(*fields)}, call.user->actor(), std::move(key)};
  auto receipt = co_await submit(s.writer, std::move(command));
  co_return answer(s, call, receipt, http::status::created);
}

net::awaitable<Response> list_issues(Services& s, Call& call) {
  const auto rules = s.writer.rules();
  store::IssueQuery q;
  q.jurisdiction = call.user->unit;
  std::vector<FieldError> errors;
  const auto param = [&](const char* name) -> std::string {
    auto it = call.query.find(name);
    return it == call.query.end() ? std::string{} : it->second;
  };
  q.state = param("state");
  if (!q.state.empty() && rules->find_state(q.state) == nullptr) {
    errors.push_back({"state", "no state is named '" + q.state + "'"});
  }
  q.category = param("category");
  if (!q.category.empty() && rules->find_category(q.category) == nullptr) {
    errors.push_back({"category", "no category has the code '" + q.category + "'"});
  }
  q.severity = param("severity");
  if (!q.severity.empty() && rules->find_severity(q.severity) == nullptr) {
    errors.push_back({"severity", "no severity has the code '" + q.severity + "'"});
  }
  q.source = param("source");
  if (!q.source.empty() && rules->find_source(q.source) == nullptr) {
    errors.push_back({"source", "no source has the code '" + q.source + "'"});
  }
  const auto units = s.writer.units();
  q.unit = param("unit");
  if (!q.unit.empty() && units->find(q.unit) == nullptr) {
    errors.push_back({"unit", "no unit has the code '" + q.unit + "'"});
  }
  q.responsible_unit = param("responsible_unit");
  q.level = param("level");
  if (!q.level.empty() && !level_from(q.level)) {
    errors.push_back({"level", "expected one of: green, yellow, red"});
  }
  const std::string overdue = param("overdue");
  if (overdue == "true") {
    q.overdue_only = true;
  } else if (!overdue.empty() && overdue != "false") {
    errors.push_back({"overdue", "expected true or false"});
  }
  if (const std::string cleared = param("cleared"); cleared == "true" || cleared == "false") {
    q.cleared = cleared == "true";
  } else if (!cleared.empty()) {
    errors.push_back({"cleared", "expected true or false"});
  }
  q.today = today(s);
  q.text = param("q");
  q.limit = kDefaultPageSize;
  if (const std::string limit = param("limit"); !limit.empty()) {
    auto n = parse_id(limit);
    if (!n || *n > kMaxPageSize) {
      errors.push_back({"limit", "expected a number from 1 to " + std::to_string(kMaxPageSize)});
    } else {
      q.limit = static_cast<int>(*n);
    }
  }
  static const std::map<std::string, store::IssueOrder, std::less<>> kOrders = {
      {"-id", store::IssueOrder::Newest},
      {"id", store::IssueOrder::Oldest},
      {"deadline", store::IssueOrder::Deadline},
      {"-deadline", store::IssueOrder::DeadlineLatest},
      {"-updated", store::IssueOrder::Updated}};
  if (const std::string sort = param("sort"); !sort.empty()) {
    auto it = kOrders.find(sort);
    if (it == kOrders.end()) {
      errors.push_back({"sort", "expected one of: -id, id, deadline, -deadline, -updated"});
    } else {
      q.order = it->second;
    }
  }
  if (const std::string cursor = param("cursor"); !cursor.empty()) {
    q.cursor = parse_cursor(cursor);
    // A cursor carries a sort key exactly when the order has one.
    const bool keyed = q.order != store::IssueOrder::Newest && q.order != store::IssueOrder::Oldest;
    if (!q.cursor || q.cursor->key.empty() == keyed) {
      errors.push_back({"cursor", "expected the next_cursor of a previous page of this sort"});
    }
  }
  if (!errors.empty()) {
    // Copied, not moved: clang's analyzer misreads a move before co_return.
    co_return problem(call.req, Rejection::invalid("Invalid query parameters.", errors));
  }
  auto query = [q](store::ReadView& v) { return v.issues(q); };
  auto page = co_await s.readers.read(std::move(query));
  json::array items;
  const Date day = today(s);
  const Actor viewer = call.user->actor();
  for (const Issue& issue : page.items)
    items.emplace_back(issue_json(issue, *rules, *units, viewer, day));
  json::object out{{"items", std::move(items)}};
  out["next_cursor"] = page.next_cursor ? json::value(format_cursor(*page.next_cursor)) : nullptr;
  co_return json_response(call.req, http::status::ok, out);
}

net::awaitable<Response> get_issue(Services& s, Call& call) {
  auto id = parse_id(call.path.at("id"));
  if (!id) co_return not_found(call);
  auto issue = co_await visible_issue(s, call, *id);
  if (!issue) co_return not_found(call);
  if (auto it = call.req.find(http::field::if_none_match);
      it != call.req.end() && it->value() == etag_of(issue->version)) {
    Response res{http::status::not_modified, call.req.version()};
    res.set(http::field::etag, etag_of(issue->version));
    res.keep_alive(call.req.keep_alive());
    co_return res;
  }
  co_return issue_response(s, call, http::status::ok, *issue);
}

net::awaitable<Response> take_action(Services& s, Call& call) {
  auto id = parse_id(call.path.at("id"));
  if (!id) co_return not_found(call);
  const auto version = if_match_version(call.req);
  if (!version) {
    co_return problem(call.req, http::status::precondition_required, "/problems/if-match-required",
                      "If-Match required",
                      "Send the problem's ETag in If-Match so that concurrent changes are caught.",
                      {{"If-Match", "expected the ETag of the problem, e.g. \"3\""}});
  }
  auto body = parse_json_object(call.req);
  if (body.error) co_return std::move(*body.error);
  auto request = action_request_of(*body.object, call.path.at("action"));
  if (!request) co_return problem(call.req, request.error());
  store::TakeAction command{*id, *version, std::move(*request), call.user->actor()};
  auto receipt = co_await submit(s.writer, std::move(command));
  co_return answer(s, call, receipt, http::status::ok);
}

net::awaitable<Response> list_events(Services& s, Call& call) {
  auto id = parse_id(call.path.at("id"));
  if (!id) co_return not_found(call);
  if (!co_await visible_issue(s, call, *id)) co_return not_found(call);
  auto events = co_await s.readers.read([id](store::ReadView& v) { return v.events(*id); });
  json::array items;
  for (const Event& e : events) items.emplace_back(event_json(e));
  co_return json_response(call.req, http::status::ok, json::object{{"items", std::move(items)}});
}

}  // namespace qingling::web
