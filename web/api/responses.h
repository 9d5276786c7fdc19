#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "engine/core/rejection.h"
#include "web/server/http.h"

namespace qingling::web {

// A JSON answer, with the request's HTTP version and keep-alive.
Response json_response(const Request& req, http::status status, const boost::json::value& body);

// The one place that maps a Rejection to an HTTP status and a problem+json
// body (RFC 9457): Invalid 422, Unauthenticated 401, Forbidden 403,
// NotFound 404, NotAllowed 409, StaleVersion 412.
Response problem(const Request& req, const Rejection& rejection);

// A problem+json answer for cases that are not Rejections (400 for a body
// that is not JSON, 428 for a missing If-Match, 500/503 for failures).
Response problem(const Request& req, http::status status, std::string_view type,
                 std::string_view title, std::string_view detail,
                 const std::vector<FieldError>& fields = {});

// `attachment; filename="…"; filename*=UTF-8''…` for a UTF-8 file name
// (RFC 6266): the ASCII name for old clients (each run of other bytes as
// '_'), the exact name percent-encoded (RFC 5987) for the rest.
std::string attachment_disposition(std::string_view file_name);

// 500 with a generic detail and a request id; the real message goes to the
// log only.
Response internal_error(const Request& req, std::string_view what);

}  // namespace qingling::web
