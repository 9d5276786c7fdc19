#include "engine/core/calendar.h"

#include <algorithm>

namespace qingling {
namespace {

bool is_weekend(Date day) {
  const std::chrono::weekday wd{day};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

int year_of(Date day) { return static_cast<int>(std::chrono::year_month_day{day}.year()); }

}  // namespace

WorkingCalendar::WorkingCalendar(std::vector<CalendarDay> days, int first_year, int last_year)
    : first_year_(first_year), last_year_(last_year) {
  std::stable_sort(days.begin(), days.end(),
                   [](const CalendarDay& a, const CalendarDay& b) { return a.date < b.date; });
  for (auto& d : days) {
    if (!days_.empty() && days_.back().date == d.date) {
      days_.back() = std::move(d);
    } else {
      days_.push_back(std::move(d));
    }
  }
}

const CalendarDay* WorkingCalendar::exception(Date day) const {
  auto it = std::lower_bound(days_.begin(), days_.end(), day,
                             [](const CalendarDay& d, Date x) { return d.date < x; });
  if (it == days_.end() || it->date != day) return nullptr;
  return &*it;
}

bool WorkingCalendar::is_known(Date day) const {
  const int y = year_of(day);
  return y >= first_year_ && y <= last_year_;
}

bool WorkingCalendar::is_working_day(Date day) const {
  if (const CalendarDay* e = exception(day)) return e->working;
  return !is_weekend(day);
}

CalendarAnswer WorkingCalendar::add_working_days(Date from, int days) const {
  CalendarAnswer answer;
  answer.date = from;
  const int step = days < 0 ? -1 : 1;
  int remaining = days < 0 ? -days : days;
  Date day = from;
  while (remaining > 0) {
    day += std::chrono::days{step};
    if (!is_known(day)) answer.provisional = true;
    const CalendarDay* e = exception(day);
    if (e != nullptr && e->working) {
      if (is_weekend(day)) answer.makeup_days_counted.push_back(day);
      --remaining;
    } else if (e != nullptr) {
      answer.holidays_skipped.push_back(day);
    } else if (is_weekend(day)) {
      ++answer.weekend_days_skipped;
    } else {
      --remaining;
    }
  }
  answer.date = day;
  answer.days_counted = days_between(from, day) * step;
  return answer;
}

CalendarAnswer WorkingCalendar::add_days(Date from, int days) const {
  CalendarAnswer answer;
  answer.date = from + std::chrono::days{days};
  answer.days_counted = days < 0 ? -days : days;
  return answer;
}

int WorkingCalendar::working_days_between(Date from, Date to) const {
  int n = 0;
  for (Date day = from + std::chrono::days{1}; day <= to; day += std::chrono::days{1}) {
    if (is_working_day(day)) ++n;
  }
  return n;
}

WorkingCalendar WorkingCalendar::with_days(const std::vector<CalendarDay>& extra) const {
  std::vector<CalendarDay> all = days_;
  all.insert(all.end(), extra.begin(), extra.end());
  return WorkingCalendar{std::move(all), first_year_, last_year_};
}

}  // namespace qingling
