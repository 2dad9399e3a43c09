// Test support: the GSS-API half of an LDAP SASL bind, kept in test code so the LDAP
// library stays GSS-free. sasl_bind() drives ldap::Operations with real gss_init_sec_context
// calls: the context legs (GSSAPI, RFC 4752 §3.1, or GSS-SPNEGO), then for GSSAPI the
// security-layer message (unwrap the server's offer, review it, wrap the choice), and
// installs the negotiated protection on the stream. GssProtection is ldap::Protection over
// a GSS context. ScopedEnv sets environment variables for one test (MIT reads KRB5_CONFIG
// and KRB5CCNAME from the environment); gss_environment picks them from a lab's.
// LdapSession bundles one connection to 127.0.0.1:PORT with its stream, operations, GSS
// context and protection, in that order of construction.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gss/context.hpp"
#include "ldap/operations.hpp"
#include "ldap/sasl_layer.hpp"
#include "util/process.hpp"

namespace authctx::test {

class ScopedEnv {
 public:
  explicit ScopedEnv(const std::map<std::string, std::string>& vars);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

class GssProtection final : public ldap::Protection {
 public:
  GssProtection(const gss::ContextHandle& ctx, bool conf) : ctx_(ctx), conf_(conf) {}
  ldap::Bytes wrap(ldap::ByteView plain) override;
  ldap::Bytes unwrap(ldap::ByteView token) override;
  std::size_t max_plaintext(std::size_t max_wrapped) override;
  int wrapped = 0;
  int unwrapped = 0;
  bool all_sealed = true;  // every unwrapped token had conf_state set

 private:
  const gss::ContextHandle& ctx_;
  bool conf_;
};

struct BindSettings {
  std::string mechanism = "GSSAPI";  // or "GSS-SPNEGO"
  std::string target = "ldap@localhost";
  ldap::SaslLayer layer = ldap::SaslLayer::confidentiality;
  std::uint32_t max_buffer = 65536;
  std::string authzid;
  int max_rounds = 16;
};

struct BindOutcome {
  std::vector<ldap::Exchange> legs;
  bool context_complete = false;
  OM_uint32 flags = 0;
  std::optional<ldap::LayerOffer> offer;
  std::optional<ldap::LayerReview> review;
  ldap::Bytes choice;  // the unwrapped choice sent
  int result_code = -1;
  std::string diagnostic_message;
  std::optional<gss::GssError> gss_error;
  bool bound() const { return result_code == 0 && context_complete; }
};

// Runs the bind; installs protection on stream when a layer was negotiated (protection
// must outlive the stream's use). Throws ldap::Error for transport failures.
BindOutcome sasl_bind(ldap::Operations& ops, ldap::MessageStream& stream, gss::InitiatorContext& ctx,
                      std::optional<GssProtection>& protection, const BindSettings& settings);

// KRB5_CONFIG, KRB5CCNAME and KRB5RCACHEDIR of a lab's environment.
std::map<std::string, std::string> gss_environment(const util::Environment& lab_env);

struct LdapSession {
  ldap::Connection conn;
  ldap::MessageStream stream;
  ldap::Operations ops;
  gss::InitiatorContext ctx;
  std::optional<GssProtection> protection;
  explicit LdapSession(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  BindOutcome bind(const BindSettings& settings) { return sasl_bind(ops, stream, ctx, protection, settings); }
};

}  // namespace authctx::test
