// The HTTP API over real sockets: lifecycle, concurrency, idempotency,
// jurisdiction, roles and problem+json.

#include <boost/json.hpp>

#include "tests/web/api_fixture.h"

namespace qingling::testing {
namespace {

namespace json = boost::json;

std::int64_t id_of(const json::object& issue) { return issue.at("id").as_int64(); }
int version_of(const HttpResult& res) {
  return static_cast<int>(res.json().at("version").as_int64());
}
std::string state_of(const HttpResult& res) {
  return std::string(res.json().at("state").as_string());
}

// The `field` names listed in a problem+json body.
std::vector<std::string> error_fields(const HttpResult& res) {
  std::vector<std::string> out;
  const auto body = res.json();
  if (!body.is_object() || !body.as_object().contains("errors")) return out;
  for (const auto& e : body.at("errors").as_array()) out.emplace_back(e.at("field").as_string());
  return out;
}

bool names_field(const HttpResult& res, const std::string& field) {
  const auto fields = error_fields(res);
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

TEST_F(ApiTest, WholeLifecycleFromDiscoveryToClearanceAndReopen) {
  const auto created = create_issue();
  const auto id = id_of(created);
  EXPECT_EQ(created.at("state").as_string(), "discovered");
  EXPECT_TRUE(created.at("deadline").is_null());
  EXPECT_EQ(created.at("version").as_int64(), 1);

  auto res = act("supervisor", id, "assign", 1, {{"fields", {{"responsible_unit", "cc.c01.t01"}}}});
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(state_of(res), "rectifying");
  EXPECT_EQ(res.header("ETag"), "\"2\"");
  // 30 working days from 2026-09-29 skip 09-25..27? no: they are before; they
  // skip 10-01..07 and count the make-up Saturday 10-10: 2026-11-16.
  const auto assigned = res.json().as_object();
  EXPECT_EQ(assigned.at("deadline").as_string(), "2026-11-16");
  const auto& basis = assigned.at("deadline_basis").as_object();
  EXPECT_EQ(basis.at("kind").as_string(), "rule");
  EXPECT_EQ(basis.at("start").as_string(), "2026-09-29");
  EXPECT_EQ(basis.at("days").as_int64(), 30);
  EXPECT_EQ(basis.at("unit").as_string(), "working_days");
  EXPECT_EQ(basis.at("holidays_skipped").as_array().size(), 7u);
  EXPECT_EQ(basis.at("makeup_days_counted").as_array(), json::array({"2026-10-10"}));
  EXPECT_FALSE(assigned.at("milestones").as_array().empty());
  auto calendar = as("").get("/api/v1/calendar/add?from=2026-09-29&days=30&unit=working");
  EXPECT_EQ(calendar.json().at("date").as_string(), "2026-11-16");

  res = act("responsible", id, "submit", 2,
            {{"comment", "已劝返复学"}, {"fields", {{"head_confirmed", true}}}});
  EXPECT_EQ(res.status, 422u) << res.body;
  EXPECT_TRUE(names_field(res, "evidence")) << res.body;

  res = as("responsible")
            .request("POST",
                     "/api/v1/issues/" + std::to_string(id) +
                         "/evidence?name=%E5%9C%A8%E6%A0%A1%E8%AF%81%E6%98%8E.txt",
                     "enrolment proof", {{"Content-Type", "text/plain"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(res.json().at("issue").at("version").as_int64(), 3);

  res = act("responsible", id, "submit", 3,
            {{"comment", "已劝返复学"}, {"fields", {{"head_confirmed", true}}}});
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(state_of(res), "submitted");

  res = act("inspector", id, "reject", 4, {{"comment", "照片未反映整改后现状"}});
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(state_of(res), "rectifying");

  res = act("responsible", id, "submit", 5,
            {{"comment", "补充在校证明"}, {"fields", {{"head_confirmed", true}}}});
  ASSERT_EQ(res.status, 200u) << res.body;

  res = act("inspector", id, "verify", 6, {{"fields", {{"opinion", "现场核查属实，同意销号"}}}});
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(state_of(res), "cleared");
  EXPECT_TRUE(res.json().at("cleared").as_bool());
  EXPECT_TRUE(res.json().at("cleared_at").is_string());

  res = act("inspector", id, "reopen", 7, {{"comment", "回头看：又有辍学"}});
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(state_of(res), "rectifying");
  EXPECT_TRUE(res.json().at("cleared_at").is_null());

  res = as("inspector").get("/api/v1/issues/" + std::to_string(id) + "/events");
  ASSERT_EQ(res.status, 200u);
  std::vector<std::string> kinds;
  const auto history = res.json();  // kept alive: the loop borrows from it
  for (const auto& e : history.at("items").as_array()) {
    const auto& o = e.as_object();
    kinds.emplace_back(o.at("action").is_null() ? std::string(o.at("type").as_string())
                                                : std::string(o.at("action").as_string()));
    EXPECT_FALSE(o.at("pack_version").as_string().empty());
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"created", "assign", "evidence", "submit", "reject",
                                             "submit", "verify", "reopen"}));
}

TEST_F(ApiTest, TheSecondOfTwoWritersOnOneVersionGets412) {
  const auto id = id_of(create_issue());
  auto first =
      act("supervisor", id, "assign", 1, {{"fields", {{"responsible_unit", "cc.c01.t01"}}}});
  auto second = act("supervisor", id, "assign", 1, {{"fields", {{"responsible_unit", "cc.c01"}}}});
  EXPECT_EQ(first.status, 200u) << first.body;
  EXPECT_EQ(second.status, 412u) << second.body;
  EXPECT_EQ(second.header("Content-Type"), "application/problem+json");
  auto now = as("supervisor").get("/api/v1/issues/" + std::to_string(id));
  EXPECT_EQ(now.json().at("responsible_unit").as_string(), "cc.c01.t01");

  auto missing =
      as("supervisor")
          .post_json("/api/v1/issues/" + std::to_string(id) + "/actions/extend", json::object{});
  EXPECT_EQ(missing.status, 428u);
}

TEST_F(ApiTest, ARetriedCreateWithTheSameKeyAnswersTheFirstProblem) {
  const json::object body{
      {"title", "村级项目公示牌缺失"}, {"category", "E"}, {"unit", "cc.c01.t01"}};
  auto a = as("inspector").post_json("/api/v1/issues", body, {{"Idempotency-Key", "phone-42-1"}});
  auto b = as("inspector").post_json("/api/v1/issues", body, {{"Idempotency-Key", "phone-42-1"}});
  ASSERT_EQ(a.status, 201u) << a.body;
  ASSERT_EQ(b.status, 201u) << b.body;
  EXPECT_EQ(a.json().at("id"), b.json().at("id"));
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(b.header("Idempotent-Replayed"), "true");
  auto list = as("inspector").get("/api/v1/issues");
  EXPECT_EQ(list.json().at("items").as_array().size(), 1u);

  json::object changed = body;
  changed["title"] = "另一个问题";
  auto c =
      as("inspector").post_json("/api/v1/issues", changed, {{"Idempotency-Key", "phone-42-1"}});
  EXPECT_EQ(c.status, 422u);
  EXPECT_TRUE(names_field(c, "Idempotency-Key")) << c.body;
}

TEST_F(ApiTest, OutsideTheJurisdictionAProblemDoesNotExist) {
  const auto id = id_of(create_issue());
  const std::string path = "/api/v1/issues/" + std::to_string(id);
  EXPECT_EQ(as("outsider").get(path).status, 404u);
  EXPECT_EQ(as("outsider").get(path + "/events").status, 404u);
  EXPECT_EQ(
      act("supervisor-c02", id, "assign", 1, {{"fields", {{"responsible_unit", "cc.c02"}}}}).status,
      404u);
  EXPECT_TRUE(as("outsider").get("/api/v1/issues").json().at("items").as_array().empty());
  EXPECT_EQ(as("supervisor").get(path).status, 200u);
  EXPECT_EQ(as("inspector").get(path).status, 200u);
}

TEST_F(ApiTest, ARoleTheWorkflowDoesNotAllowGets403) {
  const auto id = id_of(create_issue());
  auto res =
      act("responsible", id, "assign", 1, {{"fields", {{"responsible_unit", "cc.c01.t01"}}}});
  EXPECT_EQ(res.status, 403u) << res.body;
  EXPECT_EQ(res.json().at("type").as_string(), "/problems/forbidden");
  // An action not open in this state is a conflict, not a permission problem.
  res = act("inspector", id, "verify", 1, {{"fields", {{"opinion", "ok"}}}});
  EXPECT_EQ(res.status, 409u) << res.body;
}

TEST_F(ApiTest, BadInputGetsProblemJsonNamingTheFieldAndChangesNothing) {
  auto& c = as("inspector");
  auto res =
      c.request("POST", "/api/v1/issues", "{\"title\": ", {{"Content-Type", "application/json"}});
  EXPECT_EQ(res.status, 400u);
  EXPECT_EQ(res.header("Content-Type"), "application/problem+json");
  EXPECT_TRUE(res.json().at("detail").is_string());

  res = c.post_json("/api/v1/issues", {{"category", "C"}});
  EXPECT_EQ(res.status, 422u);
  EXPECT_TRUE(names_field(res, "title")) << res.body;

  res = c.post_json("/api/v1/issues", {{"title", "x"}, {"category", "Z"}});
  EXPECT_EQ(res.status, 422u);
  EXPECT_TRUE(names_field(res, "category")) << res.body;

  res = c.post_json("/api/v1/issues", {{"title", "x"}, {"category", "C"}, {"colour", "red"}});
  EXPECT_EQ(res.status, 422u);
  EXPECT_TRUE(names_field(res, "colour")) << res.body;

  res = c.request("POST", "/api/v1/issues", std::string(2 * 1024 * 1024, ' '),
                  {{"Content-Type", "application/json"}});
  EXPECT_EQ(res.status, 413u);
  EXPECT_EQ(res.header("Content-Type"), "application/problem+json");

  EXPECT_TRUE(as("supervisor").get("/api/v1/issues").json().at("items").as_array().empty());

  const auto id = id_of(create_issue());
  res = act("supervisor", id, "assign", 1, {{"fields", {{"responsible_unit", "cc.nowhere"}}}});
  EXPECT_EQ(res.status, 422u);
  EXPECT_TRUE(names_field(res, "fields.responsible_unit")) << res.body;
  res = act("supervisor", id, "assign", 1,
            {{"fields", {{"responsible_unit", "cc.c01"}, {"deadline", "2026-02-30"}}}});
  EXPECT_EQ(res.status, 422u);
  EXPECT_TRUE(names_field(res, "fields.deadline")) << res.body;
  EXPECT_EQ(version_of(as("supervisor").get("/api/v1/issues/" + std::to_string(id))), 1);
}

TEST_F(ApiTest, RequestsWithoutAValidTokenGet401) {
  EXPECT_EQ(as("").get("/api/v1/issues").status, 401u);
  HttpClient bad("127.0.0.1", app_->port());
  bad.set_token("qlt_not-a-token");
  auto res = bad.get("/api/v1/issues");
  EXPECT_EQ(res.status, 401u);
  EXPECT_EQ(res.header("WWW-Authenticate"), "Bearer realm=\"qingling\"");
  EXPECT_EQ(as("").get("/healthz").status, 200u);
  EXPECT_EQ(as("").get("/readyz").status, 200u);
}

TEST_F(ApiTest, ListsFilterAndPageWithACursor) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(id_of(create_issue("问题 " + std::to_string(i))));
  auto res =
      act("supervisor", ids[0], "assign", 1, {{"fields", {{"responsible_unit", "cc.c01.t01"}}}});
  ASSERT_EQ(res.status, 200u);

  std::vector<std::int64_t> seen;
  std::string target = "/api/v1/issues?limit=3";
  for (int page = 0; page < 5; ++page) {
    auto list = as("supervisor").get(target);
    ASSERT_EQ(list.status, 200u) << list.body;
    const auto page_json = list.json();
    for (const auto& item : page_json.at("items").as_array())
      seen.push_back(item.at("id").as_int64());
    const auto& next = page_json.at("next_cursor");
    if (next.is_null()) break;
    target = "/api/v1/issues?limit=3&cursor=" + std::string(next.as_string());
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{ids.rbegin(), ids.rend()}));

  auto rectifying = as("supervisor").get("/api/v1/issues?state=rectifying");
  ASSERT_EQ(rectifying.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(rectifying.json().at("items").as_array()[0].at("id").as_int64(), ids[0]);
  auto text = as("supervisor").get("/api/v1/issues?q=%E9%97%AE%E9%A2%98%203");
  ASSERT_EQ(text.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(as("supervisor").get("/api/v1/issues?state=nope").status, 422u);

  // Overdue: move the clock past the deadline of the assigned one.
  EXPECT_TRUE(
      as("supervisor").get("/api/v1/issues?overdue=true").json().at("items").as_array().empty());
  clock_.set(*parse_instant("2026-11-18T02:00:00Z"));
  auto overdue = as("supervisor").get("/api/v1/issues?overdue=true");
  ASSERT_EQ(overdue.json().at("items").as_array().size(), 1u);
  const auto& item = overdue.json().at("items").as_array()[0].as_object();
  EXPECT_TRUE(item.at("overdue").as_bool());
  EXPECT_EQ(item.at("days_overdue").as_int64(), 2);
}

TEST_F(ApiTest, GetAnswersWithAnETagAndHonoursIfNoneMatch) {
  const auto id = id_of(create_issue());
  auto res = as("inspector").get("/api/v1/issues/" + std::to_string(id));
  EXPECT_EQ(res.header("ETag"), "\"1\"");
  auto again =
      as("inspector")
          .request("GET", "/api/v1/issues/" + std::to_string(id), "", {{"If-None-Match", "\"1\""}});
  EXPECT_EQ(again.status, 304u);
}

TEST_F(ApiTest, ExtendingMovesTheDeadlineWithAReason) {
  const auto id = id_of(create_issue());
  ASSERT_EQ(
      act("supervisor", id, "assign", 1, {{"fields", {{"responsible_unit", "cc.c01.t01"}}}}).status,
      200u);
  auto res = act("supervisor", id, "extend", 2,
                 {{"fields", {{"deadline", "2026-12-15"}, {"reason", "汛期施工受阻"}}}});
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("deadline").as_string(), "2026-12-15");
  const auto& basis = res.json().at("deadline_basis").as_object();
  EXPECT_EQ(basis.at("kind").as_string(), "extended");
  EXPECT_EQ(basis.at("previous").as_string(), "2026-11-16");
  EXPECT_EQ(basis.at("reason").as_string(), "汛期施工受阻");
  res = act("supervisor", id, "extend", 3, {{"fields", {{"deadline", "2026-12-15"}}}});
  EXPECT_EQ(res.status, 422u);
  EXPECT_TRUE(names_field(res, "fields.reason")) << res.body;
}

}  // namespace
}  // namespace qingling::testing

namespace qingling::testing {
namespace {

TEST_F(ApiTest, HugeHeadersAreRefusedAndTheServerAnswersOthers) {
  const std::string big(64 * 1024, 'x');
  const std::string reply =
      as("").raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
  EXPECT_NE(reply.find("431"), std::string::npos) << reply.substr(0, 200);
  EXPECT_EQ(as("").get("/healthz").status, 200u);
}

TEST_F(ApiTest, AnUploadThatAsksToContinueIsAccepted) {
  const auto id = create_issue().at("id").as_int64();
  const std::string body(200 * 1024, 'p');
  const std::string head =
      "POST /api/v1/issues/" + std::to_string(id) +
      "/evidence?name=photo.jpg HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
      tokens_.at("inspector") +
      "\r\nContent-Type: image/jpeg\r\nExpect: 100-continue\r\nConnection: close\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  const std::string reply = as("").raw(head + body);
  EXPECT_EQ(reply.rfind("HTTP/1.1 100 Continue", 0), 0u) << reply.substr(0, 200);
  EXPECT_NE(reply.find("HTTP/1.1 201"), std::string::npos) << reply.substr(0, 400);
}

}  // namespace
}  // namespace qingling::testing

namespace qingling::testing {
namespace {

TEST_F(ApiTest, AnUploadWithoutAValidTokenIsRefusedBeforeItsBody) {
  const std::string head =
      "POST /api/v1/issues/1/evidence?name=a.jpg HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: image/jpeg\r\nExpect: 100-continue\r\nContent-Length: 30000000\r\n\r\n";
  const std::string reply = as("").raw(head);
  EXPECT_EQ(reply.rfind("HTTP/1.1 401", 0), 0u) << reply.substr(0, 200);
  EXPECT_EQ(reply.find("100 Continue"), std::string::npos);
  EXPECT_EQ(as("").get("/healthz").status, 200u);
}

TEST_F(ApiTest, ANewProblemCannotNameAResponsibleUnitOutsideTheJurisdiction) {
  auto res = as("inspector")
                 .post_json("/api/v1/issues", {{"title", "t"},
                                               {"category", "A"},
                                               {"unit", "cc.c01"},
                                               {"responsible_unit", "cc.c02"}});
  EXPECT_EQ(res.status, 422u);
  ASSERT_TRUE(res.json().as_object().contains("errors")) << res.body;
  EXPECT_EQ(res.json().at("errors").at(0).at("field").as_string(), "responsible_unit");
}

TEST_F(ApiTest, IfMatchStarActsOnWhateverVersionIsCurrent) {
  const auto id = create_issue().at("id").as_int64();
  auto res =
      as("supervisor")
          .post_json("/api/v1/issues/" + std::to_string(id) + "/actions/assign",
                     {{"fields", {{"responsible_unit", "cc.c01.t01"}}}}, {{"If-Match", "*"}});
  EXPECT_EQ(res.status, 200u) << res.body;
}

}  // namespace
}  // namespace qingling::testing

namespace qingling::testing {
namespace {

class IdleTest : public ApiTest {
 protected:
  void SetUp() override {
    limits_.idle_timeout = std::chrono::seconds(1);
    ApiTest::SetUp();
  }
};

TEST_F(IdleTest, AnIdleConnectionIsClosedAfterTheIdleTimeout) {
  // Half a request line, then silence: the server hangs up by itself.
  const auto start = std::chrono::steady_clock::now();
  const std::string reply = as("").raw("GET /healthz HTTP/1.1\r\n", 10000);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(reply.empty()) << reply;
  EXPECT_LT(waited, std::chrono::seconds(5));
  EXPECT_EQ(as("").get("/healthz").status, 200u);
}

}  // namespace
}  // namespace qingling::testing

namespace qingling::testing {
namespace {

// Ids of every problem `target` lists, page after page of `limit`.
std::vector<std::int64_t> walk(HttpClient& client, const std::string& target, int limit) {
  std::vector<std::int64_t> ids;
  std::string cursor;
  for (int page = 0; page < 50; ++page) {
    std::string url = target + "&limit=" + std::to_string(limit);
    if (!cursor.empty()) url += "&cursor=" + cursor;
    auto res = client.get(url);
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200u) break;
    for (const auto& item : res.json().at("items").as_array()) {
      ids.push_back(item.at("id").as_int64());
    }
    const auto& next = res.json().at("next_cursor");
    if (next.is_null()) break;
    cursor = std::string(next.as_string());
    for (std::size_t i = 0; (i = cursor.find('|', i)) != std::string::npos;) {
      cursor.replace(i, 1, "%7C");
    }
  }
  return ids;
}

TEST_F(ApiTest, ListsSortByIdDeadlineOrLastChangeAndPageInThatOrder) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 4; ++i) {
    auto made = as("inspector")
                    .post_json("/api/v1/issues", {{"title", "问题 " + std::to_string(i)},
                                                  {"category", "C"},
                                                  {"severity", i == 2 ? "grave" : "general"},
                                                  {"unit", "cc.c01.t01.v001"}});
    ASSERT_EQ(made.status, 201u) << made.body;
    ids.push_back(made.json().at("id").as_int64());
  }
  // 3 gets the earliest deadline (grave: 10 working days), then 1; 2 and 4 have none.
  auto graver =
      act("supervisor", ids[2], "assign", 1, {{"fields", {{"responsible_unit", "cc.c01.t01"}}}});
  ASSERT_EQ(graver.status, 200u) << graver.body;
  auto later =
      act("supervisor", ids[0], "assign", 1, {{"fields", {{"responsible_unit", "cc.c01.t01"}}}});
  ASSERT_EQ(later.status, 200u) << later.body;
  ASSERT_LE(graver.json().at("deadline").as_string(), later.json().at("deadline").as_string());

  auto& client = as("supervisor");
  const std::vector<std::int64_t> newest{ids[3], ids[2], ids[1], ids[0]};
  EXPECT_EQ(walk(client, "/api/v1/issues?sort=-id", 50), newest);
  EXPECT_EQ(walk(client, "/api/v1/issues?state=", 1), newest) << "the default, a page at a time";
  EXPECT_EQ(walk(client, "/api/v1/issues?sort=id", 3),
            (std::vector<std::int64_t>{ids[0], ids[1], ids[2], ids[3]}));
  const std::vector<std::int64_t> by_deadline{ids[2], ids[0], ids[1], ids[3]};
  EXPECT_EQ(walk(client, "/api/v1/issues?sort=deadline", 50), by_deadline);
  EXPECT_EQ(walk(client, "/api/v1/issues?sort=deadline", 1), by_deadline);
  EXPECT_EQ(walk(client, "/api/v1/issues?sort=-deadline", 1),
            (std::vector<std::int64_t>{ids[3], ids[1], ids[0], ids[2]}));
  // The fake clock stands still: equal times fall back to id, newest first.
  clock_.advance(std::chrono::minutes(5));
  ASSERT_EQ(
      act("supervisor", ids[1], "assign", 1, {{"fields", {{"responsible_unit", "cc.c01.t01"}}}})
          .status,
      200u);
  EXPECT_EQ(walk(client, "/api/v1/issues?sort=-updated", 2).front(), ids[1]);
  EXPECT_EQ(walk(client, "/api/v1/issues?sort=-updated", 2).size(), 4u);

  EXPECT_EQ(walk(client, "/api/v1/issues?cleared=false&sort=deadline", 2), by_deadline);
  EXPECT_TRUE(walk(client, "/api/v1/issues?cleared=true", 2).empty());
  EXPECT_EQ(client.get("/api/v1/issues?cleared=maybe").status, 422u);
  EXPECT_EQ(client.get("/api/v1/issues?sort=deadline&cursor=12").status, 422u)
      << "an id order's cursor";

  auto bad = client.get("/api/v1/issues?sort=title");
  EXPECT_EQ(bad.status, 422u);
  EXPECT_EQ(bad.json().at("errors").at(0).at("field").as_string(), "sort");
}

}  // namespace
}  // namespace qingling::testing
