#include "engine/notify/weekly.h"

#include <algorithm>
#include <map>

#include "engine/core/escalation.h"
#include "engine/report/render.h"

namespace qingling::notify {
namespace {

constexpr const char* kLastRunKey = "weekly_report_run";
// The longest list a report holds (overdue, due next week, returns): the
// figures count every problem; the whole list is a query of /api/v1/issues.
constexpr std::size_t kReportListLimit = 100;

// The reports of `jurisdictions` for `week`, from one scan of the histories
// before the week's end: of the unit's own jurisdiction for one report, of
// the whole tree for several.
std::vector<report::WeeklyReport> reports_of(store::ReadView& view, const RuleSet& rules,
                                             const UnitTree& units,
                                             const std::vector<std::string>& jurisdictions,
                                             report::IsoWeek week) {
  const Instant end =
      rules.zone.at_local(report::sunday_of(week) + std::chrono::days{1}, std::chrono::minutes{0});
  const std::string scope = jurisdictions.size() == 1 ? jurisdictions.front() : units.root();
  const WeeklyReportRules& w = rules.escalation.weekly_report;
  report::WeeklyReports reports(
      report::ReportInput{
          rules, units, scope, week, {}, ranking_of(w), w.requirements, kReportListLimit},
      jurisdictions);
  view.scan_histories(scope, end,
                      [&](std::vector<Event>&& h, const Placement& now) { reports.add(h, &now); });
  return reports.finish();
}

}  // namespace

report::RankingRules ranking_of(const WeeklyReportRules& w) {
  return {w.red_flag_needs_no_red, w.yellow_card_below_average, w.yellow_card_any_red};
}

report::WeeklyReport weekly_report_of(store::ReadView& view, const RuleSet& rules,
                                      const UnitTree& units, const std::string& unit,
                                      report::IsoWeek week) {
  return std::move(reports_of(view, rules, units, {unit}, week).front());
}

report::IsoWeek reported_week(Instant at, const RuleSet& rules) {
  return report::iso_week_of(rules.zone.local_date(at) - std::chrono::days{1});
}

std::optional<Instant> latest_report_run(const RuleSet& rules, Instant now) {
  const WeeklyReportRules& w = rules.escalation.weekly_report;
  if (!w.mailed) return std::nullopt;
  Date day = rules.zone.local_date(now);
  for (int i = 0; i < 8; ++i, day -= std::chrono::days{1}) {
    if (std::chrono::weekday{day} != w.day) continue;
    const Instant at = rules.zone.at_local(day, w.at);
    if (at <= now) return at;
  }
  return std::nullopt;
}

std::optional<Instant> next_report_run(const RuleSet& rules, Instant now) {
  const WeeklyReportRules& w = rules.escalation.weekly_report;
  if (!w.mailed) return std::nullopt;
  Date day = rules.zone.local_date(now);
  for (int i = 0; i < 8; ++i, day += std::chrono::days{1}) {
    if (std::chrono::weekday{day} != w.day) continue;
    const Instant at = rules.zone.at_local(day, w.at);
    if (at > now) return at;
  }
  return std::nullopt;
}

WeeklyMailer::WeeklyMailer(store::Database& db, store::Writer& writer, const Clock& clock)
    : db_(db), writer_(writer), clock_(clock) {}

std::size_t WeeklyMailer::sent() const {
  std::lock_guard lock(mutex_);
  return sent_;
}

std::optional<Instant> WeeklyMailer::tick() {
  std::lock_guard lock(mutex_);
  const std::shared_ptr<const RuleSet> rules = writer_.rules();
  const Instant now = clock_.now();
  const std::optional<Instant> run = latest_report_run(*rules, now);
  const std::optional<Instant> next = next_report_run(*rules, now);
  if (!run) return next;
  const std::string key = format_instant(*run);

  std::string done;
  writer_.run_job([&](store::WriteBackend& backend, const store::WriteContext&) {
    done = backend.meta(kLastRunKey);
    if (done.empty()) backend.set_meta(kLastRunKey, key);  // a first start sends nothing old
  });
  if (done.empty() || done >= key) return next;

  // Build every report on a read connection, outside the writer.
  auto view = db_.open_reader();
  const std::shared_ptr<const UnitTree> units = writer_.units();
  const report::IsoWeek week = reported_week(*run, *rules);
  const Instant slot = next_working_moment(*run, *rules);
  std::vector<store::User> readers;
  std::vector<std::string> codes;  // each reader's unit once, in order of meeting
  for (store::User& user : view->users_with_roles(rules->escalation.weekly_report.roles)) {
    if (units->find(user.unit) == nullptr) continue;
    if (std::find(codes.begin(), codes.end(), user.unit) == codes.end()) codes.push_back(user.unit);
    readers.push_back(std::move(user));
  }
  std::map<std::string, store::OutboxItem> by_unit;
  std::map<std::string, std::string> talks;  // unit code -> its name: carded two weeks running
  if (!codes.empty()) {
    for (const report::WeeklyReport& r : reports_of(*view, *rules, *units, codes, week)) {
      store::OutboxItem item;
      item.step = "weekly_report";
      item.subject = report::report_subject(r);
      item.text = report::report_text(r);
      item.html = report::report_html(r);
      by_unit.emplace(r.header.unit.code, std::move(item));
      for (const report::UnitRanking& u : r.ranking) {
        if (u.talk) talks.emplace(u.unit.code, u.unit.name);
      }
    }
  }
  std::vector<store::Notification> mail;
  mail.reserve(readers.size() + talks.size());
  for (const store::User& user : readers) {
    mail.push_back({user.email, user.display_name.empty() ? user.name : user.display_name, "report",
                    slot, by_unit.at(user.unit)});
  }
  // The rank trigger: a unit carded two weeks running is told it is listed
  // for a collective talk (集体谈话), and the listing is in the log.
  std::vector<std::string> talk_log;
  const std::string week_text = report::format_iso_week(week);
  for (const auto& [code, name] : talks) {
    std::string entry = R"({"unit":")";
    entry.append(code).append(R"(","week":")").append(week_text).append(R"("})");
    talk_log.push_back(std::move(entry));
    const Unit* unit = units->find(code);
    if (unit == nullptr || unit->email.empty()) continue;
    store::OutboxItem item;
    item.step = "collective_talk";
    item.subject = "【集体谈话】" + name + "连续两周被亮黄牌，列入集体谈话名单";
    item.text = name + "：\n你单位在" + std::to_string(week.year) + "年第" +
                std::to_string(week.week) +
                "周及上一周的整改排名中均被亮黄牌，按规定列入集体谈话名单。请主要负责同志"
                "做好准备，谈话时间另行通知。\n";
    mail.push_back({unit->email, name, "talk", slot, std::move(item)});
  }
  std::size_t written = 0;
  writer_.run_job([&](store::WriteBackend& backend, const store::WriteContext& ctx) {
    if (backend.meta(kLastRunKey) >= key) return;  // done meanwhile
    for (const store::Notification& n : mail) backend.enqueue(n, ctx.now);
    for (const std::string& payload : talk_log) {
      backend.append_log("collective_talk", "scheduler", ctx.now, rules->version, payload);
    }
    backend.set_meta(kLastRunKey, key);
    written = mail.size();
  });
  sent_ += written;
  return next;
}

}  // namespace qingling::notify
