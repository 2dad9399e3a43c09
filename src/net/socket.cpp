#include "net/socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "util/errors.hpp"

namespace authctx::net {
namespace {

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 100));
}

std::string errno_text(int err) { return std::strerror(err); }
}  // namespace

std::string Endpoint::text() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Endpoint parse_endpoint(const std::string& text) {
  Endpoint ep;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw util::usage_error("bad address '" + text + "': write [IPV6]:PORT, e.g. [::1]:8888");
    ep.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
      throw util::usage_error("bad address '" + text + "': write HOST:PORT, e.g. 127.0.0.1:8888");
    ep.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535)
    throw util::usage_error("bad port in '" + text + "'");
  ep.port = static_cast<std::uint16_t>(value);
  return ep;
}

void Socket::shutdown_both() const {
  if (fd_) ::shutdown(fd_.get(), SHUT_RDWR);
}

long Socket::try_read(std::span<std::uint8_t> out) {
  for (;;) {
    const auto n = ::recv(fd_.get(), out.data(), out.size(), MSG_DONTWAIT);
    if (n >= 0) return static_cast<long>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
    throw util::transport_error("reset", "connection error: " + errno_text(errno), "the peer reset the connection");
  }
}

std::size_t Socket::read_some(std::span<std::uint8_t> out, Clock::time_point deadline, const std::atomic<bool>* abort) {
  for (;;) {
    if (abort != nullptr && abort->load())
      throw util::transport_error("aborted", "the connection was closed: shutting down");
    // The bytes are usually there already (the peer answers before we ask): one recv, no poll.
    const long n = try_read(out);
    if (n >= 0) return static_cast<std::size_t>(n);
    const int wait = remaining_ms(deadline);
    if (wait == 0) throw util::transport_error("timeout", "timed out waiting for the peer");
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, wait) < 0 && errno != EINTR)
      throw util::transport_error("io_error", "poll: " + errno_text(errno));
  }
}

void Socket::read_exact(std::span<std::uint8_t> out, Clock::time_point deadline, const std::atomic<bool>* abort) {
  std::size_t done = 0;
  while (done < out.size()) {
    std::size_t n = 0;
    try {
      n = read_some(out.subspan(done), deadline, abort);
    } catch (const util::Error& e) {
      if (e.error_class() != "timeout") throw;
      throw util::transport_error(
          "timeout",
          "timed out waiting for the peer (" + std::to_string(done) + " of " + std::to_string(out.size()) +
              " bytes received)",
          "the peer is silent: check it is running and speaks the same --framing; raise --timeout");
    }
    if (n == 0)
      throw util::transport_error("closed_early",
                                  "the peer closed the connection (" + std::to_string(done) + " of " +
                                      std::to_string(out.size()) + " bytes of a frame received)",
                                  "the peer gave up or crashed; its own output says why");
    done += n;
  }
}

void Socket::write_all(std::span<const std::uint8_t> data, Clock::time_point deadline) {
  std::size_t done = 0;
  while (done < data.size()) {
    // Try first: a socket buffer with room (the usual case) takes the frame in one send().
    const auto n = ::send(fd_.get(), data.data() + done, data.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      throw util::transport_error("reset", "cannot send to the peer: " + errno_text(errno),
                                  "the peer closed the connection");
    const int wait = remaining_ms(deadline);
    if (wait == 0) throw util::transport_error("timeout", "timed out sending to the peer");
    pollfd p{fd_.get(), POLLOUT, 0};
    if (::poll(&p, 1, wait) < 0 && errno != EINTR)
      throw util::transport_error("io_error", "poll: " + errno_text(errno));
  }
}

std::string Socket::peer() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd_.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
  char host[NI_MAXHOST] = {};
  char port[NI_MAXSERV] = {};
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&ss), len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "?";
  const std::string h(host);
  return (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
}

void set_nodelay(int fd) {
  // Without TCP_NODELAY a peer that writes a frame in pieces (MIT gss-sample sends flags,
  // length and token in three send() calls) stalls ~44 ms twice per context on Nagle plus
  // delayed ACK (measured on loopback: 11 contexts/s stock, ~1,400/s with TCP_NODELAY).
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Socket connect_to(const Endpoint& ep, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const auto port = std::to_string(ep.port);
  const int gai = ::getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &res);
  if (gai != 0)
    throw util::transport_error("resolve_failed", "cannot resolve " + ep.host + ": " + ::gai_strerror(gai),
                                "use an address such as 127.0.0.1 or [::1]");
  std::string last_error = "no address";
  const auto deadline = Clock::now() + timeout;
  for (auto* ai = res; ai != nullptr; ai = ai->ai_next) {
    Socket s(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
    if (!s) continue;
    int rc = ::connect(s.fd(), ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{s.fd(), POLLOUT, 0};
      int prc = 0;
      while ((prc = ::poll(&p, 1, remaining_ms(deadline))) == 0 && Clock::now() < deadline) {}
      int err = 0;
      socklen_t len = sizeof err;
      if (prc <= 0) {
        err = ETIMEDOUT;
      } else {
        ::getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, &err, &len);
      }
      rc = err == 0 ? 0 : -1;
      errno = err;
    }
    if (rc == 0) {
      set_nodelay(s.fd());
      ::freeaddrinfo(res);
      return s;
    }
    last_error = errno_text(errno);
  }
  ::freeaddrinfo(res);
  throw util::transport_error(last_error.find("refused") != std::string::npos ? "connection_refused" : "connect_failed",
                              "cannot connect to " + ep.text() + ": " + last_error,
                              "check that `authctx server --listen " + ep.text() + "` (or the peer) is running");
}

Listener::Listener(const Endpoint& ep) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* res = nullptr;
  const auto port = std::to_string(ep.port);
  const int gai = ::getaddrinfo(ep.host.c_str(), port.c_str(), &hints, &res);
  if (gai != 0) throw util::setup_error("listen_failed", "cannot resolve " + ep.host + ": " + ::gai_strerror(gai));
  std::string last_error;
  for (auto* ai = res; ai != nullptr && !sock_; ai = ai->ai_next) {
    Socket s(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
    if (!s) continue;
    int one = 1;
    ::setsockopt(s.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6) ::setsockopt(s.fd(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    // A deep backlog: a burst of connections waits in the kernel for the server's accept
    // loop, which accepts every waiting connection at once.
    if (::bind(s.fd(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(s.fd(), SOMAXCONN) != 0) {
      last_error = errno_text(errno);
      continue;
    }
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(s.fd(), reinterpret_cast<sockaddr*>(&ss), &len);
    port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                           : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    sock_ = std::move(s);
  }
  ::freeaddrinfo(res);
  if (!sock_)
    throw util::setup_error("listen_failed", "cannot listen on " + ep.text() + ": " + last_error,
                            "choose a free port (or port 0 for any) on a local address");
}

Socket Listener::accept_one(int* error) {
  const int fd = ::accept4(sock_.fd(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) {
    if (error != nullptr) *error = errno;
    return Socket();
  }
  set_nodelay(fd);
  return Socket(fd);
}

}  // namespace authctx::net
