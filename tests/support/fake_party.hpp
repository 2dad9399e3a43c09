// A scripted fake party for engine tests: no KDC, no GSS-API context. Each step returns
// the next scripted output (token, complete, or a GSS-API failure with a token), and a
// fake per-message protection "wraps" with a one-byte key, so two fake parties with the
// same key pass every per-message check and different keys fail them.
#pragma once
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/party.hpp"

namespace authctx::test {

using util::Bytes;

inline Bytes bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

class FakeProtection final : public transport::Protection {
 public:
  explicit FakeProtection(std::uint8_t key) : key_(key) {}
  Wrapped wrap(bool conf, std::span<const std::uint8_t> message) override {
    Bytes t{static_cast<std::uint8_t>(conf ? 1 : 0), key_};
    for (const auto b : message) t.push_back(static_cast<std::uint8_t>(b ^ key_));
    return {t, conf};
  }
  Unwrapped unwrap(std::span<const std::uint8_t> token) override {
    if (token.size() < 2 || token[1] != key_) throw transport::ProtectionError("unwrap", "fake: wrong key");
    Bytes m;
    for (std::size_t i = 2; i < token.size(); ++i) m.push_back(static_cast<std::uint8_t>(token[i] ^ key_));
    return {m, token[0] == 1};
  }
  Bytes get_mic(std::span<const std::uint8_t> message) override { return {key_, sum(message)}; }
  void verify_mic(std::span<const std::uint8_t> message, std::span<const std::uint8_t> mic) override {
    if (mic.size() != 2 || mic[0] != key_ || mic[1] != sum(message))
      throw transport::ProtectionError("verify_mic", "fake: bad MIC");
  }

 private:
  static std::uint8_t sum(std::span<const std::uint8_t> m) {
    unsigned s = 0;
    for (const auto b : m) s += b;
    return static_cast<std::uint8_t>(s);
  }
  std::uint8_t key_;
};

struct Scripted {
  Bytes token;  // output token
  bool complete = false;
  bool fail = false;  // a GSS-API failure (GSS_S_DEFECTIVE_TOKEN) with the token
};

class FakeParty final : public engine::Party {
 public:
  FakeParty(report::Side side, std::vector<Scripted> script, std::uint8_t key = 7)
      : side_(side), script_(script.begin(), script.end()), protection_(key) {}
  // A party that answers every step with a token and never completes.
  static FakeParty endless(report::Side side) {
    FakeParty p(side, {});
    p.endless_ = true;
    return p;
  }
  report::Side side() const override { return side_; }
  gss::StepResult step(std::span<const std::uint8_t> input) override {
    inputs.emplace_back(input.begin(), input.end());
    gss::StepResult r;
    if (endless_) {
      r.token = bytes_of("more " + std::to_string(inputs.size()));
      return r;
    }
    if (script_.empty()) {
      r.error =
          gss::GssError(side_ == report::Side::initiator ? "init_sec_context" : "accept_sec_context", GSS_S_FAILURE, 0);
      return r;
    }
    auto s = script_.front();
    script_.pop_front();
    r.token = s.token;
    r.complete = s.complete && !s.fail;
    if (s.fail)
      r.error = gss::GssError(side_ == report::Side::initiator ? "init_sec_context" : "accept_sec_context",
                              GSS_S_DEFECTIVE_TOKEN, 0);
    complete_ = r.complete;
    return r;
  }
  bool complete() const override { return complete_; }
  report::ContextView view() override {
    gss::ContextInfo info;
    info.source_name = gss::DisplayedName{"alice@FAKE.TEST", {}};
    info.target_name = gss::DisplayedName{"host/fake@FAKE.TEST", {}};
    info.mech = gss::krb5_oid();
    info.flags = GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;
    info.open = true;
    info.locally_initiated = side_ == report::Side::initiator;
    return {info, side_ == report::Side::initiator ? std::optional<std::uint32_t>(GSS_C_MUTUAL_FLAG) : std::nullopt,
            std::nullopt};
  }
  transport::Protection& protection() override { return protection_; }

  std::vector<Bytes> inputs;  // what each step was given

 private:
  report::Side side_;
  std::deque<Scripted> script_;
  FakeProtection protection_;
  bool complete_ = false;
  bool endless_ = false;
};

}  // namespace authctx::test
