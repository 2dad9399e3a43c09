// Typed errors thrown by every layer below cli/. Only cli/ turns them into exit codes
// (usage 2, transport 3, decode 4, setup 5; a gss::GssError is an authentication failure,
// 1). Each carries a stable class id (the document's error.class) and a hint a person can
// act on. Standard library only, so the lab, the transports and the engine share one type.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>

namespace authctx::util {

enum class ErrorKind { usage, transport, decode, setup };

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
  return {ErrorKind::usage, "usage", message, std::move(hint)};
}
inline Error setup_error(std::string cls, const std::string& message, std::string hint = {}) {
  return {ErrorKind::setup, std::move(cls), message, std::move(hint)};
}
inline Error transport_error(std::string cls, const std::string& message, std::string hint = {}) {
  return {ErrorKind::transport, std::move(cls), message, std::move(hint)};
}

}  // namespace authctx::util
