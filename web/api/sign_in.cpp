// POST/GET/DELETE /api/v1/session: signing in to the page with a name and
// a password, the session cookie and its CSRF token.

#include <boost/json.hpp>

#include "engine/store/accounts.h"
#include "web/api/handlers.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"
#include "web/api/sign_in.h"
#include "web/api/submit.h"
#include "web/api/views.h"

namespace qingling::web {
namespace json = boost::json;
namespace {

// Checked against when the name is unknown, so that an unknown name costs
// as long as a wrong password and the timing tells nothing.
const std::string& decoy_hash() {
  static const std::string hash = *store::hash_password("not the password of anyone");
  return hash;
}

std::string cookie(const PageSessions& sessions, const std::string& value,
                   std::chrono::seconds max_age) {
  std::string c = std::string(kSessionCookie) + "=" + value +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age.count());
  if (sessions.secure_cookies) c += "; Secure";
  return c;
}

json::object session_json(Services& s, const store::Session& session) {
  return json::object{{"user", user_json(session.user, *s.writer.units())},
                      {"csrf_token", session.csrf_token},
                      {"expires_at", format_instant(session.expires_at)}};
}

Response too_many(const Request& req, std::chrono::seconds wait) {
  Response res =
      problem(req, http::status::too_many_requests, "/problems/too-many-sign-ins",
              "Too many failed sign-ins",
              "Too many wrong passwords for this name or from this address; try again in " +
                  std::to_string((wait.count() + 59) / 60) + " minute(s).");
  res.set(http::field::retry_after, std::to_string(wait.count()));
  return res;
}

Response no_session(const Request& req) {
  return problem(req, Rejection{Rejection::Kind::Unauthenticated,
                                "This request holds no page session; sign in."});
}

}  // namespace

net::awaitable<Response> sign_in(Services& s, Call& call) {
  // JSON only: a form on another site cannot send it, so it cannot sign a
  // visitor in to an account of its choosing.
  const std::string_view type = call.req[http::field::content_type];
  if (!type.starts_with("application/json")) {
    co_return problem(call.req, http::status::unsupported_media_type,
                      "/problems/unsupported-media-type", "Unsupported media type",
                      "Send the name and password as application/json.");
  }
  auto body = parse_json_object(call.req);
  if (body.error) co_return std::move(*body.error);
  std::vector<FieldError> errors;
  const auto text = [&](const char* field) -> std::string {
    auto it = body.object->find(field);
    if (it == body.object->end() || !it->value().is_string() || it->value().get_string().empty()) {
      errors.push_back({field, "expected a non-empty string"});
      return {};
    }
    return std::string(it->value().get_string());
  };
  const std::string name = text("name");
  const std::string password = text("password");
  if (name.size() > 64) errors.push_back({"name", "expected at most 64 characters"});
  if (!errors.empty()) {
    co_return problem(call.req,
                      Rejection::invalid("Give a name and a password.", std::move(errors)));
  }
  PageSessions& sessions = s.sessions;
  const Instant now = s.clock.now();
  // The check below runs at most max_checking at once.
  struct Slot {
    std::atomic<int>& n;
    ~Slot() { --n; }
  };
  if (++sessions.checking > sessions.max_checking) {
    --sessions.checking;
    Response res = problem(call.req, http::status::service_unavailable, "/problems/overloaded",
                           "Busy", "Other sign-ins are being checked; retry in a moment.");
    res.set(http::field::retry_after, "1");
    co_return res;
  }
  Slot slot{sessions.checking};
  if (auto wait = sessions.limiter.attempt(name, call.peer, now)) {
    co_return too_many(call.req, *wait);
  }
  // Argon2id takes a tenth of a second: never on an I/O thread.
  auto check = [name, password](store::ReadView& view) -> std::optional<store::User> {
    auto found = view.credentials(name);
    const std::string& hash =
        found && !found->password_hash.empty() ? found->password_hash : decoy_hash();
    const bool right = store::verify_password(hash, password);
    if (!found || found->password_hash.empty() || !right) return std::nullopt;
    return found->user;
  };
  auto user = co_await s.readers.read(std::move(check));
  if (!user) {
    co_return problem(call.req, Rejection{Rejection::Kind::Unauthenticated,
                                          "The name or the password is wrong.",
                                          {{"password", "the name or the password is wrong"}}});
  }
  sessions.limiter.succeeded(name, call.peer);

  const std::string token = store::new_token("qls_");
  const std::string hash = store::token_hash(token);
  const store::Session session{*user, store::new_token(""), now + sessions.lifetime};
  store::Decision decision{[session, hash, peer = call.peer](store::WriteBackend& backend,
                                                             const store::WriteContext& ctx) {
    backend.remove_sessions(ctx.now);  // those that ended
    backend.insert_session(hash, session, ctx.now);
    backend.append_log(
        "signed_in", session.user.name, ctx.now, "",
        json::serialize(json::object{{"name", session.user.name}, {"address", peer}}));
    return Result<store::Receipt>(store::Receipt{});
  }};
  co_await submit(s.writer, std::move(decision));
  Response res = json_response(call.req, http::status::created, session_json(s, session));
  res.set(http::field::set_cookie, cookie(sessions, token, sessions.lifetime));
  res.set(http::field::cache_control, "no-store");
  co_return res;
}

net::awaitable<Response> current_session(Services& s, Call& call) {
  if (!call.session) co_return no_session(call.req);
  Response res = json_response(call.req, http::status::ok, session_json(s, call.session->session));
  res.set(http::field::cache_control, "no-store");
  co_return res;
}

net::awaitable<Response> sign_out(Services& s, Call& call) {
  if (!call.session) co_return no_session(call.req);
  const std::string hash = call.session->token_hash;
  const std::string name = call.user->name;
  store::Decision decision{
      [hash, name](store::WriteBackend& backend, const store::WriteContext& ctx) {
        if (backend.remove_session(hash)) {
          backend.append_log("signed_out", name, ctx.now, "",
                             json::serialize(json::object{{"name", name}}));
        }
        return Result<store::Receipt>(store::Receipt{});
      }};
  co_await submit(s.writer, std::move(decision));
  s.sessions.cache.forget(hash);
  Response res{http::status::no_content, call.req.version()};
  res.keep_alive(call.req.keep_alive());
  res.set(http::field::set_cookie, cookie(s.sessions, "", std::chrono::seconds{0}));
  co_return res;
}

}  // namespace qingling::web
