// LDAP URLs as `authctx client --url` takes them, and curl's --resolve override.
//
// parse_url accepts ldap://HOST[:PORT][/] and ldaps://HOST[:PORT][/] (RFC 4516 §2, without
// the DN, attributes, scope, filter and extensions parts, which a bind check does not use):
// a host name, an IPv4 literal or a bracketed IPv6 literal; the port defaults to 389 or
// 636. The host is lower-cased. Anything else throws ldap::Error of kind usage.
//
// --resolve HOST:PORT:ADDRESS (a leading '+' is accepted, and a list of addresses of which
// the first is used) sends the connection to ADDRESS while HOST stays the TLS server name,
// the certificate name check and the service principal (ldap@HOST).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace authctx::ldap {

struct LdapUrl {
  std::string scheme;  // "ldap" or "ldaps"
  std::string host;    // lower-cased; an IPv6 literal without brackets
  std::uint16_t port = 0;
  bool ip_literal = false;  // the host is an address, so it has no service principal
  bool tls() const { return scheme == "ldaps"; }
  std::string text() const;  // scheme://host:port
};

LdapUrl parse_url(const std::string& text);

struct Resolve {
  std::string host;
  std::uint16_t port = 0;
  std::string address;  // numeric, without brackets
};

Resolve parse_resolve(const std::string& text);

// The address to connect to for url: the matching --resolve entry's, or the URL's host.
std::string connect_host(const LdapUrl& url, const std::vector<Resolve>& entries);

bool is_ip_literal(const std::string& text);

}  // namespace authctx::ldap
