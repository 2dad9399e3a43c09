#include "core/handshake.hpp"

#include <sys/stat.h>

#include <chrono>

#include "core/ad_diagnostics.hpp"
#include "core/classify.hpp"
#include "core/messages.hpp"
#include "core/decoded_json.hpp"
#include "core/negotiation.hpp"
#include "core/trace.hpp"
#include "gss/flags.hpp"
#include "util/files.hpp"
#include "util/timefmt.hpp"

namespace authctx::core {
namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

std::optional<Json> describe_delegated(Acceptor& acceptor, const SessionOptions& session) {
  auto& deleg = acceptor.acceptor_context().delegated();
  if (!deleg) return std::nullopt;
  Json j;
  try {
    const auto info = gss::inquire_cred(deleg.get());
    j["principal"] = info.name ? Json(info.name->text) : Json(nullptr);
    j["lifetime_seconds"] = info.lifetime_seconds;
    j["expires_at"] = info.lifetime_seconds == GSS_C_INDEFINITE || info.lifetime_seconds == 0
                          ? Json(nullptr)
                          : Json(util::rfc3339_utc(util::now_unix() + info.lifetime_seconds));
  } catch (const gss::GssError& e) {
    j["error"] = e.minor_text().empty() ? e.stage() : e.minor_text();
  }
  j["stored_in"] = nullptr;
  if (!session.store_delegated.empty()) {
    try {
      gss::store_cred_into(deleg.get(), session.store_delegated);
      std::string path = session.store_delegated;
      if (path.rfind("FILE:", 0) == 0) path = path.substr(5);
      if (!path.empty() && path.front() == '/') ::chmod(path.c_str(), 0600);
      j["stored_in"] = session.store_delegated;
    } catch (const gss::GssError& e) {
      j["store_error"] = e.minor_text().empty() ? e.stage() : e.minor_text();
    }
  }
  return j;
}

namespace {
bool weak_enctype(std::int32_t e) { return e == 1 || e == 2 || e == 3 || e == 16 || e == 23 || e == 24; }
}  // namespace

JsonOptions event_options(const SessionOptions& s) { return JsonOptions{s.show_secrets, true}; }

void add_leg(Document& doc, Direction d, const gss::Bytes& token, const SessionOptions& s, EventSink& sink) {
  Leg leg{static_cast<int>(doc.legs.size()) + 1, d, token, std::nullopt};
  decode_leg(leg, s.show_secrets);
  sink.event("leg", leg_json(leg, event_options(s)));
  doc.legs.push_back(std::move(leg));
}

ErrorReport gss_report(const gss::GssError& e, Side side) {
  ErrorReport r;
  r.stage = e.stage();
  r.side = side;
  r.gss = e;
  r.message = e.minor_text().empty() ? (e.major_text().empty() ? e.stage() : e.major_text().front()) : e.minor_text();
  return r;
}

ErrorReport transport_report(const Error& e) {
  ErrorReport r;
  r.stage = "transport";
  r.message = e.what();
  r.cls = e.error_class();
  r.hint = e.hint();
  r.transport = true;
  return r;
}

ErrorReport remote_report(const Json& error, Side side) {
  ErrorReport r;
  r.side = side;
  r.remote = error;
  r.stage = error.value("stage", "");
  r.message = error.value("message", "");
  r.cls = error.value("class", "peer_error");
  r.hint = error.value("hint", "");
  return r;
}

void collect_trace(Document& doc, EventSink& sink, bool for_next_leg) {
  auto* capture = TraceCapture::active();
  if (capture == nullptr) return;
  doc.traced = true;
  std::optional<int> leg;
  if (for_next_leg) leg = static_cast<int>(doc.legs.size()) + 1;
  for (auto& line : capture->collect()) {
    sink.event("trace", Json{{"leg", leg ? Json(*leg) : Json(nullptr)}, {"message", line}});
    doc.trace.push_back(TraceLine{leg, std::move(line)});
  }
}

void record_message_failure(Document& doc, EventSink& sink) {
  for (const auto& m : doc.messages) {
    if (m.ok) continue;
    ErrorReport r;
    r.stage = m.kind == "mic" ? "verify_mic" : "unwrap";
    r.side = m.direction == Direction::initiator_to_acceptor ? Side::acceptor : Side::initiator;
    r.message = "per-message check " + m.kind + " " + std::string(direction_name(m.direction)) + " failed: " + m.error;
    r.cls = "integrity_failure";
    r.hint = "the two sides do not share a working session key or sequence state; see messages[]";
    record_error(doc, std::move(r), sink);
    return;
  }
}

void record_error(Document& doc, ErrorReport error, EventSink& sink) {
  classify(error, &doc);
  sink.event("error", Json{{"error", error_json(error)}});
  doc.error = std::move(error);
}

void enforce_required_mech(Document& doc, const InitiatorOptions& init, const std::optional<Warning>& fallback,
                           EventSink& sink) {
  if (!init.require_mech || doc.mech == *init.require_mech) return;
  ErrorReport r;
  r.stage = "negotiation";
  r.side = Side::initiator;
  r.message = "--require-mech " + gss::mech_name(*init.require_mech) + " was given but " + gss::mech_name(doc.mech) +
              " was negotiated" + (fallback ? ": " + fallback->message : "");
  r.cls = fallback ? "ntlm_fallback" : "required_mech_not_negotiated";
  r.hint = fallback ? fallback->hint : "see negotiation.offered and the acceptor's mechanisms";
  doc.established = false;
  record_error(doc, std::move(r), sink);
}

std::vector<Warning> view_warnings(const Document& doc, std::uint32_t requested) {
  std::vector<Warning> out;
  const auto granted = doc.initiator ? doc.initiator->info.flags : 0u;
  if ((requested & GSS_C_MUTUAL_FLAG) != 0 && (granted & GSS_C_MUTUAL_FLAG) == 0)
    out.push_back({"mutual_not_granted", "mutual authentication was requested but not granted",
                   "the server did not prove its identity; check that the mechanism supports it"});
  if ((requested & GSS_C_DELEG_FLAG) != 0 && (granted & GSS_C_DELEG_FLAG) == 0) {
    // The service ticket's flags say why (RFC 4120 §2.6, §2.8): a non-forwardable TGT gives a
    // non-forwardable service ticket; with GSS_C_DELEG_POLICY_FLAG the KDC must also say
    // ok-as-delegate.
    const auto tf = doc.initiator ? doc.initiator->info.ticket_flags : std::nullopt;
    const bool forwardable = tf && (*tf & 0x40000000u) != 0;
    const bool ok_as_delegate = tf && (*tf & 0x00040000u) != 0;
    if (tf && !forwardable)
      out.push_back({"delegation_not_granted", "delegation was requested but not granted: the ticket is not forwardable",
                     "get a forwardable TGT (`kinit -f`, or forwardable = true in [libdefaults] of krb5.conf) and check "
                     "the client principal allows it (`kadmin getprinc`: no -allow_forwardable)"});
    else if (tf && (requested & GSS_C_DELEG_POLICY_FLAG) != 0 && !ok_as_delegate)
      out.push_back({"delegation_not_granted",
                     "delegation was requested by policy but the KDC does not mark the service ok-as-delegate",
                     "mark the service trusted for delegation (`kadmin modprinc +ok_as_delegate service/host`) or "
                     "use --delegate without --delegate-policy"});
    else
      out.push_back({"delegation_not_granted", "delegation was requested but not granted",
                     "the TGT must be forwardable (`kinit -f`) and the mechanism must support delegation"});
  }
  for (const auto& leg : doc.legs) {
    if (!leg.decoded) continue;
    const std::string dumped = to_json(*leg.decoded).dump();
    if (dumped.find("\"ntlmv1_response\"") != std::string::npos || dumped.find("\"lm_response\"") != std::string::npos) {
      out.push_back({"ntlmv1", "the NTLM client sent an NTLMv1 or LM response (leg " + std::to_string(leg.index) + ")",
                     "NTLMv1/LM responses can be cracked offline from a capture: require NTLMv2 (LmCompatibilityLevel "
                     "5 on Windows clients)"});
      break;
    }
  }
  for (const auto* view : {doc.initiator ? &*doc.initiator : nullptr, doc.acceptor ? &*doc.acceptor : nullptr}) {
    if (view == nullptr || !view->info.session_key || !view->info.session_key->enctype) continue;
    const auto e = *view->info.session_key->enctype;
    if (weak_enctype(e)) {
      out.push_back({"weak_enctype", "the session key uses a weak encryption type (" + gss::enctype_name(e) + ")",
                     "give the service aes256-cts-hmac-sha1-96 / aes128 keys and remove rc4/des from "
                     "permitted_enctypes"});
      break;
    }
  }
  return out;
}

void finish_established(Document& doc, const Initiator* initiator, Acceptor* acceptor,
                        const SessionOptions& session, EventSink& sink) {
  const auto options = event_options(session);
  if (initiator != nullptr) {
    doc.initiator = ContextView{initiator->describe(), initiator->requested_flags()};
    doc.mech = doc.initiator->info.mech;
    sink.event("context", Json{{"side", "initiator"}, {"context", context_json(*doc.initiator, options)}});
  }
  if (acceptor != nullptr) {
    doc.acceptor = ContextView{acceptor->describe(), std::nullopt, describe_delegated(*acceptor, session)};
    if (doc.mech.empty()) doc.mech = doc.acceptor->info.mech;
    sink.event("context", Json{{"side", "acceptor"}, {"context", context_json(*doc.acceptor, options)}});
  }
  if (initiator != nullptr && acceptor != nullptr && session.messages > 0) {
    doc.messages = run_message_checks(*initiator, *acceptor, session.messages);
    for (const auto& m : doc.messages) sink.event("message", message_json(m));
    record_message_failure(doc, sink);
  }
  doc.negotiation = spnego_negotiation(doc);
  auto warnings = view_warnings(doc, initiator != nullptr ? initiator->requested_flags() : 0);
  const auto fallback = explain_ntlm_fallback(doc, initiator != nullptr ? &initiator->options() : nullptr,
                                              acceptor != nullptr ? &acceptor->options() : nullptr);
  if (fallback) warnings.push_back(*fallback);
  ad::refine_warnings(doc, warnings);  // AD: RC4 tickets, delegation policy, SPN causes
  for (auto& w : warnings) {
    sink.event("warning", warning_json(w));
    doc.warnings.push_back(std::move(w));
  }
  if (initiator != nullptr) enforce_required_mech(doc, initiator->options(), fallback, sink);
}

Document run_local(const InitiatorOptions& init, const AcceptorOptions& acc, const SessionOptions& session,
                   EventSink& sink) {
  const auto started = SteadyClock::now();
  Document doc;
  doc.command = "local";
  doc.requested_mech = init.mech;
  doc.target = init.target;
  auto finish = [&]() -> Document {
    collect_trace(doc, sink, false);
    doc.elapsed_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
    sink.document(document_json(doc, event_options(session)));
    return std::move(doc);
  };

  std::unique_ptr<Acceptor> acceptor;
  std::unique_ptr<Initiator> initiator;
  try {
    acceptor = std::make_unique<Acceptor>(acc);
  } catch (const gss::GssError& e) {
    record_error(doc, gss_report(e, Side::acceptor), sink);
    return finish();
  }
  try {
    initiator = std::make_unique<Initiator>(init);
  } catch (const gss::GssError& e) {
    record_error(doc, gss_report(e, Side::initiator), sink);
    return finish();
  }

  gss::Bytes to_initiator;
  bool first = true;
  while (static_cast<int>(doc.legs.size()) < k_max_legs) {
    gss::Bytes to_acceptor;
    if (first || !to_initiator.empty()) {
      if (initiator->complete()) {
        // The acceptor sent a token after the initiator finished: nothing may consume it.
        ErrorReport r;
        r.stage = "init_sec_context";
        r.side = Side::initiator;
        r.message = "the acceptor sent a token after the initiator's context was complete";
        r.cls = "protocol_error";
        r.hint = "a mechanism bug or a mismatched framing; see the decoded legs";
        record_error(doc, std::move(r), sink);
        return finish();
      }
      auto r = initiator->step(to_initiator);
      collect_trace(doc, sink);
      first = false;
      if (!r.mech.empty()) doc.mech = r.mech;
      if (!r.token.empty()) add_leg(doc, Direction::initiator_to_acceptor, r.token, session, sink);
      if (r.error) {
        record_error(doc, gss_report(*r.error, Side::initiator), sink);
        return finish();
      }
      to_acceptor = std::move(r.token);
    }
    if (to_acceptor.empty()) break;
    auto a = acceptor->step(to_acceptor);
    collect_trace(doc, sink);
    if (!a.token.empty()) add_leg(doc, Direction::acceptor_to_initiator, a.token, session, sink);
    if (a.error) {
      record_error(doc, gss_report(*a.error, Side::acceptor), sink);
      return finish();
    }
    to_initiator = std::move(a.token);
    if (to_initiator.empty()) break;
  }

  if (!initiator->complete() || !acceptor->complete()) {
    ErrorReport r;
    r.stage = initiator->complete() ? "accept_sec_context" : "init_sec_context";
    r.side = initiator->complete() ? Side::acceptor : Side::initiator;
    r.message = static_cast<int>(doc.legs.size()) >= k_max_legs
                    ? "the handshake did not finish within " + std::to_string(k_max_legs) + " legs"
                    : "one side expects another token but the other has none to send";
    r.cls = "protocol_error";
    r.hint = "see the decoded legs for the last token each side produced";
    record_error(doc, std::move(r), sink);
    return finish();
  }
  doc.established = true;
  finish_established(doc, initiator.get(), acceptor.get(), session, sink);
  return finish();
}

}  // namespace authctx::core
