#pragma once

// The weekly report as an e-mail: a subject line, a plain-text body and an
// HTML body carrying the same sections and numbers (DOMAIN.md §4.4).
// Percentages read "87.5%"; changes against the previous week are signed
// ("+3", "-1", "-1.2个百分点") or "持平" when there is none; rank changes read
// "↑2" (climbed two places), "↓1" or "持平".

#include <string>
#include <string_view>

#include "engine/report/report.h"

namespace qingling::report {

// 【澄川市整改周报】2026年第48周（11月23日—11月29日）· 溪桥县: the issuer is
// the root unit's name (the campaign's when the root has none). A week
// straddling two years shows both: （2025年12月29日—2026年1月4日）.
std::string report_subject(const WeeklyReport& r);

// Sections 一、总体情况 二、分类情况 三、各单位排名 四、超期问题清单 五、下周到期
// 六、退回与反弹 七、工作要求, each on its own line; empty lists read （无）.
std::string report_text(const WeeklyReport& r);

// A complete, self-contained HTML document in UTF-8: inline style attributes
// only, no scripts, no external resources; the same sections as tables.
// Every text taken from the report is escaped.
std::string report_html(const WeeklyReport& r);

// `text` with & < > " ' replaced by character references.
std::string html_escape(std::string_view text);

}  // namespace qingling::report
