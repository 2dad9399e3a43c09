// The Kerberos library's own trace (KRB5_TRACE) captured as events. The GSS mechanism makes
// its own krb5 contexts, each reading KRB5_TRACE from the environment, so a per-context
// callback cannot reach them: instead KRB5_TRACE names the write end of a pipe
// (/dev/fd/N) before the first GSS call, and a reader thread collects the lines. To know
// which lines a step wrote, collect() writes a marker line into the same pipe and waits
// (bounded) until the reader has seen it: pipe writes under PIPE_BUF are atomic and
// ordered, so every line before the marker belongs to what ran before. A user's own
// KRB5_TRACE file still receives every line.
#pragma once
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "util/process.hpp"

namespace authctx::engine {

class TraceCapture {
 public:
  // Installs the capture for this process (call before any GSS-API call). Idempotent.
  static TraceCapture& start();
  // The running capture, or nullptr when --trace was not given.
  static TraceCapture* active();

  // Lines written since the last collect(), without the "[pid] time: " prefix.
  std::vector<std::string> collect();

  TraceCapture(const TraceCapture&) = delete;
  TraceCapture& operator=(const TraceCapture&) = delete;
  ~TraceCapture();

 private:
  TraceCapture();
  void reader_loop();

  util::Fd read_fd_;
  util::Fd write_fd_;
  util::Fd forward_fd_;  // the user's own KRB5_TRACE file
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> lines_;
  unsigned long marks_seen_ = 0;
  unsigned long marks_sent_ = 0;
  bool closed_ = false;
};

}  // namespace authctx::engine
