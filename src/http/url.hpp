// URLs for the HTTP transport and curl's --resolve override.
//
// parse_url accepts http:// and https:// URLs (RFC 3986 §3): a host name, an IPv4 literal
// or a bracketed IPv6 literal, an optional port (default 80/443) and a path with an
// optional query (the fragment is dropped: it never goes on the wire). The host is
// lower-cased, as DNS and browsers treat it. User information (user:password@) is refused:
// authctx authenticates with GSS-API, and a password in a URL would end up in shell
// history. Bytes a request line cannot carry (spaces, controls, non-ASCII) are refused with
// a hint to percent-encode them. Every failure throws util::Error of kind usage.
//
// --resolve HOST:PORT:ADDRESS[,ADDRESS...] (curl's syntax; a leading '+' is accepted and
// ignored) makes connections for HOST:PORT go to ADDRESS while HOST stays in the Host
// header, the TLS server name (SNI), the certificate name check and the service principal.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace authctx::http {

enum class HostKind { name, ipv4, ipv6 };

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower-cased; an IPv6 literal without its brackets
  HostKind host_kind = HostKind::name;
  std::uint16_t port = 0;
  bool explicit_port = false;  // the URL named the port
  std::string target;          // path and query, at least "/"

  bool tls() const { return scheme == "https"; }
  std::uint16_t default_port() const { return tls() ? 443 : 80; }
  std::string host_for_uri() const;  // the host, bracketed when IPv6
  std::string authority() const;     // Host header value: host, plus ":port" unless default
  std::string text() const;          // scheme://authority/target
};

Url parse_url(const std::string& text);

struct ResolveEntry {
  std::string host;  // lower-cased, without brackets
  std::uint16_t port = 0;
  std::vector<std::string> addresses;  // numeric addresses, without brackets
  std::string text;                    // as given
};

ResolveEntry parse_resolve(const std::string& text);

// The entry that applies to url (same host and port), if any.
std::optional<ResolveEntry> resolve_for(const Url& url, const std::vector<ResolveEntry>& entries);

// A redirect's Location resolved against the URL it answered (RFC 9110 §10.2.2, RFC 3986
// §5.2): absolute, scheme-relative ("//host/p"), absolute-path and relative-path references.
// nullopt when it is not a usable http(s) URL.
std::optional<Url> resolve_location(const Url& base, const std::string& location);

// True if text is a numeric IPv4 or IPv6 address (no brackets).
bool is_ip_literal(const std::string& text);

}  // namespace authctx::http
