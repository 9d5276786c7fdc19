#include "engine/core/unit_tree.h"

#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/engine/core/test_rules.h"

namespace qingling {
namespace {

using testing::demo_units;

TEST(UnitTree, PathsListCodesFromTheRootDown) {
  const UnitTree units = demo_units();
  struct Case {
    std::string code;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"cc", "/cc/"},
      {"cc.c01", "/cc/cc.c01/"},
      {"cc.c01.t01", "/cc/cc.c01/cc.c01.t01/"},
      {"cc.c01.t01.v001", "/cc/cc.c01/cc.c01.t01/cc.c01.t01.v001/"},
      {"cc.c02", "/cc/cc.c02/"},
      {"cc.dept.dcs", "/cc/cc.dept.dcs/"},
      {"cc.c99", ""},
      {"", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(units.path(c.code), c.path) << c.code;
  }
  EXPECT_EQ(units.root(), "cc");
  EXPECT_FALSE(units.empty());
  EXPECT_EQ(units.units().size(), 6u);
}

TEST(UnitTree, PathsDoNotDependOnTheOrderUnitsArrive) {
  // Children before parents, deepest first.
  const UnitTree units{{
      {"cc.c01.t01.v001", "Village 1", "village", "cc.c01.t01", ""},
      {"cc.c01.t01", "Township 1", "township", "cc.c01", ""},
      {"cc.c02", "County 2", "county", "cc", ""},
      {"cc.c01", "County 1", "county", "cc", ""},
      {"cc", "City", "city", "", ""},
  }};
  EXPECT_EQ(units.path("cc.c01.t01.v001"), "/cc/cc.c01/cc.c01.t01/cc.c01.t01.v001/");
  EXPECT_EQ(units.path("cc.c01.t01"), "/cc/cc.c01/cc.c01.t01/");
  EXPECT_EQ(units.path("cc.c02"), "/cc/cc.c02/");
  EXPECT_EQ(units.path("cc"), "/cc/");
  EXPECT_EQ(units.root(), "cc");
}

TEST(UnitTree, ContainsIsTheSubtreeItselfIncluded) {
  const UnitTree units = demo_units();
  struct Case {
    std::string name;
    std::string ancestor;
    std::string code;
    bool want;
  };
  const std::vector<Case> cases = {
      {"self", "cc.c01", "cc.c01", true},
      {"root contains all", "cc", "cc.c01.t01.v001", true},
      {"child", "cc.c01", "cc.c01.t01", true},
      {"grandchild", "cc.c01", "cc.c01.t01.v001", true},
      {"department under the root", "cc", "cc.dept.dcs", true},
      {"sibling", "cc.c01", "cc.c02", false},
      {"sibling's descendant", "cc.c02", "cc.c01.t01", false},
      {"ancestor is not a descendant", "cc.c01.t01", "cc.c01", false},
      {"root is not below a county", "cc.c01", "cc", false},
      {"unknown ancestor", "cc.c99", "cc.c01", false},
      {"unknown code", "cc", "cc.c99", false},
      {"empty ancestor", "", "cc", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(units.contains(c.ancestor, c.code), c.want) << c.name;
  }
}

TEST(UnitTree, CodeThatExtendsASiblingCodeIsNotInsideIt) {
  // "cc.c0" is a prefix of "cc.c01" as text but not as a path.
  const UnitTree units{{
      {"cc", "City", "city", "", ""},
      {"cc.c0", "County 0", "county", "cc", ""},
      {"cc.c01", "County 1", "county", "cc", ""},
  }};
  EXPECT_FALSE(units.contains("cc.c0", "cc.c01"));
  EXPECT_TRUE(units.contains("cc", "cc.c01"));
}

TEST(UnitTree, FindsUnitsAndChildren) {
  const UnitTree units = demo_units();
  ASSERT_NE(units.find("cc.c01.t01"), nullptr);
  EXPECT_EQ(units.find("cc.c01.t01")->kind, "township");
  EXPECT_EQ(units.find("cc.c01.t01")->parent, "cc.c01");
  EXPECT_EQ(units.find("cc.c99"), nullptr);
  std::vector<std::string> children;
  for (const Unit* u : units.children("cc")) children.push_back(u->code);
  EXPECT_EQ(children, (std::vector<std::string>{"cc.c01", "cc.c02", "cc.dept.dcs"}));
  EXPECT_TRUE(units.children("cc.c01.t01.v001").empty());
}

TEST(UnitTree, RejectsMalformedTrees) {
  struct Case {
    std::string name;
    std::vector<Unit> units;
  };
  const std::vector<Case> cases = {
      {"duplicate code",
       {{"cc", "City", "city", "", ""},
        {"cc.c01", "County 1", "county", "cc", ""},
        {"cc.c01", "County 1 again", "county", "cc", ""}}},
      {"missing parent",
       {{"cc", "City", "city", "", ""}, {"cc.c01.t01", "Township", "township", "cc.c01", ""}}},
      {"two roots", {{"cc", "City", "city", "", ""}, {"dd", "Other city", "city", "", ""}}},
      {"no root at all",
       {{"cc.a", "A", "county", "cc.b", ""}, {"cc.b", "B", "county", "cc.a", ""}}},
      {"cycle beside a root",
       {{"cc", "City", "city", "", ""},
        {"cc.a", "A", "county", "cc.b", ""},
        {"cc.b", "B", "county", "cc.a", ""}}},
      {"own parent", {{"cc", "City", "city", "", ""}, {"cc.a", "A", "county", "cc.a", ""}}},
  };
  for (const Case& c : cases) {
    EXPECT_THROW(UnitTree{c.units}, std::invalid_argument) << c.name;
  }
}

TEST(UnitTree, EmptyTreeContainsNothing) {
  const UnitTree units;
  EXPECT_TRUE(units.empty());
  EXPECT_EQ(units.path("cc"), "");
  EXPECT_FALSE(units.contains("cc", "cc"));
  EXPECT_NO_THROW(UnitTree{std::vector<Unit>{}});
}

}  // namespace
}  // namespace qingling
