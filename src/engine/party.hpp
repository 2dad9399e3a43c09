// The two parties of a handshake. Each owns its credential, names and context and takes one
// step at a time: step(token from peer) -> StepResult{token for peer, complete, error}.
// Once complete it describes its own view of the context and protects messages with it.
// Construction acquires credentials and may throw gss::GssError (stage acquire_cred...)
// or util::Error (setup: unreadable keytab or password file), unless it is given a
// credential acquired once for many handshakes (credentials.hpp). Party is the engine's
// test seam: tests/unit/engine_test.cpp drives the loop with a scripted fake party.
#pragma once
#include <memory>
#include <span>

#include "engine/credentials.hpp"
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
  // shared: a credential and target name acquired once (a load run's thread); null or
  // without a credential: acquired here from the options.
  explicit Initiator(const InitiatorOptions& options, const InitiatorCredential* shared = nullptr);
  Side side() const override { return Side::initiator; }
  gss::StepResult step(std::span<const std::uint8_t> input) override;
  bool complete() const override { return complete_; }
  report::ContextView view() override;
  transport::Protection& protection() override { return protection_; }
  const InitiatorOptions& options() const { return options_; }

 private:
  InitiatorOptions options_;
  gss::Name own_target_;
  gss::Cred own_cred_;
  const gss::Name* target_ = &own_target_;
  const gss::Cred* cred_ = nullptr;
  gss::InitiatorContext ctx_;
  ContextProtection protection_{ctx_.handle()};
  bool complete_ = false;
};

class Acceptor final : public Party {
 public:
  // shared: the credential every connection of a server uses; null: acquired here.
  explicit Acceptor(const AcceptorOptions& options, std::shared_ptr<const AcceptorCredential> shared = nullptr);
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
  std::shared_ptr<const AcceptorCredential> cred_;
  gss::AcceptorContext ctx_;
  ContextProtection protection_{ctx_.handle()};
  bool complete_ = false;
};

}  // namespace authctx::engine
