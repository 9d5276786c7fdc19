#pragma once

// Signing in to the web page: failed attempts counted per account and per
// address, and the page sessions the server knows.

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/core/time.h"
#include "engine/store/store.h"
#include "web/api/token_cache.h"

namespace qingling::web {

// Failed sign-ins over a sliding window, per account name and per client
// address: past either limit, every attempt (a right password too) waits
// until the oldest failure leaves the window. Unknown names count like
// known ones, so the answer never tells which names exist. Thread-safe.
class SignInLimiter {
 public:
  struct Limits {
    std::size_t per_account = 5;
    std::size_t per_address = 20;
    std::chrono::seconds window{15 * 60};
  };
  SignInLimiter() : SignInLimiter(Limits{}) {}
  explicit SignInLimiter(Limits limits) : limits_(limits) {}

  // How long to wait before the next attempt may be judged; nullopt: now.
  std::optional<std::chrono::seconds> wait(const std::string& account, const std::string& address,
                                           Instant now);
  void failed(const std::string& account, const std::string& address, Instant now);
  // A right password clears the account's failures (not the address's).
  void succeeded(const std::string& account);

 private:
  using Failures = std::unordered_map<std::string, std::deque<Instant>>;
  void note(Failures& failures, const std::string& key, Instant now);
  std::optional<std::chrono::seconds> wait_in(Failures& failures, const std::string& key,
                                              std::size_t limit, Instant now);

  Limits limits_;
  std::mutex mutex_;
  Failures accounts_;
  Failures addresses_;
};

// What the server keeps of page sessions besides the database.
struct PageSessions {
  std::chrono::seconds lifetime{12 * 3600};  // from sign-in; a working day and a half
  bool secure_cookies = false;               // behind TLS: the cookie is `Secure`
  SignInLimiter limiter;
  ExpiringCache<store::Session> cache;
};

inline constexpr const char* kSessionCookie = "qingling_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

}  // namespace qingling::web
