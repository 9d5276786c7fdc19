// Signing in to the page over real HTTP: the session cookie, its CSRF token,
// limits on wrong passwords, expiry and sign-out; the page's own files with
// their security headers; and the battle map the page draws.

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/web/api_fixture.h"

namespace qingling::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPassword = "correct horse battery";

class SignInTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    set_password("inspector", kPassword);
    set_password("supervisor", kPassword);
  }

  void set_password(const std::string& name, const std::string& password) {
    auto db = store::open_sqlite(dir_ / "qingling.db");
    auto backend = db->open_writer();
    backend->begin();
    auto hash = store::hash_password(password);
    ASSERT_TRUE(hash.has_value());
    ASSERT_TRUE(store::set_password(*backend, name, *hash, clock_.now()).has_value());
    backend->commit();
  }

  HttpResult sign_in(HttpClient& client, const std::string& name, const std::string& password) {
    return client.post_json("/api/v1/session", {{"name", name}, {"password", password}});
  }

  // A fresh client signed in by password, holding the cookie; its CSRF token in `csrf`.
  std::unique_ptr<HttpClient> page_client(const std::string& name, std::string& csrf) {
    auto client = std::make_unique<HttpClient>("127.0.0.1", app_->port());
    auto res = sign_in(*client, name, kPassword);
    EXPECT_EQ(res.status, 201u) << res.body;
    const std::string cookie = res.header("set-cookie");
    client->set_header("Cookie", cookie.substr(0, cookie.find(';')));
    csrf = std::string(res.json().at("csrf_token").as_string());
    return client;
  }
};

TEST_F(SignInTest, APasswordGivesAnHttpOnlyStrictCookieThatActsAsTheUser) {
  HttpClient client("127.0.0.1", app_->port());
  auto res = sign_in(client, "inspector", kPassword);
  ASSERT_EQ(res.status, 201u) << res.body;
  const std::string cookie = res.header("set-cookie");
  EXPECT_EQ(cookie.rfind("qingling_session=qls_", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "no TLS here";
  EXPECT_EQ(res.json().at("user").at("name").as_string(), "inspector");
  EXPECT_EQ(res.json().at("expires_at").as_string(), "2026-09-29T14:00:00.000Z");

  client.set_header("Cookie", cookie.substr(0, cookie.find(';')));
  auto me = client.get("/api/v1/me");
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(me.json().at("unit").as_string(), "cc.c01");
  auto session = client.get("/api/v1/session");
  ASSERT_EQ(session.status, 200u);
  EXPECT_EQ(session.json().at("csrf_token"), res.json().at("csrf_token"));
  // An API token holds no page session.
  EXPECT_EQ(as("inspector").get("/api/v1/session").status, 401u);
}

TEST_F(SignInTest, AWriteByCookieWithoutItsCsrfTokenIsRefusedAndChangesNothing) {
  std::string csrf;
  auto client = page_client("inspector", csrf);
  const boost::json::object draft{
      {"title", "危房改造资金滞留"}, {"category", "E"}, {"unit", "cc.c01"}};
  auto refused = client->post_json("/api/v1/issues", draft);
  EXPECT_EQ(refused.status, 403u) << refused.body;
  EXPECT_EQ(refused.json().at("type").as_string(), "/problems/csrf");
  auto wrong = client->post_json("/api/v1/issues", draft, {{"X-CSRF-Token", csrf + "x"}});
  EXPECT_EQ(wrong.status, 403u);
  // An upload is refused before its body is read.
  auto upload = client->request("POST", "/api/v1/issues/1/evidence?name=a.png", "not read",
                                {{"Content-Type", "image/png"}});
  EXPECT_EQ(upload.status, 403u) << upload.body;
  auto list = as("supervisor").get("/api/v1/issues");
  EXPECT_EQ(list.json().at("items").as_array().size(), 0u);

  auto made = client->post_json("/api/v1/issues", draft, {{"X-CSRF-Token", csrf}});
  EXPECT_EQ(made.status, 201u) << made.body;
  // Reads need no token, and bearer writes none.
  EXPECT_EQ(client->get("/api/v1/issues").status, 200u);
  EXPECT_EQ(as("inspector").post_json("/api/v1/issues", draft).status, 201u);
}

TEST_F(SignInTest, WrongPasswordsAreCountedPerAccountAndPerAddress) {
  HttpClient client("127.0.0.1", app_->port());
  auto wrong = sign_in(client, "inspector", "not it at all");
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(wrong.header("set-cookie"), "");
  EXPECT_EQ(sign_in(client, "nobody", kPassword).status, 401u) << "the same answer";
  EXPECT_EQ(sign_in(client, "responsible", "no password set").status, 401u);
  auto empty = sign_in(client, "inspector", "");
  EXPECT_EQ(empty.status, 422u);
  EXPECT_EQ(empty.json().at("errors").at(0).at("field").as_string(), "password");

  for (int i = 1; i < 5; ++i) EXPECT_EQ(sign_in(client, "inspector", "guess").status, 401u);
  auto limited = sign_in(client, "inspector", kPassword);
  EXPECT_EQ(limited.status, 429u) << "the right password waits too";
  EXPECT_EQ(limited.header("retry-after"), "900");
  clock_.advance(15min);
  EXPECT_EQ(sign_in(client, "inspector", kPassword).status, 201u);

  // Twenty failures from one address, over many names, hold back every name.
  clock_.advance(16min);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(sign_in(client, "guess" + std::to_string(i), "x-x-x-x-x").status, 401u);
  }
  EXPECT_EQ(sign_in(client, "supervisor", kPassword).status, 429u);
}

TEST_F(SignInTest, AttemptsSentAtOnceCannotPassTheLimitTogether) {
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::map<unsigned, int> answers;
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&] {
      HttpClient client("127.0.0.1", app_->port());
      const unsigned status = sign_in(client, "supervisor", "a wrong guess").status;
      std::lock_guard lock(mutex);
      ++answers[status];
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(answers[401], 5) << "judged: no more than the limit";
  EXPECT_EQ(answers[401] + answers[429] + answers[503], 12);
  HttpClient client("127.0.0.1", app_->port());
  EXPECT_EQ(sign_in(client, "supervisor", kPassword).status, answers[401] == 5 ? 429u : 201u);
}

TEST_F(SignInTest, OnlyJsonSignsInAndNamesAreShort) {
  HttpClient client("127.0.0.1", app_->port());
  auto form = client.request("POST", "/api/v1/session",
                             R"({"name":"inspector","password":"correct horse battery","x":"="})",
                             {{"Content-Type", "text/plain"}});
  EXPECT_EQ(form.status, 415u) << form.body;
  EXPECT_EQ(form.header("set-cookie"), "");
  auto long_name = sign_in(client, std::string(65, 'a'), kPassword);
  EXPECT_EQ(long_name.status, 422u);
  EXPECT_EQ(long_name.json().at("errors").at(0).at("field").as_string(), "name");
}

class ProxiedSignInTest : public SignInTest {
 protected:
  void configure(web::AppOptions& options) override { options.trusted_proxy = "127.0.0.1"; }
};

TEST_F(ProxiedSignInTest, BehindTheTrustedProxyEachForwardedAddressHasItsOwnLimit) {
  HttpClient client("127.0.0.1", app_->port());
  const auto from = [&](const std::string& address, const std::string& name) {
    return client.post_json("/api/v1/session", {{"name", name}, {"password", "wrong again"}},
                            {{"X-Forwarded-For", "203.0.113.9, " + address}});
  };
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(from("198.51.100.7", "n" + std::to_string(i)).status, 401u);
  EXPECT_EQ(from("198.51.100.7", "another").status, 429u);
  EXPECT_EQ(from("198.51.100.8", "another").status, 401u) << "a second client is not held back";
}

TEST_F(SignInTest, SessionsEndAfterTwelveHoursAndAtSignOut) {
  std::string csrf;
  auto client = page_client("supervisor", csrf);
  clock_.advance(11h + 59min);
  EXPECT_EQ(client->get("/api/v1/me").status, 200u);
  clock_.advance(2min);
  auto ended = client->get("/api/v1/me");
  EXPECT_EQ(ended.status, 401u);

  auto again = page_client("supervisor", csrf);
  EXPECT_EQ(again->request("DELETE", "/api/v1/session").status, 403u) << "needs its CSRF token";
  auto out = again->request("DELETE", "/api/v1/session", "", {{"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 204u);
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(again->get("/api/v1/me").status, 401u) << "at once, not after a cache's delay";
}

TEST_F(SignInTest, ThePageIsServedWithAStrictPolicyAndNothingOutsideItsFolder) {
  HttpClient client("127.0.0.1", app_->port());
  auto page = client.get("/");
  ASSERT_EQ(page.status, 200u);
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  const std::string policy = page.header("content-security-policy");
  EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << policy;
  EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
  auto again = client.request("GET", "/", "", {{"If-None-Match", page.header("etag")}});
  EXPECT_EQ(again.status, 304u);
  auto same = client.get("/assets/index.html");
  EXPECT_EQ(same.body, page.body);
  for (const char* target : {"/assets/../CMakeLists.txt", "/assets/%2e%2e/CMakeLists.txt",
                             "/assets/vendor/../../package.json", "/assets/nothing.js"}) {
    EXPECT_EQ(client.get(target).status, 404u) << target;
  }
}

TEST_F(SignInTest, TheBattleMapCountsAJurisdictionAndDrillsDownWithinIt) {
  auto empty = as("supervisor").get("/api/v1/dashboard");
  ASSERT_EQ(empty.status, 200u) << empty.body;
  EXPECT_EQ(empty.json().at("headline").at("total").as_int64(), 0);
  EXPECT_EQ(empty.json().at("burndown").at("points").as_array().size(), 0u);

  auto issue = create_issue();
  const std::int64_t id = issue.at("id").as_int64();
  auto assigned =
      act("supervisor", id, "assign", 1,
          {{"fields", {{"responsible_unit", "cc.c01.t01"}}}, {"comment", "请按期整改"}});
  ASSERT_EQ(assigned.status, 200u) << assigned.body;
  const std::string deadline(assigned.json().at("deadline").as_string());

  auto city = as("supervisor").get("/api/v1/dashboard");
  ASSERT_EQ(city.status, 200u) << city.body;
  const auto& h = city.json().at("headline");
  EXPECT_EQ(h.at("total").as_int64(), 1);
  EXPECT_EQ(h.at("open").as_int64(), 1);
  EXPECT_EQ(h.at("overdue").as_int64(), 0);
  EXPECT_EQ(city.json().at("burndown").at("target").at("date").as_string(), deadline);
  const auto& first = city.json().at("children").at(0).as_object();
  EXPECT_EQ(first.at("unit").at("code").as_string(), "cc.c01");
  EXPECT_EQ(first.at("total").as_int64(), 1);
  EXPECT_TRUE(first.at("has_children").as_bool());

  auto county = as("supervisor").get("/api/v1/dashboard?unit=cc.c01");
  ASSERT_EQ(county.status, 200u);
  EXPECT_EQ(county.json().at("path").at(0).at("code").as_string(), "cc");
  EXPECT_EQ(county.json().at("children").at(0).at("unit").at("code").as_string(), "cc.c01.t01");

  // Past the deadline the problem is overdue, and listed.
  clock_.set(*parse_instant(deadline + "T16:00:00Z") + 4h);  // the next local morning
  auto later = as("supervisor").get("/api/v1/dashboard");
  EXPECT_EQ(later.json().at("headline").at("overdue").as_int64(), 1);
  EXPECT_EQ(later.json().at("overdue").at(0).at("id").as_int64(), id);
  EXPECT_EQ(later.json().at("overdue").at(0).at("days_overdue").as_int64(), 1);

  EXPECT_EQ(as("supervisor-c02").get("/api/v1/dashboard?unit=cc.c01").status, 404u);
  EXPECT_EQ(as("supervisor").get("/api/v1/dashboard?unit=nowhere").status, 404u);
}

}  // namespace
}  // namespace qingling::testing
