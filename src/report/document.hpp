// The result of one handshake as plain values, and its JSON form (the user-facing schema
// "authctx/1", described in the README and man authctx(1) under JSON): legs with their
// tokens, both sides' context views, per-message checks, warnings, the error. Each type is
// mapped to JSON once here; secrets (session-key bytes) appear only when
// JsonOptions::show_secrets is set. Times: elapsed_ms is the whole session; each leg keeps
// the steady-clock instant it was recorded and how long the step that made it took, so a
// caller can time phases (KDC exchange in the first initiator step, context legs, message
// round trips) without changing the document.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "decode/decode.hpp"
#include "decode/value.hpp"
#include "gss/inquire.hpp"
#include "gss/oid.hpp"
#include "json/json.hpp"
#include "report/error.hpp"
#include "util/bytes.hpp"

namespace authctx::report {

using SteadyClock = std::chrono::steady_clock;

enum class Direction { initiator_to_acceptor, acceptor_to_initiator };
std::string_view direction_name(Direction d);
// The direction of what side sends.
Direction sent_by(Side side);

struct Leg {
  int index = 0;
  Direction direction = Direction::initiator_to_acceptor;
  util::Bytes token;
  std::optional<decode::Value> decoded;      // decoded once, when the leg is recorded
  std::vector<decode::SecretRange> secrets;  // what leg_json blanks in base64 without show_secrets
  Json transport;                            // the transport's metadata about it (null: none)
  SteadyClock::time_point at;                // when it was recorded
  std::optional<double> step_ms;             // how long the local step that produced it took
};

// Decodes a leg's token (secrets redacted unless show_secrets) and keeps the tree and the
// token's secret ranges.
void decode_leg(Leg& leg, bool show_secrets);

struct MessageCheck {
  std::string kind;  // "wrap" or "mic"
  Direction direction = Direction::initiator_to_acceptor;
  bool conf_requested = false;
  bool conf = false;  // confidentiality actually applied (wrap only)
  bool ok = false;
  std::size_t length = 0;  // token length
  std::string error;       // when !ok
};

struct Warning {
  std::string cls;
  std::string message;
  std::string hint;
};

struct TraceLine {
  std::optional<int> leg;  // the leg being produced when the library wrote it
  std::string message;
};

struct ContextView {
  gss::ContextInfo info;
  std::optional<std::uint32_t> requested_flags;  // known for the initiator
  std::optional<Json> delegated;                 // acceptor: the delegated credential
  std::optional<Json> ticket;                    // acceptor: what its keytab opened of the AP-REQ (ticket_view.hpp)
};

// What a local acceptor was given that lets authctx look inside the tickets it receives:
// its keytab (empty: KRB5_KTNAME or the library default) and the channel bindings it
// expects (their application data; none when not given).
struct AcceptorKeys {
  std::string keytab;
  std::optional<util::Bytes> bindings;
};

// How long a session's phases took, for load summaries: making the connection (set by
// whoever opens it), the initiator's first step (which holds the KDC exchange when the
// service ticket was not cached), when the context was established, and the per-message
// round trips, and a transport's own phase after it (LDAP: security layer, root DSE, WhoAmI).
struct Timing {
  std::optional<double> connect_ms;
  std::optional<double> first_initiator_step_ms;
  std::optional<SteadyClock::time_point> established;
  std::optional<double> messages_ms;
  std::optional<double> application_ms;
};

struct Document {
  std::string command;
  bool established = false;
  gss::Oid mech;                              // the mechanism that ran (for SPNEGO: the negotiated one)
  gss::Oid requested_mech;                    // what the initiator asked for (spnego, krb5, ...)
  std::string target;                         // the initiator's --target as given (ad_diagnostics.hpp reads it)
  std::optional<AcceptorKeys> acceptor_keys;  // a local acceptor's keytab and bindings (ticket_view.hpp)
  std::vector<Leg> legs;
  std::optional<ContextView> initiator;
  std::optional<ContextView> acceptor;
  std::optional<Json> acceptor_report;  // client: the acceptor's own view, sent by the server
  std::string peer;                     // client/server: the other end's address
  std::vector<MessageCheck> messages;
  std::optional<Json> application;  // a transport's post-establishment phase (LDAP, ...)
  std::optional<Json> negotiation;  // SPNEGO: offered, optimistic token, negotiated, mechListMIC
  std::vector<Warning> warnings;
  std::optional<ErrorReport> error;
  std::vector<TraceLine> trace;
  bool traced = false;  // --trace was given (then "trace" appears even when empty)
  SteadyClock::time_point started = SteadyClock::now();
  double elapsed_ms = 0;
  Timing timing;
  Json transport;  // the channel's own object (files, stdio, ...); null: none
};

struct JsonOptions {
  bool show_secrets = false;
  bool decode = true;  // add each leg's decoded tree
};

Json mech_json(const gss::Oid& mech);
Json leg_json(const Leg& leg, const JsonOptions& options);
Json context_json(const ContextView& view, const JsonOptions& options);
Json message_json(const MessageCheck& m);
Json warning_json(const Warning& w);
Json document_json(const Document& doc, const JsonOptions& options);

// The milliseconds since doc.started.
double elapsed_since_start(const Document& doc);

}  // namespace authctx::report
