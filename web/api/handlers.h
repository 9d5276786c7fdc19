#pragma once

// The handlers behind the route table; each is short and alike: parse,
// authorise, build a command or a read, await, answer.

#include "web/api/api.h"

namespace qingling::web {

net::awaitable<Response> create_issue(Services& s, Call& call);
net::awaitable<Response> list_issues(Services& s, Call& call);
net::awaitable<Response> get_issue(Services& s, Call& call);
net::awaitable<Response> take_action(Services& s, Call& call);
net::awaitable<Response> list_events(Services& s, Call& call);
net::awaitable<Response> attach_evidence(Services& s, Call& call);
net::awaitable<Response> list_evidence(Services& s, Call& call);
net::awaitable<Response> fetch_evidence(Services& s, Call& call);

net::awaitable<Response> import_issues(Services& s, Call& call);
net::awaitable<Response> import_units(Services& s, Call& call);
net::awaitable<Response> export_ledger(Services& s, Call& call);

net::awaitable<Response> deadline_feed(Services& s, Call& call);
net::awaitable<Response> issue_feed_token(Services& s, Call& call);
net::awaitable<Response> revoke_feed_token(Services& s, Call& call);

net::awaitable<Response> list_units(Services& s, Call& call);
net::awaitable<Response> list_categories(Services& s, Call& call);
net::awaitable<Response> get_rules(Services& s, Call& call);
net::awaitable<Response> calendar_add(Services& s, Call& call);
net::awaitable<Response> who_am_i(Services& s, Call& call);
net::awaitable<Response> sign_in(Services& s, Call& call);
net::awaitable<Response> current_session(Services& s, Call& call);
net::awaitable<Response> sign_out(Services& s, Call& call);
net::awaitable<Response> dashboard(Services& s, Call& call);
net::awaitable<Response> list_outbox(Services& s, Call& call);
net::awaitable<Response> retry_outbox(Services& s, Call& call);
net::awaitable<Response> get_forecast(Services& s, Call& call);
net::awaitable<Response> weekly_report(Services& s, Call& call);

net::awaitable<Response> serve_openapi(Services& s, Call& call);
net::awaitable<Response> healthz(Services& s, Call& call);
net::awaitable<Response> readyz(Services& s, Call& call);
net::awaitable<Response> serve_metrics(Services& s, Call& call);

}  // namespace qingling::web
