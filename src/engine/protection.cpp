#include "engine/protection.hpp"

#include "gss/context.hpp"

namespace authctx::engine {
namespace {
template <class F>
auto guarded(F&& call) {
  try {
    return call();
  } catch (const gss::GssError& e) {
    throw transport::ProtectionError(e.stage(), e.text());
  }
}
}  // namespace

ContextProtection::Wrapped ContextProtection::wrap(bool conf, std::span<const std::uint8_t> message) {
  return guarded([&] {
    auto w = gss::wrap(context_, conf, message);
    return Wrapped{std::move(w.token), w.conf_applied};
  });
}

ContextProtection::Unwrapped ContextProtection::unwrap(std::span<const std::uint8_t> token) {
  return guarded([&] {
    auto u = gss::unwrap(context_, token);
    return Unwrapped{std::move(u.message), u.conf};
  });
}

util::Bytes ContextProtection::get_mic(std::span<const std::uint8_t> message) {
  return guarded([&] { return gss::get_mic(context_, message); });
}

void ContextProtection::verify_mic(std::span<const std::uint8_t> message, std::span<const std::uint8_t> mic) {
  guarded([&] { gss::verify_mic(context_, message, mic); });
}

}  // namespace authctx::engine
