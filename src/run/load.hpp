// Load runs: many handshakes, one after another or several at once, summarised in one
// document (`client --count N --concurrency C --duration S --fresh-tickets`, `local
// --count N`). The runner is transport-agnostic: a client run takes a ChannelFactory, so
// any transport (TCP, HTTP: run/http_client.hpp, LDAP: run/ldap_client.hpp) gets the same
// options for free.
//
// Each of C threads runs handshakes until N have started, the duration is over, or SIGINT
// or SIGTERM arrives (the runs in flight finish and the summary is still written). Each
// thread loads its credentials once (engine::InitiatorCredential: a MEMORY copy of the
// ccache) and the acceptor credential is acquired once (`local`). Runs are recorded lean
// (engine/recorder.hpp): only the first run, a run slower than all before it, and the first
// failure of each failure class are decoded and described; the others cost their
// handshake and a few counters; unless the sink judges every run (--expect, --junit:
// EventSink::wants_run_documents), which then gets each run's full document.
//
// Phases per run: connect (the connection: TCP, and over a URL its TLS handshake and HTTP's
// first 401 or LDAP's StartTLS), kdc (the initiator's first step, when it asked the KDC for
// a ticket: a new ticket stored in the thread's cache, or an error from the KDC), context
// (the run's start to the established context, connection and KDC exchange excluded;
// established runs), messages (the per-message round trips), application (a transport's own
// phase after the context: LDAP's security layer, root DSE search and WhoAmI), total (the
// whole run).
// Progress: a line on stderr redrawn 4 times a second (progress_line, for a terminal) and a
// "progress" event per second (progress_events, for JSON Lines).
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "engine/options.hpp"
#include "report/sink.hpp"
#include "transport/channel.hpp"

namespace authctx::run {

struct LoadOptions {
  int count = 1;  // handshakes to start; 0: no limit (then a duration ends the run)
  int concurrency = 1;
  std::optional<std::chrono::milliseconds> duration;
  bool fresh_tickets = false;
  bool progress_line = false;
  bool progress_events = false;
};

// What a load run asks of one handshake's channel: the acceptor's own context view is asked
// for in the first run only (its document shows it; the server then skips describing the
// context for the others).
struct ChannelWishes {
  bool acceptor_report = true;
};

// Makes the channel for one handshake (a client's connection). It may connect at once or
// when the channel is first used (a load run: the initiator's first token is made before the
// connection, which then lives only as long as the exchange); either way it names the peer in
// doc.peer and sets doc.timing.connect_ms, and a failure to connect is a util::Error of kind
// transport (from the factory, or from the channel's first send).
using ChannelFactory =
    std::function<std::unique_ptr<transport::Channel>(report::Document& doc, const ChannelWishes& wishes)>;

struct LoadOutcome {
  bool all_established = false;
  std::optional<report::ErrorReport> first_error;  // of the first failed run
};

LoadOutcome run_load_client(const LoadOptions& load, const ChannelFactory& connect,
                            const engine::InitiatorOptions& init, const engine::SessionOptions& session,
                            report::EventSink& sink);

LoadOutcome run_load_local(const LoadOptions& load, const engine::InitiatorOptions& init,
                           const engine::AcceptorOptions& acc, const engine::SessionOptions& session,
                           report::EventSink& sink);

}  // namespace authctx::run
