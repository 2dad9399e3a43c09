// Security contexts: one step of gss_init_sec_context or gss_accept_sec_context at a time
// (RFC 2743 §2.2.1, §2.2.2). A step never throws for a GSS failure: it returns the error
// (captured on this thread right after the call) together with any output token, because
// a failing acceptor may still produce a token (a KRB-ERROR) that must reach the peer.
// Per-message protection (wrap/unwrap, get_mic/verify_mic) lives here too.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "gss/buffer.hpp"
#include "gss/handles.hpp"
#include "gss/oid.hpp"
#include "gss/status.hpp"

namespace authctx::gss {

// Application data only (RFC 2744 §3.11 with GSS_C_AF_UNSPEC addresses): how TLS channel
// bindings (RFC 5929) travel and what MIT compares.
struct ChannelBindings {
  Bytes application_data;
};

struct StepResult {
  Bytes token;                    // may be non-empty even on error
  bool complete = false;          // GSS_S_COMPLETE was returned
  std::optional<GssError> error;  // the failure, if any
  OM_uint32 ret_flags = 0;        // flags granted so far
  OM_uint32 time_rec = 0;
  Oid mech;  // actual mech, once known
};

struct InitParams {
  const Cred* cred = nullptr;  // null: default credential
  const Name* target = nullptr;
  Oid mech;
  OM_uint32 req_flags = 0;
  const ChannelBindings* bindings = nullptr;
};

class InitiatorContext {
 public:
  StepResult step(std::span<const std::uint8_t> input, const InitParams& params);
  const ContextHandle& handle() const { return ctx_; }
  ContextHandle& handle() { return ctx_; }

 private:
  ContextHandle ctx_;
};

class AcceptorContext {
 public:
  StepResult step(std::span<const std::uint8_t> input, const Cred* cred, const ChannelBindings* bindings);
  const ContextHandle& handle() const { return ctx_; }
  ContextHandle& handle() { return ctx_; }
  const Name& source_name() const { return source_; }
  // The credential the initiator delegated (GSS_C_DELEG_FLAG), or an empty handle.
  CredHandle& delegated() { return delegated_; }

 private:
  ContextHandle ctx_;
  Name source_;
  CredHandle delegated_;
};

// Per-message calls; each throws GssError with its stage name on failure.
struct Wrapped {
  Bytes token;
  bool conf_applied = false;
};
Wrapped wrap(const ContextHandle& ctx, bool conf, std::span<const std::uint8_t> message);
struct Unwrapped {
  Bytes message;
  bool conf = false;
};
Unwrapped unwrap(const ContextHandle& ctx, std::span<const std::uint8_t> token);
Bytes get_mic(const ContextHandle& ctx, std::span<const std::uint8_t> message);
void verify_mic(const ContextHandle& ctx, std::span<const std::uint8_t> message, std::span<const std::uint8_t> mic);

}  // namespace authctx::gss
