#pragma once

// A campaign for the ledger tests: the demo pack's categories, sources,
// severities and assigning action (交办 with 责任单位, 牵头单位, 责任领导,
// 整改措施, 整改时限), a small tree of 澄川市 with two villages of the same
// name, and problems built field by field. Header-only, as only *_test.cpp
// files are compiled.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/issue.h"
#include "engine/core/rule_set.h"
#include "engine/core/unit_tree.h"
#include "engine/sheet/table.h"
#include "tests/engine/core/test_rules.h"

namespace qingling::testing {

inline RuleSet ledger_rules() {
  RuleSet r = demo_rules();
  r.categories = {{"A", "责任落实方面"},
                  {"B", "精准识别与监测帮扶方面"},
                  {"C", "“两不愁三保障”及饮水安全方面"},
                  {"D", "产业就业与内生动力方面"},
                  {"E", "资金项目管理方面"},
                  {"F", "作风建设与基层党建方面"}};
  r.sources = {{"feedback", "巡视反馈"},
               {"carpet", "地毯式排查"},
               {"cross", "交叉督查"},
               {"lookback", "回头看"},
               {"selfcheck", "自查自纠"}};
  r.severities = {{"grave", "严重"}, {"serious", "较重"}, {"general", "一般"}};
  r.default_source = "carpet";
  for (ActionDef& a : r.actions) {
    if (a.name != "assign") continue;
    a.label = "交办";
    a.fields = {{"responsible_unit", FieldType::UnitCode, true, "责任单位"},
                {"lead_unit", FieldType::UnitCode, false, "牵头单位"},
                {"responsible_leader", FieldType::Text, false, "责任领导"},
                {"measures", FieldType::Text, false, "整改措施"},
                {"deadline", FieldType::IsoDate, false, "整改时限"}};
  }
  return r;
}

// 澄川市 > 望岭区 > 东溪镇 > 石门村; 溪桥县 > 白沙镇 > 石门村; 市乡村振兴局.
inline UnitTree ledger_units() {
  return UnitTree{{
      {"cc", "澄川市", "city", "", ""},
      {"cc.c01", "望岭区", "county", "cc", ""},
      {"cc.c01.t01", "东溪镇", "township", "cc.c01", ""},
      {"cc.c01.t01.v01", "石门村", "village", "cc.c01.t01", ""},
      {"cc.c02", "溪桥县", "county", "cc", ""},
      {"cc.c02.t01", "白沙镇", "township", "cc.c02", ""},
      {"cc.c02.t01.v01", "石门村", "village", "cc.c02.t01", ""},
      {"cc.dept.xczx", "市乡村振兴局", "department", "cc", "xczx@cc.gov.cn"},
  }};
}

inline Issue ledger_issue(std::int64_t id, std::string category, std::string title,
                          std::string state) {
  Issue i;
  i.id = id;
  i.version = 1;
  i.title = std::move(title);
  i.description = i.title + "的具体表现";
  i.category = std::move(category);
  i.source = "feedback";
  i.severity = "general";
  i.unit = "cc";
  i.state = std::move(state);
  i.created_at = instant_of("2026-02-02T02:00:00Z");
  i.updated_at = i.created_at;
  return i;
}

inline Deadline deadline_on(const char* day) {
  Deadline d;
  d.date = date_of(day);
  d.basis.kind = "given";
  return d;
}

// A table as a reader returns it: header on row 1, data from row 2.
inline sheet::Table table_of(std::vector<std::string> header,
                             std::vector<std::vector<std::string>> rows) {
  sheet::Table t;
  t.header = std::move(header);
  t.header_row = 1;
  std::size_t number = 2;
  for (auto& cells : rows) t.rows.push_back({number++, std::move(cells)});
  return t;
}

}  // namespace qingling::testing
