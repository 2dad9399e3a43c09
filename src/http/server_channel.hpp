// `authctx server --framing http`: one HTTP Negotiate authentication on one connection, as a
// transport channel (transport/channel.hpp), acceptor side. Two threads meet here: the
// connection's HTTP handler (server.hpp, an I/O thread) delivers each request that carries
// credentials and waits, bounded, for its response; the engine (a worker thread) receives
// the tokens and sends its answers:
//
//   receive()   the delivered request's `Authorization: Negotiate|NTLM|Kerberos <base64>`
//               as a token frame (meta: request line, scheme, token size, Host). A raw
//               NTLM message under Negotiate is called out as an NTLM fallback with its
//               likely reason. A malformed or oversized credential is a transport error
//               (malformed_token, token_too_large) and its request gets 400
//   send()      a token: 401 with `WWW-Authenticate: <scheme> <token>` on the kept-alive
//               connection; the acceptance: 200 with the final token and a JSON body
//               {"established": true, "acceptor": CONTEXT|null, "channel_bindings": ...};
//               an error: 401 with the error token, if any, and {"established": false,
//               "error": ERROR}. meta: status and the WWW-Authenticate sent
//
// Every wait is bounded (timeout); when the connection goes away, receive() throws
// closed_early with why. end_session() answers a request the engine left unanswered (its session
// failed before it could) with the document's error.
#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/auth_header.hpp"
#include "http/message.hpp"
#include "http/server.hpp"
#include "transport/channel.hpp"

namespace authctx::http {

struct ServerChannelOptions {
  std::vector<AuthScheme> offered{AuthScheme::negotiate};  // the schemes a 401 lists
  std::chrono::milliseconds timeout{30000};
  std::size_t max_token_size = 1U << 20U;
  ConnectionInfo connection;
  json::Json channel_bindings;  // what the acceptor expects, for the document and the 200 body
};

// Adds the bare challenges: one WWW-Authenticate field per offered scheme.
void add_challenges(Headers& headers, const std::vector<AuthScheme>& offered);

class ServerChannel final : public transport::Channel {
 public:
  explicit ServerChannel(ServerChannelOptions options);

  // --- the HTTP handler's side ---
  void deliver(const Request& request, const RequestInfo& info);
  // The answer to the delivered request; nullopt when none came within timeout, or when the
  // session ended before its engine took the request (returned(): give it to a new session).
  std::optional<Response> take_response(std::chrono::milliseconds timeout);
  bool returned() const;
  // The connection ended (close.message says how): a waiting receive() throws.
  void connection_closed(const CloseInfo& close);
  // The session is over: answers a request still waiting with error (the document's).
  void end_session(const json::Json& error);
  bool finished() const;

  // --- the engine's side ---
  const transport::ChannelTraits& traits() const override;
  transport::Json send(const transport::Frame& frame) override;
  transport::Frame receive() override;
  transport::Json describe() const override;
  std::vector<transport::Notice> take_notices() override;

 private:
  void respond(Response response);  // with the lock held
  transport::Frame token_frame(const Request& request, const RequestInfo& info);

  ServerChannelOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<std::pair<Request, RequestInfo>> request_;  // delivered, not yet received
  bool awaiting_response_ = false;                          // received, not yet answered
  std::optional<Response> response_;
  std::optional<std::string> closed_;  // why the connection ended
  bool finished_ = false;
  bool returned_ = false;                      // the session ended with a delivered request it never took
  AuthScheme scheme_ = AuthScheme::negotiate;  // the scheme the client answered with
  int tokens_received_ = 0;
  json::Json requests_ = json::Json::array();
  std::vector<transport::Notice> notices_;
};

}  // namespace authctx::http
