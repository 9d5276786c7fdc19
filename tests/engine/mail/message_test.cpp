// Rendering: what a mail reader needs, within RFC 5322's line limits, stable,
// and read back by Python's email package as an independent decoder.

#include "engine/mail/message.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "tests/engine/mail/mail_test_support.h"

namespace qingling::mail {
namespace {

using testing::python_read;
using testing::TestDir;
using testing::write_file;

const std::string kSubject =
    "【督办提醒】东溪镇问题 A-2026-0042 整改期限还剩 3 个工作日，请及时处理并上传佐证材料（逾期将按"
    "规定逐级上报）";

Message sample() {
  Message m;
  m.message_id = "outbox-42.20261130@chengchuan.qingling";
  m.from = {"澄川市整改督办系统", "noreply@chengchuan.qingling"};
  m.to = {{"望岭区 张伟", "zhang.wei@wangling.example.cn"}};
  m.subject = kSubject;
  m.text = "张伟同志：\n\n问题 A-2026-0042 的整改期限为 2026-12-03。\n请登录系统上传佐证材料。\n";
  m.html = "<p>张伟同志：</p>\n<p>问题 <b>A-2026-0042</b> 的整改期限为 2026-12-03。</p>\n";
  m.date = *parse_instant("2026-11-30T08:05:09.123Z");
  m.headers = {{"X-Qingling-Kind", "escalation"}};
  return m;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = text.find("\r\n"); end != std::string::npos; end = text.find("\r\n", start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::string head_of(const std::string& rendered) {
  return rendered.substr(0, rendered.find("\r\n\r\n") + 2);
}

// Renders to a file in the test's folder and reads it back with Python.
std::map<std::string, std::string> read_back(const Message& m) {
  const TestDir dir;
  const auto path = dir / "message.eml";
  write_file(path, render(m));
  return python_read(path);
}

TEST(EmailMessage, WritesTheHeadersAReaderNeeds) {
  const std::string head = head_of(render(sample()));
  EXPECT_TRUE(head.starts_with("Date: Mon, 30 Nov 2026 08:05:09 +0000\r\n")) << head;
  EXPECT_NE(head.find("\r\nMessage-ID: <outbox-42.20261130@chengchuan.qingling>\r\n"),
            std::string::npos);
  EXPECT_NE(head.find("\r\nMIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nX-Qingling-Kind: escalation\r\n"), std::string::npos);
  EXPECT_NE(head.find(" <noreply@chengchuan.qingling>\r\n"), std::string::npos);
  EXPECT_NE(head.find(" <zhang.wei@wangling.example.cn>\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nFrom: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(head.find("\r\nSubject: =?UTF-8?B?"), std::string::npos);

  const auto f = read_back(sample());
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.at("defects"), "0");
  EXPECT_EQ(f.at("date"), "2026-11-30T08:05:09+00:00");
  EXPECT_EQ(f.at("message_id"), "<outbox-42.20261130@chengchuan.qingling>");
  EXPECT_EQ(f.at("header:x-qingling-kind"), "escalation");
}

TEST(EmailMessage, UsesCrlfLineEndsOnlyAndAsciiBytesOnly) {
  Message m = sample();
  m.text = "one\ntwo\r\nthree\rfour";
  const std::string out = render(m);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\n') {
      ASSERT_TRUE(i > 0 && out[i - 1] == '\r') << "bare LF at " << i;
    }
    if (out[i] == '\r') {
      ASSERT_TRUE(i + 1 < out.size() && out[i + 1] == '\n') << "bare CR at " << i;
    }
    ASSERT_LT(static_cast<unsigned char>(out[i]), 0x80) << "8-bit byte at " << i;
  }
  EXPECT_EQ(read_back(m).at("text"), "one\ntwo\nthree\nfour");
}

TEST(EmailMessage, KeepsHeaderLinesWithin78AndBodyLinesWithin76) {
  Message m = sample();
  m.to.push_back({"溪桥县人民政府办公室综合督查科负责同志", "ducha@xiqiao.example.cn"});
  m.to.push_back({"Li Na, Supervisor (Xiqiao County)", "li.na@xiqiao.example.cn"});
  m.text.clear();
  for (int i = 0; i < 200; ++i) m.text += "整改";
  m.headers.push_back({"X-Qingling-Note", std::string(120, 'a') + " tail"});
  const std::string out = render(m);
  const auto split = out.find("\r\n\r\n");
  int header_lines = 0;
  int body_lines = 0;
  for (const auto& line : lines_of(out.substr(0, split))) {
    EXPECT_LE(line.size(), 78u) << line;
    ++header_lines;
  }
  for (const auto& line : lines_of(out.substr(split + 4))) {
    if (line.starts_with("--") || line.find(':') != std::string::npos) continue;
    EXPECT_LE(line.size(), 76u) << line;
    ++body_lines;
  }
  EXPECT_GT(header_lines, 10);  // the long subject and recipients were folded
  EXPECT_GT(body_lines, 20);

  const auto f = read_back(m);
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.at("defects"), "0");
  EXPECT_EQ(f.at("recipients"), "3");
  // Two encoded-words; policy.default would read a space between them.
  EXPECT_NE(f.at("to_decode_header").find(" 溪桥县人民政府办公室综合督查科负责同志 <ducha@"),
            std::string::npos)
      << f.at("to_decode_header");
  EXPECT_EQ(f.at("to2_name"), "Li Na, Supervisor (Xiqiao County)");
  EXPECT_EQ(f.at("to2_email"), "li.na@xiqiao.example.cn");
  EXPECT_EQ(f.at("header:x-qingling-note"), std::string(120, 'a') + " tail");
}

TEST(EmailMessage, ChineseSubjectAndNamesRoundTripThroughPython) {
  const auto f = read_back(sample());
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.at("subject"), kSubject);
  EXPECT_EQ(f.at("subject_decode_header"), kSubject);
  EXPECT_EQ(f.at("from_name"), "澄川市整改督办系统");
  EXPECT_EQ(f.at("from_email"), "noreply@chengchuan.qingling");
  EXPECT_EQ(f.at("to0_name"), "望岭区 张伟");
  EXPECT_EQ(f.at("to0_email"), "zhang.wei@wangling.example.cn");
}

// Counts the encoded-words in the head, the longest, and how many do not
// decode to UTF-8 on their own (a character split between two words).
constexpr const char* kCheckWords = R"(
import sys, re, base64
head = open(sys.argv[1], 'rb').read().split(b'\r\n\r\n', 1)[0].decode('ascii')
words = re.findall(r'=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=', head)
bad = 0
for w in words:
    try:
        base64.b64decode(w, validate=True).decode('utf-8')
    except Exception:
        bad += 1
print(len(words), max([len(w) + 12 for w in words] or [0]), bad)
)";

TEST(EmailMessage, EncodedWordsAreShortAndNeverSplitACharacter) {
  Message m = sample();
  m.subject = "a" + kSubject + "😀" + kSubject;  // odd offsets, a 4-byte character
  const TestDir dir;
  const auto path = dir / "words.eml";
  write_file(path, render(m));
  const auto o = testing::run({testing::kPython, "-c", kCheckWords, path.string()});
  ASSERT_EQ(o.status, 0);
  int count = 0;
  int longest = 0;
  int bad = -1;
  std::istringstream(o.out) >> count >> longest >> bad;
  EXPECT_GT(count, 6);
  EXPECT_LE(longest, 75);
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(python_read(path).at("subject"), m.subject);
}

TEST(EmailMessage, EncodeHeaderTextPassesPlainAsciiAndEncodesTheRest) {
  EXPECT_EQ(encode_header_text("Weekly report, week 48"), "Weekly report, week 48");
  EXPECT_EQ(encode_header_text(""), "");
  EXPECT_EQ(encode_header_text("a\r\nBcc: x"), "a  Bcc: x");
  EXPECT_EQ(encode_header_text("销号"), "=?UTF-8?B?6ZSA5Y+3?=");
  EXPECT_EQ(encode_header_text("=?UTF-8?B?6ZSA5Y+3?="), "=?UTF-8?B?PT9VVEYtOD9CPzZaU0E1WSszPz0=?=");
  const std::string long_text = encode_header_text(kSubject);
  EXPECT_NE(long_text.find(' '), std::string::npos);  // several words
  EXPECT_EQ(long_text.find('\r'), std::string::npos);
}

TEST(EmailMessage, HtmlAndTextPartsDecodeToTheOriginals) {
  const Message m = sample();
  const std::string out = render(m);
  EXPECT_NE(out.find("\r\nContent-Type: multipart/alternative;\r\n boundary=\"=_qingling_"),
            std::string::npos);
  const auto f = read_back(m);
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.at("defects"), "0");
  EXPECT_EQ(f.at("content_type"), "multipart/alternative");
  EXPECT_EQ(f.at("parts"), "text/plain text/html");
  EXPECT_EQ(f.at("text"), m.text);
  EXPECT_EQ(f.at("html"), m.html);
}

TEST(EmailMessage, WithoutHtmlIsOneTextPart) {
  Message m = sample();
  m.html.clear();
  const std::string out = render(m);
  EXPECT_EQ(out.find("multipart"), std::string::npos);
  EXPECT_NE(out.find("\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n"),
            std::string::npos);
  const auto f = read_back(m);
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.at("content_type"), "text/plain");
  EXPECT_EQ(f.at("text"), m.text);
}

TEST(EmailMessage, SameMessageRendersTheSameBytes) {
  const Message m = sample();
  EXPECT_EQ(render(m), render(m));
  Message other = m;
  other.message_id = "outbox-43.20261130@chengchuan.qingling";
  const std::string a = render(m);
  const std::string b = render(other);
  const auto boundary = [](const std::string& s) {
    const auto at = s.find("boundary=\"");
    return s.substr(at, s.find('"', at + 10) - at);
  };
  EXPECT_NE(boundary(a), boundary(b));
}

TEST(EmailMessage, QuotesAsciiNamesWithSpecialsAndLeavesPlainOnesBare) {
  Message m = sample();
  m.from = {"Qingling Notices", "noreply@chengchuan.qingling"};
  m.to = {{"Zhang \"Wei\", Ops", "zhang.wei@wangling.example.cn"}, {"", "ops@example.cn"}};
  const std::string head = head_of(render(m));
  EXPECT_NE(head.find("\r\nFrom: Qingling Notices <noreply@chengchuan.qingling>\r\n"),
            std::string::npos)
      << head;
  EXPECT_NE(head.find("\r\nTo: \"Zhang \\\"Wei\\\", Ops\" <zhang.wei@wangling.example.cn>,"),
            std::string::npos)
      << head;
  const auto f = read_back(m);
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.at("defects"), "0");
  EXPECT_EQ(f.at("to0_name"), "Zhang \"Wei\", Ops");
  EXPECT_EQ(f.at("to1_name"), "");
  EXPECT_EQ(f.at("to1_email"), "ops@example.cn");
}

TEST(EmailMessage, CannotInjectHeaders) {
  Message m = sample();
  m.subject = "Hello\r\nBcc: victim@example.cn";
  m.from.name = "Ops\nBcc: victim@example.cn";
  m.to[0].name = "张伟\r\nBcc: victim@example.cn";
  m.headers = {{"X-Qingling-Kind", "escalation\r\n\r\nInjected body"}};
  const std::string out = render(m);
  for (const auto& line : lines_of(out)) {
    EXPECT_FALSE(line.starts_with("Bcc")) << line;
    EXPECT_FALSE(line.starts_with("Injected")) << line;
  }
  const auto f = read_back(m);
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.at("subject"), "Hello  Bcc: victim@example.cn");
  EXPECT_EQ(f.at("recipients"), "1");
  EXPECT_EQ(f.at("to0_email"), "zhang.wei@wangling.example.cn");
  EXPECT_EQ(f.at("to_decode_header"),
            "张伟  Bcc: victim@example.cn <zhang.wei@wangling.example.cn>");
  EXPECT_EQ(f.at("from_name"), "Ops Bcc: victim@example.cn");
  EXPECT_EQ(f.at("header:x-qingling-kind"), "escalation    Injected body");
  EXPECT_EQ(f.at("text"), m.text);
}

TEST(EmailMessage, ValidateRejectsWhatCannotBeRenderedSafely) {
  struct Case {
    const char* name;
    void (*change)(Message&);
  };
  const Case cases[] = {
      {"no recipient", [](Message& m) { m.to.clear(); }},
      {"CRLF in an address", [](Message& m) { m.to[0].email = "a@b\r\nBcc: c@d"; }},
      {"space in an address", [](Message& m) { m.from.email = "no reply@example.cn"; }},
      {"no @", [](Message& m) { m.to[0].email = "zhang.wei"; }},
      {"two @", [](Message& m) { m.to[0].email = "a@b@c"; }},
      {"non-ASCII address", [](Message& m) { m.to[0].email = "张伟@example.cn"; }},
      {"angle bracket in id", [](Message& m) { m.message_id = "a>b@c"; }},
      {"empty id", [](Message& m) { m.message_id.clear(); }},
      {"CRLF in header name",
       [](Message& m) {
         m.headers = {{"X-A\r\nBcc", "x"}};
       }},
      {"colon in header name",
       [](Message& m) {
         m.headers = {{"X-A: b", "x"}};
       }},
      {"reserved header",
       [](Message& m) {
         m.headers = {{"content-type", "text/html"}};
       }},
      {"second subject",
       [](Message& m) {
         m.headers = {{"SUBJECT", "x"}};
       }},
  };
  EXPECT_EQ(validate(sample()), "");
  for (const auto& c : cases) {
    Message m = sample();
    c.change(m);
    EXPECT_NE(validate(m), "") << c.name;
    EXPECT_THROW(render(m), std::invalid_argument) << c.name;
  }
  EXPECT_TRUE(is_valid_email("zhang.wei+qingling@wangling.example.cn"));
  EXPECT_FALSE(is_valid_email("<zhang.wei@wangling.example.cn>"));
}

}  // namespace
}  // namespace qingling::mail
