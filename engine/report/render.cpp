#include "engine/report/render.h"

#include <charconv>
#include <chrono>
#include <vector>

namespace qingling::report {
namespace {

constexpr const char* kSections[] = {"一、总体情况",     "二、分类情况", "三、各单位排名",
                                     "四、超期问题清单", "五、下周到期", "六、退回与反弹",
                                     "七、工作要求"};
constexpr const char* kNone = "（无）";
constexpr const char* kRedFlag = "🚩流动红旗";
constexpr const char* kYellowCard = "🟨黄牌";

// One decimal, locale-free; "-0.0" reads "0.0".
std::string fixed1(double value) {
  char buffer[64];
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 1);
  std::string out(buffer, ec == std::errc{} ? end : buffer);
  return out == "-0.0" ? "0.0" : out;
}

std::string percent(double rate) { return fixed1(rate * 100.0) + "%"; }

std::string change(int delta) {
  if (delta == 0) return "持平";
  return (delta > 0 ? "+" : "") + std::to_string(delta);
}

std::string points(double delta) {
  const std::string text = fixed1(delta);
  if (text == "0.0") return "持平";
  return (delta > 0 ? "+" : "") + text + "个百分点";
}

std::string rank_change(int delta) {
  if (delta == 0) return "持平";
  return (delta > 0 ? "↑" : "↓") + std::to_string(delta > 0 ? delta : -delta);
}

std::string level_name(Level level) {
  switch (level) {
    case Level::Green:
      return "绿色";
    case Level::Yellow:
      return "黄色";
    case Level::Red:
      return "红色";
  }
  return "绿色";
}

std::string return_kind(const ReturnItem& item) {
  if (item.action == "reject") return "退回";
  if (item.action == "reopen") return "反弹";
  return item.action_label;
}

std::chrono::year_month_day ymd(Date day) { return std::chrono::year_month_day{day}; }

std::string month_day(Date day) {
  const auto d = ymd(day);
  return std::to_string(static_cast<unsigned>(d.month())) + "月" +
         std::to_string(static_cast<unsigned>(d.day())) + "日";
}

std::string full_date(Date day) {
  return std::to_string(static_cast<int>(ymd(day).year())) + "年" + month_day(day);
}

std::string period(const ReportHeader& h) {
  if (ymd(h.monday).year() == ymd(h.sunday).year()) {
    return month_day(h.monday) + "—" + month_day(h.sunday);
  }
  return full_date(h.monday) + "—" + full_date(h.sunday);
}

std::string unit_text(const UnitRef& unit) { return unit.name + "（" + unit.code + "）"; }

std::string as_of_text(const ReportHeader& h) {
  return full_date(h.sunday + std::chrono::days{1}) + "0时（" + h.time_zone + "）";
}

// One row of 一、总体情况: this week, the previous week, and the change.
struct Figure {
  std::string name;
  std::string now;
  std::string before;
  std::string change;
};

std::vector<Figure> figures(const WeeklyReport& r) {
  const Totals& t = r.totals;
  const Totals& p = r.previous;
  const Changes& c = r.changes;
  const auto count = [](const char* name, int now, int before, int delta) {
    return Figure{name, std::to_string(now), std::to_string(before), change(delta)};
  };
  const auto rate = [](const char* name, double now, double before) {
    return Figure{name, percent(now), percent(before), points((now - before) * 100.0)};
  };
  return {
      count("问题总数", t.total, p.total, t.total - p.total),
      count("本周新增", t.new_this_week, p.new_this_week, c.new_this_week),
      count("本周销号", t.cleared_this_week, p.cleared_this_week, c.cleared_this_week),
      count("累计销号", t.cleared, p.cleared, c.cleared),
      count("长期坚持", t.long_term, p.long_term, t.long_term - p.long_term),
      {"销号率", percent(t.clearance_rate), percent(p.clearance_rate),
       points(c.clearance_rate_points)},
      rate("按期销号率", t.on_time_rate, p.on_time_rate),
      count("超期", t.overdue, p.overdue, c.overdue),
      count("其中红色", t.overdue_by_level.red, p.overdue_by_level.red, c.red),
      count("其中黄色", t.overdue_by_level.yellow, p.overdue_by_level.yellow, c.yellow),
      count("其中绿色", t.overdue_by_level.green, p.overdue_by_level.green,
            t.overdue_by_level.green - p.overdue_by_level.green),
      rate("超期率", t.overdue_rate, p.overdue_rate),
      count("本周退回", t.rejected, p.rejected, t.rejected - p.rejected),
      count("本周反弹", t.reopened, p.reopened, t.reopened - p.reopened),
  };
}

std::string marks(const UnitRanking& u) {
  std::string out;
  if (u.red_flag) out += kRedFlag;
  if (u.yellow_card) out += kYellowCard;
  if (u.talk) out += "（连续两周黄牌，列入集体谈话）";
  return out;
}

std::string category_name(const CategoryCounts& c) {
  return c.label == c.category ? c.label : c.label + "（" + c.category + "）";
}

// --- plain text ---

void text_overall(const WeeklyReport& r, std::string& out) {
  for (const Figure& f : figures(r)) {
    out += f.name + "：" + f.now + "（上周 " + f.before + "，较上周 " + f.change + "）\n";
  }
  out += "注：销号率 = 累计销号 ÷（问题总数 − 长期坚持）；按期销号 " +
         std::to_string(r.totals.on_time_cleared) + " 个，应按期销号 " +
         std::to_string(r.totals.on_time_base) + " 个；超期率 = 超期 ÷ 未销号 " +
         std::to_string(r.totals.open) + " 个。\n";
}

void text_categories(const WeeklyReport& r, std::string& out) {
  for (const CategoryCounts& c : r.by_category) {
    out += category_name(c) + "：共 " + std::to_string(c.total);
    for (std::size_t i = 0; i < r.states.size(); ++i) {
      out += (i == 0 ? "；" : "、") + r.states[i].label + " " + std::to_string(c.by_state[i]);
    }
    out += "\n";
  }
  if (r.by_category.empty()) out += std::string(kNone) + "\n";
}

void text_ranking(const WeeklyReport& r, std::string& out) {
  for (const UnitRanking& u : r.ranking) {
    out += "第" + std::to_string(u.rank) + "名 " + unit_text(u.unit) + "：";
    if (u.total == 0) {
      out += "暂无问题";
    } else {
      out += "销号率 " + percent(u.rate) + "（共 " + std::to_string(u.total) + " 个，已销号 " +
             std::to_string(u.cleared) + " 个，长期坚持 " + std::to_string(u.long_term) +
             " 个），超期 " + std::to_string(u.overdue) + " 个、累计超期 " +
             std::to_string(u.days_overdue) + " 天，红色 " + std::to_string(u.red) + " 个、黄色 " +
             std::to_string(u.yellow) + " 个";
    }
    out += "；上周第" + std::to_string(u.previous_rank) + "名，" + rank_change(u.rank_change);
    if (!marks(u).empty()) out += " " + marks(u);
    out += "\n";
  }
  if (r.ranking.empty()) out += std::string(kNone) + "\n";
}

// The line under a list cut short: how many there are and how many shown.
std::string cut_note(std::size_t listed, int total) {
  if (static_cast<int>(listed) >= total) return {};
  return "（共 " + std::to_string(total) + " 项，列出前 " + std::to_string(listed) + " 项）";
}
int returns_total(const WeeklyReport& r) { return r.totals.rejected + r.totals.reopened; }

void text_overdue(const WeeklyReport& r, std::string& out) {
  int n = 0;
  for (const OverdueItem& o : r.overdue) {
    out += std::to_string(++n) + ". #" + std::to_string(o.id) + " " + o.title + " — " +
           unit_text(o.unit) + "；期限 " + format_date(o.deadline) + "，超期 " +
           std::to_string(o.days_overdue) + " 天，" + level_name(o.level);
    if (!o.last_step.empty()) out += "，最近督办：" + o.last_step;
    out += "\n";
  }
  if (r.overdue.empty()) out += std::string(kNone) + "\n";
  if (const std::string note = cut_note(r.overdue.size(), r.totals.overdue); !note.empty()) {
    out += note + "\n";
  }
}

void text_due(const WeeklyReport& r, std::string& out) {
  int n = 0;
  for (const DueItem& d : r.due_next_week) {
    out += std::to_string(++n) + ". #" + std::to_string(d.id) + " " + d.title + " — " +
           unit_text(d.unit) + "；期限 " + format_date(d.deadline) + "，" + level_name(d.level) +
           "\n";
  }
  if (r.due_next_week.empty()) out += std::string(kNone) + "\n";
  if (const std::string note = cut_note(r.due_next_week.size(), r.totals.due_next_week);
      !note.empty()) {
    out += note + "\n";
  }
}

void text_returns(const WeeklyReport& r, std::string& out) {
  int n = 0;
  for (const ReturnItem& x : r.returns) {
    out += std::to_string(++n) + ". " + month_day(x.local_date) + " " + return_kind(x) + " #" +
           std::to_string(x.id) + " " + x.title + " — " + unit_text(x.unit);
    if (!x.comment.empty()) out += "；意见：" + x.comment;
    out += "\n";
  }
  if (r.returns.empty()) out += std::string(kNone) + "\n";
  if (const std::string note = cut_note(r.returns.size(), returns_total(r)); !note.empty()) {
    out += note + "\n";
  }
}

// --- HTML ---

constexpr const char* kTable =
    "<table style=\"border-collapse:collapse;width:100%;font-size:14px;margin:8px 0 16px\">";
constexpr const char* kTh =
    "<th style=\"border:1px solid #ccc;background:#f0f2f5;padding:4px 8px;text-align:left\">";
constexpr const char* kTd = "<td style=\"border:1px solid #ccc;padding:4px 8px\">";
constexpr const char* kTdNumber =
    "<td style=\"border:1px solid #ccc;padding:4px 8px;text-align:right\">";
constexpr const char* kH2 = "<h2 style=\"font-size:17px;margin:24px 0 8px;color:#a61b1b\">";

std::string level_cell(Level level) {
  const char* colour = level == Level::Red      ? "#c0392b"
                       : level == Level::Yellow ? "#b7950b"
                                                : "#2e7d32";
  return std::string(kTd) + "<span style=\"color:" + colour + ";font-weight:bold\">" +
         level_name(level) + "</span></td>";
}

// Cells are HTML already.
void html_row(std::string& out, const std::vector<std::string>& cells, bool head = false) {
  out += "<tr>";
  for (const std::string& c : cells) out += (head ? kTh : kTd) + c + (head ? "</th>" : "</td>");
  out += "</tr>\n";
}

void html_none(std::string& out) {
  out += std::string("<p style=\"color:#777\">") + kNone + "</p>\n";
}

void html_overall(const WeeklyReport& r, std::string& out) {
  out += kTable;
  html_row(out, {"指标", "本周", "上周", "较上周"}, true);
  for (const Figure& f : figures(r)) {
    html_row(out, {html_escape(f.name), f.now, f.before, html_escape(f.change)});
  }
  out +=
      "</table>\n<p style=\"font-size:12px;color:#777\">销号率 = 累计销号 ÷（问题总数 − "
      "长期坚持）；按期销号 " +
      std::to_string(r.totals.on_time_cleared) + " 个，应按期销号 " +
      std::to_string(r.totals.on_time_base) + " 个；超期率 = 超期 ÷ 未销号 " +
      std::to_string(r.totals.open) + " 个。</p>\n";
}

void html_categories(const WeeklyReport& r, std::string& out) {
  if (r.by_category.empty()) return html_none(out);
  out += kTable;
  std::vector<std::string> head{"类别"};
  for (const CodeLabel& s : r.states) head.push_back(html_escape(s.label));
  head.push_back("合计");
  html_row(out, head, true);
  for (const CategoryCounts& c : r.by_category) {
    out += "<tr>" + std::string(kTd) + html_escape(category_name(c)) + "</td>";
    for (int n : c.by_state) out += kTdNumber + std::to_string(n) + "</td>";
    out += kTdNumber + std::to_string(c.total) + "</td></tr>\n";
  }
  out += "</table>\n";
}

void html_ranking(const WeeklyReport& r, std::string& out) {
  if (r.ranking.empty()) return html_none(out);
  out += kTable;
  html_row(out,
           {"排名", "单位", "问题数", "已销号", "销号率", "超期", "超期天数", "红色", "黄色",
            "上周排名", "变化", "标识"},
           true);
  for (const UnitRanking& u : r.ranking) {
    html_row(out, {std::to_string(u.rank), html_escape(u.unit.name), std::to_string(u.total),
                   std::to_string(u.cleared), u.total > 0 ? percent(u.rate) : "—",
                   std::to_string(u.overdue), std::to_string(u.days_overdue), std::to_string(u.red),
                   std::to_string(u.yellow), std::to_string(u.previous_rank),
                   rank_change(u.rank_change), marks(u)});
  }
  out += "</table>\n";
}

void html_cut_note(std::string& out, std::size_t listed, int total) {
  const std::string note = cut_note(listed, total);
  if (!note.empty()) out += "<p style=\"color:#555;font-size:13px\">" + note + "</p>\n";
}

void html_overdue(const WeeklyReport& r, std::string& out) {
  if (r.overdue.empty()) return html_none(out);
  out += kTable;
  html_row(out, {"编号", "问题", "责任单位", "整改期限", "超期天数", "预警等级", "最近督办"}, true);
  for (const OverdueItem& o : r.overdue) {
    out += "<tr>" + std::string(kTd) + std::to_string(o.id) + "</td>" + kTd + html_escape(o.title) +
           "</td>" + kTd + html_escape(o.unit.name) + "</td>" + kTd + format_date(o.deadline) +
           "</td>" + kTdNumber + std::to_string(o.days_overdue) + "</td>" + level_cell(o.level) +
           kTd + html_escape(o.last_step) + "</td></tr>\n";
  }
  out += "</table>\n";
  html_cut_note(out, r.overdue.size(), r.totals.overdue);
}

void html_due(const WeeklyReport& r, std::string& out) {
  if (r.due_next_week.empty()) return html_none(out);
  out += kTable;
  html_row(out, {"编号", "问题", "责任单位", "整改期限", "预警等级"}, true);
  for (const DueItem& d : r.due_next_week) {
    out += "<tr>" + std::string(kTd) + std::to_string(d.id) + "</td>" + kTd + html_escape(d.title) +
           "</td>" + kTd + html_escape(d.unit.name) + "</td>" + kTd + format_date(d.deadline) +
           "</td>" + level_cell(d.level) + "</tr>\n";
  }
  out += "</table>\n";
  html_cut_note(out, r.due_next_week.size(), r.totals.due_next_week);
}

void html_returns(const WeeklyReport& r, std::string& out) {
  if (r.returns.empty()) return html_none(out);
  out += kTable;
  html_row(out, {"日期", "类型", "编号", "问题", "责任单位", "意见"}, true);
  for (const ReturnItem& x : r.returns) {
    html_row(out, {format_date(x.local_date), html_escape(return_kind(x)), std::to_string(x.id),
                   html_escape(x.title), html_escape(x.unit.name), html_escape(x.comment)});
  }
  out += "</table>\n";
  html_cut_note(out, r.returns.size(), returns_total(r));
}

void html_requirements(const WeeklyReport& r, std::string& out) {
  if (r.requirements.empty()) return html_none(out);
  out +=
      "<p style=\"white-space:pre-wrap;line-height:1.6\">" + html_escape(r.requirements) + "</p>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string report_subject(const WeeklyReport& r) {
  const ReportHeader& h = r.header;
  const std::string& issuer = h.issuer.empty() ? h.campaign : h.issuer;
  return "【" + issuer + "整改周报】" + std::to_string(h.week.year) + "年第" +
         std::to_string(h.week.week) + "周（" + period(h) + "）· " + h.unit.name;
}

std::string report_text(const WeeklyReport& r) {
  const ReportHeader& h = r.header;
  std::string out = report_subject(r) + "\n\n";
  if (!h.campaign.empty()) out += h.campaign + "\n";
  out += "统计范围：" + unit_text(h.unit) + "及所辖单位\n";
  out += "统计截至：" + as_of_text(h) + "，对比上周：" + format_iso_week(h.previous_week) + "\n";

  using Section = void (*)(const WeeklyReport&, std::string&);
  constexpr Section kBodies[] = {text_overall, text_categories, text_ranking,
                                 text_overdue, text_due,        text_returns};
  for (std::size_t i = 0; i < std::size(kBodies); ++i) {
    out += std::string("\n") + kSections[i] + "\n";
    kBodies[i](r, out);
  }
  out += std::string("\n") + kSections[6] + "\n";
  out += (r.requirements.empty() ? std::string(kNone) : r.requirements) + "\n";
  return out;
}

std::string report_html(const WeeklyReport& r) {
  const ReportHeader& h = r.header;
  const std::string subject = html_escape(report_subject(r));
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      subject + "</title>\n</head>\n";
  out +=
      "<body style=\"margin:0;padding:16px;background:#f4f5f7;color:#222;"
      "font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif\">\n"
      "<div style=\"max-width:960px;margin:0 auto;background:#fff;padding:24px\">\n";
  out += "<h1 style=\"font-size:20px;margin:0 0 8px\">" + subject + "</h1>\n";
  out += "<p style=\"color:#555;font-size:13px;margin:0\">" + html_escape(h.campaign) +
         "<br>统计范围：" + html_escape(unit_text(h.unit)) + "及所辖单位<br>统计截至：" +
         html_escape(as_of_text(h)) + "，对比上周：" + format_iso_week(h.previous_week) + "</p>\n";

  using Section = void (*)(const WeeklyReport&, std::string&);
  constexpr Section kBodies[] = {html_overall, html_categories, html_ranking,     html_overdue,
                                 html_due,     html_returns,    html_requirements};
  for (std::size_t i = 0; i < std::size(kBodies); ++i) {
    out += std::string(kH2) + kSections[i] + "</h2>\n";
    kBodies[i](r, out);
  }
  out += "</div>\n</body>\n</html>\n";
  return out;
}

}  // namespace qingling::report
