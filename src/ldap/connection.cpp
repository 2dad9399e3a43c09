#include "ldap/connection.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ldap/tls.hpp"

namespace authctx::ldap {
namespace detail {

bool wait_fd(int fd, short events, Clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return true;  // let the following call report the error
  }
}

}  // namespace detail

namespace {

std::string address_text(const sockaddr* sa, socklen_t len) {
  char host[NI_MAXHOST] = {};
  char port[NI_MAXSERV] = {};
  if (::getnameinfo(sa, len, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0) return "?";
  const std::string h(host);
  return (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
}

Error timeout_error(const std::string& what) {
  return transport_error("timeout", "timed out " + what,
                         "the server is silent: check the URL's host and port, or raise --timeout");
}

}  // namespace

Connection::Connection(Connection&& o) noexcept
    : fd_(o.fd_), peer_(std::move(o.peer_)), tls_(std::move(o.tls_)), tls_info_(std::move(o.tls_info_)) {
  o.fd_ = -1;
}

Connection& Connection::operator=(Connection&& o) noexcept {
  if (this != &o) {
    tls_.reset();
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
    peer_ = std::move(o.peer_);
    tls_ = std::move(o.tls_);
    tls_info_ = std::move(o.tls_info_);
  }
  return *this;
}

Connection::~Connection() {
  tls_.reset();  // before the socket closes
  if (fd_ >= 0) ::close(fd_);
}

Connection Connection::open(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const auto port_text = std::to_string(port);
  const int gai = ::getaddrinfo(host.c_str(), port_text.c_str(), &hints, &res);
  if (gai != 0)
    throw transport_error("resolve_failed", "cannot resolve " + host + ": " + ::gai_strerror(gai),
                          "check the host name, or map it with --resolve " + host + ":" + port_text + ":ADDRESS");
  const auto deadline = Clock::now() + timeout;
  std::string last_error = "no address";
  bool refused = false;
  bool timed_out = false;
  for (auto* ai = res; ai != nullptr; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    int err = rc == 0 ? 0 : errno;
    if (rc != 0 && err == EINPROGRESS) {
      if (!detail::wait_fd(fd, POLLOUT, deadline)) {
        err = ETIMEDOUT;
        timed_out = true;
      } else {
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      }
    }
    if (err == 0) {
      // One LDAP PDU per write; no Nagle delay between a request and the next (FACTS.md).
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      Connection c;
      c.fd_ = fd;
      c.peer_ = address_text(ai->ai_addr, ai->ai_addrlen);
      ::freeaddrinfo(res);
      return c;
    }
    refused = refused || err == ECONNREFUSED;
    last_error = std::strerror(err);
    ::close(fd);
  }
  ::freeaddrinfo(res);
  const auto where = host + ":" + port_text;
  if (timed_out && !refused) throw timeout_error("connecting to " + where);
  throw transport_error(refused ? "connection_refused" : "connect_failed",
                        "cannot connect to " + where + ": " + last_error,
                        "check that the directory server listens there (ldap:// is port 389, ldaps:// 636)");
}

void Connection::start_tls(const TlsOptions& options, Clock::time_point deadline) {
  tls_ = detail::TlsSession::handshake(fd_, options, deadline);
  tls_info_ = tls_->info();
}

void Connection::write_all(ByteView data, Clock::time_point deadline) {
  if (tls_) {
    tls_->write_all(data, deadline);
    return;
  }
  std::size_t done = 0;
  while (done < data.size()) {
    if (!detail::wait_fd(fd_, POLLOUT, deadline)) throw timeout_error("sending to the server");
    const auto n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw transport_error("reset", std::string("cannot send to the server: ") + std::strerror(errno),
                            "the server closed the connection");
    }
    done += static_cast<std::size_t>(n);
  }
}

std::size_t Connection::read_some(std::span<std::uint8_t> out, Clock::time_point deadline) {
  if (tls_) return tls_->read_some(out, deadline);
  while (true) {
    if (!detail::wait_fd(fd_, POLLIN, deadline)) throw timeout_error("waiting for the server's reply");
    const auto n = ::recv(fd_, out.data(), out.size(), 0);
    if (n > 0) return static_cast<std::size_t>(n);
    if (n == 0)
      throw transport_error("closed_early", "the server closed the connection",
                            "the server gave up on the request: its log says why");
    if (errno == EINTR || errno == EAGAIN) continue;
    throw transport_error("reset", std::string("connection error: ") + std::strerror(errno),
                          "the server reset the connection");
  }
}

}  // namespace authctx::ldap
