// End to end: `qingling serve` on a simulated clock (two days a second)
// sends its ladder over SMTP to a real server on 127.0.0.1 (aiosmtpd). A
// problem falls overdue; every step's message arrives once, its Chinese
// subject decodes; the SMTP server is stopped for days and started again,
// and nothing is lost or doubled.

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "tests/engine/mail/mail_test_support.h"
#include "tests/support/http_client.h"
#include "tests/support/qingling_process.h"
#include "tests/support/smtp_sink.h"

namespace qingling::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTownship = "c01.t01@chengchuan.example";
constexpr const char* kCounty = "c01@chengchuan.example";
constexpr const char* kSupervisor = "chen.ruohua@chengchuan.example";

std::size_t count_eml(const std::filesystem::path& dir) {
  std::size_t n = 0;
  if (!std::filesystem::exists(dir)) return 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".eml" && e.path().filename().string()[0] != '.') ++n;
  }
  return n;
}

// Polls `done` every 50 ms for at most `limit`.
template <class Pred>
bool wait_for(Pred done, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

class MailEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("qingling-mail-e2e-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "received");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string add_user(const std::string& name, const std::string& unit, const std::string& role,
                       const std::string& email = "") {
    std::vector<std::string> args = {"user",   "add", "--data", (dir_ / "data").string(),
                                     "--name", name,  "--unit", unit,
                                     "--role", role};
    if (!email.empty()) {
      args.push_back("--email");
      args.push_back(email);
      args.push_back("--display-name");
      args.push_back("陈若华");
    }
    const Output out = run(args);
    EXPECT_EQ(out.status, 0) << out.text;
    return last_line(out.text);
  }

  std::filesystem::path dir_;
};

TEST_F(MailEndToEnd, TheLadderArrivesOnceEachThroughAnSmtpOutage) {
  auto sink = std::make_unique<SmtpSink>(dir_ / "received");
  const std::uint16_t smtp_port = sink->port();
  ASSERT_NE(smtp_port, 0);

  // Wednesday 2026-02-25 08:00 in Shanghai, two simulated days a second.
  Server server(dir_ / "data", {"--port", "0", "--data", (dir_ / "data").string(), "--sandbox",
                                "--clock", "2026-02-25T08:00:00+08:00", "--speed", "172800",
                                "--smtp", sink->url(), "--mail-from", "dcs@chengchuan.example"});
  ASSERT_NE(server.port(), 0);
  const std::string admin = add_user("admin", "cc", "admin");
  const std::string supervisor = add_user("chen", "cc", "supervisor", kSupervisor);
  const std::string inspector = add_user("wang", "cc", "inspector");

  HttpClient client("127.0.0.1", server.port());
  client.set_token(inspector);
  auto created = client.post_json(
      "/api/v1/issues",
      {{"title", "乡镇防返贫监测台账未更新"}, {"category", "B"}, {"unit", "cc.c01.t01"}});
  ASSERT_EQ(created.status, 201u) << created.body;
  const std::string path = "/api/v1/issues/" + std::to_string(created.json().at("id").as_int64());
  client.set_token(supervisor);
  // Deadline Friday 03-06: 温馨提示 Tue 03-03, 工作提醒 03-06, 督查通报 03-13,
  // 黄牌警告 Mon 03-23 (03-21 is a Saturday) and again Mon 03-30.
  auto assigned = client.post_json(
      path + "/actions/assign",
      {{"fields", {{"responsible_unit", "cc.c01.t01"}, {"deadline", "2026-03-06"}}}},
      {{"If-Match", "*"}});
  ASSERT_EQ(assigned.status, 200u) << assigned.body;

  // The reminder and the two deadline-day messages arrive; then the mail server goes away.
  ASSERT_TRUE(wait_for([&] { return count_eml(dir_ / "received") >= 3; }, 20s));
  EXPECT_EQ(sink->stop(), 0);
  sink.reset();

  // The bulletin falls due while it is down: tried, deferred, kept.
  client.set_token(admin);
  ASSERT_TRUE(wait_for(
      [&] {
        auto failed = client.get("/api/v1/outbox?state=failed");
        return failed.status == 200 && !failed.json().at("items").as_array().empty();
      },
      20s));
  std::this_thread::sleep_for(500ms);  // a simulated day more of retries
  EXPECT_TRUE(client.get("/api/v1/outbox?state=given_up").json().at("items").as_array().empty());
  sink = std::make_unique<SmtpSink>(dir_ / "received", smtp_port);
  ASSERT_EQ(sink->port(), smtp_port);

  // Ten ladder messages up to the second 黄牌警告 on Mon 03-30, and the weekly
  // reports of the Mondays 03-02 to 03-30 (weeks 9 to 13) to the supervisor.
  ASSERT_TRUE(wait_for([&] { return count_eml(dir_ / "received") >= 15; }, 30s))
      << count_eml(dir_ / "received") << " messages arrived";

  // Each recipient got each step once (a repeat once per week), in Chinese
  // that decodes; the clock runs on, so later repeats may have come too.
  std::map<std::string, std::multiset<std::string>> steps_by_recipient;
  std::set<std::string> subjects;
  std::map<std::string, std::string> report_text_by_week;
  std::set<std::string> message_ids;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "received")) {
    if (e.path().extension() != ".eml") continue;
    auto mail = mail::testing::python_read(e.path());
    ASSERT_FALSE(mail.empty()) << e.path();
    EXPECT_EQ(mail.at("defects"), "0");
    EXPECT_TRUE(message_ids.insert(mail.at("message_id")).second) << "sent twice";
    const std::string subject = mail.at("subject");
    EXPECT_TRUE(subjects.insert(mail.at("to0_email") + " " + subject).second)
        << "twice: " << subject;
    ASSERT_EQ(subject.rfind("【", 0), 0u) << subject;
    const std::string step = subject.substr(3, subject.find("】") - 3);
    if (step == "澄川市整改周报") {
      EXPECT_EQ(mail.at("to0_email"), kSupervisor);
      const std::string marker = "2026年第";
      const std::size_t at = subject.find(marker);
      ASSERT_NE(at, std::string::npos) << subject;
      const std::size_t from = at + marker.size();
      const std::string week = subject.substr(from, subject.find("周", from) - from);
      EXPECT_TRUE(report_text_by_week.emplace(week, mail.at("text")).second) << subject;
      continue;
    }
    EXPECT_NE(subject.find("乡镇防返贫监测台账未更新"), std::string::npos) << subject;
    steps_by_recipient[mail.at("to0_email")].insert(step);
  }
  using Steps = std::multiset<std::string>;
  EXPECT_EQ(steps_by_recipient[kTownship], (Steps{"温馨提示", "工作提醒", "督查通报"}));
  for (const char* to : {kCounty, kSupervisor}) {
    EXPECT_EQ(steps_by_recipient[to].count("督查通报"), 1u) << to;
    EXPECT_GE(steps_by_recipient[to].count("黄牌警告"), 2u) << to;
  }
  EXPECT_EQ(steps_by_recipient[kCounty].count("工作提醒"), 1u);
  for (const char* week : {"9", "10", "11", "12", "13"}) {
    EXPECT_TRUE(report_text_by_week.count(week)) << "no report for week " << week;
  }
  // Week 9 (02-23 to 03-01): the problem is new; week 12 (03-16 to 03-22):
  // overdue and yellow, the bulletin of 03-13 having fired.
  EXPECT_NE(report_text_by_week["9"].find("问题总数：1（上周 0"), std::string::npos)
      << report_text_by_week["9"];
  EXPECT_NE(report_text_by_week["9"].find("本周新增：1"), std::string::npos);
  EXPECT_NE(report_text_by_week["12"].find("超期：1"), std::string::npos)
      << report_text_by_week["12"];
  EXPECT_NE(report_text_by_week["12"].find("其中黄色：1"), std::string::npos);

  // Nothing given up; the simulated clock runs on, so later messages may be in flight.
  auto outbox = client.get("/api/v1/outbox?limit=100");
  for (const auto& m : outbox.json().at("items").as_array()) {
    EXPECT_NE(m.at("state").as_string(), "given_up") << boost::json::serialize(m);
  }
  client.set_token(supervisor);
  auto issue = client.get(path);
  EXPECT_EQ(issue.json().at("level").as_string(), "red");
  EXPECT_GE(issue.json().at("escalations").at("yellow_card").at("period").as_int64(), 1);
  EXPECT_EQ(server.terminate(), 0);
}

}  // namespace
}  // namespace qingling::testing
