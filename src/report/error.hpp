// The document's error object: one value type (ErrorReport), one builder per origin, and
// one JSON form (error_json), used for handshake failures, transport failures, the peer's
// own reports and the CLI's error documents alike:
//   {"stage", "side", "major": {code, routine, calling, supplementary, text}|null,
//    "minor": {code, text}|null, "mech", "message", "class", "hint"}, and for an acceptor's
//    Kerberos failure "ticket" (ticket_view.hpp) when its keytab could be read
// A peer's error object is kept as it arrived, with "side" and "reported_by_peer" added.
#pragma once
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "gss/status.hpp"
#include "json/json.hpp"
#include "util/errors.hpp"

namespace authctx::report {

using json::Json;

enum class Side { initiator, acceptor };
std::string_view side_name(Side s);

struct ErrorReport {
  std::string stage;
  std::optional<Side> side;
  std::optional<gss::GssError> gss;
  std::string message;  // for non-GSS errors
  std::string cls;
  std::string hint;
  bool transport = false;                            // a transport failure (exit 3), not an authentication one
  std::optional<Json> remote;                        // the peer's own error object, as it sent it
  std::optional<std::int64_t> clock_offset_seconds;  // clock_skew: peer's clock minus ours
  std::optional<Json> ticket;  // an acceptor's failure: what its keytab opened of the AP-REQ (ticket_view.hpp)
};

// A GSS-API failure on this side (classified later: classify.hpp).
ErrorReport gss_report(const gss::GssError& e, Side side);
// A util::Error: stage "transport" for transport errors (transport = true), else the
// kind's name ("usage", "setup", "decode").
ErrorReport error_report(const util::Error& e);
// An exception that is no util::Error (class internal_error) at stage.
ErrorReport internal_report(std::string stage, const std::exception& e);
// The error object the peer sent.
ErrorReport remote_report(const Json& error, Side side);
// The two sides disagree about the exchange (class protocol_error); transport marks it a
// transport failure (exit 3), as it is across a connection.
ErrorReport protocol_report(Side side, std::string message, bool transport);

Json error_json(const ErrorReport& e);

}  // namespace authctx::report
