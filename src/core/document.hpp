// The result of one handshake as plain values, and its JSON form (CONTRACT.md "JSON"):
// legs with their tokens, both sides' context views, per-message checks, warnings, the
// error. to_json maps each type once; secrets (session-key bytes) appear only when
// JsonOptions::show_secrets is set.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "decode/value.hpp"
#include "gss/buffer.hpp"
#include "gss/inquire.hpp"
#include "gss/oid.hpp"
#include "gss/status.hpp"

namespace authctx::core {

using Json = nlohmann::ordered_json;

enum class Direction { initiator_to_acceptor, acceptor_to_initiator };
std::string_view direction_name(Direction d);

enum class Side { initiator, acceptor };
std::string_view side_name(Side s);

struct Leg {
  int index = 0;
  Direction direction = Direction::initiator_to_acceptor;
  gss::Bytes token;
  std::optional<decode::Value> decoded;  // decoded once, when the leg is recorded
};

// Decodes a leg's token (secrets redacted unless show_secrets) and keeps the tree.
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

struct ErrorReport {
  std::string stage;
  std::optional<Side> side;
  std::optional<gss::GssError> gss;
  std::string message;  // for non-GSS errors
  std::string cls;
  std::string hint;
  bool transport = false;      // a transport failure (exit 3), not an authentication one
  std::optional<Json> remote;  // the peer's own error object, as it sent it
  std::optional<std::int64_t> clock_offset_seconds;  // clock_skew: peer's clock minus ours
};

struct TraceLine {
  std::optional<int> leg;  // the leg being produced when the library wrote it
  std::string message;
};

struct ContextView {
  gss::ContextInfo info;
  std::optional<std::uint32_t> requested_flags;  // known for the initiator
  std::optional<Json> delegated;                 // acceptor: the delegated credential
};

struct Document {
  std::string command;
  bool established = false;
  gss::Oid mech;            // the mechanism that ran (for SPNEGO: the negotiated one)
  gss::Oid requested_mech;  // what the initiator asked for (spnego, krb5, ...)
  std::string target;       // the initiator's --target as given (ad_diagnostics.hpp reads it)
  std::vector<Leg> legs;
  std::optional<ContextView> initiator;
  std::optional<ContextView> acceptor;
  std::optional<Json> acceptor_report;  // client: the acceptor's own view, sent by the server
  std::string peer;                     // client/server: the other end's address
  std::vector<MessageCheck> messages;
  std::optional<Json> negotiation;      // SPNEGO: offered, optimistic token, negotiated, mechListMIC
  std::vector<Warning> warnings;
  std::optional<ErrorReport> error;
  std::vector<TraceLine> trace;
  bool traced = false;  // --trace was given (then "trace" appears even when empty)
  double elapsed_ms = 0;
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
Json error_json(const ErrorReport& e);
Json document_json(const Document& doc, const JsonOptions& options);

}  // namespace authctx::core
