// The deadline calendar feed over real HTTP, read by an independent parser
// (python3-icalendar), with its revocable per-user feed token.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/python.h"
#include "tests/web/api_fixture.h"

namespace qingling::testing {
namespace {

namespace fs = std::filesystem;

// Events of an ICS file as "DTSTART SUMMARY" lines, sorted, as
// python3-icalendar reads them.
std::string parse_ics(const fs::path& file) {
  return run_python(R"(
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
print("calendar", cal['X-WR-CALNAME'])
lines = []
for e in cal.walk('VEVENT'):
    lines.append("%s %s %s" % (e['DTSTART'].dt.isoformat(), e['SUMMARY'], e['UID']))
for l in sorted(lines):
    print(l)
)",
                    file);
}

class CalendarFeedTest : public ApiTest {
 protected:
  std::string feed_path(const HttpResult& token) {
    const std::string url(token.json().at("url").as_string());
    return url.substr(url.find("/api/"));
  }
};

TEST_F(CalendarFeedTest, AUnitSubscribesToItsDeadlinesAndCanRevokeTheFeed) {
  const auto a = create_issue("适龄儿童辍学未劝返").at("id").as_int64();
  ASSERT_EQ(act("supervisor", a, "assign", 1,
                {{"fields", {{"responsible_unit", "cc.c01.t01"}, {"deadline", "2026-12-31"}}}})
                .status,
            200u);
  create_issue("尚未交办的问题");  // no deadline yet: not in the feed
  auto other =
      as("supervisor")
          .post_json("/api/v1/issues",
                     {{"title", "溪桥县的问题"}, {"category", "A"}, {"unit", "cc.c02.t01"}});
  ASSERT_EQ(other.status, 201u);
  ASSERT_EQ(act("supervisor", other.json().at("id").as_int64(), "assign", 1,
                {{"fields", {{"responsible_unit", "cc.c02.t01"}, {"deadline", "2026-12-20"}}}})
                .status,
            200u);

  auto token = as("responsible").request("POST", "/api/v1/me/feed-token");
  ASSERT_EQ(token.status, 201u) << token.body;
  EXPECT_EQ(std::string(token.json().at("token").as_string()).rfind("qlf_", 0), 0u);
  const std::string path = feed_path(token);

  auto feed = as("").get(path);  // a calendar program: no Authorization header
  ASSERT_EQ(feed.status, 200u) << feed.body;
  EXPECT_EQ(feed.header("Content-Type"), "text/calendar; charset=utf-8");
  EXPECT_EQ(feed.body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  const fs::path file = dir_ / "deadlines.ics";
  std::ofstream(file, std::ios::binary) << feed.body;
  const std::string parsed = parse_ics(file);
  EXPECT_NE(parsed.find("calendar 望岭镇 整改时限"), std::string::npos) << parsed;
  EXPECT_NE(parsed.find("2026-12-31 整改时限：适龄儿童辍学未劝返 issue-" + std::to_string(a) +
                        "-deadline@chengchuan.qingling"),
            std::string::npos)
      << parsed;
  EXPECT_EQ(parsed.find("溪桥县的问题"), std::string::npos) << parsed;  // another county's
  EXPECT_EQ(parsed.find("尚未交办的问题"), std::string::npos) << parsed;
  // Every line at most 75 octets (RFC 5545 §3.1).
  for (std::size_t at = 0; at < feed.body.size();) {
    const std::size_t end = feed.body.find("\r\n", at);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - at, 75u) << feed.body.substr(at, end - at);
    at = end + 2;
  }

  // Only inside the token holder's jurisdiction.
  EXPECT_EQ(as("").get(path + "&unit=cc.c02").status, 404u);
  // A supervisor's feed covers the city.
  auto city_token = as("supervisor").request("POST", "/api/v1/me/feed-token");
  auto city = as("").get(feed_path(city_token));
  EXPECT_NE(city.body.find("SUMMARY:整改时限：溪桥县的问题"), std::string::npos);

  // A new token replaces the old; deleting revokes.
  auto renewed = as("responsible").request("POST", "/api/v1/me/feed-token");
  EXPECT_EQ(as("").get(path).status, 401u);
  EXPECT_EQ(as("").get(feed_path(renewed)).status, 200u);
  EXPECT_EQ(as("responsible").request("DELETE", "/api/v1/me/feed-token").status, 204u);
  auto revoked = as("").get(feed_path(renewed));
  EXPECT_EQ(revoked.status, 401u);
  EXPECT_EQ(revoked.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(as("responsible").request("DELETE", "/api/v1/me/feed-token").status, 404u);
  EXPECT_EQ(as("").get("/api/v1/calendar/deadlines.ics").status, 401u);
  // An API token is not a feed token.
  EXPECT_EQ(as("").get("/api/v1/calendar/deadlines.ics?token=" + tokens_.at("responsible")).status,
            401u);
}

TEST_F(CalendarFeedTest, AClearedProblemLeavesTheFeed) {
  const auto id = create_issue().at("id").as_int64();
  ASSERT_EQ(
      act("supervisor", id, "assign", 1, {{"fields", {{"responsible_unit", "cc.c01.t01"}}}}).status,
      200u);
  auto token = as("supervisor").request("POST", "/api/v1/me/feed-token");
  EXPECT_NE(as("").get(feed_path(token)).body.find("-deadline@"), std::string::npos);
  ASSERT_EQ(as("responsible")
                .request("POST", "/api/v1/issues/" + std::to_string(id) + "/evidence?name=a.txt",
                         "在校证明", {{"Content-Type", "text/plain"}})
                .status,
            201u);
  ASSERT_EQ(act("responsible", id, "submit", 3,
                {{"comment", "已整改"}, {"fields", {{"head_confirmed", true}}}})
                .status,
            200u);
  ASSERT_EQ(act("inspector", id, "verify", 4, {{"fields", {{"opinion", "同意销号"}}}}).status,
            200u);
  EXPECT_EQ(as("").get(feed_path(token)).body.find("-deadline@"), std::string::npos);
}

}  // namespace
}  // namespace qingling::testing
