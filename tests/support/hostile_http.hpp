// Test support: a scripted hostile HTTP server on 127.0.0.1 for client tests. Each accepted
// connection runs a script of steps (read a request, send bytes, send them a byte at a time,
// pause, close, reset, send header lines without end); connection i runs script i, the last
// script repeats. Every step is bounded in time and size, each connection has its own
// thread (at most 32), and the destructor stops and joins everything, so no thread or
// socket outlives a test.
#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace authctx::test {

struct PeerStep {
  enum class Kind { read_request, send, send_slowly, sleep, close, reset, endless_headers };
  Kind kind = Kind::send;
  std::string bytes;
  std::chrono::milliseconds pause{0};
};
using PeerScript = std::vector<PeerStep>;

namespace peer {
PeerStep read_request();
PeerStep send(std::string bytes);
PeerStep send_slowly(std::string bytes, std::chrono::milliseconds per_byte);
PeerStep sleep(std::chrono::milliseconds pause);
PeerStep close();  // FIN
PeerStep reset();  // RST (SO_LINGER 0)
// "HTTP/1.1 200 OK" and then "X-Filler-N: ..." lines, never the blank line, until the
// client goes away, 32 MiB were sent or 20 s passed.
PeerStep endless_headers();
// A complete response with Content-Length; header_lines without CRLF.
std::string response(int status, const std::vector<std::string>& header_lines, const std::string& body = {});
}  // namespace peer

class HostileHttpPeer {
 public:
  explicit HostileHttpPeer(std::vector<PeerScript> scripts);
  ~HostileHttpPeer();
  HostileHttpPeer(const HostileHttpPeer&) = delete;
  HostileHttpPeer& operator=(const HostileHttpPeer&) = delete;

  int port() const { return port_; }
  int connections() const { return connections_.load(); }
  // Every request read (header block and body), in arrival order.
  std::vector<std::string> requests() const;

 private:
  void accept_loop();
  void run_script(int fd, const PeerScript& script);
  bool read_request(int fd);

  std::vector<PeerScript> scripts_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace authctx::test
