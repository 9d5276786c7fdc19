#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/store/store.h"

namespace qingling::web {

// Users by token hash, remembered for a short while so that a request does
// not cost a hop to the reader pool just to learn who sent it. Only found
// users are remembered (a token added a moment ago works at once); a change
// to a user or a revoked token takes effect within `ttl`. Thread-safe.
class TokenCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit TokenCache(Clock::duration ttl = std::chrono::seconds(30), std::size_t capacity = 10000)
      : ttl_(ttl), capacity_(capacity) {}

  std::optional<store::User> find(const std::string& token_hash) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(token_hash);
    if (it == entries_.end()) return std::nullopt;
    if (Clock::now() >= it->second.expires) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.user;
  }

  void remember(const std::string& token_hash, const store::User& user) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();  // crude, bounded, rare
    entries_[token_hash] = Entry{user, Clock::now() + ttl_};
  }

 private:
  struct Entry {
    store::User user;
    Clock::time_point expires;
  };
  Clock::duration ttl_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace qingling::web
