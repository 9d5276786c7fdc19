#include "rules/loader/seed_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <numeric>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/core/unit_tree.h"

namespace qingling::rules {
namespace {

const std::filesystem::path kSeedDir =
    std::filesystem::path(QINGLING_SOURCE_DIR) / "rules/packs/chengchuan/seed";

const DemoSeed& demo() {
  static const DemoSeed seed = load_seed(kSeedDir);
  return seed;
}

std::size_t count_kind(const std::vector<Unit>& units, const std::string& kind) {
  return static_cast<std::size_t>(
      std::count_if(units.begin(), units.end(), [&](const Unit& u) { return u.kind == kind; }));
}

// A scratch copy of the demo seed folder, named after the test, with one file replaced.
class SeedFolder {
 public:
  explicit SeedFolder(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() / ("qingling-" + name)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    for (const char* file : {"units.yaml", "problems.yaml", "inspection.yaml"}) {
      std::filesystem::copy_file(kSeedDir / file, dir_ / file);
    }
  }
  ~SeedFolder() { std::filesystem::remove_all(dir_); }
  SeedFolder(const SeedFolder&) = delete;
  SeedFolder& operator=(const SeedFolder&) = delete;

  void write(const std::string& file, const std::string& text) const {
    std::ofstream(dir_ / file, std::ios::trunc) << text;
  }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// The message of the error load_seed throws, or "" when it loads.
std::string load_error(const std::filesystem::path& dir) {
  try {
    load_seed(dir);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(SeedLoader, DemoSeedHasTheCityItsDepartmentsAndCounties) {
  const std::vector<Unit>& units = demo().units;
  EXPECT_EQ(count_kind(units, "city"), 1u);
  EXPECT_EQ(count_kind(units, "department"), 21u);
  EXPECT_EQ(count_kind(units, "county"), 7u);
  EXPECT_EQ(count_kind(units, "township"), 102u);
  EXPECT_EQ(count_kind(units, "village"), 1459u);
  ASSERT_FALSE(units.empty());
  EXPECT_EQ(units.front().code, "cc");
  EXPECT_EQ(units.front().name, "澄川市");
  for (const Unit& u : units) {
    if (u.kind == "department") {
      EXPECT_EQ(u.parent, "cc") << u.code;
    }
    EXPECT_NE(u.email.find("@chengchuan.example"), std::string::npos) << u.code;
  }
}

TEST(SeedLoader, CountiesHaveTheTownshipsAndVillagesOfTheTable) {
  struct Case {
    std::string county;
    std::size_t townships;
    int villages;
  };
  const Case cases[] = {{"cc.c01", 12, 168}, {"cc.c02", 14, 196}, {"cc.c03", 15, 214},
                        {"cc.c04", 16, 236}, {"cc.c05", 13, 181}, {"cc.c06", 17, 253},
                        {"cc.c07", 15, 211}};
  const UnitTree tree(demo().units);
  for (const Case& c : cases) {
    const std::vector<const Unit*> townships = tree.children(c.county);
    EXPECT_EQ(townships.size(), c.townships) << c.county;
    int villages = 0;
    for (const Unit* t : townships) {
      const auto n = static_cast<int>(tree.children(t->code).size());
      // About villages / townships each, within 30% (rounded outwards).
      const double mean = static_cast<double>(c.villages) / static_cast<double>(c.townships);
      EXPECT_GE(n, static_cast<int>(0.7 * mean)) << t->code;
      EXPECT_LE(n, static_cast<int>(1.3 * mean) + 1) << t->code;
      villages += n;
    }
    EXPECT_EQ(villages, c.villages) << c.county;
  }
}

TEST(SeedLoader, SeatAndFixedTownshipsComeFirst) {
  const UnitTree tree(demo().units);
  EXPECT_EQ(tree.find("cc.c03.t01")->name, "松陂镇");
  EXPECT_EQ(tree.find("cc.c03.t02")->name, "桃源乡");
  EXPECT_EQ(tree.find("cc.c06.t01")->name, "鹤湾镇");
  EXPECT_EQ(tree.find("cc.c01.t02")->name, "东溪镇");
}

TEST(SeedLoader, CodesFollowThePatternAndParentsComeFirst) {
  const std::regex township(R"(cc\.c0[1-7]\.t\d{2})");
  const std::regex village(R"(cc\.c0[1-7]\.t\d{2}\.v\d{3})");
  std::set<std::string> seen;
  for (const Unit& u : demo().units) {
    if (u.kind == "township") {
      EXPECT_TRUE(std::regex_match(u.code, township)) << u.code;
    }
    if (u.kind == "village") {
      EXPECT_TRUE(std::regex_match(u.code, village)) << u.code;
      EXPECT_EQ(u.code.substr(0, u.parent.size() + 1), u.parent + ".") << u.code;
    }
    if (!u.parent.empty()) {
      EXPECT_EQ(seen.count(u.parent), 1u) << u.code;
    }
    seen.insert(u.code);
  }
  const UnitTree tree(demo().units);
  ASSERT_NE(tree.find("cc.c03.t07.v012"), nullptr);
  EXPECT_EQ(tree.find("cc.c03.t07.v012")->kind, "village");
  EXPECT_TRUE(tree.contains("cc.c03", "cc.c03.t07.v012"));
}

TEST(SeedLoader, NamesAreUniqueAmongSiblings) {
  std::map<std::string, std::set<std::string>> names_by_parent;
  for (const Unit& u : demo().units) {
    EXPECT_TRUE(names_by_parent[u.parent].insert(u.name).second) << u.code << " " << u.name;
    if (u.kind == "village") {
      EXPECT_EQ(u.name.substr(u.name.size() - std::string("村").size()), "村") << u.code;
    }
  }
}

TEST(SeedLoader, UnitTreeBuildsFromTheUnits) {
  const UnitTree tree(demo().units);
  EXPECT_EQ(tree.root(), "cc");
  EXPECT_EQ(tree.units().size(), 1u + 21u + 7u + 102u + 1459u);
}

TEST(SeedLoader, LoadingTwiceGivesTheSameTree) {
  const DemoSeed again = load_seed(kSeedDir);
  ASSERT_EQ(again.units.size(), demo().units.size());
  for (std::size_t i = 0; i < again.units.size(); ++i) {
    const Unit& a = again.units[i];
    const Unit& b = demo().units[i];
    EXPECT_EQ(a.code, b.code);
    EXPECT_EQ(a.name, b.name) << a.code;
    EXPECT_EQ(a.kind, b.kind) << a.code;
    EXPECT_EQ(a.parent, b.parent) << a.code;
    EXPECT_EQ(a.email, b.email) << a.code;
  }
}

TEST(SeedLoader, ThirtySevenProblemsBySixCategories) {
  const std::vector<SeedProblem>& problems = demo().problems;
  ASSERT_EQ(problems.size(), 37u);
  std::map<std::string, int> by_category;
  std::map<std::string, int> by_state;
  for (const SeedProblem& p : problems) {
    ++by_category[p.category];
    ++by_state[p.demo_state];
  }
  EXPECT_EQ(by_category, (std::map<std::string, int>{
                             {"A", 5}, {"B", 7}, {"C", 8}, {"D", 6}, {"E", 6}, {"F", 5}}));
  EXPECT_EQ(by_state, (std::map<std::string, int>{
                          {"cleared", 9}, {"submitted", 5}, {"rectifying", 18}, {"long_term", 5}}));
}

TEST(SeedLoader, ProblemsCarryDeadlinesLeadUnitsAndStories) {
  std::map<std::string, const SeedProblem*> by_code;
  for (const SeedProblem& p : demo().problems) by_code[p.code] = &p;

  const SeedProblem& a3 = *by_code.at("A3");
  EXPECT_EQ(a3.deadline_kind, "immediate");
  EXPECT_EQ(a3.deadline_days, 15);
  EXPECT_EQ(a3.deadline_unit, SpanUnit::WorkingDays);
  EXPECT_EQ(a3.lead_unit, "cc.dept.zzb");

  const SeedProblem& a2 = *by_code.at("A2");
  EXPECT_EQ(a2.deadline_kind, "dated");
  EXPECT_EQ(a2.deadline_days, 60);
  EXPECT_EQ(a2.deadline_unit, SpanUnit::CalendarDays);
  EXPECT_EQ(a2.lead_unit, "cc.dept.xczx");

  const SeedProblem& a1 = *by_code.at("A1");
  EXPECT_EQ(a1.deadline_kind, "long_term");
  EXPECT_EQ(a1.deadline_days, 0);
  EXPECT_EQ(a1.lead_unit, "cc.dept.dcs");

  EXPECT_EQ(by_code.at("B4")->story, std::vector<std::string>{"overdue_yellow"});
  EXPECT_EQ(by_code.at("D4")->story, std::vector<std::string>{"overdue_red"});
  EXPECT_EQ(by_code.at("E5")->story, std::vector<std::string>{"reminded"});
  EXPECT_EQ(by_code.at("B5")->story, (std::vector<std::string>{"rejected_once", "submitted_late"}));
  EXPECT_EQ(by_code.at("D5")->story, std::vector<std::string>{"submitted_early"});

  const UnitTree tree(demo().units);
  for (const SeedProblem& p : demo().problems) {
    EXPECT_NE(tree.find(p.lead_unit), nullptr) << p.code;
  }
}

TEST(SeedLoader, TemplatesTargetsReasonsAndUsers) {
  const DemoSeed& seed = demo();
  EXPECT_EQ(seed.templates.size(), 22u);
  ASSERT_EQ(seed.county_targets.size(), 7u);
  const int items = std::accumulate(seed.county_targets.begin(), seed.county_targets.end(), 0,
                                    [](int sum, const CountyTarget& c) { return sum + c.items; });
  EXPECT_EQ(items, 540);
  int cleared = 0;
  int overdue_red = 0;
  for (const CountyTarget& c : seed.county_targets) {
    cleared += c.cleared;
    overdue_red += c.overdue_red;
  }
  EXPECT_EQ(cleared, 198);
  EXPECT_EQ(overdue_red, 18);
  EXPECT_GE(seed.reject_reasons.size(), 4u);
  EXPECT_GE(seed.reopen_reasons.size(), 2u);

  const UnitTree tree(seed.units);
  std::map<std::string, const SeedUser*> users;
  for (const SeedUser& u : seed.users) {
    users[u.name] = &u;
    EXPECT_NE(tree.find(u.unit), nullptr) << u.name;
  }
  EXPECT_EQ(users.at("admin")->role, "admin");
  EXPECT_EQ(users.at("supervisor")->unit, "cc");
  EXPECT_EQ(users.at("inspector")->unit, "cc");
  EXPECT_EQ(users.at("responsible")->unit, "cc.c06.t03");
  EXPECT_EQ(users.at("responsible-zjj")->unit, "cc.dept.zjj");
  EXPECT_EQ(users.at("supervisor-c07")->unit, "cc.c07");
  EXPECT_EQ(users.at("inspector-c03")->role, "inspector");
}

TEST(SeedLoader, UnknownKeyReportsItsFileLineAndColumn) {
  const SeedFolder folder("UnknownKeyReportsItsFileLineAndColumn");
  folder.write("units.yaml",
               "email_domain: chengchuan.example\n"
               "generator_seed: 1\n"
               "city: {code: cc, name: 澄川市, email: office@chengchuan.example}\n"
               "departments: []\n"
               "counties:\n"
               "  - code: cc.c01\n"
               "    name: 望岭区\n"
               "    townshps: 12\n");
  const std::string expected =
      (folder.dir() / "units.yaml").string() + ":8:5: unknown key 'townshps'";
  EXPECT_EQ(load_error(folder.dir()).substr(0, expected.size()), expected);
}

TEST(SeedLoader, UnknownLeadUnitIsReportedAtItsValue) {
  const SeedFolder folder("UnknownLeadUnitIsReportedAtItsValue");
  folder.write("problems.yaml",
               "problems:\n"
               "  - code: A1\n"
               "    category: A\n"
               "    title: 主体责任压得不实\n"
               "    title_en: principal responsibility not carried down\n"
               "    measures: 专题研究\n"
               "    responsible_leader: 市委副书记\n"
               "    lead_unit: cc.dept.kaohe\n"
               "    responsible_units: 各县市区党委\n"
               "    deadline: {kind: long_term}\n"
               "    demo_state: long_term\n");
  const std::string expected = (folder.dir() / "problems.yaml").string() + ":8:16: ";
  EXPECT_EQ(load_error(folder.dir()).substr(0, expected.size()), expected);
}

TEST(SeedLoader, EmptyValueIsReportedAtItsKey) {
  const SeedFolder folder("EmptyValueIsReportedAtItsKey");
  folder.write("problems.yaml",
               "problems:\n"
               "  - code: A1\n"
               "    category: A\n"
               "    title:\n"
               "    title_en: principal responsibility not carried down\n");
  const std::string expected =
      (folder.dir() / "problems.yaml").string() + ":4:5: expected a value after ':'";
  EXPECT_EQ(load_error(folder.dir()), expected);
}

TEST(SeedLoader, TargetsThatDoNotAddUpAreRejected) {
  const SeedFolder folder("TargetsThatDoNotAddUpAreRejected");
  std::ifstream in(kSeedDir / "inspection.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string from = "items: 63,";
  text.replace(text.find(from), from.size(), "items: 64,");
  folder.write("inspection.yaml", text);
  EXPECT_NE(load_error(folder.dir()).find("= items (64)"), std::string::npos);
}

TEST(SeedLoader, MissingFolderIsAnError) {
  EXPECT_THROW(load_seed(std::filesystem::temp_directory_path() / "qingling-no-such-seed"),
               std::runtime_error);
}

}  // namespace
}  // namespace qingling::rules
