#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "web/server/http.h"
#include "web/server/http_server.h"

namespace qingling::web {

class Metrics;

// Stands before the API's handler. Gives every request an id (the
// client's X-Request-Id when it is 1 to 128 letters, digits and . _ : -,
// else a new random one), which the handler sees in the request's
// X-Request-Id and the client in the response's; counts and times the
// request by route template for /metrics; and with JSON logs writes one
// line per request (request_id, method, route, status, duration_ms, peer).
class RequestObserver {
 public:
  // `route_of` names a request's route template (web/api route_label);
  // `metrics` must outlive the observer.
  RequestObserver(Handler next, Metrics& metrics,
                  std::function<std::string_view(const Request&)> route_of);

  // As a Handler: `peer` is the client's address.
  net::awaitable<Response> handle(Request req, std::string peer);

 private:
  Handler next_;
  Metrics& metrics_;
  std::function<std::string_view(const Request&)> route_of_;
};

// The id a request goes by: `sent` (an X-Request-Id header) when sane, else
// 16 new random hex digits.
std::string request_id_for(std::string_view sent);

}  // namespace qingling::web
