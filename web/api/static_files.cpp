#include "web/api/static_files.h"

#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>

#include "engine/core/sha256.h"

namespace qingling::web {
namespace fs = std::filesystem;
namespace {

std::string_view content_type_of(const fs::path& file) {
  static const std::unordered_map<std::string, std::string_view> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  };
  auto it = kTypes.find(file.extension().string());
  return it != kTypes.end() ? it->second : "application/octet-stream";
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in && !in.eof()) throw std::runtime_error("cannot read " + file.string());
  return std::move(out).str();
}

}  // namespace

void StaticFiles::add(std::string path, const fs::path& file) {
  Asset asset;
  asset.content_type = content_type_of(file);
  asset.body = read_all(file);
  asset.etag = "\"" + sha256_hex(asset.body).substr(0, 32) + "\"";
  files_[std::move(path)] = std::move(asset);
}

StaticFiles StaticFiles::load(const fs::path& ui_dir, const fs::path& node_modules) {
  StaticFiles out;
  std::error_code ec;
  if (!fs::is_directory(ui_dir, ec)) {
    out.warnings_.push_back("no web page: " + ui_dir.string() + " is not a folder");
    return out;
  }
  for (const auto& entry : fs::recursive_directory_iterator(ui_dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative = entry.path().lexically_relative(ui_dir).generic_string();
    out.add("/assets/" + relative, entry.path());
    if (relative == "index.html") out.add("/", entry.path());
  }
  const fs::path manifest = ui_dir / "vendor.json";
  if (!fs::exists(manifest)) return out;
  boost::system::error_code jec;
  const auto names = boost::json::parse(read_all(manifest), jec);
  if (jec || !names.is_object()) {
    out.warnings_.push_back(manifest.string() + ": expected a JSON object of name: path");
    return out;
  }
  for (const auto& [name, path] : names.as_object()) {
    const fs::path file = node_modules / std::string(path.is_string() ? path.get_string() : "");
    if (!path.is_string() || !fs::is_regular_file(file, ec)) {
      out.warnings_.push_back("web page: " + file.string() +
                              " is missing; run `npm ci` in web/ (deploy/setup.sh does)");
      continue;
    }
    out.add("/assets/vendor/" + std::string(name), file);
  }
  return out;
}

const Asset* StaticFiles::find(std::string_view path) const {
  auto it = files_.find(std::string(path));
  return it != files_.end() ? &it->second : nullptr;
}

}  // namespace qingling::web
