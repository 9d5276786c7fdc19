#include "web/demo/demo_data.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include "engine/core/sha256.h"
#include "engine/store/accounts.h"
#include "rules/loader/pack_loader.h"

namespace qingling {
namespace {

namespace fs = std::filesystem;

const fs::path kPack = fs::path(QINGLING_SOURCE_DIR) / "rules/packs/chengchuan";

std::optional<RuleSet> load_rules(Instant now) {
  rules::LoadResult loaded = rules::load_pack(kPack, std::chrono::floor<std::chrono::days>(now));
  for (const rules::LoadError& e : loaded.errors) ADD_FAILURE() << e.to_string();
  return std::move(loaded.rules);
}

// Seeding is the slow part, so the suite seeds one database, in a temp
// folder named after the suite and the process (ctest runs each test in a
// process of its own, in parallel), and every test reads it.
class DemoData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    now_ = *parse_instant("2026-11-27T03:00:00Z");
    std::optional<RuleSet> loaded = load_rules(now_);
    ASSERT_TRUE(loaded.has_value());
    rules_ = std::make_unique<RuleSet>(std::move(*loaded));
    seed_ = std::make_unique<rules::DemoSeed>(rules::load_seed(kPack / "seed"));
    today_ = rules_->zone.local_date(now_);

    dir_ = fs::temp_directory_path() / ("qingling-DemoData-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = store::open_sqlite(dir_ / "qingling.db");
    auto backend = db_->open_writer();
    backend->begin();
    store::load_units_if_empty(*backend, seed_->units, now_);
    backend->commit();
    const auto started = std::chrono::steady_clock::now();
    demo::seed_demo(*backend, *rules_, *seed_, now_, dir_ / "evidence");
    const auto elapsed = std::chrono::steady_clock::now() - started;
    std::cerr << "seed_demo took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms\n";
  }

  static void TearDownTestSuite() {
    db_.reset();
    seed_.reset();
    rules_.reset();
    fs::remove_all(dir_);  // the database with its -wal and -shm, and the evidence
  }

  void SetUp() override {
    ASSERT_NE(db_, nullptr);
    reader_ = db_->open_reader();
  }

  // Every problem the query finds, page by page.
  std::vector<Issue> all(store::IssueQuery query) {
    std::vector<Issue> out;
    query.limit = 200;
    for (;;) {
      store::IssuePage page = reader_->issues(query);
      out.insert(out.end(), page.items.begin(), page.items.end());
      if (!page.next_cursor) return out;
      query.before_id = page.next_cursor;
    }
  }

  std::vector<Issue> in(const std::string& unit, const std::string& state = {},
                        bool overdue_only = false) {
    store::IssueQuery q;
    q.jurisdiction = unit;
    q.state = state;
    q.overdue_only = overdue_only;
    q.today = today_;
    return all(q);
  }

  // The problems whose history holds `action` at least once.
  int with_action(const std::string& action) {
    int n = 0;
    for (const Issue& issue : in("cc")) {
      for (const Event& e : reader_->events(issue.id)) {
        if (e.action == action) {
          ++n;
          break;
        }
      }
    }
    return n;
  }

  // Problems in `state` whose last submit came after the deadline it had then.
  int submitted_late(const std::string& state) {
    int n = 0;
    for (const Issue& issue : in("cc", state)) {
      std::optional<Date> deadline;
      bool late = false;
      for (const Event& e : reader_->events(issue.id)) {
        if (e.deadline) deadline = e.deadline->date;
        if (e.action == "submit") late = deadline && e.local_date > *deadline;
      }
      n += late ? 1 : 0;
    }
    return n;
  }

  static inline Instant now_{};
  static inline Date today_{};
  static inline std::unique_ptr<RuleSet> rules_;
  static inline std::unique_ptr<rules::DemoSeed> seed_;
  static inline fs::path dir_;
  static inline std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::ReadView> reader_;
};

TEST_F(DemoData, HoldsTheCampaignAndPointProblemsByState) {
  EXPECT_EQ(in("cc").size(), 577u);
  const std::map<std::string, std::size_t> expected = {{"cleared", 9 + 198},
                                                       {"submitted", 5 + 64},
                                                       {"rectifying", 18 + 236},
                                                       {"long_term", 5 + 18},
                                                       {"discovered", 24}};
  for (const auto& [state, count] : expected) EXPECT_EQ(in("cc", state).size(), count) << state;

  std::map<std::string, int> campaign;
  for (const Issue& issue : in("cc")) {
    if (issue.source == "feedback") ++campaign[issue.state];
  }
  EXPECT_EQ(campaign, (std::map<std::string, int>{
                          {"cleared", 9}, {"submitted", 5}, {"rectifying", 18}, {"long_term", 5}}));
}

TEST_F(DemoData, EachCountyMeetsItsTarget) {
  for (const rules::CountyTarget& t : seed_->county_targets) {
    const std::string& c = t.county;
    EXPECT_EQ(in(c).size(), static_cast<std::size_t>(t.items)) << c;
    EXPECT_EQ(in(c, "discovered").size(), static_cast<std::size_t>(t.discovered)) << c;
    EXPECT_EQ(in(c, "rectifying").size(), static_cast<std::size_t>(t.rectifying)) << c;
    EXPECT_EQ(in(c, "submitted").size(), static_cast<std::size_t>(t.submitted)) << c;
    EXPECT_EQ(in(c, "cleared").size(), static_cast<std::size_t>(t.cleared)) << c;
    EXPECT_EQ(in(c, "long_term").size(), static_cast<std::size_t>(t.long_term)) << c;
    const std::vector<Issue> overdue = in(c, "", true);
    EXPECT_EQ(overdue.size(), static_cast<std::size_t>(t.overdue)) << c;
    int red = 0;
    for (const Issue& issue : overdue)
      red += overdue_status(issue, *rules_, today_).days_overdue >= 15;
    EXPECT_EQ(red, t.overdue_red) << c;
  }
}

TEST_F(DemoData, OnlyB4AndD4AreOverdueAmongTheCampaignProblems) {
  std::vector<std::string> titles;
  int points = 0;
  for (const Issue& issue : in("cc", "", true)) {
    if (issue.source == "feedback")
      titles.push_back(issue.title);
    else
      ++points;
  }
  std::vector<std::string> expected;
  for (const rules::SeedProblem& p : seed_->problems) {
    if (p.code == "D4" || p.code == "B4") expected.push_back(p.title);
  }
  std::sort(titles.begin(), titles.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(titles, expected);
  EXPECT_EQ(points, 52);
}

TEST_F(DemoData, HistoriesHoldRejectsReopensExtensionsAndLateSubmissions) {
  EXPECT_EQ(with_action("reject"), 28 + 1);  // B5 among the campaign problems
  EXPECT_EQ(with_action("reopen"), 12);
  EXPECT_EQ(with_action("extend"), 6);
  EXPECT_EQ(with_action("to_long_term"), 23);
  EXPECT_EQ(submitted_late("cleared"), 21);
  EXPECT_EQ(submitted_late("submitted"), 9 + 2);  // B5 and F5
}

TEST_F(DemoData, EventsCarryThePackVersionAndHappenInOfficeHoursBeforeNow) {
  for (const Issue& issue : in("cc")) {
    Instant previous{};
    for (const Event& e : reader_->events(issue.id)) {
      EXPECT_EQ(e.pack_version, rules_->version) << issue.title;
      EXPECT_GT(e.at, previous) << issue.title;
      EXPECT_LT(e.at, now_) << issue.title;
      const auto minutes = e.at - rules_->zone.at_local(e.local_date, std::chrono::minutes{0});
      EXPECT_GE(minutes, std::chrono::hours{9}) << issue.title;
      EXPECT_LE(minutes, std::chrono::minutes{17 * 60 + 30}) << issue.title;
      previous = e.at;
    }
  }
}

TEST_F(DemoData, LogChainVerifies) {
  std::string previous(64, '0');
  int entries = 0;
  reader_->scan_log([&](const store::LogEntry& entry) {
    EXPECT_EQ(entry.prev_hash, previous) << entry.seq;
    EXPECT_EQ(store::chain_hash(entry), entry.hash) << entry.seq;
    previous = entry.hash;
    ++entries;
    return true;
  });
  EXPECT_GT(entries, 577 * 3);
}

TEST_F(DemoData, EvidenceOfAClearedProblemIsOnDisk) {
  const std::vector<Issue> cleared = in("cc", "cleared");
  ASSERT_FALSE(cleared.empty());
  int files = 0;
  for (const Event& e : reader_->events(cleared.front().id)) {
    if (e.type != Event::Type::EvidenceAttached) continue;
    const std::string& hash = e.fields.at("evidence.sha256");
    std::ifstream in(dir_ / "evidence" / hash.substr(0, 2) / hash, std::ios::binary);
    ASSERT_TRUE(in) << e.fields.at("evidence.name");
    const std::string content{std::istreambuf_iterator<char>(in), {}};
    EXPECT_EQ(sha256_hex(content), hash);
    EXPECT_EQ(std::to_string(content.size()), e.fields.at("evidence.size"));
    ++files;
  }
  EXPECT_GT(files, 0);
}

TEST_F(DemoData, TokensResolveToOneUserPerRole) {
  auto backend = db_->open_writer();
  const std::vector<demo::DemoToken> tokens = demo::demo_tokens(*backend, *seed_, now_);
  ASSERT_EQ(tokens.size(), 4u);
  for (const demo::DemoToken& t : tokens) {
    const auto user = reader_->user_by_token_hash(store::token_hash(t.token));
    ASSERT_TRUE(user.has_value()) << t.role;
    EXPECT_EQ(user->name, t.user);
    EXPECT_EQ(user->roles, std::vector<std::string>{t.role});
    EXPECT_EQ(user->unit, t.unit);
  }
}

TEST(DemoSeeding, LeavesTheDatabaseUntouchedWhenTheSeedCannotBePlayed) {
  const fs::path dir =
      fs::temp_directory_path() / "qingling-DemoSeeding-LeavesTheDatabaseUntouched";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const Instant now = *parse_instant("2026-11-27T03:00:00Z");
  const std::optional<RuleSet> rules = load_rules(now);
  ASSERT_TRUE(rules.has_value());
  rules::DemoSeed seed = rules::load_seed(kPack / "seed");
  seed.problems.front().lead_unit = "cc.nowhere";  // no such unit: no one can act on it
  {
    auto db = store::open_sqlite(dir / "qingling.db");
    auto backend = db->open_writer();
    backend->begin();
    store::load_units_if_empty(*backend, seed.units, now);
    backend->commit();
    EXPECT_THROW(demo::seed_demo(*backend, *rules, seed, now, dir / "evidence"), std::logic_error);
    backend->begin();
    EXPECT_EQ(backend->count_issues(), 0);
    EXPECT_FALSE(backend->user_by_name("admin").has_value());
    backend->rollback();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace qingling
