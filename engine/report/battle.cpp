#include "engine/report/battle.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "engine/report/tally.h"

namespace qingling::report {
namespace {

constexpr std::int32_t kNoDeadline = std::numeric_limits<std::int32_t>::min();
constexpr std::size_t kBacklog = 4096;  // queued summaries taken in without waiting for a map

std::int32_t day_number(Date d) { return static_cast<std::int32_t>(d.time_since_epoch().count()); }
Date date_of(std::int32_t n) { return Date{std::chrono::days{n}}; }

// A problem as the index keeps it: codes interned to numbers (code 0 is "").
struct Row {
  std::int64_t id = 0;
  std::uint32_t unit = 0;
  std::uint32_t responsible = 0;
  std::uint32_t lead = 0;
  std::uint32_t category = 0;
  std::uint32_t state = 0;
  std::int32_t deadline = kNoDeadline;
  Level level = Level::Green;
  bool cleared = false;

  std::uint32_t owner() const { return responsible != 0 ? responsible : unit; }
};

struct Change {
  std::uint32_t row = 0;
  std::int32_t day = 0;
  std::int32_t delta = 0;
};

// The codes met in one column of the rows (categories, states), each given
// a slot on first meeting.
class Slots {
 public:
  explicit Slots(std::size_t codes) : slot_(codes, -1) {}
  std::size_t slot_of(std::uint32_t code) {
    int& s = slot_[code];
    if (s < 0) {
      s = static_cast<int>(order_.size());
      order_.push_back(code);
    }
    return static_cast<std::size_t>(s);
  }
  std::size_t size() const { return order_.size(); }
  std::uint32_t code_at(std::size_t slot) const { return order_[slot]; }

 private:
  std::vector<int> slot_;
  std::vector<std::uint32_t> order_;
};

// The rows or columns of the category × state table: the rules' own in
// their order (zeros included), then any other code met, by name, as the
// weekly report lays them out. Returns each slot's position.
std::vector<std::size_t> lay_out(const Slots& slots, const std::vector<std::string>& codes,
                                 std::vector<CodeLabel>& known) {
  std::unordered_map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < known.size(); ++i) position[known[i].code] = i;
  std::vector<std::string> others;
  for (std::size_t s = 0; s < slots.size(); ++s) {
    const std::string& code = codes[slots.code_at(s)];
    if (!position.contains(code)) others.push_back(code);
  }
  std::sort(others.begin(), others.end());
  for (const std::string& code : others) {
    position[code] = known.size();
    known.push_back({code, code});
  }
  std::vector<std::size_t> out(slots.size());
  for (std::size_t s = 0; s < slots.size(); ++s) out[s] = position.at(codes[slots.code_at(s)]);
  return out;
}

}  // namespace

struct BattleIndex::Impl {
  // What the writer hands over waits here, under its own small lock, so the
  // writer never waits for a map being drawn; a map takes it in first.
  std::mutex pending_mutex;
  std::vector<IssueSummary> pending_summaries;
  std::vector<OpenChange> pending_changes;

  // The rows, one map at a time.
  std::mutex mutex;
  std::vector<std::string> codes{""};
  std::unordered_map<std::string, std::uint32_t> code_of{{"", 0}};
  std::vector<Row> rows;
  // Row by problem id. Ids are dense from 1 (the store gives MAX + 1): an
  // array, 4 bytes a problem instead of a hash node's 40; any id beyond it
  // in a map.
  std::vector<std::uint32_t> row_by_id;
  std::unordered_map<std::int64_t, std::uint32_t> row_by_far_id;
  static constexpr std::uint32_t kNoRow = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::int64_t kDenseIds = std::int64_t{1} << 28;

  std::uint32_t row_of(std::int64_t id) const {
    if (id > 0 && id < kDenseIds) {
      const auto i = static_cast<std::size_t>(id);
      return i < row_by_id.size() ? row_by_id[i] : kNoRow;
    }
    auto it = row_by_far_id.find(id);
    return it == row_by_far_id.end() ? kNoRow : it->second;
  }
  void set_row(std::int64_t id, std::uint32_t row) {
    if (id > 0 && id < kDenseIds) {
      const auto i = static_cast<std::size_t>(id);
      if (row_by_id.size() <= i)
        row_by_id.resize(std::max(i + 1, row_by_id.size() * 3 / 2), kNoRow);
      row_by_id[i] = row;
    } else {
      row_by_far_id[id] = row;
    }
  }
  std::vector<Change> flow;           // open-count changes, by row
  std::vector<std::size_t> in_state;  // problems per state, by code number

  std::uint32_t intern(const std::string& code) {
    auto [it, added] = code_of.try_emplace(code, static_cast<std::uint32_t>(codes.size()));
    if (added) codes.push_back(code);
    return it->second;
  }

  void take_pending() {
    std::vector<IssueSummary> summaries;
    std::vector<OpenChange> opened;
    {
      std::lock_guard lock(pending_mutex);
      summaries.swap(pending_summaries);
      opened.swap(pending_changes);
    }
    add(summaries, opened);
  }

  void add(std::span<const IssueSummary> summaries, std::span<const OpenChange> opened);

  // The code number of `code` if any problem holds it.
  std::optional<std::uint32_t> find(const std::string& code) const {
    auto it = code_of.find(code);
    if (it == code_of.end()) return std::nullopt;
    return it->second;
  }
};

BattleIndex::BattleIndex() : impl_(std::make_unique<Impl>()) {}
BattleIndex::~BattleIndex() = default;

std::size_t BattleIndex::size() const {
  std::lock_guard lock(impl_->mutex);
  impl_->take_pending();
  return impl_->rows.size();
}

std::vector<std::pair<std::string, std::size_t>> BattleIndex::count_by_state() const {
  std::lock_guard lock(impl_->mutex);
  impl_->take_pending();
  std::vector<std::pair<std::string, std::size_t>> out;
  for (std::size_t code = 0; code < impl_->in_state.size(); ++code) {
    if (impl_->in_state[code] > 0) out.emplace_back(impl_->codes[code], impl_->in_state[code]);
  }
  return out;
}

void BattleIndex::apply(std::span<const IssueSummary> summaries,
                        std::span<const OpenChange> changes) {
  Impl& m = *impl_;
  bool backlog = false;
  {
    std::lock_guard lock(m.pending_mutex);
    m.pending_summaries.insert(m.pending_summaries.end(), summaries.begin(), summaries.end());
    m.pending_changes.insert(m.pending_changes.end(), changes.begin(), changes.end());
    backlog = m.pending_summaries.size() >= kBacklog;
  }
  // With nobody drawing maps the queue would only grow: take it in now,
  // unless a map is being drawn (which takes it in anyway).
  if (backlog) {
    std::unique_lock rows(m.mutex, std::try_to_lock);
    if (rows) m.take_pending();
  }
}

void BattleIndex::Impl::add(std::span<const IssueSummary> summaries,
                            std::span<const OpenChange> opened) {
  Impl& m = *this;
  for (const IssueSummary& s : summaries) {
    Row row;
    row.id = s.id;
    row.unit = m.intern(s.unit);
    row.responsible = m.intern(s.responsible_unit);
    row.lead = m.intern(s.lead_unit);
    row.category = m.intern(s.category);
    row.state = m.intern(s.state);
    row.deadline = s.deadline ? day_number(*s.deadline) : kNoDeadline;
    row.level = s.level;
    row.cleared = s.cleared;
    if (m.in_state.size() <= row.state) m.in_state.resize(row.state + 1);
    ++m.in_state[row.state];
    if (const std::uint32_t known = m.row_of(s.id); known != kNoRow) {
      --m.in_state[m.rows[known].state];
      m.rows[known] = row;
    } else {
      m.set_row(s.id, static_cast<std::uint32_t>(m.rows.size()));
      m.rows.push_back(row);
    }
  }
  for (const OpenChange& c : opened) {
    const std::uint32_t row = m.row_of(c.issue_id);
    if (row == kNoRow) continue;  // a change always comes with its problem
    m.flow.push_back({row, day_number(c.day), c.delta});
  }
}

BattleMap BattleIndex::map(const BattleInput& in) const {
  Impl& m = *impl_;
  if (in.units.find(in.unit) == nullptr) {
    throw std::invalid_argument("battle map: no unit '" + in.unit + "'");
  }
  const RuleSet& rules = in.rules;
  const Date today = rules.zone.local_date(in.now);
  const std::int32_t today_n = day_number(today);
  const std::int32_t sunday_n =
      today_n + 7 - static_cast<std::int32_t>(std::chrono::weekday{today}.iso_encoding());

  BattleMap map;
  map.unit = tally::unit_ref(in.units, in.unit);
  map.today = today;
  map.as_of = in.now;

  std::lock_guard lock(m.mutex);
  m.take_pending();
  const std::size_t n = m.codes.size();

  // Per code, once: inside the jurisdiction? which child row? which state?
  map.children = tally::ChildTally(in.units, in.unit).rows();
  std::unordered_map<std::string, int> child_row;
  for (std::size_t i = 0; i < map.children.size(); ++i) {
    child_row.emplace(map.children[i].unit.code, static_cast<int>(i));
  }
  const std::string& base = in.units.path(in.unit);
  std::vector<char> inside(n, 0);
  std::vector<int> child(n, -1);
  std::vector<const StateDef*> state_def(n, nullptr);
  for (std::size_t i = 1; i < n; ++i) {
    const std::string& path = in.units.path(m.codes[i]);
    if (!path.empty() && path.compare(0, base.size(), base) == 0) {
      inside[i] = 1;
      if (path.size() > base.size()) {
        const std::size_t end = path.find('/', base.size());
        auto it = child_row.find(path.substr(base.size(), end - base.size()));
        if (it != child_row.end()) child[i] = it->second;
      }
    }
    state_def[i] = rules.find_state(m.codes[i]);
  }
  Slots categories(n);
  Slots states(n);
  std::vector<std::vector<int>> cells;  // [category slot][state slot]
  struct Late {
    int days;
    std::int64_t id;
    std::uint32_t row;
  };
  std::vector<Late> late;
  std::vector<char> counted(m.rows.size(), 0);
  Headline& h = map.headline;
  std::optional<std::int32_t> target;
  for (std::uint32_t r = 0; r < m.rows.size(); ++r) {
    const Row& row = m.rows[r];
    if (!inside[row.unit] && !inside[row.responsible] && !inside[row.lead]) continue;
    counted[r] = 1;
    const StateDef* state = state_def[row.state];
    const bool long_term = state != nullptr && state->clock == DeadlineClock::Paused;
    const bool running = state != nullptr && state->clock == DeadlineClock::Running;
    const std::optional<Date> deadline =
        row.deadline == kNoDeadline ? std::nullopt : std::optional<Date>(date_of(row.deadline));
    const OverdueStatus overdue = overdue_status(state, deadline, today);
    ++h.total;
    if (row.cleared) ++h.cleared;
    if (long_term) ++h.long_term;
    if (overdue.overdue) {
      ++h.overdue;
      tally::count_level(h.overdue_by_level, row.level);
      late.push_back({overdue.days_overdue, row.id, r});
    }
    if (running && !row.cleared && deadline) {
      if (row.deadline >= today_n && row.deadline <= sunday_n) ++h.due_this_week;
      if (!target || *target < row.deadline) target = row.deadline;
    }
    const std::size_t category = categories.slot_of(row.category);
    const std::size_t state_slot = states.slot_of(row.state);
    if (cells.size() <= category) cells.resize(category + 1);
    if (cells[category].size() <= state_slot) cells[category].resize(state_slot + 1, 0);
    ++cells[category][state_slot];
    if (const int k = child[row.owner()]; k >= 0) {
      UnitRanking& u = map.children[static_cast<std::size_t>(k)];
      ++u.total;
      if (row.cleared) ++u.cleared;
      if (long_term) ++u.long_term;
      if (overdue.overdue) {
        ++u.overdue;
        u.days_overdue += overdue.days_overdue;
      }
      if (!row.cleared && row.level == Level::Red) ++u.red;
      if (!row.cleared && row.level == Level::Yellow) ++u.yellow;
    }
  }
  h.open = h.total - h.cleared;
  h.clearance_rate = tally::ratio(h.cleared, h.total - h.long_term);
  for (UnitRanking& u : map.children) u.rate = tally::ratio(u.cleared, u.total - u.long_term);
  tally::rank(map.children, in.ranking, h.clearance_rate);
  if (target) map.target = BurnTarget{date_of(*target)};

  // Category × state.
  for (const StateDef& st : rules.states) map.states.push_back({st.name, st.label});
  std::vector<CodeLabel> category_labels = rules.categories;
  const std::vector<std::size_t> column = lay_out(states, m.codes, map.states);
  const std::vector<std::size_t> line = lay_out(categories, m.codes, category_labels);
  for (const CodeLabel& c : category_labels) {
    map.by_category.push_back({c.code, c.label, std::vector<int>(map.states.size(), 0), 0});
  }
  for (std::size_t c = 0; c < cells.size(); ++c) {
    CategoryCounts& counts = map.by_category[line[c]];
    for (std::size_t st = 0; st < cells[c].size(); ++st) {
      counts.by_state[column[st]] += cells[c][st];
      counts.total += cells[c][st];
    }
  }

  // The longest overdue first; titles are the caller's to add.
  const std::size_t keep = std::min(in.overdue_limit, late.size());
  std::partial_sort(late.begin(), late.begin() + static_cast<std::ptrdiff_t>(keep), late.end(),
                    [](const Late& a, const Late& b) {
                      if (a.days != b.days) return a.days > b.days;
                      return a.id < b.id;
                    });
  for (std::size_t i = 0; i < keep; ++i) {
    const Row& row = m.rows[late[i].row];
    map.overdue.push_back({row.id, "", tally::unit_ref(in.units, m.codes[row.owner()]),
                           date_of(row.deadline), late[i].days, row.level, ""});
  }

  // The burn-down: open problems at the end of each day, from the first change.
  // Changes are summed per day in an array (a tree of days cost more than
  // all the counting above at a million problems).
  std::int32_t first = today_n + 1;
  for (const Change& c : m.flow) {
    if (counted[c.row] && c.day < first) first = c.day;
  }
  if (first <= today_n) {
    std::vector<int> by_day(static_cast<std::size_t>(today_n - first) + 1, 0);
    for (const Change& c : m.flow) {
      if (counted[c.row] && c.day <= today_n)
        by_day[static_cast<std::size_t>(c.day - first)] += c.delta;
    }
    int open = 0;
    for (std::int32_t day = first; day <= today_n; ++day) {
      open += by_day[static_cast<std::size_t>(day - first)];
      map.burndown.push_back({date_of(day), open});
    }
  }
  return map;
}

}  // namespace qingling::report
