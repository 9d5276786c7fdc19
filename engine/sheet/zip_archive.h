#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

struct zip;  // libzip's archive, kept out of this header

namespace qingling::sheet {

// A zip archive read in place from memory, as an XLSX package is. The
// bytes must outlive the archive. Not thread-safe; one reader at a time.
class ZipArchive {
 public:
  // The archive, or null with `error` set when `bytes` are not a zip.
  static std::unique_ptr<ZipArchive> open(std::string_view bytes, std::string* error);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // Whether the entry exists; names match ignoring case, as OPC part names do.
  bool contains(std::string_view name) const;

  // Streams the uncompressed entry to `sink` in chunks; `sink` returns false
  // to stop early. The empty string on success or when the sink stopped,
  // otherwise what went wrong: missing, encrypted, corrupt, or larger than
  // `max_bytes` (by its directory entry or by what inflating produced).
  std::string read(std::string_view name, std::uint64_t max_bytes,
                   const std::function<bool(std::string_view chunk)>& sink) const;

 private:
  explicit ZipArchive(zip* archive) : archive_(archive) {}
  zip* archive_;
};

}  // namespace qingling::sheet
