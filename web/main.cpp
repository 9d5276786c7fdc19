// qingling: the command line. serve, rules check, user add, audit verify,
// simulate, import, export, backup.

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "engine/core/unit_tree.h"
#include "engine/notify/forecast.h"
#include "engine/store/accounts.h"
#include "engine/store/audit.h"
#include "engine/store/read_only_media.h"
#include "engine/store/store.h"
#include "rules/loader/pack_loader.h"
#include "web/cli_data.h"
#include "web/server/app.h"

namespace {

using namespace qingling;

std::filesystem::path default_rules() { return QINGLING_DEFAULT_RULES; }

Date utc_today() { return std::chrono::floor<std::chrono::days>(SystemClock{}.now()); }

// Applies a config file's `key = value` items (parsed by CLI11's TOML reader)
// to the options of `command` that the command line did not give. CLI11 2.1
// parses a subcommand's set_config file but does not apply it.
void apply_config(CLI::App& command, const std::string& file) {
  for (const CLI::ConfigItem& item : CLI::ConfigTOML().from_file(file)) {
    CLI::Option* option = command.get_option_no_throw("--" + item.name);
    if (option == nullptr || item.name == "config" || !item.parents.empty()) {
      throw std::runtime_error("unknown key '" + item.fullname() + "'");
    }
    if (option->count() > 0) continue;  // the command line wins
    option->add_result(item.inputs);
    option->run_callback();
  }
}

int serve(const web::AppOptions& options) {
  try {
    web::App app(options);
    for (const auto& w : app.warnings()) std::cerr << "warning: " << w.to_string() << "\n";
    for (const auto& w : app.page_warnings()) std::cerr << "warning: " << w << "\n";
    app.start();
    std::cout << "qingling is serving " << app.base_url() << "/\n";
    std::cout << "mail goes to " << app.mail_destination() << "\n";
    if (!app.demo_tokens().empty()) {
      std::cout << "demo campaign loaded; one ready token per role:\n";
      for (const auto& t : app.demo_tokens()) {
        std::cout << "  " << t.role << " (" << t.user << ", " << t.display_name << ", " << t.unit
                  << "): " << t.token << "\n";
      }
      std::cout << "sign in to " << app.base_url() << "/ as any of them with the password "
                << demo::kDemoPassword << "\n";
      const std::string& any = app.demo_tokens().front().token;
      std::cout << "try: curl -H 'Authorization: Bearer " << any << "' " << app.base_url()
                << "/api/v1/issues?limit=5\n";
    }
    std::cout.flush();
    app.run_until_signalled();
    return 0;
  } catch (const web::RulesRejected& e) {
    for (const auto& err : e.errors()) std::cerr << err.to_string() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "qingling: " << e.what() << "\n";
    return 1;
  }
}

struct SimulateOptions {
  std::filesystem::path data = "data";
  std::filesystem::path rules_dir = default_rules();
  std::string unit;  // default: the root
  int days = 7;
  std::string at;  // default: now
};

// Prints what falls due and which ladder steps fire in the next days,
// reading the data folder only.
int simulate(const SimulateOptions& o) {
  try {
    auto pack = rules::load_pack(o.rules_dir, utc_today());
    if (!pack.errors.empty()) {
      for (const auto& e : pack.errors) std::cerr << e.to_string() << "\n";
      return 2;
    }
    const RuleSet& rules = *pack.rules;
    Instant now = SystemClock{}.now();
    if (!o.at.empty()) {
      auto at = parse_instant(o.at);
      if (!at) {
        std::cerr << "qingling: --at: expected an RFC 3339 time like 2026-12-01T09:00:00+08:00\n";
        return 2;
      }
      now = *at;
    }
    const auto file = o.data / "qingling.db";
    if (!std::filesystem::exists(file)) {
      std::cerr << "qingling: no database at " << file << "\n";
      return 1;
    }
    auto db = store::open_sqlite(file);
    auto view = db->open_reader();
    const UnitTree units(view->units());
    const std::string unit = o.unit.empty() ? units.root() : o.unit;
    if (units.find(unit) == nullptr) {
      std::cerr << "qingling: --unit: no unit has the code '" << unit << "'\n";
      return 2;
    }
    const notify::Forecast f = notify::forecast(*view, rules, units, unit, now, o.days);
    const auto local = [&](Instant at) {
      const Date day = rules.zone.local_date(at);
      const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(
          at - rules.zone.at_local(day, std::chrono::minutes{0}));
      char hhmm[8];
      std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", static_cast<int>(minutes.count() / 60),
                    static_cast<int>(minutes.count() % 60));
      return format_date(day) + " " + hhmm;
    };
    std::cout << "forecast for " << units.find(unit)->name << " (" << unit << "), " << o.days
              << " days from " << local(now) << " " << rules.campaign.time_zone << "\n\n";
    std::cout << f.deadlines.size() << " deadline(s) fall due:\n";
    for (const Issue& i : f.deadlines) {
      std::cout << "  " << format_date(i.deadline->date) << "  #" << i.id << " " << i.title << "  ["
                << i.responsible_unit << "]\n";
    }
    std::cout << "\n" << f.firings.size() << " ladder step(s) fire:\n";
    for (const auto& firing : f.firings) {
      std::cout << "  "
                << (firing.overdue ? "now (due " + local(firing.due) + ")" : local(firing.due))
                << "  " << firing.step_name;
      if (firing.period > 0) std::cout << " (repeat " << firing.period << ")";
      if (firing.level) std::cout << " -> " << to_string(*firing.level);
      std::cout << "  #" << firing.issue.id << " " << firing.issue.title << "  to:";
      for (const auto& who : firing.notify) std::cout << " " << who << ";";
      std::cout << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "qingling: " << e.what() << "\n";
    return 1;
  }
}

int rules_check(const std::filesystem::path& dir) {
  auto result = rules::load_pack(dir, utc_today());
  for (const auto& w : result.warnings) std::cerr << "warning: " << w.to_string() << "\n";
  if (!result.errors.empty()) {
    for (const auto& e : result.errors) std::cout << e.to_string() << "\n";
    std::cout << result.errors.size() << " error(s)\n";
    return 1;
  }
  std::cout << rules::summary(*result.rules);
  return 0;
}

struct UserAddOptions {
  std::filesystem::path data = "data";
  std::filesystem::path rules_dir = default_rules();
  std::string name;
  std::string unit;
  std::vector<std::string> roles;
  std::string email;
  std::string display_name;
  std::optional<std::string> password;  // "-": read one line from standard input
};

// The password an option names: itself, or with "-" the first line of
// standard input (so it stays out of the shell history and `ps`).
std::optional<std::string> password_from(const std::string& option) {
  if (option != "-") return option;
  std::string line;
  // At a terminal: ask, and do not show what is typed.
  termios before{};
  const bool terminal = isatty(STDIN_FILENO) != 0 && tcgetattr(STDIN_FILENO, &before) == 0;
  if (terminal) {
    termios quiet = before;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    std::cerr << "password: " << std::flush;
  }
  const bool read = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &before);
    std::cerr << "\n";
  }
  if (!read) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Hashes the password an option names; prints why not and returns nullopt.
std::optional<std::string> password_hash_from(const std::string& option) {
  auto password = password_from(option);
  if (!password) {
    std::cerr << "qingling: --password -: nothing to read on standard input\n";
    return std::nullopt;
  }
  auto hash = store::hash_password(*password);
  if (!hash) {
    for (const auto& f : hash.error().fields) std::cerr << f.field << ": " << f.message << "\n";
    return std::nullopt;
  }
  return *hash;
}

int user_add(const UserAddOptions& o) {
  try {
    std::optional<std::string> password_hash;
    if (o.password) {
      password_hash = password_hash_from(*o.password);
      if (!password_hash) return 1;
    }
    auto pack = rules::load_pack(o.rules_dir, utc_today());
    if (!pack.errors.empty()) {
      for (const auto& e : pack.errors) std::cerr << e.to_string() << "\n";
      return 2;
    }
    auto db = store::open_sqlite(o.data / "qingling.db");
    auto backend = db->open_writer();
    backend->begin();
    const auto units = backend->units();
    if (units.empty()) {
      std::cerr
          << "qingling: the data folder has no units yet; start `qingling serve` on it once\n";
      return 1;
    }
    store::User user;
    user.name = o.name;
    user.display_name = o.display_name.empty() ? o.name : o.display_name;
    user.unit = o.unit.empty() ? UnitTree(units).root() : o.unit;
    user.roles = o.roles;
    user.email = o.email;
    const Instant now = SystemClock{}.now();
    auto token = store::add_user(*backend, user, pack.rules->roles, now);
    if (!token) {
      backend->rollback();
      for (const auto& f : token.error().fields) std::cerr << f.field << ": " << f.message << "\n";
      return 1;
    }
    if (password_hash) (void)store::set_password(*backend, user.name, *password_hash, now);
    backend->commit();
    std::cerr << "added user " << user.name << " at " << user.unit << "; its API token:\n";
    std::cout << *token << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "qingling: " << e.what() << "\n";
    return 1;
  }
}

// Sets a user's password (signing out their page sessions).
int user_passwd(const std::filesystem::path& data, const std::string& name,
                const std::string& password) {
  try {
    auto hash = password_hash_from(password);
    if (!hash) return 1;
    const auto file = data / "qingling.db";
    if (!std::filesystem::exists(file)) {
      std::cerr << "qingling: no database at " << file << "\n";
      return 1;
    }
    auto db = store::open_sqlite(file);
    auto backend = db->open_writer();
    backend->begin();
    auto set = store::set_password(*backend, name, *hash, SystemClock{}.now());
    if (!set) {
      backend->rollback();
      for (const auto& f : set.error().fields) std::cerr << f.field << ": " << f.message << "\n";
      return 1;
    }
    backend->commit();
    std::cerr << "password of " << name << " set; their page sessions are signed out\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "qingling: " << e.what() << "\n";
    return 1;
  }
}

int audit_verify(const std::filesystem::path& data) {
  try {
    const auto file = data / "qingling.db";
    if (!std::filesystem::exists(file)) {
      std::cerr << "qingling: no database at " << file << "\n";
      return 1;
    }
    std::unique_ptr<store::Database> db;
    std::unique_ptr<store::ReadView> view;
    try {
      db = store::open_sqlite(file);
      view = db->open_reader();
    } catch (const std::exception&) {
      // A folder on a read-only file system (a snapshot, a backup medium, a
      // disk the kernel stopped writing) cannot take what the ordinary open
      // writes beside the database; nothing can change it either.
      if (!store::read_only_file_system(data)) throw;
      std::cerr << "qingling: " << data.string()
                << " is on a read-only file system; reading the database as it is\n";
      view = store::open_sqlite_on_read_only_media(file);
    }
    const auto report = store::verify_chain(*view);
    if (report.ok()) {
      std::cout << "audit chain intact: " << report.entries << " entries verified\n";
      return 0;
    }
    std::cout << "audit chain BROKEN at entry " << *report.broken << ": " << report.problem << " ("
              << report.entries << " entries before it verified)\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "qingling: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"qingling (清零): issue-and-rectification tracking"};
  cli.require_subcommand(1);

  web::AppOptions serve_options;
  serve_options.rules_dir = default_rules();
  std::string data_dir = "data";
  std::string rules_dir = serve_options.rules_dir.string();
  std::string config_file;
  auto* serve_cmd = cli.add_subcommand("serve", "run the HTTP server");
  serve_cmd->add_option("--config", config_file, "read options from a TOML/INI file (key = value)");
  serve_cmd->add_option("--address", serve_options.address, "address to listen on")
      ->capture_default_str();
  serve_cmd->add_option("--port", serve_options.port, "port (0 picks a free one)")
      ->capture_default_str();
  serve_cmd->add_option("--data", data_dir, "data folder (database, evidence)")
      ->capture_default_str();
  serve_cmd->add_option("--rules", rules_dir, "rule pack folder")->capture_default_str();
  serve_cmd->add_flag("--demo", serve_options.demo,
                      "load the demo city and campaign into an empty data folder");
  serve_cmd->add_option("--threads", serve_options.io_threads, "io threads")->capture_default_str();
  std::string ui_dir;
  serve_cmd->add_option("--ui", ui_dir,
                        "the web page's folder (default: web/ui of the source tree built from)");
  serve_cmd->add_flag("--secure-cookies", serve_options.secure_cookies,
                      "mark session cookies Secure (when a TLS proxy fronts qingling)");
  serve_cmd->add_option("--trusted-proxy", serve_options.trusted_proxy,
                        "address of the reverse proxy in front; its X-Forwarded-For names clients");
  int session_hours = 12;
  serve_cmd->add_option("--session-hours", session_hours, "hours a page session lasts")
      ->check(CLI::Range(1, 24 * 30))
      ->capture_default_str();
  auto& mail = serve_options.mail;
  serve_cmd->add_option("--smtp", mail.smtp_url,
                        "SMTP server URL, e.g. smtp://127.0.0.1:2525 (default: .eml files)");
  serve_cmd->add_option("--smtp-user", mail.smtp_user, "SMTP user name (AUTH)");
  serve_cmd->add_option("--smtp-password", mail.smtp_password, "SMTP password");
  serve_cmd->add_flag("--starttls", mail.starttls, "insist on STARTTLS");
  serve_cmd->add_option("--mail-from", mail.from, "sender address")->capture_default_str();
  serve_cmd->add_option("--mail-from-name", mail.from_name, "sender name (default: the campaign)");
  std::string eml_dir;
  serve_cmd->add_option("--eml-dir", eml_dir, "folder for .eml files when no SMTP server is set");
  bool sandbox = false;
  std::string sandbox_start;
  double sandbox_speed = 1.0;
  serve_cmd->add_flag("--sandbox", sandbox,
                      "run on a simulated clock (with --clock and --speed), to try a ladder");
  serve_cmd->add_option("--clock", sandbox_start,
                        "sandbox start, ISO date-time (2026-12-01T08:00:00+08:00)");
  serve_cmd->add_option("--speed", sandbox_speed, "sandbox: simulated seconds per real second");
  serve_cmd
      ->add_option("--log-format", serve_options.log_format,
                   "text (the default), or json: one JSON object per line, and a line per "
                   "request")
      ->transform(CLI::CheckedTransformer(std::map<std::string, web::LogFormat>{
          {"text", web::LogFormat::Text}, {"json", web::LogFormat::Json}}));
  int idle_seconds = 30;
  serve_cmd
      ->add_option("--idle-timeout", idle_seconds,
                   "seconds a client has to send a request's header, and may stay idle between "
                   "requests")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve_cmd->add_option("--metrics-token", serve_options.metrics_token,
                        "let clients off this host read /metrics with Authorization: Bearer "
                        "<token> (loopback clients need none)");

  std::string check_dir;
  auto* rules_cmd = cli.add_subcommand("rules", "rule packs");
  rules_cmd->require_subcommand(1);
  auto* check_cmd = rules_cmd->add_subcommand("check", "check a rule pack and print its summary");
  check_cmd->add_option("dir", check_dir, "rule pack folder")->required();

  UserAddOptions user_options;
  std::string user_data = "data";
  std::string user_rules = user_options.rules_dir.string();
  auto* user_cmd = cli.add_subcommand("user", "users and tokens");
  user_cmd->require_subcommand(1);
  auto* add_cmd =
      user_cmd->add_subcommand("add", "add a user; prints its API token on the last line");
  add_cmd->add_option("--data", user_data, "data folder")->capture_default_str();
  add_cmd->add_option("--rules", user_rules, "rule pack (for its roles)")->capture_default_str();
  add_cmd->add_option("--name", user_options.name, "login name")->required();
  add_cmd->add_option("--unit", user_options.unit, "unit code (default: the root of the tree)");
  add_cmd->add_option("--role", user_options.roles, "role (repeat for several)")->required();
  add_cmd->add_option("--email", user_options.email, "e-mail address");
  add_cmd->add_option("--display-name", user_options.display_name, "name shown to people");
  add_cmd->add_option("--password", user_options.password,
                      "password for the web page ('-': read it from standard input)");
  std::string passwd_data = "data";
  std::string passwd_name;
  std::string passwd_password = "-";
  auto* passwd_cmd = user_cmd->add_subcommand(
      "passwd", "set a user's password for the web page and sign out their sessions");
  passwd_cmd->add_option("--data", passwd_data, "data folder")->capture_default_str();
  passwd_cmd->add_option("--name", passwd_name, "login name")->required();
  passwd_cmd->add_option("--password", passwd_password,
                         "the new password ('-', the default: read it from standard input)");

  std::string audit_data = "data";
  auto* audit_cmd = cli.add_subcommand("audit", "the hash-chained event log");
  audit_cmd->require_subcommand(1);
  auto* verify_cmd =
      audit_cmd->add_subcommand("verify", "walk the chain; report the first broken link");
  verify_cmd->add_option("--data", audit_data, "data folder")->capture_default_str();

  SimulateOptions sim;
  std::string sim_data = "data";
  std::string sim_rules = sim.rules_dir.string();
  auto* simulate_cmd = cli.add_subcommand(
      "simulate", "list what falls due and which ladder steps fire in the next days");
  simulate_cmd->add_option("--days", sim.days, "days ahead (1 to 92)")
      ->check(CLI::Range(1, 92))
      ->capture_default_str();
  simulate_cmd->add_option("--data", sim_data, "data folder")->capture_default_str();
  simulate_cmd->add_option("--rules", sim_rules, "rule pack folder")->capture_default_str();
  simulate_cmd->add_option("--unit", sim.unit, "jurisdiction (default: the whole tree)");
  simulate_cmd->add_option("--at", sim.at, "look ahead from this moment instead of now");

  cli::ImportOptions import_options;
  std::string import_data = "data";
  std::string import_rules = default_rules().string();
  std::string import_file;
  auto* import_cmd = cli.add_subcommand("import", "import problems or units from CSV or XLSX");
  import_cmd->require_subcommand(1);
  std::vector<CLI::App*> import_cmds;
  for (const char* what : {"issues", "units"}) {
    auto* cmd = import_cmd->add_subcommand(
        what, std::string("import ") + what + " (all or nothing; see README for the columns)");
    cmd->add_option("file", import_file, "CSV (UTF-8 or GB18030) or XLSX file")->required();
    cmd->add_option("--data", import_data, "data folder")->capture_default_str();
    cmd->add_option("--rules", import_rules, "rule pack folder")->capture_default_str();
    cmd->add_option("--as", import_options.as_user,
                    "act as this user (default: the operator, every role at the root)");
    cmd->add_flag("--dry-run", import_options.dry_run, "check every row, write nothing");
    import_cmds.push_back(cmd);
  }

  cli::ExportOptions export_options{"data", default_rules(), "", "xlsx", ""};
  std::string export_data = "data";
  std::string export_rules = default_rules().string();
  std::string export_out;
  auto* export_cmd = cli.add_subcommand("export", "export the rectification ledger");
  export_cmd->require_subcommand(1);
  auto* ledger_cmd = export_cmd->add_subcommand("ledger", "the 整改台账 as XLSX or CSV");
  ledger_cmd->add_option("--data", export_data, "data folder")->capture_default_str();
  ledger_cmd->add_option("--rules", export_rules, "rule pack folder")->capture_default_str();
  ledger_cmd->add_option("--unit", export_options.unit, "jurisdiction (default: the whole tree)");
  ledger_cmd->add_option("--format", export_options.format, "xlsx or csv")->capture_default_str();
  ledger_cmd->add_option("--out", export_out, "file to write (default: ledger-<unit>.<format>)");

  std::string backup_data = "data";
  std::string backup_to;
  auto* backup_cmd =
      cli.add_subcommand("backup", "copy the database (a consistent snapshot) and all evidence");
  backup_cmd->add_option("--data", backup_data, "data folder")->capture_default_str();
  backup_cmd->add_option("--to", backup_to, "an empty or new folder")->required();

  cli::GenerateOptions gen_options{"data", default_rules(), 0, 1, 120};
  std::string gen_data = "data";
  std::string gen_rules = default_rules().string();
  auto* gen_cmd = cli.add_subcommand(
      "gen", "fill a data folder with the demo campaign and N generated problems (benchmarks)");
  gen_cmd->add_option("--problems", gen_options.problems, "how many problems to add")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{100'000'000}));
  gen_cmd->add_option("--data", gen_data, "data folder")->capture_default_str();
  gen_cmd->add_option("--rules", gen_rules, "rule pack folder (with a seed/ folder)")
      ->capture_default_str();
  gen_cmd->add_option("--seed", gen_options.seed, "the same seed, the same problems")
      ->capture_default_str();
  gen_cmd->add_option("--days", gen_options.days, "problems found over the last N days")
      ->check(CLI::Range(10, 3650))
      ->capture_default_str();

  CLI11_PARSE(cli, argc, argv);

  if (serve_cmd->parsed()) {
    if (!config_file.empty()) {
      try {
        apply_config(*serve_cmd, config_file);
      } catch (const std::exception& e) {
        std::cerr << "qingling: " << config_file << ": " << e.what() << "\n";
        return 2;
      }
    }
    serve_options.data_dir = data_dir;
    serve_options.rules_dir = rules_dir;
    serve_options.ui_dir = ui_dir;
    serve_options.session_lifetime = std::chrono::hours{session_hours};
    serve_options.limits.idle_timeout = std::chrono::seconds{idle_seconds};
    if (!eml_dir.empty()) serve_options.mail.eml_dir = eml_dir;
    std::unique_ptr<SimulatedClock> simulated;
    const bool clock_given = !sandbox_start.empty() || serve_cmd->count("--speed") > 0;
    if (clock_given && !sandbox) {
      std::cerr << "qingling: --clock and --speed run a sandbox only; add --sandbox\n";
      return 2;
    }
    if (sandbox) {
      std::optional<Instant> start = SystemClock{}.now();
      if (!sandbox_start.empty()) start = parse_instant(sandbox_start);
      if (!start) {
        std::cerr << "qingling: --clock: expected an ISO date-time like "
                     "2026-12-01T08:00:00+08:00\n";
        return 2;
      }
      if (!(sandbox_speed > 0) || sandbox_speed > 1e7) {
        std::cerr << "qingling: --speed: expected a number above 0 (simulated seconds per real "
                     "second), at most 10000000\n";
        return 2;
      }
      simulated = std::make_unique<SimulatedClock>(*start, sandbox_speed);
      serve_options.clock = simulated.get();
      std::cerr << "sandbox: simulated clock from " << format_instant(*start) << " at "
                << sandbox_speed << "x\n";
    }
    return serve(serve_options);
  }
  if (check_cmd->parsed()) return rules_check(check_dir);
  if (add_cmd->parsed()) {
    user_options.data = user_data;
    user_options.rules_dir = user_rules;
    return user_add(user_options);
  }
  if (passwd_cmd->parsed()) return user_passwd(passwd_data, passwd_name, passwd_password);
  if (verify_cmd->parsed()) return audit_verify(audit_data);
  for (CLI::App* cmd : import_cmds) {
    if (!cmd->parsed()) continue;
    import_options.what = cmd->get_name();
    import_options.data = import_data;
    import_options.rules_dir = import_rules;
    import_options.file = import_file;
    return cli::import_file(import_options);
  }
  if (ledger_cmd->parsed()) {
    export_options.data = export_data;
    export_options.rules_dir = export_rules;
    export_options.out = export_out;
    return cli::export_ledger(export_options);
  }
  if (backup_cmd->parsed()) return cli::backup(backup_data, backup_to);
  if (gen_cmd->parsed()) {
    gen_options.data = gen_data;
    gen_options.rules_dir = gen_rules;
    return cli::generate(gen_options);
  }
  if (simulate_cmd->parsed()) {
    sim.data = sim_data;
    sim.rules_dir = sim_rules;
    return simulate(sim);
  }
  return 1;
}
