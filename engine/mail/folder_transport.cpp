#include "engine/mail/transport.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "engine/core/sha256.h"

namespace qingling::mail {
namespace {

constexpr std::size_t kMaxStem = 200;  // leaves room for the hash and ".eml" under NAME_MAX

std::string file_name(const std::string& message_id) {
  std::string stem = message_id.substr(0, kMaxStem);
  bool changed = stem.size() != message_id.size();
  for (auto& c : stem) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '@' || c == '+' || c == '-' || c == '_';
    if (!keep) {
      c = '_';
      changed = true;
    }
  }
  if (stem.starts_with('.')) {
    stem[0] = '_';
    changed = true;
  }
  if (changed) stem += "-" + sha256_hex(message_id).substr(0, 12);
  return stem + ".eml";
}

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

class FolderTransport final : public Transport {
 public:
  explicit FolderTransport(std::filesystem::path folder) : folder_(std::move(folder)) {}

  Outcome send(const Message& message) override {
    if (auto problem = validate(message); !problem.empty()) {
      return {Outcome::Kind::Permanent, std::move(problem)};
    }
    const std::string bytes = render(message);
    std::error_code ec;
    std::filesystem::create_directories(folder_, ec);
    if (ec) return temporary("cannot create " + folder_.string() + ": " + ec.message());

    const std::string name = file_name(message.message_id);
    const std::string target = (folder_ / name).string();
    std::string temp = (folder_ / ("." + name + ".XXXXXX")).string();
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) return temporary(errno_text("cannot create", temp));
    if (!write_all(fd, bytes) || ::fsync(fd) != 0) {
      const std::string detail = errno_text("cannot write", temp);
      ::close(fd);
      ::unlink(temp.c_str());
      return temporary(detail);
    }
    if (::close(fd) != 0) {
      const std::string detail = errno_text("cannot close", temp);
      ::unlink(temp.c_str());
      return temporary(detail);
    }
    if (std::rename(temp.c_str(), target.c_str()) != 0) {
      const std::string detail = errno_text("cannot rename to", target);
      ::unlink(temp.c_str());
      return temporary(detail);
    }
    // The rename is durable only once the directory entry is.
    const int dir = ::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return temporary(errno_text("cannot open", folder_.string()));
    const bool synced = ::fsync(dir) == 0;
    const std::string detail = synced ? "" : errno_text("cannot fsync", folder_.string());
    ::close(dir);
    if (!synced) return temporary(detail);
    return {Outcome::Kind::Sent, "written to " + target};
  }

  std::string describe() const override { return "folder " + folder_.string(); }

 private:
  static Outcome temporary(std::string detail) {
    return {Outcome::Kind::Temporary, std::move(detail)};
  }

  std::filesystem::path folder_;
};

}  // namespace

std::unique_ptr<Transport> folder_transport(std::filesystem::path folder) {
  return std::make_unique<FolderTransport>(std::move(folder));
}

}  // namespace qingling::mail
