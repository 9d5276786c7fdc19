#include "engine/ledger/import_plan.h"

#include <array>
#include <charconv>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "engine/core/time.h"
#include "engine/ledger/columns.h"
#include "engine/ledger/unit_names.h"

namespace qingling::ledger {
namespace {

using namespace std::string_view_literals;

constexpr std::size_t kMaxShortText = 200;  // title and 编号, as the engine checks them
constexpr std::size_t kMaxText = 20000;     // description, measures, leader
constexpr std::size_t kTitleChars = 30;     // a title cut from the description

// `text` without surrounding blanks: ASCII white space, no-break space,
// ideographic space (U+3000) and a stray byte order mark.
std::string_view trim(std::string_view text) {
  static constexpr std::array kWide = {"\u3000"sv, "\u00A0"sv, "\uFEFF"sv};
  for (bool changed = true; changed && !text.empty();) {
    changed = false;
    if (std::string_view(" \t\r\n\v\f").find(text.front()) != std::string_view::npos) {
      text.remove_prefix(1);
      changed = true;
    }
    if (!text.empty() &&
        std::string_view(" \t\r\n\v\f").find(text.back()) != std::string_view::npos) {
      text.remove_suffix(1);
      changed = true;
    }
    for (std::string_view wide : kWide) {
      if (text.starts_with(wide)) {
        text.remove_prefix(wide.size());
        changed = true;
      }
      if (text.ends_with(wide)) {
        text.remove_suffix(wide.size());
        changed = true;
      }
    }
  }
  return text;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The first line of `text`, cut to `count` code points.
std::string first_chars(std::string_view text, std::size_t count) {
  text = text.substr(0, text.find_first_of("\r\n"));
  std::size_t i = 0;
  for (std::size_t n = 0; i < text.size() && n < count; ++n) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return std::string(trim(text.substr(0, i)));
}

// Excel's name of the column at `index`: 0 → "A", 26 → "AA".
std::string column_letters(std::size_t index) {
  std::string out;
  for (std::size_t n = index + 1; n > 0; n = (n - 1) / 26) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return out;
}

// Reads up to `max_digits` digits at `text[at]`.
std::optional<int> read_number(std::string_view text, std::size_t& at, std::size_t max_digits) {
  const std::size_t start = at;
  while (at < text.size() && at - start < max_digits && text[at] >= '0' && text[at] <= '9') ++at;
  if (at == start) return std::nullopt;
  int value = 0;
  std::from_chars(text.data() + start, text.data() + at, value);
  return value;
}

bool read_literal(std::string_view text, std::size_t& at, std::string_view literal) {
  if (text.substr(at).starts_with(literal)) {
    at += literal.size();
    return true;
  }
  return false;
}

constexpr std::string_view kDateExpected =
    "expected a date like 2026-12-31, 2026/12/31 or 2026年12月31日";

// A deadline as people write it: 2026-12-31, 2026-1-5, 2026/1/5, 2026.1.5
// or 2026年1月5日; the day must exist.
std::optional<Date> parse_ledger_date(std::string_view text) {
  std::size_t at = 0;
  const auto year = read_number(text, at, 4);
  if (!year || at != 4) return std::nullopt;
  std::string_view month_end;
  std::string_view day_end;
  if (read_literal(text, at, "年")) {
    month_end = "月";
    day_end = "日";
  } else if (at < text.size() && std::string_view("-/.").find(text[at]) != std::string_view::npos) {
    month_end = text.substr(at, 1);
    ++at;
  } else {
    return std::nullopt;
  }
  const auto month = read_number(text, at, 2);
  if (!month || !read_literal(text, at, month_end)) return std::nullopt;
  const auto day = read_number(text, at, 2);
  if (!day) return std::nullopt;
  if (!day_end.empty()) read_literal(text, at, day_end);  // 日 may be left out
  if (at != text.size()) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{*year},
                                        std::chrono::month{static_cast<unsigned>(*month)},
                                        std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

// A pack's code list (categories, sources, severities) looked up by code in
// any letter case, or by label.
class CodeBook {
 public:
  explicit CodeBook(const std::vector<CodeLabel>& items) {
    expected_ = "expected one of";
    for (std::size_t i = 0; i < items.size(); ++i) {
      by_code_.emplace(ascii_lower(items[i].code), items[i].code);
      by_label_.emplace(items[i].label, items[i].code);
      expected_ += (i == 0 ? " " : ", ") + items[i].code;
      if (!items[i].label.empty() && items[i].label != items[i].code) {
        expected_ += " (" + items[i].label + ")";
      }
    }
  }

  const std::string* find(std::string_view text) const {
    if (auto it = by_code_.find(ascii_lower(text)); it != by_code_.end()) return &it->second;
    if (auto it = by_label_.find(std::string(text)); it != by_label_.end()) return &it->second;
    return nullptr;
  }
  const std::string& expected() const { return expected_; }

 private:
  std::unordered_map<std::string, std::string> by_code_;
  std::unordered_map<std::string, std::string> by_label_;
  std::string expected_;
};

// The first action taken in the initial state that sets a responsible unit.
const ActionDef* assigning_action(const RuleSet& rules) {
  for (const ActionDef& a : rules.actions) {
    bool from_initial = false;
    for (const std::string& s : a.from) from_initial = from_initial || s == rules.initial_state;
    if (!from_initial) continue;
    for (const FieldSpec& f : a.fields) {
      if (f.name == "responsible_unit") return &a;
    }
  }
  return nullptr;
}

const FieldSpec* find_field(const ActionDef& action, std::string_view name) {
  for (const FieldSpec& f : action.fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// Where each column of a table is, by the header that named it.
template <typename Key, std::size_t N>
struct HeaderMap {
  std::array<std::optional<std::size_t>, N> index{};
  std::array<std::string, N> header{};

  bool has(Key k) const { return index[static_cast<std::size_t>(k)].has_value(); }
  const std::string& name(Key k) const { return header[static_cast<std::size_t>(k)]; }
  std::string_view cell(const sheet::Row& row, Key k) const {
    const auto& i = index[static_cast<std::size_t>(k)];
    if (!i || *i >= row.cells.size()) return {};
    std::string_view text = trim(row.cells[*i]);
    // '=…: text the export kept Excel from running as a formula.
    if (text.size() > 1 && text.front() == '\'' &&
        std::string_view("=+-@").find(text[1]) != std::string_view::npos) {
      text.remove_prefix(1);
    }
    return text;
  }
};

// Fills `map` from `table`'s header; unknown headers go to `ignored`, a
// column named twice is an error.
template <typename Key, std::size_t N, typename Match, typename Label>
void read_header(const sheet::Table& table, Match match, Label label, HeaderMap<Key, N>& map,
                 std::vector<std::string>& ignored, std::vector<CellError>& errors) {
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    const std::string_view text = trim(table.header[i]);
    if (text.empty()) continue;
    const std::optional<Key> key = match(text);
    if (!key) {
      ignored.emplace_back(text);
      continue;
    }
    const auto k = static_cast<std::size_t>(*key);
    if (map.index[k]) {
      errors.push_back({table.header_row, std::string(text),
                        "the column " + std::string(label(*key)) + " is given twice (columns " +
                            column_letters(*map.index[k]) + " and " + column_letters(i) + ")"});
      continue;
    }
    map.index[k] = i;
    map.header[k] = text;
  }
}

constexpr std::size_t kLedgerColumns = static_cast<std::size_t>(Column::Level) + 1;
constexpr std::size_t kUnitColumns = static_cast<std::size_t>(UnitColumn::Email) + 1;

// Checks rows of a ledger and plans what import does with them.
class IssuePlanner {
 public:
  IssuePlanner(const sheet::Table& table, const RuleSet& rules, const UnitTree& units)
      : table_(table),
        categories_(rules.categories),
        sources_(rules.sources),
        severities_(rules.severities),
        units_(units),
        assign_(assigning_action(rules)) {}

  IssueImportPlan run() {
    if (assign_ != nullptr) plan_.assign_action = assign_->name;
    read_header(
        table_, match_ledger_header, [](Column c) { return info(c).zh; }, columns_,
        plan_.ignored_columns, plan_.errors);
    if (!columns_.has(Column::Category)) {
      plan_.errors.push_back({table_.header_row, "", "the column 问题类别 is missing"});
    }
    if (!columns_.has(Column::Title) && !columns_.has(Column::Description)) {
      plan_.errors.push_back({table_.header_row, "", "a column 问题标题 or 问题描述 is needed"});
    }
    for (const ColumnInfo& c : ledger_columns()) {
      if (c.imported && columns_.has(c.column)) {
        imported_.push_back(c.column);
        field_headers_.emplace(std::string(c.en), columns_.name(c.column));
      }
    }
    plan_.issues.reserve(table_.rows.size());
    for (const sheet::Row& row : table_.rows) plan_row(row);
    return std::move(plan_);
  }

 private:
  void error(const sheet::Row& row, Column column, std::string message) {
    plan_.errors.push_back({row.number, columns_.name(column), std::move(message)});
  }

  // A unit cell as a code; empty when blank or wrong (then an error is noted).
  std::string unit_cell(const sheet::Row& row, Column column) {
    const std::string_view text = columns_.cell(row, column);
    if (text.empty()) return {};
    std::string message;
    if (auto code = units_.resolve(text, message)) return *code;
    error(row, column, std::move(message));
    return {};
  }

  std::string coded_cell(const sheet::Row& row, Column column, const CodeBook& book) {
    const std::string_view text = columns_.cell(row, column);
    if (text.empty()) return {};
    if (const std::string* code = book.find(text)) return *code;
    error(row, column, "\"" + std::string(text) + "\" is not known: " + book.expected());
    return {};
  }

  void text_limit(const sheet::Row& row, Column column, std::string_view text, std::size_t limit) {
    if (text.size() > limit) {
      error(row, column,
            "at most " + std::to_string(limit) + " bytes (this has " + std::to_string(text.size()) +
                ")");
    }
  }

  void plan_row(const sheet::Row& row) {
    bool blank = true;
    for (Column c : imported_) blank = blank && columns_.cell(row, c).empty();
    if (blank) return;

    PlannedIssue p;
    p.row = row.number;
    p.columns = field_headers_;
    auto& create = p.create;
    const auto put = [](std::map<std::string, std::string>& m, std::string name, std::string v) {
      if (!v.empty()) m.emplace(std::move(name), std::move(v));
    };

    // 编号: the key of a repeated import, so once per file.
    const std::string_view ref = columns_.cell(row, Column::ExternalRef);
    if (!ref.empty()) {
      text_limit(row, Column::ExternalRef, ref, kMaxShortText);
      const auto [first, fresh] = refs_.emplace(std::string(ref), row.number);
      if (!fresh) {
        error(row, Column::ExternalRef,
              "编号 \"" + std::string(ref) + "\" is also on row " + std::to_string(first->second));
      }
      put(create, "external_ref", std::string(ref));
    }

    if (columns_.has(Column::Category)) {
      if (columns_.cell(row, Column::Category).empty()) {
        error(row, Column::Category, "a category is required: " + categories_.expected());
      }
      put(create, "category", coded_cell(row, Column::Category, categories_));
    }
    put(create, "source", coded_cell(row, Column::Source, sources_));
    put(create, "severity", coded_cell(row, Column::Severity, severities_));

    const std::string_view title = columns_.cell(row, Column::Title);
    const std::string_view description = columns_.cell(row, Column::Description);
    text_limit(row, Column::Title, title, kMaxShortText);
    text_limit(row, Column::Description, description, kMaxText);
    if (!title.empty()) {
      put(create, "title", std::string(title));
    } else if (!description.empty()) {
      put(create, "title", first_chars(description, kTitleChars));
      p.columns["title"] = columns_.name(Column::Description);
    } else if (columns_.has(Column::Title) || columns_.has(Column::Description)) {
      error(row, columns_.has(Column::Title) ? Column::Title : Column::Description,
            "a problem needs 问题标题 or 问题描述");
    }
    put(create, "description", std::string(description));
    put(create, "unit", unit_cell(row, Column::Unit));

    // What the assigning action may carry.
    const std::string_view responsible_text = columns_.cell(row, Column::ResponsibleUnit);
    std::map<std::string, std::string> assigned;
    put(assigned, "responsible_unit", unit_cell(row, Column::ResponsibleUnit));
    put(assigned, "lead_unit", unit_cell(row, Column::LeadUnit));
    for (Column c : {Column::ResponsibleLeader, Column::Measures}) {
      const std::string_view text = columns_.cell(row, c);
      text_limit(row, c, text, kMaxText);
      put(assigned, std::string(info(c).en), std::string(text));
    }
    const std::string_view deadline_text = columns_.cell(row, Column::Deadline);
    if (!deadline_text.empty()) {
      if (const auto day = parse_ledger_date(deadline_text)) {
        assigned.emplace("deadline", format_date(*day));
      } else {
        error(row, Column::Deadline, std::string(kDateExpected));
      }
      if (responsible_text.empty()) {
        error(row, Column::Deadline, "a deadline needs someone responsible: fill in 责任单位");
      }
    }
    if (responsible_text.empty()) {
      assigned.erase("deadline");
      create.merge(assigned);  // lead unit, leader, measures: a draft may carry them
    } else {
      split_assign(row, assigned, p);
    }
    plan_.issues.push_back(std::move(p));
  }

  // Fields the assigning action declares go to `assign`; the problem's own
  // attributes it does not declare go to the draft.
  void split_assign(const sheet::Row& row, std::map<std::string, std::string>& assigned,
                    PlannedIssue& p) {
    for (auto& [name, value] : assigned) {
      if (assign_ != nullptr && find_field(*assign_, name) != nullptr) {
        p.assign.emplace(name, std::move(value));
      } else if (name == "deadline") {
        error(row, Column::Deadline,
              assign_ == nullptr ? "the campaign has no action that assigns a deadline"
                                 : "the action " + assign_->name + " takes no deadline");
      } else {
        p.create.emplace(name, std::move(value));
      }
    }
    if (assign_ == nullptr || !p.assign.contains("responsible_unit")) return;
    for (const FieldSpec& f : assign_->fields) {
      if (f.required && !p.assign.contains(f.name)) {
        plan_.errors.push_back({row.number, "",
                                "the action " + assign_->name + " needs " +
                                    (f.label.empty() ? f.name : f.label) +
                                    ", which the ledger does not give"});
      }
    }
  }

  const sheet::Table& table_;
  CodeBook categories_;
  CodeBook sources_;
  CodeBook severities_;
  UnitNames units_;
  const ActionDef* assign_;
  HeaderMap<Column, kLedgerColumns> columns_;
  std::vector<Column> imported_;  // imported columns the file has
  std::map<std::string, std::string> field_headers_;
  std::unordered_map<std::string, std::size_t> refs_;  // 编号 → first row
  IssueImportPlan plan_;
};

// local@domain, without blanks or characters that break a mail header.
bool looks_like_email(std::string_view text) {
  const std::size_t at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size()) return false;
  if (text.find('@', at + 1) != std::string_view::npos) return false;
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= ' ' ||
        std::string_view("<>,;\"()[]\\").find(c) != std::string_view::npos) {
      return false;
    }
  }
  const std::string_view domain = text.substr(at + 1);
  return domain.front() != '.' && domain.back() != '.';
}

std::string_view unit_label(UnitColumn c) {
  for (const UnitColumnInfo& u : unit_columns()) {
    if (u.column == c) return u.zh;
  }
  return {};
}

}  // namespace

IssueImportPlan plan_issue_import(const sheet::Table& table, const RuleSet& rules,
                                  const UnitTree& units) {
  return IssuePlanner(table, rules, units).run();
}

UnitImportPlan plan_unit_import(const sheet::Table& table, const UnitTree& existing) {
  UnitImportPlan plan;
  HeaderMap<UnitColumn, kUnitColumns> columns;
  read_header(table, match_unit_header, unit_label, columns, plan.ignored_columns, plan.errors);
  for (const UnitColumnInfo& c : unit_columns()) {
    if (c.required && !columns.has(c.column)) {
      plan.errors.push_back(
          {table.header_row, "", "the column " + std::string(c.zh) + " is missing"});
    }
  }
  plan.units = existing.units();
  if (!plan.errors.empty()) return plan;

  const auto error = [&](const sheet::Row& row, UnitColumn column, std::string message) {
    plan.errors.push_back({row.number, columns.name(column), std::move(message)});
  };

  // Codes the file gives, with their first row, so that a parent may come later.
  std::unordered_map<std::string, std::size_t> in_file;
  for (const sheet::Row& row : table.rows) {
    const std::string_view code = columns.cell(row, UnitColumn::Code);
    if (!code.empty()) in_file.emplace(std::string(code), row.number);
  }
  std::unordered_map<std::string, std::size_t> position;  // code → index in plan.units
  for (std::size_t i = 0; i < plan.units.size(); ++i) position.emplace(plan.units[i].code, i);

  std::optional<std::size_t> root_row;
  for (const sheet::Row& row : table.rows) {
    const std::string_view code = columns.cell(row, UnitColumn::Code);
    const std::string_view name = columns.cell(row, UnitColumn::Name);
    const std::string_view parent = columns.cell(row, UnitColumn::Parent);
    const std::string_view kind_text = columns.cell(row, UnitColumn::Kind);
    const std::string_view email = columns.cell(row, UnitColumn::Email);
    if (code.empty() && name.empty() && parent.empty() && kind_text.empty() && email.empty()) {
      continue;
    }
    bool ok = true;
    const auto fail = [&](UnitColumn column, std::string message) {
      error(row, column, std::move(message));
      ok = false;
    };
    if (code.empty()) {
      fail(UnitColumn::Code, "a unit code is required");
    } else if (const std::size_t first = in_file.at(std::string(code)); first != row.number) {
      fail(UnitColumn::Code,
           "unit code \"" + std::string(code) + "\" is also on row " + std::to_string(first));
    }
    if (name.empty()) fail(UnitColumn::Name, "a unit name is required");
    const std::optional<std::string> kind = unit_kind(kind_text);
    if (!kind) {
      fail(UnitColumn::Kind,
           "expected 市, 县, 区, 乡镇, 村 or 部门 (city, county, township, village, department)");
    }
    if (!email.empty() && !looks_like_email(email)) {
      fail(UnitColumn::Email, "expected an e-mail address like name@example.gov.cn");
    }

    const Unit* known = code.empty() ? nullptr : existing.find(code);
    if (known != nullptr) {
      if (parent != known->parent) {
        fail(UnitColumn::Parent, "a unit cannot move: its problems are filed under its place");
      }
    } else if (parent.empty()) {
      if (!existing.empty()) {
        fail(UnitColumn::Parent,
             "a new unit needs a parent: the tree has its root (" + existing.root() + ")");
      } else if (root_row) {
        fail(UnitColumn::Parent,
             "only one unit may have no parent: row " + std::to_string(*root_row) + " is the root");
      } else {
        root_row = row.number;
      }
    } else if (parent == code) {
      fail(UnitColumn::Parent, "a unit cannot be its own parent");
    } else if (!in_file.contains(std::string(parent)) && existing.find(parent) == nullptr) {
      fail(UnitColumn::Parent, "no unit has the code \"" + std::string(parent) + "\"");
    }
    if (!ok) continue;

    Unit unit{std::string(code), std::string(name), *kind, std::string(parent), std::string(email)};
    if (known != nullptr) {
      Unit& current = plan.units[position.at(unit.code)];
      if (unit.email.empty()) unit.email = current.email;
      if (unit.name == current.name && unit.kind == current.kind && unit.email == current.email) {
        ++plan.unchanged;
      } else {
        current = std::move(unit);
        ++plan.updated;
      }
    } else {
      position.emplace(unit.code, plan.units.size());
      plan.units.push_back(std::move(unit));
      ++plan.added;
    }
  }
  if (existing.empty() && !root_row && plan.errors.empty() && !plan.units.empty()) {
    plan.errors.push_back({table.header_row, columns.name(UnitColumn::Parent),
                           "a new tree needs its root: one row with an empty 上级单位编码"});
  }
  if (plan.errors.empty()) {
    try {
      UnitTree check{plan.units};
    } catch (const std::invalid_argument& e) {
      plan.errors.push_back({0, "", e.what()});
    }
  }
  return plan;
}

}  // namespace qingling::ledger
