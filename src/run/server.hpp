// `authctx server`: accepts TCP connections and runs one acceptor handshake per connection.
//
// Connection model. The accepting thread (the gate) accepts every connection at once and
// holds it, without a worker, until its first record has arrived (a silent connection costs
// a file descriptor, never a slot): a connection that has not sent its first record within
// k_first_record_deadline (or --timeout, when shorter) is closed and reported as a timeout,
// and when more than the gate's limit wait, the oldest is dropped. A connection whose first
// record is in goes to a fixed pool of max_connections worker threads started once
// (server_pool.hpp); when all are busy as many more wait, and beyond that a connection is
// refused at once with an ERROR frame of class server_busy. So idle connections cannot lock
// real clients out, and no thread starts per connection. The acceptor credential is
// acquired once, before the first connection, and shared (engine/credentials.hpp).
//
// Every read on a connection is bounded by the timeout and every frame by max_token_size;
// a hostile or broken client only ends its own connection, and every connection accepted
// gets a document. SIGINT/SIGTERM stop accepting, give the connections in flight a grace
// period, then cut them off.
#pragma once
#include <chrono>
#include <functional>
#include <vector>

#include "engine/options.hpp"
#include "net/socket.hpp"
#include "report/sink.hpp"
#include "transport/records.hpp"

namespace authctx::run {

inline constexpr std::chrono::milliseconds k_first_record_deadline{5000};

// Which connections get a document: all, or only the failed ones (--documents failures,
// for load tests: successful connections are then recorded lean, not decoded or described
// unless the client asks for the acceptor's view).
enum class Documents { all, failures };

struct ServerOptions {
  std::vector<net::Endpoint> listen;
  Documents documents = Documents::all;
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
