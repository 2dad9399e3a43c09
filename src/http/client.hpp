// An HTTP/1.1 client connection for the Negotiate transport: one server, one connection at
// a time, kept alive across requests because NTLM (and any connection-bound acceptor) binds
// the authentication to the TCP connection. Redirects are returned, never followed.
//
// Contract:
// - Every step has a bound: connect (connect_timeout), TLS handshake and each request and
//   response exchange (timeout, for the whole exchange, so a server trickling bytes is cut
//   off too). The response header block is bounded by max_header_bytes and the body by
//   max_body_bytes; nothing larger is allocated.
// - TLS: the system CA store unless cacert is given; insecure skips the chain and name
//   check but still records the certificate. SNI and the name check use url.host, even when
//   --resolve sends the connection elsewhere (connect_addresses).
// - exchange() tells whether the request went on a connection that had carried an earlier
//   exchange (reused) or whether a new connection had to be opened after the server closed
//   the previous one (reopened, with the reason): NTLM fails across such a reopen.
//   A request that finds its kept-alive connection closed before any response byte is sent
//   once more on a new connection, as browsers and curl do; that too counts as reopened.
// - Failures throw util::Error of kind transport with a class: resolve_failed,
//   connection_refused, connect_failed, timeout, closed_early, empty_reply, reset, not_http,
//   malformed_response, header_too_large, body_too_large, tls_* (tls_support.hpp); setup
//   errors for unreadable --cacert files.
//
// Boost.Beast stays inside client.cpp.
#pragma once
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"
#include "http/tls.hpp"
#include "http/url.hpp"

namespace authctx::http {

struct ClientOptions {
  Url url;
  std::vector<std::string> connect_addresses;  // numeric addresses (--resolve); empty: resolve url.host
  // Numeric addresses url.host was found at earlier in this run (a load run looks it up once,
  // as curl's DNS cache does): used without a lookup, and not reported as --resolve.
  std::vector<std::string> known_addresses;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{30000};
  std::string cacert;
  bool insecure = false;
  std::size_t max_header_bytes = std::size_t{64} * 1024;
  std::size_t max_body_bytes = 4u << 20;
  std::string user_agent = "authctx";
};

struct ExchangeInfo {
  int connection = 0;     // 1-based number of the connection the exchange used
  bool reused = false;    // that connection had carried an earlier exchange
  bool reopened = false;  // a new connection replaced one the server closed
  std::string reopen_reason;
  std::string peer;               // address:port of the connection
  std::size_t request_bytes = 0;  // request line, header block and body as sent
  std::size_t header_bytes = 0;   // response status line and header block
  double elapsed_ms = 0;
};

class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends request (adding Host, User-Agent and Content-Length) and reads the response,
  // skipping interim 1xx responses. info describes the connection used.
  Response exchange(const Request& request, ExchangeInfo& info);
  // The TLS session of the current (or last) connection; nullptr for http://.
  const TlsSession* tls() const;
  bool is_open() const;
  void close();
  int connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace authctx::http
