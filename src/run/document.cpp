#include "run/document.hpp"

namespace authctx::run {

json::Json finish_document(engine::Recorder& rec, transport::Channel* channel) {
  auto& doc = rec.doc();
  if (channel != nullptr) {
    rec.notices(channel->take_notices());
    doc.transport = channel->describe();
  }
  doc.elapsed_ms = report::elapsed_since_start(doc);
  return report::document_json(doc, rec.json_options());
}

report::Document new_document(std::string command, std::string peer) {
  report::Document doc;
  doc.command = std::move(command);
  doc.peer = std::move(peer);
  return doc;
}

void TaggedSink::event(std::string_view name, const json::Json& body) {
  json::Json tagged = body;
  tagged[key_] = value_;
  inner_.event(name, tagged);
}

void TaggedSink::document(const json::Json& doc) {
  if (!drop_documents_) inner_.document(doc);
}

}  // namespace authctx::run
