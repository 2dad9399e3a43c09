// An HTTP/1.1 server for the Negotiate transport, plain or TLS, that serves many
// connections without a thread per connection: one io_context, coroutines on a strand per
// connection, run by a fixed number of threads (issue 17). Authentication state lives in a
// ConnectionHandler made for each connection, because NTLM and connection-bound acceptors
// bind the handshake to the connection.
//
// Contract:
// - Memory is bounded: at most max_connections at once (more wait in the listen backlog),
//   each with a request header block of at most max_header_bytes and a body of at most
//   max_body_bytes. Every read and write has a deadline (timeout); a keep-alive connection
//   that sends nothing for timeout is closed; at most max_requests per connection.
// - A request that is not HTTP or is malformed gets 400 (header block too large: 431, body
//   too large: 413, incomplete within timeout: 408) with Connection: close, and the
//   connection ends; the server keeps serving others. On a TLS port a client that speaks
//   plain HTTP gets a plain-text 400 that says so.
// - For each connection the factory is called once, after the TLS handshake (whether it
//   succeeded or not); the handler then sees each request in order (on_request, on the
//   connection's strand: one at a time), and on_close exactly once with why it ended.
//   A handler that throws gets the client a 500 and the connection closed.
// - stop() (thread-safe; also SIGINT/SIGTERM when handle_signals) stops accepting, closes
//   idle connections at once, lets busy ones finish their current request for grace, then
//   cuts them off. run() returns when every connection has ended.
//
// Boost.Beast stays inside server.cpp.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/certificate.hpp"
#include "http/message.hpp"
#include "http/tls.hpp"

namespace authctx::http {

struct ListenAddress {
  std::string host;        // numeric or a name; IPv6 without brackets
  std::uint16_t port = 0;  // 0: any free port
  std::string text() const;
};

struct ServerOptions {
  std::vector<ListenAddress> listen;
  std::string tls_cert;  // PEM chain; with tls_key: https
  std::string tls_key;
  int max_connections = 64;
  int threads = 1;
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds grace{5000};
  std::size_t max_header_bytes = std::size_t{64} * 1024;
  std::size_t max_body_bytes = 1u << 20;
  int max_requests = 1000;  // per connection
  bool handle_signals = false;
  std::string server_header = "authctx";
};

struct ConnectionInfo {
  std::uint64_t id = 0;  // 1, 2, ... in accept order
  std::string peer;      // "127.0.0.1:40312"
  std::string local;     // the listening address it came in on
  bool tls = false;
  std::optional<TlsSession> tls_session;  // after a good handshake; certificate = ours
  std::string sni;                        // the server name the client sent, if any
};

struct RequestInfo {
  int index = 0;  // 1-based on this connection
  int version = 11;
  bool keep_alive = true;  // the client asked to keep the connection
  std::size_t header_bytes = 0;
};

struct CloseInfo {
  // peer_closed, closed_by_handler, request_limit, idle_timeout, timeout, malformed_request,
  // header_too_large, body_too_large, closed_early, reset, not_tls, tls_handshake_failed,
  // handler_error, server_stopping
  std::string cls;
  std::string message;
  int requests = 0;     // responses sent
  int status_sent = 0;  // the error status we answered with, if any (400, 408, 413, 431, 500)
  bool clean() const { return cls == "peer_closed" || cls == "closed_by_handler" || cls == "idle_timeout"; }
};

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  virtual Response on_request(const Request& request, const RequestInfo& info) = 0;
  virtual void on_close(const CloseInfo& info) = 0;
};

using HandlerFactory = std::function<std::unique_ptr<ConnectionHandler>(const ConnectionInfo&)>;

struct ServerStats {
  std::uint64_t accepted = 0;
  int active = 0;
  int peak_active = 0;
};

class Server {
 public:
  // Binds every listen address (setup errors: listen_failed; tls_* for unreadable files).
  Server(ServerOptions options, HandlerFactory factory);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  const std::vector<ListenAddress>& bound() const;             // the ports actually bound
  const std::optional<CertificateFacts>& certificate() const;  // ours, with TLS
  void run();
  void stop();
  ServerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace authctx::http
