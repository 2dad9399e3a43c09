#include "run/files.hpp"

#include <signal.h>

#include "engine/session.hpp"
#include "run/document.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

using json::Json;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

std::string peer_of(const transport::FilesOptions& files) { return "files:" + files.dir.string(); }

// After a session that ended in a transport failure, the files nobody consumed go, so no
// server adopts a dead hello later.
void clean_up(const report::Document& doc, transport::FilesChannel& channel) {
  if (doc.error && doc.error->transport) channel.records().remove_unconsumed();
}
}  // namespace

report::Document run_files_client(const transport::FilesOptions& files, const engine::InitiatorOptions& init,
                                  const engine::SessionOptions& session, report::EventSink& sink) {
  transport::check_files_dir(files.dir);
  ::signal(SIGPIPE, SIG_IGN);
  auto doc = new_document("client", peer_of(files));
  engine::Recorder rec(doc, sink, session);
  transport::FilesChannel channel(files, transport::random_hex(8), transport::Role::initiator, session.messages);
  engine::run_client(rec, init, channel);
  clean_up(doc, channel);
  sink.document(finish_document(rec, &channel));
  return doc;
}

FilesServerOutcome run_files_server(const FilesServerOptions& server, const engine::AcceptorOptions& acc,
                                    const engine::SessionOptions& session, report::EventSink& sink,
                                    const std::function<void()>& on_waiting) {
  const auto& files = server.files;
  transport::check_files_dir(files.dir);
  ::signal(SIGPIPE, SIG_IGN);
  if (on_waiting) on_waiting();
  FilesServerOutcome outcome;
  const transport::DirWatch watch(files.dir);
  for (;;) {
    transport::FolderNotices notices;
    const auto wait_started = SteadyClock::now();
    auto backoff = 10ms;
    std::optional<transport::AdoptedHello> hello;
    while (!(hello = transport::adopt_hello(files, notices))) {
      if (server.once && SteadyClock::now() - wait_started >= files.timeout) {
        auto doc = new_document("server", peer_of(files));
        engine::Recorder rec(doc, sink, session);
        rec.error(report::error_report(
            util::transport_error("timeout",
                                  "no client hello (*-000-initiator-to-acceptor.hello.json) appeared in " +
                                      files.dir.string() + " within " + transport::format_seconds(files.timeout),
                                  "start the client with the same --files folder, or raise --timeout")));
        rec.notices(notices.take());
        doc.transport = transport::files_transport_json(files, "");
        sink.document(report::document_json(doc, rec.json_options()));
        outcome.last_error = doc.error;
        return outcome;
      }
      watch.wait(backoff);  // inotify wakes us for local clients; the backoff finds remote ones
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
    }
    auto doc = new_document("server", peer_of(files));
    sink.event("connection", Json{{"peer", doc.peer}, {"session", hello->session}});
    engine::Recorder rec(doc, sink, session);
    transport::FilesChannel channel(files, hello->session, transport::Role::acceptor, 0, std::move(notices));
    channel.records().preload(transport::Record{transport::wire::hello, std::move(hello->payload)});
    engine::run_server(rec, acc, channel);
    clean_up(doc, channel);
    sink.document(finish_document(rec, &channel));
    ++outcome.sessions;
    if (doc.established && !doc.error) ++outcome.established;
    outcome.last_error = doc.error;
    if (server.once) return outcome;
  }
}

}  // namespace authctx::run
