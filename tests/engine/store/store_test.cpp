// The SQLite store on real files: the chained log, projections, the single
// writer with group commit, idempotency and the audit walk.

#include <atomic>
#include <filesystem>
#include <future>
#include <set>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "engine/store/accounts.h"
#include "engine/store/audit.h"
#include "engine/store/commands.h"
#include "engine/store/store.h"
#include "engine/store/writer.h"
#include "tests/support/fake_clock.h"

namespace qingling::store {
namespace {

using qingling::testing::FakeClock;

RuleSet small_rules() {
  RuleSet r;
  r.version = "test+00000000";
  r.zone = TimeZone("Asia/Shanghai");
  r.roles = {"inspector", "supervisor", "responsible"};
  r.categories = {{"A", "责任落实方面"}, {"C", "两不愁三保障"}};
  r.sources = {{"carpet", "地毯式排查"}};
  r.severities = {{"general", "一般"}};
  r.default_source = "carpet";
  r.default_severity = "general";
  r.states = {{"discovered", "待交办", DeadlineClock::Stopped, false},
              {"rectifying", "整改中", DeadlineClock::Running, false}};
  r.initial_state = "discovered";
  r.create_roles = {"inspector"};
  ActionDef assign;
  assign.name = "assign";
  assign.from = {"discovered"};
  assign.to = "rectifying";
  assign.roles = {"supervisor"};
  assign.fields = {{"responsible_unit", FieldType::UnitCode, true, "责任单位"}};
  assign.deadline = DeadlineEffect::Plan;
  r.actions = {assign};
  DeadlineRule rule;
  rule.name = "一般";
  rule.within = 10;
  rule.unit = SpanUnit::WorkingDays;
  r.deadlines = {rule};
  return r;
}

std::vector<Unit> small_tree() {
  return {{"cc", "澄川市", "city", "", ""},
          {"cc.c01", "望岭区", "county", "cc", ""},
          {"cc.c01.t01", "东溪镇", "township", "cc.c01", ""},
          {"cc.c02", "溪桥县", "county", "cc", ""}};
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() / ("qingling-store-" + std::string(info->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    file_ = dir_ / "qingling.db";
    db_ = open_sqlite(file_);
    auto backend = db_->open_writer();
    backend->begin();
    ASSERT_TRUE(load_units_if_empty(*backend, small_tree(), clock_.now()));
    backend->commit();
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Writer> writer() {
    return std::make_unique<Writer>(db_->open_writer(), clock_,
                                    std::make_shared<const RuleSet>(rules_));
  }

  static Result<Receipt> wait(Writer& w, Command c) {
    std::promise<Result<Receipt>> promise;
    auto future = promise.get_future();
    w.submit(std::move(c), [&promise](std::exception_ptr e, Result<Receipt> r) {
      if (e) {
        promise.set_exception(e);
      } else {
        promise.set_value(std::move(r));
      }
    });
    return future.get();
  }

  static CreateIssue create(const std::string& title, const std::string& key = "") {
    return CreateIssue{IssueDraft{{{"title", title}, {"category", "C"}, {"unit", "cc.c01.t01"}}},
                       Actor{"ins", "cc.c01", {"inspector"}}, key};
  }

  std::filesystem::path dir_;
  std::filesystem::path file_;
  FakeClock clock_{*parse_instant("2026-03-02T01:00:00Z")};
  RuleSet rules_ = small_rules();
  std::unique_ptr<Database> db_;
};

TEST_F(StoreTest, WritesAreReadBackAfterReopeningTheFile) {
  {
    auto w = writer();
    auto r = wait(*w, create("台账缺失"));
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    EXPECT_EQ(r->issue.id, 1);
    auto a =
        wait(*w, TakeAction{1, 1, ActionRequest{"assign", {{"responsible_unit", "cc.c01.t01"}}, ""},
                            Actor{"sup", "cc", {"supervisor"}}});
    ASSERT_TRUE(a.has_value()) << a.error().detail;
    EXPECT_EQ(a->issue.state, "rectifying");
  }
  db_.reset();
  db_ = open_sqlite(file_);
  auto view = db_->open_reader();
  auto issue = view->issue(1);
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->title, "台账缺失");
  EXPECT_EQ(issue->state, "rectifying");
  ASSERT_TRUE(issue->deadline);
  EXPECT_EQ(format_date(issue->deadline->date), "2026-03-16");  // 10 weekdays after Monday 03-02
  const auto events = view->events(1);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].action, "assign");
  EXPECT_EQ(events[1].pack_version, "test+00000000");
  // Replaying the log rebuilds the projection.
  Issue rebuilt;
  for (const Event& e : events) rebuilt = apply(rebuilt, e);
  EXPECT_EQ(rebuilt.state, issue->state);
  EXPECT_EQ(rebuilt.deadline->date, issue->deadline->date);
  EXPECT_EQ(rebuilt.version, issue->version);
}

TEST_F(StoreTest, ConcurrentCommandsAreGroupedIntoFewTransactions) {
  auto w = writer();
  constexpr int kCount = 400;
  std::vector<std::promise<Result<Receipt>>> promises(kCount);
  for (int i = 0; i < kCount; ++i) {
    w->submit(create("问题 " + std::to_string(i)),
              [&promises, i](std::exception_ptr e, Result<Receipt> r) {
                if (e) {
                  promises[static_cast<std::size_t>(i)].set_exception(e);
                } else {
                  promises[static_cast<std::size_t>(i)].set_value(std::move(r));
                }
              });
  }
  std::set<std::int64_t> ids;
  for (auto& p : promises) {
    auto r = p.get_future().get();
    ASSERT_TRUE(r.has_value());
    ids.insert(r->issue.id);
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kCount));
  EXPECT_LT(w->stats().batches, static_cast<std::uint64_t>(kCount));
  EXPECT_EQ(w->stats().commands, static_cast<std::uint64_t>(kCount));
}

TEST_F(StoreTest, ARejectedCommandInABatchLeavesNoTrace) {
  auto w = writer();
  auto bad = wait(*w, CreateIssue{IssueDraft{{{"title", ""}, {"category", "C"}}},
                                  Actor{"ins", "cc.c01", {"inspector"}}, ""});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().kind, Rejection::Kind::Invalid);
  auto good = wait(*w, create("第二个"));
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->issue.id, 1);
  auto view = db_->open_reader();
  EXPECT_EQ(view->events(1).size(), 1u);
  EXPECT_TRUE(verify_chain(*view).ok());
}

TEST_F(StoreTest, IdempotencyKeysReplayTheFirstAnswer) {
  auto w = writer();
  auto a = wait(*w, create("重复提交", "k1"));
  auto b = wait(*w, create("重复提交", "k1"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->issue.id, b->issue.id);
  EXPECT_TRUE(b->replayed);
  auto c = wait(*w, create("别的", "k1"));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().fields.at(0).field, "Idempotency-Key");
}

TEST_F(StoreTest, StaleVersionsAndForeignJurisdictionsAreRejected) {
  auto w = writer();
  ASSERT_TRUE(wait(*w, create("x")));
  auto stale =
      wait(*w, TakeAction{1, 7, ActionRequest{"assign", {{"responsible_unit", "cc.c01"}}, ""},
                          Actor{"sup", "cc", {"supervisor"}}});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, Rejection::Kind::StaleVersion);
  auto foreign =
      wait(*w, TakeAction{1, 1, ActionRequest{"assign", {{"responsible_unit", "cc.c02"}}, ""},
                          Actor{"sup2", "cc.c02", {"supervisor"}}});
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().kind, Rejection::Kind::NotFound);
}

TEST_F(StoreTest, AuditVerifyFindsAnEditedEventRow) {
  {
    auto w = writer();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(wait(*w, create("问题 " + std::to_string(i))));
  }
  {
    auto view = db_->open_reader();
    const auto report = verify_chain(*view);
    EXPECT_TRUE(report.ok()) << report.problem;
    EXPECT_EQ(report.entries, 4);  // units loaded + three problems
  }
  {
    SQLite::Database raw(file_.string(), SQLite::OPEN_READWRITE);
    // The log refuses edits; someone with the file can still drop the guard.
    EXPECT_THROW(raw.exec("UPDATE events SET actor = 'mallory' WHERE seq = 3"), SQLite::Exception);
    raw.exec("DROP TRIGGER events_append_only_update");
    raw.exec("UPDATE events SET actor = 'mallory' WHERE seq = 3");
  }
  auto view = db_->open_reader();
  const auto report = verify_chain(*view);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(*report.broken, 3);
  EXPECT_EQ(report.entries, 2);
}

TEST_F(StoreTest, UsersGetTokensThatResolveAndNamesAreUnique) {
  auto backend = db_->open_writer();
  backend->begin();
  User u;
  u.name = "zhang.wei";
  u.unit = "cc.c01";
  u.roles = {"supervisor"};
  auto token = add_user(*backend, u, rules_.roles, clock_.now());
  ASSERT_TRUE(token) << token.error().detail;
  auto again = add_user(*backend, u, rules_.roles, clock_.now());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().fields.at(0).field, "name");
  u.name = "li";
  u.roles = {"emperor"};
  auto bad_role = add_user(*backend, u, rules_.roles, clock_.now());
  ASSERT_FALSE(bad_role);
  EXPECT_EQ(bad_role.error().fields.at(0).field, "role");
  backend->commit();
  auto view = db_->open_reader();
  auto user = view->user_by_token_hash(token_hash(*token));
  ASSERT_TRUE(user);
  EXPECT_EQ(user->name, "zhang.wei");
  EXPECT_FALSE(view->user_by_token_hash(token_hash("qlt_wrong")));
}

}  // namespace
}  // namespace qingling::store

namespace qingling::store {
namespace {

TEST_F(StoreTest, TheWriterTellsOfWhatCommittedAndKeepsTheOpenCountChanges) {
  auto w = writer();
  std::mutex mutex;
  std::vector<IssueSummary> heard;
  std::vector<OpenChange> changes;
  w->on_issues_written([&](WriteBackend::Written&& written) {
    std::lock_guard lock(mutex);
    heard.insert(heard.end(), written.summaries.begin(), written.summaries.end());
    changes.insert(changes.end(), written.changes.begin(), written.changes.end());
  });
  ASSERT_TRUE(wait(*w, create("留下的")).has_value());
  // Written, then undone by its own rejection: never heard of.
  auto undone = wait(*w, Decision{[](WriteBackend& b, const WriteContext& ctx) -> Result<Receipt> {
    EXPECT_TRUE(execute(b, create("撤销的"), ctx).has_value());
    return Rejection::invalid("a dry run");
  }});
  ASSERT_FALSE(undone.has_value());
  ASSERT_TRUE(
      wait(*w, TakeAction{1, 1, ActionRequest{"assign", {{"responsible_unit", "cc.c01.t01"}}, ""},
                          Actor{"sup", "cc", {"supervisor"}}})
          .has_value());
  w->stop();
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(heard.size(), 2u);
    EXPECT_EQ(heard[0].id, 1);
    EXPECT_EQ(heard[1].state, "rectifying");
    EXPECT_EQ(heard[1].responsible_unit, "cc.c01.t01");
    ASSERT_TRUE(heard[1].deadline);
    ASSERT_EQ(changes.size(), 1u) << "logging opens; assigning changes nothing";
    EXPECT_EQ(changes[0].issue_id, 1);
    EXPECT_EQ(changes[0].delta, 1);
    EXPECT_EQ(format_date(changes[0].day), "2026-03-02");
  }
  const auto stored = [&] {
    std::vector<OpenChange> out;
    db_->open_reader()->scan_open_changes([&](const OpenChange& c) { out.push_back(c); });
    return out;
  };
  ASSERT_EQ(stored().size(), 1u);
  std::vector<IssueSummary> summaries;
  db_->open_reader()->scan_summaries([&](IssueSummary&& s) { summaries.push_back(s); });
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0].state, "rectifying");
  EXPECT_FALSE(summaries[0].cleared);

  // A database from before the changes were kept is filled from its log, once.
  SQLite::Database(file_.string(), SQLite::OPEN_READWRITE).exec("DELETE FROM open_changes");
  auto backend = db_->open_writer();
  auto view = db_->open_reader();
  EXPECT_TRUE(fill_open_changes(*backend, *view, "cc"));
  EXPECT_FALSE(fill_open_changes(*backend, *view, "cc"));
  const auto filled = stored();
  ASSERT_EQ(filled.size(), 1u);
  EXPECT_EQ(filled[0].day, changes[0].day);
}

}  // namespace
}  // namespace qingling::store
