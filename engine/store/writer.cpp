#include "engine/store/writer.h"

#include <future>
#include <system_error>

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

namespace qingling::store {
namespace {

// The result handed over with an exception; never read.
Result<Receipt> placeholder() { return Rejection{Rejection::Kind::Invalid, "not decided"}; }

}  // namespace

StorageFault storage_fault_of(const std::exception_ptr& error) {
  if (!error) return StorageFault::none;
  try {
    std::rethrow_exception(error);
  } catch (const SQLite::Exception& e) {
    switch (e.getErrorCode() & 0xff) {
      case SQLITE_FULL:
        return StorageFault::full;
      case SQLITE_READONLY:
        return StorageFault::read_only;
      case SQLITE_IOERR:
      case SQLITE_CANTOPEN:
        return StorageFault::io;
      default:
        return StorageFault::none;
    }
  } catch (const std::system_error& e) {
    if (e.code() == std::errc::no_space_on_device || e.code() == std::errc::file_too_large) {
      return StorageFault::full;
    }
    if (e.code() == std::errc::read_only_file_system) return StorageFault::read_only;
    if (e.code() == std::errc::io_error) return StorageFault::io;
    return StorageFault::none;
  } catch (...) {
    return StorageFault::none;
  }
}

Writer::Writer(std::unique_ptr<WriteBackend> backend, const Clock& clock,
               std::shared_ptr<const RuleSet> rules, Options options)
    : backend_(std::move(backend)),
      clock_(clock),
      options_(options),
      rules_(std::move(rules)),
      units_(std::make_shared<const UnitTree>(backend_->units())) {
  backend_->collect_written(true);
  thread_ = std::thread([this] { run(); });
}

Writer::~Writer() { stop(); }

void Writer::submit(Command command, Completion done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < options_.max_queue) {
      queue_.push_back({std::move(command), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(std::make_exception_ptr(Overloaded("the writer is busy or stopping; retry shortly")),
       placeholder());
}

void Writer::run_job(std::function<void(WriteBackend&, const WriteContext&)> work) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  submit(Job{std::move(work)}, [done](const std::exception_ptr& failure, const Result<Receipt>&) {
    if (failure) {
      done->set_exception(failure);
    } else {
      done->set_value();
    }
  });
  finished.get();
}

void Writer::set_rules(std::shared_ptr<const RuleSet> rules) {
  std::lock_guard lock(mutex_);
  rules_ = std::move(rules);
}

std::shared_ptr<const RuleSet> Writer::rules() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

std::shared_ptr<const UnitTree> Writer::units() const {
  std::lock_guard lock(mutex_);
  return units_;
}

void Writer::set_units(std::shared_ptr<const UnitTree> units) {
  std::lock_guard lock(mutex_);
  units_ = std::move(units);
}

void Writer::on_escalation_written(std::function<void(Instant)> listener) {
  std::lock_guard lock(mutex_);
  escalation_listener_ = std::move(listener);
}

void Writer::on_issues_written(std::function<void(WriteBackend::Written&&)> listener) {
  std::lock_guard lock(mutex_);
  issues_listener_ = std::move(listener);
}

void Writer::on_batch(std::function<void(const BatchReport&)> listener) {
  std::lock_guard lock(mutex_);
  batch_listener_ = std::move(listener);
}

void Writer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

Writer::Stats Writer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

StorageFault Writer::storage_fault() const {
  std::lock_guard lock(mutex_);
  return storage_fault_;
}

std::size_t Writer::queue_depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void Writer::run() {
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      const std::size_t n = std::min(queue_.size(), options_.max_batch);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
  }
}

void Writer::run_batch(std::deque<Pending>& batch) {
  std::shared_ptr<const RuleSet> rules;
  std::shared_ptr<const UnitTree> units;
  {
    std::lock_guard lock(mutex_);
    rules = rules_;
    units = units_;
  }
  const WriteContext ctx{*rules, *units, clock_.now()};
  std::vector<std::exception_ptr> failures(batch.size());
  std::vector<Result<Receipt>> results(batch.size(), placeholder());
  std::exception_ptr batch_failure;
  BatchReport report{batch.size(), {}, false};
  try {
    backend_->begin();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      backend_->savepoint();
      try {
        results[i] = execute(*backend_, batch[i].command, ctx);
        if (!results[i]) backend_->rollback_to_savepoint();
      } catch (const std::exception&) {
        // One broken command fails alone; the rest of the batch goes on.
        failures[i] = std::current_exception();
        backend_->rollback_to_savepoint();
      }
      backend_->release_savepoint();
    }
    const auto commit_start = std::chrono::steady_clock::now();
    backend_->commit();
    report.commit_time = std::chrono::steady_clock::now() - commit_start;
    report.committed = true;
  } catch (const std::exception&) {
    batch_failure = std::current_exception();
    try {
      backend_->rollback();
    } catch (const std::exception&) {
      // The connection is beyond use for this batch; the next begin() reports it.
    }
  }
  const std::optional<Instant> earliest = backend_->take_earliest_written();
  WriteBackend::Written written = backend_->take_written();
  std::function<void(Instant)> listener;
  std::function<void(WriteBackend::Written &&)> issues_listener;
  std::function<void(const BatchReport&)> batch_listener;
  {
    std::lock_guard lock(mutex_);
    ++stats_.batches;
    stats_.commands += batch.size();
    // A command that failed alone on the storage (a page it could not
    // allocate) counts as much as a failed commit.
    storage_fault_ = storage_fault_of(batch_failure);
    for (std::size_t i = 0; i < batch.size() && storage_fault_ == StorageFault::none; ++i) {
      storage_fault_ = storage_fault_of(failures[i]);
    }
    listener = escalation_listener_;
    issues_listener = issues_listener_;
    batch_listener = batch_listener_;
  }
  if (batch_listener) batch_listener(report);
  if (earliest && listener && !batch_failure) listener(*earliest);
  if (issues_listener && !batch_failure && !written.summaries.empty()) {
    issues_listener(std::move(written));
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::exception_ptr failure = batch_failure ? batch_failure : failures[i];
    batch[i].done(failure, std::move(results[i]));
  }
}

}  // namespace qingling::store
