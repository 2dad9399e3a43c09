// The two parties of a handshake. Each owns its credential, names and context and takes one
// step at a time: step(token from peer) -> StepResult{token for peer, complete, error}.
// Once complete it describes its own view of the context and protects messages with it.
// Construction acquires credentials and may throw gss::GssError (stage acquire_cred...)
// or util::Error (setup: unreadable keytab or password file). Party is the engine's test
// seam: tests/unit/engine_test.cpp drives the loop with a scripted fake party.
#pragma once
#include <memory>
#include <span>

#include "engine/options.hpp"
#include "engine/protection.hpp"
#include "gss/context.hpp"
#include "gss/handles.hpp"
#include "report/document.hpp"

namespace authctx::engine {

using report::Side;

class Party {
 public:
  virtual ~Party() = default;
  virtual Side side() const = 0;
  virtual gss::StepResult step(std::span<const std::uint8_t> input) = 0;
  virtual bool complete() const = 0;
  // This side's own view of the context (inquired once it is established).
  virtual report::ContextView view() = 0;
  // Per-message protection with the established context.
  virtual transport::Protection& protection() = 0;
};

class Initiator final : public Party {
 public:
  explicit Initiator(const InitiatorOptions& options);
  Side side() const override { return Side::initiator; }
  gss::StepResult step(std::span<const std::uint8_t> input) override;
  bool complete() const override { return complete_; }
  report::ContextView view() override;
  transport::Protection& protection() override { return protection_; }
  const InitiatorOptions& options() const { return options_; }

 private:
  InitiatorOptions options_;
  gss::Name target_;
  gss::Cred cred_;
  gss::InitiatorContext ctx_;
  ContextProtection protection_{ctx_.handle()};
  bool complete_ = false;
};

class Acceptor final : public Party {
 public:
  explicit Acceptor(const AcceptorOptions& options);
  Side side() const override { return Side::acceptor; }
  gss::StepResult step(std::span<const std::uint8_t> input) override;
  bool complete() const override { return complete_; }
  // With the delegated credential, if any: described, and stored when options ask.
  report::ContextView view() override;
  transport::Protection& protection() override { return protection_; }
  const AcceptorOptions& options() const { return options_; }

 private:
  json::Json delegated();

  AcceptorOptions options_;
  gss::Cred cred_;
  gss::AcceptorContext ctx_;
  ContextProtection protection_{ctx_.handle()};
  bool complete_ = false;
};

}  // namespace authctx::engine
