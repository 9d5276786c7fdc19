#pragma once

// The weekly report (周报) from the live log: computed for any unit and ISO
// week, and mailed on the pack's schedule to every recipient, once per run.

#include <mutex>
#include <optional>
#include <string>

#include "engine/core/time.h"
#include "engine/report/report.h"
#include "engine/store/store.h"
#include "engine/store/writer.h"

namespace qingling::notify {

// The report of `unit` for `week`, from events before the week's end, so that
// a past week's report is the same whenever it is asked for. Problems count
// for the jurisdiction they are in now.
report::WeeklyReport weekly_report_of(store::ReadView& view, const RuleSet& rules,
                                      const UnitTree& units, const std::string& unit,
                                      report::IsoWeek week);

// The ranking rules of the pack's weekly report (the battle map ranks by them too).
report::RankingRules ranking_of(const WeeklyReportRules& w);

// The week a report sent at `at` covers: the last one ended before that day.
report::IsoWeek reported_week(Instant at, const RuleSet& rules);

// The scheduled run at or before `now`, and the one after it.
std::optional<Instant> latest_report_run(const RuleSet& rules, Instant now);
std::optional<Instant> next_report_run(const RuleSet& rules, Instant now);

// Mails the weekly report: at each scheduled run every user holding one of
// the report's roles and an e-mail address gets its jurisdiction's report,
// written to the outbox in one transaction with the mark that the run is
// done, so that it is sent once. After downtime only the latest run is
// sent; on a database's first start the latest run is marked done unsent.
class WeeklyMailer {
 public:
  // All three must outlive the mailer.
  WeeklyMailer(store::Database& db, store::Writer& writer, const Clock& clock);

  // Sends the latest run if it is due and not done; returns the next run.
  // Thread-safe: one call at a time does the work.
  std::optional<Instant> tick();
  std::size_t sent() const;  // messages written to the outbox so far

 private:
  store::Database& db_;
  store::Writer& writer_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::size_t sent_ = 0;
};

}  // namespace qingling::notify
