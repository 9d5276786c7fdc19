// Rule versioning: a changed pack applies to what is decided after it is
// loaded, never re-judges decided deadlines, and a bad pack is refused.

#include <fstream>

#include <boost/json.hpp>

#include "tests/web/api_fixture.h"

namespace qingling::testing {
namespace {

namespace json = boost::json;

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void replace_in(const std::filesystem::path& p, const std::string& from, const std::string& to) {
  std::string text = read_text(p);
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  std::ofstream(p) << text;
}

class RulesReloadTest : public ApiTest {
 protected:
  void SetUp() override {
    pack_ = test_dir().string() + "-pack";
    std::filesystem::remove_all(pack_);
    std::filesystem::copy(demo_pack(), pack_, std::filesystem::copy_options::recursive);
    replace_in(pack_ / "campaign.yaml", "../../calendars/cn.yaml",
               std::string(QINGLING_SOURCE_DIR) + "/rules/calendars/cn.yaml");
    ApiTest::SetUp();
  }
  void TearDown() override {
    ApiTest::TearDown();
    std::filesystem::remove_all(pack_);
  }
  std::filesystem::path pack_dir() const override { return pack_; }

  std::filesystem::path pack_;
};

TEST_F(RulesReloadTest, ANewPackNeverRejudgesADecidedDeadlineUntilReplanned) {
  const auto id = create_issue().at("id").as_int64();
  auto assigned =
      act("supervisor", id, "assign", 1, {{"fields", {{"responsible_unit", "cc.c01.t01"}}}});
  ASSERT_EQ(assigned.status, 200u) << assigned.body;
  const std::string old_version(
      assigned.json().at("deadline_basis").at("pack_version").as_string());
  EXPECT_EQ(assigned.json().at("deadline").as_string(), "2026-11-16");

  replace_in(pack_ / "deadlines.yaml", "within: 30 working days", "within: 20 working days");
  ASSERT_TRUE(app_->reload_rules().empty());
  const auto rules = as("supervisor").get("/api/v1/rules").json();
  EXPECT_NE(rules.at("version").as_string(), old_version);

  auto same = as("supervisor").get("/api/v1/issues/" + std::to_string(id));
  EXPECT_EQ(same.json().at("deadline").as_string(), "2026-11-16");
  EXPECT_EQ(same.json().at("deadline_basis").at("pack_version").as_string(), old_version);

  auto replanned = act("supervisor", id, "replan", 2, {{"comment", "按新规则重新计算"}});
  ASSERT_EQ(replanned.status, 200u) << replanned.body;
  // 20 working days from 2026-09-29: 09-30, 10-08, 10-09, 10-10 (make-up), then 16 more: 11-02.
  EXPECT_EQ(replanned.json().at("deadline").as_string(), "2026-11-02");
  const auto& basis = replanned.json().at("deadline_basis").as_object();
  EXPECT_EQ(basis.at("kind").as_string(), "replanned");
  EXPECT_EQ(basis.at("previous").as_string(), "2026-11-16");
  EXPECT_EQ(basis.at("pack_version").as_string(), rules.at("version").as_string());

  auto events = as("supervisor").get("/api/v1/issues/" + std::to_string(id) + "/events").json();
  const auto& items = events.at("items").as_array();
  EXPECT_EQ(items[1].at("pack_version").as_string(), old_version);
  EXPECT_EQ(items[2].at("pack_version").as_string(), rules.at("version").as_string());
}

TEST_F(RulesReloadTest, ABrokenPackIsRefusedAndTheOldOneKept) {
  const auto before = as("supervisor").get("/api/v1/rules").json().at("version");
  replace_in(pack_ / "workflow.yaml", "to: submitted", "to: nowhere");
  const auto errors = app_->reload_rules();
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors[0].to_string().find("workflow.yaml:"), std::string::npos)
      << errors[0].to_string();
  EXPECT_EQ(as("supervisor").get("/api/v1/rules").json().at("version"), before);
}

}  // namespace
}  // namespace qingling::testing
