#include "engine/sheet/xlsx_values.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace qingling::sheet {
namespace {

std::optional<double> parse_number(std::string_view stored) {
  while (!stored.empty() && stored.front() == ' ') stored.remove_prefix(1);
  while (!stored.empty() && stored.back() == ' ') stored.remove_suffix(1);
  if (!stored.empty() && stored.front() == '+') stored.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(stored.data(), stored.data() + stored.size(), value);
  if (ec != std::errc{} || end != stored.data() + stored.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void append_utf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

bool is_builtin_date(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

}  // namespace

std::optional<std::size_t> column_of(std::string_view reference) {
  std::size_t column = 0;
  std::size_t letters = 0;
  for (const char c : reference) {
    char upper = c;
    if (c >= 'a' && c <= 'z') upper = static_cast<char>(c - 'a' + 'A');
    if (upper < 'A' || upper > 'Z') break;
    column = column * 26 + static_cast<std::size_t>(upper - 'A' + 1);
    if (++letters > 3) return std::nullopt;
  }
  if (letters == 0 || column > kMaxColumns) return std::nullopt;
  return column - 1;
}

std::string decode_escapes(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '_' && i + 6 < text.size() && text[i + 1] == 'x' && text[i + 6] == '_') {
      unsigned code = 0;
      bool hex = true;
      for (std::size_t k = 2; k < 6; ++k) {
        const int d = hex_digit(text[i + k]);
        hex = hex && d >= 0;
        code = code * 16 + static_cast<unsigned>(d < 0 ? 0 : d);
      }
      if (hex && (code < 0xD800 || code > 0xDFFF)) {
        append_utf8(out, code);
        i += 7;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

bool is_date_format(int id, std::string_view code) {
  if (is_builtin_date(id)) return true;
  bool day_or_year = false;
  bool month_or_minute = false;
  bool time = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') {
      const auto close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '[') {
      const auto close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is literal, or padding
    } else if (c == 'd' || c == 'D' || c == 'y' || c == 'Y') {
      day_or_year = true;
    } else if (c == 'm' || c == 'M') {
      month_or_minute = true;
    } else if (c == 'h' || c == 'H' || c == 's' || c == 'S') {
      time = true;
    }
  }
  // Alone, m is a month ("mmmm") beside nothing else, a minute beside h or s.
  return day_or_year || (month_or_minute && !time);
}

std::string number_text(std::string_view stored) {
  const auto value = parse_number(stored);
  if (!value) return std::string(stored);
  if (*value == 0) return "0";
  char buffer[512];
  const double magnitude = std::fabs(*value);
  const auto [end, ec] =
      magnitude >= 1e-6 && magnitude < 1e21
          ? std::to_chars(buffer, buffer + sizeof buffer, *value, std::chars_format::fixed)
          : std::to_chars(buffer, buffer + sizeof buffer, *value);
  if (ec != std::errc{}) return std::string(stored);
  return std::string(buffer, end);
}

std::optional<std::string> date_text(std::string_view stored, bool date1904) {
  using namespace std::chrono;
  const auto value = parse_number(stored);
  if (!value || *value < -1e7 || *value > 1e7) return std::nullopt;
  auto days = static_cast<int>(std::floor(*value));
  sys_days epoch = sys_days(year{1899} / December / 30);
  if (date1904) {
    epoch = sys_days(year{1904} / January / 1);
  } else if (days > 0 && days < 60) {
    ++days;  // Excel counts a 29 February 1900 that never was
  }
  const year_month_day date(epoch + std::chrono::days(days));
  const int y = static_cast<int>(date.year());
  if (y < 1 || y > 9999) return std::nullopt;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", y, static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()));
  return std::string(buffer);
}

}  // namespace qingling::sheet
