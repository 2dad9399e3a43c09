// Handshakes across a connection, one side each. The drivers read like the protocol:
//   client: init -> send -> receive -> init ... until the initiator completes, then the
//           acceptor's verdict, per-message checks, and the acceptor's report
//   server: receive -> accept -> send ... until the acceptor completes, then its report
//           and per-message checks
// A failing step still sends its token. Transport failures (timeouts, closed connections,
// malformed frames) end the session with a transport error in the document.
#pragma once
#include "transport/channel.hpp"
#include "report/document.hpp"
#include "engine/options.hpp"
#include "report/sink.hpp"

namespace authctx::core {

struct ServerSessionOptions {
  bool report = true;  // send the acceptor's CONTEXT view to the client
};

// Runs one client handshake over channel; doc.command and doc.peer are set by the caller.
void run_client_session(const InitiatorOptions& init, ClientChannel& channel, const SessionOptions& session,
                        EventSink& sink, Document& doc);

void run_server_session(const AcceptorOptions& acc, ServerChannel& channel, const SessionOptions& session,
                        const ServerSessionOptions& server, EventSink& sink, Document& doc);

}  // namespace authctx::core
