#include "web/demo/generate.h"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include "engine/core/calendar.h"
#include "engine/core/escalation.h"
#include "engine/core/workflow.h"
#include "engine/store/commands.h"
#include "web/demo/demo_data.h"
#include "web/demo/demo_story.h"

namespace qingling::demo {
namespace {

using std::chrono::days;
using std::chrono::minutes;

constexpr int kFirstMinute = 9 * 60;       // 09:00
constexpr int kLastMinute = 17 * 60 + 30;  // 17:30
constexpr std::int64_t kPerTransaction = 20000;
constexpr std::int64_t kProgressEvery = 50000;

// Where a problem's history is headed; it stops earlier when now comes first.
enum class Fate { Discovered, Rectifying, Submitted, Cleared, LongTerm };

const char* const kSources[] = {"carpet", "carpet", "carpet", "cross", "lookback", "selfcheck"};
const char* const kNotes[] = {"已制定整改方案，明确责任人和完成时限。",
                              "已组织村组干部入户核实，整改正在推进。",
                              "整改已完成过半，剩余事项正在落实。"};

struct Cast {
  const store::User* inspector = nullptr;
  const store::User* supervisor = nullptr;
  const store::User* responsible = nullptr;
};

class Generator {
 public:
  Generator(store::WriteBackend& backend, const RuleSet& rules, const rules::DemoSeed& seed,
            Instant now, const GenerateOptions& options)
      : backend_(backend),
        rules_(rules),
        tree_(backend.units()),
        now_(now),
        today_(rules.zone.local_date(now)),
        options_(options),
        rng_(options.seed),
        users_(demo_users(tree_, seed)) {
    for (const store::User& u : users_) user_refs_.push_back(&u);
    for (const Unit& u : tree_.units()) {
      if (u.kind == "village" || u.kind == "township") places_.push_back(&u);
    }
    for (const rules::PointTemplate& t : seed.templates) {
      (t.level == "village" ? village_templates_ : township_templates_).push_back(&t);
    }
    if (places_.empty() || village_templates_.empty() || township_templates_.empty()) {
      throw std::runtime_error("gen: the pack's seed has no townships, villages or templates");
    }
  }

  void set_evidence(std::string sha256, std::int64_t size) {
    evidence_sha_ = std::move(sha256);
    evidence_size_ = size;
  }

  // One problem's history, stored. Returns its events' count.
  std::size_t add(std::int64_t id, Generated& out) {
    events_.clear();
    const Unit& place = *places_[pick(places_.size())];
    const auto& templates = place.kind == "village" ? village_templates_ : township_templates_;
    const rules::PointTemplate& t = *templates[pick(templates.size())];
    const Cast& cast = cast_for(place.code);

    day_ = today_ - days{uniform(1, options_.days)};
    while (!working(day_)) day_ -= days{1};
    minute_ = uniform(kFirstMinute, 14 * 60);

    Issue issue;
    std::map<std::string, std::string> draft{
        {"title", place.name + t.title},
        {"description", "地毯式排查发现：" + place.name + t.title + "。"},
        {"category", t.category},
        {"severity", uniform(0, 9) == 0 ? "serious" : t.severity},
        {"source", kSources[pick(std::size(kSources))]},
        {"unit", place.code}};
    Event created = decided(
        decide_create(IssueDraft{std::move(draft)}, cast.inspector->actor(), context()), "log");
    created.issue_id = id;
    record(issue, std::move(created));

    const int roll = uniform(0, 99);
    const Fate fate = roll < 4    ? Fate::Discovered
                      : roll < 59 ? Fate::Cleared
                      : roll < 67 ? Fate::Submitted
                      : roll < 71 ? Fate::LongTerm
                                  : Fate::Rectifying;
    if (fate != Fate::Discovered && step(0, 3)) {
      const std::string& township = place.kind == "village" ? place.parent : place.code;
      act(issue, *cast.supervisor, "assign",
          {{"responsible_unit", uniform(0, 1) == 0 ? place.code : township}});
      play(issue, fate, cast);
    }
    fire_ladder(issue);
    store::append_history(backend_, events_, issue, store::WriteContext{rules_, tree_, now_});

    ++out.problems;
    out.events += static_cast<std::int64_t>(events_.size());
    ++out.states[issue.state];
    if (overdue_status(issue, rules_, today_).overdue) ++out.overdue;
    return events_.size();
  }

 private:
  void play(Issue& issue, Fate fate, const Cast& cast) {
    const store::User& unit = *cast.responsible;
    for (int n = uniform(fate == Fate::Rectifying ? 0 : 1, 2); n > 0; --n) {
      if (!step(1, 8)) return;
      act(issue, unit, "progress", {}, kNotes[pick(std::size(kNotes))]);
    }
    if (fate == Fate::Rectifying) {
      if (uniform(0, 19) == 0 && step(0, 5)) {
        // Past the deadline, and never before the day it is granted.
        const Date later = std::max(issue.deadline->date, day_) + days{uniform(10, 30)};
        act(issue, *cast.supervisor, "extend",
            {{"deadline", format_date(later)}, {"reason", "涉及工程施工，受天气影响需顺延"}});
      }
      return;
    }
    if (fate == Fate::LongTerm) {
      if (step(1, 10)) {
        act(issue, *cast.supervisor, "to_long_term", {}, "需长期坚持，纳入常态化监测。");
      }
      return;
    }
    if (!submit(issue, unit)) return;
    if (fate == Fate::Submitted) return;
    if (uniform(0, 6) == 0) {
      if (!step(1, 4)) return;
      act(issue, *cast.inspector, "reject", {}, "佐证材料不足，请补充整改前后对比照片。");
      if (!submit(issue, unit)) return;
    }
    if (!step(1, 4)) return;
    act(issue, *cast.inspector, "verify", {{"opinion", "经现场核查，整改到位，同意销号。"}});
    if (uniform(0, 29) == 0 && step(5, 20)) {
      act(issue, *cast.inspector, "reopen", {}, "回头看发现问题反弹，重新整改。");
    }
  }

  bool submit(Issue& issue, const store::User& unit) {
    if (!step(1, 10)) return false;
    record(issue, decided(decide_evidence(issue, unit.actor(), "整改后照片.svg", "image/svg+xml",
                                          evidence_sha_, evidence_size_, context()),
                          "attach evidence"));
    if (!step(0, 1)) return false;
    act(issue, unit, "submit", {{"head_confirmed", "true"}}, "已按要求完成整改，申请销号。");
    return true;
  }

  void act(Issue& issue, const store::User& who, const std::string& action,
           std::map<std::string, std::string> fields, std::string comment = {}) {
    record(issue, decided(decide_action(
                              issue, ActionRequest{action, std::move(fields), std::move(comment)},
                              who.actor(), context()),
                          action));
  }

  // The ladder's steps that fell due before now, fired when due (or just
  // after the last event, when that came later), latest firing first per step.
  void fire_ladder(Issue& issue) {
    std::vector<StepDue> due = due_steps(issue, rules_, now_);
    std::sort(due.begin(), due.end(),
              [](const StepDue& a, const StepDue& b) { return a.due < b.due; });
    for (const StepDue& d : due) {
      const Instant at = std::max(d.due, events_.back().at + minutes{1});
      if (at >= now_) break;
      record(issue, escalation_event(issue, d, at, rules_, {}));
    }
  }

  void record(Issue& issue, Event event) {
    issue = apply(std::move(issue), event);
    events_.push_back(std::move(event));
  }

  Event decided(Result<Event> result, const std::string& what) {
    if (!result) {
      std::string why = result.error().detail;
      for (const FieldError& f : result.error().fields) why += " " + f.field + ": " + f.message;
      throw std::logic_error("gen: " + what + " was refused: " + why);
    }
    return std::move(*result);
  }

  DecisionContext context() const {
    return DecisionContext{rules_, tree_, rules_.zone.at_local(day_, minutes{minute_})};
  }

  // Moves the clock on by lo..hi working days (0: later the same day when
  // there is time); false when that would reach today.
  bool step(int lo, int hi) {
    int gap = uniform(lo, hi);
    if (gap == 0 && minute_ + 20 > kLastMinute) gap = 1;
    if (gap == 0) {
      minute_ += uniform(5, std::min(120, kLastMinute - minute_));
    } else {
      for (int k = 0; k < gap; ++k) {
        day_ += days{1};
        while (!working(day_)) day_ += days{1};
      }
      minute_ = uniform(kFirstMinute, 16 * 60);
    }
    return day_ < today_;
  }

  bool working(Date day) const {
    static const WorkingCalendar kWeekdays;
    return (rules_.has_calendar ? rules_.calendar : kWeekdays).is_working_day(day);
  }

  const Cast& cast_for(const std::string& unit) {
    auto it = casts_.find(unit);
    if (it != casts_.end()) return it->second;
    Issue probe;
    probe.unit = unit;
    probe.responsible_unit = unit;
    probe.lead_unit = unit;
    Cast c{&deepest(user_refs_, "inspector", probe, tree_),
           &deepest(user_refs_, "supervisor", probe, tree_),
           &deepest(user_refs_, "responsible", probe, tree_)};
    return casts_.emplace(unit, c).first->second;
  }

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(uniform(0, int(n) - 1)); }

  store::WriteBackend& backend_;
  const RuleSet& rules_;
  UnitTree tree_;
  Instant now_;
  Date today_;
  GenerateOptions options_;
  std::mt19937 rng_;
  std::vector<store::User> users_;
  std::vector<const store::User*> user_refs_;
  std::vector<const Unit*> places_;
  std::vector<const rules::PointTemplate*> village_templates_;
  std::vector<const rules::PointTemplate*> township_templates_;
  std::unordered_map<std::string, Cast> casts_;
  std::string evidence_sha_;
  std::int64_t evidence_size_ = 0;
  std::vector<Event> events_;
  Date day_{};
  int minute_ = 0;
};

}  // namespace

Generated generate_problems(store::WriteBackend& backend, const RuleSet& rules,
                            const rules::DemoSeed& seed, Instant now,
                            const std::filesystem::path& evidence_dir,
                            const GenerateOptions& options,
                            const std::function<void(std::int64_t)>& progress) {
  Generator generator(backend, rules, seed, now, options);
  const EvidenceFile file =
      photo("整改后照片.svg", "整改后", "整改后现场", "成川市", rules.zone.local_date(now));
  generator.set_evidence(write_evidence(file, evidence_dir),
                         static_cast<std::int64_t>(file.content.size()));

  Generated out;
  backend.bulk_load(true);
  try {
    backend.begin();
    std::int64_t next = backend.next_issue_id();
    for (std::int64_t i = 0; i < options.problems; ++i) {
      generator.add(next++, out);
      if ((i + 1) % kPerTransaction == 0) {
        backend.commit();
        backend.begin();
      }
      if ((i + 1) % kProgressEvery == 0 && progress) progress(i + 1);
    }
    backend.commit();
  } catch (...) {
    backend.rollback();
    backend.bulk_load(false);
    throw;
  }
  backend.bulk_load(false);
  return out;
}

}  // namespace qingling::demo
