// `authctx client` over TCP: connects and runs one handshake, reporting its document; or,
// with load options (--count N > 1, --concurrency, --duration, --fresh-tickets), a load run
// (load.hpp) over a connection per handshake, reported as one summary document.
#pragma once
#include <chrono>

#include "engine/options.hpp"
#include "net/socket.hpp"
#include "report/sink.hpp"
#include "run/load.hpp"
#include "transport/records.hpp"

namespace authctx::run {

struct ClientOptions {
  net::Endpoint endpoint;
  transport::Framing framing = transport::Framing::authctx;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_token_size = 1U << 20U;
  std::optional<LoadOptions> load;  // set: a load run
};

struct ClientOutcome {
  bool all_established = false;
  std::optional<report::ErrorReport> first_error;  // of the first failed run
};

ClientOutcome run_client(const ClientOptions& client, const engine::InitiatorOptions& init,
                         const engine::SessionOptions& session, report::EventSink& sink);

// A connection per call: the channel factory for load runs over TCP (lazy: connecting when
// first used). client must outlive the factory.
ChannelFactory tcp_channel_factory(const ClientOptions& client, int messages, bool lazy);

}  // namespace authctx::run
