#include "web/server/app.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "engine/mail/transport.h"
#include "engine/notify/scheduler.h"
#include "engine/notify/sender.h"
#include "engine/notify/weekly.h"
#include "engine/store/accounts.h"
#include "engine/store/outbox_backlog.h"
#include "engine/store/read_only_media.h"
#include "engine/store/store.h"
#include "engine/store/writer.h"
#include "rules/loader/seed_loader.h"
#include "web/api/api.h"
#include "web/api/responses.h"
#include "web/server/http_server.h"
#include "web/server/log.h"
#include "web/server/metrics.h"
#include "web/server/reader_pool.h"
#include "web/server/request_observer.h"

namespace qingling::web {
namespace {

std::string describe(const std::vector<rules::LoadError>& errors) {
  std::string out = "the rule pack has " + std::to_string(errors.size()) + " error(s):";
  for (const auto& e : errors) out += "\n  " + e.to_string();
  return out;
}

std::shared_ptr<const RuleSet> load_rules(const std::filesystem::path& dir, const Clock& clock,
                                          std::vector<rules::LoadError>& warnings) {
  // Warnings are judged on the UTC date; the pack's zone is not known yet.
  auto loaded = rules::load_pack(dir, std::chrono::floor<std::chrono::days>(clock.now()));
  if (!loaded.errors.empty()) throw RulesRejected(std::move(loaded.errors));
  warnings = std::move(loaded.warnings);
  return std::make_shared<const RuleSet>(std::move(*loaded.rules));
}

std::unique_ptr<mail::Transport> transport_for(const AppOptions& options) {
  const MailOptions& m = options.mail;
  if (m.smtp_url.empty()) {
    return mail::folder_transport(m.eml_dir.empty() ? options.data_dir / "outbox" : m.eml_dir);
  }
  mail::SmtpSettings smtp;
  smtp.url = m.smtp_url;
  smtp.user = m.smtp_user;
  smtp.password = m.smtp_password;
  smtp.starttls = m.starttls;
  return mail::smtp_transport(std::move(smtp));
}

// Who sent a request: the peer, or behind the trusted proxy the address the
// proxy appended last to X-Forwarded-For (earlier entries are the client's
// own say and prove nothing).
std::string client_address(const Request& req, std::string peer, const std::string& proxy) {
  if (proxy.empty() || peer != proxy) return peer;
  const std::string_view forwarded = req["X-Forwarded-For"];
  const std::size_t comma = forwarded.rfind(',');
  std::string_view last = comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1);
  while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
  while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
  return last.empty() ? peer : std::string(last);
}

// Refuses a data folder that cannot be written, naming it: serving writes
// the database from the first moment (the start itself is logged), so a
// read-only folder could answer hardly anything.
void check_writable(const std::filesystem::path& dir) {
  const auto refuse = [](const std::string& what, int err) {
    throw std::runtime_error(what + " cannot be written (" + std::strerror(err) +
                             "); qingling keeps its database in the data folder and must be able "
                             "to write it: make it writable, or serve a copy (qingling backup "
                             "--to) from a writable folder");
  };
  const std::filesystem::path probe = dir / ".qingling-write-check";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) refuse("the data folder " + dir.string(), errno);
  ::close(fd);
  ::unlink(probe.c_str());
  for (const char* name : {"qingling.db", "qingling.db-wal", "qingling.db-shm"}) {
    const std::filesystem::path file = dir / name;
    const int f = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
    if (f >= 0) {
      ::close(f);
    } else if (errno != ENOENT) {
      refuse("the database file " + file.string(), errno);
    }
  }
}

// What a write refused by the storage tells its client, in place of the
// bare 500: the disk full (507) or failing (503). Reads go on meanwhile.
std::optional<Response> storage_problem(const Request& head, store::StorageFault fault) {
  switch (fault) {
    case store::StorageFault::full:
      return problem(head, http::status::insufficient_storage, "/problems/storage-full",
                     "Storage full",
                     "The server's disk is full, so nothing was changed; what was saved before "
                     "is safe and can be read. Try again once an administrator has freed space.");
    case store::StorageFault::read_only:
      return problem(head, http::status::service_unavailable, "/problems/storage-read-only",
                     "Storage read-only",
                     "The server's data folder has become read-only, so nothing was changed; "
                     "what was saved before can be read.");
    case store::StorageFault::io:
      return problem(head, http::status::service_unavailable, "/problems/storage-failing",
                     "Storage failing",
                     "The server's disk failed to write, so nothing was changed; try again "
                     "later.");
    case store::StorageFault::none:
      break;
  }
  return std::nullopt;
}

// Free space below which a failed write is blamed on a full disk.
constexpr std::uintmax_t kLowSpace = 1024 * 1024;

}  // namespace

RulesRejected::RulesRejected(std::vector<rules::LoadError> errors)
    : std::runtime_error(describe(errors)), errors_(std::move(errors)) {}

struct App::Impl {
  AppOptions options;
  SystemClock system_clock;
  const Clock& clock;
  std::vector<rules::LoadError> warnings;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::Writer> writer;
  std::unique_ptr<notify::Scheduler> scheduler;
  std::unique_ptr<notify::MailSender> sender;
  std::unique_ptr<notify::WeeklyMailer> weekly;
  std::unique_ptr<ReaderPool> readers;
  std::unique_ptr<EvidenceStore> evidence;
  PageSessions sessions;
  StaticFiles assets;
  report::BattleIndex battle;
  net::io_context ioc;
  std::unique_ptr<Api> api;
  store::OutboxCounter outbox_counter;
  Metrics metrics;
  std::unique_ptr<RequestObserver> observer;
  std::unique_ptr<HttpServer> server;
  std::vector<std::thread> threads;
  std::vector<demo::DemoToken> tokens;
  bool stopped = false;

  explicit Impl(AppOptions o)
      : options(std::move(o)),
        clock(options.clock != nullptr ? *options.clock : system_clock),
        outbox_counter(options.data_dir / "qingling.db"),
        metrics(route_labels(), metric_sources()) {
    configure_log(options.log_format, options.log_sink);
  }

  // What /metrics reads at each scrape; the parts exist by then.
  MetricSources metric_sources() {
    MetricSources m;
    m.writer_queue_depth = [this] { return writer->queue_depth(); };
    m.reader_queue_depth = [this] { return readers->queue_depth(); };
    m.problems_by_state = [this] { return battle.count_by_state(); };
    m.open_connections = [this] { return server ? server->connections() : 0; };
    m.outbox_backlog = [this] { return outbox_counter.count(); };
    if (options.notify) {
      m.mail = [this] {
        const auto c = sender->counts();
        return MailCounts{c.sent, c.retried, c.given_up};
      };
      m.escalations_fired = [this] { return scheduler->fired_by_level(); };
    }
    return m;
  }

  std::string units_root() const { return writer->units()->root(); }

  // Every problem's summary into the battle map's index, before anything
  // writes (the writer tells it of every commit from then on).
  void load_battle_index(const std::string& root) {
    {
      auto backend = db->open_writer();
      auto view = db->open_reader();
      store::fill_open_changes(*backend, *view, root);
    }
    // In slices, so that a million summaries never sit in memory as strings.
    constexpr std::size_t kSlice = 10000;
    auto view = db->open_reader();
    std::vector<IssueSummary> summaries;
    view->scan_summaries([&](IssueSummary&& s) {
      summaries.push_back(std::move(s));
      if (summaries.size() == kSlice) {
        battle.apply(summaries, {});
        summaries.clear();
      }
    });
    battle.apply(summaries, {});
    std::vector<OpenChange> changes;
    view->scan_open_changes([&](const OpenChange& c) {
      changes.push_back(c);
      if (changes.size() == kSlice) {
        battle.apply({}, changes);
        changes.clear();
      }
    });
    battle.apply({}, changes);
  }

  // The API's answer; a write the storage refused is said so plainly.
  net::awaitable<Response> answer(Request req, std::string client) {
    const bool reads = req.method() == http::verb::get || req.method() == http::verb::head;
    Request head{req.method(), req.target(), req.version()};
    head.keep_alive(req.keep_alive());
    const std::size_t body_bytes = req.body().size();
    Response res = co_await api->handle(std::move(req), std::move(client));
    if (res.result() != http::status::internal_server_error || reads) co_return res;
    store::StorageFault fault = writer->storage_fault();
    // Evidence is written beside the database before its event: a file that
    // did not fit, or a folder turned read-only, fails before the writer
    // sees it. And SQLite reports a write that a read-only file system
    // refused as a disk I/O error. So ask the file system.
    std::error_code ec;
    const auto space = std::filesystem::space(options.data_dir, ec);
    if (store::read_only_file_system(options.data_dir)) {
      fault = store::StorageFault::read_only;
    } else if (fault == store::StorageFault::none && !ec &&
               space.available < body_bytes + kLowSpace) {
      fault = store::StorageFault::full;
    }
    if (auto storage = storage_problem(head, fault)) co_return std::move(*storage);
    co_return res;
  }

  void prepare() {
    auto rules = load_rules(options.rules_dir, clock, warnings);
    std::filesystem::create_directories(options.data_dir);
    check_writable(options.data_dir);
    db = store::open_sqlite(options.data_dir / "qingling.db");
    const std::filesystem::path seed_dir = options.rules_dir / "seed";
    {
      auto backend = db->open_writer();
      const Instant now = clock.now();
      backend->begin();
      backend->append_log("pack_loaded", "system", now, rules->version,
                          "{\"campaign\":\"" + rules->campaign.code + "\"}");
      const bool empty = !backend->has_issues();
      backend->commit();
      if (std::filesystem::exists(seed_dir)) {
        const rules::DemoSeed seed = rules::load_seed(seed_dir);
        backend->begin();
        store::load_units_if_empty(*backend, seed.units, now);
        backend->commit();
        if (options.demo) {
          if (empty) demo::seed_demo(*backend, *rules, seed, now, options.data_dir / "evidence");
          tokens = demo::demo_tokens(*backend, seed, now);
        }
      } else if (options.demo) {
        throw std::runtime_error("--demo needs the pack's seed folder " + seed_dir.string());
      }
    }
    const RuleSet& campaign = *rules;
    notify::MailSender::Options mail_options;
    mail_options.compose = {
        {options.mail.from_name.empty() ? campaign.campaign.name : options.mail.from_name,
         options.mail.from},
        campaign.campaign.name,
        campaign.campaign.code + ".qingling",
        campaign.zone};
    writer = std::make_unique<store::Writer>(db->open_writer(), clock, std::move(rules));
    writer->on_batch([this](const store::Writer::BatchReport& b) {
      metrics.observe_batch(b.commands, b.commit_time, b.committed);
    });
    if (options.notify) {
      scheduler = std::make_unique<notify::Scheduler>(*writer, clock);
      writer->on_escalation_written([this](Instant at) { scheduler->wake_for(at); });
      scheduler->reindex();
      sender = std::make_unique<notify::MailSender>(*writer, clock, transport_for(options),
                                                    mail_options);
      sender->set_horizon([this] { return scheduler->caught_up_until(); });
      sender->recover();
      weekly = std::make_unique<notify::WeeklyMailer>(*db, *writer, clock);
      scheduler->also_run([this] { return weekly->tick(); });
    }
    load_battle_index(units_root());
    writer->on_issues_written(
        [this](store::WriteBackend::Written&& w) { battle.apply(w.summaries, w.changes); });
    readers = std::make_unique<ReaderPool>(*db, options.reader_threads);
    evidence = std::make_unique<EvidenceStore>(options.data_dir / "evidence");
    evidence->sweep_temporaries();
    const std::filesystem::path ui_dir =
        options.ui_dir.empty() ? std::filesystem::path(QINGLING_UI_DIR) : options.ui_dir;
    assets = StaticFiles::load(ui_dir, ui_dir.parent_path() / "node_modules");
    sessions.lifetime = options.session_lifetime;
    sessions.secure_cookies = options.secure_cookies;
    Services services{*writer, *readers, clock, *evidence, sessions, assets, battle};
    services.outbox_changed = [this] {
      if (sender) sender->wake();
    };
    services.metrics = [this] { return metrics.scrape(); };
    services.metrics_token = options.metrics_token;
    api = std::make_unique<Api>(std::move(services));
    observer = std::make_unique<RequestObserver>(
        [this](Request req, std::string client) {
          return answer(std::move(req), std::move(client));
        },
        metrics, route_label);
    server = std::make_unique<HttpServer>(
        ioc,
        [this](Request req, std::string peer) {
          std::string client = client_address(req, std::move(peer), options.trusted_proxy);
          return observer->handle(std::move(req), std::move(client));
        },
        [this](const Request& req) { return api->admit(req); }, options.limits);
    server->observe({[this](unsigned status) { metrics.observe_refusal(status); },
                     [this] { metrics.connection_turned_away(); },
                     [this] { metrics.connection_evicted(); }});
  }
};

App::App(AppOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  try {
    impl_->prepare();
  } catch (const std::exception& e) {
    // "database or disk is full" alone does not say which disk.
    if (store::storage_fault_of(std::current_exception()) == store::StorageFault::none) throw;
    throw std::runtime_error("the data folder " + impl_->options.data_dir.string() + ": " +
                             e.what());
  }
}

App::~App() {
  stop();
  // The sink may not outlive the App that was given it.
  if (impl_->options.log_sink) configure_log(LogFormat::Text);
}

void App::start() {
  impl_->server->listen(impl_->options.address, impl_->options.port);
  for (unsigned i = 0; i < std::max(1u, impl_->options.io_threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  if (impl_->scheduler) {
    impl_->scheduler->start([this](const notify::Scheduler::Totals&) { impl_->sender->wake(); });
    impl_->sender->start();
  }
}

std::size_t App::run_escalations_now() {
  if (!impl_->scheduler) return 0;
  const std::size_t fired = impl_->scheduler->run_once().fired;
  if (impl_->weekly) impl_->weekly->tick();
  if (impl_->sender) impl_->sender->wake();
  return fired;
}

std::string App::mail_destination() const {
  return impl_->sender ? impl_->sender->transport().describe() : std::string("off");
}

std::uint16_t App::port() const { return impl_->server->port(); }

std::string App::base_url() const {
  const std::string& a = impl_->options.address;
  const std::string host = a.find(':') != std::string::npos ? "[" + a + "]" : a;
  return "http://" + host + ":" + std::to_string(port());
}

const std::vector<demo::DemoToken>& App::demo_tokens() const { return impl_->tokens; }
const std::vector<std::string>& App::page_warnings() const { return impl_->assets.warnings(); }

const std::vector<rules::LoadError>& App::warnings() const { return impl_->warnings; }

std::vector<rules::LoadError> App::reload_rules() {
  try {
    std::vector<rules::LoadError> warnings;
    auto rules = load_rules(impl_->options.rules_dir, impl_->clock, warnings);
    if (rules->version != impl_->writer->rules()->version) {
      auto backend = impl_->db->open_writer();
      backend->begin();
      backend->append_log("pack_loaded", "system", impl_->clock.now(), rules->version,
                          "{\"campaign\":\"" + rules->campaign.code + "\",\"reload\":true}");
      backend->commit();
    }
    impl_->writer->set_rules(std::move(rules));
    impl_->warnings = std::move(warnings);
    if (impl_->scheduler) {
      impl_->scheduler->reindex();  // a changed ladder re-plans every open problem
      impl_->scheduler->wake_for(Instant{});
    }
    return {};
  } catch (const RulesRejected& e) {
    return e.errors();
  } catch (const std::exception& e) {
    // The pack passed but could not be recorded (the database busy, a disk
    // error): keep serving under the old rules and say why.
    return {rules::LoadError{impl_->options.rules_dir.string(), 0, 0,
                             std::string("not reloaded: ") + e.what()}};
  }
}

void App::run_until_signalled() {
  net::io_context signals_ioc;
  net::signal_set signals(signals_ioc, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
          const auto errors = reload_rules();
          const std::string version = impl_->writer->rules()->version;
          if (errors.empty()) {
            log("info", "rules reloaded", {{"rules", version}});
          } else {
            for (const auto& e : errors) {
              log("error", "rules NOT reloaded", {{"rules", version}, {"error", e.to_string()}});
            }
          }
          signals.async_wait(on_signal);
          return;
        }
        log("info", "stopping");
      };
  signals.async_wait(on_signal);
  signals_ioc.run();
  stop();
}

void App::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  if (impl_->server) impl_->server->stop();
  if (impl_->scheduler) impl_->scheduler->stop();
  if (impl_->sender) impl_->sender->stop();
  if (impl_->writer) impl_->writer->stop();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  if (impl_->readers) impl_->readers->stop();
}

}  // namespace qingling::web
