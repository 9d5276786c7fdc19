#include "engine/store/audit.h"

namespace qingling::store {

AuditReport verify_chain(ReadView& view) {
  AuditReport report;
  std::string previous(64, '0');
  std::int64_t expected_seq = 1;
  view.scan_log([&](const LogEntry& entry) {
    if (entry.seq != expected_seq) {
      report.problem = "entry " + std::to_string(expected_seq) + " is missing";
    } else if (entry.prev_hash != previous) {
      report.problem = "it does not name the hash of the entry before it";
    } else if (chain_hash(entry) != entry.hash) {
      report.problem = "its content does not match its hash (the row was edited)";
    }
    if (!report.problem.empty()) {
      report.broken = entry.seq;
      return false;
    }
    previous = entry.hash;
    ++expected_seq;
    ++report.entries;
    return true;
  });
  return report;
}

}  // namespace qingling::store
