#include "web/cli_data.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "engine/ledger/export.h"
#include "engine/ledger/import_file.h"
#include "engine/store/accounts.h"
#include "engine/store/import.h"
#include "engine/store/store.h"
#include "rules/loader/pack_loader.h"
#include "rules/loader/seed_loader.h"
#include "web/demo/demo_data.h"
#include "web/demo/generate.h"

namespace qingling::cli {
namespace {

Date utc_today() { return std::chrono::floor<std::chrono::days>(SystemClock{}.now()); }

std::shared_ptr<const RuleSet> load_rules(const std::filesystem::path& dir) {
  auto pack = rules::load_pack(dir, utc_today());
  if (!pack.errors.empty()) {
    for (const auto& e : pack.errors) std::cerr << e.to_string() << "\n";
    return nullptr;
  }
  return std::make_shared<const RuleSet>(std::move(*pack.rules));
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void print_errors(const std::filesystem::path& file, const std::vector<ledger::CellError>& errors) {
  for (const ledger::CellError& e : errors) {
    std::cerr << file.string() << ": ";
    if (!e.sheet.empty()) std::cerr << e.sheet << ", ";
    if (e.row > 0) std::cerr << "row " << e.row << ", ";
    if (!e.column.empty()) std::cerr << e.column << ": ";
    std::cerr << e.message << "\n";
  }
  std::cerr << errors.size() << (errors.size() == 1 ? " error" : " errors")
            << "; nothing was imported\n";
}

std::string file_kind(const ledger::FileFormat& f) {
  return f.encoding.empty() ? f.format : f.format + ", " + f.encoding;
}

}  // namespace

int import_file(const ImportOptions& o) {
  try {
    const auto rules = load_rules(o.rules_dir);
    if (!rules) return 2;
    const std::string bytes = read_file(o.file);
    std::filesystem::create_directories(o.data);
    auto db = store::open_sqlite(o.data / "qingling.db");
    auto backend = db->open_writer();
    backend->begin();
    const Instant now = SystemClock{}.now();
    const auto units = backend->units();
    if (o.what == "units") {
      const ledger::UnitFilePlan planned = ledger::plan_unit_file(bytes, UnitTree(units));
      if (!planned.plan.errors.empty()) {
        backend->rollback();
        print_errors(o.file, planned.plan.errors);
        return 1;
      }
      Actor operator_actor{o.as_user.empty() ? "operator" : o.as_user, "", {}};
      if (!o.dry_run) store::import_units(*backend, planned.plan, operator_actor, now);
      o.dry_run ? backend->rollback() : backend->commit();
      std::cout << (o.dry_run ? "would import " : "imported ") << planned.rows << " rows ("
                << file_kind(planned.file) << "): " << planned.plan.added << " added, "
                << planned.plan.updated << " updated, " << planned.plan.unchanged << " unchanged\n";
      return 0;
    }
    if (units.empty()) {
      backend->rollback();
      std::cerr << "qingling: the data folder has no units yet: import units first, or start "
                   "`qingling serve` on it once\n";
      return 1;
    }
    const UnitTree tree(units);
    Actor actor{"operator", tree.root(), rules->roles};
    if (!o.as_user.empty()) {
      auto user = backend->user_by_name(o.as_user);
      if (!user) {
        backend->rollback();
        std::cerr << "qingling: no user is named '" << o.as_user << "'\n";
        return 1;
      }
      actor = user->actor();
    }
    const ledger::IssueFilePlan planned = ledger::plan_issue_file(bytes, *rules, tree);
    if (!planned.plan.errors.empty()) {
      backend->rollback();
      print_errors(o.file, planned.plan.errors);
      return 1;
    }
    const store::WriteContext ctx{*rules, tree, now};
    const store::IssueImportOutcome outcome =
        store::import_issues(*backend, ctx, actor, planned.plan);
    if (!outcome.errors.empty()) {
      backend->rollback();
      print_errors(o.file, outcome.errors);
      return 1;
    }
    o.dry_run ? backend->rollback() : backend->commit();
    std::cout << (o.dry_run ? "would import " : "imported ") << planned.plan.issues.size()
              << " rows (" << file_kind(planned.file) << "): " << outcome.created << " created, "
              << outcome.unchanged << " unchanged\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "qingling: " << e.what() << "\n";
    return 1;
  }
}

int export_ledger(const ExportOptions& o) {
  try {
    if (o.format != "xlsx" && o.format != "csv") {
      std::cerr << "qingling: --format: expected xlsx or csv\n";
      return 2;
    }
    const auto rules = load_rules(o.rules_dir);
    if (!rules) return 2;
    auto db = store::open_sqlite(o.data / "qingling.db");
    auto view = db->open_reader();
    const UnitTree units(view->units());
    if (units.empty()) {
      std::cerr << "qingling: the data folder has no units\n";
      return 1;
    }
    const std::string unit = o.unit.empty() ? units.root() : o.unit;
    if (units.find(unit) == nullptr) {
      std::cerr << "qingling: no unit has the code '" << unit << "'\n";
      return 1;
    }
    const Date today = rules->zone.local_date(SystemClock{}.now());
    const ledger::LedgerInput in{*rules, units, unit, today, store::issues_in(*view, unit)};
    const std::string bytes = o.format == "xlsx" ? ledger::ledger_xlsx(in) : ledger::ledger_csv(in);
    const std::filesystem::path out =
        o.out.empty() ? std::filesystem::path("ledger-" + unit + "." + o.format) : o.out;
    std::ofstream file(out, std::ios::binary);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.close();
    if (!file) throw std::runtime_error("cannot write " + out.string());
    std::cout << "wrote " << in.issues.size() << " problems to " << out.string() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "qingling: " << e.what() << "\n";
    return 1;
  }
}

int backup(const std::filesystem::path& data, const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  try {
    const fs::path db = data / "qingling.db";
    if (!fs::exists(db)) {
      std::cerr << "qingling: no database at " << db << "\n";
      return 1;
    }
    if (fs::exists(to) && !fs::is_empty(to)) {
      std::cerr << "qingling: " << to << " is not empty\n";
      return 1;
    }
    fs::create_directories(to);
    // The database first: evidence files are written before the events that
    // name them commit, so every file the snapshot names exists by now.
    store::backup_sqlite(db, to / "qingling.db");
    std::size_t files = 0;
    const fs::path evidence = data / "evidence";
    if (fs::is_directory(evidence)) {
      for (auto it = fs::recursive_directory_iterator(evidence);
           it != fs::recursive_directory_iterator(); ++it) {
        const fs::directory_entry& entry = *it;
        if (entry.path().filename() == ".tmp") {  // uploads not yet stored
          it.disable_recursion_pending();
          continue;
        }
        if (!entry.is_regular_file()) continue;
        const fs::path target = to / "evidence" / fs::relative(entry.path(), evidence);
        fs::create_directories(target.parent_path());
        std::error_code ec;
        fs::copy_file(entry.path(), target, ec);
        if (ec == std::errc::no_such_file_or_directory) continue;  // a refused upload's, removed
        if (ec) throw fs::filesystem_error("cannot copy", entry.path(), target, ec);
        ++files;
      }
    }
    std::cout << "backed up the database and " << files << " evidence files to " << to.string()
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "qingling: " << e.what() << "\n";
    return 1;
  }
}

int generate(const GenerateOptions& o) {
  try {
    const auto rules = load_rules(o.rules_dir);
    if (!rules) return 2;
    const std::filesystem::path seed_dir = o.rules_dir / "seed";
    if (!std::filesystem::exists(seed_dir)) {
      std::cerr << "qingling: gen needs the pack's seed folder " << seed_dir.string() << "\n";
      return 2;
    }
    const rules::DemoSeed seed = rules::load_seed(seed_dir);
    std::filesystem::create_directories(o.data);
    auto db = store::open_sqlite(o.data / "qingling.db");
    auto backend = db->open_writer();
    const Instant now = SystemClock{}.now();
    const auto started = std::chrono::steady_clock::now();
    const auto seconds = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    backend->begin();
    const bool empty = !backend->has_issues();
    if (empty) store::load_units_if_empty(*backend, seed.units, now);
    const std::string root = UnitTree(backend->units()).root();
    backend->commit();
    if (!empty) {
      // It writes without a journal (bulk_load): never into data that matters.
      std::cerr << "qingling: gen fills a new data folder; " << o.data.string()
                << " already holds problems\n";
      return 1;
    }
    {
      // The open-count changes are recorded as problems are written: mark the
      // (empty) log as filled so that the first start has nothing to redo.
      auto view = db->open_reader();
      store::fill_open_changes(*backend, *view, root);
    }
    demo::seed_demo(*backend, *rules, seed, now, o.data / "evidence");
    const demo::Generated made = demo::generate_problems(
        *backend, *rules, seed, now, o.data / "evidence", {o.problems, o.seed, o.days},
        [&](std::int64_t n) { std::cerr << "gen: " << n << " problems, " << seconds() << " s\n"; });
    std::cout << "generated " << made.problems << " problems (" << made.events << " events) in "
              << seconds() << " s, after the demo campaign\n";
    for (const auto& [state, n] : made.states) std::cout << "  " << state << ": " << n << "\n";
    std::cout << "  overdue: " << made.overdue << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "qingling: gen: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace qingling::cli
