// The data folder on storage that fails: a small tmpfs that fills up, a
// file system mounted read-only, and an ext4 disk that fails while serving.
// Mounting needs root (CI runs as root); elsewhere these tests skip and say
// why.
//
// A full disk: writes are refused 507 problem+json "Storage full", reads go
// on, nothing acknowledged is lost, and once space is freed writes work
// again and the audit chain verifies. A read-only data folder: `serve`
// refuses to start and names the folder (serving reads only would still
// fail every sign-in and every write, which a user would find out piece by
// piece; refusing says it once, at the start); `audit verify` reads it. A
// disk the kernel turns read-only while serving: writes are refused 503
// problem+json "Storage read-only", reads go on, /healthz and /readyz stay
// 200 (a restart would not help), and nothing acknowledged is lost.

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "engine/store/accounts.h"
#include "engine/store/audit.h"
#include "engine/store/read_only_media.h"
#include "engine/store/store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/http_client.h"
#include "tests/support/qingling_process.h"
#include "web/server/app.h"

namespace qingling::testing {
namespace {

struct RawAnswer {
  unsigned status = 0;
  std::string body;
};

// One request on its own connection, not recorded for the API contract
// check: 507 is this test's subject, not part of the documented API yet.
RawAnswer send_raw(HttpClient& client, const std::string& method, const std::string& target,
                   const std::string& token, const std::string& content_type,
                   const std::string& body) {
  const std::string request = method + " " + target +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                              "Authorization: Bearer " +
                              token + "\r\nContent-Type: " + content_type +
                              "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                              body;
  const std::string text = client.raw(request, 10000);
  RawAnswer answer;
  if (text.size() > 12 && text.starts_with("HTTP/1.1 ")) {
    answer.status = static_cast<unsigned>(std::stoi(text.substr(9, 3)));
  }
  const auto end = text.find("\r\n\r\n");
  if (end != std::string::npos) answer.body = text.substr(end + 4);
  return answer;
}

class StorageFault : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
    dir_ = std::filesystem::temp_directory_path() /
           ("qingling-storage-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=8m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs at " << dir_ << ": " << std::strerror(errno);
    }
    mounted_ = true;
    data_ = dir_ / "data";
  }

  void TearDown() override {
    app_.reset();
    if (!disk_.empty()) umount2(disk_.c_str(), MNT_DETACH);
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<web::App> make_app() {
    web::AppOptions options;
    options.port = 0;
    options.data_dir = data_;
    options.rules_dir = std::filesystem::path(QINGLING_SOURCE_DIR) / "rules/packs/chengchuan";
    options.clock = &clock_;
    // The ladder and the sender run too (mail to .eml files in the data
    // folder), so their threads meet the full disk as well.
    options.notify = true;
    return std::make_unique<web::App>(options);
  }

  std::string add_inspector() {
    auto db = store::open_sqlite(data_ / "qingling.db");
    auto backend = db->open_writer();
    backend->begin();
    store::User user{};
    user.name = "inspector";
    user.unit = "cc.c01";
    user.roles = {"inspector"};
    auto token = store::add_user(*backend, user, {"inspector"}, clock_.now());
    EXPECT_TRUE(token.has_value());
    backend->commit();
    return token ? *token : std::string();
  }

  // An ext4 file system in a file on the tmpfs, mounted at dir_/disk with
  // errors=remount-ro, the data folder on it; whether that could be done.
  // ext4 turns read-only under open files when the kernel reports an error
  // (tmpfs refuses a remount to read-only while a file is open for writing).
  bool mount_ext4() {
    const auto image = dir_ / "disk.img";
    disk_ = dir_ / "disk";
    std::filesystem::create_directories(disk_);
    if (!quietly("truncate -s 6M '" + image.string() + "' && mkfs.ext4 -q -F '" + image.string() +
                 "' && mount -o loop,errors=remount-ro '" + image.string() + "' '" +
                 disk_.string() + "'")) {
      disk_.clear();
      return false;
    }
    data_ = disk_ / "data";
    return true;
  }

  // What the kernel does to ext4 when the disk under it fails: stops every
  // write to it, files already open included, with EROFS. False when the
  // kernel offers no way to say so.
  bool fail_ext4() {
    struct stat st {};
    if (::stat(disk_.c_str(), &st) != 0) return false;
    std::error_code ec;
    const auto device =
        std::filesystem::canonical("/sys/dev/block/" + std::to_string(major(st.st_dev)) + ":" +
                                       std::to_string(minor(st.st_dev)),
                                   ec);
    if (ec) return false;
    std::ofstream trigger("/sys/fs/ext4/" + device.filename().string() + "/trigger_fs_error");
    trigger << "storage_fault_test\n";
    trigger.close();
    return trigger.good() && store::read_only_file_system(disk_);
  }

  // After such an error ext4 takes writes again only once unmounted and
  // checked, as an administrator would do.
  bool repair_ext4() {
    const auto image = dir_ / "disk.img";
    if (umount2(disk_.c_str(), 0) != 0) return false;
    quietly("e2fsck -fy '" + image.string() + "'");  // exits 1 when it corrected something
    return quietly("mount -o loop,errors=remount-ro '" + image.string() + "' '" + disk_.string() +
                   "'");
  }

  static bool quietly(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
  }

  std::filesystem::path dir_;
  std::filesystem::path data_;
  std::filesystem::path disk_;
  bool mounted_ = false;
  FakeClock clock_{*parse_instant("2026-09-29T02:00:00Z")};
  std::unique_ptr<web::App> app_;
};

std::string issue_json(int n) {
  // A long description, so the disk fills in a few hundred problems.
  return boost::json::serialize(boost::json::object{{"title", "排水沟渠堵塞 " + std::to_string(n)},
                                                    {"category", "C"},
                                                    {"unit", "cc.c01.t01.v001"},
                                                    {"description", std::string(20000, 'x')}});
}

TEST_F(StorageFault, AFullDiskRefusesWritesWith507KeepsReadsAndLosesNothing) {
  app_ = make_app();
  const std::string token = add_inspector();
  app_->start();
  HttpClient client("127.0.0.1", app_->port());
  client.set_token(token);

  // Something else fills the disk to its last 256 KB.
  const auto filler = dir_ / "filler";
  {
    const auto space = std::filesystem::space(dir_);
    ASSERT_GT(space.available, 512u * 1024) << "the data folder already fills the tmpfs";
    std::ofstream out(filler, std::ios::binary);
    const std::string block(64 * 1024, 'f');
    for (std::uintmax_t left = space.available - 256 * 1024; left >= block.size();
         left -= block.size()) {
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }

  std::map<std::int64_t, std::string> acknowledged;  // id -> title
  RawAnswer refused;
  for (int n = 0; n < 400; ++n) {
    const RawAnswer a =
        send_raw(client, "POST", "/api/v1/issues", token, "application/json", issue_json(n));
    if (a.status == 201) {
      const auto issue = boost::json::parse(a.body).as_object();
      acknowledged[issue.at("id").as_int64()] = std::string(issue.at("title").as_string());
      continue;
    }
    refused = a;
    break;
  }
  ASSERT_EQ(refused.status, 507u) << "after " << acknowledged.size()
                                  << " problems: " << refused.body;
  const auto problem = boost::json::parse(refused.body).as_object();
  EXPECT_EQ(problem.at("title").as_string(), "Storage full");
  EXPECT_EQ(problem.at("type").as_string(), "/problems/storage-full");

  // Evidence that does not fit is refused the same way.
  const std::int64_t some = acknowledged.empty() ? 1 : acknowledged.begin()->first;
  const RawAnswer evidence =
      send_raw(client, "POST", "/api/v1/issues/" + std::to_string(some) + "/evidence?name=a.txt",
               token, "text/plain", std::string(512 * 1024, 'e'));
  EXPECT_EQ(evidence.status, 507u) << evidence.body;

  // Reads go on: every acknowledged problem, as acknowledged.
  EXPECT_EQ(client.get("/healthz").status, 200u);
  for (const auto& [id, title] : acknowledged) {
    const HttpResult got = client.get("/api/v1/issues/" + std::to_string(id));
    ASSERT_EQ(got.status, 200u) << got.body;
    EXPECT_EQ(got.json().at("title").as_string(), title);
  }

  // Space freed: writes work again without a restart.
  std::filesystem::remove(filler);
  const RawAnswer after =
      send_raw(client, "POST", "/api/v1/issues", token, "application/json", issue_json(1000));
  ASSERT_EQ(after.status, 201u) << after.body;
  acknowledged[boost::json::parse(after.body).at("id").as_int64()] = "排水沟渠堵塞 1000";

  // And after a restart everything acknowledged is there, the chain intact.
  app_.reset();
  {
    auto db = store::open_sqlite(data_ / "qingling.db");
    auto view = db->open_reader();
    const auto report = store::verify_chain(*view);
    EXPECT_TRUE(report.ok()) << report.problem;
  }
  app_ = make_app();
  app_->start();
  HttpClient again("127.0.0.1", app_->port());
  again.set_token(token);
  for (const auto& [id, title] : acknowledged) {
    const HttpResult got = again.get("/api/v1/issues/" + std::to_string(id));
    ASSERT_EQ(got.status, 200u) << got.body;
    EXPECT_EQ(got.json().at("title").as_string(), title);
  }
}

TEST_F(StorageFault, AReadOnlyDataFolderIsRefusedAtStartNamingIt) {
  app_ = make_app();  // creates the database
  app_.reset();
  ASSERT_EQ(mount(nullptr, dir_.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr), 0)
      << std::strerror(errno);
  try {
    make_app();
    ADD_FAILURE() << "the server started on a read-only data folder";
  } catch (const std::exception& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(data_.string()), std::string::npos) << what;
    EXPECT_NE(what.find("cannot be written"), std::string::npos) << what;
  }
  // The binary says so and exits 1, before it listens.
  const Output out = run({"serve", "--port", "0", "--data", data_.string()});
  EXPECT_EQ(out.status, 1);
  EXPECT_EQ(out.text.find("serving"), std::string::npos) << out.text;
  // Writable again, it serves, the chain intact.
  ASSERT_EQ(mount(nullptr, dir_.c_str(), nullptr, MS_REMOUNT, nullptr), 0) << std::strerror(errno);
  EXPECT_NO_THROW(app_ = make_app());
  app_.reset();
  const Output verified = run({"audit", "verify", "--data", data_.string()});
  EXPECT_EQ(verified.status, 0) << verified.text;
}

// The N of `audit verify`'s "audit chain intact: N entries verified"; -1
// when it says anything else.
std::int64_t entries_verified(const Output& out) {
  const std::string intact = "audit chain intact: ";
  if (out.status != 0 || !out.text.starts_with(intact)) return -1;
  return std::stoll(out.text.substr(intact.size()));
}

TEST_F(StorageFault, AuditVerifyReadsADataFolderOnAReadOnlyMount) {
  app_ = make_app();
  const std::string token = add_inspector();
  app_->start();
  {
    HttpClient client("127.0.0.1", app_->port());
    client.set_token(token);
    for (int n = 0; n < 3; ++n) {
      const HttpResult created =
          client.post_json("/api/v1/issues", boost::json::parse(issue_json(n)));
      ASSERT_EQ(created.status, 201u) << created.body;
    }
  }
  app_.reset();
  const auto remount = [&](unsigned long flags) {
    return mount(nullptr, dir_.c_str(), nullptr, MS_REMOUNT | flags, nullptr) == 0;
  };
  const std::vector<std::string> verify = {"audit", "verify", "--data", data_.string()};
  const auto wal = data_ / "qingling.db-wal";
  const auto shm = data_ / "qingling.db-shm";

  // Stopped cleanly, the log folded into the file and its index removed:
  // read as it is, as the ordinary open reads it once writable again.
  ASSERT_FALSE(std::filesystem::exists(wal));
  ASSERT_FALSE(std::filesystem::exists(shm));
  ASSERT_TRUE(remount(MS_RDONLY)) << std::strerror(errno);
  const Output read_only = run(verify);
  EXPECT_GT(entries_verified(read_only), 3) << read_only.text;
  ASSERT_TRUE(remount(0)) << std::strerror(errno);
  const Output writable = run(verify);
  EXPECT_EQ(writable.text, read_only.text);

  // Killed while serving, commits still in the log beside the file: read
  // with them, not without.
  {
    Server server(data_);
    ASSERT_NE(server.port(), 0);
    HttpClient client("127.0.0.1", server.port());
    client.set_token(token);
    for (int n = 3; n < 6; ++n) {
      const HttpResult created =
          client.post_json("/api/v1/issues", boost::json::parse(issue_json(n)));
      ASSERT_EQ(created.status, 201u) << created.body;
    }
    server.kill_hard();
  }
  ASSERT_GT(std::filesystem::file_size(wal), 0u);
  ASSERT_TRUE(remount(MS_RDONLY)) << std::strerror(errno);
  const Output killed = run(verify);
  EXPECT_GE(entries_verified(killed), entries_verified(writable) + 3) << killed.text;
  {
    // The ordinary open reads the log through its index, read-only; so does this.
    auto view = store::open_sqlite_on_read_only_media(data_ / "qingling.db");
    EXPECT_EQ(store::verify_chain(*view).entries, entries_verified(killed));
  }

  // The log without its index cannot be read there: refused, not verified short.
  ASSERT_TRUE(remount(0)) << std::strerror(errno);
  std::filesystem::rename(shm, dir_ / "qingling.db-shm.away");
  ASSERT_TRUE(remount(MS_RDONLY)) << std::strerror(errno);
  const Output unreadable = run(verify);
  EXPECT_EQ(unreadable.status, 1) << unreadable.text;
  EXPECT_EQ(unreadable.text.find("intact"), std::string::npos) << unreadable.text;

  // Writable again, the ordinary open reads what the read-only one did.
  ASSERT_TRUE(remount(0)) << std::strerror(errno);
  EXPECT_EQ(run(verify).text, killed.text);

  // An edited row is found on a read-only mount too.
  std::int64_t edited = 0;
  {
    SQLite::Database db((data_ / "qingling.db").string(), SQLite::OPEN_READWRITE);
    edited = db.execAndGet("SELECT MIN(seq) FROM events WHERE issue_id = 2").getInt64();
    db.exec("DROP TRIGGER events_append_only_update");
    db.exec("UPDATE events SET actor = 'someone else' WHERE seq = " + std::to_string(edited));
  }
  ASSERT_FALSE(std::filesystem::exists(wal));
  ASSERT_TRUE(remount(MS_RDONLY)) << std::strerror(errno);
  const Output tampered = run(verify);
  EXPECT_EQ(tampered.status, 3) << tampered.text;
  EXPECT_NE(tampered.text.find("BROKEN at entry " + std::to_string(edited)), std::string::npos)
      << tampered.text;
}

TEST_F(StorageFault, ADiskTurnedReadOnlyWhileServingRefusesWritesKeepsReadsAndLosesNothing) {
  if (!mount_ext4()) GTEST_SKIP() << "needs mkfs.ext4 and a free loop device";
  app_ = make_app();
  const std::string token = add_inspector();
  app_->start();
  HttpClient client("127.0.0.1", app_->port());
  client.set_token(token);
  const HttpResult created = client.post_json("/api/v1/issues", boost::json::parse(issue_json(1)));
  ASSERT_EQ(created.status, 201u) << created.body;
  const std::int64_t id = created.json().at("id").as_int64();
  const std::string issue = "/api/v1/issues/" + std::to_string(id);

  if (!fail_ext4()) GTEST_SKIP() << "this kernel has no ext4 trigger_fs_error to fail the disk";

  // Writes: refused at once, naming the cause, the problem and the
  // evidence alike (evidence meets the disk before the writer does).
  for (const auto& [target, type, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"/api/v1/issues", "application/json", issue_json(2)},
           {issue + "/evidence?name=a.txt", "text/plain", "photo"},
           {"/api/v1/issues", "application/json", issue_json(3)}}) {
    const RawAnswer refused = send_raw(client, "POST", target, token, type, body);
    ASSERT_EQ(refused.status, 503u) << target << ": " << refused.body;
    const auto problem = boost::json::parse(refused.body).as_object();
    EXPECT_EQ(problem.at("type").as_string(), "/problems/storage-read-only") << target;
    EXPECT_EQ(problem.at("title").as_string(), "Storage read-only") << target;
  }

  // Reads go on. The server is alive and ready to read: restarting it would
  // not help, as serve refuses a data folder it cannot write.
  const HttpResult got = client.get(issue);
  ASSERT_EQ(got.status, 200u) << got.body;
  EXPECT_EQ(got.json().at("title").as_string(), "排水沟渠堵塞 1");
  const HttpResult list = client.get("/api/v1/issues");
  ASSERT_EQ(list.status, 200u) << list.body;
  ASSERT_EQ(list.json().at("items").as_array().size(), 1u) << list.body;
  EXPECT_EQ(list.json().at("items").as_array()[0].at("id").as_int64(), id);
  EXPECT_EQ(client.get("/healthz").status, 200u);
  EXPECT_EQ(client.get("/readyz").status, 200u);

  // Stopped, the chain verifies on the failed disk, and again once the
  // administrator has checked and remounted it; then writes work again.
  app_.reset();
  const std::vector<std::string> verify = {"audit", "verify", "--data", data_.string()};
  const Output on_failed = run(verify);
  ASSERT_GT(entries_verified(on_failed), 0) << on_failed.text;
  ASSERT_TRUE(repair_ext4());
  EXPECT_EQ(run(verify).text, on_failed.text);
  app_ = make_app();
  app_->start();
  HttpClient again("127.0.0.1", app_->port());
  again.set_token(token);
  EXPECT_EQ(again.get(issue).status, 200u);
  const HttpResult after = again.post_json("/api/v1/issues", boost::json::parse(issue_json(4)));
  ASSERT_EQ(after.status, 201u) << after.body;
  app_.reset();
  const Output verified = run(verify);
  EXPECT_GT(entries_verified(verified), entries_verified(on_failed)) << verified.text;
}

}  // namespace
}  // namespace qingling::testing
