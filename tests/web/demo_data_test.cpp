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
#include <set>

#include <gtest/gtest.h>

#include "engine/core/escalation.h"
#include "engine/core/sha256.h"
#include "engine/store/accounts.h"
#include "engine/store/escalations.h"
#include "rules/loader/pack_loader.h"

namespace qingling {
namespace {

namespace fs = std::filesystem;

const fs::path kPack = fs::path(QINGLING_SOURCE_DIR) / "rules/packs/chengchuan";

// How soon after the write that lets a step fall due the seeding fires it
// (the live scheduler is woken by that write).
constexpr std::chrono::minutes kSchedulerGranularity{1};

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
      query.cursor = page.next_cursor;
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

  // (red, yellow) among `issues`.
  static std::pair<int, int> levels_of(const std::vector<Issue>& issues) {
    std::pair<int, int> n{0, 0};
    for (const Issue& issue : issues) {
      n.first += issue.level == Level::Red ? 1 : 0;
      n.second += issue.level == Level::Yellow ? 1 : 0;
    }
    return n;
  }

  std::vector<Event> fired(const Issue& issue) {
    std::vector<Event> out;
    for (Event& e : reader_->events(issue.id)) {
      if (e.type == Event::Type::Escalated) out.push_back(std::move(e));
    }
    return out;
  }

  const Issue& campaign_problem(const std::vector<Issue>& issues, const std::string& code) {
    const auto p = std::find_if(seed_->problems.begin(), seed_->problems.end(),
                                [&](const rules::SeedProblem& sp) { return sp.code == code; });
    const auto it = std::find_if(issues.begin(), issues.end(), [&](const Issue& i) {
      return p != seed_->problems.end() && i.title == p->title;
    });
    if (it == issues.end()) throw std::logic_error("no campaign problem " + code);
    return *it;
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
    const auto [red, yellow] = levels_of(overdue);
    EXPECT_EQ(red, t.overdue_red) << c;
    EXPECT_EQ(yellow, t.overdue - t.overdue_red) << c;
    for (const Issue& issue : overdue) {
      if (issue.level == Level::Red) {
        EXPECT_GE(overdue_status(issue, *rules_, today_).days_overdue, 15) << issue.title;
      }
    }
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

// People act from 09:00; the ladder fires from the start of working hours,
// several steps at one moment when they fall due together.
TEST_F(DemoData, EventsCarryThePackVersionAndHappenInOfficeHoursBeforeNow) {
  const WorkingHours& hours = rules_->escalation.hours;
  for (const Issue& issue : in("cc")) {
    Instant previous{};
    for (const Event& e : reader_->events(issue.id)) {
      const bool fired = e.type == Event::Type::Escalated;
      EXPECT_EQ(e.pack_version, rules_->version) << issue.title;
      if (fired) {
        EXPECT_GE(e.at, previous) << issue.title;
      } else {
        EXPECT_GT(e.at, previous) << issue.title;
      }
      EXPECT_LT(e.at, now_) << issue.title;
      const auto minutes = e.at - rules_->zone.at_local(e.local_date, std::chrono::minutes{0});
      EXPECT_GE(minutes, fired ? hours.start : std::chrono::hours{9}) << issue.title;
      EXPECT_LE(minutes, fired ? hours.end : std::chrono::minutes{17 * 60 + 30}) << issue.title;
      EXPECT_TRUE(rules_->calendar.is_working_day(e.local_date) || !fired) << issue.title;
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

// Every firing happened when its step fell due, as a scheduler running all
// along would have done it: on time, or, for a step that fell due while the
// deadline clock was stopped (submitted, cleared), right after the reject or
// reopen that started the clock again. None is a catch-up (补发) at start.
TEST_F(DemoData, LadderStepsFiredWhenTheyFellDue) {
  std::map<std::string, int> by_step;
  int on_time = 0;
  int on_restart = 0;
  for (const Issue& issue : in("cc")) {
    std::optional<Event> last_write;
    for (const Event& e : reader_->events(issue.id)) {
      if (e.type != Event::Type::Escalated) {
        last_write = e;
        continue;
      }
      ++by_step[e.action];
      const std::optional<Instant> due = parse_instant(e.fields.at("due_at"));
      ASSERT_TRUE(due.has_value()) << issue.title;
      EXPECT_LE(*due, e.at) << issue.title;
      EXPECT_LT(e.at, now_) << issue.title;
      EXPECT_EQ(e.actor, "scheduler");
      const int late = std::stoi(e.fields.at("late_minutes"));
      if (*due == e.at) {
        EXPECT_EQ(late, 0) << issue.title;
        ++on_time;
        continue;
      }
      ASSERT_TRUE(last_write.has_value()) << issue.title;
      EXPECT_LE(e.at - last_write->at, kSchedulerGranularity) << issue.title << " " << e.action;
      EXPECT_LT(*due, last_write->at) << issue.title << " " << e.action;
      EXPECT_TRUE(last_write->action == "reject" || last_write->action == "reopen")
          << issue.title << " fired late after " << last_write->action;
      ++on_restart;
    }
  }
  for (const EscalationStep& step : rules_->escalation.steps) {
    EXPECT_GT(by_step[step.code], 0) << step.code;
  }
  EXPECT_GT(on_time, 10 * on_restart);
  std::cerr << "fired " << on_time << " on time, " << on_restart << " on a restarted clock\n";
}

// DOMAIN.md §7.5: at now 54 problems are overdue, 19 red and 35 yellow; the
// ladder raised them (yellow 5 working days overdue, red 15 days).
TEST_F(DemoData, OverdueProblemsAreRedOrYellowAsTheLadderRaisedThem) {
  const std::vector<Issue> overdue = in("cc", "", true);
  EXPECT_EQ(overdue.size(), 54u);
  EXPECT_EQ(levels_of(overdue), std::make_pair(19, 35));
  for (const Issue& issue : overdue) {
    const std::string expected = issue.level == Level::Red ? "yellow_card" : "bulletin";
    bool raised = false;
    for (const Event& e : fired(issue)) {
      raised = raised || (e.action == expected &&
                          e.fields.at("deadline") == format_date(issue.deadline->date));
    }
    EXPECT_TRUE(raised) << issue.title << " has no " << expected;
  }
  for (const Issue& issue : in("cc", "rectifying")) {
    if (overdue_status(issue, *rules_, today_).days_overdue == 0) {
      EXPECT_EQ(issue.level, Level::Green) << issue.title;  // due today or later
    }
  }
  const std::vector<Issue> all_issues = in("cc");
  EXPECT_EQ(campaign_problem(all_issues, "B4").level, Level::Yellow);
  EXPECT_EQ(campaign_problem(all_issues, "D4").level, Level::Red);
  EXPECT_GE(fired(campaign_problem(all_issues, "D4")).size(), 5u);  // weekly repeats
}

// F5 "submitted late (≈7 d after deadline; was yellow)".
TEST_F(DemoData, F5WasYellowBeforeItsLateSubmission) {
  const std::vector<Issue> submitted = in("cc", "submitted");
  const Issue& f5 = campaign_problem(submitted, "F5");
  EXPECT_EQ(f5.level, Level::Yellow);
  Instant bulletin{};
  Instant submit{};
  for (const Event& e : reader_->events(f5.id)) {
    if (e.action == "bulletin") bulletin = e.at;
    if (e.action == "submit") submit = e.at;
  }
  EXPECT_GT(bulletin, Instant{});
  EXPECT_LT(bulletin, submit);
}

// Each firing wrote one item per address it notified; a sender running
// alongside sent them, one digest per recipient and slot, at the slot.
TEST_F(DemoData, OutboxHoldsTheHistoricMessagesAsSent) {
  std::size_t expected_items = 0;
  for (const Issue& issue : in("cc")) {
    for (const Event& e : fired(issue)) {
      const std::string& to = e.fields.at("notified");
      if (!to.empty()) {
        expected_items += 1 + static_cast<std::size_t>(std::count(to.begin(), to.end(), ','));
      }
    }
  }
  std::size_t items = 0;
  std::size_t late_items = 0;  // of steps that fell due while the clock was stopped
  std::size_t messages = 0;
  std::set<std::pair<std::string, Instant>> digests;
  store::OutboxQuery query;
  query.limit = 200;
  for (;;) {
    const store::OutboxPage page = reader_->outbox(query);
    for (const store::OutboxMessage& m : page.items) {
      ++messages;
      items += m.items.size();
      EXPECT_EQ(m.state, "sent") << m.id;
      EXPECT_EQ(m.kind, "escalation") << m.id;
      EXPECT_EQ(m.attempts, 1) << m.id;
      EXPECT_EQ(m.sent_at, std::optional<Instant>{m.slot}) << m.id;
      EXPECT_LT(m.slot, now_) << m.id;
      EXPECT_TRUE(digests.emplace(m.recipient, m.slot).second) << m.recipient;
      for (const store::OutboxItem& item : m.items) {
        EXPECT_GT(item.issue_id, 0) << m.id;
        if (item.late_minutes > 0) {
          ++late_items;
        } else {
          EXPECT_EQ(item.text.find("补发"), std::string::npos) << item.subject;
        }
      }
    }
    if (!page.next_cursor) break;
    query.before_id = page.next_cursor;
  }
  EXPECT_GT(expected_items, 0u);
  EXPECT_EQ(items, expected_items);
  EXPECT_LT(messages, items);  // items falling due together went out as digests
  EXPECT_LT(late_items * 10, items);
}

// The scheduler's first pass at now finds nothing due: everything due
// before now was fired at its time, and the index points to the future.
TEST_F(DemoData, FirstSchedulerPassAtNowFiresNothing) {
  const std::optional<Instant> earliest = reader_->earliest_escalation();
  ASSERT_TRUE(earliest.has_value());
  EXPECT_GT(*earliest, now_);
  for (const Issue& issue : in("cc")) {
    EXPECT_TRUE(due_steps(issue, *rules_, now_).empty()) << issue.title;
  }

  auto backend = db_->open_writer();
  backend->begin();
  const UnitTree tree(backend->units());
  store::reindex_escalations(*backend, store::WriteContext{*rules_, tree, now_});
  const store::EscalationPass at_now =
      store::fire_due_escalations(*backend, store::WriteContext{*rules_, tree, now_}, 10000);
  EXPECT_EQ(at_now.problems, 0u);
  EXPECT_EQ(at_now.fired, 0u);
  EXPECT_EQ(at_now.messages, 0u);
  // A week on, the same pass has work: the index is live, not emptied.
  const Instant week_on = now_ + std::chrono::days{7};
  const store::EscalationPass later =
      store::fire_due_escalations(*backend, store::WriteContext{*rules_, tree, week_on}, 10000);
  EXPECT_GT(later.fired, 19u);  // at least every red problem's weekly repeat
  backend->rollback();
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

// The demo places overdue deadlines by the ladder, not by fixed day counts,
// so the county targets' red and yellow hold on any day: here at 08:29 on
// the Monday after the Dragon Boat Festival (端午, Friday 2026-06-19), when
// the weekend and the holiday delay the steps and the day's have not fired.
TEST(DemoSeeding, OverdueLevelsMeetTheCountyTargetsBeforeWorkOnAMondayAfterAHoliday) {
  const fs::path dir = fs::temp_directory_path() / "qingling-DemoSeeding-OverdueLevelsOnAMonday";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const Instant now = *parse_instant("2026-06-22T08:29:00+08:00");
  const std::optional<RuleSet> rules = load_rules(now);
  ASSERT_TRUE(rules.has_value());
  const rules::DemoSeed seed = rules::load_seed(kPack / "seed");
  {
    auto db = store::open_sqlite(dir / "qingling.db");
    auto backend = db->open_writer();
    backend->begin();
    store::load_units_if_empty(*backend, seed.units, now);
    backend->commit();
    demo::seed_demo(*backend, *rules, seed, now, dir / "evidence");
    auto reader = db->open_reader();
    for (const rules::CountyTarget& t : seed.county_targets) {
      store::IssueQuery q;
      q.jurisdiction = t.county;
      q.overdue_only = true;
      q.today = rules->zone.local_date(now);
      q.limit = 200;
      int red = 0;
      int yellow = 0;
      for (const Issue& issue : reader->issues(q).items) {
        red += issue.level == Level::Red ? 1 : 0;
        yellow += issue.level == Level::Yellow ? 1 : 0;
      }
      EXPECT_EQ(red, t.overdue_red) << t.county;
      EXPECT_EQ(yellow, t.overdue - t.overdue_red) << t.county;
    }
    const std::optional<Instant> earliest = reader->earliest_escalation();
    ASSERT_TRUE(earliest.has_value());
    EXPECT_GT(*earliest, now);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace qingling
