#include "web/demo/demo_data.h"

#include <algorithm>
#include <stdexcept>

#include "engine/core/deadline.h"
#include "engine/store/accounts.h"
#include "web/demo/demo_story.h"

namespace qingling::demo {
namespace {

using std::chrono::days;

const std::string kReport = "整改情况报告";
const std::string kSupplement = "补充佐证材料";

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "周", "吴", "徐",
                                 "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁"};
const char* const kGivenNames[] = {"建国", "晓明", "丽华", "志强", "海燕", "文杰", "秀英",
                                   "国平", "红梅", "俊峰", "婷婷", "振宇", "玉兰", "德胜",
                                   "春梅", "伟东", "桂芳", "明远", "雪莲", "永刚"};

// An invented person name, the same for the same `i` and different for
// the first 400.
std::string invented_name(std::size_t i) {
  const std::size_t n = std::size(kSurnames);
  return std::string(kSurnames[i % n]) +
         kGivenNames[(3 * i + 7 * (i / n)) % std::size(kGivenNames)];
}

std::string last_segment(const std::string& code) { return code.substr(code.rfind('.') + 1); }

bool holds(const UnitTree& tree, const std::vector<store::User>& users, const std::string& role,
           const std::string& unit) {
  return std::any_of(users.begin(), users.end(), [&](const store::User& u) {
    return u.roles.front() == role && tree.contains(u.unit, unit);
  });
}

}  // namespace

std::vector<store::User> demo_users(const UnitTree& tree, const rules::DemoSeed& seed) {
  std::vector<store::User> users;
  for (const rules::SeedUser& u : seed.users) {
    users.push_back({0, u.name, u.display_name, u.unit, {u.role}, u.email});
  }
  const std::string domain =
      seed.users.empty() ? "chengchuan.example"
                         : seed.users.front().email.substr(seed.users.front().email.find('@') + 1);
  const auto add = [&](const std::string& role, const std::string& unit) {
    const std::string name = role + "-" + last_segment(unit);
    users.push_back({0, name, invented_name(users.size()), unit, {role}, name + "@" + domain});
  };
  const bool city_inspector = std::any_of(users.begin(), users.end(), [&](const store::User& u) {
    return u.roles.front() == "inspector" && u.unit == tree.root();
  });
  if (!city_inspector) add("inspector", tree.root());
  for (const rules::SeedProblem& p : seed.problems) {
    if (!holds(tree, users, "responsible", p.lead_unit)) add("responsible", p.lead_unit);
  }
  for (const rules::CountyTarget& c : seed.county_targets) {
    if (!holds(tree, users, "responsible", c.county)) add("responsible", c.county);
  }
  return users;
}

namespace {

std::vector<store::User> add_users(store::WriteBackend& backend, const RuleSet& rules,
                                   const UnitTree& tree, const rules::DemoSeed& seed, Instant at) {
  std::vector<store::User> out;
  // One Argon2id hash for all: a tenth of a second each would slow the start.
  const std::string password_hash = *store::hash_password(kDemoPassword);
  for (const store::User& u : demo_users(tree, seed)) {
    if (!backend.user_by_name(u.name)) {
      auto added = store::add_user(backend, u, rules.roles, at);
      if (!added) throw std::logic_error("demo data: user " + u.name + ": " + added.error().detail);
    }
    out.push_back(*backend.user_by_name(u.name));
    backend.set_password_hash(out.back().id, password_hash);
  }
  return out;
}

bool has_tag(const rules::SeedProblem& p, const std::string& tag) {
  return std::find(p.story.begin(), p.story.end(), tag) != p.story.end();
}

// The deadline the plan gives a campaign problem: T0 + N (working) days, or
// the year end for long-term items.
Date campaign_deadline(const Stage& st, const rules::SeedProblem& p) {
  if (p.deadline_kind == "long_term") {
    const std::chrono::year year = std::chrono::year_month_day{st.t0()}.year();
    Date end = std::chrono::sys_days{year / std::chrono::December / 31};
    if (end <= st.today()) {  // a run early in the year: the next year end
      end = std::chrono::sys_days{(year + std::chrono::years{1}) / std::chrono::December / 31};
    }
    return end;
  }
  return add_span(st.rules(), st.t0(), p.deadline_days, p.deadline_unit).date;
}

std::string reject_reason(const rules::DemoSeed& seed, const std::string& hint) {
  for (const std::string& r : seed.reject_reasons) {
    if (r.find(hint) != std::string::npos) return r;
  }
  return seed.reject_reasons.empty() ? "佐证材料不足" : seed.reject_reasons.front();
}

// Acts out one of the campaign problems (面上问题) as its seed row tells.
class CampaignStory {
 public:
  CampaignStory(Stage& st, const rules::DemoSeed& seed, const rules::SeedProblem& p)
      : st_(st),
        seed_(seed),
        p_(p),
        deadline_(campaign_deadline(st, p)),
        measures_(split(p.measures, "；")) {
    script_.label = p.code;
    script_.expected_state = p.demo_state;
    Issue probe;
    probe.unit = st.tree().root();
    probe.responsible_unit = p.lead_unit;
    probe.lead_unit = p.lead_unit;
    supervisor_ = st.cast("supervisor", probe);
    inspector_ = st.cast("inspector", probe);
    responsible_ = st.cast("responsible", probe);
    const Unit* lead = st.tree().find(p.lead_unit);
    lead_name_ = lead != nullptr ? lead->name : p.lead_unit;
  }

  Script play() {
    assign();
    const std::string& state = p_.demo_state;
    if (state == "long_term") {
      long_term();
    } else if (state == "cleared") {
      cleared();
    } else if (state == "submitted") {
      submitted();
    } else {
      rectifying();
    }
    return std::move(script_);
  }

 private:
  void assign() {
    const std::string description =
        p_.title_en + "\n整改措施：" + p_.measures + "\n责任单位：" + p_.responsible_units;
    st_.create(script_, st_.day(-7), supervisor_,
               {{"title", p_.title},
                {"description", description},
                {"category", p_.category},
                {"source", "feedback"},
                {"severity", "serious"},
                {"unit", st_.tree().root()}});
    st_.act(script_, st_.day(0), supervisor_, "assign",
            {{"responsible_unit", p_.lead_unit},
             {"lead_unit", p_.lead_unit},
             {"responsible_leader", p_.responsible_leader},
             {"measures", p_.measures},
             {"deadline", format_date(deadline_)}},
            "印发整改方案，交办牵头单位按时限整改。");
  }

  void progress(Date day, std::size_t measure) {
    st_.act(script_, day, responsible_, "progress", {},
            "正在落实：" + measures_[std::min(measure, measures_.size() - 1)] + "。");
  }

  void long_term() {
    st_.act(script_, st_.workday_between(st_.day(3), st_.day(10)), supervisor_, "to_long_term", {},
            "需长期坚持，按季度阶段目标推进，年底集中评估。");
    st_.act(script_, st_.workday_between(st_.day(40), st_.day(60)), responsible_, "progress", {},
            "第三季度阶段目标已完成：" + measures_.front() + "。");
  }

  void rectifying() {
    progress(st_.workday_between(st_.day(8), st_.day(25)), 0);
    if (!has_tag(p_, "overdue_red")) progress(st_.workday_between(st_.day(35), st_.last_day()), 1);
  }

  void cleared() {
    const Date submit = st_.workday_between(std::max(st_.day(7), deadline_ - days{8}),
                                            std::min(deadline_, st_.last_day() - days{4}));
    progress(st_.workday_between(st_.day(3), submit - days{3}), 0);
    submit_on(submit, kReport);
    st_.act(script_, st_.workday_between(submit + days{2}, submit + days{6}), inspector_, "verify",
            {{"opinion", "经核查，整改措施已落实到位，同意销号。"}});
  }

  // On time: in the last week before the deadline; early: weeks before
  // it; late: about a week after it, once the ladder has turned it yellow
  // (F5 "was yellow").
  Date submit_day() {
    if (has_tag(p_, "submitted_early")) return st_.workday_between(st_.day(35), st_.day(45));
    if (has_tag(p_, "submitted_late")) {
      Date from = deadline_ + days{6};
      if (const auto yellow = st_.level_due(Level::Yellow, deadline_)) {
        from = std::max(from, st_.rules().zone.local_date(*yellow));
      }
      return st_.workday_between(from, from + days{2});
    }
    return st_.workday_between(deadline_ - days{7}, deadline_);
  }

  void submitted() {
    const Date submit = submit_day();
    const Date first = has_tag(p_, "rejected_once")
                           ? st_.workday_between(deadline_ - days{12}, deadline_ - days{8})
                           : submit;
    progress(st_.workday_between(st_.day(5), first - days{5}), 0);
    if (has_tag(p_, "rejected_once")) {
      submit_on(first, kReport);
      const std::string reason = reject_reason(seed_, "帮扶成效");
      st_.act(script_, st_.workday_between(first + days{2}, first + days{4}), inspector_, "reject",
              {{"requirements", "补充实际帮扶成效的佐证材料后重新申请销号。"}}, reason);
      submit_on(submit, kSupplement);
    } else {
      submit_on(submit, kReport);
    }
  }

  void submit_on(Date day, const std::string& report) {
    st_.attach(
        script_, day, responsible_,
        ledger(report + "-" + p_.code + ".txt",
               {"澄川市巡视反馈问题整改" + report, "问题编号：" + p_.code, "问题：" + p_.title,
                "牵头单位：" + lead_name_, "责任领导：" + p_.responsible_leader,
                "整改措施：" + p_.measures, "完成情况：各项措施已按方案落实。",
                "报告日期：" + format_date(day), "单位负责人：已签字确认"}));
    st_.attach(script_, day, responsible_,
               photo("整改后照片-" + p_.code + ".svg", "整改后", p_.title, lead_name_, day));
    const bool again = report != kReport;
    st_.act(script_, day, responsible_, "submit", {{"head_confirmed", "true"}},
            again ? "已按退回意见补充实际帮扶成效的佐证材料，重新申请销号。"
                  : "已按整改方案落实各项措施，单位负责人已签字确认，申请销号。");
  }

  Stage& st_;
  const rules::DemoSeed& seed_;
  const rules::SeedProblem& p_;
  Date deadline_;
  std::vector<std::string> measures_;
  std::string supervisor_, inspector_, responsible_, lead_name_;
  Script script_;
};

}  // namespace

void seed_demo(store::WriteBackend& backend, const RuleSet& rules, const rules::DemoSeed& seed,
               Instant now, const std::filesystem::path& evidence_dir) {
  backend.begin();
  try {
    UnitTree tree(backend.units());
    // Accounts exist from the day the feedback arrives (T0 - 14), before any problem.
    const Date opened = campaign_t0(rules, now) - days{14};
    const Instant accounts_at = rules.zone.at_local(opened, std::chrono::minutes{8 * 60 + 30});
    std::vector<store::User> users = add_users(backend, rules, tree, seed, accounts_at);
    Stage stage(backend, rules, std::move(tree), now, evidence_dir, std::move(users));
    std::vector<Script> scripts;
    for (const rules::SeedProblem& p : seed.problems) {
      scripts.push_back(CampaignStory(stage, seed, p).play());
    }
    for (Script& s : carpet_scripts(stage, seed)) scripts.push_back(std::move(s));
    stage.run(scripts);
    backend.commit();
  } catch (...) {
    backend.rollback();
    throw;
  }
}

std::vector<DemoToken> demo_tokens(store::WriteBackend& backend, const rules::DemoSeed& seed,
                                   Instant now) {
  std::vector<DemoToken> out;
  backend.begin();
  try {
    for (const std::string role : {"admin", "supervisor", "inspector", "responsible"}) {
      auto it = std::find_if(seed.users.begin(), seed.users.end(), [&](const rules::SeedUser& u) {
        return u.name == role && u.role == role;
      });
      if (it == seed.users.end()) {
        it = std::find_if(seed.users.begin(), seed.users.end(),
                          [&](const rules::SeedUser& u) { return u.role == role; });
      }
      if (it == seed.users.end()) continue;
      const auto user = backend.user_by_name(it->name);
      if (!user) throw std::logic_error("demo data: the demo user " + it->name + " is missing");
      auto token = store::issue_token(backend, it->name, now);
      if (!token) throw std::logic_error("demo data: " + token.error().detail);
      out.push_back({role, user->name, user->display_name, user->unit, *token});
    }
    backend.commit();
  } catch (...) {
    backend.rollback();
    throw;
  }
  return out;
}

}  // namespace qingling::demo
