// The ledger in and out: importing problems and units from CSV/XLSX, and
// exporting the 整改台账 as XLSX or CSV.

#include <algorithm>
#include <memory>

#include <boost/json.hpp>

#include "engine/ledger/export.h"
#include "engine/ledger/import_file.h"
#include "engine/store/import.h"
#include "web/api/handlers.h"
#include "web/api/multipart.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"
#include "web/api/submit.h"

namespace qingling::web {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxReportedErrors = 500;

// The uploaded file: the part named `file` of a multipart/form-data body,
// or the raw body.
Result<std::string_view> uploaded_file(const Request& req) {
  const std::string boundary = form_boundary(req[http::field::content_type]);
  std::string_view bytes = req.body();
  if (!boundary.empty()) {
    auto parts = parse_form_data(req.body(), boundary);
    if (!parts) return parts.error();
    auto file = std::find_if(parts->begin(), parts->end(),
                             [](const FormPart& p) { return p.name == "file"; });
    if (file == parts->end()) {
      return Rejection::invalid_field("file", "send the spreadsheet as a part named 'file'");
    }
    bytes = file->content;
  }
  if (bytes.empty()) return Rejection::invalid_field("body", "the file is empty");
  return bytes;
}

Result<bool> dry_run_of(const Call& call) {
  auto it = call.query.find("dry_run");
  if (it == call.query.end() || it->second == "false" || it->second == "0") return false;
  if (it->second == "true" || it->second == "1" || it->second.empty()) return true;
  return Rejection::invalid_field("dry_run", "expected true or false");
}

// 422 naming every bad cell: sheet, row and column as the file shows them.
Response bad_cells(const Request& req, const std::vector<ledger::CellError>& cells) {
  json::array errors;
  for (const ledger::CellError& c : cells) {
    if (errors.size() == kMaxReportedErrors) break;
    std::string field = c.column.empty() ? "file" : c.column;
    if (c.row > 0) field = "row " + std::to_string(c.row) + ", " + field;
    if (!c.sheet.empty()) field = c.sheet + ", " + field;
    json::object e{{"field", field}, {"message", c.message}, {"row", c.row}};
    if (!c.column.empty()) e["column"] = c.column;
    if (!c.sheet.empty()) e["sheet"] = c.sheet;
    errors.emplace_back(std::move(e));
  }
  std::string detail = std::to_string(cells.size()) +
                       (cells.size() == 1 ? " cell is" : " cells are") +
                       " not valid; nothing was imported.";
  if (cells.size() > kMaxReportedErrors) {
    detail += " The first " + std::to_string(kMaxReportedErrors) + " are listed.";
  }
  Response res = json_response(req, http::status::unprocessable_entity,
                               json::object{{"type", "/problems/invalid"},
                                            {"title", "Invalid request"},
                                            {"status", 422},
                                            {"detail", detail},
                                            {"errors", std::move(errors)}});
  res.set(http::field::content_type, "application/problem+json");
  return res;
}

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

json::value encoding_json(const ledger::FileFormat& f) {
  if (f.encoding.empty()) return nullptr;
  return json::value(f.encoding);
}

}  // namespace

net::awaitable<Response> import_issues(Services& s, Call& call) {
  const auto rules = s.writer.rules();
  const auto units = s.writer.units();
  const Actor actor = call.user->actor();
  if (!actor.has_any_role(rules->create_roles)) {
    co_return problem(call.req, Rejection::forbidden("Your roles may not log problems."));
  }
  auto dry_run = dry_run_of(call);
  if (!dry_run) co_return problem(call.req, dry_run.error());
  auto file = uploaded_file(call.req);
  if (!file) co_return problem(call.req, file.error());

  auto planning = [bytes = *file, rules, units] {
    return std::make_shared<ledger::IssueFilePlan>(ledger::plan_issue_file(bytes, *rules, *units));
  };
  const auto planned = co_await s.readers.run(std::move(planning));
  if (!planned->plan.errors.empty()) co_return bad_cells(call.req, planned->plan.errors);
  if (!planned->plan.assign_action.empty()) {
    const ActionDef* assign = rules->find_action(planned->plan.assign_action);
    const bool assigns =
        std::any_of(planned->plan.issues.begin(), planned->plan.issues.end(),
                    [](const ledger::PlannedIssue& p) { return !p.assign.empty(); });
    if (assigns && assign != nullptr && !actor.has_any_role(assign->roles)) {
      co_return problem(call.req,
                        Rejection::forbidden("Rows name a 责任单位, and your roles may not " +
                                             assign->label + "."));
    }
  }

  // All or nothing, and a dry run judges every row exactly as a real import
  // would: both undo their savepoint unless every row went in.
  auto outcome = std::make_shared<store::IssueImportOutcome>();
  store::Decision decision{[outcome, planned, actor, dry = *dry_run](
                               store::WriteBackend& backend, const store::WriteContext& ctx) {
    *outcome = store::import_issues(backend, ctx, actor, planned->plan);
    if (!outcome->errors.empty() || dry)
      return Result<store::Receipt>(Rejection::invalid("undone"));
    return Result<store::Receipt>(store::Receipt{});
  }};
  co_await submit(s.writer, std::move(decision));
  if (!outcome->errors.empty()) co_return bad_cells(call.req, outcome->errors);

  json::array ids;
  if (!*dry_run) {
    for (std::int64_t id : outcome->ids) ids.emplace_back(id);
  }
  co_return json_response(call.req, http::status::ok,
                          json::object{{"dry_run", *dry_run},
                                       {"format", planned->file.format},
                                       {"encoding", encoding_json(planned->file)},
                                       {"rows", planned->plan.issues.size()},
                                       {"created", outcome->created},
                                       {"unchanged", outcome->unchanged},
                                       {"ignored_columns", strings(planned->plan.ignored_columns)},
                                       {"issues", std::move(ids)}});
}

net::awaitable<Response> import_units(Services& s, Call& call) {
  const Actor actor = call.user->actor();
  if (!actor.has_any_role({"admin"})) {
    co_return problem(call.req, Rejection::forbidden("Only admins may import units."));
  }
  auto dry_run = dry_run_of(call);
  if (!dry_run) co_return problem(call.req, dry_run.error());
  auto file = uploaded_file(call.req);
  if (!file) co_return problem(call.req, file.error());
  const auto units = s.writer.units();
  auto planning = [bytes = *file, units] {
    return std::make_shared<ledger::UnitFilePlan>(ledger::plan_unit_file(bytes, *units));
  };
  const auto planned = co_await s.readers.run(std::move(planning));
  if (!planned->plan.errors.empty()) co_return bad_cells(call.req, planned->plan.errors);
  if (!*dry_run) {
    // Judged against the tree it was planned on, and the writer's tree
    // swapped in the same step, so that two imports never overwrite each other.
    store::Writer& writer = s.writer;
    store::Decision decision{[planned, actor, units, &writer](store::WriteBackend& backend,
                                                              const store::WriteContext& ctx) {
      if (&ctx.units != units.get()) {
        return Result<store::Receipt>(
            Rejection::stale("The units changed while the file was checked; send it again."));
      }
      store::import_units(backend, planned->plan, actor, ctx.now);
      writer.set_units(std::make_shared<const UnitTree>(planned->plan.units));
      return Result<store::Receipt>(store::Receipt{});
    }};
    auto done = co_await submit(s.writer, std::move(decision));
    if (!done) co_return problem(call.req, done.error());
  }
  co_return json_response(
      call.req, http::status::ok,
      json::object{{"dry_run", *dry_run},
                   {"format", planned->file.format},
                   {"encoding", encoding_json(planned->file)},
                   {"rows", planned->rows},
                   {"added", planned->plan.added},
                   {"updated", planned->plan.updated},
                   {"unchanged", planned->plan.unchanged},
                   {"ignored_columns", strings(planned->plan.ignored_columns)}});
}

net::awaitable<Response> export_ledger(Services& s, Call& call) {
  const auto rules = s.writer.rules();
  const auto units = s.writer.units();
  const Actor actor = call.user->actor();
  std::string unit = actor.unit;
  if (auto it = call.query.find("unit"); it != call.query.end() && !it->second.empty()) {
    unit = it->second;
  }
  if (units->find(unit) == nullptr || !units->contains(actor.unit, unit)) {
    co_return problem(call.req, Rejection::not_found("No unit " + unit + " in your jurisdiction."));
  }
  std::string format = "xlsx";
  if (auto it = call.query.find("format"); it != call.query.end()) format = it->second;
  if (format != "xlsx" && format != "csv") {
    co_return problem(call.req, Rejection::invalid_field("format", "expected xlsx or csv"));
  }
  const Date day = today(s);
  auto build = [rules, units, unit, format, day](store::ReadView& view) {
    const ledger::LedgerInput in{*rules, *units, unit, day, store::issues_in(view, unit)};
    return format == "xlsx" ? ledger::ledger_xlsx(in) : ledger::ledger_csv(in);
  };
  std::string bytes = co_await s.readers.read(std::move(build));
  Response res{http::status::ok, call.req.version()};
  res.set(http::field::content_type,
          format == "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                           : "text/csv; charset=utf-8");
  res.set(http::field::content_disposition,
          attachment_disposition(units->find(unit)->name + "整改台账-" + format_date(day) + "." +
                                 format));
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(call.req.keep_alive());
  res.body() = std::move(bytes);
  res.prepare_payload();
  co_return res;
}

}  // namespace qingling::web
