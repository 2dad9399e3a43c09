// Per-message protection over an established security context, as bytes only (RFC 2743
// §2.3: GSS_Wrap, GSS_Unwrap, GSS_GetMIC, GSS_VerifyMIC). The engine implements it over
// the GSS-API context of a party; transports and the per-message plans use it without
// including GSS-API: an LDAP channel negotiates its SASL security layer (RFC 4752 §3.3)
// and wraps its SASL buffers through it. Each call throws ProtectionError on failure.
#pragma once
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "util/bytes.hpp"

namespace authctx::transport {

// what() is "STAGE: TEXT" (e.g. "unwrap: A token was invalid"); stage() is the call.
class ProtectionError : public std::runtime_error {
 public:
  ProtectionError(std::string stage, const std::string& text)
      : std::runtime_error(stage + ": " + text), stage_(std::move(stage)) {}
  const std::string& stage() const noexcept { return stage_; }

 private:
  std::string stage_;
};

class Protection {
 public:
  struct Wrapped {
    util::Bytes token;
    bool conf_applied = false;
  };
  struct Unwrapped {
    util::Bytes message;
    bool conf = false;
  };

  virtual ~Protection() = default;
  virtual Wrapped wrap(bool conf, std::span<const std::uint8_t> message) = 0;
  virtual Unwrapped unwrap(std::span<const std::uint8_t> token) = 0;
  virtual util::Bytes get_mic(std::span<const std::uint8_t> message) = 0;
  virtual void verify_mic(std::span<const std::uint8_t> message, std::span<const std::uint8_t> mic) = 0;
};

}  // namespace authctx::transport
