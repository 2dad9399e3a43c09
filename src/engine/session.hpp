// The three drivers, each the protocol in a screenful: make the local parties, run the one
// handshake loop (handshake.hpp), then what follows an establishment.
//   local   both parties here: the loop, both views, the authctx per-message plan in
//           process, the review
//   client  a local initiator over a channel: open it, the loop, our view and the review,
//           the acceptor's report, the transport's own phase, the channel's per-message plan
//   server  a local acceptor over a channel: open it, the loop, our view and the review, the
//           acceptance (final token and our report), the transport's own phase, the plan
// Credential failures become the document's error; transport failures (util::Error of kind
// transport) end the session with a transport error in the document; other errors (set-up:
// an unreadable keytab) propagate. The drive_* functions take parties and an open channel,
// so tests drive the same code with fake ones; run_* make the real parties from options and
// open the channel (a server before it acquires credentials, a client after), or use
// credentials acquired once for many sessions (credentials.hpp: a server's connections, a
// load run's handshakes).
#pragma once
#include "engine/established.hpp"
#include "engine/options.hpp"
#include "engine/party.hpp"
#include "engine/recorder.hpp"
#include "transport/channel.hpp"

namespace authctx::engine {

// What lets the document look inside the tickets an acceptor with these options receives
// (its keytab and expected bindings: report/ticket_view.hpp); the run_* functions and
// replay put it in the document.
report::AcceptorKeys acceptor_keys(const AcceptorOptions& acc);

// Credentials acquired once; null: each party acquires its own.
struct SharedCredentials {
  const InitiatorCredential* initiator = nullptr;
  std::shared_ptr<const AcceptorCredential> acceptor;
};

void run_local(Recorder& rec, const InitiatorOptions& init, const AcceptorOptions& acc,
               const SharedCredentials& shared = {});
void run_client(Recorder& rec, const InitiatorOptions& init, transport::Channel& channel,
                const InitiatorCredential* shared = nullptr);
void run_server(Recorder& rec, const AcceptorOptions& acc, transport::Channel& channel,
                std::shared_ptr<const AcceptorCredential> shared = nullptr);

void drive_local(Recorder& rec, Party& initiator, Party& acceptor, const Review& asked = {});
void drive_client(Recorder& rec, Party& initiator, transport::Channel& channel, const Review& asked = {});
void drive_server(Recorder& rec, Party& acceptor, transport::Channel& channel, const Review& asked = {});

}  // namespace authctx::engine
