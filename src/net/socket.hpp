// TCP plumbing for client, server and doctor: endpoints ("127.0.0.1:PORT", "[::1]:PORT",
// "localhost:PORT"), a move-only socket whose every read and write is bounded by a deadline
// (poll), TCP_NODELAY on every connection, and listeners. Failures throw util::Error of
// kind transport (exit 3) or, for a listen address that cannot be bound, setup (exit 5).
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
  // Accepts one connection if one is waiting (non-blocking listener); empty otherwise.
  Socket accept_one();

 private:
  Socket sock_;
  std::uint16_t port_ = 0;
};

void set_nodelay(int fd);

}  // namespace authctx::net
