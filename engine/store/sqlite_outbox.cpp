#include "engine/store/sqlite_outbox.h"

#include <boost/json.hpp>

namespace qingling::store::sqlite {
namespace {

namespace json = boost::json;

constexpr const char* kColumns =
    "id, recipient, recipient_name, kind, slot, state, attempts, next_attempt_at, last_error, "
    "created_at, sent_at";

std::string encode_item(const OutboxItem& item) {
  json::object o{{"issue_id", item.issue_id},
                 {"step", item.step},
                 {"subject", item.subject},
                 {"text", item.text},
                 {"late_minutes", item.late_minutes}};
  if (!item.html.empty()) o["html"] = item.html;
  return json::serialize(o);
}

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

OutboxItem decode_item(const std::string& text) {
  const json::value parsed = json::parse(text);
  const json::object& o = parsed.as_object();
  {
    OutboxItem item;
    item.issue_id = o.at("issue_id").to_number<std::int64_t>();
    item.step = string_at(o, "step");
    item.subject = string_at(o, "subject");
    item.text = string_at(o, "text");
    item.html = string_at(o, "html");
    item.late_minutes = o.at("late_minutes").to_number<int>();
    return item;
  }
}

std::vector<OutboxItem> items_of(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement s(db, "SELECT item FROM outbox_items WHERE outbox_id = ? ORDER BY rowid");
  s.bind(1, id);
  std::vector<OutboxItem> out;
  while (s.executeStep()) out.push_back(decode_item(s.getColumn(0).getString()));
  return out;
}

// A message without its items (see with_items).
OutboxMessage message_from_row(SQLite::Statement& s) {
  OutboxMessage m;
  m.id = s.getColumn(0).getInt64();
  m.recipient = s.getColumn(1).getString();
  m.recipient_name = s.getColumn(2).getString();
  m.kind = s.getColumn(3).getString();
  m.slot = from_millis(s.getColumn(4).getInt64());
  m.state = s.getColumn(5).getString();
  m.attempts = s.getColumn(6).getInt();
  m.next_attempt_at = from_millis(s.getColumn(7).getInt64());
  m.last_error = s.getColumn(8).getString();
  m.created_at = from_millis(s.getColumn(9).getInt64());
  if (!s.getColumn(10).isNull()) m.sent_at = from_millis(s.getColumn(10).getInt64());
  return m;
}

std::vector<OutboxMessage> with_items(SQLite::Database& db, std::vector<OutboxMessage> messages) {
  for (OutboxMessage& m : messages) m.items = items_of(db, m.id);
  return messages;
}

std::optional<Instant> first_time(SQLite::Database& db, const char* sql) {
  SQLite::Statement s(db, sql);
  if (!s.executeStep() || s.getColumn(0).isNull()) return std::nullopt;
  return from_millis(s.getColumn(0).getInt64());
}

}  // namespace

std::int64_t to_millis(Instant at) { return at.time_since_epoch().count(); }
Instant from_millis(std::int64_t ms) { return Instant{std::chrono::milliseconds{ms}}; }

std::optional<Instant> earliest_escalation(SQLite::Database& db) {
  // The condition lets SQLite answer from the partial index, not a table scan.
  return first_time(db,
                    "SELECT MIN(next_escalation_at) FROM issues "
                    "WHERE next_escalation_at IS NOT NULL");
}

void enqueue(SQLite::Database& db, const Notification& n, Instant now) {
  SQLite::Statement find(
      db,
      "SELECT id FROM outbox WHERE recipient = ? AND kind = ? AND slot = ? AND state = 'pending'");
  find.bind(1, n.recipient);
  find.bind(2, n.kind);
  find.bind(3, to_millis(n.slot));
  std::int64_t id = 0;
  if (find.executeStep()) {
    id = find.getColumn(0).getInt64();
  } else {
    SQLite::Statement insert(
        db, R"(INSERT INTO outbox (recipient, recipient_name, kind, slot, next_attempt_at,
                                   created_at)
               VALUES (?, ?, ?, ?, ?, ?))");
    insert.bind(1, n.recipient);
    insert.bind(2, n.recipient_name);
    insert.bind(3, n.kind);
    insert.bind(4, to_millis(n.slot));
    insert.bind(5, to_millis(n.slot));
    insert.bind(6, to_millis(now));
    insert.exec();
    id = db.getLastInsertRowid();
  }
  // One row per item: adding to a digest of 200 costs what adding to one does.
  SQLite::Statement add(db, "INSERT INTO outbox_items (outbox_id, item) VALUES (?, ?)");
  add.bind(1, id);
  add.bind(2, encode_item(n.item));
  add.exec();
}

std::vector<OutboxMessage> claim_outbox(SQLite::Database& db, Instant now, Instant horizon,
                                        std::size_t limit) {
  SQLite::Statement s(db, std::string("SELECT ") + kColumns +
                              " FROM outbox WHERE state IN ('pending', 'failed')"
                              " AND next_attempt_at <= ? AND slot <= ?"
                              " ORDER BY next_attempt_at, id LIMIT ?");
  s.bind(1, to_millis(now));
  s.bind(2, to_millis(horizon));
  s.bind(3, static_cast<std::int64_t>(limit));
  std::vector<OutboxMessage> out;
  while (s.executeStep()) out.push_back(message_from_row(s));
  s.reset();
  SQLite::Statement mark(db, "UPDATE outbox SET state = 'sending' WHERE id = ?");
  for (OutboxMessage& m : out) {
    mark.reset();
    mark.bind(1, m.id);
    mark.exec();
    m.state = "sending";
  }
  return with_items(db, std::move(out));
}

void settle(SQLite::Database& db, std::int64_t id, const Delivery& d) {
  switch (d.kind) {
    case Delivery::Kind::Sent: {
      SQLite::Statement s(db,
                          "UPDATE outbox SET state = 'sent', attempts = attempts + 1, "
                          "sent_at = ?, last_error = '' WHERE id = ?");
      s.bind(1, to_millis(d.at));
      s.bind(2, id);
      s.exec();
      return;
    }
    case Delivery::Kind::Retry: {
      SQLite::Statement s(db,
                          "UPDATE outbox SET state = 'failed', attempts = attempts + 1, "
                          "last_error = ?, next_attempt_at = ? WHERE id = ?");
      s.bind(1, d.error);
      s.bind(2, to_millis(d.retry_at));
      s.bind(3, id);
      s.exec();
      return;
    }
    case Delivery::Kind::GiveUp: {
      SQLite::Statement s(db,
                          "UPDATE outbox SET state = 'given_up', attempts = attempts + 1, "
                          "last_error = ? WHERE id = ?");
      s.bind(1, d.error);
      s.bind(2, id);
      s.exec();
      return;
    }
  }
}

bool retry_outbox(SQLite::Database& db, std::int64_t id, Instant now) {
  SQLite::Statement s(db,
                      "UPDATE outbox SET state = 'failed', attempts = 0, next_attempt_at = ? "
                      "WHERE id = ? AND state = 'given_up'");
  s.bind(1, to_millis(now));
  s.bind(2, id);
  return s.exec() == 1;
}

std::size_t release_claims(SQLite::Database& db, Instant now) {
  SQLite::Statement s(db,
                      "UPDATE outbox SET state = 'failed', next_attempt_at = ?, "
                      "last_error = 'interrupted while sending' WHERE state = 'sending'");
  s.bind(1, to_millis(now));
  return static_cast<std::size_t>(s.exec());
}

std::optional<Instant> next_outbox_attempt(SQLite::Database& db) {
  return first_time(db,
                    "SELECT MIN(next_attempt_at) FROM outbox WHERE state IN ('pending', 'failed')");
}

OutboxPage outbox_page(SQLite::Database& db, const OutboxQuery& q) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM outbox WHERE 1";
  if (!q.state.empty()) sql += " AND state = :state";
  if (q.before_id) sql += " AND id < :before";
  sql += " ORDER BY id DESC LIMIT :limit";
  SQLite::Statement s(db, sql);
  if (!q.state.empty()) s.bind(":state", q.state);
  if (q.before_id) s.bind(":before", *q.before_id);
  s.bind(":limit", q.limit + 1);
  OutboxPage page;
  while (s.executeStep()) page.items.push_back(message_from_row(s));
  if (page.items.size() > static_cast<std::size_t>(q.limit)) {
    page.items.pop_back();
    page.next_cursor = page.items.back().id;
  }
  page.items = with_items(db, std::move(page.items));
  return page;
}

std::optional<OutboxMessage> outbox_message(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement s(db, std::string("SELECT ") + kColumns + " FROM outbox WHERE id = ?");
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  OutboxMessage m = message_from_row(s);
  m.items = items_of(db, m.id);
  return m;
}

}  // namespace qingling::store::sqlite
