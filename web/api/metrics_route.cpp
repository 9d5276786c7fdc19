// GET /metrics: operational figures (counts, depths, latencies; no problem
// content) in the Prometheus text format. Served to clients on the loopback
// interface, where a node's scraper or agent runs, and to others only with
// the configured metrics token: the figures are harmless alone but still
// say how busy the service is.

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>

#include "web/api/handlers.h"
#include "web/api/responses.h"

namespace qingling::web {
namespace {

bool loopback(const std::string& peer) {
  boost::system::error_code ec;
  const auto address = net::ip::make_address(peer, ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
}

// Whether the request bears `token` (constant time in the token's length).
bool bears(const Request& req, const std::string& token) {
  if (token.empty()) return false;
  const std::string_view value = req[http::field::authorization];
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() != kScheme.size() + token.size() ||
      !boost::beast::iequals(value.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  unsigned char diff = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    diff |= static_cast<unsigned char>(value[kScheme.size() + i] ^ token[i]);
  }
  return diff == 0;
}

}  // namespace

net::awaitable<Response> serve_metrics(Services& s, Call& call) {
  if (!s.metrics) {
    co_return problem(call.req, http::status::not_found, "/problems/not-found", "Not found",
                      "No such path.");
  }
  if (!loopback(call.peer) && !bears(call.req, s.metrics_token)) {
    co_return problem(call.req, http::status::forbidden, "/problems/forbidden", "Not for you",
                      "Metrics are served to loopback clients, and to others with the metrics "
                      "token (serve --metrics-token).");
  }
  // Reading the outbox's backlog touches SQLite: off the io thread.
  std::function<std::string()> scrape = s.metrics;
  std::string text = co_await s.readers.run(std::move(scrape));
  Response res{http::status::ok, call.req.version()};
  res.keep_alive(call.req.keep_alive());
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(text);
  res.prepare_payload();
  co_return res;
}

}  // namespace qingling::web
