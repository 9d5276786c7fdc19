// 佐证材料 over real HTTP: multipart uploads, limits and types from the rule
// pack (judged by content), deduplication, nothing left by a refused upload,
// fetching only inside the jurisdiction.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/web/api_fixture.h"

namespace qingling::testing {
namespace {

namespace fs = std::filesystem;

// A 1x1 PNG and the start of a PDF: real signatures libmagic knows.
const std::string kPng(
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx"
    "\x9c"
    "c\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xae"
    "B`\x82",
    67);
const std::string kPdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
// A Windows executable named like a photo.
const std::string kExe("MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0PE\0\0", 20);

struct FilePart {
  std::string name;
  std::string content;
  std::string type = "application/octet-stream";
  bool extended_name = false;  // filename*=UTF-8''… instead of raw UTF-8
};

std::string percent_encode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A multipart/form-data body as a browser builds it.
std::pair<std::string, std::string> form(const std::vector<FilePart>& files) {
  const std::string boundary = "----qinglingBoundary7MA4YWxkTrZu0gW";
  std::string body;
  for (const FilePart& f : files) {
    body += "--" + boundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"file\"; ";
    body += f.extended_name ? "filename*=UTF-8''" + percent_encode(f.name)
                            : "filename=\"" + f.name + "\"";
    body += "\r\nContent-Type: " + f.type + "\r\n\r\n" + f.content + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return {"multipart/form-data; boundary=" + boundary, body};
}

std::size_t files_in(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The demo pack with small evidence limits: 1 KB a file, 2 KB a problem.
class EvidenceApiTest : public ApiTest {
 protected:
  void SetUp() override {
    pack_ = test_dir().string() + "-pack";
    fs::remove_all(pack_);
    fs::copy(demo_pack(), pack_, fs::copy_options::recursive);
    std::string text = read_text(pack_ / "campaign.yaml");
    const auto replace = [&](const std::string& from, const std::string& to) {
      const auto at = text.find(from);
      ASSERT_NE(at, std::string::npos) << from;
      text.replace(at, from.size(), to);
    };
    replace("../../calendars/cn.yaml",
            std::string(QINGLING_SOURCE_DIR) + "/rules/calendars/cn.yaml");
    replace("max_file_size: 20 MB", "max_file_size: 1 KB");
    replace("max_problem_size: 200 MB", "max_problem_size: 2 KB");
    std::ofstream(pack_ / "campaign.yaml") << text;
    ApiTest::SetUp();
  }
  void TearDown() override {
    ApiTest::TearDown();
    fs::remove_all(pack_);
  }
  fs::path pack_dir() const override { return pack_; }

  // A problem assigned to the responsible user's township.
  std::int64_t assigned_issue() {
    const auto id = create_issue().at("id").as_int64();
    auto res =
        act("supervisor", id, "assign", 1, {{"fields", {{"responsible_unit", "cc.c01.t01"}}}});
    EXPECT_EQ(res.status, 200u) << res.body;
    return id;
  }

  HttpResult upload(const std::string& user, std::int64_t id, const std::vector<FilePart>& files) {
    auto [type, body] = form(files);
    return as(user).request("POST", "/api/v1/issues/" + std::to_string(id) + "/evidence", body,
                            {{"Content-Type", type}});
  }

  int version(std::int64_t id) {
    return static_cast<int>(as("supervisor")
                                .get("/api/v1/issues/" + std::to_string(id))
                                .json()
                                .at("version")
                                .as_int64());
  }

  fs::path evidence_dir() const { return dir_ / "evidence"; }
  fs::path pack_;
};

TEST_F(EvidenceApiTest, SeveralFilesUploadedAsAFormAreJudgedByContentAndServedBack) {
  const auto id = assigned_issue();
  auto res = upload("responsible", id,
                    {{"整改后照片.png", kPng, "image/png"},
                     {"验收报告（盖章）.pdf", kPdf, "application/pdf", true},
                     {"C:\\Users\\村委\\说明.txt", "已整改到位。\n", "text/plain"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  const auto& attached = res.json().at("attached").as_array();
  ASSERT_EQ(attached.size(), 3u);
  EXPECT_EQ(attached[0].at("name").as_string(), "整改后照片.png");
  EXPECT_EQ(attached[0].at("type").as_string(), "image/png");
  EXPECT_EQ(attached[1].at("name").as_string(), "验收报告（盖章）.pdf");
  EXPECT_EQ(attached[1].at("type").as_string(), "application/pdf");
  EXPECT_EQ(attached[2].at("name").as_string(), "说明.txt");  // the folder is dropped
  EXPECT_EQ(attached[2].at("type").as_string(), "text/plain");
  EXPECT_EQ(res.json().at("issue").at("evidence_count").as_int64(), 3);
  EXPECT_EQ(res.json().at("issue").at("version").as_int64(), 5);  // one event per file
  const std::string url(attached[0].at("url").as_string());
  EXPECT_EQ(res.header("Location"), url);

  auto list = as("inspector").get("/api/v1/issues/" + std::to_string(id) + "/evidence");
  ASSERT_EQ(list.status, 200u) << list.body;
  ASSERT_EQ(list.json().at("items").as_array().size(), 3u);
  EXPECT_EQ(list.json().at("items").at(1).at("size").as_int64(),
            static_cast<std::int64_t>(kPdf.size()));
  EXPECT_EQ(list.json().at("items").at(0).at("attached_by").as_string(), "responsible");

  auto file = as("inspector").get(url);
  ASSERT_EQ(file.status, 200u);
  EXPECT_EQ(file.body, kPng);
  EXPECT_EQ(file.header("Content-Type"), "image/png");
  EXPECT_NE(file.header("Content-Disposition")
                .find("filename*=UTF-8''%E6%95%B4%E6%94%B9%E5%90%8E%E7%85%A7%E7%89%87.png"),
            std::string::npos)
      << file.header("Content-Disposition");
  const std::string etag = file.header("ETag");
  EXPECT_EQ(etag, "\"" + std::string(attached[0].at("sha256").as_string()) + "\"");
  auto again = as("inspector").request("GET", url, "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(EvidenceApiTest, ARawBodyWithANameIsOneFile) {
  const auto id = assigned_issue();
  auto res =
      as("responsible")
          .request("POST",
                   "/api/v1/issues/" + std::to_string(id) + "/evidence?name=%E7%8E%B0%E5%9C%BA.png",
                   kPng, {{"Content-Type", "image/png"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(res.json().at("attached").at(0).at("name").as_string(), "现场.png");
}

TEST_F(EvidenceApiTest, AFileOfAWrongTypeByContentIsRefusedAndLeavesNothing) {
  const auto id = assigned_issue();
  const int before = version(id);
  // A good photo and an executable named .jpg: all or nothing.
  auto res = upload("responsible", id,
                    {{"照片1.png", kPng, "image/png"}, {"照片2.jpg", kExe, "image/jpeg"}});
  ASSERT_EQ(res.status, 415u) << res.body;
  EXPECT_EQ(res.header("Content-Type"), "application/problem+json");
  const auto& errors = res.json().at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].at("field").as_string(), "file[1]");
  EXPECT_NE(std::string(errors[0].at("message").as_string()).find("照片2.jpg"), std::string::npos);
  EXPECT_EQ(version(id), before);
  EXPECT_EQ(files_in(evidence_dir()), 0u);  // neither file stayed
}

TEST_F(EvidenceApiTest, FilesOverThePacksLimitsAreRefused) {
  const auto id = assigned_issue();
  auto res = upload("responsible", id, {{"大文件.txt", std::string(1500, 'a'), "text/plain"}});
  ASSERT_EQ(res.status, 413u) << res.body;
  EXPECT_EQ(res.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(res.json().at("errors").at(0).at("field").as_string(), "file");
  EXPECT_EQ(files_in(evidence_dir()), 0u);

  // 1 KB a file is taken, but not beyond 2 KB for the problem.
  res = upload("responsible", id, {{"a.txt", std::string(1000, 'a'), "text/plain"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  res = upload("responsible", id, {{"b.txt", std::string(1000, 'b'), "text/plain"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  res = upload("responsible", id, {{"c.txt", std::string(100, 'c'), "text/plain"}});
  ASSERT_EQ(res.status, 413u) << res.body;
  EXPECT_NE(
      std::string(res.json().at("errors").at(0).at("message").as_string()).find("per problem"),
      std::string::npos);
  EXPECT_EQ(files_in(evidence_dir()), 2u);

  // A body larger than any problem may hold is refused before it is read.
  const std::string huge(3 * 1024 * 1024, 'x');
  res = as("responsible")
            .request("POST", "/api/v1/issues/" + std::to_string(id) + "/evidence?name=x.txt", huge,
                     {{"Content-Type", "text/plain"}});
  EXPECT_EQ(res.status, 413u);
}

TEST_F(EvidenceApiTest, TheSameFileIsStoredOnceHoweverOftenItIsAttached) {
  const auto first = assigned_issue();
  const auto second = assigned_issue();
  auto a = upload("responsible", first, {{"台账.pdf", kPdf, "application/pdf"}});
  ASSERT_EQ(a.status, 201u) << a.body;
  EXPECT_EQ(a.json().at("attached").at(0).at("stored").as_string(), "new");
  auto b = upload("responsible", second, {{"同一台账.pdf", kPdf, "application/pdf"}});
  ASSERT_EQ(b.status, 201u) << b.body;
  EXPECT_EQ(b.json().at("attached").at(0).at("stored").as_string(), "existing");
  EXPECT_EQ(a.json().at("attached").at(0).at("sha256"), b.json().at("attached").at(0).at("sha256"));
  EXPECT_EQ(files_in(evidence_dir()), 1u);
}

TEST_F(EvidenceApiTest, EvidenceOutsideTheJurisdictionIsNotThere) {
  const auto id = assigned_issue();
  auto res = upload("responsible", id, {{"照片.png", kPng, "image/png"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  const std::string url(res.json().at("attached").at(0).at("url").as_string());
  auto fetched = as("outsider").get(url);
  EXPECT_EQ(fetched.status, 404u);
  EXPECT_EQ(fetched.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(fetched.body.find("PNG"), std::string::npos);
  EXPECT_EQ(as("outsider").get("/api/v1/issues/" + std::to_string(id) + "/evidence").status, 404u);
  EXPECT_EQ(upload("outsider", id, {{"x.png", kPng, "image/png"}}).status, 404u);
  // Another problem's hash through a visible problem: not there either.
  const auto other = assigned_issue();
  EXPECT_EQ(as("responsible")
                .get("/api/v1/issues/" + std::to_string(other) + "/evidence/" +
                     std::string(res.json().at("attached").at(0).at("sha256").as_string()))
                .status,
            404u);
}

TEST_F(EvidenceApiTest, SubmittingWithoutEvidenceIsRefusedThenTakenWithIt) {
  const auto id = assigned_issue();
  auto res = act("responsible", id, "submit", 2,
                 {{"comment", "已整改"}, {"fields", {{"head_confirmed", true}}}});
  ASSERT_EQ(res.status, 422u) << res.body;
  EXPECT_NE(res.body.find("\"evidence\""), std::string::npos) << res.body;
  ASSERT_EQ(upload("responsible", id, {{"照片.png", kPng, "image/png"}}).status, 201u);
  res = act("responsible", id, "submit", 3,
            {{"comment", "已整改"}, {"fields", {{"head_confirmed", true}}}});
  EXPECT_EQ(res.status, 200u) << res.body;
}

// A server that gives up on a silent client after a second.
class ImpatientEvidenceApiTest : public EvidenceApiTest {
 protected:
  void SetUp() override {
    limits_.idle_timeout = std::chrono::seconds(1);
    EvidenceApiTest::SetUp();
  }
};

TEST_F(ImpatientEvidenceApiTest, AnUploadCutOffMidwayLeavesNothing) {
  const auto id = assigned_issue();
  const int before = version(id);
  const std::string head = "POST /api/v1/issues/" + std::to_string(id) +
                           "/evidence?name=a.png HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                           tokens_.at("responsible") +
                           "\r\nContent-Type: image/png\r\nContent-Length: 1000\r\n\r\n";
  // 67 of 1000 bytes, then silence: the server times the upload out.
  const std::string reply = as("").raw(head + kPng);
  EXPECT_EQ(reply.find("201"), std::string::npos) << reply;
  EXPECT_EQ(version(id), before);
  EXPECT_EQ(files_in(evidence_dir()), 0u);
  EXPECT_EQ(as("").get("/healthz").status, 200u);
}

TEST_F(EvidenceApiTest, AFileNameMustBeUtf8WithoutControlCharacters) {
  const auto id = assigned_issue();
  // GBK bytes for 照片, as an old Windows client may send them.
  auto res = upload("responsible", id, {{"\xD5\xD5\xC6\xAC.png", kPng, "image/png"}});
  ASSERT_EQ(res.status, 422u) << res.body;
  EXPECT_EQ(res.json().at("errors").at(0).at("field").as_string(), "file[0]");
  res = as("responsible")
            .request("POST", "/api/v1/issues/" + std::to_string(id) + "/evidence?name=a%0Ab.png",
                     kPng, {{"Content-Type", "image/png"}});
  EXPECT_EQ(res.status, 422u) << res.body;
  res = as("responsible")
            .request("POST",
                     "/api/v1/issues/" + std::to_string(id) + "/evidence?name=..%2F..%2Fx.png",
                     kPng, {{"Content-Type", "image/png"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(res.json().at("attached").at(0).at("name").as_string(), "x.png");
  EXPECT_EQ(files_in(evidence_dir()), 1u);
}

TEST_F(EvidenceApiTest, AMalformedFormIsAClearError) {
  const auto id = assigned_issue();
  auto res = as("responsible")
                 .request("POST", "/api/v1/issues/" + std::to_string(id) + "/evidence",
                          "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\""
                          "\r\n\r\nno closing boundary",
                          {{"Content-Type", "multipart/form-data; boundary=b"}});
  ASSERT_EQ(res.status, 422u) << res.body;
  EXPECT_EQ(res.json().at("errors").at(0).at("field").as_string(), "body");
  EXPECT_EQ(files_in(evidence_dir()), 0u);
}

}  // namespace
}  // namespace qingling::testing
