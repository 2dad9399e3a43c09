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

}  // namespace authctx::run
