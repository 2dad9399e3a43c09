// `authctx client`: connects, runs one handshake per connection (--count N of them, one
// after the other), and reports one document, or for N > 1 one summary document with
// min/median/p95/max milliseconds and the first failed run's error.
#pragma once
#include <chrono>

#include "engine/options.hpp"
#include "net/socket.hpp"
#include "report/sink.hpp"
#include "transport/records.hpp"

namespace authctx::run {

struct ClientOptions {
  net::Endpoint endpoint;
  transport::Framing framing = transport::Framing::authctx;
  int count = 1;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_token_size = 1U << 20U;
};

struct ClientOutcome {
  bool all_established = false;
  std::optional<report::ErrorReport> first_error;  // of the first failed run
};

ClientOutcome run_client(const ClientOptions& client, const engine::InitiatorOptions& init,
                         const engine::SessionOptions& session, report::EventSink& sink);

// Nearest-rank percentile of a sorted sample (p in 0..100).
double percentile(const std::vector<double>& sorted, double p);

}  // namespace authctx::run
