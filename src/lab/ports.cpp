#include "lab/ports.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

namespace authctx::lab {
namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

sockaddr_in ipv4(const std::string& address, std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1)
    throw std::invalid_argument("not an IPv4 address: " + address);
  return addr;
}

// Binds a socket of the given type to 127.0.0.1:port; returns the fd or -1.
int bind_loopback(int type, std::uint16_t port) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const auto addr = loopback(port);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::uint16_t bound_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  return ntohs(addr.sin_port);
}

// Socket inodes bound to `port` in one /proc/net table; tcp_listen_only keeps state 0A.
// With `address` (an IPv4 table only), only sockets bound to it or to 0.0.0.0 count. The
// kernel prints the local address as the hex of the raw network-order word, which is how
// in_addr::s_addr reads in host order too, so the two compare directly.
std::set<unsigned long> table_inodes(const char* table, std::uint16_t port, bool tcp_listen_only,
                                     const std::optional<in_addr_t>& address = std::nullopt) {
  std::set<unsigned long> out;
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retr, uid, timeout;
    unsigned long inode = 0;
    if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode)) continue;
    const auto colon = local.rfind(':');
    if (colon == std::string::npos) continue;
    if (std::stoul(local.substr(colon + 1), nullptr, 16) != port) continue;
    if (tcp_listen_only && state != "0A") continue;
    if (address) {
      const auto bound = static_cast<in_addr_t>(std::stoul(local.substr(0, colon), nullptr, 16));
      if (bound != *address && bound != 0) continue;
    }
    out.insert(inode);
  }
  return out;
}

std::set<unsigned long> process_socket_inodes(pid_t pid) {
  std::set<unsigned long> out;
  std::error_code ec;
  const std::filesystem::path fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : std::filesystem::directory_iterator(fd_dir, ec)) {
    std::error_code link_ec;
    const auto target = std::filesystem::read_symlink(entry.path(), link_ec).string();
    if (link_ec || target.rfind("socket:[", 0) != 0) continue;
    out.insert(std::stoul(target.substr(8)));
  }
  return out;
}

}  // namespace

std::uint16_t pick_free_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int fd = bind_loopback(SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error(std::string("cannot bind a loopback socket: ") + std::strerror(errno));
    const auto port = bound_port(fd);
    ::close(fd);
    // The KDC also listens on UDP at the same number.
    if (port != 0 && port_is_free(port)) return port;
  }
  throw std::runtime_error("found no free loopback port in 50 attempts");
}

bool port_is_free(std::uint16_t port) {
  const int tcp = bind_loopback(SOCK_STREAM, port);
  if (tcp < 0) return false;
  const int udp = bind_loopback(SOCK_DGRAM, port);
  ::close(tcp);
  if (udp < 0) return false;
  ::close(udp);
  return true;
}

namespace {
PortUse count_use(const std::set<unsigned long>& tcp, const std::set<unsigned long>& udp, pid_t pid) {
  const auto mine = process_socket_inodes(pid);
  PortUse use;
  for (const auto inode : tcp) {
    if (mine.count(inode) != 0) ++use.tcp_listeners_of_pid;
    else ++use.foreign_sockets;
  }
  for (const auto inode : udp)
    if (mine.count(inode) == 0) ++use.foreign_sockets;
  return use;
}
}  // namespace

PortUse port_use(std::uint16_t port, pid_t pid) {
  std::set<unsigned long> tcp = table_inodes("/proc/net/tcp", port, true);
  tcp.merge(table_inodes("/proc/net/tcp6", port, true));
  std::set<unsigned long> udp = table_inodes("/proc/net/udp", port, false);
  udp.merge(table_inodes("/proc/net/udp6", port, false));
  return count_use(tcp, udp, pid);
}

PortUse port_use(const std::string& address, std::uint16_t port, pid_t pid) {
  const in_addr_t addr = ipv4(address, port).sin_addr.s_addr;
  return count_use(table_inodes("/proc/net/tcp", port, true, addr), table_inodes("/proc/net/udp", port, false, addr),
                   pid);
}

bool bindable(const std::string& address, std::uint16_t port, bool udp) {
  const auto addr = ipv4(address, port);
  for (const int type : {SOCK_STREAM, SOCK_DGRAM}) {
    if (type == SOCK_DGRAM && !udp) continue;
    const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const int one = 1;
    if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 &&
                    (type != SOCK_STREAM || ::listen(fd, 1) == 0);
    ::close(fd);
    if (!ok) return false;
  }
  return true;
}

namespace {
bool accepts(const sockaddr_in& addr, int timeout_ms) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  bool ok = false;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
    ok = true;
  } else if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, timeout_ms) == 1) {
      int err = 0;
      socklen_t len = sizeof err;
      ok = ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

bool port_accepts(std::uint16_t port, int timeout_ms) { return accepts(loopback(port), timeout_ms); }

bool port_accepts(const std::string& address, std::uint16_t port, int timeout_ms) {
  return accepts(ipv4(address, port), timeout_ms);
}

}  // namespace authctx::lab
