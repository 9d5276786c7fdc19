#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

namespace qingling::testing {

struct HttpResult {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  // The body parsed as JSON (null when it is not JSON), parsed once and kept
  // with the result, so references into it live as long as the result.
  const boost::json::value& json() const;
  std::string header(const std::string& name) const;

 private:
  mutable std::optional<boost::json::value> parsed_;
};

// A small blocking HTTP/1.1 client over a real socket, for tests. One
// connection per client, kept alive; reconnects when the server closed it.
class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Default headers sent with every request (e.g. Authorization).
  void set_header(const std::string& name, const std::string& value);
  void set_token(const std::string& token) { set_header("Authorization", "Bearer " + token); }

  // Every answer is also recorded for checking against the API contract
  // (tests/support/response_log.h); raw() answers are not.
  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});
  HttpResult get(const std::string& target) { return request("GET", target); }
  HttpResult post_json(const std::string& target, const boost::json::value& body,
                       const std::map<std::string, std::string>& headers = {});

  // Sends raw bytes on a fresh connection and returns whatever comes back
  // before the server closes it or `timeout_ms` passes.
  std::string raw(const std::string& bytes, int timeout_ms = 3000);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace qingling::testing
