#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/store/store.h"

namespace qingling::web {

// Values by token hash (who holds an API token, which session a cookie
// names), remembered for a short while so that a request does not cost a
// hop to the reader pool just to learn who sent it. Only found values are
// remembered (a token added a moment ago works at once); a change to a user
// takes effect within `ttl`, a sign-out at once (`forget`). Thread-safe.
template <class Value>
class ExpiringCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ExpiringCache(Clock::duration ttl = std::chrono::seconds(30),
                         std::size_t capacity = 10000)
      : ttl_(ttl), capacity_(capacity) {}

  std::optional<Value> find(const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(token_hash);
    if (it == entries_.end()) return std::nullopt;
    if (Clock::now() >= it->second.expires) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  void remember(const std::string& token_hash, const Value& value) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();  // crude, bounded, rare
    entries_[token_hash] = Entry{value, Clock::now() + ttl_};
  }

  void forget(const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    entries_.erase(token_hash);
  }

 private:
  struct Entry {
    Value value;
    Clock::time_point expires;
  };
  Clock::duration ttl_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

using TokenCache = ExpiringCache<store::User>;

}  // namespace qingling::web
