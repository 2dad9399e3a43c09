// A connection to an LDAP server: TCP to a numeric or named host, optionally under TLS
// (ldaps:// from the start, or StartTLS after its extended operation, RFC 4511 §4.14).
// The socket is non-blocking and every connect, read, write and TLS handshake is bounded by
// a deadline (poll). TLS is OpenSSL's, verified against --cacert or the system store, with
// SNI and the certificate's name checked against the URL's host (not a --resolve
// address); --insecure skips verification and says so in tls_info().
// Failures throw ldap::Error of kind transport with a class: resolve_failed,
// connection_refused, connect_failed, timeout, closed_early, reset, tls_handshake_failed,
// tls_certificate_untrusted, tls_name_mismatch.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "ldap/errors.hpp"

namespace authctx::ldap {

using Clock = std::chrono::steady_clock;

struct TlsOptions {
  std::string server_name;  // SNI and the name checked in the certificate
  std::string ca_file;      // empty: the system store
  bool insecure = false;    // do not verify the certificate
};

struct TlsInfo {
  std::string version;  // "TLSv1.3"
  std::string cipher;
  std::string peer_subject;
  std::string peer_issuer;
  bool verified = false;
  std::string verify_result;  // X509_verify_cert_error_string, "ok" when verified
  // RFC 5929 §4 tls-server-end-point channel-binding data: the prefix
  // "tls-server-end-point:" and the hash of the server certificate.
  Bytes server_end_point;
  std::string server_end_point_hash;  // "sha256", ...
};

namespace detail {
class TlsSession;
}

class Connection {
 public:
  // Connects to host (a name or a numeric address) within timeout.
  static Connection open(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // TLS handshake on the open connection; nothing may be buffered unread (StartTLS).
  void start_tls(const TlsOptions& options, Clock::time_point deadline);
  void write_all(ByteView data, Clock::time_point deadline);
  // Reads between 1 and out.size() bytes; throws closed_early when the peer has closed.
  std::size_t read_some(std::span<std::uint8_t> out, Clock::time_point deadline);
  const std::optional<TlsInfo>& tls_info() const { return tls_info_; }
  std::string peer() const { return peer_; }  // "127.0.0.1:389"
  int fd() const { return fd_; }

 private:
  Connection() = default;
  int fd_ = -1;
  std::string peer_;
  std::unique_ptr<detail::TlsSession> tls_;
  std::optional<TlsInfo> tls_info_;
};

}  // namespace authctx::ldap
