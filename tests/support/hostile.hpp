// Hostile peers for the attacker's tests (tests/integration/hostile_*_test.cpp): a scripted
// TCP server that authctx clients connect to, scripted raw connections to an authctx
// server, a proxy that sits between a real client and a real server and rewrites what
// passes, and byte builders for both framings, hostile JSON and hostile Kerberos tokens.
// Scripts run on their own threads and never touch Catch2 (it is not thread-safe): they
// record what they saw in plain fields the test reads after joining. Every wait is bounded
// and every thread and socket goes away with its object.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace authctx::test {

using Bytes = std::vector<std::uint8_t>;
using Millis = std::chrono::milliseconds;

// One TCP connection, either side. Failures of the peer (it closed, reset) end an operation
// quietly: a script goes on or stops, the test judges by what authctx did.
class HostileConn {
 public:
  explicit HostileConn(int fd) : fd_(fd) {}
  static HostileConn connect_to(int port);  // fd -1 when the connection failed
  HostileConn(HostileConn&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  HostileConn& operator=(HostileConn&&) = delete;
  HostileConn(const HostileConn&) = delete;
  ~HostileConn();

  bool ok() const { return fd_ >= 0; }
  // Writes all bytes; false when the peer has gone.
  bool send(const Bytes& bytes) const;
  bool send(const std::string& text) const { return send(Bytes(text.begin(), text.end())); }
  // One byte every `gap`, until all are sent, the peer goes, or `budget` runs out.
  bool trickle(const Bytes& bytes, Millis gap, Millis budget) const;
  // One framed record (1 type/flags byte, 4-byte length, payload), or nullopt when the peer
  // closed or nothing complete came within timeout. Payloads over 1 MiB are refused.
  struct Record {
    std::uint8_t type = 0;
    Bytes payload;
  };
  std::optional<Record> read_record(Millis timeout = Millis(10000)) const;
  // Reads until the peer closes (true) or the timeout (false); what arrived goes to `got`.
  bool wait_closed(Millis timeout, Bytes* got = nullptr) const;
  void reset();  // RST: SO_LINGER 0, then close
  void close();  // FIN
  void shutdown_write() const;
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// A server on 127.0.0.1 (free port) that runs `script` on every connection it accepts, each
// on its own thread, which owns the connection. Scripts wait only on their peer and with
// bounds (read_record, wait_closed, trickle end when the peer goes); the destructor stops
// accepting and joins every thread.
class HostileServer {
 public:
  using Script = std::function<void(HostileConn&)>;
  explicit HostileServer(Script script);
  ~HostileServer();
  HostileServer(const HostileServer&) = delete;
  HostileServer& operator=(const HostileServer&) = delete;
  int port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  void loop();
  Script script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> workers_;
};

// A proxy on 127.0.0.1 (free port) to 127.0.0.1:upstream for framed protocols: it reads
// whole records from each side and hands each to `rewrite` (direction: true = client to
// server, index: the record's number in that direction, from 0), which returns the bytes
// to forward instead (empty: drop it; several records may be returned joined). One
// connection at a time; the destructor stops it.
class RewritingProxy {
 public:
  using Rewrite = std::function<Bytes(bool to_server, int index, const HostileConn::Record& record)>;
  RewritingProxy(int upstream, Rewrite rewrite);
  ~RewritingProxy();
  RewritingProxy(const RewritingProxy&) = delete;
  RewritingProxy& operator=(const RewritingProxy&) = delete;
  int port() const { return server_->port(); }

 private:
  int upstream_;
  Rewrite rewrite_;
  std::unique_ptr<HostileServer> server_;
};

// A record's bytes: type or flags, 4-byte big-endian length (announced may differ from the
// payload: a lie about the length), payload.
Bytes record(std::uint8_t type, const Bytes& payload);
Bytes record(std::uint8_t type, const std::string& payload);
Bytes record_header(std::uint8_t type, std::uint32_t announced_length);
Bytes bytes(const std::string& text);

// The authctx framing's record types and a server's and a client's valid HELLO.
namespace wire {
inline constexpr std::uint8_t hello = 0xA1, token = 0xA2, accepted = 0xA3, error = 0xA4, wrap = 0xA5, mic = 0xA6,
                              bye = 0xA7, results = 0xA8;
}
Bytes server_hello();
Bytes client_hello(int messages = 1);

// `depth` nested arrays: [[[...]]].
std::string deep_json(std::size_t depth);
// Text no terminal should act on, with invalid UTF-8: ESC sequences (clear screen, set the
// window title, colours), BEL, CR, a C1 CSI, a right-to-left override, a lone 0xff byte.
std::string evil_text();
// True when text holds none of evil_text()'s control bytes (ESC, BEL, CR, C1 CSI, RLO).
bool free_of_controls(const std::string& text);

// A KRB-ERROR (RFC 4120 §5.9.1) inside a krb5 GSS-API initial context token (RFC 4121
// §4.1, TOK_ID 03 00), with every string the decoder shows set to `text`: realm, service
// name, e-text.
Bytes krb_error_token(const std::string& text, int error_code = 41);
// `n` bytes from a fixed-seed generator (reproducible "random" tokens).
Bytes random_bytes(std::size_t n, std::uint32_t seed);

}  // namespace authctx::test
