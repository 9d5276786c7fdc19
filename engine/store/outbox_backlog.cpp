#include "engine/store/outbox_backlog.h"

#include <mutex>
#include <optional>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

namespace qingling::store {

struct OutboxCounter::Impl {
  std::filesystem::path file;
  std::mutex mutex;
  std::optional<SQLite::Database> db;
  std::optional<SQLite::Statement> by_state;
};

OutboxCounter::OutboxCounter(std::filesystem::path db_file) : impl_(std::make_unique<Impl>()) {
  impl_->file = std::move(db_file);
}

OutboxCounter::~OutboxCounter() = default;

OutboxBacklog OutboxCounter::count() {
  // 'sent' is left out of the IN list: outbox_state(state, id) then skips
  // every message ever sent.
  static constexpr const char* kByState = R"(
    SELECT state, COUNT(*) FROM outbox
    WHERE state IN ('pending', 'sending', 'failed', 'given_up')
    GROUP BY state)";
  std::lock_guard lock(impl_->mutex);
  if (!impl_->db) {
    impl_->db.emplace(impl_->file.string(), SQLite::OPEN_READONLY);
    impl_->db->setBusyTimeout(1000);
    impl_->by_state.emplace(*impl_->db, kByState);
  }
  SQLite::Statement& s = *impl_->by_state;
  s.reset();
  OutboxBacklog out;
  while (s.executeStep()) {
    const std::string state = s.getColumn(0).getString();
    const std::int64_t n = s.getColumn(1).getInt64();
    if (state == "pending") out.pending = n;
    if (state == "sending") out.sending = n;
    if (state == "failed") out.failed = n;
    if (state == "given_up") out.given_up = n;
  }
  s.reset();  // no read transaction left open between scrapes
  return out;
}

}  // namespace qingling::store
