#include "engine/store/read_only_media.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace qingling::store {
namespace {

// `file` as an absolute "file:" URI, every byte but the unreserved ones
// and '/' percent-encoded, so a '?', '#' or '%' in a folder's name stays
// part of the path.
std::string file_uri(const std::filesystem::path& file) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  for (const char c : std::filesystem::absolute(file).string()) {
    const auto b = static_cast<unsigned char>(c);
    const bool plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                       b == '-' || b == '.' || b == '_' || b == '~' || b == '/';
    if (plain) {
      uri += c;
    } else {
      uri += '%';
      uri += kHex[b >> 4];
      uri += kHex[b & 0xf];
    }
  }
  return uri;
}

}  // namespace

bool read_only_file_system(const std::filesystem::path& dir) {
  // O_TMPFILE leaves nothing behind, whatever the answer. statvfs would not
  // do: ext4 turned read-only after an error still reports a writable mount.
  const std::filesystem::path where = dir.empty() ? std::filesystem::path(".") : dir;
  const int fd = ::open(where.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return false;
  }
  return errno == EROFS;
}

std::unique_ptr<ReadView> open_sqlite_on_read_only_media(const std::filesystem::path& file) {
  const std::filesystem::path dir = file.parent_path();
  if (!read_only_file_system(dir)) {
    throw std::runtime_error(file.string() +
                             " can be written: open it the ordinary way, as a server may be "
                             "writing it");
  }
  const std::filesystem::path wal = file.string() + "-wal";
  std::error_code ec;
  const std::uintmax_t wal_bytes = std::filesystem::file_size(wal, ec);
  if (!ec && wal_bytes > 0) {
    // Its last writer stopped without folding the log into the file (it was
    // killed, or its disk turned read-only). SQLite reads the log read-only
    // through the index file beside it; without that file it cannot, and the
    // file alone would lack the log's commits.
    if (!std::filesystem::exists(file.string() + "-shm")) {
      throw std::runtime_error(
          wal.string() +
          " holds changes not yet in the database file, and its index file is missing, so they "
          "cannot be read on a read-only file system: copy the data folder somewhere writable "
          "and read the copy");
    }
    return open_sqlite_reader(file_uri(file));
  }
  // No log to miss. immutable=1 reads the file without the index file, and
  // without any lock or check for changes: right only because nothing can
  // write a file on a read-only file system. On a writable one another
  // process could change it under the reader, which would then read torn
  // pages; hence the check above.
  return open_sqlite_reader(file_uri(file) + "?immutable=1");
}

}  // namespace qingling::store
