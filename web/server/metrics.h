#pragma once

// The server's figures for Prometheus (GET /metrics): requests by route,
// method and status class with their latency, the writer's batches and
// commit times, queue depths, the outbox's backlog, mail outcomes, ladder
// steps fired and problems by state. Kept in prometheus-cpp's registry,
// which stays inside metrics.cpp.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/store/outbox_backlog.h"

namespace qingling::web {

struct MailCounts {
  std::uint64_t sent = 0;
  std::uint64_t retried = 0;
  std::uint64_t given_up = 0;
};

// What a scrape reads from the rest of the server at that moment. Any may
// be empty (its metric is left out); they run on the scraping thread.
struct MetricSources {
  std::function<std::size_t()> writer_queue_depth;
  std::function<std::size_t()> reader_queue_depth;
  std::function<store::OutboxBacklog()> outbox_backlog;
  std::function<MailCounts()> mail;
  // Ladder steps fired: reminders (no level), then to green, yellow, red.
  std::function<std::array<std::uint64_t, 4>()> escalations_fired;
  std::function<std::vector<std::pair<std::string, std::size_t>>()> problems_by_state;
  std::function<std::size_t()> open_connections;
};

// Thread-safe. Recording is an atomic increment or a histogram's short lock
// once a label set has been seen; label sets are bounded by the routes.
class Metrics {
 public:
  // `routes`: every route label a request may carry (web/api route_labels());
  // any other label counts as "unmatched".
  Metrics(std::vector<std::string_view> routes, MetricSources sources);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request. `method` outside the common verbs counts as OTHER.
  void observe_request(std::string_view route, std::string_view method, unsigned status,
                       std::chrono::nanoseconds took);
  // Requests being handled now.
  void request_started();
  void request_finished();
  // A request the server answered itself before the API (HttpServer's
  // ServerEvents), by status; a connection closed at the limit.
  void observe_refusal(unsigned status);
  void connection_turned_away();
  void connection_evicted();
  // One writer transaction (see store::Writer::on_batch).
  void observe_batch(std::size_t commands, std::chrono::nanoseconds commit_time, bool committed);

  // Every metric in the text exposition format 0.0.4. Reads the sources,
  // which may block (the outbox count reads SQLite): not on an io thread.
  std::string scrape() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qingling::web
