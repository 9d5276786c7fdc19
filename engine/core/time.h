#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace qingling {

// A point in time, UTC, millisecond resolution. Core never reads a clock:
// an Instant always arrives as a parameter.
using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

// A calendar day with no time zone attached (a deadline, a holiday).
using Date = std::chrono::sys_days;

// "YYYY-MM-DD" only; anything else (including impossible days) is nullopt.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(Date day);

// RFC 3339 in UTC with milliseconds: "2026-11-27T03:32:58.123Z". The parser
// also takes a numeric offset ("+08:00") and no fraction.
std::optional<Instant> parse_instant(std::string_view text);
std::string format_instant(Instant at);

// Days from `from` to `to` (negative when `to` is earlier).
int days_between(Date from, Date to);

// The source of "now" for the edges of the system (server, scheduler). Tests
// hand a FakeClock from tests/support instead.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
  // Simulated seconds per real second: how long to really wait for a
  // moment on this clock.
  virtual double speed() const { return 1.0; }
};

class SystemClock final : public Clock {
 public:
  Instant now() const override;
};

// A sandbox's clock: starts at `start` and runs `speed` times as fast as the
// system clock, so that a ladder of weeks plays out in minutes.
class SimulatedClock final : public Clock {
 public:
  SimulatedClock(Instant start, double speed);
  Instant now() const override;
  double speed() const override { return speed_; }

 private:
  Instant start_;
  std::chrono::steady_clock::time_point real_start_;
  double speed_;
};

// An IANA time zone from the system database. Cheap to copy; the zone data
// it points to lives for the whole process.
class TimeZone {
 public:
  TimeZone();  // UTC
  // Throws std::runtime_error when the name is unknown; use `find` to test.
  explicit TimeZone(std::string_view name);
  static std::optional<TimeZone> find(std::string_view name);

  const std::string& name() const { return name_; }
  Date local_date(Instant at) const;
  // The instant at which the local wall clock shows `day` at `minutes` past midnight.
  Instant at_local(Date day, std::chrono::minutes minutes) const;

 private:
  const date::time_zone* zone_ = nullptr;  // null means UTC
  std::string name_ = "UTC";
};

}  // namespace qingling
