#include "engine/report/report.h"

#include "engine/report/tally.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
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

// Adds one problem as it stood at a week's end to that week's totals.
void count(Totals& t, const tally::Standing& st, const Snapshot& snapshot, const RuleSet& rules,
           const Window& w) {
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
  if (st.running && !st.cleared && issue.deadline && issue.deadline->date > w.sunday &&
      issue.deadline->date <= w.sunday + days{7}) {
    ++t.due_next_week;
  }
}

void finish_rates(Totals& t) {
  t.open = t.total - t.cleared;
  t.clearance_rate = tally::ratio(t.cleared, t.total - t.long_term);
  t.on_time_rate = tally::ratio(t.on_time_cleared, t.on_time_base);
  t.overdue_rate = tally::ratio(t.overdue, t.open);
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

// The first `limit` items of a list in the order `before` gives (0: all),
// kept as items come in any order: a heap whose top is the last item kept.
template <class Item, class Before>
class FirstItems {
 public:
  explicit FirstItems(std::size_t limit) : limit_(limit) {}
  // Whether an item ordered like `probe` would be kept, before it is built.
  bool admits(const Item& probe) const {
    return limit_ == 0 || items_.size() < limit_ || Before{}(probe, items_.front());
  }
  void add(Item item) {
    if (!admits(item)) return;
    items_.push_back(std::move(item));
    std::push_heap(items_.begin(), items_.end(), Before{});
    if (limit_ != 0 && items_.size() > limit_) {
      std::pop_heap(items_.begin(), items_.end(), Before{});
      items_.pop_back();
    }
  }
  std::vector<Item> take() {
    std::sort_heap(items_.begin(), items_.end(), Before{});
    return std::move(items_);
  }

 private:
  std::size_t limit_;
  std::vector<Item> items_;
};

struct MostOverdue {
  bool operator()(const OverdueItem& a, const OverdueItem& b) const {
    if (a.days_overdue != b.days_overdue) return a.days_overdue > b.days_overdue;
    return a.id < b.id;
  }
};
struct SoonestDue {
  bool operator()(const DueItem& a, const DueItem& b) const {
    if (a.deadline != b.deadline) return a.deadline < b.deadline;
    return a.id < b.id;
  }
};
struct Earliest {
  bool operator()(const ReturnItem& a, const ReturnItem& b) const {
    if (a.at != b.at) return a.at < b.at;
    return a.id < b.id;
  }
};

// One week's end of one jurisdiction: its figures as problems come in.
struct WeekTally {
  WeekTally(const UnitTree& units, const std::string& unit) : children(units, unit) {}
  Totals totals;
  tally::ChildTally children;
};

// What one report gathers while the histories pass.
struct Jurisdiction {
  Jurisdiction(const Unit& of, const UnitTree& units, std::size_t limit)
      : unit(&of),
        now(units, of.code),
        then(units, of.code),
        overdue(limit),
        due(limit),
        returns(limit) {}
  const Unit* unit;
  WeekTally now;
  WeekTally then;
  tally::CategoryTally categories;  // at the week's end
  FirstItems<OverdueItem, MostOverdue> overdue;
  FirstItems<DueItem, SoonestDue> due;
  FirstItems<ReturnItem, Earliest> returns;
};

}  // namespace

struct WeeklyReports::Impl {
  explicit Impl(const ReportInput& in)
      : rules(in.rules),
        units(in.units),
        week(in.week),
        ranking(in.ranking),
        requirements(in.requirements),
        list_limit(in.list_limit) {}
  const RuleSet& rules;
  const UnitTree& units;
  IsoWeek week;
  RankingRules ranking;
  std::string requirements;
  std::size_t list_limit;
  Window current;
  Window before;
  std::vector<Jurisdiction> parts;

  void list(Jurisdiction& j, const tally::Standing& st, const Snapshot& snapshot) const;
  WeeklyReport report_of(Jurisdiction& j) const;
};

WeeklyReports::WeeklyReports(const ReportInput& in, const std::vector<std::string>& jurisdictions)
    : impl_(std::make_unique<Impl>(in)) {
  if (!valid(in.week)) {
    throw std::invalid_argument("weekly report: no week " + format_iso_week(in.week));
  }
  impl_->current = window_of(in.week, in.rules.zone);
  impl_->before = window_of(previous(in.week), in.rules.zone);
  impl_->parts.reserve(jurisdictions.size());
  for (const std::string& code : jurisdictions) {
    const Unit* unit = in.units.find(code);
    if (unit == nullptr) throw std::invalid_argument("weekly report: no unit '" + code + "'");
    impl_->parts.emplace_back(*unit, in.units, in.list_limit);
  }
}

WeeklyReports::~WeeklyReports() = default;

void WeeklyReports::add(const std::vector<Event>& history, const Placement* place) {
  Impl& m = *impl_;
  const auto [then, now] = fold(history, m.before, m.current);
  std::optional<tally::Standing> at_end;
  std::optional<tally::Standing> at_previous_end;
  for (Jurisdiction& j : m.parts) {
    if (place != nullptr && !tally::in_jurisdiction(*place, m.units, j.unit->code)) continue;
    if (now.exists && tally::in_jurisdiction(now.issue, m.units, j.unit->code)) {
      if (!at_end) at_end = tally::standing_of(now.issue, m.rules, m.current.sunday + days{1});
      count(j.now.totals, *at_end, now, m.rules, m.current);
      j.now.children.add(*at_end);
      j.categories.add(now.issue);
      m.list(j, *at_end, now);
    }
    if (then.exists && tally::in_jurisdiction(then.issue, m.units, j.unit->code)) {
      if (!at_previous_end) {
        at_previous_end = tally::standing_of(then.issue, m.rules, m.before.sunday + days{1});
      }
      count(j.then.totals, *at_previous_end, then, m.rules, m.before);
      j.then.children.add(*at_previous_end);
    }
  }
}

void WeeklyReports::Impl::list(Jurisdiction& j, const tally::Standing& st,
                               const Snapshot& snapshot) const {
  using tally::owner_of;
  using tally::unit_ref;
  const Issue& issue = *st.issue;
  const Window& w = current;
  if (st.overdue.overdue) {
    OverdueItem item;
    item.id = issue.id;
    item.days_overdue = st.overdue.days_overdue;
    if (j.overdue.admits(item)) {
      j.overdue.add({issue.id, issue.title, unit_ref(units, owner_of(issue)), issue.deadline->date,
                     st.overdue.days_overdue, issue.level, last_step_name(snapshot)});
    }
  }
  if (st.running && !st.cleared && issue.deadline && issue.deadline->date > w.sunday &&
      issue.deadline->date <= w.sunday + days{7}) {
    DueItem item;
    item.id = issue.id;
    item.deadline = issue.deadline->date;
    if (j.due.admits(item)) {
      j.due.add({issue.id, issue.title, unit_ref(units, owner_of(issue)), issue.deadline->date,
                 issue.level});
    }
  }
  for (const Event* e : snapshot.returns) {
    ReturnItem item;
    item.id = issue.id;
    item.at = e->at;
    if (!j.returns.admits(item)) continue;
    const ActionDef* action = rules.find_action(e->action);
    j.returns.add({issue.id, issue.title, unit_ref(units, owner_of(issue)), e->action,
                   action != nullptr ? action->label : e->action, e->at, e->local_date, e->actor,
                   e->comment});
  }
}

WeeklyReport WeeklyReports::Impl::report_of(Jurisdiction& j) const {
  WeeklyReport report;
  ReportHeader& h = report.header;
  h.campaign_code = rules.campaign.code;
  h.campaign = rules.campaign.name;
  h.issuer = units.find(units.root())->name;
  h.unit = {j.unit->code, j.unit->name};
  h.week = week;
  h.monday = monday_of(week);
  h.sunday = current.sunday;
  h.as_of = current.to;
  h.previous_week = previous(week);
  h.time_zone = rules.zone.name();
  h.pack_version = rules.version;

  finish_rates(j.now.totals);
  finish_rates(j.then.totals);
  report.totals = j.now.totals;
  report.previous = j.then.totals;
  const Totals& t = report.totals;
  const Totals& p = report.previous;
  report.changes = {t.new_this_week - p.new_this_week,
                    t.cleared_this_week - p.cleared_this_week,
                    t.cleared - p.cleared,
                    (t.clearance_rate - p.clearance_rate) * 100.0,
                    t.overdue - p.overdue,
                    t.overdue_by_level.red - p.overdue_by_level.red,
                    t.overdue_by_level.yellow - p.overdue_by_level.yellow};

  j.categories.lay_out(rules, report.states, report.by_category);

  report.ranking = j.now.children.rows();
  tally::rank(report.ranking, ranking, t.clearance_rate);
  std::vector<UnitRanking> last_ranking = j.then.children.rows();
  tally::rank(last_ranking, ranking, p.clearance_rate);
  std::unordered_map<std::string, const UnitRanking*> previous_rows;
  for (const UnitRanking& r : last_ranking) previous_rows[r.unit.code] = &r;
  for (UnitRanking& r : report.ranking) {
    const UnitRanking& last = *previous_rows.at(r.unit.code);
    r.previous_rank = last.rank;
    r.rank_change = r.previous_rank - r.rank;
    r.previous_yellow_card = last.yellow_card;
    r.talk = r.yellow_card && last.yellow_card;
  }

  report.overdue = j.overdue.take();
  report.due_next_week = j.due.take();
  report.returns = j.returns.take();
  report.requirements = requirements;
  return report;
}

std::vector<WeeklyReport> WeeklyReports::finish() {
  std::vector<WeeklyReport> out;
  out.reserve(impl_->parts.size());
  for (Jurisdiction& j : impl_->parts) out.push_back(impl_->report_of(j));
  return out;
}

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
  WeeklyReports reports(in, {in.unit});
  for (const std::vector<Event>& history : in.histories) reports.add(history);
  return std::move(reports.finish().front());
}

}  // namespace qingling::report
