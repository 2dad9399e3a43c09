// What an LDAP bind's outcome means and what to do next: a stable class and a hint for a
// BindResponse (or an operation's result) that is not success, and the warnings a bind
// check gives before it starts. Pure functions over the decoded values; the caller records
// them and (cli/) chooses the exit code: a server's refusal is an authentication failure.
//
// Classes: ldap_signing_required (strongerAuthRequired, e.g. Active Directory's "Sign or
// Seal are required" or "requires binds to turn on integrity checking"),
// ldap_confidentiality_required, sasl_layer_over_tls_refused (a layer inside TLS, which AD
// and Samba refuse), ldap_mechanism_not_supported, ldap_invalid_credentials,
// ldap_inappropriate_authentication, sasl_layer_refused, ldap_authzid_refused,
// ldap_server_unavailable, ldap_unwilling_to_perform, sasl_bind_loop, ldap_operation_failed,
// and ldap_bind_failed for anything else.
#pragma once
#include <string>
#include <string_view>

#include "ldap/messages.hpp"

namespace authctx::ldap {

struct Verdict {
  std::string cls;
  std::string message;  // "<resultName> (<code>): <diagnosticMessage>"
  std::string hint;
};

struct BindSituation {
  std::string_view mechanism;        // "GSSAPI" or "GSS-SPNEGO"
  std::string_view requested_layer;  // "none", "integrity", "confidentiality"
  bool tls = false;                  // ldaps:// or StartTLS is active
  bool authzid = false;              // --authzid was given
};

Verdict judge_bind_result(const LdapResult& result, const BindSituation& situation);
// A search or extended operation after the bind (proof of the bind) that did not succeed.
Verdict judge_operation_result(std::string_view operation, const LdapResult& result);
// The server kept answering saslBindInProgress after `rounds` BindRequests.
Verdict bind_loop_verdict(int rounds);

// "ldap@HOST" unless HOST is an address: then the warning that no service principal can
// match it (Kerberos names services by host name), with the --resolve fix.
struct TargetAdvice {
  std::string target;
  std::string warning_class;  // empty when none
  std::string warning;
  std::string hint;
};
TargetAdvice default_target(std::string_view host, bool host_is_address, std::uint16_t port);

}  // namespace authctx::ldap
