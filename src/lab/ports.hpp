// Loopback ports for the lab KDC, and who is bound to them.
//
// krb5kdc binds its sockets with SO_REUSEPORT, so a second KDC started on a port another KDC
// already uses does NOT fail: both run and the kernel splits requests between them (measured
// with MIT 1.20). Picking a free port (bind 127.0.0.1:0, read, close) therefore has a small
// race between parallel labs that must be detected afterwards: socket_owners() lists the
// sockets bound to a port (from /proc/net/{tcp,tcp6,udp,udp6}) and which of them belong to a
// given process (from /proc/PID/fd), so the lab can require that its KDC is the only one.
// The overloads taking an address do the same for one IPv4 loopback address (127.0.0.N),
// which is how AD labs share the fixed ports of a Samba DC (see loopback.hpp).
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace authctx::lab {

// A port on 127.0.0.1 that was free for both TCP and UDP a moment ago.
std::uint16_t pick_free_port();

// True if 127.0.0.1:port can be bound (TCP and UDP) right now, without SO_REUSEADDR/PORT.
bool port_is_free(std::uint16_t port);

struct PortUse {
  int tcp_listeners_of_pid = 0;  // TCP sockets in LISTEN on the port owned by pid
  int foreign_sockets = 0;       // TCP listeners or UDP sockets on the port owned by anyone else
};
PortUse port_use(std::uint16_t port, pid_t pid);

// True if a TCP connection to 127.0.0.1:port is accepted within timeout_ms.
bool port_accepts(std::uint16_t port, int timeout_ms = 500);

// The same for address:port. bindable() binds TCP (with SO_REUSEADDR, as Samba does, so a
// TIME_WAIT left by an earlier lab does not count) and, when udp is set, UDP; false means
// something holds the port on that address or on the wildcard address.
bool bindable(const std::string& address, std::uint16_t port, bool udp);
// Sockets on address:port or on the wildcard address 0.0.0.0:port.
PortUse port_use(const std::string& address, std::uint16_t port, pid_t pid);
bool port_accepts(const std::string& address, std::uint16_t port, int timeout_ms = 500);

}  // namespace authctx::lab
