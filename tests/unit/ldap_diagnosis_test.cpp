// Classes and hints for LDAP bind outcomes and for a URL that names an address.
#include <catch2/catch.hpp>

#include "ldap/diagnosis.hpp"
#include "ldap/result_code.hpp"

using namespace authctx::ldap;

namespace {
LdapResult result_of(int code, std::string diagnostic = {}) {
  LdapResult r;
  r.code = code;
  r.diagnostic_message = std::move(diagnostic);
  return r;
}
}  // namespace

TEST_CASE("ldap diagnosis: Sign or Seal are required names the layer fix", "[ldap][diagnosis]") {
  const auto v = judge_bind_result(result_of(8, "SASL:[GSSAPI]: Sign or Seal are required."), {"GSSAPI", "none"});
  CHECK(v.cls == "ldap_signing_required");
  CHECK(v.message ==
        "the server refused the GSSAPI bind: strongerAuthRequired (8): SASL:[GSSAPI]: Sign or Seal are "
        "required.");
  CHECK(v.hint.find("--sasl-layer integrity") != std::string::npos);
  const auto spnego = judge_bind_result(result_of(8), {"GSS-SPNEGO", "none"});
  CHECK(spnego.hint.find("integ and conf flags") != std::string::npos);
  const auto with_layer = judge_bind_result(result_of(8), {"GSSAPI", "integrity"});
  CHECK(with_layer.hint.find("--sasl-layer confidentiality") != std::string::npos);
}

TEST_CASE("ldap diagnosis: inside TLS a layer refused and none refused have their own fix", "[ldap][diagnosis]") {
  const auto layer = judge_bind_result(result_of(53, "SASL:[GSSAPI]: Sign or Seal are not allowed if TLS is used"),
                                       {"GSSAPI", "confidentiality", true});
  CHECK(layer.cls == "sasl_layer_over_tls_refused");
  CHECK(layer.hint.find("--sasl-layer none") != std::string::npos);
  const auto none =
      judge_bind_result(result_of(8, "SASL:[GSSAPI]: Sign or Seal are required."), {"GSSAPI", "none", true});
  CHECK(none.cls == "ldap_signing_required");
  CHECK(none.hint.find("without --starttls") != std::string::npos);
  CHECK(judge_bind_result(result_of(53, "no"), {"GSSAPI", "none", true}).cls == "ldap_unwilling_to_perform");
}

TEST_CASE("ldap diagnosis: each refusal has its class", "[ldap][diagnosis]") {
  const BindSituation gssapi{"GSSAPI", "confidentiality"};
  CHECK(judge_bind_result(result_of(13), gssapi).cls == "ldap_confidentiality_required");
  CHECK(judge_bind_result(result_of(7), gssapi).cls == "ldap_mechanism_not_supported");
  CHECK(judge_bind_result(result_of(49, "SASL(-13): authentication failure"), gssapi).cls ==
        "ldap_invalid_credentials");
  CHECK(judge_bind_result(result_of(48), gssapi).cls == "ldap_inappropriate_authentication");
  CHECK(judge_bind_result(result_of(52), gssapi).cls == "ldap_server_unavailable");
  CHECK(judge_bind_result(result_of(53), gssapi).cls == "ldap_unwilling_to_perform");
  CHECK(judge_bind_result(
            result_of(80, "SASL(-1): generic failure: protocol violation: client requested invalid layer"), gssapi)
            .cls == "sasl_layer_refused");
  CHECK(judge_bind_result(result_of(50), {"GSSAPI", "none", false, true}).cls == "ldap_authzid_refused");
  CHECK(judge_bind_result(result_of(50), gssapi).cls == "ldap_bind_failed");
  CHECK(judge_bind_result(result_of(1), gssapi).cls == "ldap_bind_failed");
}

TEST_CASE("ldap diagnosis: a failed proof operation and a bind loop are named", "[ldap][diagnosis]") {
  const auto v = judge_operation_result("WhoAmI", result_of(53, "not supported"));
  CHECK(v.cls == "ldap_operation_failed");
  CHECK(v.message == "the WhoAmI after the bind failed: unwillingToPerform (53): not supported");
  const auto loop = bind_loop_verdict(16);
  CHECK(loop.cls == "sasl_bind_loop");
  CHECK(loop.message.find("after 16 BindRequests") != std::string::npos);
}

TEST_CASE("ldap diagnosis: the default target is ldap@host and an address is warned about", "[ldap][diagnosis]") {
  const auto name = default_target("dc1.ad.authctx.test", false, 389);
  CHECK(name.target == "ldap@dc1.ad.authctx.test");
  CHECK(name.warning_class.empty());
  const auto addr = default_target("127.0.0.2", true, 389);
  CHECK(addr.target == "ldap@127.0.0.2");
  CHECK(addr.warning_class == "ldap_target_is_address");
  CHECK(addr.hint.find("--resolve NAME:389:127.0.0.2") != std::string::npos);
}
