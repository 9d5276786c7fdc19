#pragma once

namespace SQLite {
class Database;
}

namespace qingling::store {

// Brings the schema up to date under PRAGMA user_version, one migration per
// transaction. Throws when the file is newer than this program knows.
void migrate(SQLite::Database& db);

}  // namespace qingling::store
