#include "support/hostile_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace authctx::test {
namespace {
using Clock = std::chrono::steady_clock;

bool send_all(int fd, const std::string& bytes, const std::atomic<bool>& stop) {
  std::size_t done = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (done < bytes.size() && !stop && Clock::now() < deadline) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const auto n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return done == bytes.size();
}

void pause_for(std::chrono::milliseconds d, const std::atomic<bool>& stop) {
  const auto until = Clock::now() + d;
  while (!stop && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}
}  // namespace

namespace peer {
PeerStep read_request() { return {PeerStep::Kind::read_request, {}, {}}; }
PeerStep send(std::string bytes) { return {PeerStep::Kind::send, std::move(bytes), {}}; }
PeerStep send_slowly(std::string bytes, std::chrono::milliseconds per_byte) {
  return {PeerStep::Kind::send_slowly, std::move(bytes), per_byte};
}
PeerStep sleep(std::chrono::milliseconds pause) { return {PeerStep::Kind::sleep, {}, pause}; }
PeerStep close() { return {PeerStep::Kind::close, {}, {}}; }
PeerStep reset() { return {PeerStep::Kind::reset, {}, {}}; }
PeerStep endless_headers() { return {PeerStep::Kind::endless_headers, {}, {}}; }

std::string response(int status, const std::vector<std::string>& header_lines, const std::string& body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " Status\r\n";
  for (const auto& h : header_lines) out += h + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return out;
}
}  // namespace peer

HostileHttpPeer::HostileHttpPeer(std::vector<PeerScript> scripts) : scripts_(std::move(scripts)) {
  if (scripts_.empty()) throw std::invalid_argument("HostileHttpPeer needs a script");
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
      ::listen(listen_fd_, 16) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0)
    throw std::runtime_error("hostile peer: cannot listen on 127.0.0.1");
  port_ = ntohs(sa.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

HostileHttpPeer::~HostileHttpPeer() {
  stop_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

std::vector<std::string> HostileHttpPeer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void HostileHttpPeer::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int index = connections_++;
    if (workers_.size() >= 32) {
      ::close(fd);
      continue;
    }
    const auto& script = scripts_[std::min<std::size_t>(static_cast<std::size_t>(index), scripts_.size() - 1)];
    workers_.emplace_back([this, fd, &script] {
      run_script(fd, script);
      ::close(fd);
    });
  }
}

bool HostileHttpPeer::read_request(int fd) {
  std::string got;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  std::size_t header_end = std::string::npos;
  std::size_t need = 0;
  while (!stop_ && Clock::now() < deadline && got.size() < (1u << 20)) {
    if (header_end == std::string::npos) {
      header_end = got.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        need = header_end + 4;
        // Content-Length, case-insensitively, for a request with a body.
        std::string lower = got.substr(0, header_end);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const auto cl = lower.find("\r\ncontent-length:");
        if (cl != std::string::npos) need += std::stoul(lower.substr(cl + 17));
      }
    }
    if (header_end != std::string::npos && got.size() >= need) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    got.append(buf, static_cast<std::size_t>(n));
  }
  std::lock_guard lock(mutex_);
  requests_.push_back(got);
  return header_end != std::string::npos;
}

void HostileHttpPeer::run_script(int fd, const PeerScript& script) {
  for (const auto& step : script) {
    if (stop_) return;
    switch (step.kind) {
      case PeerStep::Kind::read_request:
        if (!read_request(fd)) return;
        break;
      case PeerStep::Kind::send:
        if (!send_all(fd, step.bytes, stop_)) return;
        break;
      case PeerStep::Kind::send_slowly:
        for (const char c : step.bytes) {
          if (!send_all(fd, std::string(1, c), stop_)) return;
          pause_for(step.pause, stop_);
        }
        break;
      case PeerStep::Kind::sleep: pause_for(step.pause, stop_); break;
      case PeerStep::Kind::close:
        ::shutdown(fd, SHUT_WR);
        pause_for(std::chrono::milliseconds(200), stop_);
        return;
      case PeerStep::Kind::reset: {
        linger l{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        return;  // the caller's close() sends the RST
      }
      case PeerStep::Kind::endless_headers: {
        if (!send_all(fd, "HTTP/1.1 200 OK\r\n", stop_)) return;
        const auto until = Clock::now() + std::chrono::seconds(20);
        std::size_t sent = 0;
        for (int i = 0; !stop_ && Clock::now() < until && sent < (32u << 20); ++i) {
          const auto line = "X-Filler-" + std::to_string(i) + ": " + std::string(100, 'a') + "\r\n";
          if (!send_all(fd, line, stop_)) return;
          sent += line.size();
        }
        return;
      }
    }
  }
}

}  // namespace authctx::test
