#include "engine/core/time.h"

#include <charconv>
#include <cstdio>
#include <stdexcept>

#include <date/date.h>
#include <date/tz.h>

namespace qingling {
namespace {

bool read_int(std::string_view text, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > text.size()) return false;
  const char* first = text.data() + pos;
  const char* last = first + len;
  for (const char* p = first; p != last; ++p) {
    if (*p < '0' || *p > '9') return false;
  }
  return std::from_chars(first, last, out).ec == std::errc{};
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!read_int(text, 0, 4, y) || !read_int(text, 5, 2, m) || !read_int(text, 8, 2, d)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return Date{ymd};
}

std::string format_date(Date day) {
  const std::chrono::year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<Instant> parse_instant(std::string_view text) {
  if (text.size() < 20 || text[10] != 'T') return std::nullopt;
  auto day = parse_date(text.substr(0, 10));
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!day || text[13] != ':' || text[16] != ':' || !read_int(text, 11, 2, hh) ||
      !read_int(text, 14, 2, mm) || !read_int(text, 17, 2, ss) || hh > 23 || mm > 59 || ss > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t first_digit = ++pos;
    int scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first_digit) return std::nullopt;
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = 0;
    int om = 0;
    if (pos + 6 != text.size() || text[pos + 3] != ':' || !read_int(text, pos + 1, 2, oh) ||
        !read_int(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  using namespace std::chrono;
  return Instant{*day} + hours{hh} + minutes{mm} + seconds{ss} + milliseconds{millis} -
         minutes{offset_minutes};
}

std::string format_instant(Instant at) {
  using namespace std::chrono;
  const auto day = floor<days>(at);
  const hh_mm_ss<milliseconds> t{at - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ", format_date(day).c_str(),
                static_cast<int>(t.hours().count()), static_cast<int>(t.minutes().count()),
                static_cast<int>(t.seconds().count()), static_cast<int>(t.subseconds().count()));
  return buf;
}

int days_between(Date from, Date to) { return static_cast<int>((to - from).count()); }

Instant SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

SimulatedClock::SimulatedClock(Instant start, double speed)
    : start_(start), real_start_(std::chrono::steady_clock::now()), speed_(speed) {}

Instant SimulatedClock::now() const {
  const std::chrono::duration<double, std::milli> real =
      std::chrono::steady_clock::now() - real_start_;
  return start_ + std::chrono::milliseconds{static_cast<std::int64_t>(real.count() * speed_)};
}

TimeZone::TimeZone() = default;

TimeZone::TimeZone(std::string_view name) : zone_(date::locate_zone(name)), name_(name) {}

std::optional<TimeZone> TimeZone::find(std::string_view name) {
  try {
    return TimeZone{name};
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

Date TimeZone::local_date(Instant at) const {
  if (zone_ == nullptr) return std::chrono::floor<std::chrono::days>(at);
  const auto local = zone_->to_local(at);
  return Date{std::chrono::floor<std::chrono::days>(local.time_since_epoch())};
}

Instant TimeZone::at_local(Date day, std::chrono::minutes minutes) const {
  if (zone_ == nullptr) return Instant{day} + minutes;
  const date::local_time<std::chrono::milliseconds> local{day.time_since_epoch() + minutes};
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      zone_->to_sys(local, date::choose::earliest));
}

}  // namespace qingling
