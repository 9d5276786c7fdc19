// The report as e-mail: the subject line, the text's sections and numbers,
// and an HTML document that is complete, self-contained and escaped.

#include "engine/report/render.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/engine/report/report_campaign.h"

namespace qingling::report {
namespace {

using testing::CampaignLog;
using testing::standard_campaign;

const std::vector<std::string> kHeadings = {"一、总体情况",     "二、分类情况", "三、各单位排名",
                                            "四、超期问题清单", "五、下周到期", "六、退回与反弹",
                                            "七、工作要求"};

// The text between `heading` and the next heading (or the end).
std::string section(const std::string& text, const std::string& heading) {
  const auto from = text.find(heading);
  if (from == std::string::npos) return {};
  auto to = std::string::npos;
  for (const std::string& h : kHeadings) {
    const auto at = text.find(h, from + heading.size());
    if (at != std::string::npos && at < to) to = at;
  }
  return text.substr(from, to == std::string::npos ? to : to - from);
}

TEST(ReportSubject, NamesTheIssuerWeekPeriodAndUnit) {
  const CampaignLog log = standard_campaign();
  EXPECT_EQ(report_subject(log.report("2025-W47")),
            "【澄川市整改周报】2025年第47周（11月17日—11月23日）· 澄川市");
  EXPECT_EQ(report_subject(log.report("2025-W47", "cc.c02")),
            "【澄川市整改周报】2025年第47周（11月17日—11月23日）· 溪桥县");
  EXPECT_EQ(report_subject(log.report("2026-W48", "cc.c02")),
            "【澄川市整改周报】2026年第48周（11月23日—11月29日）· 溪桥县");
}

TEST(ReportSubject, AWeekAcrossNewYearShowsBothYears) {
  const CampaignLog log;
  EXPECT_EQ(report_subject(log.report("2026-W01")),
            "【澄川市整改周报】2026年第1周（2025年12月29日—2026年1月4日）· 澄川市");
}

class RenderedStandardCampaign : public ::testing::Test {
 protected:
  WeeklyReport report_ = standard_campaign().report("2025-W47");
  std::string text_ = report_text(report_);
  std::string html_ = report_html(report_);
};

TEST_F(RenderedStandardCampaign, TextHasEverySectionInOrder) {
  EXPECT_EQ(text_.rfind(report_subject(report_), 0), 0u) << text_;
  std::size_t last = 0;
  for (const std::string& h : kHeadings) {
    const auto at = text_.find(h);
    ASSERT_NE(at, std::string::npos) << h;
    EXPECT_GT(at, last) << h;
    last = at;
  }
  EXPECT_NE(text_.find("统计截至：2025年11月24日0时（Asia/Shanghai）"), std::string::npos);
}

TEST_F(RenderedStandardCampaign, TextShowsFiguresWithSignedChanges) {
  const std::string overall = section(text_, "一、总体情况");
  EXPECT_NE(overall.find("问题总数：9（上周 7，较上周 +2）"), std::string::npos) << overall;
  EXPECT_NE(overall.find("销号率：25.0%（上周 33.3%，较上周 -8.3个百分点）"), std::string::npos)
      << overall;
  EXPECT_NE(overall.find("累计销号：2（上周 2，较上周 持平）"), std::string::npos) << overall;
  EXPECT_NE(overall.find("其中黄色：1（上周 0，较上周 +1）"), std::string::npos) << overall;
  EXPECT_NE(overall.find("超期率：42.9%"), std::string::npos) << overall;
  const std::string categories = section(text_, "二、分类情况");
  EXPECT_NE(categories.find("A：共 3；待交办 0、整改中 1、申请销号 0、已销号 2、长期坚持 0"),
            std::string::npos)
      << categories;
}

TEST_F(RenderedStandardCampaign, TextRankingCarriesFlagCardAndRankChanges) {
  const std::string ranking = section(text_, "三、各单位排名");
  const auto first = ranking.find("第1名 望岭区（cc.c01）：销号率 66.7%");
  const auto fourth = ranking.find("第4名 溪桥县（cc.c02）");
  ASSERT_NE(first, std::string::npos) << ranking;
  ASSERT_NE(fourth, std::string::npos) << ranking;
  const std::string first_line = ranking.substr(first, ranking.find('\n', first) - first);
  const std::string fourth_line = ranking.substr(fourth, ranking.find('\n', fourth) - fourth);
  EXPECT_NE(first_line.find("🚩流动红旗"), std::string::npos) << first_line;
  EXPECT_NE(first_line.find("上周第1名，持平"), std::string::npos) << first_line;
  EXPECT_NE(fourth_line.find("🟨黄牌"), std::string::npos) << fourth_line;
  EXPECT_NE(fourth_line.find("上周第2名，↓2"), std::string::npos) << fourth_line;
  EXPECT_NE(ranking.find("第3名 市委督查室（cc.dept.dcs）"), std::string::npos);
  EXPECT_NE(ranking.find("↑2"), std::string::npos);
  EXPECT_NE(ranking.find("第5名 岚坪县（cc.c04）：暂无问题"), std::string::npos) << ranking;
}

TEST_F(RenderedStandardCampaign, TextListsOverdueDueAndReturns) {
  EXPECT_NE(section(text_, "四、超期问题清单")
                .find("1. #3 饮水工程未完工 — 溪桥县（cc.c02）；期限 2025-10-20，超期 35 天，红色，"
                      "最近督办：黄牌警告"),
            std::string::npos)
      << text_;
  EXPECT_NE(section(text_, "五、下周到期").find("#5 帮扶项目台账缺失"), std::string::npos);
  const std::string returns = section(text_, "六、退回与反弹");
  EXPECT_NE(returns.find("11月19日 退回 #7 控辍保学台账不全"), std::string::npos) << returns;
  EXPECT_NE(returns.find("意见：照片不清晰"), std::string::npos) << returns;
  EXPECT_NE(returns.find("11月20日 反弹 #8"), std::string::npos) << returns;
  EXPECT_NE(section(text_, "七、工作要求").find("按周报送整改进展。"), std::string::npos);
}

TEST_F(RenderedStandardCampaign, HtmlIsACompleteSelfContainedDocument) {
  EXPECT_EQ(html_.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html_.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html_.find("<title>【澄川市整改周报】2025年第47周"), std::string::npos);
  EXPECT_NE(html_.find("</body>\n</html>"), std::string::npos);
  for (const std::string& h : kHeadings) EXPECT_NE(html_.find(h + "</h2>"), std::string::npos) << h;
  for (const char* banned :
       {"<script", "<link", "<style", "<img", "src=", "href=", "http://", "https://", "url("}) {
    EXPECT_EQ(html_.find(banned), std::string::npos) << banned;
  }
  EXPECT_NE(html_.find("<td style=\"border:1px solid #ccc;padding:4px 8px\">-8.3个百分点</td>"),
            std::string::npos);
  EXPECT_NE(html_.find("🚩流动红旗"), std::string::npos);
  EXPECT_NE(html_.find("🟨黄牌"), std::string::npos);
  EXPECT_NE(html_.find("黄牌警告"), std::string::npos);
}

TEST(ReportHtml, EscapesEveryTextFromTheData) {
  CampaignLog log;
  const auto id = log.create("<script>alert(\"x\")</script> & 'co'", "A", "cc.c01", "2025-10-09");
  log.assign(id, "cc.c01", "2025-10-20", "2025-10-09");
  log.submit(id, "2025-11-17");
  log.reject(id, "<b>不合格</b>", "2025-11-18");
  const WeeklyReport r = log.report("2025-W47");
  ASSERT_EQ(r.overdue.size(), 1u);
  ASSERT_EQ(r.returns.size(), 1u);
  const std::string html = report_html(r);
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("&lt;b&gt;不合格&lt;/b&gt;"), std::string::npos);
  // The plain text carries the title as written.
  EXPECT_NE(report_text(r).find("<script>alert(\"x\")</script>"), std::string::npos);
}

TEST(ReportHtml, RequirementsAreEscapedAndEmptyListsSayNone) {
  const CampaignLog log;
  WeeklyReport r = log.report("2025-W47");
  r.requirements = "1. 周二前报送；\n2. <严禁>弄虚作假";
  const std::string html = report_html(r);
  EXPECT_NE(html.find("1. 周二前报送；\n2. &lt;严禁&gt;弄虚作假"), std::string::npos) << html;
  EXPECT_NE(html.find("四、超期问题清单</h2>\n<p style=\"color:#777\">（无）</p>"),
            std::string::npos)
      << html;
  const std::string text = report_text(r);
  EXPECT_NE(section(text, "四、超期问题清单").find("（无）"), std::string::npos) << text;
  EXPECT_NE(section(text, "七、工作要求").find("<严禁>"), std::string::npos) << text;
}

TEST(ReportText, ChangesThatRoundToZeroReadLevel) {
  WeeklyReport r = CampaignLog{}.report("2025-W47");
  r.totals.clearance_rate = 0.5;
  r.previous.clearance_rate = 0.5004;
  r.changes.clearance_rate_points = -0.04;
  r.totals.on_time_rate = 0.875;
  r.previous.on_time_rate = 0.8;
  const std::string text = report_text(r);
  EXPECT_NE(text.find("销号率：50.0%（上周 50.0%，较上周 持平）"), std::string::npos) << text;
  EXPECT_NE(text.find("按期销号率：87.5%（上周 80.0%，较上周 +7.5个百分点）"), std::string::npos)
      << text;
}

TEST(HtmlEscape, ReplacesTheFiveSpecialCharacters) {
  EXPECT_EQ(html_escape("a<b>&\"c'd"), "a&lt;b&gt;&amp;&quot;c&#39;d");
  EXPECT_EQ(html_escape("澄川市"), "澄川市");
}

}  // namespace
}  // namespace qingling::report
