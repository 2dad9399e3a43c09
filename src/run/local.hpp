// `authctx local`: initiator and acceptor in one process; tokens pass in memory. The
// document goes to sink and is returned. Credential failures are the document's error;
// set-up errors (an unreadable keytab) throw util::Error.
#pragma once
#include "engine/options.hpp"
#include "report/sink.hpp"

namespace authctx::run {

report::Document run_local(const engine::InitiatorOptions& init, const engine::AcceptorOptions& acc,
                           const engine::SessionOptions& session, report::EventSink& sink);

}  // namespace authctx::run
