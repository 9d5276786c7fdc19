#include "web/api/multipart.h"

#include <cctype>
#include <optional>

#include <boost/beast/core/string.hpp>

namespace qingling::web {
namespace {

namespace beast = boost::beast;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX-decoding; nothing for a broken escape.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_value(s[i + 1]);
    const int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// The parameters of a header value: `type; a=1; b="x y"` → {a:1, b:x y}.
// Names are lower-cased; quoted values lose their quotes.
std::vector<std::pair<std::string, std::string>> parameters(std::string_view value) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;
    const std::size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string name(trim(value.substr(i, eq - i)));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t j = eq + 1;
    while (j < value.size() && value[j] == ' ') ++j;
    std::string v;
    if (j < value.size() && value[j] == '"') {
      // Browsers send names raw and escape only '"' (as %22): a backslash
      // is a character (a Windows path), not an escape.
      for (++j; j < value.size() && value[j] != '"'; ++j) v += value[j];
      i = value.find(';', j);
    } else {
      const std::size_t end = value.find(';', j);
      v = std::string(trim(value.substr(j, end == std::string_view::npos ? end : end - j)));
      i = end;
    }
    out.emplace_back(std::move(name), std::move(v));
  }
  return out;
}

std::string last_path_component(std::string name) {
  const std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name.erase(0, slash + 1);
  return name;
}

Rejection malformed(std::string message) {
  return Rejection::invalid("The multipart/form-data body is not valid.",
                            {{"body", std::move(message)}});
}

}  // namespace

std::string form_boundary(std::string_view content_type) {
  const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (!beast::iequals(type, "multipart/form-data")) return {};
  for (auto& [name, value] : parameters(content_type)) {
    if (name == "boundary" && !value.empty() && value.size() <= 200) return value;
  }
  return {};
}

Result<std::vector<FormPart>> parse_form_data(std::string_view body, std::string_view boundary,
                                              std::size_t max_parts) {
  const std::string delimiter = "--" + std::string(boundary);
  std::size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return malformed("no part starts with the boundary");
  std::vector<FormPart> parts;
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") break;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") return malformed("a boundary line must end with CRLF");
    at += 2;
    const std::size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string_view::npos) return malformed("a part's headers never end");
    const std::string_view head = body.substr(at, head_end - at + 2);
    const std::size_t content_start = head_end + 4;
    const std::size_t next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) return malformed("the closing boundary is missing");
    if (parts.size() == max_parts) {
      return malformed("at most " + std::to_string(max_parts) + " parts are taken");
    }
    FormPart part;
    part.content = body.substr(content_start, next - content_start);
    bool disposition = false;
    std::string plain_name, extended_name;
    for (std::size_t line = 0; line < head.size();) {
      const std::size_t end = head.find("\r\n", line);
      const std::string_view h = head.substr(line, end - line);
      line = end + 2;
      const std::size_t colon = h.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view key = trim(h.substr(0, colon));
      const std::string_view value = trim(h.substr(colon + 1));
      if (beast::iequals(key, "content-type")) {
        part.content_type = std::string(value);
      } else if (beast::iequals(key, "content-disposition")) {
        disposition = true;
        for (auto& [name, v] : parameters(value)) {
          if (name == "name") part.name = v;
          if (name == "filename") plain_name = v;
          if (name == "filename*") {
            // charset'language'percent-encoded
            const std::size_t q1 = v.find('\'');
            const std::size_t q2 = q1 == std::string::npos ? q1 : v.find('\'', q1 + 1);
            if (q2 == std::string::npos || !beast::iequals(v.substr(0, q1), "utf-8")) {
              return malformed("filename* must be UTF-8''<percent-encoded name>");
            }
            auto decoded = percent_decode(std::string_view(v).substr(q2 + 1));
            if (!decoded) return malformed("filename* has a broken %-escape");
            extended_name = std::move(*decoded);
          }
        }
      }
    }
    if (!disposition) return malformed("a part has no Content-Disposition");
    part.file_name = last_path_component(extended_name.empty() ? plain_name : extended_name);
    parts.push_back(std::move(part));
    at = next + 2;
  }
  return parts;
}

}  // namespace qingling::web
