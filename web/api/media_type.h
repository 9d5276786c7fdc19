#pragma once

#include <string>
#include <string_view>

namespace qingling::web {

// The media type of `content` judged from its bytes (libmagic), never from
// a name: "image/jpeg", "application/pdf", "text/plain",
// "application/octet-stream" when nothing matches. Thread-safe.
std::string sniff_media_type(std::string_view content);

}  // namespace qingling::web
