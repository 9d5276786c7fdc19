#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "engine/core/rule_set.h"
#include "engine/core/time.h"
#include "engine/core/unit_tree.h"
#include "engine/store/commands.h"
#include "engine/store/store.h"

namespace qingling::store {

// The queue is full or the writer has stopped: try again later (503).
class Overloaded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the storage under the database did when a transaction failed.
enum class StorageFault {
  none,
  full,       // the disk is full (SQLITE_FULL, ENOSPC)
  read_only,  // the file or its file system cannot be written (SQLITE_READONLY, EROFS)
  io,         // the disk failed to read or write (SQLITE_IOERR, EIO)
};

// The fault behind `error`, when the storage is to blame; none otherwise.
StorageFault storage_fault_of(const std::exception_ptr& error);

// The single writer: one thread owns the write connection and applies
// commands in batches, one IMMEDIATE transaction per batch and a savepoint
// per command (group commit). Nobody hears "done" before the batch is
// durable; a failed commit fails every command in it.
class Writer {
 public:
  // Called on the writer thread once the outcome is durable (or failed): an
  // exception for broken infrastructure, else the command's result. Must not
  // block; hand the result to another executor.
  using Completion = std::function<void(std::exception_ptr, Result<Receipt>)>;

  struct Options {
    std::size_t max_queue = 20000;  // commands waiting; beyond it submit fails with Overloaded
    std::size_t max_batch = 1024;   // commands per transaction
  };

  struct Stats {
    std::uint64_t batches = 0;
    std::uint64_t commands = 0;
  };

  // One transaction as it ended, for monitoring.
  struct BatchReport {
    std::size_t commands = 0;
    std::chrono::nanoseconds commit_time{};  // the COMMIT alone (its fsyncs), on a steady clock
    bool committed = false;                  // false: rolled back, every command failed
  };

  // `clock` must outlive the writer. Loads the unit tree from the backend.
  Writer(std::unique_ptr<WriteBackend> backend, const Clock& clock,
         std::shared_ptr<const RuleSet> rules, Options options);
  Writer(std::unique_ptr<WriteBackend> backend, const Clock& clock,
         std::shared_ptr<const RuleSet> rules)
      : Writer(std::move(backend), clock, std::move(rules), Options{}) {}
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Thread-safe.
  void submit(Command command, Completion done);

  // Runs `work` in a batch's transaction and returns once it is durable;
  // rethrows what it or the commit threw. Not from the writer thread.
  void run_job(std::function<void(WriteBackend&, const WriteContext&)> work);

  // Commands decided after this call use `rules`. Decided deadlines stay as
  // they were: re-planning is an explicit action.
  void set_rules(std::shared_ptr<const RuleSet> rules);
  std::shared_ptr<const RuleSet> rules() const;
  std::shared_ptr<const UnitTree> units() const;
  // Commands decided after this call use `units` (after a unit import).
  void set_units(std::shared_ptr<const UnitTree> units);

  // Called on the writer thread after a commit that wrote an escalation
  // time, with the earliest one written (the scheduler wakes for it). Set
  // before submitting anything; must not block.
  void on_escalation_written(std::function<void(Instant)> listener);
  // Called on the writer thread after each commit that wrote problems, with
  // what it made durable (the battle map's index follows it). Set before
  // submitting anything; must not block for long.
  void on_issues_written(std::function<void(WriteBackend::Written&&)> listener);

  // Called on the writer thread after each transaction, committed or not.
  // Set before submitting anything; must not block.
  void on_batch(std::function<void(const BatchReport&)> listener);

  // Finishes every queued command, then stops the thread. Idempotent.
  void stop();
  Stats stats() const;
  // Commands waiting for the writer thread (not the batch it is running).
  std::size_t queue_depth() const;
  // The storage's fault when the last transaction, or a command in it,
  // failed on the storage; none after one that did not. Thread-safe.
  StorageFault storage_fault() const;

 private:
  struct Pending {
    Command command;
    Completion done;
  };
  void run();
  void run_batch(std::deque<Pending>& batch);

  std::unique_ptr<WriteBackend> backend_;  // writer thread only
  const Clock& clock_;
  Options options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::shared_ptr<const RuleSet> rules_;
  std::shared_ptr<const UnitTree> units_;
  Stats stats_;
  StorageFault storage_fault_ = StorageFault::none;
  std::function<void(Instant)> escalation_listener_;
  std::function<void(WriteBackend::Written&&)> issues_listener_;
  std::function<void(const BatchReport&)> batch_listener_;
  std::thread thread_;
};

}  // namespace qingling::store
