#include "run/local.hpp"

#include "engine/session.hpp"
#include "run/document.hpp"

namespace authctx::run {

report::Document run_local(const engine::InitiatorOptions& init, const engine::AcceptorOptions& acc,
                           const engine::SessionOptions& session, report::EventSink& sink) {
  auto doc = new_document("local");
  engine::Recorder rec(doc, sink, session);
  engine::run_local(rec, init, acc);
  sink.document(finish_document(rec));
  return doc;
}

}  // namespace authctx::run
