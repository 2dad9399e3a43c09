// transport::Protection over a GSS-API security context (RFC 2743 §2.3), so the per-message
// plans and transports protect bytes without including GSS-API: each gss::GssError becomes
// a transport::ProtectionError "STAGE: TEXT".
#pragma once
#include "gss/handles.hpp"
#include "transport/protection.hpp"

namespace authctx::engine {

class ContextProtection final : public transport::Protection {
 public:
  explicit ContextProtection(const gss::ContextHandle& context) : context_(context) {}
  Wrapped wrap(bool conf, std::span<const std::uint8_t> message) override;
  Unwrapped unwrap(std::span<const std::uint8_t> token) override;
  util::Bytes get_mic(std::span<const std::uint8_t> message) override;
  void verify_mic(std::span<const std::uint8_t> message, std::span<const std::uint8_t> mic) override;

 private:
  const gss::ContextHandle& context_;
};

}  // namespace authctx::engine
