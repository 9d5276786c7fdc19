#pragma once

// An API test whose server mails through a real SMTP server on 127.0.0.1
// (tests/support/smtp_sink.h), which refuses any recipient starting with
// "reject": users "admin" (cc) and "refused" (a cc supervisor whose address
// it refuses) are there from the start.

#include <filesystem>
#include <memory>

#include "tests/support/smtp_sink.h"
#include "tests/web/api_fixture.h"

namespace qingling::testing {

class MailApiTest : public ApiTest {
 protected:
  void configure(web::AppOptions& options) override {
    std::filesystem::create_directories(test_dir() / "received");
    sink_ = std::make_unique<SmtpSink>(test_dir() / "received");
    options.mail.smtp_url = sink_->url();
    options.mail.from = "dcs@chengchuan.example";
  }
  void SetUp() override {
    ApiTest::SetUp();
    add_user("admin", "cc", "admin");
    add_user("refused", "cc", "supervisor", "reject-chen@chengchuan.example");
  }
  void TearDown() override {
    ApiTest::TearDown();
    sink_.reset();
  }

  std::unique_ptr<SmtpSink> sink_;
};

}  // namespace qingling::testing
