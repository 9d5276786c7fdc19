#include "web/demo/demo_story.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <queue>
#include <stdexcept>
#include <tuple>

#include "engine/core/deadline.h"
#include "engine/core/escalation.h"
#include "engine/core/sha256.h"
#include "engine/store/commands.h"
#include "engine/store/escalations.h"

namespace qingling::demo {
namespace {

constexpr int kFirstMinute = 9 * 60;       // 09:00
constexpr int kLatestStart = 14 * 60;      // a day's first step starts by 14:00
constexpr int kLastMinute = 17 * 60 + 30;  // 17:30
constexpr int kDaysBeforeNowToT0 = 70;
// How soon the scheduler fires a step that a write has let fall due (the
// writer wakes it at once).
constexpr std::chrono::seconds kSchedulerReaction{1};

std::string describe(const Rejection& r, const std::string& what) {
  std::string text = "demo data: " + what + " was refused: " + r.detail;
  for (const FieldError& f : r.fields) text += " [" + f.field + ": " + f.message + "]";
  return text;
}

// A drawing of a house under a sky, captioned: enough to stand for a photo.
constexpr const char* kPhoto =
    R"(<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400" viewBox="0 0 640 400">
  <rect width="640" height="400" fill="{sky}"/>
  <rect y="250" width="640" height="150" fill="{ground}"/>
  <rect x="400" y="150" width="160" height="100" fill="#f4f1ea" stroke="#555"/>
  <polygon points="390,150 480,95 570,150" fill="#b5523b"/>
  <text x="24" y="48" font-size="28" font-family="sans-serif">{caption}</text>
  <text x="24" y="90" font-size="20" font-family="sans-serif">{title}</text>
  <text x="24" y="380" font-size="16" font-family="sans-serif">{place}</text>
</svg>
)";

void fill(std::string& text, const std::string& slot, const std::string& value) {
  text.replace(text.find(slot), slot.size(), value);
}

std::string escape_xml(std::string text) {
  static const std::pair<std::string, std::string> kEntities[] = {
      {"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}};  // "&" first
  for (const auto& [raw, entity] : kEntities) {
    for (std::size_t at = text.find(raw); at != std::string::npos;
         at = text.find(raw, at + entity.size())) {
      text.replace(at, raw.size(), entity);
    }
  }
  return text;
}

// The scheduler as it would have run alongside the histories: each problem's
// next step fires when it falls due, or a moment after the write that let
// it fire, through the scheduler's own firing code. Firings of all
// problems come out in time order.
class HistoricLadder {
 public:
  HistoricLadder(store::WriteBackend& backend, const RuleSet& rules, const UnitTree& tree,
                 std::size_t problems)
      : rules_(rules), tree_(tree), firer_(backend), planned_(problems) {}

  // Problem `s` was written at `at` (a step of its script) and is now `issue`.
  void written(std::size_t s, const Issue& issue, Instant at) {
    plan(s, issue, at + kSchedulerReaction);
  }

  // Fires, in time order, every step of any problem that falls due before `until`.
  void fire_before(Instant until, std::vector<Issue>& issues) {
    while (!queue_.empty() && queue_.top().first < until) {
      const auto [at, s] = queue_.top();
      queue_.pop();
      if (planned_[s] != at) continue;  // re-planned by a later write
      const std::size_t fired = pass_.fired;
      issues[s] =
          firer_.fire_due(std::move(issues[s]), store::WriteContext{rules_, tree_, at}, pass_);
      if (pass_.fired == fired) {
        throw std::logic_error("demo data: no step of problem " + std::to_string(issues[s].id) +
                               " is due at " + format_instant(at) + " as planned");
      }
      plan(s, issues[s], at);
    }
  }

 private:
  void plan(std::size_t s, const Issue& issue, Instant earliest) {
    const std::optional<Instant> next = next_escalation(issue, rules_);
    planned_[s] = next ? std::optional<Instant>{std::max(*next, earliest)} : std::nullopt;
    if (planned_[s]) queue_.emplace(*planned_[s], s);
  }

  using Entry = std::pair<Instant, std::size_t>;  // (when, script)
  const RuleSet& rules_;
  const UnitTree& tree_;
  store::EscalationFirer firer_;
  store::EscalationPass pass_;
  std::vector<std::optional<Instant>> planned_;  // per script: its next firing
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
};

}  // namespace

Date campaign_t0(const RuleSet& rules, Instant now) {
  const Date base = rules.zone.local_date(now) - std::chrono::days{kDaysBeforeNowToT0};
  const auto iso = static_cast<int>(std::chrono::weekday{base}.iso_encoding());
  return base - std::chrono::days{iso - 1};
}

Stage::Stage(store::WriteBackend& backend, const RuleSet& rules, UnitTree tree, Instant now,
             std::filesystem::path evidence_dir, std::vector<store::User> users)
    : backend_(backend),
      rules_(rules),
      tree_(std::move(tree)),
      now_(now),
      today_(rules.zone.local_date(now)),
      t0_(campaign_t0(rules, now)),
      evidence_dir_(std::move(evidence_dir)) {
  for (store::User& u : users) {
    std::string name = u.name;
    users_.emplace(std::move(name), std::move(u));
  }
}

int Stage::uniform(int lo, int hi) {
  if (hi <= lo) return lo;
  const auto span = static_cast<unsigned long>(hi - lo) + 1;
  return lo + static_cast<int>(static_cast<unsigned long>(rng_()) % span);
}

bool Stage::is_working_day(Date day) const {
  static const WorkingCalendar kWeekdays;
  return (rules_.has_calendar ? rules_.calendar : kWeekdays).is_working_day(day);
}

Date Stage::workday_between(Date lo, Date hi) {
  hi = std::min(hi, last_day());
  lo = std::min(lo, hi);
  std::vector<Date> days;
  for (Date d = lo; d <= hi; d += std::chrono::days{1}) {
    if (is_working_day(d)) days.push_back(d);
  }
  return days.empty() ? lo : pick(days);
}

Date Stage::planned_deadline(const std::string& category, const std::string& severity,
                             const std::string& source, Date start) {
  Issue probe;
  probe.category = category;
  probe.severity = severity;
  probe.source = source;
  const DeadlineRule* rule = match_deadline_rule(rules_, probe);
  if (rule == nullptr) throw std::logic_error("demo data: no deadline rule for " + category);
  const auto key = std::make_pair(rule, start);
  if (auto it = deadlines_.find(key); it != deadlines_.end()) return it->second;
  auto planned = plan_deadline(rules_, probe, start);
  if (!planned) throw std::logic_error("demo data: " + planned.error().detail);
  deadlines_.emplace(key, planned->date);
  return planned->date;
}

std::optional<Instant> Stage::level_due(Level level, Date deadline) const {
  std::optional<Instant> first;
  for (const EscalationStep& step : rules_.escalation.steps) {
    if (!step.level || *step.level < level) continue;
    const Instant due = step_due(step, 0, deadline, rules_);
    if (!first || due < *first) first = due;
  }
  return first;
}

const store::User& deepest(const std::vector<const store::User*>& users, const std::string& role,
                           const Issue& probe, const UnitTree& tree) {
  const store::User* best = nullptr;
  for (const store::User* u : users) {
    const Actor actor = u->actor();
    if (!actor.has_any_role({role}) || !can_see(probe, actor, tree)) continue;
    if (best == nullptr || tree.path(u->unit).size() > tree.path(best->unit).size()) best = u;
  }
  if (best == nullptr) {
    throw std::logic_error("demo data: no " + role + " can see unit " + probe.unit);
  }
  return *best;
}

const std::string& Stage::cast(const std::string& role, const Issue& probe) const {
  std::vector<const store::User*> users;
  for (const auto& entry : users_) users.push_back(&entry.second);
  return deepest(users, role, probe, tree_).name;
}

const store::User& Stage::user(const std::string& name) const {
  auto it = users_.find(name);
  if (it == users_.end()) throw std::logic_error("demo data: no user " + name);
  return it->second;
}

Instant Stage::next_instant(Script& script, Date day) {
  int minute = 0;
  if (script.steps.empty() || day > script.last_day) {
    minute = uniform(kFirstMinute, kLatestStart);
  } else {
    day = script.last_day;  // a step never goes back in time
    minute = script.last_minute + uniform(4, 30);
  }
  if (minute > kLastMinute) {
    throw std::logic_error("demo data: too many steps on one day for " + script.label);
  }
  const Instant at = rules_.zone.at_local(day, std::chrono::minutes{minute});
  if (at > now_) {
    throw std::logic_error("demo data: a step of " + script.label + " falls after now (" +
                           format_date(day) + ")");
  }
  script.last_day = day;
  script.last_minute = minute;
  return at;
}

Step& Stage::add_step(Script& script, Date day, const std::string& actor, Step::Kind kind) {
  Step step;
  step.kind = kind;
  step.at = next_instant(script, day);
  step.actor = actor;
  script.steps.push_back(std::move(step));
  return script.steps.back();
}

void Stage::create(Script& script, Date day, const std::string& actor, Fields draft) {
  add_step(script, day, actor, Step::Kind::Create).fields = std::move(draft);
}

void Stage::act(Script& script, Date day, const std::string& actor, std::string action,
                Fields fields, std::string comment) {
  Step& step = add_step(script, day, actor, Step::Kind::Act);
  step.action = std::move(action);
  step.fields = std::move(fields);
  step.comment = std::move(comment);
}

void Stage::attach(Script& script, Date day, const std::string& actor, EvidenceFile file) {
  add_step(script, day, actor, Step::Kind::Attach).file = std::move(file);
}

Issue Stage::execute(const store::Command& command, Instant at, const std::string& what) {
  auto receipt = store::execute(backend_, command, store::WriteContext{rules_, tree_, at});
  if (!receipt) throw std::logic_error(describe(receipt.error(), what));
  return std::move(receipt->issue);
}

// Content-addressed like uploads: <dir>/<first two hex digits>/<sha256>.
std::string Stage::store_evidence(const EvidenceFile& file) {
  return write_evidence(file, evidence_dir_);
}

std::string write_evidence(const EvidenceFile& file, const std::filesystem::path& evidence_dir) {
  std::string hash = sha256_hex(file.content);
  const std::filesystem::path path = evidence_dir / hash.substr(0, 2) / hash;
  if (std::filesystem::exists(path)) return hash;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(file.content.data(), static_cast<std::streamsize>(file.content.size()));
  out.close();
  if (!out) throw std::runtime_error("demo data: cannot write " + path.string());
  return hash;
}

void Stage::run(const std::vector<Script>& scripts) {
  // (instant, script, step): ties keep each script's own order.
  std::vector<std::tuple<Instant, std::size_t, std::size_t>> order;
  for (std::size_t s = 0; s < scripts.size(); ++s) {
    for (std::size_t i = 0; i < scripts[s].steps.size(); ++i) {
      order.emplace_back(scripts[s].steps[i].at, s, i);
    }
  }
  std::sort(order.begin(), order.end());
  std::vector<Issue> issues(scripts.size());
  HistoricLadder ladder(backend_, rules_, tree_, scripts.size());
  for (const auto& [at, s, i] : order) {
    ladder.fire_before(at, issues);
    const Step& step = scripts[s].steps[i];
    const Actor actor = user(step.actor).actor();
    Issue& issue = issues[s];
    store::Command command;
    std::string what = step.action + " on " + scripts[s].label;
    switch (step.kind) {
      case Step::Kind::Create:
        command = store::CreateIssue{IssueDraft{step.fields}, actor, {}};
        what = "creating " + scripts[s].label;
        break;
      case Step::Kind::Act:
        command = store::TakeAction{issue.id, issue.version,
                                    ActionRequest{step.action, step.fields, step.comment}, actor};
        break;
      case Step::Kind::Attach:
        command = store::AttachEvidence{
            issue.id,
            actor,
            {{step.file.name, step.file.content_type, store_evidence(step.file),
              static_cast<std::int64_t>(step.file.content.size())}}};
        what = "attaching " + step.file.name + " to " + scripts[s].label;
        break;
    }
    issue = execute(command, at, what);
    ladder.written(s, issue, at);
  }
  ladder.fire_before(now_, issues);  // what falls due at or after now is the scheduler's
  record_sent();
  for (std::size_t s = 0; s < scripts.size(); ++s) {
    if (issues[s].state != scripts[s].expected_state) {
      throw std::logic_error("demo data: " + scripts[s].label + " ends '" + issues[s].state +
                             "', not '" + scripts[s].expected_state + "'");
    }
  }
}

void Stage::record_sent() {
  bool others = false;
  for (;;) {
    const std::vector<store::OutboxMessage> claimed = backend_.claim_outbox(now_, now_, 1000);
    if (claimed.empty()) break;
    for (const store::OutboxMessage& m : claimed) {
      if (m.kind != "escalation") {
        others = true;
        continue;
      }
      backend_.settle(m.id, store::Delivery{store::Delivery::Kind::Sent, {}, m.slot, {}});
    }
  }
  // Anything else (there is nothing else in a database without problems)
  // goes back in line for the sender.
  if (others) backend_.release_claims(now_);
}

std::vector<std::string> split(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t at = text.find(separator); at != std::string::npos;
       at = text.find(separator, from)) {
    parts.push_back(text.substr(from, at - from));
    from = at + separator.size();
  }
  parts.push_back(text.substr(from));
  return parts;
}

EvidenceFile photo(const std::string& file_name, const std::string& caption,
                   const std::string& title, const std::string& place, Date day) {
  const bool after = caption.find("后") != std::string::npos;
  std::string svg = kPhoto;
  fill(svg, "{sky}", after ? "#d8ecf7" : "#e6e1d6");
  fill(svg, "{ground}", after ? "#8fbf7f" : "#a8957a");
  fill(svg, "{caption}", escape_xml(caption));
  fill(svg, "{title}", escape_xml(title));
  fill(svg, "{place}", escape_xml(place + " " + format_date(day)));
  return {file_name, "image/svg+xml", std::move(svg)};
}

EvidenceFile ledger(const std::string& file_name, const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return {file_name, "text/plain; charset=utf-8", std::move(text)};
}

}  // namespace qingling::demo
