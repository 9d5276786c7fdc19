// 佐证材料: attaching evidence files to a problem, listing and fetching them.

#include <charconv>
#include <fstream>
#include <iterator>
#include <optional>

#include <boost/json.hpp>

#include "web/api/handlers.h"
#include "web/api/media_type.h"
#include "web/api/multipart.h"
#include "web/api/request_parsing.h"
#include "web/api/responses.h"
#include "web/api/submit.h"

namespace qingling::web {
namespace json = boost::json;
namespace {

// One file of an upload, before it is stored.
struct Upload {
  std::string name;
  std::string_view content;
};

bool is_sha256(const std::string& text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string evidence_url(std::int64_t id, const std::string& hash) {
  return "/api/v1/issues/" + std::to_string(id) + "/evidence/" + hash;
}

// One attached file as the API shows it.
json::object evidence_json(std::int64_t issue_id, const store::EvidenceFileRef& f,
                           const std::string& attached_by, Instant attached_at) {
  return {{"sha256", f.sha256},
          {"name", f.file_name},
          {"type", f.content_type},
          {"size", f.size},
          {"url", evidence_url(issue_id, f.sha256)},
          {"attached_by", attached_by},
          {"attached_at", format_instant(attached_at)}};
}

json::object evidence_json(const Event& e) {
  const auto field = [&](const char* name) {
    auto it = e.fields.find(name);
    return it == e.fields.end() ? std::string{} : it->second;
  };
  store::EvidenceFileRef f{field("evidence.name"), field("evidence.type"), field("evidence.sha256"),
                           0};
  const std::string size = field("evidence.size");
  std::from_chars(size.data(), size.data() + size.size(), f.size);
  return evidence_json(e.issue_id, f, e.actor, e.at);
}

// A file name as stored: its last path component, valid UTF-8 without
// control characters (what a browser or an old Windows client sends may be neither).
std::optional<std::string> file_name_of(std::string name) {
  const std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name.erase(0, slash + 1);
  if (name.empty()) return std::nullopt;
  for (std::size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    std::size_t n = 0;
    if (c < 0x20 || c == 0x7f) return std::nullopt;
    if (c < 0x80) {
      n = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
    } else {
      return std::nullopt;
    }
    if (i + n > name.size()) return std::nullopt;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(name[i + k]) & 0xC0) != 0x80) return std::nullopt;
    }
    i += n;
  }
  return name;
}

// The files of the request: the `file` parts of a multipart/form-data body,
// or the raw body named by ?name=.
Result<std::vector<Upload>> uploads_of(const Call& call) {
  const std::string boundary = form_boundary(call.req[http::field::content_type]);
  std::vector<Upload> files;
  if (!boundary.empty()) {
    auto parts = parse_form_data(call.req.body(), boundary);
    if (!parts) return parts.error();
    std::vector<FieldError> errors;
    for (const FormPart& p : *parts) {
      if (p.name != "file") continue;
      const std::string field = "file[" + std::to_string(files.size()) + "]";
      auto name = file_name_of(p.file_name);
      if (!name) errors.push_back({field, "each file part needs a filename in UTF-8"});
      if (p.content.empty()) errors.push_back({field, "the file '" + p.file_name + "' is empty"});
      files.push_back({name.value_or(""), p.content});
    }
    if (files.empty()) errors.push_back({"file", "send the files as parts named 'file'"});
    if (!errors.empty()) return Rejection::invalid("The upload is not valid.", std::move(errors));
    return files;
  }
  std::vector<FieldError> errors;
  const auto given = call.query.find("name");
  std::optional<std::string> name;
  if (given != call.query.end()) name = file_name_of(given->second);
  if (!name) {
    errors.push_back({"name", "give the file name (UTF-8) as ?name=, or send multipart/form-data"});
  }
  if (call.req.body().empty()) errors.push_back({"body", "the file is empty"});
  if (!errors.empty()) return Rejection::invalid("The upload is not valid.", std::move(errors));
  files.push_back({*name, call.req.body()});
  return files;
}

}  // namespace

net::awaitable<Response> attach_evidence(Services& s, Call& call) {
  auto id = parse_id(call.path.at("id"));
  if (!id || !co_await visible_issue(s, call, *id)) {
    co_return problem(call.req, Rejection::not_found("No problem " + call.path.at("id") + "."));
  }
  auto uploads = uploads_of(call);
  if (!uploads) co_return problem(call.req, uploads.error());

  // Judge each file by its bytes, then store it; the writer decides whether
  // the campaign takes it.
  std::vector<EvidenceStore::Put> stored;
  store::AttachEvidence command{*id, call.user->actor(), {}};
  auto store_all = [&s, &uploads, &stored, &command] {
    for (const Upload& u : *uploads) {
      const std::string type = sniff_media_type(u.content);
      stored.push_back(s.evidence.put(u.content));
      command.files.push_back(
          {u.name, type, stored.back().sha256, static_cast<std::int64_t>(u.content.size())});
    }
    return true;
  };
  Result<store::Receipt> receipt = Rejection::invalid("not recorded");
  try {
    co_await s.readers.run(std::move(store_all));
    receipt = co_await submit(s.writer, command);
  } catch (...) {
    for (const auto& put : stored) s.evidence.settle(put.sha256, false);
    throw;
  }
  // Off the I/O thread: dropping a file syncs its folder.
  auto settle = [&s, &stored, recorded = receipt.has_value()] {
    for (const auto& put : stored) s.evidence.settle(put.sha256, recorded);
    return true;
  };
  co_await s.readers.run(std::move(settle));
  if (!receipt) co_return problem(call.req, receipt.error());

  json::array attached;
  for (std::size_t i = 0; i < command.files.size(); ++i) {
    json::object item =
        evidence_json(*id, command.files[i], call.user->name, receipt->issue.updated_at);
    item["stored"] = stored[i].created ? "new" : "existing";
    attached.emplace_back(std::move(item));
  }
  Response res = json_response(
      call.req, http::status::created,
      json::object{{"issue", issue_view(s, call, receipt->issue)}, {"attached", attached}});
  res.set(http::field::location, evidence_url(*id, command.files.front().sha256));
  co_return res;
}

net::awaitable<Response> list_evidence(Services& s, Call& call) {
  auto id = parse_id(call.path.at("id"));
  if (!id || !co_await visible_issue(s, call, *id)) {
    co_return problem(call.req, Rejection::not_found("No problem " + call.path.at("id") + "."));
  }
  auto events = co_await s.readers.read([id](store::ReadView& v) { return v.events(*id); });
  json::array items;
  for (const Event& e : events) {
    if (e.type == Event::Type::EvidenceAttached) items.emplace_back(evidence_json(e));
  }
  co_return json_response(call.req, http::status::ok, json::object{{"items", std::move(items)}});
}

net::awaitable<Response> fetch_evidence(Services& s, Call& call) {
  auto id = parse_id(call.path.at("id"));
  const std::string hash = call.path.at("hash");
  if (!id || !is_sha256(hash) || !co_await visible_issue(s, call, *id)) {
    co_return problem(call.req, Rejection::not_found("No such evidence on this problem."));
  }
  auto events = co_await s.readers.read([id](store::ReadView& v) { return v.events(*id); });
  const Event* attached = nullptr;
  for (const Event& e : events) {
    auto it = e.fields.find("evidence.sha256");
    if (it != e.fields.end() && it->second == hash) attached = &e;
  }
  if (attached == nullptr) {
    co_return problem(call.req, Rejection::not_found("No such evidence on this problem."));
  }
  const std::string etag = "\"" + hash + "\"";
  Response res{http::status::ok, call.req.version()};
  res.set(http::field::etag, etag);
  res.set(http::field::cache_control, "private, max-age=31536000, immutable");
  res.set("X-Content-Type-Options", "nosniff");
  // Served as a download in a sandbox: a script inside an SVG or HTML never runs.
  res.set("Content-Security-Policy", "sandbox; default-src 'none'");
  res.keep_alive(call.req.keep_alive());
  if (call.req[http::field::if_none_match] == etag) {
    res.result(http::status::not_modified);
    co_return res;
  }
  const auto path = s.evidence.path_of(hash);
  auto load = [path] {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("evidence file missing: " + path.string());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  std::string content = co_await s.readers.run(std::move(load));
  const std::string& name = attached->fields.at("evidence.name");
  res.set(http::field::content_type, attached->fields.at("evidence.type"));
  res.set(http::field::content_disposition, attachment_disposition(name));
  res.body() = std::move(content);
  res.prepare_payload();
  co_return res;
}

}  // namespace qingling::web
