#include "engine/report/report.h"

#include "engine/report/tally.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace qingling::report {
namespace {

using std::chrono::days;

constexpr std::string_view kReject = "reject";
constexpr std::string_view kReopen = "reopen";

int iso_weekday(Date day) { return static_cast<int>(std::chrono::weekday{day}.iso_encoding()); }

Date day_of(int year, std::chrono::month month, unsigned day) {
  return Date{std::chrono::year{year} / month / std::chrono::day{day}};
}

int weeks_in(int year) { return iso_week_of(day_of(year, std::chrono::December, 28)).week; }

bool valid(IsoWeek w) {
  return w.year >= 1 && w.year <= 9999 && w.week >= 1 && w.week <= weeks_in(w.year);
}

// A week in the campaign's time: [from, to) and its last day.
struct Window {
  Instant from{};
  Instant to{};
  Date sunday;
};

Window window_of(IsoWeek w, const TimeZone& zone) {
  const Date monday = monday_of(w);
  return {zone.at_local(monday, std::chrono::minutes{0}),
          zone.at_local(monday + days{7}, std::chrono::minutes{0}), monday + days{6}};
}

// A problem as it stood at the end of a week, and what happened to it during
// that week.
struct Snapshot {
  Issue issue;
  bool exists = false;
  bool created_in_week = false;
  int rejected = 0;
  int reopened = 0;
  std::vector<const Event*> returns;
  const Event* last_step = nullptr;  // the latest Escalated event
};

// The problem at the end of the previous week and of the week, in one pass.
// Histories are in version order, so the first event at or after a week's
// end closes that week.
std::pair<Snapshot, Snapshot> fold(const std::vector<Event>& history, const Window& previous,
                                   const Window& current) {
  std::pair<Snapshot, Snapshot> out;
  Snapshot s;
  std::size_t i = 0;
  const auto run = [&](const Window& w) {
    s.created_in_week = false;
    s.rejected = s.reopened = 0;
    s.returns.clear();
    for (; i < history.size() && history[i].at < w.to; ++i) {
      const Event& e = history[i];
      s.issue = apply(std::move(s.issue), e);
      s.exists = true;
      if (e.type == Event::Type::Escalated) s.last_step = &e;
      if (e.at < w.from) continue;
      if (e.type == Event::Type::Created) s.created_in_week = true;
      if (e.type == Event::Type::Action && (e.action == kReject || e.action == kReopen)) {
        ++(e.action == kReject ? s.rejected : s.reopened);
        s.returns.push_back(&e);
      }
    }
  };
  run(previous);
  out.first = s;
  run(current);
  out.second = std::move(s);
  return out;
}

// The problems in the jurisdiction at a week's end, and beside each (at the
// same index) the snapshot it stands for.
struct Standings {
  std::vector<tally::Standing> items;
  std::vector<const Snapshot*> snapshots;
};

Standings standings_of(std::vector<const Snapshot*> snapshots, const RuleSet& rules,
                       const Window& w) {
  Standings out;
  out.items.reserve(snapshots.size());
  for (const Snapshot* s : snapshots) {
    out.items.push_back(tally::standing_of(s->issue, rules, w.sunday + days{1}));
  }
  out.snapshots = std::move(snapshots);
  return out;
}

Totals totals_of(const Standings& standings, const RuleSet& rules, const Window& w) {
  Totals t;
  for (std::size_t i = 0; i < standings.items.size(); ++i) {
    const tally::Standing& st = standings.items[i];
    const Snapshot& snapshot = *standings.snapshots[i];
    const Issue& issue = *st.issue;
    ++t.total;
    if (snapshot.created_in_week) ++t.new_this_week;
    t.rejected += snapshot.rejected;
    t.reopened += snapshot.reopened;
    if (st.long_term) ++t.long_term;
    if (st.cleared) {
      ++t.cleared;
      if (*issue.cleared_at >= w.from) ++t.cleared_this_week;
      ++t.on_time_base;
      if (!issue.deadline || rules.zone.local_date(*issue.cleared_at) <= issue.deadline->date) {
        ++t.on_time_cleared;
      }
    } else if (!st.long_term && issue.deadline && issue.deadline->date <= w.sunday) {
      ++t.on_time_base;
    }
    if (st.overdue.overdue) {
      ++t.overdue;
      tally::count_level(t.overdue_by_level, issue.level);
    }
  }
  t.open = t.total - t.cleared;
  t.clearance_rate = tally::ratio(t.cleared, t.total - t.long_term);
  t.on_time_rate = tally::ratio(t.on_time_cleared, t.on_time_base);
  t.overdue_rate = tally::ratio(t.overdue, t.open);
  return t;
}

std::string last_step_name(const Snapshot& s) {
  if (s.last_step == nullptr || !s.issue.deadline) return {};
  const auto& fields = s.last_step->fields;
  auto deadline = fields.find("deadline");
  if (deadline == fields.end() || deadline->second != format_date(s.issue.deadline->date)) {
    return {};  // fired against a deadline since replaced
  }
  auto name = fields.find("name");
  return name != fields.end() && !name->second.empty() ? name->second : s.last_step->action;
}

void list_problems(const Standings& standings, const ReportInput& in, const Window& w,
                   WeeklyReport& report) {
  using tally::owner_of;
  using tally::unit_ref;
  const Date next_sunday = w.sunday + days{7};
  for (std::size_t i = 0; i < standings.items.size(); ++i) {
    const tally::Standing& st = standings.items[i];
    const Snapshot& snapshot = *standings.snapshots[i];
    const Issue& issue = *st.issue;
    if (st.overdue.overdue) {
      report.overdue.push_back({issue.id, issue.title, unit_ref(in.units, owner_of(issue)),
                                issue.deadline->date, st.overdue.days_overdue, issue.level,
                                last_step_name(snapshot)});
    }
    if (st.running && !st.cleared && issue.deadline && issue.deadline->date > w.sunday &&
        issue.deadline->date <= next_sunday) {
      report.due_next_week.push_back({issue.id, issue.title, unit_ref(in.units, owner_of(issue)),
                                      issue.deadline->date, issue.level});
    }
    for (const Event* e : snapshot.returns) {
      const ActionDef* action = in.rules.find_action(e->action);
      report.returns.push_back({issue.id, issue.title, unit_ref(in.units, owner_of(issue)),
                                e->action, action != nullptr ? action->label : e->action, e->at,
                                e->local_date, e->actor, e->comment});
    }
  }
  std::sort(report.overdue.begin(), report.overdue.end(),
            [](const OverdueItem& a, const OverdueItem& b) {
              if (a.days_overdue != b.days_overdue) return a.days_overdue > b.days_overdue;
              return a.id < b.id;
            });
  std::sort(report.due_next_week.begin(), report.due_next_week.end(),
            [](const DueItem& a, const DueItem& b) {
              if (a.deadline != b.deadline) return a.deadline < b.deadline;
              return a.id < b.id;
            });
  std::sort(report.returns.begin(), report.returns.end(),
            [](const ReturnItem& a, const ReturnItem& b) {
              if (a.at != b.at) return a.at < b.at;
              return a.id < b.id;
            });
}

}  // namespace

std::optional<IsoWeek> parse_iso_week(std::string_view text) {
  const auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 8 || text[4] != '-' || text[5] != 'W') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 6u, 7u}) {
    if (!digit(i)) return std::nullopt;
  }
  const auto number = [&](std::size_t from, std::size_t count) {
    int n = 0;
    for (std::size_t i = from; i < from + count; ++i) n = n * 10 + (text[i] - '0');
    return n;
  };
  const IsoWeek w{number(0, 4), number(6, 2)};
  if (!valid(w)) return std::nullopt;
  return w;
}

std::string format_iso_week(IsoWeek w) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-W%02d", w.year, w.week);
  return buffer;
}

Date monday_of(IsoWeek w) {
  const Date jan4 = day_of(w.year, std::chrono::January, 4);  // always in week 1
  return jan4 - days{iso_weekday(jan4) - 1} + days{7 * (w.week - 1)};
}

Date sunday_of(IsoWeek w) { return monday_of(w) + days{6}; }

IsoWeek iso_week_of(Date day) {
  // A week belongs to the year of its Thursday.
  const Date thursday = day + days{4 - iso_weekday(day)};
  const int year = static_cast<int>(std::chrono::year_month_day{thursday}.year());
  const auto since_jan1 = (thursday - day_of(year, std::chrono::January, 1)).count();
  return {year, static_cast<int>(since_jan1 / 7) + 1};
}

IsoWeek previous(IsoWeek w) { return iso_week_of(monday_of(w) - days{7}); }

WeeklyReport weekly_report(const ReportInput& in) {
  const Unit* unit = in.units.find(in.unit);
  if (unit == nullptr) throw std::invalid_argument("weekly report: no unit '" + in.unit + "'");
  if (!valid(in.week)) {
    throw std::invalid_argument("weekly report: no week " + format_iso_week(in.week));
  }
  const RuleSet& rules = in.rules;
  const IsoWeek last_week = previous(in.week);
  const Window current = window_of(in.week, rules.zone);
  const Window before = window_of(last_week, rules.zone);

  std::vector<std::pair<Snapshot, Snapshot>> folds;
  folds.reserve(in.histories.size());
  for (const std::vector<Event>& history : in.histories) {
    folds.push_back(fold(history, before, current));
  }
  std::vector<const Snapshot*> at_previous_end;
  std::vector<const Snapshot*> at_end;
  const auto keep = [&](const Snapshot& s, std::vector<const Snapshot*>& into) {
    if (s.exists && tally::in_jurisdiction(s.issue, in.units, in.unit)) into.push_back(&s);
  };
  for (const auto& [then, now] : folds) {
    keep(then, at_previous_end);
    keep(now, at_end);
  }
  const Standings now = standings_of(std::move(at_end), rules, current);
  const Standings then = standings_of(std::move(at_previous_end), rules, before);

  WeeklyReport report;
  ReportHeader& h = report.header;
  h.campaign_code = rules.campaign.code;
  h.campaign = rules.campaign.name;
  h.issuer = in.units.find(in.units.root())->name;
  h.unit = {unit->code, unit->name};
  h.week = in.week;
  h.monday = monday_of(in.week);
  h.sunday = current.sunday;
  h.as_of = current.to;
  h.previous_week = last_week;
  h.time_zone = rules.zone.name();
  h.pack_version = rules.version;

  report.totals = totals_of(now, rules, current);
  report.previous = totals_of(then, rules, before);
  const Totals& t = report.totals;
  const Totals& p = report.previous;
  report.changes = {t.new_this_week - p.new_this_week,
                    t.cleared_this_week - p.cleared_this_week,
                    t.cleared - p.cleared,
                    (t.clearance_rate - p.clearance_rate) * 100.0,
                    t.overdue - p.overdue,
                    t.overdue_by_level.red - p.overdue_by_level.red,
                    t.overdue_by_level.yellow - p.overdue_by_level.yellow};

  tally::count_by_category(now.items, rules, report.states, report.by_category);

  const auto ranked = [&](const Standings& standings, double rate) {
    std::vector<UnitRanking> rows = tally::child_rows(standings.items, in.units, in.unit);
    tally::rank(rows, in.ranking, rate);
    return rows;
  };
  report.ranking = ranked(now, t.clearance_rate);
  std::unordered_map<std::string, const UnitRanking*> previous;
  const std::vector<UnitRanking> last_ranking = ranked(then, p.clearance_rate);
  for (const UnitRanking& r : last_ranking) previous[r.unit.code] = &r;
  for (UnitRanking& r : report.ranking) {
    const UnitRanking& last = *previous.at(r.unit.code);
    r.previous_rank = last.rank;
    r.rank_change = r.previous_rank - r.rank;
    r.previous_yellow_card = last.yellow_card;
    r.talk = r.yellow_card && last.yellow_card;
  }

  list_problems(now, in, current, report);
  report.requirements = in.requirements;
  return report;
}

}  // namespace qingling::report
