// The ladder over the API: levels in problems and their filter, the forecast,
// and the outbox for admins, with a real SMTP server on 127.0.0.1 refusing
// one recipient so that a message is given up and retried.

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "tests/web/api_fixture.h"
#include "tests/web/mail_api_fixture.h"

namespace qingling::testing {
namespace {

using namespace std::chrono_literals;

class NotifyApi : public MailApiTest {
 protected:
  // A problem assigned to 东溪镇's village with deadline Friday 2026-10-16.
  std::int64_t assigned() {
    auto issue = create_issue();
    const std::int64_t id = issue.at("id").as_int64();
    auto res = act("supervisor", id, "assign", 1,
                   {{"fields", {{"responsible_unit", "cc.c01.t01"}, {"deadline", "2026-10-16"}}}});
    EXPECT_EQ(res.status, 200u) << res.body;
    return id;
  }

  // Waits (bounded) until the sender has dealt with every message.
  bool outbox_settled() {
    for (int i = 0; i < 200; ++i) {
      auto res = as("admin").get("/api/v1/outbox");
      bool busy = false;
      for (const auto& m : res.json().at("items").as_array()) {
        const auto& state = m.at("state").as_string();
        busy = busy || state == "pending" || state == "sending";
      }
      if (!busy && !res.json().at("items").as_array().empty()) return true;
      std::this_thread::sleep_for(25ms);
    }
    return false;
  }
};

TEST_F(NotifyApi, AProblemRisesInLevelAndTheListFiltersByIt) {
  const std::int64_t id = assigned();
  EXPECT_EQ(as("supervisor").get("/api/v1/issues/" + std::to_string(id)).json().at("level"),
            "green");
  clock_.set(*parse_instant("2026-10-23T01:00:00Z"));  // 5 working days after 10-16, 09:00
  // The scheduler's own thread may get there first, woken by the assignment.
  app_->run_escalations_now();
  auto issue = as("supervisor").get("/api/v1/issues/" + std::to_string(id));
  EXPECT_EQ(issue.json().at("escalations").as_object().size(), 3u);  // reminder, deadline, bulletin
  EXPECT_EQ(issue.json().at("level"), "yellow");
  EXPECT_EQ(issue.json().at("escalations").at("bulletin").at("deadline"), "2026-10-16");
  auto yellow = as("supervisor").get("/api/v1/issues?level=yellow");
  ASSERT_EQ(yellow.json().at("items").as_array().size(), 1u);
  EXPECT_TRUE(
      as("supervisor").get("/api/v1/issues?level=red").json().at("items").as_array().empty());
  auto bad = as("supervisor").get("/api/v1/issues?level=orange");
  EXPECT_EQ(bad.status, 422u);
  EXPECT_EQ(bad.header("content-type"), "application/problem+json");
  EXPECT_EQ(bad.json().at("errors").at(0).at("field"), "level");
  auto events = as("supervisor").get("/api/v1/issues/" + std::to_string(id) + "/events");
  const auto& history = events.json().at("items").as_array();
  EXPECT_EQ(history.back().at("type"), "escalation");
  EXPECT_EQ(history.back().at("action"), "bulletin");
  EXPECT_EQ(history.back().at("fields").at("level"), "yellow");
}

TEST_F(NotifyApi, TheForecastListsDeadlinesAndStepsWithoutChangingAnything) {
  const std::int64_t id = assigned();
  auto res = as("supervisor").get("/api/v1/forecast?days=30");
  ASSERT_EQ(res.status, 200u) << res.body;
  const auto& firings = res.json().at("firings").as_array();
  std::vector<std::string> steps;
  for (const auto& f : firings) steps.push_back(std::string(f.at("step").as_string()));
  // The yellow card (Mon 11-02) lies past the 30 days.
  EXPECT_EQ(steps, (std::vector<std::string>{"reminder", "work_reminder", "bulletin"}));
  EXPECT_EQ(firings.at(0).at("due_at"), "2026-10-13T00:30:00.000Z");  // Tue 08:30 local
  EXPECT_EQ(firings.at(2).at("level"), "yellow");
  EXPECT_EQ(firings.at(0).at("issue_id").as_int64(), id);
  const auto& deadlines = res.json().at("deadlines").as_array();
  ASSERT_EQ(deadlines.size(), 1u);
  EXPECT_EQ(deadlines.at(0).at("deadline"), "2026-10-16");
  // Nothing changed: still version 2, nothing in the outbox.
  EXPECT_EQ(as("supervisor").get("/api/v1/issues/" + std::to_string(id)).json().at("version"), 2);
  EXPECT_TRUE(as("admin").get("/api/v1/outbox").json().at("items").as_array().empty());
  // Outside the jurisdiction there is nothing to forecast.
  EXPECT_TRUE(
      as("supervisor-c02").get("/api/v1/forecast?days=30").json().at("firings").as_array().empty());
  auto bad = as("supervisor").get("/api/v1/forecast?days=1000");
  EXPECT_EQ(bad.status, 422u);
  EXPECT_EQ(bad.json().at("errors").at(0).at("field"), "days");
}

TEST_F(NotifyApi, AdminsSeeTheOutboxAndRetryAGivenUpMessage) {
  const std::int64_t id = assigned();
  clock_.set(*parse_instant("2026-10-23T01:00:00Z"));
  app_->run_escalations_now();
  ASSERT_EQ(as("supervisor")
                .get("/api/v1/issues/" + std::to_string(id))
                .json()
                .at("escalations")
                .as_object()
                .size(),
            3u);
  ASSERT_TRUE(outbox_settled());

  auto given_up = as("admin").get("/api/v1/outbox?state=given_up");
  ASSERT_EQ(given_up.status, 200u) << given_up.body;
  // The bulletin for the refused supervisor, and the weekly report of the
  // Monday the clock passed, to the same address.
  std::map<std::string, boost::json::value> by_kind;
  for (const auto& m : given_up.json().at("items").as_array()) {
    by_kind[std::string(m.at("kind").as_string())] = m;
  }
  ASSERT_EQ(by_kind.size(), 2u) << given_up.body;
  ASSERT_TRUE(by_kind.count("report"));
  const auto& refused = by_kind.at("escalation");
  EXPECT_EQ(refused.at("recipient"), "reject-chen@chengchuan.example");
  EXPECT_NE(std::string(refused.at("last_error").as_string()).find("550"), std::string::npos);
  const std::string retry =
      "/api/v1/outbox/" + std::to_string(refused.at("id").as_int64()) + "/retry";
  auto sent = as("admin").get("/api/v1/outbox?state=sent");
  // One digest each: 东溪镇 (three steps) and 望岭区 (two), fired in the same pass.
  const auto& delivered = sent.json().at("items").as_array();
  ASSERT_EQ(delivered.size(), 2u);
  std::size_t items_delivered = 0;
  for (const auto& m : delivered) items_delivered += m.at("items").as_array().size();
  EXPECT_EQ(items_delivered, 5u);

  auto denied = as("supervisor").get("/api/v1/outbox");
  EXPECT_EQ(denied.status, 403u);
  EXPECT_EQ(denied.header("content-type"), "application/problem+json");
  EXPECT_EQ(as("supervisor").request("POST", retry).status, 403u);
  auto bad = as("admin").get("/api/v1/outbox?state=lost");
  EXPECT_EQ(bad.status, 422u);
  EXPECT_EQ(bad.json().at("errors").at(0).at("field"), "state");

  auto retried = as("admin").request("POST", retry);
  ASSERT_EQ(retried.status, 200u) << retried.body;
  EXPECT_EQ(retried.json().at("state"), "failed");
  EXPECT_EQ(retried.json().at("attempts"), 0);
  // Only a given-up message is retried: a sent one answers 409 (the retried
  // one may already be given up again by the sender, so it is no witness).
  const std::string sent_retry =
      "/api/v1/outbox/" + std::to_string(delivered.at(0).at("id").as_int64()) + "/retry";
  EXPECT_EQ(as("admin").request("POST", sent_retry).status, 409u);
  EXPECT_EQ(as("admin").request("POST", "/api/v1/outbox/999/retry").status, 404u);
}

TEST_F(NotifyApi, TheWeeklyReportIsTheSameWheneverAPastWeekIsAsked) {
  const std::int64_t id = assigned();
  clock_.set(*parse_instant("2026-10-06T02:00:00Z"));  // the next week, during the holiday
  auto w40 = as("supervisor").get("/api/v1/reports/weekly?week=2026-W40");
  ASSERT_EQ(w40.status, 200u) << w40.body;
  const auto& totals = w40.json().at("totals");
  EXPECT_EQ(totals.at("total"), 1);
  EXPECT_EQ(totals.at("new"), 1);
  EXPECT_EQ(totals.at("cleared"), 0);
  EXPECT_EQ(w40.json().at("week"), "2026-W40");

  // Later events change later weeks only.
  clock_.set(*parse_instant("2026-10-23T01:00:00Z"));
  app_->run_escalations_now();
  act("supervisor", id, "extend", 5,
      {{"fields", {{"deadline", "2026-11-30"}, {"reason", "汛期停工"}}}});
  auto again = as("supervisor").get("/api/v1/reports/weekly?week=2026-W40");
  EXPECT_EQ(again.body, w40.body);
  auto w43 = as("supervisor").get("/api/v1/reports/weekly?week=2026-W43&unit=cc.c01");
  ASSERT_EQ(w43.status, 200u) << w43.body;
  EXPECT_EQ(w43.json().at("unit").at("code"), "cc.c01");

  auto html =
      as("supervisor")
          .request("GET", "/api/v1/reports/weekly?week=2026-W40", "", {{"Accept", "text/html"}});
  EXPECT_EQ(html.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(html.body.find("一、总体情况"), std::string::npos);
  EXPECT_NE(html.body.find("2026年第40周"), std::string::npos);

  const auto field_of = [](const HttpResult& r) {
    return std::string(r.json().at("errors").at(0).at("field").as_string());
  };
  auto bad_week = as("supervisor").get("/api/v1/reports/weekly?week=2026-48");
  EXPECT_EQ(bad_week.status, 422u);
  EXPECT_EQ(field_of(bad_week), "week");
  auto future = as("supervisor").get("/api/v1/reports/weekly?week=2027-W02");
  EXPECT_EQ(future.status, 422u);
  EXPECT_EQ(field_of(future), "week");
  auto unknown = as("supervisor").get("/api/v1/reports/weekly?unit=cc.c99");
  EXPECT_EQ(field_of(unknown), "unit");
  EXPECT_EQ(as("supervisor-c02").get("/api/v1/reports/weekly?unit=cc").status, 403u);
}

}  // namespace
}  // namespace qingling::testing
