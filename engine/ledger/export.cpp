#include "engine/ledger/export.h"

#include <unistd.h>

#include <xlsxwriter.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "engine/ledger/columns.h"
#include "engine/ledger/unit_names.h"

namespace qingling::ledger {
namespace {

// One cell of the ledger: text, or a number, or a date (exactly one is used).
struct Cell {
  std::string text;
  std::optional<double> number;
  std::optional<Date> date;
};

bool is_cleared(const Issue& issue) { return issue.cleared_at.has_value(); }

// Turns an issue into the cells of the ledger's columns; the lookups it
// needs are made once per ledger, not once per row.
class RowMaker {
 public:
  explicit RowMaker(const LedgerInput& in) : in_(in) {}

  Cell cell(const Issue& issue, Column column, std::size_t seq) const {
    switch (column) {
      case Column::Seq:
        return number(static_cast<double>(seq));
      case Column::ExternalRef:
        return text(issue.external_ref.empty() ? "QL-" + std::to_string(issue.id)
                                               : issue.external_ref);
      case Column::Source:
        return text(label_of(in_.rules.find_source(issue.source), issue.source));
      case Column::Category:
        return text(label_of(in_.rules.find_category(issue.category), issue.category));
      case Column::Title:
        return text(issue.title);
      case Column::Description:
        return text(issue.description);
      case Column::Unit:
        return text(unit_name(issue.unit));
      case Column::Severity:
        return text(label_of(in_.rules.find_severity(issue.severity), issue.severity));
      case Column::Measures:
        return text(issue.measures);
      case Column::ResponsibleLeader:
        return text(issue.responsible_leader);
      case Column::LeadUnit:
        return text(unit_name(issue.lead_unit));
      case Column::ResponsibleUnit:
        return text(unit_name(issue.responsible_unit));
      case Column::Deadline: {
        Cell c;
        if (issue.deadline) c.date = issue.deadline->date;
        return c;
      }
      case Column::Progress:
        if (!issue.last_note) return {};
        return text(format_date(in_.rules.zone.local_date(issue.last_note->at)) + " " +
                    issue.last_note->text);
      case Column::Completion: {
        const StateDef* state = in_.rules.find_state(issue.state);
        return text(state != nullptr ? state->label : issue.state);
      }
      case Column::Clearance:
        if (!is_cleared(issue)) return text("未销号");
        return text("已销号（" + format_date(in_.rules.zone.local_date(*issue.cleared_at)) + "）");
      case Column::OverdueDays: {
        const OverdueStatus status = overdue_status(issue, in_.rules, in_.today);
        if (!status.overdue) return {};
        return number(status.days_overdue);
      }
      case Column::Level:
        switch (issue.level) {
          case Level::Yellow:
            return text("黄色");
          case Level::Red:
            return text("红色");
          case Level::Green:
            return {};
        }
        return {};
    }
    return {};
  }

 private:
  static Cell text(std::string value) { return Cell{std::move(value), {}, {}}; }
  static Cell number(double value) { return Cell{{}, value, {}}; }

  static const std::string& label_of(const CodeLabel* found, const std::string& code) {
    return found != nullptr ? found->label : code;
  }

  std::string unit_name(const std::string& code) const {
    return code.empty() ? code : names_.display(code);
  }

  const LedgerInput& in_;
  UnitNames names_{in_.units};
};

// ---------------------------------------------------------------------------
// The summary by unit (汇总).

struct Tally {
  std::string name;
  std::size_t total = 0;
  std::size_t cleared = 0;
  std::size_t overdue = 0;
};

// Rows for the direct children of the scope that hold problems, in the
// tree's order, then the scope's own row, then the total.
std::vector<Tally> summarise(const LedgerInput& in) {
  const Unit* scope = in.units.find(in.scope);
  const std::string scope_name = scope != nullptr ? scope->name : in.scope;
  const std::string& scope_path = in.units.path(in.scope);

  std::vector<Tally> rows;
  std::unordered_map<std::string, std::size_t> child_row;
  for (const Unit* child : in.units.children(in.scope)) {
    child_row.emplace(child->code, rows.size());
    rows.push_back({child->name});
  }
  const std::size_t own = rows.size();
  rows.push_back({scope_name + "本级"});

  for (const Issue& issue : in.issues) {
    const std::string& holder =
        issue.responsible_unit.empty() ? issue.unit : issue.responsible_unit;
    // The child is the path segment right below the scope: "/cc/cc.c01/cc.c01.t01/".
    std::size_t row = own;
    const std::string& path = in.units.path(holder);
    if (!scope_path.empty() && path.size() > scope_path.size() && path.starts_with(scope_path)) {
      const std::size_t end = path.find('/', scope_path.size());
      const auto it = child_row.find(path.substr(scope_path.size(), end - scope_path.size()));
      if (it != child_row.end()) row = it->second;
    }
    Tally& t = rows[row];
    ++t.total;
    if (is_cleared(issue)) ++t.cleared;
    if (overdue_status(issue, in.rules, in.today).overdue) ++t.overdue;
  }

  std::vector<Tally> out;
  Tally total{"合计"};
  for (Tally& t : rows) {
    total.total += t.total;
    total.cleared += t.cleared;
    total.overdue += t.overdue;
    if (t.total > 0) out.push_back(std::move(t));
  }
  out.push_back(std::move(total));
  return out;
}

// ---------------------------------------------------------------------------
// Sheet names.

// `s` cut to at most `limit` UTF-16 units (how Excel counts a sheet name's
// length), on a code point boundary.
std::string cut_to(std::string_view s, std::size_t limit) {
  std::size_t units = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    const std::size_t width = lead >= 0xF0 ? 2 : 1;
    if (units + width > limit) break;
    units += width;
    i += len;
  }
  return std::string(s.substr(0, std::min(i, s.size())));
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A valid, unique sheet name for `label`: Excel forbids []:*?/\, a leading
// or trailing apostrophe and more than 31 characters, and compares names
// without regard to case.
std::string sheet_name(std::string_view label, std::vector<std::string>& taken) {
  constexpr std::size_t kMaxName = 31;
  std::string base;
  for (char c : label) {
    base += std::string_view("[]:*?/\\").find(c) == std::string_view::npos ? c : '_';
  }
  while (!base.empty() && base.front() == '\'') base.erase(0, 1);
  while (!base.empty() && base.back() == '\'') base.pop_back();
  if (base.empty()) base = "Sheet";
  std::string name = cut_to(base, kMaxName);
  for (int n = 2;; ++n) {
    const std::string key = ascii_lower(name);
    bool clash = false;
    for (const std::string& t : taken) clash = clash || ascii_lower(t) == key;
    if (!clash) break;
    const std::string suffix = "(" + std::to_string(n) + ")";
    name = cut_to(base, kMaxName - suffix.size()) + suffix;
  }
  taken.push_back(name);
  return name;
}

// ---------------------------------------------------------------------------
// The workbook.

void check(lxw_error error, const char* doing) {
  if (error != LXW_NO_ERROR) {
    throw std::runtime_error(std::string("ledger xlsx: ") + doing + ": " + lxw_strerror(error));
  }
}

// A file name of our own in the temporary directory, removed when done.
class TempFile {
 public:
  TempFile() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "qingling-ledger-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) {
      throw std::system_error(errno, std::generic_category(), "ledger xlsx: temporary file");
    }
    ::close(fd);
    path_ = std::move(pattern);
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

  std::string read() const {
    std::ifstream file(path_, std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    if (!file.good() && !file.eof()) throw std::runtime_error("ledger xlsx: cannot read it back");
    return bytes;
  }

 private:
  std::string path_;
};

// Owns a workbook until it is closed (which writes and frees it).
class Workbook {
 public:
  explicit Workbook(const std::string& path) {
    // Constant memory: each row goes to disk as it is written, so memory and
    // time stay flat at 100,000 rows; sheets are written one after another.
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    book_ = workbook_new_opt(path.c_str(), &options);
    if (book_ == nullptr) throw std::runtime_error("ledger xlsx: cannot create the workbook");
  }
  ~Workbook() {
    if (book_ != nullptr) lxw_workbook_free(book_);
  }
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  lxw_workbook* get() const { return book_; }

  lxw_worksheet* add_sheet(const std::string& name) {
    lxw_worksheet* sheet = workbook_add_worksheet(book_, name.c_str());
    if (sheet == nullptr) throw std::runtime_error("ledger xlsx: cannot add sheet " + name);
    return sheet;
  }

  lxw_format* add_format() {
    lxw_format* format = workbook_add_format(book_);
    if (format == nullptr) throw std::runtime_error("ledger xlsx: cannot add a format");
    return format;
  }

  void close() {
    lxw_workbook* book = std::exchange(book_, nullptr);
    check(workbook_close(book), "writing the workbook");
  }

 private:
  lxw_workbook* book_ = nullptr;
};

struct Formats {
  lxw_format* title;
  lxw_format* header;
  lxw_format* text;     // short text, top-aligned
  lxw_format* wrapped;  // long text
  lxw_format* date;
  lxw_format* number;
  lxw_format* percent;
  lxw_format* total_text;
  lxw_format* total_number;
  lxw_format* total_percent;
};

Formats make_formats(Workbook& book) {
  const auto bordered = [&](bool bold) {
    lxw_format* f = book.add_format();
    format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    if (bold) format_set_bold(f);
    return f;
  };
  Formats f{};
  f.title = book.add_format();
  format_set_bold(f.title);
  format_set_font_size(f.title, 14);
  f.header = bordered(true);
  format_set_align(f.header, LXW_ALIGN_CENTER);
  format_set_align(f.header, LXW_ALIGN_VERTICAL_CENTER);
  format_set_text_wrap(f.header);
  format_set_bg_color(f.header, 0xDDEBF7);
  f.text = bordered(false);
  f.wrapped = bordered(false);
  format_set_text_wrap(f.wrapped);
  f.date = bordered(false);
  format_set_num_format(f.date, "yyyy-mm-dd");
  f.number = bordered(false);
  f.percent = bordered(false);
  format_set_num_format(f.percent, "0.0%");
  f.total_text = bordered(true);
  f.total_number = bordered(true);
  f.total_percent = bordered(true);
  format_set_num_format(f.total_percent, "0.0%");
  return f;
}

// Column widths in Excel's character units (a Chinese character takes two).
double width_of(Column column) {
  switch (column) {
    case Column::Seq:
      return 6;
    case Column::Title:
      return 30;
    case Column::Description:
    case Column::Measures:
    case Column::Progress:
      return 45;
    case Column::Category:
    case Column::Clearance:
      return 20;
    case Column::Unit:
    case Column::LeadUnit:
    case Column::ResponsibleUnit:
    case Column::ExternalRef:
      return 16;
    case Column::Source:
    case Column::ResponsibleLeader:
    case Column::Deadline:
      return 12;
    default:
      return 10;
  }
}

bool wraps(Column column) {
  return column == Column::Title || column == Column::Description || column == Column::Measures ||
         column == Column::Progress || column == Column::Category;
}

// Excel's day number (1900 date system) of a date.
double excel_serial(Date day) {
  using namespace std::chrono;
  return static_cast<double>((day - sys_days{year{1899} / December / 30}).count());
}

void write_summary(Workbook& book, const Formats& f, const LedgerInput& in) {
  lxw_worksheet* sheet = book.add_sheet("汇总");
  const Unit* scope = in.units.find(in.scope);
  const std::string title = (scope != nullptr ? scope->name : in.scope) + "整改台账汇总（截至" +
                            format_date(in.today) + "）";
  constexpr std::array<std::string_view, 6> kHeader = {"单位",   "问题总数", "已销号",
                                                       "整改中", "超期",     "销号率"};
  constexpr std::array<double, 6> kWidth = {24, 10, 10, 10, 10, 10};
  for (lxw_col_t c = 0; c < kHeader.size(); ++c) {
    check(worksheet_set_column(sheet, c, c, kWidth[c], nullptr), "setting a column width");
  }
  check(worksheet_write_string(sheet, 0, 0, title.c_str(), f.title), "writing the title");
  for (lxw_col_t c = 0; c < kHeader.size(); ++c) {
    check(worksheet_write_string(sheet, 1, c, std::string(kHeader[c]).c_str(), f.header),
          "writing the header");
  }
  worksheet_freeze_panes(sheet, 2, 1);

  const std::vector<Tally> rows = summarise(in);
  lxw_row_t r = 2;
  for (std::size_t i = 0; i < rows.size(); ++i, ++r) {
    const Tally& t = rows[i];
    const bool last = i + 1 == rows.size();
    lxw_format* text = last ? f.total_text : f.text;
    lxw_format* number = last ? f.total_number : f.number;
    lxw_format* percent = last ? f.total_percent : f.percent;
    check(worksheet_write_string(sheet, r, 0, t.name.c_str(), text), "writing the summary");
    const std::array<std::size_t, 4> figures = {t.total, t.cleared, t.total - t.cleared, t.overdue};
    for (lxw_col_t c = 0; c < figures.size(); ++c) {
      check(worksheet_write_number(sheet, r, static_cast<lxw_col_t>(c + 1),
                                   static_cast<double>(figures[c]), number),
            "writing the summary");
    }
    const double rate =
        t.total == 0 ? 0.0 : static_cast<double>(t.cleared) / static_cast<double>(t.total);
    check(worksheet_write_number(sheet, r, 5, rate, percent), "writing the summary");
  }
}

void write_issue_sheet(Workbook& book, const Formats& f, const std::string& name,
                       const LedgerInput& in, const RowMaker& maker,
                       std::span<const std::size_t> members) {
  lxw_worksheet* sheet = book.add_sheet(name);
  const auto columns = ledger_columns();
  const auto last_col = static_cast<lxw_col_t>(columns.size() - 1);
  for (lxw_col_t c = 0; c <= last_col; ++c) {
    check(worksheet_set_column(sheet, c, c, width_of(columns[c].column), nullptr),
          "setting a column width");
    check(worksheet_write_string(sheet, 0, c, std::string(columns[c].zh).c_str(), f.header),
          "writing the header");
  }
  worksheet_freeze_panes(sheet, 1, 0);
  const auto last_row = static_cast<lxw_row_t>(std::max<std::size_t>(members.size(), 1));
  check(worksheet_autofilter(sheet, 0, 0, last_row, last_col), "setting the filter");

  for (std::size_t i = 0; i < members.size(); ++i) {
    const Issue& issue = in.issues[members[i]];
    const auto r = static_cast<lxw_row_t>(i + 1);
    for (lxw_col_t c = 0; c <= last_col; ++c) {
      const Cell cell = maker.cell(issue, columns[c].column, i + 1);
      lxw_error error = LXW_NO_ERROR;
      if (cell.date) {
        error = worksheet_write_number(sheet, r, c, excel_serial(*cell.date), f.date);
      } else if (cell.number) {
        error = worksheet_write_number(sheet, r, c, *cell.number, f.number);
      } else if (!cell.text.empty()) {
        error = worksheet_write_string(sheet, r, c, cell.text.c_str(),
                                       wraps(columns[c].column) ? f.wrapped : f.text);
      } else {
        error = worksheet_write_blank(sheet, r, c, f.text);
      }
      check(error, "writing a cell");
    }
  }
}

// ---------------------------------------------------------------------------
// CSV.

// A cell Excel would run as a formula (=, +, -, @ first) is written with a
// leading apostrophe, which Excel shows as text; import drops it again.
void append_csv_field(std::string& out, std::string_view text) {
  if (!text.empty() && std::string_view("=+-@").find(text.front()) != std::string_view::npos) {
    std::string guarded = "'" + std::string(text);
    append_csv_field(out, guarded);
    return;
  }
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string ledger_xlsx(const LedgerInput& in) {
  // Problems grouped by category, in the pack's order; unknown ones last.
  const auto& categories = in.rules.categories;
  std::vector<std::vector<std::size_t>> groups(categories.size() + 1);
  std::unordered_map<std::string, std::size_t> group_of;
  for (std::size_t g = 0; g < categories.size(); ++g) group_of.emplace(categories[g].code, g);
  for (std::size_t i = 0; i < in.issues.size(); ++i) {
    const auto it = group_of.find(in.issues[i].category);
    groups[it != group_of.end() ? it->second : categories.size()].push_back(i);
  }

  TempFile file;
  {
    Workbook book(file.path());
    const Formats formats = make_formats(book);
    const RowMaker maker(in);
    std::vector<std::string> taken = {"汇总"};
    write_summary(book, formats, in);
    for (std::size_t g = 0; g < categories.size(); ++g) {
      const std::string& label =
          categories[g].label.empty() ? categories[g].code : categories[g].label;
      write_issue_sheet(book, formats, sheet_name(label, taken), in, maker, groups[g]);
    }
    if (!groups.back().empty()) {
      write_issue_sheet(book, formats, sheet_name("其他", taken), in, maker, groups.back());
    }
    book.close();
  }
  return file.read();
}

std::string ledger_csv(const LedgerInput& in) {
  const auto columns = ledger_columns();
  std::string out = "\xEF\xBB\xBF";
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c > 0) out += ',';
    append_csv_field(out, columns[c].zh);
  }
  out += "\r\n";
  const RowMaker maker(in);
  for (std::size_t i = 0; i < in.issues.size(); ++i) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c > 0) out += ',';
      const Cell cell = maker.cell(in.issues[i], columns[c].column, i + 1);
      if (cell.date) {
        out += format_date(*cell.date);
      } else if (cell.number) {
        out += std::to_string(static_cast<long long>(*cell.number));
      } else {
        append_csv_field(out, cell.text);
      }
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace qingling::ledger
