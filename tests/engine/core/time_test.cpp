#include "engine/core/time.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace qingling {
namespace {

using namespace std::chrono;

TEST(ParseDate, RejectsAnythingButRealIsoDays) {
  struct Case {
    std::string name;
    std::string text;
    std::optional<Date> want;
  };
  const std::vector<Case> cases = {
      {"ordinary day", "2025-10-01", sys_days{2025y / October / 1}},
      {"leap day in a leap year", "2024-02-29", sys_days{2024y / February / 29}},
      {"last day of the year", "2025-12-31", sys_days{2025y / December / 31}},
      {"leap day in a common year", "2025-02-29", std::nullopt},
      {"day 31 of a 30-day month", "2025-04-31", std::nullopt},
      {"month 13", "2025-13-01", std::nullopt},
      {"month 0", "2025-00-10", std::nullopt},
      {"day 0", "2025-01-00", std::nullopt},
      {"one-digit month", "2025-1-01", std::nullopt},
      {"one-digit day", "2025-01-1", std::nullopt},
      {"empty", "", std::nullopt},
      {"slashes", "2025/01/01", std::nullopt},
      {"trailing time", "2025-01-01T00:00", std::nullopt},
      {"signed month", "2025-+1-01", std::nullopt},
      {"letters", "abcd-ef-gh", std::nullopt},
      {"leading space", " 2025-01-1", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(parse_date(c.text), c.want) << c.name;
  }
}

TEST(FormatDate, RoundTripsThroughParseDate) {
  for (const char* text : {"2025-01-01", "2024-02-29", "1999-12-31", "2031-07-09", "0987-03-04"}) {
    const auto day = parse_date(text);
    ASSERT_TRUE(day.has_value()) << text;
    EXPECT_EQ(format_date(*day), text);
  }
  for (Date day = sys_days{2024y / December / 25}; day < sys_days{2025y / March / 5};
       day += days{1}) {
    EXPECT_EQ(parse_date(format_date(day)), day) << format_date(day);
  }
}

TEST(ParseInstant, TakesUtcOffsetsAndFractions) {
  const Instant base = sys_days{2025y / January / 1} + 16h + 30min;
  struct Case {
    std::string name;
    std::string text;
    std::optional<Instant> want;
  };
  const std::vector<Case> cases = {
      {"utc", "2025-01-01T16:30:00Z", base},
      {"lower-case z", "2025-01-01T16:30:00z", base},
      {"east offset", "2025-01-02T00:30:00+08:00", base},
      {"west offset", "2025-01-01T11:00:00-05:30", base},
      {"zero offset", "2025-01-01T16:30:00+00:00", base},
      {"milliseconds", "2025-01-01T16:30:00.123Z", base + 123ms},
      {"one fraction digit", "2025-01-01T16:30:00.5Z", base + 500ms},
      {"microseconds truncated", "2025-01-01T16:30:00.123987Z", base + 123ms},
      {"fraction and offset", "2025-01-02T00:30:00.250+08:00", base + 250ms},
      {"no zone", "2025-01-01T16:30:00", std::nullopt},
      {"space for T", "2025-01-01 16:30:00Z", std::nullopt},
      {"hour 24", "2025-01-01T24:00:00Z", std::nullopt},
      {"minute 60", "2025-01-01T16:60:00Z", std::nullopt},
      {"impossible day", "2025-02-29T16:30:00Z", std::nullopt},
      {"offset without colon", "2025-01-01T16:30:00+0800", std::nullopt},
      {"trailing text", "2025-01-01T16:30:00Zjunk", std::nullopt},
      {"date only", "2025-01-01", std::nullopt},
      {"empty", "", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(parse_instant(c.text), c.want) << c.name;
  }
}

TEST(ParseInstant, RejectsAnEmptyFractionAndOutOfRangeOffsets) {
  // RFC 3339 wants a digit after the dot, and an offset is a time of day.
  for (const char* text :
       {"2025-01-01T16:30:00.Z", "2025-01-01T16:30:00.+08:00", "2025-01-01T16:30:00+24:00",
        "2025-01-01T16:30:00+08:60", "2025-01-01T16:30:00-99:99"}) {
    EXPECT_EQ(parse_instant(text), std::nullopt) << text;
  }
  EXPECT_TRUE(parse_instant("2025-01-01T16:30:00.0Z").has_value());
  EXPECT_TRUE(parse_instant("2025-01-01T16:30:00+23:59").has_value());
  EXPECT_TRUE(parse_instant("2025-01-01T16:30:00-12:00").has_value());
}

TEST(FormatInstant, WritesUtcWithMilliseconds) {
  const Instant at = sys_days{2026y / November / 27} + 3h + 32min + 58s + 123ms;
  EXPECT_EQ(format_instant(at), "2026-11-27T03:32:58.123Z");
  EXPECT_EQ(format_instant(Instant{sys_days{2025y / January / 1}}), "2025-01-01T00:00:00.000Z");
  EXPECT_EQ(format_instant(Instant{sys_days{1969y / December / 31}} + 23h + 59min + 59s + 999ms),
            "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(parse_instant(format_instant(at)), at);
}

TEST(DaysBetween, IsSignedCalendarDays) {
  EXPECT_EQ(days_between(sys_days{2025y / September / 30}, sys_days{2025y / October / 9}), 9);
  EXPECT_EQ(days_between(sys_days{2025y / October / 9}, sys_days{2025y / September / 30}), -9);
  EXPECT_EQ(days_between(sys_days{2024y / February / 28}, sys_days{2024y / March / 1}), 2);
  EXPECT_EQ(days_between(sys_days{2025y / March / 1}, sys_days{2025y / March / 1}), 0);
}

TEST(TimeZone, ShanghaiLocalDateIsEightHoursAhead) {
  const TimeZone shanghai{"Asia/Shanghai"};
  EXPECT_EQ(shanghai.name(), "Asia/Shanghai");
  struct Case {
    std::string name;
    Instant at;
    Date want;
  };
  const std::vector<Case> cases = {
      {"16:30Z is half past midnight next day", sys_days{2025y / January / 1} + 16h + 30min,
       sys_days{2025y / January / 2}},
      {"15:59:59.999Z is still the same day",
       sys_days{2025y / January / 1} + 15h + 59min + 59s + 999ms, sys_days{2025y / January / 1}},
      {"16:00Z is local midnight", sys_days{2025y / January / 1} + 16h,
       sys_days{2025y / January / 2}},
      {"new year's eve in UTC is new year in Shanghai", sys_days{2025y / December / 31} + 20h,
       sys_days{2026y / January / 1}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(shanghai.local_date(c.at), c.want) << c.name;
  }
}

TEST(TimeZone, AtLocalGivesTheInstantOfALocalWallClock) {
  const TimeZone shanghai{"Asia/Shanghai"};
  // 09:00 in Shanghai is 01:00 UTC on the same day; midnight is 16:00 UTC the day before.
  EXPECT_EQ(shanghai.at_local(sys_days{2025y / October / 9}, 9h),
            Instant{sys_days{2025y / October / 9}} + 1h);
  EXPECT_EQ(shanghai.at_local(sys_days{2025y / October / 9}, 0min),
            Instant{sys_days{2025y / October / 8}} + 16h);
  EXPECT_EQ(shanghai.local_date(shanghai.at_local(sys_days{2025y / October / 9}, 23h + 59min)),
            sys_days{2025y / October / 9});
}

TEST(TimeZone, DefaultIsUtc) {
  const TimeZone utc;
  EXPECT_EQ(utc.name(), "UTC");
  EXPECT_EQ(utc.local_date(sys_days{2025y / January / 1} + 23h), sys_days{2025y / January / 1});
  EXPECT_EQ(utc.at_local(sys_days{2025y / January / 1}, 9h),
            Instant{sys_days{2025y / January / 1}} + 9h);
}

TEST(TimeZone, AtLocalHandlesADaylightSavingGap) {
  // New York skipped 02:00-03:00 on 2025-03-09; 02:30 does not exist and
  // maps to the moment of the jump (07:00 UTC), not an exception.
  const TimeZone new_york{"America/New_York"};
  EXPECT_EQ(new_york.at_local(sys_days{2025y / March / 9}, 2h + 30min),
            Instant{sys_days{2025y / March / 9}} + 7h);
  // 01:30 on 2025-11-02 happens twice; the earlier (EDT, UTC-4) is chosen.
  EXPECT_EQ(new_york.at_local(sys_days{2025y / November / 2}, 1h + 30min),
            Instant{sys_days{2025y / November / 2}} + 5h + 30min);
}

TEST(TimeZone, UnknownNamesAreRefused) {
  EXPECT_FALSE(TimeZone::find("Mars/Olympus_Mons").has_value());
  EXPECT_THROW(TimeZone{"Mars/Olympus_Mons"}, std::runtime_error);
  const auto found = TimeZone::find("Asia/Shanghai");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name(), "Asia/Shanghai");
}

}  // namespace
}  // namespace qingling
