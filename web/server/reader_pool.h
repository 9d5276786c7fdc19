#pragma once

#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include <boost/asio/co_spawn.hpp>
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
  // own executor. Exceptions from `f` propagate to the awaiter.
  template <class F>
  auto read(F f) -> net::awaitable<std::invoke_result_t<F&, store::ReadView&>> {
    using T = std::invoke_result_t<F&, store::ReadView&>;
    co_return co_await net::co_spawn(
        pool_,
        [this, f = std::move(f)]() mutable -> net::awaitable<T> {
          Lease lease(*this);
          co_return f(*lease.view);
        },
        net::use_awaitable);
  }

  // Runs `f()` on a pool thread (file hashing, writing evidence).
  template <class F>
  auto run(F f) -> net::awaitable<std::invoke_result_t<F&>> {
    using T = std::invoke_result_t<F&>;
    co_return co_await net::co_spawn(
        pool_, [f = std::move(f)]() mutable -> net::awaitable<T> { co_return f(); },
        net::use_awaitable);
  }

  void stop() { pool_.join(); }

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
};

}  // namespace qingling::web
