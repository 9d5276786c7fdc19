#include "engine/ledger/import_file.h"

#include <algorithm>
#include <map>
#include <variant>

#include "engine/ledger/columns.h"
#include "engine/sheet/csv.h"
#include "engine/sheet/xlsx_reader.h"

namespace qingling::ledger {
namespace {

std::string encoding_name(sheet::Encoding e) {
  switch (e) {
    case sheet::Encoding::Utf8:
      return "utf-8";
    case sheet::Encoding::Utf8Bom:
      return "utf-8-bom";
    case sheet::Encoding::Gb18030:
      return "gb18030";
  }
  return "utf-8";
}

CellError unreadable(const sheet::ReadError& e, const std::string& sheet_name = "") {
  return {0, "", "the file cannot be read (" + e.where + "): " + e.message, sheet_name};
}

bool is_ledger_sheet(const sheet::Table& table) {
  for (const std::string& header : table.header) {
    if (match_ledger_header(header) == Column::Category) return true;
  }
  return false;
}

// Appends `part` (one sheet's plan) to `all`, naming the sheet in its errors.
void merge(IssueImportPlan& all, IssueImportPlan part, const std::string& sheet_name) {
  for (CellError& e : part.errors) e.sheet = sheet_name;
  all.errors.insert(all.errors.end(), part.errors.begin(), part.errors.end());
  for (PlannedIssue& p : part.issues) {
    p.sheet = sheet_name;
    all.issues.push_back(std::move(p));
  }
  for (std::string& c : part.ignored_columns) {
    if (std::find(all.ignored_columns.begin(), all.ignored_columns.end(), c) ==
        all.ignored_columns.end()) {
      all.ignored_columns.push_back(std::move(c));
    }
  }
  all.assign_action = part.assign_action;
}

// 编号 repeated across sheets (each sheet's plan checks only its own rows).
void check_refs_across_sheets(IssueImportPlan& plan, const std::vector<std::string>& sheet_of) {
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < plan.issues.size(); ++i) {
    auto ref = plan.issues[i].create.find("external_ref");
    if (ref == plan.issues[i].create.end()) continue;
    auto [at, fresh] = first.emplace(ref->second, i);
    if (fresh || sheet_of[at->second] == sheet_of[i]) continue;
    const auto column = plan.issues[i].columns.find("external_ref");
    plan.errors.push_back(
        {plan.issues[i].row, column == plan.issues[i].columns.end() ? "编号" : column->second,
         "'" + ref->second + "' is given already on sheet " + sheet_of[at->second] + ", row " +
             std::to_string(plan.issues[at->second].row),
         sheet_of[i]});
  }
}

// A CSV file read as one table, its encoding noted in `file`.
std::variant<sheet::Table, sheet::ReadError> read_csv_file(std::string_view bytes,
                                                           FileFormat& file) {
  file.format = "csv";
  sheet::Encoding encoding = sheet::Encoding::Utf8;
  auto read = sheet::read_csv(bytes, &encoding);
  file.encoding = encoding_name(encoding);
  return read;
}

}  // namespace

IssueFilePlan plan_issue_file(std::string_view bytes, const RuleSet& rules, const UnitTree& units) {
  IssueFilePlan out;
  if (!sheet::looks_like_xlsx(bytes)) {
    auto read = read_csv_file(bytes, out.file);
    if (auto* error = std::get_if<sheet::ReadError>(&read)) {
      out.plan.errors.push_back(unreadable(*error));
      return out;
    }
    const auto& table = std::get<sheet::Table>(read);
    out.rows = table.rows.size();
    out.plan = plan_issue_import(table, rules, units);
    return out;
  }
  out.file.format = "xlsx";
  auto read = sheet::read_xlsx_sheets(bytes);
  if (auto* error = std::get_if<sheet::ReadError>(&read)) {
    out.plan.errors.push_back(unreadable(*error));
    return out;
  }
  auto& sheets = std::get<std::vector<sheet::NamedTable>>(read);
  std::vector<std::string> sheet_of;  // by planned issue
  bool any = false;
  for (sheet::NamedTable& s : sheets) {
    if (!is_ledger_sheet(s.table)) continue;
    any = true;
    out.rows += s.table.rows.size();
    IssueImportPlan part = plan_issue_import(s.table, rules, units);
    sheet_of.insert(sheet_of.end(), part.issues.size(), s.name);
    merge(out.plan, std::move(part), s.name);
  }
  if (!any) {
    // No sheet names 问题类别: plan the first, so its header errors show.
    if (!sheets.empty()) {
      out.rows = sheets.front().table.rows.size();
      merge(out.plan, plan_issue_import(sheets.front().table, rules, units), sheets.front().name);
    } else {
      out.plan.errors.push_back({0, "", "the workbook has no sheet with a header row"});
    }
  }
  check_refs_across_sheets(out.plan, sheet_of);
  return out;
}

UnitFilePlan plan_unit_file(std::string_view bytes, const UnitTree& existing) {
  UnitFilePlan out;
  std::variant<sheet::Table, sheet::ReadError> read;
  if (sheet::looks_like_xlsx(bytes)) {
    out.file.format = "xlsx";
    read = sheet::read_xlsx(bytes);
  } else {
    read = read_csv_file(bytes, out.file);
  }
  if (auto* error = std::get_if<sheet::ReadError>(&read)) {
    out.plan.errors.push_back(unreadable(*error));
    return out;
  }
  const auto& table = std::get<sheet::Table>(read);
  out.rows = table.rows.size();
  out.plan = plan_unit_import(table, existing);
  return out;
}

}  // namespace qingling::ledger
