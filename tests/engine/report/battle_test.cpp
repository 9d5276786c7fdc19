// The battle map's index on the hand-worked campaign of report_test.cpp: at
// the instant a weekly report's figures stand (local midnight ending Sunday),
// the map counts exactly as the report does; and the burn-down, upserts,
// jurisdictions and limits of the index itself.

#include "engine/report/battle.h"

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "tests/engine/report/report_campaign.h"

namespace qingling::report {
namespace {

using testing::CampaignLog;
using testing::date_of;
using testing::end_of_w47;
using testing::standard_campaign;

// Every problem of `log` as the index learns of it: its summary after all
// its events, and the open-count change of each event.
void feed(BattleIndex& index, const CampaignLog& log) {
  std::vector<IssueSummary> summaries;
  std::vector<OpenChange> changes;
  for (const auto& history : log.histories()) {
    Issue issue;
    for (const Event& e : history) issue = apply(issue, e);
    summaries.push_back(summary_of(issue));
    for (const OpenChange& c : open_changes(history)) changes.push_back(c);
  }
  index.apply(summaries, changes);
}

class BattleOnTheStandardCampaign : public ::testing::Test {
 protected:
  void SetUp() override { feed(index_, log_); }

  BattleMap map(const std::string& unit = "cc", Instant now = end_of_w47()) const {
    return index_.map({log_.rules(), log_.units(), unit, now});
  }

  CampaignLog log_ = standard_campaign();
  BattleIndex index_;
};

TEST_F(BattleOnTheStandardCampaign, CountsAsTheWeeklyReportAtTheWeeksEnd) {
  const WeeklyReport report = log_.report("2025-W47");
  const BattleMap m = map();
  EXPECT_EQ(m.today, date_of("2025-11-24"));
  EXPECT_EQ(m.headline.total, report.totals.total);
  EXPECT_EQ(m.headline.cleared, report.totals.cleared);
  EXPECT_EQ(m.headline.long_term, report.totals.long_term);
  EXPECT_EQ(m.headline.open, report.totals.open);
  EXPECT_DOUBLE_EQ(m.headline.clearance_rate, report.totals.clearance_rate);
  EXPECT_EQ(m.headline.overdue, report.totals.overdue);
  EXPECT_EQ(m.headline.overdue_by_level.red, report.totals.overdue_by_level.red);
  EXPECT_EQ(m.headline.overdue_by_level.yellow, report.totals.overdue_by_level.yellow);
  EXPECT_EQ(m.headline.overdue_by_level.green, report.totals.overdue_by_level.green);

  ASSERT_EQ(m.states.size(), report.states.size());
  for (std::size_t i = 0; i < m.states.size(); ++i)
    EXPECT_EQ(m.states[i].code, report.states[i].code);
  ASSERT_EQ(m.by_category.size(), report.by_category.size());
  for (std::size_t i = 0; i < m.by_category.size(); ++i) {
    EXPECT_EQ(m.by_category[i].category, report.by_category[i].category);
    EXPECT_EQ(m.by_category[i].by_state, report.by_category[i].by_state) << i;
    EXPECT_EQ(m.by_category[i].total, report.by_category[i].total);
  }
  ASSERT_EQ(m.children.size(), report.ranking.size());
  for (std::size_t i = 0; i < m.children.size(); ++i) {
    const UnitRanking& a = m.children[i];
    const UnitRanking& b = report.ranking[i];
    EXPECT_EQ(a.unit.code, b.unit.code) << i;
    EXPECT_EQ(a.rank, b.rank);
    EXPECT_EQ(a.total, b.total);
    EXPECT_DOUBLE_EQ(a.rate, b.rate);
    EXPECT_EQ(a.red, b.red);
    EXPECT_EQ(a.yellow, b.yellow);
    EXPECT_EQ(a.days_overdue, b.days_overdue);
    EXPECT_EQ(a.red_flag, b.red_flag);
    EXPECT_EQ(a.yellow_card, b.yellow_card);
  }
  ASSERT_EQ(m.overdue.size(), report.overdue.size());
  for (std::size_t i = 0; i < m.overdue.size(); ++i) {
    EXPECT_EQ(m.overdue[i].id, report.overdue[i].id);
    EXPECT_EQ(m.overdue[i].days_overdue, report.overdue[i].days_overdue);
    EXPECT_EQ(m.overdue[i].level, report.overdue[i].level);
    EXPECT_EQ(m.overdue[i].unit.code, report.overdue[i].unit.code);
  }
}

TEST_F(BattleOnTheStandardCampaign, TheBurnDownFollowsClearanceAndReopeningDayByDay) {
  const BattleMap m = map();
  ASSERT_FALSE(m.burndown.empty());
  EXPECT_EQ(m.burndown.front().date, date_of("2025-10-09"));
  EXPECT_EQ(m.burndown.back().date, date_of("2025-11-24"));
  const auto open_on = [&](const char* day) {
    auto it = std::find_if(m.burndown.begin(), m.burndown.end(),
                           [&](const BurnPoint& p) { return p.date == date_of(day); });
    return it == m.burndown.end() ? -1 : it->open;
  };
  EXPECT_EQ(open_on("2025-10-09"), 6);  // 1, 2, 3, 6, 7, 8 logged
  EXPECT_EQ(open_on("2025-10-29"), 6);
  EXPECT_EQ(open_on("2025-10-30"), 4);  // 1 and 8 cleared
  EXPECT_EQ(open_on("2025-11-10"), 5);  // 4 logged
  EXPECT_EQ(open_on("2025-11-18"), 6);  // 5 logged
  EXPECT_EQ(open_on("2025-11-19"), 5);  // 2 cleared
  EXPECT_EQ(open_on("2025-11-20"), 7);  // 8 reopened, 9 logged
  EXPECT_EQ(m.burndown.back().open, m.headline.open);
  // The latest running deadline of an open problem: 8's, extended to 12-01.
  ASSERT_TRUE(m.target);
  EXPECT_EQ(m.target->date, date_of("2025-12-01"));
}

TEST_F(BattleOnTheStandardCampaign, ACountyCountsItsOwnAndDrillsToItsChildren) {
  const BattleMap county = map("cc.c02");
  EXPECT_EQ(county.headline.total, 3);  // 3, 4, 8
  EXPECT_EQ(county.headline.overdue, 2);
  for (const UnitRanking& child : county.children) {
    EXPECT_EQ(child.unit.code.rfind("cc.c02.", 0), 0u) << child.unit.code;
  }
  EXPECT_EQ(map("cc.c04").headline.total, 0);
  EXPECT_TRUE(map("cc.c04").burndown.empty());
  EXPECT_THROW(map("cc.nowhere"), std::invalid_argument);
}

TEST(BattleIndex, ASummaryReplacesTheOneBeforeItAndALeadUnitBringsAProblemIn) {
  const CampaignLog log;
  BattleIndex index;
  IssueSummary s;
  s.id = 7;
  s.unit = "cc.c01";
  s.lead_unit = "cc.c03";
  s.category = "A";
  s.state = "discovered";
  index.apply(std::vector<IssueSummary>{s}, std::vector<OpenChange>{{7, date_of("2025-11-03"), 1}});
  const Instant now = log.at("2025-11-05", 10);
  EXPECT_EQ(index.map({log.rules(), log.units(), "cc.c03", now}).headline.total, 1);
  EXPECT_EQ(index.map({log.rules(), log.units(), "cc.c03", now}).children.size(), 0u)
      << "counted in the jurisdiction, but for its owner's row, which lies outside";

  s.state = "cleared";
  s.cleared = true;
  index.apply(std::vector<IssueSummary>{s},
              std::vector<OpenChange>{{7, date_of("2025-11-04"), -1}});
  EXPECT_EQ(index.size(), 1u);
  const BattleMap m = index.map({log.rules(), log.units(), "cc", now});
  EXPECT_EQ(m.headline.cleared, 1);
  ASSERT_EQ(m.burndown.size(), 3u);
  EXPECT_EQ(m.burndown[0].open, 1);
  EXPECT_EQ(m.burndown[1].open, 0);
  EXPECT_EQ(m.burndown[2].open, 0);
}

TEST(BattleIndex, StatesAndCategoriesTheRulesDoNotKnowComeLastByName) {
  const CampaignLog log;
  BattleIndex index;
  std::vector<IssueSummary> rows(3);
  rows[0] = {1, "cc.c01", "", "", "A", "zz_retired", std::nullopt, Level::Green, false};
  rows[1] = {2, "cc.c01", "", "", "Q", "discovered", std::nullopt, Level::Green, false};
  rows[2] = {3, "cc.c01", "", "", "A", "aa_retired", std::nullopt, Level::Green, false};
  index.apply(rows, {});
  const BattleMap m = index.map({log.rules(), log.units(), "cc", log.at("2025-11-05", 10)});
  ASSERT_GE(m.states.size(), 2u);
  EXPECT_EQ(m.states[m.states.size() - 2].code, "aa_retired");
  EXPECT_EQ(m.states.back().code, "zz_retired");
  EXPECT_EQ(m.by_category.back().category, "Q");
  EXPECT_EQ(m.by_category.back().total, 1);
  EXPECT_EQ(m.by_category.front().category, "A");
  EXPECT_EQ(m.by_category.front().by_state.back(), 1);
}

TEST(BattleIndex, ListsTheLongestOverdueUpToItsLimit) {
  CampaignLog log;
  BattleIndex index;
  std::vector<IssueSummary> rows;
  for (int i = 1; i <= 5; ++i) {
    rows.push_back({i, "cc.c01", "cc.c01", "", "A", "rectifying",
                    date_of("2025-11-01") + std::chrono::days{i}, Level::Green, false});
  }
  index.apply(rows, {});
  BattleInput input{log.rules(), log.units(), "cc", log.at("2025-11-10", 10)};
  input.overdue_limit = 2;
  const BattleMap m = index.map(input);
  EXPECT_EQ(m.headline.overdue, 5);
  ASSERT_EQ(m.overdue.size(), 2u);
  EXPECT_EQ(m.overdue[0].id, 1);
  EXPECT_EQ(m.overdue[0].days_overdue, 8);
  EXPECT_EQ(m.overdue[1].id, 2);
}

}  // namespace
}  // namespace qingling::report

namespace qingling::report {
namespace {

TEST(BattleIndex, SummariesHandedOverInManySlicesAreAllCounted) {
  const CampaignLog log;
  BattleIndex index;
  std::vector<IssueSummary> rows;
  for (std::int64_t id = 1; id <= 10000; ++id) {
    rows.push_back({id, "cc.c01", "", "", "A", "discovered", std::nullopt, Level::Green, false});
    if (rows.size() == 100) {
      index.apply(rows, {});
      rows.clear();
    }
  }
  EXPECT_EQ(index.size(), 10000u);
  EXPECT_EQ(index.map({log.rules(), log.units(), "cc", log.at("2025-11-05", 10)}).headline.total,
            10000);
}

}  // namespace
}  // namespace qingling::report
