#include "engine/sheet/zip_archive.h"

#include <zip.h>

#include <array>

namespace qingling::sheet {
namespace {

struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

std::string size_text(std::uint64_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

std::unique_ptr<ZipArchive> ZipArchive::open(std::string_view bytes, std::string* error) {
  zip_error_t failure;
  zip_error_init(&failure);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &failure);
  zip_t* archive = source ? zip_open_from_source(source, ZIP_RDONLY, &failure) : nullptr;
  if (!archive) {
    if (source) zip_source_free(source);
    if (error) *error = zip_error_strerror(&failure);
    zip_error_fini(&failure);
    return nullptr;
  }
  zip_error_fini(&failure);
  return std::unique_ptr<ZipArchive>(new ZipArchive(archive));
}

ZipArchive::~ZipArchive() { zip_discard(archive_); }

bool ZipArchive::contains(std::string_view name) const {
  return zip_name_locate(archive_, std::string(name).c_str(), ZIP_FL_NOCASE) >= 0;
}

std::string ZipArchive::read(std::string_view name, std::uint64_t max_bytes,
                             const std::function<bool(std::string_view chunk)>& sink) const {
  const std::string path(name);
  const zip_int64_t index = zip_name_locate(archive_, path.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return path + " is missing";
  const auto entry = static_cast<zip_uint64_t>(index);
  zip_stat_t stat;
  if (zip_stat_index(archive_, entry, 0, &stat) != 0) return path + " cannot be read";
  if ((stat.valid & ZIP_STAT_SIZE) && stat.size > max_bytes) {
    return path + " is larger than " + size_text(max_bytes) + " uncompressed";
  }
  std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive_, entry, 0));
  if (!file) return path + " cannot be opened: " + zip_strerror(archive_);
  std::array<char, 64 * 1024> buffer;
  std::uint64_t total = 0;
  for (;;) {
    const zip_int64_t n = zip_fread(file.get(), buffer.data(), buffer.size());
    if (n < 0) return path + " is corrupt: " + zip_file_strerror(file.get());
    if (n == 0) return {};
    total += static_cast<std::uint64_t>(n);
    // The directory's size may lie; what inflating produces cannot.
    if (total > max_bytes)
      return path + " is larger than " + size_text(max_bytes) + " uncompressed";
    if (!sink(std::string_view(buffer.data(), static_cast<std::size_t>(n)))) return {};
  }
}

}  // namespace qingling::sheet
