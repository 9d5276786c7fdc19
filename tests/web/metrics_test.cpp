// GET /metrics over real HTTP: request counts and latencies by route
// template, the writer's batches, problems by state against the API's own
// figures, ladder steps and mail outcomes, who may scrape; and the request
// id every answer carries, with the JSON log line of each request.

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "tests/web/api_fixture.h"
#include "tests/web/mail_api_fixture.h"
#include "web/api/api.h"

namespace qingling::testing {
namespace {

using namespace std::chrono_literals;
using Labels = std::map<std::string, std::string>;

struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

// The text exposition format, as far as prometheus-cpp writes it: one
// sample a line, `name{label="value",...} number`; comments skipped.
std::vector<Sample> parse_exposition(const std::string& text) {
  std::vector<Sample> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line.front() == '#') continue;
    Sample s;
    std::size_t i = line.find_first_of("{ ");
    s.name = line.substr(0, i);
    if (line[i] == '{') {
      ++i;
      while (line[i] != '}') {
        const std::size_t eq = line.find('=', i);
        const std::string name = line.substr(i, eq - i);
        const std::size_t close = line.find('"', eq + 2);
        s.labels[name] = line.substr(eq + 2, close - eq - 2);
        i = close + 1;
        if (line[i] == ',') ++i;
      }
      ++i;
    }
    s.value = std::stod(line.substr(i + 1));
    out.push_back(std::move(s));
  }
  return out;
}

class Scrape {
 public:
  explicit Scrape(const std::string& text) : samples_(parse_exposition(text)) {}

  // The sum over the samples of `name` whose labels include `labels`.
  double sum(const std::string& name, const Labels& labels = {}) const {
    double total = 0;
    for (const Sample& s : samples_) {
      if (s.name == name && includes(s.labels, labels)) total += s.value;
    }
    return total;
  }
  bool has(const std::string& name) const {
    for (const Sample& s : samples_) {
      if (s.name == name) return true;
    }
    return false;
  }
  const std::vector<Sample>& samples() const { return samples_; }

 private:
  static bool includes(const Labels& all, const Labels& some) {
    for (const auto& [k, v] : some) {
      auto it = all.find(k);
      if (it == all.end() || it->second != v) return false;
    }
    return true;
  }
  std::vector<Sample> samples_;
};

// Every request's JSON log line, kept by the fixture.
class LogLines {
 public:
  void add(std::string_view line) {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(line);
  }
  std::vector<std::string> all() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

class Metrics : public ApiTest {
 protected:
  void configure(web::AppOptions& options) override {
    options.log_format = web::LogFormat::Json;
    options.log_sink = [this](std::string_view line) { log_.add(line); };
  }

  Scrape scrape() {
    auto res = as("").get("/metrics");
    EXPECT_EQ(res.status, 200u) << res.body;
    EXPECT_EQ(res.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    return Scrape(res.body);
  }

  LogLines log_;
};

TEST_F(Metrics, CountsRequestsByRouteTemplateMethodAndStatusClass) {
  const Scrape before = scrape();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(create_issue().at("id").as_int64());
  for (std::int64_t id : ids) {
    EXPECT_EQ(as("supervisor").get("/api/v1/issues/" + std::to_string(id)).status, 200u);
  }
  EXPECT_EQ(as("supervisor").get("/api/v1/issues/999999").status, 404u);
  EXPECT_EQ(as("supervisor").get("/no/such/path/42").status, 404u);
  EXPECT_EQ(as("").get("/api/v1/issues").status, 401u);
  // A method of the client's own invention is one more label value at most.
  EXPECT_EQ(as("supervisor").request("PROPFIND", "/api/v1/issues").status, 405u);
  const Scrape after = scrape();

  const std::string requests = "qingling_http_requests_total";
  auto delta = [&](const Labels& labels) {
    return after.sum(requests, labels) - before.sum(requests, labels);
  };
  EXPECT_EQ(delta({{"route", "/api/v1/issues"}, {"method", "POST"}, {"status", "2xx"}}), 3);
  EXPECT_EQ(delta({{"route", "/api/v1/issues/{id}"}, {"method", "GET"}, {"status", "2xx"}}), 3);
  EXPECT_EQ(delta({{"route", "/api/v1/issues/{id}"}, {"method", "GET"}, {"status", "4xx"}}), 1);
  EXPECT_EQ(delta({{"route", "unmatched"}, {"method", "GET"}, {"status", "4xx"}}), 1);
  EXPECT_EQ(delta({{"route", "/api/v1/issues"}, {"method", "GET"}, {"status", "4xx"}}), 1);
  EXPECT_EQ(delta({{"route", "/api/v1/issues"}, {"method", "OTHER"}, {"status", "4xx"}}), 1);
  // The first scrape is counted once it is answered, so the second sees it.
  EXPECT_EQ(delta({{"route", "/metrics"}, {"method", "GET"}, {"status", "2xx"}}), 1);

  // Route labels are templates: never an id, never a raw path.
  const auto templates = web::route_labels();
  for (const Sample& s : after.samples()) {
    auto it = s.labels.find("route");
    if (it == s.labels.end()) continue;
    EXPECT_NE(std::find(templates.begin(), templates.end(), it->second), templates.end())
        << it->second;
  }

  // The latency histogram of the route: as many observations as requests,
  // cumulative buckets that never fall, +Inf holding every one.
  const Labels route{{"route", "/api/v1/issues/{id}"}, {"method", "GET"}};
  const std::string latency = "qingling_http_request_duration_seconds";
  EXPECT_EQ(after.sum(latency + "_count", route) - before.sum(latency + "_count", route), 4);
  double last = 0;
  int buckets = 0;
  for (const Sample& s : after.samples()) {
    if (s.name != latency + "_bucket" || s.labels.at("route") != "/api/v1/issues/{id}" ||
        s.labels.at("method") != "GET") {
      continue;
    }
    EXPECT_GE(s.value, last) << "le=" << s.labels.at("le");
    last = s.value;
    ++buckets;
  }
  EXPECT_GT(buckets, 5);
  EXPECT_EQ(last, after.sum(latency + "_count", route));  // the +Inf bucket comes last
  EXPECT_EQ(after.sum(latency + "_bucket", {{"route", "/api/v1/issues/{id}"}, {"le", "+Inf"}}),
            after.sum(latency + "_count", route));
  EXPECT_GT(after.sum(latency + "_sum", route), 0);
  EXPECT_LT(after.sum(latency + "_sum", route), 60);
}

TEST_F(Metrics, CountsTheWritersBatchesAndTimesTheirCommits) {
  const Scrape before = scrape();
  for (int i = 0; i < 4; ++i) create_issue();
  const Scrape after = scrape();
  const double batches = after.sum("qingling_writer_batch_commands_count") -
                         before.sum("qingling_writer_batch_commands_count");
  const double commands = after.sum("qingling_writer_batch_commands_sum") -
                          before.sum("qingling_writer_batch_commands_sum");
  // The creates, and whatever jobs the scheduler ran meanwhile.
  EXPECT_GE(commands, 4);
  EXPECT_GE(batches, 1);
  EXPECT_LE(batches, commands);
  // A COMMIT timed for every batch that committed. A scheduler job's batch
  // may be counted by the scrape a moment before its commit time is.
  const double commits = after.sum("qingling_writer_commit_seconds_count") -
                         before.sum("qingling_writer_commit_seconds_count");
  EXPECT_GE(commits, 1);
  EXPECT_NEAR(commits, batches, 1);
  EXPECT_GT(after.sum("qingling_writer_commit_seconds_sum"), 0);
  EXPECT_EQ(after.sum("qingling_writer_failed_batches_total"), 0);
  EXPECT_TRUE(after.has("qingling_writer_queue_depth"));
  EXPECT_TRUE(after.has("qingling_reader_queue_depth"));
  EXPECT_GE(after.sum("qingling_writer_queue_depth"), 0);
  EXPECT_EQ(after.sum("qingling_http_requests_in_flight"), 1);  // the scrape itself
}

TEST_F(Metrics, CountsRequestsTheServerRefusesBeforeAnyRouteAndItsOpenConnections) {
  const Scrape before = scrape();
  const std::string huge =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(64 * 1024, 'b') +
      "\r\n\r\n";
  ASSERT_TRUE(as("").raw(huge).starts_with("HTTP/1.1 431"));
  ASSERT_TRUE(as("").raw("NOT HTTP AT ALL\r\n\r\n").starts_with("HTTP/1.1 400"));
  const Scrape after = scrape();
  const auto refused = [&](const Scrape& s, const char* status) {
    return s.sum("qingling_http_refused_total", {{"status", status}});
  };
  EXPECT_EQ(refused(after, "431") - refused(before, "431"), 1);
  EXPECT_EQ(refused(after, "400") - refused(before, "400"), 1);
  // Nothing a route answered: the per-route counts did not see them.
  EXPECT_EQ(after.sum("qingling_http_requests_total", {{"status", "4xx"}}),
            before.sum("qingling_http_requests_total", {{"status", "4xx"}}));
  // The scraping client's own connection at least; the refused ones closed.
  EXPECT_GE(after.sum("qingling_http_connections"), 1);
  EXPECT_LE(after.sum("qingling_http_connections"), 4);
  EXPECT_TRUE(after.has("qingling_http_connections_closed_at_limit_total"));
}

TEST_F(Metrics, CountsProblemsByStateAsTheApiLists) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(create_issue().at("id").as_int64());
  for (std::size_t i = 0; i < 2; ++i) {
    auto res = act("supervisor", ids[i], "assign", 1,
                   {{"fields", {{"responsible_unit", "cc.c01.t01"}, {"deadline", "2026-10-16"}}}});
    ASSERT_EQ(res.status, 200u) << res.body;
  }
  const Scrape now = scrape();
  double total = 0;
  for (const Sample& s : now.samples()) {
    if (s.name != "qingling_problems") continue;
    total += s.value;
    const std::string state = s.labels.at("state");
    auto listed = as("supervisor").get("/api/v1/issues?limit=100&state=" + state);
    ASSERT_EQ(listed.status, 200u) << listed.body;
    EXPECT_EQ(s.value, static_cast<double>(listed.json().at("items").as_array().size())) << state;
  }
  EXPECT_EQ(now.sum("qingling_problems", {{"state", "rectifying"}}), 2);
  EXPECT_EQ(now.sum("qingling_problems", {{"state", "discovered"}}), 3);
  EXPECT_EQ(total, 5);
}

TEST_F(Metrics, EchoesASaneRequestIdAndLogsEachRequestAsJson) {
  const std::int64_t id = create_issue().at("id").as_int64();
  const std::string target = "/api/v1/issues/" + std::to_string(id);
  auto given = as("supervisor").request("GET", target, "", {{"X-Request-Id", "trace-1.a_b:c"}});
  EXPECT_EQ(given.header("x-request-id"), "trace-1.a_b:c");

  // Too long, or with characters a log line should not carry: replaced.
  for (const std::string& bad : {std::string(129, 'a'), std::string("a b"), std::string("x\"y")}) {
    auto res = as("supervisor").request("GET", target, "", {{"X-Request-Id", bad}});
    const std::string id_sent = res.header("x-request-id");
    EXPECT_NE(id_sent, bad);
    EXPECT_EQ(id_sent.size(), 16u) << id_sent;
  }
  auto plain = as("supervisor").get(target);
  const std::string generated = plain.header("x-request-id");
  ASSERT_EQ(generated.size(), 16u);
  EXPECT_EQ(generated.find_first_not_of("0123456789abcdef"), std::string::npos) << generated;
  EXPECT_NE(as("supervisor").get(target).header("x-request-id"), generated);

  std::map<std::string, boost::json::object> by_id;
  for (const std::string& line : log_.all()) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << line;
    ASSERT_TRUE(v.is_object()) << line;
    const auto& o = v.as_object();
    for (const char* key : {"ts", "level", "msg"}) EXPECT_TRUE(o.contains(key)) << line;
    if (o.at("msg") != "request") continue;
    for (const char* key : {"request_id", "method", "route", "status", "duration_ms", "peer"}) {
      EXPECT_TRUE(o.contains(key)) << line;
    }
    by_id[std::string(o.at("request_id").as_string())] = o;
  }
  ASSERT_TRUE(by_id.contains("trace-1.a_b:c"));
  const auto& line = by_id.at("trace-1.a_b:c");
  EXPECT_EQ(line.at("method"), "GET");
  EXPECT_EQ(line.at("route"), "/api/v1/issues/{id}");
  EXPECT_EQ(line.at("status"), 200);
  EXPECT_EQ(line.at("peer"), "127.0.0.1");
  EXPECT_GE(line.at("duration_ms").to_number<double>(), 0);
  EXPECT_EQ(std::string(line.at("ts").as_string()).back(), 'Z');
  ASSERT_TRUE(by_id.contains(generated));
  EXPECT_EQ(by_id.at(generated).at("route"), "/api/v1/issues/{id}");
}

// Behind a reverse proxy on 127.0.0.1 the client is the address it forwards:
// a remote scraper needs the metrics token.
class MetricsAccess : public ApiTest {
 protected:
  void configure(web::AppOptions& options) override {
    options.trusted_proxy = "127.0.0.1";
    options.metrics_token = "scrape-secret-7";
  }
};

TEST_F(MetricsAccess, LoopbackClientsScrapeFreelyOthersNeedTheMetricsToken) {
  EXPECT_EQ(as("").get("/metrics").status, 200u);
  const std::map<std::string, std::string> remote{{"X-Forwarded-For", "203.0.113.7"}};
  auto refused = as("").request("GET", "/metrics", "", remote);
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(refused.header("content-type"), "application/problem+json");
  auto with_token = remote;
  with_token["Authorization"] = "Bearer scrape-secret-7";
  auto allowed = as("").request("GET", "/metrics", "", with_token);
  EXPECT_EQ(allowed.status, 200u);
  EXPECT_NE(allowed.body.find("qingling_http_requests_total"), std::string::npos);
  // Nor does a wrong token, or a user's API token, open it.
  with_token["Authorization"] = "Bearer scrape-secret-8";
  EXPECT_EQ(as("").request("GET", "/metrics", "", with_token).status, 403u);
  EXPECT_EQ(as("supervisor").request("GET", "/metrics", "", remote).status, 403u);
  // Operational figures only: no titles, no unit names.
  EXPECT_EQ(allowed.body.find("适龄"), std::string::npos);
}

// The ladder and the mail: a real SMTP server that refuses one recipient.
class MetricsOfMail : public MailApiTest {
 protected:
  // The outbox's messages by state, once the sender has dealt with them all.
  std::map<std::string, int> settled_outbox() {
    for (int i = 0; i < 400; ++i) {
      auto res = as("admin").get("/api/v1/outbox?limit=100");
      std::map<std::string, int> by_state;
      for (const auto& m : res.json().at("items").as_array()) {
        ++by_state[std::string(m.at("state").as_string())];
      }
      if (!by_state.empty() && !by_state.contains("pending") && !by_state.contains("sending")) {
        return by_state;
      }
      std::this_thread::sleep_for(25ms);
    }
    return {};
  }
};

TEST_F(MetricsOfMail, CountsStepsFiredByLevelAndMailSentOrGivenUp) {
  const std::int64_t id = create_issue().at("id").as_int64();
  ASSERT_EQ(act("supervisor", id, "assign", 1,
                {{"fields", {{"responsible_unit", "cc.c01.t01"}, {"deadline", "2026-10-16"}}}})
                .status,
            200u);
  clock_.set(*parse_instant("2026-10-23T01:00:00Z"));  // 5 working days past the deadline
  app_->run_escalations_now();
  const auto outbox = settled_outbox();
  ASSERT_FALSE(outbox.empty());

  // The sender counts an outcome just after recording it: wait for the last.
  double messages = 0;
  for (const auto& [state, n] : outbox) messages += n;
  auto scraped = [&] { return Scrape(as("").get("/metrics").body); };
  Scrape s = scraped();
  for (int i = 0;
       i < 200 &&
       s.sum("qingling_mail_sent_total") + s.sum("qingling_mail_send_failures_total") < messages;
       ++i) {
    std::this_thread::sleep_for(10ms);
    s = scraped();
  }
  // Reminder and work reminder raise nothing; the bulletin raises to yellow.
  const std::string fired = "qingling_escalations_fired_total";
  EXPECT_EQ(s.sum(fired, {{"level", "none"}}), 2);
  EXPECT_EQ(s.sum(fired, {{"level", "yellow"}}), 1);
  EXPECT_EQ(s.sum(fired, {{"level", "red"}}), 0);
  EXPECT_EQ(s.sum(fired), 3);

  auto count = [&](const char* state) {
    auto it = outbox.find(state);
    return it == outbox.end() ? 0.0 : static_cast<double>(it->second);
  };
  EXPECT_GT(count("sent"), 0);
  EXPECT_GT(count("given_up"), 0);
  EXPECT_EQ(s.sum("qingling_mail_sent_total"), count("sent"));
  EXPECT_EQ(s.sum("qingling_mail_send_failures_total", {{"outcome", "given_up"}}),
            count("given_up"));
  EXPECT_EQ(s.sum("qingling_outbox_messages", {{"state", "given_up"}}), count("given_up"));
  EXPECT_EQ(s.sum("qingling_outbox_messages", {{"state", "pending"}}), 0);
  EXPECT_EQ(s.sum("qingling_outbox_messages", {{"state", "sending"}}), 0);
}

}  // namespace
}  // namespace qingling::testing
