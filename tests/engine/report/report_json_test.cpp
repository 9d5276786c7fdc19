// The report's JSON shape: keys, dates, instants, rates and levels.

#include "engine/report/report_json.h"

#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "tests/engine/report/report_campaign.h"

namespace qingling::report {
namespace {

namespace json = boost::json;
using testing::standard_campaign;

class ReportJson : public ::testing::Test {
 protected:
  json::value report_ = to_json(standard_campaign().report("2025-W47"));

  const json::value& at(std::string_view pointer) const { return report_.at_pointer(pointer); }
};

TEST_F(ReportJson, HeaderUsesIsoWeeksDatesAndRfc3339Instants) {
  EXPECT_EQ(at("/week"), "2025-W47");
  EXPECT_EQ(at("/previous_week"), "2025-W46");
  EXPECT_EQ(at("/monday"), "2025-11-17");
  EXPECT_EQ(at("/sunday"), "2025-11-23");
  EXPECT_EQ(at("/as_of"), "2025-11-23T16:00:00.000Z");
  EXPECT_EQ(at("/unit/code"), "cc");
  EXPECT_EQ(at("/unit/name"), "澄川市");
  EXPECT_EQ(at("/campaign/code"), "cc-2025");
}

TEST_F(ReportJson, TotalsUseSnakeCaseKeysAndRatesInZeroToOne) {
  EXPECT_EQ(at("/totals/total"), 9);
  EXPECT_EQ(at("/totals/new"), 2);
  EXPECT_EQ(at("/totals/cleared_this_week"), 1);
  EXPECT_EQ(at("/totals/cleared"), 2);
  EXPECT_EQ(at("/totals/long_term"), 1);
  EXPECT_EQ(at("/totals/clearance_rate").as_double(), 0.25);
  EXPECT_EQ(at("/totals/on_time_rate").as_double(), 0.2);
  EXPECT_EQ(at("/totals/overdue"), 3);
  EXPECT_EQ(at("/totals/overdue_by_level/yellow"), 1);
  EXPECT_EQ(at("/totals/overdue_by_level/red"), 1);
  EXPECT_EQ(at("/totals/overdue_by_level/green"), 1);
  EXPECT_DOUBLE_EQ(at("/totals/overdue_rate").as_double(), 3.0 / 7.0);
  EXPECT_EQ(at("/totals/rejected"), 1);
  EXPECT_EQ(at("/totals/reopened"), 1);
  EXPECT_EQ(at("/previous/week"), "2025-W46");
  EXPECT_EQ(at("/previous/totals/total"), 7);
  EXPECT_EQ(at("/changes/new"), 1);
  EXPECT_EQ(at("/changes/yellow"), 1);
  EXPECT_NEAR(at("/changes/clearance_rate_points").as_double(), -8.3333, 1e-4);
}

TEST_F(ReportJson, MatrixRankingAndLists) {
  EXPECT_EQ(at("/by_category/0/category"), "A");
  EXPECT_EQ(at("/by_category/0/states/cleared"), 2);
  EXPECT_EQ(at("/by_category/5/states/rectifying"), 0);
  EXPECT_EQ(at("/ranking/0/unit/code"), "cc.c01");
  EXPECT_EQ(at("/ranking/0/red_flag"), true);
  EXPECT_EQ(at("/ranking/3/yellow_card"), true);
  EXPECT_EQ(at("/ranking/3/rank_change"), -2);
  EXPECT_EQ(at("/overdue/0/id"), 3);
  EXPECT_EQ(at("/overdue/0/deadline"), "2025-10-20");
  EXPECT_EQ(at("/overdue/0/level"), "red");
  EXPECT_EQ(at("/overdue/0/last_step"), "黄牌警告");
  EXPECT_EQ(at("/due_next_week/0/deadline"), "2025-11-30");
  EXPECT_EQ(at("/returns/0/action"), "reject");
  EXPECT_EQ(at("/returns/0/at"), "2025-11-19T02:00:00.000Z");
  EXPECT_EQ(at("/returns/1/action"), "reopen");
  EXPECT_EQ(at("/requirements"), "按周报送整改进展。");
}

TEST(ReportJsonEmpty, AnOverdueProblemWithoutLadderStepsHasANullLastStep) {
  testing::CampaignLog log;
  const auto id = log.create("无督办记录", "A", "cc.c01", "2025-11-03");
  log.assign(id, "cc.c01", "2025-11-05", "2025-11-03");  // the ladder is never run
  const json::value r = to_json(log.report("2025-W47"));
  EXPECT_EQ(r.at_pointer("/overdue/0/id"), id);
  EXPECT_TRUE(r.at_pointer("/overdue/0/last_step").is_null());
}

}  // namespace
}  // namespace qingling::report
