#pragma once

// tests/support/smtp_sink.py, a real SMTP server on 127.0.0.1 (Debian's
// aiosmtpd), run in a child process by the tests that send mail.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

extern char** environ;

namespace qingling::testing {

// Debian's interpreter: the one with aiosmtpd and the email package.
inline constexpr const char* kDebianPython = "/usr/bin/python3";

inline constexpr int kStartMillis = 15000;
inline constexpr int kStopMillis = 10000;

// smtp_sink.py in a child process. Its stdin is a pipe only we hold, so it
// also stops when this process dies without cleaning up.
class SmtpSink {
 public:
  // Listens on `port` (0: a free one) and keeps each message it accepts as a
  // file in `dir`.
  explicit SmtpSink(const std::filesystem::path& dir, std::uint16_t port = 0) {
    int out[2];
    int in[2];
    if (pipe2(out, O_CLOEXEC) != 0) return;
    if (pipe2(in, O_CLOEXEC) != 0) {
      close(out[0]);
      close(out[1]);
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    std::vector<std::string> args = {
        kDebianPython,  std::string(QINGLING_SOURCE_DIR) + "/tests/support/smtp_sink.py",
        "--port",       std::to_string(port),
        "--dir",        dir.string(),
        "--stop-on-eof"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    if (pid_ > 0) read_port();
  }
  ~SmtpSink() { stop(); }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // SIGTERM, then waits (bounded) for the exit; SIGKILL if it does not come.
  // The exit status, or -1 when killed or not running.
  int stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    bool exited = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kStopMillis);
    while (!exited && std::chrono::steady_clock::now() < deadline) {
      exited = wait_readable(kStopMillis) && drain() == 0;  // EOF: the process has gone
    }
    if (!exited) kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    close(stdin_);
    close(stdout_);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  bool wait_readable(int millis) {
    pollfd p{stdout_, POLLIN, 0};
    return poll(&p, 1, millis) > 0;
  }
  ssize_t drain() {
    char buf[512];
    const ssize_t n = read(stdout_, buf, sizeof buf);
    if (n > 0) seen_.append(buf, static_cast<std::size_t>(n));
    return n;
  }
  void read_port() {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartMillis);
    while (seen_.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      if (!wait_readable(kStartMillis) || drain() <= 0) break;
    }
    if (seen_.starts_with("listening ") && seen_.find('\n') != std::string::npos) {
      port_ = static_cast<std::uint16_t>(std::stoi(seen_.substr(10)));
    }
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::string seen_;
  std::uint16_t port_ = 0;
};

}  // namespace qingling::testing
