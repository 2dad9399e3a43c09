#include "run/load_stats.hpp"

#include <algorithm>
#include <cmath>

namespace authctx::run {
namespace {

using json::Json;

// Bucket i holds values in [0.1 µs × 1.01^i, 0.1 µs × 1.01^(i+1)): 1 % wide.
constexpr double k_base_ms = 1e-4;
const double k_log_step = std::log1p(0.01);

std::size_t bucket_of(double ms) {
  if (ms <= k_base_ms) return 0;
  return static_cast<std::size_t>(std::log(ms / k_base_ms) / k_log_step);
}

double bucket_value(std::size_t i) {  // the bucket's middle
  return k_base_ms * std::exp((static_cast<double>(i) + 0.5) * k_log_step);
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }
}  // namespace

void Latencies::add(double ms) {
  ms = std::max(ms, 0.0);
  const auto b = bucket_of(ms);
  if (b >= buckets_.size()) buckets_.resize(b + 1, 0);
  ++buckets_[b];
  if (count_ == 0 || ms < min_) min_ = ms;
  if (count_ == 0 || ms > max_) max_ = ms;
  ++count_;
  sum_ += ms;
}

double Latencies::percentile(double p) const {
  if (count_ == 0) return 0;
  // Nearest rank: the smallest value with at least p % of the sample at or below it.
  const auto rank =
      std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::clamp(bucket_value(i), min_, max_);
  }
  return max_;
}

Json Latencies::to_json() const {
  if (count_ == 0) return nullptr;
  return Json{{"count", count_},
              {"mean_ms", round3(sum_ / static_cast<double>(count_))},
              {"min_ms", round3(min_)},
              {"p50_ms", round3(percentile(50))},
              {"p95_ms", round3(percentile(95))},
              {"p99_ms", round3(percentile(99))},
              {"max_ms", round3(max_)}};
}

bool LoadStats::add(const RunResult& r) {
  std::lock_guard lock(mutex_);
  total_.add(r.total_ms);
  if (r.connect_ms) connect_.add(*r.connect_ms);
  if (r.kdc_ms) kdc_ms_.add(*r.kdc_ms);
  if (r.context_ms) context_.add(*r.context_ms);
  if (r.messages_ms) messages_.add(*r.messages_ms);
  if (r.application_ms) application_.add(*r.application_ms);
  if (!r.kdc_known) kdc_unknown_ = true;
  if (r.kdc_request) ++kdc_;
  if (r.established) ++established_;
  ++done_;
  if (r.established) return false;
  const std::string cls = r.error ? r.error->cls : "not_established";
  auto& f = failures_[cls];
  if (!first_failed_run_ || r.run < *first_failed_run_) {
    first_failed_run_ = r.run;
    first_failed_class_ = cls;
  }
  const bool first_of_class = f.count == 0 || r.run < f.first_run;
  ++f.count;
  if (first_of_class) {
    f.first_run = r.run;
    if (r.error) f.error = *r.error;
  }
  return first_of_class;
}

void LoadStats::keep_failure(const std::string& cls, Json document) {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(cls);
  if (it != failures_.end()) it->second.document = std::move(document);
}

void LoadStats::keep_first(Json document) {
  std::lock_guard lock(mutex_);
  if (mech_.is_null() && document.contains("mech")) mech_ = document["mech"];
  first_ = std::move(document);
}

void LoadStats::keep_slow(int run, double ms, Json document) {
  std::lock_guard lock(mutex_);
  if (ms <= slowest_ms_) return;
  slowest_ms_ = ms;
  slowest_run_ = run;
  if (mech_.is_null() && document.contains("mech")) mech_ = document["mech"];
  slowest_ = std::move(document);
}

std::string LoadStats::failure_text() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::uint64_t, std::string>> v;
  for (const auto& [cls, f] : failures_) v.emplace_back(f.count, cls);
  std::sort(v.rbegin(), v.rend());
  std::string out;
  for (const auto& [n, cls] : v) out += (out.empty() ? "" : ", ") + cls + " " + std::to_string(n);
  return out;
}

std::optional<report::ErrorReport> LoadStats::first_error() const {
  std::lock_guard lock(mutex_);
  if (!first_failed_run_) return std::nullopt;
  return failures_.at(first_failed_class_).error;
}

Json LoadStats::summary(const SummaryInput& in) const {
  std::lock_guard lock(mutex_);
  const auto runs = done_.load();
  const auto ok = established_.load();
  Json doc;
  doc["schema"] = "authctx/1";
  doc["command"] = in.command;
  doc["established"] = runs > 0 && ok == runs;
  doc["mech"] = mech_;
  doc["requested_mech"] = in.requested_mech;
  Json s;
  s["runs"] = runs;
  s["established"] = ok;
  s["failed"] = runs - ok;
  // The contract's figures are the whole handshake's, over every run.
  s["min_ms"] = total_.count() ? total_.to_json()["min_ms"] : Json(nullptr);
  s["median_ms"] = round3(total_.percentile(50));
  s["p95_ms"] = round3(total_.percentile(95));
  s["max_ms"] = total_.count() ? total_.to_json()["max_ms"] : Json(nullptr);
  s["total_ms"] = round3(in.elapsed_ms);
  s["handshakes_per_second"] = in.elapsed_ms > 0 ? round3(static_cast<double>(runs) * 1000.0 / in.elapsed_ms) : 0.0;
  s["p50_ms"] = round3(total_.percentile(50));
  s["p99_ms"] = round3(total_.percentile(99));
  s["concurrency"] = in.concurrency;
  s["duration_s"] = in.duration_s ? Json(*in.duration_s) : Json(nullptr);
  s["stopped_by"] = in.stopped_by;
  s["fresh_tickets"] = in.fresh_tickets;
  s["kdc_requests"] = kdc_unknown_ ? Json(nullptr) : Json(kdc_.load());
  s["phases"] =
      Json{{"total", total_.to_json()},     {"connect", connect_.to_json()},   {"kdc", kdc_ms_.to_json()},
           {"context", context_.to_json()}, {"messages", messages_.to_json()}, {"application", application_.to_json()}};
  doc["summary"] = s;
  Json outcomes = Json::object();
  if (ok > 0) outcomes["established"] = ok;
  std::vector<const std::pair<const std::string, Failure>*> order;
  for (const auto& entry : failures_) order.push_back(&entry);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->second.count > b->second.count; });
  auto failures = Json::array();
  for (const auto* entry : order) {
    const auto& [cls, f] = *entry;
    outcomes[cls] = f.count;
    failures.push_back(Json{{"class", cls},
                            {"count", f.count},
                            {"first_run", f.first_run},
                            {"error", report::error_json(f.error)},
                            {"document", f.document}});
  }
  doc["outcomes"] = outcomes;
  doc["failures"] = failures;
  doc["runs"] =
      Json{{"first", first_.is_null() ? Json(nullptr) : Json{{"run", 1}, {"document", first_}}},
           {"slowest", slowest_.is_null() ? Json(nullptr) : Json{{"run", slowest_run_}, {"document", slowest_}}}};
  if (first_failed_run_) {
    const auto& f = failures_.at(first_failed_class_);
    doc["first_failure"] = Json{{"run", *first_failed_run_}, {"error", report::error_json(f.error)}};
    doc["error"] = report::error_json(f.error);
  } else {
    doc["first_failure"] = nullptr;
    doc["error"] = nullptr;
  }
  return doc;
}

}  // namespace authctx::run
