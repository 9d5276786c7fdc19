#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace qingling::web {

// One file of the web page, as served.
struct Asset {
  std::string content_type;
  std::string body;
  std::string etag;  // quoted, from the content's hash
};

// The web page's files, read into memory once at start, so a request names
// an entry of a table and never a path on disk (no traversal, no races):
// `index.html` of the page folder at "/", every file of the folder at
// "/assets/<relative path>", and the npm files its `vendor.json` names
// ({"served name": "path under node_modules"}) at "/assets/vendor/<name>".
class StaticFiles {
 public:
  StaticFiles() = default;  // serves nothing

  // Missing folders and files are warnings (the API works without a page).
  static StaticFiles load(const std::filesystem::path& ui_dir,
                          const std::filesystem::path& node_modules);

  const Asset* find(std::string_view path) const;
  const std::vector<std::string>& warnings() const { return warnings_; }
  std::size_t size() const { return files_.size(); }

 private:
  void add(std::string path, const std::filesystem::path& file);

  std::unordered_map<std::string, Asset> files_;
  std::vector<std::string> warnings_;
};

// The Content-Security-Policy of the page: its own origin only, no inline
// script or style, no frames, no plugins.
inline constexpr std::string_view kPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

}  // namespace qingling::web
