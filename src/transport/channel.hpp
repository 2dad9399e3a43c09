// A channel is one side of a framing on a connection: what the handshake drivers (session.hpp)
// need to exchange tokens, errors, the acceptor's report and per-message checks, whatever
// the bytes look like on the wire. Two framings, two sides, four implementations:
//   authctx     hello, tokens, the acceptor's error or its CONTEXT report, per-message round
//               trips with both sides' results (framing.hpp; man authctx(1) documents it)
//   gss-sample  MIT's sample protocol (FACTS.md): tokens only; errors travel as the error
//               token; one wrap+MIC round trip per message
#pragma once
#include <memory>
#include <optional>
#include <vector>

#include "report/document.hpp"
#include "transport/records.hpp"
#include "engine/party.hpp"

namespace authctx::core {

struct Incoming {
  enum class Kind { token, accepted, error };
  Kind kind = Kind::token;
  gss::Bytes token;  // token, or an error token that came with an error
  Json body;         // accepted: {"context": CONTEXT|null}; error: {"error": ERROR}
};

struct MessageOutcome {
  std::vector<MessageCheck> checks;
  std::optional<Json> peer_error;  // the peer reported a failure instead
};

class ClientChannel {
 public:
  virtual ~ClientChannel() = default;
  virtual void start(int messages) = 0;
  virtual void send_token(const gss::Bytes& token) = 0;
  virtual void send_error(const Json& error, const gss::Bytes& token) = 0;
  virtual Incoming receive() = 0;
  // After the initiator completes: the acceptor's verdict (authctx: ACCEPTED or ERROR;
  // gss-sample has none and returns accepted with no report).
  virtual Incoming await_acceptance() = 0;
  virtual MessageOutcome exchange_messages(const Party& initiator, int rounds) = 0;
  virtual void finish() = 0;
};

class ServerChannel {
 public:
  virtual ~ServerChannel() = default;
  virtual void start() = 0;
  virtual Incoming receive() = 0;  // token, or error when the initiator gave up
  virtual void send_token(const gss::Bytes& token) = 0;
  virtual void send_failure(const Json& error, const gss::Bytes& token) = 0;
  virtual void send_accepted(const std::optional<Json>& report) = 0;
  virtual MessageOutcome serve_messages(const Party& acceptor) = 0;
};

std::unique_ptr<ClientChannel> make_client_channel(Framing framing, FrameStream& stream);
std::unique_ptr<ServerChannel> make_server_channel(Framing framing, FrameStream& stream);

// Per-message payloads both framings use, so either side can check what arrived.
gss::Bytes message_payload(int round, std::string_view kind);

// A MessageCheck from its JSON form (message_json), e.g. in a peer's RESULTS frame.
MessageCheck message_from_json(const Json& j);

}  // namespace authctx::core
