#include "web/server/request_observer.h"

#include <chrono>
#include <random>

#include "web/server/log.h"
#include "web/server/metrics.h"

namespace qingling::web {
namespace {

constexpr std::size_t kMaxRequestId = 128;

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestId) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Ends the in-flight count however the handler leaves.
struct InFlight {
  explicit InFlight(Metrics& m) : metrics(m) { metrics.request_started(); }
  ~InFlight() { metrics.request_finished(); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  Metrics& metrics;
};

}  // namespace

std::string request_id_for(std::string_view sent) {
  if (sane_request_id(sent)) return std::string(sent);
  thread_local std::mt19937_64 random{std::random_device{}()};
  static const char kHex[] = "0123456789abcdef";
  std::uint64_t bits = random();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[bits & 0xf];
    bits >>= 4;
  }
  return id;
}

RequestObserver::RequestObserver(Handler next, Metrics& metrics,
                                 std::function<std::string_view(const Request&)> route_of)
    : next_(std::move(next)), metrics_(metrics), route_of_(std::move(route_of)) {}

net::awaitable<Response> RequestObserver::handle(Request req, std::string peer) {
  const auto start = std::chrono::steady_clock::now();
  const std::string id = request_id_for(req["X-Request-Id"]);
  req.set("X-Request-Id", id);
  const std::string_view route = route_of_(req);
  const std::string method(req.method_string());
  const bool log_request = log_format() == LogFormat::Json;
  std::string client = log_request ? peer : std::string();
  Response res;
  {
    InFlight counted(metrics_);
    // Not a temporary inside co_await: GCC 12 destroys those twice.
    net::awaitable<Response> answer = next_(std::move(req), std::move(peer));
    res = co_await std::move(answer);
  }
  res.set("X-Request-Id", id);
  const auto took = std::chrono::steady_clock::now() - start;
  const unsigned status = res.result_int();
  metrics_.observe_request(route, method, status, took);
  if (log_request) {
    log("info", "request",
        {{"request_id", id},
         {"method", method},
         {"route", route},
         {"status", std::int64_t{status}},
         {"duration_ms", std::chrono::duration<double, std::milli>(took).count()},
         {"peer", client}});
  }
  co_return res;
}

}  // namespace qingling::web
