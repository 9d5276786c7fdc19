#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "engine/sheet/table.h"

namespace qingling::sheet {

// The text encoding a CSV file was found in.
enum class Encoding { Utf8, Utf8Bom, Gb18030 };

// `bytes` as UTF-8: a UTF-8 byte order mark is dropped; text that is not
// valid UTF-8 is read as GB18030 (what Excel saves as "CSV" on a Chinese
// Windows). Fails when it is neither.
std::variant<std::string, ReadError> to_utf8(std::string_view bytes, Encoding* found = nullptr);

// Reads a CSV file (RFC 4180: comma separated, "" quoting, quoted fields may
// hold commas and line breaks; CRLF or LF) in any of the encodings above.
std::variant<Table, ReadError> read_csv(std::string_view bytes, Encoding* found = nullptr);

// Writes one CSV field, quoted when it must be.
std::string csv_field(std::string_view text);

}  // namespace qingling::sheet
