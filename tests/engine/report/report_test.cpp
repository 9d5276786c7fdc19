// The weekly report's figures on hand-made campaigns whose answers are worked
// out below: totals for a week and the week before, the category matrix,
// the ranking and its flags, the lists, and the report's independence from
// anything after the week's end.
//
// The standard campaign (report_campaign.h) at the end of 2025-W47, local
// midnight on Mon 11-24, problem by problem:
//   1 c01.t01 A cleared 10-30 (deadline 10-31: on time)
//   2 c01     A cleared 11-19 (deadline 11-14: late); at the end of W46 overdue 3 days, green
//   3 c02     B deadline 10-20: overdue 35 days, red (黄牌警告 on 11-18); W46: 28 days, red
//   4 c02     B created 11-10, deadline 11-12: overdue 12 days, yellow (督查通报 11-19); W46: green
//   5 c03     C created 11-18, deadline 11-30: due next week
//   6 c03     C long term
//   7 c01     D rejected 11-13 and 11-19, deadline 11-21: overdue 3 days, green (工作提醒)
//   8 c02     A cleared 10-30, reopened 11-20, extended to 12-01
//   9 dept    E created 11-20, not assigned
// W47: total 9, new 2 (5, 9), cleared 2 (1, 2), this week 1 (2), long term 1,
//      rate 2/8; on time 1 of 5 (1 | 2, 3, 4, 7); overdue 3 of 7 open.
// W46: total 7, new 1 (4), cleared 2 (1, 8), this week 0, rate 2/6; on time
//      2 of 5 (1, 8 | 2, 3, 4); overdue 3 (2, 3, 4) of 5 open, 1 red.

#include "engine/report/report.h"
#include "engine/report/render.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "engine/report/report_json.h"
#include "tests/engine/report/report_campaign.h"

namespace qingling::report {
namespace {

using testing::CampaignLog;
using testing::date_of;
using testing::instant_of;
using testing::standard_campaign;

std::vector<std::int64_t> ids_of(const auto& items) {
  std::vector<std::int64_t> out;
  for (const auto& item : items) out.push_back(item.id);
  return out;
}

std::vector<std::string> codes_of(const std::vector<UnitRanking>& ranking) {
  std::vector<std::string> out;
  for (const UnitRanking& r : ranking) out.push_back(r.unit.code);
  return out;
}

const UnitRanking& row_of(const WeeklyReport& r, const std::string& code) {
  for (const UnitRanking& row : r.ranking) {
    if (row.unit.code == code) return row;
  }
  throw std::out_of_range("no ranking row " + code);
}

class StandardCampaign : public ::testing::Test {
 protected:
  CampaignLog log_ = standard_campaign();
  WeeklyReport report_ = log_.report("2025-W47");
};

TEST_F(StandardCampaign, HeaderNamesTheWeekAndTheInstantOfTheFigures) {
  const ReportHeader& h = report_.header;
  EXPECT_EQ(h.campaign, "澄川市落实上级专项巡视反馈意见整改攻坚行动");
  EXPECT_EQ(h.issuer, "澄川市");
  EXPECT_EQ(h.unit.code, "cc");
  EXPECT_EQ(h.unit.name, "澄川市");
  EXPECT_EQ(h.week, (IsoWeek{2025, 47}));
  EXPECT_EQ(h.previous_week, (IsoWeek{2025, 46}));
  EXPECT_EQ(h.monday, date_of("2025-11-17"));
  EXPECT_EQ(h.sunday, date_of("2025-11-23"));
  EXPECT_EQ(h.as_of, instant_of("2025-11-23T16:00:00Z"));
  EXPECT_EQ(report_.requirements, "按周报送整改进展。");
}

TEST_F(StandardCampaign, TotalsAtTheEndOfTheWeek) {
  const Totals& t = report_.totals;
  EXPECT_EQ(t.total, 9);
  EXPECT_EQ(t.new_this_week, 2);
  EXPECT_EQ(t.cleared_this_week, 1);
  EXPECT_EQ(t.cleared, 2);
  EXPECT_EQ(t.long_term, 1);
  EXPECT_EQ(t.open, 7);
  EXPECT_DOUBLE_EQ(t.clearance_rate, 2.0 / 8.0);
  EXPECT_EQ(t.on_time_cleared, 1);
  EXPECT_EQ(t.on_time_base, 5);
  EXPECT_DOUBLE_EQ(t.on_time_rate, 0.2);
  EXPECT_EQ(t.overdue, 3);
  EXPECT_EQ(t.overdue_by_level.red, 1);
  EXPECT_EQ(t.overdue_by_level.yellow, 1);
  EXPECT_EQ(t.overdue_by_level.green, 1);
  EXPECT_DOUBLE_EQ(t.overdue_rate, 3.0 / 7.0);
  EXPECT_EQ(t.rejected, 1);
  EXPECT_EQ(t.reopened, 1);
}

TEST_F(StandardCampaign, PreviousWeekTotalsAndChanges) {
  const Totals& p = report_.previous;
  EXPECT_EQ(p.total, 7);
  EXPECT_EQ(p.new_this_week, 1);
  EXPECT_EQ(p.cleared_this_week, 0);
  EXPECT_EQ(p.cleared, 2);
  EXPECT_EQ(p.long_term, 1);
  EXPECT_DOUBLE_EQ(p.clearance_rate, 2.0 / 6.0);
  EXPECT_EQ(p.on_time_cleared, 2);
  EXPECT_EQ(p.on_time_base, 5);
  EXPECT_EQ(p.overdue, 3);
  EXPECT_EQ(p.overdue_by_level.red, 1);
  EXPECT_EQ(p.overdue_by_level.yellow, 0);
  EXPECT_EQ(p.overdue_by_level.green, 2);
  EXPECT_DOUBLE_EQ(p.overdue_rate, 3.0 / 5.0);
  EXPECT_EQ(p.rejected, 1);
  EXPECT_EQ(p.reopened, 0);

  const Changes& c = report_.changes;
  EXPECT_EQ(c.new_this_week, 1);
  EXPECT_EQ(c.cleared_this_week, 1);
  EXPECT_EQ(c.cleared, 0);
  EXPECT_NEAR(c.clearance_rate_points, (0.25 - 2.0 / 6.0) * 100.0, 1e-9);
  EXPECT_EQ(c.overdue, 0);
  EXPECT_EQ(c.red, 0);
  EXPECT_EQ(c.yellow, 1);
}

TEST_F(StandardCampaign, PreviousWeekReportAgreesWithTheComparison) {
  const WeeklyReport w46 = log_.report("2025-W46");
  EXPECT_EQ(boost::json::serialize(to_json(w46.totals)),
            boost::json::serialize(to_json(report_.previous)));
}

TEST_F(StandardCampaign, CategoryByStateMatrixListsEveryCategoryAndState) {
  std::vector<std::string> states;
  for (const CodeLabel& s : report_.states) states.push_back(s.code);
  EXPECT_EQ(states, (std::vector<std::string>{"discovered", "rectifying", "submitted", "cleared",
                                              "long_term"}));
  struct Row {
    const char* category;
    std::vector<int> by_state;
  };
  const Row expected[] = {
      {"A", {0, 1, 0, 2, 0}}, {"B", {0, 2, 0, 0, 0}}, {"C", {0, 1, 0, 0, 1}},
      {"D", {0, 1, 0, 0, 0}}, {"E", {1, 0, 0, 0, 0}}, {"F", {0, 0, 0, 0, 0}},
  };
  ASSERT_EQ(report_.by_category.size(), std::size(expected));
  int sum = 0;
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    const CategoryCounts& row = report_.by_category[i];
    EXPECT_EQ(row.category, expected[i].category);
    EXPECT_EQ(row.by_state, expected[i].by_state) << row.category;
    sum += row.total;
  }
  EXPECT_EQ(sum, report_.totals.total);
}

TEST_F(StandardCampaign, RanksChildrenByRateThenFewerRedThenTreeOrder) {
  // c01 2/3; c03 0/1, dept 0/1 and c02 0/3 all at 0, c02 holding a red
  // problem; c04 holds none.
  EXPECT_EQ(codes_of(report_.ranking),
            (std::vector<std::string>{"cc.c01", "cc.c03", "cc.dept.dcs", "cc.c02", "cc.c04"}));
  const UnitRanking& c01 = row_of(report_, "cc.c01");
  EXPECT_EQ(c01.unit.name, "望岭区");
  EXPECT_EQ(c01.total, 3);
  EXPECT_EQ(c01.cleared, 2);
  EXPECT_DOUBLE_EQ(c01.rate, 2.0 / 3.0);
  EXPECT_EQ(c01.overdue, 1);
  EXPECT_EQ(c01.days_overdue, 3);
  const UnitRanking& c02 = row_of(report_, "cc.c02");
  EXPECT_EQ(c02.total, 3);
  EXPECT_EQ(c02.overdue, 2);
  EXPECT_EQ(c02.days_overdue, 47);
  EXPECT_EQ(c02.red, 1);
  EXPECT_EQ(c02.yellow, 1);
  const UnitRanking& c03 = row_of(report_, "cc.c03");
  EXPECT_EQ(c03.long_term, 1);
  EXPECT_DOUBLE_EQ(c03.rate, 0.0);
  EXPECT_EQ(row_of(report_, "cc.c04").total, 0);
  for (std::size_t i = 0; i < report_.ranking.size(); ++i) {
    EXPECT_EQ(report_.ranking[i].rank, static_cast<int>(i) + 1);
  }
}

TEST_F(StandardCampaign, RedFlagToTheFirstAndYellowCardToTheLastRanked) {
  EXPECT_TRUE(row_of(report_, "cc.c01").red_flag);
  EXPECT_FALSE(row_of(report_, "cc.c01").yellow_card);
  // The last unit holding problems, not c04 which holds none.
  EXPECT_TRUE(row_of(report_, "cc.c02").yellow_card);
  for (const char* code : {"cc.c03", "cc.dept.dcs", "cc.c04"}) {
    EXPECT_FALSE(row_of(report_, code).red_flag) << code;
    EXPECT_FALSE(row_of(report_, code).yellow_card) << code;
  }
}

TEST_F(StandardCampaign, TheTalkListFollowsTheCardsOfBothWeeks) {
  const WeeklyReport last_week = log_.report("2025-W46");
  for (const UnitRanking& u : report_.ranking) {
    EXPECT_EQ(u.previous_yellow_card, row_of(last_week, u.unit.code).yellow_card) << u.unit.code;
    EXPECT_EQ(u.talk, u.yellow_card && u.previous_yellow_card) << u.unit.code;
  }
  // The card moved from c03 (W46) to c02 (W47): nobody carded twice.
  EXPECT_TRUE(row_of(last_week, "cc.c03").yellow_card);
  EXPECT_TRUE(row_of(report_, "cc.c02").yellow_card);
  EXPECT_EQ(report_text(report_).find("集体谈话"), std::string::npos);
}

// A county holding the yellow card two weeks running is listed for a
// collective talk (集体谈话).
TEST(Ranking, ACardTwoWeeksRunningListsTheUnitForATalk) {
  CampaignLog log;
  log.cleared("cc.c01", "2025-12-31", "2025-11-03");
  const auto id = log.create("长期未整改", "B", "cc.c02", "2025-11-03");
  log.assign(id, "cc.c02", "2025-11-05", "2025-11-03");
  const WeeklyReport r = log.report("2025-W47");
  const UnitRanking& c02 = row_of(r, "cc.c02");
  EXPECT_TRUE(c02.yellow_card);
  EXPECT_TRUE(c02.previous_yellow_card);
  EXPECT_TRUE(c02.talk);
  EXPECT_FALSE(row_of(r, "cc.c01").talk);
  EXPECT_NE(report_text(r).find("连续两周黄牌，列入集体谈话"), std::string::npos);
  EXPECT_EQ(to_json(r).at("ranking").as_array().at(1).at("talk").as_bool(), true);
}

TEST_F(StandardCampaign, RankChangesAgainstThePreviousWeek) {
  // W46: c01 1/3 and c02 1/3 (c02 red), c03 0 (all long term), c04 and the
  // department without problems, in tree order.
  struct Case {
    const char* code;
    int previous_rank;
    int rank_change;
  };
  const Case cases[] = {{"cc.c01", 1, 0},
                        {"cc.c03", 3, 1},
                        {"cc.dept.dcs", 5, 2},
                        {"cc.c02", 2, -2},
                        {"cc.c04", 4, -1}};
  for (const Case& c : cases) {
    EXPECT_EQ(row_of(report_, c.code).previous_rank, c.previous_rank) << c.code;
    EXPECT_EQ(row_of(report_, c.code).rank_change, c.rank_change) << c.code;
  }
}

TEST_F(StandardCampaign, OverdueListMostOverdueFirstWithLevelAndLastLadderStep) {
  ASSERT_EQ(ids_of(report_.overdue), (std::vector<std::int64_t>{3, 4, 7}));
  const OverdueItem& worst = report_.overdue[0];
  EXPECT_EQ(worst.title, "饮水工程未完工");
  EXPECT_EQ(worst.unit.code, "cc.c02");
  EXPECT_EQ(worst.unit.name, "溪桥县");
  EXPECT_EQ(worst.deadline, date_of("2025-10-20"));
  EXPECT_EQ(worst.days_overdue, 35);
  EXPECT_EQ(worst.level, Level::Red);
  EXPECT_EQ(worst.last_step, "黄牌警告");
  EXPECT_EQ(report_.overdue[1].days_overdue, 12);
  EXPECT_EQ(report_.overdue[1].level, Level::Yellow);
  EXPECT_EQ(report_.overdue[1].last_step, "督查通报");
  EXPECT_EQ(report_.overdue[2].days_overdue, 3);
  EXPECT_EQ(report_.overdue[2].level, Level::Green);
  EXPECT_EQ(report_.overdue[2].last_step, "工作提醒");
}

TEST_F(StandardCampaign, LadderStepsFiredAgainstAReplacedDeadlineAreNotShown) {
  // Problem 8 was escalated to red against 10-31 when reopened, then given
  // until 12-01: back to green, and overdue again only from 12-02.
  CampaignLog log = standard_campaign();
  EXPECT_EQ(log.issue(8).escalations.at("yellow_card").deadline, date_of("2025-10-31"));
  const auto item_8 = [&](const WeeklyReport& r) {
    const auto it = std::find_if(r.overdue.begin(), r.overdue.end(),
                                 [](const OverdueItem& o) { return o.id == 8; });
    if (it == r.overdue.end()) throw std::out_of_range("8 is not overdue");
    return *it;
  };
  // With the ladder stopped since W47, its last event is 黄牌警告 against 10-31.
  const OverdueItem quiet = item_8(log.report("2025-W49"));  // ends Sun 12-07
  EXPECT_EQ(quiet.days_overdue, 7);
  EXPECT_EQ(quiet.level, Level::Green);
  EXPECT_EQ(quiet.last_step, "");
  log.run_ladder(log.at("2025-12-03", 12));
  const OverdueItem reminded = item_8(log.report("2025-W49"));
  EXPECT_EQ(reminded.level, Level::Green);
  EXPECT_EQ(reminded.last_step, "工作提醒");  // fired 12-01 against 12-01
}

TEST_F(StandardCampaign, DueNextWeekIsTheSevenDaysAfterSunday) {
  // 5 is due Sun 11-30; 8 is due Mon 12-01, a day too late.
  EXPECT_EQ(ids_of(report_.due_next_week), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(report_.due_next_week[0].deadline, date_of("2025-11-30"));
  EXPECT_EQ(report_.due_next_week[0].unit.name, "松陂县");
}

TEST_F(StandardCampaign, RejectionsAndReopeningsOfTheWeekOnly) {
  ASSERT_EQ(ids_of(report_.returns), (std::vector<std::int64_t>{7, 8}));
  const ReturnItem& rejected = report_.returns[0];
  EXPECT_EQ(rejected.action, "reject");
  EXPECT_EQ(rejected.comment, "照片不清晰");  // not the rejection of 11-13
  EXPECT_EQ(rejected.at, instant_of("2025-11-19T02:00:00Z"));
  EXPECT_EQ(rejected.local_date, date_of("2025-11-19"));
  EXPECT_EQ(rejected.unit.code, "cc.c01");
  EXPECT_EQ(rejected.actor, "wang");
  EXPECT_EQ(report_.returns[1].action, "reopen");
  EXPECT_EQ(report_.returns[1].title, "医保参保漏登");
}

TEST_F(StandardCampaign, APastWeekIsUnchangedByLaterEvents) {
  const std::string before = boost::json::serialize(to_json(report_));
  log_.submit(7, "2025-11-24");
  log_.verify(7, "2025-11-25");
  log_.create("新发现问题", "F", "cc.c04", "2025-11-25");
  log_.extend(3, "2025-12-15", "2025-11-26");
  log_.run_ladder(log_.at("2025-12-10", 12));
  const std::string after = boost::json::serialize(to_json(log_.report("2025-W47")));
  EXPECT_EQ(after, before);
  // The events did happen: the next week sees them.
  const WeeklyReport w48 = log_.report("2025-W48");
  EXPECT_EQ(w48.totals.total, 10);
  EXPECT_EQ(w48.totals.cleared, 3);
}

TEST_F(StandardCampaign, TheOrderOfHistoriesDoesNotMatter) {
  std::vector<std::vector<Event>> reversed(log_.histories().rbegin(), log_.histories().rend());
  const WeeklyReport again = weekly_report(
      {log_.rules(), log_.units(), "cc", {2025, 47}, reversed, {}, "按周报送整改进展。"});
  EXPECT_EQ(boost::json::serialize(to_json(again)), boost::json::serialize(to_json(report_)));
}

TEST_F(StandardCampaign, ACountyReportCountsItsJurisdictionOnly) {
  const WeeklyReport county = log_.report("2025-W47", "cc.c02");
  EXPECT_EQ(county.header.unit.name, "溪桥县");
  EXPECT_EQ(county.totals.total, 3);  // 3, 4 and 8
  EXPECT_EQ(county.totals.overdue, 2);
  EXPECT_EQ(county.totals.reopened, 1);
  EXPECT_EQ(county.totals.rejected, 0);
  EXPECT_EQ(ids_of(county.overdue), (std::vector<std::int64_t>{3, 4}));
  EXPECT_TRUE(county.ranking.empty());  // no child units in this tree

  const WeeklyReport county1 = log_.report("2025-W47", "cc.c01");
  EXPECT_EQ(county1.totals.total, 3);  // 1, 2 and 7
  ASSERT_EQ(county1.ranking.size(), 1u);
  EXPECT_EQ(county1.ranking[0].unit.code, "cc.c01.t01");
  EXPECT_EQ(county1.ranking[0].total, 1);  // 1 only: 2 and 7 sit at the county itself
}

TEST_F(StandardCampaign, ListsCutToALimitKeepTheirFirstItemsAndEveryFigure) {
  ASSERT_GE(report_.overdue.size(), 2u);
  ASSERT_GE(report_.returns.size(), 2u);
  ReportInput input{log_.rules(), log_.units(),        "cc", {2025, 47}, log_.histories(),
                    {},           "按周报送整改进展。"};
  input.list_limit = 1;
  const WeeklyReport cut = weekly_report(input);
  EXPECT_EQ(ids_of(cut.overdue), std::vector<std::int64_t>{report_.overdue[0].id});
  EXPECT_EQ(ids_of(cut.returns), std::vector<std::int64_t>{report_.returns[0].id});
  EXPECT_LE(cut.due_next_week.size(), 1u);
  EXPECT_EQ(boost::json::serialize(to_json(cut.totals)),
            boost::json::serialize(to_json(report_.totals)));
  EXPECT_EQ(report_.totals.due_next_week, static_cast<int>(report_.due_next_week.size()));
  const std::string text = report_text(cut);
  EXPECT_NE(text.find("（共 " + std::to_string(report_.totals.overdue) + " 项，列出前 1 项）"),
            std::string::npos);
  EXPECT_EQ(report_text(report_).find("列出前"), std::string::npos);
  EXPECT_NE(report_html(cut).find("列出前 1 项"), std::string::npos);
}

TEST_F(StandardCampaign, OnePassBuildsEachJurisdictionsReportAsIfAlone) {
  const std::vector<std::string> codes{"cc.c02", "cc", "cc.c01", "cc.c01.t01"};
  WeeklyReports all({log_.rules(), log_.units(), "", {2025, 47}, {}, {}, "按周报送整改进展。"},
                    codes);
  for (const std::vector<Event>& history : log_.histories()) all.add(history);
  const std::vector<WeeklyReport> reports = all.finish();
  ASSERT_EQ(reports.size(), codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    EXPECT_EQ(boost::json::serialize(to_json(reports[i])),
              boost::json::serialize(to_json(log_.report("2025-W47", codes[i]))))
        << codes[i];
  }
}

TEST_F(StandardCampaign, AProblemMovedOutSinceCountsOnlyWhereItIsNow) {
  WeeklyReports reports({log_.rules(), log_.units(), "", {2025, 47}, {}, {}, ""},
                        {"cc.c02", "cc.c01"});
  for (const std::vector<Event>& history : log_.histories()) {
    Issue now;
    for (const Event& e : history) now = apply(std::move(now), e);
    Placement place{now.unit, now.responsible_unit, now.lead_unit};
    if (now.id == 3) place = {"cc.c01", "cc.c01", ""};  // handed to the other county since
    reports.add(history, &place);
  }
  const std::vector<WeeklyReport> r = reports.finish();
  EXPECT_EQ(r[0].totals.total, 2);  // 4 and 8; 3 was here at the week's end but is not now
  EXPECT_EQ(ids_of(r[0].overdue), std::vector<std::int64_t>{4});
  EXPECT_EQ(r[1].totals.total, 3);  // nor does 3 count for where it was not then
}

TEST(WeeklyReport, RefusesAnUnknownUnitOrWeek) {
  const CampaignLog log;
  EXPECT_THROW(log.report("2025-W47", "cc.c09"), std::invalid_argument);
  EXPECT_THROW(weekly_report({log.rules(), log.units(), "cc", {2025, 53}, {}, {}, ""}),
               std::invalid_argument);
}

TEST(WeeklyReport, AnEmptyJurisdictionHasZeroRatesAndEveryChildUnranked) {
  const CampaignLog log;
  const WeeklyReport r = log.report("2025-W47");
  EXPECT_EQ(r.totals.total, 0);
  EXPECT_EQ(r.totals.clearance_rate, 0.0);
  EXPECT_EQ(r.totals.on_time_rate, 0.0);
  EXPECT_EQ(r.totals.overdue_rate, 0.0);
  ASSERT_EQ(r.ranking.size(), 5u);
  EXPECT_EQ(codes_of(r.ranking),
            (std::vector<std::string>{"cc.c01", "cc.c02", "cc.c03", "cc.c04", "cc.dept.dcs"}));
  for (const UnitRanking& u : r.ranking) {
    EXPECT_FALSE(u.red_flag) << u.unit.code;
    EXPECT_FALSE(u.yellow_card) << u.unit.code;
  }
  ASSERT_EQ(r.by_category.size(), 6u);
  EXPECT_EQ(r.by_category[5].by_state, std::vector<int>(5, 0));
}

// Four counties at 1/2 each: fewer days overdue first, then tree order.
TEST(Ranking, TiesGoToFewerDaysOverdueThenTreeOrder) {
  CampaignLog log;
  for (const char* unit : {"cc.c01", "cc.c02", "cc.c03", "cc.c04"}) {
    log.cleared(unit, "2025-12-31", "2025-11-03");
  }
  const auto open = [&](const char* unit, const char* deadline) {
    const auto id = log.create("未整改问题", "B", unit, "2025-11-03");
    log.assign(id, unit, deadline, "2025-11-03");
  };
  open("cc.c01", "2025-11-14");  // 10 days overdue on 11-24
  open("cc.c02", "2025-11-21");  // 3 days
  open("cc.c03", "2025-12-10");
  open("cc.c04", "2025-12-10");
  const WeeklyReport r = log.report("2025-W47");
  EXPECT_EQ(codes_of(r.ranking),
            (std::vector<std::string>{"cc.c03", "cc.c04", "cc.c02", "cc.c01", "cc.dept.dcs"}));
  EXPECT_EQ(row_of(r, "cc.c01").days_overdue, 10);
  EXPECT_EQ(row_of(r, "cc.c02").days_overdue, 3);
  EXPECT_TRUE(row_of(r, "cc.c03").red_flag);
  // The last, c01, is at the jurisdiction's rate and holds no red problem.
  EXPECT_DOUBLE_EQ(r.totals.clearance_rate, 0.5);
  EXPECT_FALSE(row_of(r, "cc.c01").yellow_card);
}

// At equal rates a red problem weighs more than days overdue.
TEST(Ranking, FewerRedProblemsBeatFewerDaysOverdue) {
  CampaignLog log;
  const auto red = log.create("已亮黄牌", "B", "cc.c01", "2025-10-09");
  log.assign(red, "cc.c01", "2025-10-20", "2025-10-09");
  log.run_ladder(red, testing::end_of_w47());  // red, 35 days overdue
  const auto quiet = log.create("未升级", "B", "cc.c02", "2025-10-09");
  log.assign(quiet, "cc.c02", "2025-10-10", "2025-10-09");  // ladder never run: green, 45 days
  const WeeklyReport r = log.report("2025-W47");
  ASSERT_EQ(log.issue(red).level, Level::Red);
  EXPECT_EQ(row_of(r, "cc.c01").days_overdue, 35);
  EXPECT_EQ(row_of(r, "cc.c02").days_overdue, 45);
  EXPECT_EQ(codes_of(r.ranking),
            (std::vector<std::string>{"cc.c02", "cc.c01", "cc.c03", "cc.c04", "cc.dept.dcs"}));
}

// c01 clears 3 of 4 but holds a red problem; c02 clears none of 1.
TEST(Ranking, FlagAndCardFollowTheRankingRules) {
  CampaignLog log;
  for (int i = 0; i < 3; ++i) log.cleared("cc.c01", "2025-12-31", "2025-10-09");
  const auto red = log.create("长期拖延问题", "B", "cc.c01", "2025-10-09");
  log.assign(red, "cc.c01", "2025-10-20", "2025-10-09");
  const auto late = log.create("新问题", "B", "cc.c02", "2025-11-03");
  log.assign(late, "cc.c02", "2025-12-10", "2025-11-03");
  log.run_ladder(testing::end_of_w47());
  ASSERT_EQ(log.issue(red).level, Level::Red);

  struct Case {
    const char* name;
    RankingRules rules;
    bool c01_flag;
    bool c02_card;
  };
  const Case cases[] = {
      {"defaults", {}, false, true},
      {"flag regardless of red", {false, true, true}, true, true},
      {"card only for red", {true, false, true}, false, false},
      {"card only below average", {true, true, false}, false, true},
      {"card unconditionally", {true, false, false}, false, true},
  };
  for (const Case& c : cases) {
    const WeeklyReport r = log.report("2025-W47", "cc", c.rules);
    ASSERT_EQ(r.ranking.front().unit.code, "cc.c01") << c.name;
    EXPECT_EQ(row_of(r, "cc.c01").red, 1) << c.name;
    EXPECT_EQ(row_of(r, "cc.c01").red_flag, c.c01_flag) << c.name;
    EXPECT_FALSE(row_of(r, "cc.c01").yellow_card) << c.name;
    EXPECT_EQ(row_of(r, "cc.c02").yellow_card, c.c02_card) << c.name;
    EXPECT_FALSE(row_of(r, "cc.c02").red_flag) << c.name;
  }
}

// A problem keeps its level once cleared; the ranking counts open ones only.
TEST(Ranking, AClearedRedProblemNoLongerCountsAsRed) {
  CampaignLog log;
  const auto id = log.create("迟到的整改", "B", "cc.c01", "2025-10-09");
  log.assign(id, "cc.c01", "2025-10-20", "2025-10-09");
  log.submit(id, "2025-11-10");  // the ladder reached 黄牌警告 on 11-04
  log.verify(id, "2025-11-11");
  const auto open = log.create("新问题", "B", "cc.c02", "2025-11-03");
  log.assign(open, "cc.c02", "2025-12-10", "2025-11-03");
  ASSERT_EQ(log.issue(id).level, Level::Red);
  const WeeklyReport r = log.report("2025-W47");
  EXPECT_EQ(row_of(r, "cc.c01").red, 0);
  EXPECT_TRUE(row_of(r, "cc.c01").red_flag);
  EXPECT_EQ(r.totals.overdue_by_level.red, 0);
}

TEST(Ranking, ALoneRankedUnitNeverTakesTheYellowCard) {
  CampaignLog log;
  const auto id = log.create("唯一问题", "B", "cc.c02", "2025-10-09");
  log.assign(id, "cc.c02", "2025-10-20", "2025-10-09");
  log.run_ladder(testing::end_of_w47());
  const WeeklyReport r = log.report("2025-W47", "cc", {false, true, true});
  EXPECT_EQ(r.ranking.front().unit.code, "cc.c02");
  EXPECT_TRUE(r.ranking.front().red_flag);
  EXPECT_FALSE(r.ranking.front().yellow_card);
}

}  // namespace
}  // namespace qingling::report
