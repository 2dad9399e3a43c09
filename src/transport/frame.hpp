// Frames: what travels between the two sides of a handshake, whatever the wire looks like.
// The engine sends and receives whole typed frames; each channel (channel.hpp) maps them to
// its framing. A framing that has no room for a kind drops what it cannot carry (gss-sample
// and stdio carry no error object and no report: an error frame becomes its token alone).
//
//   kind      sent by    carries
//   token     both       token: a context token (the output of one init/accept step)
//   accepted  acceptor   token: its final context token, if any; body: its own view of the
//                        context (CONTEXT) or null. One frame, so a transport whose
//                        acceptance carries the last token (HTTP 200 + WWW-Authenticate)
//                        sends them together; the authctx framing writes TOKEN then ACCEPTED.
//   error     both       body: the sender's error object; token: its error token (a
//                        KRB-ERROR) if the failing step produced one
//   wrap      both       token: a wrap token; conf: confidentiality requested; mic_wanted
//   mic       both       token: a MIC; data: the message it covers, when the framing sends it
//   plain     initiator  data: a message sent without protection (gss-sample without -wrap)
//   bye       initiator  the per-message phase is over
//   results   acceptor   body: its own per-message checks (a JSON array)
//
// meta is optional transport metadata about the frame (HTTP request line, status and auth
// headers, whether the connection was reused; LDAP message id, result code, diagnostic
// message). The engine records a received frame's meta with the leg its token becomes
// (legs[i].transport), and a channel's send() returns the meta of what it sent.
#pragma once
#include <string_view>

#include "json/json.hpp"
#include "util/bytes.hpp"

namespace authctx::transport {

using json::Json;
using util::Bytes;

enum class FrameKind { token, accepted, error, wrap, mic, plain, bye, results };
std::string_view frame_kind_name(FrameKind kind);

// clang-tidy 14 cannot see that nlohmann::json's implicit move is noexcept.
struct Frame {  // NOLINT(bugprone-exception-escape)
  FrameKind kind = FrameKind::token;
  Bytes token;
  Bytes data;
  bool conf = false;
  bool mic_wanted = true;
  Json body;
  Json meta;

  static Frame context_token(Bytes token);
  static Frame acceptance(Bytes final_token, Json report);
  static Frame failure(Json error, Bytes token);
  static Frame of(FrameKind kind);
};

// Which side of the handshake a channel serves.
enum class Role { initiator, acceptor };

// The per-message plan a framing carries after establishment (engine/plans.hpp runs them;
// RFC 2743 §2.3 per-message calls).
enum class MessagePlan {
  none,      // no per-message checks (HTTP; LDAP runs its own phase: Channel::after_established)
  authctx,   // per round, each direction: wrap with confidentiality, wrap without, a MIC
  wrap_mic,  // per round: the initiator's confidential wrap answered by the acceptor's MIC over
             // the plaintext (MIT gss-sample, stdio)
};

}  // namespace authctx::transport
