// to_utf8, declared in csv.h: the encoding half of reading a CSV file.

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "engine/sheet/csv.h"

namespace qingling::sheet {
namespace {

constexpr std::size_t kValid = std::string_view::npos;

// The offset of the first byte that is not part of well-formed UTF-8
// (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), or
// kValid.
std::size_t first_invalid_utf8(std::string_view bytes) {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  std::size_t i = 0;
  while (i < bytes.size()) {
    const unsigned char lead = at(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > bytes.size()) return i;
    if (at(i + 1) < low || at(i + 1) > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if (at(i + k) < 0x80 || at(i + k) > 0xBF) return i;
    }
    i += length;
  }
  return kValid;
}

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};
using Converter = std::unique_ptr<std::remove_pointer_t<iconv_t>, IconvCloser>;

// `bytes` converted from GB18030, or the offset of the first byte that is
// not (or does not complete) a GB18030 character.
std::variant<std::string, std::size_t> from_gb18030(std::string_view bytes) {
  Converter cd(iconv_open("UTF-8", "GB18030"));
  if (cd.get() == reinterpret_cast<iconv_t>(-1)) {
    cd.release();
    throw std::runtime_error("iconv cannot convert GB18030 to UTF-8");
  }
  // A GB18030 character of n bytes is at most n + 1 bytes of UTF-8.
  std::string out(bytes.size() + bytes.size() / 2 + 4, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write
  std::size_t in_left = bytes.size();
  char* next = out.data();
  std::size_t out_left = out.size();
  while (in_left > 0) {
    if (iconv(cd.get(), &in, &in_left, &next, &out_left) != static_cast<std::size_t>(-1)) break;
    if (errno != E2BIG) return static_cast<std::size_t>(in - bytes.data());
    const auto used = static_cast<std::size_t>(next - out.data());
    out.resize(out.size() * 2);
    next = out.data() + used;
    out_left = out.size() - used;
  }
  out.resize(static_cast<std::size_t>(next - out.data()));
  return out;
}

std::size_t line_of(std::string_view bytes, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < bytes.size(); ++i) {
    if (bytes[i] == '\n') ++line;
  }
  return line;
}

std::string hex_byte(unsigned char byte) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 0x0F];
}

}  // namespace

std::variant<std::string, ReadError> to_utf8(std::string_view bytes, Encoding* found) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  Encoding encoding = Encoding::Utf8;
  if (bytes.substr(0, kBom.size()) == kBom) {
    bytes.remove_prefix(kBom.size());
    encoding = Encoding::Utf8Bom;
  }
  const std::size_t bad_utf8 = first_invalid_utf8(bytes);
  if (bad_utf8 == kValid) {
    if (found) *found = encoding;
    return std::string(bytes);
  }
  if (encoding == Encoding::Utf8 &&
      (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF"))) {
    return ReadError{
        "line 1", "the file is UTF-16 text (Excel's \"Unicode text\"); save it as \"CSV UTF-8\""};
  }
  if (encoding == Encoding::Utf8) {
    auto converted = from_gb18030(bytes);
    if (auto* text = std::get_if<std::string>(&converted)) {
      if (found) *found = Encoding::Gb18030;
      return std::move(*text);
    }
    // Name the byte where the more successful reading stopped: a GB18030 file
    // fails UTF-8 at its first Chinese character, a UTF-8 file GB18030 soon
    // after its first one, and either way the later offset is the real fault.
    const std::size_t bad = std::max(bad_utf8, std::get<std::size_t>(converted));
    return ReadError{"line " + std::to_string(line_of(bytes, bad)),
                     "byte " + hex_byte(static_cast<unsigned char>(bytes[bad])) + " at offset " +
                         std::to_string(bad) +
                         " is neither UTF-8 nor GB18030 text; save the file as \"CSV UTF-8\""};
  }
  // A byte order mark says UTF-8: no second guess.
  return ReadError{"line " + std::to_string(line_of(bytes, bad_utf8)),
                   "byte " + hex_byte(static_cast<unsigned char>(bytes[bad_utf8])) + " at offset " +
                       std::to_string(bad_utf8 + kBom.size()) +
                       " is not UTF-8, though the file starts as UTF-8"};
}

}  // namespace qingling::sheet
