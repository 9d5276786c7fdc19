// The qingling binary, run as a user runs it: serve, kill -9 and restart,
// user add against a running server, audit verify, rules check.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "tests/support/http_client.h"
#include "tests/support/qingling_process.h"

namespace qingling::testing {
namespace {

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() / ("qingling-cli-" + std::string(info->name()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string add_user(const std::string& name, const std::string& unit, const std::string& role) {
    auto out = run(
        {"user", "add", "--data", dir_.string(), "--name", name, "--unit", unit, "--role", role});
    EXPECT_EQ(out.status, 0) << out.text;
    return last_line(out.text);
  }

  std::filesystem::path dir_;
};

TEST_F(CliTest, AnAcknowledgedWriteSurvivesKillNine) {
  std::vector<std::int64_t> acknowledged;
  {
    Server server(dir_);
    ASSERT_NE(server.port(), 0);
    // Added while the server runs on the same data folder.
    const std::string token = add_user("li.na", "cc.c03", "inspector");
    ASSERT_EQ(token.rfind("qlt_", 0), 0u) << token;
    HttpClient client("127.0.0.1", server.port());
    client.set_token(token);
    ASSERT_EQ(client.get("/api/v1/me").status, 200u);
    for (int i = 0; i < 20; ++i) {
      auto res = client.post_json("/api/v1/issues",
                                  {{"title", "饮用水水质未按期检测 " + std::to_string(i)},
                                   {"category", "C"},
                                   {"unit", "cc.c03"}});
      ASSERT_EQ(res.status, 201u) << res.body;
      acknowledged.push_back(res.json().at("id").as_int64());
    }
    server.kill_hard();
  }
  Server again(dir_);
  ASSERT_NE(again.port(), 0);
  HttpClient client("127.0.0.1", again.port());
  client.set_token(add_user("wang.fang", "cc", "supervisor"));
  for (auto id : acknowledged) {
    EXPECT_EQ(client.get("/api/v1/issues/" + std::to_string(id)).status, 200u) << id;
  }
  EXPECT_EQ(again.terminate(), 0);
  auto audit = run({"audit", "verify", "--data", dir_.string()});
  EXPECT_EQ(audit.status, 0) << audit.text;
  EXPECT_NE(audit.text.find("intact"), std::string::npos);
}

TEST_F(CliTest, APasswordFromStandardInputSignsInAndPasswdChangesIt) {
  Server server(dir_);
  ASSERT_NE(server.port(), 0);
  const auto input = dir_ / "password.txt";
  std::ofstream(input) << "第一个口令 first\n";
  auto added = run({"user", "add", "--data", dir_.string(), "--name", "zhou", "--unit", "cc.c02",
                    "--role", "supervisor", "--password", "-"},
                   input);
  ASSERT_EQ(added.status, 0) << added.text;
  auto too_short =
      run({"user", "passwd", "--data", dir_.string(), "--name", "zhou", "--password", "short"});
  EXPECT_EQ(too_short.status, 1);

  HttpClient client("127.0.0.1", server.port());
  const auto sign_in = [&](const std::string& password) {
    return client.post_json("/api/v1/session", {{"name", "zhou"}, {"password", password}});
  };
  auto first = sign_in("第一个口令 first");
  ASSERT_EQ(first.status, 201u) << first.body;
  const std::string cookie = first.header("set-cookie");
  client.set_header("Cookie", cookie.substr(0, cookie.find(';')));
  EXPECT_EQ(client.get("/api/v1/me").status, 200u);

  std::ofstream(input) << "the second one\r\n";
  auto changed = run({"user", "passwd", "--data", dir_.string(), "--name", "zhou"}, input);
  ASSERT_EQ(changed.status, 0);
  EXPECT_EQ(sign_in("第一个口令 first").status, 401u);
  EXPECT_EQ(sign_in("the second one").status, 201u);
  EXPECT_EQ(run({"user", "passwd", "--data", dir_.string(), "--name", "nobody", "--password",
                 "long enough"})
                .status,
            1);
  EXPECT_EQ(server.terminate(), 0);
}

TEST_F(CliTest, ServeReadsItsOptionsFromAConfigFile) {
  std::filesystem::create_directories(dir_);
  const auto config = dir_ / "qingling.conf";
  std::ofstream(config) << "address = \"127.0.0.1\"\nport = 0\ndata = \""
                        << (dir_ / "data").string() << "\"\n";
  Server server(dir_, {"--config", config.string()});
  ASSERT_NE(server.port(), 0);
  HttpClient client("127.0.0.1", server.port());
  EXPECT_EQ(client.get("/readyz").status, 200u);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "data" / "qingling.db"));
  EXPECT_EQ(server.terminate(), 0);
}

std::string rules_version(HttpClient& client) {
  return std::string(client.get("/readyz").json().at("rules").as_string());
}

TEST_F(CliTest, SighupLoadsAChangedPackAndKeepsTheOldOneWhenTheNewIsBroken) {
  const auto pack = dir_ / "pack";
  std::filesystem::create_directories(dir_);
  std::filesystem::copy(std::string(QINGLING_SOURCE_DIR) + "/rules/packs/chengchuan", pack,
                        std::filesystem::copy_options::recursive);
  const auto edit = [](const std::filesystem::path& file, const std::string& from,
                       const std::string& to) {
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find(from), from.size(), to);
    std::ofstream(file) << text;
  };
  edit(pack / "campaign.yaml", "../../calendars/cn.yaml",
       std::string(QINGLING_SOURCE_DIR) + "/rules/calendars/cn.yaml");
  Server server(dir_,
                {"--port", "0", "--data", (dir_ / "data").string(), "--rules", pack.string()});
  ASSERT_NE(server.port(), 0);
  HttpClient client("127.0.0.1", server.port());
  const std::string first = rules_version(client);

  edit(pack / "deadlines.yaml", "within: 30 working days", "within: 25 working days");
  server.signal(SIGHUP);
  std::string second = first;
  for (int i = 0; i < 100 && second == first; ++i) {  // bounded: 10 s at most
    usleep(100 * 1000);
    second = rules_version(client);
  }
  EXPECT_NE(second, first);

  edit(pack / "workflow.yaml", "to: submitted", "to: nowhere");
  server.signal(SIGHUP);
  usleep(500 * 1000);
  EXPECT_EQ(rules_version(client), second);
  EXPECT_EQ(client.get("/healthz").status, 200u);
  EXPECT_EQ(server.terminate(), 0);
}

TEST_F(CliTest, AuditVerifyReportsTheFirstEditedRow) {
  {
    Server server(dir_);
    HttpClient client("127.0.0.1", server.port());
    client.set_token(add_user("li.na", "cc", "inspector"));
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(client.post_json("/api/v1/issues", {{"title", "t"}, {"category", "A"}}).status,
                201u);
    }
    EXPECT_EQ(server.terminate(), 0);
  }
  std::int64_t edited = 0;
  {
    SQLite::Database db((dir_ / "qingling.db").string(), SQLite::OPEN_READWRITE);
    edited = db.execAndGet("SELECT seq FROM events WHERE issue_id = 2").getInt64();
    db.exec("DROP TRIGGER events_append_only_update");
    db.exec("UPDATE events SET payload = replace(payload, 'discovered', 'cleared') WHERE seq = " +
            std::to_string(edited));
  }
  auto audit = run({"audit", "verify", "--data", dir_.string()});
  EXPECT_EQ(audit.status, 3);
  EXPECT_NE(audit.text.find("BROKEN at entry " + std::to_string(edited)), std::string::npos)
      << audit.text;
}

TEST_F(CliTest, GenFillsANewDataFolderWithTheDemoAndProblemsWithWholeHistories) {
  auto gen = run({"gen", "--data", dir_.string(), "--problems", "800", "--seed", "7"});
  ASSERT_EQ(gen.status, 0) << gen.text;
  EXPECT_NE(gen.text.find("generated 800 problems"), std::string::npos) << gen.text;
  std::int64_t total = 0;
  {
    SQLite::Database db((dir_ / "qingling.db").string(), SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
    total = db.execAndGet("SELECT COUNT(*) FROM issues").getInt64();
    EXPECT_GT(total, 800);  // the demo campaign first
    // Every problem is where its events leave it, and the open count's
    // changes add up to the problems not cleared.
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM issues i WHERE version != "
                            "(SELECT COUNT(*) FROM events e WHERE e.issue_id = i.id)")
                  .getInt64(),
              0);
    EXPECT_EQ(db.execAndGet("SELECT SUM(delta) FROM open_changes").getInt64(),
              db.execAndGet("SELECT COUNT(*) FROM issues WHERE cleared = 0").getInt64());
    // Spread over states, with some overdue and some escalated by the ladder.
    EXPECT_GE(db.execAndGet("SELECT COUNT(DISTINCT state) FROM issues WHERE id > " +
                            std::to_string(total - 800))
                  .getInt(),
              5);
    EXPECT_GT(
        db.execAndGet("SELECT COUNT(*) FROM events WHERE type = 'escalation' AND issue_id > " +
                      std::to_string(total - 800))
            .getInt64(),
        0);
  }
  auto audit = run({"audit", "verify", "--data", dir_.string()});
  EXPECT_EQ(audit.status, 0) << audit.text;

  // Never into a folder that holds problems.
  auto again = run({"gen", "--data", dir_.string(), "--problems", "10"});
  EXPECT_EQ(again.status, 1);
  {
    SQLite::Database db((dir_ / "qingling.db").string(), SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM issues").getInt64(), total);
  }

  Server server(dir_);
  HttpClient client("127.0.0.1", server.port());
  client.set_token(add_user("zhao.lei", "cc", "supervisor"));
  auto map = client.get("/api/v1/dashboard");
  ASSERT_EQ(map.status, 200u) << map.body;
  EXPECT_EQ(boost::json::parse(map.body).at("headline").at("total").as_int64(), total);

  // The weekly report counts every problem and lists the first 100 of each
  // list, longest overdue first.
  auto weekly = client.get("/api/v1/reports/weekly");
  ASSERT_EQ(weekly.status, 200u) << weekly.body;
  const boost::json::object report = boost::json::parse(weekly.body).as_object();
  const std::int64_t overdue = report.at("totals").at("overdue").as_int64();
  EXPECT_GT(overdue, 100);
  const auto& listed = report.at("overdue").as_array();
  ASSERT_EQ(static_cast<std::int64_t>(listed.size()), std::min<std::int64_t>(overdue, 100));
  EXPECT_GE(listed.front().at("days_overdue").as_int64(),
            listed.back().at("days_overdue").as_int64());
  EXPECT_LE(report.at("due_next_week").as_array().size(), 100u);
}

TEST_F(CliTest, ServeIdleTimeoutCutsOffAClientThatNeverEndsItsHeader) {
  Server server(dir_, {"--port", "0", "--data", dir_.string(), "--idle-timeout", "1"});
  ASSERT_NE(server.port(), 0);
  HttpClient client("127.0.0.1", server.port());
  const auto started = std::chrono::steady_clock::now();
  // Half a header, then silence: the server closes after a second, long
  // before the client's own 10 s patience (the default would be 30 s).
  client.raw("GET /healthz HTTP/1.1\r\nHost: x\r\n", 10000);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{5});
  EXPECT_EQ(client.get("/healthz").status, 200u);
}

TEST_F(CliTest, RulesCheckPrintsASummaryOrEveryErrorWithItsPlace) {
  auto good = run({"rules", "check", std::string(QINGLING_SOURCE_DIR) + "/rules/packs/chengchuan"});
  EXPECT_EQ(good.status, 0) << good.text;
  EXPECT_NE(good.text.find("chengchuan"), std::string::npos) << good.text;

  std::filesystem::create_directories(dir_);
  for (const char* f : {"campaign.yaml", "workflow.yaml", "deadlines.yaml"}) {
    std::filesystem::copy_file(std::string(QINGLING_SOURCE_DIR) + "/rules/packs/chengchuan/" + f,
                               dir_ / f);
  }
  {
    std::ofstream out(dir_ / "deadlines.yaml");
    out << "deadlines:\n  - name: 一般问题\n    within: 30 fortnights\n";
  }
  {
    // The copied campaign names its calendar relative to the pack's place.
    std::ifstream in(dir_ / "campaign.yaml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find("../../calendars/cn.yaml");
    if (at != std::string::npos) {
      text.replace(at, 23, std::string(QINGLING_SOURCE_DIR) + "/rules/calendars/cn.yaml");
    }
    std::ofstream(dir_ / "campaign.yaml") << text;
  }
  auto bad = run({"rules", "check", dir_.string()});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.text.find("deadlines.yaml:3:13:"), std::string::npos) << bad.text;
}

}  // namespace
}  // namespace qingling::testing

namespace qingling::testing {
namespace {

class CliLadderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("qingling-cli-ladder-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(CliLadderTest, SimulateListsWhatFallsDueAndChangesNothing) {
  // A sandbox two weeks back, so that the problem's ladder lies ahead of "now".
  {
    Server server(dir_, {"--port", "0", "--data", dir_.string(), "--sandbox", "--clock",
                         "2026-11-02T09:00:00+08:00", "--speed", "1"});
    ASSERT_NE(server.port(), 0);
    const auto token = [&](const char* name, const char* role) {
      auto out = run({"user", "add", "--data", dir_.string(), "--name", name, "--role", role});
      EXPECT_EQ(out.status, 0) << out.text;
      return last_line(out.text);
    };
    HttpClient client("127.0.0.1", server.port());
    client.set_token(token("wang", "inspector"));
    auto created = client.post_json(
        "/api/v1/issues",
        {{"title", "饮水安全设施损坏未修复"}, {"category", "C"}, {"unit", "cc.c02.t01"}});
    ASSERT_EQ(created.status, 201u) << created.body;
    client.set_token(token("chen", "supervisor"));
    auto assigned = client.post_json(
        "/api/v1/issues/" + std::to_string(created.json().at("id").as_int64()) + "/actions/assign",
        {{"fields", {{"responsible_unit", "cc.c02.t01"}, {"deadline", "2026-11-13"}}}},
        {{"If-Match", "*"}});
    ASSERT_EQ(assigned.status, 200u) << assigned.body;
    EXPECT_EQ(server.terminate(), 0);
  }
  const auto before = std::filesystem::file_size(dir_ / "qingling.db");
  auto out = run(
      {"simulate", "--data", dir_.string(), "--days", "14", "--at", "2026-11-02T09:00:00+08:00"});
  ASSERT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("1 deadline(s) fall due"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("2026-11-13  #1 饮水安全设施损坏未修复"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("2026-11-10 08:30  温馨提示"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("2026-11-13 08:30  工作提醒"), std::string::npos) << out.text;
  EXPECT_EQ(out.text.find("督查通报"), std::string::npos) << "11-20 lies past 14 days";
  EXPECT_EQ(std::filesystem::file_size(dir_ / "qingling.db"), before);

  auto narrow = run({"simulate", "--data", dir_.string(), "--days", "30", "--unit", "cc.c01",
                     "--at", "2026-11-02T09:00:00+08:00"});
  EXPECT_NE(narrow.text.find("0 ladder step(s) fire"), std::string::npos) << narrow.text;
  EXPECT_EQ(run({"simulate", "--data", dir_.string(), "--unit", "cc.c99"}).status, 2);
  EXPECT_NE(run({"simulate", "--data", dir_.string(), "--days", "0"}).status, 0);
}

TEST_F(CliLadderTest, ClockFlagsAreRefusedOutsideASandbox) {
  auto out = run(
      {"serve", "--data", dir_.string(), "--port", "0", "--clock", "2026-11-02T09:00:00+08:00"});
  EXPECT_EQ(out.status, 2);
  auto speed = run({"serve", "--data", dir_.string(), "--port", "0", "--speed", "60"});
  EXPECT_EQ(speed.status, 2);
  auto bad =
      run({"serve", "--data", dir_.string(), "--port", "0", "--sandbox", "--clock", "yesterday"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "qingling.db")) << "nothing was started";
}

}  // namespace
}  // namespace qingling::testing

namespace qingling::testing {
namespace {

class CliDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() / ("qingling-data-" + std::string(info->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(CliDataTest, ARealTreeAndItsLedgerLoadIntoAnEmptyDataFolder) {
  const auto data = dir_ / "data";
  const auto units = write("units.csv",
                           "单位编码,单位名称,上级单位编码,单位类型,联系邮箱\n"
                           "xc,新城市,,市,office@xc.example\n"
                           "xc.q1,东城区,xc,县,\n"
                           "xc.q1.z1,东关街道,xc.q1,乡镇,\n"
                           "xc.q1.z2,西关街道,xc.q1,乡镇,\n");
  auto out = run({"import", "units", units.string(), "--data", data.string()});
  ASSERT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("4 added"), std::string::npos) << out.text;

  const auto ledger = write("ledger.csv",
                            "编号,问题类别,问题标题,所在单位,责任单位,整改时限\n"
                            "DC-1,A,街道考核走过场,东关街道,东关街道,2027-01-31\n"
                            "DC-2,B,监测对象漏登,西关街道,,\n");
  out = run({"import", "issues", ledger.string(), "--data", data.string(), "--dry-run"});
  ASSERT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("would import 2 rows (csv, utf-8): 2 created"), std::string::npos)
      << out.text;
  out = run({"import", "issues", ledger.string(), "--data", data.string()});
  ASSERT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("imported 2 rows (csv, utf-8): 2 created, 0 unchanged"),
            std::string::npos)
      << out.text;
  out = run({"import", "issues", ledger.string(), "--data", data.string()});
  EXPECT_NE(out.text.find("0 created, 2 unchanged"), std::string::npos) << out.text;

  // A bad file: exit 1, nothing written.
  const auto bad = write("bad.csv", "问题类别,问题标题,所在单位\nA,好,东关街道\nQ,坏,北城\n");
  EXPECT_EQ(run({"import", "issues", bad.string(), "--data", data.string()}).status, 1);

  const auto csv = dir_ / "ledger-out.csv";
  out =
      run({"export", "ledger", "--data", data.string(), "--format", "csv", "--out", csv.string()});
  ASSERT_EQ(out.status, 0) << out.text;
  EXPECT_NE(out.text.find("wrote 2 problems"), std::string::npos) << out.text;
  std::ifstream in(csv, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(text.rfind("\xEF\xBB\xBF序号,编号", 0), 0u);
  EXPECT_NE(text.find("DC-1,地毯式排查,责任落实方面,街道考核走过场"), std::string::npos) << text;
  EXPECT_NE(text.find("东关街道,2027-01-31"), std::string::npos) << text;
  EXPECT_EQ(text.find("好"), std::string::npos);

  // The server takes the imported tree as it is.
  Server server(data);
  ASSERT_NE(server.port(), 0);
  out = run({"audit", "verify", "--data", data.string()});
  EXPECT_EQ(out.status, 0) << out.text;
}

TEST_F(CliDataTest, ABackupTakenWhileServingHoldsTheDatabaseAndEveryEvidenceFile) {
  const auto data = dir_ / "data";
  const auto copy = dir_ / "backup";
  std::string url;
  const std::string photo = "%PDF-1.4\n% 整改后现场照片说明\n%%EOF\n";
  {
    Server server(data, {"--port", "0", "--data", data.string(), "--demo"});
    ASSERT_NE(server.port(), 0);
    auto user = run({"user", "add", "--data", data.string(), "--name", "wang", "--unit", "cc",
                     "--role", "supervisor"});
    ASSERT_EQ(user.status, 0);
    HttpClient client("127.0.0.1", server.port());
    client.set_token(last_line(user.text));
    auto list = client.get("/api/v1/issues?state=rectifying&limit=1");
    ASSERT_EQ(list.status, 200u) << list.body;
    const auto id = list.json().at("items").at(0).at("id").as_int64();
    auto res = client.request(
        "POST", "/api/v1/issues/" + std::to_string(id) + "/evidence?name=%E7%85%A7.pdf", photo,
        {{"Content-Type", "application/pdf"}});
    ASSERT_EQ(res.status, 201u) << res.body;
    url = res.json().at("attached").at(0).at("url").as_string();

    auto out = run({"backup", "--data", data.string(), "--to", copy.string()});
    ASSERT_EQ(out.status, 0) << out.text;
    EXPECT_NE(out.text.find("evidence files"), std::string::npos) << out.text;
    EXPECT_EQ(run({"backup", "--data", data.string(), "--to", copy.string()}).status, 1);
  }
  std::filesystem::remove_all(data);  // the original is gone: the backup must serve alone
  EXPECT_EQ(run({"audit", "verify", "--data", copy.string()}).status, 0);
  Server restored(copy);
  ASSERT_NE(restored.port(), 0);
  auto user = run({"user", "add", "--data", copy.string(), "--name", "li", "--unit", "cc", "--role",
                   "supervisor"});
  HttpClient client("127.0.0.1", restored.port());
  client.set_token(last_line(user.text));
  auto file = client.get(url);
  ASSERT_EQ(file.status, 200u) << file.body;
  EXPECT_EQ(file.body, photo);
  // The demo's own evidence came along too.
  auto list = client.get("/api/v1/issues?state=cleared&limit=1");
  const auto cleared = list.json().at("items").at(0).at("id").as_int64();
  auto files = client.get("/api/v1/issues/" + std::to_string(cleared) + "/evidence");
  ASSERT_FALSE(files.json().at("items").as_array().empty()) << files.body;
  EXPECT_EQ(client.get(std::string(files.json().at("items").at(0).at("url").as_string())).status,
            200u);
}

}  // namespace
}  // namespace qingling::testing
