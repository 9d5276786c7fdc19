#include "web/api/token_cache.h"

#include <gtest/gtest.h>

namespace qingling::web {
namespace {

store::User user_named(const std::string& name) {
  store::User u;
  u.name = name;
  u.unit = "cc";
  u.roles = {"inspector"};
  return u;
}

TEST(TokenCache, RemembersFoundUsersOnly) {
  TokenCache cache;
  EXPECT_FALSE(cache.find("h1"));
  cache.remember("h1", user_named("li"));
  auto found = cache.find("h1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "li");
  EXPECT_FALSE(cache.find("h2"));
}

TEST(TokenCache, ForgetsAfterItsTimeToLive) {
  TokenCache cache(std::chrono::seconds(0));
  cache.remember("h1", user_named("li"));
  EXPECT_FALSE(cache.find("h1"));
}

TEST(TokenCache, StaysWithinItsCapacity) {
  TokenCache cache(std::chrono::seconds(30), 2);
  cache.remember("h1", user_named("a"));
  cache.remember("h2", user_named("b"));
  cache.remember("h3", user_named("c"));  // full: the cache starts again
  EXPECT_FALSE(cache.find("h1"));
  EXPECT_FALSE(cache.find("h2"));
  EXPECT_TRUE(cache.find("h3"));
}

}  // namespace
}  // namespace qingling::web
