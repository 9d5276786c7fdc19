#include "engine/store/import.h"

#include <boost/json.hpp>

namespace qingling::store {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxErrors = 1000;

// The rejection's fields as cells of the row: a field the plan took from a
// column is named by that column's header.
void report(const Rejection& r, const ledger::PlannedIssue& row,
            std::vector<ledger::CellError>& errors) {
  if (r.fields.empty()) {
    errors.push_back({row.row, "", r.detail, row.sheet});
    return;
  }
  for (const FieldError& f : r.fields) {
    std::string field = f.field;
    if (field.rfind("fields.", 0) == 0) field.erase(0, 7);
    auto column = row.columns.find(field);
    errors.push_back(
        {row.row, column == row.columns.end() ? field : column->second, f.message, row.sheet});
  }
}

}  // namespace

IssueImportOutcome import_issues(WriteBackend& backend, const WriteContext& ctx, const Actor& actor,
                                 const ledger::IssueImportPlan& plan) {
  IssueImportOutcome out;
  const DecisionContext decisions{ctx.rules, ctx.units, ctx.now, true};
  for (const ledger::PlannedIssue& row : plan.issues) {
    if (out.errors.size() >= kMaxErrors) break;
    if (auto ref = row.create.find("external_ref"); ref != row.create.end()) {
      if (auto id = backend.issue_by_external_ref(ref->second)) {
        // Imported before, by this importer's jurisdiction: unchanged. A
        // reference held outside it is an error, never a silent skip.
        auto known = backend.load_issue(*id);
        if (known && can_see(*known, actor, ctx.units)) {
          ++out.unchanged;
        } else {
          auto column = row.columns.find("external_ref");
          out.errors.push_back({row.row, column == row.columns.end() ? "编号" : column->second,
                                "'" + ref->second +
                                    "' is the reference of a problem outside your jurisdiction; "
                                    "give this row another",
                                row.sheet});
        }
        continue;
      }
    }
    auto created = decide_create(IssueDraft{row.create}, actor, decisions);
    if (!created) {
      report(created.error(), row, out.errors);
      continue;
    }
    Event event = std::move(*created);
    event.issue_id = backend.next_issue_id();
    Issue issue = append_event(backend, Issue{}, event, ctx);
    if (!row.assign.empty()) {
      auto assigned =
          decide_action(issue, ActionRequest{plan.assign_action, row.assign, ""}, actor, decisions);
      if (!assigned) {
        report(assigned.error(), row, out.errors);
        continue;
      }
      issue = append_event(backend, issue, *assigned, ctx);
    }
    ++out.created;
    out.ids.push_back(issue.id);
  }
  return out;
}

void import_units(WriteBackend& backend, const ledger::UnitImportPlan& plan, const Actor& actor,
                  Instant now) {
  const UnitTree tree(plan.units);
  backend.put_units(plan.units, tree);
  backend.append_log("units_imported", actor.user, now, "",
                     json::serialize(json::object{{"added", plan.added},
                                                  {"updated", plan.updated},
                                                  {"unchanged", plan.unchanged},
                                                  {"root", tree.root()}}));
}

}  // namespace qingling::store
