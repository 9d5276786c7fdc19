#pragma once

// Signing in to the web page: failed attempts counted per account and per
// address, and the page sessions the server knows.

#include <atomic>
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

  // Takes an attempt: nullopt when it may be judged now, and then it counts
  // as a failure at once (so that attempts judged at the same time cannot
  // all pass the limit); else how long to wait.
  std::optional<std::chrono::seconds> attempt(const std::string& account,
                                              const std::string& address, Instant now);
  // The attempt had the right password: the account's failures are cleared
  // and the address's count of this attempt taken back.
  void succeeded(const std::string& account, const std::string& address);

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
  // Passwords being checked at once (64 MiB and a tenth of a second each, on
  // the reader pool): past the cap a sign-in answers 503 rather than queue
  // in front of every read.
  std::atomic<int> checking{0};
  int max_checking = 2;
  ExpiringCache<store::Session> cache;
};

inline constexpr const char* kSessionCookie = "qingling_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

}  // namespace qingling::web
