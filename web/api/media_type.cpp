#include "web/api/media_type.h"

#include <magic.h>

#include <memory>
#include <stdexcept>

namespace qingling::web {
namespace {

struct CookieCloser {
  void operator()(magic_set* m) const { magic_close(m); }
};
using Cookie = std::unique_ptr<magic_set, CookieCloser>;

// libmagic's cookies are not thread-safe: one per thread, loaded once.
magic_set* cookie() {
  thread_local Cookie c = [] {
    Cookie made(magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF |
                           MAGIC_NO_CHECK_TAR));
    if (!made || magic_load(made.get(), nullptr) != 0) {
      throw std::runtime_error(std::string("cannot load libmagic's database: ") +
                               (made ? magic_error(made.get()) : "out of memory"));
    }
    return made;
  }();
  return c.get();
}

}  // namespace

std::string sniff_media_type(std::string_view content) {
  const char* type = magic_buffer(cookie(), content.data(), content.size());
  if (type == nullptr) return "application/octet-stream";
  return type;
}

}  // namespace qingling::web
