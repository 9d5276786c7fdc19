#include <algorithm>
#include <exception>
#include <string_view>
#include <vector>

#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>

#include "engine/store/writer.h"
#include "web/api/api.h"
#include "web/api/handlers.h"
#include "web/api/responses.h"

namespace qingling::web {
namespace {

using HandlerFn = net::awaitable<Response> (*)(Services&, Call&);

struct Route {
  http::verb method;
  std::string_view pattern;  // "{name}" matches one path segment
  HandlerFn handler;
  bool needs_user = true;
  bool takes_files = false;  // a large body: read only after the token is checked
};

// DESIGN.md §5, in its order.
const Route kRoutes[] = {
    {http::verb::post, "/api/v1/issues", create_issue},
    {http::verb::get, "/api/v1/issues", list_issues},
    {http::verb::get, "/api/v1/issues/{id}", get_issue},
    {http::verb::post, "/api/v1/issues/{id}/actions/{action}", take_action},
    {http::verb::get, "/api/v1/issues/{id}/events", list_events},
    {http::verb::post, "/api/v1/issues/{id}/evidence", attach_evidence, true, true},
    {http::verb::get, "/api/v1/issues/{id}/evidence", list_evidence},
    {http::verb::get, "/api/v1/issues/{id}/evidence/{hash}", fetch_evidence},
    {http::verb::post, "/api/v1/import/issues", import_issues, true, true},
    {http::verb::post, "/api/v1/import/units", import_units, true, true},
    {http::verb::get, "/api/v1/export/ledger", export_ledger},
    {http::verb::get, "/api/v1/units", list_units},
    {http::verb::get, "/api/v1/categories", list_categories},
    {http::verb::get, "/api/v1/rules", get_rules},
    {http::verb::get, "/api/v1/calendar/add", calendar_add, false},
    {http::verb::get, "/api/v1/calendar/deadlines.ics", deadline_feed, false},
    {http::verb::get, "/api/v1/reports/weekly", weekly_report},
    {http::verb::get, "/api/v1/forecast", get_forecast},
    {http::verb::get, "/api/v1/outbox", list_outbox},
    {http::verb::post, "/api/v1/outbox/{id}/retry", retry_outbox},
    {http::verb::post, "/api/v1/session", sign_in, false},
    {http::verb::get, "/api/v1/session", current_session},
    {http::verb::delete_, "/api/v1/session", sign_out},
    {http::verb::get, "/api/v1/dashboard", dashboard},
    {http::verb::get, "/api/v1/me", who_am_i},
    {http::verb::post, "/api/v1/me/feed-token", issue_feed_token},
    {http::verb::delete_, "/api/v1/me/feed-token", revoke_feed_token},
    {http::verb::get, "/api/v1/openapi.yaml", serve_openapi, false},
    {http::verb::get, "/healthz", healthz, false},
    {http::verb::get, "/readyz", readyz, false},
    {http::verb::get, "/metrics", serve_metrics, false},
};

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    const std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

// Matches `path` (already percent-decoded segments) against `pattern`.
bool match(std::string_view pattern, const std::vector<std::string>& parts,
           std::map<std::string, std::string>& captures) {
  const auto want = segments(pattern);
  if (want.size() != parts.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      if (parts[i].empty()) return false;
      found[std::string(want[i].substr(1, want[i].size() - 2))] = parts[i];
    } else if (want[i] != parts[i]) {
      return false;
    }
  }
  captures = std::move(found);
  return true;
}

std::optional<std::string> bearer_token(const Request& req) {
  const auto it = req.find(http::field::authorization);
  if (it == req.end()) return std::nullopt;
  std::string_view value = it->value();
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !boost::beast::iequals(value.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  return std::string(value.substr(kScheme.size()));
}

Response method_not_allowed(const Request& req, const std::string& allow) {
  Response res = problem(req, http::status::method_not_allowed, "/problems/method-not-allowed",
                         "Method not allowed",
                         "This path does not answer " + std::string(req.method_string()) + ".");
  res.set(http::field::allow, allow);
  return res;
}

// Where a request goes: the route and its captures, or why none.
struct Dispatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> path;
  std::map<std::string, std::string> query;
  std::string allow;  // methods the path answers, when the method did not match
  bool bad_target = false;
};

Dispatch find_route(const Request& req) {
  Dispatch d;
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) {
    d.bad_target = true;
    return d;
  }
  std::vector<std::string> parts;
  for (auto seg : url->segments()) parts.push_back(seg);
  for (auto param : url->params()) d.query[param.key] = param.value;
  for (const Route& route : kRoutes) {
    std::map<std::string, std::string> captures;
    if (!match(route.pattern, parts, captures)) continue;
    if (route.method != req.method()) {
      d.allow += (d.allow.empty() ? "" : ", ") + std::string(http::to_string(route.method));
      continue;
    }
    d.route = &route;
    d.path = std::move(captures);
    break;
  }
  return d;
}

Rejection unauthenticated(bool had_credentials) {
  return Rejection{
      Rejection::Kind::Unauthenticated,
      had_credentials
          ? "The token or session is not valid, was revoked or has ended; sign in again."
          : "Sign in, or send an API token: Authorization: Bearer <token>."};
}

// The value of the session cookie, if the request carries one.
std::optional<std::string> session_cookie(const Request& req) {
  const std::string_view name = kSessionCookie;
  const auto [first, last] = req.equal_range(http::field::cookie);
  for (auto field = first; field != last; ++field) {
    std::string_view rest = field->value();
    while (!rest.empty()) {
      const std::size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
        return std::string(pair.substr(name.size() + 1));
      }
    }
  }
  return std::nullopt;
}

bool is_write(http::verb method) {
  return method != http::verb::get && method != http::verb::head && method != http::verb::options;
}

// A write that came by a page session must carry the session's CSRF token:
// another site can make the browser send the cookie, never the header.
bool csrf_ok(const Request& req, const std::optional<SessionRef>& session) {
  if (!session || !is_write(req.method())) return true;
  const auto it = req.find(kCsrfHeader);
  if (it == req.end()) return false;
  const std::string_view sent = it->value();
  const std::string& want = session->session.csrf_token;
  if (sent.size() != want.size()) return false;
  unsigned char diff = 0;  // constant time in the token's length
  for (std::size_t i = 0; i < want.size(); ++i) {
    diff |= static_cast<unsigned char>(sent[i] ^ want[i]);
  }
  return diff == 0;
}

Response csrf_refused(const Request& req) {
  return problem(req, http::status::forbidden, "/problems/csrf", "Missing CSRF token",
                 "Writes from the page must send the X-CSRF-Token header given at sign-in.");
}

// The page's files: "/" and "/assets/...", with the page's security headers.
std::optional<Response> static_answer(const StaticFiles& files, const Request& req) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) return std::nullopt;
  std::string_view target = req.target();
  target = target.substr(0, target.find('?'));
  if (target != "/" && !target.starts_with("/assets/")) return std::nullopt;
  const Asset* asset = files.find(target);
  if (asset == nullptr) {
    return problem(req, http::status::not_found, "/problems/not-found", "Not found",
                   "No such file.");
  }
  const bool fresh = req[http::field::if_none_match] == asset->etag;
  Response res{fresh ? http::status::not_modified : http::status::ok, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(http::field::content_type, asset->content_type);
  res.set(http::field::etag, asset->etag);
  res.set(http::field::cache_control, "no-cache");
  res.set("Content-Security-Policy", kPagePolicy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "same-origin");
  if (!fresh && req.method() == http::verb::get) res.body() = asset->body;
  res.prepare_payload();
  if (req.method() == http::verb::head) res.content_length(asset->body.size());
  return res;
}

}  // namespace

std::string_view route_label(const Request& req) {
  std::string_view target = req.target();
  target = target.substr(0, target.find('?'));
  if (target == "/") return "/";
  if (target.starts_with("/assets/")) return "/assets/{path}";
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return "unmatched";
  // Every request asks: the patterns are cut into segments once.
  static const std::vector<std::vector<std::string_view>> kPatterns = [] {
    std::vector<std::vector<std::string_view>> out;
    for (const Route& route : kRoutes) out.push_back(segments(route.pattern));
    return out;
  }();
  std::vector<std::string_view> parts;
  for (auto seg : url->encoded_segments()) parts.emplace_back(seg.data(), seg.size());
  for (std::size_t r = 0; r < kPatterns.size(); ++r) {
    const auto& want = kPatterns[r];
    if (want.size() != parts.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < want.size() && same; ++i) {
      const bool capture = want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}';
      same = capture ? !parts[i].empty() : want[i] == parts[i];
    }
    if (same) return kRoutes[r].pattern;
  }
  return "unmatched";
}

std::vector<std::string_view> route_labels() {
  std::vector<std::string_view> out{"/", "/assets/{path}", "unmatched"};
  for (const Route& r : kRoutes) {
    if (std::find(out.begin(), out.end(), r.pattern) == out.end()) out.push_back(r.pattern);
  }
  return out;
}

std::vector<RouteInfo> route_table() {
  std::vector<RouteInfo> out;
  for (const Route& r : kRoutes) {
    out.push_back({std::string(http::to_string(r.method)), std::string(r.pattern)});
  }
  return out;
}

std::optional<store::Session> Api::live_session(const std::string& token_hash,
                                                std::optional<store::Session> found) {
  if (found && found->expires_at > s_.clock.now()) return found;
  s_.sessions.cache.forget(token_hash);
  return std::nullopt;
}

net::awaitable<Api::Caller> Api::authenticate(const Request& req) {
  Caller caller;
  if (auto token = bearer_token(req)) {
    caller.had_credentials = true;
    std::string hash = store::token_hash(*token);
    if (auto known = tokens_.find(hash)) {
      caller.user = std::move(known);
      co_return caller;
    }
    // A named lambda, not a temporary inside co_await: GCC 12 destroys such
    // temporaries twice when they own memory.
    auto lookup = [hash](store::ReadView& view) { return view.user_by_token_hash(hash); };
    caller.user = co_await s_.readers.read(std::move(lookup));
    if (caller.user) tokens_.remember(hash, *caller.user);
    co_return caller;
  }
  auto cookie = session_cookie(req);
  if (!cookie) co_return caller;
  caller.had_credentials = true;
  std::string hash = store::token_hash(*cookie);
  auto session = live_session(hash, s_.sessions.cache.find(hash));
  if (!session) {
    auto lookup = [hash](store::ReadView& view) { return view.session_by_hash(hash); };
    session = live_session(hash, co_await s_.readers.read(std::move(lookup)));
    if (session) s_.sessions.cache.remember(hash, *session);
  }
  if (session) {
    caller.user = session->user;
    caller.session = SessionRef{std::move(hash), std::move(*session)};
  }
  co_return caller;
}

net::awaitable<Admission> Api::admit(const Request& req) {
  constexpr std::size_t kJson = 1024 * 1024;
  constexpr std::size_t kSpreadsheet = 128 * 1024 * 1024;  // 100,000 ledger rows as CSV: ~45 MB
  Admission admission{kJson, std::nullopt};
  const Dispatch d = find_route(req);
  if (d.route == nullptr || !d.route->takes_files) co_return admission;
  // A file upload is read only for someone who may send one.
  const Caller caller = co_await authenticate(req);
  if (!caller.user) {
    admission.refusal = problem(req, unauthenticated(caller.had_credentials));
    co_return admission;
  }
  if (!csrf_ok(req, caller.session)) {
    admission.refusal = csrf_refused(req);
    co_return admission;
  }
  if (d.route->pattern.starts_with("/api/v1/import/")) {
    admission.body_limit = kSpreadsheet;
  } else {
    // Evidence: as much as one problem may hold, and a little for the form.
    const auto limits = s_.writer.rules()->evidence;
    admission.body_limit = static_cast<std::size_t>(limits.max_problem_bytes) + 1024 * 1024;
  }
  co_return admission;
}

net::awaitable<Response> Api::handle(Request req, std::string peer) {
  try {
    if (auto file = static_answer(s_.assets, req)) co_return std::move(*file);
    Dispatch d = find_route(req);
    if (d.bad_target) {
      co_return problem(req, http::status::bad_request, "/problems/bad-target",
                        "Bad request target", "The request target is not a valid path.");
    }
    if (d.route == nullptr) {
      if (!d.allow.empty()) co_return method_not_allowed(req, d.allow);
      co_return problem(req, http::status::not_found, "/problems/not-found", "Not found",
                        "No such path.");
    }
    Call call{req,          std::move(d.path), std::move(d.query),
              std::nullopt, std::nullopt,      std::move(peer)};
    if (d.route->needs_user) {
      Caller caller = co_await authenticate(req);
      if (!caller.user) co_return problem(req, unauthenticated(caller.had_credentials));
      if (!csrf_ok(req, caller.session)) co_return csrf_refused(req);
      call.user = std::move(caller.user);
      call.session = std::move(caller.session);
    }
    co_return co_await d.route->handler(s_, call);
  } catch (const store::Overloaded& e) {
    Response res = problem(req, http::status::service_unavailable, "/problems/overloaded", "Busy",
                           "The server is busy; retry shortly.");
    res.set(http::field::retry_after, "1");
    co_return res;
  } catch (const std::exception& e) {
    co_return internal_error(req, e.what());
  }
}

}  // namespace qingling::web
