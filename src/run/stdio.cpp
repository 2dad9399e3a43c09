#include "run/stdio.hpp"

#include <signal.h>

#include "engine/session.hpp"
#include "run/document.hpp"

namespace authctx::run {

report::Document run_stdio_client(const transport::StdioOptions& stdio, const engine::InitiatorOptions& init,
                                  const engine::SessionOptions& session, report::EventSink& sink) {
  ::signal(SIGPIPE, SIG_IGN);
  auto doc = new_document("client", "stdio");
  engine::Recorder rec(doc, sink, session);
  transport::StdioChannel channel(stdio, transport::Role::initiator);
  engine::run_client(rec, init, channel);
  channel.close_output();  // said by the bye already when established; else the peer hears the end now
  if (doc.established && !doc.error)
    rec.warning({"no_acceptor_report",
                 "over --stdio only tokens travel: the acceptor's verdict, its context view and its checks of our "
                 "messages are in the server's own document",
                 "run the server with --output FILE to keep its document, or use --files or TCP for a complete "
                 "report"});
  sink.document(finish_document(rec, &channel));
  return doc;
}

report::Document run_stdio_server(const transport::StdioOptions& stdio, const engine::AcceptorOptions& acc,
                                  const engine::SessionOptions& session, report::EventSink& sink) {
  ::signal(SIGPIPE, SIG_IGN);
  auto doc = new_document("server", "stdio");
  engine::Recorder rec(doc, sink, session);
  transport::StdioChannel channel(stdio, transport::Role::acceptor);
  engine::run_server(rec, acc, channel);
  channel.close_output();  // the client may be waiting for a token that will not come
  sink.document(finish_document(rec, &channel));
  return doc;
}

}  // namespace authctx::run
