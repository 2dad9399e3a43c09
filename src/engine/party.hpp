// The two parties of a handshake. Each owns its credential, names and context and takes one
// step at a time: step(token from peer) -> StepResult{token for peer, complete, error}.
// Construction acquires credentials and may throw gss::GssError (stage acquire_cred...)
// or core::Error (setup: unreadable keytab or password file).
#pragma once
#include <memory>
#include <span>

#include "engine/options.hpp"
#include "gss/context.hpp"
#include "gss/handles.hpp"
#include "gss/inquire.hpp"

namespace authctx::core {

class Party {
 public:
  virtual ~Party() = default;
  virtual gss::StepResult step(std::span<const std::uint8_t> input) = 0;
  virtual bool complete() const = 0;
  virtual const gss::ContextHandle& context() const = 0;
  virtual gss::ContextInfo describe() const = 0;
};

class Initiator final : public Party {
 public:
  explicit Initiator(const InitiatorOptions& options);
  gss::StepResult step(std::span<const std::uint8_t> input) override;
  bool complete() const override { return complete_; }
  const gss::ContextHandle& context() const override { return ctx_.handle(); }
  gss::ContextInfo describe() const override;
  std::uint32_t requested_flags() const { return options_.req_flags; }
  const InitiatorOptions& options() const { return options_; }
  const gss::Oid& requested_mech() const { return options_.mech; }

 private:
  InitiatorOptions options_;
  gss::Name target_;
  gss::Cred cred_;
  gss::InitiatorContext ctx_;
  bool complete_ = false;
};

class Acceptor final : public Party {
 public:
  explicit Acceptor(const AcceptorOptions& options);
  gss::StepResult step(std::span<const std::uint8_t> input) override;
  bool complete() const override { return complete_; }
  const gss::ContextHandle& context() const override { return ctx_.handle(); }
  gss::ContextInfo describe() const override;
  gss::AcceptorContext& acceptor_context() { return ctx_; }
  const AcceptorOptions& options() const { return options_; }

 private:
  AcceptorOptions options_;
  gss::Cred cred_;
  gss::AcceptorContext ctx_;
  bool complete_ = false;
};

}  // namespace authctx::core
