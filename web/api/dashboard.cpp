// GET /api/v1/dashboard: the battle map (挂图作战) of a unit in the caller's
// jurisdiction, with the path to it for the page's breadcrumbs.

#include <boost/json.hpp>

#include "engine/notify/weekly.h"
#include "engine/report/report_json.h"
#include "web/api/handlers.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"

namespace qingling::web {
namespace json = boost::json;

net::awaitable<Response> dashboard(Services& s, Call& call) {
  const auto rules = s.writer.rules();
  const auto units = s.writer.units();
  auto it = call.query.find("unit");
  const std::string unit =
      it == call.query.end() || it->second.empty() ? call.user->unit : it->second;
  const Unit* found = units->find(unit);
  if (found == nullptr || !units->contains(call.user->unit, unit)) {
    co_return problem(call.req, Rejection::not_found("No unit " + unit + " in your jurisdiction."));
  }
  const Instant now = s.clock.now();
  const report::RankingRules ranking = notify::ranking_of(rules->escalation.weekly_report);
  const report::BattleIndex& battle = s.battle;
  // A pass over every problem: on a reader thread, not the I/O thread.
  auto build = [rules, units, unit, now, ranking, &battle](store::ReadView& v) {
    report::BattleMap map = battle.map({*rules, *units, unit, now, ranking});
    for (report::OverdueItem& item : map.overdue) {
      if (auto issue = v.issue(item.id)) item.title = issue->title;
    }
    return map;
  };
  const report::BattleMap map = co_await s.readers.read(std::move(build));
  json::object body = report::to_json(map);
  // From the caller's own unit down to this unit's parent.
  json::array path;
  for (const Unit* u = units->find(found->parent);
       u != nullptr && units->contains(call.user->unit, u->code); u = units->find(u->parent)) {
    path.insert(path.begin(), json::object{{"code", u->code}, {"name", u->name}});
  }
  body["path"] = std::move(path);
  json::object& unit_object = body["unit"].as_object();
  unit_object["kind"] = found->kind;
  json::array& children = body["children"].as_array();
  for (json::value& child : children) {
    json::object& c = child.as_object();
    const std::string code(c["unit"].as_object()["code"].as_string());
    c["has_children"] = !units->children(code).empty();
  }
  co_return json_response(call.req, http::status::ok, body);
}

}  // namespace qingling::web
