#include "web/server/http_server.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <list>
#include <mutex>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace qingling::web {
namespace beast = boost::beast;
using tcp = net::ip::tcp;

// One accepted connection. While it waits for a request's header it is in
// State::waiting (oldest first), from where a new connection at the limit
// may close it.
struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  std::list<std::weak_ptr<Connection>>::iterator place;  // valid while `waiting`
  bool waiting = false;                                  // under State::waiting_mutex
  bool evicted = false;                                  // under State::waiting_mutex
};

struct HttpServer::State {
  net::io_context& ioc;
  Handler handler;
  Admit admit;
  ServerLimits limits;
  tcp::acceptor acceptor;  // on a strand: accepting and closing never overlap
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> body_bytes{0};  // reserved by bodies being read
  std::atomic<bool> stopping{false};
  std::size_t max_connections = 0;  // limits.max_connections, held below the open-file limit
  std::mutex waiting_mutex;
  std::list<std::weak_ptr<Connection>> waiting;
  ServerEvents events;

  void refused(unsigned status) const {
    if (events.refused) events.refused(status);
  }

  State(net::io_context& io, Handler h, Admit a, ServerLimits l)
      : ioc(io),
        handler(std::move(h)),
        admit(std::move(a)),
        limits(l),
        acceptor(net::make_strand(io)),
        max_connections(l.max_connections) {}
};

namespace {

void begin_waiting(HttpServer::State& s, const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(s.waiting_mutex);
  c->place = s.waiting.insert(s.waiting.end(), c);
  c->waiting = true;
}

// False when the connection was chosen to make room for a new one: it is
// being closed, and a request that came meanwhile is dropped with it.
bool end_waiting(HttpServer::State& s, const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(s.waiting_mutex);
  if (c->waiting) s.waiting.erase(c->place);
  c->waiting = false;
  return !c->evicted;
}

// Closes the connection that has waited longest for a request; false when
// none waits.
bool evict_oldest_waiting(HttpServer::State& s) {
  std::shared_ptr<Connection> victim;
  {
    std::lock_guard lock(s.waiting_mutex);
    while (!victim && !s.waiting.empty()) {
      victim = s.waiting.front().lock();
      s.waiting.pop_front();
      if (victim) {
        victim->waiting = false;
        victim->evicted = true;
      }
    }
  }
  if (!victim) return false;
  // On its strand, where its read is pending: the read ends aborted.
  net::post(victim->stream.get_executor(), [victim] {
    beast::error_code ignored;
    victim->stream.socket().close(ignored);
  });
  return true;
}

// Descriptors kept for everything but client connections: the database and
// its journal, evidence files, SMTP, the listener.
constexpr std::size_t kReservedDescriptors = 256;

// Raises the soft open-file limit toward what `wanted` connections need;
// returns how many connections it allows.
std::size_t fit_descriptor_limit(std::size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  const rlim_t needed = static_cast<rlim_t>(wanted + kReservedDescriptors);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? needed : std::min(needed, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed) return wanted;
  const std::size_t allowed = limit.rlim_cur > 2 * kReservedDescriptors
                                  ? static_cast<std::size_t>(limit.rlim_cur) - kReservedDescriptors
                                  : static_cast<std::size_t>(limit.rlim_cur) / 2;
  std::cerr << "warning: the open-file limit is " << limit.rlim_cur << " (hard " << limit.rlim_max
            << "); serving at most " << allowed << " connections instead of " << wanted
            << " (raise it, e.g. LimitNOFILE= in the systemd unit)\n";
  return allowed;
}

// A share of the server-wide body budget, held while one body is read and
// handled.
class BodyReservation {
 public:
  BodyReservation(std::atomic<std::size_t>& used, std::size_t budget, std::size_t bytes)
      : used_(used) {
    std::size_t now = used_.load();
    while (now + bytes <= budget) {
      if (used_.compare_exchange_weak(now, now + bytes)) {
        bytes_ = bytes;
        granted_ = true;
        return;
      }
    }
  }
  ~BodyReservation() {
    if (granted_) used_ -= bytes_;
  }
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;
  bool granted() const { return granted_; }

 private:
  std::atomic<std::size_t>& used_;
  std::size_t bytes_ = 0;
  bool granted_ = false;
};

bool normal_end(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
         ec == beast::error::timeout || ec == net::error::connection_reset ||
         ec == net::error::eof || ec == net::error::broken_pipe;
}

Response plain_error(http::status status, unsigned version, const std::string& detail) {
  Response res{status, version};
  res.set(http::field::content_type, "application/problem+json");
  res.body() = R"({"type":"about:blank","title":")" + std::string(http::obsolete_reason(status)) +
               R"(","status":)" + std::to_string(static_cast<unsigned>(status)) + R"(,"detail":")" +
               detail + R"("})";
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

// Answers a request the server refuses itself, and counts it. `detail` is a
// literal: no owning temporaries inside co_await (GCC 12).
net::awaitable<void> write_error(const HttpServer::State& s, beast::tcp_stream& stream,
                                 http::status status, const char* detail) {
  s.refused(static_cast<unsigned>(status));
  Response res = plain_error(status, 11, detail);
  co_await http::async_write(stream, res, net::as_tuple(net::use_awaitable));
}

net::awaitable<void> serve_connection(std::shared_ptr<Connection> connection,
                                      std::shared_ptr<HttpServer::State> s) {
  beast::tcp_stream& stream = connection->stream;
  beast::flat_buffer buffer;
  boost::system::error_code peer_ec;
  const std::string peer = stream.socket().remote_endpoint(peer_ec).address().to_string();
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(s->limits.header_bytes));
    // The route's own limit is applied once the header is known; until then
    // only the largest any route takes.
    parser.body_limit(s->limits.max_body_bytes);
    // One deadline for the whole header, however slowly its bytes come.
    stream.expires_after(s->limits.idle_timeout);
    begin_waiting(*s, connection);
    auto [ec, n] =
        co_await http::async_read_header(stream, buffer, parser, net::as_tuple(net::use_awaitable));
    if (!end_waiting(*s, connection)) co_return;  // closed to make room
    if (ec) {
      if (ec == http::error::header_limit) {
        co_await write_error(*s, stream, http::status::request_header_fields_too_large,
                             "The request headers are too large.");
      } else if (ec == http::error::body_limit) {
        co_await write_error(*s, stream, http::status::payload_too_large,
                             "The request body is too large.");
      } else if (!normal_end(ec) && ec != http::error::partial_message) {
        co_await write_error(*s, stream, http::status::bad_request,
                             "The request is not valid HTTP/1.1.");
      }
      break;
    }
    // Decide before reading a byte of the body: who may send it, and how much.
    Admission admission = co_await s->admit(parser.get());
    if (admission.refusal) {
      s->refused(admission.refusal->result_int());
      admission.refusal->keep_alive(false);
      co_await http::async_write(stream, *admission.refusal, net::as_tuple(net::use_awaitable));
      break;
    }
    const auto length = parser.content_length();
    if (length && *length > admission.body_limit) {
      co_await write_error(*s, stream, http::status::payload_too_large,
                           "The request body is too large.");
      break;
    }
    const std::size_t expected =
        length ? static_cast<std::size_t>(*length) : (parser.chunked() ? admission.body_limit : 0);
    BodyReservation reservation(s->body_bytes, s->limits.body_budget, expected);
    if (!reservation.granted()) {
      co_await write_error(*s, stream, http::status::service_unavailable,
                           "The server is busy receiving other uploads; retry shortly.");
      break;
    }
    parser.body_limit(admission.body_limit);
    // curl and browsers wait for a 100 before sending a large upload.
    if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
      auto [cec, cn] = co_await http::async_write(stream, go_on, net::as_tuple(net::use_awaitable));
      if (cec) break;
    }
    // The idle timeout runs between pieces, so a slow phone upload may take
    // as long as it keeps sending at the least rate.
    const auto body_start = std::chrono::steady_clock::now();
    std::size_t received = 0;
    bool too_slow = false;
    while (!ec && !parser.is_done() && !too_slow) {
      stream.expires_after(s->limits.idle_timeout);
      std::tie(ec, n) =
          co_await http::async_read_some(stream, buffer, parser, net::as_tuple(net::use_awaitable));
      received += n;
      const auto elapsed = std::chrono::steady_clock::now() - body_start;
      too_slow =
          elapsed > s->limits.idle_timeout &&
          received < s->limits.min_body_rate *
                         static_cast<std::size_t>(
                             std::chrono::duration_cast<std::chrono::seconds>(elapsed).count());
    }
    if (too_slow) {
      co_await write_error(*s, stream, http::status::request_timeout,
                           "The request body arrives too slowly.");
      break;
    }
    if (ec) {
      if (ec == http::error::body_limit) {
        co_await write_error(*s, stream, http::status::payload_too_large,
                             "The request body is too large.");
      } else if (!normal_end(ec)) {
        co_await write_error(*s, stream, http::status::bad_request,
                             "The request is not valid HTTP/1.1.");
      }
      break;
    }
    Request request = parser.release();
    const bool wants_keep_alive = request.keep_alive();
    Response response = co_await s->handler(std::move(request), peer);
    response.keep_alive(wants_keep_alive && response.keep_alive() && !s->stopping.load());
    const bool keep_alive = response.keep_alive();
    stream.expires_after(s->limits.idle_timeout);
    auto [wec, wn] =
        co_await http::async_write(stream, response, net::as_tuple(net::use_awaitable));
    if (wec || !keep_alive) break;
  }
  // Half-close, then read and drop what the client still sends, for a
  // bounded time: closing with unread bytes would reset the connection and
  // could destroy a refusal (413, 431) before the client reads it.
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  constexpr std::size_t kMaxDrain = 1024 * 1024;
  std::size_t drained = 0;
  char sink[8192];
  stream.expires_after(std::chrono::seconds(2));
  while (drained < kMaxDrain) {
    auto [rec, rn] =
        co_await stream.async_read_some(net::buffer(sink), net::as_tuple(net::use_awaitable));
    if (rec) break;
    drained += rn;
  }
}

net::awaitable<void> accept_loop(std::shared_ptr<HttpServer::State> s) {
  for (;;) {
    auto [ec, socket] = co_await s->acceptor.async_accept(net::make_strand(s->ioc),
                                                          net::as_tuple(net::use_awaitable));
    if (ec == net::error::operation_aborted || s->stopping.load()) co_return;
    if (ec) {
      // Out of descriptors and the like: the listener keeps going, after a
      // pause, so that a failing accept does not spin.
      net::steady_timer pause(s->acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(net::as_tuple(net::use_awaitable));
      continue;
    }
    // At the limit, a client that sends a request now goes before one that
    // only holds a connection open.
    if (s->connections.load() >= s->max_connections) {
      if (evict_oldest_waiting(*s)) {
        if (s->events.evicted) s->events.evicted();
      } else {
        if (s->events.turned_away) s->events.turned_away();
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
    }
    ++s->connections;
    auto executor = socket.get_executor();
    net::co_spawn(executor, serve_connection(std::make_shared<Connection>(std::move(socket)), s),
                  [s](const std::exception_ptr& e) {
                    --s->connections;
                    if (e) {
                      try {
                        std::rethrow_exception(e);
                      } catch (const std::exception& ex) {
                        std::cerr << "connection ended by an error: " << ex.what() << "\n";
                      }
                    }
                  });
  }
}

}  // namespace

HttpServer::HttpServer(net::io_context& ioc, Handler handler, Admit admit, ServerLimits limits)
    : state_(std::make_shared<State>(ioc, std::move(handler), std::move(admit), limits)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::listen(const std::string& address, std::uint16_t port) {
  state_->max_connections = fit_descriptor_limit(state_->limits.max_connections);
  const tcp::endpoint endpoint{net::ip::make_address(address), port};
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(net::socket_base::reuse_address(true));
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen(net::socket_base::max_listen_connections);
  net::co_spawn(state_->acceptor.get_executor(), accept_loop(state_), net::detached);
}

std::uint16_t HttpServer::port() const { return state_->acceptor.local_endpoint().port(); }

void HttpServer::observe(ServerEvents events) { state_->events = std::move(events); }

std::size_t HttpServer::connections() const { return state_->connections.load(); }

void HttpServer::stop() {
  if (state_->stopping.exchange(true)) return;
  // Closing on the acceptor's strand keeps it away from a running accept.
  net::post(state_->acceptor.get_executor(), [s = state_] {
    beast::error_code ignored;
    s->acceptor.close(ignored);
  });
}

}  // namespace qingling::web
