#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "engine/codec/json_codec.h"
#include "engine/store/migrations.h"
#include "engine/store/sqlite_outbox.h"
#include "engine/store/store.h"

namespace qingling::store {
namespace {

constexpr int kBusyTimeoutMs = 10000;

// Subtree bounds for a materialised path: every path below "/cc/" sorts in
// ["/cc/", "/cc0"), since '0' follows '/'.
std::string upper_bound_of(const std::string& path) {
  std::string upper = path;
  if (!upper.empty()) upper.back() = '0';
  return upper;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const std::size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Event event_from_row(SQLite::Statement& s) {
  Event e;
  e.issue_id = s.getColumn(0).getInt64();
  e.version = s.getColumn(1).getInt();
  e.type = event_type_from(s.getColumn(2).getString()).value_or(Event::Type::Action);
  e.actor = s.getColumn(3).getString();
  e.at = parse_instant(s.getColumn(4).getString()).value_or(Instant{});
  e.pack_version = s.getColumn(5).getString();
  codec::decode_payload(s.getColumn(6).getString(), e);
  return e;
}

Unit unit_from_row(SQLite::Statement& s) {
  return Unit{s.getColumn(0).getString(), s.getColumn(1).getString(), s.getColumn(2).getString(),
              s.getColumn(3).getString(), s.getColumn(4).getString()};
}

// Runs a cached "SELECT body FROM issues WHERE id = ?" and resets it at
// once: a statement left on a row keeps its read snapshot open, which makes
// a later BEGIN IMMEDIATE on the same connection fail with SQLITE_BUSY.
// Resets a cached statement when leaving scope, however it is left.
class ResetOnExit {
 public:
  explicit ResetOnExit(SQLite::Statement& s) : s_(s) {}
  ~ResetOnExit() {
    try {
      s_.reset();
    } catch (const SQLite::Exception&) {
      // reset() reports the last step's error again; it was reported then.
    }
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  SQLite::Statement& s_;
};

std::optional<Issue> first_issue(SQLite::Statement& s, std::int64_t id) {
  s.reset();
  ResetOnExit guard(s);
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return codec::decode_issue(s.getColumn(0).getString());
}

// The issues table's columns, in the order issue_row gives their values.
constexpr const char* kIssueColumns[] = {"id",
                                         "version",
                                         "state",
                                         "clock",
                                         "category",
                                         "source",
                                         "severity",
                                         "unit",
                                         "unit_path",
                                         "responsible_unit",
                                         "responsible_path",
                                         "lead_unit",
                                         "lead_path",
                                         "title",
                                         "description",
                                         "deadline",
                                         "created_at",
                                         "updated_at",
                                         "body",
                                         "level",
                                         "next_escalation_at",
                                         "external_ref",
                                         "cleared"};

// A value of the issues row: NULL, an integer or text.
using Cell = std::variant<std::monostate, std::int64_t, std::string>;

constexpr const char* kInJurisdiction =
    "((unit_path >= :jp AND unit_path < :jq)"
    " OR (responsible_path >= :jp AND responsible_path < :jq)"
    " OR (lead_path >= :jp AND lead_path < :jq))";

User user_from_row(SQLite::Statement& s) {
  return User{s.getColumn(0).getInt64(),         s.getColumn(1).getString(),
              s.getColumn(2).getString(),        s.getColumn(3).getString(),
              split(s.getColumn(4).getString()), s.getColumn(5).getString()};
}

// Problems without a deadline sort after every date (issues_deadline_order
// indexes this very expression).
constexpr std::string_view kNoDeadline = "9999-12-31";
constexpr std::string_view kDeadlineKey = "COALESCE(deadline, '9999-12-31')";

constexpr const char* kSelectUnits =
    R"(SELECT code, name, kind, parent, email FROM units ORDER BY position)";
constexpr const char* kSelectEventsOfIssue =
    R"(SELECT issue_id, version, type, actor, at, pack_version, payload
       FROM events WHERE issue_id = ? ORDER BY version)";

void configure(SQLite::Database& db) { db.setBusyTimeout(kBusyTimeoutMs); }

class SqliteReadView final : public ReadView {
 public:
  explicit SqliteReadView(const std::filesystem::path& file)
      : SqliteReadView(file.string(), SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX) {}
  // `name` is a file's path, or an SQLite URI when `flags` has OPEN_URI.
  SqliteReadView(const std::string& name, int flags)
      : db_(name, flags),
        issue_(db_, "SELECT body FROM issues WHERE id = ?"),
        events_(db_, kSelectEventsOfIssue) {
    configure(db_);
    // 8 MiB of pages (SQLite's default is 2): the indexes' upper levels and
    // a list's rows stay in the connection instead of being read again from
    // the kernel on every request.
    db_.exec("PRAGMA cache_size=-8192");
  }

  std::optional<Issue> issue(std::int64_t id) override { return first_issue(issue_, id); }

  IssuePage issues(const IssueQuery& q) override {
    // Only bound values; the text is fixed but for which conditions apply.
    std::string sql = std::string("SELECT body FROM issues WHERE ") + kInJurisdiction;
    if (!q.unit.empty()) sql += " AND unit_path >= :up AND unit_path < :uq";
    if (!q.state.empty()) sql += " AND state = :state";
    if (!q.category.empty()) sql += " AND category = :category";
    if (!q.severity.empty()) sql += " AND severity = :severity";
    if (!q.source.empty()) sql += " AND source = :source";
    if (!q.level.empty()) sql += " AND level = :level";
    if (!q.responsible_unit.empty()) sql += " AND responsible_unit = :resp";
    if (q.overdue_only) sql += " AND clock = 'running' AND deadline < :today";
    if (q.cleared) sql += *q.cleared ? " AND cleared = 1" : " AND cleared = 0";
    if (q.due_after && q.due_by) {
      sql += " AND clock = 'running' AND deadline > :due_after AND deadline <= :due_by";
    }
    if (!q.text.empty()) {
      sql += " AND (instr(title, :text) > 0 OR instr(description, :text) > 0)";
    }
    // The order's key and direction; a cursor continues after (key, id).
    // Overdue problems all have a deadline: ordered by the column itself, the
    // overdue index (clock, deadline) hands them over in order, and a page
    // reads as many rows as it lists instead of sorting every overdue one.
    const std::string_view deadline_key = q.overdue_only ? "deadline" : kDeadlineKey;
    const auto [key, descending] = [&]() -> std::pair<std::string_view, bool> {
      switch (q.order) {
        case IssueOrder::Oldest:
          return {"", false};
        case IssueOrder::Deadline:
          return {deadline_key, false};
        case IssueOrder::DeadlineLatest:
          return {deadline_key, true};
        case IssueOrder::Updated:
          return {"updated_at", true};
        case IssueOrder::Newest:
          break;
      }
      return {"", true};
    }();
    const std::string_view after = descending ? " < " : " > ";
    const std::string_view direction = descending ? " DESC" : "";
    if (q.cursor) {
      sql += key.empty() ? std::string(" AND id") + std::string(after) + ":after_id"
                         : " AND (" + std::string(key) + ", id)" + std::string(after) +
                               "(:after_key, :after_id)";
    }
    sql += " ORDER BY ";
    if (!key.empty()) sql += std::string(key) + std::string(direction) + ", ";
    sql += "id" + std::string(direction) + " LIMIT :limit";
    SQLite::Statement s(db_, sql);
    const std::string jpath = path_of(q.jurisdiction);
    s.bind(":jp", jpath);
    s.bind(":jq", upper_bound_of(jpath));
    if (!q.unit.empty()) {
      const std::string upath = path_of(q.unit);
      s.bind(":up", upath);
      s.bind(":uq", upper_bound_of(upath));
    }
    if (!q.state.empty()) s.bind(":state", q.state);
    if (!q.category.empty()) s.bind(":category", q.category);
    if (!q.severity.empty()) s.bind(":severity", q.severity);
    if (!q.source.empty()) s.bind(":source", q.source);
    if (!q.level.empty()) s.bind(":level", q.level);
    if (!q.responsible_unit.empty()) s.bind(":resp", q.responsible_unit);
    if (q.overdue_only) s.bind(":today", format_date(q.today));
    if (q.due_after && q.due_by) {
      s.bind(":due_after", format_date(*q.due_after));
      s.bind(":due_by", format_date(*q.due_by));
    }
    if (!q.text.empty()) s.bind(":text", q.text);
    if (q.cursor) {
      s.bind(":after_id", q.cursor->id);
      if (!key.empty()) s.bind(":after_key", q.cursor->key);
    }
    s.bind(":limit", q.limit + 1);
    IssuePage page;
    while (s.executeStep()) page.items.push_back(codec::decode_issue(s.getColumn(0).getString()));
    if (page.items.size() > static_cast<std::size_t>(q.limit)) {
      page.items.pop_back();
      const Issue& last = page.items.back();
      std::string last_key;
      if (q.order == IssueOrder::Deadline || q.order == IssueOrder::DeadlineLatest) {
        last_key = last.deadline ? format_date(last.deadline->date) : std::string(kNoDeadline);
      } else if (q.order == IssueOrder::Updated) {
        last_key = format_instant(last.updated_at);
      }
      page.next_cursor = IssueCursor{std::move(last_key), last.id};
    }
    return page;
  }

  std::vector<Event> events(std::int64_t issue_id) override {
    events_.reset();
    ResetOnExit guard(events_);
    events_.bind(1, issue_id);
    std::vector<Event> out;
    while (events_.executeStep()) out.push_back(event_from_row(events_));
    return out;
  }

  std::optional<User> user_by_token_hash(const std::string& hash) override {
    SQLite::Statement s(db_,
                        R"(SELECT u.id, u.name, u.display_name, u.unit, u.roles, u.email
                           FROM tokens t JOIN users u ON u.id = t.user_id
                           WHERE t.token_hash = ? AND t.revoked_at IS NULL)");
    s.bind(1, hash);
    if (!s.executeStep()) return std::nullopt;
    return user_from_row(s);
  }

  std::optional<User> user_by_feed_token_hash(const std::string& hash) override {
    SQLite::Statement s(db_,
                        R"(SELECT u.id, u.name, u.display_name, u.unit, u.roles, u.email
                           FROM feed_tokens f JOIN users u ON u.id = f.user_id
                           WHERE f.token_hash = ?)");
    s.bind(1, hash);
    if (!s.executeStep()) return std::nullopt;
    return user_from_row(s);
  }

  std::optional<Credentials> credentials(const std::string& name) override {
    SQLite::Statement s(db_,
                        R"(SELECT id, name, display_name, unit, roles, email,
                                  COALESCE(password_hash, '')
                           FROM users WHERE name = ?)");
    s.bind(1, name);
    if (!s.executeStep()) return std::nullopt;
    return Credentials{user_from_row(s), s.getColumn(6).getString()};
  }

  std::optional<Session> session_by_hash(const std::string& hash) override {
    SQLite::Statement s(db_,
                        R"(SELECT u.id, u.name, u.display_name, u.unit, u.roles, u.email,
                                  s.csrf_token, s.expires_at
                           FROM sessions s JOIN users u ON u.id = s.user_id
                           WHERE s.token_hash = ?)");
    s.bind(1, hash);
    if (!s.executeStep()) return std::nullopt;
    return Session{user_from_row(s), s.getColumn(6).getString(),
                   sqlite::from_millis(s.getColumn(7).getInt64())};
  }

  void scan_summaries(const std::function<void(IssueSummary&&)>& visit) override {
    SQLite::Statement s(db_,
                        R"(SELECT id, unit, responsible_unit, lead_unit, category, state, deadline,
                                  level, cleared
                           FROM issues)");
    while (s.executeStep()) {
      IssueSummary row;
      row.id = s.getColumn(0).getInt64();
      row.unit = s.getColumn(1).getString();
      row.responsible_unit = s.getColumn(2).getString();
      row.lead_unit = s.getColumn(3).getString();
      row.category = s.getColumn(4).getString();
      row.state = s.getColumn(5).getString();
      if (!s.getColumn(6).isNull()) row.deadline = parse_date(s.getColumn(6).getString());
      row.level = level_from(s.getColumn(7).getString()).value_or(Level::Green);
      row.cleared = s.getColumn(8).getInt() != 0;
      visit(std::move(row));
    }
  }

  void scan_open_changes(const std::function<void(const OpenChange&)>& visit) override {
    SQLite::Statement s(db_, "SELECT issue_id, day, delta FROM open_changes");
    while (s.executeStep()) {
      auto day = parse_date(s.getColumn(1).getString());
      if (!day) continue;
      visit(OpenChange{s.getColumn(0).getInt64(), *day, s.getColumn(2).getInt()});
    }
  }

  std::vector<Unit> units() override {
    SQLite::Statement s(db_, kSelectUnits);
    std::vector<Unit> out;
    while (s.executeStep()) out.push_back(unit_from_row(s));
    return out;
  }

  void scan_log(const std::function<bool(const LogEntry&)>& visit) override {
    SQLite::Statement s(db_,
                        R"(SELECT seq, COALESCE(issue_id, 0), COALESCE(version, 0), type, actor, at,
                                  pack_version, payload, prev_hash, hash
                           FROM events ORDER BY seq)");
    while (s.executeStep()) {
      LogEntry e{s.getColumn(0).getInt64(),  s.getColumn(1).getInt64(),  s.getColumn(2).getInt(),
                 s.getColumn(3).getString(), s.getColumn(4).getString(), s.getColumn(5).getString(),
                 s.getColumn(6).getString(), s.getColumn(7).getString(), s.getColumn(8).getString(),
                 s.getColumn(9).getString()};
      if (!visit(e)) return;
    }
  }

  bool ready() override {
    SQLite::Statement s(db_, "SELECT 1");
    return s.executeStep();
  }

  std::optional<Instant> earliest_escalation() override { return sqlite::earliest_escalation(db_); }

  std::vector<Issue> escalating_between(Instant from, Instant to,
                                        const std::string& jurisdiction) override {
    (void)from;  // overdue firings happen at the next wake-up: inside the window too
    SQLite::Statement s(db_, std::string("SELECT body FROM issues WHERE ") + kInJurisdiction +
                                 " AND next_escalation_at IS NOT NULL AND next_escalation_at < :to"
                                 " ORDER BY next_escalation_at");
    const std::string jpath = path_of(jurisdiction);
    s.bind(":jp", jpath);
    s.bind(":jq", upper_bound_of(jpath));
    s.bind(":to", sqlite::to_millis(to));
    std::vector<Issue> out;
    while (s.executeStep()) out.push_back(codec::decode_issue(s.getColumn(0).getString()));
    return out;
  }

  void scan_histories(const std::string& jurisdiction, Instant before,
                      const HistoryVisitor& visit) override {
    SQLite::Statement s(db_, std::string(R"(SELECT e.issue_id, e.version, e.type, e.actor, e.at,
                                                   e.pack_version, e.payload, issues.unit,
                                                   issues.responsible_unit, issues.lead_unit
                                            FROM events e JOIN issues ON issues.id = e.issue_id
                                            WHERE )") +
                                 kInJurisdiction +
                                 " AND e.at < :before ORDER BY e.issue_id, e.version");
    const std::string jpath = path_of(jurisdiction);
    s.bind(":jp", jpath);
    s.bind(":jq", upper_bound_of(jpath));
    s.bind(":before", format_instant(before));
    std::vector<Event> history;
    Placement now;
    while (s.executeStep()) {
      Event e = event_from_row(s);
      if (!history.empty() && history.back().issue_id != e.issue_id) {
        visit(std::move(history), now);
        history.clear();
      }
      if (history.empty()) {
        now.unit = s.getColumn(7).getString();
        now.responsible_unit = s.getColumn(8).getString();
        now.lead_unit = s.getColumn(9).getString();
      }
      history.push_back(std::move(e));
    }
    if (!history.empty()) visit(std::move(history), now);
  }

  std::vector<User> users_with_roles(const std::vector<std::string>& roles) override {
    SQLite::Statement s(db_,
                        "SELECT id, name, display_name, unit, roles, email FROM users "
                        "WHERE email != '' ORDER BY id");
    std::vector<User> out;
    while (s.executeStep()) {
      User u = user_from_row(s);
      const bool holds = std::any_of(roles.begin(), roles.end(), [&](const std::string& r) {
        return std::find(u.roles.begin(), u.roles.end(), r) != u.roles.end();
      });
      if (holds) out.push_back(std::move(u));
    }
    return out;
  }

  OutboxPage outbox(const OutboxQuery& query) override { return sqlite::outbox_page(db_, query); }
  std::optional<OutboxMessage> outbox_message(std::int64_t id) override {
    return sqlite::outbox_message(db_, id);
  }

 private:
  std::string path_of(const std::string& code) {
    SQLite::Statement s(db_, "SELECT path FROM units WHERE code = ?");
    s.bind(1, code);
    // An unknown unit has an empty subtree: a path no unit can have.
    return s.executeStep() ? s.getColumn(0).getString() : std::string("//");
  }

  SQLite::Database db_;
  SQLite::Statement issue_;
  SQLite::Statement events_;
};

// Writes what the kernel holds of `file` to the disk.
void sync_file(const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw std::system_error(error, std::generic_category(), "cannot sync " + file);
  }
  ::close(fd);
}

class SqliteWriteBackend final : public WriteBackend {
 public:
  explicit SqliteWriteBackend(const std::filesystem::path& file)
      : db_(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    configure(db_);
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("PRAGMA foreign_keys=ON");
    migrate(db_);
    load_issue_ = std::make_unique<SQLite::Statement>(db_, "SELECT body FROM issues WHERE id = ?");
    last_link_ = std::make_unique<SQLite::Statement>(
        db_, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
    insert_event_ = std::make_unique<SQLite::Statement>(
        db_, R"(INSERT INTO events (seq, issue_id, version, type, actor, at, pack_version, payload,
                                    prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?))");
    std::string columns;
    std::string marks;
    for (const char* c : kIssueColumns) {
      columns += std::string(columns.empty() ? "" : ", ") + c;
      marks += marks.empty() ? "?" : ", ?";
    }
    insert_issue_ = std::make_unique<SQLite::Statement>(
        db_, "INSERT INTO issues (" + columns + ") VALUES (" + marks + ")");
    stored_issue_ =
        std::make_unique<SQLite::Statement>(db_, "SELECT " + columns + " FROM issues WHERE id = ?");
    insert_open_change_ = std::make_unique<SQLite::Statement>(
        db_, "INSERT INTO open_changes (issue_id, day, delta) VALUES (?, ?, ?)");
  }

  void begin() override { db_.exec("BEGIN IMMEDIATE"); }
  void commit() override { db_.exec("COMMIT"); }
  void rollback() override {
    written_ = {};
    marks_.clear();
    if (!db_.getHandle() || sqlite3_get_autocommit(db_.getHandle()) != 0) return;
    db_.exec("ROLLBACK");
  }
  void savepoint() override {
    db_.exec("SAVEPOINT command");
    marks_.push_back({written_.summaries.size(), written_.changes.size()});
  }
  void release_savepoint() override {
    db_.exec("RELEASE SAVEPOINT command");
    if (!marks_.empty()) marks_.pop_back();
  }
  void rollback_to_savepoint() override {
    db_.exec("ROLLBACK TO SAVEPOINT command");
    if (!marks_.empty()) {
      written_.summaries.resize(marks_.back().first);
      written_.changes.resize(marks_.back().second);
    }
  }

  std::optional<Issue> load_issue(std::int64_t id) override {
    return first_issue(*load_issue_, id);
  }

  std::optional<Event> load_first_event(std::int64_t issue_id) override {
    SQLite::Statement s(db_, R"(SELECT issue_id, version, type, actor, at, pack_version, payload
                                FROM events WHERE issue_id = ? AND version = 1)");
    s.bind(1, issue_id);
    if (!s.executeStep()) return std::nullopt;
    return event_from_row(s);
  }

  std::int64_t next_issue_id() override {
    SQLite::Statement s(db_, "SELECT COALESCE(MAX(id), 0) + 1 FROM issues");
    s.executeStep();
    return s.getColumn(0).getInt64();
  }

  void append_issue_event(const Event& event, const Issue& after, DeadlineClock clock,
                          std::optional<Instant> next_escalation, const UnitTree& units) override {
    append(event);
    write_issue(after, clock, next_escalation, units);
  }

  void append_history(const std::vector<Event>& events, const Issue& after, DeadlineClock clock,
                      std::optional<Instant> next_escalation, const UnitTree& units) override {
    for (const Event& event : events) append(event);
    write_issue(after, clock, next_escalation, units);
  }

  void bulk_load(bool on) override {
    if (on) {
      // Pages go straight into the database file, once: no log to write
      // and copy again. Only this connection may use the file meanwhile.
      db_.exec("PRAGMA locking_mode=EXCLUSIVE");
      db_.exec("PRAGMA journal_mode=OFF");
      db_.exec("PRAGMA synchronous=OFF");
      db_.exec("PRAGMA cache_size=-1048576");  // 1 GiB
    } else {
      db_.exec("PRAGMA cache_size=-2000");
      db_.exec("PRAGMA synchronous=FULL");
      db_.exec("PRAGMA journal_mode=WAL");
      db_.exec("PRAGMA locking_mode=NORMAL");
      sync_file(db_.getFilename());
    }
  }

 private:
  void append(const Event& event) {
    append(event.issue_id, event.version, std::string(to_string(event.type)), event.actor, event.at,
           event.pack_version, codec::encode_payload(event));
  }

  // The issues row of `after`, a value for each of kIssueColumns in order.
  static std::vector<Cell> issue_row(const Issue& after, DeadlineClock clock,
                                     std::optional<Instant> next_escalation,
                                     const UnitTree& units) {
    const auto text_or_null = [](const std::string& text) -> Cell {
      if (text.empty()) return std::monostate{};
      return text;
    };
    return {after.id,
            std::int64_t{after.version},
            after.state,
            std::string(codec::to_string(clock)),
            after.category,
            after.source,
            after.severity,
            after.unit,
            units.path(after.unit),
            after.responsible_unit,
            units.path(after.responsible_unit),
            after.lead_unit,
            units.path(after.lead_unit),
            after.title,
            after.description,
            after.deadline ? Cell{format_date(after.deadline->date)} : Cell{std::monostate{}},
            format_instant(after.created_at),
            format_instant(after.updated_at),
            codec::encode_issue(after),
            std::string(to_string(after.level)),
            next_escalation ? Cell{sqlite::to_millis(*next_escalation)} : Cell{std::monostate{}},
            text_or_null(after.external_ref),
            std::int64_t{after.cleared_at ? 1 : 0}};
  }

  static void bind_cell(SQLite::Statement& s, int index, const Cell& cell) {
    std::visit(
        [&](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) {
            s.bind(index);
          } else {
            s.bind(index, v);
          }
        },
        cell);
  }

  static bool same(const SQLite::Column& stored, const Cell& cell) {
    if (std::holds_alternative<std::monostate>(cell)) return stored.isNull();
    if (const auto* n = std::get_if<std::int64_t>(&cell)) {
      return stored.isInteger() && stored.getInt64() == *n;
    }
    const std::string& text = std::get<std::string>(cell);
    return stored.isText() &&
           std::string_view(stored.getText(), static_cast<std::size_t>(stored.getBytes())) == text;
  }

  // A new problem is inserted; a known one has only the columns that
  // changed set, so that SQLite rewrites only the indexes over them: a
  // progress report touches the row and the index by update time, where a
  // replaced row was deleted from and inserted into every index (nine).
  void write_issue(const Issue& after, DeadlineClock clock, std::optional<Instant> next_escalation,
                   const UnitTree& units) {
    note_written(next_escalation);
    const std::vector<Cell> row = issue_row(after, clock, next_escalation, units);
    SQLite::Statement& stored = *stored_issue_;
    stored.reset();
    stored.bind(1, after.id);
    if (!stored.executeStep()) {
      SQLite::Statement& s = *insert_issue_;
      s.reset();
      s.clearBindings();
      for (std::size_t i = 0; i < row.size(); ++i) bind_cell(s, static_cast<int>(i) + 1, row[i]);
      s.exec();
    } else {
      std::string set;
      std::vector<std::size_t> changed;
      for (std::size_t i = 1; i < row.size(); ++i) {  // not the id
        if (same(stored.getColumn(static_cast<int>(i)), row[i])) continue;
        set += std::string(set.empty() ? "" : ", ") + kIssueColumns[i] + " = ?";
        changed.push_back(i);
      }
      stored.reset();
      if (!changed.empty()) {
        std::unique_ptr<SQLite::Statement>& update = update_issue_[set];
        if (!update) {
          update = std::make_unique<SQLite::Statement>(
              db_, "UPDATE issues SET " + set + " WHERE id = ?");
        }
        update->reset();
        update->clearBindings();
        int index = 1;
        for (std::size_t i : changed) bind_cell(*update, index++, row[i]);
        update->bind(index, after.id);
        update->exec();
      }
    }
    if (collecting_) written_.summaries.push_back(summary_of(after));
  }

 public:
  void record_open_change(const OpenChange& change) override {
    SQLite::Statement& s = *insert_open_change_;
    s.reset();
    s.bind(1, change.issue_id);
    s.bind(2, format_date(change.day));
    s.bind(3, change.delta);
    s.exec();
    if (collecting_) written_.changes.push_back(change);
  }

  void clear_open_changes() override { db_.exec("DELETE FROM open_changes"); }

  void collect_written(bool on) override { collecting_ = on; }

  Written take_written() override {
    marks_.clear();
    return std::exchange(written_, {});
  }

  std::optional<std::int64_t> issue_by_external_ref(const std::string& external_ref) override {
    SQLite::Statement s(db_, "SELECT id FROM issues WHERE external_ref = ?");
    s.bind(1, external_ref);
    if (!s.executeStep()) return std::nullopt;
    return s.getColumn(0).getInt64();
  }

  void set_feed_token(std::int64_t user_id, const std::string& token_hash, Instant at) override {
    SQLite::Statement s(
        db_,
        "INSERT OR REPLACE INTO feed_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)");
    s.bind(1, user_id);
    s.bind(2, token_hash);
    s.bind(3, format_instant(at));
    s.exec();
  }

  bool remove_feed_token(std::int64_t user_id) override {
    SQLite::Statement s(db_, "DELETE FROM feed_tokens WHERE user_id = ?");
    s.bind(1, user_id);
    return s.exec() > 0;
  }

  void set_password_hash(std::int64_t user_id, const std::string& hash) override {
    SQLite::Statement s(db_, "UPDATE users SET password_hash = ? WHERE id = ?");
    s.bind(1, hash);
    s.bind(2, user_id);
    s.exec();
  }

  void insert_session(const std::string& token_hash, const Session& session, Instant at) override {
    SQLite::Statement s(db_,
                        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, "
                        "expires_at) VALUES (?, ?, ?, ?, ?)");
    s.bind(1, token_hash);
    s.bind(2, session.user.id);
    s.bind(3, session.csrf_token);
    s.bind(4, format_instant(at));
    s.bind(5, sqlite::to_millis(session.expires_at));
    s.exec();
  }

  bool remove_session(const std::string& token_hash) override {
    SQLite::Statement s(db_, "DELETE FROM sessions WHERE token_hash = ?");
    s.bind(1, token_hash);
    return s.exec() > 0;
  }

  void remove_sessions(Instant now, std::optional<std::int64_t> user_id) override {
    SQLite::Statement s(db_, "DELETE FROM sessions WHERE expires_at < ? OR user_id = ?");
    s.bind(1, sqlite::to_millis(now));
    if (user_id) {
      s.bind(2, *user_id);
    } else {
      s.bind(2);  // NULL matches no user
    }
    s.exec();
  }

  std::vector<std::int64_t> due_for_escalation(Instant now, std::size_t limit) override {
    SQLite::Statement s(db_,
                        "SELECT id FROM issues WHERE next_escalation_at <= ? "
                        "ORDER BY next_escalation_at LIMIT ?");
    s.bind(1, sqlite::to_millis(now));
    s.bind(2, static_cast<std::int64_t>(limit));
    std::vector<std::int64_t> out;
    while (s.executeStep()) out.push_back(s.getColumn(0).getInt64());
    return out;
  }

  std::optional<Instant> earliest_escalation() override { return sqlite::earliest_escalation(db_); }

  void set_next_escalation(std::int64_t issue_id, std::optional<Instant> at) override {
    note_written(at);
    SQLite::Statement s(db_, "UPDATE issues SET next_escalation_at = ? WHERE id = ?");
    if (at) s.bind(1, sqlite::to_millis(*at));
    s.bind(2, issue_id);
    s.exec();
  }

  void scan_open_issues(const std::function<void(const Issue&)>& visit) override {
    SQLite::Statement s(db_, "SELECT body FROM issues WHERE clock != 'stopped'");
    while (s.executeStep()) visit(codec::decode_issue(s.getColumn(0).getString()));
  }

  std::vector<std::int64_t> raised_since(const std::string& unit_path,
                                         const std::vector<std::string>& levels,
                                         Instant since) override {
    std::string in;
    for (std::size_t i = 0; i < levels.size(); ++i) in += (i == 0 ? "?" : ", ?");
    SQLite::Statement s(db_, R"(SELECT DISTINCT e.issue_id FROM events e
                                JOIN issues i ON i.id = e.issue_id
                                WHERE e.type = 'escalation' AND e.at >= ?
                                  AND i.responsible_path >= ? AND i.responsible_path < ?
                                  AND json_extract(e.payload, '$.fields.level') IN ()" +
                                 in + ") ORDER BY e.issue_id");
    int n = 1;
    s.bind(n++, format_instant(since));
    s.bind(n++, unit_path);
    s.bind(n++, upper_bound_of(unit_path));
    for (const std::string& level : levels) s.bind(n++, level);
    std::vector<std::int64_t> out;
    while (s.executeStep()) out.push_back(s.getColumn(0).getInt64());
    return out;
  }

  std::string meta(const std::string& key) override {
    SQLite::Statement s(db_, "SELECT value FROM meta WHERE key = ?");
    s.bind(1, key);
    return s.executeStep() ? s.getColumn(0).getString() : std::string{};
  }

  void set_meta(const std::string& key, const std::string& value) override {
    SQLite::Statement s(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    s.bind(1, key);
    s.bind(2, value);
    s.exec();
  }

  std::vector<User> users_at(const std::string& unit) override {
    SQLite::Statement s(
        db_,
        "SELECT id, name, display_name, unit, roles, email FROM users WHERE unit = ? "
        "ORDER BY id");
    s.bind(1, unit);
    std::vector<User> out;
    while (s.executeStep()) out.push_back(user_from_row(s));
    return out;
  }

  void enqueue(const Notification& notification, Instant now) override {
    sqlite::enqueue(db_, notification, now);
  }
  std::vector<OutboxMessage> claim_outbox(Instant now, Instant horizon,
                                          std::size_t limit) override {
    return sqlite::claim_outbox(db_, now, horizon, limit);
  }
  void settle(std::int64_t message_id, const Delivery& delivery) override {
    sqlite::settle(db_, message_id, delivery);
  }
  bool retry_outbox(std::int64_t message_id, Instant now) override {
    return sqlite::retry_outbox(db_, message_id, now);
  }
  std::size_t release_claims(Instant now) override { return sqlite::release_claims(db_, now); }
  std::optional<Instant> next_outbox_attempt() override { return sqlite::next_outbox_attempt(db_); }

  void append_log(const std::string& type, const std::string& actor, Instant at,
                  const std::string& pack_version, const std::string& payload) override {
    append(0, 0, type, actor, at, pack_version, payload);
  }

  std::optional<Remembered> recall(const std::string& actor, const std::string& key) override {
    SQLite::Statement s(
        db_, "SELECT issue_id, request_hash FROM idempotency WHERE actor = ? AND key = ?");
    s.bind(1, actor);
    s.bind(2, key);
    if (!s.executeStep()) return std::nullopt;
    return Remembered{s.getColumn(0).getInt64(), s.getColumn(1).getString()};
  }

  void remember(const std::string& actor, const std::string& key, std::int64_t issue_id,
                const std::string& request_hash, Instant at) override {
    SQLite::Statement s(db_,
                        R"(INSERT INTO idempotency (actor, key, issue_id, request_hash, created_at)
                                VALUES (?, ?, ?, ?, ?))");
    s.bind(1, actor);
    s.bind(2, key);
    s.bind(3, issue_id);
    s.bind(4, request_hash);
    s.bind(5, format_instant(at));
    s.exec();
  }

  std::vector<Unit> units() override {
    SQLite::Statement s(db_, kSelectUnits);
    std::vector<Unit> out;
    while (s.executeStep()) out.push_back(unit_from_row(s));
    return out;
  }

  void put_units(const std::vector<Unit>& units, const UnitTree& tree) override {
    SQLite::Statement s(
        db_, R"(INSERT OR REPLACE INTO units (code, name, kind, parent, email, path, position)
                                VALUES (?, ?, ?, ?, ?, ?, ?))");
    std::int64_t position = 0;
    for (const Unit& u : units) {
      s.reset();
      s.bind(1, u.code);
      s.bind(2, u.name);
      s.bind(3, u.kind);
      s.bind(4, u.parent);
      s.bind(5, u.email);
      s.bind(6, tree.path(u.code));
      s.bind(7, position++);
      s.exec();
    }
  }

  std::optional<User> user_by_name(const std::string& name) override {
    SQLite::Statement s(
        db_, "SELECT id, name, display_name, unit, roles, email FROM users WHERE name = ?");
    s.bind(1, name);
    if (!s.executeStep()) return std::nullopt;
    return user_from_row(s);
  }

  std::int64_t insert_user(const User& user, Instant at) override {
    SQLite::Statement s(db_,
                        R"(INSERT INTO users (name, display_name, unit, roles, email, created_at)
                                VALUES (?, ?, ?, ?, ?, ?))");
    s.bind(1, user.name);
    s.bind(2, user.display_name);
    s.bind(3, user.unit);
    s.bind(4, join(user.roles));
    s.bind(5, user.email);
    s.bind(6, format_instant(at));
    s.exec();
    return db_.getLastInsertRowid();
  }

  void insert_token(std::int64_t user_id, const std::string& hash, Instant at) override {
    SQLite::Statement s(db_,
                        "INSERT INTO tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)");
    s.bind(1, hash);
    s.bind(2, user_id);
    s.bind(3, format_instant(at));
    s.exec();
  }

  std::int64_t count_issues() override {
    return db_.execAndGet("SELECT COUNT(*) FROM issues").getInt64();
  }

  bool has_issues() override {
    return db_.execAndGet("SELECT EXISTS (SELECT 1 FROM issues)").getInt() != 0;
  }

  std::optional<Instant> take_earliest_written() override {
    return std::exchange(earliest_written_, std::nullopt);
  }

 private:
  void note_written(std::optional<Instant> at) {
    if (at && (!earliest_written_ || *at < *earliest_written_)) earliest_written_ = at;
  }

  void append(std::int64_t issue_id, int version, const std::string& type, const std::string& actor,
              Instant at, const std::string& pack_version, const std::string& payload) {
    LogEntry entry;
    last_link_->reset();
    if (last_link_->executeStep()) {
      entry.seq = last_link_->getColumn(0).getInt64() + 1;
      entry.prev_hash = last_link_->getColumn(1).getString();
    } else {
      entry.seq = 1;
      entry.prev_hash = std::string(64, '0');
    }
    last_link_->reset();
    entry.issue_id = issue_id;
    entry.version = version;
    entry.type = type;
    entry.actor = actor;
    entry.at = format_instant(at);
    entry.pack_version = pack_version;
    entry.payload = payload;
    entry.hash = chain_hash(entry);

    SQLite::Statement& s = *insert_event_;
    s.reset();
    s.clearBindings();
    s.bind(1, entry.seq);
    if (issue_id != 0) {
      s.bind(2, issue_id);
      s.bind(3, version);
    }
    s.bind(4, entry.type);
    s.bind(5, entry.actor);
    s.bind(6, entry.at);
    s.bind(7, entry.pack_version);
    s.bind(8, entry.payload);
    s.bind(9, entry.prev_hash);
    s.bind(10, entry.hash);
    s.exec();
  }

  SQLite::Database db_;
  std::unique_ptr<SQLite::Statement> load_issue_;
  std::unique_ptr<SQLite::Statement> last_link_;
  std::unique_ptr<SQLite::Statement> insert_event_;
  std::unique_ptr<SQLite::Statement> insert_issue_;
  std::unique_ptr<SQLite::Statement> stored_issue_;
  // UPDATE statements by the columns they set.
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> update_issue_;
  std::unique_ptr<SQLite::Statement> insert_open_change_;
  std::optional<Instant> earliest_written_;
  bool collecting_ = false;
  Written written_;
  std::vector<std::pair<std::size_t, std::size_t>> marks_;  // sizes of written_ at each savepoint
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(std::filesystem::path file) : file_(std::move(file)) {
    // Creates the file, switches it to WAL and migrates it before any reader opens it.
    SqliteWriteBackend init(file_);
  }
  std::unique_ptr<ReadView> open_reader() override {
    return std::make_unique<SqliteReadView>(file_);
  }
  std::unique_ptr<WriteBackend> open_writer() override {
    return std::make_unique<SqliteWriteBackend>(file_);
  }

 private:
  std::filesystem::path file_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::filesystem::path& file) {
  return std::make_unique<SqliteDatabase>(file);
}

std::unique_ptr<ReadView> open_sqlite_reader(const std::string& uri) {
  return std::make_unique<SqliteReadView>(
      uri, SQLite::OPEN_READONLY | SQLite::OPEN_URI | SQLite::OPEN_NOMUTEX);
}

void backup_sqlite(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (std::filesystem::exists(to)) throw std::runtime_error(to.string() + " exists already");
  SQLite::Database source(from.string(), SQLite::OPEN_READONLY);
  configure(source);
  SQLite::Database target(to.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  SQLite::Backup backup(target, source);
  // All pages in one step, a consistent snapshot; a writer holding its lock
  // makes the step answer busy, so wait and step again (bounded).
  for (int attempt = 0;; ++attempt) {
    const int rc = backup.executeStep();
    if (rc == SQLITE_DONE) break;
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt == 600) {
      throw std::runtime_error("backup did not finish: " + std::string(sqlite3_errstr(rc)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  target.exec("PRAGMA journal_mode=WAL");
}

}  // namespace qingling::store
