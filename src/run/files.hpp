// `client --files DIR` and `server --files DIR`: handshakes through a folder
// (transport/files_channel.hpp says how the files are named, written, claimed and waited
// for). One document per session, each with a "transport" object naming the folder and
// session; a folder that cannot carry the exchange is a set-up error (exit 5).
#pragma once
#include <functional>
#include <optional>

#include "engine/options.hpp"
#include "report/sink.hpp"
#include "transport/files_channel.hpp"

namespace authctx::run {

// One client handshake through the folder; the document goes to sink and is returned.
report::Document run_files_client(const transport::FilesOptions& files, const engine::InitiatorOptions& init,
                                  const engine::SessionOptions& session, report::EventSink& sink);

struct FilesServerOptions {
  transport::FilesOptions files;
  bool once = false;  // one session; the wait for its hello is bounded by the timeout
};

struct FilesServerOutcome {
  int sessions = 0;
  int established = 0;
  std::optional<report::ErrorReport> last_error;
};

// Serves sessions one after another (one with `once`), one document each. on_waiting is
// called once the folder has been checked, before the first wait for a hello.
FilesServerOutcome run_files_server(const FilesServerOptions& server, const engine::AcceptorOptions& acc,
                                    const engine::SessionOptions& session, report::EventSink& sink,
                                    const std::function<void()>& on_waiting);

}  // namespace authctx::run
