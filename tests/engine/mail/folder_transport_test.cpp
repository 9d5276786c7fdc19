// The folder transport: one parseable .eml per message id, replaced on retry,
// never outside its folder.

#include <gtest/gtest.h>

#include "engine/mail/transport.h"
#include "tests/engine/mail/mail_test_support.h"

namespace qingling::mail {
namespace {

using testing::file_names;
using testing::python_read;
using testing::read_file;
using testing::TestDir;

Message sample() {
  Message m;
  m.message_id = "outbox-7.20261130@chengchuan.qingling";
  m.from = {"澄川市整改督办系统", "noreply@chengchuan.qingling"};
  m.to = {{"东溪镇 王芳", "wang.fang@dongxi.example.cn"}};
  m.subject = "【逾期】问题 A-2026-0007 已超过整改期限";
  m.text = "王芳同志：\n问题 A-2026-0007 已逾期。\n";
  m.date = *parse_instant("2026-11-30T01:00:00Z");
  return m;
}

TEST(EmailFolderTransport, WritesAParseableEmlNamedAfterTheMessageId) {
  const TestDir scratch;
  const auto dir = scratch / "outbox";  // created by the transport
  auto transport = folder_transport(dir);
  EXPECT_EQ(transport->describe(), "folder " + dir.string());
  const Outcome sent = transport->send(sample());
  ASSERT_EQ(sent.kind, Outcome::Kind::Sent) << sent.detail;
  ASSERT_EQ(file_names(dir), std::vector<std::string>{"outbox-7.20261130@chengchuan.qingling.eml"});
  const auto path = dir / "outbox-7.20261130@chengchuan.qingling.eml";
  EXPECT_EQ(read_file(path), render(sample()));
  const auto f = python_read(path);
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.at("defects"), "0");
  EXPECT_EQ(f.at("subject"), "【逾期】问题 A-2026-0007 已超过整改期限");
  EXPECT_EQ(f.at("to0_name"), "东溪镇 王芳");
  EXPECT_EQ(f.at("text"), sample().text);
}

TEST(EmailFolderTransport, SameMessageIdTwiceLeavesOneFileWithTheLatestContent) {
  const TestDir scratch;
  const auto& dir = scratch.path();
  auto transport = folder_transport(dir);
  Message m = sample();
  ASSERT_EQ(transport->send(m).kind, Outcome::Kind::Sent);
  m.subject = "second attempt";
  ASSERT_EQ(transport->send(m).kind, Outcome::Kind::Sent);
  const auto names = file_names(dir);
  ASSERT_EQ(names.size(), 1u);  // no second file, no temp file left behind
  EXPECT_EQ(python_read(dir / names[0]).at("subject"), "second attempt");
}

TEST(EmailFolderTransport, FileNamesStayInsideTheFolderAndApart) {
  const TestDir scratch;
  const auto dir = scratch / "outbox";
  auto transport = folder_transport(dir);
  Message m = sample();
  m.message_id = "../escape@chengchuan.qingling";
  ASSERT_EQ(transport->send(m).kind, Outcome::Kind::Sent);
  m.message_id = "_._escape@chengchuan.qingling";  // what a plain substitution would make of it
  ASSERT_EQ(transport->send(m).kind, Outcome::Kind::Sent);
  const auto names = file_names(dir);
  ASSERT_EQ(names.size(), 2u);
  for (const auto& n : names) {
    EXPECT_FALSE(n.starts_with('.')) << n;
    EXPECT_TRUE(n.ends_with(".eml")) << n;
    EXPECT_EQ(n.find('/'), std::string::npos) << n;
  }
  EXPECT_EQ(file_names(scratch.path()), std::vector<std::string>{"outbox"});
}

TEST(EmailFolderTransport, MessageThatCannotBeRenderedIsPermanent) {
  const TestDir scratch;
  const auto& dir = scratch.path();
  Message m = sample();
  m.to.clear();
  const Outcome o = folder_transport(dir)->send(m);
  EXPECT_EQ(o.kind, Outcome::Kind::Permanent);
  EXPECT_NE(o.detail.find("recipient"), std::string::npos) << o.detail;
  EXPECT_TRUE(file_names(dir).empty());
}

TEST(EmailFolderTransport, UnusableFolderIsTemporary) {
  const TestDir scratch;
  const auto& dir = scratch.path();
  testing::write_file(dir / "not-a-folder", "x");
  const Outcome o = folder_transport(dir / "not-a-folder")->send(sample());
  EXPECT_EQ(o.kind, Outcome::Kind::Temporary);
  EXPECT_NE(o.detail.find("not-a-folder"), std::string::npos) << o.detail;
}

}  // namespace
}  // namespace qingling::mail
