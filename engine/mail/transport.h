#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/mail/message.h"

namespace qingling::mail {

// What became of one send. Expected failures are values: a transport throws
// only for broken infrastructure (libcurl cannot start).
struct Outcome {
  // Temporary: try again later (connection refused, timeout, a 4xx reply, a
  // full disk). Permanent: sending this message again will fail again (a 5xx
  // reply such as 550 unknown recipient, or a message validate rejects).
  enum class Kind { Sent, Temporary, Permanent };
  Kind kind;
  std::string detail;  // for people: what failed, with the SMTP reply when there was one
};

// Delivers messages one at a time. Thread-compatible: one caller at a time.
class Transport {
 public:
  virtual ~Transport() = default;
  // Blocks until the message is handed over or has failed.
  virtual Outcome send(const Message& message) = 0;
  // Where messages go, for logs: "smtp://127.0.0.1:2525", "folder /x/outbox".
  virtual std::string describe() const = 0;
};

struct SmtpSettings {
  // "smtp://127.0.0.1:2525", or "smtps://host:465" for implicit TLS. A path
  // is the name sent in EHLO ("smtp://host:25/chengchuan.example.cn"); without
  // one libcurl sends this machine's host name.
  std::string url;
  std::string user{};  // AUTH with user and password when not empty
  std::string password{};
  bool starttls = false;  // on smtp://, insist on STARTTLS; when off the session stays plain
  std::chrono::seconds timeout{30};  // for the whole session, connecting included; at least 1 s
};

// SMTP through libcurl, one connection per message; the envelope sender is
// `from.email` and the recipients are `to`. A single refused recipient fails
// the whole message, so the outbox sends one recipient per message when it
// needs to tell them apart. TLS peers are verified against the system CAs.
std::unique_ptr<Transport> smtp_transport(SmtpSettings settings);

// For when no SMTP server is configured: each message becomes the file
// `folder`/<message id>.eml (characters other than letters, digits and
// ".@+-_" replaced, and then a hash of the id appended so names stay
// distinct), written atomically and durably: a temp file whose name starts
// with '.', fsync, rename, fsync of the folder. Readers should skip names
// starting with '.'. Files are readable by the owner only (0600). The folder
// is created when missing. Sending the same message id again replaces the
// file, so retries are idempotent. Disk errors are Temporary.
std::unique_ptr<Transport> folder_transport(std::filesystem::path folder);

}  // namespace qingling::mail
