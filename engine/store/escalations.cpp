#include "engine/store/escalations.h"

#include <algorithm>
#include <set>

#include "engine/core/escalation.h"
#include "engine/store/count_triggers.h"

namespace qingling::store {
namespace {

constexpr const char* kIndexVersionKey = "escalation_index_pack";

}  // namespace

std::vector<EscalationFirer::Recipient> EscalationFirer::recipients(
    const std::vector<NotifyTarget>& targets, const Issue& issue, const UnitTree& units) {
  std::vector<Recipient> out;
  std::set<std::string> seen;
  const auto add = [&](const std::string& address, const std::string& name) {
    if (!address.empty() && seen.insert(address).second) out.push_back({address, name});
  };
  for (const NotifyTarget& target : targets) {
    const Unit* unit = target_unit(target, issue, units);
    if (unit == nullptr) continue;
    if (target.roles.empty()) {
      add(unit->email, unit->name);
      continue;
    }
    for (const User& user : users_at(unit->code)) {
      const bool holds = std::any_of(target.roles.begin(), target.roles.end(), [&](const auto& r) {
        return std::find(user.roles.begin(), user.roles.end(), r) != user.roles.end();
      });
      if (holds) add(user.email, user.display_name.empty() ? user.name : user.display_name);
    }
  }
  return out;
}

const std::vector<User>& EscalationFirer::users_at(const std::string& unit) {
  auto it = users_.find(unit);
  if (it == users_.end()) it = users_.emplace(unit, backend_.users_at(unit)).first;
  return it->second;
}

Issue EscalationFirer::fire_due(Issue issue, const WriteContext& ctx, EscalationPass& pass) {
  const std::vector<StepDue> dues = due_steps(issue, ctx.rules, ctx.now);
  if (dues.empty()) return issue;
  const Instant slot = digest_slot(ctx.now, ctx.rules);
  for (const StepDue& due : dues) {
    const std::vector<Recipient> to = recipients(due.step->notify, issue, ctx.units);
    std::vector<std::string> addresses;
    addresses.reserve(to.size());
    for (const Recipient& r : to) addresses.push_back(r.address);
    const auto values = template_values(issue, due, ctx.now, ctx.rules, ctx.units);
    OutboxItem item;
    item.issue_id = issue.id;
    item.step = due.step->code;
    item.subject = fill_template(due.step->subject, values);
    item.text = fill_template(due.step->body, values);
    item.late_minutes = minutes_late(due, ctx.now);
    for (const Recipient& r : to) {
      backend_.enqueue(Notification{r.address, r.name, "escalation", slot, item}, ctx.now);
      ++pass.messages;
    }
    const Event event = escalation_event(issue, due, ctx.now, ctx.rules, addresses);
    issue = append_event(backend_, issue, event, ctx);
    ++pass.fired;
    if (due.step->level) ++pass.raised_to[static_cast<std::size_t>(*due.step->level)];
  }
  return issue;
}

EscalationPass fire_due_escalations(WriteBackend& backend, const WriteContext& ctx,
                                    std::size_t limit) {
  EscalationPass pass;
  std::vector<std::int64_t> ids = backend.due_for_escalation(ctx.now, limit + 1);
  pass.more = ids.size() > limit;
  if (pass.more) ids.pop_back();
  EscalationFirer firer(backend);
  std::vector<Issue> raised;  // whose level rose: they may make a count trigger fire
  for (std::int64_t id : ids) {
    std::optional<Issue> loaded = backend.load_issue(id);
    if (!loaded) continue;
    ++pass.problems;
    const std::size_t fired = pass.fired;
    const Level before = loaded->level;
    Issue after = firer.fire_due(std::move(*loaded), ctx, pass);
    if (pass.fired == fired) {
      // Indexed under other rules, or by a state the ladder skips: re-plan.
      backend.set_next_escalation(id, next_escalation(after, ctx.rules));
    } else if (after.level > before) {
      raised.push_back(std::move(after));
    }
  }
  pass.letters = fire_count_triggers(backend, ctx, raised, firer);
  return pass;
}

std::size_t reindex_escalations(WriteBackend& backend, const WriteContext& ctx) {
  if (backend.meta(kIndexVersionKey) == ctx.rules.version) return 0;
  std::vector<std::pair<std::int64_t, std::optional<Instant>>> updates;
  backend.scan_open_issues([&](const Issue& issue) {
    updates.emplace_back(issue.id, next_escalation(issue, ctx.rules));
  });
  for (const auto& [id, at] : updates) backend.set_next_escalation(id, at);
  backend.set_meta(kIndexVersionKey, ctx.rules.version);
  return updates.size();
}

}  // namespace qingling::store
