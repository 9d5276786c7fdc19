#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "web/server/http.h"

namespace qingling::web {

struct ServerLimits {
  std::size_t header_bytes = 16 * 1024;
  // The body limit until a request's route is known; the route's own
  // admission then sets it (JSON 1 MB, evidence by the pack, imports 128 MB).
  std::size_t max_body_bytes = 32 * 1024 * 1024;
  // Request bodies being read at once, over all connections; a request
  // that would pass it is answered 503 before its body is read.
  std::size_t body_budget = 256 * 1024 * 1024;
  // A request's header must arrive whole within it; and it bounds the wait
  // between requests and between pieces of a body.
  std::chrono::seconds idle_timeout{30};
  // Once a body has taken longer than idle_timeout, it must have come at
  // this average rate (bytes a second) or it is cut off with 408: a client
  // trickling a byte at a time cannot hold a connection forever.
  std::size_t min_body_rate = 1024;
  // At this many open connections a new one closes the connection that has
  // waited longest for its next request; with none waiting it is refused.
  // Also held below the process's open-file limit (see HttpServer::listen).
  std::size_t max_connections = 10000;
};

// Answers one request from `peer` (the client's address). Runs on the
// connection's strand; must not block.
using Handler = std::function<net::awaitable<Response>(Request, std::string peer)>;

// What to do with a request whose header alone has been read: read a body
// of at most `body_limit` bytes, or send `refusal` at once and close.
struct Admission {
  std::size_t body_limit = 0;
  std::optional<Response> refusal;
};
using Admit = std::function<net::awaitable<Admission>(const Request& header_only)>;

// What the server does on its own, before or without the handler: told to
// whoever counts it (/metrics). Each may be empty; each must not block.
struct ServerEvents {
  // A request answered by the server itself and its connection closed:
  // 400, 408, 413, 431, 503 (body budget), or the admission's refusal.
  std::function<void(unsigned status)> refused;
  // A connection closed at the limit: a new one turned away, or the one
  // idle longest closed to make room.
  std::function<void()> turned_away;
  std::function<void()> evicted;
};

// Accepts connections on one address and serves each with a coroutine on
// its own strand: read (bounded), dispatch, write, repeat while keep-alive.
class HttpServer {
 public:
  HttpServer(net::io_context& ioc, Handler handler, Admit admit, ServerLimits limits);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Throws boost::system::system_error when the
  // address cannot be bound. Port 0 picks a free port: see `port()`.
  // Raises the process's soft open-file limit to its hard limit when the
  // connections allowed need more; when even that is short, serves fewer
  // connections and says so on stderr.
  void listen(const std::string& address, std::uint16_t port);
  std::uint16_t port() const;
  // Set before listen().
  void observe(ServerEvents events);
  // Connections open now.
  std::size_t connections() const;
  // Stops accepting; connections finish their current request.
  void stop();

  struct State;  // shared with the connections, which may outlive a stop()

 private:
  std::shared_ptr<State> state_;
};

}  // namespace qingling::web
