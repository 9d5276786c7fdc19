#include "web/server/metrics.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <unordered_map>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace qingling::web {
namespace {

namespace pm = prometheus;

constexpr std::array<std::string_view, 8> kMethods = {"GET",   "POST", "PUT",     "DELETE",
                                                      "PATCH", "HEAD", "OPTIONS", "OTHER"};
constexpr std::array<std::string_view, 5> kClasses = {"1xx", "2xx", "3xx", "4xx", "5xx"};
constexpr std::string_view kUnmatched = "unmatched";

std::size_t method_index(std::string_view method) {
  for (std::size_t i = 0; i + 1 < kMethods.size(); ++i) {
    if (kMethods[i] == method) return i;
  }
  return kMethods.size() - 1;
}

std::size_t class_index(unsigned status) {
  if (status < 100) return 4;  // not HTTP: counted with the failures
  return std::min<std::size_t>(status / 100, kClasses.size()) - 1;
}

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// Latency of a request, 1 ms to 10 s: a write waits for its batch's fsync.
const pm::Histogram::BucketBoundaries kLatency = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                  0.25,  0.5,    1,     2.5,  5,     10};
// One COMMIT at synchronous=FULL: a few fsyncs.
const pm::Histogram::BucketBoundaries kCommit = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                 0.05,   0.1,   0.25,   0.5,   1,    2.5};
// Commands per transaction, up to the writer's max_batch (1024).
const pm::Histogram::BucketBoundaries kBatch = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

// The series of one route, made on first use: a label set the server never
// answered is not exported.
struct RouteSeries {
  std::array<std::array<std::atomic<pm::Counter*>, kClasses.size()>, kMethods.size()> requests{};
  std::array<std::atomic<pm::Histogram*>, kMethods.size()> latency{};
};

pm::MetricFamily family(std::string name, std::string help, pm::MetricType type) {
  pm::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void add_gauge(pm::MetricFamily& f, std::vector<pm::ClientMetric::Label> labels, double value) {
  pm::ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

void add_counter(pm::MetricFamily& f, std::vector<pm::ClientMetric::Label> labels, double value) {
  pm::ClientMetric m;
  m.label = std::move(labels);
  m.counter.value = value;
  f.metric.push_back(std::move(m));
}

}  // namespace

struct Metrics::Impl {
  MetricSources sources;
  pm::Registry registry;
  pm::Family<pm::Counter>& requests;
  pm::Family<pm::Histogram>& latency;
  pm::Gauge& in_flight;
  pm::Histogram& batch_commands;
  pm::Histogram& commit_time;
  pm::Counter& failed_batches;
  pm::Family<pm::Counter>& refused;
  pm::Family<pm::Counter>& closed_at_limit;
  pm::Counter& turned_away;
  pm::Counter& evicted;
  std::mutex refusing;  // refusals are rare: a lock finds their series
  std::map<unsigned, pm::Counter*> refused_by_status;

  // Fixed at construction, so finding a route's series takes no lock.
  std::unordered_map<std::string_view, std::size_t> route_of;
  std::vector<std::string_view> route_names;
  std::unique_ptr<RouteSeries[]> series;
  std::mutex making;  // making a series (Family::Add) on first use

  Impl(std::vector<std::string_view> routes, MetricSources s)
      : sources(std::move(s)),
        requests(pm::BuildCounter()
                     .Name("qingling_http_requests_total")
                     .Help("HTTP requests answered, by route template, method and status class.")
                     .Register(registry)),
        latency(pm::BuildHistogram()
                    .Name("qingling_http_request_duration_seconds")
                    .Help("Time from a request read to its response ready, by route template.")
                    .Register(registry)),
        in_flight(pm::BuildGauge()
                      .Name("qingling_http_requests_in_flight")
                      .Help("Requests being handled now.")
                      .Register(registry)
                      .Add({})),
        batch_commands(pm::BuildHistogram()
                           .Name("qingling_writer_batch_commands")
                           .Help("Commands per writer transaction (group commit).")
                           .Register(registry)
                           .Add({}, kBatch)),
        commit_time(pm::BuildHistogram()
                        .Name("qingling_writer_commit_seconds")
                        .Help("Duration of each transaction's COMMIT, fsyncs included.")
                        .Register(registry)
                        .Add({}, kCommit)),
        failed_batches(pm::BuildCounter()
                           .Name("qingling_writer_failed_batches_total")
                           .Help("Writer transactions rolled back whole (every command failed).")
                           .Register(registry)
                           .Add({})),
        refused(pm::BuildCounter()
                    .Name("qingling_http_refused_total")
                    .Help("Requests the server answered itself and closed, before any route: "
                          "malformed, too slow, too large, over the upload budget or not "
                          "admitted, by status.")
                    .Register(registry)),
        closed_at_limit(pm::BuildCounter()
                            .Name("qingling_http_connections_closed_at_limit_total")
                            .Help("Connections closed at the connection limit: a new one turned "
                                  "away, or the one idle longest closed to make room.")
                            .Register(registry)),
        turned_away(closed_at_limit.Add({{"reason", "turned_away"}})),
        evicted(closed_at_limit.Add({{"reason", "idle_evicted"}})) {
    routes.push_back(kUnmatched);
    for (std::string_view r : routes) {
      if (route_of.try_emplace(r, route_names.size()).second) route_names.push_back(r);
    }
    series = std::make_unique<RouteSeries[]>(route_names.size());
  }

  std::size_t route_slot(std::string_view route) const {
    auto it = route_of.find(route);
    return it != route_of.end() ? it->second : route_of.at(kUnmatched);
  }

  pm::Counter& request_counter(std::size_t route, std::size_t method, std::size_t cls) {
    std::atomic<pm::Counter*>& cell = series[route].requests[method][cls];
    pm::Counter* c = cell.load(std::memory_order_acquire);
    if (c == nullptr) {
      std::lock_guard lock(making);
      c = &requests.Add({{"route", std::string(route_names[route])},
                         {"method", std::string(kMethods[method])},
                         {"status", std::string(kClasses[cls])}});
      cell.store(c, std::memory_order_release);
    }
    return *c;
  }

  pm::Histogram& route_latency(std::size_t route, std::size_t method) {
    std::atomic<pm::Histogram*>& cell = series[route].latency[method];
    pm::Histogram* h = cell.load(std::memory_order_acquire);
    if (h == nullptr) {
      std::lock_guard lock(making);
      h = &latency.Add(
          {{"route", std::string(route_names[route])}, {"method", std::string(kMethods[method])}},
          kLatency);
      cell.store(h, std::memory_order_release);
    }
    return *h;
  }

  // The figures read at scrape time, as families of their own.
  std::vector<pm::MetricFamily> read_sources() const {
    std::vector<pm::MetricFamily> out;
    if (sources.writer_queue_depth) {
      auto f = family("qingling_writer_queue_depth", "Commands waiting for the writer thread.",
                      pm::MetricType::Gauge);
      add_gauge(f, {}, static_cast<double>(sources.writer_queue_depth()));
      out.push_back(std::move(f));
    }
    if (sources.reader_queue_depth) {
      auto f =
          family("qingling_reader_queue_depth",
                 "Reads and file work waiting for a reader pool thread.", pm::MetricType::Gauge);
      add_gauge(f, {}, static_cast<double>(sources.reader_queue_depth()));
      out.push_back(std::move(f));
    }
    if (sources.outbox_backlog) {
      const store::OutboxBacklog b = sources.outbox_backlog();
      auto f = family("qingling_outbox_messages",
                      "Outbox messages not sent, by state (failed: will retry; given_up: needs "
                      "a person).",
                      pm::MetricType::Gauge);
      add_gauge(f, {{"state", "pending"}}, static_cast<double>(b.pending));
      add_gauge(f, {{"state", "sending"}}, static_cast<double>(b.sending));
      add_gauge(f, {{"state", "failed"}}, static_cast<double>(b.failed));
      add_gauge(f, {{"state", "given_up"}}, static_cast<double>(b.given_up));
      out.push_back(std::move(f));
    }
    if (sources.mail) {
      const MailCounts m = sources.mail();
      auto sent = family("qingling_mail_sent_total", "Messages the mail server accepted.",
                         pm::MetricType::Counter);
      add_counter(sent, {}, static_cast<double>(m.sent));
      out.push_back(std::move(sent));
      auto failed = family("qingling_mail_send_failures_total",
                           "Failed sends, by outcome: retry (tried again later) or given_up.",
                           pm::MetricType::Counter);
      add_counter(failed, {{"outcome", "retry"}}, static_cast<double>(m.retried));
      add_counter(failed, {{"outcome", "given_up"}}, static_cast<double>(m.given_up));
      out.push_back(std::move(failed));
    }
    if (sources.escalations_fired) {
      static constexpr std::array<const char*, 4> kLevels = {"none", "green", "yellow", "red"};
      const auto fired = sources.escalations_fired();
      auto f = family("qingling_escalations_fired_total",
                      "Ladder steps fired, by the level a step raises to (none: a reminder).",
                      pm::MetricType::Counter);
      for (std::size_t i = 0; i < fired.size(); ++i) {
        add_counter(f, {{"level", kLevels[i]}}, static_cast<double>(fired[i]));
      }
      out.push_back(std::move(f));
    }
    if (sources.open_connections) {
      auto f = family("qingling_http_connections", "Client connections open now.",
                      pm::MetricType::Gauge);
      add_gauge(f, {}, static_cast<double>(sources.open_connections()));
      out.push_back(std::move(f));
    }
    if (sources.problems_by_state) {
      auto f = family("qingling_problems", "Problems by workflow state.", pm::MetricType::Gauge);
      for (const auto& [state, n] : sources.problems_by_state()) {
        add_gauge(f, {{"state", state}}, static_cast<double>(n));
      }
      out.push_back(std::move(f));
    }
    return out;
  }
};

Metrics::Metrics(std::vector<std::string_view> routes, MetricSources sources)
    : impl_(std::make_unique<Impl>(std::move(routes), std::move(sources))) {}

Metrics::~Metrics() = default;

void Metrics::observe_request(std::string_view route, std::string_view method, unsigned status,
                              std::chrono::nanoseconds took) {
  const std::size_t r = impl_->route_slot(route);
  const std::size_t m = method_index(method);
  impl_->request_counter(r, m, class_index(status)).Increment();
  impl_->route_latency(r, m).Observe(seconds(took));
}

void Metrics::observe_refusal(unsigned status) {
  std::lock_guard lock(impl_->refusing);
  pm::Counter*& c = impl_->refused_by_status[status];
  if (c == nullptr) c = &impl_->refused.Add({{"status", std::to_string(status)}});
  c->Increment();
}

void Metrics::connection_turned_away() { impl_->turned_away.Increment(); }
void Metrics::connection_evicted() { impl_->evicted.Increment(); }

void Metrics::request_started() { impl_->in_flight.Increment(); }
void Metrics::request_finished() { impl_->in_flight.Decrement(); }

void Metrics::observe_batch(std::size_t commands, std::chrono::nanoseconds commit_time,
                            bool committed) {
  impl_->batch_commands.Observe(static_cast<double>(commands));
  if (committed) {
    impl_->commit_time.Observe(seconds(commit_time));
  } else {
    impl_->failed_batches.Increment();
  }
}

std::string Metrics::scrape() const {
  std::vector<pm::MetricFamily> families = impl_->registry.Collect();
  std::vector<pm::MetricFamily> read = impl_->read_sources();
  families.insert(families.end(), std::make_move_iterator(read.begin()),
                  std::make_move_iterator(read.end()));
  return pm::TextSerializer().Serialize(families);
}

}  // namespace qingling::web
