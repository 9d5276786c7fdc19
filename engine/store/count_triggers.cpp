#include "engine/store/count_triggers.h"

#include <set>

#include "engine/core/escalation.h"

namespace qingling::store {
namespace {

std::string last_fired_key(const CountTrigger& trigger, const std::string& unit) {
  return "count_trigger:" + trigger.code + ":" + unit;
}

}  // namespace

std::size_t fire_count_triggers(WriteBackend& backend, const WriteContext& ctx,
                                const std::vector<Issue>& raised, EscalationFirer& firer) {
  std::size_t fired = 0;
  for (const CountTrigger& trigger : ctx.rules.escalation.counts) {
    std::set<std::string> candidates;
    for (const Issue& issue : raised) {
      if (!counts_toward(trigger, issue.level)) continue;
      if (const Unit* unit = count_unit(trigger, issue, ctx.units)) candidates.insert(unit->code);
    }
    const auto window = std::chrono::days{trigger.window_days};
    for (const std::string& code : candidates) {
      const std::string key = last_fired_key(trigger, code);
      const std::optional<Instant> last = parse_instant(backend.meta(key));
      if (last && ctx.now - *last < window) continue;  // once per window
      const Unit& unit = *ctx.units.find(code);
      const std::vector<std::int64_t> ids =
          backend.raised_since(ctx.units.path(code), counted_levels(trigger), ctx.now - window);
      if (ids.size() < static_cast<std::size_t>(trigger.at_least)) continue;

      std::vector<std::string> titles;
      std::string id_list;
      for (std::int64_t id : ids) {
        if (auto issue = backend.load_issue(id)) titles.push_back(issue->title);
        id_list += (id_list.empty() ? "" : ",") + std::to_string(id);
      }
      const auto values = count_template_values(trigger, unit, titles, ctx.rules);
      OutboxItem item;
      item.step = trigger.code;
      item.subject = fill_template(trigger.subject, values);
      item.text = fill_template(trigger.body, values);
      // Recipients relative to the unit: `responsible` is the unit itself.
      Issue at_unit;
      at_unit.responsible_unit = code;
      const auto to = firer.recipients(trigger.notify, at_unit, ctx.units);
      const Instant slot = digest_slot(ctx.now, ctx.rules);
      for (const EscalationFirer::Recipient& r : to) {
        backend.enqueue(Notification{r.address, r.name, "escalation", slot, item}, ctx.now);
      }
      backend.append_log("count_escalation", "scheduler", ctx.now, ctx.rules.version,
                         R"({"trigger":")" + trigger.code + R"(","unit":")" + code +
                             R"(","count":)" + std::to_string(ids.size()) + R"(,"issues":[)" +
                             id_list + "]}");
      backend.set_meta(key, format_instant(ctx.now));
      ++fired;
    }
  }
  return fired;
}

}  // namespace qingling::store
