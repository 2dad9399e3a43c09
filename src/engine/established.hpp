// The handshake driver, which reads like the protocol (RFC 2743 §1.1.3):
//   initiator.step(peer token) -> token -> acceptor.step(token) -> token -> ...
// until neither side has a token to send. It loops on CONTINUE_NEEDED and on "output
// token not empty" independently, records every token as a leg (including one produced
// by a failing step: a KRB-ERROR), stops at the first error, and bounds the number of legs.
// run_local alternates two in-process parties; tokens pass in memory.
#pragma once
#include "report/document.hpp"
#include "util/errors.hpp"
#include "engine/options.hpp"
#include "engine/party.hpp"
#include "report/sink.hpp"

namespace authctx::core {

inline constexpr int k_max_legs = 32;

// Initiator and acceptor in one process. Credential failures become the document's error
// (stage acquire_cred...); set-up errors (unreadable keytab) throw core::Error.
Document run_local(const InitiatorOptions& init, const AcceptorOptions& acc, const SessionOptions& session,
                   EventSink& sink);

// After establishment: both sides' views, per-message checks and warnings.
void finish_established(Document& doc, const Initiator* initiator, Acceptor* acceptor,
                        const SessionOptions& session, EventSink& sink);

// The acceptor's delegated credential (principal, expiry), stored when asked.
std::optional<Json> describe_delegated(Acceptor& acceptor, const SessionOptions& session);

// Building blocks shared by the local and network drivers.
JsonOptions event_options(const SessionOptions& s);
void add_leg(Document& doc, Direction d, const gss::Bytes& token, const SessionOptions& s, EventSink& sink);
ErrorReport gss_report(const gss::GssError& e, Side side);
ErrorReport transport_report(const Error& e);
ErrorReport remote_report(const Json& error, Side side);

// Warnings derivable from the views alone (mutual/delegation not granted, weak enctype).
std::vector<Warning> view_warnings(const Document& doc, std::uint32_t requested_flags);

// --require-mech: a context on another mechanism is a failure (class ntlm_fallback when
// SPNEGO fell back to NTLM).
void enforce_required_mech(Document& doc, const InitiatorOptions& init, const std::optional<Warning>& fallback,
                           EventSink& sink);

// With --trace: the library's trace lines written since the last call, tagged with the leg
// about to be recorded (or with none after the handshake), into doc and as events.
void collect_trace(Document& doc, EventSink& sink, bool for_next_leg = true);

// The first failed per-message check in doc.messages becomes the document's error
// (class integrity_failure).
void record_message_failure(Document& doc, EventSink& sink);

// Records an error in doc (classified) and reports it as an event.
void record_error(Document& doc, ErrorReport error, EventSink& sink);

}  // namespace authctx::core
