#include "web/api/responses.h"

#include <cctype>

#include <boost/json/serialize.hpp>

#include "web/server/log.h"
#include "web/server/request_observer.h"

namespace qingling::web {
namespace json = boost::json;

Response json_response(const Request& req, http::status status, const json::value& body) {
  Response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}

Response problem(const Request& req, http::status status, std::string_view type,
                 std::string_view title, std::string_view detail,
                 const std::vector<FieldError>& fields) {
  json::object body{{"type", type},
                    {"title", title},
                    {"status", static_cast<unsigned>(status)},
                    {"detail", detail}};
  if (!fields.empty()) {
    json::array errors;
    for (const FieldError& f : fields) {
      errors.emplace_back(json::object{{"field", f.field}, {"message", f.message}});
    }
    body["errors"] = std::move(errors);
  }
  Response res = json_response(req, status, body);
  res.set(http::field::content_type, "application/problem+json");
  return res;
}

Response problem(const Request& req, const Rejection& r) {
  switch (r.kind) {
    case Rejection::Kind::Invalid:
      return problem(req, http::status::unprocessable_entity, "/problems/invalid",
                     "Invalid request", r.detail, r.fields);
    case Rejection::Kind::Unauthenticated: {
      Response res = problem(req, http::status::unauthorized, "/problems/unauthenticated",
                             "Not signed in", r.detail);
      res.set(http::field::www_authenticate, R"(Bearer realm="qingling")");
      return res;
    }
    case Rejection::Kind::Forbidden:
      return problem(req, http::status::forbidden, "/problems/forbidden",
                     "Not allowed for your role", r.detail);
    case Rejection::Kind::NotFound:
      return problem(req, http::status::not_found, "/problems/not-found", "Not found", r.detail);
    case Rejection::Kind::NotAllowed:
      return problem(req, http::status::conflict, "/problems/not-allowed",
                     "Not allowed in this state", r.detail);
    case Rejection::Kind::TooLarge:
      return problem(req, http::status::payload_too_large, "/problems/too-large", "Too large",
                     r.detail, r.fields);
    case Rejection::Kind::UnsupportedType:
      return problem(req, http::status::unsupported_media_type, "/problems/unsupported-type",
                     "File type not taken", r.detail, r.fields);
    case Rejection::Kind::StaleVersion:
      return problem(req, http::status::precondition_failed, "/problems/stale-version",
                     "Changed by someone else", r.detail);
  }
  return internal_error(req, "unknown rejection kind");
}

Response internal_error(const Request& req, std::string_view what) {
  // The id the request observer gave the request, so the log line, the
  // response header and the detail all quote the same one.
  std::string id(req["X-Request-Id"]);
  if (id.empty()) id = request_id_for("");
  log("error", "request failed",
      {{"request_id", id},
       {"method", req.method_string()},
       {"target", req.target()},
       {"error", what}});
  return problem(req, http::status::internal_server_error, "/problems/internal", "Internal error",
                 "The server failed to answer; quote " + id + " to the administrator.");
}

std::string attachment_disposition(std::string_view file_name) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string ascii;
  std::string encoded;
  for (const char ch : file_name) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    if (plain) {
      ascii += static_cast<char>(c);
    } else if (ascii.empty() || ascii.back() != '_') {
      ascii += '_';
    }
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0xf];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace qingling::web
