#include "tests/support/http_client.h"

#include <algorithm>
#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "tests/support/response_log.h"

namespace qingling::testing {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

const boost::json::value& HttpResult::json() const {
  if (!parsed_) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    parsed_ = ec ? boost::json::value(nullptr) : std::move(v);
  }
  return *parsed_;
}

std::string HttpResult::header(const std::string& name) const {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto it = headers.find(lower);
  return it == headers.end() ? std::string{} : it->second;
}

struct HttpClient::Impl {
  Impl(std::string h, std::uint16_t p) : host(std::move(h)), port(p) {}
  std::string host;
  std::uint16_t port;
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool connected = false;
  std::map<std::string, std::string> defaults;

  void connect() {
    tcp::resolver resolver(ioc);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(resolver.resolve(host, std::to_string(port)));
    buffer.clear();
    connected = true;
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port)
    : impl_(new Impl(std::move(host), port)) {}

HttpClient::~HttpClient() {
  beast::error_code ignored;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  delete impl_;
}

void HttpClient::set_header(const std::string& name, const std::string& value) {
  impl_->defaults[name] = value;
}

HttpResult HttpClient::request(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, impl_->host);
  for (const auto& [k, v] : impl_->defaults) req.set(k, v);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->connected) impl_->connect();
    beast::error_code write_ec;
    beast::error_code ec;
    impl_->stream.expires_after(std::chrono::seconds(30));
    http::write(impl_->stream, req, write_ec);
    // A server that refuses a body (413) may answer and close before the
    // whole body is written: read its answer all the same.
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    http::read(impl_->stream, impl_->buffer, parser, ec);
    if (ec) {
      // The server may have closed an idle keep-alive connection: retry once on a new one.
      const beast::error_code failure = write_ec ? write_ec : ec;
      beast::error_code ignored;
      impl_->stream.socket().close(ignored);
      impl_->connected = false;
      if (attempt == 0) continue;
      throw beast::system_error(failure);
    }
    auto res = parser.release();
    HttpResult out;
    out.status = res.result_int();
    for (const auto& field : res) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      out.headers[name] = std::string(field.value());
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) {
      impl_->stream.socket().close(ec);
      impl_->connected = false;
    }
    log_response(method, target, out.status, out.header("Content-Type"), out.body);
    return out;
  }
  return {};
}

HttpResult HttpClient::post_json(const std::string& target, const boost::json::value& body,
                                 const std::map<std::string, std::string>& headers) {
  auto all = headers;
  all["Content-Type"] = "application/json";
  return request("POST", target, boost::json::serialize(body), all);
}

std::string HttpClient::raw(const std::string& bytes, int timeout_ms) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  tcp::resolver resolver(ioc);
  stream.expires_after(std::chrono::milliseconds(timeout_ms));
  stream.connect(resolver.resolve(impl_->host, std::to_string(impl_->port)));
  beast::error_code ec;
  net::write(stream, net::buffer(bytes), ec);
  std::string out;
  char chunk[4096];
  while (!ec) {
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    const std::size_t n = stream.read_some(net::buffer(chunk), ec);
    out.append(chunk, n);
  }
  return out;
}

}  // namespace qingling::testing
