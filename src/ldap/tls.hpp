// Internal to src/ldap: OpenSSL client sessions over an already connected non-blocking
// socket (connection.hpp). OpenSSL's headers stay in tls.cpp.
#pragma once
#include <memory>
#include <span>

#include "ldap/connection.hpp"

namespace authctx::ldap::detail {

class TlsSession {
 public:
  // Runs the handshake within deadline; throws ldap::Error (transport) on failure.
  static std::unique_ptr<TlsSession> handshake(int fd, const TlsOptions& options, Clock::time_point deadline);
  virtual ~TlsSession() = default;
  virtual std::size_t read_some(std::span<std::uint8_t> out, Clock::time_point deadline) = 0;
  virtual void write_all(ByteView data, Clock::time_point deadline) = 0;
  virtual TlsInfo info() const = 0;
};

// poll() on fd for events until deadline; false on timeout. Shared by both files.
bool wait_fd(int fd, short events, Clock::time_point deadline);

}  // namespace authctx::ldap::detail
