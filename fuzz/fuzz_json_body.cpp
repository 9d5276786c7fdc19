// JSON request bodies as the API reads them (web/api/request_parsing.h) and
// what the handlers do with them short of the store: a problem draft
// (create_issue) decided and rendered, an action body (take_action) decided
// on a fresh problem, every refusal rendered as problem+json. The same bytes
// also go through the codec's stored shapes (decode_issue, decode_payload),
// which may refuse only by std::runtime_error and round-trip what they take.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "engine/codec/json_codec.h"
#include "engine/core/workflow.h"
#include "fuzz/demo_pack.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"
#include "web/api/views.h"

namespace {

using namespace qingling;
using namespace qingling::web;
namespace json = boost::json;

const Instant kNow = *parse_instant("2026-11-27T09:30:00+08:00");
const Date kToday = *parse_date("2026-11-27");

// The city's administrator holding every role, so that decisions go as far
// as the fields allow.
Actor actor_of(const fuzz::DemoPack& demo) {
  return Actor{"fuzz", demo.units.root(), demo.rules.roles};
}

// A problem just created from a draft that the demo pack accepts.
const Issue& fresh_issue() {
  static const Issue issue = [] {
    const fuzz::DemoPack& demo = fuzz::demo_pack();
    IssueDraft draft{{{"title", "村道破损"},
                      {"description", "村道破损未修复"},
                      {"category", demo.rules.categories.front().code},
                      {"unit", demo.units.root()}}};
    auto created =
        decide_create(draft, actor_of(demo), DecisionContext{demo.rules, demo.units, kNow});
    if (!created) {
      std::fprintf(stderr, "the fixed draft is refused: %s\n", created.error().detail.c_str());
      std::abort();
    }
    created->issue_id = 1;
    created->version = 1;
    return apply(Issue{}, *created);
  }();
  return issue;
}

// A problem+json answer whose body is JSON and whose status is an error.
void check_problem(const Response& res) {
  if (res.result_int() < 400) std::abort();
  boost::system::error_code ec;
  (void)json::parse(res.body(), ec);
  if (ec) std::abort();
}

void check_refusal(const Request& req, const Rejection& rejection) {
  check_problem(problem(req, rejection));
}

void create(const Request& req, const json::object& body, const fuzz::DemoPack& demo) {
  auto fields = string_members(body, "");
  if (!fields) return check_refusal(req, fields.error());
  const Actor actor = actor_of(demo);
  auto created = decide_create(IssueDraft{std::move(*fields)}, actor,
                               DecisionContext{demo.rules, demo.units, kNow});
  if (!created) return check_refusal(req, created.error());
  created->issue_id = 2;
  created->version = 1;
  const Issue issue = apply(Issue{}, *created);
  (void)json::serialize(issue_json(issue, demo.rules, demo.units, actor, kToday));
  (void)json::serialize(event_json(*created));
  const Issue back = codec::decode_issue(codec::encode_issue(issue));
  if (codec::encode_issue(back) != codec::encode_issue(issue)) std::abort();
}

// take_action's reading of its body (action_request_of), then the decision, for the action
// `pick` chooses among those open on a fresh problem.
void act(const Request& req, const json::object& body, std::size_t pick,
         const fuzz::DemoPack& demo) {
  auto parsed = action_request_of(body, "");
  if (!parsed) return check_refusal(req, parsed.error());
  ActionRequest request = std::move(*parsed);
  const Actor actor = actor_of(demo);
  const DecisionContext ctx{demo.rules, demo.units, kNow};
  const Issue& issue = fresh_issue();
  const auto open = available_actions(issue, actor, ctx);
  request.action = open.empty() ? "close" : open[pick % open.size()]->name;
  auto decided = decide_action(issue, request, actor, ctx);
  if (!decided) return check_refusal(req, decided.error());
  const Issue after = apply(issue, *decided);
  (void)json::serialize(issue_json(after, demo.rules, demo.units, actor, kToday));
  Event back;
  codec::decode_payload(codec::encode_payload(*decided), back);
  if (codec::encode_payload(back) != codec::encode_payload(*decided)) std::abort();
}

void stored_shapes(std::string_view text) {
  try {
    const Issue issue = codec::decode_issue(text);
    const std::string once = codec::encode_issue(issue);
    if (codec::encode_issue(codec::decode_issue(once)) != once) std::abort();
  } catch (const std::runtime_error&) {
  }
  try {
    Event event;
    codec::decode_payload(text, event);
    const std::string once = codec::encode_payload(event);
    Event again;
    codec::decode_payload(once, again);
    if (codec::encode_payload(again) != once) std::abort();
  } catch (const std::runtime_error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::DemoPack& demo = fuzz::demo_pack();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Request req{http::verb::post, "/api/v1/issues", 11};
  req.set(http::field::content_type, "application/json");
  req.body() = std::string(text);
  req.prepare_payload();

  JsonBody body = parse_json_object(req);
  if (body.object.has_value() == body.error.has_value()) std::abort();  // one or the other
  if (body.error) {
    check_problem(*body.error);
  } else {
    create(req, *body.object, demo);
    act(req, *body.object, size, demo);
  }
  stored_shapes(text);
  return 0;
}
