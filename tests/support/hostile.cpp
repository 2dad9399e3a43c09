#include "support/hostile.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

namespace authctx::test {
namespace {

using Clock = std::chrono::steady_clock;

int remaining(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 100));
}

// Reads exactly n bytes before the deadline; false on close, error or timeout.
bool read_exact(int fd, std::uint8_t* out, std::size_t n, Clock::time_point deadline) {
  std::size_t done = 0;
  while (done < n) {
    const int wait = remaining(deadline);
    if (wait == 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, wait) <= 0) continue;
    const auto got = ::recv(fd, out + done, n - done, 0);
    if (got <= 0) return false;
    done += static_cast<std::size_t>(got);
  }
  return true;
}

void put_u32(Bytes& out, std::uint32_t v) {
  for (const int shift : {24, 16, 8, 0}) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// DER: tag, definite length, contents.
Bytes der(std::uint8_t tag, const Bytes& contents) {
  Bytes out{tag};
  const auto n = contents.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n < 0x100) {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n & 0xff));
  }
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes der_int(int v) { return der(0x02, Bytes{static_cast<std::uint8_t>(v)}); }
Bytes ctx_tag(int n, const Bytes& inner) { return der(static_cast<std::uint8_t>(0xa0 + n), inner); }
}  // namespace

HostileConn HostileConn::connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    if (fd >= 0) ::close(fd);
    return HostileConn(-1);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return HostileConn(fd);
}

HostileConn::~HostileConn() {
  if (fd_ >= 0) ::close(fd_);
}

bool HostileConn::send(const Bytes& data) const {
  std::size_t done = 0;
  while (done < data.size()) {
    const auto n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool HostileConn::trickle(const Bytes& data, Millis gap, Millis budget) const {
  const auto deadline = Clock::now() + budget;
  for (const auto b : data) {
    if (Clock::now() >= deadline) return false;
    if (!send(Bytes{b})) return false;
    // Sleep in small steps so a peer that closes is noticed (poll sees POLLRDHUP/POLLIN).
    const auto until = std::min(Clock::now() + gap, deadline);
    while (Clock::now() < until) {
      pollfd p{fd_, POLLRDHUP, 0};
      if (::poll(&p, 1, 20) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return false;
    }
  }
  return true;
}

std::optional<HostileConn::Record> HostileConn::read_record(Millis timeout) const {
  const auto deadline = Clock::now() + timeout;
  std::uint8_t header[5];
  if (!read_exact(fd_, header, 5, deadline)) return std::nullopt;
  const std::uint32_t n = (std::uint32_t{header[1]} << 24U) | (std::uint32_t{header[2]} << 16U) |
                          (std::uint32_t{header[3]} << 8U) | header[4];
  if (n > (1U << 20U)) return std::nullopt;
  Record r;
  r.type = header[0];
  r.payload.resize(n);
  if (n > 0 && !read_exact(fd_, r.payload.data(), n, deadline)) return std::nullopt;
  return r;
}

bool HostileConn::wait_closed(Millis timeout, Bytes* got) const {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const int wait = remaining(deadline);
    if (wait == 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, wait) <= 0) continue;
    std::uint8_t buf[4096];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return true;
    if (got != nullptr) got->insert(got->end(), buf, buf + n);
  }
}

void HostileConn::reset() {
  if (fd_ < 0) return;
  linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd_);
  fd_ = -1;
}

void HostileConn::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void HostileConn::shutdown_write() const { ::shutdown(fd_, SHUT_WR); }

HostileServer::HostileServer(Script script) : script_(std::move(script)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 && ::listen(listen_fd_, 128) == 0) {
    socklen_t len = sizeof sa;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
  }
  acceptor_ = std::thread([this] { loop(); });
}

void HostileServer::loop() {
  while (!stop_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    accepted_.fetch_add(1);
    std::lock_guard lock(mutex_);
    workers_.emplace_back([this, fd] {
      HostileConn conn(fd);  // the script owns it: its close or reset is what the peer sees
      try {
        script_(conn);
      } catch (...) {  // a script's own failure ends its connection only
      }
    });
  }
}

HostileServer::~HostileServer() {
  // Scripts wait only on their peer, with bounds: once authctx has gone they end quickly.
  stop_.store(true);
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

RewritingProxy::RewritingProxy(int upstream, Rewrite rewrite) : upstream_(upstream), rewrite_(std::move(rewrite)) {
  server_ = std::make_unique<HostileServer>([this](HostileConn& client) {
    auto server = HostileConn::connect_to(upstream_);
    if (!server.ok()) return;
    std::atomic<bool> done{false};
    // Server to client on a thread of its own; client to server here.
    std::thread back([&] {
      for (int i = 0; !done.load(); ++i) {
        const auto r = server.read_record(Millis(30000));
        if (!r) break;
        if (!client.send(rewrite_(false, i, *r))) break;
      }
      client.shutdown_write();
    });
    for (int i = 0;; ++i) {
      const auto r = client.read_record(Millis(30000));
      if (!r) break;
      if (!server.send(rewrite_(true, i, *r))) break;
    }
    server.shutdown_write();
    done.store(true);
    back.join();
  });
}

RewritingProxy::~RewritingProxy() = default;

Bytes record_header(std::uint8_t type, std::uint32_t announced_length) {
  Bytes out{type};
  put_u32(out, announced_length);
  return out;
}

Bytes record(std::uint8_t type, const Bytes& payload) {
  auto out = record_header(type, static_cast<std::uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes record(std::uint8_t type, const std::string& payload) { return record(type, bytes(payload)); }

Bytes bytes(const std::string& text) { return {text.begin(), text.end()}; }

Bytes server_hello() { return record(wire::hello, R"({"protocol":"authctx/1","server":"authctx"})"); }
Bytes client_hello(int messages) {
  return record(wire::hello, R"({"protocol":"authctx/1","messages":)" + std::to_string(messages) + "}");
}

std::string deep_json(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string evil_text() {
  return "\x1b[2J\x1b]0;pwned\x07\x1b[31mEVIL\r\n\xc2\x9b"
         "1m\xe2\x80\xae"
         "gnp.exe\xff";
}

bool free_of_controls(const std::string& text) {
  return text.find('\x1b') == std::string::npos && text.find('\x07') == std::string::npos &&
         text.find('\r') == std::string::npos && text.find("\xc2\x9b") == std::string::npos &&
         text.find("\xe2\x80\xae") == std::string::npos;
}

Bytes krb_error_token(const std::string& text, int error_code) {
  const Bytes s = bytes(text);
  // KRB-ERROR ::= [APPLICATION 30] SEQUENCE { pvno [0] 5, msg-type [1] 30, stime [4],
  //   susec [5], error-code [6], realm [9], sname [10], e-text [11] }
  const Bytes body =
      cat({ctx_tag(0, der_int(5)), ctx_tag(1, der_int(30)), ctx_tag(4, der(0x18, bytes("20261126120000Z"))),
           ctx_tag(5, der_int(0)), ctx_tag(6, der_int(error_code)), ctx_tag(9, der(0x1b, s)),
           ctx_tag(10, der(0x30, cat({ctx_tag(0, der_int(2)),
                                      ctx_tag(1, der(0x30, cat({der(0x1b, bytes("host")), der(0x1b, s)})))}))),
           ctx_tag(11, der(0x1b, s))});
  const Bytes krb_error = der(0x7e, der(0x30, body));
  // RFC 2743 §3.1 framing with the krb5 mech OID, then TOK_ID 03 00 (RFC 4121 §4.1).
  const Bytes krb5_oid{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
  return der(0x60, cat({krb5_oid, Bytes{0x03, 0x00}, krb_error}));
}

Bytes random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 gen(seed);
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(gen() & 0xffU);
  return out;
}

}  // namespace authctx::test
