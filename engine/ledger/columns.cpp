#include "engine/ledger/columns.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace qingling::ledger {
namespace {

using namespace std::string_view_literals;

constexpr std::array kNone = std::array<std::string_view, 0>{};
constexpr std::array kSeq = {"序"sv, "seq"sv, "no."sv};
constexpr std::array kRef = {"外部编号"sv, "问题编号"sv, "external_ref"sv, "ref"sv};
constexpr std::array kSource = {"来源"sv};
constexpr std::array kCategory = {"类别"sv, "方面"sv, "问题类型"sv};
constexpr std::array kTitle = {"标题"sv, "问题名称"sv};
constexpr std::array kDescription = {"具体问题"sv, "问题表现"sv, "存在问题"sv};
constexpr std::array kUnit = {"问题所在单位"sv, "所在地"sv, "地点"sv, "location"sv};
constexpr std::array kSeverity = {"问题等级"sv};
constexpr std::array kLeader = {"责任人"sv, "leader"sv};
constexpr std::array kResponsible = {"整改责任单位"sv};
constexpr std::array kDeadline = {"完成时限"sv, "整改期限"sv};
constexpr std::array kProgress = {"进展情况"sv};
constexpr std::array kCompletion = {"整改状态"sv, "状态"sv, "state"sv};
constexpr std::array kClearance = {"是否销号"sv, "cleared"sv};
constexpr std::array kOverdue = {"逾期天数"sv};
constexpr std::array kLevel = {"预警"sv};

constexpr std::array kColumns = {
    ColumnInfo{Column::Seq, "序号", "seq", false, kSeq},
    ColumnInfo{Column::ExternalRef, "编号", "external_ref", true, kRef},
    ColumnInfo{Column::Source, "问题来源", "source", true, kSource},
    ColumnInfo{Column::Category, "问题类别", "category", true, kCategory},
    ColumnInfo{Column::Title, "问题标题", "title", true, kTitle},
    ColumnInfo{Column::Description, "问题描述", "description", true, kDescription},
    ColumnInfo{Column::Unit, "所在单位", "unit", true, kUnit},
    ColumnInfo{Column::Severity, "严重程度", "severity", true, kSeverity},
    ColumnInfo{Column::Measures, "整改措施", "measures", true, kNone},
    ColumnInfo{Column::ResponsibleLeader, "责任领导", "responsible_leader", true, kLeader},
    ColumnInfo{Column::LeadUnit, "牵头单位", "lead_unit", true, kNone},
    ColumnInfo{Column::ResponsibleUnit, "责任单位", "responsible_unit", true, kResponsible},
    ColumnInfo{Column::Deadline, "整改时限", "deadline", true, kDeadline},
    ColumnInfo{Column::Progress, "整改进展", "progress", false, kProgress},
    ColumnInfo{Column::Completion, "完成情况", "completion", false, kCompletion},
    ColumnInfo{Column::Clearance, "销号情况", "clearance", false, kClearance},
    ColumnInfo{Column::OverdueDays, "超期天数", "overdue_days", false, kOverdue},
    ColumnInfo{Column::Level, "预警等级", "level", false, kLevel},
};

constexpr std::array kUnitCode = {"编码"sv, "单位代码"sv, "区划代码"sv};
constexpr std::array kUnitName = {"名称"sv, "单位"sv};
constexpr std::array kUnitParent = {"上级编码"sv, "上级单位"sv, "parent_code"sv};
constexpr std::array kUnitKind = {"类型"sv, "层级"sv, "type"sv};
constexpr std::array kUnitEmail = {"邮箱"sv, "电子邮箱"sv, "e-mail"sv};

constexpr std::array kUnitColumns = {
    UnitColumnInfo{UnitColumn::Code, "单位编码", "code", true, kUnitCode},
    UnitColumnInfo{UnitColumn::Name, "单位名称", "name", true, kUnitName},
    UnitColumnInfo{UnitColumn::Parent, "上级单位编码", "parent", true, kUnitParent},
    UnitColumnInfo{UnitColumn::Kind, "单位类型", "kind", true, kUnitKind},
    UnitColumnInfo{UnitColumn::Email, "联系邮箱", "email", false, kUnitEmail},
};

// Drops blanks, '*' and '＊' and lowers ASCII letters; full-width brackets
// become ASCII ones.
std::string normalise(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto rest = text.substr(i);
    if (rest.starts_with("＊") ||
        rest.starts_with("\u3000")) {  // full-width star, ideographic space
      i += 3;
      continue;
    }
    if (rest.starts_with("（")) {
      out += '(';
      i += 3;
      continue;
    }
    if (rest.starts_with("）")) {
      out += ')';
      i += 3;
      continue;
    }
    const char c = text[i++];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '*') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

template <typename Info, typename Key>
std::optional<Key> match(std::span<const Info> table, std::string_view header) {
  const std::string wanted = normalise(header);
  if (wanted.empty()) return std::nullopt;
  for (const Info& c : table) {
    if (normalise(c.zh) == wanted || normalise(c.en) == wanted) return c.column;
    for (std::string_view alias : c.aliases) {
      if (normalise(alias) == wanted) return c.column;
    }
  }
  return std::nullopt;
}

}  // namespace

std::span<const ColumnInfo> ledger_columns() { return kColumns; }

const ColumnInfo& info(Column column) {
  for (const ColumnInfo& c : kColumns) {
    if (c.column == column) return c;
  }
  throw std::logic_error("ledger column without a description");
}

std::string normalise_header(std::string_view header) { return normalise(header); }

std::optional<Column> match_ledger_header(std::string_view header) {
  return match<ColumnInfo, Column>(kColumns, header);
}

std::span<const UnitColumnInfo> unit_columns() { return kUnitColumns; }

std::optional<UnitColumn> match_unit_header(std::string_view header) {
  return match<UnitColumnInfo, UnitColumn>(kUnitColumns, header);
}

std::optional<std::string> unit_kind(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kKinds = {{
      {"city", "city"},
      {"市", "city"},
      {"county", "county"},
      {"县", "county"},
      {"区", "county"},
      {"县(市、区)", "county"},
      {"township", "township"},
      {"乡镇", "township"},
      {"乡镇(街道)", "township"},
      {"village", "village"},
      {"村", "village"},
      {"村(社区)", "village"},
      {"department", "department"},
      {"部门", "department"},
  }};
  const std::string wanted = normalise(text);
  for (const auto& [name, kind] : kKinds) {
    if (normalise(name) == wanted) return std::string(kind);
  }
  return std::nullopt;
}

}  // namespace qingling::ledger
