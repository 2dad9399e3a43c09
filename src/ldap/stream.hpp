// LDAP messages on a connection, and the SASL security layer under them.
//
// MessageStream reads one whole LDAPMessage at a time: the BER header is probed first and
// the announced length checked against limits.max_message before the body is read
// (ber_frame.hpp); every read waits at most limits.timeout. Once protect() is called,
// every PDU travels as SASL buffers (RFC 4422 §3.7, RFC 4752 §3.1): outgoing messages are
// wrapped by the caller's Protection in chunks no larger than the server's maximum buffer,
// incoming buffers are checked against our own maximum before they are read, unwrapped,
// and the plaintext is parsed as LDAP again.
//
// Protection is the caller's GSS-API per-message pair (gss_wrap/gss_unwrap with the
// negotiated conf flag); this library never calls GSS-API itself.
//
// Failures throw ldap::Error (transport): not_ldap (the first octet of a reply is not an
// LDAPMessage), message_too_large, malformed_message (offset set), sasl_buffer_too_large,
// sasl_buffer_malformed, wrap_too_large, and the connection's own classes.
#pragma once
#include <chrono>
#include <optional>
#include <vector>

#include "ldap/connection.hpp"
#include "ldap/messages.hpp"

namespace authctx::ldap {

class Protection {
 public:
  virtual ~Protection() = default;
  virtual Bytes wrap(ByteView plain) = 0;
  virtual Bytes unwrap(ByteView token) = 0;
  // The largest plaintext whose wrap token fits max_wrapped bytes (gss_wrap_size_limit).
  virtual std::size_t max_plaintext(std::size_t max_wrapped) = 0;
};

struct StreamLimits {
  std::size_t max_message = std::size_t{1} << 20;
  DecodeLimits decode;
  std::chrono::milliseconds timeout{30000};
};

struct Received {
  Bytes bytes;  // the LDAPMessage (plaintext under a security layer)
  DecodedMessage decoded;
  std::vector<std::size_t> sasl_buffers;  // lengths of the wrapped buffers that carried it
};

struct Sent {
  Bytes bytes;
  std::vector<std::size_t> sasl_buffers;
};

class MessageStream {
 public:
  MessageStream(Connection& connection, StreamLimits limits) : conn_(connection), limits_(limits) {}
  Sent send(ByteView message);
  // The next message; its decode diagnostics are the caller's to judge.
  Received receive();
  // From now on every PDU is a SASL buffer. peer_max_buffer: the server's maximum from the
  // security-layer message (GSSAPI), or nullopt when none was negotiated (GSS-SPNEGO).
  void protect(Protection& protection, std::optional<std::uint32_t> peer_max_buffer, std::uint32_t own_max_buffer);
  bool is_protected() const { return protection_ != nullptr; }
  // Stops using the protection (the stream is done: nothing more is sent or read).
  void unprotect() {
    protection_ = nullptr;
    closed_ = true;
  }
  bool closed() const { return closed_; }
  std::size_t buffered() const { return raw_.size() + plain_.size(); }
  Connection& connection() { return conn_; }
  const StreamLimits& limits() const { return limits_; }

 private:
  void fill(Bytes& buffer, std::size_t want, Clock::time_point deadline);
  Bytes take(Bytes& buffer, std::size_t n);
  std::size_t read_sasl_buffer(Clock::time_point deadline);  // appends plaintext to plain_

  Connection& conn_;
  StreamLimits limits_;
  Bytes raw_;    // bytes read from the connection, not yet used
  Bytes plain_;  // unwrapped plaintext, not yet used (under a security layer)
  Protection* protection_ = nullptr;
  std::optional<std::uint32_t> peer_max_buffer_;
  std::uint32_t own_max_buffer_ = 0;
  bool first_ = true;
  bool closed_ = false;
};

}  // namespace authctx::ldap
