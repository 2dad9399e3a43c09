#include "ldap/diagnosis.hpp"

#include <algorithm>
#include <cctype>

#include "ldap/result_code.hpp"

namespace authctx::ldap {
namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  const auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != haystack.end();
}

std::string describe(const LdapResult& r) {
  std::string s = std::string(result_code_name(r.code)) + " (" + std::to_string(r.code) + ")";
  if (!r.diagnostic_message.empty()) s += ": " + r.diagnostic_message;
  return s;
}

}  // namespace

Verdict judge_bind_result(const LdapResult& r, const BindSituation& s) {
  Verdict v;
  v.message = "the server refused the " + std::string(s.mechanism) + " bind: " + describe(r);
  switch (r.code) {
    case result::stronger_auth_required:
      // RFC 4511 §4.1.9; Samba: "SASL:[GSSAPI]: Sign or Seal are required."; Windows:
      // "The server requires binds to turn on integrity checking if SSL\TLS are not already
      // active on the connection" (LDAP server signing requirements).
      v.cls = "ldap_signing_required";
      if (s.tls)
        v.hint =
            "the server wants signing or sealing and does not count TLS (Samba with `ldap server require "
            "strong auth = yes` refuses SASL binds inside TLS): bind over ldap:// without --starttls with "
            "--sasl-layer integrity or confidentiality";
      else if (s.mechanism == k_mech_gssapi && s.requested_layer != "none")
        v.hint = "the server wants stronger protection than the " + std::string(s.requested_layer) +
                 " layer: use --sasl-layer confidentiality, ldaps:// or --starttls";
      else if (s.mechanism == k_mech_gssapi)
        v.hint =
            "the server requires signing or sealing: use --sasl-layer integrity or --sasl-layer "
            "confidentiality (or ldaps:// or --starttls)";
      else
        v.hint =
            "the server requires signing or sealing: use --sasl-layer integrity or --sasl-layer confidentiality "
            "(with GSS-SPNEGO they assert the GSS-API integ and conf flags the server signs or seals by), or "
            "ldaps:// or --starttls";
      return v;
    case result::confidentiality_required:
      v.cls = "ldap_confidentiality_required";
      v.hint = "the server requires confidentiality: use ldaps://, --starttls, or --sasl-layer confidentiality";
      return v;
    case result::auth_method_not_supported:
      v.cls = "ldap_mechanism_not_supported";
      v.hint = "the server does not take SASL " + std::string(s.mechanism) +
               ": its root DSE lists supportedSASLMechanisms; try the other of --mech krb5 (GSSAPI) and --mech "
               "spnego (GSS-SPNEGO)";
      return v;
    case result::invalid_credentials:
      v.cls = "ldap_invalid_credentials";
      v.hint =
          "the server could not accept the token (its diagnostic says why): check the service principal "
          "ldap/HOST, the server's keytab and the clocks";
      return v;
    case result::inappropriate_authentication:
      v.cls = "ldap_inappropriate_authentication";
      v.hint = "the server does not accept this kind of bind for this identity; see its diagnostic";
      return v;
    case result::insufficient_access_rights:
      if (s.authzid) {
        v.cls = "ldap_authzid_refused";
        v.hint =
            "the server does not let the authenticated identity act as --authzid (slapd: authz-policy and "
            "authzTo/authzFrom); bind without --authzid to see your own identity";
        return v;
      }
      break;
    case result::unavailable:
    case result::busy:
      v.cls = "ldap_server_unavailable";
      v.hint = "the directory is not serving binds now: try again, or another domain controller";
      return v;
    case result::unwilling_to_perform:
      if (s.tls && contains(r.diagnostic_message, "TLS")) {
        // Samba: "Sign or Seal are not allowed if TLS is used"; Windows: 00002029 "Cannot bind
        // using sign/seal on a connection on which TLS or SSL is in effect".
        v.cls = "sasl_layer_over_tls_refused";
        v.hint =
            "the server refuses signing or sealing inside TLS: use --sasl-layer none with ldaps:// or "
            "--starttls";
        return v;
      }
      v.cls = "ldap_unwilling_to_perform";
      v.hint =
          "the server refused by policy (its diagnostic says which); Active Directory does this for binds "
          "it considers weak";
      return v;
    default: break;
  }
  if (contains(r.diagnostic_message, "invalid layer") || contains(r.diagnostic_message, "security layer")) {
    v.cls = "sasl_layer_refused";
    v.hint =
        "the server refused the security layer chosen: pick one it offers with --sasl-layer (the "
        "negotiation shows what it offered)";
    return v;
  }
  if (s.authzid && (contains(r.diagnostic_message, "authoriz") || r.code == 123)) {
    v.cls = "ldap_authzid_refused";
    v.hint = "the server does not let the authenticated identity act as --authzid";
    return v;
  }
  v.cls = "ldap_bind_failed";
  v.hint = "the server's diagnostic message says why; compare with `ldapwhoami -Y " + std::string(s.mechanism) + "`";
  return v;
}

Verdict judge_operation_result(std::string_view operation, const LdapResult& r) {
  Verdict v;
  v.cls = "ldap_operation_failed";
  v.message = "the " + std::string(operation) + " after the bind failed: " + describe(r);
  v.hint = r.code == result::stronger_auth_required || r.code == result::confidentiality_required
               ? "the server wants a protection layer for this operation: use --sasl-layer integrity or "
                 "confidentiality"
               : "the bind succeeded but the server refused the proof operation; its diagnostic says why";
  return v;
}

Verdict bind_loop_verdict(int rounds) {
  return {"sasl_bind_loop",
          "the server still answered saslBindInProgress after " + std::to_string(rounds) +
              " BindRequests, with the GSS-API context already complete",
          "the server does not finish the SASL exchange (RFC 4513 §5.2.1.2); its log says what it waits for"};
}

TargetAdvice default_target(std::string_view host, bool host_is_address, std::uint16_t port) {
  TargetAdvice a;
  a.target = "ldap@" + std::string(host);
  if (host_is_address) {
    a.warning_class = "ldap_target_is_address";
    a.warning = "the URL names an address, so the service principal is ldap/" + std::string(host) +
                ", which a KDC rarely holds (\"Server not found in Kerberos database\")";
    a.hint = "connect by the server's DNS name and send it to the address with --resolve NAME:" + std::to_string(port) +
             ":" + std::string(host) + " (or give --target ldap@NAME)";
  }
  return a;
}

}  // namespace authctx::ldap
