// libFuzzer target for the JSON bodies of the authctx framing on their own (HELLO, ERROR,
// ACCEPTED, RESULTS: transport/frame_bodies.hpp), reached with any text (frames_fuzz.cpp
// gets there only through valid records), and for what the product does with a body that
// passed: the peer's error object as the document's error (report::remote_report,
// error_json, classify), a peer's CONTEXT and checks in a document and the text view. The
// first byte picks the body kind. Seeds: corpus/frame_bodies; dictionary frame_bodies.dict.
#include <cstddef>
#include <cstdint>
#include <span>

#include "json/json.hpp"
#include "report/classify.hpp"
#include "report/error.hpp"
#include "text/view.hpp"
#include "transport/frame_bodies.hpp"
#include "util/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace transport = authctx::transport;
  using authctx::json::Json;
  if (size == 0) return 0;
  const auto kind = static_cast<transport::Body>(data[0] % 4);
  Json body;
  try {
    body = transport::read_body(kind, std::span(data + 1, size - 1));
  } catch (const authctx::util::Error& e) {
    if (e.error_class() != "malformed_frame") throw;
    return 0;
  }
  Json doc{{"schema", "authctx/1"}, {"command", "client"}, {"established", false}};
  switch (kind) {
    case transport::Body::error: {
      auto r = authctx::report::remote_report(body["error"], authctx::report::Side::acceptor);
      authctx::report::classify(r);
      doc["error"] = authctx::report::error_json(r);
      break;
    }
    case transport::Body::accepted:
      doc["established"] = true;
      if (body.contains("context")) doc["acceptor"] = body["context"];
      break;
    case transport::Body::results: doc["messages"] = body["messages"]; break;
    case transport::Body::hello: doc["peer"] = body["protocol"]; break;
  }
  (void)authctx::json::dump(doc, 2);
  (void)authctx::text::render_text(doc, {false, true});
  return 0;
}
