#include "tests/support/response_log.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string_view>

#include <gtest/gtest.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace qingling::testing {
namespace {

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, with jsonschema and yaml

std::mutex log_mutex;
std::optional<std::filesystem::path> log_path;  // set while recording
std::ofstream log_file;

bool is_json(std::string_view content_type) {
  std::string media(content_type.substr(0, content_type.find(';')));
  for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  return media == "application/json" ||
         (media.size() > 5 && media.compare(media.size() - 5, 5, "+json") == 0);
}

std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class ResponseValidation : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* flag = std::getenv("QINGLING_VALIDATE_RESPONSES");
    if (flag != nullptr && std::string_view(flag) == "0") return;
    const auto path = std::filesystem::temp_directory_path() /
                      ("qingling-responses-" + std::to_string(::getpid()) + ".jsonl");
    std::lock_guard lock(log_mutex);
    log_file.open(path, std::ios::binary | std::ios::trunc);
    if (log_file) log_path = path;
  }

  void TearDown() override {
    std::optional<std::filesystem::path> path;
    {
      std::lock_guard lock(log_mutex);
      path.swap(log_path);
      log_file.close();
    }
    if (!path) return;
    const Verdict verdict = validate_response_log(path->string());
    std::error_code ignored;
    std::filesystem::remove(*path, ignored);
    if (verdict.exit_status != 0) {
      ADD_FAILURE() << "Responses that web/openapi.yaml does not describe (set "
                       "QINGLING_VALIDATE_RESPONSES=0 to skip this check):\n"
                    << verdict.report;
    }
  }
};

[[maybe_unused]] const ::testing::Environment* const kValidation =
    ::testing::AddGlobalTestEnvironment(new ResponseValidation);

}  // namespace

void log_response(const std::string& method, const std::string& target, unsigned status,
                  const std::string& content_type, const std::string& body) {
  boost::json::object line{
      {"method", method}, {"target", target}, {"status", status}, {"content_type", content_type}};
  line["body"] = is_json(content_type) ? boost::json::value(body) : boost::json::value(nullptr);
  const std::string text = boost::json::serialize(line) + "\n";
  std::lock_guard lock(log_mutex);
  if (!log_path) return;
  log_file << text;
  log_file.flush();
}

Verdict validate_response_log(const std::string& log_path_name) {
  const std::filesystem::path source(QINGLING_SOURCE_DIR);
  const std::string command =
      std::string(kPython) + " " +
      shell_quoted((source / "tests/support/validate_responses.py").string()) + " " +
      shell_quoted((source / "web/openapi.yaml").string()) + " " + shell_quoted(log_path_name) +
      " 2>&1";
  Verdict verdict;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "cannot run " + command};
  char chunk[4096];
  std::size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0) verdict.report.append(chunk, n);
  const int status = ::pclose(pipe);
  verdict.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return verdict;
}

}  // namespace qingling::testing
