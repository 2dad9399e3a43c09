// A channel is one side's end of a connection to the other side of a handshake: it sends
// and receives whole typed frames (frame.hpp) and knows nothing of GSS-API or of the party
// behind it. The engine (engine/handshake.hpp) runs the handshake and the per-message plan
// over any channel. Implementations, each one file:
//   authctx_channel   the authctx framing over a record stream (TCP or a folder)
//   sample_channel    MIT's gss-sample protocol (TCP): tokens only, wrap answered by MIC
//   stdio_channel     base64 paragraphs on standard input and output: tokens only
//   files_channel     the authctx framing with one file per record in a folder
//   memory_channel    two ends in one process, for tests
//
// A new transport is one class: say what the framing carries (traits), map frames to the
// wire in send() and receive(), and optionally describe itself for the document, report
// warnings, and run a phase of its own once the context is established.
//
// Contract: send() and receive() throw util::Error of kind transport for every failure of
// the connection (timeout, closed_early, malformed_frame, token_too_large, ...); every wait
// is bounded. receive() returns the frames the peer sent in order; it never returns a frame
// kind the framing cannot carry. A channel may hold sent frames back until it next waits
// for the peer (so frames sent in a row leave together); finish() sends what is left, and
// the channel's owner calls it (or its destructor does, ignoring failures) when the session
// is over. A channel is used by one thread at a time.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "transport/frame.hpp"
#include "transport/protection.hpp"

namespace authctx::transport {

// What a framing carries, which is how the engine knows what to wait for.
struct ChannelTraits {
  MessagePlan plan = MessagePlan::none;
  // The acceptor's verdict travels (accepted or error frame after the initiator's last
  // token). Without it, an initiator whose context completes takes the exchange as
  // accepted, with no report.
  bool verdict = false;
  // The acceptor answers the initiator's bye with its own checks (a results frame).
  bool results = false;
};

// A warning for the document (class, one sentence, a next step).
struct Notice {
  std::string cls;
  std::string message;
  std::string hint;
};

// What a post-establishment phase (after_established) found.
struct PhaseError {
  std::string stage;  // e.g. "sasl_security_layer", "ldap_search"
  std::string cls;
  std::string message;
  std::string hint;
  bool transport = false;  // a transport failure (exit 3) rather than a refusal (exit 1)
};
struct PhaseResult {
  Json result;                      // the document's "application" object
  std::vector<Notice> notices;      // become warnings
  std::optional<PhaseError> error;  // becomes the document's error
};

class Channel {
 public:
  virtual ~Channel() = default;
  virtual const ChannelTraits& traits() const = 0;
  // The greeting the framing exchanges before the first token (authctx HELLO, gss-sample's
  // NOOP|CONTEXT_NEXT). The engine calls it once, before the first send or receive.
  virtual void open() {}
  // Sends one frame; returns transport metadata about it (null when none).
  virtual Json send(const Frame& frame) = 0;
  virtual Frame receive() = 0;
  // The peer's next frame, or nullopt when the peer closed the connection cleanly between
  // frames (the end a framing allows after an exchange that announced no messages).
  virtual std::optional<Frame> receive_or_end() { return receive(); }
  // Acceptor: the per-message rounds the initiator announced before the handshake, when the
  // framing carries them (the authctx HELLO); nullopt when unknown.
  virtual std::optional<int> announced_rounds() const { return std::nullopt; }
  // Acceptor: whether the initiator wants the acceptor's own context view with the verdict
  // (the authctx HELLO's "report", true unless it says false).
  virtual bool report_wanted() const { return true; }
  // Sends whatever the channel still holds back; throws transport errors.
  virtual void finish() {}
  // Once the context is established and the verdict is in, before any per-message plan:
  // a phase the transport runs over the context (LDAP: SASL security-layer negotiation and
  // a search as wrapped SASL buffers). nullopt when the transport has none.
  virtual std::optional<PhaseResult> after_established(Protection& /*protection*/) { return std::nullopt; }
  // The document's "transport" object (kind, folder, session, ...); null for none.
  virtual Json describe() const { return nullptr; }
  // Warnings gathered since the last call.
  virtual std::vector<Notice> take_notices() { return {}; }
};

// "expected WHAT but the peer sent a KIND frame" as a transport error (malformed_frame).
[[noreturn]] void unexpected_frame(const Frame& frame, const std::string& expected);

}  // namespace authctx::transport
