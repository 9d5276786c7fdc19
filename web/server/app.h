#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/time.h"
#include "rules/loader/pack_loader.h"
#include "web/demo/demo_data.h"
#include "web/server/http_server.h"
#include "web/server/log.h"

namespace qingling::web {

// Where mail goes. With no SMTP URL, messages are written as .eml files to
// `eml_dir` (default: <data>/outbox).
struct MailOptions {
  std::string smtp_url;  // "smtp://127.0.0.1:2525"
  std::string smtp_user;
  std::string smtp_password;
  bool starttls = false;
  std::string from = "qingling@localhost";
  std::string from_name;  // default: the campaign's name
  std::filesystem::path eml_dir;
};

struct AppOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port
  std::filesystem::path data_dir = "data";
  std::filesystem::path rules_dir;  // the rule pack folder
  bool demo = false;
  unsigned io_threads = 2;
  unsigned reader_threads = 2;
  const Clock* clock = nullptr;  // null: the system clock; must outlive the App
  ServerLimits limits;           // header, body and idle bounds of the listener
  MailOptions mail;
  bool notify = true;  // run the escalation scheduler and the mail sender
  // The web page's folder (its npm files come from the node_modules beside
  // it); empty: the page of the source tree qingling was built from.
  std::filesystem::path ui_dir;
  bool secure_cookies = false;  // behind a TLS proxy: session cookies are `Secure`
  // The address of a reverse proxy in front: its requests are counted (for
  // the sign-in limits) by the last address of their X-Forwarded-For.
  std::string trusted_proxy;
  std::chrono::seconds session_lifetime{12 * 3600};
  // Text, or one JSON object per line, with a line per request (see
  // web/server/log.h); the log is process-wide and `log_sink` (empty:
  // standard error) receives each line.
  LogFormat log_format = LogFormat::Text;
  std::function<void(std::string_view line)> log_sink;
  // GET /metrics answers loopback clients, and others that send
  // `Authorization: Bearer <metrics_token>` when it is set.
  std::string metrics_token;
};

// The rule pack did not pass its checks; `errors` says where and why.
class RulesRejected : public std::runtime_error {
 public:
  explicit RulesRejected(std::vector<rules::LoadError> errors);
  const std::vector<rules::LoadError>& errors() const { return errors_; }

 private:
  std::vector<rules::LoadError> errors_;
};

// The whole server: data folder, rules, writer, readers and HTTP listener.
class App {
 public:
  // Opens (creating) the data folder and its database, loads and checks the
  // rule pack (RulesRejected on errors), loads the pack's unit tree into an
  // empty database, and with `demo` seeds the demo campaign into an empty
  // one and issues a token per role. Nothing listens yet. A data folder it
  // cannot write is refused (std::runtime_error naming it): serving writes
  // from the first moment. Once serving, a write the disk cannot take is
  // answered 507 (full) or 503 (read-only, failing) while reads go on.
  explicit App(AppOptions options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Binds the address and starts the io threads.
  void start();
  std::uint16_t port() const;
  std::string base_url() const;
  const std::vector<demo::DemoToken>& demo_tokens() const;
  const std::vector<rules::LoadError>& warnings() const;
  // What is missing of the web page (the API works without it).
  const std::vector<std::string>& page_warnings() const;

  // Loads the rule pack again; when it passes, commands decided from now on
  // use it (decided deadlines stay). Returns the errors otherwise.
  std::vector<rules::LoadError> reload_rules();

  // Blocks until SIGINT or SIGTERM (reloading the rules on SIGHUP), then stops.
  void run_until_signalled();
  // Fires every ladder step due now and mails a weekly report that is due,
  // as the timer would when it wakes; returns the steps fired. Blocks until
  // durable.
  std::size_t run_escalations_now();

  // Where mail goes ("smtp://…" or "folder …").
  std::string mail_destination() const;

  // Stops accepting, finishes in-flight requests, drains the writer, joins.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qingling::web
