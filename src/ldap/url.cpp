#include "ldap/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "ldap/errors.hpp"

namespace authctx::ldap {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::optional<std::uint16_t> parse_port(const std::string& s) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v == 0 || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

bool valid_host_name(const std::string& h) {
  if (h.empty() || h.size() > 253) return false;
  return std::all_of(h.begin(), h.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_'; });
}

// Splits "host[:port]" or "[v6][:port]"; throws with the whole text in the message.
void split_host_port(const std::string& hp, const std::string& whole, std::string& host, std::string& port) {
  if (!hp.empty() && hp.front() == '[') {
    const auto close = hp.find(']');
    if (close == std::string::npos) throw usage_error("bad URL '" + whole + "': unclosed '[' in the host");
    host = hp.substr(1, close - 1);
    if (close + 1 < hp.size()) {
      if (hp[close + 1] != ':') throw usage_error("bad URL '" + whole + "': expected ':' after ']'");
      port = hp.substr(close + 2);
    }
    return;
  }
  const auto colon = hp.rfind(':');
  if (colon != std::string::npos) {
    host = hp.substr(0, colon);
    port = hp.substr(colon + 1);
  } else {
    host = hp;
  }
}

}  // namespace

bool is_ip_literal(const std::string& text) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, text.c_str(), buf) == 1 || ::inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

std::string LdapUrl::text() const {
  const bool v6 = host.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

LdapUrl parse_url(const std::string& text) {
  LdapUrl u;
  const auto sep = text.find("://");
  if (sep == std::string::npos)
    throw usage_error("bad URL '" + text + "': write ldap://HOST[:PORT] or ldaps://HOST[:PORT]");
  u.scheme = lower(text.substr(0, sep));
  if (u.scheme != "ldap" && u.scheme != "ldaps")
    throw usage_error("bad URL '" + text + "': the scheme must be ldap:// or ldaps://");
  std::string rest = text.substr(sep + 3);
  const auto slash = rest.find_first_of("/?#");
  if (slash != std::string::npos) {
    const std::string tail = rest.substr(slash);
    if (tail != "/")
      throw usage_error("bad URL '" + text + "': a DN, attributes or a filter are not used by a bind check",
                        "give only ldap://HOST[:PORT]");
    rest = rest.substr(0, slash);
  }
  if (rest.find('@') != std::string::npos)
    throw usage_error("bad URL '" + text + "': user information is not accepted in the URL",
                      "authctx binds with Kerberos credentials (--ccache, --user with --password-file)");
  std::string host;
  std::string port;
  split_host_port(rest, text, host, port);
  u.host = lower(host);
  u.ip_literal = is_ip_literal(u.host);
  if (u.host.empty() || (!u.ip_literal && !valid_host_name(u.host)))
    throw usage_error("bad URL '" + text + "': the host is missing or not a host name");
  if (port.empty()) {
    u.port = u.tls() ? 636 : 389;
  } else {
    const auto p = parse_port(port);
    if (!p) throw usage_error("bad URL '" + text + "': bad port '" + port + "'");
    u.port = *p;
  }
  return u;
}

Resolve parse_resolve(const std::string& text) {
  std::string t = text;
  if (!t.empty() && t.front() == '+') t.erase(0, 1);
  const auto first = t.find(':');
  const auto second = first == std::string::npos ? std::string::npos : t.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos)
    throw usage_error("bad --resolve '" + text + "': write HOST:PORT:ADDRESS, e.g. dc1.example.com:389:127.0.0.1");
  Resolve r;
  r.host = lower(t.substr(0, first));
  const auto port = parse_port(t.substr(first + 1, second - first - 1));
  if (r.host.empty() || !port) throw usage_error("bad --resolve '" + text + "': bad host or port");
  r.port = *port;
  std::string address = t.substr(second + 1);
  if (const auto comma = address.find(','); comma != std::string::npos) address = address.substr(0, comma);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  if (!is_ip_literal(address))
    throw usage_error("bad --resolve '" + text + "': '" + address + "' is not a numeric address");
  r.address = address;
  return r;
}

std::string connect_host(const LdapUrl& url, const std::vector<Resolve>& entries) {
  for (const auto& e : entries)
    if (e.host == url.host && e.port == url.port) return e.address;
  return url.host;
}

}  // namespace authctx::ldap
