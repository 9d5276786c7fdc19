#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace qingling::web {

// Evidence files, content-addressed under a folder beside the database:
// <dir>/ab/abcdef… (SHA-256), each stored once however often it is attached.
//
// An upload first puts its files, then records them through the writer, and
// then keeps or drops them. A file this process created is removed again
// when every upload holding it failed, so a failed or refused upload leaves
// nothing behind; a file any upload recorded stays. Thread-safe.
class EvidenceStore {
 public:
  explicit EvidenceStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path path_of(const std::string& sha256) const;

  struct Put {
    std::string sha256;
    bool created = false;  // false: the same content was stored before
  };
  // Stores `content` durably (written to a temporary, synced, renamed, the
  // folder synced) and holds it until `settle`. Throws std::system_error.
  Put put(std::string_view content);

  // Ends a hold: `recorded` when the attach committed.
  void settle(const std::string& sha256, bool recorded);

  // Where uploads are written before they are renamed under their hash.
  std::filesystem::path temporaries() const;
  // Removes temporaries a crash left behind; returns how many.
  std::size_t sweep_temporaries() const;

 private:
  struct Hold {
    int holders = 0;
    bool created = false;
    bool recorded = false;
  };
  std::filesystem::path dir_;
  std::mutex mutex_;
  std::map<std::string, Hold> holds_;
};

}  // namespace qingling::web
