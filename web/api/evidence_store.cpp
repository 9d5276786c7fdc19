#include "web/api/evidence_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <system_error>

#include "engine/core/sha256.h"

namespace qingling::web {
namespace {

void sync_folder(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Writes `content` to `path` through a temporary of this call's own in
// `temporaries` (on the same file system), so a crash never leaves a
// partial file under a hash, and what it leaves is in one folder.
void write_durably(const std::filesystem::path& path, const std::filesystem::path& temporaries,
                   std::string_view content) {
  static std::atomic<std::uint64_t> next{0};
  std::filesystem::create_directories(path.parent_path());
  std::filesystem::create_directories(temporaries);
  const std::filesystem::path temp =
      temporaries / (path.filename().string() + "." + std::to_string(getpid()) + "-" +
                     std::to_string(next++) + ".part");
  const auto fail = [&](const char* what, int fd) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw std::system_error(err, std::generic_category(), std::string(what) + " " + temp.string());
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) fail("cannot create", -1);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write", fd);
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("cannot sync", fd);
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) fail("cannot rename", -1);
  sync_folder(path.parent_path());
}

}  // namespace

std::filesystem::path EvidenceStore::path_of(const std::string& sha256) const {
  return dir_ / sha256.substr(0, 2) / sha256;
}

EvidenceStore::Put EvidenceStore::put(std::string_view content) {
  Put put{sha256_hex(content), false};
  const std::filesystem::path path = path_of(put.sha256);
  std::lock_guard lock(mutex_);
  Hold& hold = holds_[put.sha256];
  ++hold.holders;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  const bool existed = !ec;
  if (!existed || size != content.size()) {
    try {
      // Under the lock: two uploads of one new file write it once. A file
      // of the wrong size (damaged) is rewritten, but was recorded before:
      // it is never this upload's to remove.
      write_durably(path, temporaries(), content);
    } catch (...) {
      if (--hold.holders == 0) holds_.erase(put.sha256);
      throw;
    }
    if (!existed) hold.created = true;
    put.created = !existed;
  }
  return put;
}

void EvidenceStore::settle(const std::string& sha256, bool recorded) {
  std::lock_guard lock(mutex_);
  auto it = holds_.find(sha256);
  if (it == holds_.end()) return;
  Hold& hold = it->second;
  hold.recorded = hold.recorded || recorded;
  if (--hold.holders > 0) return;
  if (hold.created && !hold.recorded) {
    std::error_code ignored;
    std::filesystem::remove(path_of(sha256), ignored);
    sync_folder(path_of(sha256).parent_path());
  }
  holds_.erase(it);
}

std::filesystem::path EvidenceStore::temporaries() const { return dir_ / ".tmp"; }

std::size_t EvidenceStore::sweep_temporaries() const {
  // Only the temporaries' folder: a start never walks the evidence itself.
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(temporaries(), ec)) {
    if (std::filesystem::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace qingling::web
