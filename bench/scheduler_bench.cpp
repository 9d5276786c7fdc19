// How long one escalation-scheduler wake-up takes against a large index.
//
// For each N, a fresh database gets N open problems through the real event
// path (decide_create and decide_action, then store::append_event, which
// writes the log, the projection and the escalation index). Among them are
// `runs` disjoint groups of `due` problems whose first ladder step falls due
// on successive working days; the rest fall due weeks later. Each run sets
// the clock just past one group's step and times Scheduler::run_once(): the
// real writer, real commits with synchronous=FULL, the real outbox.
//
//   qingling_scheduler_bench [--open 100000,1000000] [--due 10000] [--runs 3]
//                            [--batch 2000] [--dir PATH] [--keep]

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/core/escalation.h"
#include "engine/core/workflow.h"
#include "engine/notify/scheduler.h"
#include "engine/store/accounts.h"
#include "engine/store/commands.h"
#include "engine/store/store.h"
#include "engine/store/writer.h"
#include "rules/loader/pack_loader.h"

namespace qingling::bench {
namespace {

using Seconds = std::chrono::duration<double>;
using Millis = std::chrono::duration<double, std::milli>;
using namespace std::chrono_literals;

constexpr std::size_t kProblemsPerFillTransaction = 10'000;
constexpr std::size_t kFillProgressEvery = 100'000;
constexpr int kBackgroundSpread = 120;  // working days the other problems' deadlines cover
constexpr double kTargetMillis = 100.0;
constexpr double kTargetRatio = 1.5;

struct Flags {
  std::vector<std::size_t> open{100'000, 1'000'000};
  std::size_t due = 10'000;
  std::size_t runs = 3;
  std::size_t batch = notify::Scheduler::Options{}.batch;
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("qingling-scheduler-bench-" + std::to_string(getpid()));
  bool keep = false;
};

std::size_t positive(const std::string& text) {
  std::size_t used = 0;
  const unsigned long long value = std::stoull(text, &used);
  if (used != text.size() || value == 0) throw std::invalid_argument(text);
  return static_cast<std::size_t>(value);
}

Flags parse_flags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--keep") {
      f.keep = true;
      continue;
    }
    if (i + 1 >= argc) throw std::invalid_argument(name + " needs a value");
    const std::string value = argv[++i];
    if (name == "--open") {
      f.open.clear();
      for (std::size_t start = 0; start <= value.size();) {
        const std::size_t comma = std::min(value.find(',', start), value.size());
        f.open.push_back(positive(value.substr(start, comma - start)));
        start = comma + 1;
      }
    } else if (name == "--due") {
      f.due = positive(value);
    } else if (name == "--runs") {
      f.runs = positive(value);
    } else if (name == "--batch") {
      f.batch = positive(value);
    } else if (name == "--dir") {
      f.dir = value;
    } else {
      throw std::invalid_argument("unknown flag " + name);
    }
  }
  for (std::size_t n : f.open) {
    if (n < f.due * f.runs) throw std::invalid_argument("--open must be at least --due x --runs");
  }
  return f;
}

// The scheduler's clock; only the bench moves it. Thread-safe.
class BenchClock final : public Clock {
 public:
  explicit BenchClock(Instant start) : now_(start) {}
  Instant now() const override { return now_.load(); }
  void set(Instant at) { now_.store(at); }

 private:
  std::atomic<Instant> now_;
};

// A city, 7 counties and 98 townships, each with its own address.
std::vector<Unit> bench_units() {
  std::vector<Unit> units{{"cc", "澄川市", "city", "", "office@cc.example.cn"}};
  for (int c = 1; c <= 7; ++c) {
    const std::string county = "cc.c0" + std::to_string(c);
    units.push_back({county, "县区" + std::to_string(c), "county", "cc", county + "@example.cn"});
    for (int t = 10; t < 24; ++t) {
      const std::string township = county + ".t" + std::to_string(t);
      units.push_back({township, "乡镇" + std::to_string(c) + "-" + std::to_string(t), "township",
                       county, township + "@example.cn"});
    }
  }
  return units;
}

// Which problem falls due when. Every `stride`-th problem belongs to a due
// group (spread through the ids, as real due problems are), group g having
// deadline `group_deadline[g]`; the others get deadlines over the
// `kBackgroundSpread` working days after `background[0]`.
struct Plan {
  std::size_t open = 0;
  std::size_t due = 0;
  std::size_t runs = 0;
  std::size_t stride = 1;
  std::vector<Date> group_deadline;
  std::vector<Date> background;

  Plan(const Flags& flags, std::size_t n, const RuleSet& rules, Date today)
      : open(n), due(flags.due), runs(flags.runs), stride(n / (flags.due * flags.runs)) {
    const auto working_day = [&](Date from, int days) {
      return rules.calendar.add_working_days(from, days).date;
    };
    const Date first = working_day(today, 10);
    for (std::size_t g = 0; g < runs; ++g) {
      group_deadline.push_back(working_day(first, static_cast<int>(g)));
    }
    const Date later = working_day(group_deadline.back(), 10);
    for (int d = 0; d < kBackgroundSpread; ++d) background.push_back(working_day(later, d));
  }

  std::optional<std::size_t> group_of(std::size_t i) const {
    if (i % stride != 0 || i / stride >= due * runs) return std::nullopt;
    return (i / stride) % runs;
  }
  Date deadline_of(std::size_t i) const {
    if (auto g = group_of(i)) return group_deadline[*g];
    return background[i % background.size()];
  }
};

// When each group falls due, and the earliest of the rest.
struct Filled {
  double seconds = 0;
  std::vector<Instant> group_due;
  Instant background_due = Instant::max();
  std::vector<Issue> representative;  // the first problem of each group
};

// Each run must find exactly its own group due: no group may have a later
// step falling due by the last run, and the rest must come after it.
void check_groups_apart(const Filled& filled, const RuleSet& rules) {
  const Instant last = filled.group_due.back() + 1min;
  for (std::size_t g = 0; g < filled.group_due.size(); ++g) {
    if (g > 0 && filled.group_due[g] <= filled.group_due[g - 1] + 1min) {
      throw std::runtime_error("due groups fall due together");
    }
    const Instant woken = filled.group_due[g] + 1min;
    Issue fired = filled.representative[g];
    for (const StepDue& due : due_steps(fired, rules, woken)) {
      fired = apply(fired, escalation_event(fired, due, woken, rules, {}));
    }
    if (!steps_between(fired, rules, woken, last).empty()) {
      throw std::runtime_error("group " + std::to_string(g + 1) +
                               " falls due again before the last run; lower --runs");
    }
  }
  if (filled.background_due <= last) {
    throw std::runtime_error("the other problems fall due too early");
  }
}

Filled fill(store::Database& db, const RuleSet& rules, const Plan& plan, Instant start) {
  const auto began = std::chrono::steady_clock::now();
  const std::vector<Unit> units = bench_units();
  std::vector<std::string> townships;
  for (const Unit& u : units) {
    if (u.kind == "township") townships.push_back(u.code);
  }
  const UnitTree tree(units);
  const store::WriteContext ctx{rules, tree, start};
  const DecisionContext decide{rules, tree, start};
  const Actor inspector{"bench-inspector", "cc", {"inspector"}};
  const Actor supervisor{"bench-supervisor", "cc", {"supervisor"}};

  std::unique_ptr<store::WriteBackend> backend = db.open_writer();
  backend->begin();
  if (!store::load_units_if_empty(*backend, units, start)) throw std::runtime_error("not empty");
  backend->commit();

  Filled filled;
  std::vector<std::optional<Instant>> group_due(plan.runs);
  backend->begin();
  for (std::size_t i = 0; i < plan.open; ++i) {
    if (i > 0 && i % kProblemsPerFillTransaction == 0) {
      backend->commit();
      backend->begin();
    }
    if (i > 0 && i % kFillProgressEvery == 0) {
      std::fprintf(stderr, "  filled %zu of %zu in %.0f s\n", i, plan.open,
                   Seconds(std::chrono::steady_clock::now() - began).count());
    }
    const std::string& township = townships[i % townships.size()];
    const IssueDraft draft{{{"title", "台账问题 " + std::to_string(i + 1)},
                            {"category", rules.categories[i % rules.categories.size()].code},
                            {"unit", township}}};
    Result<Event> created = decide_create(draft, inspector, decide);
    if (!created) throw std::runtime_error("create: " + created.error().detail);
    // What backend->next_issue_id() answers in a fresh table, without its query.
    created->issue_id = static_cast<std::int64_t>(i + 1);
    Issue issue = store::append_event(*backend, Issue{}, *created, ctx);

    const ActionRequest assign{
        "assign",
        {{"responsible_unit", township}, {"deadline", format_date(plan.deadline_of(i))}},
        ""};
    Result<Event> assigned = decide_action(issue, assign, supervisor, decide);
    if (!assigned) throw std::runtime_error("assign: " + assigned.error().detail);
    issue = store::append_event(*backend, issue, *assigned, ctx);

    // The index must hold every problem, and a group must fall due as one.
    const std::optional<Instant> next = next_escalation(issue, rules);
    if (!next) throw std::runtime_error("problem " + std::to_string(issue.id) + " is not indexed");
    if (auto g = plan.group_of(i)) {
      if (group_due[*g] && *group_due[*g] != *next) throw std::runtime_error("group splits");
      if (!group_due[*g]) filled.representative.push_back(issue);
      group_due[*g] = next;
    } else {
      filled.background_due = std::min(filled.background_due, *next);
    }
  }
  backend->commit();
  if (backend->count_issues() != static_cast<std::int64_t>(plan.open)) {
    throw std::runtime_error("the issues table does not hold every problem");
  }
  for (const auto& at : group_due) filled.group_due.push_back(at.value());
  check_groups_apart(filled, rules);
  filled.seconds = Seconds(std::chrono::steady_clock::now() - began).count();
  return filled;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

std::uintmax_t bytes_of(const std::filesystem::path& file) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(file, ec);
  return ec ? 0 : size;
}

void remove_database(const std::filesystem::path& file) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(file.string() + suffix);
  }
}

// One N: fill, then one timed wake-up per due group. Returns the median in ms.
double bench_open(const Flags& flags, std::size_t n, const RuleSet& rules, Instant start) {
  const std::filesystem::path file = flags.dir / ("open-" + std::to_string(n) + ".db");
  remove_database(file);
  const Plan plan(flags, n, rules, rules.zone.local_date(start));
  std::unique_ptr<store::Database> db = store::open_sqlite(file);
  const Filled filled = fill(*db, rules, plan, start);
  std::printf("open %zu: fill %.1f s (%.0f problems/s, %zu events), database %.0f MB\n", n,
              filled.seconds, static_cast<double>(n) / filled.seconds, 2 * n,
              static_cast<double>(bytes_of(file) + bytes_of(file.string() + "-wal")) / 1e6);
  std::fflush(stdout);

  BenchClock clock(start);
  std::vector<double> millis;
  bool all_ok = true;
  {
    store::Writer writer(db->open_writer(), clock, std::make_shared<const RuleSet>(rules));
    notify::Scheduler scheduler(writer, clock, notify::Scheduler::Options{flags.batch, 30s});
    for (std::size_t g = 0; g < plan.runs; ++g) {
      clock.set(filled.group_due[g] + 1min);
      const auto began = std::chrono::steady_clock::now();
      const notify::Scheduler::Totals t = scheduler.run_once();
      const double ms = Millis(std::chrono::steady_clock::now() - began).count();
      millis.push_back(ms);
      // Exactly this group fired, one message each (the first step tells the
      // responsible unit only), and nothing due is left.
      const bool ok = t.problems == plan.due && t.fired == plan.due && t.messages == plan.due &&
                      t.next && *t.next > clock.now() &&
                      (g + 1 == plan.runs || *t.next == filled.group_due[g + 1]);
      all_ok = all_ok && ok;
      std::printf(
          "  run %zu at %s: wake-up %8.1f ms  problems %zu fired %zu messages %zu passes %zu  %s\n",
          g + 1, format_instant(clock.now()).c_str(), ms, t.problems, t.fired, t.messages, t.passes,
          ok ? "ok" : "UNEXPECTED TOTALS");
      std::fflush(stdout);
    }
    writer.stop();
  }

  // The one query a pass makes whatever is due: the earliest time left.
  std::vector<double> probes;
  std::unique_ptr<store::ReadView> reader = db->open_reader();
  for (int i = 0; i < 3; ++i) {
    const auto began = std::chrono::steady_clock::now();
    (void)reader->earliest_escalation();
    probes.push_back(Millis(std::chrono::steady_clock::now() - began).count());
  }
  reader.reset();
  db.reset();

  const double mid = median(millis);
  std::printf("  median %.1f ms over %zu runs%s; earliest_escalation() alone %.1f ms\n", mid,
              millis.size(), all_ok ? "" : " (SOME TOTALS UNEXPECTED)", median(probes));
  std::fflush(stdout);
  if (!flags.keep) remove_database(file);
  return mid;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

int run(int argc, char** argv) {
  const Flags flags = parse_flags(argc, argv);
  const bool made_dir = std::filesystem::create_directories(flags.dir);

  // A Monday morning in Shanghai, well inside the pack's calendar.
  const Instant start = parse_instant("2026-03-02T01:00:00Z").value();
  rules::LoadResult loaded =
      rules::load_pack(QINGLING_SOURCE_DIR "/rules/packs/chengchuan", Date{2026y / 3 / 2});
  if (!loaded.rules) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 1;
  }
  const RuleSet& rules = *loaded.rules;

  const std::time_t wall = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %Z", std::localtime(&wall));
  std::printf("qingling scheduler bench, %s\n", date);
  std::printf("machine: nproc %u, %s\n", std::thread::hardware_concurrency(), cpu_model().c_str());
  std::printf("pack %s; %zu due per wake-up, %zu runs, %zu problems per writer job; in %s\n",
              rules.version.c_str(), flags.due, flags.runs, flags.batch, flags.dir.c_str());
  std::fflush(stdout);

  std::vector<double> medians;
  for (std::size_t n : flags.open) medians.push_back(bench_open(flags, n, rules, start));

  std::printf("\nsummary (target: one wake-up with %zu due under %.0f ms)\n", flags.due,
              kTargetMillis);
  for (std::size_t i = 0; i < flags.open.size(); ++i) {
    std::printf("  open %8zu: median %8.1f ms  %s\n", flags.open[i], medians[i],
                medians[i] < kTargetMillis ? "met" : "missed");
  }
  if (flags.open.size() >= 2) {
    const double ratio = medians.back() / medians.front();
    std::printf("  ratio median(%zu) / median(%zu) = %.2f (target <= %.1f: %s)\n",
                flags.open.back(), flags.open.front(), ratio, kTargetRatio,
                ratio <= kTargetRatio ? "met" : "missed");
  }
  std::error_code ignored;
  if (made_dir && !flags.keep) std::filesystem::remove(flags.dir, ignored);  // only when empty
  return 0;
}

}  // namespace
}  // namespace qingling::bench

int main(int argc, char** argv) {
  try {
    return qingling::bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scheduler bench: %s\n", e.what());
    return 1;
  }
}
