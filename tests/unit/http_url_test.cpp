// URL and --resolve parsing (src/http/url.hpp): what goes on the wire, in the Host header
// and in the service name, and the usage errors for what cannot.
#include <catch2/catch.hpp>

#include "http/message.hpp"
#include "http/url.hpp"
#include "util/errors.hpp"

using namespace authctx::http;
namespace util = authctx::util;

namespace {
std::string usage_message(const std::string& text) {
  try {
    parse_url(text);
  } catch (const util::Error& e) {
    CHECK(e.kind() == util::ErrorKind::usage);
    return e.what();
  }
  FAIL("no usage error for " << text);
  return {};
}
}  // namespace

TEST_CASE("http url: host port and path+query are split and the host is lower-cased", "[http][url]") {
  const auto u = parse_url("HTTP://WWW.Example.TEST:8080/a/b?x=1&y=2#frag");
  CHECK(u.scheme == "http");
  CHECK(u.host == "www.example.test");
  CHECK(u.host_kind == HostKind::name);
  CHECK(u.port == 8080);
  CHECK(u.explicit_port);
  CHECK(u.target == "/a/b?x=1&y=2");
  CHECK(u.authority() == "www.example.test:8080");
  CHECK(u.text() == "http://www.example.test:8080/a/b?x=1&y=2");
}

TEST_CASE("http url: default ports and an empty path give / and a bare Host", "[http][url]") {
  const auto a = parse_url("https://localhost");
  CHECK(a.tls());
  CHECK(a.port == 443);
  CHECK_FALSE(a.explicit_port);
  CHECK(a.target == "/");
  CHECK(a.authority() == "localhost");
  const auto b = parse_url("http://localhost:80?q");
  CHECK(b.port == 80);
  CHECK(b.target == "/?q");
  CHECK(b.authority() == "localhost");
  const auto c = parse_url("http://localhost:/x");  // RFC 3986 allows an empty port
  CHECK(c.port == 80);
}

TEST_CASE("http url: IPv4 and bracketed IPv6 literals are recognised", "[http][url]") {
  const auto v4 = parse_url("http://127.0.0.1:8080/");
  CHECK(v4.host_kind == HostKind::ipv4);
  CHECK(v4.host == "127.0.0.1");
  const auto v6 = parse_url("https://[::1]:8443/p");
  CHECK(v6.host_kind == HostKind::ipv6);
  CHECK(v6.host == "::1");
  CHECK(v6.port == 8443);
  CHECK(v6.authority() == "[::1]:8443");
  CHECK(parse_url("http://[::1]/").authority() == "[::1]");
  CHECK(is_ip_literal("::1"));
  CHECK(is_ip_literal("10.0.0.1"));
  CHECK_FALSE(is_ip_literal("localhost"));
}

TEST_CASE("http url: bad URLs are usage errors that say what to write", "[http][url]") {
  CHECK_THAT(usage_message("localhost:8080/"), Catch::Contains("no scheme"));
  CHECK_THAT(usage_message("ftp://localhost/"), Catch::Contains("unsupported URL scheme 'ftp'"));
  CHECK_THAT(usage_message("ldap://localhost/"), Catch::Contains("unsupported URL scheme"));
  CHECK_THAT(usage_message("http://user:pw@localhost/"), Catch::Contains("user information"));
  CHECK_THAT(usage_message("http://::1/"), Catch::Contains("must be in brackets"));
  CHECK_THAT(usage_message("http://[::1/"), Catch::Contains("without ']'"));
  CHECK_THAT(usage_message("http://[nothost]/"), Catch::Contains("is not an IPv6 address"));
  CHECK_THAT(usage_message("http://[::1]x/"), Catch::Contains("after the IPv6 address"));
  CHECK_THAT(usage_message("http://localhost:0/"), Catch::Contains("bad port '0'"));
  CHECK_THAT(usage_message("http://localhost:65536/"), Catch::Contains("bad port"));
  CHECK_THAT(usage_message("http://localhost:8o/"), Catch::Contains("bad port"));
  CHECK_THAT(usage_message("http:///path"), Catch::Contains("is not a host name"));
  CHECK_THAT(usage_message("http://exa mple/"), Catch::Contains("is not a host name"));
  CHECK_THAT(usage_message("http://localhost/a b"), Catch::Contains("path offset 2"));
  CHECK_THAT(usage_message("http://localhost/\xc3\xa9"), Catch::Contains("non-ASCII"));
  CHECK_THAT(usage_message("http://localhost/a\r\nX-Injected: 1"), Catch::Contains("control"));
}

TEST_CASE("http url: --resolve keeps the host and gives the addresses", "[http][url][resolve]") {
  const auto e = parse_resolve("WWW.example.test:443:127.0.0.1");
  CHECK(e.host == "www.example.test");
  CHECK(e.port == 443);
  REQUIRE(e.addresses.size() == 1);
  CHECK(e.addresses[0] == "127.0.0.1");
  const auto v6 = parse_resolve("+svc.test:8443:[::1],127.0.0.2");
  CHECK(v6.host == "svc.test");
  REQUIRE(v6.addresses.size() == 2);
  CHECK(v6.addresses[0] == "::1");
  CHECK(v6.addresses[1] == "127.0.0.2");
  CHECK(parse_resolve("[::1]:80:::1").host == "::1");
  CHECK(parse_resolve("h:80:::1").addresses.at(0) == "::1");

  const auto url = parse_url("https://www.example.test/x");
  CHECK(resolve_for(url, {e}).has_value());
  CHECK_FALSE(resolve_for(parse_url("https://www.example.test:8443/"), {e}).has_value());
  CHECK_FALSE(resolve_for(parse_url("https://other.test/"), {e}).has_value());
}

TEST_CASE("http url: bad --resolve values are usage errors", "[http][url][resolve]") {
  for (const std::string bad : {"host", "host:80", "host:x:127.0.0.1", "host:80:not-an-ip", ":80:127.0.0.1", "-host:80",
                                "host:0:127.0.0.1", "[::1:80:::1", "host:80:"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_resolve(bad), util::Error);
  }
}

TEST_CASE("http headers: --header lines are parsed and header injection is refused", "[http][headers]") {
  const auto h = parse_header_line("X-Trace:   abc def  ");
  CHECK(h.name == "X-Trace");
  CHECK(h.value == "abc def");
  CHECK(parse_header_line("X-Empty:").value.empty());
  CHECK_THROWS_AS(parse_header_line("no colon"), util::Error);
  CHECK_THROWS_AS(parse_header_line(": value"), util::Error);
  CHECK_THROWS_AS(parse_header_line("Bad Name: v"), util::Error);
  CHECK_THROWS_AS(parse_header_line("X: a\r\nInjected: 1"), util::Error);
  CHECK_THROWS_AS(parse_header_line(std::string("X: a\0b", 6)), util::Error);

  Headers list;
  list.add("WWW-Authenticate", "Negotiate");
  list.add("Content-Type", "text/plain");
  list.add("www-authenticate", "NTLM");
  CHECK(list.all("WWW-AUTHENTICATE") == std::vector<std::string>{"Negotiate", "NTLM"});
  CHECK(list.first("content-type") == "text/plain");
  list.set("WWW-Authenticate", "Basic");
  CHECK(list.all("www-authenticate") == std::vector<std::string>{"Basic"});
  CHECK(escape_bytes(std::string("\x16\x03\x01ok\\", 6)) == "\\x16\\x03\\x01ok\\x5c");
  CHECK(escape_bytes(std::string(60, 'a'), 4) == "aaaa...");
}
