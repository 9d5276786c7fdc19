// Bytes from a client socket: parsed by Beast's request parser set up as
// web/server/http_server.cpp sets it (16 KiB of header, 32 MiB of body until
// the route's admission narrows it to 1 MiB for JSON), then what the API
// does with a request before it needs the store: the target split as the
// router splits it (origin-form, decoded segments and query parameters), a
// multipart/form-data body split into parts and each file judged by its
// bytes, a JSON body read, refusals rendered as problem+json and a file
// name turned into a Content-Disposition. No sockets.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/parse.hpp>

#include "web/api/media_type.h"
#include "web/api/multipart.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"
#include "web/server/http_server.h"

namespace {

using namespace qingling::web;
namespace beast = boost::beast;

constexpr std::size_t kJsonBodyLimit = 1024 * 1024;  // what admission gives JSON routes
constexpr std::size_t kSniffBytes = 4096;            // libmagic on more adds time, not coverage

// Feeds `bytes` to `parser` as a socket read would, all available at once.
void feed(http::request_parser<http::string_body>& parser, std::string_view bytes,
          beast::error_code& ec) {
  while (!ec && !parser.is_done()) {
    if (parser.is_header_done() && parser.get().body().empty()) {
      parser.body_limit(kJsonBodyLimit);  // the body has not started yet
    }
    const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(used);
    if (ec == http::error::need_more) {
      ec = {};
      if (bytes.empty() || used == 0) break;
    } else if (!ec && used == 0) {
      break;
    }
  }
  if (!ec && !parser.is_done() && parser.got_some()) parser.put_eof(ec);
}

// find_route's reading of the target (web/api/routes.cpp).
void route(const Request& req) {
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return;
  std::vector<std::string> parts;
  for (auto seg : url->segments()) parts.push_back(seg);
  std::map<std::string, std::string> query;
  for (auto param : url->params()) query[param.key] = param.value;
  if (auto id = query.find("id"); id != query.end()) (void)parse_id(id->second);
  for (const std::string& part : parts) (void)parse_id(part);
}

void check_problem(const Response& res) {
  if (res.result_int() < 400 || res.body().empty()) std::abort();
}

void body(const Request& req) {
  const std::string boundary = form_boundary(req[http::field::content_type]);
  if (!boundary.empty()) {
    auto parts = parse_form_data(req.body(), boundary);
    if (!parts) return check_problem(problem(req, parts.error()));
    if (parts->size() > 100) std::abort();
    const std::string_view whole = req.body();
    for (const FormPart& p : *parts) {
      // Each part's content lies inside the body it came from.
      if (!p.content.empty() && (p.content.data() < whole.data() ||
                                 p.content.data() + p.content.size() > whole.data() + whole.size()))
        std::abort();
      if (!p.file_name.empty()) (void)attachment_disposition(p.file_name);
      if (p.file_name.find('/') != std::string::npos || p.file_name.find('\\') != std::string::npos)
        std::abort();  // no folder survives
      if (sniff_media_type(p.content.substr(0, kSniffBytes)).empty()) std::abort();
    }
    return;
  }
  JsonBody json = parse_json_object(req);
  if (json.error) check_problem(*json.error);
  if (json.object) {
    auto fields = string_members(*json.object, "");
    if (!fields) check_problem(problem(req, fields.error()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ServerLimits limits;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  parser.body_limit(limits.max_body_bytes);
  beast::error_code ec;
  feed(parser, std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (!parser.is_header_done()) return 0;
  route(parser.get());
  if (ec || !parser.is_done()) return 0;
  const Request req = parser.release();
  body(req);
  return 0;
}
