#include "engine/store/commands.h"

#include "engine/core/escalation.h"
#include "engine/core/sha256.h"

namespace qingling::store {
namespace {

std::string request_hash(const CreateIssue& c) {
  std::string canonical;
  for (const auto& [k, v] : c.draft.fields) {
    canonical += k;
    canonical += '\x1f';
    canonical += v;
    canonical += '\x1e';
  }
  return sha256_hex(canonical);
}

Result<Receipt> append(WriteBackend& backend, const Issue& before, const Event& event,
                       const WriteContext& ctx) {
  return Receipt{append_event(backend, before, event, ctx), false};
}

Result<Receipt> run(WriteBackend& backend, const CreateIssue& c, const WriteContext& ctx) {
  const std::string hash = request_hash(c);
  if (!c.idempotency_key.empty()) {
    if (auto seen = backend.recall(c.actor.user, c.idempotency_key)) {
      if (seen->request_hash != hash) {
        return Rejection::invalid_field("Idempotency-Key",
                                        "this key was already used for a different request");
      }
      auto first = backend.load_first_event(seen->issue_id);
      if (!first) return Rejection::not_found("The problem this key created is gone.");
      return Receipt{apply(Issue{}, *first), true};
    }
  }
  auto decided = decide_create(c.draft, c.actor, DecisionContext{ctx.rules, ctx.units, ctx.now});
  if (!decided) return decided.error();
  Event event = std::move(*decided);
  if (auto ref = event.fields.find("external_ref"); ref != event.fields.end()) {
    if (auto other = backend.issue_by_external_ref(ref->second)) {
      auto known = backend.load_issue(*other);
      const bool visible = known && can_see(*known, c.actor, ctx.units);
      return Rejection::invalid_field(
          "external_ref", visible ? "problem " + std::to_string(*other) +
                                        " already has the reference '" + ref->second + "'"
                                  : "the reference '" + ref->second + "' is taken");
    }
  }
  event.issue_id = backend.next_issue_id();
  auto receipt = append(backend, Issue{}, event, ctx);
  if (receipt && !c.idempotency_key.empty()) {
    backend.remember(c.actor.user, c.idempotency_key, event.issue_id, hash, ctx.now);
  }
  return receipt;
}

Result<Receipt> run(WriteBackend& backend, const TakeAction& c, const WriteContext& ctx) {
  auto issue = backend.load_issue(c.issue_id);
  if (!issue || !can_see(*issue, c.actor, ctx.units)) {
    return Rejection::not_found("No problem " + std::to_string(c.issue_id) + ".");
  }
  if (c.expected_version != kAnyVersion && issue->version != c.expected_version) {
    return Rejection::stale("The problem is at version " + std::to_string(issue->version) +
                            ", not " + std::to_string(c.expected_version) +
                            "; reload it and try again.");
  }
  auto decided =
      decide_action(*issue, c.request, c.actor, DecisionContext{ctx.rules, ctx.units, ctx.now});
  if (!decided) return decided.error();
  return append(backend, *issue, *decided, ctx);
}

Result<Receipt> run(WriteBackend& backend, const AttachEvidence& c, const WriteContext& ctx) {
  auto issue = backend.load_issue(c.issue_id);
  if (!issue || !can_see(*issue, c.actor, ctx.units)) {
    return Rejection::not_found("No problem " + std::to_string(c.issue_id) + ".");
  }
  if (c.files.empty()) return Rejection::invalid_field("file", "send at least one file");
  Result<Receipt> receipt = Receipt{*issue, false};
  for (std::size_t i = 0; i < c.files.size(); ++i) {
    const EvidenceFileRef& f = c.files[i];
    auto decided = decide_evidence(receipt->issue, c.actor, f.file_name, f.content_type, f.sha256,
                                   f.size, DecisionContext{ctx.rules, ctx.units, ctx.now});
    if (!decided) {
      // Name the file among several; the caller's savepoint undoes the ones before.
      Rejection r = decided.error();
      if (c.files.size() > 1) {
        for (FieldError& fe : r.fields) fe.field = "file[" + std::to_string(i) + "]";
      }
      return r;
    }
    receipt = append(backend, receipt->issue, *decided, ctx);
    if (!receipt) return receipt;
  }
  return receipt;
}

Result<Receipt> run(WriteBackend& backend, const Job& job, const WriteContext& ctx) {
  job.run(backend, ctx);
  return Receipt{};
}

Result<Receipt> run(WriteBackend& backend, const Decision& decision, const WriteContext& ctx) {
  return decision.run(backend, ctx);
}

}  // namespace

DeadlineClock clock_of(const RuleSet& rules, const std::string& state) {
  const StateDef* def = rules.find_state(state);
  return def != nullptr ? def->clock : DeadlineClock::Stopped;
}

Issue append_event(WriteBackend& backend, const Issue& before, const Event& event,
                   const WriteContext& ctx) {
  Issue after = apply(before, event);
  backend.append_issue_event(event, after, clock_of(ctx.rules, after.state),
                             next_escalation(after, ctx.rules), ctx.units);
  if (const int delta = open_delta(before, after); delta != 0) {
    backend.record_open_change({after.id, event.local_date, delta});
  }
  return after;
}

void append_history(WriteBackend& backend, const std::vector<Event>& events, const Issue& after,
                    const WriteContext& ctx) {
  backend.append_history(events, after, clock_of(ctx.rules, after.state),
                         next_escalation(after, ctx.rules), ctx.units);
  for (const OpenChange& change : open_changes(events)) backend.record_open_change(change);
}

Result<Receipt> execute(WriteBackend& backend, const Command& command, const WriteContext& ctx) {
  return std::visit([&](const auto& c) { return run(backend, c, ctx); }, command);
}

}  // namespace qingling::store
