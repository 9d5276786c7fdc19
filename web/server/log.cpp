#include "web/server/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace qingling::web {
namespace {

struct LogState {
  std::atomic<LogFormat> format{LogFormat::Text};  // read for every request
  std::mutex mutex;                                // the sink, and whole lines
  std::function<void(std::string_view)> sink;
};

LogState& state() {
  static LogState s;
  return s;
}

std::string utc_now() {
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const auto day = std::chrono::floor<std::chrono::days>(now);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss time{now - day};
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));
  return out;
}

// A JSON string literal of `text`, quotes included.
std::string quoted(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

void append_value(std::string& out, const LogField& f, bool json) {
  if (const auto* text = std::get_if<std::string_view>(&f.value)) {
    out += json ? quoted(*text) : std::string(*text);
  } else if (const auto* n = std::get_if<std::int64_t>(&f.value)) {
    out += std::to_string(*n);
  } else {
    char number[32];
    std::snprintf(number, sizeof number, "%.3f", std::get<double>(f.value));
    out += number;
  }
}

}  // namespace

void configure_log(LogFormat format, std::function<void(std::string_view line)> sink) {
  LogState& s = state();
  std::lock_guard lock(s.mutex);
  s.format = format;
  s.sink = std::move(sink);
}

LogFormat log_format() { return state().format.load(std::memory_order_relaxed); }

void log(std::string_view level, std::string_view msg, std::initializer_list<LogField> fields) {
  LogState& s = state();
  const bool json = log_format() == LogFormat::Json;
  std::string line;
  if (json) {
    line = "{\"ts\":\"" + utc_now() + "\",\"level\":" + quoted(level) + ",\"msg\":" + quoted(msg);
    for (const LogField& f : fields) {
      line += ',';
      line += quoted(f.name);
      line += ':';
      append_value(line, f, true);
    }
    line += '}';
  } else {
    line = std::string(msg);
    for (const LogField& f : fields) {
      line += ' ';
      line += f.name;
      line += '=';
      append_value(line, f, false);
    }
  }
  std::lock_guard lock(s.mutex);
  if (s.sink) {
    s.sink(line);
  } else {
    line += '\n';
    std::cerr << line << std::flush;
  }
}

}  // namespace qingling::web
