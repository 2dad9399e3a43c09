// TCP plumbing for client, server and doctor: endpoints ("127.0.0.1:PORT", "[::1]:PORT",
// "localhost:PORT"), a move-only socket whose every read and write is bounded by a deadline
// (poll), TCP_NODELAY on every connection, and listeners. A read or write tries the socket
// first and polls only when it would block, so a handshake whose bytes are already there
// costs one system call per read. Failures throw util::Error of kind transport (exit 3) or,
// for a listen address that cannot be bound, setup (exit 5).
#pragma once
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "util/process.hpp"

namespace authctx::net {

using Clock = std::chrono::steady_clock;

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string text() const;  // "127.0.0.1:88", "[::1]:88"
};
// Parses HOST:PORT or [IPV6]:PORT; throws a usage error.
Endpoint parse_endpoint(const std::string& text);

class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}

  int fd() const { return fd_.get(); }
  int release() noexcept { return fd_.release(); }
  explicit operator bool() const { return static_cast<bool>(fd_); }
  void shutdown_both() const;

  // Reads exactly out.size() bytes before deadline. Throws transport errors: "closed" when
  // the peer closes first (with how many bytes had arrived), "timeout", "reset".
  void read_exact(std::span<std::uint8_t> out, Clock::time_point deadline, const std::atomic<bool>* abort = nullptr);
  // Reads what has arrived, at least one byte, waiting until deadline for the first; 0 when
  // the peer has closed. Throws "timeout", "reset", "aborted".
  std::size_t read_some(std::span<std::uint8_t> out, Clock::time_point deadline,
                        const std::atomic<bool>* abort = nullptr);
  // Never waits: the bytes already there (> 0), 0 when the peer has closed, -1 when nothing
  // has arrived yet. Throws "reset".
  long try_read(std::span<std::uint8_t> out);
  // Writes all bytes in as few send() calls as the kernel allows (one per frame normally).
  void write_all(std::span<const std::uint8_t> data, Clock::time_point deadline);
  std::string peer() const;

 private:
  util::Fd fd_;
};

Socket connect_to(const Endpoint& ep, std::chrono::milliseconds timeout);

class Listener {
 public:
  explicit Listener(const Endpoint& ep);
  int fd() const { return sock_.fd(); }
  std::uint16_t port() const { return port_; }
  // Accepts one connection if one is waiting (non-blocking listener); empty otherwise. The
  // connection is non-blocking too: every wait on it is a poll with a deadline.
  // error, when given, receives errno after a failed accept (EMFILE: out of descriptors).
  Socket accept_one(int* error = nullptr);

 private:
  Socket sock_;
  std::uint16_t port_ = 0;
};

void set_nodelay(int fd);

}  // namespace authctx::net
