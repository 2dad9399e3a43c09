#include "support/gss_sasl.hpp"

#include <cstdlib>

#include "gss/buffer.hpp"
#include "gss/handles.hpp"
#include "gss/oid.hpp"
#include "ldap/result_code.hpp"

namespace authctx::test {

ScopedEnv::ScopedEnv(const std::map<std::string, std::string>& vars) {
  for (const auto& [k, v] : vars) {
    const char* old = std::getenv(k.c_str());
    saved_[k] = old != nullptr ? std::optional<std::string>(old) : std::nullopt;
    ::setenv(k.c_str(), v.c_str(), 1);
  }
}

ScopedEnv::~ScopedEnv() {
  for (const auto& [k, v] : saved_) {
    if (v)
      ::setenv(k.c_str(), v->c_str(), 1);
    else
      ::unsetenv(k.c_str());
  }
}

ldap::Bytes GssProtection::wrap(ldap::ByteView plain) {
  ++wrapped;
  return gss::wrap(ctx_, conf_, plain).token;
}

ldap::Bytes GssProtection::unwrap(ldap::ByteView token) {
  ++unwrapped;
  auto u = gss::unwrap(ctx_, token);
  all_sealed = all_sealed && u.conf;
  return u.message;
}

std::size_t GssProtection::max_plaintext(std::size_t max_wrapped) {
  OM_uint32 minor = 0;
  OM_uint32 max_in = 0;
  const OM_uint32 major = gss_wrap_size_limit(&minor, ctx_.get(), conf_ ? 1 : 0, GSS_C_QOP_DEFAULT,
                                              static_cast<OM_uint32>(max_wrapped), &max_in);
  if (GSS_ERROR(major)) throw gss::GssError("wrap_size_limit", major, minor);
  return max_in;
}

BindOutcome sasl_bind(ldap::Operations& ops, ldap::MessageStream& stream, gss::InitiatorContext& ctx,
                      std::optional<GssProtection>& protection, const BindSettings& settings) {
  BindOutcome out;
  const bool gssapi = settings.mechanism == ldap::k_mech_gssapi;
  const auto target = gss::Name::import(settings.target, GSS_C_NT_HOSTBASED_SERVICE);
  gss::InitParams params;
  params.target = &target;
  params.mech = gssapi ? gss::krb5_oid() : gss::spnego_oid();
  // RFC 4752 §3.1: mutual authentication, and integrity/confidentiality for the layer;
  // GSS-SPNEGO signs or seals per these flags.
  params.req_flags = GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_INTEG_FLAG |
                     (settings.layer == ldap::SaslLayer::confidentiality || gssapi ? GSS_C_CONF_FLAG : 0);
  if (!gssapi && settings.layer == ldap::SaslLayer::none) params.req_flags = GSS_C_MUTUAL_FLAG;

  ldap::Bytes input;
  bool layer_sent = false;
  for (int round = 0; round < settings.max_rounds; ++round) {
    std::optional<ldap::Bytes> creds;
    if (!out.context_complete) {
      auto step = ctx.step(input, params);
      out.flags = step.ret_flags;
      if (step.error) {
        out.gss_error = step.error;
        return out;
      }
      out.context_complete = step.complete;
      creds = step.token;
    } else if (gssapi && !input.empty() && !layer_sent) {
      // The server's wrapped 4-byte offer (RFC 4752 §3.1).
      const auto offer_plain = gss::unwrap(ctx.handle(), input).message;
      out.offer = ldap::decode_layer_offer(offer_plain);
      if (!out.offer->ok()) return out;
      out.review = ldap::review_layer_choice(*out.offer, settings.layer, settings.max_buffer);
      out.choice = ldap::encode_layer_choice(out.review->layer, out.review->max_buffer, settings.authzid);
      creds = gss::wrap(ctx.handle(), false, out.choice).token;
      layer_sent = true;
    } else {
      creds = ldap::Bytes{};  // RFC 4752: an empty response once the context is complete
    }
    auto ex = ops.bind(settings.mechanism, creds);
    const auto& resp = std::get<ldap::BindResponse>(ex.final_message().op);
    out.result_code = resp.result.code;
    out.diagnostic_message = resp.result.diagnostic_message;
    input = resp.server_sasl_creds.value_or(ldap::Bytes{});
    out.legs.push_back(std::move(ex));
    if (out.result_code != ldap::result::sasl_bind_in_progress) break;
  }
  // RFC 4422 §5 "additional data with success": GSS-SPNEGO servers put the last context
  // token (SPNEGO accept-completed with the AP-REP) in the successful BindResponse.
  if (out.result_code == ldap::result::success && !out.context_complete && !input.empty()) {
    auto step = ctx.step(input, params);
    out.flags = step.ret_flags;
    if (step.error) out.gss_error = step.error;
    out.context_complete = step.complete && step.token.empty();
  }
  if (!out.bound()) return out;
  if (gssapi && out.review && out.review->layer != ldap::SaslLayer::none) {
    protection.emplace(ctx.handle(), out.review->layer == ldap::SaslLayer::confidentiality);
    stream.protect(*protection, out.offer->max_buffer, out.review->max_buffer);
  } else if (!gssapi && (out.flags & (GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG)) != 0) {
    protection.emplace(ctx.handle(), (out.flags & GSS_C_CONF_FLAG) != 0);
    stream.protect(*protection, std::nullopt, settings.max_buffer);
  }
  return out;
}

std::map<std::string, std::string> gss_environment(const util::Environment& lab_env) {
  std::map<std::string, std::string> out;
  for (const auto* key : {"KRB5_CONFIG", "KRB5CCNAME", "KRB5RCACHEDIR"})
    if (const auto it = lab_env.find(key); it != lab_env.end()) out[key] = it->second;
  return out;
}

LdapSession::LdapSession(int port, std::chrono::milliseconds timeout)
    : conn(ldap::Connection::open("127.0.0.1", static_cast<std::uint16_t>(port), timeout)),
      stream(conn, ldap::StreamLimits{std::size_t{1} << 20, {}, timeout}),
      ops(stream) {}

}  // namespace authctx::test
