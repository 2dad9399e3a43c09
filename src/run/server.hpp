// `authctx server`: accepts TCP connections and runs one acceptor handshake per connection,
// each on its own thread, at most max_connections at once (the rest wait in the listen
// backlog). Every read on a connection is bounded by the timeout and every frame by
// max_token_size; a hostile or broken client only ends its own connection. SIGINT/SIGTERM
// stop accepting, give in-flight connections a grace period, then close them.
#pragma once
#include <chrono>
#include <functional>
#include <vector>

#include "engine/options.hpp"
#include "net/socket.hpp"
#include "report/sink.hpp"
#include "transport/records.hpp"

namespace authctx::run {

struct ServerOptions {
  std::vector<net::Endpoint> listen;
  transport::Framing framing = transport::Framing::authctx;
  bool once = false;
  int max_connections = 16;
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds grace{5000};
  std::size_t max_token_size = 1U << 20U;
};

struct ServerOutcome {
  int connections = 0;
  int established = 0;
  bool stopped_by_signal = false;
  std::optional<report::ErrorReport> last_error;  // with --once: the one connection's error
};

// Called once the listeners are bound, with the addresses actually listened on.
using ListeningCallback = std::function<void(const std::vector<net::Endpoint>&)>;

// Each connection's document goes to sink.document() and its events to sink.event(),
// serialised by the server (sinks need not be thread-safe). session.report: send the
// acceptor's context view to the client.
ServerOutcome run_server(const ServerOptions& server, const engine::AcceptorOptions& acceptor,
                         const engine::SessionOptions& session, report::EventSink& sink,
                         const ListeningCallback& on_listening);

}  // namespace authctx::run
