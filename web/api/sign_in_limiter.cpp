#include "web/api/sign_in.h"

#include <algorithm>

namespace qingling::web {
namespace {

// More keys than this and the oldest-looking half is dropped: a flood of
// made-up names cannot grow memory without bound.
constexpr std::size_t kMaxKeys = 100000;

}  // namespace

void SignInLimiter::note(Failures& failures, const std::string& key, Instant now) {
  if (failures.size() >= kMaxKeys) {
    std::erase_if(failures, [&](const auto& item) {
      return item.second.empty() || item.second.back() + limits_.window <= now;
    });
    if (failures.size() >= kMaxKeys) failures.clear();
  }
  auto& times = failures[key];
  times.push_back(now);
  // Only the newest `limit` failures ever matter.
  while (times.size() > std::max(limits_.per_account, limits_.per_address)) times.pop_front();
}

std::optional<std::chrono::seconds> SignInLimiter::wait_in(Failures& failures,
                                                           const std::string& key,
                                                           std::size_t limit, Instant now) {
  auto it = failures.find(key);
  if (it == failures.end()) return std::nullopt;
  auto& times = it->second;
  while (!times.empty() && times.front() + limits_.window <= now) times.pop_front();
  if (times.empty()) {
    failures.erase(it);
    return std::nullopt;
  }
  if (times.size() < limit) return std::nullopt;
  // The attempt may come once enough failures have left the window.
  const Instant free_at = times[times.size() - limit] + limits_.window;
  return std::max(std::chrono::seconds{1}, std::chrono::ceil<std::chrono::seconds>(free_at - now));
}

std::optional<std::chrono::seconds> SignInLimiter::attempt(const std::string& account,
                                                           const std::string& address,
                                                           Instant now) {
  std::lock_guard lock(mutex_);
  auto by_account = wait_in(accounts_, account, limits_.per_account, now);
  auto by_address = wait_in(addresses_, address, limits_.per_address, now);
  if (by_account && by_address) return std::max(*by_account, *by_address);
  if (by_account || by_address) return by_account ? by_account : by_address;
  note(accounts_, account, now);
  note(addresses_, address, now);
  return std::nullopt;
}

void SignInLimiter::succeeded(const std::string& account, const std::string& address) {
  std::lock_guard lock(mutex_);
  accounts_.erase(account);
  auto it = addresses_.find(address);
  if (it != addresses_.end() && !it->second.empty()) it->second.pop_back();
}

}  // namespace qingling::web
