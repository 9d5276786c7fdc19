#include "engine/core/calendar.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/engine/core/test_rules.h"

namespace qingling {
namespace {

using testing::calendar_2025;
using testing::date_of;
using testing::dates_of;
using testing::iso;

const std::vector<Date> kNationalDay =
    dates_of({"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05", "2025-10-06",
              "2025-10-07", "2025-10-08"});
const std::vector<Date> kNationalDayBackwards =
    dates_of({"2025-10-08", "2025-10-07", "2025-10-06", "2025-10-05", "2025-10-04", "2025-10-03",
              "2025-10-02", "2025-10-01"});

struct AddCase {
  std::string name;
  const char* from;
  int days;
  const char* want;
  int days_counted;
  int weekend_days_skipped;
  std::vector<Date> holidays_skipped;
  std::vector<Date> makeup_days_counted;
};

void expect_answer(const CalendarAnswer& got, const AddCase& c) {
  EXPECT_EQ(format_date(got.date), c.want) << c.name;
  EXPECT_EQ(got.days_counted, c.days_counted) << c.name;
  EXPECT_EQ(got.weekend_days_skipped, c.weekend_days_skipped) << c.name;
  EXPECT_EQ(got.holidays_skipped, c.holidays_skipped) << c.name;
  EXPECT_EQ(got.makeup_days_counted, c.makeup_days_counted) << c.name;
  EXPECT_FALSE(got.provisional) << c.name;
}

TEST(WorkingCalendar, SkipsHolidaysAndCountsMakeUpWorkdays) {
  // 2025: Fri 09-26, Sat 09-27 off, Sun 09-28 worked (调休), Mon 09-29 and
  // Tue 09-30 worked, Wed 10-01 .. Wed 10-08 off (the block includes Sat
  // 10-04 and Sun 10-05, so they count as holidays, not weekend days),
  // Thu 10-09 and Fri 10-10 worked, Sat 10-11 worked (调休), Sun 10-12 off.
  const std::vector<AddCase> cases = {
      // 09-27 Sat skipped, 09-28 Sun make-up day is the 1st.
      {"friday into a make-up sunday",
       "2025-09-26",
       1,
       "2025-09-28",
       2,
       1,
       {},
       dates_of({"2025-09-28"})},
      // 10-01..10-08 skipped, 10-09 Thu is the 1st.
      {"over the whole national day block", "2025-09-30", 1, "2025-10-09", 9, 0, kNationalDay, {}},
      // 10-09 (1), 10-10 (2), Sat 10-11 make-up day (3).
      {"block then make-up saturday", "2025-09-30", 3, "2025-10-11", 11, 0, kNationalDay,
       dates_of({"2025-10-11"})},
      // 09-28 (1), 09-29 (2), 09-30 (3), block, 10-09 (4), 10-10 (5).
      {"both make-up days around the block", "2025-09-26", 5, "2025-10-10", 14, 1, kNationalDay,
       dates_of({"2025-09-28"})},
      // 10-09 (1), 10-10 (2), 10-11 (3), Sun 10-12 skipped, 10-13 (4).
      {"starting inside the block", "2025-10-03", 4, "2025-10-13", 10, 1,
       dates_of({"2025-10-04", "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08"}),
       dates_of({"2025-10-11"})},
      // Sat 03-08 and Sun 03-09 skipped, Mon 03-10 is the 1st.
      {"ordinary weekend", "2025-03-07", 1, "2025-03-10", 3, 2, {}, {}},
      // Mon 03-10 .. Fri 03-14 are the 1st to 5th.
      {"ordinary week", "2025-03-07", 5, "2025-03-14", 7, 2, {}, {}},
      // Sat 01-25 skipped, Sun 01-26 make-up day (春节) is the 1st.
      {"spring festival make-up sunday",
       "2025-01-24",
       1,
       "2025-01-26",
       2,
       1,
       {},
       dates_of({"2025-01-26"})},
      // 01-28 .. 02-04 (8 days, both weekend days included) skipped, Wed 02-05.
      {"over the spring festival block",
       "2025-01-27",
       1,
       "2025-02-05",
       9,
       0,
       dates_of({"2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01", "2025-02-02",
                 "2025-02-03", "2025-02-04"}),
       {}},
      // 02-05 (1), 02-06 (2), 02-07 (3), Sat 02-08 make-up day (4).
      {"spring festival make-up saturday",
       "2025-02-04",
       4,
       "2025-02-08",
       4,
       0,
       {},
       dates_of({"2025-02-08"})},
      // Backwards: 10-08 .. 10-01 skipped (in the order passed), Tue 09-30.
      {"backwards over the block", "2025-10-09", -1, "2025-09-30", 9, 0, kNationalDayBackwards, {}},
      // Backwards: 09-30 (1), 09-29 (2), Sun 09-28 make-up day (3).
      {"backwards onto a make-up day", "2025-10-09", -3, "2025-09-28", 11, 0, kNationalDayBackwards,
       dates_of({"2025-09-28"})},
      // Backwards: ... 09-28 (3), Sat 09-27 skipped, Fri 09-26 (4).
      {"backwards past a make-up day", "2025-10-09", -4, "2025-09-26", 13, 1, kNationalDayBackwards,
       dates_of({"2025-09-28"})},
      // Backwards: Sun 03-09 and Sat 03-08 skipped, Fri 03-07.
      {"backwards over a weekend", "2025-03-10", -1, "2025-03-07", 3, 2, {}, {}},
      {"zero is the start itself", "2025-03-07", 0, "2025-03-07", 0, 0, {}, {}},
      {"zero on a holiday stays on it", "2025-10-01", 0, "2025-10-01", 0, 0, {}, {}},
  };
  const WorkingCalendar cal = calendar_2025();
  for (const AddCase& c : cases) {
    expect_answer(cal.add_working_days(date_of(c.from), c.days), c);
  }
}

TEST(WorkingCalendar, AnswersAreProvisionalOnlyPastTheLastKnownYear) {
  const WorkingCalendar cal = calendar_2025();
  struct Case {
    std::string name;
    const char* from;
    int days;
    const char* want;
    bool provisional;
  };
  const std::vector<Case> cases = {
      // 12-30 Tue, 12-31 Wed (1), 2026-01-01 Thu (2): judged as a weekday
      // because 2026 is unknown, although it will be New Year's Day.
      {"crossing into an unknown year", "2025-12-30", 2, "2026-01-01", true},
      {"ending on the last known day", "2025-12-29", 2, "2025-12-31", false},
      {"well inside the known year", "2025-06-03", 10, "2025-06-17", false},
      {"backwards into the previous year", "2025-01-02", -1, "2024-12-31", true},
      {"entirely past the known years", "2026-03-06", 1, "2026-03-09", true},
      {"zero days counts nothing", "2026-03-06", 0, "2026-03-06", false},
  };
  for (const Case& c : cases) {
    const CalendarAnswer a = cal.add_working_days(date_of(c.from), c.days);
    EXPECT_EQ(format_date(a.date), c.want) << c.name;
    EXPECT_EQ(a.provisional, c.provisional) << c.name;
  }
}

TEST(WorkingCalendar, WithoutKnownYearsCountsWeekdaysProvisionally) {
  const WorkingCalendar weekdays;
  EXPECT_TRUE(weekdays.empty());
  // National Day means nothing here: 10-01 Wed is the 1st working day.
  const CalendarAnswer a = weekdays.add_working_days(date_of("2025-09-30"), 1);
  EXPECT_EQ(iso(a.date), "2025-10-01");
  EXPECT_TRUE(a.provisional);
  EXPECT_TRUE(a.holidays_skipped.empty());
  EXPECT_FALSE(calendar_2025().empty());
}

TEST(WorkingCalendar, ClassifiesDays) {
  const WorkingCalendar cal = calendar_2025();
  struct Case {
    const char* day;
    bool working;
    bool has_exception;
  };
  const std::vector<Case> cases = {
      {"2025-10-01", false, true},   // Wed, National Day
      {"2025-10-04", false, true},   // Sat inside the block
      {"2025-09-28", true, true},    // Sun, make-up
      {"2025-10-11", true, true},    // Sat, make-up
      {"2025-10-12", false, false},  // Sun, ordinary weekend
      {"2025-10-13", true, false},   // Mon, ordinary weekday
  };
  for (const Case& c : cases) {
    EXPECT_EQ(cal.is_working_day(date_of(c.day)), c.working) << c.day;
    EXPECT_EQ(cal.exception(date_of(c.day)) != nullptr, c.has_exception) << c.day;
  }
  ASSERT_NE(cal.exception(date_of("2025-01-28")), nullptr);
  EXPECT_EQ(cal.exception(date_of("2025-01-28"))->name, "春节");
  EXPECT_TRUE(cal.is_known(date_of("2025-01-01")));
  EXPECT_TRUE(cal.is_known(date_of("2025-12-31")));
  EXPECT_FALSE(cal.is_known(date_of("2026-01-01")));
  EXPECT_FALSE(cal.is_known(date_of("2024-12-31")));
  EXPECT_EQ(cal.first_year(), 2025);
  EXPECT_EQ(cal.last_year(), 2025);
}

TEST(WorkingCalendar, AddDaysCountsCalendarDays) {
  const WorkingCalendar cal = calendar_2025();
  const CalendarAnswer forward = cal.add_days(date_of("2025-09-30"), 10);
  EXPECT_EQ(iso(forward.date), "2025-10-10");
  EXPECT_EQ(forward.days_counted, 10);
  EXPECT_TRUE(forward.holidays_skipped.empty());
  EXPECT_EQ(forward.weekend_days_skipped, 0);
  const CalendarAnswer back = cal.add_days(date_of("2025-09-30"), -10);
  EXPECT_EQ(iso(back.date), "2025-09-20");
  EXPECT_EQ(back.days_counted, 10);
}

TEST(WorkingCalendar, CountsWorkingDaysInAHalfOpenRange) {
  const WorkingCalendar cal = calendar_2025();
  struct Case {
    std::string name;
    const char* from;
    const char* to;
    int want;
  };
  const std::vector<Case> cases = {
      // (09-30, 10-10]: the block is off; 10-09 and 10-10.
      {"after the block", "2025-09-30", "2025-10-10", 2},
      // (09-26, 10-11]: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11.
      {"both make-up days", "2025-09-26", "2025-10-11", 6},
      // (03-07, 03-14]: Mon to Fri.
      {"ordinary week", "2025-03-07", "2025-03-14", 5},
      {"start excluded", "2025-03-10", "2025-03-10", 0},
      {"reversed range", "2025-03-14", "2025-03-07", 0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(cal.working_days_between(date_of(c.from), date_of(c.to)), c.want) << c.name;
  }
  // Counting back what add_working_days counted gives the same number.
  for (int n : {1, 3, 5, 17, 30}) {
    const Date from = date_of("2025-09-26");
    EXPECT_EQ(cal.working_days_between(from, cal.add_working_days(from, n).date), n) << n;
  }
}

TEST(WorkingCalendar, WithDaysAddsACampaignDayOff) {
  const WorkingCalendar cal = calendar_2025();
  const WorkingCalendar campaign = cal.with_days({{date_of("2025-03-10"), false, "集中整治休整"}});
  // Sat 03-08, Sun 03-09 skipped, Mon 03-10 now off, Tue 03-11 is the 1st.
  const CalendarAnswer a = campaign.add_working_days(date_of("2025-03-07"), 1);
  EXPECT_EQ(iso(a.date), "2025-03-11");
  EXPECT_EQ(a.weekend_days_skipped, 2);
  EXPECT_EQ(a.holidays_skipped, dates_of({"2025-03-10"}));
  // The national days are still there, and the original is unchanged.
  EXPECT_FALSE(campaign.is_working_day(date_of("2025-10-01")));
  EXPECT_TRUE(campaign.is_working_day(date_of("2025-09-28")));
  EXPECT_TRUE(cal.is_working_day(date_of("2025-03-10")));
  EXPECT_EQ(campaign.first_year(), 2025);
  EXPECT_EQ(campaign.last_year(), 2025);
}

TEST(WorkingCalendar, WithDaysOverridesAnExistingDay) {
  // A campaign that works on 10-08: from 09-30 the 1st working day is 10-08.
  const WorkingCalendar campaign =
      calendar_2025().with_days({{date_of("2025-10-08"), true, "campaign duty"}});
  const CalendarAnswer a = campaign.add_working_days(date_of("2025-09-30"), 1);
  EXPECT_EQ(iso(a.date), "2025-10-08");
  EXPECT_EQ(a.holidays_skipped, dates_of({"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04",
                                          "2025-10-05", "2025-10-06", "2025-10-07"}));
  EXPECT_TRUE(a.makeup_days_counted.empty());  // a Wednesday, not a weekend day
  EXPECT_EQ(campaign.exception(date_of("2025-10-08"))->name, "campaign duty");
}

TEST(WorkingCalendar, LaterEntryForTheSameDateWins) {
  const Date monday = date_of("2025-03-10");
  const WorkingCalendar off_last{{{monday, true, "first"}, {monday, false, "second"}}, 2025, 2025};
  EXPECT_FALSE(off_last.is_working_day(monday));
  EXPECT_EQ(off_last.exception(monday)->name, "second");
  const WorkingCalendar on_last{{{monday, false, "first"}, {monday, true, "second"}}, 2025, 2025};
  EXPECT_TRUE(on_last.is_working_day(monday));
  EXPECT_EQ(on_last.exception(monday)->name, "second");
  // Order of other dates does not matter: entries may come unsorted.
  const WorkingCalendar unsorted{{{date_of("2025-10-08"), false, ""},
                                  {monday, false, "x"},
                                  {date_of("2025-01-01"), false, ""},
                                  {monday, true, "y"}},
                                 2025,
                                 2025};
  EXPECT_TRUE(unsorted.is_working_day(monday));
  EXPECT_FALSE(unsorted.is_working_day(date_of("2025-01-01")));
  EXPECT_FALSE(unsorted.is_working_day(date_of("2025-10-08")));
}

}  // namespace
}  // namespace qingling
