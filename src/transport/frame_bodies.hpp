// The JSON bodies of the authctx framing's records (authctx_channel.hpp), read from a peer:
// each is parsed within json::k_frame_limits (1 MiB, 32 levels) and checked against its
// schema before anything else sees it, so code above may read the keys it knows with the
// types it expects. A body that is not JSON, is too deep, or holds a known key with the
// wrong type is a transport error of class malformed_frame (exit 3) naming the key and
// what was expected (`the peer's ERROR frame: error.major.code is a string, expected an
// integer`). Keys a body does not know are kept as they arrived (a newer peer may add
// some); they are bounded by the limits above.
//
//   HELLO     {"protocol": string, "messages"?: integer 0..1000, "server"?: string, ...}
//   ERROR     {"error": ERROR, "token_base64"?: base64 string | null}
//   ACCEPTED  {"established"?: bool, "context"?: CONTEXT | null}
//   RESULTS   {"messages": [{"kind": "wrap"|"mic", "direction": "initiator->acceptor"|
//              "acceptor->initiator", "conf_requested"?, "conf"?, "ok"?: bool,
//              "length"?: unsigned, "error"?: string}, ...]}
// ERROR and CONTEXT have the shapes report::error_json and report::context_json write.
#pragma once
#include <span>
#include <string_view>

#include "json/json.hpp"
#include "util/bytes.hpp"

namespace authctx::transport {

using json::Json;

enum class Body { hello, error, accepted, results };

// The checked body of a record of that kind; throws malformed_frame.
Json read_body(Body kind, std::span<const std::uint8_t> payload);

// Checks a value already parsed (an ERROR's "error" object, a CONTEXT) the same way; `what`
// names it in the message. Throws malformed_frame.
void check_error_object(const Json& error, std::string_view what);
void check_context_object(const Json& context, std::string_view what);

}  // namespace authctx::transport
