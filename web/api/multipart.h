#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/core/rejection.h"

namespace qingling::web {

// One part of a multipart/form-data body (RFC 7578). `content` points into
// the body it was parsed from.
struct FormPart {
  std::string name;          // the form field
  std::string file_name;     // UTF-8, without any folder a browser prepended; "" if not a file
  std::string content_type;  // as the sender declared it (not trusted)
  std::string_view content;
};

// The boundary of a "multipart/form-data; boundary=…" Content-Type, or "".
std::string form_boundary(std::string_view content_type);

// Splits `body` into its parts. A file name may come as filename="…" (raw
// UTF-8, as browsers send it) or filename*=UTF-8''… (RFC 5987, preferred).
// At most `max_parts` parts; a malformed body is Invalid naming "body".
Result<std::vector<FormPart>> parse_form_data(std::string_view body, std::string_view boundary,
                                              std::size_t max_parts = 100);

}  // namespace qingling::web
