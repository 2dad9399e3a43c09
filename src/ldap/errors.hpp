// Errors and diagnostics of the LDAP library. Decoders never throw: they return what they
// understood with Diagnostics (a byte offset from the start of the message, or of the
// security-layer message, and a sentence). Operations on a connection throw ldap::Error
// with a kind that maps one to one onto the contract's exit codes (usage 2, transport 3,
// setup 5), a stable class id, a sentence and a hint a person can act on. The caller
// (core, cli) turns them into its own errors; nothing here chooses an exit code.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace authctx::ldap {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

struct Diagnostic {
  std::size_t offset = 0;
  std::string message;
};

enum class ErrorKind { usage, transport, setup };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string cls, const std::string& message, std::string hint = {},
        std::optional<std::size_t> offset = std::nullopt)
      : std::runtime_error(message), kind_(kind), cls_(std::move(cls)), hint_(std::move(hint)), offset_(offset) {}
  ErrorKind kind() const noexcept { return kind_; }
  const std::string& error_class() const noexcept { return cls_; }
  const std::string& hint() const noexcept { return hint_; }
  // Where in the peer's bytes the problem was found, when it was a malformed message.
  std::optional<std::size_t> offset() const noexcept { return offset_; }

 private:
  ErrorKind kind_;
  std::string cls_;
  std::string hint_;
  std::optional<std::size_t> offset_;
};

inline Error usage_error(const std::string& message, std::string hint = {}) {
  return Error(ErrorKind::usage, "usage", message, std::move(hint));
}
inline Error transport_error(std::string cls, const std::string& message, std::string hint = {},
                             std::optional<std::size_t> offset = std::nullopt) {
  return Error(ErrorKind::transport, std::move(cls), message, std::move(hint), offset);
}
inline Error setup_error(std::string cls, const std::string& message, std::string hint = {}) {
  return Error(ErrorKind::setup, std::move(cls), message, std::move(hint));
}

}  // namespace authctx::ldap
