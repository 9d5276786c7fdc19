#include "engine/store/migrations.h"

#include <stdexcept>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

namespace qingling::store {
namespace {

struct Migration {
  int version;
  const char* sql;
};

constexpr Migration kMigrations[] = {
    {1, R"(
CREATE TABLE units (
  code     TEXT PRIMARY KEY,
  name     TEXT NOT NULL,
  kind     TEXT NOT NULL,
  parent   TEXT NOT NULL,
  email    TEXT NOT NULL DEFAULT '',
  path     TEXT NOT NULL,
  position INTEGER NOT NULL
);
CREATE INDEX units_path ON units(path);

CREATE TABLE users (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  unit         TEXT NOT NULL,
  roles        TEXT NOT NULL,
  email        TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL
);

CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  revoked_at TEXT
);

-- The hash-chained, append-only log: every change, with actor, time and pack version.
CREATE TABLE events (
  seq          INTEGER PRIMARY KEY,
  issue_id     INTEGER,
  version      INTEGER,
  type         TEXT NOT NULL,
  actor        TEXT NOT NULL,
  at           TEXT NOT NULL,
  pack_version TEXT NOT NULL,
  payload      TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL,
  UNIQUE (issue_id, version)
);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- Projection of the log: each problem as it stands, rebuilt from events.
CREATE TABLE issues (
  id               INTEGER PRIMARY KEY,
  version          INTEGER NOT NULL,
  state            TEXT NOT NULL,
  clock            TEXT NOT NULL,
  category         TEXT NOT NULL,
  source           TEXT NOT NULL,
  severity         TEXT NOT NULL,
  unit             TEXT NOT NULL,
  unit_path        TEXT NOT NULL,
  responsible_unit TEXT NOT NULL,
  responsible_path TEXT NOT NULL,
  lead_unit        TEXT NOT NULL,
  lead_path        TEXT NOT NULL,
  title            TEXT NOT NULL,
  description      TEXT NOT NULL,
  deadline         TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  body             TEXT NOT NULL
);
CREATE INDEX issues_unit_path ON issues(unit_path, id);
CREATE INDEX issues_responsible_path ON issues(responsible_path, id);
CREATE INDEX issues_lead_path ON issues(lead_path, id);
CREATE INDEX issues_overdue ON issues(clock, deadline);

CREATE TABLE idempotency (
  actor        TEXT NOT NULL,
  key          TEXT NOT NULL,
  issue_id     INTEGER NOT NULL,
  request_hash TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (actor, key)
);
)"},
    {2, R"(
-- The escalation ladder: each problem's level and when its next step falls
-- due (ms since the epoch, UTC); the scheduler wakes at the earliest.
ALTER TABLE issues ADD COLUMN level TEXT NOT NULL DEFAULT 'green';
ALTER TABLE issues ADD COLUMN next_escalation_at INTEGER;
CREATE INDEX issues_next_escalation ON issues(next_escalation_at)
  WHERE next_escalation_at IS NOT NULL;

-- Messages for the mail sender: one row per recipient, kind and digest slot;
-- its items (JSON, one row each) in outbox_items. Times in ms since the
-- epoch, UTC.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  recipient       TEXT NOT NULL,
  recipient_name  TEXT NOT NULL,
  kind            TEXT NOT NULL,
  slot            INTEGER NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER
);
CREATE UNIQUE INDEX outbox_open_digest ON outbox(recipient, kind, slot) WHERE state = 'pending';
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('pending', 'failed');
CREATE INDEX outbox_state ON outbox(state, id);
CREATE TABLE outbox_items (
  outbox_id INTEGER NOT NULL REFERENCES outbox(id),
  item      TEXT NOT NULL
);
CREATE INDEX outbox_items_message ON outbox_items(outbox_id);

-- Small facts about the database itself (which pack the escalation index
-- was computed under).
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)"},
    {3, R"(
-- The reference (编号) a problem was imported under: a repeated import of
-- the same row finds it and changes nothing.
ALTER TABLE issues ADD COLUMN external_ref TEXT;
CREATE UNIQUE INDEX issues_external_ref ON issues(external_ref) WHERE external_ref IS NOT NULL;

-- Calendar feed tokens: one per user, in the feed's URL; deleting revokes.
CREATE TABLE feed_tokens (
  user_id    INTEGER PRIMARY KEY REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
)"},
    {4, R"(
-- Sign-in to the web page: an Argon2id hash (libsodium's string form) per
-- user, NULL for users who only hold API tokens.
ALTER TABLE users ADD COLUMN password_hash TEXT;

-- Page sessions: the cookie's hash, its user, the CSRF token the page sends
-- with every write, and when it ends.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- What the battle map loads at start: whether each problem is cleared (also
-- in its body), and every day the count of open problems changed because of
-- it (logged or reopened +1, cleared -1), written with the event that did it.
-- Databases from before are filled from their event log at first start.
ALTER TABLE issues ADD COLUMN cleared INTEGER NOT NULL DEFAULT 0;
UPDATE issues SET cleared = (json_extract(body, '$.cleared_at') IS NOT NULL);
CREATE TABLE open_changes (
  issue_id INTEGER NOT NULL,
  day      TEXT NOT NULL,
  delta    INTEGER NOT NULL
);
)"},
    {5, R"(
-- Lists of problems by deadline and by last change, page after page.
CREATE INDEX issues_deadline_order ON issues(COALESCE(deadline, '9999-12-31'), id);
CREATE INDEX issues_updated ON issues(updated_at, id);
)"},
    {6, R"(
-- Every column the battle map loads at start, so that the scan reads this
-- index and not the rows with their bodies (a million rows: ~100 MB, not 6 GB).
CREATE INDEX issues_summary
  ON issues(unit, responsible_unit, lead_unit, category, state, deadline, level, cleared);
)"},
};

}  // namespace

void migrate(SQLite::Database& db) {
  const int current = db.execAndGet("PRAGMA user_version").getInt();
  const int latest = kMigrations[std::size(kMigrations) - 1].version;
  if (current > latest) {
    throw std::runtime_error("the database schema is version " + std::to_string(current) +
                             ", newer than this program's " + std::to_string(latest));
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current) continue;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
    tx.commit();
  }
}

}  // namespace qingling::store
