// The demo pack's calendar (rules/calendars/cn.yaml, generated from the
// holiday data) against the holiday data itself, read here independently.

// Boost.JSON is compiled into this one file: the test target does not link Boost::json.
#include <boost/json/src.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "rules/loader/pack_loader.h"

namespace qingling::rules {
namespace {

namespace json = boost::json;
using std::chrono::days;

Date d(const char* text) { return *parse_date(text); }

struct HolidayData {
  std::map<Date, std::string> off;   // official days off, with the holiday's name
  std::map<Date, std::string> work;  // make-up working days
};

HolidayData read_holiday_data() {
  std::ifstream in(QINGLING_SOURCE_DIR "/tests/rules/data/cn-holidays.json");
  std::stringstream text;
  text << in.rdbuf();
  const json::value root = json::parse(text.str());
  HolidayData data;
  for (const auto& year : root.at("years").as_object()) {
    const json::object& block = year.value().as_object();
    const json::object& names = block.at("names").as_object();
    for (const char* kind : {"off", "work"}) {
      for (const json::value& day : block.at(kind).as_array()) {
        const std::string date(day.as_string());
        auto& into = std::string(kind) == "off" ? data.off : data.work;
        into[d(date.c_str())] = std::string(names.at(date).as_string());
      }
    }
  }
  return data;
}

const RuleSet& demo_rules() {
  static const RuleSet rules =
      load_pack(QINGLING_SOURCE_DIR "/rules/packs/chengchuan", d("2026-01-10")).rules.value();
  return rules;
}

bool is_weekend(Date day) {
  const std::chrono::weekday wd{day};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

TEST(CnCalendar, AgreesWithTheHolidayDataOnEveryDay) {
  const HolidayData data = read_holiday_data();
  ASSERT_GT(data.off.size(), 200u);
  ASSERT_GT(data.work.size(), 50u);
  const WorkingCalendar& cal = demo_rules().calendar;
  // The campaign's own day off (campaign.yaml extra_days_off), a Monday.
  const Date campaign_day_off = d("2026-12-28");

  int days_checked = 0;
  for (Date day = d("2018-01-01"); day <= d("2026-12-31"); day += days{1}) {
    const bool working =
        (!is_weekend(day) && data.off.count(day) == 0) || data.work.count(day) != 0;
    const bool expected = day == campaign_day_off ? false : working;
    EXPECT_EQ(cal.is_working_day(day), expected) << format_date(day);
    EXPECT_TRUE(cal.is_known(day)) << format_date(day);
    ++days_checked;
  }
  EXPECT_EQ(days_checked, 3287);  // nine years, two of them (2020, 2024) leap years
  EXPECT_FALSE(cal.is_known(d("2017-12-31")));
  EXPECT_FALSE(cal.is_known(d("2027-01-01")));
}

TEST(CnCalendar, NamesEveryListedDayAsTheDataDoes) {
  const HolidayData data = read_holiday_data();
  const WorkingCalendar& cal = demo_rules().calendar;
  for (const auto& [day, name] : data.off) {
    const CalendarDay* e = cal.exception(day);
    ASSERT_NE(e, nullptr) << format_date(day);
    EXPECT_FALSE(e->working) << format_date(day);
    EXPECT_EQ(e->name, name) << format_date(day);
  }
  for (const auto& [day, name] : data.work) {
    const CalendarDay* e = cal.exception(day);
    ASSERT_NE(e, nullptr) << format_date(day);
    EXPECT_TRUE(e->working) << format_date(day);
    EXPECT_EQ(e->name, name + "调休") << format_date(day);
  }
}

TEST(CnCalendar, AddsWorkingDaysAcrossHolidaysAndMakeUpDays) {
  struct Case {
    const char* name;
    const char* from;
    int days;
    const char* expected;
    bool provisional;
  };
  // Worked out by hand from tests/rules/data/cn-holidays.json.
  const Case cases[] = {
      // 2024-02-09 (Fri, 除夕) is not listed off in 2024: it is worked.
      {"eve of the 2024 Spring Festival", "2024-02-08", 1, "2024-02-09", false},
      // 02-10..02-17 off (Sat..Sat); 02-18 is a make-up Sunday.
      {"2024 Spring Festival to its make-up Sunday", "2024-02-09", 1, "2024-02-18", false},
      {"2024 Spring Festival, then Monday", "2024-02-09", 2, "2024-02-19", false},
      // 02-04 (Sun) is worked before the festival; 02-05..02-09 Mon..Fri.
      {"2024 make-up Sunday before the festival", "2024-02-03", 1, "2024-02-04", false},
      // 09-28 Sat is an ordinary weekend day; 09-29 Sun is worked.
      {"2024 National Day make-up Sunday", "2024-09-27", 1, "2024-09-29", false},
      // 10-01..10-07 off (Tue..Mon).
      {"2024 National Day week", "2024-09-30", 1, "2024-10-08", false},
      // 10-08 Tue, 10-09 Wed, 10-10 Thu, 10-11 Fri, 10-12 Sat (make-up).
      {"2024 make-up Saturday after National Day", "2024-10-07", 5, "2024-10-12", false},
      // 10-01..10-08 off (Wed..Wed): 10-09 Thu, 10-10 Fri, 10-11 Sat (make-up).
      {"2025 National Day and Mid-Autumn", "2025-09-30", 3, "2025-10-11", false},
      // 2025-12-31 Wed; 2026-01-01..01-03 off; 01-04 Sun is worked.
      {"2026 New Year make-up Sunday", "2025-12-31", 1, "2026-01-04", false},
      // 02-14 Sat is worked, then 02-15..02-23 off; 02-24 Tue.
      {"2026 Spring Festival", "2026-02-13", 2, "2026-02-24", false},
      // 09-19 Sat skipped, 09-20 Sun worked (1), 09-21..09-24 (5), 09-25..27 off,
      // 09-28..09-30 (8), 10-01..10-07 off, 10-08 (9), 10-09 (10).
      {"ten working days over the 2026 Mid-Autumn and National Day", "2026-09-18", 10, "2026-10-09",
       false},
      // 2020-01-24..02-02 off (the extended Spring Festival).
      {"2020 Spring Festival, extended", "2020-01-23", 1, "2020-02-03", false},
      // 2018-12-29 Sat worked; 12-30, 12-31 and 2019-01-01 off.
      {"2019 New Year block, begun in 2018", "2018-12-28", 2, "2019-01-02", false},
      // Backwards: 02-18 Sun worked (1); 02-17..02-10 off; 02-09 Fri (2).
      {"back over the 2024 Spring Festival", "2024-02-19", -2, "2024-02-09", false},
      // Backwards: 10-07..10-01 off; 09-30 Mon.
      {"back over the 2024 National Day", "2024-10-08", -1, "2024-09-30", false},
      // 12-25 Fri (1); weekend; 12-28 Mon is the campaign's day off; 12-29..12-31 (4).
      {"the campaign's own day off", "2026-12-24", 4, "2026-12-31", false},
      // 12-31 Thu (1), 2027-01-01 Fri (2, weekday: no 2027 data), weekend, 01-04 Mon (3).
      {"past 2026, weekdays only", "2026-12-30", 3, "2027-01-04", true},
      // 01-04 Mon (1), weekend, 2027-01-01 Fri (2).
      {"backwards, past 2026", "2027-01-05", -2, "2027-01-01", true},
      {"zero days", "2024-02-10", 0, "2024-02-10", false},
  };
  const WorkingCalendar& cal = demo_rules().calendar;
  for (const Case& c : cases) {
    const CalendarAnswer a = cal.add_working_days(d(c.from), c.days);
    EXPECT_EQ(format_date(a.date), c.expected) << c.name;
    EXPECT_EQ(a.provisional, c.provisional) << c.name;
  }
}

TEST(CnCalendar, ExplainsWhatItSkippedAndCounted) {
  const CalendarAnswer a = demo_rules().calendar.add_working_days(d("2024-09-27"), 7);
  // 09-28 Sat skipped, 09-29 Sun worked (1), 09-30 Mon (2), 10-01..10-07 off,
  // 10-08..10-11 (6), 10-12 Sat worked (7).
  EXPECT_EQ(format_date(a.date), "2024-10-12");
  EXPECT_EQ(a.days_counted, 15);
  EXPECT_EQ(a.weekend_days_skipped, 1);
  ASSERT_EQ(a.holidays_skipped.size(), 7u);
  EXPECT_EQ(a.holidays_skipped.front(), d("2024-10-01"));
  EXPECT_EQ(a.holidays_skipped.back(), d("2024-10-07"));
  EXPECT_EQ(a.makeup_days_counted, (std::vector<Date>{d("2024-09-29"), d("2024-10-12")}));
}

}  // namespace
}  // namespace qingling::rules
