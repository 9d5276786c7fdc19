// The carpet inspection (地毯式排查) of the demo: point problems found in the
// townships and sampled villages, each with a history that leaves it in the
// state its county's target asks for.

#include <algorithm>
#include <iterator>
#include <optional>
#include <set>
#include <stdexcept>

#include "web/demo/demo_story.h"

namespace qingling::demo {
namespace {

using std::chrono::days;

// Histories spread over the point problems (DOMAIN.md §7.4): 28 rejects,
// 12 reopened at look-back, 21 cleared late, 9 submitted late, 6 extensions.
constexpr int kRejectedCleared = 12;
constexpr int kRejectedSubmitted = 6;
constexpr int kRejectedRectifying = 10;
constexpr int kReopened = 12;
constexpr int kClearedLate = 21;
constexpr int kSubmittedLate = 9;
constexpr int kExtended = 6;

struct Share {
  const char* category;
  std::size_t percent;
};
constexpr Share kShares[] = {{"A", 8}, {"B", 22}, {"C", 30}, {"D", 15}, {"E", 15}, {"F", 10}};

const std::vector<std::string> kProgressNotes = {
    "已制定整改方案，明确责任人和完成时限。", "已组织村组干部入户核实，整改正在推进。",
    "整改已完成过半，剩余事项正在落实。", "已召开专题会议研究整改，任务分解到人。"};
const std::vector<std::string> kOpinions = {"经现场核查，整改到位，同意销号。",
                                            "佐证材料齐全，群众回访满意，同意销号。",
                                            "已实地查看，问题已整改，同意销号。"};
const std::vector<std::string> kExtendReasons = {
    "涉及工程施工，受雨季影响需顺延", "需等待县级部门数据比对结果", "涉及资金拨付，需履行审批程序",
    "整改对象外出务工，需待其返乡核实"};

// Where a problem stands at now, which decides its history.
enum class Fate { Discovered, OnTrack, Yellow, Red, Submitted, Cleared, LongTerm };

struct PointPlan {
  const rules::CountyTarget* county = nullptr;
  Fate fate = Fate::OnTrack;
  std::string category;
  bool rejected = false;
  bool reopened = false;
  bool late = false;
  bool extended = false;

  bool plain() const { return !rejected && !reopened && !late && !extended; }
};

const char* state_of(Fate fate) {
  switch (fate) {
    case Fate::Discovered:
      return "discovered";
    case Fate::Submitted:
      return "submitted";
    case Fate::Cleared:
      return "cleared";
    case Fate::LongTerm:
      return "long_term";
    default:
      return "rectifying";
  }
}

// Categories for `total` problems in the campaign's shares (largest
// remainder), shuffled.
std::vector<std::string> category_deck(Stage& st, std::size_t total) {
  std::vector<std::string> deck;
  std::vector<std::pair<std::size_t, std::size_t>> remainders;  // (remainder, share)
  for (std::size_t i = 0; i < std::size(kShares); ++i) {
    const std::size_t exact = total * kShares[i].percent;
    deck.insert(deck.end(), exact / 100, kShares[i].category);
    remainders.emplace_back(exact % 100, i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; deck.size() < total; ++k) {
    deck.push_back(kShares[remainders[k % remainders.size()].second].category);
  }
  st.shuffle(deck);
  return deck;
}

void mark(Stage& st, std::vector<PointPlan>& plans, std::initializer_list<Fate> fates, int count,
          bool PointPlan::*flag) {
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const bool fits = std::find(fates.begin(), fates.end(), plans[i].fate) != fates.end();
    if (fits && plans[i].plain()) candidates.push_back(i);
  }
  st.shuffle(candidates);
  const auto n = std::min(candidates.size(), static_cast<std::size_t>(count));
  for (std::size_t k = 0; k < n; ++k) plans[candidates[k]].*flag = true;
}

std::vector<PointPlan> plan_points(Stage& st, const rules::DemoSeed& seed) {
  std::vector<PointPlan> plans;
  for (const rules::CountyTarget& c : seed.county_targets) {
    const std::size_t before = plans.size();
    const auto add = [&](int n, Fate fate) {
      PointPlan plan;
      plan.county = &c;
      plan.fate = fate;
      for (int i = 0; i < n; ++i) plans.push_back(plan);
    };
    add(c.discovered, Fate::Discovered);
    add(c.overdue_red, Fate::Red);
    add(c.overdue - c.overdue_red, Fate::Yellow);
    add(c.rectifying - c.overdue, Fate::OnTrack);
    add(c.submitted, Fate::Submitted);
    add(c.cleared, Fate::Cleared);
    add(c.long_term, Fate::LongTerm);
    if (plans.size() - before != static_cast<std::size_t>(c.items)) {
      throw std::logic_error("demo data: the states of " + c.county +
                             " do not add up to its items");
    }
  }
  const std::vector<std::string> deck = category_deck(st, plans.size());
  for (std::size_t i = 0; i < plans.size(); ++i) plans[i].category = deck[i];
  mark(st, plans, {Fate::Yellow, Fate::Red}, kReopened, &PointPlan::reopened);
  mark(st, plans, {Fate::OnTrack}, kExtended, &PointPlan::extended);
  mark(st, plans, {Fate::OnTrack, Fate::Yellow, Fate::Red}, kRejectedRectifying,
       &PointPlan::rejected);
  mark(st, plans, {Fate::Cleared}, kClearedLate, &PointPlan::late);
  mark(st, plans, {Fate::Cleared}, kRejectedCleared, &PointPlan::rejected);
  mark(st, plans, {Fate::Submitted}, kSubmittedLate, &PointPlan::late);
  mark(st, plans, {Fate::Submitted}, kRejectedSubmitted, &PointPlan::rejected);
  return plans;
}

// The deadlines a fate allows: on-track items are due today or later,
// yellow ones overdue long enough for the ladder's yellow step to have fired
// before now but not its red one, red ones long enough for the red step;
// late submissions need a deadline early enough to miss.
struct Window {
  Date lo;
  Date hi;
  bool holds(Date d) const { return lo <= d && d <= hi; }
};

struct Windows {
  Window yellow;
  Window red;
};

// How far back a deadline of the demo can lie (T0 is 70-76 days back).
constexpr int kDeadlinesBack = 120;

// DOMAIN.md §7.4's day counts: yellow 1-14 days overdue, red 15 or more.
Windows day_count_windows(Date today) {
  return {{today - days{14}, today - days{1}}, {today - days{3650}, today - days{15}}};
}

// The deadlines that leave a rectifying problem at each level at now as the
// ladder raises it: yellow when its yellow step fired before now and its
// red one did not, red when its red step fired. The day counts stand in
// for a level no deadline of the last months reaches.
Windows ladder_windows(const Stage& st) {
  const Date today = st.today();
  Windows w = day_count_windows(today);
  const auto reached = [&](Level level, Date d) {
    const std::optional<Instant> due = st.level_due(level, d);
    return due && *due < st.now();
  };
  std::optional<Date> yellow_lo, yellow_hi, red_hi;
  for (Date d = today - days{1}; d >= today - days{kDeadlinesBack}; d -= days{1}) {
    if (reached(Level::Red, d)) {
      if (!red_hi) red_hi = d;
    } else if (reached(Level::Yellow, d)) {
      if (!yellow_hi) yellow_hi = d;
      yellow_lo = d;
    }
  }
  if (yellow_hi) w.yellow = {*yellow_lo, *yellow_hi};
  if (red_hi) w.red.hi = *red_hi;
  return w;
}

Window window_for(const PointPlan& p, const Windows& levels, Date today) {
  const Date past = today - days{3650};
  const Date future = today + days{3650};
  switch (p.fate) {
    case Fate::OnTrack:
      return {p.extended ? past : today, future};
    case Fate::Yellow:
      return levels.yellow;
    case Fate::Red:
      return levels.red;
    case Fate::Submitted:
      return {past, p.late ? today - days{3} : future};
    case Fate::Cleared:
      return {past, p.late ? today - days{6} : future};
    default:
      return {past, future};
  }
}

// Adjacent character pairs of `a` that also occur in `b` (UTF-8 aware).
int likeness(const std::string& a, const std::string& b) {
  const auto characters = [](const std::string& text) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size();) {
      const auto lead = static_cast<unsigned char>(text[i]);
      const std::size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      out.push_back(text.substr(i, n));
      i += n;
    }
    return out;
  };
  const auto ca = characters(a);
  const auto cb = characters(b);
  std::set<std::string> pairs;
  for (std::size_t i = 1; i < cb.size(); ++i) pairs.insert(cb[i - 1] + cb[i]);
  int n = 0;
  for (std::size_t i = 1; i < ca.size(); ++i) n += pairs.count(ca[i - 1] + ca[i]) > 0 ? 1 : 0;
  return n;
}

// The seed's look-back reason that names this kind of problem, if any.
const std::string* reopen_reason_for(const rules::DemoSeed& seed, const rules::PointTemplate& t) {
  const std::string* best = nullptr;
  int best_score = 2;
  for (const std::string& reason : seed.reopen_reasons) {
    const int score = likeness(reason, t.title);
    if (score > best_score) {
      best = &reason;
      best_score = score;
    }
  }
  return best;
}

struct Catalogue {
  std::map<std::string, std::vector<const rules::PointTemplate*>> by_category;
  std::vector<const rules::PointTemplate*> reopenable;  // named by a look-back reason
};

Catalogue catalogue_of(const rules::DemoSeed& seed) {
  Catalogue c;
  for (const rules::PointTemplate& t : seed.templates) {
    c.by_category[t.category].push_back(&t);
    if (reopen_reason_for(seed, t) != nullptr) c.reopenable.push_back(&t);
  }
  for (const Share& s : kShares) {
    if (c.by_category[s.category].empty()) {
      throw std::logic_error(std::string("demo data: no point template of category ") + s.category);
    }
  }
  return c;
}

struct Timing {
  const rules::PointTemplate* tpl = nullptr;
  Date assigned;
  Date deadline;
};

// A template among `candidates` and a working day in [lo, hi] to assign it
// on, such that the rules' deadline falls in `window`; picked at random.
std::optional<Timing> fit(Stage& st, const std::vector<const rules::PointTemplate*>& candidates,
                          Window window, Date lo, Date hi) {
  std::vector<std::vector<Timing>> options;
  for (const rules::PointTemplate* tpl : candidates) {
    std::vector<Timing> fitting;
    for (Date d = lo; d <= hi; d += days{1}) {
      if (!st.is_working_day(d)) continue;
      const Date deadline = st.planned_deadline(tpl->category, tpl->severity, "carpet", d);
      if (window.holds(deadline)) fitting.push_back({tpl, d, deadline});
    }
    if (!fitting.empty()) options.push_back(std::move(fitting));
  }
  if (options.empty()) return std::nullopt;
  const std::vector<Timing>& chosen = st.pick(options);
  return st.pick(chosen);
}

// Found during the inspection (T0+7..35) and assigned 1-3 days later; only
// when no template of the category fits is the assignment later.
std::optional<Timing> timing_in(Stage& st, const PointPlan& p, const Catalogue& catalogue,
                                Window window) {
  const Date lo = st.day(8);
  const auto& mine = catalogue.by_category.at(p.category);
  if (p.reopened) {
    std::vector<const rules::PointTemplate*> named;  // by a look-back reason: the seed's words fit
    std::copy_if(mine.begin(), mine.end(), std::back_inserter(named), [&](const auto* t) {
      return std::find(catalogue.reopenable.begin(), catalogue.reopenable.end(), t) !=
             catalogue.reopenable.end();
    });
    if (auto t = fit(st, named, window, lo, st.day(38))) return t;
  }
  if (auto t = fit(st, mine, window, lo, st.day(38))) return t;
  const Date late = p.reopened ? st.day(50) : st.last_day() - days{3};
  return fit(st, mine, window, lo, late);
}

// The ladder's windows first; around long holidays they can be too narrow
// for any template, and an overdue problem then takes the day counts' window
// (its level at now may differ from its fate's).
Timing choose_timing(Stage& st, const PointPlan& p, const Catalogue& catalogue,
                     const Windows& ladder) {
  if (auto t = timing_in(st, p, catalogue, window_for(p, ladder, st.today()))) return *t;
  if (p.fate == Fate::Yellow || p.fate == Fate::Red) {
    const Window counted = window_for(p, day_count_windows(st.today()), st.today());
    if (auto t = timing_in(st, p, catalogue, counted)) return *t;
  }
  throw std::logic_error("demo data: no point problem of category " + p.category +
                         " can reach its state in " + p.county->county);
}

struct CountyPlaces {
  std::vector<const Unit*> townships;
  std::vector<const Unit*> villages;  // the 20% sample the inspection visits
};

CountyPlaces places_of(Stage& st, const std::string& county) {
  CountyPlaces p;
  for (const Unit* t : st.tree().children(county)) {
    if (t->kind != "township") continue;
    p.townships.push_back(t);
    for (const Unit* v : st.tree().children(t->code)) {
      if (v->kind == "village") p.villages.push_back(v);
    }
  }
  if (p.townships.empty()) throw std::logic_error("demo data: " + county + " has no townships");
  st.shuffle(p.villages);
  p.villages.resize((p.villages.size() + 2) / 5);
  return p;
}

struct Spot {
  const Unit* unit = nullptr;      // where the problem is
  const Unit* township = nullptr;  // its responsible unit
};

Spot choose_spot(Stage& st, const CountyPlaces& places, const std::string& level) {
  if (level == "village" && !places.villages.empty()) {
    const Unit* village = st.pick(places.villages);
    return {village, st.tree().find(village->parent)};
  }
  const Unit* township = st.pick(places.townships);
  return {township, township};
}

// Acts out one point problem's history.
class PointStory {
 public:
  PointStory(Stage& st, const rules::DemoSeed& seed, const PointPlan& plan,
             const rules::PointTemplate& tpl, Spot spot)
      : st_(st), seed_(seed), plan_(plan), tpl_(tpl), spot_(spot) {
    const Unit* county = st.tree().find(plan.county->county);
    place_ =
        county->name + spot.township->name + (spot.unit != spot.township ? spot.unit->name : "");
    title_ = spot.unit->name + "：" + tpl.title;
    script_.label = title_ + " (" + spot.unit->code + ")";
    script_.expected_state = state_of(plan.fate);
    Issue probe;
    probe.unit = spot.unit->code;
    probe.responsible_unit = spot.township->code;
    supervisor_ = st.cast("supervisor", probe);
    inspector_ = st.cast("inspector", probe);
    responsible_ = st.cast("responsible", probe);
  }

  // A look-back finding not assigned yet.
  Script play_discovered() {
    create(st_.workday_between(st_.day(60), st_.day(68)), "lookback", "回头看发现：");
    return std::move(script_);
  }

  Script play(const Timing& timing) {
    assigned_ = timing.assigned;
    deadline_ = timing.deadline;
    create(st_.workday_between(std::max(st_.day(7), assigned_ - days{3}),
                               std::min(st_.day(35), assigned_ - days{1})),
           "carpet", "地毯式排查发现：");
    st_.act(script_, assigned_, supervisor_, "assign",
            {{"responsible_unit", spot_.township->code},
             {"measures", "对照问题立行立改，整改后提交" + tpl_.evidence + "。"}},
            "请按时限完成整改，整改结果经单位负责人签字后申请销号。");
    switch (plan_.fate) {
      case Fate::Submitted:
      case Fate::Cleared:
        submission();
        break;
      case Fate::LongTerm:
        long_term();
        break;
      default:
        rectifying();
        break;
    }
    return std::move(script_);
  }

 private:
  void create(Date day, const std::string& source, const std::string& how) {
    st_.create(script_, day, inspector_,
               {{"title", title_},
                {"description", how + place_ + "，" + tpl_.title + "。\n" + tpl_.title_en +
                                    "\n销号佐证：" + tpl_.evidence},
                {"category", tpl_.category},
                {"source", source},
                {"severity", tpl_.severity},
                {"unit", spot_.unit->code}});
  }

  void rectifying() {
    const Date last = st_.last_day();
    if (plan_.reopened) {
      const Date submit = st_.workday_between(assigned_ + days{4}, st_.day(54));
      early_progress(submit);
      submit_on(submit, false);
      verify(st_.workday_between(submit + days{1}, submit + days{4}));
      const Date reopened = st_.workday_between(st_.day(60), st_.day(68));
      const std::string* reason = reopen_reason_for(seed_, tpl_);
      st_.act(script_, reopened, inspector_, "reopen", {},
              reason != nullptr ? *reason : "回头看复查发现问题反弹：" + tpl_.title);
      later_progress(reopened);
    } else if (plan_.rejected) {
      const Date submit = st_.workday_between(assigned_ + days{4}, last - days{6});
      early_progress(submit);
      submit_on(submit, false);
      const Date back = st_.workday_between(submit + days{1}, submit + days{3});
      reject(back);
      later_progress(back);
    } else if (plan_.extended) {
      extend();
    } else {
      const Date first = st_.workday_between(assigned_ + days{2}, assigned_ + days{12});
      progress(first);
      if (plan_.fate != Fate::Red && st_.uniform(0, 1) == 0) later_progress(first + days{3});
    }
  }

  // 延期: asked for shortly before the deadline (or lately, when it is
  // still ahead), to a working day 10-30 days past the later of the
  // deadline and today.
  void extend() {
    const Date last = st_.last_day();
    const Date asked =
        deadline_ <= last
            ? st_.workday_between(std::max(assigned_ + days{2}, deadline_ - days{6}), deadline_)
            : st_.workday_between(std::max(assigned_ + days{2}, last - days{20}), last);
    early_progress(asked);
    Date to = std::max(deadline_, st_.today()) + days{st_.uniform(10, 30)};
    while (!st_.is_working_day(to)) to += days{1};
    st_.act(script_, asked, supervisor_, "extend",
            {{"deadline", format_date(to)}, {"reason", st_.pick(kExtendReasons)}});
    later_progress(asked);
  }

  void submission() {
    const bool cleared = plan_.fate == Fate::Cleared;
    const Date latest = st_.last_day() - days{cleared ? 3 : 0};
    const Date lo = assigned_ + days{plan_.rejected ? 9 : 4};
    const Date due = std::min(deadline_, latest);
    const Date submit = plan_.late ? st_.workday_between(std::max(lo, deadline_ + days{1}), latest)
                                   : st_.workday_between(std::max(lo, due - days{12}), due);
    if (plan_.rejected) {
      const Date first = st_.workday_between(assigned_ + days{3}, submit - days{5});
      early_progress(first);
      submit_on(first, false);
      reject(st_.workday_between(first + days{1}, submit - days{2}));
      submit_on(submit, true);
    } else {
      early_progress(submit);
      submit_on(submit, false);
    }
    if (cleared) verify(st_.workday_between(submit + days{1}, submit + days{5}));
  }

  void long_term() {
    const Date moved = st_.workday_between(assigned_ + days{3}, assigned_ + days{15});
    early_progress(moved);
    st_.act(script_, moved, supervisor_, "to_long_term", {},
            "涉及工程建设和季节因素，短期内难以完成，转入长期坚持，按季度推进。");
    later_progress(moved);
  }

  void progress(Date day) {
    if (has_photo() && !before_photo_) {
      before_photo_ = true;
      st_.attach(
          script_, day, responsible_,
          photo("整改前照片-" + spot_.unit->name + ".svg", "整改前", tpl_.title, place_, day));
    }
    st_.act(script_, day, responsible_, "progress", {}, st_.pick(kProgressNotes));
  }

  // Most problems get a progress note between assignment and `before`.
  void early_progress(Date before) {
    if (before - assigned_ < days{3} || st_.uniform(0, 3) == 0) return;
    progress(st_.workday_between(assigned_ + days{1}, before - days{1}));
  }

  // About half get one after `after`, when there is a day for it.
  void later_progress(Date after) {
    if (after + days{2} > st_.last_day() || st_.uniform(0, 1) == 0) return;
    progress(st_.workday_between(after + days{2}, st_.last_day()));
  }

  void submit_on(Date day, bool supplement) {
    for (EvidenceFile& file : evidence(day, supplement)) {
      st_.attach(script_, day, responsible_, std::move(file));
    }
    st_.act(script_, day, responsible_, "submit", {{"head_confirmed", "true"}},
            supplement ? "已按退回意见补充整改和佐证材料，重新申请销号。"
                       : "已完成整改，佐证材料已上传，单位负责人已签字确认，申请销号。");
  }

  void reject(Date day) {
    last_reject_ = seed_.reject_reasons.empty() ? "佐证材料不足" : st_.pick(seed_.reject_reasons);
    st_.act(script_, day, inspector_, "reject",
            {{"requirements", "请针对退回意见补充整改和佐证材料后重新申请销号。"}}, last_reject_);
  }

  void verify(Date day) {
    st_.act(script_, day, inspector_, "verify", {{"opinion", st_.pick(kOpinions)}});
  }

  bool has_photo() const { return tpl_.evidence.find("照片") != std::string::npos; }

  // The template's evidence: a ledger page for its first record, and an
  // "after" photo when photos are asked for; after a reject, a supplement.
  std::vector<EvidenceFile> evidence(Date day, bool supplement) const {
    const std::string& name = spot_.unit->name;
    std::vector<std::string> lines = {"澄川市地毯式排查问题整改台账", "问题：" + title_,
                                      "地点：" + place_, "责任单位：" + spot_.township->name};
    if (supplement) {
      lines.insert(lines.end(),
                   {"退回意见：" + last_reject_, "补充情况：已逐项补充整改，并经群众回访确认。",
                    "登记日期：" + format_date(day), "单位负责人：已签字确认"});
      return {ledger("补充佐证-" + name + ".txt", lines)};
    }
    std::vector<EvidenceFile> files;
    for (const std::string& item : split(tpl_.evidence, "、")) {
      if (item.find("照片") != std::string::npos || !files.empty()) continue;
      lines.insert(lines.end(), {"佐证：" + item, "整改情况：已按要求整改到位。",
                                 "登记日期：" + format_date(day), "单位负责人：已签字确认"});
      files.push_back(ledger(item + "-" + name + ".txt", lines));
    }
    if (has_photo())
      files.push_back(photo("整改后照片-" + name + ".svg", "整改后", tpl_.title, place_, day));
    return files;
  }

  Stage& st_;
  const rules::DemoSeed& seed_;
  const PointPlan& plan_;
  const rules::PointTemplate& tpl_;
  Spot spot_;
  std::string place_, title_, supervisor_, inspector_, responsible_, last_reject_;
  Date assigned_{};
  Date deadline_{};
  bool before_photo_ = false;
  Script script_;
};

}  // namespace

std::vector<Script> carpet_scripts(Stage& stage, const rules::DemoSeed& seed) {
  const Catalogue catalogue = catalogue_of(seed);
  const std::vector<PointPlan> plans = plan_points(stage, seed);
  const Windows levels = ladder_windows(stage);
  std::map<std::string, CountyPlaces> places;
  for (const rules::CountyTarget& c : seed.county_targets) {
    places.emplace(c.county, places_of(stage, c.county));
  }
  std::vector<Script> scripts;
  for (const PointPlan& plan : plans) {
    const CountyPlaces& county = places.at(plan.county->county);
    if (plan.fate == Fate::Discovered) {
      const rules::PointTemplate& tpl = *stage.pick(catalogue.by_category.at(plan.category));
      const Spot spot = choose_spot(stage, county, tpl.level);
      scripts.push_back(PointStory(stage, seed, plan, tpl, spot).play_discovered());
    } else {
      const Timing timing = choose_timing(stage, plan, catalogue, levels);
      const Spot spot = choose_spot(stage, county, timing.tpl->level);
      scripts.push_back(PointStory(stage, seed, plan, *timing.tpl, spot).play(timing));
    }
  }
  return scripts;
}

}  // namespace qingling::demo
