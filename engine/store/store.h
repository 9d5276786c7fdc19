#pragma once

// The store's interface, in core types. The SQLite backend lives behind it
// (sqlite_store.cpp); a PostgreSQL backend implements the same three
// interfaces. No SQL type appears here.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/issue.h"
#include "engine/core/unit_tree.h"
#include "engine/core/workflow.h"

namespace qingling::store {

struct User {
  std::int64_t id = 0;
  std::string name;  // login name, unique
  std::string display_name;
  std::string unit;  // unit code
  std::vector<std::string> roles;
  std::string email;

  Actor actor() const { return Actor{name, unit, roles}; }
};

// A signed-in page session (the cookie's token is kept as its hash only).
struct Session {
  User user;
  std::string csrf_token;  // sent back by the page with every write
  Instant expires_at{};
};

// One row of the hash-chained log. `issue_id` is 0 for events that are not
// about a problem (a user added, a rule pack loaded).
struct LogEntry {
  std::int64_t seq = 0;
  std::int64_t issue_id = 0;
  int version = 0;
  std::string type;
  std::string actor;
  std::string at;  // RFC 3339, as stored
  std::string pack_version;
  std::string payload;  // JSON
  std::string prev_hash;
  std::string hash;
};

// The link of the chain: SHA-256 over the previous hash and every column.
std::string chain_hash(const LogEntry& entry);

// One message waiting for, or given to, the mail sender: everything that
// falls due for one recipient within one digest window (`slot`) goes out
// as one e-mail listing its items.
struct OutboxItem {
  std::int64_t issue_id = 0;  // 0 for messages not about one problem (a report)
  std::string step;           // ladder step code, or the report's kind
  std::string subject;
  std::string text;  // plain text; the sender makes the HTML part from it
  std::string html;  // optional richer part (reports)
  int late_minutes = 0;
};

struct Notification {
  std::string recipient;  // e-mail address
  std::string recipient_name;
  std::string kind;  // "escalation", "report"
  Instant slot{};    // not sent before; one digest per recipient, kind and slot
  OutboxItem item;
};

struct OutboxMessage {
  std::int64_t id = 0;
  std::string recipient;
  std::string recipient_name;
  std::string kind;
  Instant slot{};
  std::vector<OutboxItem> items;
  std::string state;  // pending, sending, sent, failed (will retry), given_up
  int attempts = 0;
  Instant next_attempt_at{};
  std::string last_error;
  Instant created_at{};
  std::optional<Instant> sent_at;
};

struct OutboxQuery {
  std::string state;  // empty: any
  int limit = 50;
  std::optional<std::int64_t> before_id;
};

struct OutboxPage {
  std::vector<OutboxMessage> items;  // newest first
  std::optional<std::int64_t> next_cursor;
};

// What happened to one delivery attempt.
struct Delivery {
  enum class Kind { Sent, Retry, GiveUp };
  Kind kind = Kind::Sent;
  std::string error;   // for Retry and GiveUp
  Instant at{};        // when it was tried
  Instant retry_at{};  // for Retry
};

// How a list of problems is ordered; ties go by id the same way.
enum class IssueOrder {
  Newest,          // by id, newest first
  Oldest,          // by id
  Deadline,        // soonest deadline first; none last
  DeadlineLatest,  // latest deadline first; none first
  Updated,         // most recently changed first
};

// Where a page ended: the last item's sort key (empty for id orders) and id.
struct IssueCursor {
  std::string key;
  std::int64_t id = 0;
};

struct IssueQuery {
  std::string jurisdiction;  // unit code of the asker: only its subtree is seen
  std::string unit;          // optional: restrict further to this unit's subtree
  std::string state;
  std::string category;
  std::string severity;
  std::string source;
  std::string responsible_unit;  // optional: exactly this responsible unit
  std::string level;             // optional: green, yellow, red
  // Optional: deadline in (due_after, due_by], deadline clock running.
  std::optional<Date> due_after;
  std::optional<Date> due_by;
  bool overdue_only = false;
  std::optional<bool> cleared;  // optional: only cleared (true) or only not cleared (false)
  Date today;                   // campaign-local date, for `overdue_only`
  std::string text;             // substring of title or description
  int limit = 50;
  IssueOrder order = IssueOrder::Newest;
  std::optional<IssueCursor> cursor;  // the page after this one (a next_cursor)
};

struct IssuePage {
  std::vector<Issue> items;  // in the query's order
  std::optional<IssueCursor> next_cursor;
};

// A read-only view on its own connection. Not thread-safe: one thread at a time.
class ReadView {
 public:
  virtual ~ReadView() = default;
  virtual std::optional<Issue> issue(std::int64_t id) = 0;
  virtual IssuePage issues(const IssueQuery& query) = 0;
  virtual std::vector<Event> events(std::int64_t issue_id) = 0;
  // The user holding this (unrevoked) API token's hash, if any.
  virtual std::optional<User> user_by_token_hash(const std::string& token_hash) = 0;
  // The user holding this calendar feed token's hash, if any.
  virtual std::optional<User> user_by_feed_token_hash(const std::string& token_hash) = 0;
  // The user named `name` and its password hash (empty: no password set).
  struct Credentials {
    User user;
    std::string password_hash;
  };
  virtual std::optional<Credentials> credentials(const std::string& name) = 0;
  // The session whose cookie token has this hash, expired or not.
  virtual std::optional<Session> session_by_hash(const std::string& token_hash) = 0;
  virtual std::vector<Unit> units() = 0;
  // Every problem's summary, and every change of the open count, for the battle map.
  virtual void scan_summaries(const std::function<void(IssueSummary&&)>& visit) = 0;
  virtual void scan_open_changes(const std::function<void(const OpenChange&)>& visit) = 0;
  // Every log entry in order, for `audit verify`; `visit` returns false to stop.
  virtual void scan_log(const std::function<bool(const LogEntry&)>& visit) = 0;
  virtual bool ready() = 0;  // the database answers a trivial query

  // The earliest next escalation of any problem (the scheduler's timer).
  virtual std::optional<Instant> earliest_escalation() = 0;
  // Problems whose next escalation falls in [from, to), for the forecast.
  virtual std::vector<Issue> escalating_between(Instant from, Instant to,
                                                const std::string& jurisdiction) = 0;
  // The whole history of every problem in `jurisdiction` (as it stands now),
  // events before `before` only, one problem at a time in id order, each
  // with where the problem is now.
  using HistoryVisitor = std::function<void(std::vector<Event>&&, const Placement& now)>;
  virtual void scan_histories(const std::string& jurisdiction, Instant before,
                              const HistoryVisitor& visit) = 0;
  // Users holding any of `roles` who have an e-mail address.
  virtual std::vector<User> users_with_roles(const std::vector<std::string>& roles) = 0;
  virtual OutboxPage outbox(const OutboxQuery& query) = 0;
  virtual std::optional<OutboxMessage> outbox_message(std::int64_t id) = 0;
};

// The write connection, used by one thread (the writer) at a time. All
// methods but begin/commit/rollback must run inside a transaction.
class WriteBackend {
 public:
  virtual ~WriteBackend() = default;
  virtual void begin() = 0;  // IMMEDIATE: takes the write lock now
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual void savepoint() = 0;
  virtual void release_savepoint() = 0;
  virtual void rollback_to_savepoint() = 0;

  virtual std::optional<Issue> load_issue(std::int64_t id) = 0;
  // The Created event of a problem (its first answer, for idempotent retries).
  virtual std::optional<Event> load_first_event(std::int64_t issue_id) = 0;
  virtual std::int64_t next_issue_id() = 0;
  // Appends `event` to the chained log and writes `after` (the projection)
  // in the same transaction. `clock` is the state's clock under the rules
  // that decided the event (kept for the overdue index); `next_escalation`
  // when its next ladder step falls due (the scheduler's index).
  virtual void append_issue_event(const Event& event, const Issue& after, DeadlineClock clock,
                                  std::optional<Instant> next_escalation,
                                  const UnitTree& units) = 0;
  // A problem's whole history at once (a bulk load): `events` appended in
  // order, then `after` written once, as append_issue_event would leave it.
  virtual void append_history(const std::vector<Event>& events, const Issue& after,
                              DeadlineClock clock, std::optional<Instant> next_escalation,
                              const UnitTree& units) = 0;
  // Bulk loading into a new database: this connection alone holds the file,
  // pages go straight into it with no journal and no wait for the disk, and
  // the page cache grows; an interrupted load leaves a file to throw away.
  // Turning it off goes back to the write-ahead log and syncs the file.
  virtual void bulk_load(bool on) = 0;

  // Escalation index: problems due by `now`, earliest first; the earliest
  // time of any; and a rewrite of one problem's time (after a pack reload).
  virtual std::vector<std::int64_t> due_for_escalation(Instant now, std::size_t limit) = 0;
  virtual std::optional<Instant> earliest_escalation() = 0;
  virtual void set_next_escalation(std::int64_t issue_id, std::optional<Instant> at) = 0;
  // The earliest escalation time written since the last call, then forgets
  // it: lets the writer wake the scheduler when a write moves the timer.
  virtual std::optional<Instant> take_earliest_written() = 0;
  // A change of the open count (with the event that made it).
  virtual void record_open_change(const OpenChange& change) = 0;
  virtual void clear_open_changes() = 0;
  // With `on`, the backend keeps what it writes for take_written (the
  // writer's listeners want it; a one-off command-line import does not).
  virtual void collect_written(bool on) = 0;
  // The problems written and open-count changes recorded since the last
  // take, less those a rollback undid: what a commit made durable.
  struct Written {
    std::vector<IssueSummary> summaries;
    std::vector<OpenChange> changes;
  };
  virtual Written take_written() = 0;
  // Every problem whose deadline clock is not stopped, for re-indexing.
  virtual void scan_open_issues(const std::function<void(const Issue&)>& visit) = 0;

  // Problems whose responsible unit lies under `unit_path` that the ladder
  // raised to one of `levels` at or after `since` (for count triggers).
  virtual std::vector<std::int64_t> raised_since(const std::string& unit_path,
                                                 const std::vector<std::string>& levels,
                                                 Instant since) = 0;

  // Small named facts about the database ("" when unset).
  virtual std::string meta(const std::string& key) = 0;
  virtual void set_meta(const std::string& key, const std::string& value) = 0;

  // Users of `unit` (for a step's role recipients).
  virtual std::vector<User> users_at(const std::string& unit) = 0;

  // The outbox. `enqueue` adds an item to the recipient's pending digest for
  // the slot, or starts one. `claim` marks up to `limit` messages due by
  // `now` whose slot is not after `horizon` as being sent; `settle` records the attempt's outcome.
  // `retry` puts a given-up message back in line (false when there is none). `release_claims`
  // returns messages left "sending" by a crash to "failed".
  virtual void enqueue(const Notification& notification, Instant now) = 0;
  virtual std::vector<OutboxMessage> claim_outbox(Instant now, Instant horizon,
                                                  std::size_t limit) = 0;
  virtual void settle(std::int64_t message_id, const Delivery& delivery) = 0;
  virtual bool retry_outbox(std::int64_t message_id, Instant now) = 0;
  virtual std::size_t release_claims(Instant now) = 0;
  virtual std::optional<Instant> next_outbox_attempt() = 0;
  // Appends an event that is not about a problem.
  virtual void append_log(const std::string& type, const std::string& actor, Instant at,
                          const std::string& pack_version, const std::string& payload) = 0;

  // Idempotency keys, per actor: the problem id a key created, and a hash of
  // the request that created it.
  struct Remembered {
    std::int64_t issue_id;
    std::string request_hash;
  };
  virtual std::optional<Remembered> recall(const std::string& actor, const std::string& key) = 0;
  virtual void remember(const std::string& actor, const std::string& key, std::int64_t issue_id,
                        const std::string& request_hash, Instant at) = 0;

  virtual std::vector<Unit> units() = 0;
  virtual void put_units(const std::vector<Unit>& units, const UnitTree& tree) = 0;
  virtual std::optional<User> user_by_name(const std::string& name) = 0;
  virtual std::int64_t insert_user(const User& user, Instant at) = 0;
  virtual void insert_token(std::int64_t user_id, const std::string& token_hash, Instant at) = 0;
  virtual std::int64_t count_issues() = 0;  // a full count: slow on a large table
  virtual bool has_issues() = 0;

  // The problem imported under `external_ref`, if any.
  virtual std::optional<std::int64_t> issue_by_external_ref(const std::string& external_ref) = 0;
  // A user's calendar feed token: setting replaces the earlier one, removing revokes it.
  virtual void set_feed_token(std::int64_t user_id, const std::string& token_hash, Instant at) = 0;
  virtual bool remove_feed_token(std::int64_t user_id) = 0;
  virtual void set_password_hash(std::int64_t user_id, const std::string& hash) = 0;
  virtual void insert_session(const std::string& token_hash, const Session& session,
                              Instant at) = 0;
  virtual bool remove_session(const std::string& token_hash) = 0;
  // Removes sessions that ended before `now` and, with `user_id`, every
  // session of that user (a new password signs everyone out).
  virtual void remove_sessions(Instant now, std::optional<std::int64_t> user_id = std::nullopt) = 0;
};

// One data folder's database. Thread-safe factory of views and backends.
class Database {
 public:
  virtual ~Database() = default;
  virtual std::unique_ptr<ReadView> open_reader() = 0;
  virtual std::unique_ptr<WriteBackend> open_writer() = 0;
};

// Opens (creating and migrating if needed) the SQLite database at `file`.
// Throws SQLite's exception type (std::runtime_error) when it cannot.
std::unique_ptr<Database> open_sqlite(const std::filesystem::path& file);

// A view of the SQLite database named by `uri` (https://sqlite.org/uri.html,
// "file:/path?immutable=1"), opened read-only, for what a path cannot say.
// Creates and migrates nothing. Throws SQLite's exception type.
std::unique_ptr<ReadView> open_sqlite_reader(const std::string& uri);

// Every problem of `jurisdiction`, oldest first, read page by page (for the
// ledger export and the calendar feed). `keep` may drop some as they come.
std::vector<Issue> issues_in(ReadView& view, const std::string& jurisdiction,
                             const std::function<bool(const Issue&)>& keep = {});

// Copies the database at `from` to `to` (which must not exist) with
// SQLite's online backup: a consistent snapshot, taken while a server may be
// writing. Throws std::runtime_error.
void backup_sqlite(const std::filesystem::path& from, const std::filesystem::path& to);

// A new random token (`prefix` + 43 URL-safe characters: "qlt_" for the
// API, "qlf_" for calendar feeds) and its hash.
// Fills the open-count changes of a database from before they were kept,
// from every problem's history under `root` (the tree's root): once, at
// the first start after the upgrade (a flag in meta says it was done), all
// of them again. Returns whether it had to.
bool fill_open_changes(WriteBackend& backend, ReadView& view, const std::string& root);

std::string new_token(std::string_view prefix = "qlt_");
std::string token_hash(const std::string& token);

}  // namespace qingling::store
