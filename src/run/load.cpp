#include "run/load.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/credentials.hpp"
#include "engine/session.hpp"
#include "run/document.hpp"
#include "run/load_stats.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

using json::Json;
using SteadyClock = std::chrono::steady_clock;

std::atomic<bool> g_stop_requested{false};
extern "C" void on_load_signal(int) { g_stop_requested.store(true); }

// SIGINT and SIGTERM end a load run early (the summary is still written), for its duration.
class StopSignals {
 public:
  StopSignals() {
    g_stop_requested.store(false);
    struct sigaction sa {};
    sa.sa_handler = on_load_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
    ::signal(SIGPIPE, SIG_IGN);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

double ms_between(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// An error the KDC sent (RFC 4120 §7.5.9: KDC_ERR_* codes 1-30 and 60-100; 31-52 are the
// acceptor's KRB_AP_ERR_*), or no answer at all (KRB5_KDC_UNREACH): either way the
// initiator's first step asked the KDC.
bool kdc_was_asked(const report::ErrorReport& e) {
  if (!e.gss || e.side != report::Side::initiator || e.stage != "init_sec_context") return false;
  constexpr std::int64_t k_base = -1765328384L;  // ERROR_TABLE_BASE_krb5
  const auto minor = static_cast<std::int64_t>(static_cast<std::int32_t>(e.gss->minor()));
  const auto code = minor - k_base;
  return (code >= 1 && code <= 30) || (code >= 60 && code <= 100) || minor == -1765328228L;
}

// What one finished run counts for: its outcome and the time of each phase it went through.
RunResult measure(int run, const report::Document& doc, std::optional<bool> fetched, SteadyClock::time_point ended) {
  RunResult r;
  r.run = run;
  r.total_ms = ms_between(doc.started, ended);
  r.error = doc.error;
  r.established = doc.established && !doc.error;
  for (const auto& m : doc.messages) r.established = r.established && m.ok;
  r.connect_ms = doc.timing.connect_ms;
  r.kdc_known = fetched.has_value();
  r.kdc_request = fetched.value_or(false) || (doc.error && kdc_was_asked(*doc.error));
  if (r.kdc_request && doc.timing.first_initiator_step_ms) r.kdc_ms = doc.timing.first_initiator_step_ms;
  if (r.established && doc.timing.established)
    r.context_ms =
        ms_between(doc.started, *doc.timing.established) - r.connect_ms.value_or(0.0) - r.kdc_ms.value_or(0.0);
  r.messages_ms = doc.timing.messages_ms;
  r.application_ms = doc.timing.application_ms;
  return r;
}

// One handshake of a load run: fills the document through rec; returns the channel (if any)
// so a kept document can describe it.
using Session = std::function<std::unique_ptr<transport::Channel>(
    engine::Recorder& rec, engine::InitiatorCredential& cred, const ChannelWishes& wishes)>;

class Runner {
 public:
  Runner(const LoadOptions& load, std::string command, const engine::InitiatorOptions& init,
         const engine::SessionOptions& session, report::EventSink& sink, Session run_one)
      : load_(load),
        command_(std::move(command)),
        init_(init),
        session_(session),
        sink_(sink),
        run_one_(std::move(run_one)) {}

  LoadOutcome run();

 private:
  void work();
  void one(int run, engine::InitiatorCredential& cred);
  bool next_run(int& run);
  // The progress line on stderr (clear: erase it), and the per-second progress event.
  void draw_line(SteadyClock::time_point started, bool clear);
  void emit_progress(SteadyClock::time_point started);

  const LoadOptions& load_;
  std::string command_;
  const engine::InitiatorOptions& init_;
  const engine::SessionOptions& session_;
  report::EventSink& sink_;
  Session run_one_;
  LoadStats stats_;
  std::atomic<int> next_{1};
  std::atomic<double> slowest_ms_{0};
  std::atomic<bool> time_up_{false};
  std::mutex mutex_;
  std::mutex sink_mutex_;  // run_document, from one worker at a time
  std::condition_variable done_cv_;
  int running_ = 0;
  std::uint64_t last_done_ = 0;
  SteadyClock::time_point last_tick_;
  std::string stopped_by_ = "count";
};

bool Runner::next_run(int& run) {
  if (g_stop_requested.load() || time_up_.load()) return false;
  run = next_.fetch_add(1);
  return load_.count == 0 || run <= load_.count;
}

void Runner::one(int run, engine::InitiatorCredential& cred) {
  cred.prepare();
  report::NullSink quiet;
  auto doc = new_document(command_);
  // The first run is described in full; a later one when it proves the slowest yet.
  engine::Recorder::Keeper keeper = [this](double ms) {
    double best = slowest_ms_.load();
    while (ms > best)
      if (slowest_ms_.compare_exchange_weak(best, ms)) return true;
    return false;
  };
  const bool first = run == 1;
  // A sink that judges every run (--expect, --junit) needs every run described.
  const bool every = sink_.wants_run_documents();
  engine::Recorder rec(doc, quiet, session_, first || every ? engine::Detail::full : engine::Detail::lean,
                       first ? engine::Recorder::Keeper{} : keeper);
  auto channel = run_one_(rec, cred, ChannelWishes{first});
  const auto ended = SteadyClock::now();

  const RunResult r = measure(run, doc, cred.fetched_ticket(), ended);
  if (first)
    slowest_ms_.store(std::max(slowest_ms_.load(), ms_between(doc.started, doc.timing.established.value_or(ended))));

  const bool keep_failure = stats_.add(r);
  if (first || rec.detailed() || keep_failure) {
    auto j = finish_document(rec, channel.get());
    j["run"] = run;
    if (every) {
      const std::lock_guard lock(sink_mutex_);
      sink_.run_document(run, doc);
    }
    if (keep_failure) stats_.keep_failure(r.error ? r.error->cls : "not_established", j);
    if (first)
      stats_.keep_first(std::move(j));
    else if (rec.detailed() && r.established)
      stats_.keep_slow(run, r.total_ms, std::move(j));
  }
}

void Runner::work() {
  try {
    engine::InitiatorCredential cred(init_, load_.fresh_tickets);
    int run = 0;
    while (next_run(run)) one(run, cred);
  } catch (...) {
    // Set-up errors surface in the runs themselves (each makes its own credential); an
    // error here ends only this thread.
  }
  std::lock_guard lock(mutex_);
  --running_;
  done_cv_.notify_all();
}

void Runner::draw_line(SteadyClock::time_point started, bool clear) {
  if (clear) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    return;
  }
  const double elapsed_s = ms_between(started, SteadyClock::now()) / 1000.0;
  const auto done = stats_.done();
  const auto failures = stats_.failure_text();
  std::fprintf(stderr, "\r\033[Kauthctx: %llu handshakes  %.0f/s  %llu failed%s%s%s  %.1f s",
               static_cast<unsigned long long>(done), elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0.0,
               static_cast<unsigned long long>(stats_.failed()), failures.empty() ? "" : " (", failures.c_str(),
               failures.empty() ? "" : ")", elapsed_s);
  std::fflush(stderr);
}

void Runner::emit_progress(SteadyClock::time_point started) {
  const auto now = SteadyClock::now();
  const auto done = stats_.done();
  const double interval_s = ms_between(last_tick_, now) / 1000.0;
  const double rate = interval_s > 0 ? static_cast<double>(done - last_done_) / interval_s : 0;
  sink_.event("progress", Json{{"elapsed_s", std::round(ms_between(started, now)) / 1000.0},
                               {"runs", done},
                               {"established", stats_.established()},
                               {"failed", stats_.failed()},
                               {"handshakes_per_second", std::round(rate * 10.0) / 10.0},
                               {"kdc_requests", stats_.kdc_requests()}});
  last_done_ = done;
  last_tick_ = now;
}

LoadOutcome Runner::run() {
  const StopSignals signals;
  const int threads =
      load_.count > 0 ? std::max(1, std::min(load_.concurrency, load_.count)) : std::max(1, load_.concurrency);
  const auto started = SteadyClock::now();
  last_tick_ = started;
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(threads));
  running_ = threads;
  for (int i = 0; i < threads; ++i) workers.emplace_back([this] { work(); });
  // The main thread only waits: for the workers, the duration's end, and the progress ticks
  // that are on.
  constexpr auto k_never = SteadyClock::time_point::max();
  auto next_line = load_.progress_line ? started + std::chrono::milliseconds(250) : k_never;
  auto next_event = load_.progress_events ? started + std::chrono::seconds(1) : k_never;
  const auto end = load_.duration ? started + *load_.duration : k_never;
  {
    std::unique_lock lock(mutex_);
    while (running_ > 0) {
      auto wake = std::min({next_line, next_event, time_up_.load() ? k_never : end});
      // Signals are polled: a handler cannot notify a condition variable.
      wake = std::min(wake, SteadyClock::now() + std::chrono::milliseconds(100));
      done_cv_.wait_until(lock, wake, [&] { return running_ == 0; });
      if (running_ == 0) break;
      const auto now = SteadyClock::now();
      if (now >= end && !time_up_.load()) {
        time_up_.store(true);
        stopped_by_ = "duration";
      }
      if (g_stop_requested.load()) stopped_by_ = "signal";
      lock.unlock();
      if (now >= next_line) {
        draw_line(started, false);
        next_line = now + std::chrono::milliseconds(250);
      }
      if (now >= next_event) {
        emit_progress(started);
        next_event += std::chrono::seconds(1);
      }
      lock.lock();
    }
  }
  for (auto& w : workers) w.join();
  const double elapsed_ms = ms_between(started, SteadyClock::now());
  if (g_stop_requested.load()) stopped_by_ = "signal";
  if (load_.progress_line) draw_line(started, true);

  LoadStats::SummaryInput in;
  in.command = command_;
  in.requested_mech = report::mech_json(init_.mech);
  in.concurrency = threads;
  in.fresh_tickets = load_.fresh_tickets;
  if (load_.duration) in.duration_s = std::chrono::duration<double>(*load_.duration).count();
  in.elapsed_ms = elapsed_ms;
  in.stopped_by = stopped_by_;
  const auto doc = stats_.summary(in);
  sink_.document(doc);
  LoadOutcome out;
  out.all_established = doc.value("established", false);
  out.first_error = stats_.first_error();
  return out;
}
}  // namespace

LoadOutcome run_load_client(const LoadOptions& load, const ChannelFactory& connect,
                            const engine::InitiatorOptions& init, const engine::SessionOptions& session,
                            report::EventSink& sink) {
  Runner runner(load, "client", init, session, sink,
                [&](engine::Recorder& rec, engine::InitiatorCredential& cred,
                    const ChannelWishes& wishes) -> std::unique_ptr<transport::Channel> {
                  auto& doc = rec.doc();
                  doc.requested_mech = init.mech;
                  doc.target = init.target;
                  std::unique_ptr<transport::Channel> channel;
                  try {
                    channel = connect(doc, wishes);
                  } catch (const util::Error& e) {
                    if (e.kind() != util::ErrorKind::transport) throw;
                    rec.error(report::error_report(e));
                    return nullptr;
                  }
                  engine::run_client(rec, init, *channel, &cred);
                  return channel;
                });
  return runner.run();
}

LoadOutcome run_load_local(const LoadOptions& load, const engine::InitiatorOptions& init,
                           const engine::AcceptorOptions& acc, const engine::SessionOptions& session,
                           report::EventSink& sink) {
  // The acceptor credential, once for every run (and every thread: MIT locks it).
  std::shared_ptr<const engine::AcceptorCredential> acceptor;
  try {
    acceptor = std::make_shared<engine::AcceptorCredential>(acc, true);
  } catch (const gss::GssError&) {
    // Each run acquires its own and reports why it cannot.
  }
  Runner runner(load, "local", init, session, sink,
                [&](engine::Recorder& rec, engine::InitiatorCredential& cred,
                    const ChannelWishes&) -> std::unique_ptr<transport::Channel> {
                  engine::run_local(rec, init, acc, engine::SharedCredentials{&cred, acceptor});
                  return nullptr;
                });
  return runner.run();
}

}  // namespace authctx::run
