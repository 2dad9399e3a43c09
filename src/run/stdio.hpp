// `client --stdio` and `server --stdio`: one handshake each over standard input and output
// (transport/stdio_channel.hpp). The document, with a "transport" object, goes to sink and
// is returned. A client's document says the acceptor's verdict and report did not travel
// (warning no_acceptor_report); a server closes its output when done, so a client waiting
// for a token that will not come hears the end of its input.
#pragma once
#include "engine/options.hpp"
#include "report/sink.hpp"
#include "transport/stdio_channel.hpp"

namespace authctx::run {

report::Document run_stdio_client(const transport::StdioOptions& stdio, const engine::InitiatorOptions& init,
                                  const engine::SessionOptions& session, report::EventSink& sink);
report::Document run_stdio_server(const transport::StdioOptions& stdio, const engine::AcceptorOptions& acc,
                                  const engine::SessionOptions& session, report::EventSink& sink);

}  // namespace authctx::run
