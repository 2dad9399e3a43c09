#include "run/http_target.hpp"

#include "krb5/service_name.hpp"

namespace authctx::run {
namespace {

using json::Json;

// The host part of service@host (or of service/host@REALM for a principal).
std::string target_host(const std::string& target, bool hostbased) {
  if (hostbased) {
    const auto at = target.find('@');
    return at == std::string::npos ? std::string() : target.substr(at + 1);
  }
  const auto slash = target.find('/');
  if (slash == std::string::npos) return {};
  const auto at = target.find('@', slash);
  return target.substr(slash + 1, at == std::string::npos ? std::string::npos : at - slash - 1);
}

std::string derivation(const krb5::ServiceName& s) {
  if (s.dns_canonicalize_hostname == "true")
    return std::string(
               "dns_canonicalize_hostname = true: the host is looked up in DNS and its canonical name used "
               "(a CNAME alias becomes its target") +
           (s.rdns ? "; rdns = true adds a reverse lookup of the address)" : ")");
  if (s.dns_canonicalize_hostname == "false")
    return "dns_canonicalize_hostname = false: the host is used as written (lower-cased)";
  return "dns_canonicalize_hostname = fallback: the host as written first; only if the KDC does not know that "
         "principal does MIT retry with the name DNS gives";
}
}  // namespace

ServiceAdvice advise_service(const http::Url& url, const std::string& target, bool hostbased, bool target_given) {
  ServiceAdvice a;
  const auto host = target_host(target, hostbased);
  Json s;
  s["url_host"] = url.host;
  s["target"] = target;
  s["target_given"] = target_given;
  if (hostbased && !host.empty() && host.find_first_of(":/") == std::string::npos) {
    const auto name = krb5::service_principal(target.substr(0, target.find('@')), host);
    s["principal"] = name.principal.empty() ? Json(nullptr) : Json(name.principal);
    s["principal_host"] = name.principal_host;
    s["realm"] = name.realm.empty() ? Json(nullptr) : Json(name.realm);
    s["dns_canonicalize_hostname"] = name.dns_canonicalize_hostname;
    s["rdns"] = name.rdns;
    s["derivation"] = derivation(name);
    if (name.realm.empty())
      s["realm_note"] = "no [domain_realm] entry maps the host: the referral realm (the KDC decides)";
    if (!name.error.empty()) s["error"] = name.error;
  }
  if (url.explicit_port && url.port != url.default_port())
    s["port_note"] = "the port (" + std::to_string(url.port) + ") is not part of the principal: one HTTP/" + url.host +
                     " serves every port";
  a.service = s;

  if (url.host_kind != http::HostKind::name && (!target_given || host == url.host))
    a.notices.push_back({"http_target_is_address",
                         "the URL names an address (" + url.host + "), so the service principal is HTTP/" + url.host +
                             ", which a KDC rarely holds; Windows clients (SSPI) then fall back to NTLM without a word",
                         "use the server's DNS name in the URL and keep the address with --resolve NAME:" +
                             std::to_string(url.port) + ":" + url.host + " (or give --target HTTP@NAME)"});
  if (target_given && host.find(':') != std::string::npos)
    a.notices.push_back({"spn_with_port",
                         "--target " + target + " carries a port: browsers and SSPI ask for HTTP/HOST without one",
                         "drop the port: one HTTP/HOST principal serves every port"});
  if (target_given &&
      (host.find('/') != std::string::npos || target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0))
    a.notices.push_back({"spn_with_path", "--target " + target + " looks like a URL or carries a path",
                         "a service name is HTTP@HOST (or the principal HTTP/HOST@REALM), nothing more"});

  const std::string principal =
      s.contains("principal") && s["principal"].is_string() ? s["principal"].get<std::string>() : "HTTP/" + host;
  a.unknown_principal_hint =
      "the KDC has no " + principal + ", the principal made from the URL's host " + url.host + ". If " + url.host +
      " is an alias (a CNAME) of the server, the principal is registered under one of the two "
      "names: register HTTP/" +
      url.host +
      " for the service (setspn -S, kadmin addprinc), or use the server's "
      "canonical name in the URL or --target HTTP@NAME (MIT asks for the canonical name when dns_canonicalize_hostname "
      "= true; browsers differ)";
  return a;
}

}  // namespace authctx::run
