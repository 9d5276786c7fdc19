// ISO 8601 weeks: parsing, the years with a week 53, and weeks that
// straddle a new year.

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "engine/report/report.h"
#include "tests/engine/core/test_rules.h"

namespace qingling::report {
namespace {

using testing::date_of;

TEST(IsoWeek, ParsesOnlyTheCanonicalForm) {
  struct Case {
    const char* text;
    std::optional<IsoWeek> expected;
  };
  const Case cases[] = {
      {"2026-W48", IsoWeek{2026, 48}}, {"2026-W01", IsoWeek{2026, 1}},
      {"2020-W53", IsoWeek{2020, 53}},  // 2020 began on a Wednesday of a leap year
      {"2026-W53", IsoWeek{2026, 53}},  // 2026 begins on a Thursday
      {"2025-W53", std::nullopt},       // 2025 has 52 weeks
      {"2027-W53", std::nullopt},      {"2026-W00", std::nullopt},
      {"2026-W54", std::nullopt},      {"2026-W5", std::nullopt},
      {"2026W48", std::nullopt},       {"2026-w48", std::nullopt},
      {"2026-W48 ", std::nullopt},     {"26-W48", std::nullopt},
      {"abcd-W01", std::nullopt},      {"2026-Wx8", std::nullopt},
      {"0000-W01", std::nullopt},      {"", std::nullopt},
  };
  for (const Case& c : cases) {
    const auto parsed = parse_iso_week(c.text);
    ASSERT_EQ(parsed.has_value(), c.expected.has_value()) << c.text;
    if (parsed) {
      EXPECT_EQ(*parsed, *c.expected) << c.text;
    }
  }
}

TEST(IsoWeek, FormatsWithTwoDigitWeeks) {
  EXPECT_EQ(format_iso_week({2026, 48}), "2026-W48");
  EXPECT_EQ(format_iso_week({2026, 1}), "2026-W01");
  EXPECT_EQ(parse_iso_week(format_iso_week({2020, 53})), (IsoWeek{2020, 53}));
}

TEST(IsoWeek, MondayAndSundayAcrossYearBoundaries) {
  struct Case {
    IsoWeek week;
    const char* monday;
    const char* sunday;
  };
  const Case cases[] = {
      {{2026, 48}, "2026-11-23", "2026-11-29"}, {{2025, 47}, "2025-11-17", "2025-11-23"},
      {{2026, 1}, "2025-12-29", "2026-01-04"},  {{2025, 1}, "2024-12-30", "2025-01-05"},
      {{2020, 53}, "2020-12-28", "2021-01-03"}, {{2021, 1}, "2021-01-04", "2021-01-10"},
      {{2026, 53}, "2026-12-28", "2027-01-03"},
  };
  for (const Case& c : cases) {
    const std::string name = format_iso_week(c.week);
    EXPECT_EQ(monday_of(c.week), date_of(c.monday)) << name;
    EXPECT_EQ(sunday_of(c.week), date_of(c.sunday)) << name;
    EXPECT_EQ(iso_week_of(date_of(c.monday)), c.week) << name;
    EXPECT_EQ(iso_week_of(date_of(c.sunday)), c.week) << name;
  }
}

TEST(IsoWeek, DaysNearNewYearBelongToTheWeekOfTheirThursday) {
  EXPECT_EQ(iso_week_of(date_of("2021-01-01")), (IsoWeek{2020, 53}));
  EXPECT_EQ(iso_week_of(date_of("2024-12-31")), (IsoWeek{2025, 1}));
  EXPECT_EQ(iso_week_of(date_of("2027-01-01")), (IsoWeek{2026, 53}));
  EXPECT_EQ(iso_week_of(date_of("2027-01-04")), (IsoWeek{2027, 1}));
  EXPECT_EQ(iso_week_of(date_of("2025-12-28")), (IsoWeek{2025, 52}));
}

TEST(IsoWeek, PreviousCrossesIntoTheYearBefore) {
  EXPECT_EQ(previous({2026, 48}), (IsoWeek{2026, 47}));
  EXPECT_EQ(previous({2026, 1}), (IsoWeek{2025, 52}));
  EXPECT_EQ(previous({2021, 1}), (IsoWeek{2020, 53}));
  EXPECT_EQ(previous({2027, 1}), (IsoWeek{2026, 53}));
}

}  // namespace
}  // namespace qingling::report
