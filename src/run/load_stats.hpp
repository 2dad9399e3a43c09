// What a load run (load.hpp) counts, internal to src/run: latencies per phase, outcomes by
// class with the first error and document of each, the kept documents (first, slowest),
// KDC requests, and the summary document built from them.
//
// Latencies are kept in a histogram of 1 % wide buckets (from 0.1 µs up), so memory stays
// flat however long a run lasts: count, mean, min and max are exact, percentiles are the
// nearest rank's bucket, exact to within 1 % and clamped to [min, max].
#pragma once
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "json/json.hpp"
#include "report/error.hpp"

namespace authctx::run {

class Latencies {
 public:
  void add(double ms);
  std::uint64_t count() const { return count_; }
  double percentile(double p) const;  // p in 0..100
  json::Json to_json() const;         // {count, mean_ms, min_ms, p50_ms, p95_ms, p99_ms, max_ms}

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  double sum_ = 0;
  double min_ = 0;
  double max_ = 0;
};

// One handshake's result, as the load runner measured it.
struct RunResult {
  int run = 0;
  bool established = false;
  double total_ms = 0;
  std::optional<double> connect_ms;
  std::optional<double> kdc_ms;  // the first initiator step, when it asked the KDC
  std::optional<double> context_ms;
  std::optional<double> messages_ms;
  std::optional<double> application_ms;
  bool kdc_request = false;  // this handshake asked the KDC (a ticket stored, or a KDC error)
  bool kdc_known = true;     // whether that could be told
  std::optional<report::ErrorReport> error;
};

// NOLINTNEXTLINE(bugprone-exception-escape): the implicit move of json::Json members (as transport::Frame)
class LoadStats {
 public:
  // Counts a run. Returns true when the run's document should be kept: the first failure of
  // its class (the caller then calls keep_failure).
  bool add(const RunResult& r);
  void keep_failure(const std::string& cls, json::Json document);
  void keep_first(json::Json document);
  // A run described because it was the slowest so far (its elapsed ms at establishment).
  void keep_slow(int run, double ms, json::Json document);

  // Progress: handshakes done, established, failed, KDC requests.
  std::uint64_t done() const { return done_.load(); }
  std::uint64_t established() const { return established_.load(); }
  std::uint64_t failed() const { return done_.load() - established_.load(); }
  std::uint64_t kdc_requests() const { return kdc_.load(); }
  // The classes failed so far and their counts, most frequent first ("keytab_kvno_mismatch 3").
  std::string failure_text() const;

  struct SummaryInput {  // NOLINT(bugprone-exception-escape): as LoadStats
    std::string command;
    json::Json requested_mech;
    int concurrency = 1;
    bool fresh_tickets = false;
    std::optional<double> duration_s;
    double elapsed_ms = 0;
    std::string stopped_by;
  };
  // The summary document (man authctx(1), LOAD): the contract's keys (established,
  // summary with counts and min/median/p95/max, first_failure, error) and the rest.
  json::Json summary(const SummaryInput& in) const;
  std::optional<report::ErrorReport> first_error() const;

 private:
  struct Failure {  // NOLINT(bugprone-exception-escape): as LoadStats
    std::uint64_t count = 0;
    int first_run = 0;
    report::ErrorReport error;
    json::Json document;
  };

  mutable std::mutex mutex_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::uint64_t> established_{0};
  std::atomic<std::uint64_t> kdc_{0};
  bool kdc_unknown_ = false;
  Latencies total_, connect_, kdc_ms_, context_, messages_, application_;
  std::map<std::string, Failure> failures_;
  std::optional<int> first_failed_run_;
  std::string first_failed_class_;
  json::Json mech_;
  json::Json first_;
  int slowest_run_ = 0;
  double slowest_ms_ = -1;
  json::Json slowest_;
};

}  // namespace authctx::run
