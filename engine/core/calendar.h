#pragma once

#include <string>
#include <vector>

#include "engine/core/time.h"

namespace qingling {

// One exception to the Monday-to-Friday week: an official day off (a
// holiday falling on a weekday or extending a weekend) or a make-up working
// day (调休, a Saturday or Sunday that is worked).
struct CalendarDay {
  Date date;
  bool working = false;
  std::string name;  // 春节, 国庆节, … (may be empty)
};

// What date arithmetic found, and why: enough to explain a deadline.
struct CalendarAnswer {
  Date date;
  // True when any day counted lies past the calendar's last known year:
  // such days were judged on weekdays alone and may change when the State
  // Council publishes the next year's arrangement.
  bool provisional = false;
  int days_counted = 0;  // calendar days between start and result
  int weekend_days_skipped = 0;
  std::vector<Date> holidays_skipped;     // official days off passed over
  std::vector<Date> makeup_days_counted;  // weekend days worked and counted
};

// A working-day calendar: weekends and public holidays are off, make-up
// workdays (调休) are on. Immutable after construction; share it freely.
class WorkingCalendar {
 public:
  // Weekdays only, and no year is known: every working-day answer is provisional.
  WorkingCalendar() = default;
  // `days` may come in any order; a later entry for the same date wins.
  // Years in [first_year, last_year] are known (their exceptions complete).
  WorkingCalendar(std::vector<CalendarDay> days, int first_year, int last_year);

  bool is_working_day(Date day) const;
  // The exception for `day`, or null when it is an ordinary weekday or weekend.
  const CalendarDay* exception(Date day) const;
  bool is_known(Date day) const;
  int first_year() const { return first_year_; }
  int last_year() const { return last_year_; }
  bool empty() const { return last_year_ < first_year_; }

  // The date `days` working days after `from` (before it when negative);
  // `from` itself never counts. Past the calendar's last known year it
  // counts weekdays and says so in `provisional`.
  CalendarAnswer add_working_days(Date from, int days) const;
  // Plain calendar days, explained in the same shape (nothing skipped).
  CalendarAnswer add_days(Date from, int days) const;
  // Working days in the half-open range (from, to]; 0 when to <= from.
  int working_days_between(Date from, Date to) const;

  // Returns a copy with `extra` merged in (a campaign's own days off).
  WorkingCalendar with_days(const std::vector<CalendarDay>& extra) const;

 private:
  std::vector<CalendarDay> days_;  // sorted by date, unique
  int first_year_ = 1;
  int last_year_ = 0;
};

}  // namespace qingling
