#include "http/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "util/errors.hpp"

namespace authctx::http {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_ipv4(const std::string& s) {
  in_addr a{};
  return ::inet_pton(AF_INET, s.c_str(), &a) == 1;
}
bool is_ipv6(const std::string& s) {
  in6_addr a{};
  return ::inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

// RFC 3986 §3.2.2 reg-name, restricted to what DNS host names use (letters, digits, '-',
// '.', '_'): percent-encoded or other sub-delims in a host name are never what a person meant.
bool is_host_name(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_'; });
}

std::optional<std::uint16_t> parse_port(const std::string& s) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v == 0 || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

// A request-target (RFC 9112 §3.2) is visible ASCII only.
void check_target(const std::string& target, const std::string& url) {
  for (std::size_t i = 0; i < target.size(); ++i) {
    const auto c = static_cast<unsigned char>(target[i]);
    if (c <= 0x20 || c >= 0x7f)
      throw util::usage_error("bad URL '" + url + "': the path has a space, control or non-ASCII byte (path offset " +
                                  std::to_string(i) + ")",
                              "percent-encode it, e.g. a space as %20");
  }
}

// Splits "host[:port]" or "[v6][:port]" into host and port text.
void split_host_port(const std::string& authority, const std::string& url, std::string& host, std::string& port,
                     bool& bracketed) {
  bracketed = !authority.empty() && authority.front() == '[';
  if (bracketed) {
    const auto close = authority.find(']');
    if (close == std::string::npos)
      throw util::usage_error("bad URL '" + url + "': '[' without ']' around an IPv6 address");
    host = authority.substr(1, close - 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      throw util::usage_error("bad URL '" + url + "': unexpected text after the IPv6 address",
                              "write http://[::1]:8080/");
    port = rest.empty() ? "" : rest.substr(1);
    return;
  }
  const auto colon = authority.find(':');
  if (colon != std::string::npos && authority.find(':', colon + 1) != std::string::npos)
    throw util::usage_error("bad URL '" + url + "': an IPv6 address must be in brackets", "write http://[::1]:8080/");
  host = authority.substr(0, colon);
  port = colon == std::string::npos ? "" : authority.substr(colon + 1);
}
}  // namespace

bool is_ip_literal(const std::string& text) { return is_ipv4(text) || is_ipv6(text); }

std::string Url::host_for_uri() const { return host_kind == HostKind::ipv6 ? "[" + host + "]" : host; }

std::string Url::authority() const {
  return port == default_port() ? host_for_uri() : host_for_uri() + ":" + std::to_string(port);
}

std::string Url::text() const { return scheme + "://" + authority() + target; }

Url parse_url(const std::string& text) {
  Url url;
  const auto sep = text.find("://");
  if (sep == std::string::npos)
    throw util::usage_error("bad URL '" + text + "': no scheme", "write http://HOST[:PORT]/PATH or https://...");
  url.scheme = lower(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https")
    throw util::usage_error("unsupported URL scheme '" + url.scheme + "' in '" + text + "'",
                            "HTTP Negotiate needs http:// or https://");
  const auto after = sep + 3;
  const auto end_authority = text.find_first_of("/?#", after);
  const auto authority =
      text.substr(after, end_authority == std::string::npos ? std::string::npos : end_authority - after);
  if (authority.find('@') != std::string::npos)
    throw util::usage_error("bad URL '" + text + "': user information (user:password@) is not used",
                            "authctx authenticates with GSS-API: drop the user part; use --user or a ticket");
  std::string host;
  std::string port;
  bool bracketed = false;
  split_host_port(authority, text, host, port, bracketed);
  host = lower(host);
  if (bracketed) {
    if (!is_ipv6(host)) throw util::usage_error("bad URL '" + text + "': '" + host + "' is not an IPv6 address");
    url.host_kind = HostKind::ipv6;
  } else if (is_ipv4(host)) {
    url.host_kind = HostKind::ipv4;
  } else if (!is_host_name(host)) {
    throw util::usage_error("bad URL '" + text + "': '" + host + "' is not a host name",
                            "use letters, digits, '-' and '.', an IPv4 address or [IPv6]");
  }
  url.host = host;
  url.explicit_port = !port.empty();
  if (port.empty()) {
    url.port = url.default_port();
  } else {
    const auto p = parse_port(port);
    if (!p) throw util::usage_error("bad URL '" + text + "': bad port '" + port + "'", "a port is 1 to 65535");
    url.port = *p;
  }
  std::string target = end_authority == std::string::npos ? "" : text.substr(end_authority);
  target = target.substr(0, target.find('#'));  // RFC 3986 §3.5: the fragment stays on the client
  if (target.empty() || target.front() == '?') target = "/" + target;
  check_target(target, text);
  url.target = target;
  return url;
}

ResolveEntry parse_resolve(const std::string& text) {
  ResolveEntry e;
  e.text = text;
  std::string rest = text;
  if (!rest.empty() && rest.front() == '+') rest.erase(0, 1);  // curl: "+" marks a timed entry
  const auto hint = "write --resolve HOST:PORT:ADDRESS, e.g. --resolve www.example.test:443:127.0.0.1";
  if (!rest.empty() && rest.front() == '-')
    throw util::usage_error("--resolve '" + text + "': removing entries is not supported", hint);
  std::string host;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
      throw util::usage_error("bad --resolve '" + text + "'", hint);
    host = rest.substr(1, close - 1);
    rest = rest.substr(close + 2);
  } else {
    const auto colon = rest.find(':');
    if (colon == std::string::npos) throw util::usage_error("bad --resolve '" + text + "'", hint);
    host = rest.substr(0, colon);
    rest = rest.substr(colon + 1);
  }
  const auto colon = rest.find(':');
  if (host.empty() || colon == std::string::npos) throw util::usage_error("bad --resolve '" + text + "'", hint);
  const auto port = parse_port(rest.substr(0, colon));
  if (!port) throw util::usage_error("bad --resolve '" + text + "': bad port", hint);
  e.host = lower(host);
  e.port = *port;
  std::string addresses = rest.substr(colon + 1);
  std::size_t start = 0;
  while (start <= addresses.size()) {
    const auto comma = addresses.find(',', start);
    std::string a = addresses.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (a.size() >= 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
    if (!is_ip_literal(a))
      throw util::usage_error("bad --resolve '" + text + "': '" + a + "' is not a numeric address", hint);
    e.addresses.push_back(a);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return e;
}

std::optional<Url> resolve_location(const Url& base, const std::string& location) {
  std::string absolute;
  if (location.find("://") != std::string::npos) {
    absolute = location;
  } else if (location.rfind("//", 0) == 0) {
    absolute = base.scheme + ":" + location;
  } else if (!location.empty() && location.front() == '/') {
    absolute = base.scheme + "://" + base.authority() + location;
  } else {
    // A relative path replaces the last segment of the base path (query dropped).
    const auto path = base.target.substr(0, base.target.find('?'));
    absolute = base.scheme + "://" + base.authority() + path.substr(0, path.rfind('/') + 1) + location;
  }
  try {
    return parse_url(absolute);
  } catch (const util::Error&) {
    return std::nullopt;
  }
}

std::optional<ResolveEntry> resolve_for(const Url& url, const std::vector<ResolveEntry>& entries) {
  for (const auto& e : entries)
    if (e.host == url.host && e.port == url.port) return e;
  return std::nullopt;
}

}  // namespace authctx::http
