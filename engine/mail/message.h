#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/time.h"

namespace qingling::mail {

// A mailbox. `email` is a plain ASCII addr-spec ("zhang.wei@example.cn");
// `name` is the display name, any UTF-8 (often Chinese), possibly empty.
struct Address {
  std::string name;
  std::string email;
};

// One outgoing e-mail, as the outbox hands it over.
struct Message {
  std::string message_id;  // without angle brackets: "outbox-42.20261130@chengchuan.qingling"
  Address from;
  std::vector<Address> to;  // at least one; usually one
  std::string subject;      // UTF-8
  std::string text;         // text/plain, UTF-8
  std::string html;         // text/html, UTF-8; empty means a single text/plain part
  Instant date;
  // Extra headers in this order, e.g. {"X-Qingling-Kind", "escalation"}. The
  // name is an RFC 5322 field name of at most 40 characters and none that
  // render writes itself (Date, From, To, Cc, Bcc, Message-ID, Subject,
  // MIME-Version, Content-*); the value is text like the subject.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Why `message` cannot be rendered, in one sentence, or empty when it can:
// no recipient, an address or message id that is not plain printable ASCII
// of the right shape, an extra header name that is invalid or reserved.
// Display names, subject and header values are never a reason: see render.
std::string validate(const Message& message);

// True when `email` is an addr-spec render accepts: printable ASCII, one
// '@' with something on each side, no spaces, quotes, brackets or commas.
bool is_valid_email(std::string_view email);

// The message as RFC 5322 text with CRLF line ends, ready for SMTP or a .eml
// file; only ASCII bytes. The same message always renders to the same bytes.
// Throws std::invalid_argument with validate's sentence when that is not empty.
//
// Subject, display names and header values cannot inject headers: control
// characters (CR and LF included) become spaces and leading and trailing
// spaces are dropped. Non-ASCII text is sent as RFC 2047 encoded-words;
// header lines are folded to at most 78 characters, which only an address or
// message id too long to fit on a line by itself can exceed. Bodies are UTF-8
// in base64 lines of 76 characters, line breaks made CRLF; with `html` the
// body is multipart/alternative, text/plain first.
std::string render(const Message& message);

// `utf8` as a header value: unchanged when it is printable ASCII without
// "=?", otherwise RFC 2047 encoded-words ("=?UTF-8?B?...?=", each at most 75
// characters and never splitting a UTF-8 character) separated by single
// spaces. Control characters become spaces first. Bytes that are not UTF-8
// are encoded as they are.
std::string encode_header_text(std::string_view utf8);

}  // namespace qingling::mail
