#include "web/api/handlers.h"
#include "web/api/responses.h"

namespace qingling::web {

std::string_view openapi_document();  // generated from web/openapi.yaml

net::awaitable<Response> serve_openapi(Services&, Call& call) {
  Response res{http::status::ok, call.req.version()};
  res.set(http::field::content_type, "application/yaml; charset=utf-8");
  res.set(http::field::cache_control, "no-cache");
  res.keep_alive(call.req.keep_alive());
  res.body() = std::string(openapi_document());
  res.prepare_payload();
  co_return res;
}

}  // namespace qingling::web
