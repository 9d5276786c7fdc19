// Calendar feeds (RFC 5545): the deadlines and milestones of a
// jurisdiction's open problems, for a unit to subscribe to from its calendar
// program. A calendar program cannot send a bearer token, so the feed is
// authenticated by a per-user feed token in its URL, which the user can
// replace or revoke.

#include <algorithm>
#include <memory>

#include <boost/json.hpp>

#include "web/api/handlers.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"
#include "web/api/submit.h"

namespace qingling::web {
namespace json = boost::json;
namespace {

// TEXT value escaping (RFC 5545 §3.3.11).
std::string ics_text(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Appends one content line, folded at 75 octets without splitting a UTF-8
// character (§3.1), ended by CRLF.
void line(std::string& out, std::string_view content) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < content.size();) {
    std::size_t n = 1;
    const auto c = static_cast<unsigned char>(content[i]);
    if (c >= 0xF0) {
      n = 4;
    } else if (c >= 0xE0) {
      n = 3;
    } else if (c >= 0xC0) {
      n = 2;
    }
    n = std::min(n, content.size() - i);
    if (width + n > 75) {
      out += "\r\n ";
      width = 1;
    }
    out.append(content.substr(i, n));
    width += n;
    i += n;
  }
  out += "\r\n";
}

std::string ics_date(Date d) {
  std::string text = format_date(d);  // 2026-12-31
  text.erase(std::remove(text.begin(), text.end(), '-'), text.end());
  return text;
}

// 20261127T083000Z
std::string ics_instant(Instant at) {
  std::string text = format_instant(at);  // 2026-11-27T08:30:00.000Z or without millis
  std::string out;
  for (const char c : text.substr(0, 19)) {
    if (c != '-' && c != ':') out += c;
  }
  return out + "Z";
}

void all_day_event(std::string& out, const std::string& uid, const Issue& issue, Date day,
                   const std::string& summary, const std::string& description,
                   const std::string& category) {
  line(out, "BEGIN:VEVENT");
  line(out, "UID:" + uid);
  line(out, "DTSTAMP:" + ics_instant(issue.updated_at));
  line(out, "SEQUENCE:" + std::to_string(issue.version));
  line(out, "DTSTART;VALUE=DATE:" + ics_date(day));
  line(out, "DTEND;VALUE=DATE:" + ics_date(day + std::chrono::days{1}));
  line(out, "SUMMARY:" + ics_text(summary));
  line(out, "DESCRIPTION:" + ics_text(description));
  if (!category.empty()) line(out, "CATEGORIES:" + ics_text(category));
  line(out, "TRANSP:TRANSPARENT");
  line(out, "END:VEVENT");
}

std::string feed_url(const Call& call, const std::string& token) {
  std::string host(call.req[http::field::host]);
  const std::string path = "/api/v1/calendar/deadlines.ics?token=" + token;
  return host.empty() ? path : "http://" + host + path;
}

// The whole feed for `issues` (open problems of `unit`'s jurisdiction).
std::string render_deadline_feed(const std::vector<Issue>& issues, const RuleSet& rules,
                                 const UnitTree& units, const Unit& unit) {
  std::string out;
  line(out, "BEGIN:VCALENDAR");
  line(out, "VERSION:2.0");
  line(out, "PRODID:-//qingling//deadlines//ZH");
  line(out, "CALSCALE:GREGORIAN");
  line(out, "METHOD:PUBLISH");
  line(out, "X-WR-CALNAME:" + ics_text(unit.name + " 整改时限"));
  line(out, "X-WR-TIMEZONE:" + rules.campaign.time_zone);
  const std::string domain = rules.campaign.code + ".qingling";
  for (const Issue& issue : issues) {
    if (!issue.deadline) continue;
    const StateDef* state = rules.find_state(issue.state);
    const CodeLabel* category = rules.find_category(issue.category);
    const Unit* responsible = units.find(issue.responsible_unit);
    std::string description = "问题 #" + std::to_string(issue.id) + "：" + issue.title;
    if (responsible != nullptr) description += "\n责任单位：" + responsible->name;
    if (state != nullptr) description += "\n状态：" + state->label;
    if (!issue.measures.empty()) description += "\n整改措施：" + issue.measures;
    const std::string label = category != nullptr ? category->label : issue.category;
    all_day_event(out, "issue-" + std::to_string(issue.id) + "-deadline@" + domain, issue,
                  issue.deadline->date, "整改时限：" + issue.title, description, label);
    for (std::size_t m = 0; m < issue.deadline->milestones.size(); ++m) {
      const Milestone& milestone = issue.deadline->milestones[m];
      all_day_event(out,
                    "issue-" + std::to_string(issue.id) + "-milestone-" + std::to_string(m + 1) +
                        "@" + domain,
                    issue, milestone.date, milestone.name + "：" + issue.title, description, label);
    }
  }
  line(out, "END:VCALENDAR");
  return out;
}

}  // namespace

net::awaitable<Response> deadline_feed(Services& s, Call& call) {
  const auto token = call.query.find("token");
  if (token == call.query.end() || token->second.empty()) {
    co_return problem(call.req,
                      Rejection{Rejection::Kind::Unauthenticated,
                                "Give the feed token: ?token= (POST /api/v1/me/feed-token)."});
  }
  const std::string hash = store::token_hash(token->second);
  auto lookup = [hash](store::ReadView& v) { return v.user_by_feed_token_hash(hash); };
  const auto user = co_await s.readers.read(std::move(lookup));
  if (!user) {
    co_return problem(call.req, Rejection{Rejection::Kind::Unauthenticated,
                                          "The feed token is not valid or was revoked."});
  }
  const auto rules = s.writer.rules();
  const auto units = s.writer.units();
  std::string unit_code = user->unit;
  if (auto it = call.query.find("unit"); it != call.query.end() && !it->second.empty()) {
    unit_code = it->second;
  }
  const Unit* unit = units->find(unit_code);
  if (unit == nullptr || !units->contains(user->unit, unit_code)) {
    co_return problem(call.req,
                      Rejection::not_found("No unit " + unit_code + " in your jurisdiction."));
  }
  auto render = [rules, units, unit_code, unit](store::ReadView& view) {
    const auto open = store::issues_in(view, unit_code, [&](const Issue& i) {
      const StateDef* state = rules->find_state(i.state);
      return i.deadline && (state == nullptr || !state->cleared);
    });
    return render_deadline_feed(open, *rules, *units, *unit);
  };
  std::string body = co_await s.readers.read(std::move(render));
  Response res{http::status::ok, call.req.version()};
  res.set(http::field::content_type, "text/calendar; charset=utf-8");
  res.set(http::field::cache_control, "private, no-cache");
  res.set(http::field::content_disposition, "inline; filename=\"deadlines.ics\"");
  res.keep_alive(call.req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  co_return res;
}

net::awaitable<Response> issue_feed_token(Services& s, Call& call) {
  const std::string token = store::new_token("qlf_");
  const std::string hash = store::token_hash(token);
  const store::User user = *call.user;
  store::Decision decision{
      [user, hash](store::WriteBackend& backend, const store::WriteContext& ctx) {
        backend.set_feed_token(user.id, hash, ctx.now);
        backend.append_log("feed_token_issued", user.name, ctx.now, "",
                           json::serialize(json::object{{"name", user.name}}));
        return Result<store::Receipt>(store::Receipt{});
      }};
  co_await submit(s.writer, std::move(decision));
  co_return json_response(call.req, http::status::created,
                          json::object{{"token", token}, {"url", feed_url(call, token)}});
}

net::awaitable<Response> revoke_feed_token(Services& s, Call& call) {
  const store::User user = *call.user;
  auto removed = std::make_shared<bool>(false);
  store::Decision decision{
      [user, removed](store::WriteBackend& backend, const store::WriteContext& ctx) {
        *removed = backend.remove_feed_token(user.id);
        if (*removed) {
          backend.append_log("feed_token_revoked", user.name, ctx.now, "",
                             json::serialize(json::object{{"name", user.name}}));
        }
        return Result<store::Receipt>(store::Receipt{});
      }};
  co_await submit(s.writer, std::move(decision));
  if (!*removed) co_return problem(call.req, Rejection::not_found("You have no feed token."));
  Response res{http::status::no_content, call.req.version()};
  res.keep_alive(call.req.keep_alive());
  co_return res;
}

}  // namespace qingling::web
