// The API contract, web/openapi.yaml, against the server: the document and
// the route table list the same operations, every documented operation is
// routed, the server serves the document, and the response validator catches
// what the document does not describe. (Every response of every API test is
// validated against the document by tests/support/response_log.h.)

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <yaml-cpp/yaml.h>
#include <boost/json.hpp>

#include "tests/support/response_log.h"
#include "tests/web/api_fixture.h"
#include "web/api/api.h"

namespace qingling::testing {
namespace {

const std::filesystem::path kDocument =
    std::filesystem::path(QINGLING_SOURCE_DIR) / "web/openapi.yaml";

struct Operation {
  std::string method;  // upper case, as in the route table
  std::string path;    // the pattern, "/api/v1/issues/{id}"
  friend auto operator<=>(const Operation&, const Operation&) = default;
};

std::string text(const Operation& op) { return op.method + " " + op.path; }

std::set<Operation> documented_operations() {
  static const char* const kMethods[] = {"get",   "put",  "post",    "delete",
                                         "patch", "head", "options", "trace"};
  const YAML::Node doc = YAML::LoadFile(kDocument.string());
  std::set<Operation> out;
  for (const auto& path : doc["paths"]) {
    for (const auto& item : path.second) {
      std::string key = item.first.as<std::string>();
      if (std::find(std::begin(kMethods), std::end(kMethods), key) == std::end(kMethods)) continue;
      std::transform(key.begin(), key.end(), key.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      out.insert({key, path.first.as<std::string>()});
    }
  }
  return out;
}

std::set<Operation> routed_operations() {
  std::set<Operation> out;
  for (const auto& route : web::route_table()) out.insert({route.method, route.pattern});
  return out;
}

TEST(OpenApi, DocumentsEveryRouteTheServerAnswers) {
  const auto documented = documented_operations();
  for (const Operation& op : routed_operations()) {
    EXPECT_TRUE(documented.contains(op)) << text(op) << " is routed but not in web/openapi.yaml";
  }
}

TEST(OpenApi, DocumentsOnlyRoutesTheServerAnswers) {
  const auto routed = routed_operations();
  for (const Operation& op : documented_operations()) {
    EXPECT_TRUE(routed.contains(op)) << text(op) << " is in web/openapi.yaml but not routed";
  }
}

// A log line as HttpClient records it.
std::string log_line(const std::string& method, const std::string& target, unsigned status,
                     const std::string& content_type, const boost::json::value& body) {
  boost::json::object line{{"method", method},
                           {"target", target},
                           {"status", status},
                           {"content_type", content_type},
                           {"body", boost::json::serialize(body)}};
  return boost::json::serialize(line) + "\n";
}

Verdict validate(const std::string& lines) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("qingling-openapi-validator-" + std::to_string(::getpid()) + ".jsonl");
  std::ofstream(path) << lines;
  Verdict verdict = validate_response_log(path.string());
  std::filesystem::remove(path);
  return verdict;
}

TEST(OpenApi, TheValidatorPassesDescribedResponses) {
  const auto verdict =
      validate(log_line("GET", "/healthz", 200, "application/json", {{"status", "ok"}}) +
               log_line("GET", "/api/v1/issues/7", 404, "application/problem+json",
                        {{"type", "/problems/not-found"},
                         {"title", "Not found"},
                         {"status", 404},
                         {"detail", "No problem 7."}}));
  EXPECT_EQ(verdict.exit_status, 0) << verdict.report;
}

TEST(OpenApi, TheValidatorFailsWrongTypesMissingFieldsAndUndocumentedStatuses) {
  const boost::json::object problem{
      {"type", "/problems/invalid"}, {"title", "Invalid request"}, {"status", "422"}};
  const auto verdict =
      validate(log_line("GET", "/api/v1/units", 200, "application/json",
                        {{"items", boost::json::array{{{"code", "cc"}, {"name", 7}}}}}) +
               log_line("POST", "/api/v1/issues", 422, "application/problem+json", problem) +
               log_line("GET", "/api/v1/me", 418, "application/json", boost::json::object{}) +
               log_line("GET", "/api/v1/nowhere", 200, "application/json", boost::json::object{}));
  EXPECT_NE(verdict.exit_status, 0);
  for (const char* expected : {"items/0/name: 7 is not of type 'string'", "'kind' is a required",
                               "'detail' is a required", "'422' is not of type 'integer'",
                               "no 418 response documented", "no documented path matches"}) {
    EXPECT_NE(verdict.report.find(expected), std::string::npos)
        << "missing \"" << expected << "\" in:\n"
        << verdict.report;
  }
}

class OpenApiServerTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    add_user("admin", "cc", "admin");
  }
};

// A plausible value for each path parameter of the document.
std::string fill(std::string path, std::int64_t issue_id) {
  const std::pair<std::string, std::string> values[] = {
      {"{id}", path.starts_with("/api/v1/outbox/") ? "1" : std::to_string(issue_id)},
      {"{action}", "progress"},
      {"{hash}", std::string(64, 'a')},
  };
  for (const auto& [name, value] : values) {
    for (auto at = path.find(name); at != std::string::npos; at = path.find(name)) {
      path.replace(at, name.size(), value);
    }
  }
  return path;
}

TEST_F(OpenApiServerTest, EveryDocumentedOperationIsRouted) {
  const auto id = create_issue().at("id").as_int64();
  for (const Operation& op : documented_operations()) {
    const std::string target = fill(op.path, id);
    const HttpResult res = as("admin").request(op.method, target);
    const bool unrouted = res.status == 405 || (res.status == 404 && res.json().is_object() &&
                                                res.json().as_object().contains("detail") &&
                                                res.json().at("detail") == "No such path.");
    EXPECT_FALSE(unrouted) << text(op) << " (" << target << ") answered " << res.status << " "
                           << res.body;
  }
}

TEST_F(OpenApiServerTest, ServesTheDocumentItWasBuiltWith) {
  std::ifstream in(kDocument, std::ios::binary);
  std::stringstream file;
  file << in.rdbuf();
  const HttpResult res = as("").get("/api/v1/openapi.yaml");
  ASSERT_EQ(res.status, 200u);
  EXPECT_EQ(res.header("Content-Type").rfind("application/yaml", 0), 0u)
      << res.header("Content-Type");
  EXPECT_EQ(res.body, file.str());
}

}  // namespace
}  // namespace qingling::testing
