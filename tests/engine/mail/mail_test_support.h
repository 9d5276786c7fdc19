#pragma once

// Shared by the mail tests: running a program, a fresh folder per test, and
// Python's email package as an independent reader of what we render.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

extern char** environ;

namespace qingling::mail::testing {

// Debian's interpreter: the one with the email package we trust and aiosmtpd.
inline constexpr const char* kPython = "/usr/bin/python3";

struct Output {
  int status = -1;  // exit status, -1 when it did not exit normally
  std::string out;  // stdout; stderr passes through
};

// Runs argv (argv[0] a full path) to completion, capturing stdout.
inline Output run(const std::vector<std::string>& argv) {
  Output result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  for (auto& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    return result;
  }
  char buf[4096];
  ssize_t n = 0;
  while ((n = read(fds[0], buf, sizeof buf)) > 0)
    result.out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// An empty folder named after the running test and this process (ctest runs
// tests in parallel processes), removed with everything in it when this goes.
class TestDir {
 public:
  TestDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string name = std::string("qingling-mail-") + info->test_suite_name() + "-" +
                             info->name() + "-" + std::to_string(getpid());
    path_ = std::filesystem::path(::testing::TempDir()) / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TestDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Names of the files in `dir`, sorted.
inline std::vector<std::string> file_names(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// What Python's email package (policy.default) reads in an .eml file. Keys:
// defects (count over headers and parts), subject, and subject_decode_header,
// to_decode_header, from_decode_header (the raw header, unfolded, through
// email.header.decode_header, which follows RFC 2047 6.2 where Debian 12's
// policy.default puts a space between two encoded-words of a display name,
// CPython gh-128110), from_name,
// from_email, to<i>_name, to<i>_email, recipients, message_id, date (ISO),
// content_type, parts (content types in order), text and html (LF line
// ends), and header:<lower-case name> for every X- header.
inline constexpr const char* kReadEml = R"(
import sys, email, email.policy, email.header
data = open(sys.argv[1], 'rb').read()
m = email.message_from_bytes(data, policy=email.policy.default)
raw = email.message_from_bytes(data)
def out(k, v):
    print(k, str(v).encode('utf-8').hex())
defects = sum(len(p.defects) for p in m.walk())
defects += sum(len(v.defects) for v in m.values() if hasattr(v, 'defects'))
out('defects', defects)
out('subject', m['subject'])
def decoded(name):
    unfolded = raw[name].replace('\r\n', '').replace('\n', '')
    return email.header.make_header(email.header.decode_header(unfolded))
for name in ('subject', 'to', 'from'):
    out(name + '_decode_header', decoded(name))
out('from_name', m['from'].addresses[0].display_name)
out('from_email', m['from'].addresses[0].addr_spec)
for i, a in enumerate(m['to'].addresses):
    out('to%d_name' % i, a.display_name)
    out('to%d_email' % i, a.addr_spec)
out('recipients', len(m['to'].addresses))
out('message_id', m['message-id'])
out('date', m['date'].datetime.isoformat())
out('content_type', m.get_content_type())
out('parts', ' '.join(p.get_content_type() for p in m.walk() if not p.is_multipart()))
for k, v in m.items():
    if k.lower().startswith('x-'):
        out('header:' + k.lower(), v)
for kind in ('plain', 'html'):
    body = m.get_body((kind,))
    out('text' if kind == 'plain' else 'html', body.get_content().replace('\r\n', '\n') if body else '')
)";

inline std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

// Fields as kReadEml prints them; empty when Python failed.
inline std::map<std::string, std::string> python_read(const std::filesystem::path& eml) {
  const Output o = run({kPython, "-c", kReadEml, eml.string()});
  std::map<std::string, std::string> fields;
  if (o.status != 0) return fields;
  std::istringstream lines(o.out);
  std::string key;
  std::string hex;
  while (lines >> key) {
    hex.clear();
    if (lines.peek() == ' ') {
      lines.get();
      if (lines.peek() != '\n') lines >> hex;
    }
    fields[key] = from_hex(hex);
  }
  return fields;
}

}  // namespace qingling::mail::testing
