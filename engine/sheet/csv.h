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
// hold commas and line breaks; CRLF, LF or a lone CR ends a line; the last
// line may lack one) in any of the encodings above, under the rules stated
// on Table. Row numbers are the line a record starts on, so a quoted field
// spanning lines does not shift the rows after it. Leniently, as Excel
// reads them, a quote inside an unquoted field and text after a closing
// quote are kept as they are. Fails on an encoding error, a quote never
// closed (naming the line it opened on), an empty file or a passed limit.
std::variant<Table, ReadError> read_csv(std::string_view bytes, Encoding* found = nullptr,
                                        const ReadLimits& limits = {});

// Writes one CSV field: quoted, inner quotes doubled, when it holds a comma,
// a quote, CR or LF, or starts or ends with a space or tab; otherwise as is.
// read_csv gives the text back (a CR LF pair inside as one LF).
std::string csv_field(std::string_view text);

}  // namespace qingling::sheet
