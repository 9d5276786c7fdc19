#pragma once

// The server's log: one line per event, as plain text or as one JSON object
// per line ({"ts", "level", "msg", ...fields}) for a log collector. It is
// process-wide, as standard error is: the App sets it once at start.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace qingling::web {

enum class LogFormat { Text, Json };

// Where lines go and how they look. An empty `sink` writes to standard
// error; a sink is called with one line (no newline) at a time, from any
// thread, under the log's lock.
void configure_log(LogFormat format, std::function<void(std::string_view line)> sink = {});
LogFormat log_format();

struct LogField {
  std::string_view name;
  std::variant<std::string_view, std::int64_t, double> value;
};

// Writes one line: in text `msg` then ` name=value` per field; in JSON an
// object with ts (RFC 3339, UTC, milliseconds), level, msg and the fields.
void log(std::string_view level, std::string_view msg, std::initializer_list<LogField> fields = {});

}  // namespace qingling::web
