#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/store/store.h"
#include "web/server/http.h"

namespace qingling::web {

// Threads that run blocking work (SQLite reads, file I/O) off the io
// threads. Each read borrows a ReadView of its own connection; views are
// opened on demand and reused.
class ReaderPool {
 public:
  // `db` must outlive the pool.
  ReaderPool(store::Database& db, std::size_t threads) : db_(db), pool_(threads) {}
  ~ReaderPool() { pool_.join(); }
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // Runs `f(view)` on a pool thread; the awaiting coroutine resumes on its
  // own executor. Exceptions from `f` propagate to the awaiter. The result
  // type must be default-constructible.
  template <class F>
  auto read(F f) -> net::awaitable<std::invoke_result_t<F&, store::ReadView&>> {
    return run([this, f = std::move(f)]() mutable {
      Lease lease(*this);
      return f(*lease.view);
    });
  }

  // Runs `f()` on a pool thread (reads, file hashing, writing evidence).
  // Plain handlers, not a coroutine lambda: GCC 12 mishandles captures of
  // lambdas that are coroutines.
  template <class F>
  auto run(F f) -> net::awaitable<std::invoke_result_t<F&>> {
    using T = std::invoke_result_t<F&>;
    return net::async_initiate<decltype(net::use_awaitable), void(std::exception_ptr, T)>(
        [this](auto handler, F work) {
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          queued_.fetch_add(1, std::memory_order_relaxed);
          net::post(pool_, [this, shared, work = std::move(work)]() mutable {
            queued_.fetch_sub(1, std::memory_order_relaxed);
            std::exception_ptr failure;
            T result{};
            try {
              result = work();
            } catch (...) {
              failure = std::current_exception();
            }
            auto executor = net::get_associated_executor(*shared);
            net::post(executor, [shared, failure, result = std::move(result)]() mutable {
              (*shared)(failure, std::move(result));
            });
          });
        },
        net::use_awaitable, std::move(f));
  }

  void stop() { pool_.join(); }

  // Work posted and not yet started by a pool thread.
  std::size_t queue_depth() const { return queued_.load(std::memory_order_relaxed); }

 private:
  struct Lease {
    explicit Lease(ReaderPool& p) : pool(p) {
      std::lock_guard lock(pool.mutex_);
      if (!pool.free_.empty()) {
        view = std::move(pool.free_.back());
        pool.free_.pop_back();
      }
      if (!view) view = pool.db_.open_reader();
    }
    ~Lease() {
      std::lock_guard lock(pool.mutex_);
      pool.free_.push_back(std::move(view));
    }
    ReaderPool& pool;
    std::unique_ptr<store::ReadView> view;
  };

  store::Database& db_;
  net::thread_pool pool_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::ReadView>> free_;
  std::atomic<std::size_t> queued_{0};
};

}  // namespace qingling::web
