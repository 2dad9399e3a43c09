#include "cli/url_options.hpp"

#include <cctype>

#include "cli/url_schemes.hpp"
#include "util/errors.hpp"

namespace authctx::cli {
namespace {

std::string scheme_of(const std::string& url) {
  const auto sep = url.find("://");
  std::string s = sep == std::string::npos ? std::string() : url.substr(0, sep);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The family of a scheme: the key of UrlArgs::scheme_options, or empty when unknown.
std::string family_of(const std::string& scheme) {
  if (scheme == "http" || scheme == "https") return "http";
  if (scheme == "ldap" || scheme == "ldaps") return "ldap";
  return {};
}

std::string schemes_of(const std::string& family) {
  if (family == "http") return "http:// and https://";
  if (family == "ldap") return "ldap:// and ldaps://";
  return family;
}

// An option of one family given with a URL of another cannot do anything: say so.
void refuse_foreign_options(const UrlArgs& a, const std::string& family) {
  for (const auto& [opt, owner] : a.scheme_options) {
    if (opt->count() > 0 && owner != family)
      throw util::usage_error(opt->get_name() + " is for " + schemes_of(owner) + " URLs, not '" + a.url + "'");
  }
}

}  // namespace

void add_url_options(CLI::App* cmd, UrlArgs& a) {
  a.url_option = cmd->add_option("--url", a.url,
                                 "Authenticate to a web server: http://HOST[:PORT]/PATH or https://... (HTTP "
                                 "Negotiate, NTLM or Kerberos); or bind to a directory: ldap://HOST[:PORT] or "
                                 "ldaps://... (SASL GSSAPI, or GSS-SPNEGO with --mech spnego)")
                     ->option_text("URL")
                     ->group("Connection");
  const std::string g = "URL transports";
  cmd->add_option("--resolve", a.resolve, "Connect to ADDRESS for HOST:PORT; HOST stays the name (as curl)")
      ->option_text("HOST:PORT:ADDRESS")
      ->group(g);
  cmd->add_option("--cacert", a.cacert, "CA certificates (PEM) to verify the server's TLS certificate")
      ->option_text("FILE")
      ->group(g);
  cmd->add_flag("--insecure", a.insecure, "Do not verify the server's TLS certificate (said in the document)")
      ->group(g);
  add_http_url_options(cmd, a, g);
  add_ldap_url_options(cmd, a, g);
}

bool url_given(const UrlArgs& a) { return a.url_option != nullptr && a.url_option->count() > 0; }

int run_url_client(const UrlArgs& url, const InitiatorArgs& initiator, const NetworkArgs& network,
                   const GlobalOptions& globals, const std::string& record, const std::optional<run::LoadOptions>& load,
                   PolicyRun& policy) {
  const auto family = family_of(scheme_of(url.url));
  if (family.empty())
    throw util::usage_error("--url takes http://, https://, ldap:// or ldaps://, not '" + url.url + "'",
                            "e.g. --url https://www.example.test/private/ or --url ldap://dc1.example.test");
  refuse_foreign_options(url, family);
  if (family == "http") return run_http_url(url, initiator, network, globals, record, load, policy);
  return run_ldap_url(url, initiator, network, globals, record, load, policy);
}

}  // namespace authctx::cli
