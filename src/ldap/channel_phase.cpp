// ClientChannel::after_established (channel.hpp): the rest of the SASL bind once the
// GSS-API context is complete, its security layer, and the proof that the bind holds.
#include <algorithm>

#include "ldap/channel_session.hpp"
#include "ldap/diagnosis.hpp"
#include "ldap/result_code.hpp"

namespace authctx::ldap {
namespace {

using transport::Notice;
using transport::PhaseError;
using transport::PhaseResult;

// A failure of the phase: what the document's error says. Thrown inside the phase only.
struct PhaseFailure {
  PhaseError error;
};

[[noreturn]] void fail(std::string stage, const Verdict& v, bool transport) {
  throw PhaseFailure{PhaseError{std::move(stage), v.cls, v.message, v.hint, transport}};
}

class Phase {
 public:
  Phase(Session& s, const ChannelOptions& o, transport::Protection& p) : s_(s), o_(o), protection_(p) {}

  PhaseResult run() {
    std::optional<PhaseError> error;
    try {
      finish_bind();
      prove();
    } catch (const PhaseFailure& f) {
      error = f.error;
    } catch (const transport::ProtectionError& e) {
      error = PhaseError{"sasl_security_layer", "sasl_protection_failed", e.what(),
                         "the GSS-API context could not protect or verify an LDAP message: a bug on one side, "
                         "or the server chose other keys (see the legs)",
                         false};
    } catch (const util::Error& e) {
      error = PhaseError{"ldap", e.error_class(), e.what(), e.hint(), e.kind() == util::ErrorKind::transport};
    }
    // RFC 4511 §4.3, best effort and under the layer; then the stream drops the protection,
    // whose GSS-API context belongs to the engine and will not outlive this call.
    s_.ops.unbind();
    s_.stream.unprotect();
    app_["bind"] = bind_;
    app_["exchanges"] = exchanges_;
    if (s_.protection && app_["protection"].is_object()) {
      app_["protection"]["wrapped_tokens_received"] =
          Json{{"sealed", s_.protection->unwrapped_sealed}, {"signed_only", s_.protection->unwrapped_signed}};
    }
    return PhaseResult{std::move(app_), std::move(notices_), std::move(error)};
  }

 private:
  // A BindRequest and its response, recorded; counts towards the round limit.
  Exchange bind_once(const Bytes& credentials) {
    if (++rounds_ > o_.max_bind_rounds) fail("ldap_bind", bind_loop_verdict(rounds_ - 1), true);
    auto ex = s_.ops.bind(o_.mechanism, credentials);
    exchanges_.push_back(exchange_json(ex));
    return ex;
  }

  void check_refusal(const Exchange& ex) {
    const auto& r = ex.result();
    bind_ = Json{{"mechanism", o_.mechanism}};
    bind_.update(result_json(r));
    bind_["message_id"] = ex.message_id;
    if (r.code == result::success || r.code == result::sasl_bind_in_progress) return;
    fail("ldap_bind",
         judge_bind_result(
             r, {o_.mechanism, sasl_layer_name(o_.layer), s_.conn.tls_info().has_value(), !o_.authzid.empty()}),
         false);
  }

  static const Bytes& creds_of(const Exchange& ex) {
    static const Bytes k_none;
    const auto& b = std::get<BindResponse>(ex.final_message().op);
    return b.server_sasl_creds ? *b.server_sasl_creds : k_none;
  }

  void finish_bind() {
    // The response the engine did not read: our initiator completed with its last token.
    std::optional<Exchange> current;
    bool unread = false;
    if (s_.pending) {
      current = std::move(*s_.pending);
      s_.pending.reset();
      s_.ops.receive_bind(*current);
      exchanges_.push_back(exchange_json(*current));
      unread = true;
    } else if (s_.last_bind) {
      current = *s_.last_bind;
    }
    if (!current) fail("ldap_bind", {"protocol_error", "no BindRequest was sent", "a bug in authctx"}, true);
    check_refusal(*current);
    if (o_.mechanism == k_mech_gssapi)
      gssapi_layer(*current, unread);
    else
      spnego_finish(*current);
  }

  // RFC 4752 §3.1: once the context is complete the server sends, wrapped, its layers and
  // maximum buffer; the client answers, wrapped, with its choice.
  void gssapi_layer(Exchange current, bool unread) {
    if (current.result().code == result::success)
      fail("sasl_security_layer",
           {"sasl_layer_missing", "the server completed the GSSAPI bind without the security-layer message",
            "the server does not follow RFC 4752 §3.1"},
           true);
    if (!unread || creds_of(current).empty()) {
      current = bind_once(Bytes{});  // the empty response after the context completes
      check_refusal(current);
      if (current.result().code == result::success)
        fail("sasl_security_layer",
             {"sasl_layer_missing", "the server completed the GSSAPI bind without the security-layer message",
              "the server does not follow RFC 4752 §3.1"},
             true);
    }
    const Bytes wrapped_offer = creds_of(current);
    if (wrapped_offer.empty())
      fail("sasl_security_layer",
           {"sasl_layer_missing", "the server's saslBindInProgress carried no security-layer message",
            "the server does not follow RFC 4752 §3.1"},
           true);
    const auto offer_plain = protection_.unwrap(wrapped_offer).message;
    const auto offer = decode_layer_offer(offer_plain);
    Json layer{{"negotiation", "rfc4752"}, {"offer", offer_json(offer, wrapped_offer, offer_plain)}};
    if (!offer.ok()) {
      app_["security_layer"] = layer;
      const auto& d = offer.diagnostics.front();
      fail("sasl_security_layer",
           {"sasl_layer_malformed", at_byte("the server's security-layer message is malformed: " + d.message, d.offset),
            "the server does not follow RFC 4752 §3.1; its SASL library is at fault"},
           true);
    }
    const auto review = review_layer_choice(offer, o_.layer, o_.max_buffer);
    for (const auto& w : review.warnings) notices_.push_back(Notice{w.cls, w.message, w.hint});
    const auto choice = encode_layer_choice(review.layer, review.max_buffer, o_.authzid);
    const auto wrapped_choice = protection_.wrap(false, choice).token;
    layer["choice"] = choice_json(review, o_.authzid, choice, wrapped_choice);
    Json warnings = Json::array();
    for (const auto& w : review.warnings) warnings.push_back(w.cls);
    layer["warnings"] = warnings;
    app_["security_layer"] = layer;
    auto ex = bind_once(wrapped_choice);
    check_refusal(ex);
    while (ex.result().code == result::sasl_bind_in_progress) {
      ex = bind_once(Bytes{});
      check_refusal(ex);
    }
    if (review.layer != SaslLayer::none) {
      s_.protection = std::make_unique<ProtectionAdapter>(protection_, review.layer == SaslLayer::confidentiality);
      s_.stream.protect(*s_.protection, offer.max_buffer, review.max_buffer);
    }
    app_["protection"] = review.layer == SaslLayer::none ? Json{{"layer", "none"}}
                                                         : Json{{"layer", sasl_layer_name(review.layer)},
                                                                {"send_max_buffer", offer.max_buffer},
                                                                {"receive_max_buffer", review.max_buffer}};
  }

  // GSS-SPNEGO (Microsoft): no layer message; signing or sealing follows the GSS-API flags.
  void spnego_finish(Exchange current) {
    while (current.result().code == result::sasl_bind_in_progress) {
      current = bind_once(Bytes{});
      check_refusal(current);
    }
    app_["security_layer"] = Json{{"negotiation", "gss_flags"}, {"requested", sasl_layer_name(o_.layer)}};
    if (o_.layer != SaslLayer::none) {
      s_.protection = std::make_unique<ProtectionAdapter>(protection_, o_.layer == SaslLayer::confidentiality);
      // No maximum is negotiated; what we accept is bounded by the message limit.
      s_.stream.protect(*s_.protection, std::nullopt,
                        static_cast<std::uint32_t>(std::min<std::size_t>(o_.max_message, k_max_sasl_buffer)));
    }
    app_["protection"] = Json{{"layer", sasl_layer_name(o_.layer)}};
  }

  // The bind holds: a root DSE search (and WhoAmI where listed) under the negotiated layer.
  void prove() {
    const auto search = s_.ops.search(root_dse_search());
    exchanges_.push_back(exchange_json(search));
    if (search.result().code != result::success)
      fail("ldap_search", judge_operation_result("root DSE search", search.result()), false);
    const auto entries = search.entries();
    if (!entries.empty()) app_["root_dse"] = entry_json(entries.front());
    const auto extensions = entries.empty() ? std::vector<std::string>{} : entries.front().values("supportedExtension");
    if (std::find(extensions.begin(), extensions.end(), std::string(k_oid_whoami)) == extensions.end()) {
      app_["whoami"] = Json{{"sent", false}, {"reason", "the root DSE does not list WhoAmI (RFC 4532)"}};
      app_["authorization_identity"] = nullptr;
      return;
    }
    const auto who = s_.ops.extended(k_oid_whoami);
    exchanges_.push_back(exchange_json(who));
    const auto& resp = std::get<ExtendedResponse>(who.final_message().op);
    if (resp.result.code != result::success) {
      const auto v = judge_operation_result("WhoAmI", resp.result);
      notices_.push_back(Notice{"ldap_whoami_refused", v.message, "the root DSE search already proved the bind"});
      app_["whoami"] = Json{{"sent", true}, {"result", result_json(resp.result)}};
      app_["authorization_identity"] = nullptr;
      return;
    }
    const std::string identity = resp.value ? std::string(resp.value->begin(), resp.value->end()) : std::string();
    app_["whoami"] = Json{{"sent", true}, {"result", result_json(resp.result)}};
    // RFC 4532 §2: the authzId ("dn:..." or "u:..."), or empty for an anonymous identity.
    app_["authorization_identity"] = identity;
  }

  Session& s_;
  const ChannelOptions& o_;
  transport::Protection& protection_;
  // Keys in reading order; each is filled as the phase gets there.
  Json app_{{"protocol", "ldap"},  {"bind", nullptr},   {"security_layer", nullptr},        {"protection", nullptr},
            {"root_dse", nullptr}, {"whoami", nullptr}, {"authorization_identity", nullptr}};
  Json bind_ = nullptr;
  Json exchanges_ = Json::array();
  std::vector<Notice> notices_;
  int rounds_ = 0;
};

}  // namespace

PhaseResult run_bind_phase(Session& s, const ChannelOptions& options, transport::Protection& protection) {
  return Phase(s, options, protection).run();
}

}  // namespace authctx::ldap
