#include "run/ldap_client.hpp"

#include <chrono>
#include <optional>

#include "decode/decode.hpp"
#include "engine/session.hpp"
#include "ldap/diagnosis.hpp"
#include "report/decoded_json.hpp"
#include "run/document.hpp"
#include "util/base64.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

// The security-layer messages travel as wrap tokens (RFC 4752 §3.1): decoded like the legs.
void decode_wrapped(json::Json& message, bool show_secrets) {
  if (!message.is_object() || !message.contains("wrapped_base64")) return;
  const auto bytes = util::base64_decode(message["wrapped_base64"].get<std::string>());
  if (!bytes || bytes->empty()) return;
  message["wrapped_decoded"] = report::to_json(decode::decode_token(*bytes, decode::Options{show_secrets}));
}

void decode_security_layer(json::Json& application, bool show_secrets) {
  if (!application.is_object() || !application.contains("security_layer")) return;
  auto& layer = application["security_layer"];
  if (layer.contains("offer")) decode_wrapped(layer["offer"], show_secrets);
  if (layer.contains("choice")) decode_wrapped(layer["choice"], show_secrets);
}

// The warning for a target derived from an address in the URL (diagnosis.hpp), when it is
// the target in use; its hint replaces the KDC's "Server not found in Kerberos database" one.
std::optional<ldap::TargetAdvice> address_advice(const ldap::ChannelOptions& options,
                                                 const engine::InitiatorOptions& init) {
  auto advice = ldap::default_target(options.url.host, options.url.ip_literal, options.url.port);
  if (advice.warning_class.empty() || init.target != advice.target) return std::nullopt;
  return advice;
}

void explain_unknown_principal(report::Document& doc, const std::optional<ldap::TargetAdvice>& advice) {
  if (advice && doc.error && doc.error->cls == "service_principal_unknown") doc.error->hint = advice->hint;
}

// One load run's channel: an ldap::ClientChannel opened when the first BindRequest goes out
// (load.hpp's factory contract: doc.peer and doc.timing.connect_ms are set then, and a
// failure to connect is the transport error that send throws). The engine calls open()
// before the initiator's first step; connecting then would hold the connection open across
// a KDC exchange and count the KDC in the connect phase.
class LoadChannel final : public transport::Channel {
 public:
  LoadChannel(const ldap::ChannelOptions& options, report::Document& doc,
              const std::optional<ldap::TargetAdvice>& advice, bool show_secrets)
      : inner_(options), doc_(doc), advice_(advice), show_secrets_(show_secrets) {}

  const transport::ChannelTraits& traits() const override { return inner_.traits(); }
  void open() override {}  // deferred to the first send
  json::Json send(const transport::Frame& frame) override {
    if (frame.kind == transport::FrameKind::error) {
      // Our step failed (the engine recorded the error before telling the peer).
      explain_unknown_principal(doc_, advice_);
      if (!opened_) return nullptr;  // no bind was started: nothing to abandon, no connection
    }
    connect();
    return inner_.send(frame);
  }
  transport::Frame receive() override { return inner_.receive(); }
  void finish() override { inner_.finish(); }
  std::optional<transport::PhaseResult> after_established(transport::Protection& protection) override {
    auto result = inner_.after_established(protection);
    if (result) decode_security_layer(result->result, show_secrets_);
    return result;
  }
  json::Json describe() const override { return inner_.describe(); }
  std::vector<transport::Notice> take_notices() override {
    auto notices = inner_.take_notices();
    if (advice_ && !advised_) {
      advised_ = true;
      notices.insert(notices.begin(), {advice_->warning_class, advice_->warning, advice_->hint});
    }
    return notices;
  }

 private:
  void connect() {
    if (opened_) return;
    opened_ = true;
    const auto started = std::chrono::steady_clock::now();
    try {
      inner_.open();
    } catch (const util::Error&) {
      doc_.peer = inner_.peer();  // set when TCP connected and TLS or StartTLS failed
      throw;
    }
    doc_.timing.connect_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    doc_.peer = inner_.peer();
  }

  ldap::ClientChannel inner_;
  report::Document& doc_;
  const std::optional<ldap::TargetAdvice>& advice_;
  bool show_secrets_;
  bool opened_ = false;
  bool advised_ = false;
};

}  // namespace

report::Document run_ldap_client(const ldap::ChannelOptions& options, const engine::InitiatorOptions& init,
                                 const engine::SessionOptions& session, report::EventSink& sink) {
  auto doc = new_document("client");
  doc.requested_mech = init.mech;
  engine::Recorder rec(doc, sink, session);
  ldap::ClientChannel channel(options);
  const auto advice = address_advice(options, init);
  if (advice) rec.notices({{advice->warning_class, advice->warning, advice->hint}});
  engine::run_client(rec, init, channel);  // opens the channel; its failures become the error
  doc.peer = channel.peer();
  if (doc.application) decode_security_layer(*doc.application, session.show_secrets);
  // "Server not found in Kerberos database" for ldap/ADDRESS: the fix is the name.
  explain_unknown_principal(doc, advice);
  sink.document(finish_document(rec, &channel));
  return doc;
}

LoadOutcome run_ldap_load(const ldap::ChannelOptions& options, const LoadOptions& load,
                          const engine::InitiatorOptions& init, const engine::SessionOptions& session,
                          report::EventSink& sink) {
  const auto advice = address_advice(options, init);
  const ChannelFactory connect = [&](report::Document& doc,
                                     const ChannelWishes&) -> std::unique_ptr<transport::Channel> {
    return std::make_unique<LoadChannel>(options, doc, advice, session.show_secrets);
  };
  return run_load_client(load, connect, init, session, sink);
}

}  // namespace authctx::run
