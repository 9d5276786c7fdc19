#pragma once

#include <exception>
#include <memory>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/store/writer.h"
#include "web/server/http.h"

namespace qingling::web {

// Hands `command` to the single writer and resumes the awaiting coroutine on
// its own executor once the outcome is durable. Infrastructure failures are
// thrown; rejections come back as values.
inline net::awaitable<Result<store::Receipt>> submit(store::Writer& writer,
                                                     store::Command command) {
  using Signature = void(std::exception_ptr, Result<store::Receipt>);
  co_return co_await net::async_initiate<decltype(net::use_awaitable), Signature>(
      [&writer](auto handler, store::Command cmd) {
        // Writer completions must be copyable; the awaiting handler is move-only.
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        writer.submit(std::move(cmd), [shared](std::exception_ptr e, Result<store::Receipt> r) {
          auto executor = net::get_associated_executor(*shared);
          net::post(executor,
                    [shared, e, r = std::move(r)]() mutable { (*shared)(e, std::move(r)); });
        });
      },
      net::use_awaitable, std::move(command));
}

}  // namespace qingling::web
