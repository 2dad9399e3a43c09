// Handshakes through a folder (`client --files DIR`, `server --files DIR`): the authctx
// framing (channel_authctx.cpp) with every frame stored as one file, so a client's document
// is as complete as over TCP: the acceptor's error, its CONTEXT report, per-message round
// trips and the acceptor's results all travel. A pump thread moves frames between a
// socketpair, on which the ordinary authctx channel runs unchanged, and the folder.
//
// Names: SESSION-NNN-DIRECTION.KIND, for example
//   5f0c9a27d3e1b804-000-initiator-to-acceptor.hello.json   the client opens the session
//   5f0c9a27d3e1b804-000-acceptor-to-initiator.hello.json   a server adopted it
//   5f0c9a27d3e1b804-001-initiator-to-acceptor.token        leg 1
//   5f0c9a27d3e1b804-002-acceptor-to-initiator.token        leg 2
//   5f0c9a27d3e1b804-003-acceptor-to-initiator.accepted.json
// KIND is hello.json, token, accepted.json, error.json, wrap, mic, bye or results.json; the
// file holds the frame's payload (a token file is the raw token: `authctx decode` reads it).
// The framing is half-duplex, so one counter numbers every frame after the hellos in the
// order of the exchange; while tokens flow, NNN is the leg number.
//
// Contract:
// - Writing: a hidden temporary name in DIR, mode 0600, then link() to the final name, which
//   is atomic and never replaces a file (also on NFS), then the temporary name goes.
// - Reading: the reader claims a file by renaming it to a hidden name of its own, reads it
//   and removes it, so each file is consumed exactly once even with several readers.
// - Waiting: inotify wakes a reader at once for writers on this machine; a rescan with
//   backoff (10 ms doubling to 1 s) finds files written by another machine on a shared
//   mount, where inotify sees nothing. No locks. Every wait is bounded by --timeout.
// - Sessions: the client draws a random session id and writes its hello (which states its
//   timeout). A server adopts the newest hello that no server has claimed and that is
//   younger than its own stated timeout; claiming is the rename above, so two servers never
//   adopt the same hello. Files of other sessions and unknown files are reported as
//   warnings (files_other_session, files_unknown) and never read or removed.
// - A side that ends with a transport failure (timeout) removes the files it wrote that
//   nobody consumed, so no server adopts a dead hello later.
// - DIR missing, not a folder or not writable: core::Error of kind setup (exit 5).
#pragma once
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "report/document.hpp"
#include "engine/options.hpp"
#include "engine/handshake.hpp"
#include "report/sink.hpp"

namespace authctx::core {

struct FilesOptions {
  std::filesystem::path dir;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_token_size = 1u << 20;
};

// Throws a setup error (exit 5) with a plain sentence when DIR cannot hold the exchange.
void check_files_dir(const std::filesystem::path& dir);

// One client handshake through DIR. Writes the document (with a "transport" object naming
// the folder and session) to sink and returns it.
Document run_files_client(const FilesOptions& files, const InitiatorOptions& init, const SessionOptions& session,
                          EventSink& sink);

struct FilesServerOptions {
  FilesOptions files;
  bool once = false;    // one session; the wait for its hello is bounded by the timeout
  bool report = true;   // send the acceptor's CONTEXT view
};

struct FilesServerOutcome {
  int sessions = 0;
  int established = 0;
  std::optional<ErrorReport> last_error;
};

// Serves sessions one after another (one with `once`), one document each. on_waiting is
// called once the folder has been checked, before the first wait for a hello.
FilesServerOutcome run_files_server(const FilesServerOptions& server, const AcceptorOptions& acc,
                                    const SessionOptions& session, EventSink& sink,
                                    const std::function<void()>& on_waiting);

}  // namespace authctx::core
