// `authctx client --url http://|https://`: HTTP Negotiate (RFC 4559) as a transport channel
// (transport/channel.hpp), initiator side. The engine makes every GSS-API call; this channel
// owns the connection (client.hpp) and every HTTP byte.
//
//   probe()     the request without credentials (GET by default), redirects followed only
//               with follow_redirects (at most max_redirects); the 401's challenges are
//               parsed and the scheme to answer with is chosen from `schemes` in order.
//               Connection and TLS failures throw util::Error (transport); HTTP answers
//               that leave nothing to authenticate to (no 401, no usable scheme, a
//               redirect not followed, 4xx/5xx) come back as a ProbeFailure
//   send()      a context token becomes the same request with `Authorization: <scheme>
//               <base64>` on the same connection; its meta: request line, scheme, token
//               size, connection (new, reused, reopened and why)
//   receive()   the response: 401 with a token of our scheme is the next token; a 2xx is
//               the acceptance (with the final token when WWW-Authenticate carries one, and
//               the acceptor's CONTEXT view when the body is an authctx server's JSON); a
//               401 without a token is the server rejecting the leg it answered (an error
//               frame, class http_token_rejected), as are 403 and other statuses. meta:
//               status, reason, WWW-Authenticate challenges, Connection, Persistent-Auth,
//               body length. A token that is not base64, a malformed WWW-Authenticate that
//               hides our scheme's token and a token over max_token_size are transport
//               errors (malformed_token, malformed_www_authenticate, token_too_large)
//
// traits(): no per-message plan (HTTP has none), the verdict travels (the final status).
// describe() is the document's transport object: URL, method, TLS session and certificate
// facts, channel bindings, the schemes offered and chosen, every HTTP exchange in order,
// redirects. take_notices(): connections reopened between legs (which breaks NTLM), and
// what the runner adds (service-name warnings).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/auth_header.hpp"
#include "http/client.hpp"
#include "transport/channel.hpp"

namespace authctx::http {

struct ClientChannelOptions {
  ClientOptions connection;           // URL, addresses, timeouts, TLS, limits
  std::vector<ResolveEntry> resolve;  // --resolve, for redirects to another host
  std::string method = "GET";
  std::vector<Header> headers;    // --header
  std::string body;               // --data
  bool follow_redirects = false;  // --location
  int max_redirects = 5;
  std::size_t max_token_size = 1U << 20U;                  // decoded WWW-Authenticate token limit
  std::vector<AuthScheme> schemes{AuthScheme::negotiate};  // acceptable, in order of preference
};

// Why the probe found nothing to authenticate to: an error for the document (not a
// transport failure: the server answered in HTTP).
struct ProbeFailure {
  std::string cls;
  std::string message;
  std::string hint;
};

class ClientChannel final : public transport::Channel {
 public:
  explicit ClientChannel(ClientChannelOptions options);
  ~ClientChannel() override;
  ClientChannel(const ClientChannel&) = delete;
  ClientChannel& operator=(const ClientChannel&) = delete;

  std::optional<ProbeFailure> probe();
  AuthScheme scheme() const { return scheme_; }
  const Url& url() const { return options_.connection.url; }  // after redirects: the final one
  const TlsSession* tls() const;
  std::string peer() const;
  // Extra members of the transport object (the runner's "service", "channel_bindings").
  void annotate(const std::string& key, transport::Json value);
  void add_notice(transport::Notice notice) { notices_.push_back(std::move(notice)); }

  const transport::ChannelTraits& traits() const override;
  transport::Json send(const transport::Frame& frame) override;
  transport::Frame receive() override;
  transport::Json describe() const override;
  std::vector<transport::Notice> take_notices() override;
  // The server's 2xx came without a token of our scheme (a status, e.g. "200 OK"; empty
  // otherwise): a mutual-authentication initiator is then left waiting for one.
  const std::string& accepted_without_token() const { return accepted_without_token_; }

 private:
  Request request_with(const std::optional<std::string>& authorization) const;
  Response exchange(const Request& request, ExchangeInfo& info, transport::Json& meta);
  std::optional<ProbeFailure> challenged(const Response& response);
  std::optional<ProbeFailure> redirected(const Response& response, int hop);
  const Challenge* our_challenge(const AuthHeaderParse& parsed) const;
  transport::Frame refusal(const Response& response, const util::Bytes* token, const transport::Json& json_body);
  transport::Frame frame_of(const Response& response, transport::Json meta);

  ClientChannelOptions options_;
  std::unique_ptr<Client> client_;
  AuthScheme scheme_ = AuthScheme::negotiate;
  std::vector<std::string> offered_;
  std::optional<Response> pending_;
  transport::Json pending_meta_;
  transport::Json exchanges_ = transport::Json::array();
  transport::Json redirects_ = transport::Json::array();
  transport::Json extra_ = transport::Json::object();
  std::vector<transport::Notice> notices_;
  int legs_ = 0;  // legs that crossed this channel (sent and received tokens)
  int last_sent_leg_ = 0;
  std::string accepted_without_token_;
};

// The response headers a leg's meta shows: the authentication ones, Connection and
// Persistent-Auth, with tokens summarised ("Negotiate <1588 bytes>").
transport::Json auth_headers_json(const Headers& headers, std::string_view name);

}  // namespace authctx::http
