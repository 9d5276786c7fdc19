#pragma once

// How the text of an XLSX cell is made from what the sheet stores: cell
// references, string escapes, numbers and dates. Pure functions.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace qingling::sheet {

// Excel's widest sheet: columns A to XFD.
constexpr std::size_t kMaxColumns = 16384;

// The 0-based column of a cell reference ("A1" -> 0, "AB12" -> 27), or null
// when it is not a reference within Excel's 16384 columns.
std::optional<std::size_t> column_of(std::string_view reference);

// OOXML's escapes for characters XML cannot carry: "_x000D_" -> CR,
// "_x005F_" -> "_". Anything else is kept as it is.
std::string decode_escapes(std::string_view text);

// Whether number format `id` (built-in) or `code` (custom, may be empty)
// shows a date, under the rules stated in xlsx_reader.h.
bool is_date_format(int id, std::string_view code);

// A stored number as text: integers without ".0", the shortest form that
// reads back the same, no exponent between 1e-6 and 1e21. Text that is not
// a number comes back as it is.
std::string number_text(std::string_view stored);

// A stored number in a date-formatted cell as "YYYY-MM-DD" (time of day
// dropped), or null when it is not a number or not a date in years 1-9999.
std::optional<std::string> date_text(std::string_view stored, bool date1904);

}  // namespace qingling::sheet
