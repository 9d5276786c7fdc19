#include "engine/mail/message.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include <sodium.h>

#include "engine/core/sha256.h"

namespace qingling::mail {
namespace {

constexpr std::size_t kMaxLine = 78;    // RFC 5322 2.1.1, before the CRLF
constexpr std::size_t kBodyLine = 76;   // RFC 2045 6.8
constexpr std::size_t kMaxEmail = 254;  // RFC 5321 4.5.3.1.3, less the brackets
constexpr std::size_t kMaxMessageId = 250;
constexpr std::size_t kMaxHeaderName = 40;  // leaves room for an encoded-word on its line
// "=?UTF-8?B?" + 56 base64 characters + "?=" is 68 characters: one word fits
// after "Subject: " and on a continuation line, below RFC 2047's 75.
constexpr std::size_t kWordBytes = 42;
constexpr std::size_t kWordOverhead = 12;  // "=?UTF-8?B?" and "?="

bool is_atext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// dot-atom "@" dot-atom, loosely: what both addresses and message ids must look like.
bool is_local_at_domain(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  const auto at = s.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == s.size()) return false;
  if (s.find('@', at + 1) != std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_atext(c) || c == '.' || c == '@'; });
}

bool is_field_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxHeaderName) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return c > ' ' && c < 127 && c != ':'; });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_reserved(std::string_view name) {
  const std::string n = lower(name);
  for (std::string_view r :
       {"date", "from", "to", "cc", "bcc", "message-id", "subject", "mime-version"}) {
    if (n == r) return true;
  }
  return n.starts_with("content-");
}

// Control characters, CR and LF among them, would end the header line.
std::string without_controls(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

// Printable ASCII that no decoder could mistake for an encoded-word.
bool is_plain(std::string_view s) {
  const bool printable =
      std::all_of(s.begin(), s.end(), [](char c) { return c >= ' ' && c < 127; });
  return printable && s.find("=?") == std::string_view::npos;
}

std::string base64(std::string_view bytes) {
  const std::size_t size = sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(size, '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(size - 1);  // the terminating NUL
  return out;
}

// Bytes in the UTF-8 sequence starting at s[i]; a stray byte counts alone.
std::size_t sequence_length(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  std::size_t want = 1;
  if (lead >= 0xc0 && lead < 0xe0) want = 2;
  if (lead >= 0xe0 && lead < 0xf0) want = 3;
  if (lead >= 0xf0 && lead < 0xf8) want = 4;
  std::size_t n = 1;
  while (n < want && i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xc0) == 0x80) ++n;
  return n;
}

// The first word gets at most `first_room` characters, so it can share the
// line with the field name: a fold right after "Name:" would read as a
// leading space.
std::vector<std::string> encoded_words(std::string_view utf8, std::size_t first_room) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < utf8.size()) {
    std::size_t cap = kWordBytes;
    if (words.empty() && first_room < kWordOverhead + 4 * kWordBytes / 3) {
      cap = first_room > kWordOverhead + 8 ? (first_room - kWordOverhead) / 4 * 3 : 4;
    }
    std::size_t end = start;
    while (end < utf8.size()) {
      const std::size_t n = sequence_length(utf8, end);
      if (end + n - start > cap && end > start) break;
      end += n;
    }
    words.push_back("=?UTF-8?B?" + base64(utf8.substr(start, end - start)) + "?=");
    start = end;
  }
  return words;
}

// A header value cut where it may be folded: every piece but the first starts
// with the whitespace a fold goes before.
using Pieces = std::vector<std::string>;

Pieces split_at_spaces(std::string_view s) {
  Pieces pieces;
  std::size_t start = 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i] == ' ' && s[i - 1] != ' ') {
      pieces.emplace_back(s.substr(start, i - start));
      start = i;
    }
  }
  if (!s.empty()) pieces.emplace_back(s.substr(start));
  return pieces;
}

// The first piece fits in `first_room`, every other one on a continuation line.
bool foldable(const Pieces& pieces, std::size_t first_room) {
  if (!pieces.empty() && pieces.front().size() > first_room) return false;
  return std::all_of(pieces.begin(), pieces.end(),
                     [](const std::string& p) { return p.size() <= kMaxLine; });
}

Pieces word_pieces(std::string_view utf8, std::size_t first_room) {
  Pieces pieces = encoded_words(utf8, first_room);
  for (std::size_t i = 1; i < pieces.size(); ++i) pieces[i].insert(0, " ");
  return pieces;
}

// Room for the first piece of a field's value: after "Name: ".
std::size_t room_after(std::string_view field_name) { return kMaxLine - field_name.size() - 2; }

// Unstructured text: the subject and extra header values.
Pieces text_pieces(std::string_view value, std::size_t first_room) {
  const std::string text = trimmed(without_controls(value));
  if (is_plain(text)) {
    Pieces pieces = split_at_spaces(text);
    if (foldable(pieces, first_room)) return pieces;
  }
  return word_pieces(text, first_room);
}

Pieces name_pieces(std::string_view value, std::size_t first_room) {
  const std::string name = trimmed(without_controls(value));
  if (is_plain(name)) {
    const bool atoms =
        std::all_of(name.begin(), name.end(), [](char c) { return is_atext(c) || c == ' '; });
    std::string phrase;
    if (atoms) {
      phrase = name;
    } else {
      phrase = "\"";
      for (char c : name) {
        if (c == '"' || c == '\\') phrase += '\\';
        phrase += c;
      }
      phrase += '"';
    }
    Pieces pieces = split_at_spaces(phrase);
    if (foldable(pieces, first_room)) return pieces;
  }
  return word_pieces(name, first_room);
}

Pieces address_list(const std::vector<Address>& addresses, std::size_t first_room) {
  Pieces pieces;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    // Later names start on a line of their own if need be.
    const std::size_t room = pieces.empty() ? first_room : kMaxLine - 1;
    for (auto& p : name_pieces(addresses[i].name, room)) {
      if (!pieces.empty() && !p.starts_with(' ')) p.insert(0, " ");
      pieces.push_back(std::move(p));
    }
    std::string angle = "<" + addresses[i].email + ">";
    if (i + 1 < addresses.size()) angle += ',';
    if (!pieces.empty()) angle.insert(0, " ");
    pieces.push_back(std::move(angle));
  }
  return pieces;
}

// "Name: value" and its CRLF, folding before a piece (never the first)
// whenever the line would pass kMaxLine.
void put_field(std::string& out, std::string_view name, const Pieces& pieces) {
  out += name;
  out += ':';
  std::size_t line = name.size() + 1;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const std::string& p = pieces[i];
    if (i == 0) {
      out += ' ';
      ++line;
    } else if (line + p.size() > kMaxLine) {
      out += "\r\n";
      line = 0;
    }
    out += p;
    line += p.size();
  }
  out += "\r\n";
}

std::string rfc5322_date(Instant at) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto secs = floor<seconds>(at);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

// RFC 2046 4.1.1: text travels with CRLF line breaks, even inside base64.
std::string with_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

void put_part(std::string& out, std::string_view subtype, std::string_view content) {
  out += "Content-Type: text/";
  out += subtype;
  out += "; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  const std::string encoded = base64(with_crlf(content));
  for (std::size_t i = 0; i < encoded.size(); i += kBodyLine) {
    out.append(encoded, i, kBodyLine);
    out += "\r\n";
  }
}

}  // namespace

bool is_valid_email(std::string_view email) { return is_local_at_domain(email, kMaxEmail); }

std::string validate(const Message& message) {
  if (!is_local_at_domain(message.message_id, kMaxMessageId)) {
    return "The message id \"" + without_controls(message.message_id) +
           "\" is not of the form local@domain in plain ASCII.";
  }
  if (!is_valid_email(message.from.email)) {
    return "The sender \"" + without_controls(message.from.email) +
           "\" is not a plain ASCII e-mail address.";
  }
  if (message.to.empty()) return "The message has no recipient.";
  for (const auto& a : message.to) {
    if (!is_valid_email(a.email)) {
      return "The recipient \"" + without_controls(a.email) +
             "\" is not a plain ASCII e-mail address.";
    }
  }
  for (const auto& [name, value] : message.headers) {
    if (!is_field_name(name)) {
      return "The header name \"" + without_controls(name) + "\" is not a valid field name.";
    }
    if (is_reserved(name)) return "The header " + name + " is written by render itself.";
  }
  return {};
}

std::string encode_header_text(std::string_view utf8) {
  const std::string text = without_controls(utf8);
  if (is_plain(text)) return text;
  std::string out;
  for (const auto& word : encoded_words(text, kMaxLine)) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

std::string render(const Message& message) {
  if (auto problem = validate(message); !problem.empty()) throw std::invalid_argument(problem);
  std::string out;
  put_field(out, "Date", {rfc5322_date(message.date)});
  put_field(out, "From", address_list({message.from}, room_after("From")));
  put_field(out, "To", address_list(message.to, room_after("To")));
  put_field(out, "Message-ID", {"<" + message.message_id + ">"});
  put_field(out, "Subject", text_pieces(message.subject, room_after("Subject")));
  for (const auto& [name, value] : message.headers) {
    put_field(out, name, text_pieces(value, room_after(name)));
  }
  out += "MIME-Version: 1.0\r\n";
  if (message.html.empty()) {
    put_part(out, "plain", message.text);
    return out;
  }
  // "=_" never occurs in base64, so the boundary cannot occur in a part.
  const std::string boundary = "=_qingling_" + sha256_hex(message.message_id).substr(0, 32);
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n";
  put_part(out, "plain", message.text);
  out += "--" + boundary + "\r\n";
  put_part(out, "html", message.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace qingling::mail
