#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace qingling::ledger {

// A column of the rectification ledger (整改台账). Import matches a header to
// a column by any of its names; export writes `zh` as the header.
enum class Column {
  Seq,                // 序号 (export only)
  ExternalRef,        // 编号: the key that makes a repeated import change nothing
  Source,             // 问题来源 (code or label)
  Category,           // 问题类别 (code or label)
  Title,              // 问题标题
  Description,        // 问题描述
  Unit,               // 所在单位: where the problem is (code or name)
  Severity,           // 严重程度 (code or label)
  Measures,           // 整改措施
  ResponsibleLeader,  // 责任领导
  LeadUnit,           // 牵头单位 (code or name)
  ResponsibleUnit,    // 责任单位 (code or name)
  Deadline,           // 整改时限 (a date)
  Progress,           // 整改进展 (export only: the latest progress report)
  Completion,         // 完成情况 (export only: the state)
  Clearance,          // 销号情况 (export only: cleared on which day)
  OverdueDays,        // 超期天数 (export only)
  Level,              // 预警等级 (export only)
};

struct ColumnInfo {
  Column column;
  std::string_view zh;  // the header export writes
  std::string_view en;  // the English key (also accepted by import)
  bool imported;        // import reads it; otherwise import accepts and ignores it
  std::span<const std::string_view> aliases;  // further accepted headers
};

// Every ledger column in export order.
std::span<const ColumnInfo> ledger_columns();
const ColumnInfo& info(Column column);

// The column a header names, after normalising it (surrounding blanks,
// inner spaces, a required-marker '*' or '＊', full-width brackets and
// letter case do not matter), or nothing for a header the ledger does not know.
std::optional<Column> match_ledger_header(std::string_view header);

// The columns of a unit list (单位名录), for `import units`.
enum class UnitColumn {
  Code,    // 单位编码
  Name,    // 单位名称
  Parent,  // 上级单位编码 (empty for the root)
  Kind,    // 单位类型: city/county/township/village/department or 市/县/乡镇/村/部门
  Email,   // 联系邮箱
};

struct UnitColumnInfo {
  UnitColumn column;
  std::string_view zh;
  std::string_view en;
  bool required;
  std::span<const std::string_view> aliases;
};

std::span<const UnitColumnInfo> unit_columns();
std::optional<UnitColumn> match_unit_header(std::string_view header);

// "县" → "county"; an English kind stays as it is; unknown → nothing.
std::optional<std::string> unit_kind(std::string_view text);

// The normal form headers are compared in (see match_ledger_header).
std::string normalise_header(std::string_view header);

}  // namespace qingling::ledger
