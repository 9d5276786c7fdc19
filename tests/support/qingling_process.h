#pragma once

// The qingling binary (QINGLING_BINARY) run as a user runs it: one-shot
// commands, and `serve` in a child process on a free port.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace qingling::testing {

struct Output {
  int status = -1;
  std::string text;  // stdout
};

// Runs the binary to completion, capturing stdout (stderr passes through);
// with `input_file`, standard input reads that file.
inline Output run(const std::vector<std::string>& args,
                  const std::filesystem::path& input_file = {}) {
  std::string command = QINGLING_BINARY;
  for (const auto& a : args) command += " '" + a + "'";
  if (!input_file.empty()) command += " < '" + input_file.string() + "'";
  Output out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.text.append(buf, n);
  const int status = pclose(pipe);
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

inline std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  const auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

// `qingling serve` in a child process, on a free port.
class Server {
 public:
  // Runs `serve --port 0 --data DATA`, or `serve ARGS` when `args` is given.
  explicit Server(const std::filesystem::path& data, std::vector<std::string> args = {}) {
    if (args.empty()) args = {"--port", "0", "--data", data.string()};
    args.insert(args.begin(), "serve");
    args.insert(args.begin(), QINGLING_BINARY);
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(QINGLING_BINARY, argv.data());
      _exit(127);
    }
    close(fds[1]);
    // The first line names the URL; reading it waits for readiness.
    FILE* in = fdopen(fds[0], "r");
    char line[512] = {};
    if (in != nullptr && fgets(line, sizeof line, in) != nullptr) {
      const std::string text(line);
      const auto colon = text.rfind(':');
      if (colon != std::string::npos)
        port_ = static_cast<std::uint16_t>(std::stoi(text.substr(colon + 1)));
    }
    out_ = in;
  }
  ~Server() {
    if (pid_ > 0) kill_hard();
    if (out_ != nullptr) fclose(out_);
  }
  std::uint16_t port() const { return port_; }
  void kill_hard() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  void signal(int signo) { kill(pid_, signo); }
  int terminate() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  FILE* out_ = nullptr;
};

}  // namespace qingling::testing
