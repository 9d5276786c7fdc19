#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <system_error>

#include <boost/json.hpp>

#include "engine/core/sha256.h"
#include "web/api/handlers.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"
#include "web/api/submit.h"
#include "web/api/views.h"

namespace qingling::web {
namespace json = boost::json;
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;
constexpr std::size_t kMaxIdempotencyKey = 200;

std::string etag_of(int version) { return "\"" + std::to_string(version) + "\""; }

// If-Match: "3", W/"3" or 3; "*" (any version) is kAnyVersion.
std::optional<int> if_match_version(const Request& req) {
  const auto it = req.find(http::field::if_match);
  if (it == req.end()) return std::nullopt;
  std::string_view v = it->value();
  if (v == "*") return store::kAnyVersion;
  if (v.substr(0, 2) == "W/") v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int version = -1;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
  if (ec != std::errc{} || end != v.data() + v.size()) return -1;
  return version;
}

Response issue_response(Services& s, const Call& call, http::status status, const Issue& issue) {
  const auto rules = s.writer.rules();
  const auto units = s.writer.units();
  Response res = json_response(call.req, status,
                               issue_json(issue, *rules, *units, call.user->actor(), today(s)));
  res.set(http::field::etag, etag_of(issue.version));
  return res;
}

Response not_found(const Call& call) {
  return problem(call.req, Rejection::not_found("No problem " + call.path.at("id") + "."));
}

// Loads a problem the caller may see, or nothing.
net::awaitable<std::optional<Issue>> visible_issue(Services& s, const Call& call, std::int64_t id) {
  auto issue = co_await s.readers.read([id](store::ReadView& v) { return v.issue(id); });
  if (issue && !can_see(*issue, call.user->actor(), *s.writer.units())) issue.reset();
  co_return issue;
}

Response answer(Services& s, const Call& call, const Result<store::Receipt>& receipt,
                http::status status) {
  if (!receipt) return problem(call.req, receipt.error());
  Response res = issue_response(s, call, status, receipt->issue);
  if (status == http::status::created) {
    res.set(http::field::location, "/api/v1/issues/" + std::to_string(receipt->issue.id));
  }
  if (receipt->replayed) res.set("Idempotent-Replayed", "true");
  return res;
}

// Hex SHA-256 from a path segment, or nothing.
bool is_sha256(const std::string& text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::filesystem::path evidence_path(const Services& s, const std::string& hash) {
  return s.evidence_dir / hash.substr(0, 2) / hash;
}

// Writes `body` under its hash, durably, unless it is there already: to a
// temporary file of this upload's own, synced, renamed into place, and the
// folder synced, so that a committed evidence event never names a file a
// crash could lose. Concurrent uploads of the same content each write their
// own temporary and the last rename wins with identical bytes.
void store_evidence_file(const std::filesystem::path& path, const std::string& body) {
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) == body.size() && !ec) return;
  std::filesystem::create_directories(path.parent_path());
  static std::atomic<std::uint64_t> next{0};
  const std::filesystem::path temp =
      path.string() + "." + std::to_string(getpid()) + "-" + std::to_string(next++) + ".part";
  const auto fail = [&](const char* what) {
    const int err = errno;
    std::filesystem::remove(temp, ec);
    throw std::system_error(err, std::generic_category(), std::string(what) + " " + temp.string());
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) fail("cannot create");
  std::size_t written = 0;
  while (written < body.size()) {
    const ssize_t n = ::write(fd, body.data() + written, body.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      fail("cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail("cannot sync");
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) fail("cannot rename");
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

// RFC 5987 encoding of a UTF-8 file name for Content-Disposition.
std::string rfc5987(std::string_view name) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

}  // namespace

net::awaitable<Response> create_issue(Services& s, Call& call) {
  auto body = parse_json_object(call.req);
  if (body.error) co_return std::move(*body.error);
  auto fields = string_members(*body.object, "");
  if (!fields) co_return problem(call.req, fields.error());
  std::string key;
  if (auto it = call.req.find("Idempotency-Key"); it != call.req.end()) {
    key = std::string(it->value());
    if (key.empty() || key.size() > kMaxIdempotencyKey) {
      co_return problem(
          call.req, Rejection::invalid_field("Idempotency-Key", "expected 1 to 200 characters"));
    }
  }
  store::CreateIssue command{IssueDraft{std::move(*fields)}, call.user->actor(), std::move(key)};
  auto receipt = co_await submit(s.writer, std::move(command));
  co_return answer(s, call, receipt, http::status::created);
}

net::awaitable<Response> list_issues(Services& s, Call& call) {
  const auto rules = s.writer.rules();
  store::IssueQuery q;
  q.jurisdiction = call.user->unit;
  std::vector<FieldError> errors;
  const auto param = [&](const char* name) -> std::string {
    auto it = call.query.find(name);
    return it == call.query.end() ? std::string{} : it->second;
  };
  q.state = param("state");
  if (!q.state.empty() && rules->find_state(q.state) == nullptr) {
    errors.push_back({"state", "no state is named '" + q.state + "'"});
  }
  q.category = param("category");
  if (!q.category.empty() && rules->find_category(q.category) == nullptr) {
    errors.push_back({"category", "no category has the code '" + q.category + "'"});
  }
  q.severity = param("severity");
  if (!q.severity.empty() && rules->find_severity(q.severity) == nullptr) {
    errors.push_back({"severity", "no severity has the code '" + q.severity + "'"});
  }
  q.source = param("source");
  if (!q.source.empty() && rules->find_source(q.source) == nullptr) {
    errors.push_back({"source", "no source has the code '" + q.source + "'"});
  }
  const auto units = s.writer.units();
  q.unit = param("unit");
  if (!q.unit.empty() && units->find(q.unit) == nullptr) {
    errors.push_back({"unit", "no unit has the code '" + q.unit + "'"});
  }
  q.responsible_unit = param("responsible_unit");
  q.level = param("level");
  if (!q.level.empty() && !level_from(q.level)) {
    errors.push_back({"level", "expected one of: green, yellow, red"});
  }
  const std::string overdue = param("overdue");
  if (overdue == "true") {
    q.overdue_only = true;
  } else if (!overdue.empty() && overdue != "false") {
    errors.push_back({"overdue", "expected true or false"});
  }
  q.today = today(s);
  q.text = param("q");
  q.limit = kDefaultPageSize;
  if (const std::string limit = param("limit"); !limit.empty()) {
    auto n = parse_id(limit);
    if (!n || *n > kMaxPageSize) {
      errors.push_back({"limit", "expected a number from 1 to " + std::to_string(kMaxPageSize)});
    } else {
      q.limit = static_cast<int>(*n);
    }
  }
  if (const std::string cursor = param("cursor"); !cursor.empty()) {
    q.before_id = parse_id(cursor);
    if (!q.before_id) errors.push_back({"cursor", "expected the next_cursor of a previous page"});
  }
  if (!errors.empty()) {
    co_return problem(call.req, Rejection::invalid("Invalid query parameters.", std::move(errors)));
  }
  auto query = [q](store::ReadView& v) { return v.issues(q); };
  auto page = co_await s.readers.read(std::move(query));
  json::array items;
  const Date day = today(s);
  const Actor viewer = call.user->actor();
  for (const Issue& issue : page.items)
    items.emplace_back(issue_json(issue, *rules, *units, viewer, day));
  json::object out{{"items", std::move(items)}};
  out["next_cursor"] = page.next_cursor ? json::value(std::to_string(*page.next_cursor)) : nullptr;
  co_return json_response(call.req, http::status::ok, out);
}

net::awaitable<Response> get_issue(Services& s, Call& call) {
  auto id = parse_id(call.path.at("id"));
  if (!id) co_return not_found(call);
  auto issue = co_await visible_issue(s, call, *id);
  if (!issue) co_return not_found(call);
  if (auto it = call.req.find(http::field::if_none_match);
      it != call.req.end() && it->value() == etag_of(issue->version)) {
    Response res{http::status::not_modified, call.req.version()};
    res.set(http::field::etag, etag_of(issue->version));
    res.keep_alive(call.req.keep_alive());
    co_return res;
  }
  co_return issue_response(s, call, http::status::ok, *issue);
}

net::awaitable<Response> take_action(Services& s, Call& call) {
  auto id = parse_id(call.path.at("id"));
  if (!id) co_return not_found(call);
  const auto version = if_match_version(call.req);
  if (!version) {
    co_return problem(call.req, http::status::precondition_required, "/problems/if-match-required",
                      "If-Match required",
                      "Send the problem's ETag in If-Match so that concurrent changes are caught.",
                      {{"If-Match", "expected the ETag of the problem, e.g. \"3\""}});
  }
  auto body = parse_json_object(call.req);
  if (body.error) co_return std::move(*body.error);
  ActionRequest request;
  request.action = call.path.at("action");
  std::vector<FieldError> errors;
  for (const auto& [key, value] : *body.object) {
    if (key == "fields") {
      if (!value.is_object()) {
        errors.push_back({"fields", "expected an object of field values"});
        continue;
      }
      auto fields = string_members(value.get_object(), "fields.");
      if (!fields) {
        for (auto& f : fields.error().fields) errors.push_back(std::move(f));
      } else {
        request.fields = std::move(*fields);
      }
    } else if (key == "comment") {
      if (value.is_string()) {
        request.comment = std::string(value.get_string());
      } else {
        errors.push_back({"comment", "expected a string"});
      }
    } else {
      errors.push_back({std::string(key), "unknown member; expected fields or comment"});
    }
  }
  if (!errors.empty()) {
    co_return problem(call.req,
                      Rejection::invalid("The action body is not valid.", std::move(errors)));
  }
  store::TakeAction command{*id, *version, std::move(request), call.user->actor()};
  auto receipt = co_await submit(s.writer, std::move(command));
  co_return answer(s, call, receipt, http::status::ok);
}

net::awaitable<Response> list_events(Services& s, Call& call) {
  auto id = parse_id(call.path.at("id"));
  if (!id) co_return not_found(call);
  if (!co_await visible_issue(s, call, *id)) co_return not_found(call);
  auto events = co_await s.readers.read([id](store::ReadView& v) { return v.events(*id); });
  json::array items;
  for (const Event& e : events) items.emplace_back(event_json(e));
  co_return json_response(call.req, http::status::ok, json::object{{"items", std::move(items)}});
}

net::awaitable<Response> attach_evidence(Services& s, Call& call) {
  auto id = parse_id(call.path.at("id"));
  if (!id) co_return not_found(call);
  if (!co_await visible_issue(s, call, *id)) co_return not_found(call);
  std::vector<FieldError> errors;
  const auto name = call.query.find("name");
  if (name == call.query.end() || name->second.empty()) {
    errors.push_back({"name", "give the file name as ?name="});
  }
  const auto type = call.req.find(http::field::content_type);
  if (type == call.req.end() || type->value().empty()) {
    errors.push_back({"Content-Type", "give the file's media type"});
  }
  if (call.req.body().empty()) errors.push_back({"body", "the file is empty"});
  if (!errors.empty()) {
    co_return problem(call.req,
                      Rejection::invalid("The evidence upload is not valid.", std::move(errors)));
  }
  const std::string* body = &call.req.body();
  const std::string hash = co_await s.readers.run([&s, body] {
    std::string h = sha256_hex(*body);
    store_evidence_file(evidence_path(s, h), *body);
    return h;
  });
  store::AttachEvidence command{*id,          call.user->actor(),
                                name->second, std::string(type->value()),
                                hash,         static_cast<std::int64_t>(body->size())};
  auto receipt = co_await submit(s.writer, std::move(command));
  if (!receipt) co_return problem(call.req, receipt.error());
  Response res = issue_response(s, call, http::status::created, receipt->issue);
  res.set(http::field::location, "/api/v1/issues/" + std::to_string(*id) + "/evidence/" + hash);
  co_return res;
}

net::awaitable<Response> fetch_evidence(Services& s, Call& call) {
  auto id = parse_id(call.path.at("id"));
  const std::string hash = call.path.at("hash");
  if (!id || !is_sha256(hash)) co_return not_found(call);
  if (!co_await visible_issue(s, call, *id)) co_return not_found(call);
  auto events = co_await s.readers.read([id](store::ReadView& v) { return v.events(*id); });
  const Event* attached = nullptr;
  for (const Event& e : events) {
    auto it = e.fields.find("evidence.sha256");
    if (it != e.fields.end() && it->second == hash) attached = &e;
  }
  if (attached == nullptr) {
    co_return problem(call.req, Rejection::not_found("No such evidence on this problem."));
  }
  const auto path = evidence_path(s, hash);
  auto load = [path] {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("evidence file missing: " + path.string());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  std::string content = co_await s.readers.run(std::move(load));
  Response res{http::status::ok, call.req.version()};
  res.set(http::field::content_type, attached->fields.at("evidence.type"));
  res.set(http::field::content_disposition,
          "attachment; filename*=UTF-8''" + rfc5987(attached->fields.at("evidence.name")));
  res.set(http::field::etag, "\"" + hash + "\"");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(call.req.keep_alive());
  res.body() = std::move(content);
  res.prepare_payload();
  co_return res;
}

}  // namespace qingling::web
