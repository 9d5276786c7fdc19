#pragma once

// An in-process server on 127.0.0.1, port 0, over a real SQLite file in a
// temp folder named after the test, with the demo pack's rules and unit tree
// and a fake clock; plus users and a client per user.

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "engine/store/accounts.h"
#include "engine/store/store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/http_client.h"
#include "web/server/app.h"

namespace qingling::testing {

inline std::filesystem::path test_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::temp_directory_path() /
             ("qingling-" + std::string(info->test_suite_name()) + "-" + info->name());
  return dir;
}

inline std::filesystem::path demo_pack() {
  return std::filesystem::path(QINGLING_SOURCE_DIR) / "rules/packs/chengchuan";
}

class ApiTest : public ::testing::Test {
 protected:
  // 2026-09-29 10:00 in Shanghai: a deadline of 30 working days crosses
  // the Mid-Autumn and National Day holidays and the make-up Saturday 10-10.
  static constexpr const char* kStart = "2026-09-29T02:00:00Z";

  void SetUp() override {
    dir_ = test_dir();
    std::filesystem::remove_all(dir_);
    web::AppOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.data_dir = dir_;
    options.rules_dir = pack_dir();
    options.clock = &clock_;
    options.limits = limits_;
    configure(options);
    app_ = std::make_unique<web::App>(options);
    add_user("supervisor", "cc", "supervisor");
    add_user("inspector", "cc.c01", "inspector");
    add_user("responsible", "cc.c01.t01", "responsible");
    add_user("outsider", "cc.c02.t01", "responsible");
    add_user("supervisor-c02", "cc.c02", "supervisor");
    app_->start();
  }

  // A fixture's own options (mail, ...), set before the server is built.
  virtual void configure(web::AppOptions& options) { (void)options; }

  // The rule pack the server runs; the demo pack unless a test copies it.
  virtual std::filesystem::path pack_dir() const { return demo_pack(); }

  void TearDown() override {
    clients_.clear();
    app_.reset();
    std::filesystem::remove_all(dir_);
  }

  void add_user(const std::string& name, const std::string& unit, const std::string& role,
                const std::string& email = "") {
    auto db = store::open_sqlite(dir_ / "qingling.db");
    auto backend = db->open_writer();
    backend->begin();
    store::User user;
    user.name = name;
    user.unit = unit;
    user.roles = {role};
    user.email = email;
    auto token = store::add_user(*backend, user,
                                 {"admin", "supervisor", "inspector", "responsible"}, clock_.now());
    ASSERT_TRUE(token.has_value()) << token.error().detail;
    backend->commit();
    tokens_[name] = *token;
  }

  // A client signed in as `user` (or anonymous for "").
  HttpClient& as(const std::string& user) {
    auto& client = clients_[user];
    if (!client) {
      client = std::make_unique<HttpClient>("127.0.0.1", app_->port());
      if (!user.empty()) client->set_token(tokens_.at(user));
    }
    return *client;
  }

  // Logs a problem at a village of cc.c01 as the inspector; returns its JSON.
  boost::json::object create_issue(const std::string& title = "适龄儿童辍学未劝返") {
    auto res = as("inspector")
                   .post_json("/api/v1/issues",
                              {{"title", title}, {"category", "C"}, {"unit", "cc.c01.t01.v001"}});
    EXPECT_EQ(res.status, 201u) << res.body;
    return res.json().as_object();
  }

  HttpResult act(const std::string& user, std::int64_t id, const std::string& action, int version,
                 const boost::json::object& body = {}) {
    return as(user).post_json("/api/v1/issues/" + std::to_string(id) + "/actions/" + action, body,
                              {{"If-Match", "\"" + std::to_string(version) + "\""}});
  }

  std::filesystem::path dir_;
  web::ServerLimits limits_;
  FakeClock clock_{*parse_instant(kStart)};
  std::unique_ptr<web::App> app_;
  std::map<std::string, std::string> tokens_;
  std::map<std::string, std::unique_ptr<HttpClient>> clients_;
};

}  // namespace qingling::testing
