#pragma once

// The HTTP vocabulary shared by the server and the API handlers. Only web/
// includes this (and Beast).

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace qingling::web {

namespace net = boost::asio;
namespace http = boost::beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

}  // namespace qingling::web
