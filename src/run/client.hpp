// `authctx client`: connects, runs one handshake per connection (--count N of them, one
// after the other), and reports one document, or for N > 1 one summary document with
// min/median/p95/max milliseconds and the first failed run's error.
#pragma once
#include <chrono>

#include "transport/records.hpp"
#include "net/socket.hpp"
#include "engine/options.hpp"
#include "report/sink.hpp"

namespace authctx::core {

struct ClientOptions {
  Endpoint endpoint;
  Framing framing = Framing::authctx;
  int count = 1;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_token_size = 1u << 20;
};

struct ClientOutcome {
  bool all_established = false;
  std::optional<ErrorReport> first_error;  // of the first failed run
};

ClientOutcome run_client(const ClientOptions& client, const InitiatorOptions& init, const SessionOptions& session,
                         EventSink& sink);

// Nearest-rank percentile of a sorted sample (p in 0..100).
double percentile(const std::vector<double>& sorted, double p);

}  // namespace authctx::core
