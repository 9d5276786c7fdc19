// The SMTP transport against a real server (tests/support/smtp_sink.py on
// 127.0.0.1, a port of its own) and against ports that refuse or stay silent.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>

#include <gtest/gtest.h>

#include "engine/mail/transport.h"
#include "tests/engine/mail/mail_test_support.h"
#include "tests/support/smtp_sink.h"

namespace qingling::mail {
namespace {

using qingling::testing::SmtpSink;
using testing::file_names;
using testing::python_read;
using testing::TestDir;

// A socket bound to a port on 127.0.0.1; listening or not.
class LocalSocket {
 public:
  explicit LocalSocket(bool listening) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) return;
    if (listening && listen(fd_, 4) != 0) return;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~LocalSocket() { close(fd_); }
  LocalSocket(const LocalSocket&) = delete;
  LocalSocket& operator=(const LocalSocket&) = delete;
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

Message sample(std::string to) {
  Message m;
  m.message_id = "outbox-42.20261130@chengchuan.qingling";
  m.from = {"澄川市整改督办系统", "noreply@chengchuan.qingling"};
  m.to = {{"望岭区 张伟", std::move(to)}};
  m.subject = "【督办提醒】东溪镇问题 A-2026-0042 整改期限还剩 3 个工作日";
  m.text = "张伟同志：\n请及时处理。\n";
  m.html = "<p>张伟同志：</p><p>请及时处理。</p>";
  m.date = *parse_instant("2026-11-30T08:05:09Z");
  m.headers = {{"X-Qingling-Kind", "escalation"}};
  return m;
}

class EmailSmtpToSink : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_unique<SmtpSink>(dir_ / "received");
    ASSERT_NE(sink_->port(), 0) << "smtp_sink.py did not start";
  }
  void TearDown() override { sink_.reset(); }
  std::unique_ptr<Transport> transport() const {
    return smtp_transport({.url = sink_->url(), .timeout = std::chrono::seconds(10)});
  }
  std::vector<std::string> received() const { return file_names(dir_ / "received"); }

  TestDir dir_;
  std::unique_ptr<SmtpSink> sink_;  // gone before dir_
};

TEST_F(EmailSmtpToSink, DeliversChineseSubjectAndDisplayName) {
  const Message m = sample("zhang.wei@wangling.example.cn");
  const Outcome o = transport()->send(m);
  ASSERT_EQ(o.kind, Outcome::Kind::Sent) << o.detail;
  ASSERT_EQ(received(), std::vector<std::string>{"000001.eml"});
  const auto f = python_read(dir_ / "received" / "000001.eml");
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.at("defects"), "0");
  EXPECT_EQ(f.at("header:x-sink-mail-from"), "<noreply@chengchuan.qingling>");
  EXPECT_EQ(f.at("header:x-sink-rcpt-to"), "<zhang.wei@wangling.example.cn>");
  EXPECT_EQ(f.at("subject"), m.subject);
  EXPECT_EQ(f.at("from_name"), "澄川市整改督办系统");
  EXPECT_EQ(f.at("to0_name"), "望岭区 张伟");
  EXPECT_EQ(f.at("text"), m.text);
  EXPECT_EQ(f.at("html"), m.html);
}

TEST_F(EmailSmtpToSink, SendsEachMessageOnItsOwnConnection) {
  auto t = transport();
  Message m = sample("a@wangling.example.cn");
  ASSERT_EQ(t->send(m).kind, Outcome::Kind::Sent);
  m.message_id = "outbox-43.20261130@chengchuan.qingling";
  m.to = {{"", "b@wangling.example.cn"}, {"", "c@wangling.example.cn"}};
  ASSERT_EQ(t->send(m).kind, Outcome::Kind::Sent);
  ASSERT_EQ(received(), (std::vector<std::string>{"000001.eml", "000002.eml"}));
  EXPECT_EQ(python_read(dir_ / "received" / "000002.eml").at("header:x-sink-rcpt-to"),
            "<b@wangling.example.cn>, <c@wangling.example.cn>");
}

TEST_F(EmailSmtpToSink, UnknownRecipientIsPermanentWith550) {
  const Outcome o = transport()->send(sample("reject.me@wangling.example.cn"));
  EXPECT_EQ(o.kind, Outcome::Kind::Permanent) << o.detail;
  EXPECT_NE(o.detail.find("550"), std::string::npos) << o.detail;
  EXPECT_NE(o.detail.find("no such user"), std::string::npos) << o.detail;
  EXPECT_TRUE(received().empty());
}

TEST_F(EmailSmtpToSink, OneRefusedRecipientFailsTheWholeMessage) {
  Message m = sample("zhang.wei@wangling.example.cn");
  m.to.push_back({"", "reject.other@wangling.example.cn"});
  EXPECT_EQ(transport()->send(m).kind, Outcome::Kind::Permanent);
  EXPECT_TRUE(received().empty());
}

TEST_F(EmailSmtpToSink, TryLaterReplyIsTemporaryWith451) {
  const Outcome o = transport()->send(sample("later.please@wangling.example.cn"));
  EXPECT_EQ(o.kind, Outcome::Kind::Temporary) << o.detail;
  EXPECT_NE(o.detail.find("451"), std::string::npos) << o.detail;
  EXPECT_TRUE(received().empty());
}

TEST_F(EmailSmtpToSink, SinkStopsCleanlyOnSigterm) {
  EXPECT_EQ(sink_->stop(), 0);
  // Gone: the same URL now refuses connections, which is temporary.
  EXPECT_EQ(transport()->send(sample("zhang.wei@wangling.example.cn")).kind,
            Outcome::Kind::Temporary);
}

TEST(EmailSmtpTransport, NothingListeningIsTemporary) {
  const LocalSocket bound(false);  // holds the port so nobody else listens on it
  ASSERT_NE(bound.port(), 0);
  auto t = smtp_transport({.url = bound.url(), .timeout = std::chrono::seconds(10)});
  const Outcome o = t->send(sample("zhang.wei@wangling.example.cn"));
  EXPECT_EQ(o.kind, Outcome::Kind::Temporary) << o.detail;
  EXPECT_NE(o.detail.find(bound.url()), std::string::npos) << o.detail;
}

TEST(EmailSmtpTransport, SilentServerTimesOutAsTemporary) {
  const LocalSocket silent(true);  // the kernel accepts; nobody ever greets
  ASSERT_NE(silent.port(), 0);
  auto t = smtp_transport({.url = silent.url(), .timeout = std::chrono::seconds(1)});
  const auto start = std::chrono::steady_clock::now();
  const Outcome o = t->send(sample("zhang.wei@wangling.example.cn"));
  EXPECT_EQ(o.kind, Outcome::Kind::Temporary) << o.detail;
  EXPECT_NE(o.detail.find("imeout"), std::string::npos) << o.detail;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
}

TEST(EmailSmtpTransport, MessageThatCannotBeRenderedIsPermanentWithoutConnecting) {
  const LocalSocket bound(false);  // connecting would give Temporary
  Message m = sample("zhang.wei@wangling.example.cn");
  m.from.email = "noreply@chengchuan.qingling\r\nRCPT TO:<x@y>";
  const Outcome o = smtp_transport({.url = bound.url()})->send(m);
  EXPECT_EQ(o.kind, Outcome::Kind::Permanent) << o.detail;
  EXPECT_NE(o.detail.find("sender"), std::string::npos) << o.detail;
}

TEST(EmailSmtpTransport, DescribeLeavesOutCredentials) {
  EXPECT_EQ(smtp_transport({.url = "smtp://mailer:s3cret@127.0.0.1:2525"})->describe(),
            "smtp://127.0.0.1:2525");
  EXPECT_EQ(smtp_transport({.url = "smtps://127.0.0.1:465"})->describe(), "smtps://127.0.0.1:465");
}

}  // namespace
}  // namespace qingling::mail
