#include "engine/session.hpp"

#include "engine/handshake.hpp"
#include "engine/plans.hpp"
#include "report/classify.hpp"
#include "util/errors.hpp"

namespace authctx::engine {
namespace {

using transport::Frame;

// Runs body; a transport failure becomes the document's error.
template <class Body>
void transport_guarded(Recorder& rec, Body&& body) {
  try {
    body();
  } catch (const util::Error& e) {
    if (e.kind() != util::ErrorKind::transport) throw;
    rec.error(report::error_report(e));
  }
}

// Makes a party; a GSS-API failure (acquiring credentials) becomes the document's error.
template <class P, class Options, class Shared>
std::unique_ptr<P> make_party(Recorder& rec, const Options& options, Shared shared, Side side) {
  try {
    return std::make_unique<P>(options, std::move(shared));
  } catch (const gss::GssError& e) {
    rec.error(report::gss_report(e, side));
    return nullptr;
  }
}

double ms_since(report::SteadyClock::time_point t) {
  return std::chrono::duration<double, std::milli>(report::SteadyClock::now() - t).count();
}

void run_application_phase(Recorder& rec, transport::Channel& channel, Party& party) {
  const auto started = report::SteadyClock::now();
  if (auto result = channel.after_established(party.protection())) {
    rec.doc().timing.application_ms = ms_since(started);
    rec.application(std::move(*result));
  }
}

// Whether to describe the established context: a lean Recorder's keeper decides, except
// that a mechanism --require-mech refuses is always described (the error needs the review).
bool describe_established(Recorder& rec, const Review& asked) {
  if (rec.describe_established()) return true;
  // What refuses an established context is judged on its views: --require-mech and
  // --require-channel-bindings make a lean run a full one.
  const bool wrong_mech =
      asked.initiator != nullptr && asked.initiator->require_mech && rec.doc().mech != *asked.initiator->require_mech;
  const bool bindings_required = asked.acceptor != nullptr && asked.acceptor->require_channel_bindings;
  if (!wrong_mech && !bindings_required) return false;
  rec.make_full();
  return true;
}
}  // namespace

report::AcceptorKeys acceptor_keys(const AcceptorOptions& acc) {
  report::AcceptorKeys keys;
  keys.keytab = acc.keytab;
  if (acc.channel_bindings) keys.bindings = acc.channel_bindings->application_data;
  return keys;
}

void drive_local(Recorder& rec, Party& initiator, Party& acceptor, const Review& asked) {
  LocalEnd ie(initiator, rec, false);
  LocalEnd ae(acceptor, rec, false);
  if (run_handshake(ie, ae, rec)) {
    rec.doc().established = true;
    const bool describe = describe_established(rec, asked);
    if (describe) record_contexts(rec, &initiator, &acceptor);
    if (rec.session().messages > 0) {
      const auto started = report::SteadyClock::now();
      rec.messages(run_plan_in_process(initiator.protection(), acceptor.protection(), rec.session().messages));
      rec.doc().timing.messages_ms = ms_since(started);
    }
    if (describe) review(rec, asked);
  }
  rec.trace(false);
}

void drive_client(Recorder& rec, Party& initiator, transport::Channel& channel, const Review& asked) {
  transport_guarded(rec, [&] {
    LocalEnd ie(initiator, rec, true);
    RemoteEnd ae(channel, Side::acceptor, rec);
    if (!run_handshake(ie, ae, rec)) return;
    rec.doc().established = true;
    if (describe_established(rec, asked)) {
      record_contexts(rec, &initiator, nullptr);
      review(rec, asked);
      if (rec.doc().error) {  // --require-mech refused what was negotiated: tell the acceptor
        channel.send(Frame::failure(report::error_json(*rec.doc().error), {}));
        return;
      }
      if (ae.report().is_object()) rec.reported_context(ae.report());
    }
    run_application_phase(rec, channel, initiator);
    if (rec.doc().error) return;
    const auto started = report::SteadyClock::now();
    const auto plan = run_plan_initiator(channel, initiator.protection(), rec.session().messages);
    if (rec.session().messages > 0) rec.doc().timing.messages_ms = ms_since(started);
    rec.messages(plan.checks, plan.peer_error, Side::acceptor);
  });
  rec.trace(false);
}

void drive_server(Recorder& rec, Party& acceptor, transport::Channel& channel, const Review& asked) {
  transport_guarded(rec, [&] {
    RemoteEnd ie(channel, Side::initiator, rec);
    LocalEnd ae(acceptor, rec, true);
    if (!run_handshake(ie, ae, rec)) return;
    auto& doc = rec.doc();
    doc.established = true;
    if (describe_established(rec, asked)) {
      record_contexts(rec, nullptr, &acceptor);
      review(rec, asked);
    }
    if (doc.error) {  // --require-channel-bindings refused the context: no final token, no acceptance
      channel.send(Frame::failure(report::error_json(*doc.error), {}));
      return;
    }
    const Json report = rec.session().report && channel.report_wanted() && doc.acceptor
                            ? report::context_json(*doc.acceptor, {false, false})
                            : Json();
    rec.annotate_leg(ie.final_leg(), channel.send(Frame::acceptance(ie.final_token(), report)));
    run_application_phase(rec, channel, acceptor);
    if (doc.error) return;
    const auto started = report::SteadyClock::now();
    const auto plan = run_plan_acceptor(channel, acceptor.protection());
    if (!plan.checks.empty()) doc.timing.messages_ms = ms_since(started);
    rec.messages(plan.checks, plan.peer_error, Side::initiator);
    // The initiator rejected what we accepted (e.g. our AP-REP failed its mutual check).
    if (doc.error && doc.error->remote) doc.established = false;
  });
  rec.trace(false);
}

void run_local(Recorder& rec, const InitiatorOptions& init, const AcceptorOptions& acc,
               const SharedCredentials& shared) {
  rec.doc().requested_mech = init.mech;
  rec.doc().target = init.target;
  rec.doc().acceptor_keys = acceptor_keys(acc);
  auto acceptor = make_party<Acceptor>(rec, acc, shared.acceptor, Side::acceptor);
  auto initiator = acceptor ? make_party<Initiator>(rec, init, shared.initiator, Side::initiator) : nullptr;
  if (!acceptor || !initiator) {
    rec.trace(false);
    return;
  }
  drive_local(rec, *initiator, *acceptor, Review{&init, &acc});
}

void run_client(Recorder& rec, const InitiatorOptions& init, transport::Channel& channel,
                const InitiatorCredential* shared) {
  rec.doc().requested_mech = init.mech;
  rec.doc().target = init.target;
  auto initiator = make_party<Initiator>(rec, init, shared, Side::initiator);
  bool opened = false;
  if (initiator)
    transport_guarded(rec, [&] {
      channel.open();
      opened = true;
    });
  if (!opened) {
    rec.trace(false);
    return;
  }
  drive_client(rec, *initiator, channel, Review{&init, nullptr});
}

void run_server(Recorder& rec, const AcceptorOptions& acc, transport::Channel& channel,
                std::shared_ptr<const AcceptorCredential> shared) {
  rec.doc().acceptor_keys = acceptor_keys(acc);
  std::unique_ptr<Acceptor> acceptor;
  transport_guarded(rec, [&] {
    channel.open();
    try {
      acceptor = std::make_unique<Acceptor>(acc, std::move(shared));
    } catch (const gss::GssError& e) {
      auto report = report::gss_report(e, Side::acceptor);
      report::classify(report);
      channel.send(Frame::failure(report::error_json(report), {}));
      rec.error(std::move(report));
    }
  });
  if (!acceptor) {
    rec.trace(false);
    return;
  }
  drive_server(rec, *acceptor, channel, Review{nullptr, &acc});
}

}  // namespace authctx::engine
