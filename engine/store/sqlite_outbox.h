#pragma once

// Private to engine/store: the outbox and escalation-index statements,
// shared by the read view and the write backend.

#include <optional>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "engine/store/store.h"

namespace qingling::store::sqlite {

std::int64_t to_millis(Instant at);
Instant from_millis(std::int64_t ms);

std::optional<Instant> earliest_escalation(SQLite::Database& db);

void enqueue(SQLite::Database& db, const Notification& n, Instant now);
std::vector<OutboxMessage> claim_outbox(SQLite::Database& db, Instant now, Instant horizon,
                                        std::size_t limit);
void settle(SQLite::Database& db, std::int64_t id, const Delivery& delivery);
bool retry_outbox(SQLite::Database& db, std::int64_t id, Instant now);
std::size_t release_claims(SQLite::Database& db, Instant now);
std::optional<Instant> next_outbox_attempt(SQLite::Database& db);

OutboxPage outbox_page(SQLite::Database& db, const OutboxQuery& query);
std::optional<OutboxMessage> outbox_message(SQLite::Database& db, std::int64_t id);

}  // namespace qingling::store::sqlite
