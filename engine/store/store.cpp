#include "engine/store/store.h"

#include <algorithm>

#include <sodium.h>

#include "engine/core/sha256.h"

namespace qingling::store {

std::string chain_hash(const LogEntry& e) {
  Sha256 h;
  const auto field = [&](std::string_view v) {
    h.update(std::to_string(v.size()));
    h.update(":");
    h.update(v);
  };
  field(e.prev_hash);
  field(std::to_string(e.seq));
  field(std::to_string(e.issue_id));
  field(std::to_string(e.version));
  field(e.type);
  field(e.actor);
  field(e.at);
  field(e.pack_version);
  field(e.payload);
  return h.hex_digest();
}

bool fill_open_changes(WriteBackend& backend, ReadView& view, const std::string& root) {
  constexpr const char* kFilledKey = "open_changes_filled";
  backend.begin();
  try {
    if (!backend.meta(kFilledKey).empty()) {
      backend.rollback();
      return false;
    }
    // Changes recorded since the upgrade (a command-line import before the
    // first start) are recorded again with the rest.
    backend.clear_open_changes();
    const Instant end_of_time = *parse_instant("9999-01-01T00:00:00Z");
    view.scan_histories(root, end_of_time, [&](std::vector<Event>&& history, const Placement&) {
      for (const OpenChange& change : open_changes(history)) backend.record_open_change(change);
    });
    backend.set_meta(kFilledKey, "1");
    backend.commit();
  } catch (...) {
    backend.rollback();
    throw;
  }
  return true;
}

std::string new_token(std::string_view prefix) {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char text[64];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(prefix) + std::string(text);
}

std::string token_hash(const std::string& token) { return sha256_hex(token); }

std::vector<Issue> issues_in(ReadView& view, const std::string& jurisdiction,
                             const std::function<bool(const Issue&)>& keep) {
  std::vector<Issue> out;
  IssueQuery q;
  q.jurisdiction = jurisdiction;
  q.limit = 1000;
  for (;;) {
    IssuePage page = view.issues(q);
    for (Issue& i : page.items) {
      if (!keep || keep(i)) out.push_back(std::move(i));
    }
    if (!page.next_cursor) break;
    q.cursor = page.next_cursor;
  }
  std::reverse(out.begin(), out.end());  // pages come newest first
  return out;
}

}  // namespace qingling::store
