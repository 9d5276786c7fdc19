#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/time.h"
#include "engine/report/battle.h"
#include "engine/store/store.h"
#include "engine/store/writer.h"
#include "web/api/evidence_store.h"
#include "web/api/sign_in.h"
#include "web/api/static_files.h"
#include "web/api/token_cache.h"
#include "web/server/http.h"
#include "web/server/http_server.h"
#include "web/server/reader_pool.h"

namespace qingling::web {

// What the handlers work with. Everything here must outlive the Api.
struct Services {
  store::Writer& writer;
  ReaderPool& readers;
  const Clock& clock;
  EvidenceStore& evidence;                    // content-addressed files
  PageSessions& sessions;                     // sign-in limits and session cache
  const StaticFiles& assets;                  // the web page
  const report::BattleIndex& battle;          // every problem in brief, for the battle map
  std::function<void()> outbox_changed = {};  // wakes the mail sender
  // GET /metrics: the Prometheus text (called on a reader thread; empty: the
  // route answers 404), served to loopback clients and to requests bearing
  // `metrics_token` when one is set.
  std::function<std::string()> metrics = {};
  std::string metrics_token = {};
};

// The page session a request's cookie names.
struct SessionRef {
  std::string token_hash;
  store::Session session;
};

// One request on its way through a handler.
struct Call {
  Request& req;
  std::map<std::string, std::string> path;   // captures of the route pattern
  std::map<std::string, std::string> query;  // decoded query parameters (last one wins)
  std::optional<store::User> user;           // set for authenticated routes
  std::optional<SessionRef> session;         // set when the user came by a page session
  std::string peer;                          // the client's address
};

// A route the API answers: its method ("GET") and path pattern
// ("/api/v1/issues/{id}"), in the route table's order.
struct RouteInfo {
  std::string method;
  std::string pattern;
};
std::vector<RouteInfo> route_table();

// The route a request falls under, as a label for metrics and logs: the
// pattern of the route table its path matches (whatever its method), "/" and
// "/assets/{path}" for the page, else "unmatched"; never the raw path. The
// view is of static storage.
std::string_view route_label(const Request& req);
// Every label route_label may answer.
std::vector<std::string_view> route_labels();

// The HTTP API v1: a route table (web/api/routes.cpp) and its handlers.
class Api {
 public:
  explicit Api(Services services) : s_(services) {}

  // Routes, authenticates and answers one request from `peer` (an address).
  // Never throws: failures become problem+json 500/503.
  net::awaitable<Response> handle(Request req, std::string peer);

  // Whether and how much of a body to read, from the header alone: file
  // uploads are read only for a valid token or session (with its CSRF token).
  net::awaitable<Admission> admit(const Request& header_only);

 private:
  // Who sent the request: by an API token (Authorization: Bearer) or by
  // a page session (cookie); nothing when neither is valid.
  struct Caller {
    std::optional<store::User> user;
    std::optional<SessionRef> session;
    bool had_credentials = false;  // a token or cookie came, valid or not
  };
  net::awaitable<Caller> authenticate(const Request& req);
  std::optional<store::Session> live_session(const std::string& token_hash,
                                             std::optional<store::Session> found);

  Services s_;
  TokenCache tokens_;
};

}  // namespace qingling::web
