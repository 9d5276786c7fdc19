// The ladder at work on a real SQLite file and a fake clock: the scheduler
// fires each step once, also across a restart, catches up after downtime in
// one digest per recipient, re-plans on a new deadline; the sender delivers
// the outbox, retries with back-off, gives up on a refusal, can be told to
// retry, and resends what a crash left half-sent.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "engine/mail/transport.h"
#include "engine/notify/scheduler.h"
#include "engine/notify/sender.h"
#include "engine/notify/weekly.h"
#include "engine/store/accounts.h"
#include "engine/store/commands.h"
#include "engine/store/store.h"
#include "engine/store/writer.h"
#include "tests/engine/core/test_rules.h"
#include "tests/support/fake_clock.h"

namespace qingling::notify {
namespace {

using qingling::testing::FakeClock;
using qingling::testing::instant_of;
using namespace std::chrono_literals;

constexpr const char* kVillage = "v001@example.cn";
constexpr const char* kCounty = "c01@example.cn";
constexpr const char* kCitySupervisor = "chen@example.cn";

EscalationStep step(std::string code, StepAnchor anchor, int days, SpanUnit unit,
                    std::vector<NotifyTarget> to) {
  EscalationStep s;
  s.code = code;
  s.name = code;
  s.anchor = anchor;
  s.days = days;
  s.unit = unit;
  s.notify = std::move(to);
  s.subject = "【{{step}}】{{title}}";
  s.body = "{{responsible_unit_name}}：{{deadline}}到期，超期{{days_overdue}}天。{{late}}";
  return s;
}

RuleSet ladder_rules() {
  RuleSet r = qingling::testing::demo_rules();
  const NotifyTarget unit{UnitRelation::Responsible, {}};
  const NotifyTarget county{UnitRelation::County, {}};
  const NotifyTarget city{UnitRelation::City, {"supervisor"}};
  r.escalation.steps = {
      step("reminder", StepAnchor::Before, 3, SpanUnit::WorkingDays, {unit}),
      step("work_reminder", StepAnchor::At, 0, SpanUnit::CalendarDays, {unit, county}),
      step("bulletin", StepAnchor::After, 5, SpanUnit::WorkingDays, {unit, county, city}),
      step("yellow_card", StepAnchor::After, 15, SpanUnit::CalendarDays, {city}),
  };
  r.escalation.steps[2].level = Level::Yellow;
  r.escalation.steps[3].level = Level::Red;
  r.escalation.steps[3].repeat_days = 7;
  CountTrigger letter;
  letter.code = "letter";
  letter.name = "整改函";
  letter.level = Level::Yellow;
  letter.at_least = 2;
  letter.unit_kind = "township";
  letter.window_days = 7;
  letter.notify = {unit, county};
  letter.subject = "【{{step}}】{{unit_name}}{{days}}天内{{count}}个问题预警";
  letter.body = "{{titles}}";
  r.escalation.counts = {letter};
  r.escalation.weekly_report.mailed = true;  // Mondays 08:30 to supervisors
  r.escalation.weekly_report.requirements = "按期整改。";
  return r;
}

std::vector<Unit> units_with_mail() {
  return {{"cc", "澄川市", "city", "", "office@example.cn"},
          {"cc.c01", "望岭区", "county", "cc", kCounty},
          {"cc.c01.t01", "东溪镇", "township", "cc.c01", "t01@example.cn"},
          {"cc.c01.t01.v001", "杏林村", "village", "cc.c01.t01", kVillage},
          {"cc.c02", "溪桥县", "county", "cc", "c02@example.cn"},
          {"cc.c02.t01", "石坪镇", "township", "cc.c02", ""},
          {"cc.dept.dcs", "市委督查室", "department", "cc", ""}};
}

// Failure injection for the sender: answers from a script, then "sent".
class ScriptedTransport final : public mail::Transport {
 public:
  explicit ScriptedTransport(std::vector<mail::Outcome::Kind> script)
      : script_(std::move(script)) {}
  mail::Outcome send(const mail::Message& message) override {
    sent.push_back(message);
    if (calls_ < script_.size()) {
      const auto kind = script_[calls_++];
      return {kind, kind == mail::Outcome::Kind::Permanent ? "550 5.1.1 no such user"
                                                           : "451 4.3.0 try later"};
    }
    ++calls_;
    return {mail::Outcome::Kind::Sent, "250 ok"};
  }
  std::string describe() const override { return "scripted"; }
  std::vector<mail::Message> sent;

 private:
  std::vector<mail::Outcome::Kind> script_;
  std::size_t calls_ = 0;
};

class Notify : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("qingling-notify-" + std::string(info->name()) + "-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    open();
    writer_->run_job([&](store::WriteBackend& backend, const store::WriteContext& ctx) {
      ASSERT_TRUE(store::load_units_if_empty(backend, units_with_mail(), ctx.now));
      store::User chen{0, "chen", "陈若华", "cc", {"supervisor"}, kCitySupervisor};
      ASSERT_TRUE(store::add_user(backend, chen, rules_.roles, ctx.now).has_value());
    });
    reopen();  // the writer reads the unit tree when it starts
  }
  void TearDown() override {
    close();
    std::filesystem::remove_all(dir_);
  }

  void open() {
    db_ = store::open_sqlite(dir_ / "qingling.db");
    writer_ = std::make_unique<store::Writer>(db_->open_writer(), clock_,
                                              std::make_shared<const RuleSet>(rules_));
    scheduler_ = std::make_unique<Scheduler>(*writer_, clock_);
  }
  void close() {
    // The writer's listener may call the scheduler until the writer stops.
    if (scheduler_) scheduler_->stop();
    if (writer_) writer_->stop();
    scheduler_.reset();
    writer_.reset();
    db_.reset();
  }
  void reopen() {
    close();
    open();
  }

  store::Receipt run(store::Command command) {
    std::promise<Result<store::Receipt>> promise;
    writer_->submit(std::move(command), [&](std::exception_ptr e, Result<store::Receipt> r) {
      if (e) {
        promise.set_exception(e);
      } else {
        promise.set_value(std::move(r));
      }
    });
    Result<store::Receipt> r = promise.get_future().get();
    if (!r) throw std::runtime_error(r.error().detail);
    return *r;
  }

  // A problem in the village, assigned with deadline Friday 2025-10-17.
  std::int64_t assigned(const std::string& title, const std::string& deadline = "2025-10-17",
                        const std::string& unit = "cc.c01.t01.v001") {
    const Actor inspector{"wang", "cc", {"inspector"}};
    const Actor supervisor{"chen", "cc", {"supervisor"}};
    auto created = run(store::CreateIssue{
        IssueDraft{{{"title", title}, {"category", "A"}, {"unit", unit}}}, inspector, ""});
    run(store::TakeAction{created.issue.id,
                          store::kAnyVersion,
                          {"assign", {{"responsible_unit", unit}, {"deadline", deadline}}, ""},
                          supervisor});
    return created.issue.id;
  }

  std::vector<Event> escalations(std::int64_t id) {
    std::vector<Event> out;
    for (const Event& e : db_->open_reader()->events(id)) {
      if (e.type == Event::Type::Escalated) out.push_back(e);
    }
    return out;
  }

  std::vector<store::OutboxMessage> outbox(const std::string& state = "") {
    return db_->open_reader()->outbox(store::OutboxQuery{state, 100, std::nullopt}).items;
  }

  std::filesystem::path dir_;
  FakeClock clock_{instant_of("2025-10-09T02:00:00Z")};
  RuleSet rules_ = ladder_rules();
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::Writer> writer_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_F(Notify, EachStepFiresOnceOnTimeAsAnEventWithItsMessages) {
  const std::int64_t id = assigned("河道垃圾堆积");
  Scheduler::Totals t = scheduler_->run_once();
  EXPECT_EQ(t.fired, 0u);
  EXPECT_EQ(t.next, instant_of("2025-10-14T00:30:00Z"));

  clock_.set(instant_of("2025-10-14T00:30:00Z"));
  t = scheduler_->run_once();
  EXPECT_EQ(t.fired, 1u);
  EXPECT_EQ(t.messages, 1u);
  EXPECT_EQ(scheduler_->caught_up_until(), instant_of("2025-10-14T00:30:00Z"));
  auto fired = escalations(id);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].action, "reminder");
  EXPECT_EQ(fired[0].fields.at("notified"), kVillage);
  auto pending = outbox("pending");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].recipient, kVillage);
  EXPECT_EQ(pending[0].recipient_name, "杏林村");
  EXPECT_EQ(pending[0].items.at(0).subject, "【reminder】河道垃圾堆积");

  EXPECT_EQ(scheduler_->run_once().fired, 0u);  // never twice
  clock_.set(instant_of("2025-10-24T00:30:00Z"));
  t = scheduler_->run_once();
  EXPECT_EQ(t.fired, 2u);  // the deadline-day reminder (late) and the bulletin
  auto view = db_->open_reader();
  EXPECT_EQ(view->issue(id)->level, Level::Yellow);
  store::IssueQuery yellow;
  yellow.jurisdiction = "cc";
  yellow.level = "yellow";
  EXPECT_EQ(view->issues(yellow).items.size(), 1u);
  yellow.level = "red";
  EXPECT_TRUE(view->issues(yellow).items.empty());
}

TEST_F(Notify, AFiredStepStaysFiredAcrossARestart) {
  const std::int64_t id = assigned("台账缺失");
  clock_.set(instant_of("2025-10-14T01:00:00Z"));
  EXPECT_EQ(scheduler_->run_once().fired, 1u);
  reopen();
  EXPECT_EQ(scheduler_->run_once().fired, 0u);
  EXPECT_EQ(escalations(id).size(), 1u);
  EXPECT_EQ(outbox().size(), 1u);
  EXPECT_EQ(db_->open_reader()->earliest_escalation(), instant_of("2025-10-17T00:30:00Z"));
}

TEST_F(Notify, AfterDowntimeEachStepFiresOnceAndEachRecipientGetsOneDigest) {
  for (const char* title : {"问题一", "问题二", "问题三"}) assigned(title);
  clock_.set(instant_of("2025-11-22T03:00:00Z"));  // Saturday, five weeks on
  const Scheduler::Totals t = scheduler_->run_once();
  EXPECT_EQ(t.fired, 12u);  // 4 steps x 3 problems; the weekly step once, not three times
  for (std::int64_t id : {1, 2, 3}) {
    const auto fired = escalations(id);
    ASSERT_EQ(fired.size(), 4u);
    EXPECT_EQ(fired[3].action, "yellow_card");
    EXPECT_EQ(fired[3].fields.at("period"), "2");
    EXPECT_NE(fired[0].fields.at("late_minutes"), "0");
  }
  const auto rows = outbox();
  // One digest each for the village, the county and the supervisor, and the
  // township's letter (three problems turned yellow at once).
  ASSERT_EQ(rows.size(), 4u);
  const std::map<std::string, std::size_t> expected = {
      {kVillage, 9u}, {kCounty, 7u}, {kCitySupervisor, 6u}, {"t01@example.cn", 1u}};
  for (const auto& row : rows) {
    EXPECT_EQ(row.slot, instant_of("2025-11-24T00:30:00Z")) << "sent Monday at 08:30";
    EXPECT_EQ(row.items.size(), expected.at(row.recipient)) << row.recipient;
  }
  for (const auto& row : rows) {
    if (row.recipient == kVillage) {
      EXPECT_NE(row.items[0].text.find("补发"), std::string::npos);
    }
  }
}

TEST_F(Notify, AnExtensionReplansTheLadder) {
  const std::int64_t id = assigned("危房改造未完成");
  clock_.set(instant_of("2025-10-24T00:30:00Z"));
  EXPECT_EQ(scheduler_->run_once().fired, 3u);
  run(store::TakeAction{id,
                        store::kAnyVersion,
                        {"extend", {{"deadline", "2025-11-28"}, {"reason", "雨季停工"}}, ""},
                        Actor{"chen", "cc", {"supervisor"}}});
  auto view = db_->open_reader();
  EXPECT_EQ(view->issue(id)->level, Level::Green);
  EXPECT_EQ(view->earliest_escalation(), instant_of("2025-11-25T00:30:00Z"));
  EXPECT_EQ(scheduler_->run_once().fired, 0u);
  clock_.set(instant_of("2025-11-25T00:30:00Z"));
  EXPECT_EQ(scheduler_->run_once().fired, 1u);
  EXPECT_EQ(escalations(id).back().fields.at("deadline"), "2025-11-28");
}

TEST_F(Notify, TheSchedulerThreadWakesWhenAWriteMovesTheTimer) {
  writer_->on_escalation_written([this](Instant at) { scheduler_->wake_for(at); });
  std::atomic<std::size_t> fired{0};
  scheduler_->start([&](const Scheduler::Totals& t) { fired += t.fired; });
  clock_.set(instant_of("2025-10-16T02:00:00Z"));  // the reminder for 10-17 is already due
  const std::int64_t id = assigned("村级台账未更新");
  for (int i = 0; i < 500 && fired.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(fired.load(), 1u);
  EXPECT_EQ(escalations(id).size(), 1u);
}

TEST_F(Notify, TheSenderDeliversRetriesGivesUpAndRetriesOnRequest) {
  assigned("问题一");
  clock_.set(instant_of("2025-10-24T00:30:00Z"));
  scheduler_->run_once();
  ASSERT_EQ(outbox("pending").size(), 3u);  // village, county, supervisor

  using Kind = mail::Outcome::Kind;
  auto transport = std::make_unique<ScriptedTransport>(
      std::vector<Kind>{Kind::Temporary, Kind::Permanent, Kind::Temporary, Kind::Temporary});
  ScriptedTransport& wire = *transport;
  MailSender::Options options;
  options.compose = {{"督查室", "dcs@example.cn"}, "整改攻坚", "demo.qingling", rules_.zone};
  MailSender sender(*writer_, clock_, std::move(transport), options);
  sender.set_horizon([this] { return scheduler_->caught_up_until(); });

  MailSender::Totals t = sender.run_once();
  EXPECT_EQ(t.sent, 0u);
  EXPECT_EQ(t.retried, 2u);
  EXPECT_EQ(t.given_up, 1u);
  ASSERT_EQ(wire.sent.size(), 3u);
  EXPECT_EQ(wire.sent[0].message_id.rfind("outbox-", 0), 0u);
  const auto failed = outbox("failed");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].attempts, 1);
  EXPECT_EQ(failed[0].next_attempt_at, instant_of("2025-10-24T00:31:00Z"));  // one minute on
  EXPECT_NE(failed[0].last_error.find("451"), std::string::npos);
  const auto given_up = outbox("given_up");
  ASSERT_EQ(given_up.size(), 1u);
  EXPECT_NE(given_up[0].last_error.find("550"), std::string::npos);

  EXPECT_EQ(sender.run_once().sent, 0u);  // not before the back-off
  clock_.set(instant_of("2025-10-24T00:31:00Z"));
  t = sender.run_once();
  EXPECT_EQ(t.sent, 1u);
  EXPECT_EQ(t.retried, 1u);  // "later" once more: two minutes on
  EXPECT_EQ(outbox("failed").at(0).next_attempt_at, instant_of("2025-10-24T00:33:00Z"));

  bool retried = false;
  writer_->run_job([&](store::WriteBackend& backend, const store::WriteContext& ctx) {
    retried = backend.retry_outbox(given_up[0].id, ctx.now);
  });
  EXPECT_TRUE(retried);
  clock_.set(instant_of("2025-10-24T00:33:00Z"));
  t = sender.run_once();
  EXPECT_EQ(t.sent, 2u);
  EXPECT_EQ(outbox("sent").size(), 3u);
  EXPECT_EQ(wire.sent.size(), 7u);
}

TEST_F(Notify, NothingIsClaimedBeforeTheSchedulerHasCaughtUp) {
  assigned("问题一");
  clock_.set(instant_of("2025-10-24T00:30:00Z"));
  scheduler_->run_once();
  auto transport = std::make_unique<ScriptedTransport>(std::vector<mail::Outcome::Kind>{});
  ScriptedTransport& wire = *transport;
  MailSender sender(*writer_, clock_, std::move(transport), MailSender::Options{});
  sender.set_horizon([] { return std::optional<Instant>{}; });
  sender.run_once();
  EXPECT_TRUE(wire.sent.empty());
  sender.set_horizon([] { return std::optional<Instant>{instant_of("2025-10-24T00:29:00Z")}; });
  sender.run_once();
  EXPECT_TRUE(wire.sent.empty());
}

TEST_F(Notify, AMessageHalfSentWhenTheProcessDiedIsSentAgainAfterRestart) {
  assigned("问题一");
  clock_.set(instant_of("2025-10-14T00:30:00Z"));
  scheduler_->run_once();
  // Claimed, then the process dies before the outcome is written.
  writer_->run_job([&](store::WriteBackend& backend, const store::WriteContext& ctx) {
    ASSERT_EQ(backend.claim_outbox(ctx.now, ctx.now, 10).size(), 1u);
  });
  reopen();
  EXPECT_TRUE(outbox("pending").empty());
  auto transport = std::make_unique<ScriptedTransport>(std::vector<mail::Outcome::Kind>{});
  ScriptedTransport& wire = *transport;
  MailSender sender(*writer_, clock_, std::move(transport), MailSender::Options{});
  EXPECT_EQ(sender.recover(), 1u);
  EXPECT_EQ(sender.run_once().sent, 1u);
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(outbox("sent").size(), 1u);
  EXPECT_EQ(sender.run_once().sent, 0u);  // and only once
}

TEST_F(Notify, TheWeeklyReportIsMailedOncePerRunAndOnlyTheLatestAfterDowntime) {
  assigned("问题一");
  WeeklyMailer weekly(*db_, *writer_, clock_);
  // A first start marks the latest run (Mon 10-06 08:30) done without mailing it.
  EXPECT_EQ(weekly.tick(), instant_of("2025-10-13T00:30:00Z"));
  EXPECT_EQ(weekly.sent(), 0u);

  clock_.set(instant_of("2025-10-13T00:30:00Z"));
  EXPECT_EQ(weekly.tick(), instant_of("2025-10-20T00:30:00Z"));
  EXPECT_EQ(weekly.sent(), 1u);  // the one supervisor with an address
  weekly.tick();
  EXPECT_EQ(weekly.sent(), 1u);  // never twice for one run
  auto reports = outbox("pending");
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, "report");
  EXPECT_EQ(reports[0].recipient, kCitySupervisor);
  const store::OutboxItem& item = reports[0].items.at(0);
  EXPECT_EQ(item.subject.rfind("【澄川市整改周报】2025年第41周（10月6日—10月12日）· 澄川市", 0), 0u)
      << item.subject;
  EXPECT_NE(item.text.find("按期整改。"), std::string::npos);
  EXPECT_NE(item.html.find("<table"), std::string::npos);

  // Down for three weeks: one report, for the week before the latest run.
  clock_.set(instant_of("2025-11-05T02:00:00Z"));
  weekly.tick();
  EXPECT_EQ(weekly.sent(), 2u);
  reports = outbox("pending");
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_NE(reports[0].items.at(0).subject.find("2025年第44周"), std::string::npos)
      << reports[0].items.at(0).subject;
  // A restart does not send it again.
  reopen();
  WeeklyMailer again(*db_, *writer_, clock_);
  again.tick();
  EXPECT_EQ(again.sent(), 0u);
}

TEST_F(Notify, ATownshipWithTwoYellowProblemsInAWeekGetsOneLetter) {
  assigned("问题一", "2025-10-17");
  assigned("问题二", "2025-10-20");
  assigned("问题三", "2025-10-21");
  const auto letters = [&] {
    std::vector<store::OutboxItem> out;
    for (const auto& m : outbox()) {
      for (const auto& item : m.items) {
        if (item.step == "letter") out.push_back(item);
      }
    }
    return out;
  };
  clock_.set(instant_of("2025-10-24T00:30:00Z"));  // 问题一 turns yellow: one is not enough
  EXPECT_EQ(scheduler_->run_once().fired, 7u);     // and the earlier reminders of all three
  EXPECT_TRUE(letters().empty());

  clock_.set(instant_of("2025-10-27T00:30:00Z"));  // 问题二 turns yellow: two in the week
  scheduler_->run_once();
  auto sent = letters();
  ASSERT_EQ(sent.size(), 2u);  // to 东溪镇 and to 望岭区
  EXPECT_EQ(sent[0].subject, "【整改函】东溪镇7天内2个问题预警");
  EXPECT_EQ(sent[0].text, "问题一；问题二");

  clock_.set(instant_of("2025-10-28T00:30:00Z"));  // a third: once a week is enough
  scheduler_->run_once();
  EXPECT_EQ(letters().size(), 2u);
  int logged = 0;
  db_->open_reader()->scan_log([&](const store::LogEntry& e) {
    if (e.type == "count_escalation") {
      ++logged;
      EXPECT_NE(e.payload.find(R"("unit":"cc.c01.t01","count":2)"), std::string::npos) << e.payload;
    }
    return true;
  });
  EXPECT_EQ(logged, 1);
}

TEST_F(Notify, AUnitCardedTwoWeeksRunningIsToldOfTheCollectiveTalk) {
  clock_.set(instant_of("2025-09-22T02:00:00Z"));
  assigned("问题二", "2025-10-01", "cc.c02.t01");  // 溪桥县, red from 10-16
  clock_.set(instant_of("2025-10-09T02:00:00Z"));
  assigned("问题一");  // 望岭区, due 10-17
  WeeklyMailer weekly(*db_, *writer_, clock_);
  for (const char* now : {"2025-10-09T02:00:00Z", "2025-10-16T01:00:00Z", "2025-10-20T00:30:00Z"}) {
    clock_.set(instant_of(now));
    scheduler_->run_once();
    weekly.tick();
  }
  ASSERT_FALSE(outbox().empty());
  for (const auto& m : outbox()) EXPECT_NE(m.kind, "talk") << "carded once only so far";

  clock_.set(instant_of("2025-10-27T00:30:00Z"));  // W43's report: carded in W42 and W43
  scheduler_->run_once();
  weekly.tick();
  std::vector<store::OutboxMessage> talks;
  for (const auto& m : outbox()) {
    if (m.kind == "talk") talks.push_back(m);
  }
  ASSERT_EQ(talks.size(), 1u);
  EXPECT_EQ(talks[0].recipient, "c02@example.cn");
  EXPECT_NE(talks[0].items.at(0).subject.find("溪桥县连续两周被亮黄牌"), std::string::npos);
  bool logged = false;
  db_->open_reader()->scan_log([&](const store::LogEntry& e) {
    if (e.type == "collective_talk") logged = e.payload.find("cc.c02") != std::string::npos;
    return true;
  });
  EXPECT_TRUE(logged);
}

}  // namespace
}  // namespace qingling::notify
