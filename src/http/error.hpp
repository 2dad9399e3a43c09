// Errors of the HTTP library. src/http sits below the handshake core and knows nothing of
// GSS-API or of exit codes: it throws http::Error, whose kind says what went wrong at the
// level a caller maps to the contract's exit codes (usage 2, transport 3, setup 5) and whose
// class is a stable snake_case id with a hint a person can act on. TLS failures are
// transport errors with classes of their own (tls_untrusted_certificate, tls_name_mismatch,
// tls_handshake_failed, ...).
#pragma once
#include <stdexcept>
#include <string>

namespace authctx::http {

enum class ErrorKind { usage, transport, setup };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string cls, const std::string& message, std::string hint = {})
      : std::runtime_error(message), kind_(kind), cls_(std::move(cls)), hint_(std::move(hint)) {}
  ErrorKind kind() const noexcept { return kind_; }
  const std::string& error_class() const noexcept { return cls_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  ErrorKind kind_;
  std::string cls_;
  std::string hint_;
};

inline Error usage_error(const std::string& message, std::string hint = {}) {
  return Error(ErrorKind::usage, "usage", message, std::move(hint));
}
inline Error transport_error(std::string cls, const std::string& message, std::string hint = {}) {
  return Error(ErrorKind::transport, std::move(cls), message, std::move(hint));
}
inline Error setup_error(std::string cls, const std::string& message, std::string hint = {}) {
  return Error(ErrorKind::setup, std::move(cls), message, std::move(hint));
}

}  // namespace authctx::http
