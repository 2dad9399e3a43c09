// Shared by the fuzz targets that play a peer: the engine's client or server driver, with a
// scripted fake party (tests/support/fake_party.hpp: no KDC, no GSS-API), over a channel
// that reads the fuzzer's bytes, then the document as users get it (JSON, events, text
// view). Everything below the party is the product's code. A transport error is the
// expected way for hostile bytes to end; any other exception escapes to libFuzzer, which
// reports it as a crash.
#pragma once
#include <cstdio>

#include "engine/session.hpp"
#include "json/json.hpp"
#include "report/sink.hpp"
#include "run/document.hpp"
#include "support/fake_party.hpp"
#include "text/view.hpp"
#include "util/errors.hpp"

namespace authctx::fuzz {

using report::Side;
using test::bytes_of;
using test::FakeParty;

// A sink that serialises every event as the jsonl output would, into nothing.
class DumpSink final : public report::EventSink {
 public:
  void event(std::string_view, const json::Json& body) override { (void)json::dump(body); }
  void document(const json::Json& doc) override { (void)json::dump(doc); }
};

// Runs one side over the channel (open() included) and renders the document.
inline void drive(transport::Channel& channel, Side ours, int messages) {
  auto doc = run::new_document(ours == Side::initiator ? "client" : "server");
  DumpSink sink;
  engine::SessionOptions session;
  session.messages = messages;
  session.report = true;
  engine::Recorder rec(doc, sink, session);
  bool opened = false;
  try {
    channel.open();
    opened = true;
  } catch (const util::Error& e) {
    if (e.kind() != util::ErrorKind::transport) throw;
    rec.error(report::error_report(e));
  }
  if (opened) {
    if (ours == Side::initiator) {
      FakeParty initiator(Side::initiator, {{bytes_of("AP-REQ"), false, false}, {{}, true, false}});
      engine::drive_client(rec, initiator, channel);
    } else {
      FakeParty acceptor(Side::acceptor, {{bytes_of("AP-REP"), true, false}});
      engine::drive_server(rec, acceptor, channel);
    }
  }
  const auto j = run::finish_document(rec, &channel);
  (void)json::dump(j, 2);
  (void)text::render_text(j, {false, true});
}

}  // namespace authctx::fuzz
