#include "engine/sheet/xlsx_parts.h"

#include <charconv>
#include <map>
#include <optional>

#include "engine/sheet/xlsx_values.h"
#include "engine/sheet/xml_reader.h"
#include "engine/sheet/zip_archive.h"

namespace qingling::sheet {
namespace {

struct Relationship {
  std::string id;
  std::string type;
  std::string target;
};

class RelationshipsHandler : public XmlHandler {
 public:
  void start(std::string_view name, const XmlAttributes& attributes) override {
    if (name != "Relationship" || attributes.get("TargetMode") == "External") return;
    relationships.push_back(Relationship{std::string(attributes.get("Id").value_or("")),
                                         std::string(attributes.get("Type").value_or("")),
                                         std::string(attributes.get("Target").value_or(""))});
  }
  void end(std::string_view) override {}
  void text(std::string_view) override {}

  std::vector<Relationship> relationships;
};

class WorkbookHandler : public XmlHandler {
 public:
  void start(std::string_view name, const XmlAttributes& attributes) override {
    if (name == "workbookPr") {
      const auto value = attributes.get("date1904");
      date1904 = value == "1" || value == "true";
    } else if (name == "sheet") {
      const std::string sheet(attributes.get("name").value_or(""));
      const std::string id(attributes.get("id").value_or(""));
      if (!found_sheet) {
        found_sheet = true;
        sheet_name = sheet;
        sheet_id = id;
      }
      all.emplace_back(sheet, id);
    }
  }
  void end(std::string_view) override {}
  void text(std::string_view) override {}

  bool date1904 = false;
  bool found_sheet = false;
  std::string sheet_name;
  std::string sheet_id;                                  // r:id, a relationship of the workbook
  std::vector<std::pair<std::string, std::string>> all;  // every sheet: name, r:id
};

class SharedStringsHandler : public XmlHandler {
 public:
  SharedStringsHandler(const ReadLimits& limits, std::string_view part)
      : limits_(limits), part_(part) {}

  void start(std::string_view name, const XmlAttributes&) override {
    if (name == "si") {
      in_item_ = true;
      item_.clear();
    } else if (name == "rPh") {
      ++phonetic_depth_;
    } else if (name == "t") {
      in_text_ = in_item_ && phonetic_depth_ == 0;
    }
  }
  void end(std::string_view name) override {
    if (name == "t") {
      in_text_ = false;
    } else if (name == "rPh") {
      --phonetic_depth_;
    } else if (name == "si") {
      in_item_ = false;
      strings.push_back(decode_escapes(item_));
      if (strings.size() > limits_.max_cells) {
        error = ReadError{
            std::string(part_),
            "the workbook has more than " + std::to_string(limits_.max_cells) + " shared strings"};
      }
    }
  }
  void text(std::string_view chunk) override {
    if (in_text_) item_.append(chunk);
  }

  std::vector<std::string> strings;

 private:
  const ReadLimits& limits_;
  std::string_view part_;
  bool in_item_ = false;
  bool in_text_ = false;
  int phonetic_depth_ = 0;
  std::string item_;
};

std::optional<int> integer(std::optional<std::string_view> text) {
  if (!text) return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size()) return std::nullopt;
  return value;
}

class StylesHandler : public XmlHandler {
 public:
  void start(std::string_view name, const XmlAttributes& attributes) override {
    if (name == "numFmt") {
      if (const auto id = integer(attributes.get("numFmtId"))) {
        codes[*id] = std::string(attributes.get("formatCode").value_or(""));
      }
    } else if (name == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (name == "xf" && in_cell_xfs_) {
      format_ids.push_back(integer(attributes.get("numFmtId")).value_or(0));
    }
  }
  void end(std::string_view name) override {
    if (name == "cellXfs") in_cell_xfs_ = false;
  }
  void text(std::string_view) override {}

  std::map<int, std::string> codes;  // custom formats by id
  std::vector<int> format_ids;       // by cell style index

 private:
  bool in_cell_xfs_ = false;
};

std::string folder_of(std::string_view part) {
  const auto slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

std::string rels_of(std::string_view part) {
  const auto slash = part.rfind('/');
  const auto file = slash == std::string_view::npos ? part : part.substr(slash + 1);
  return folder_of(part) + "_rels/" + std::string(file) + ".rels";
}

bool has_type(const Relationship& r, std::string_view kind) {
  return r.type.size() > kind.size() && r.type.ends_with(kind) &&
         r.type[r.type.size() - kind.size() - 1] == '/';
}

std::variant<std::vector<Relationship>, ReadError> read_relationships(const ZipArchive& archive,
                                                                      const std::string& part,
                                                                      const ReadLimits& limits) {
  RelationshipsHandler handler;
  if (auto error = parse_part(archive, part, handler, limits)) return std::move(*error);
  return std::move(handler.relationships);
}

}  // namespace

std::string resolve_target(std::string_view folder, std::string_view target) {
  std::string joined = target.starts_with('/') ? std::string(target.substr(1))
                                               : std::string(folder) + std::string(target);
  std::vector<std::string> segments;
  std::size_t begin = 0;
  while (begin <= joined.size()) {
    auto slash = joined.find('/', begin);
    if (slash == std::string::npos) slash = joined.size();
    const std::string segment = joined.substr(begin, slash - begin);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    begin = slash + 1;
  }
  std::string path;
  for (const auto& segment : segments) path += (path.empty() ? "" : "/") + segment;
  return path;
}

std::variant<Workbook, ReadError> read_workbook(const ZipArchive& archive,
                                                const ReadLimits& limits) {
  std::string workbook_part = "xl/workbook.xml";
  if (archive.contains("_rels/.rels")) {
    auto root = read_relationships(archive, "_rels/.rels", limits);
    if (auto* error = std::get_if<ReadError>(&root)) return std::move(*error);
    for (const auto& r : std::get<std::vector<Relationship>>(root)) {
      if (has_type(r, "officeDocument")) workbook_part = resolve_target("", r.target);
    }
  }
  if (!archive.contains(workbook_part)) {
    return ReadError{workbook_part, "not an XLSX workbook: the package has no workbook part"};
  }
  WorkbookHandler handler;
  if (auto error = parse_part(archive, workbook_part, handler, limits)) return std::move(*error);
  if (!handler.found_sheet) return ReadError{workbook_part, "the workbook has no sheet"};

  const std::string rels_part = rels_of(workbook_part);
  auto rels = read_relationships(archive, rels_part, limits);
  if (auto* error = std::get_if<ReadError>(&rels)) return std::move(*error);
  const std::string folder = folder_of(workbook_part);
  Workbook workbook;
  workbook.date1904 = handler.date1904;
  for (const auto& [name, id] : handler.all) {
    for (const auto& r : std::get<std::vector<Relationship>>(rels)) {
      if (r.id == id && has_type(r, "worksheet")) {
        workbook.worksheets.push_back({name, resolve_target(folder, r.target)});
      }
    }
  }
  for (const auto& r : std::get<std::vector<Relationship>>(rels)) {
    if (r.id == handler.sheet_id) {
      if (!has_type(r, "worksheet")) {
        return ReadError{workbook_part, "the first sheet, " + handler.sheet_name +
                                            ", is not a worksheet (a chart sheet?)"};
      }
      workbook.sheet_part = resolve_target(folder, r.target);
    } else if (has_type(r, "sharedStrings")) {
      workbook.shared_strings_part = resolve_target(folder, r.target);
    } else if (has_type(r, "styles")) {
      workbook.styles_part = resolve_target(folder, r.target);
    }
  }
  // Writers that skip these relationships still use the usual names.
  if (workbook.shared_strings_part.empty())
    workbook.shared_strings_part = folder + "sharedStrings.xml";
  if (workbook.styles_part.empty()) workbook.styles_part = folder + "styles.xml";
  if (workbook.sheet_part.empty()) {
    return ReadError{rels_part, "the first sheet, " + handler.sheet_name + ", has no part (" +
                                    handler.sheet_id + " is not a relationship)"};
  }
  return workbook;
}

std::variant<std::vector<std::string>, ReadError> read_shared_strings(const ZipArchive& archive,
                                                                      std::string_view part,
                                                                      const ReadLimits& limits) {
  SharedStringsHandler handler(limits, part);
  if (auto error = parse_part(archive, part, handler, limits)) return std::move(*error);
  return std::move(handler.strings);
}

std::variant<std::vector<bool>, ReadError> read_date_styles(const ZipArchive& archive,
                                                            std::string_view part,
                                                            const ReadLimits& limits) {
  StylesHandler handler;
  if (auto error = parse_part(archive, part, handler, limits)) return std::move(*error);
  std::vector<bool> dates;
  dates.reserve(handler.format_ids.size());
  for (const int id : handler.format_ids) {
    // A custom code overrides a built-in id of the same number.
    const auto custom = handler.codes.find(id);
    dates.push_back(custom != handler.codes.end() ? is_date_format(-1, custom->second)
                                                  : is_date_format(id, ""));
  }
  return dates;
}

}  // namespace qingling::sheet
