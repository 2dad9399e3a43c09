#include "core/session.hpp"

#include "core/classify.hpp"
#include "core/errors.hpp"
#include "core/handshake.hpp"

namespace authctx::core {
namespace {

void protocol_error(Document& doc, Side side, const std::string& message, EventSink& sink) {
  ErrorReport r;
  r.stage = side == Side::initiator ? "init_sec_context" : "accept_sec_context";
  r.side = side;
  r.message = message;
  r.cls = "protocol_error";
  r.hint = "a mechanism bug or mismatched framings; see the decoded legs";
  r.transport = true;
  record_error(doc, std::move(r), sink);
}

void record_messages(Document& doc, const MessageOutcome& outcome, Side peer_side, EventSink& sink) {
  doc.messages = outcome.checks;
  for (const auto& m : doc.messages) sink.event("message", message_json(m));
  if (outcome.peer_error) {
    record_error(doc, remote_report(*outcome.peer_error, peer_side), sink);
    return;
  }
  record_message_failure(doc, sink);
}

void client_handshake(const InitiatorOptions& init_opts, ClientChannel& ch, const SessionOptions& session,
                      EventSink& sink, Document& doc) {
  std::unique_ptr<Initiator> initiator;
  try {
    initiator = std::make_unique<Initiator>(init_opts);
  } catch (const gss::GssError& e) {
    record_error(doc, gss_report(e, Side::initiator), sink);
    return;
  }
  ch.start(session.messages);
  gss::Bytes in;
  while (static_cast<int>(doc.legs.size()) < k_max_legs) {
    auto r = initiator->step(in);
    collect_trace(doc, sink);
    if (!r.mech.empty()) doc.mech = r.mech;
    if (!r.token.empty()) add_leg(doc, Direction::initiator_to_acceptor, r.token, session, sink);
    if (r.error) {
      auto report = gss_report(*r.error, Side::initiator);
      classify(report, &doc);
      ch.send_error(error_json(report), r.token);
      record_error(doc, std::move(report), sink);
      return;
    }
    if (!r.token.empty()) ch.send_token(r.token);
    if (r.complete) break;
    auto msg = ch.receive();
    if (!msg.token.empty()) add_leg(doc, Direction::acceptor_to_initiator, msg.token, session, sink);
    if (msg.kind == Incoming::Kind::error) {
      record_error(doc, remote_report(msg.body.value("error", Json::object()), Side::acceptor), sink);
      return;
    }
    if (msg.kind == Incoming::Kind::accepted) {
      protocol_error(doc, Side::initiator, "the acceptor finished while the initiator still expects a token", sink);
      return;
    }
    in = std::move(msg.token);
  }
  if (!initiator->complete()) {
    protocol_error(doc, Side::initiator, "the handshake did not finish within " + std::to_string(k_max_legs) + " legs", sink);
    return;
  }
  const auto verdict = ch.await_acceptance();
  if (!verdict.token.empty()) add_leg(doc, Direction::acceptor_to_initiator, verdict.token, session, sink);
  if (verdict.kind == Incoming::Kind::error) {
    record_error(doc, remote_report(verdict.body.value("error", Json::object()), Side::acceptor), sink);
    return;
  }
  doc.established = true;
  finish_established(doc, initiator.get(), nullptr, SessionOptions{0, session.show_secrets, {}}, sink);
  if (doc.error) {  // --require-mech refused what was negotiated: tell the acceptor
    ch.send_error(error_json(*doc.error), {});
    return;
  }
  if (verdict.body.contains("context") && verdict.body["context"].is_object()) {
    doc.acceptor_report = verdict.body["context"];
    sink.event("context", Json{{"side", "acceptor"}, {"context", *doc.acceptor_report}, {"reported_by_peer", true}});
  }
  if (session.messages > 0) record_messages(doc, ch.exchange_messages(*initiator, session.messages), Side::acceptor, sink);
  if (doc.error && doc.error->remote) return;  // the server already closed
  ch.finish();
}

void server_handshake(const AcceptorOptions& acc_opts, ServerChannel& ch, const SessionOptions& session,
                      const ServerSessionOptions& server, EventSink& sink, Document& doc) {
  ch.start();
  std::unique_ptr<Acceptor> acceptor;
  try {
    acceptor = std::make_unique<Acceptor>(acc_opts);
  } catch (const gss::GssError& e) {
    auto report = gss_report(e, Side::acceptor);
    classify(report);
    ch.send_failure(error_json(report), {});
    record_error(doc, std::move(report), sink);
    return;
  }
  while (static_cast<int>(doc.legs.size()) < k_max_legs) {
    auto msg = ch.receive();
    if (msg.kind == Incoming::Kind::error) {
      if (!msg.token.empty()) add_leg(doc, Direction::initiator_to_acceptor, msg.token, session, sink);
      record_error(doc, remote_report(msg.body.value("error", Json::object()), Side::initiator), sink);
      return;
    }
    add_leg(doc, Direction::initiator_to_acceptor, msg.token, session, sink);
    auto a = acceptor->step(msg.token);
    collect_trace(doc, sink);
    if (!a.mech.empty()) doc.mech = a.mech;
    if (!a.token.empty()) add_leg(doc, Direction::acceptor_to_initiator, a.token, session, sink);
    if (a.error) {
      auto report = gss_report(*a.error, Side::acceptor);
      classify(report, &doc);
      ch.send_failure(error_json(report), a.token);
      record_error(doc, std::move(report), sink);
      return;
    }
    if (!a.token.empty()) ch.send_token(a.token);
    if (a.complete) break;
  }
  if (!acceptor->complete()) {
    protocol_error(doc, Side::acceptor, "the handshake did not finish within " + std::to_string(k_max_legs) + " legs", sink);
    return;
  }
  doc.established = true;
  finish_established(doc, nullptr, acceptor.get(), SessionOptions{0, session.show_secrets, session.store_delegated}, sink);
  std::optional<Json> report;
  if (server.report) report = context_json(*doc.acceptor, JsonOptions{false, false});
  ch.send_accepted(report);
  record_messages(doc, ch.serve_messages(*acceptor), Side::initiator, sink);
  // The initiator rejected what we accepted (e.g. our AP-REP failed its mutual check).
  if (doc.error && doc.error->remote) doc.established = false;
}
}  // namespace

void run_client_session(const InitiatorOptions& init, ClientChannel& channel, const SessionOptions& session,
                        EventSink& sink, Document& doc) {
  doc.requested_mech = init.mech;
  doc.target = init.target;
  try {
    client_handshake(init, channel, session, sink, doc);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::transport) throw;
    record_error(doc, transport_report(e), sink);
  }
  collect_trace(doc, sink, false);
}

void run_server_session(const AcceptorOptions& acc, ServerChannel& channel, const SessionOptions& session,
                        const ServerSessionOptions& server, EventSink& sink, Document& doc) {
  try {
    server_handshake(acc, channel, session, server, sink, doc);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::transport) throw;
    record_error(doc, transport_report(e), sink);
  }
}

}  // namespace authctx::core
