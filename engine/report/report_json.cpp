#include "engine/report/report_json.h"

#include <boost/json.hpp>

namespace qingling::report {
namespace {

namespace json = boost::json;

json::object unit_json(const UnitRef& unit) { return {{"code", unit.code}, {"name", unit.name}}; }

json::object changes_json(const Changes& c) {
  return {{"new", c.new_this_week}, {"cleared_this_week", c.cleared_this_week},
          {"cleared", c.cleared},   {"clearance_rate_points", c.clearance_rate_points},
          {"overdue", c.overdue},   {"red", c.red},
          {"yellow", c.yellow}};
}

json::array states_json(const std::vector<CodeLabel>& states) {
  json::array out;
  for (const CodeLabel& s : states)
    out.push_back(json::object{{"state", s.code}, {"label", s.label}});
  return out;
}

json::array categories_json(const std::vector<CodeLabel>& columns,
                            const std::vector<CategoryCounts>& rows) {
  json::array out;
  for (const CategoryCounts& c : rows) {
    json::object states;
    for (std::size_t i = 0; i < columns.size(); ++i) states[columns[i].code] = c.by_state[i];
    out.push_back(json::object{{"category", c.category},
                               {"label", c.label},
                               {"states", std::move(states)},
                               {"total", c.total}});
  }
  return out;
}

json::array ranking_json(const std::vector<UnitRanking>& ranking) {
  json::array out;
  for (const UnitRanking& u : ranking) {
    out.push_back(json::object{{"unit", unit_json(u.unit)},
                               {"total", u.total},
                               {"cleared", u.cleared},
                               {"long_term", u.long_term},
                               {"rate", u.rate},
                               {"overdue", u.overdue},
                               {"red", u.red},
                               {"yellow", u.yellow},
                               {"days_overdue", u.days_overdue},
                               {"rank", u.rank},
                               {"previous_rank", u.previous_rank},
                               {"rank_change", u.rank_change},
                               {"red_flag", u.red_flag},
                               {"yellow_card", u.yellow_card},
                               {"previous_yellow_card", u.previous_yellow_card},
                               {"talk", u.talk}});
  }
  return out;
}

json::array overdue_json(const std::vector<OverdueItem>& items) {
  json::array out;
  for (const OverdueItem& o : items) {
    json::object item{{"id", o.id},
                      {"title", o.title},
                      {"unit", unit_json(o.unit)},
                      {"deadline", format_date(o.deadline)},
                      {"days_overdue", o.days_overdue},
                      {"level", to_string(o.level)}};
    item["last_step"] = o.last_step.empty() ? json::value(nullptr) : json::value(o.last_step);
    out.push_back(std::move(item));
  }
  return out;
}

json::array due_json(const std::vector<DueItem>& items) {
  json::array out;
  for (const DueItem& d : items) {
    out.push_back(json::object{{"id", d.id},
                               {"title", d.title},
                               {"unit", unit_json(d.unit)},
                               {"deadline", format_date(d.deadline)},
                               {"level", to_string(d.level)}});
  }
  return out;
}

json::array returns_json(const std::vector<ReturnItem>& items) {
  json::array out;
  for (const ReturnItem& x : items) {
    out.push_back(json::object{{"id", x.id},
                               {"title", x.title},
                               {"unit", unit_json(x.unit)},
                               {"action", x.action},
                               {"action_label", x.action_label},
                               {"at", format_instant(x.at)},
                               {"local_date", format_date(x.local_date)},
                               {"actor", x.actor},
                               {"comment", x.comment}});
  }
  return out;
}

}  // namespace

json::object to_json(const Totals& t) {
  return {{"total", t.total},
          {"new", t.new_this_week},
          {"cleared_this_week", t.cleared_this_week},
          {"cleared", t.cleared},
          {"long_term", t.long_term},
          {"open", t.open},
          {"clearance_rate", t.clearance_rate},
          {"on_time_cleared", t.on_time_cleared},
          {"on_time_base", t.on_time_base},
          {"on_time_rate", t.on_time_rate},
          {"overdue", t.overdue},
          {"overdue_by_level",
           {{"green", t.overdue_by_level.green},
            {"yellow", t.overdue_by_level.yellow},
            {"red", t.overdue_by_level.red}}},
          {"overdue_rate", t.overdue_rate},
          {"rejected", t.rejected},
          {"reopened", t.reopened},
          {"due_next_week", t.due_next_week}};
}

json::object to_json(const WeeklyReport& r) {
  const ReportHeader& h = r.header;
  return {
      {"week", format_iso_week(h.week)},
      {"previous_week", format_iso_week(h.previous_week)},
      {"monday", format_date(h.monday)},
      {"sunday", format_date(h.sunday)},
      {"as_of", format_instant(h.as_of)},
      {"time_zone", h.time_zone},
      {"pack_version", h.pack_version},
      {"campaign", {{"code", h.campaign_code}, {"name", h.campaign}}},
      {"issuer", h.issuer},
      {"unit", unit_json(h.unit)},
      {"totals", to_json(r.totals)},
      {"states", states_json(r.states)},
      {"by_category", categories_json(r.states, r.by_category)},
      {"ranking", ranking_json(r.ranking)},
      {"overdue", overdue_json(r.overdue)},
      {"due_next_week", due_json(r.due_next_week)},
      {"returns", returns_json(r.returns)},
      {"previous", {{"week", format_iso_week(h.previous_week)}, {"totals", to_json(r.previous)}}},
      {"changes", changes_json(r.changes)},
      {"requirements", r.requirements}};
}

json::object to_json(const BattleMap& m) {
  const Headline& h = m.headline;
  json::array burndown;
  for (const BurnPoint& p : m.burndown) {
    burndown.push_back(json::object{{"date", format_date(p.date)}, {"open", p.open}});
  }
  json::value target = nullptr;
  if (m.target) {
    target = json::object{{"date", format_date(m.target->date)}, {"basis", m.target->basis}};
  }
  return {{"unit", unit_json(m.unit)},
          {"today", format_date(m.today)},
          {"as_of", format_instant(m.as_of)},
          {"headline",
           {{"total", h.total},
            {"cleared", h.cleared},
            {"open", h.open},
            {"long_term", h.long_term},
            {"clearance_rate", h.clearance_rate},
            {"overdue", h.overdue},
            {"overdue_by_level",
             {{"green", h.overdue_by_level.green},
              {"yellow", h.overdue_by_level.yellow},
              {"red", h.overdue_by_level.red}}},
            {"due_this_week", h.due_this_week}}},
          {"states", states_json(m.states)},
          {"by_category", categories_json(m.states, m.by_category)},
          {"children", ranking_json(m.children)},
          {"burndown", {{"points", std::move(burndown)}, {"target", std::move(target)}}},
          {"overdue", overdue_json(m.overdue)}};
}

}  // namespace qingling::report
