#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/ledger/import_plan.h"

namespace qingling::ledger {

// What an uploaded spreadsheet turned out to be.
struct FileFormat {
  std::string format;    // "csv" or "xlsx"
  std::string encoding;  // CSV: "utf-8", "utf-8-bom" or "gb18030"; "" for XLSX
};

// A problem ledger read from CSV or XLSX bytes (told apart by content) and
// planned. A workbook may spread its problems over several sheets (as the
// export writes one per category): every sheet whose header names the
// ledger's 问题类别 column is read, others (汇总, 说明) are left out, and
// errors name their sheet. A file that cannot be read is one error at row 0.
struct IssueFilePlan {
  FileFormat file;
  IssueImportPlan plan;
  std::size_t rows = 0;  // data rows read
};
IssueFilePlan plan_issue_file(std::string_view bytes, const RuleSet& rules, const UnitTree& units);

// A unit list from CSV or XLSX (its first sheet), planned against `existing`.
struct UnitFilePlan {
  FileFormat file;
  UnitImportPlan plan;
  std::size_t rows = 0;
};
UnitFilePlan plan_unit_file(std::string_view bytes, const UnitTree& existing);

}  // namespace qingling::ledger
