// How a host-based service name becomes a Kerberos principal on this machine, the way MIT's
// GSS-API library does it for service@host (krb5_sname_to_principal, KRB5_NT_SRV_HST): the
// krb5.conf settings that shape it ([libdefaults] dns_canonicalize_hostname true, false or
// fallback, the MIT 1.18+ default; rdns), the principal it yields and its realm (from
// [domain_realm], or empty: the referral realm, which the KDC decides). Nothing is asked of
// a KDC. With dns_canonicalize_hostname = true the host is resolved in DNS (a CNAME becomes
// its target; with rdns also a reverse lookup), so the principal may name another host than
// the URL; with fallback MIT first asks for the name as written and canonicalises only if
// the KDC does not know it.
#pragma once
#include <string>

namespace authctx::krb5 {

struct ServiceName {
  std::string service;                                 // "HTTP"
  std::string host;                                    // as given
  std::string principal;                               // "HTTP/www.example.test@EXAMPLE.TEST" (realm empty: referral)
  std::string principal_host;                          // the host component of principal
  std::string realm;                                   // empty: referral realm (the KDC decides)
  std::string dns_canonicalize_hostname = "fallback";  // "true", "false" or "fallback"
  bool rdns = true;
  std::string error;  // why no principal could be made (then principal is empty)
};

ServiceName service_principal(const std::string& service, const std::string& host);

}  // namespace authctx::krb5
