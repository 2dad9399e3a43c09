#include "engine/recorder.hpp"

#include "engine/trace.hpp"
#include "report/classify.hpp"
#include "report/ticket_view.hpp"

namespace authctx::engine {

int Recorder::leg(Direction direction, util::Bytes token, Json transport, std::optional<double> step_ms) {
  report::Leg leg;
  leg.index = legs() + 1;
  leg.direction = direction;
  leg.token = std::move(token);
  leg.transport = std::move(transport);
  leg.at = report::SteadyClock::now();
  leg.step_ms = step_ms;
  if (detailed()) report::decode_leg(leg, session_.show_secrets);
  if (events_) sink_.event("leg", report::leg_json(leg, json_options()));
  doc_.legs.push_back(std::move(leg));
  return doc_.legs.back().index;
}

void Recorder::decode_legs() {
  for (auto& leg : doc_.legs)
    if (!leg.decoded) report::decode_leg(leg, session_.show_secrets);
}

bool Recorder::describe_established() {
  doc_.timing.established = report::SteadyClock::now();
  if (detailed()) return true;
  if (!keeper_ || !keeper_(report::elapsed_since_start(doc_))) return false;
  make_full();
  return true;
}

void Recorder::make_full() {
  detail_ = Detail::full;
  decode_legs();
}

void Recorder::annotate_leg(int index, const Json& transport) {
  if (transport.is_null() || index < 1 || index > legs()) return;
  doc_.legs[static_cast<std::size_t>(index - 1)].transport = transport;
}

void Recorder::trace(bool for_next_leg) {
  auto* capture = TraceCapture::active();
  if (capture == nullptr) return;
  doc_.traced = true;
  std::optional<int> leg;
  if (for_next_leg) leg = legs() + 1;
  for (auto& line : capture->collect()) {
    if (events_) sink_.event("trace", Json{{"leg", leg ? Json(*leg) : Json(nullptr)}, {"message", line}});
    doc_.trace.push_back(report::TraceLine{leg, std::move(line)});
  }
}

void Recorder::error(ErrorReport error) {
  decode_legs();  // classification reads the decoded legs (a KRB-ERROR's code, the mechanism)
  report::classify(error, &doc_);
  if (events_) sink_.event("error", Json{{"error", report::error_json(error)}});
  doc_.error = std::move(error);
}

void Recorder::warning(report::Warning warning) {
  if (events_) sink_.event("warning", report::warning_json(warning));
  doc_.warnings.push_back(std::move(warning));
}

void Recorder::notices(std::vector<transport::Notice> notices) {
  for (auto& n : notices) warning(report::Warning{std::move(n.cls), std::move(n.message), std::move(n.hint)});
}

void Recorder::context(Side side, report::ContextView view) {
  // A local acceptor that can read its keytab shows what it decrypted of the AP-REQ.
  if (side == Side::acceptor && !view.ticket) view.ticket = report::acceptor_ticket_view(doc_);
  auto& slot = side == Side::initiator ? doc_.initiator : doc_.acceptor;
  slot = std::move(view);
  if (doc_.mech.empty() || side == Side::initiator) doc_.mech = slot->info.mech;
  if (events_)
    sink_.event("context",
                Json{{"side", report::side_name(side)}, {"context", report::context_json(*slot, json_options())}});
}

void Recorder::reported_context(const Json& context) {
  doc_.acceptor_report = context;
  if (events_) sink_.event("context", Json{{"side", "acceptor"}, {"context", context}, {"reported_by_peer", true}});
}

void Recorder::messages(std::vector<report::MessageCheck> checks, const std::optional<Json>& peer_error,
                        Side peer_side) {
  doc_.messages = std::move(checks);
  if (events_)
    for (const auto& m : doc_.messages) sink_.event("message", report::message_json(m));
  if (peer_error) {
    error(report::remote_report(*peer_error, peer_side));
    return;
  }
  for (const auto& m : doc_.messages) {
    if (m.ok) continue;
    ErrorReport r;
    r.stage = m.kind == "mic" ? "verify_mic" : "unwrap";
    r.side = m.direction == Direction::initiator_to_acceptor ? Side::acceptor : Side::initiator;
    r.message =
        "per-message check " + m.kind + " " + std::string(report::direction_name(m.direction)) + " failed: " + m.error;
    r.cls = "integrity_failure";
    r.hint = "the two sides do not share a working session key or sequence state; see messages[]";
    error(std::move(r));
    return;
  }
}

void Recorder::application(transport::PhaseResult result) {
  doc_.application = result.result;
  if (events_) sink_.event("application", Json{{"application", result.result}});
  notices(std::move(result.notices));
  if (!result.error) return;
  ErrorReport r;
  r.stage = result.error->stage;
  r.message = result.error->message;
  r.cls = result.error->cls;
  r.hint = result.error->hint;
  r.transport = result.error->transport;
  error(std::move(r));
}

Step step_and_record(Party& party, std::span<const std::uint8_t> input, Recorder& rec) {
  const auto started = report::SteadyClock::now();
  auto r = party.step(input);
  const double step_ms = std::chrono::duration<double, std::milli>(report::SteadyClock::now() - started).count();
  if (party.side() == Side::initiator && !rec.doc().timing.first_initiator_step_ms)
    rec.doc().timing.first_initiator_step_ms = step_ms;
  rec.trace();
  // The mechanism that ran: an initiator's step says; an acceptor's only where no local
  // initiator has (in `local` the initiator's answer stands).
  if (!r.mech.empty() && (party.side() == Side::initiator || !rec.mech_from_initiator())) {
    rec.doc().mech = r.mech;
    if (party.side() == Side::initiator) rec.set_mech_from_initiator();
  }
  if (!r.token.empty()) rec.leg(report::sent_by(party.side()), r.token, nullptr, step_ms);
  if (r.error) rec.error(report::gss_report(*r.error, party.side()));
  return Step{std::move(r.token), r.complete, r.error.has_value()};
}

}  // namespace authctx::engine
