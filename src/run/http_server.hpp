// `authctx server --listen HOST:PORT --framing http`: a web server that authenticates with
// HTTP Negotiate (RFC 4559), plain or over TLS, to see what a client really sends.
//
// Connections are served by http::Server (one I/O thread, no thread per connection). A
// request without credentials gets 401 with `WWW-Authenticate: Negotiate` (and `NTLM` when
// offered); a request with credentials starts an authentication: the engine's acceptor runs
// on a pooled worker (at most max_connections, reused) over http::ServerChannel, tokens go
// back and forth across requests on the kept-alive connection, and the completed exchange
// gets 200 with the final token and a JSON body. One document per authentication, tagged
// with its connection; a connection that ends in an error before any authentication (not
// HTTP, malformed, TLS refused) gets a document with that error. Over TLS the acceptor's
// channel bindings are the RFC 5929 tls-server-end-point of our certificate (unless
// --channel-bindings), and each document says whether the client's matched
// (`transport.channel_bindings`: expected, sent, matched, required).
// --documents failures (load tests): an authentication that establishes its context is
// recorded lean and only counted; the failed ones, and the connections that end in an
// error, still get their documents. --once: the first document ends the server. SIGINT/SIGTERM stop it (grace, then
// cut).
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "engine/options.hpp"
#include "http/auth_header.hpp"
#include "net/socket.hpp"
#include "report/sink.hpp"
#include "run/server.hpp"

namespace authctx::run {

struct HttpServerOptions {
  std::vector<net::Endpoint> listen;
  Documents documents = Documents::all;  // failures: an established authentication is counted only
  std::string tls_cert;                  // with tls_key: https
  std::string tls_key;
  bool once = false;
  int max_connections = 16;
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds grace{5000};
  std::size_t max_token_size = 1U << 20U;
  std::vector<http::AuthScheme> offered{http::AuthScheme::negotiate};
};

ServerOutcome run_http_server(const HttpServerOptions& server, engine::AcceptorOptions acceptor,
                              const engine::SessionOptions& session, report::EventSink& sink,
                              const ListeningCallback& on_listening);

}  // namespace authctx::run
